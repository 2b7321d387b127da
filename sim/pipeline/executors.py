"""Where replications run: in this process, in local worker processes, or on Dask.

The unit of work is one replication, :class:`~sim.pipeline.work.Work` →
:class:`~sim.pipeline.work.Outcome`, both small picklable values. A replication is a pure
function of its scenario, index and call source (named random streams), so every executor
gives the same numbers; only the order in which results arrive differs.

Worker processes watch the process that started them and exit when it is gone, so a sweep
killed with SIGKILL leaves no orphans behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from sim.errors import SimError
from sim.pipeline.work import Outcome, Work, replicate

DASK_CONNECT_TIMEOUT_S = 3
PARENT_CHECK_S = 0.5  # how often a worker process checks that its parent is still alive
# Below this many expected calls in all, a pool costs more to start (each spawned worker
# imports numpy, pydantic and simpy: about a second) than it saves; see benchmarks/README.md.
AUTO_PARALLEL_CALLS = 1_000_000


class ExecutorError(SimError):
    """An executor that cannot be started or reached."""


class Executor(ABC):
    """Runs tasks and yields their results as they finish (in any order)."""

    name = "executor"

    @abstractmethod
    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        """Yield one outcome per unit of work, as each finishes."""

    @abstractmethod
    def close(self) -> None:
        """Stop workers; tasks not yet started are dropped."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Every task in this process, one after another (no start-up cost)."""

    name = "serial"

    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        for work in works:
            yield replicate(work)

    def close(self) -> None:
        """Nothing to stop."""


def _watch_parent(parent: int) -> None:
    """Exit this worker once the process that started it is gone (it was killed)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly, and end with it.

    A parent killed outright (SIGKILL) cannot stop its pool: the workers would wait for work
    forever, adopted by init. A daemon thread notices the new parent and exits the worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


class ProcessExecutor(Executor):
    """``workers`` at work: this process and ``workers - 1`` local worker processes.

    The workers are spawned (safe beside threads such as rich's progress bar), which costs
    each about half a second of imports. This process never waits idle for them: it runs
    replications itself while they start and between their results, and when everything
    left is in a worker's hands it runs the oldest of those too and keeps whichever copy
    finishes first (a replication is a pure function, so both copies are the same). A pool
    therefore costs little even on runs too short to repay it.
    """

    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._children = max(workers - 1, 1)
        self._pool = cf.ProcessPoolExecutor(
            max_workers=self._children,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        todo = deque(enumerate(works))
        running: dict[cf.Future[Outcome], tuple[int, Work]] = {}
        done: set[int] = set()
        ahead = 2 * self._children  # one running and one waiting per worker: none idles
        try:
            while todo or running:
                while todo and len(running) < ahead:
                    i, work = todo.popleft()
                    running[self._pool.submit(replicate, work)] = (i, work)
                finished = [f for f in running if f.done()]
                for future in finished:
                    i, _ = running.pop(future)
                    if i not in done:
                        done.add(i)
                        yield future.result()
                if finished:
                    continue
                i, work = todo.popleft() if todo else next(iter(running.values()))
                outcome = replicate(work)
                for future in [f for f, (j, _) in running.items() if j == i]:
                    future.cancel()  # a copy in a worker: its result is no longer needed
                    del running[future]
                done.add(i)
                yield outcome
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:  # a replication in flight is not worth waiting for
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)


class DaskExecutor(Executor):
    """A Dask distributed client: a LocalCluster started here, or an existing scheduler."""

    name = "dask"

    def __init__(self, address: str, workers: int | None = None, processes: bool = True) -> None:
        import dask
        from distributed import Client, LocalCluster

        self.address = address
        self._cluster: Any = None
        if address == "local":
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
            # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in their workers, so glibc hands
            # memory back after every numpy temporary; a replication then ran 15-20% slower
            # than in a plain process (benchmarks/README.md, "Sweeps"). None unsets it.
            trim = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
            with warnings.catch_warnings(), dask.config.set(trim):
                warnings.simplefilter("ignore")  # e.g. "port 8787 is in use": no dashboard
                self._cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # shutdown chatter is not for users
                )
            self._client = Client(self._cluster)
            return
        if "://" not in address:
            raise ExecutorError(
                "not a Dask scheduler address",
                where=f"--dask {address}",
                hint="use 'local' or an address such as tcp://HOST:8786",
            )
        try:
            self._client = Client(address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise ExecutorError(
                f"cannot reach the Dask scheduler within {DASK_CONNECT_TIMEOUT_S} s ({reason})",
                where=f"--dask {address}",
                hint="start one with 'dask scheduler' and 'dask worker', or use --dask local",
            ) from None

    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        from distributed import as_completed

        futures = [self._client.submit(replicate, w, pure=False, retries=1) for w in works]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            self._client.cancel(futures)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()


def auto_workers(expected_calls: float, replications: int) -> int:
    """Workers for a run when none were asked for: one per core, if that pays.

    A pool pays when the work outweighs starting it: at least two replications and
    :data:`AUTO_PARALLEL_CALLS` calls in all; otherwise the run stays in this process.
    """
    if replications < 2 or expected_calls < AUTO_PARALLEL_CALLS:
        return 1
    return min(os.cpu_count() or 1, replications)


def make_executor(
    workers: int | None = None,
    dask: str | None = None,
    *,
    expected_calls: float = math.inf,
    replications: int = 2,
) -> Executor:
    """The executor the user asked for: Dask, local processes or this process.

    ``workers=None`` chooses by the size of the work (:func:`auto_workers`); one worker
    means this process: a pool of one only adds start-up time.
    """
    if dask is not None:
        return DaskExecutor(dask, workers=workers)
    n = workers if workers is not None else auto_workers(expected_calls, replications)
    return SerialExecutor() if n <= 1 else ProcessExecutor(n)


__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "ProcessExecutor",
    "SerialExecutor",
    "auto_workers",
    "make_executor",
]
