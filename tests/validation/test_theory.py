"""The simulation held to queueing theory (ARCHITECTURE principle 6).

Each case is a scenario under ``scenarios/validation/`` whose top comment states the theory,
the parameters and the known answer. The test runs it with ``sim.pipeline.run`` as
shipped (its own seed, days, warm-up and replications) and asserts, for each statistic:

* the theory value lies inside the simulation's 99% t-interval across replications. The
  replications are independent and identically distributed, so this interval is the honest
  measure of the estimate's noise. The seed is fixed, so the test is deterministic: 99%
  rather than 95% only makes it less likely that a future, equally correct change to the
  random streams lands a correct engine outside its interval (1 in 100 per check instead of
  1 in 20);
* a relative sanity bound (stated per check): the estimate is within that share of the
  theory value *and* the interval's half-width is below it, so the check keeps its power
  (a very noisy run cannot pass just because its interval is wide).

Warm-up days drop the initial-state bias (every run starts empty). The whole file runs in
about 20 seconds on one core.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from sim import analytic
from sim.metrics import Summary
from sim.pipeline import RunResult, run
from sim.records import Records, State
from sim.scenario import MINUTES_PER_DAY, Scenario, load_scenario

VALIDATION = Path(__file__).resolve().parents[2] / "scenarios" / "validation"
CONFIDENCE = 0.99


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    result: RunResult


@functools.cache
def case(name: str, keep_records: bool = False) -> Case:
    """Run a validation scenario once per test session (several tests share a run)."""
    scn = load_scenario(VALIDATION / f"{name}.toml")
    return Case(scn, run(scn, keep_records=keep_records))


@dataclass(frozen=True)
class Estimate:
    mean: float
    lo: float
    hi: float

    def __str__(self) -> str:
        return f"{self.mean:.5g} (99% CI {self.lo:.5g}–{self.hi:.5g})"


def interval(values: list[float]) -> Estimate:
    """Mean and 99% t-interval of independent per-replication values."""
    x = np.asarray(values, dtype=float)
    assert len(x) >= 2 and np.all(np.isfinite(x)), f"need finite per-replication values: {x}"
    mean, sem = float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))
    lo, hi = stats.t.interval(CONFIDENCE, len(x) - 1, loc=mean, scale=sem)
    return Estimate(mean, float(lo), float(hi))


def assert_theory(values: list[float], theory: float, rel: float, what: str) -> Estimate:
    """Theory inside the 99% t-interval, and estimate and half-width within ``rel`` of it."""
    est = interval(values)
    msg = f"{what}: simulated {est}, theory {theory:.5g}"
    assert est.lo <= theory <= est.hi, msg
    assert abs(est.mean - theory) <= rel * abs(theory), f"{msg}: off by more than {rel:.0%}"
    assert (est.hi - est.lo) / 2 <= rel * abs(theory), f"{msg}: interval wider than ±{rel:.0%}"
    return est


def per_rep(result: RunResult, get: Callable[[Summary], float | None]) -> list[float]:
    """One statistic from each replication's summary (each must exist)."""
    values = [get(s) for s in result.replications]
    assert all(v is not None for v in values), "a replication lacks this statistic"
    return [float(v) for v in values if v is not None]


def rate_per_min(scn: Scenario, call_type: str) -> float:
    return scn.call_types[call_type].calls_per_day / MINUTES_PER_DAY


# ------------------------------------------------------------------------ M/M/c (Erlang C)

MMC = "mmc_erlang_c"


def mmc_params() -> tuple[float, float, int]:
    scn = case(MMC, keep_records=True).scenario
    mean_service = scn.call_types["call"].on_scene_min["units"].mean()
    return rate_per_min(scn, "call"), 1 / mean_service, scn.teams["units"].max_units()


def test_mmc_probability_of_waiting_is_erlang_c() -> None:
    lam, mu, c = mmc_params()
    assert (lam, c) == (pytest.approx(8.5 / 30), 10)  # the scenario says ρ = 0.85, c = 10
    reps = case(MMC, keep_records=True).result
    # Relative bound 3%: with 40 × 80 days the interval is about ±1.4% of C = 0.53.
    assert_theory(
        per_rep(reps, lambda s: s.wait_min.p_wait),
        analytic.erlang_c(c, lam / mu),
        rel=0.03,
        what="M/M/10 P(wait)",
    )


