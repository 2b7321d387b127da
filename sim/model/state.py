"""The dispatcher's state: static tables from the scenario, team state, per-call columns.

Built once per replication. Names say one thing each: ``on_duty`` is how many units a
team's plan has on duty now, ``option`` is the index of a response-chain option, ``free``
the idle units on duty, ``live`` the calls and requests really waiting in a team's queue
(entries of calls that moved on are left in the heap and skipped when they reach its top).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np

from sim.levers import Coverage
from sim.model.calls import CallStream
from sim.model.clock import Callback, Clock, Due
from sim.records import NO_TEAM, State
from sim.scenario import MINUTES_PER_WEEK, Scenario

SERVED, NO_DISPATCH, WAITING = int(State.SERVED), int(State.NO_DISPATCH), int(State.WAITING)
BACKUP, JOIN = -1, -2  # the option field of a queue entry for a backup / co-responder request
INF = math.inf


FAST, SHARE_ONLY, GENERAL = 0, 1, 2  # the path an option takes (`Option.path`)


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a response chain, as team indexes and numbers."""

    team: int
    units: int
    wait: float  # minutes a call waits for it before moving on (inf: as long as it takes)
    share: float
    co: int  # the co-responder's team, or NO_TEAM
    co_units: int
    together: bool  # the co-responder is dispatched with the team, not when free
    off_hours: bool  # the off-duty rule may pass it over (a team of it is sometimes off duty)
    path: int  # FAST; SHARE_ONLY: fast once the share has taken the call; GENERAL: rules.py

    @property
    def crew(self) -> tuple[int, ...]:
        """The teams whose queues a call at this option waits in."""
        return (self.team, self.co) if self.together else (self.team,)


@dataclass(slots=True)
class Busy:
    """A call in service, as pre-emption needs to know it."""

    priority: int
    since: float  # when these units were dispatched
    units: int
    clear: Due  # the event of their clearing (cancelled if interrupted)
    backup: Due | None  # the backup request due when they arrive, if any
    arrive: float
    done: float
    work: float  # minutes of work after arriving


def _floats(column: np.ndarray) -> memoryview[float]:
    """A memoryview of a float64 column (contiguous: a copy only if it was a strided slice)."""
    view = np.ascontiguousarray(column, dtype=np.float64).data  # format "d": items are floats
    return cast("memoryview[float]", view)


def _ints(column: np.ndarray) -> memoryview[int]:
    """A memoryview of an integer column, which keeps its own dtype."""
    return np.ascontiguousarray(column).data


def staffing_changes(scn: Scenario, horizon: float) -> list[list[tuple[float, int]]]:
    """Per team, every (minute, units on duty) change from time 0 up to the horizon."""
    changes = []
    weeks = math.ceil(horizon / MINUTES_PER_WEEK)
    for team in scn.teams.values():
        times, on_duty = team.schedule()
        seq: list[tuple[float, int]] = []
        for w in range(weeks):
            for t, n in zip(times + w * MINUTES_PER_WEEK, on_duty, strict=True):
                if t < horizon and (not seq or seq[-1][1] != n):
                    seq.append((float(t), int(n)))
        changes.append(seq)
    return changes


def _options(scn: Scenario, off_hours: list[bool]) -> list[list[Option]]:
    """Every call type's chain as :class:`Option` tuples."""
    teams = scn.team_names
    rules = scn.dispatch
    out = []
    for ct in scn.call_types.values():
        chain = []
        for o in ct.response:
            t = teams.index(o.team)
            wait = INF if o.max_wait_min is None else o.max_wait_min
            co = o.co_responder
            c = teams.index(co.team) if co else NO_TEAM
            crew = [t] + ([c] if co else [])
            skips = rules.skip_off_duty and 0 < wait < INF and any(off_hours[k] for k in crew)
            general = (
                co is not None
                or bool(rules.preempt)
                or any(scn.teams[teams[k]].coverage is not None for k in crew)
                or skips
            )
            share = o.share_of_calls()
            path = GENERAL if general else SHARE_ONLY if share < 1 else FAST
            units = co.units if co else 0
            together = co is not None and co.joins == "together"
            chain.append(Option(t, o.units, wait, share, c, units, together, skips, path))
        out.append(chain)
    return out


