"""Scenario files: the issue's example loads, shifts expand correctly, mistakes are named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.scenario import Team, dumps, from_dict, load_scenario, with_overrides

EXAMPLE = """
[scenario]
name = "Demo City"
days = 28
warmup_days = 2
replications = 10
seed = 1

[teams.police]
units = 14
cost_per_unit_hour = 95.0
travel_min = { dist = "lognormal", median = 7.0, p90 = 16.0 }

[teams.community]
cost_per_unit_hour = 62.0
fixed_cost_per_year = 180000.0
travel_min = { dist = "lognormal", median = 11.0, p90 = 24.0 }
[[teams.community.shifts]]
days = "mon-sun"
start = "07:00"
end = "23:00"
units = 2

[call_types.behavioral_health]
calls_per_day = 9.5
priority = 2
response = [{ team = "community", max_wait_min = 15 }, { team = "police" }]
on_scene_min.community = { dist = "lognormal", median = 35, p90 = 80 }
on_scene_min.police = { dist = "gamma", mean = 42, cv = 0.9 }
backup = { team = "police", probability = 0.01 }
"""


def example() -> dict:
    return tomllib.loads(EXAMPLE)


def test_issue_example_is_accepted() -> None:
    scn = from_dict(example())
    assert scn.teams["community"].max_units() == 2
    assert scn.call_types["behavioral_health"].response[0].max_wait_min == 15


def test_demo_loads(demo_path: Path) -> None:
    scn = load_scenario(demo_path)
    assert "community" in scn.teams and scn.scenario.population == 250000


def test_day_shift_schedule() -> None:
    team = from_dict(example()).teams["community"]
    level = team.on_duty()
    assert level[6 * 60 + 59] == 0 and level[7 * 60] == 2 and level[22 * 60 + 59] == 2
    assert level[23 * 60] == 0
    assert level.sum() == 7 * 16 * 60 * 2


def test_overnight_shift_wraps_past_midnight_and_the_week() -> None:
    team = Team.model_validate(
        {"shifts": [{"days": "sun", "start": "22:00", "end": "06:00", "units": 3}]}
    )
    level = team.on_duty()
    assert level[6 * 1440 + 22 * 60] == 3  # Sunday 22:00
    assert level[5 * 60] == 3  # Monday 05:00, wrapped from the end of the week
    assert level[6 * 60] == 0
    assert level.sum() == 8 * 60 * 3


def test_day_ranges_wrap() -> None:
    team = Team.model_validate(
        {"shifts": [{"days": "fri-mon", "start": "00:00", "end": "24:00", "units": 1}]}
    )
    per_day = team.on_duty().reshape(7, 1440).max(axis=1)
    assert per_day.tolist() == [1, 0, 0, 0, 1, 1, 1]


def test_profile_forms_average_one() -> None:
    data = example()
    ct = data["call_types"]["behavioral_health"]
    ct["hourly"] = list(range(1, 25))
    ct["daily"] = [1, 1, 1, 1, 2, 2, 1]
    prof = from_dict(data).call_types["behavioral_health"].profile()
    assert prof.shape == (168,) and prof.mean() == pytest.approx(1)
    assert prof[4 * 24 + 23] / prof[0 * 24 + 23] == pytest.approx(2)
    del ct["hourly"], ct["daily"]
    ct["hour_of_week"] = list(np.arange(168) % 24 + 1.0)
    assert from_dict(data).call_types["behavioral_health"].profile()[23] == pytest.approx(24 / 12.5)


def test_dump_load_round_trip() -> None:
    scn = from_dict(example())
    assert from_dict(tomllib.loads(dumps(scn))) == scn


def _error(data: dict) -> str:
    with pytest.raises(ScenarioError) as info:
        from_dict(data, source="city.toml")
    line = info.value.line()
    assert "\n" not in line and line.startswith("city.toml")
    return line


def test_bad_inputs_name_the_key() -> None:
    d = example()
    d["teams"]["police"]["unit"] = 3
    assert "teams.police.unit" in _error(d) and "unknown key" in _error(d)
    d = example()
    d["teams"]["police"]["units"] = -2
    assert "teams.police.units" in _error(d)
    d = example()
    d["call_types"]["behavioral_health"]["calls_per_day"] = -1
    assert "calls_per_day" in _error(d)
    d = example()
    d["call_types"]["behavioral_health"]["response"][0]["team"] = "comunity"
    assert "did you mean 'community'" in _error(d)
    d = example()
    d["teams"]["community"]["shifts"][0]["end"] = "07:00"
    assert "zero length" in _error(d)
    d = example()
    d["call_types"]["behavioral_health"]["on_scene_min"]["police"] = {
        "dist": "lognormal",
        "median": 50,
        "p90": 40,
    }
    line = _error(d)
    assert "on_scene_min.police" in line and "above the median" in line
    d = example()
    d["call_types"]["behavioral_health"]["days"] = 3
    assert "call_types.behavioral_health.days" in _error(d)
    d = example()
    d["scenario"]["warmup_days"] = 30
    assert "warmup_days" in _error(d)
    d["scenario"].update(days=2.009, warmup_days=2)  # less than the 0.01 days measured
    assert "warmup_days" in _error(d)
    d["scenario"]["days"] = 2.01  # exactly 0.01 days measured, though 2.01 − 2 < 0.01 in floats
    assert from_dict(d).scenario.days == 2.01
    d = example()  # a sum so small its mean is zero (found by the property tests)
    d["call_types"]["behavioral_health"]["daily"] = [0.0] * 6 + [5e-324]
    assert "daily factors must be non-negative with a positive sum" in _error(d)


def test_a_call_type_no_unit_can_ever_serve_is_rejected() -> None:
    d = example()
    d["teams"]["police"]["units"] = 0
    line = _error(d)
    assert "never has a unit on duty" in line and "call_types.behavioral_health" in line


def test_missing_on_scene_time_is_named() -> None:
    d = example()
    del d["call_types"]["behavioral_health"]["on_scene_min"]["police"]
    assert "no time on scene for team 'police'" in _error(d)


def test_load_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname=1")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "missing.toml")


def test_overrides_by_dotted_path() -> None:
    scn = from_dict(example())
    more = with_overrides(scn, {"teams.community.shifts.0.units": 4, "scenario.seed": 9})
    assert more.teams["community"].shifts[0].units == 4 and more.scenario.seed == 9
    assert scn.teams["community"].shifts[0].units == 2  # the original is untouched
    with pytest.raises(ScenarioError, match=r"nearest: teams\.community\.shifts\.0\.units"):
        with_overrides(scn, {"teams.community.shifts.0.unit": 4})
    with pytest.raises(
        ScenarioError, match="-4 is out of range: units must be a whole number from 0"
    ):
        with_overrides(scn, {"teams.community.shifts.0.units": -4})


@pytest.mark.parametrize(
    ("path", "typo", "nearest"),
    [
        (("scenario",), "replicatons", "replications"),
        (("teams", "police"), "unit", "units"),
        (("call_types", "behavioral_health"), "calls_per_dya", "calls_per_day"),
        (("call_types", "behavioral_health", "response", 0), "max_wiat_min", "max_wait_min"),
        (("call_types", "behavioral_health", "on_scene_min", "police"), "meen", "mean"),
        ((), "dispatc", "dispatch"),
    ],
)
def test_an_unknown_key_names_the_nearest(
    path: tuple[object, ...], typo: str, nearest: str
) -> None:
    d = example()
    d.setdefault("dispatch", {})
    node = d
    for part in path:
        node = node[part]  # type: ignore[index]
    node[typo] = 3  # type: ignore[index]
    line = _error(d)
    assert f"{typo}: unknown key; did you mean '{nearest}'?" in line, line


def test_an_unknown_key_with_no_near_one_points_to_the_format() -> None:
    d = example()
    d["teams"]["police"]["xyz"] = 3
    assert "check the spelling against the scenario format" in _error(d)
