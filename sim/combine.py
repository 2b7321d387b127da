"""Replications combined: the mean of every statistic, and the t-interval of the means.

Each replication's :class:`~sim.summary.Summary` comes from :mod:`sim.metrics`; the
across-replication summary averages them leaf by leaf (a priority level that drew no call in
some replications is averaged over those that have it) and adds the 95% intervals its
``ci95`` fields hold, then plain-language warnings when demand outgrew capacity. Three
kinds of leaf are not plain means:

* **shares** are pooled: every replication's calls together, i.e. each replication's share
  weighted by its own denominator (:data:`POOLED`), so that a rare call type's "served by"
  shares add up as its calls do, and a replication with no call of a type weighs nothing;
  the cost per call is likewise every replication's cost over all their calls;
* **sample sizes** (``sample_calls``) are summed: the calls a statistic rests on;
* **intervals** never leave the values the quantity can take (times, counts and costs are
  not negative, a utilization is a share): :func:`sim.estimates.t_interval` with bounds.

Every figure left without a value gets its reason in ``not_applicable``
(:func:`not_applicable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.applicable import empty_intervals
from sim.estimates import NON_NEGATIVE, SHARE, Bounds, t_interval
from sim.scenario import Scenario
from sim.summary import Summary, TimeStat

UNSERVED_WARNING_SHARE = 0.01
SUMMED = frozenset({"sample_calls", "target_sample_calls"})
# A share → the (dotted, within the same object) key of the count it is a share of.
POOLED = {
    "served_by": "calls_per_year",
    "no_dispatch_share": "calls_per_year",
    "fallback_share": "on_scene_min.sample_calls",
    "transport_share": "on_scene_min.sample_calls",
    "interrupted_share": "on_scene_min.sample_calls",
    "within_target": "target_sample_calls",
    "p_wait": "sample_calls",
}
SHARE_INTERVALS = frozenset({"utilization_ci95"})


def _get(node: dict[str, Any] | None, dotted: str) -> float:
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return 0.0
        node = node.get(key)
    return float(node) if isinstance(node, int | float) else 0.0


def _pooled(nodes: list[dict[str, Any]], key: str) -> Any:
    """A share over every replication's calls: shares weighted by their denominators."""
    weights = [_get(node, POOLED[key]) for node in nodes]
    values = [node.get(key) for node in nodes]
    if isinstance(next((v for v in values if v is not None), None), dict):
        names = list(dict.fromkeys(k for v in values if v for k in v))
        total = sum(w for v, w in zip(values, weights, strict=True) if v)
        if not total:
            return {}
        return {n: sum(v.get(n, 0.0) * w for v, w in zip(values, weights, strict=True) if v)
                / total for n in names}  # fmt: skip
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def _bounds(key: str) -> Bounds:
    return SHARE if key in SHARE_INTERVALS else NON_NEGATIVE


def _merge(nodes: list[Any]) -> Any:
    """Average a list of same-shaped summaries leaf by leaf, adding intervals of means.

    A key missing from some replications (a priority level that drew no call) is averaged
    over the replications that have it.
    """
    first = next((node for node in nodes if node is not None), None)
    if isinstance(first, dict):
        nodes = [node for node in nodes if node is not None]
        keys = list(dict.fromkeys(k for node in nodes for k in node))
        out = {}
        for k in keys:
            if k in POOLED:
                out[k] = _pooled(nodes, k)
            elif k in SUMMED:
                out[k] = int(sum(node.get(k) or 0 for node in nodes))
            else:
                out[k] = _merge([node.get(k) for node in nodes])
        for k in keys:
            base = "mean" if k == "ci95" else k.removesuffix("_ci95")
            if k.endswith("ci95") and base in out:
                values = [node[base] for node in nodes if node.get(base) is not None]
                out[k] = t_interval(values, _bounds(k))
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
    measured = merged["measured"]  # cost per call: all replications' cost over all their calls
    merged["cost"]["per_call"] = measured["cost"] / measured["calls"] if measured["calls"] else None
    summary = Summary.model_validate(merged)
    return summary.model_copy(
        update={"warnings": capacity_warnings(summary), "not_applicable": not_applicable(summary)}
    )


