"""The former home of the replication loop, now :mod:`sim.pipeline`; these names remain here
for code written against it (use :mod:`sim.pipeline` in new code)."""

from sim.pipeline.runs import RunResult, run
from sim.pipeline.work import run_replication

__all__ = ["RunResult", "run", "run_replication"]
