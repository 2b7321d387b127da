"""Tests for sim.analytic against exact rational sums, the M/M/c chain and queueing laws."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim import analytic as an


def exact_terms(c: int, a: Fraction) -> list[Fraction]:
    return [a**k / math.factorial(k) for k in range(c + 1)]


def exact_b(c: int, a: Fraction) -> Fraction:
    terms = exact_terms(c, a)
    return terms[-1] / sum(terms)


def exact_c(c: int, a: Fraction) -> Fraction:
    terms = exact_terms(c, a)
    top = terms[-1] * c / (c - a)
    return top / (sum(terms[:-1]) + top)


def mmc_chain(lam: float, mu: float, c: int, n_max: int = 4000) -> np.ndarray:
    """Stationary distribution of the M/M/c birth–death chain, truncated at n_max."""
    r = np.ones(n_max + 1)
    for n in range(1, n_max + 1):
        r[n] = r[n - 1] * lam / (min(n, c) * mu)
    return r / r.sum()


CASES = [(1, "0.5"), (3, "2.9"), (10, "5"), (10, "8"), (50, "45.5"), (500, "480")]


@pytest.mark.parametrize(("c", "a"), CASES)
def test_erlang_b_and_c_match_exact_rational_sums(c: int, a: str) -> None:
    assert an.erlang_b(c, float(a)) == pytest.approx(float(exact_b(c, Fraction(a))), rel=1e-12)
    assert an.erlang_c(c, float(a)) == pytest.approx(float(exact_c(c, Fraction(a))), rel=1e-12)


def test_textbook_values() -> None:
    assert an.erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-6)
    assert an.erlang_c(10, 8.0) == pytest.approx(0.40918, abs=5e-5)
    assert an.erlang_b_overflow_share(10, 5.0) == an.erlang_b(10, 5.0)


def test_vectorized_over_load_matches_scalar() -> None:
    loads = np.array([0.5, 2.0, 7.5, 9.9])
    np.testing.assert_allclose(an.erlang_b(10, loads), [an.erlang_b(10, x) for x in loads])
    np.testing.assert_allclose(an.erlang_c(10, loads), [an.erlang_c(10, x) for x in loads])
    assert an.erlang_b(3, 0.0) == 0.0


def test_large_c_is_finite() -> None:
    values = [
        an.erlang_b(1000, 950.0),
        an.erlang_b(1000, 0.1),
        an.erlang_b(1, 1e6),
        an.erlang_c(1000, 999.0),
        an.mmc_mean_wait(490.0, 1.0, 500),
    ]
    assert all(math.isfinite(v) and v >= 0 for v in values)
    assert 0 < an.erlang_c(500, 490.0) < 1


def test_mm1_reduces_to_rho_over_mu_minus_lam() -> None:
    lam, mu = 0.6, 1.5
    assert an.erlang_c(1, lam / mu) == pytest.approx(lam / mu)
    assert an.mmc_mean_wait(lam, mu, 1) == pytest.approx((lam / mu) / (mu - lam))


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.8, 1.0, 1), (4.0, 1.0, 5), (2.7, 0.1, 30)])
def test_mmc_matches_birth_death_chain(lam: float, mu: float, c: int) -> None:
    pi = mmc_chain(lam, mu, c)
    n = np.arange(pi.size)
    assert an.erlang_c(c, lam / mu) == pytest.approx(pi[c:].sum(), rel=1e-9)
    assert an.mmc_mean_in_system(lam, mu, c) == pytest.approx((n * pi).sum(), rel=1e-9)
    lq = (np.maximum(n - c, 0) * pi).sum()
    assert an.mmc_mean_wait(lam, mu, c) == pytest.approx(lq / lam, rel=1e-9)  # Little
    # PASTA: an arrival finding n >= c waits Erlang(n - c + 1, cμ).
    for t in (0.0, 0.3 / mu, 2.0 / mu):
        tail = (pi[c:] * stats.poisson.cdf(n[c:] - c, c * mu * t)).sum()
        assert an.mmc_wait_cdf(lam, mu, c, t) == pytest.approx(1 - tail, abs=1e-9)


def test_wait_cdf_shape_and_quantile_inverse() -> None:
    lam, mu, c = 4.0, 1.0, 5
    no_wait = 1 - an.erlang_c(c, lam / mu)
    cdf = an.mmc_wait_cdf(lam, mu, c, np.array([-1.0, 0.0, 1.0, np.inf]))
    np.testing.assert_allclose(cdf[[0, 1, 3]], [0.0, no_wait, 1.0])
    for p in (0.5, 0.8, 0.9, 0.99):
        q = an.mmc_wait_quantile(lam, mu, c, p)
        assert q > 0 and an.mmc_wait_cdf(lam, mu, c, q) == pytest.approx(p)
    assert an.mmc_wait_quantile(lam, mu, c, no_wait * 0.99) == 0.0


def test_cobham_one_class_is_mm1_and_mm1_matches_mmc_with_one_server() -> None:
    lam, mu = 0.7, 1.0
    assert an.mm1_priority_waits([lam], mu)[0] == pytest.approx(an.mmc_mean_wait(lam, mu, 1))
    lams = [0.1, 0.3, 0.4]
    np.testing.assert_allclose(an.mm1_priority_waits(lams, mu), an.mmc_priority_waits(lams, mu, 1))


def test_mg1_deterministic_one_class_is_pollaczek_khinchine() -> None:
    lam, s = 0.5, 1.2
    rho = lam * s
    assert an.mg1_priority_waits([lam], s, s**2)[0] == pytest.approx(lam * s**2 / (2 * (1 - rho)))


def test_priority_waits_are_ordered_and_conserve_work() -> None:
    lams, mu = np.array([0.2, 0.3, 0.35]), 1.0
    w = an.mm1_priority_waits(lams, mu)
    assert np.all(np.diff(w) > 0)
    rho = lams.sum() / mu
    # Kleinrock: Σ ρ_k W_k = ρ · W_FCFS for any work-conserving non-preemptive order.
    assert np.sum(lams / mu * w) == pytest.approx(rho * an.mmc_mean_wait(lams.sum(), mu, 1))
    lams_c, c = np.array([1.0, 2.0, 3.5]), 8
    wc = an.mmc_priority_waits(lams_c, mu, c)
    assert np.all(np.diff(wc) > 0)
    assert np.sum(lams_c * wc) == pytest.approx(lams_c.sum() * an.mmc_mean_wait(6.5, mu, c))


def test_preemptive_resume_class_by_class() -> None:
    lams, mu = np.array([0.02, 0.03, 0.03]), 0.1
    t = an.mm1_preemptive_resume_sojourns(lams, mu)
    # The most urgent class never sees the others: an M/M/1 queue of its own.
    assert t[0] == pytest.approx(1 / (mu - lams[0]))
    # Worked by hand (σ = 0.2, 0.5, 0.8; E[S] = 10, E[S²] = 200): 12.5, 25, 100 minutes.
    np.testing.assert_allclose(t, [12.5, 25.0, 100.0])
    # With one exponential rate, any work-conserving order leaves the number in system of
    # FCFS M/M/1: Σ λ_k T_k = λ / (μ − λ) (Little's law both sides).
    assert np.sum(lams * t) == pytest.approx(lams.sum() / (mu - lams.sum()))
    # One class is Pollaczek–Khinchine's time in system, E[S] + λE[S²] / (2(1 − ρ)).
    lam, s = 0.5, 1.2
    one = an.mg1_preemptive_resume_sojourns([lam], s, s**2)[0]
    assert one == pytest.approx(s + lam * s**2 / (2 * (1 - lam * s)))
    with pytest.raises(ValueError, match="unstable"):
        an.mm1_preemptive_resume_sojourns([0.05, 0.06], 0.1)


@pytest.mark.parametrize(("lam", "mu", "t", "p"), [(10.0, 0.25, 0.5, 0.8), (3.0, 0.05, 0.0, 0.9)])
def test_min_servers_for_wait_is_least(lam: float, mu: float, t: float, p: float) -> None:
    c = an.min_servers_for_wait(lam, mu, t, p)
    assert an.mmc_wait_cdf(lam, mu, c, t) >= p
    assert c - 1 <= lam / mu or an.mmc_wait_cdf(lam, mu, c - 1, t) < p


@pytest.mark.parametrize(("lam", "mu", "target"), [(10.0, 0.25, 0.1), (0.5, 1.0, 10.0)])
def test_min_servers_for_mean_wait_is_least(lam: float, mu: float, target: float) -> None:
    c = an.min_servers_for_mean_wait(lam, mu, target)
    assert an.mmc_mean_wait(lam, mu, c) <= target
    assert c - 1 <= lam / mu or an.mmc_mean_wait(lam, mu, c - 1) > target


def test_square_root_staffing_with_halfin_whitt_beta() -> None:
    assert an.square_root_staffing(100.0, 1.0) == 110
    assert an.square_root_staffing(0.01, -5.0) == 1
    beta = an.halfin_whitt_beta(0.2)
    ratio = stats.norm.cdf(beta) / stats.norm.pdf(beta)
    assert 1 / (1 + beta * ratio) == pytest.approx(0.2)
    c = an.square_root_staffing(400.0, beta)
    assert an.erlang_c(c, 400.0) == pytest.approx(0.2, abs=0.03)
    assert an.min_servers_for_wait(800.0, 1.0, 0.0, 0.8) == pytest.approx(
        an.square_root_staffing(800.0, beta), abs=2
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: an.erlang_b(0, 1.0),
        lambda: an.erlang_b(2.5, 1.0),  # type: ignore[call-overload]
        lambda: an.erlang_b(True, 1.0),
        lambda: an.erlang_b(3, -1.0),
        lambda: an.erlang_c(3, 3.0),
        lambda: an.erlang_c(3, 0.0),
        lambda: an.mmc_mean_wait(0.0, 1.0, 1),
        lambda: an.mmc_mean_wait(1.0, -1.0, 1),
        lambda: an.mmc_mean_wait(2.0, 1.0, 2),
        lambda: an.mmc_wait_quantile(1.0, 1.0, 2, 1.0),
        lambda: an.mm1_priority_waits([0.5, 0.6], 1.0),
        lambda: an.mm1_priority_waits([], 1.0),
        lambda: an.mg1_priority_waits([0.1], 1.0, 0.5),
        lambda: an.mmc_priority_waits([1.0, -0.1], 1.0, 2),
        lambda: an.min_servers_for_wait(1.0, 1.0, -1.0, 0.8),
        lambda: an.min_servers_for_mean_wait(1.0, 1.0, 0.0),
        lambda: an.square_root_staffing(0.0, 1.0),
        lambda: an.halfin_whitt_beta(0.0),
    ],
)
def test_bad_input_raises_value_error(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


loads = st.floats(min_value=1e-3, max_value=500.0)


@given(c=st.integers(1, 300), a=loads)
def test_erlang_b_decreases_in_servers(c: int, a: float) -> None:
    b = an.erlang_b(c, a)
    assert 0 <= an.erlang_b(c + 1, a) <= b <= 1


@given(c=st.integers(1, 300), u=st.floats(1e-6, 1 - 1e-6), v=st.floats(1e-6, 1 - 1e-6))
def test_erlang_c_is_probability_increasing_in_load(c: int, u: float, v: float) -> None:
    lo, hi = sorted((u * c, v * c))
    c_lo, c_hi = an.erlang_c(c, lo), an.erlang_c(c, hi)
    assert 0 <= c_lo <= c_hi <= 1
    assert an.erlang_b(c, lo) <= an.erlang_b(c, hi)