class DispatchState:
    """Everything one replication's dispatcher reads and writes."""

    def __init__(self, scn: Scenario, calls: CallStream, horizon: float) -> None:
        self.clock = Clock()
        self.after, self.rearm = self.clock.scheduler()
        self.horizon = horizon
        teams = scn.team_names
        n_teams = len(teams)
        self.changes = staffing_changes(scn, horizon)
        # The times each team's plan goes from nobody to somebody on duty, a week past the
        # end of the run too (a call near the end may wait for a shift after it).
        self.starts = [
            [t for (t, n), (_, before) in zip(seq[1:], seq, strict=False) if n and not before]
            for seq in staffing_changes(scn, horizon + MINUTES_PER_WEEK)
        ]
        off_hours = [team.on_duty().min() == 0 for team in scn.teams.values()]
        self.opts = _options(scn, off_hours)
        self.skip_off_duty = scn.dispatch.skip_off_duty
        self.preempting = frozenset(scn.dispatch.preempt)
        self.coverage: list[Coverage | None] = [team.coverage for team in scn.teams.values()]
        self.backup_team = [
            teams.index(ct.backup.team) if ct.backup else NO_TEAM for ct in scn.call_types.values()
        ]
        # Team state.
        self.free = [0] * n_teams
        self.on_duty = [0] * n_teams
        self.leaving: list[deque[float]] = [deque() for _ in teams]
        self.queue: list[list[tuple[int, float, int, int]]] = [[] for _ in teams]
        self.live = [0] * n_teams
        self.overtime: list[tuple[int, float, float]] = []
        self.change_at = [0] * n_teams
        self._per_call(calls, n_teams)
        # Bookkeeping of the rarer rules (empty unless the scenario uses them).
        self.moves: list[tuple[int, int, float]] = []  # (call, option it left, minute)
        self.timers: dict[int, Due] = {}  # wait-limit events of calls at special options
        self.arrived: dict[int, float] = {}  # first unit on scene, where not dispatch + travel
        self.cleared: dict[int, float] = {}  # clear, where not on scene + time held
        self.b_dispatch: dict[int, float] = {}
        self.b_travel: dict[int, float] = {}  # backup travel where coverage set it
        self.co: dict[int, list[float]] = {}  # co team, units, dispatch, on scene, clear
        self.joining: dict[int, int] = {}  # call → co team of a pending 'when_free' request
        self.b_requested: set[int] = set()  # calls whose backup request has been made
        self.in_service: list[dict[int, Busy]] = [{} for _ in teams]  # for pre-emption
        self.remaining: dict[int, float] = {}  # interrupted calls: minutes of work left
        self.interruptions: list[list[float]] = []  # call, team, units, start, end
        self.open_gap: dict[int, int] = {}  # interrupted call → its row in interruptions
        # One shared callback list per kind of event (see `Due`); the hot path fills in the
        # arrival callback and one clear callback per (team, units held).
        self.wait_cbs: list[Callback] = []
        self.backup_cbs: list[Callback] = []
        self.shift_cbs: list[Callback] = []
        self.ready_cbs: list[Callback] = []
        most = [1] * n_teams  # the most units of each team one call can hold
        for chain in self.opts:
            for o in chain:
                most[o.team] = max(most[o.team], o.units)
                if o.co != NO_TEAM:
                    most[o.co] = max(most[o.co], o.co_units)
        self.clear_cbs: list[list[list[Callback]]] = [[[] for _ in range(m + 1)] for m in most]
        self.general_clear_cbs: list[list[list[Callback]]] = [
            [[] for _ in range(m + 1)] for m in most
        ]

    def _per_call(self, calls: CallStream, n_teams: int) -> None:
        """Per-call inputs and outputs as numpy arrays seen through memoryviews.

        Indexing a memoryview gives a plain Python float or int as fast as a list does
        (numpy scalars are slow), stores into one cost little more, and neither copies the
        columns nor boxes a million floats (lists of 1,000,000 calls would take ~200 MB
        more). The output arrays become the record columns as they are.
        """
        n = len(calls)
        self.calls = calls
        self.ready = _floats(calls.ready)
        self.ctype = _ints(calls.call_type)
        self.priority = _ints(calls.priority)
        self.travel = [_floats(calls.travel[:, t]) for t in range(n_teams)]
        self.scene = [_floats(calls.on_scene[:, t]) for t in range(n_teams)]
        # Time held after arriving: on scene, plus transport when the scenario has any.
        self.held_col = (
            calls.on_scene if calls.transport is None else calls.on_scene + calls.transport
        )
        self.held = [_floats(self.held_col[:, t]) for t in range(n_teams)]
        self.skip = None if calls.skip is None else _ints(calls.skip)
        self.distance = None if calls.distance is None else calls.distance
        self.order = _ints(np.flatnonzero(~calls.no_dispatch))
        # Backups are rare: a set of the calls that request one.
        self.backup = set(np.flatnonzero(calls.backup).tolist())
        self.state_col = np.where(calls.no_dispatch, NO_DISPATCH, WAITING).astype(np.int8)
        self.option_col = np.full(n, -1, dtype=np.int8)
        self.dispatch_col = np.full(n, math.nan)
        self.state = _ints(self.state_col)
        self.cur_option = _ints(self.option_col)
        self.dispatched_at = _floats(self.dispatch_col)

    # ------------------------------------------------------------------------ small helpers

    def next_start(self, t: int, now: float) -> float:
        """When team t's plan next goes from nobody to somebody on duty (inf: not in the run)."""
        starts = self.starts[t]
        k = bisect_right(starts, now)
        return starts[k] if k < len(starts) else INF

    def travel_of(self, t: int, i: int, free: int, distance: np.ndarray | None) -> float:
        """Minutes for a unit of team t to reach call i with ``free`` units idle before it.

        The drawn travel, plus with coverage the square-root-law distance over the speed.
        """
        cover = self.coverage[t]
        if cover is None or distance is None:
            return self.travel[t][i]
        return self.travel[t][i] + cover.minutes(max(free, 1), float(distance[i, t]))


Hot = tuple[
    Callable[[int, int, float], None],
    Callable[[int, int, int, float], None],
    Callable[[int, float], None],
]

__all__ = [
    "BACKUP",
    "FAST",
    "GENERAL",
    "INF",
    "JOIN",
    "NO_DISPATCH",
    "SERVED",
    "SHARE_ONLY",
    "WAITING",
    "Busy",
    "DispatchState",
    "Hot",
    "Option",
    "staffing_changes",
]