def test_mmc_mean_wait() -> None:
    lam, mu, c = mmc_params()
    reps = case(MMC, keep_records=True).result
    # Relative bound 8%: the mean wait is noisier than P(wait) (its interval is about ±5%).
    assert_theory(
        per_rep(reps, lambda s: s.wait_min.mean),
        analytic.mmc_mean_wait(lam, mu, c),
        rel=0.08,
        what="M/M/10 mean wait, min",
    )


def little(rec: Records) -> tuple[float, float]:
    """(time-average number in system, λ̂ × mean time in system) over the measured window.

    A call is in the system from arrival until its units clear (or to the end of the run
    if it is still waiting). λ̂ counts the calls arriving in the window; the mean time in
    system is over those calls. The two differ only by the calls straddling the window's
    edges, a few call-durations out of weeks.
    """
    lo, hi = rec.warmup, rec.horizon
    arrival = rec["arrival"]
    leave = np.where(rec["state"] == State.SERVED, rec["clear"], hi)
    leave = np.where(rec["state"] == State.NO_DISPATCH, arrival, leave)
    inside = np.clip(np.minimum(leave, hi) - np.maximum(arrival, lo), 0, None)
    time_avg = float(inside.sum() / (hi - lo))
    m = rec.measured()
    lam = m.sum() / (hi - lo)
    return time_avg, float(lam * np.mean(leave[m] - arrival[m]))


def assert_littles_law(pairs: list[tuple[float, float]]) -> None:
    """L (time average) and λ̂·Ŵ agree, up to the calls straddling the window's edges.

    Per replication the edge terms are at most (calls in system at an edge × their
    remaining time) / T: even at a congested moment ~100 calls × ~60 min out of 40,000+
    minutes ≈ 0.15 calls, so the bound is 2% of L (measured: at most 0.55%). On average
    the two edges nearly cancel; what remains is the wait after the run's end of calls
    still queued then (λ̂·Ŵ cannot count it): ~ Lq × Wq / T ≈ 3 × 20 / 115,000 ≈ 0.05% of L
    for the M/M/10 case. So the mean difference must be within 0.2% of L.
    """
    for time_avg, lam_w in pairs:
        assert time_avg == pytest.approx(lam_w, rel=0.02)
    diff = interval([a - b for a, b in pairs])
    mean_l = float(np.mean([a for a, _ in pairs]))
    assert abs(diff.mean) <= 2e-3 * mean_l, f"L − λW = {diff} of L = {mean_l:.4g}"


def test_mmc_littles_law() -> None:
    lam, mu, c = mmc_params()
    result = case(MMC, keep_records=True).result
    pairs = [little(rec) for rec in result.replication_records]
    assert_littles_law(pairs)
    # And the time average matches theory: L = λ(Wq + 1/μ), relative bound 3% (CI ±1.5%).
    assert_theory(
        [p[0] for p in pairs],
        analytic.mmc_mean_in_system(lam, mu, c),
        rel=0.03,
        what="M/M/10 mean number in system",
    )


# ------------------------------------------------------------------ Erlang B overflow


def test_overflow_share_is_erlang_b() -> None:
    c_ = case("erlang_b_overflow")
    scn = c_.scenario
    first = scn.call_types["call"].response[0]
    assert first.max_wait_min == 0  # no waiting room: a loss system
    lam = rate_per_min(scn, "call")
    a = lam * scn.call_types["call"].on_scene_min["first"].mean()
    # Relative bound 5%: the interval is about ±1.8% of B = 0.199. The first team's time on
    # scene is lognormal, so this also checks Erlang B's insensitivity to its shape.
    assert_theory(
        per_rep(c_.result, lambda s: s.call_types["call"].served_by["overflow"]),
        analytic.erlang_b(scn.teams["first"].max_units(), a),
        rel=0.05,
        what="Erlang B overflow share",
    )
    # Nobody waits at the first team; every call is served by one team or the other.
    assert all(s.teams["first"].wait_min.p_wait == 0 for s in c_.result.replications)
    assert c_.result.summary.unserved < 1


