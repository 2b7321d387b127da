"""The dispatch rules beyond staffing, each held to a known answer.

* pre-emption: per-priority times in system of a pre-emptive-resume priority M/M/1;
* a partial ``share``: thinning a loss system, overflow = (1 − s) + s·B(c, s·a);
* transport: busy unit-hours equal the offered work, transport included (conservation);
* coverage-dependent travel: with every unit free, quartering the units doubles the
  distance term of every call's travel exactly (same draws, common random numbers);
* demand over a year: calls per month match the integral of the rate (Poisson counts);
* the off-duty rule: with no van ever on duty, the eligible calls' records do not depend
  on how long they were told to wait for one.

Statistical checks use the 99% t-interval of ``test_theory.py`` (``assert_theory``), with a
relative bound stated per check.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from test_theory import VALIDATION, assert_theory, case, per_rep, rate_per_min

from sim import analytic
from sim.experiment import run, run_replication
from sim.model.calls import draw_calls
from sim.model.engine import simulate
from sim.records import State
from sim.scenario import MINUTES_PER_DAY, from_dict, load_scenario, with_overrides

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------- pre-emptive-resume M/M/1


@pytest.mark.parametrize(
    ("k", "rel"),
    # Relative bounds: intervals are about ±1%, ±1.5% and ±4% of 12.5, 25 and 100 minutes.
    [(0, 0.03), (1, 0.04), (2, 0.08)],
)
def test_preemptive_priority_times_in_system(k: int, rel: float) -> None:
    c_ = case("preemptive_priority_mm1", keep_records=True)
    scn = c_.scenario
    assert scn.dispatch.preempt == (1, 2)
    names = sorted(scn.call_types, key=lambda n: scn.call_types[n].priority)
    lams = [rate_per_min(scn, n) for n in names]
    mu = 1 / scn.call_types[names[0]].on_scene_min["unit"].mean()
    theory = analytic.mm1_preemptive_resume_sojourns(lams, mu)
    values = []
    for rec in c_.result.replication_records:
        mine = rec.measured() & (rec["call_type"] == scn.call_type_names.index(names[k]))
        mine &= rec["state"] == State.SERVED
        values.append(float(np.mean(rec["clear"][mine] - rec["arrival"][mine])))
    assert_theory(values, float(theory[k]), rel=rel, what=f"priority {k + 1} time in system, min")
    if k == 0:  # nothing is more urgent than priority 1: it is never interrupted
        assert all(s.call_types[names[0]].interrupted_share == 0 for s in c_.result.replications)


# ------------------------------------------------------------------ share: thinned loss


def test_a_share_thins_the_calls_offered_to_a_loss_system() -> None:
    """Erlang B overflow with 60% of calls offered to the first team: the others overflow at
    once, and the 60% are a Poisson stream of rate 0.6λ, lost with probability B(c, 0.6a)."""
    base = load_scenario(VALIDATION / "erlang_b_overflow.toml")
    scn = with_overrides(
        base,
        {"call_types.call.response.0.share": 0.6, "scenario.replications": 20,
         "scenario.days": 62},
    )  # fmt: skip
    lam = rate_per_min(scn, "call")
    a = lam * scn.call_types["call"].on_scene_min["first"].mean()
    c = scn.teams["first"].max_units()
    theory = 0.4 + 0.6 * analytic.erlang_b(c, 0.6 * a)
    result = run(scn)
    # Relative bound 3%: the interval is about ±0.6% of 0.44.
    assert_theory(
        per_rep(result, lambda s: s.call_types["call"].served_by["overflow"]),
        theory,
        rel=0.03,
        what="overflow share with a 60% share",
    )


# ------------------------------------------------------------ transport: conservation


def test_transport_time_adds_to_busy_hours_as_offered() -> None:
    """Busy unit-hours = calls × (travel + time on scene + P(transport) × transport time)."""
    base = case("shifts_by_hour").scenario
    move = {"probability": 0.3, "time_min": {"dist": "exponential", "mean": 40.0}}
    scn = with_overrides(base, {"call_types.call.transport": {"crew": move}})
    call, crew = scn.call_types["call"], scn.teams["crew"]
    held = crew.travel_min.mean() + call.on_scene_min["crew"].mean() + 0.3 * 40.0
    offered = call.calls_per_day * held / 60 * scn.measured_days()
    result = run(scn)
    # Relative bound 3%: the interval is about ±1% of 1,693 unit-hours.
    assert_theory(
        # per year in the summary; × measured days / 365: the measured days' hours
        per_rep(result, lambda s: s.teams["crew"].busy_unit_hours_per_year * s.measured.days / 365),
        offered,
        rel=0.03,
        what="busy unit-hours with transport",
    )
    # Each served call is transported with probability 0.3 (a share of ~1,900 calls a run).
    assert_theory(
        per_rep(result, lambda s: s.call_types["call"].transport_share),
        0.3,
        rel=0.05,
        what="share of calls transported",
    )
    # Time on scene leaves transport out: it is the on-scene distribution's own mean.
    assert_theory(
        per_rep(result, lambda s: s.call_types["call"].on_scene_min.mean),
        call.on_scene_min["crew"].mean(),
        rel=0.04,
        what="time on scene with transport, min",
    )


# ------------------------------------------------------------- coverage: square-root law


def _spread(units: int) -> np.ndarray:
    """Distance term of travel (minutes) of calls that each find every unit free."""
    data = {
        "scenario": {"name": "coverage", "days": 7, "replications": 1, "seed": 5},
        "teams": {"van": {"units": units, "coverage": {"area_km2": 100, "speed_kmh": 30}}},
        "call_types": {
            "call": {"calls_per_day": 1, "response": [{"team": "van"}],
                     "on_scene_min": {"van": {"dist": "constant", "value": 1}}}
        },
    }  # fmt: skip
    scn = from_dict(data)
    arrivals = np.arange(0, 7 * MINUTES_PER_DAY, 60.0)  # an hour apart: every unit is free
    calls = draw_calls(scn, 0, arrivals={"call": arrivals})
    rec = simulate(scn, calls)
    return np.asarray(rec["on_scene"] - rec["dispatch"])


def test_quartering_the_units_free_doubles_every_distance_term() -> None:
    sixteen, four = _spread(16), _spread(4)
    assert len(sixteen) == 168
    np.testing.assert_allclose(four, 2 * sixteen, rtol=1e-12)
    # And the mean is the square-root law's: E[Z] = √(π/8) of √(100 / 16) km at 30 km/h.
    theory = math.sqrt(math.pi / 8) * math.sqrt(100 / 16) / 30 * 60
    z = sixteen / (math.sqrt(100 / 16) / 30 * 60)
    half = 2.6 * z.std(ddof=1) / math.sqrt(len(z))  # a 99% interval of the mean factor
    assert abs(sixteen.mean() - theory) <= half * math.sqrt(100 / 16) / 30 * 60


# ----------------------------------------------------------------- demand over a year


def test_calls_per_month_follow_the_month_factors_and_growth() -> None:
    monthly = [0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.25, 1.2, 1.1, 1.0, 0.9, 0.85]
    data = {
        "scenario": {"name": "year", "days": 364, "replications": 1, "seed": 11,
                     "start_date": "2024-01-01"},
        "teams": {"unit": {"units": 40}},
        "call_types": {
            "call": {"calls_per_day": 200, "monthly": monthly, "growth_per_year": 0.1,
                     "response": [{"team": "unit"}],
                     "on_scene_min": {"unit": {"dist": "constant", "value": 1}}}
        },
    }  # fmt: skip
    scn = from_dict(data)
    calls = draw_calls(scn, 0)
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # 2024, a leap year
    edges = np.concatenate([[0], np.cumsum(days)]) * MINUTES_PER_DAY
    edges[-1] = scn.horizon_min()  # 364 days: the run stops a day before the year does
    counts = np.histogram(calls.arrival, bins=edges)[0]
    norm = np.dot(monthly, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) / 365
    expected = []
    for m in range(12):  # ∫ rate over the month: 200 a day × factor × 1.1^(t / 365 days)
        t = np.linspace(edges[m], edges[m + 1], 2001) / MINUTES_PER_DAY
        growth = np.trapezoid(1.1 ** (t / 365), t)
        expected.append(200 * monthly[m] / norm * growth)
    # Poisson counts of ~4,000–7,500: each within 4 standard deviations (a false alarm in
    # 12 months has probability ~1e-3) of its expectation.
    z = (counts - np.array(expected)) / np.sqrt(expected)
    assert np.all(np.abs(z) < 4), z


# ------------------------------------------------------------------- off-duty teams


@pytest.mark.parametrize("wait", [0, 15, 30])
def test_with_no_van_on_duty_the_wait_limit_changes_nothing(wait: int) -> None:
    """The issue's finding: with no vans at all, the demo's eligible p90 rose with the wait
    limit (calls waited for a van that never came). Now they pass the vans over at once."""
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    short = {"scenario.days": 9, "teams.community.shifts.0.units": 0}
    none = with_overrides(
        demo, {**short, "call_types.behavioral_health.response.0.max_wait_min": 0}
    )
    other = with_overrides(
        demo, {**short, "call_types.behavioral_health.response.0.max_wait_min": wait}
    )
    a, b = run_replication(none, 0), run_replication(other, 0)
    for name, column in a.columns.items():
        assert np.array_equal(column, b[name], equal_nan=True), name
