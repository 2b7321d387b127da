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

import heapq
import math
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import Timeout

from sim.model.calls import CallStream
from sim.records import NO_TEAM, Records, State
from sim.scenario import MINUTES_PER_WEEK, Scenario

_SERVED, _NO_DISPATCH, _WAITING = int(State.SERVED), int(State.NO_DISPATCH), int(State.WAITING)


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
        # Per-call inputs as Python lists: indexing numpy scalars in the hot path is slow.
        self.calls = calls
        self.ready = calls.ready.tolist()
        self.ctype = calls.call_type.tolist()
        self.priority = calls.priority.tolist()
        self.travel = calls.travel.tolist()
        self.on_scene_time = calls.on_scene.tolist()
        self.backup = calls.backup.tolist()
        self.b_travel = calls.backup_travel.tolist()
        self.b_on_scene_time = calls.backup_on_scene.tolist()
        # Per-call outputs.
        n = len(calls)
        nan = math.nan
        self.state = np.where(calls.no_dispatch, _NO_DISPATCH, _WAITING).tolist()
        self.cur_level = [-1] * n
        self.team = [NO_TEAM] * n
        self.units = [0] * n
        self.dispatch = [nan] * n
        self.on_scene = [nan] * n
        self.clear = [nan] * n
        self.b_dispatch = [nan] * n
        self.b_on_scene = [nan] * n
        self.b_clear = [nan] * n
        self.order = np.flatnonzero(~calls.no_dispatch).tolist()
        self.next = 0

    # ------------------------------------------------------------------ scheduling helpers

    def _at(self, delay: float, value: int, callback: Callable[[Timeout], None]) -> None:
        Timeout(self.env, delay, value).callbacks.append(callback)

    def run(self) -> None:
        """Simulate from time 0 to the horizon."""
        for t, seq in enumerate(self.changes):
            self.level[t] = self.free[t] = seq[0][1]
            self._next_shift(t)
        if self.order:
            self._at(self.ready[self.order[0]], 0, self._on_ready)
        self.env.run(until=self.horizon)
        for t, lv in enumerate(self.leaving):
            self.overtime.extend((t, end, self.horizon) for end in lv)

    # ------------------------------------------------------------------------------ events

    def _on_ready(self, event: Timeout) -> None:
        i = self.order[self.next]
        self.next += 1
        if self.next < len(self.order):
            nxt = self.ready[self.order[self.next]]
            self._at(nxt - self.env._now, 0, self._on_ready)
        self._offer(i, 0)

    def _offer(self, i: int, lv: int) -> None:
        """Put call i to option ``lv`` of its chain: dispatch, queue, or move on."""
        ct = self.ctype[i]
        t = self.chain_team[ct][lv]
        u = self.chain_units[ct][lv]
        self.cur_level[i] = lv
        if self.live[t] == 0 and self.free[t] >= u:
            self._dispatch(i, t, lv, u)
            return
        wait = self.chain_wait[ct][lv]
        if wait == 0:
            self._offer(i, lv + 1)
            return
        heapq.heappush(self.queue[t], (self.priority[i], self.ready[i], i, lv))
        self.live[t] += 1
        if self.free[t]:
            self._serve(t)
        if wait != math.inf and self.state[i] == _WAITING:
            self._at(wait, i, self._on_wait_limit)

    def _on_wait_limit(self, event: Timeout) -> None:
        i = event._value
        if self.state[i] == _WAITING:
            lv = self.cur_level[i]
            t = self.chain_team[self.ctype[i]][lv]
            self.live[t] -= 1  # its queue entry is now stale and skipped when reached
            self._offer(i, lv + 1)

    def _serve(self, t: int) -> None:
        """Dispatch from the head of team t's queue while enough units are free."""
        q = self.queue[t]
        while q:
            _, _, job, lv = q[0]
            if job >= 0:
                if self.state[job] != _WAITING or self.cur_level[job] != lv:
                    heapq.heappop(q)
                    continue
                u = self.chain_units[self.ctype[job]][lv]
            else:
                u = 1
            if self.free[t] < u:
                return
            heapq.heappop(q)
            self.live[t] -= 1
            if job >= 0:
                self._dispatch(job, t, lv, u)
            else:
                self._dispatch_backup(-job - 1, t)

    def _dispatch(self, i: int, t: int, lv: int, u: int) -> None:
        now = self.env._now
        self.free[t] -= u
        self.state[i] = _SERVED
        self.team[i] = t
        self.cur_level[i] = lv
        self.units[i] = u
        self.dispatch[i] = now
        arrive = now + self.travel[i][t]
        done = arrive + self.on_scene_time[i][t]
        self.on_scene[i] = arrive
        self.clear[i] = done
        self._at(done - now, i, self._on_clear)
        if self.backup[i]:
            self._at(arrive - now, i, self._on_backup_request)

    def _on_backup_request(self, event: Timeout) -> None:
        i = event._value
        t = self.backup_team[self.ctype[i]]
        if self.live[t] == 0 and self.free[t] >= 1:
            self._dispatch_backup(i, t)
            return
        heapq.heappush(self.queue[t], (self.priority[i], self.env._now, -i - 1, 0))
        self.live[t] += 1

    def _dispatch_backup(self, i: int, t: int) -> None:
        now = self.env._now
        self.free[t] -= 1
        self.b_dispatch[i] = now
        arrive = now + self.b_travel[i]
        done = arrive + self.b_on_scene_time[i]
        self.b_on_scene[i] = arrive
        self.b_clear[i] = done
        self._at(done - now, -i - 1, self._on_clear)

    def _on_clear(self, event: Timeout) -> None:
        job = event._value
        if job >= 0:
            self._release(self.team[job], self.units[job])
        else:
            self._release(self.backup_team[self.ctype[-job - 1]], 1)

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
            self._at(self.changes[t][k][0] - self.env._now, t, self._on_shift)

    def _on_shift(self, event: Timeout) -> None:
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

    def records(self, scn: Scenario, replication: int) -> Records:
        calls = self.calls
        backup_team = np.asarray(self.backup_team, dtype=np.int8)[calls.call_type]
        columns = {
            "arrival": calls.arrival,
            "ready": calls.ready,
            "call_type": calls.call_type,
            "priority": calls.priority,
            "state": np.asarray(self.state, dtype=np.int8),
            "level": np.asarray(self.cur_level, dtype=np.int8),
            "team": np.asarray(self.team, dtype=np.int8),
            "units": np.asarray(self.units, dtype=np.int8),
            "dispatch": np.asarray(self.dispatch),
            "on_scene": np.asarray(self.on_scene),
            "clear": np.asarray(self.clear),
            "backup_team": np.where(calls.backup, backup_team, NO_TEAM).astype(np.int8),
            "backup_dispatch": np.asarray(self.b_dispatch),
            "backup_on_scene": np.asarray(self.b_on_scene),
            "backup_clear": np.asarray(self.b_clear),
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
