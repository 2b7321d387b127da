"""What ``sim.model.clock`` assumes about SimPy's internals, pinned (ARCHITECTURE principle 8).

If a SimPy release changes any of these, this file fails before the engine silently does
something else; ``pyproject.toml`` allows only the releases listed in ``TESTED_SIMPY``.
"""

from __future__ import annotations

import itertools

import simpy
from simpy.events import NORMAL, Timeout

from sim.model.clock import TESTED_SIMPY, Clock, Due


def test_simpy_is_a_tested_release() -> None:
    assert simpy.__version__ in TESTED_SIMPY, (
        f"SimPy {simpy.__version__} is not one sim.model.clock was tested on {TESTED_SIMPY}; "
        "run tests/unit/test_clock.py on it, then add it there and to pyproject.toml"
    )


def test_the_environment_has_the_heap_counter_and_clock_the_adapter_uses() -> None:
    env = simpy.Environment()
    assert isinstance(env._queue, list) and env._queue == []
    assert isinstance(env._eid, itertools.count)
    assert env._now == 0
    timeout = Timeout(env, 5, value="x")
    # Environment.schedule pushes (time, priority, id, event), as `Clock.scheduler` does.
    assert env._queue == [(5, NORMAL, 0, timeout)]
    assert next(env._eid) == 1


def test_due_events_run_in_time_and_tie_order_with_timeouts() -> None:
    clock = Clock()
    after, _ = clock.scheduler()
    env, seen = clock.env, []

    def note(name: str) -> list[object]:
        return [lambda ev: seen.append((name, env.now, getattr(ev, "job", None)))]

    Timeout(env, 5).callbacks.extend(note("timeout 1"))
    due = after(5.0, 7, note("due"))  # type: ignore[arg-type]
    Timeout(env, 5).callbacks.extend(note("timeout 2"))
    after(2.5, "early", note("early"))  # type: ignore[arg-type]
    clock.run(until=10)
    assert seen == [
        ("early", 2.5, "early"),
        ("timeout 1", 5, None),
        ("due", 5, 7),
        ("timeout 2", 5, None),
    ]
    assert (due.at, due.job, due._ok) == (5.0, 7, True)
    assert "_value" not in vars(due)  # step reads `_value` only of a failed event


def test_rearm_cancel_and_shared_callback_lists() -> None:
    clock = Clock()
    after, rearm = clock.scheduler()
    seen: list[tuple[float, object]] = []
    shared = [lambda ev: seen.append((ev.at, ev.job))]

    def again(ev: Due) -> None:
        seen.append((ev.at, ev.job))
        if ev.job < 3:
            rearm(ev, 1.0, ev.job + 1, callbacks)

    callbacks = [again]
    first = after(1.0, 1, callbacks)  # type: ignore[arg-type]
    after(1.5, "a", shared)  # type: ignore[arg-type]
    gone = after(2.0, "cancelled", shared)  # type: ignore[arg-type]
    after(2.5, "b", shared)  # type: ignore[arg-type]
    Clock.cancel(gone)
    clock.run(until=10)
    assert seen == [(1.0, 1), (1.5, "a"), (2.0, 2), (2.5, "b"), (3.0, 3)]
    assert len(shared) == 1 and len(callbacks) == 1  # step never changes a shared list
    assert first.callbacks is None  # …it only swaps the event's own reference out
    assert clock.now == 10.0  # run(until) stops the clock at `until`
