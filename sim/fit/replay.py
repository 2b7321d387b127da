"""Replay history: drive the engine with an export's own calls instead of fitted processes.

The export is read, cleaned and categorized exactly as for fitting; each call's received time
becomes minutes from the Monday 00:00 on or before the first call (the scenario clock starts
on a Monday), and its category names the scenario call type. Everything else (dispatch
delay, travel, on-scene time, backup) is still drawn from the scenario — unless recorded
on-scene times are asked for, in which case each call keeps its own where the export has it.
That validates a fitted scenario against the history it came from, and asks "what if" of
the real sequence of calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.data import ColumnMapping, Taxonomy, intervals
from sim.errors import DataError
from sim.fit.arrivals import data_window
from sim.fit.build import FitOptions, prepare
from sim.metrics import DAYS_PER_YEAR, Summary, combine, staffed_unit_minutes
from sim.pipeline.runs import RunResult
from sim.pipeline.sources import HistoricalCalls
from sim.scenario import MINUTES_PER_DAY, Scenario, with_overrides


@dataclass(frozen=True)
class Replay:
    """Historical calls by scenario call type: arrival minutes (sorted) and on-scene minutes."""

    arrivals: dict[str, np.ndarray]
    on_scene: dict[str, np.ndarray]
    origin: pd.Timestamp
    days: float
    warmup_days: float
    calls: int
    left_out: dict[str, int]
    gap_days: tuple[int, ...] = ()
    """Days missing from the export (days after ``origin``): not counted as staffed."""
    on_scene_share: float = 0.0
    """Share of the replayed calls with a recorded time on scene."""

    def note(self) -> str:
        """One line saying what is replayed (and what was left out)."""
        text = (f"replaying {self.calls:,} calls from {self.origin.date()} "
                f"({self.days:g} days, first {self.warmup_days:g} as warm-up)")  # fmt: skip
        if self.left_out:
            parts = ", ".join(f"{k} {v:,}" for k, v in self.left_out.items())
            text += f"; left out (not call types of the scenario): {parts}"
        if self.gap_days:
            text += (f"; {len(self.gap_days)} days missing from the export are not counted "
                     "as staffed (hours, utilization, cost)")  # fmt: skip
        return text

    def on_scene_note(self) -> str:
        """What ``--replay-on-scene`` does with this export."""
        if self.on_scene_share == 0:
            return ("the export has no on-scene times, so --replay-on-scene changes nothing: "
                    "every time on scene is drawn from the scenario")  # fmt: skip
        if self.on_scene_share < 1:
            return (f"recorded on-scene times for {self.on_scene_share:.0%} of the calls; the "
                    "others are drawn from the scenario")  # fmt: skip
        return "every call keeps its recorded time on scene"

    def source(self, on_scene: bool = False) -> HistoricalCalls:
        """The call source a replay runs on (it travels with each replication's work).

        With ``on_scene``, each call keeps its recorded time on scene where the export has
        one (see :class:`~sim.pipeline.sources.HistoricalCalls`).
        """
        return HistoricalCalls(self.arrivals, self.on_scene if on_scene else None)


def replay_from_table(scn: Scenario, table: pd.DataFrame, on_scene: pd.Series) -> Replay:
    """Arrival minutes per call type from a cleaned, categorized table."""
    received = table["received"]
    first = received.min()
    origin = first.normalize() - pd.Timedelta(days=int(first.day_of_week))
    minutes = ((received - origin).dt.total_seconds() / 60.0).to_numpy()
    category = table["category"].astype(str).to_numpy()
    scene = on_scene.to_numpy(dtype=float)
    arrivals, scenes, left_out = {}, {}, {}
    for name in pd.unique(category):
        mask = category == name
        if name not in scn.call_types:
            left_out[str(name)] = int(mask.sum())
            continue
        order = np.argsort(minutes[mask], kind="stable")
        arrivals[str(name)] = minutes[mask][order]
        scenes[str(name)] = scene[mask][order]
    if not arrivals:
        raise DataError(
            f"none of the export's categories ({', '.join(sorted(left_out))}) is a call type "
            f"of {scn.scenario.name} ({', '.join(scn.call_types)})",
            hint="replay the export against a scenario fitted from it (sim fit)",
        )
    days = float(math.ceil(minutes.max() / MINUTES_PER_DAY + 1e-9))
    lead = (first.normalize() - origin).days
    warmup = min(lead + scn.scenario.warmup_days, days - 1)
    gaps = tuple((d - origin).days for d in data_window(received).gap_days)
    kept = np.concatenate(list(scenes.values()))
    return Replay(arrivals, scenes, origin, days, float(max(warmup, 0)),
                  int(sum(len(a) for a in arrivals.values())), left_out, gaps,
                  float(np.isfinite(kept).mean()) if len(kept) else 0.0)  # fmt: skip


def load_replay(
    scn: Scenario,
    path: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
) -> Replay:
    """Read an export (cleaned and categorized as for ``sim fit``) for replay."""
    prepared = prepare(path, mapping, taxonomy, FitOptions())
    scene = intervals(prepared.table, prepared.travel_from)["on_scene_min"]
    return replay_from_table(scn, prepared.table, scene)


def without_gap_days(scn: Scenario, replay: Replay, result: RunResult) -> RunResult:
    """The run with the export's missing days taken out of the measured days.

    A day missing from the export has no calls, but the scenario's shifts staff it all the
    same: counted, it would lower utilization and raise the cost of the days the export
    holds, and spread a year's figures over days nothing was recorded on. Each replication's
    figures are taken over the days the export holds instead: the staffed unit-hours and
    cost of the gap days inside the measured window come out (exact: the weekly plan summed
    over those minutes), and every per-year figure is scaled by 365 over the days that remain.
    """
    lo, hi = scn.warmup_min(), scn.horizon_min()
    spans = [(max(lo, d * MINUTES_PER_DAY), min(hi, (d + 1) * MINUTES_PER_DAY))
             for d in replay.gap_days]  # fmt: skip
    spans = [(a, b) for a, b in spans if b > a]
    if not spans:
        return result
    gone = sum(b - a for a, b in spans) / MINUTES_PER_DAY
    days = (hi - lo) / MINUTES_PER_DAY - gone
    reps = [_without(scn, s, spans, gone, days) for s in result.replications]
    summary = combine(scn, reps)
    note = (f"{len(spans)} days missing from the export are not counted as staffed; figures "
            f"per year are over the {days:g} days the export holds")  # fmt: skip
    summary = summary.model_copy(update={"warnings": [*summary.warnings, note]})
    return RunResult(summary=summary, replications=reps, outcomes=result.outcomes)


def _scaled(node: Any, factor: float, per_year: bool = False) -> Any:
    """Every figure under a ``*_per_year`` key (or ``cost.per_year``) times ``factor``."""
    if isinstance(node, dict):
        return {k: _scaled(v, factor, per_year or k.endswith("per_year")) for k, v in
                node.items()}  # fmt: skip
    if per_year and isinstance(node, float | int) and not isinstance(node, bool):
        return node * factor
    return node


def _without(scn: Scenario, s: Summary, spans: list[tuple[float, float]], gone: float,
             days: float) -> Summary:  # fmt: skip
    measured = s.measured.days
    data = _scaled(s.model_dump(), measured / days)  # per year over the days held
    total = 0.0
    for name, t in data["teams"].items():
        team = scn.teams[name]
        hours = sum(staffed_unit_minutes(scn, name, a, b) for a, b in spans) / 60
        gap_cost = team.cost_per_unit_hour * hours + team.fixed_cost_per_year * gone / 365
        t["staffed_unit_hours_per_year"] -= hours * DAYS_PER_YEAR / days
        t["cost_per_year"] -= gap_cost * DAYS_PER_YEAR / days
        staffed = t["staffed_unit_hours_per_year"]
        t["utilization"] = t["busy_unit_hours_per_year"] / staffed if staffed > 0 else None
        total += t["cost_per_year"] * days / DAYS_PER_YEAR
    calls = s.measured.calls
    data["cost"]["per_year"] = total * DAYS_PER_YEAR / days
    data["cost"]["per_call"] = total / calls if calls else None
    data["measured"].update(days=days, cost=total)
    return Summary.model_validate(data)


def replay_scenario(scn: Scenario, replay: Replay) -> Scenario:
    """The scenario run over the replay's days, with the lead-in before the data as warm-up."""
    return with_overrides(
        scn,
        {"scenario.days": replay.days, "scenario.warmup_days": replay.warmup_days},
        source=f"{scn.scenario.name} (replay)",
    )


__all__ = [
    "Replay",
    "load_replay",
    "replay_from_table",
    "replay_scenario",
    "without_gap_days",
]
