"""The dispatch engine: one central dispatcher driven by callbacks on a SimPy Environment.

Events per call are few (ARCHITECTURE principle 4): the call reaching the dispatcher, its
units clearing, and — only when it has to queue with a finite wait limit — the limit
expiring; a backup request adds one more. There are no SimPy processes or Resources per
call: queues are heaps owned by the dispatcher, and every random quantity was drawn up
front (:mod:`sim.model.calls`).

Dispatch rules:

* each team keeps one queue ordered by priority (1 is most urgent), then by the time the
  call reached the dispatcher;
* a call goes to the first option of its response chain; if it cannot be dispatched there
  within that option's ``max_wait_min`` it moves on to the next option (0 means it moves on
  at once: no waiting room); the last option waits as long as it takes;
* a call that needs several units is dispatched when that many are free at once, and the
  head of a queue is never overtaken (strict priority, first come first served), so freed
  units are held for it;
* when a shift ends, idle units go off duty at once and busy units finish their call first;
  the time past the shift end is recorded as overtime;
* a backup request enters the backup team's queue when the first unit arrives on scene.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from heapq import heappop, heappush
from typing import cast

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from sim.model.calls import CallStream
from sim.records import NO_TEAM, Records, State
from sim.scenario import MINUTES_PER_WEEK, Scenario

_SERVED, _NO_DISPATCH, _WAITING = int(State.SERVED), int(State.NO_DISPATCH), int(State.WAITING)

# Speed. The engine costs about two microseconds per call, within 3× of a bare heapq event
# loop doing the same M/M/c work (benchmarks/README.md). The tricks, each explained where used:
# * events are bare `_Due` objects pushed straight onto the Environment's queue instead of
#   Timeouts, their callback lists are built once and shared, and the arrival event is
#   re-armed for the next call instead of making a new one;
# * the work done once per call (ready, offer, dispatch, clear, serve) lives in closures over
#   local variables (`Dispatcher._hot_path`); the rarer events (wait limits, backups, shift
#   changes) stay plain methods working on the same lists;
# * per-call inputs and outputs are numpy arrays read and written through memoryviews
#   (plain Python numbers, no copies), and dispatch stores only what later events read
#   (state, level, time): a clear event's callback is specific to (team, units), and
#   `records` derives the team, units, on-scene and clear columns with numpy after the run.


class _Due(Event):
    """A SimPy event that is triggered (successful) from the moment it is scheduled.

    It plays the part of :class:`simpy.events.Timeout` at under half the cost:
    ``Timeout.__init__`` checks the delay, sets five attributes and calls
    ``Environment.schedule``; a ``_Due`` is made with ``object.__new__`` (no ``__init__``),
    gets the three attributes ``Environment.step`` uses (``callbacks``, ``_value``, ``_ok``,
    always set in that order, so every instance has the same layout and CPython's attribute
    caches stay hit: ~7% of the run time against class-level defaults), and is pushed onto
    ``env._queue`` as ``Environment.schedule`` would push it. ``Environment.run`` then
    processes it like any other event. Its ``callbacks`` list is shared between events of
    one kind, which is safe because ``step`` swaps the list out and only iterates over it.
    """


_new = object.__new__
_Callback = Callable[[_Due], None]


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
        times, levels = team.schedule()
        seq: list[tuple[float, int]] = []
        for w in range(weeks):
            for t, lv in zip(times + w * MINUTES_PER_WEEK, levels, strict=True):
                if t < horizon and (not seq or seq[-1][1] != lv):
                    seq.append((float(t), int(lv)))
        changes.append(seq)
    return changes


class Dispatcher:
    """Runs one replication over pre-drawn calls and fills in their records."""

    def __init__(self, scn: Scenario, calls: CallStream, horizon: float) -> None:
        self.env = simpy.Environment()
        # The Environment's event heap and id counter, for pushing `_Due` events directly.
        self._queue = self.env._queue
        self._eid = self.env._eid
        self.horizon = horizon
        teams = scn.team_names
        n_teams = len(teams)
        self.chain_team = [
            [teams.index(o.team) for o in ct.response] for ct in scn.call_types.values()
        ]
        self.chain_units = [[o.units for o in ct.response] for ct in scn.call_types.values()]
        self.chain_wait = [
            [math.inf if o.max_wait_min is None else o.max_wait_min for o in ct.response]
            for ct in scn.call_types.values()
        ]
        self.backup_team = [
            teams.index(ct.backup.team) if ct.backup else NO_TEAM for ct in scn.call_types.values()
        ]
        # Team state.
        self.free = [0] * n_teams
        self.level = [0] * n_teams
        self.leaving: list[deque[float]] = [deque() for _ in teams]
        self.queue: list[list[tuple[int, float, int, int]]] = [[] for _ in teams]
        self.live = [0] * n_teams
        self.overtime: list[tuple[int, float, float]] = []
        self.changes = staffing_changes(scn, horizon)
        self.change_at = [0] * n_teams
        # Per-call inputs and outputs are numpy arrays seen through memoryviews: indexing a
        # memoryview gives a plain Python float or int as fast as a list does (numpy scalars
        # are slow), stores into one cost little more, and neither copies the columns nor
        # boxes a million floats (lists of 1,000,000 calls would take ~200 MB more).
        # The output arrays become the record columns as they are.
        n = len(calls)
        self.calls = calls
        self.ready = _floats(calls.ready)
        self.ctype = _ints(calls.call_type)
        self.priority = _ints(calls.priority)
        self.travel = [_floats(calls.travel[:, t]) for t in range(n_teams)]
        self.on_scene_time = [_floats(calls.on_scene[:, t]) for t in range(n_teams)]
        self.order = _ints(np.flatnonzero(~calls.no_dispatch))
        # Backups are rare: a set of the calls that request one, and a dict of dispatches.
        self.backup = set(np.flatnonzero(calls.backup).tolist())
        self.b_dispatch: dict[int, float] = {}
        self.state_col = np.where(calls.no_dispatch, _NO_DISPATCH, _WAITING).astype(np.int8)
        self.level_col = np.full(n, -1, dtype=np.int8)
        self.dispatch_col = np.full(n, math.nan)
        self.state = _ints(self.state_col)
        self.cur_level = _ints(self.level_col)
        self.dispatch = _floats(self.dispatch_col)
        # One shared callback list per kind of event (see `_Due`); `_hot_path` fills in the
        # arrival callback and one clear callback per (team, units held).
        self._wait_cbs: list[_Callback] = [self._on_wait_limit]
        self._backup_cbs: list[_Callback] = [self._on_backup_request]
        self._shift_cbs: list[_Callback] = [self._on_shift]
        self._ready_cbs: list[_Callback] = []
        most = [1] * n_teams  # the most units of each team one call can hold
        for chain, chain_units in zip(self.chain_team, self.chain_units, strict=True):
            for t, u in zip(chain, chain_units, strict=True):
                most[t] = max(most[t], u)
        self._clear_cbs: list[list[list[_Callback]]] = [[[] for _ in range(m + 1)] for m in most]
        self._offer, self._dispatch, self._serve = self._hot_path()

    # ------------------------------------------------------------------ scheduling helpers

    def _after(self, delay: float, value: int, callbacks: list[_Callback]) -> None:
        """Schedule an event ``delay`` minutes from now, as ``Timeout(env, delay, value)``.

        The time is computed as ``Environment.schedule`` computes it (``now + delay``), so
        events fall at exactly the same floating-point instants as with a Timeout; ids come
        from the Environment's own counter, so ties still go first scheduled, first run.
        """
        ev = _new(_Due)
        ev.callbacks = callbacks
        ev._value = value
        ev._ok = True
        heappush(self._queue, (self.env._now + delay, NORMAL, next(self._eid), ev))

    def _hot_path(
        self,
    ) -> tuple[Callable[[int, int], None], Callable[[int, int, int], None], Callable[[int], None]]:
        """Build the once-per-call callbacks as closures; return (offer, dispatch, serve).

        Speed trick: everything they touch is bound to a local of this function first, so
        inside them a lookup is one closure-cell load instead of ``self.`` plus an attribute
        lookup, and calls between them are plain function calls. The lists and views are
        the dispatcher's own (shared, not copied), so the methods for the rarer events see
        and change the same state. The arrival callback goes into ``_ready_cbs`` and one clear
        callback per (team, units) into ``_clear_cbs[team][units]``.
        """
        env, sim_queue, eid = self.env, self._queue, self._eid
        order, ready, ctype, priority = self.order, self.ready, self.ctype, self.priority
        chain_units = self.chain_units
        # (team, units, max wait) of each option of each call type: one lookup, not three.
        options = [
            list(zip(*chains, strict=True))
            for chains in zip(self.chain_team, self.chain_units, self.chain_wait, strict=True)
        ]
        free, live, queues, leaving = self.free, self.live, self.queue, self.leaving
        state, cur_level, dispatched_at = self.state, self.cur_level, self.dispatch
        travel, on_scene_time, backup = self.travel, self.on_scene_time, self.backup
        ready_cbs, clear_cbs = self._ready_cbs, self._clear_cbs
        backup_cbs, wait_cbs = self._backup_cbs, self._wait_cbs
        release, dispatch_backup, after = self._release, self._dispatch_backup, self._after
        n_order = len(order)
        inf = math.inf

        def on_ready(event: _Due) -> None:
            """Call ``order[k]`` reaches the dispatcher; the event's value is k."""
            k = event._value + 1
            if k < n_order:  # one pending arrival at a time: schedule the next one
                # `_after(ready - now, k, ready_cbs)`, inlined, re-arming this very event:
                # `step` has already swapped out its callbacks and afterwards only reads
                # `_ok`, so one arrival event object serves every call in turn.
                now = env._now
                event.callbacks = ready_cbs
                event._value = k
                heappush(sim_queue, (now + (ready[order[k]] - now), NORMAL, next(eid), event))
            offer(order[k - 1], 0)

        def offer(i: int, lv: int) -> None:
            """Put call i to option ``lv`` of its chain: dispatch, queue, or move on."""
            t, u, wait = options[ctype[i]][lv]
            cur_level[i] = lv
            if live[t] == 0 and free[t] >= u:
                dispatch(i, t, u)
                return
            if wait == 0:
                offer(i, lv + 1)
                return
            heappush(queues[t], (priority[i], ready[i], i, lv))
            live[t] += 1
            if free[t]:
                serve(t)
            if wait != inf and state[i] == _WAITING:
                after(wait, i, wait_cbs)

        def dispatch(i: int, t: int, u: int) -> None:
            """Send u units of team t to call i (already at the option its level says)."""
            now = env._now
            free[t] -= u
            state[i] = _SERVED
            dispatched_at[i] = now
            arrive = now + travel[t][i]  # `records` repeats these two sums for its columns
            done = arrive + on_scene_time[t][i]
            ev = _new(_Due)  # `_after(done - now, i, clear_cbs[t][u])`, inlined
            ev.callbacks = clear_cbs[t][u]
            ev._value = i  # not read: the callback knows (t, u); set for a uniform layout
            ev._ok = True
            heappush(sim_queue, (now + (done - now), NORMAL, next(eid), ev))
            if i in backup:
                after(arrive - now, i, backup_cbs)

        def clear_callback(t: int, u: int) -> _Callback:
            """The callback for u units of team t clearing a call."""

            def on_clear(event: _Due) -> None:
                """u units of team t clear a call."""
                if leaving[t]:
                    release(t, u)
                else:  # `_release` with no unit waiting to go off duty, inlined
                    free[t] += u
                    if queues[t]:
                        serve(t)

            return on_clear

        def serve(t: int) -> None:
            """Dispatch from the head of team t's queue while enough units are free."""
            q = queues[t]
            while q:
                _, _, job, lv = q[0]
                if job >= 0:
                    if state[job] != _WAITING or cur_level[job] != lv:
                        heappop(q)  # stale: served or moved on from this option already
                        continue
                    u = chain_units[ctype[job]][lv]
                else:
                    u = 1
                if free[t] < u:
                    return
                heappop(q)
                live[t] -= 1
                if job >= 0:
                    dispatch(job, t, u)
                else:
                    dispatch_backup(-job - 1, t)

        ready_cbs.append(on_ready)
        for t, by_units in enumerate(clear_cbs):
            for u, cbs in enumerate(by_units):
                cbs.append(clear_callback(t, u))
        return offer, dispatch, serve

    def run(self) -> None:
        """Simulate from time 0 to the horizon."""
        for t, seq in enumerate(self.changes):
            self.level[t] = self.free[t] = seq[0][1]
            self._next_shift(t)
        if self.order:
            self._after(self.ready[self.order[0]], 0, self._ready_cbs)
        self.env.run(until=self.horizon)
        for t, lv in enumerate(self.leaving):
            self.overtime.extend((t, end, self.horizon) for end in lv)

    # ------------------------------------------------------------------------------ events
    # The once-per-call work (ready, offer, dispatch, clear, serve) is in `_hot_path`.

    def _on_wait_limit(self, event: _Due) -> None:
        i = event._value
        if self.state[i] == _WAITING:
            lv = self.cur_level[i]
            t = self.chain_team[self.ctype[i]][lv]
            self.live[t] -= 1  # its queue entry is now stale and skipped when reached
            self._offer(i, lv + 1)

    def _on_backup_request(self, event: _Due) -> None:
        i = event._value
        t = self.backup_team[self.ctype[i]]
        if self.live[t] == 0 and self.free[t] >= 1:
            self._dispatch_backup(i, t)
            return
        heappush(self.queue[t], (self.priority[i], self.env._now, -i - 1, 0))
        self.live[t] += 1

    def _dispatch_backup(self, i: int, t: int) -> None:
        now = self.env._now
        self.free[t] -= 1
        self.b_dispatch[i] = now
        # Python floats from the numpy columns; `records` repeats this sum for its columns.
        calls = self.calls
        done = now + float(calls.backup_travel[i]) + float(calls.backup_on_scene[i])
        self._after(done - now, -i - 1, self._clear_cbs[t][1])

    def _release(self, t: int, u: int) -> None:
        """Units of team t are free again: go off duty if their shift is over, else serve."""
        leaving = self.leaving[t]
        while u and leaving:
            self.overtime.append((t, leaving.popleft(), self.env._now))
            u -= 1
        if u:
            self.free[t] += u
            self._serve(t)

    def _next_shift(self, t: int) -> None:
        k = self.change_at[t] = self.change_at[t] + 1
        if k < len(self.changes[t]):
            self._after(self.changes[t][k][0] - self.env._now, t, self._shift_cbs)

    def _on_shift(self, event: _Due) -> None:
        t = event._value
        self._set_level(t, self.changes[t][self.change_at[t]][1])
        self._next_shift(t)

    def _set_level(self, t: int, new: int) -> None:
        """Change the units on duty; busy units past their shift finish their call first."""
        now = self.env._now
        delta = new - self.level[t]
        self.level[t] = new
        leaving = self.leaving[t]
        if delta > 0:
            while delta and leaving:  # a unit still finishing a call stays on: no hand-over
                end = leaving.pop()
                if now > end:
                    self.overtime.append((t, end, now))
                delta -= 1
            self.free[t] += delta
            self._serve(t)
        elif delta < 0:
            idle = min(self.free[t], -delta)
            self.free[t] -= idle
            leaving.extend([now] * (-delta - idle))

    # ----------------------------------------------------------------------------- output

    def _by_option(self, table: list[list[int]], fill: int) -> np.ndarray:
        """A per-(call type, option) table as a rectangular array padded with ``fill``."""
        out = np.full((len(table), max(map(len, table))), fill, dtype=np.int8)
        for ct, row in enumerate(table):
            out[ct, : len(row)] = row
        return out

    def records(self, scn: Scenario, replication: int) -> Records:
        """The per-call columns, with those that follow from others derived by numpy.

        A served call's team and units are those of the option it was dispatched at
        (its level); ``on_scene = dispatch + travel`` and ``clear = on_scene + time on
        scene`` are the very float64 sums the dispatcher made, so the columns equal per-call
        bookkeeping bit for bit. NaN (never dispatched) propagates through the sums.
        """
        calls = self.calls
        n = len(calls)
        state, level = self.state_col, self.level_col
        served = state == _SERVED
        ct = calls.call_type
        team = np.where(served, self._by_option(self.chain_team, NO_TEAM)[ct, level], NO_TEAM)
        units = np.where(served, self._by_option(self.chain_units, 0)[ct, level], 0)
        dispatch = self.dispatch_col
        rows, col = np.arange(n), np.maximum(team, 0)  # any column where dispatch is NaN
        on_scene = dispatch + calls.travel[rows, col]
        b_dispatch = np.full(n, math.nan)
        b_dispatch[list(self.b_dispatch)] = list(self.b_dispatch.values())
        b_on_scene = b_dispatch + calls.backup_travel
        backup_team = np.asarray(self.backup_team, dtype=np.int8)[ct]
        columns = {
            "arrival": calls.arrival,
            "ready": calls.ready,
            "call_type": ct,
            "priority": calls.priority,
            "state": state,
            "level": level,
            "team": team.astype(np.int8),
            "units": units.astype(np.int8),
            "dispatch": dispatch,
            "on_scene": on_scene,
            "clear": on_scene + calls.on_scene[rows, col],
            "backup_team": np.where(calls.backup, backup_team, NO_TEAM).astype(np.int8),
            "backup_dispatch": b_dispatch,
            "backup_on_scene": b_on_scene,
            "backup_clear": b_on_scene + calls.backup_on_scene,
        }
        ot = np.asarray(self.overtime, dtype=float).reshape(-1, 3)
        return Records(
            columns=columns,
            overtime={"team": ot[:, 0].astype(np.int8), "start": ot[:, 1], "end": ot[:, 2]},
            call_types=tuple(scn.call_type_names),
            teams=tuple(scn.team_names),
            warmup=scn.warmup_min(),
            horizon=self.horizon,
            replication=replication,
            seed=scn.scenario.seed,
        )


def simulate(scn: Scenario, calls: CallStream, replication: int = 0) -> Records:
    """Run one replication over the given calls and return its records."""
    dispatcher = Dispatcher(scn, calls, scn.horizon_min())
    dispatcher.run()
    return dispatcher.records(scn, replication)
