"""Which executor a command's work gets, and a progress counter for its outcomes.

The Python API (:mod:`sim.api`) and so every command choose the executor here: the one asked
for (``workers`` local processes, or ``dask``), or one picked by the size of the work.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.errors import SimError
from sim.numbers import WORKERS
from sim.pipeline.executors import Executor, make_executor
from sim.pipeline.runs import Arm, expected_calls


@contextlib.contextmanager
def executor_for(
    arms: Sequence[Arm],
    workers: int | None = None,
    dask: str | None = None,
    *,
    open_ended: bool = False,
) -> Iterator[Executor]:
    """The executor asked for, or one chosen by the size of the work, closed afterwards.

    ``open_ended`` work (a search that simulates plan after plan, a backtest over an
    export's whole window) gets one worker per core by default: it runs long enough to repay
    starting them.
    """
    if workers is not None:  # a library caller's value: the command line checks its own
        try:
            WORKERS.check(workers)
        except ValueError as err:
            raise SimError(str(err), where="workers") from None
    most = max((a.replications for a in arms), default=1)
    calls = math.inf if open_ended else expected_calls(arms)
    with make_executor(
        workers, dask, expected_calls=calls, replications=len(arms) * most
    ) as executor:
        yield executor


def counter(total: int | None, progress: Any) -> Callable[[Any], None] | None:
    """An on_outcome callback that reports (done, total) to ``progress`` (total None: the
    work has no known end, e.g. a search)."""
    if progress is None:
        return None
    done = [0]

    def tick(_: Any) -> None:
        done[0] += 1
        progress(done[0], total)

    return tick


__all__ = ["counter", "executor_for"]
