"""`sim compare`: paired baseline/program runs, consistent with separate `sim run`s."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from typer.testing import CliRunner

from sim.applicable import unexplained
from sim.cli import app
from sim.compare import Comparison, compare
from sim.metrics import t_interval
from sim.pipeline import run
from sim.program import Program, apply_program, load_program
from sim.scenario import dumps, load_scenario, with_overrides

runner = CliRunner()
PROGRAM = Path(__file__).resolve().parents[2] / "scenarios" / "programs" / "cahoots_like.toml"
DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"
FAST = ["--days", "5", "--replications", "3", "--seed", "7"]


def invoke_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json", "-"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    demo = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"
    out = tmp_path_factory.mktemp("compare")
    result = runner.invoke(
        app,
        ["compare", str(demo), "--program", str(PROGRAM), *FAST,
         "--json", str(out / "c.json"), "--csv", str(out / "c.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "police unit-hours freed" in result.stdout
    assert (
        "warning: Demo City has no call type" in result.stderr
        and "intoxicated_person" in result.stderr
    )
    return json.loads((out / "c.json").read_text()), out


def test_figures_equal_separate_runs_of_the_same_scenarios(
    compared: tuple[dict, Path], demo_path: Path, tmp_path: Path
) -> None:
    data, _ = compared
    city = data["cities"][0]
    # The baseline is exactly `sim run` of the city with the same settings …
    assert city["baseline"] == invoke_json("run", str(demo_path), *FAST)
    # … and the program arm is exactly `sim run` of the city with the program applied.
    applied = apply_program(load_scenario(demo_path), load_program(PROGRAM), warn=lambda _: None)
    path = tmp_path / "with_program.toml"
    path.write_text(dumps(applied))
    assert city["with_program"] == invoke_json("run", str(path), *FAST)


def test_arms_see_the_same_calls_and_figures_add_up(compared: tuple[dict, Path]) -> None:
    data, _ = compared
    assert data["kind"] == "compare" and data["schema_version"] == 2
    city = data["cities"][0]
    base, prog = city["baseline"], city["with_program"]
    # Common random numbers: the program changes who answers, never which calls arrive.
    for name, ct in base["call_types"].items():
        assert prog["call_types"][name]["calls_per_year"] == ct["calls_per_year"]
    police = [t["busy_unit_hours_per_year"] for t in (base["teams"]["police"],
                                                      prog["teams"]["police"])]  # fmt: skip
    freed = police[0] - police[1]
    assert city["police_unit_hours_freed_per_year"]["mean"] == pytest.approx(freed)
    # The interval is the paired t-interval of per-replication freed hours (separate runs).
    settings = {"scenario.days": 5, "scenario.replications": 3, "scenario.seed": 7}
    demo = with_overrides(load_scenario(DEMO), settings)
    applied = apply_program(demo, load_program(PROGRAM), warn=lambda _: None)
    per_rep = [
        b.teams["police"].busy_unit_hours_per_year - p.teams["police"].busy_unit_hours_per_year
        for b, p in zip(run(demo).replications, run(applied).replications, strict=True)
    ]
    expected = t_interval(per_rep)
    assert expected is not None
    assert city["police_unit_hours_freed_per_year"]["ci95"] == pytest.approx(expected, rel=1e-9)
    answered = prog["teams"]["cahoots"]["calls_per_year"]
    assert city["program_calls_per_year"]["mean"] == pytest.approx(answered)
    assert answered > 0 and freed > 0  # the vans take police work on eligible calls
    # Police time freed as officers and dollars (sim/budget.py, one officer per car, relief
    # 1.2, 2,080 paid hours, the demo's $80 a police unit-hour), replication by replication.
    time = city["police_time_freed"]
    assert time["officer_fte"]["mean"] == pytest.approx(freed * 1.2 / 2080)
    assert time["dollars_per_year"]["mean"] == pytest.approx(freed * 80)
    assert time["cost_per_unit_hour"] == 80 and time["officers_per_unit"] == 1
    assert city["eligible_categories"] == ["behavioral_health", "welfare_check"]
    eligible = sum(city["calls_per_year"][c] for c in city["eligible_categories"])
    assert city["eligible_share"] == pytest.approx(eligible / city["total_calls_per_year"])
    # Cost per call answered: each replication's program cost over its calls, averaged.
    per_call = [
        p.teams["cahoots"].cost_per_year / p.teams["cahoots"].calls_per_year
        for p in run(applied).replications
    ]
    assert city["cost_per_program_call"]["mean"] == pytest.approx(np.mean(per_call))
    budget = city["program_budget"]
    assert budget["total_fte"] == pytest.approx(17.4115, abs=1e-4)  # tests/golden/test_budgets
    assert unexplained(data) == []
    assert city["per_1000_calls"]["calls"] == pytest.approx(1000)
    assert city["per_100k_residents"]["calls"] == pytest.approx(
        city["total_calls_per_year"] * 1e5 / 250_000
    )


def test_csv_has_one_row_per_city_matching_the_json(compared: tuple[dict, Path]) -> None:
    data, out = compared
    rows = list(csv.DictReader((out / "c.csv").open()))
    assert len(rows) == 1 and rows[0]["city"] == "Demo City"
    city = data["cities"][0]
    assert float(rows[0]["police_unit_hours_freed_per_year"]) == pytest.approx(
        city["police_unit_hours_freed_per_year"]["mean"]
    )


def test_more_program_units_never_freed_fewer_police_hours_in_expectation(
    demo_path: Path,
) -> None:
    city = with_overrides(
        load_scenario(demo_path), {"scenario.days": 5, "scenario.replications": 2}
    )
    prog = load_program(PROGRAM)
    few = prog.model_copy(update={"teams": {"cahoots": prog.teams["cahoots"].model_copy(
        update={"shifts": prog.teams["cahoots"].shifts[:1]})}})  # fmt: skip
    police = run(city).summary.teams["police"].busy_unit_hours_per_year

    def freed(p: Program) -> float:
        """Baseline minus with-program police busy hours per year, from separate runs."""
        applied = apply_program(city, p, warn=lambda _: None)
        return police - run(applied).summary.teams["police"].busy_unit_hours_per_year

    a, b = (compare([("demo", city)], p).cities[0] for p in (few, prog))
    assert a.police_unit_hours_freed_per_year is not None
    assert b.police_unit_hours_freed_per_year is not None
    assert a.police_unit_hours_freed_per_year.mean == pytest.approx(freed(few), rel=1e-9)
    assert b.police_unit_hours_freed_per_year.mean == pytest.approx(freed(prog), rel=1e-9)
    assert b.police_unit_hours_freed_per_year.mean >= a.police_unit_hours_freed_per_year.mean > 0


def test_team_clash_is_one_line_and_exit_2(demo_path: Path, tmp_path: Path) -> None:
    clash = tmp_path / "clash.toml"
    clash.write_text(PROGRAM.read_text().replace("teams.cahoots", "teams.police"))
    out = tmp_path / "c.json"
    result = runner.invoke(
        app, ["compare", str(demo_path), "--program", str(clash), *FAST, "--json", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "teams.police" in result.stderr
    assert not out.exists()


def test_unwritable_output_is_one_line_and_nothing_written(demo_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["compare", str(demo_path), "--program", str(PROGRAM), *FAST,
         "--csv", str(tmp_path / "missing" / "c.csv"), "--json", str(tmp_path / "c.json")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "folder does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_csv_and_json_both_on_stdout_is_one_line_and_exit_2(demo_path: Path) -> None:
    result = runner.invoke(
        app, ["compare", str(demo_path), "--program", str(PROGRAM), *FAST, "--csv", "-",
              "--json", "-"],
    )  # fmt: skip
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "mix two formats on stdout" in result.stderr and result.stdout == ""


def test_a_city_without_eligible_calls_is_not_applicable_and_has_no_program_cost(
    tmp_path: Path,
) -> None:
    """A program that takes only a category the city does not have: no program calls, no
    program cost, no cost per call answered — each null with its reason — and the terminal
    and the report say "not applicable" instead of a cost."""
    from sim.report.compare_report import comparison_report

    data = json.loads(json.dumps(load_program(PROGRAM).model_dump(mode="json", exclude_none=True)))
    data["program"]["categories"] = ["intoxicated_person"]  # the demo has none
    del data["teams"]["cahoots"]["budget"]  # the template's own [budget] stays
    path = tmp_path / "narrow.toml"
    path.write_text(tomli_w.dumps(data))
    result = runner.invoke(app, ["compare", str(DEMO), "--program", str(path), *FAST,
                                 "--json", str(tmp_path / "c.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "not applicable" in result.stdout and "no call in the categories" in result.stdout
    assert "Budget of" not in result.stdout  # no program budget where it does not apply
    doc = json.loads((tmp_path / "c.json").read_text())
    city = doc["cities"][0]
    assert city["program_calls_per_year"]["mean"] is None
    assert city["cost_per_year"]["program"]["mean"] is None
    assert city["cost_per_program_call"]["mean"] is None
    assert (
        "Demo City has no call in the categories" in city["not_applicable"]["cost_per_year.program"]
    )
    assert unexplained(doc) == []
    html = comparison_report(Comparison.model_validate(doc))
    assert "not applicable" in html and "Budget and workforce" not in html
