"""A replication's records, built from the dispatcher's state after the run.

During the run the dispatcher stores only what later events read (state, option, dispatch
time, and dictionaries for the few calls the rarer rules touch); the other columns follow
from those and the call stream, and are derived here with numpy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.records import NO_TEAM, Records
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.model.state import DispatchState

_SERVED = 0


def _by_option(table: list[list[int]], fill: int) -> np.ndarray:
    """A per-(call type, option) table as a rectangular array padded with ``fill``."""
    out = np.full((len(table), max(map(len, table))), fill, dtype=np.int8)
    for ct, row in enumerate(table):
        out[ct, : len(row)] = row
    return out


def _set(column: np.ndarray, values: dict[int, float]) -> np.ndarray:
    """The column with the given calls' values replaced."""
    if values:
        column[np.fromiter(values, dtype=np.int64)] = np.fromiter(values.values(), dtype=float)
    return column


def build_records(d: DispatchState, scn: Scenario, replication: int) -> Records:
    """The per-call columns, with those that follow from others derived by numpy.

    A served call's team and units are those of the option it was dispatched at;
    ``on_scene = dispatch + travel`` and ``clear = on_scene + time held`` (on scene plus
    any transport) are the very float64 sums the dispatcher made, so the columns equal
    per-call bookkeeping bit for bit; calls whose travel depended on coverage, or that were
    interrupted, take the dispatcher's own figures. NaN (never dispatched) propagates.
    """
    calls = d.calls
    n = len(calls)
    state, option = d.state_col, d.option_col
    served = state == _SERVED
    ct = calls.call_type
    teams = [[o.team for o in chain] for chain in d.opts]
    team = np.where(served, _by_option(teams, NO_TEAM)[ct, option], NO_TEAM)
    units = np.where(served, _by_option([[o.units for o in c] for c in d.opts], 0)[ct, option], 0)
    dispatch = d.dispatch_col
    rows, col = np.arange(n), np.maximum(team, 0)  # any column where dispatch is NaN
    on_scene = _set(dispatch + calls.travel[rows, col], d.arrived)
    clear = _set(on_scene + d.held_col[rows, col], d.cleared)
    b_dispatch = _set(np.full(n, math.nan), d.b_dispatch)
    b_travel = _set(calls.backup_travel.copy(), d.b_travel) if d.b_travel else calls.backup_travel
    b_on_scene = b_dispatch + b_travel
    backup_team = np.asarray(d.backup_team, dtype=np.int8)[ct]
    columns = {
        "arrival": calls.arrival,
        "ready": calls.ready,
        "call_type": ct,
        "priority": calls.priority,
        "state": state,
        "option": option,
        "team": team.astype(np.int8),
        "units": units.astype(np.int8),
        "dispatch": dispatch,
        "on_scene": on_scene,
        "clear": clear,
        "backup_team": np.where(calls.backup, backup_team, NO_TEAM).astype(np.int8),
        "backup_dispatch": b_dispatch,
        "backup_on_scene": b_on_scene,
        "backup_clear": b_on_scene + calls.backup_on_scene,
    }
    if calls.transport is not None:
        columns["transport"] = np.where(served, calls.transport[rows, col], math.nan)
    if any(o.co != NO_TEAM for chain in d.opts for o in chain):
        columns.update(_co_columns(d.co, n))
    if d.preempting:
        columns.update(_interrupted_columns(d, calls.on_scene[rows, col], columns))
    ot = np.asarray(d.overtime, dtype=float).reshape(-1, 3)
    mv = np.asarray(d.moves, dtype=float).reshape(-1, 3)
    gaps = np.asarray(d.interruptions, dtype=float).reshape(-1, 5)
    return Records(
        columns=columns,
        overtime={"team": ot[:, 0].astype(np.int8), "start": ot[:, 1], "end": ot[:, 2]},
        call_types=tuple(scn.call_type_names),
        teams=tuple(scn.team_names),
        warmup=scn.warmup_min(),
        horizon=d.horizon,
        replication=replication,
        seed=scn.scenario.seed,
        moves={"call": mv[:, 0].astype(np.int64), "option": mv[:, 1].astype(np.int8),
               "time": mv[:, 2]},
        interruptions={"call": gaps[:, 0].astype(np.int64), "team": gaps[:, 1].astype(np.int8),
                       "units": gaps[:, 2].astype(np.int8), "start": gaps[:, 3],
                       "end": gaps[:, 4]},
    )  # fmt: skip


def _co_columns(co: dict[int, list[float]], n: int) -> dict[str, np.ndarray]:
    """Co-responder team, units, dispatch, on-scene and clear of every call (NaN: none)."""
    out = np.full((n, 5), math.nan)
    if co:
        out[np.fromiter(co, dtype=np.int64)] = np.asarray(list(co.values()), dtype=float)
    team = np.where(np.isnan(out[:, 0]), NO_TEAM, np.nan_to_num(out[:, 0])).astype(np.int8)
    return {
        "co_team": team,
        "co_units": np.nan_to_num(out[:, 1]).astype(np.int8),
        "co_dispatch": out[:, 2],
        "co_on_scene": out[:, 3],
        "co_clear": out[:, 4],
    }


def _interrupted_columns(
    d: DispatchState, scene: np.ndarray, columns: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """How often each call was interrupted, and for how many minutes after its first arrival.

    Pre-emptive resume keeps the work: clear − first arrival = time on scene + transport +
    the minutes it was not worked on (waiting to resume, and the travel back to it).
    """
    n = len(scene)
    count = np.bincount(
        np.asarray([g[0] for g in d.interruptions], dtype=np.int64), minlength=n
    ).astype(np.int8)
    transport = columns.get("transport", np.zeros(n))
    away = columns["clear"] - columns["on_scene"] - scene - np.nan_to_num(transport)
    return {"interrupted": count, "interrupted_min": np.where(count > 0, away, 0.0)}


__all__ = ["build_records"]
