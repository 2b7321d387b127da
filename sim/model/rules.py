"""The rarer events and rules of the dispatcher, as plain methods on its shared state.

Wait limits, moving on, backups, shift changes, teams going off duty, options with a
partial ``share``, co-responders, coverage-dependent travel and pre-emption. The once-per-
call fast path (:mod:`sim.model.engine`) hands a call here when its option is marked
on the general path (:class:`sim.model.state.Option`), so scenarios without these rules pay
nothing for them.

Pre-emption (``dispatch.preempt``), the choices made: a call of a pre-empting priority at
the head of its team's queue, with too few units free, takes units from calls in service
with a lower priority (a larger number): the lowest priority first, among those the one
dispatched last, until enough are free. Only units answering a call's own option are taken,
never a backup or a co-responder, and a co-response call is never interrupted. The
interrupted call goes back to the head of its priority's queue (ahead of every waiting call
of that priority; among interrupted calls, first come first served) without a wait limit,
and keeps the work it had left (pre-emptive resume): a unit sent to it again travels again
and then spends the remaining time on scene. Interrupted before its first unit arrived, it
keeps all its time on scene and asks for its backup when a unit does arrive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappop, heappush

from sim.model.clock import Due
from sim.model.state import BACKUP, INF, JOIN, SERVED, WAITING, Busy, DispatchState, Option
from sim.records import NO_TEAM


class Rules(DispatchState):
    """The dispatcher's rarer events; the fast path fills in ``_offer`` and ``_serve``."""

    _offer: Callable[[int, int, float], None]
    _serve: Callable[[int, float], None]

    # ------------------------------------------------------------------- moving along a chain

    def _move_on(self, i: int, lv: int, now: float) -> None:
        """Call i leaves option ``lv`` for the next one."""
        self.moves.append((i, lv, now))
        self._offer(i, lv + 1, now)

    def _withdraw(self, i: int, lv: int, o: Option, now: float) -> None:
        """Take call i out of the queue(s) of option ``lv``, re-run dispatch, move it on."""
        for t in o.crew:
            self.live[t] -= 1  # its queue entries are now stale, skipped when reached
        self._move_on(i, lv, now)
        for t in o.crew:
            if self.free[t]:  # the head may have left: whoever is next may go now
                self._serve(t, now)

    def _on_wait_limit(self, event: Due) -> None:
        i, lv = event.job
        if self.state[i] != WAITING or self.cur_option[i] != lv or i in self.remaining:
            return
        self.timers.pop(i, None)
        self._withdraw(i, lv, self.opts[self.ctype[i]][lv], event.at)

    def _enqueue(self, i: int, lv: int, o: Option, now: float) -> None:
        """Call i joins the queue of option ``lv``'s team (and its co-responder's, together)."""
        entry = (self.priority[i], self.ready[i], i, lv)
        teams = o.crew
        for t in teams:
            heappush(self.queue[t], entry)
            self.live[t] += 1
        urgent = self.priority[i] in self.preempting
        for t in teams:
            if (self.free[t] or urgent) and self.state[i] == WAITING:
                self._serve(t, now)

    def _admit_or_move_on(self, i: int, lv: int, now: float) -> None:
        """At an option without waiting room: dispatched only if it heads the queue now."""
        o = self.opts[self.ctype[i]][lv]
        self._enqueue(i, lv, o, now)
        if self.state[i] == WAITING and self.cur_option[i] == lv:
            self._withdraw(i, lv, o, now)

    def _off_duty(self, o: Option, now: float) -> bool:
        """Whether a team the option needs has nobody on duty and none starting in time."""
        if not o.off_hours:
            return False
        deadline = now + o.wait
        return any(self.on_duty[t] == 0 and self.next_start(t, now) > deadline for t in o.crew)

    def _offer_special(self, i: int, lv: int, now: float) -> None:
        """``offer`` for an option with any of the rarer rules."""
        o = self.opts[self.ctype[i]][lv]
        self.cur_option[i] = lv
        if (self.skip is not None and self.skip[i] >> lv & 1) or self._off_duty(o, now):
            self._move_on(i, lv, now)
            return
        t = o.team
        if (
            self.live[t] == 0
            and self.free[t] >= o.units
            and (not o.together or (self.live[o.co] == 0 and self.free[o.co] >= o.co_units))
        ):
            self._dispatch_general(i, o, now)
            return
        if o.wait == 0:
            self._admit_or_move_on(i, lv, now)
            return
        self._enqueue(i, lv, o, now)
        if o.wait != INF and self.state[i] == WAITING and self.cur_option[i] == lv:
            self.timers[i] = self.after(o.wait, (i, lv), self.wait_cbs)

    # ------------------------------------------------------------------------ serving queues

    def _head(self, t: int) -> tuple[int, int] | None:
        """(call, option) at the top of team t's queue, stale entries dropped; None if empty."""
        q = self.queue[t]
        while q:
            _, _, job, lv = q[0]
            stale = (
                (self.state[job] != WAITING or self.cur_option[job] != lv)
                if lv >= 0
                else (lv == JOIN and job not in self.joining)
            )
            if not stale:
                return job, lv
            heappop(q)
        return None

    def _serve_special(self, t: int, job: int, lv: int, now: float) -> bool:
        """Serve the head of team t's queue, a call at a special option.

        True if it was dispatched (serving goes on), False if it must wait (serving stops:
        the head is never overtaken, and the units stay free for it).
        """
        o = self.opts[self.ctype[job]][lv]
        q = self.queue[t]
        if o.together:
            other = o.co if t == o.team else o.team
            if self._head(other) != (job, lv):
                return False  # another call is ahead of it at the other team
            if self.free[o.team] < o.units or self.free[o.co] < o.co_units:
                return False
            heappop(q)
            heappop(self.queue[other])
            self.live[t] -= 1
            self.live[other] -= 1
            self._dispatch_general(job, o, now)
            if self.free[other]:  # the other team's head left too
                self._serve(other, now)
            return True
        if self.free[t] < o.units and not self._preempt_for(t, job, o.units, now):
            return False
        heappop(q)
        self.live[t] -= 1
        self._dispatch_general(job, o, now)
        return True

    def _serve_request(self, t: int, job: int, lv: int, now: float) -> bool:
        """Serve a backup or co-responder request at the head of team t's queue (see above)."""
        q = self.queue[t]
        if lv == JOIN and job not in self.joining:
            heappop(q)  # stale: the call it would join has cleared
            return True
        units = self.opts[self.ctype[job]][self.cur_option[job]].co_units if lv == JOIN else 1
        if self.free[t] < units:
            return False
        heappop(q)
        self.live[t] -= 1
        if lv == JOIN:
            del self.joining[job]
            self._dispatch_co(job, t, units, now)
        else:
            self._dispatch_backup(job, t, now)
        return True

    # ------------------------------------------------------------------------------ dispatch

    def _dispatch_general(self, i: int, o: Option, now: float) -> None:
        """``dispatch`` on the general path: coverage travel, co-responders, pre-emption."""
        t, u, free = o.team, o.units, self.free
        covered = self.coverage[t] is not None
        travel = self.travel_of(t, i, free[t], self.distance) if covered else self.travel[t][i]
        free[t] -= u
        self.state[i] = SERVED
        if self.timers:
            self.timers.pop(i, None)
        arrive = now + travel
        work = self.remaining.pop(i, None) if self.remaining else None
        if work is None:  # a first dispatch
            self.dispatched_at[i] = now
            work = self.held[t][i]
            done = arrive + work
            if covered:
                self.arrived[i] = arrive
                self.cleared[i] = done
        else:  # resuming an interrupted call
            self.interruptions[self.open_gap.pop(i)][4] = now
            self.arrived.setdefault(i, arrive)
            done = self.cleared[i] = arrive + work
        clear = self.after(done - now, i, self.general_clear_cbs[t][u])
        backup = None
        if i in self.backup and i not in self.b_requested:
            backup = self.after(arrive - now, i, self.backup_cbs)
        if self.preempting and o.co == NO_TEAM:
            self.in_service[t][i] = Busy(
                self.priority[i], now, u, clear, backup, arrive, done, work
            )
        if o.co != NO_TEAM:
            if o.together:
                self._dispatch_co(i, o.co, o.co_units, now)
            else:
                self._request_join(i, o, now)

    def _on_general_clear(self, t: int, u: int, event: Due) -> None:
        """u units of team t clear a call dispatched by the general path."""
        i, now = event.job, event.at
        if self.preempting:
            self.in_service[t].pop(i, None)  # (co-response calls are not registered)
        c = self.joining.pop(i, None) if self.joining else None
        if c is not None:  # the co-responder never came: its request lapses
            self.live[c] -= 1
        if self.leaving[t]:
            self._release(t, u, now)
        else:
            self.free[t] += u
            if self.queue[t]:
                self._serve(t, now)
        if c is not None and self.free[c]:
            self._serve(c, now)

    def _dispatch_co(self, i: int, c: int, units: int, now: float) -> None:
        """Send the co-responder's units of team c to call i."""
        travel = self.travel_of(c, i, self.free[c], self.distance)
        self.free[c] -= units
        arrive = now + travel
        done = arrive + self.scene[c][i]
        self.co[i] = [c, units, now, arrive, done]
        self.after(done - now, i, self.clear_cbs[c][units])

    def _request_join(self, i: int, o: Option, now: float) -> None:
        """The co-responder of a 'when_free' option joins call i when a unit is free."""
        c = o.co
        if self.live[c] == 0 and self.free[c] >= o.co_units:
            self._dispatch_co(i, c, o.co_units, now)
            return
        self.joining[i] = c
        heappush(self.queue[c], (self.priority[i], now, i, JOIN))
        self.live[c] += 1
        if self.free[c]:
            self._serve(c, now)

    def _on_backup_request(self, event: Due) -> None:
        i, now = event.job, event.at
        self.b_requested.add(i)
        t = self.backup_team[self.ctype[i]]
        if self.live[t] == 0 and self.free[t] >= 1:
            self._dispatch_backup(i, t, now)
            return
        heappush(self.queue[t], (self.priority[i], now, i, BACKUP))
        self.live[t] += 1
        if self.free[t]:  # the request may head the queue (work conservation)
            self._serve(t, now)

    def _dispatch_backup(self, i: int, t: int, now: float) -> None:
        calls, cover = self.calls, self.coverage[t]
        travel = float(calls.backup_travel[i])
        if cover is not None and calls.backup_distance is not None:
            travel += cover.minutes(max(self.free[t], 1), float(calls.backup_distance[i, t]))
            self.b_travel[i] = travel
        self.free[t] -= 1
        self.b_dispatch[i] = now
        # Python floats from the numpy columns; `build_records` repeats this sum.
        done = now + travel + float(calls.backup_on_scene[i])
        self.after(done - now, i, self.clear_cbs[t][1])

    # --------------------------------------------------------------------------- pre-emption

    def _preempt_for(self, t: int, job: int, units: int, now: float) -> bool:
        """Free enough units of team t for call ``job`` by interrupting lesser calls."""
        p = self.priority[job]
        if p not in self.preempting:
            return False
        service = self.in_service[t]
        victims = sorted((-b.priority, -b.since, v) for v, b in service.items() if b.priority > p)
        needed, leaving, got = units - self.free[t], len(self.leaving[t]), 0
        for k, (_, _, v) in enumerate(victims):
            got += service[v].units
            if got - leaving >= needed:
                for _, _, chosen in victims[: k + 1]:
                    self._interrupt(t, chosen, now)
                return True
        return False

    def _interrupt(self, t: int, v: int, now: float) -> None:
        """Take call v's units of team t away; v waits at the head of its priority."""
        busy = self.in_service[t].pop(v)
        self.clock.cancel(busy.clear)
        if busy.backup is not None and v not in self.b_requested:
            self.clock.cancel(busy.backup)  # requested again when a unit does arrive
        if now < busy.arrive:  # not there yet: all its work is still to do
            self.remaining[v] = busy.work
            if self.arrived.get(v) == busy.arrive:  # the arrival it was heading for
                del self.arrived[v]
        else:
            self.arrived.setdefault(v, busy.arrive)
            self.remaining[v] = busy.done - now
        self.state[v] = WAITING
        self.open_gap[v] = len(self.interruptions)
        self.interruptions.append([v, t, busy.units, now, math.nan])
        heappush(self.queue[t], (self.priority[v], -INF, v, self.cur_option[v]))
        self.live[t] += 1
        self._release(t, busy.units, now, serve=False)

    def _finish_interrupted(self) -> None:
        """Calls still interrupted when the run ends are completed as if resumed then."""
        for v, work in sorted(self.remaining.items()):
            t = self.opts[self.ctype[v]][self.cur_option[v]].team
            arrive = self.horizon + self.travel[t][v]
            self.arrived.setdefault(v, arrive)
            self.cleared[v] = arrive + work
            self.interruptions[self.open_gap.pop(v)][4] = self.horizon
            self.state[v] = SERVED
        self.remaining.clear()

    # --------------------------------------------------------------------- releases, shifts

    def _release(self, t: int, u: int, now: float, serve: bool = True) -> None:
        """Units of team t are free again: go off duty if their shift is over, else serve."""
        leaving = self.leaving[t]
        while u and leaving:
            self.overtime.append((t, leaving.popleft(), now))
            u -= 1
        if u:
            self.free[t] += u
            if serve:
                self._serve(t, now)

    def _next_shift(self, t: int, now: float) -> None:
        k = self.change_at[t] = self.change_at[t] + 1
        if k < len(self.changes[t]):
            self.after(self.changes[t][k][0] - now, t, self.shift_cbs)

    def _on_shift(self, event: Due) -> None:
        t, now = event.job, event.at
        self._set_on_duty(t, self.changes[t][self.change_at[t]][1], now)
        self._next_shift(t, now)

    def _set_on_duty(self, t: int, new: int, now: float) -> None:
        """Change the units on duty; busy units past their shift finish their call first."""
        delta = new - self.on_duty[t]
        self.on_duty[t] = new
        leaving = self.leaving[t]
        if delta > 0:
            while delta and leaving:  # a unit still finishing a call stays on: no hand-over
                end = leaving.pop()
                if now > end:
                    self.overtime.append((t, end, now))
                delta -= 1
            self.free[t] += delta
            self._serve(t, now)
        elif delta < 0:
            idle = min(self.free[t], -delta)
            self.free[t] -= idle
            leaving.extend([now] * (-delta - idle))
            if new == 0 and self.skip_off_duty:
                self._off_duty_moves(t, now)

    def _off_duty_moves(self, t: int, now: float) -> None:
        """Calls waiting for team t, now off duty, move on if no unit starts before their limit."""
        start = self.next_start(t, now)
        for _, _, i, lv in sorted(self.queue[t]):
            if lv < 0 or self.state[i] != WAITING or self.cur_option[i] != lv:
                continue
            timer = self.timers.get(i)
            if timer is None or i in self.remaining or timer.at >= start:
                continue
            self.clock.cancel(timer)
            del self.timers[i]
            self._withdraw(i, lv, self.opts[self.ctype[i]][lv], now)


__all__ = ["Rules"]
