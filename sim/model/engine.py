"""The dispatch engine: one central dispatcher driven by callbacks on a SimPy Environment.

Events per call are few (ARCHITECTURE principle 4): the call reaching the dispatcher, its
units clearing, and — only when it has to queue with a finite wait limit — the limit
expiring; a backup request or a co-responder adds one more. There are no SimPy processes or
Resources per call: queues are heaps owned by the dispatcher, every random quantity was
drawn up front (:mod:`sim.model.calls`), and SimPy's internals are used only through
:mod:`sim.model.clock`.

Dispatch rules (README: "Dispatch"):

* each team keeps one queue ordered by priority (1 is most urgent), then by the time the
  call reached the dispatcher;
* a call goes to the first option of its response chain that applies to it (an option with
  a ``share`` applies to that share of calls); if it cannot be dispatched there within that
  option's ``max_wait_min`` it moves on to the next option (0: at once); the last option
  waits as long as it takes. An option whose team has nobody on duty and none starting
  within its wait limit is passed over at once (``dispatch.skip_off_duty``), and so is a
  call already waiting there when the team's last unit goes off duty;
* a call that needs several units (or units of two teams together) is dispatched when they
  are free at once, and the head of a queue is never overtaken (strict priority, first come
  first served), so freed units are held for it; whenever the head leaves or changes (a
  wait limit, a request joining, a shift starting, any release) dispatch runs again, so a
  unit is never idle while the head of its queue could take it (work conservation);
* when a shift ends, idle units go off duty at once and busy units finish their call first;
  the time past the shift end is recorded as overtime;
* a backup request enters the backup team's queue when the first unit arrives on scene; a
  co-responder that joins when free enters its team's queue when the call is dispatched;
* with ``dispatch.preempt``, a call of such a priority takes units from the lowest-priority
  calls in service when none are free; they return to the head of their priority's queue
  and resume their remaining time (:mod:`sim.model.rules`).

The once-per-call work (ready, offer, dispatch, clear, serve) for options without any of
the rarer rules lives here; everything else is in :mod:`sim.model.rules`.
"""

from __future__ import annotations

import functools
from heapq import heappop, heappush

from sim.model.calls import CallStream
from sim.model.clock import Callback, Due
from sim.model.output import build_records
from sim.model.rules import Rules
from sim.model.state import GENERAL, INF, SERVED, WAITING, Hot
from sim.records import Records
from sim.scenario import Scenario

# Speed. The engine costs about two microseconds per call, within 3× of a bare heapq event
# loop doing the same M/M/c work (benchmarks/README.md). The tricks, each explained where used:
# * events are bare `Due` objects pushed straight onto the Environment's queue instead of
#   Timeouts (sim.model.clock), their callback lists are built once and shared, and the
#   arrival event is re-armed for the next call instead of making a new one;
# * the work done once per call lives in closures over local variables (`_hot_path`); the
#   rarer events and rules stay plain methods (sim.model.rules) working on the same lists;
# * per-call inputs and outputs are numpy arrays read and written through memoryviews
#   (plain Python numbers, no copies), and dispatch stores only what later events read
#   (state, option, time): a clear event's callback is specific to (team, units), and
#   `build_records` derives the team, units, on-scene and clear columns with numpy.


