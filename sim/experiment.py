"""Replications of a scenario, and the result they add up to.

A replication is a pure function of (scenario, replication index): its calls come from
streams keyed by the scenario's seed and the index, so replications can run in any order,
in any process, on any machine, and give the same numbers. That makes one replication of
one variant the unit of work that sweeps and the optimizer hand to an executor
(:func:`replicate`), and the measures they compare are dotted paths of its summary.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import ScenarioError
from sim.metrics import Summary, TimeStat, combine, replication_summary, time_stat
from sim.model.calls import draw_calls
from sim.model.engine import simulate
from sim.records import COLUMNS, Records, State
from sim.scenario import Scenario, from_dict


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


# ------------------------------------------------------------ replications as units of work
#
# Sweeps and the optimizer send (variant, scenario TOML text, replication) to an executor
# (sim.executors) and get back a small, picklable ReplicationResult. The scenario travels as
# text, so a worker on another machine needs nothing but ``sim`` installed.

ELIGIBLE = "eligible"


@dataclass(frozen=True)
class ReplicationResult:
    """One replication of one variant: its summary and the measures the summary lacks."""

    variant: str
    replication: int
    summary: Summary
    extra: dict[str, float | None]


@functools.lru_cache(maxsize=32)
def _parse(text: str) -> Scenario:
    """Parse a scenario sent as TOML text once per worker process (replications repeat it)."""
    return from_dict(tomllib.loads(text), source="<sweep variant>")


def replicate(variant: str, scenario_text: str, replication: int) -> ReplicationResult:
    """Run one replication of a scenario given as TOML text (the executors' unit of work)."""
    scn = _parse(scenario_text)
    records = run_replication(scn, replication)
    return ReplicationResult(
        variant=variant,
        replication=replication,
        summary=replication_summary(scn, records),
        extra=eligible_measures(scn, records),
    )


def _group(
    scn: Scenario, rec: Records, categories: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of a group's measured and its served calls, and the served calls' response."""
    kinds = [scn.call_type_names.index(c) for c in categories]
    mine = np.isin(rec["call_type"], kinds) & rec.measured()
    served = mine & (rec["state"] == State.SERVED)
    return mine, served, rec["on_scene"][served] - rec["arrival"][served]


def group_response(scn: Scenario, rec: Records, categories: Sequence[str]) -> TimeStat:
    """Response of the measured, served calls of several call types taken together.

    Quantiles of a group cannot be pooled from per-type quantiles, so they come from records.
    """
    return time_stat(_group(scn, rec, categories)[2])


def eligible_measures(scn: Scenario, rec: Records) -> dict[str, float | None]:
    """Response of community-eligible calls taken together (a quantile of the union).

    Per-call-type quantiles cannot be combined into the quantile of a group, so the group's
    statistics are taken here, from the records, as ``eligible.*`` measures.
    """
    names = [name for name, ct in scn.call_types.items() if ct.community_eligible]
    mine, served, response = _group(scn, rec, names)
    stat = time_stat(response).model_dump(exclude={"ci95"})
    out: dict[str, float | None] = {f"{ELIGIBLE}.response_min.{k}": v for k, v in stat.items()}
    out[f"{ELIGIBLE}.calls"] = float(mine.sum())
    targets = [scn.target_for(name) for name, ct in scn.call_types.items() if ct.community_eligible]
    within = None
    if served.any() and all(t is not None for t in targets):
        limit = np.array([scn.target_for(n) or np.inf for n in scn.call_type_names])
        within = float(np.mean(response <= limit[rec["call_type"][served]]))
    out[f"{ELIGIBLE}.within_target"] = within
    return out


def measure_names(scn: Scenario) -> list[str]:
    """Every measure a sweep or the optimizer can use, as dotted paths of the JSON summary."""
    empty = Records(
        columns={k: np.zeros(0, dtype=t) for k, t in COLUMNS.items()},
        overtime={"team": np.zeros(0, int), "start": np.zeros(0), "end": np.zeros(0)},
        call_types=tuple(scn.call_type_names),
        teams=tuple(scn.team_names),
        warmup=scn.warmup_min(),
        horizon=scn.horizon_min(),
    )
    settings = {"scenario", "seed", "replications", "days", "warmup_days", "warnings"}
    names = _leaves(replication_summary(scn, empty).model_dump(exclude=settings))
    if any(ct.community_eligible for ct in scn.call_types.values()):
        names += list(eligible_measures(scn, empty))
    return names


def _leaves(node: Any, prefix: str = "") -> list[str]:
    if isinstance(node, dict):  # intervals are not measures: they are derived from them
        return [
            p
            for k, v in node.items()
            if not k.endswith("ci95")
            for p in _leaves(v, f"{prefix}{k}.")
        ]
    if isinstance(node, (list, tuple, str)):
        return []
    return [prefix.rstrip(".")]


def check_measure(scn: Scenario, name: str, where: str) -> str:
    """The measure name if the summary has it, else a ScenarioError naming the nearest."""
    names = measure_names(scn)
    if name in names:
        return name
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    hint = (
        f"nearest: {', '.join(near)}"
        if near
        else "use a dotted path of the JSON summary, e.g. response_min.p90"
    )
    raise ScenarioError(f"'{name}' is not a measure of the summary", where=where, hint=hint)


def measure(result: ReplicationResult, name: str) -> float | None:
    """The value of a dotted measure (e.g. ``teams.police.utilization``) in one replication."""
    if name in result.extra:
        return result.extra[name]
    node: Any = result.summary
    for part in name.split("."):
        node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        if node is None:
            return None
    return float(node)
