"""Arrival fitting: exposure per hour-of-week slot, missing days, overdispersion → daily_cv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.fit.arrivals import Window, data_window, fit_arrivals, hourly_rates, overdispersion


def test_exposure_counts_each_slot_once_per_occurrence() -> None:
    # Tuesday 12:00 to the Monday 12 days later: partial first and last days.
    w = Window(pd.Timestamp("2023-01-03 12:00"), pd.Timestamp("2023-01-16 12:00"))
    e = w.exposure()
    assert e.sum() == pytest.approx(13 * 24)
    assert e[24 + 12] == 2  # Tuesday 12:00 occurs on Jan 3 and Jan 10
    assert e[24 + 11] == 1  # Tuesday 11:00 only on Jan 10 (Jan 3 starts at noon)
    assert e[0] == 2  # Monday 00:00 on Jan 9 and Jan 16
    assert e[13] == 1  # Monday 13:00 only on Jan 9 (the window ends Jan 16 at noon)


def test_partial_hour_exposure() -> None:
    w = Window(pd.Timestamp("2023-01-02 00:30"), pd.Timestamp("2023-01-09 00:30"))
    e = w.exposure()
    assert e[0] == pytest.approx(1.0)  # half an hour on each Monday
    assert e.sum() == pytest.approx(168)


def test_partial_weeks_do_not_bias_rates() -> None:
    # A flat rate over 10.5 days: raw rates should be flat although slots occur 1 or 2 times.
    rng = np.random.default_rng(4)
    start, days, per_hour = pd.Timestamp("2023-01-05 12:00"), 10.5, 30.0
    n = rng.poisson(per_hour * 24 * days)
    t = start + pd.to_timedelta(np.sort(rng.random(n)) * days, unit="D")
    w = Window(start, start + pd.Timedelta(days=days))
    fit = fit_arrivals(pd.Series(t), w, smoothing="none")
    assert fit.calls_per_day == pytest.approx(per_hour * 24, rel=4 / np.sqrt(n))
    # Slots seen twice and once have the same expected rate; compare their means.
    e = w.exposure()
    twice, once = fit.hour_of_week[e == 2].mean(), fit.hour_of_week[e == 1].mean()
    # Each mean averages ≥ 48 slots of ≥ 30 calls: SE of a ratio ≈ 1/sqrt(48·30) ≈ 0.026.
    assert twice / once == pytest.approx(1.0, abs=4 * 0.026 * np.sqrt(2))


def test_missing_days_are_left_out_of_the_exposure() -> None:
    rng = np.random.default_rng(1)
    days = pd.date_range("2023-01-02", periods=21, freq="D")
    kept = [d for i, d in enumerate(days) if i not in (5, 6, 7)]
    t = [d + pd.Timedelta(minutes=float(m)) for d in kept for m in rng.random(200) * 1440]
    w = data_window(pd.Series(sorted(t)))
    assert [str(d.date()) for d in w.gap_days] == ["2023-01-07", "2023-01-08", "2023-01-09"]
    assert w.days() == pytest.approx(18, abs=0.01)
    fit = fit_arrivals(pd.Series(sorted(t)), w)
    # Every kept day has exactly 200 calls, so the rate is exact up to the window ending at
    # the last call instead of midnight (under a few minutes of 18 days: < 1e-3 relative).
    assert fit.calls_per_day == pytest.approx(200, rel=1e-3)


def test_short_window_falls_back_to_hour_of_day() -> None:
    counts = np.zeros(168)
    counts[24:48] = 10
    exposure = np.zeros(168)
    exposure[24:48] = 1
    rates, note = hourly_rates(counts, exposure, "none")
    assert "hour-of-day" in note
    assert np.allclose(rates, 10)


def _daily(rng: np.random.Generator, days: int, mean: float, cv: float) -> pd.Series:
    index = pd.date_range("2023-01-02", periods=days, freq="D")
    lam = mean * (rng.gamma(1 / cv**2, cv**2, days) if cv > 0 else np.ones(days))
    return pd.Series(rng.poisson(lam).astype(float), index=index)


def test_overdispersion_recovers_gamma_cv() -> None:
    # 400 days at 200 calls/day, cv 0.3: Var = m + cv²m² = 3,800. The moment estimate of cv²
    # has a relative SE of about sqrt(2/393)·(1 + m/(cv²m²)) ≈ 0.075, so cv within ±0.04 is
    # about 3.5 SE of cv (SE(cv) ≈ 0.3 · 0.075 / 2 ≈ 0.011).
    rng = np.random.default_rng(7)
    counts = _daily(rng, 400, 200.0, 0.3)
    index, p, cv = overdispersion(counts, np.ones(168))
    assert p is not None and p < 1e-6
    assert cv == pytest.approx(0.3, abs=0.04)
    assert index is not None and index > 10


def test_poisson_days_rarely_get_a_multiplier() -> None:
    # Under Poisson the test rejects 5% of the time; in 40 data sets more than 8 rejections
    # has probability < 0.001 (binomial), while real overdispersion is rejected every time.
    rng = np.random.default_rng(11)
    fits = [overdispersion(_daily(rng, 60, 200.0, 0.0), np.ones(168)) for _ in range(40)]
    assert sum(cv > 0 for _, _, cv in fits) <= 8
    assert max(cv for _, _, cv in fits) < 0.1


def test_no_calls_is_a_clear_error() -> None:
    from sim.errors import DataError

    with pytest.raises(DataError, match="no call times"):
        data_window(pd.Series([], dtype="datetime64[ns]"))
