"""Closed-form queueing results: Erlang B/C, M/M/c waits, priority queues, staffing.

Priority queues both ways: non-preemptive (Cobham) waits and pre-emptive-resume times in
system, for the ``dispatch.preempt`` rule.

Baselines for reports, first guesses for the staffing search, and the theory the validation
tests hold the simulation to. Rates are in one consistent time unit (sim passes per-minute
rates); loads are in Erlangs, a = λ/μ. Bad input raises ValueError naming the argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

FloatArray = NDArray[np.float64]


def _servers(c: int) -> int:
    if isinstance(c, bool) or not isinstance(c, int | np.integer) or c < 1:
        raise ValueError(f"number of servers c must be an integer >= 1, got {c!r}")
    return int(c)


def _positive(name: str, x: float) -> float:
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return float(x)


def _probability(name: str, p: float) -> float:
    if not 0 < p < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {p!r}")
    return float(p)


def _nonnegative(name: str, x: ArrayLike) -> FloatArray:
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr) & (arr >= 0)):
        raise ValueError(f"{name} must be finite and >= 0, got {x!r}")
    return arr


def _out(x: FloatArray) -> float | FloatArray:
    return float(x) if x.ndim == 0 else x


def _stable(lam: float, mu: float, c: int) -> tuple[float, float, int]:
    lam, mu, n = _positive("arrival rate lam", lam), _positive("service rate mu", mu), _servers(c)
    if lam >= n * mu:
        raise ValueError(f"unstable queue: lam={lam:g} >= c*mu={n * mu:g}; add servers or cut load")
    return lam, mu, n


def _erlang_b(c: int, a: FloatArray) -> FloatArray:
    b = np.ones_like(a)
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


@overload
def erlang_b(c: int, a: float) -> float: ...
@overload
def erlang_b(c: int, a: FloatArray) -> FloatArray: ...
def erlang_b(c: int, a: float | FloatArray) -> float | FloatArray:
    """Erlang B: chance an arrival finds all c servers busy and is lost (M/G/c/c).

    B(c, a) = (a^c/c!) / Σ_{k=0..c} a^k/k!, computed by the stable recursion
    B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)). Poisson arrivals, any service distribution
    (insensitivity), no waiting room. Vectorized over a (a >= 0).
    """
    return _out(_erlang_b(_servers(c), _nonnegative("offered load a", a)))


def erlang_b_overflow_share(c: int, a: float) -> float:
    """Share of calls a team of c units with no waiting room overflows to a backup team.

    This is exactly Erlang B(c, a), a = λ/μ for the first team's calls.
    """
    return erlang_b(c, a)


@overload
def erlang_c(c: int, a: float) -> float: ...
@overload
def erlang_c(c: int, a: FloatArray) -> FloatArray: ...
def erlang_c(c: int, a: float | FloatArray) -> float | FloatArray:
    """Erlang C: probability an arrival waits in M/M/c (FCFS, infinite queue, 0 < a < c).

    C(c, a) = c·B / (c − a(1 − B)) with B = B(c, a). Vectorized over a.
    """
    n, arr = _servers(c), np.asarray(a, dtype=float)
    if not np.all((arr > 0) & (arr < n)):
        raise ValueError(f"Erlang C needs 0 < a < c for a stable queue, got a={a!r}, c={n}")
    b = _erlang_b(n, arr)
    return _out(n * b / (n - arr * (1 - b)))


def mmc_mean_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c FCFS: Wq = C(c, a) / (cμ − λ), a = λ/μ."""
    lam, mu, c = _stable(lam, mu, c)
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_mean_in_system(lam: float, mu: float, c: int) -> float:
    """Mean number in system of M/M/c: L = λ·(Wq + 1/μ) (Little's law)."""
    return lam * (mmc_mean_wait(lam, mu, c) + 1 / mu)


