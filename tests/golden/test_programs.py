"""Golden: every shipped program applied to every shipped city runs, and `sim compare` works
out of the box on the shipped cities (short runs: this checks that they run and agree with
themselves, not their figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.applicable import unexplained
from sim.cli import app
from sim.compare import Comparison, compare_city
from sim.program import load_program
from sim.scenario import load_scenario, with_overrides

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PROGRAMS = sorted((SCENARIOS / "programs").glob("*.toml"))
CITIES = sorted((SCENARIOS / "cities").glob("*.toml"))  # empty fails the test below
runner = CliRunner()


def test_programs_and_cities_are_shipped() -> None:
    assert len(PROGRAMS) >= 2
    assert (SCENARIOS / "cities").is_dir() and CITIES


@pytest.mark.parametrize("city_path", CITIES, ids=lambda p: p.stem)
@pytest.mark.parametrize("program_path", PROGRAMS, ids=lambda p: p.stem)
def test_program_runs_in_city(program_path: Path, city_path: Path) -> None:
    city = load_scenario(city_path)
    short = {"scenario.days": city.scenario.warmup_days + 2, "scenario.replications": 2}
    city = with_overrides(city, short)
    program = load_program(program_path)
    result = compare_city(city, program, source=str(city_path))
    base, prog = result.baseline, result.with_program
    assert set(prog.teams) == set(base.teams) | set(program.teams)
    for name, ct in base.call_types.items():  # common random numbers: the same calls
        assert prog.call_types[name].calls_per_year == ct.calls_per_year
    eligible = sum(base.call_types[c].sample_calls for c in result.eligible_categories)
    answered = prog.teams[program.responder].response_min.sample_calls
    assert answered <= eligible  # the program only ever answers its own categories
    if eligible >= 20:  # enough calls that some must reach a van on duty
        assert answered > 0
    # Every figure is finite or not applicable with a reason; a city without a call the
    # program takes shows no program calls, costs or cost per call answered.
    assert unexplained(json.loads(result.model_dump_json())) == []
    if not result.eligible_categories:
        assert result.cost_per_year.program.mean is None
        assert result.cost_per_program_call.mean is None
        assert "program_calls_per_year" in result.not_applicable
    missing = set(program.program.categories) - set(city.call_types)
    assert bool(missing) == any("has no call type" in w for w in result.warnings)


@pytest.mark.parametrize("program_path", PROGRAMS, ids=lambda p: p.stem)
def test_compare_all_cities_from_the_command_line(program_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "compare.json"
    days = max(load_scenario(p).scenario.warmup_days for p in CITIES) + 2
    result = runner.invoke(
        app,
        ["compare", *map(str, CITIES), "--program", str(program_path),
         "--days", str(days), "--replications", "2", "--json", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    parsed = Comparison.model_validate(json.loads(out.read_text()))
    assert [c.source for c in parsed.cities] == [str(p) for p in CITIES]
