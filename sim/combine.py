"""Replications combined: the mean of every statistic, and the t-interval of the means.

Each replication's :class:`~sim.summary.Summary` comes from :mod:`sim.metrics`; the
across-replication summary averages them leaf by leaf (a priority level that drew no call in
some replications is averaged over those that have it) and adds the 95% intervals its
``ci95`` fields hold, then plain-language warnings when demand outgrew capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.estimates import t_interval
from sim.scenario import Scenario
from sim.summary import Summary, TimeStat

UNSERVED_WARNING_SHARE = 0.01


def _merge(nodes: list[Any]) -> Any:
    """Average a list of same-shaped summaries leaf by leaf, adding intervals of means.

    A key missing from some replications (a priority level that drew no call) is averaged
    over the replications that have it.
    """
    first = next((node for node in nodes if node is not None), None)
    if isinstance(first, dict):
        nodes = [node for node in nodes if node is not None]
        keys = list(dict.fromkeys(k for node in nodes for k in node))
        out = {k: _merge([node.get(k) for node in nodes]) for k in keys}
        for k in keys:
            base = "mean" if k == "ci95" else k.removesuffix("_ci95")
            if k.endswith("ci95") and base in out:
                values = [node[base] for node in nodes if node.get(base) is not None]
                out[k] = t_interval(values)
        return out
    present = [v for v in nodes if v is not None]
    if not present:
        return None
    if isinstance(present[0], bool) or not isinstance(present[0], (int, float)):
        return present[0]
    return float(np.mean(present))


def combine(scn: Scenario, reps: list[Summary]) -> Summary:
    """The across-replication summary: means of each statistic, t-intervals of the means."""
    merged = _merge([r.model_dump() for r in reps])
    merged.update(replications=len(reps), seed=scn.scenario.seed, warnings=[])
    summary = Summary.model_validate(merged)
    return summary.model_copy(update={"warnings": capacity_warnings(summary)})


def mean_stat(stats: Sequence[TimeStat]) -> TimeStat:
    """Per-replication time statistics averaged as :func:`combine` averages a summary's."""
    merged = _merge([s.model_dump() for s in stats]) if stats else {}
    return TimeStat.model_validate(merged)


def capacity_warnings(summary: Summary) -> list[str]:
    """Plain words for a run whose demand outgrew its capacity."""
    out = []
    # A few calls still queued at the very end are normal; a share this large means the
    # queue kept growing through the run.
    if summary.unserved > max(1.0, UNSERVED_WARNING_SHARE * summary.calls):
        share = summary.unserved / summary.calls if summary.calls else 0.0
        worst = sorted(summary.call_types.items(), key=lambda kv: -kv[1].unserved)
        names = ", ".join(f"{k} ({v.unserved:.0f})" for k, v in worst if v.unserved > 0)
        out.append(
            f"Demand exceeds capacity: on average {summary.unserved:.0f} calls ({share:.1%}) "
            f"were never served before the run ended — {names}. The queue grows; "
            "add units or hours."
        )
    for name, team in summary.teams.items():
        if team.utilization is not None and team.utilization > 0.95:
            out.append(f"Team {name} is busy {team.utilization:.0%} of its staffed time.")
    return out


__all__ = ["capacity_warnings", "combine", "mean_stat"]
