"""Where replications run: in this process, in local worker processes, or on Dask.

The unit of work is one replication of one variant, ``(variant, scenario TOML text,
replication)`` → :class:`~sim.experiment.ReplicationResult`: a small, picklable value. A
replication is a pure function of its scenario and index (named random streams), so every
executor gives the same numbers; only the order in which results arrive differs.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sim.errors import SimError
from sim.experiment import ReplicationResult, replicate

DASK_CONNECT_TIMEOUT_S = 3


class ExecutorError(SimError):
    """An executor that cannot be started or reached."""


@dataclass(frozen=True)
class Task:
    """One replication of one variant; the scenario travels as TOML text."""

    variant: str
    scenario_text: str
    replication: int


class Executor(ABC):
    """Runs tasks and yields their results as they finish (in any order)."""

    name = "executor"

    @abstractmethod
    def run(self, tasks: Iterable[Task]) -> Iterator[ReplicationResult]:
        """Yield one result per task, as each finishes."""

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

    def run(self, tasks: Iterable[Task]) -> Iterator[ReplicationResult]:
        for t in tasks:
            yield replicate(t.variant, t.scenario_text, t.replication)

    def close(self) -> None:
        """Nothing to stop."""


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor(Executor):
    """Local worker processes (spawned, so safe beside threads such as rich's progress bar)."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_ignore_sigint,
        )

    def run(self, tasks: Iterable[Task]) -> Iterator[ReplicationResult]:
        futures = [
            self._pool.submit(replicate, t.variant, t.scenario_text, t.replication) for t in tasks
        ]
        try:
            for future in cf.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
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

    def run(self, tasks: Iterable[Task]) -> Iterator[ReplicationResult]:
        from distributed import as_completed

        futures = [
            self._client.submit(
                replicate, t.variant, t.scenario_text, t.replication, pure=False, retries=1
            )
            for t in tasks
        ]
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


def make_executor(workers: int | None = None, dask: str | None = None) -> Executor:
    """The executor the user asked for: Dask, local processes (default: one per core) or serial.

    One worker means serial: a pool of one only adds start-up time.
    """
    if dask is not None:
        return DaskExecutor(dask, workers=workers)
    n = workers if workers is not None else (os.cpu_count() or 1)
    return SerialExecutor() if n <= 1 else ProcessExecutor(n)


__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "ProcessExecutor",
    "SerialExecutor",
    "Task",
    "make_executor",
]