# ----------------------------------------------------------- priority M/M/1 (Cobham)

PRIORITY_CLASSES = ("urgent", "normal", "routine")


@pytest.mark.parametrize(
    ("k", "rel"),
    # Relative bounds: the lower classes' waits are noisier (intervals about ±1.3%, ±1.8%, ±5%).
    [(0, 0.05), (1, 0.06), (2, 0.12)],
)
def test_priority_mm1_waits_follow_cobham(k: int, rel: float) -> None:
    c_ = case("priority_mm1")
    scn = c_.scenario
    names = sorted(PRIORITY_CLASSES, key=lambda n: scn.call_types[n].priority)
    assert [scn.call_types[n].priority for n in names] == [1, 2, 3]
    lams = [rate_per_min(scn, n) for n in names]
    mu = 1 / scn.call_types[names[0]].on_scene_min["unit"].mean()
    waits = analytic.mm1_priority_waits(lams, mu)
    name = names[k]
    assert_theory(
        per_rep(c_.result, lambda s: s.call_types[name].wait_min.mean),
        float(waits[k]),
        rel=rel,
        what=f"priority {k + 1} mean wait, min",
    )


# ------------------------------------------------- wait limit: M/M/1 + deterministic τ


def mm1_deterministic_patience(lam: float, mu: float, tau: float) -> tuple[float, float, float]:
    """(P0, share that moves on, mean wait of the calls served) of M/M/1+D, FCFS.

    The virtual waiting time V falls at rate 1 and jumps by an Exp(μ) service when an
    arrival finds V ≤ τ (a call finding V > τ leaves at τ without service). Level crossing:
    f(v) = λ[P0 e^{−μv} + ∫_0^{min(v,τ)} f(u) e^{−μ(v−u)} du], so f(v) = λP0 e^{−(μ−λ)v} on
    (0, τ] and f(τ)e^{−μ(v−τ)} beyond. With ρ = λ/μ and E = e^{−(μ−λ)τ}, normalizing gives
    P0 = (1−ρ)/(1−ρ²E) and P(V > τ) = f(τ)/μ = (1−ρ)ρE/(1−ρ²E) (Baccelli & Hébuterne 1981).
    """
    rho, theta = lam / mu, mu - lam
    e = math.exp(-theta * tau)
    p0 = (1 - rho) / (1 - rho**2 * e)
    moved = (1 - rho) * rho * e / (1 - rho**2 * e)
    wait_served = lam * p0 * (1 - e * (1 + theta * tau)) / theta**2 / (1 - moved)
    return p0, moved, wait_served


def test_mm1d_formula_is_a_distribution_with_the_known_limits() -> None:
    """The closed form checked independently of the simulation: the density integrates to
    one, τ = 0 gives Erlang B(1, ρ), and a long τ gives no moving on."""
    lam, mu, tau = 0.09, 0.1, 10.0
    p0, moved, _ = mm1_deterministic_patience(lam, mu, tau)
    f_tau = lam * p0 * math.exp(-(mu - lam) * tau)
    body, _ = integrate.quad(lambda v: lam * p0 * math.exp(-(mu - lam) * v), 0, tau)
    tail, _ = integrate.quad(lambda v: f_tau * math.exp(-mu * (v - tau)), tau, math.inf)
    assert p0 + body + tail == pytest.approx(1, rel=1e-9)
    assert tail == pytest.approx(moved, rel=1e-9)
    assert mm1_deterministic_patience(lam, mu, 0.0)[1] == pytest.approx(
        analytic.erlang_b(1, lam / mu), rel=1e-12
    )
    assert mm1_deterministic_patience(lam, mu, 1e4)[1] < 1e-12


