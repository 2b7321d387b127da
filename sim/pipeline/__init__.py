"""The one replication pipeline: (scenario, replication) work on any executor.

Entry point: :func:`run_replications` (arms × replications → outcomes as they finish), and
:func:`run` for one scenario summarized. See docs/ARCHITECTURE.md, "The pipeline".

* :mod:`sim.pipeline.sources` — where calls come from (drawn, or an export's history);
* :mod:`sim.pipeline.work` — the unit of work and :func:`replicate`, the pure function
  executors call; collectors that reduce records in the worker;
* :mod:`sim.pipeline.executors` — this process, local worker processes, or Dask;
* :mod:`sim.pipeline.runs` — arms, :func:`run_replications`, :func:`run`.
"""

from sim.pipeline.executors import (
    DaskExecutor,
    Executor,
    ExecutorError,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
)
from sim.pipeline.runs import (
    Arm,
    RunResult,
    expected_calls,
    outcomes_by_arm,
    run,
    run_replications,
)
from sim.pipeline.sources import DRAWN, CallSource, DrawnCalls, HistoricalCalls
from sim.pipeline.work import (
    Collector,
    GroupStats,
    KeepRecords,
    Outcome,
    Work,
    replicate,
    run_replication,
)

__all__ = [
    "DRAWN",
    "Arm",
    "CallSource",
    "Collector",
    "DaskExecutor",
    "DrawnCalls",
    "Executor",
    "ExecutorError",
    "GroupStats",
    "HistoricalCalls",
    "KeepRecords",
    "Outcome",
    "ProcessExecutor",
    "RunResult",
    "SerialExecutor",
    "Work",
    "expected_calls",
    "make_executor",
    "outcomes_by_arm",
    "replicate",
    "run",
    "run_replication",
    "run_replications",
]