@overload
def mmc_wait_cdf(lam: float, mu: float, c: int, t: float) -> float: ...
@overload
def mmc_wait_cdf(lam: float, mu: float, c: int, t: FloatArray) -> FloatArray: ...
def mmc_wait_cdf(lam: float, mu: float, c: int, t: float | FloatArray) -> float | FloatArray:
    """P(Wq <= t) in M/M/c FCFS: 1 − C·exp(−(cμ − λ)t) for t >= 0, 0 for t < 0.

    The wait is an atom at 0 of mass 1 − C plus an exponential tail of rate cμ − λ.
    Vectorized over t.
    """
    lam, mu, c = _stable(lam, mu, c)
    tt = np.asarray(t, dtype=float)
    if np.any(np.isnan(tt)):
        raise ValueError(f"time t must not be NaN, got {t!r}")
    cdf = 1 - erlang_c(c, lam / mu) * np.exp(-(c * mu - lam) * np.maximum(tt, 0.0))
    return _out(np.where(tt >= 0, cdf, 0.0))


def mmc_wait_quantile(lam: float, mu: float, c: int, p: float) -> float:
    """p-quantile of the M/M/c FCFS wait: 0 if p <= 1 − C, else ln(C/(1−p)) / (cμ − λ)."""
    lam, mu, c = _stable(lam, mu, c)
    p, cw = _probability("quantile p", p), erlang_c(c, lam / mu)
    return 0.0 if p <= 1 - cw else math.log(cw / (1 - p)) / (c * mu - lam)


def _priority(w0: float, sigma: FloatArray) -> FloatArray:
    if sigma[-1] >= 1:
        raise ValueError(f"unstable queue: total utilization {sigma[-1]:.4g} >= 1")
    return w0 / ((1 - np.concatenate(([0.0], sigma[:-1]))) * (1 - sigma))


def _class_rates(lams: ArrayLike) -> FloatArray:
    lam = _nonnegative("class arrival rates lams", lams)
    if lam.ndim != 1 or lam.size == 0 or lam.sum() <= 0:
        raise ValueError(f"lams must be a non-empty 1-D sequence with a positive sum, got {lams!r}")
    return lam


