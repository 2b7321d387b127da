"""The Pareto front of cost against service, on hand-made points whose front is known."""

from __future__ import annotations

import pytest

from sim.errors import SimError
from sim.frontier import (
    FRONTIER_MEASURES,
    Point,
    default_frontier_measure,
    efficient_front,
    frontier_measure,
    pareto_front,
    significantly_better,
)
from sim.measures import Better, describe

# cost, service (minutes: lower is better)
POINTS = [
    Point("a", 100.0, 30.0),  # cheapest
    Point("b", 150.0, 20.0),  # dearer, better
    Point("c", 160.0, 25.0),  # dominated by b: dearer and worse
    Point("d", 200.0, 10.0),  # dearest, best
    Point("e", 200.0, 12.0),  # dominated by d: same cost, worse
]


def names(points: list[Point]) -> list[str]:
    return [p.name for p in points]


def test_lower_is_better_front_drops_dominated_points_cheapest_first() -> None:
    assert names(pareto_front(POINTS)) == ["a", "b", "d"]


def test_higher_is_better_front_flips_the_service_direction() -> None:
    # As shares within target, larger is better: now the cheap 'a' (30) beats everything.
    assert names(pareto_front(POINTS, higher_better=True)) == ["a"]
    shares = [Point("x", 100.0, 0.70), Point("y", 150.0, 0.80), Point("z", 150.0, 0.75)]
    assert names(pareto_front(shares, higher_better=True)) == ["x", "y"]
    assert names(pareto_front(shares, higher_better=False)) == ["x"]


def test_exact_ties_both_stay_on_the_front() -> None:
    """Neither of two identical points is strictly better, so neither dominates the other."""
    tied = [Point("p", 100.0, 20.0), Point("q", 100.0, 20.0), Point("r", 120.0, 20.0)]
    assert names(pareto_front(tied)) == ["p", "q"]  # r: dearer for the same service


@pytest.mark.parametrize(
    ("measure", "better"),
    [
        ("call_types.mental_health.within_target", Better.HIGHER),
        ("eligible.within_target", Better.HIGHER),
        ("call_types.mental_health.served_by.community", Better.HIGHER),
        ("response_min.p90", Better.LOWER),
        ("teams.police.utilization", Better.LOWER),
        ("teams.police.calls_per_year", Better.LOWER),  # a workload: more is not better service
        ("unserved", Better.LOWER),
    ],
)
def test_direction_of_each_measure_comes_from_the_registry(measure: str, better: Better) -> None:
    m = frontier_measure(measure)
    assert m.better is better and m.name == measure


@pytest.mark.parametrize(
    "measure", ["calls_per_year", "eligible.calls_per_year", "call_types.x.calls_per_year"]
)
def test_demand_has_no_direction_and_no_front(measure: str) -> None:
    m = describe(measure)
    assert m is not None and m.better is Better.NEITHER
    with pytest.raises(SimError, match="counts demand"):
        frontier_measure(measure)


def test_the_default_measure_is_the_first_one_present() -> None:
    assert (
        default_frontier_measure(["response_min.p90", *FRONTIER_MEASURES]) == FRONTIER_MEASURES[0]
    )
    assert default_frontier_measure(["wait_min.mean", "response_min.p90"]) == "response_min.p90"
    assert default_frontier_measure(["wait_min.mean"]) == "wait_min.mean"


# ------------------------------------------------- kept only when significantly better


def test_a_dearer_variant_is_kept_only_when_significantly_better() -> None:
    """Per-replication values with common random numbers: 'b' is better than 'a' in every
    replication (paired interval below zero), 'c' is 0.0003 better on average — noise — and
    is dropped although it is on the Pareto front, and 'd', better than 'b', is kept."""
    a = Point("a", 100.0, 30.0, (31.0, 29.0, 30.5, 29.5))
    b = Point("b", 150.0, 25.0, (26.0, 24.0, 25.5, 24.5))
    c = Point("c", 160.0, 24.9997, (26.5, 23.4988, 25.5, 24.5))
    d = Point("d", 200.0, 20.0, (21.0, 19.0, 20.5, 19.5))
    assert names(pareto_front([a, b, c, d])) == ["a", "b", "c", "d"]
    assert names(efficient_front([a, b, c, d])) == ["a", "b", "d"]
    assert significantly_better(a, b) and not significantly_better(b, c)
    # One replication: no interval, so nothing dearer can be shown to be better.
    single = [Point("x", 1.0, 2.0, (2.0,)), Point("y", 2.0, 1.0, (1.0,))]
    assert names(efficient_front(single)) == ["x"]
    # Higher is better (a share within target): the sign flips.
    lo = Point("lo", 1.0, 0.70, (0.70, 0.71, 0.69))
    hi = Point("hi", 2.0, 0.80, (0.80, 0.81, 0.79))
    assert names(efficient_front([lo, hi], higher_better=True)) == ["lo", "hi"]