def mean_stat(stats: Sequence[TimeStat]) -> TimeStat:
    """Per-replication time statistics averaged as :func:`combine` averages a summary's."""
    merged = _merge([s.model_dump() for s in stats]) if stats else {}
    return TimeStat.model_validate(merged)


def not_applicable(s: Summary) -> dict[str, str]:
    """Why each figure of a combined summary that has no value has none (dotted paths)."""
    out: dict[str, str] = {}

    def times(path: str, stat: TimeStat, why: str) -> None:
        if stat.mean is None:
            out[path] = why

    times("response_min", s.response_min, "no call from the public was served")
    times("wait_min", s.wait_min, "no call from the public was served")
    times("on_scene_min", s.on_scene_min, "no call from the public was served")
    if s.cost.per_call is None:
        out["cost.per_call"] = "no call from the public in the measured days"
    for name, t in s.teams.items():
        at = f"teams.{name}"
        times(f"{at}.response_min", t.response_min, "the team answered no call from the public")
        times(f"{at}.wait_min", t.wait_min, "the team answered no call from the public")
        if t.utilization is None:
            out[f"{at}.utilization"] = "the team was never on duty in the measured days"
    for name, c in s.call_types.items():
        _call_type(out, f"call_types.{name}", c, times)
    for level, p in s.by_priority.items():
        times(f"by_priority.{level}.response_min", p.response_min, "no call of it was served")
        times(f"by_priority.{level}.wait_min", p.wait_min, "no call of it was served")
    if s.eligible is None:
        out["eligible"] = "no call type is marked community_eligible"
    else:
        times("eligible.response_min", s.eligible.response_min, "no eligible call was served")
        if s.eligible.within_target is None:
            out["eligible.within_target"] = "not every eligible call type has a target"
    empty_intervals(s.model_dump(), out, s.replications)
    return out


def _call_type(out: dict[str, str], at: str, c: Any, times: Any) -> None:
    """The reasons of one call type's figures (see :func:`not_applicable`)."""
    if not c.sample_calls:
        out[at + ".served_by"] = out[at + ".no_dispatch_share"] = "no call of this type came"
    if c.origin != "public":
        why = f"not a call from the public (origin {c.origin}): no response is measured"
        for key in ("response_min", "wait_min", "target_min", "within_target"):
            out[f"{at}.{key}"] = why
    else:
        times(f"{at}.response_min", c.response_min, "no call of this type was served")
        times(f"{at}.wait_min", c.wait_min, "no call of this type was served")
        if c.target_min is None:
            out[f"{at}.target_min"] = out[f"{at}.within_target"] = "no response target set"
        elif c.within_target is None:
            out[f"{at}.within_target"] = "no call of this type could be judged"
    times(f"{at}.on_scene_min", c.on_scene_min, "no call of this type was served")
    for level, p in c.by_priority.items():
        times(f"{at}.by_priority.{level}.response_min", p.response_min, "no call of it served")
        times(f"{at}.by_priority.{level}.wait_min", p.wait_min, "no call of it served")
    if not c.on_scene_min.sample_calls:
        for key in ("fallback_share", "transport_share", "interrupted_share"):
            out[f"{at}.{key}"] = "no call of this type was served"
    if c.transport_min.mean is None:
        out[f"{at}.transport_min"] = "no call of this type was transported"


def capacity_warnings(summary: Summary) -> list[str]:
    """Plain words for a run whose demand outgrew its capacity."""
    out = []
    # A few calls still queued at the very end are normal; a share this large means the
    # queue kept growing through the run.
    calls = summary.measured.calls
    if summary.unserved > max(1.0, UNSERVED_WARNING_SHARE * calls):
        share = summary.unserved / calls if calls else 0.0
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


__all__ = ["capacity_warnings", "combine", "mean_stat", "not_applicable"]
