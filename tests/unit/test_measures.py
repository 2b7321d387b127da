"""The measure registry: every measure reads the summary field it names, typed, with its unit,
direction and interval; unknown names are one line with the nearest ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.measures import (
    LOWER,
    MINUTES,
    REGISTRY,
    SHARE,
    Aspect,
    Better,
    MeasureError,
    Unit,
    describe,
    lookup,
    measures,
    register,
)
from sim.pipeline import run
from sim.scenario import Scenario, load_scenario, with_overrides
from sim.summary import Summary

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> Scenario:
    scn = load_scenario(ROOT / "scenarios" / "demo.toml")
    return with_overrides(scn, {"scenario.days": 4, "scenario.replications": 2})


@pytest.fixture(scope="module")
def summary(demo: Scenario) -> Summary:
    return run(demo).summary


def by_path(data: Any, name: str) -> Any:
    """The value at a dotted name in the JSON form of a summary (independent of the registry)."""
    for part in name.split("."):
        data = data[part]
    return data


def test_every_measure_reads_the_field_its_name_names(demo: Scenario, summary: Summary) -> None:
    data = summary.model_dump(mode="json")
    found = measures(demo)
    assert len(found) > 150  # teams × fields, call types × fields, the eligible group …
    for name, m in found.items():
        assert m.read(summary) == by_path(data, name), name


def test_intervals_are_those_the_summary_carries(demo: Scenario, summary: Summary) -> None:
    m = lookup(demo, "response_min.mean")
    assert m.has_interval and m.interval(summary) == summary.response_min.ci95
    u = lookup(demo, "teams.police.utilization")
    assert u.interval(summary) == summary.teams["police"].utilization_ci95
    assert lookup(demo, "cost.per_year").interval(summary) == summary.cost.per_year_ci95
    assert not lookup(demo, "response_min.p90").has_interval  # a mean of p90s has none here


def test_units_directions_and_statistics(demo: Scenario) -> None:
    p90 = lookup(demo, "eligible.response_min.p90")
    assert (p90.unit, p90.better, p90.stat, p90.of, p90.quantile) == (
        MINUTES, LOWER, "p90", "response_min", 0.9
    )  # fmt: skip
    within = lookup(demo, "call_types.welfare_check.within_target")
    assert (within.unit, within.better) == (SHARE, Better.HIGHER)
    assert lookup(demo, "calls_per_year").better is Better.NEITHER  # demand: staffing never
    assert lookup(demo, "calls_per_year").unit is Unit.CALLS_PER_YEAR  # changes it; per year
    assert lookup(demo, "teams.police.busy_unit_hours_per_year").unit is Unit.UNIT_HOURS_PER_YEAR
    assert lookup(demo, "teams.police.utilization").aspect is Aspect.WORKLOAD
    assert lookup(demo, "cost.per_year").unit is Unit.DOLLARS_PER_YEAR
    assert lookup(demo, "teams.police.utilization").label == "police utilization"


def test_an_unknown_measure_is_one_line_with_the_nearest(demo: Scenario) -> None:
    with pytest.raises(MeasureError) as err:
        lookup(demo, "response.p90", where="--frontier")
    line = err.value.line()
    assert "\n" not in line and line.startswith("--frontier: 'response.p90' is not a measure")
    assert "nearest: response_min.p90" in line
    with pytest.raises(MeasureError, match=r"nearest: teams\.police\.utilization"):
        lookup(demo, "teams.polic.utilization")


def test_eligible_measures_exist_only_where_call_types_are_marked(demo: Scenario) -> None:
    assert "eligible.response_min.p90" in measures(demo)
    plain = with_overrides(
        demo,
        {
            f"call_types.{n}.community_eligible": False
            for n in ("behavioral_health", "welfare_check")
        },
    )
    assert not [n for n in measures(plain) if n.startswith("eligible.")]


def test_names_alone_are_understood(summary: Summary) -> None:
    m = describe("teams.community.response_min.p90")
    assert m is not None and m.read(summary) == summary.teams["community"].response_min.p90
    assert describe("teams.community.nonsense") is None


def test_registering_is_one_line_and_twice_is_an_error(demo: Scenario, summary: Summary) -> None:
    before = list(REGISTRY)
    try:
        register(
            "teams.{team}.busy_hours_per_dollar",
            Unit.SHARE,
            Better.NEITHER,
            lambda s, team: (
                s.teams[team].busy_unit_hours_per_year / max(s.teams[team].cost_per_year, 1.0)
            ),
        )
        m = lookup(demo, "teams.police.busy_hours_per_dollar")
        police = summary.teams["police"]
        assert m.read(summary) == pytest.approx(
            police.busy_unit_hours_per_year / police.cost_per_year
        )
        with pytest.raises(ValueError, match="registered twice"):
            register(
                "calls_per_year", Unit.CALLS_PER_YEAR, Better.NEITHER, lambda s: s.calls_per_year
            )
    finally:
        REGISTRY[:] = before


def test_the_sweep_default_measures_are_registered(demo: Scenario) -> None:
    from sim.sweep import default_measures

    assert [lookup(demo, name).name for name in default_measures(demo)] == default_measures(demo)