def test_wait_limit_share_moved_on_is_mm1_plus_d() -> None:
    c_ = case("wait_limit_mm1d")
    scn = c_.scenario
    call = scn.call_types["call"]
    tau = call.response[0].max_wait_min
    assert tau is not None and scn.teams["unit"].max_units() == 1
    lam, mu = rate_per_min(scn, "call"), 1 / call.on_scene_min["unit"].mean()
    _, moved, wait_served = mm1_deterministic_patience(lam, mu, tau)
    # Relative bound 4%: the interval is about ±1.0% of 0.305.
    assert_theory(
        per_rep(c_.result, lambda s: s.call_types["call"].served_by["next"]),
        moved,
        rel=0.04,
        what="M/M/1+D share moved on",
    )
    # Relative bound 4%: the interval is about ±1.0% of 2.27 min.
    assert_theory(
        per_rep(c_.result, lambda s: s.teams["unit"].wait_min.mean),
        wait_served,
        rel=0.04,
        what="M/M/1+D mean wait of calls the unit answers, min",
    )
    # Calls that moved on waited exactly τ before the ample second team took them at once.
    assert all(
        s.teams["next"].wait_min.mean == pytest.approx(tau, rel=1e-9)
        for s in c_.result.replications
    )


# ------------------------------------------------------------------------- shift plans

SHIFTS = "shifts_by_hour"


def test_shift_plan_staffed_hours_are_exact() -> None:
    c_ = case(SHIFTS, keep_records=True)
    team = c_.scenario.teams["crew"]
    per_day = sum(s.units * s.length_min() * len(s.weekdays()) for s in team.shifts) / 7 / 60
    assert per_day == 72  # 2 × 8 + 4 × 8 + 3 × 8, as the scenario's comment says
    days = c_.scenario.measured_days()
    for s in c_.result.replications:
        crew = s.teams["crew"]
        # Deterministic: the plan's hours exactly (float rounding only); overtime on top.
        # The summary is per year: 72 unit-hours a day × 365, whatever the measured days.
        assert crew.staffed_unit_hours_per_year - crew.overtime_unit_hours_per_year == (
            pytest.approx(72 * 365, rel=1e-12)
        )
        assert s.measured.days == days
        assert crew.overtime_unit_hours_per_year >= 0


def offered_unit_hours(scn: Scenario) -> float:
    """Offered work over the measured days: calls per day × mean time held, in unit-hours."""
    call = scn.call_types["call"]
    held = call.on_scene_min["crew"].mean() + scn.teams["crew"].travel_min.mean()
    return call.calls_per_day * held / 60 * scn.measured_days()


def test_shift_busy_hours_equal_offered_work() -> None:
    c_ = case(SHIFTS, keep_records=True)
    offered = offered_unit_hours(c_.scenario)
    assert offered == pytest.approx(50.4 * 28)
    # Relative bound 3%: the interval is about ±1% of 1,411 unit-hours.
    assert_theory(
        # per year in the summary; × measured days / 365: the measured days' hours
        per_rep(
            c_.result, lambda s: s.teams["crew"].busy_unit_hours_per_year * s.measured.days / 365
        ),
        offered,
        rel=0.03,
        what="busy unit-hours under a shift plan",
    )


def test_shift_utilization_is_offered_load_over_capacity() -> None:
    c_ = case(SHIFTS, keep_records=True)
    reps = c_.result.replications
    # Capacity is the plan plus the (small, simulated) overtime: units finishing a call
    # after their shift ends are staffed. Its run-to-run variation is ~0.01% of capacity,
    # so using its mean in the theory value adds no noise worth stating.
    per_year = float(np.mean([s.teams["crew"].staffed_unit_hours_per_year for s in reps]))
    capacity = per_year * c_.scenario.measured_days() / 365  # the measured days' capacity
    # Relative bound 3%: the interval is about ±1% of 0.70.
    assert_theory(
        per_rep(c_.result, lambda s: s.teams["crew"].utilization),
        offered_unit_hours(c_.scenario) / capacity,
        rel=0.03,
        what="utilization under a shift plan",
    )


def test_shift_littles_law() -> None:
    """Little's law holds for time averages under time-varying staffing and demand too."""
    result = case(SHIFTS, keep_records=True).result
    assert_littles_law([little(rec) for rec in result.replication_records])
