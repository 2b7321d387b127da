"""`sim program apply`: the planned city file, its comments, and one-line errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.program import apply_program, load_program
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "scenarios" / "cities" / "berkeley_2014.toml"
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
runner = CliRunner()


def test_apply_writes_a_city_ready_for_sweep_with_its_comments(tmp_path: Path) -> None:
    out = tmp_path / "planned.toml"
    result = runner.invoke(app, ["program", "apply", str(CITY), str(PROGRAM), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = apply_program(load_scenario(CITY), load_program(PROGRAM))
    assert load_scenario(out) == expected
    text = out.read_text(encoding="utf-8")
    source = CITY.read_text(encoding="utf-8")
    assert all(line in text for line in source.splitlines() if line.startswith("#"))
    assert "sim program apply" in text.splitlines()[0]
    assert "edit the budget, not the costs" in text
    # The planned city carries the program's budget: its FTEs and costs come from the file.
    planned = load_scenario(out).teams["cahoots"]
    assert planned.budget == load_program(PROGRAM).budget and planned.program == "CAHOOTS-like"
    assert (
        "[teams.cahoots.budget.crew.medic]" in text
        and "\ncost_per_unit_hour ="
        not in (text.split("[teams.cahoots]")[1].split("[call_types")[0])
    )
    # ready for a sweep over the program's vans, without a re-fit
    vary = "teams.cahoots.shifts.1.units=1,2"
    sweep = runner.invoke(app, ["sweep", str(out), "--vary", vary, "--days", "2",
                                "--replications", "1", "--workers", "1"])  # fmt: skip
    assert sweep.exit_code == 0, sweep.output


def test_apply_to_stdout_and_warnings(tmp_path: Path, demo_path: Path) -> None:
    result = runner.invoke(app, ["program", "apply", str(demo_path), str(PROGRAM), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "[teams.cahoots]" in result.stdout
    assert "warning: Demo City has no call type 'intoxicated_person'" in result.stderr


def test_wrong_budget_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = PROGRAM.read_text(encoding="utf-8")
    for old, new, key in (("hourly_wage = 18.0", "hourly_wage = -18.0", "hourly_wage"),
                          ("per_unit = 1 ", "per_unit = 0 ", "per_unit")):  # fmt: skip
        bad.write_text(text.replace(old, new, 1), encoding="utf-8")
        out = tmp_path / "planned.toml"
        result = runner.invoke(app, ["program", "apply", str(CITY), str(bad), "-o", str(out)])
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"budget.crew.medic.{key}" in lines[0], lines
        assert not out.exists()  # nothing half-written


def test_output_folder_must_exist(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "planned.toml"
    result = runner.invoke(app, ["program", "apply", str(CITY), str(PROGRAM), "-o", str(out)])
    assert result.exit_code == 2 and "folder does not exist" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("hourly_wage = 18.0", "hourly_wage = -18.0", "budget.crew.medic.hourly_wage"),
        ("relief_factor = 1.2", "relief_factor = 0.9", "teams.cahoots.budget.relief_factor"),
        ("per_unit = 1", "per_unit = 0", "teams.cahoots.budget.crew.medic.per_unit"),
        ("[teams.cahoots]\n", "[teams.cahoots]\ncost_per_unit_hour = 70.0\n", "cost_per_unit_hour"),
    ],
)  # fmt: skip
def test_a_planned_city_with_a_wrong_budget_is_one_line(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    """The budget a planned city carries is checked like the template's: one line, exit 2."""
    out = tmp_path / "planned.toml"
    assert (
        runner.invoke(app, ["program", "apply", str(CITY), str(PROGRAM), "-o", str(out)]).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert old in text
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(app, ["run", str(out), "--days", "2", "--replications", "1"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and key in lines[0], lines
