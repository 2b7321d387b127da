"""Estimates across replications: a mean with its 95% t-interval, and paired differences.

Replications are independent draws of the same run, so a figure's mean over them has a
Student t-interval. Two runs with common random numbers see the same calls replication by
replication, so their difference is estimated from the per-replication differences (a
paired interval, much tighter than either run's own); runs with independent streams get
Welch's interval instead. Every interval in sim comes from here.

**Quantities that cannot be negative** (times, counts, hours, costs) and **shares** (in
[0, 1]) get the t-interval intersected with the values the quantity can take
(:data:`NON_NEGATIVE`, :data:`SHARE`): "2.2 (0.0–10.3) min", never "2.2 (−5.9–10.3)". The
true mean of such a quantity lies in that range, so whenever the t-interval covers it the
intersection covers it too: the coverage is exactly the t-interval's, and only the part
that could not hold the mean is cut away (a test checks both). A lower end at 0 says the
replications are consistent with none at all; more replications narrow it. Differences
(:func:`paired`, :func:`welch`) may be negative and are never cut.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

CONFIDENCE = 0.95
FEW_CALLS = 30
"""A figure resting on fewer calls than this (every replication together) is marked as such
in tables and reports; a cost per call answered is then not applicable."""

Bounds = tuple[float | None, float | None]
"""The values a quantity can take, (low, high); None for no bound on that side."""
UNBOUNDED: Bounds = (None, None)
NON_NEGATIVE: Bounds = (0.0, None)  # times, counts, hours, costs
SHARE: Bounds = (0.0, 1.0)  # shares and utilizations


class Estimate(BaseModel):
    """A mean over replications and its 95% t-interval (None with one replication)."""

    mean: float | None
    ci95: tuple[float, float] | None = None


@functools.lru_cache(maxsize=256)
def _t_quantiles(df: int) -> tuple[float, float]:
    """Student t quantiles of a 95% interval for ``df`` degrees of freedom.

    ``scipy.special.stdtrit`` is the function ``scipy.stats.t.ppf`` evaluates (bit for bit;
    a test checks it), without importing ``scipy.stats``, which costs half a second and tens
    of megabytes that ``sim run`` does not otherwise need. Cached: summaries ask for
    thousands of intervals with the same few ``df``. The probabilities are those
    ``stats.t.interval(0.95, …)`` uses, and the interval is formed as it forms it.
    """
    from scipy.special import stdtrit

    lo = float(stdtrit(df, (1.0 - CONFIDENCE) / 2))
    hi = float(stdtrit(df, (1.0 + CONFIDENCE) / 2))
    return lo, hi


def within(interval: tuple[float, float], bounds: Bounds) -> tuple[float, float]:
    """The interval intersected with the values the quantity can take (see the module)."""
    lo, hi = interval
    low, high = bounds
    if low is not None:
        lo, hi = max(lo, low), max(hi, low)
    if high is not None:
        lo, hi = min(lo, high), min(hi, high)
    return (lo, hi)


def t_interval(values: Sequence[float], bounds: Bounds = UNBOUNDED) -> tuple[float, float] | None:
    """95% t-interval for the mean of independent replication values (None below 2).

    ``bounds`` are the values the quantity can take (:data:`NON_NEGATIVE` for a time, a count
    or a cost, :data:`SHARE` for a share): the interval never leaves them.
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return None
    mean, sem = float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))
    if sem == 0:
        return (mean, mean)
    q_lo, q_hi = _t_quantiles(len(x) - 1)
    return within((q_lo * sem + mean, q_hi * sem + mean), bounds)


def estimate(values: Sequence[float | None], bounds: Bounds = UNBOUNDED) -> Estimate:
    """Mean and t-interval of the values that are known (None: not applicable)."""
    present = [v for v in values if v is not None]
    if not present:
        return Estimate(mean=None)
    return Estimate(mean=float(np.mean(present)), ci95=t_interval(present, bounds))


def paired(base: Sequence[float | None], other: Sequence[float | None]) -> Estimate:
    """``other − base``, replication by replication where both are known (common numbers)."""
    return estimate(
        [b - a for a, b in zip(base, other, strict=True) if a is not None and b is not None]
    )


def welch(base: Sequence[float | None], other: Sequence[float | None]) -> Estimate:
    """``other − base`` for independent runs: difference of means with Welch's interval."""
    xs = [v for v in other if v is not None]
    bs = [v for v in base if v is not None]
    if len(xs) < 2 or len(bs) < 2:
        return Estimate(mean=float(np.mean(xs) - np.mean(bs)) if xs and bs else None)
    from scipy import stats  # only unpaired sweeps need it

    ci = stats.ttest_ind(xs, bs, equal_var=False).confidence_interval(CONFIDENCE)
    return Estimate(mean=float(np.mean(xs) - np.mean(bs)), ci95=(float(ci.low), float(ci.high)))


def difference(
    base: Sequence[float | None], other: Sequence[float | None], *, common_numbers: bool
) -> Estimate:
    """``other − base``: paired under common random numbers, else Welch's."""
    return paired(base, other) if common_numbers else welch(base, other)


__all__ = [
    "CONFIDENCE",
    "FEW_CALLS",
    "NON_NEGATIVE",
    "SHARE",
    "UNBOUNDED",
    "Bounds",
    "Estimate",
    "difference",
    "estimate",
    "paired",
    "t_interval",
    "welch",
    "within",
]
