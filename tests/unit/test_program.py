"""Program templates: loading, applying to a city, and the mistakes a planner can make."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.program import (
    ProgramWarning,
    apply_program,
    load_program,
    program_from_dict,
    program_team,
    without_team,
)
from sim.scenario import dumps, from_dict, load_scenario, to_dict

PROGRAMS = Path(__file__).resolve().parents[2] / "scenarios" / "programs"

TEAM = {
    "cost_per_unit_hour": 100.0,
    "travel_min": {"dist": "constant", "value": 10},
    "shifts": [{"days": "mon-sun", "start": "08:00", "end": "20:00", "units": 2}],
}


def program_data(**settings: object) -> dict:
    base: dict = {
        "program": {
            "name": "Test program",
            "categories": ["behavioral_health", "welfare_check"],
            "max_wait_min": 10,
            **settings,
        },
        "teams": {"vans": TEAM},
        "on_scene_min": {
            "default": {"dist": "constant", "value": 30},
            "welfare_check": {"dist": "constant", "value": 20},
        },
    }
    return base


def test_apply_puts_the_program_first_and_keeps_the_city_chain(demo_path: Path) -> None:
    city = load_scenario(demo_path)
    prog = program_from_dict(program_data(backup={"team": "police", "probability": 0.05}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both categories exist: no warning expected
        out = apply_program(city, prog)
    assert list(out.teams) == [*city.teams, "vans"]
    for name in ("behavioral_health", "welfare_check"):
        chain = out.call_types[name].response
        assert chain[0].team == "vans" and chain[0].max_wait_min == 10
        assert chain[1:] == city.call_types[name].response
        assert out.call_types[name].backup is not None
        assert out.call_types[name].backup.probability == 0.05
        assert out.call_types[name].community_eligible is True
    assert out.call_types["welfare_check"].on_scene_min["vans"].mean() == 20
    assert out.call_types["behavioral_health"].on_scene_min["vans"].mean() == 30
    # Call types the program does not take are untouched, and so are the run settings.
    assert out.call_types["traffic"] == city.call_types["traffic"]
    assert out.scenario.seed == city.scenario.seed and out.scenario.days == city.scenario.days
    assert "Test program" in (out.scenario.description or "")
    # The result is a valid scenario that survives a TOML round trip.
    assert from_dict(__import__("tomllib").loads(dumps(out))) == out


def test_missing_category_warns_and_lists_what_exists(demo_path: Path) -> None:
    city = load_scenario(demo_path)
    data = program_data(categories=["behavioral_health", "noise_quality_of_life"])
    del data["on_scene_min"]["welfare_check"]
    prog = program_from_dict(data)
    with pytest.warns(ProgramWarning, match="noise_quality_of_life") as record:
        out = apply_program(city, prog)
    message = str(record[0].message)
    assert all(name in message for name in city.call_types)
    assert out.call_types["behavioral_health"].response[0].team == "vans"
    notes: list[str] = []
    apply_program(city, prog, warn=notes.append)
    assert len(notes) == 1 and "noise_quality_of_life" in notes[0]


def test_team_name_clash_is_an_error(demo_path: Path) -> None:
    city = load_scenario(demo_path)
    data = program_data()
    data["teams"] = {"police": TEAM}
    with pytest.raises(ScenarioError, match=r"teams\.police.*rename"):
        apply_program(city, program_from_dict(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"program": {"name": "x", "categories": ["a"]}}, "max_wait_min"),
        ({"on_scene_min": {"welfare_check": {"dist": "constant", "value": 1}}}, "default"),
        ({"on_scene_min": {"default": {"dist": "constant", "value": 1},
                           "traffic": {"dist": "constant", "value": 1}}}, "traffic"),
        ({"teams": {"a": TEAM, "b": TEAM}}, "program.team"),
        ({"colour": "red"}, "unknown key"),
    ],
)  # fmt: skip
def test_bad_program_files_name_the_key(change: dict, message: str) -> None:
    data = {**program_data(), **change}
    with pytest.raises(ScenarioError, match=message):
        program_from_dict(data, source="p.toml")


def test_load_program_reports_syntax_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[program\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_program(bad)
    with pytest.raises(ScenarioError, match="file not found"):
        load_program(tmp_path / "nope.toml")


@pytest.mark.parametrize("path", sorted(PROGRAMS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_programs_load(path: Path) -> None:
    prog = load_program(path)
    assert prog.responder in prog.teams
    assert prog.program.backup is not None and prog.program.backup.team == "police"


def test_cahoots_like_runs_eugenes_2020_vans() -> None:
    """One van round the clock and a second 10am–10pm [K]: 36 van-hours a day, two vans at
    the same time from 10:00 to 22:00. Its cost is checked in tests/golden/test_budgets.py."""
    prog = load_program(PROGRAMS / "cahoots_like.toml")
    on_duty = prog.teams[prog.responder].on_duty().reshape(7, 1440)
    assert on_duty.sum() / 60 / 7 == pytest.approx(36)
    assert (on_duty[:, 10 * 60 : 22 * 60] == 2).all()
    assert (on_duty[:, : 10 * 60] == 1).all() and (on_duty[:, 22 * 60 :] == 1).all()


def test_star_like_runs_six_to_ten_every_day() -> None:
    prog = load_program(PROGRAMS / "star_like.toml")
    on_duty = prog.teams[prog.responder].on_duty().reshape(7, 1440)
    assert (on_duty[:, 6 * 60 : 22 * 60] > 0).all()
    assert (on_duty[:, : 6 * 60] == 0).all() and (on_duty[:, 22 * 60 :] == 0).all()


# ------------------------------------------- the scenario carries the program's budget


def test_the_planned_city_carries_the_budget_and_its_costs_follow_from_it(
    demo_path: Path,
) -> None:
    """A program's [budget] goes with its team into the city: the planned scenario alone
    gives the FTEs and budget, its text round-trips, and a change of shifts (a sweep, or
    optimize -o) keeps the budget and re-derives nothing by hand."""
    from sim.budget import annual_budget, team_rates
    from sim.scenario import with_overrides

    program = load_program(PROGRAMS / "cahoots_like.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgramWarning)
        planned = apply_program(load_scenario(demo_path), program)
    team = planned.teams["cahoots"]
    assert team.budget == program.budget and team.program == "CAHOOTS-like"
    assert team.cost_per_unit_hour == team_rates(team.budget).cost_per_unit_hour
    assert from_dict(tomllib.loads(dumps(planned))) == planned
    assert "cost_per_unit_hour" not in dumps(planned).split("[teams.cahoots]")[1].split("[")[0]
    one_van = with_overrides(planned, {"teams.cahoots.shifts": [
        {"days": "mon-sun", "start": "00:00", "end": "24:00", "units": 1}]})  # fmt: skip
    budget = annual_budget(one_van.teams["cahoots"].budget, one_van.teams["cahoots"])  # type: ignore[arg-type]
    assert budget.unit_hours_per_year == 8760 and budget.crew_fte == pytest.approx(
        2 * 8760 * 1.2 / 2080
    )
    data = to_dict(planned)
    data["teams"]["cahoots"]["cost_per_unit_hour"] = 70.0
    with pytest.raises(ScenarioError, match=r"cost_per_unit_hour: the team's budget sets"):
        from_dict(data)


def test_without_team_is_the_city_before_the_program(demo_path: Path) -> None:
    """The counterfactual a planned city's program is measured against: the team gone from
    every chain, co-response, backup and transport; the last option waits without limit."""
    demo = load_scenario(demo_path)
    assert program_team(demo) == "community"  # a community team answering calls first
    without = without_team(demo, "community")
    assert "community" not in without.teams
    for ct in without.call_types.values():
        assert all(o.team != "community" for o in ct.response)
        assert ct.response[-1].max_wait_min is None and "community" not in ct.on_scene_min
    assert program_team(without) is None
    lane = load_scenario(demo_path.parent / "cities" / "lane_county_crisis_team.toml")
    assert program_team(lane) is None  # its crisis team answers alone: the city's own service
    data = to_dict(demo)
    data["call_types"]["welfare_check"]["response"] = [{"team": "community"}]
    with pytest.raises(ScenarioError, match="answered only by team 'community'"):
        without_team(from_dict(data), "community")
