"""The one module that knows SimPy's internals: a fast event clock on a ``simpy.Environment``.

The dispatcher schedules two or three events per call, and a :class:`simpy.Timeout` costs
more than the rest of a call's work. So events here are bare :class:`Due` objects pushed
straight onto the Environment's heap in the layout :meth:`simpy.Environment.schedule` uses,
and the loop that runs them is still :meth:`simpy.Environment.run`. Everything this relies
on is listed below, checked by ``tests/unit/test_clock.py``, and ``pyproject.toml`` pins
SimPy to the versions that test passed on:

* ``Environment._queue`` is the heap ``step`` pops, entries ``(time, priority, id, event)``;
* ``Environment._eid`` is the ``itertools.count`` that numbers entries (ties: first
  scheduled, first run), and ``simpy.events.NORMAL`` the priority of a Timeout;
* ``Environment._now`` is the current time, set by ``step`` before it runs callbacks;
* ``step`` swaps an event's ``callbacks`` for None, calls each with the event, and then
  reads only ``_ok`` (``_value`` only when ``_ok`` is false, which a ``Due`` never is).

The engine itself touches none of these: it reads an event's time and payload from the
``Due``'s own attributes ``at`` and ``job``.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, Event

# The SimPy releases tests/unit/test_clock.py passed on; pyproject.toml allows exactly these.
TESTED_SIMPY = ("4.1.1", "4.1.2")


class Due(Event):
    """A SimPy event that is triggered (successful) from the moment it is scheduled.

    It plays the part of a Timeout at under half the cost: it is made with
    ``object.__new__`` (no ``__init__``) and gets only what ``Environment.step`` reads
    (``callbacks``, ``_ok``) plus its own ``at`` (the time it falls at) and ``job`` (what
    it is about), always set in that order, so every instance has the same layout and
    CPython's attribute caches stay hit. Its ``callbacks`` list is shared between events of
    one kind, which is safe because ``step`` swaps the list out and only iterates over it.
    """

    at: float
    job: Any


Callback = Callable[[Due], None]
After = Callable[[float, Any, list[Callback]], Due]
Rearm = Callable[[Due, float, Any, list[Callback]], None]
_new = object.__new__
_NOTHING: list[Callback] = []  # the callbacks of a cancelled event: `step` runs none


class Clock:
    """A SimPy Environment with fast scheduling of :class:`Due` events."""

    def __init__(self) -> None:
        self.env = simpy.Environment()

    @property
    def now(self) -> float:
        return float(self.env.now)

    def scheduler(self) -> tuple[After, Rearm]:
        """(after, rearm): schedule a new event, or an event that has run, ``delay`` from now.

        ``after(delay, job, callbacks)`` returns the event. Times are computed as
        ``Environment.schedule`` computes them (``now + delay``), so events fall at exactly
        the instants a Timeout would, and ids come from the Environment's own counter.
        ``rearm`` reuses an event whose callbacks have run (``step`` only reads ``_ok``
        after them), so one object can serve a whole sequence of arrivals.
        """
        env, queue, eid = self.env, self.env._queue, self.env._eid

        def after(delay: float, job: Any, callbacks: list[Callback]) -> Due:
            ev = _new(Due)
            ev.callbacks = callbacks
            ev._ok = True
            ev.at = t = env._now + delay
            ev.job = job
            heappush(queue, (t, NORMAL, next(eid), ev))
            return ev

        def rearm(ev: Due, delay: float, job: Any, callbacks: list[Callback]) -> None:
            ev.callbacks = callbacks
            ev.at = t = env._now + delay
            ev.job = job
            heappush(queue, (t, NORMAL, next(eid), ev))

        return after, rearm

    @staticmethod
    def cancel(ev: Due) -> None:
        """Make a scheduled event do nothing when its time comes (it stays on the heap)."""
        ev.callbacks = _NOTHING

    def run(self, until: float) -> None:
        """Run every event before ``until`` (SimPy's own loop)."""
        self.env.run(until=until)


__all__ = ["TESTED_SIMPY", "Callback", "Clock", "Due"]
