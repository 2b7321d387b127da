"""Replications of a scenario, and the result they add up to.

A replication is a pure function of (scenario, replication index): its calls come from
streams keyed by the scenario's seed and the index, so replications can run in any order,
in any process, on any machine, and give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.metrics import Summary, combine, replication_summary
from sim.model.calls import draw_calls
from sim.model.engine import simulate
from sim.records import Records
from sim.scenario import Scenario


@dataclass(frozen=True)
class RunResult:
    """The combined summary, each replication's summary, and (if kept) their records."""

    summary: Summary
    replications: list[Summary]
    records: list[Records]


def run_replication(
    scn: Scenario, replication: int, arrivals: Mapping[str, np.ndarray] | None = None
) -> Records:
    """Simulate one replication and return its per-call records."""
    calls = draw_calls(scn, replication, arrivals=dict(arrivals) if arrivals else None)
    return simulate(scn, calls, replication)


def run(
    scn: Scenario,
    *,
    keep_records: bool = False,
    arrivals: Mapping[str, np.ndarray] | None = None,
    on_replication: Callable[[int], None] | None = None,
) -> RunResult:
    """Run every replication of a scenario serially and summarize."""
    reps: list[Summary] = []
    kept: list[Records] = []
    for r in range(scn.scenario.replications):
        records = run_replication(scn, r, arrivals)
        reps.append(replication_summary(scn, records))
        if keep_records:
            kept.append(records)
        if on_replication:
            on_replication(r)
    return RunResult(summary=combine(scn, reps), replications=reps, records=kept)