class Dispatcher(Rules):
    """Runs one replication over pre-drawn calls and fills in their records."""

    def __init__(self, scn: Scenario, calls: CallStream, horizon: float) -> None:
        super().__init__(scn, calls, horizon)
        self.wait_cbs.append(self._on_wait_limit)
        self.backup_cbs.append(self._on_backup_request)
        self.shift_cbs.append(self._on_shift)
        for t, by_units in enumerate(self.general_clear_cbs):
            for u, cbs in enumerate(by_units):
                cbs.append(functools.partial(self._on_general_clear, t, u))
        self._offer, self._dispatch, self._serve = self._hot_path()

    def _hot_path(self) -> Hot:
        """Build the once-per-call callbacks as closures; return (offer, dispatch, serve).

        Speed trick: everything they touch is bound to a local of this function first, so
        inside them a lookup is one closure-cell load instead of ``self.`` plus an attribute
        lookup, and calls between them are plain function calls. The lists and views are
        the dispatcher's own (shared, not copied), so the methods for the rarer rules see
        and change the same state. The arrival callback goes into ``ready_cbs`` and one clear
        callback per (team, units) into ``clear_cbs[team][units]``.
        """
        after, rearm = self.after, self.rearm
        order, ready, ctype, priority = self.order, self.ready, self.ctype, self.priority
        # (team, units, max wait, path) of each option of each call type: one lookup.
        options = [[(o.team, o.units, o.wait, o.path) for o in chain] for chain in self.opts]
        skip = self.skip
        free, live, queues, leaving = self.free, self.live, self.queue, self.leaving
        state, cur_option, dispatched_at = self.state, self.cur_option, self.dispatched_at
        travel, held, backup = self.travel, self.held, self.backup
        ready_cbs, clear_cbs = self.ready_cbs, self.clear_cbs
        backup_cbs, wait_cbs = self.backup_cbs, self.wait_cbs
        release, move_on, admit = self._release, self._move_on, self._admit_or_move_on
        offer_special, serve_special = self._offer_special, self._serve_special
        serve_request = self._serve_request
        n_order = len(order)

        def on_ready(event: Due) -> None:
            """Call ``order[k]`` reaches the dispatcher; the event's job is k."""
            now = event.at
            k = event.job + 1
            if k < n_order:  # one pending arrival at a time: re-arm this event for the next
                rearm(event, ready[order[k]] - now, k, ready_cbs)
            offer(order[k - 1], 0, now)

        def offer(i: int, lv: int, now: float) -> None:
            """Put call i to option ``lv`` of its chain: dispatch, queue, or move on."""
            t, u, wait, path = options[ctype[i]][lv]
            if path and (path == GENERAL or skip[i] >> lv & 1):  # type: ignore[index]
                offer_special(i, lv, now)
                return
            cur_option[i] = lv
            if live[t] == 0 and free[t] >= u:
                dispatch(i, t, u, now)
                return
            if wait == 0:
                if live[t]:  # queued calls: it may still outrank them and take the units
                    admit(i, lv, now)
                else:
                    move_on(i, lv, now)
                return
            heappush(queues[t], (priority[i], ready[i], i, lv))
            live[t] += 1
            if free[t]:
                serve(t, now)
            if wait != INF and state[i] == WAITING:
                after(wait, (i, lv), wait_cbs)

        def dispatch(i: int, t: int, u: int, now: float) -> None:
            """Send u units of team t to call i (already at the option its state says)."""
            free[t] -= u
            state[i] = SERVED
            dispatched_at[i] = now
            arrive = now + travel[t][i]  # `build_records` repeats these two sums
            done = arrive + held[t][i]
            after(done - now, i, clear_cbs[t][u])
            if i in backup:
                after(arrive - now, i, backup_cbs)

        def clear_callback(t: int, u: int) -> Callback:
            """The callback for u units of team t clearing a call."""

            def on_clear(event: Due) -> None:
                """u units of team t clear a call."""
                if leaving[t]:
                    release(t, u, event.at)
                else:  # `_release` with no unit waiting to go off duty, inlined
                    free[t] += u
                    if queues[t]:
                        serve(t, event.at)

            return on_clear

        def serve(t: int, now: float) -> None:
            """Dispatch from the head of team t's queue while it can be dispatched."""
            q = queues[t]
            while q:
                _, _, job, lv = q[0]
                if lv < 0:  # a backup or co-responder request
                    if serve_request(t, job, lv, now):
                        continue
                    return
                if state[job] != WAITING or cur_option[job] != lv:
                    heappop(q)  # stale: served or moved on from this option already
                    continue
                _, u, _, path = options[ctype[job]][lv]
                if path == GENERAL:
                    if serve_special(t, job, lv, now):
                        continue
                    return
                if free[t] < u:
                    return
                heappop(q)
                live[t] -= 1
                dispatch(job, t, u, now)

        ready_cbs.append(on_ready)
        for t, by_units in enumerate(clear_cbs):
            for u, cbs in enumerate(by_units):
                cbs.append(clear_callback(t, u))
        return offer, dispatch, serve

    def run(self) -> None:
        """Simulate from time 0 to the horizon."""
        for t, seq in enumerate(self.changes):
            self.on_duty[t] = self.free[t] = seq[0][1]
            self._next_shift(t, 0.0)
        if self.order:
            self.after(self.ready[self.order[0]], 0, self.ready_cbs)
        self.clock.run(until=self.horizon)
        for t, leaving in enumerate(self.leaving):
            self.overtime.extend((t, end, self.horizon) for end in leaving)
        self._finish_interrupted()


def simulate(scn: Scenario, calls: CallStream, replication: int = 0) -> Records:
    """Run one replication over the given calls and return its records."""
    dispatcher = Dispatcher(scn, calls, scn.horizon_min())
    dispatcher.run()
    return build_records(dispatcher, scn, replication)


__all__ = ["Dispatcher", "simulate"]
