"""Sensitivity's pieces: scaled distributions, ranges, the baseline, inputs that do not apply,
the command line and the report page. Its figures are held to theory in
tests/validation/test_sensitivity_theory.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from typer.testing import CliRunner

from sim.applicable import unexplained
from sim.cli import app
from sim.dists import Dist
from sim.pipeline import SerialExecutor
from sim.program import load_program, without_teams
from sim.scenario import dumps, load_scenario, to_dict, with_overrides
from sim.sensitivity import (
    SensitivityError,
    parse_range,
    plan_sensitivity,
    ranges,
    scale_spec,
    sensitivity,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.toml"
CASE = ROOT / "scenarios" / "validation" / "sensitivity_erlang_b.toml"
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
DIST: TypeAdapter[Any] = TypeAdapter(Dist)
runner = CliRunner()

SPECS = [
    {"dist": "exponential", "mean": 12.0},
    {"dist": "lognormal", "median": 20.0, "p90": 55.0},
    {"dist": "lognormal", "mean": 30.0, "cv": 0.8},
    {"dist": "lognormal", "mu": 3.1, "sigma": 0.7},
    {"dist": "gamma", "mean": 40.0, "cv": 1.1},
    {"dist": "gamma", "shape": 1.4, "scale": 20.4},
    {"dist": "weibull", "shape": 1.3, "scale": 25.0},
    {"dist": "weibull", "median": 18.0, "p90": 50.0},
    {"dist": "weibull", "mean": 30.0, "cv": 0.9},
    {"dist": "constant", "value": 8.0},
    {"dist": "empirical", "quantiles": [0.0, 3.0, 9.0, 30.0, 120.0]},
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s)))
@settings(deadline=None, max_examples=30)  # the first example imports scipy.stats
@given(factor=st.floats(0.05, 20))
def test_a_scaled_spec_is_the_variable_times_the_factor(
    spec: dict[str, Any], factor: float
) -> None:
    """factor × X: the mean and every quantile scale, the shape stays (every family)."""
    before, after = DIST.validate_python(spec), DIST.validate_python(scale_spec(spec, factor))
    assert after.mean() == pytest.approx(factor * before.mean(), rel=1e-9)
    for p in (0.1, 0.5, 0.9):
        assert float(after.quantile(p)) == pytest.approx(
            factor * float(before.quantile(p)), rel=1e-7, abs=1e-9
        )


def test_ranges_by_multiplier_or_percentage() -> None:
    assert parse_range("calls=0.7,1.3") == parse_range("calls=-30%,+30%")
    r = parse_range(" on_scene = -10% , +50% ")
    assert (r.name, r.low, r.high) == ("on_scene", pytest.approx(0.9), pytest.approx(1.5))
    every = ranges(["travel=0.5,1.1"], spread=0.25)
    assert [(x.name, x.low, x.high) for x in every] == [
        ("calls", 0.75, 1.25), ("on_scene", 0.75, 1.25), ("travel", 0.5, 1.1),
        ("eligible_share", 0.75, 1.25), ("backup_rate", 0.75, 1.25),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("calls", "should be INPUT=LOW,HIGH"),
        ("volume=0.8,1.2", "'volume' is not an input"),
        ("calls=1.2,0.8", "range must run from a low multiplier"),
        ("calls=0,1.2", "range must run from a low multiplier"),
        ("calls=1,1", "range must run from a low multiplier"),
    ],
)
def test_a_bad_range_is_one_line(text: str, says: str) -> None:
    with pytest.raises(SensitivityError, match=says) as err:
        parse_range(text)
    assert "\n" not in err.value.line() and "--range" in err.value.line()


def test_spread_must_be_a_share() -> None:
    for bad in (0.0, 1.0, -0.2):
        with pytest.raises(SensitivityError, match="spread"):
            ranges(spread=bad)


def test_the_baseline_is_the_scenario_without_the_program_teams() -> None:
    demo = load_scenario(DEMO)
    base = without_teams(demo, ["community"])
    assert "community" not in base.teams
    bh = base.call_types["behavioral_health"]
    assert [o.team for o in bh.response] == ["police"] and bh.response[-1].max_wait_min is None
    assert set(bh.on_scene_min) == {"police"}
    assert base.call_types["violent_crime"] == demo.call_types["violent_crime"]


def test_no_baseline_when_only_the_program_answers_a_call_type() -> None:
    data = to_dict(load_scenario(CASE))
    only = with_overrides(load_scenario(CASE),
                          {"call_types.crisis.response": [{"team": "van"}]})  # fmt: skip
    assert data["call_types"]["crisis"]["response"][0]["team"] == "van"
    with pytest.raises(SensitivityError, match="answered only by team 'van'") as err:
        plan_sensitivity(only, ranges(), teams=["van"])
    assert "--program" in err.value.line()
    # Without --team, the vans are the city's own service (as a report takes them): no
    # program team, so no baseline and only the eligible p90 to vary.
    plan = plan_sensitivity(only, ranges())
    assert plan.program_teams == () and plan.baseline is None


def test_inputs_a_scenario_does_not_have_are_not_varied() -> None:
    scn = with_overrides(
        load_scenario(CASE),
        {"teams.van.travel_min": {"dist": "constant", "value": 0},
         "teams.police.travel_min": {"dist": "constant", "value": 0},
         "call_types.crisis.backup.probability": 0.0,
         "call_types.theft.community_eligible": True},
    )  # fmt: skip
    plan = plan_sensitivity(scn, ranges())
    assert set(plan.skipped) == {"travel", "backup_rate", "eligible_share"}
    assert plan.skipped["eligible_share"] == "every call from the public is eligible"
    assert [v.name for v in plan.variants] == ["central", "calls-low", "calls-high",
                                               "on_scene-low", "on_scene-high"]  # fmt: skip
    assert len(plan.arms) == 10  # each variant with and without the vans


def test_an_eligible_share_past_every_call_is_refused() -> None:
    with pytest.raises(SensitivityError, match="eligible share × 2") as err:
        plan_sensitivity(load_scenario(CASE), ranges(["eligible_share=0.5,2"]))
    assert "at most 1.83" in err.value.line()


def test_a_default_range_stops_where_every_call_is_eligible() -> None:
    """72 eligible calls a day of 75: ±20% cannot be reached (90 eligible of 75 calls), so the
    default high end is 75/72 with a note; a range the user gave is refused in one line."""
    scn = with_overrides(load_scenario(CASE), {"call_types.theft.calls_per_day": 3.0})
    plan = plan_sensitivity(scn, ranges())
    high = next(r.high for r in plan.ranges if r.name == "eligible_share")
    assert high == pytest.approx(75 / 72)
    assert any("high end is ×1.04" in n for n in plan.notes)
    arm = plan.arms[("eligible_share-high", "plan")].scenario
    assert arm.call_types["crisis"].calls_per_day == pytest.approx(75)
    assert arm.call_types["theft"].calls_per_day == 0
    with pytest.raises(SensitivityError, match=r"at most 1\.04"):
        plan_sensitivity(scn, ranges(["eligible_share=0.8,1.2"]))


def test_without_a_program_team_only_the_eligible_p90_applies() -> None:
    scn = with_overrides(load_scenario(CASE), {"scenario.days": 3, "scenario.replications": 2,
                                              "teams.van.role": "other"})  # fmt: skip
    res = sensitivity(scn, SerialExecutor())
    applicable = {name: o.applicable for name, o in res.outputs.items()}
    assert applicable == {"eligible_response_p90": True, "police_hours_freed": False,
                          "cost_per_call_answered": False}  # fmt: skip
    na = res.not_applicable
    assert na["outputs.police_hours_freed.central"] == "there is no baseline without a program"
    assert na["outputs.cost_per_call_answered.central"] == "there is no program team"
    assert "no program team" in na["program"] and res.program is None
    assert res.not_varied["backup_rate"] == "there is no program team"
    assert not res.inputs["backup_rate"].varied
    assert set(res.effects) == {"eligible_response_p90"}
    assert unexplained(json.loads(res.model_dump_json())) == []


def test_every_null_has_a_reason_and_no_value_leaves_its_range() -> None:
    """One replication (no intervals at all), then three: every null in the JSON is explained,
    and the values at the ends of a range (a p90, a cost) keep to zero and above, while the
    changes (differences) may be negative."""
    for reps in (1, 3):
        scn = with_overrides(load_scenario(DEMO), {"scenario.days": 4,
                                                   "scenario.replications": reps})  # fmt: skip
        res = sensitivity(scn, SerialExecutor())
        doc = json.loads(res.model_dump_json())
        assert unexplained(doc) == [], reps
        assert doc["schema_version"] == 2 and doc["kind"] == "sensitivity"
    for name in ("eligible_response_p90", "cost_per_call_answered"):
        for e in res.effects[name].values():
            for end in (e.low, e.high):
                assert end.ci95 is None or end.ci95[0] >= 0, (name, end)
    changes = [e.low_change for by in res.effects.values() for e in by.values()]
    assert any(c.ci95 is not None and c.ci95[0] < 0 for c in changes)


def test_cost_per_call_needs_enough_calls_answered() -> None:
    """As in sim compare: a cost per call answered resting on fewer than 30 calls is n/a."""
    scn = with_overrides(load_scenario(CASE), {"scenario.days": 2, "scenario.warmup_days": 1,
                                              "scenario.replications": 1,
                                              "call_types.crisis.calls_per_day": 10})  # fmt: skip
    res = sensitivity(scn, SerialExecutor(), given=["calls=0.9,1.1"])
    assert not res.outputs["cost_per_call_answered"].applicable
    assert "fewer than 30" in res.not_applicable["outputs.cost_per_call_answered.central"]


def test_a_program_template_is_applied_to_a_city() -> None:
    city = with_overrides(without_teams(load_scenario(DEMO), ["community"]),
                          {"scenario.days": 3, "scenario.replications": 2})  # fmt: skip
    plan = plan_sensitivity(city, ranges(), program=load_program(PROGRAM))
    assert plan.program == "CAHOOTS-like" and plan.program_teams == ("cahoots",)
    assert "cahoots" in plan.scenario.teams and plan.baseline == city
    assert plan.police_teams == ("police",)


def test_command_json_and_report(tmp_path: Path) -> None:
    out, html = tmp_path / "s.json", tmp_path / "s.html"
    args = ["sensitivity", str(CASE), "--days", "4", "--replications", "3",
            "--range", "calls=0.5,1.5", "--json", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "police hours freed" in result.stdout and "The biggest uncertainty" in result.stdout
    data = json.loads(out.read_text())
    assert data["kind"] == "sensitivity" and data["inputs"]["calls"]["low"] == 0.5
    assert set(data["ranking"]) == {"eligible_response_p90", "police_hours_freed",
                                    "cost_per_call_answered"}  # fmt: skip
    result = runner.invoke(app, ["report", str(out), "-o", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text()
    for chart in ("eligible-response-p90", "police-hours-freed", "cost-per-call-answered"):
        assert f'id="chart-tornado-{chart}"' in page
    assert data["biggest_uncertainty"] in page


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--range", "calls=2,3"], "--range calls=2,3"),
        (["--team", "vans"], "'vans' is not a team"),
        (["--spread", "1.5"], "--spread"),
        (["--json", "/no/such/folder/s.json"], "folder does not exist"),
    ],
)
def test_command_mistakes_are_one_line(extra: list[str], says: str) -> None:
    result = runner.invoke(app, ["sensitivity", str(CASE), "--days", "2", *extra])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.output


def _summary(page: str) -> str:
    return page.split('<ul class="findings summary">')[1].split("</ul>")[0]


def test_a_scenario_report_quotes_its_sensitivity_analysis(tmp_path: Path) -> None:
    """``sim report SCENARIO --sensitivity S.json``: the summary's fifth sentence is the
    analysis's finding, its tornado charts join the page, nothing more is simulated for it;
    an analysis of another scenario, or given with results JSON, is one line and exit 2."""
    fast = ["--days", "4", "--replications", "3"]
    sens, html = tmp_path / "s.json", tmp_path / "r.html"
    assert runner.invoke(app, ["sensitivity", str(CASE), *fast, "--json", str(sens)]).exit_code == 0
    finding = json.loads(sens.read_text())["biggest_uncertainty"]
    # More replications in the report: still the same scenario.
    args = ["report", str(CASE), "--days", "4", "--replications", "4", "-o", str(html)]
    result = runner.invoke(app, [*args, "--sensitivity", str(sens)])
    assert result.exit_code == 0, result.output
    page = html.read_text()
    sentences = _summary(page).split("<li>")[1:]
    assert len(sentences) == 5 and finding.replace("'", "&#x27;") in sentences[4]
    assert "the least certain of these figures is" in sentences[4]
    assert 'id="chart-tornado-police-hours-freed"' in page
    assert runner.invoke(app, args).exit_code == 0  # without it: the simulation's own intervals
    plain = _summary(html.read_text())
    assert finding.replace("'", "&#x27;") not in plain and "sim sensitivity" in plain
    assert "tornado" not in html.read_text()

    def one_line(*extra: str) -> str:
        result = runner.invoke(app, ["report", *extra, "-o", str(html)])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        return lines[0]

    assert "not of 'Demo City'" in one_line(str(DEMO), *fast, "--sensitivity", str(sens))
    changed = tmp_path / "changed.toml"
    changed.write_text(CASE.read_text().replace("seed = ", "population = 1000\nseed = ", 1))
    assert "other figures than this file's" in one_line(str(changed), "--sensitivity", str(sens))
    assert "--sensitivity goes with the scenario" in one_line(str(sens), "--sensitivity",
                                                                str(sens))  # fmt: skip
    run = tmp_path / "run.json"
    assert runner.invoke(app, ["run", str(CASE), *fast, "--json", str(run)]).exit_code == 0
    assert "not the results of sim sensitivity" in one_line(str(CASE), "--sensitivity", str(run))


def test_an_analysis_of_a_city_with_a_template_fits_the_planned_city(tmp_path: Path) -> None:
    """``sim sensitivity CITY --program P`` is an analysis of exactly the file that ``sim
    program apply CITY P`` writes, so that file's report takes it."""
    city, planned = tmp_path / "city.toml", tmp_path / "planned.toml"
    city.write_text(dumps(without_teams(load_scenario(DEMO), ["community"])))
    fast = ["--days", "3", "--replications", "2"]
    sens = tmp_path / "s.json"
    ok = runner.invoke(app, ["program", "apply", str(city), str(PROGRAM), "-o", str(planned)])
    assert ok.exit_code == 0, ok.output
    args = ["sensitivity", str(city), "--program", str(PROGRAM), *fast, "--json", str(sens)]
    assert runner.invoke(app, args).exit_code == 0
    report = ["report", str(planned), *fast, "--sensitivity", str(sens), "-o",
              str(tmp_path / "r.html")]  # fmt: skip
    result = runner.invoke(app, report)
    assert result.exit_code == 0, result.output
