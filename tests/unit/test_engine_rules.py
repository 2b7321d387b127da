"""Each dispatch rule on a handful of calls, against a log computed by hand (SimPy's style).

Times are constant and arrivals are given (the replay path of ``draw_calls``), so every
dispatch and clear time below is worked out in the comment above it. Minutes from Monday
00:00; on-scene and travel times are set per test.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sim.model.calls import draw_calls
from sim.model.engine import simulate
from sim.records import Records
from sim.scenario import Coverage, from_dict


def const(value: float) -> dict[str, Any]:
    return {"dist": "constant", "value": value}


def scenario(teams: dict[str, Any], types: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "scenario": {"name": "hand", "days": 2, "replications": 1, "seed": 1},
        "teams": teams,
        "call_types": types,
        **extra,
    }


def run(data: dict[str, Any], arrivals: dict[str, list[float]]) -> Records:
    scn = from_dict(data)
    calls = draw_calls(scn, 0, arrivals={k: np.array(v) for k, v in arrivals.items()})
    return simulate(scn, calls)


def log(rec: Records, *extra: str) -> list[tuple[Any, ...]]:
    """(call type, team, dispatch, clear, *extra) of every call, in order of arrival."""
    teams, types = (*rec.teams, ""), rec.call_types
    out = []
    for i in range(len(rec)):
        row = (
            types[rec["call_type"][i]],
            teams[rec["team"][i]],
            rec["dispatch"][i],
            rec["clear"][i],
        )
        out.append(tuple(_round(v) for v in (*row, *(rec.get(k)[i] for k in extra))))
    return out


def _round(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), 9)
    return v.item() if isinstance(v, np.generic) else v


def moves(rec: Records) -> list[tuple[int, int, float]]:
    m = rec.moves
    return [
        (int(c), int(o), round(float(t), 9))
        for c, o, t in zip(m["call"], m["option"], m["time"], strict=True)
    ]


TEN = {"on_scene_min": {"a": const(10), "b": const(10)}}


# ------------------------------------------------------------------------- wait limits


def test_wait_limit_moves_a_call_on_exactly_when_it_runs_out() -> None:
    data = scenario(
        {"a": {"units": 1}, "b": {"units": 1}},
        {
            "call": {
                "calls_per_day": 1,
                "response": [{"team": "a", "max_wait_min": 5}, {"team": "b"}],
                **TEN,
            }
        },
    )
    rec = run(data, {"call": [0, 2, 4]})
    # 0: a at once, clear 10. 2: waits for a, moves on at 7 to b (free), clear 17.
    # 4: waits for a, moves on at 9 to b (busy until 17), waits there as long as it takes.
    assert log(rec) == [("call", "a", 0, 10), ("call", "b", 7, 17), ("call", "b", 17, 27)]
    assert moves(rec) == [(1, 0, 7), (2, 0, 9)]


# -------------------------------------------------------------------------- multi-unit


def test_a_multi_unit_call_holds_units_and_its_leaving_frees_the_queue() -> None:
    """The issue's case: a two-unit call at the head holds the free unit; when its wait
    limit moves it on, the one-unit call behind it is dispatched then, not at the next clear."""
    data = scenario(
        {"a": {"units": 2}, "b": {"units": 2}},
        {
            "small": {"calls_per_day": 1, "response": [{"team": "a"}], **TEN},
            "big": {
                "calls_per_day": 1,
                "priority": 2,
                "response": [
                    {"team": "a", "units": 2, "max_wait_min": 5},
                    {"team": "b", "units": 2},
                ],
                **TEN,
            },
        },
    )
    rec = run(data, {"small": [0, 2], "big": [1]})
    # 0 small: a (1 of 2), clear 10. 1 big (priority 2, before priority-3 small): needs 2,
    # one is free: waits, holding it. 2 small: behind big. 6: big moves on to b (2 free):
    # dispatched 6, clear 16; small#2 now heads a's queue with a unit free: dispatched 6.
    assert log(rec) == [("small", "a", 0, 10), ("big", "b", 6, 16), ("small", "a", 6, 16)]
    assert log(rec, "units")[1][-1] == 2


# -------------------------------------------------------------------------------- backup


def test_a_backup_request_that_heads_the_queue_takes_a_free_unit_at_once() -> None:
    """The issue's other case: a backup request of priority 1 joins a queue whose head (a
    two-unit call) holds a free unit; the request now heads the queue and goes at once."""
    data = scenario(
        {"p": {"units": 2}, "c": {"units": 1}},
        {
            "routine": {
                "calls_per_day": 1,
                "response": [{"team": "p"}],
                "on_scene_min": {"p": const(10)},
            },
            "pair": {
                "calls_per_day": 1,
                "priority": 2,
                "response": [{"team": "p", "units": 2}],
                "on_scene_min": {"p": const(10)},
            },
            "crisis": {
                "calls_per_day": 1,
                "priority": 1,
                "response": [{"team": "c"}],
                "on_scene_min": {"c": const(5)},
                "backup": {"team": "p", "probability": 1.0, "on_scene_min": const(3)},
            },
        },
    )
    rec = run(data, {"routine": [0], "pair": [1], "crisis": [2]})
    # 0 routine: p, clear 10 (1 of 2 busy). 1 pair: needs 2, waits holding one. 2 crisis: c
    # at once (travel 0, so on scene at 2), asks for p: the request (priority 1) heads p's
    # queue and a unit is free: backup dispatched 2, clear 5. pair waits for both: 10, 20.
    assert log(rec) == [("routine", "p", 0, 10), ("pair", "p", 10, 20), ("crisis", "c", 2, 7)]
    assert (rec["backup_dispatch"][2], rec["backup_clear"][2]) == (2, 5)


# ------------------------------------------------------------------------- shift change


def test_shift_start_serves_the_queue_and_shift_end_is_overtime() -> None:
    data = scenario(
        {
            "a": {
                "shifts": [
                    {"start": "00:00", "end": "01:00", "units": 1},
                    {"start": "01:00", "end": "02:00", "units": 2},
                ]
            }
        },
        {
            "call": {
                "calls_per_day": 1,
                "response": [{"team": "a"}],
                "on_scene_min": {"a": const(100)},
            }
        },
    )
    rec = run(data, {"call": [0, 10, 20]})
    # 0: dispatched, clear 100. 10: waits; at 60 the second unit starts: dispatched 60,
    # clear 160. 20: waits for the first unit, free at 100: clear 200. At 120 the shift
    # ends with both busy: overtime 120 → 160 and 120 → 200.
    assert log(rec) == [("call", "a", 0, 100), ("call", "a", 60, 160), ("call", "a", 100, 200)]
    ot = rec.overtime
    assert sorted(zip(ot["start"].tolist(), ot["end"].tolist(), strict=True)) == [
        (120, 160),
        (120, 200),
    ]


# ------------------------------------------------------------------ off-duty teams skipped


def _vans(skip: bool) -> dict[str, Any]:
    return scenario(
        {
            "van": {"shifts": [{"start": "07:00", "end": "23:00", "units": 1}]},
            "police": {"units": 3},
        },
        {
            "bh": {
                "calls_per_day": 1,
                "response": [{"team": "van", "max_wait_min": 15}, {"team": "police"}],
                "on_scene_min": {"van": const(100), "police": const(30)},
            },
        },
        dispatch={"skip_off_duty": skip},
    )


def test_a_team_off_duty_with_no_one_starting_in_time_is_passed_over() -> None:
    rec = run(_vans(True), {"bh": [410, 1370, 1375, 1410]})
    # 410 (06:50): van off, starts at 420 ≤ 410 + 15: waits, dispatched 420, clear 520.
    # 1370 (22:50): van free: dispatched, clear 1470. 1375: waits for the van; at 1380 its
    # shift ends and none starts before 1390: moves on then to police (clear 1410).
    # 1410 (23:30): van off until 07:00 next day: to police at once, clear 1440.
    assert log(rec) == [
        ("bh", "van", 420, 520),
        ("bh", "van", 1370, 1470),
        ("bh", "police", 1380, 1410),
        ("bh", "police", 1410, 1440),
    ]
    assert moves(rec) == [(2, 0, 1380), (3, 0, 1410)]


def test_the_old_rule_waits_the_full_limit_for_an_off_duty_team() -> None:
    rec = run(_vans(False), {"bh": [410, 1370, 1375, 1410]})
    # Same calls, dispatch.skip_off_duty = false: 1375 waits until 1390, 1410 until 1425.
    assert log(rec) == [
        ("bh", "van", 420, 520),
        ("bh", "van", 1370, 1470),
        ("bh", "police", 1390, 1420),
        ("bh", "police", 1425, 1455),
    ]


# -------------------------------------------------------------------------------- share


def test_an_option_with_a_share_takes_exactly_the_calls_its_draw_gives_it() -> None:
    data = scenario(
        {"van": {"units": 5}, "police": {"units": 5}},
        {
            "welfare": {
                "calls_per_day": 1,
                "response": [{"team": "van", "max_wait_min": 30, "share": 0.6}, {"team": "police"}],
                "on_scene_min": {"van": const(10), "police": const(10)},
            }
        },
    )
    times = list(np.arange(140) * 20.0)  # never more than one call at a time
    scn = from_dict(data)
    calls = draw_calls(scn, 0, arrivals={"welfare": np.array(times)})
    rec = simulate(scn, calls)
    assert calls.skip is not None
    passed = (calls.skip & 1).astype(bool)
    # Each call goes where its own draw says: passed over → police at once, else the van.
    assert (rec["team"][passed] == 1).all() and (rec["team"][~passed] == 0).all()
    assert (rec["dispatch"] == times).all()
    assert sorted(moves(rec)) == [(int(i), 0, times[i]) for i in np.flatnonzero(passed)]
    # The draw is a share: 140 calls at 60%, so the van takes 84, ± 3 SD (√(140·.6·.4) ≈ 5.8).
    assert abs((~passed).sum() - 84) <= 17


# -------------------------------------------------------------------------- co-response


def _co(joins: str) -> dict[str, Any]:
    return scenario(
        {"police": {"units": 1}, "clinician": {"units": 1}},
        {
            "co": {
                "calls_per_day": 1,
                "priority": 2,
                "response": [
                    {
                        "team": "police",
                        "max_wait_min": 30,
                        "co_responder": {"team": "clinician", "joins": joins},
                    },
                    {"team": "police"},
                ],
                "on_scene_min": {"police": const(20), "clinician": const(30)},
            },
            "crime": {
                "calls_per_day": 1,
                "response": [{"team": "police"}],
                "on_scene_min": {"police": const(20)},
            },
            "talk": {
                "calls_per_day": 1,
                "response": [{"team": "clinician"}],
                "on_scene_min": {"clinician": const(45)},
            },
        },
    )


def test_co_responders_together_are_dispatched_when_both_are_free() -> None:
    rec = run(_co("together"), {"crime": [0], "co": [5], "talk": [10]})
    # 0 crime: police, clear 20. 5 co: police busy; waits in both queues, holding the
    # clinician. 10 talk: behind co at the clinician. 20: police free: co dispatched with
    # both, police clears 40, clinician 50. talk: clinician free at 50, clear 95.
    assert log(rec, "co_team", "co_dispatch", "co_clear") == [
        ("crime", "police", 0, 20, -1, None, None),
        ("co", "police", 20, 40, 0 + 1, 20, 50),
        ("talk", "clinician", 50, 95, -1, None, None),
    ]


def test_a_co_responder_joining_when_free_comes_only_while_the_call_lasts() -> None:
    rec = run(_co("when_free"), {"talk": [0], "co": [5, 50]})
    # 0 talk: clinician, clear 45. 5 co: police at once (clear 25); the clinician is busy
    # until 45, after police cleared: the request lapses. 50 co: police (clear 70) and the
    # clinician is free: joins at 50, clear 80.
    assert log(rec, "co_dispatch", "co_clear") == [
        ("talk", "clinician", 0, 45, None, None),
        ("co", "police", 5, 25, None, None),
        ("co", "police", 50, 70, 50, 80),
    ]


# ---------------------------------------------------------------------------- transport


@pytest.mark.parametrize(("probability", "clear", "moved"), [(1.0, 40, 15), (0.0, 25, 0)])
def test_transport_adds_its_time_to_the_units_busy_time(
    probability: float, clear: float, moved: float
) -> None:
    data = scenario(
        {"van": {"units": 1, "travel_min": const(5)}},
        {
            "bh": {
                "calls_per_day": 1,
                "response": [{"team": "van"}],
                "on_scene_min": {"van": const(20)},
                "transport": {"van": {"probability": probability, "time_min": const(15)}},
            }
        },
    )
    rec = run(data, {"bh": [0, 1]})
    # 0: on scene at 5, 20 minutes there, then 15 minutes of transport: clear 40 (25 without).
    # 1: waits for the van.
    assert log(rec, "transport") == [
        ("bh", "van", 0, clear, moved),
        ("bh", "van", clear, 2 * clear, moved),
    ]


# ------------------------------------------------------------------ coverage-dependent travel


def test_quartering_the_free_units_doubles_the_distance_term() -> None:
    cover = Coverage(area_km2=16, speed_kmh=60)
    for z in (0.1, 0.627, 2.0):
        assert cover.minutes(4, z) == pytest.approx(2 * cover.minutes(16, z), rel=1e-12)
    # √(16 / 4) km × z at 1 km a minute: 2z minutes.
    assert cover.minutes(4, 0.5) == pytest.approx(1.0)


def test_travel_follows_the_units_free_at_dispatch() -> None:
    data = scenario(
        {
            "van": {
                "units": 4,
                "travel_min": const(3),
                "coverage": {"area_km2": 16, "speed_kmh": 60},
            }
        },
        {
            "bh": {
                "calls_per_day": 1,
                "response": [{"team": "van"}],
                "on_scene_min": {"van": const(100)},
            }
        },
    )
    scn = from_dict(data)
    calls = draw_calls(scn, 0, arrivals={"bh": np.array([0.0, 1.0, 2.0, 3.0])})
    rec = simulate(scn, calls)
    assert calls.distance is not None
    z = calls.distance[:, 0]
    # Call k finds 4 − k units free: travel = 3 + √(16 / (4 − k)) × z_k minutes (1 km/min).
    expected = 3 + np.sqrt(16 / np.array([4, 3, 2, 1])) * z
    assert rec["on_scene"] - rec["dispatch"] == pytest.approx(expected, rel=1e-12)
    assert rec["clear"] - rec["on_scene"] == pytest.approx([100] * 4)


# ------------------------------------------------------------------------------ pre-emption


def _preempt(travel: float, preempt: list[int]) -> dict[str, Any]:
    return scenario(
        {"unit": {"units": 1, "travel_min": const(travel)}},
        {
            "urgent": {
                "calls_per_day": 1,
                "priority": 1,
                "response": [{"team": "unit"}],
                "on_scene_min": {"unit": const(10)},
            },
            "routine": {
                "calls_per_day": 1,
                "priority": 3,
                "response": [{"team": "unit"}],
                "on_scene_min": {"unit": const(10)},
            },
        },
        dispatch={"preempt": preempt},
    )


def test_an_urgent_call_takes_the_unit_and_the_routine_call_resumes() -> None:
    rec = run(_preempt(0, [1]), {"routine": [0], "urgent": [4]})
    # 0 routine: dispatched, due to clear at 10. 4 urgent: no unit free, routine is of a
    # lower priority: its unit is taken (6 minutes of work left); urgent clears at 14;
    # routine resumes at 14 and clears at 20. On scene from 0, so 10 minutes interrupted.
    assert log(rec, "interrupted", "interrupted_min") == [
        ("routine", "unit", 0, 20, 1, 10),
        ("urgent", "unit", 4, 14, 0, 0),
    ]
    gaps = rec.interruptions
    assert (gaps["call"].tolist(), gaps["start"].tolist(), gaps["end"].tolist()) == ([0], [4], [14])


def test_a_call_interrupted_before_its_unit_arrives_keeps_all_its_work() -> None:
    rec = run(_preempt(2, [1]), {"routine": [0], "urgent": [1]})
    # 0 routine: dispatched, would arrive at 2. 1 urgent: takes the unit (arrives 3, clears
    # 13). Routine resumes at 13: travels again, arrives 15, all 10 minutes left: clears 25.
    assert log(rec, "interrupted_min") == [
        ("routine", "unit", 0, 25, 0),
        ("urgent", "unit", 1, 13, 0),
    ]
    assert rec["on_scene"][0] == 15


def test_without_preempt_the_urgent_call_waits() -> None:
    rec = run(_preempt(0, []), {"routine": [0], "urgent": [4]})
    assert log(rec) == [("routine", "unit", 0, 10), ("urgent", "unit", 10, 20)]
