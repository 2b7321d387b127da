"""Intervals that respect the quantity: cut to the values it can take, coverage unchanged.

A time, a count or a cost cannot be negative and a share lies in [0, 1], so sim intersects the
95% t-interval with that range (sim/estimates.py). Two properties make this honest, and both
are checked here on any sample hypothesis draws: the interval never leaves the range, and for
every true mean inside the range the cut interval covers it exactly when the t-interval does
(so the coverage probability is the t-interval's, whatever the distribution).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.estimates import NON_NEGATIVE, SHARE, UNBOUNDED, Bounds, estimate, paired, t_interval


@given(st.data())
@pytest.mark.parametrize(("bounds", "top"), [(NON_NEGATIVE, 1e6), (SHARE, 1.0)])
def test_cut_interval_stays_in_range_with_the_same_coverage(
    bounds: Bounds, top: float, data: st.DataObject
) -> None:
    """A time, count or cost (≥ 0) and a share (in [0, 1]): any sample, any true mean."""
    value = st.floats(min_value=0.0, max_value=top, allow_nan=False, allow_infinity=False)
    sample = data.draw(st.lists(value, min_size=2, max_size=12))
    mu = data.draw(value)
    raw, cut = t_interval(sample), t_interval(sample, bounds)
    assert raw is not None and cut is not None
    assert 0.0 <= cut[0] <= cut[1] <= (bounds[1] if bounds[1] is not None else np.inf)
    assert (raw[0] <= mu <= raw[1]) == (cut[0] <= mu <= cut[1])


def test_the_example_from_the_issue_no_longer_goes_below_zero() -> None:
    """Two replications far apart: the t-interval of a time goes below zero, the cut one
    stops at zero and keeps its upper end; a difference of two runs is never cut."""
    sample = [0.4, 4.0]
    raw, cut = t_interval(sample, UNBOUNDED), t_interval(sample, NON_NEGATIVE)
    assert raw is not None and cut is not None and raw[0] < 0
    assert cut == (0.0, raw[1])
    e = estimate(sample, NON_NEGATIVE)
    assert e.mean == 2.2 and e.ci95 == cut
    d = paired([4.0, 0.4], [0.4, 4.0])  # differences can be negative: no bound
    assert d.ci95 is not None and d.ci95[0] < 0 < d.ci95[1]


def test_coverage_of_a_skewed_time_is_the_t_intervals() -> None:
    """Exponential times (mean 1), 3 replications each, 20,000 samples: the cut interval covers
    the mean in exactly the same samples as the t-interval (the property above, counted), and
    none of its lower ends is negative while many of the t-interval's are."""
    rng = np.random.default_rng(7)
    draws = rng.exponential(1.0, size=(20_000, 3))
    raw = [t_interval(row) for row in draws]
    cut = [t_interval(row, NON_NEGATIVE) for row in draws]
    covered = [r is not None and r[0] <= 1.0 <= r[1] for r in raw]
    covered_cut = [c is not None and c[0] <= 1.0 <= c[1] for c in cut]
    assert covered == covered_cut
    assert sum(r is not None and r[0] < 0 for r in raw) > 1000
    assert all(c is not None and c[0] >= 0 for c in cut)