def _moments(
    lam: FloatArray, mean_service: ArrayLike, second_moment_service: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Service moments per class (scalars broadcast), checked."""
    es = np.broadcast_to(np.asarray(mean_service, dtype=float), lam.shape)
    es2 = np.broadcast_to(np.asarray(second_moment_service, dtype=float), lam.shape)
    if not np.all(np.isfinite(es) & (es > 0)):
        raise ValueError(f"mean_service must be finite and > 0, got {mean_service!r}")
    if not np.all(np.isfinite(es2) & (es2 >= es**2 * (1 - 1e-12))):
        raise ValueError("second_moment_service must be finite and >= mean_service**2")
    return es, es2


def mg1_priority_waits(
    lams: ArrayLike, mean_service: ArrayLike, second_moment_service: ArrayLike
) -> FloatArray:
    """Mean queue waits per class in non-preemptive priority M/G/1 (class 0 served first).

    Cobham: W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)), W0 = Σ λ_i E[S_i²]/2, σ_k = Σ_{i<=k} λ_i E[S_i].
    Poisson arrivals per class, FCFS within a class; moments may be scalars (shared by all).
    """
    lam = _class_rates(lams)
    es, es2 = _moments(lam, mean_service, second_moment_service)
    return _priority(float(np.sum(lam * es2)) / 2, np.cumsum(lam * es))


def mm1_priority_waits(lams: ArrayLike, mu: float) -> FloatArray:
    """Mean queue waits per class in non-preemptive priority M/M/1, common rate μ.

    Cobham with E[S] = 1/μ, E[S²] = 2/μ², so W0 = ρ/μ: W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)).
    """
    mu = _positive("service rate mu", mu)
    return mg1_priority_waits(lams, 1 / mu, 2 / mu**2)


def mg1_preemptive_resume_sojourns(
    lams: ArrayLike, mean_service: ArrayLike, second_moment_service: ArrayLike
) -> FloatArray:
    """Mean times in system per class in pre-emptive-resume priority M/G/1 (class 0 first).

    T_k = E[S_k] / (1 − σ_{k−1}) + R_k / ((1 − σ_{k−1})(1 − σ_k)), with
    R_k = Σ_{i<=k} λ_i E[S_i²]/2 and σ_k = Σ_{i<=k} λ_i E[S_i]: a class sees only the work of
    classes at least as urgent, and its own service is stretched by arrivals of more urgent
    ones (Kleinrock, Queueing Systems vol. 2, 1976, §3.7; Harchol-Balter, Performance
    Modeling and Design of Computer Systems, 2013, §32.3). Moments may be scalars.
    """
    lam = _class_rates(lams)
    es, es2 = _moments(lam, mean_service, second_moment_service)
    sigma = np.cumsum(lam * es)
    if sigma[-1] >= 1:
        raise ValueError(f"unstable queue: total utilization {sigma[-1]:.4g} >= 1")
    before = 1 - np.concatenate(([0.0], sigma[:-1]))
    return es / before + np.cumsum(lam * es2) / 2 / (before * (1 - sigma))


def mm1_preemptive_resume_sojourns(lams: ArrayLike, mu: float) -> FloatArray:
    """Mean times in system per class in pre-emptive-resume priority M/M/1, common rate μ.

    :func:`mg1_preemptive_resume_sojourns` with E[S] = 1/μ, E[S²] = 2/μ²; class 0 alone
    is an M/M/1 queue, T_0 = 1/(μ − λ_0).
    """
    mu = _positive("service rate mu", mu)
    return mg1_preemptive_resume_sojourns(lams, 1 / mu, 2 / mu**2)


def mmc_priority_waits(lams: ArrayLike, mu: float, c: int) -> FloatArray:
    """Mean queue waits per class in non-preemptive priority M/M/c, common rate μ.

    W_k = C(c, a)/(cμ) / ((1 − σ_{k−1})(1 − σ_k)), σ_k = Σ_{i<=k} λ_i/(cμ), a = Σλ/μ.
    """
    lam = _class_rates(lams)
    total, mu, c = _stable(float(lam.sum()), mu, c)
    return _priority(erlang_c(c, total / mu) / (c * mu), np.cumsum(lam) / (c * mu))


def _erlang_c_from(c: int, a: float) -> Iterator[tuple[int, float]]:
    """Yield (n, C(n, a)) for n = c, c+1, … (c > a), stepping the Erlang B recursion."""
    n, b = c, erlang_b(c, a)
    while True:
        yield n, n * b / (n - a * (1 - b))
        n += 1
        b = a * b / (n + a * b)


def min_servers_for_wait(lam: float, mu: float, target_wait: float, p_target: float) -> int:
    """Least c with P(Wq <= target_wait) >= p_target in M/M/c (search upward from ⌊a⌋+1)."""
    lam, mu = _positive("arrival rate lam", lam), _positive("service rate mu", mu)
    if not (math.isfinite(target_wait) and target_wait >= 0):
        raise ValueError(f"target_wait must be finite and >= 0, got {target_wait!r}")
    p, a = _probability("p_target", p_target), lam / mu
    cands = _erlang_c_from(math.floor(a) + 1, a)
    return next(n for n, cw in cands if 1 - cw * math.exp(-(n * mu - lam) * target_wait) >= p)


def min_servers_for_mean_wait(lam: float, mu: float, target: float) -> int:
    """Least c with mean queue wait Wq = C(c, a)/(cμ − λ) <= target in M/M/c."""
    lam, mu = _positive("arrival rate lam", lam), _positive("service rate mu", mu)
    target, a = _positive("target mean wait", target), lam / mu
    return next(
        n for n, cw in _erlang_c_from(math.floor(a) + 1, a) if cw / (n * mu - lam) <= target
    )


def square_root_staffing(a: float, beta: float) -> int:
    """Square-root staffing c = ⌈a + β√a⌉ (at least 1); β > 0 keeps the queue stable."""
    a = _positive("offered load a", a)
    if not math.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta!r}")
    return max(1, math.ceil(round(a + beta * math.sqrt(a), 9)))


def halfin_whitt_beta(p_wait: float) -> float:
    """β with Halfin–Whitt limit P(wait) = 1 / (1 + β·Φ(β)/φ(β)) equal to p_wait.

    Pair with square_root_staffing: for large a, c = ⌈a + β√a⌉ gives C(c, a) ≈ p_wait.
    """
    p = _probability("p_wait", p_wait)

    def gap(beta: float) -> float:
        ratio = math.exp(stats.norm.logcdf(beta) - stats.norm.logpdf(beta))
        return 1 / (1 + beta * ratio) - p

    return float(optimize.brentq(gap, 0.0, 30.0, xtol=1e-12))
