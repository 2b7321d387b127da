"""Hours of operation: a team's calls by hour of the week against its units on duty."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.hours_of_operation import (
    ARM,
    best_daily_window,
    hours_of_operation,
    hours_variants,
    offered_share,
    shift_block_scenarios,
    shift_block_variants,
    variant_arms,
)
from sim.pipeline import Arm, GroupStats, outcomes_by_arm
from sim.scenario import from_dict

# Calls only from 18:00 to 24:00 (hourly factors 0 before 18:00): a day team misses them.
EVENING = [0.0] * 18 + [1.0] * 6
EXP = {"dist": "exponential", "mean": 30}


def scenario(vans_shifts: list[dict]) -> dict:
    return {
        "scenario": {"name": "t"},
        "teams": {"police": {"units": 2}, "vans": {"shifts": vans_shifts}},
        "call_types": {
            "crisis": {"calls_per_day": 12, "hourly": EVENING, "no_dispatch_share": 0.25,
                       "response": [{"team": "vans", "max_wait_min": 10}, {"team": "police"}],
                       "on_scene_min": {"vans": EXP, "police": EXP}},
            "theft": {"calls_per_day": 50, "response": [{"team": "police"}],
                      "on_scene_min": {"police": EXP}},
        },
    }  # fmt: skip


def test_share_of_calls_inside_program_hours_by_hand() -> None:
    """Vans 16:00–20:00 every day. Crisis calls: 12 a day, all between 18:00 and 24:00 (2 an
    hour), 25% resolved by phone → 1.5 calls an hour needing a unit, 9 a day. The vans cover
    18:00–20:00: 2 of the 6 hours → a third of the calls; 9 × 365 = 3,285 a year, 1,095
    inside. Unit-hours: 4 a day × 365 = 1,460. Theft calls never go to the vans."""
    scn = from_dict(scenario([{"start": "16:00", "end": "20:00", "units": 1}]))
    h = hours_of_operation(scn, "vans")
    assert h.call_types == ("crisis",)
    calls = np.array(h.calls_per_hour).reshape(7, 24)
    assert calls[:, 18:] == pytest.approx(np.full((7, 6), 1.5))
    assert calls[:, :18].sum() == 0
    assert h.calls_per_year == pytest.approx(3285)
    assert h.calls_inside_hours_per_year == pytest.approx(1095)
    assert h.share_inside_hours == pytest.approx(1 / 3)
    assert h.unit_hours_per_year == pytest.approx(1460)
    covered = np.array(h.covered).reshape(7, 24)
    assert covered[:, 16:20].min() == 1 and covered.sum() == 7 * 4


def test_half_hours_count_by_minutes_and_no_calls_is_not_applicable() -> None:
    """A shift 17:30–18:30 covers half of hour 18 (1.5 calls of 9 a day → 0.75 inside,
    share 0.75 / 9 = 1/12). A team no call type names has no share (None)."""
    scn = from_dict(scenario([{"start": "17:30", "end": "18:30", "units": 1}]))
    assert hours_of_operation(scn, "vans").share_inside_hours == pytest.approx(1 / 12)
    data = scenario([{"start": "17:30", "end": "18:30", "units": 1}])
    data["call_types"]["crisis"]["response"] = [{"team": "police"}]
    del data["call_types"]["crisis"]["on_scene_min"]["vans"]
    assert hours_of_operation(from_dict(data), "vans").share_inside_hours is None
    with pytest.raises(ScenarioError, match="'ambulance' is not a team"):
        hours_of_operation(scn, "ambulance")


def test_best_window_finds_the_evening_and_wraps_midnight() -> None:
    """Demand 18:00–24:00: the best 6-hour window starts at 18:00; the best 8-hour window is
    tied from 16:00 to 18:00 (each holds all 6 busy hours) and the earliest wins; with a
    call peak at 23:00–01:00 the best 2-hour window crosses midnight."""
    calls = np.tile(np.array(EVENING), 7)
    assert best_daily_window(calls, 6) == 18
    assert best_daily_window(calls, 8) == 16
    late = np.zeros(168)
    late[np.arange(7) * 24 + 23] = 1.0
    late[np.arange(7) * 24] = 1.0
    assert best_daily_window(late, 2) == 23
    with pytest.raises(ValueError, match="1 to 24"):
        best_daily_window(calls, 25)


def test_shift_block_variants_are_plain_overrides_that_validate() -> None:
    scn = from_dict(scenario([{"start": "08:00", "end": "12:00", "units": 2}]))
    variants = shift_block_variants(scn, "vans", windows=(6,))
    assert list(variants) == ["current", "24/7", "6h from 18:00"]
    assert variants["24/7"]["teams.vans.shifts"] == [
        {"days": "mon-sun", "start": "00:00", "end": "24:00", "units": 2}
    ]
    scns = shift_block_scenarios(scn, "vans", windows=(6,))
    assert scns["current"] == scn
    shares = {name: hours_of_operation(s, "vans").share_inside_hours for name, s in scns.items()}
    assert shares == pytest.approx({"current": 0.0, "24/7": 1.0, "6h from 18:00": 1.0})
    assert hours_of_operation(scns["6h from 18:00"], "vans").unit_hours_per_year == (
        pytest.approx(2 * 6 * 365)
    )


def test_partial_eligibility_counts_the_share_offered_to_the_team() -> None:
    """An option with share = 0.4 is offered 40% of the calls reaching it: 9 calls a day
    needing a unit × 0.4 = 3.6 a day, 1,314 a year; the police, last, are offered none
    first-hand (the vans' option applies to the rest only after their share)."""
    data = scenario([{"start": "00:00", "end": "24:00", "units": 1}])
    data["call_types"]["crisis"]["response"][0]["share"] = 0.4
    h = hours_of_operation(from_dict(data), "vans")
    assert h.calls_per_year == pytest.approx(9 * 0.4 * 365)
    ct = from_dict(data).call_types["crisis"]
    assert offered_share(ct, "vans") == pytest.approx(0.4)
    assert offered_share(ct, "police") == pytest.approx(0.6)


def test_other_hours_are_simulated_with_the_same_calls() -> None:
    """Each block runs as an arm of the pipeline with the plan's seed: the current hours
    differ from themselves by exactly zero, round the clock the vans answer at least as
    many calls in every replication (the same calls, more hours), and the budget-free
    team has no FTEs (not applicable)."""
    data = scenario([{"start": "16:00", "end": "20:00", "units": 1}])
    data["scenario"].update(days=4, warmup_days=1, replications=3)
    scn = from_dict(data)
    arms = variant_arms(scn, "vans", ("crisis",))
    blocks = ("24/7", "8h from 16:00", "12h from 12:00", "16h from 08:00")
    assert [a.name for a in arms] == [ARM + n for n in blocks]
    current = outcomes_by_arm([Arm("plan", scn, collect=(GroupStats(("crisis",)),))])["plan"]
    done = outcomes_by_arm(arms)
    rows = {v.name: v for v in hours_variants(scn, "vans", current, done, ["police"])}
    assert rows["current"].change_program_calls_per_year.mean == 0
    assert rows["current"].police_unit_hours_freed_vs_current.mean == 0
    more = rows["24/7"].change_program_calls_per_year
    assert more.mean is not None and more.mean > 0 and more.ci95 is not None and more.ci95[0] > 0
    assert rows["24/7"].share_inside_hours == 1.0 and rows["24/7"].unit_hours_per_year == 8760
    assert rows["current"].fte is None and rows["current"].budget_per_year is None
