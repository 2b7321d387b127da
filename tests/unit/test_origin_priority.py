"""Call-type origin (public, officer, admin) and per-call priority mixes.

Officer-initiated and administrative work occupies units but is not a call from the public:
it must stay out of calls, response, wait and target statistics and out of programs, and
show as its own busy unit-hours. A call type's priority mix is drawn per call from its own
stream, so staffing changes never change a call's priority (common random numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim.analytic import erlang_c
from sim.errors import ScenarioError
from sim.experiment import run, run_replication
from sim.model.calls import draw_calls
from sim.program import Program, eligible_categories
from sim.scenario import from_dict, with_overrides


def scenario(**public: Any) -> dict[str, Any]:
    """M/M/5: public calls (2.5 Erlangs) and officer work (1 Erlang), both exp(30 min)."""
    ct: dict[str, Any] = {
        "response": [{"team": "police"}],
        "on_scene_min": {"police": {"dist": "exponential", "mean": 30}},
    }
    return {
        "scenario": {
            "name": "origins",
            "days": 41,
            "warmup_days": 1,
            "replications": 8,
            "seed": 5,
            "response_target_min": 10,
        },
        "teams": {"police": {"units": 5}},
        "call_types": {
            "call": {**ct, "calls_per_day": 120.0, **public},
            "stop": {**ct, "calls_per_day": 48.0, "origin": "officer"},
        },
    }


def test_officer_work_is_not_in_response_statistics_but_occupies_units() -> None:
    scn = from_dict(scenario())
    result = run(scn)
    s = result.summary
    assert s.other_activity_per_year > 0
    assert s.calls_per_year == s.call_types["call"].calls_per_year
    stop = s.call_types["stop"]
    assert stop.origin == "officer"
    assert stop.response_min.mean is None and stop.wait_min.mean is None
    assert stop.within_target is None and stop.target_min is None
    assert stop.by_priority == {}
    team = s.teams["police"]
    split = team.busy_unit_hours_by_origin_per_year
    assert set(split) == {"public", "officer"}
    assert split["public"] + split["officer"] == pytest.approx(team.busy_unit_hours_per_year)
    # Both kinds of work take exp(30) on scene, so busy time splits as the call rates do
    # (120 : 48); the tolerance is 5 standard errors of the replications' shares.
    shares = [
        r.teams["police"].busy_unit_hours_by_origin_per_year["officer"]
        / r.teams["police"].busy_unit_hours_per_year
        for r in result.replications
    ]
    se = np.std(shares, ddof=1) / np.sqrt(len(shares))
    assert abs(np.mean(shares) - 48 / 168) < 5 * se + 1e-3


def test_public_calls_wait_as_erlang_c_of_all_the_work() -> None:
    """Poisson arrivals see time averages: public calls queue behind officer work too.

    Known answer: P(wait) = C(5, 3.5) for the combined load of 168 calls/day × 30 min; the
    simulated share must lie within the 99% t-interval across replications.
    """
    scn = from_dict(scenario())
    reps = run(scn).replications
    p = np.array([r.wait_min.p_wait for r in reps], dtype=float)
    lo, hi = stats.t.interval(0.99, len(p) - 1, loc=p.mean(), scale=stats.sem(p))
    assert lo <= erlang_c(5, 3.5) <= hi
    assert not lo <= erlang_c(5, 2.5) <= hi  # the public load alone would be wrong


def test_non_public_call_types_are_never_offered_to_programs() -> None:
    scn = from_dict(scenario())
    program = Program.model_validate({
        "program": {"name": "p", "categories": ["call", "stop"], "max_wait_min": 5},
        "teams": {"crisis": {"units": 1}},
        "on_scene_min": {"default": {"dist": "exponential", "mean": 20}},
    })  # fmt: skip
    assert eligible_categories(scn, program) == ["call"]


def test_non_public_call_type_cannot_be_community_eligible() -> None:
    data = scenario()
    data["call_types"]["stop"]["community_eligible"] = True
    with pytest.raises(ScenarioError, match="never offered to programs"):
        from_dict(data)


@pytest.mark.parametrize(
    ("mix", "message"),
    [
        ({1: 0.5, 2: 0.4}, "add up to 1"),
        ({0: 0.5, 2: 0.5}, "start at 1"),
        ({1: -0.5, 2: 1.5}, "non-negative"),
        ({}, "empty"),
    ],
)
def test_bad_priority_mix_is_one_clear_error(mix: dict[int, float], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        from_dict(scenario(priority=mix))


def test_priority_mix_is_drawn_in_its_shares_from_its_own_stream() -> None:
    mix = {1: 0.2, 2: 0.5, 3: 0.3}
    scn = from_dict(scenario(priority=mix))
    calls = draw_calls(scn, 0)
    mine = calls.call_type == 0
    prio = calls.priority[mine]
    n = len(prio)
    for level, share in mix.items():
        # Binomial count: within 4 standard deviations of n × share.
        sd = np.sqrt(n * share * (1 - share))
        assert abs(np.sum(prio == level) - n * share) < 4 * sd
    # Common random numbers: more units leave every call's priority as it was …
    more = with_overrides(scn, {"teams.police.units": 9})
    assert np.array_equal(draw_calls(more, 0).priority, calls.priority)
    # … and so does a new mix on another call type, or a fixed level here leaves arrivals alone.
    fixed = from_dict(scenario(priority=2))
    assert np.array_equal(draw_calls(fixed, 0).arrival, calls.arrival)


def test_toml_round_trip_of_a_priority_mix() -> None:
    from sim.scenario import dumps

    scn = from_dict(scenario(priority={1: 0.25, 3: 0.75}))
    import tomllib

    again = from_dict(tomllib.loads(dumps(scn)))
    assert again == scn
    assert again.call_types["call"].priority == {1: 0.25, 3: 0.75}


def test_results_by_priority_split_the_public_calls() -> None:
    scn = from_dict(scenario(priority={1: 0.3, 2: 0.7}))
    rec = run_replication(scn, 0)
    from sim.metrics import replication_summary

    s = replication_summary(scn, rec)
    assert set(s.by_priority) == {"1", "2"}
    levels = s.by_priority["1"].calls_per_year + s.by_priority["2"].calls_per_year
    assert levels == pytest.approx(s.calls_per_year, rel=1e-12)
    assert s.call_types["call"].by_priority["1"].calls_per_year == s.by_priority["1"].calls_per_year
    # Strict priority: the urgent level waits less.
    assert s.by_priority["1"].wait_min.mean < s.by_priority["2"].wait_min.mean
