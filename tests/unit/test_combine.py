"""Replications combined: shares from pooled counts, sample sizes summed, bounded intervals,
and every figure without a value explained (sim/combine.py, sim/applicable.py)."""

from __future__ import annotations

import json

import pytest

from sim.applicable import reason_for, unexplained
from sim.pipeline import run
from sim.scenario import from_dict

EXP = {"dist": "exponential", "mean": 20}


def rare_city() -> dict:
    """A city with a rare call type (0.3 a day over 3 measured days: some replications get
    none) answered by vans first, police after 10 minutes."""
    return {
        "scenario": {"name": "rare", "days": 4, "warmup_days": 1, "replications": 8, "seed": 3,
                     "response_target_min": 15},
        "teams": {"police": {"units": 3, "role": "police"},
                  "vans": {"units": 1, "role": "community"}},
        "call_types": {
            "common": {"calls_per_day": 40, "response": [{"team": "police"}],
                       "on_scene_min": {"police": EXP}},
            "rare": {"calls_per_day": 0.3, "community_eligible": True,
                     "response": [{"team": "vans", "max_wait_min": 10}, {"team": "police"}],
                     "on_scene_min": {"vans": EXP, "police": EXP}},
        },
    }  # fmt: skip


def test_rare_call_types_shares_are_pooled_and_add_up() -> None:
    result = run(from_dict(rare_city()))
    reps = [r.call_types["rare"] for r in result.replications]
    assert any(r.sample_calls == 0 for r in reps) and any(r.sample_calls > 0 for r in reps)
    rare = result.summary.call_types["rare"]
    calls = sum(r.sample_calls for r in reps)
    assert rare.sample_calls == calls  # summed, not averaged
    # Pooled: every replication's calls together (a replication without one weighs nothing).
    for team in ("vans", "police"):
        served = sum(r.served_by.get(team, 0.0) * r.sample_calls for r in reps)
        assert rare.served_by[team] == pytest.approx(served / calls)
    unserved = sum(r.unserved for r in reps) / len(reps)
    no_dispatch = (rare.no_dispatch_share or 0.0) * calls
    assert sum(rare.served_by.values()) * calls + no_dispatch == pytest.approx(
        calls - unserved * len(reps)
    )
    judged = sum(r.target_sample_calls for r in reps)
    hits = sum((r.within_target or 0.0) * r.target_sample_calls for r in reps)
    assert rare.target_sample_calls == judged and rare.within_target == pytest.approx(hits / judged)


def test_every_null_has_its_reason_and_ci_never_below_zero() -> None:
    data = rare_city()
    data["call_types"]["never"] = {"calls_per_day": 0.0, "response": [{"team": "police"}],
                                   "on_scene_min": {"police": EXP}}  # fmt: skip
    s = run(from_dict(data)).summary
    doc = json.loads(s.model_dump_json())
    assert unexplained(doc) == []
    assert s.call_types["never"].served_by == {} and s.call_types["never"].response_min.mean is None
    assert reason_for(s.not_applicable, "call_types.never.response_min.p90") == (
        "no call of this type was served"
    )
    assert reason_for(s.not_applicable, "call_types.never.served_by") == "no call of this type came"
    for ct in s.call_types.values():
        ci = ct.response_min.ci95
        assert ci is None or ci[0] >= 0
    one = run(from_dict({**data, "scenario": {**data["scenario"], "replications": 1}})).summary
    assert unexplained(json.loads(one.model_dump_json())) == []
    assert one.not_applicable["response_min.ci95"].startswith("one replication")


def test_unexplained_finds_what_breaks_the_rule() -> None:
    doc = {
        "a": 1.0,
        "b": None,
        "c": {"d": None, "e": float("inf"), "not_applicable": {"d": "no calls"}},
        "f": {"g": {"h": None}},
        "not_applicable": {"f": "nothing here"},
        "description": None,  # text, not a figure
    }
    assert unexplained(doc) == ["b", "c.e"]
    assert reason_for({"f": "x"}, "f.g.h") == "x" and reason_for({"f": "x"}, "fg") is None
