"""What a scenario's report keeps from each replication's records, reduced in the worker.

The report's charts need more than the summary: busy units by hour of the week and samples
of response times. :data:`REPORT_COLLECTORS` reduce each replication's records to those (in
whichever process ran it) and :func:`run_data` puts the replications together, so a long run
never holds every record at once and the report never simulates anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.estimates import NON_NEGATIVE, t_interval
from sim.metrics import Summary
from sim.pipeline.runs import RunResult
from sim.records import Records, State
from sim.report.hours import busy_by_hour
from sim.scenario import HOURS_PER_WEEK, Scenario

SAMPLE_CAP = 20_000  # response times kept per group and replication for the box plots


@dataclass
class RunData:
    """What a scenario report needs from a run: the summary and record-derived profiles."""

    summary: Summary
    busy: dict[str, np.ndarray]  # team → mean busy units per hour of week
    busy_band: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # 95%
    by_type: dict[str, np.ndarray] = field(default_factory=dict)  # response samples
    by_team: dict[str, np.ndarray] = field(default_factory=dict)


def _cap(x: np.ndarray) -> np.ndarray:
    """At most SAMPLE_CAP values, evenly strided (deterministic, order-free enough for boxes)."""
    return x if len(x) <= SAMPLE_CAP else x[:: int(np.ceil(len(x) / SAMPLE_CAP))]


def _responses(rec: Records, key: str, names: Sequence[str]) -> dict[str, np.ndarray]:
    served = rec.measured() & (rec["state"] == State.SERVED)
    response = rec["on_scene"] - rec["arrival"]
    return {n: _cap(response[served & (rec[key] == i)]) for i, n in enumerate(names)}


@dataclass(frozen=True)
class BusyByHour:
    """Each team's mean busy units in each hour of the week (NaN: an hour not measured)."""

    name: str = "busy_by_hour"

    def __call__(self, scn: Scenario, records: Records) -> dict[str, np.ndarray]:
        return {t: busy_by_hour(records, t) for t in scn.teams}


@dataclass(frozen=True)
class ResponseSamples:
    """Response times of served calls by call type and by team (at most SAMPLE_CAP each)."""

    name: str = "responses"

    def __call__(self, scn: Scenario, records: Records) -> dict[str, dict[str, np.ndarray]]:
        return {
            "call_type": _responses(records, "call_type", scn.call_type_names),
            "team": _responses(records, "team", scn.team_names),
        }


REPORT_COLLECTORS = (BusyByHour(), ResponseSamples())


def _band(profiles: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The 95% interval of the mean busy units in each hour over replications (not below 0)."""
    lo, hi = np.full(HOURS_PER_WEEK, np.nan), np.full(HOURS_PER_WEEK, np.nan)
    for h in range(HOURS_PER_WEEK):
        ci = t_interval([float(p[h]) for p in profiles], NON_NEGATIVE)
        if ci is not None:
            lo[h], hi[h] = ci
    return lo, hi


def run_data(scn: Scenario, result: RunResult) -> RunData:
    """The report's data from a run made with :data:`REPORT_COLLECTORS`."""
    profiles = result.extras(BusyByHour.name)
    busy = {t: np.mean([np.nan_to_num(p[t]) for p in profiles], axis=0) for t in scn.teams}
    samples = result.extras(ResponseSamples.name)
    return RunData(
        summary=result.summary,
        busy=busy,
        busy_band={t: _band([np.nan_to_num(p[t]) for p in profiles]) for t in scn.teams},
        by_type={k: np.concatenate([s["call_type"][k] for s in samples]) for k in scn.call_types},
        by_team={k: np.concatenate([s["team"][k] for s in samples]) for k in scn.teams},
    )


__all__ = ["REPORT_COLLECTORS", "BusyByHour", "ResponseSamples", "RunData", "run_data"]
