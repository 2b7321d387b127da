"""Arrival rates by hour of the week, and day-to-day overdispersion, from call times.

A rate is a count divided by its exposure: how many hours of each of the 168 hour-of-week
slots the data window actually covers (partial weeks, a window that starts on a Thursday,
and days missing from the export all change the exposure, so none of them bias the rates).
Small categories are smoothed (a circular kernel across adjacent hours, or a day × hour
product model) because 168 separate Poisson counts of two or three calls each are mostly
noise. Daily counts that vary more than Poisson are summarized as the coefficient of
variation of a gamma day multiplier, which is what the engine's ``daily_cv`` draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import DataError

HOURS_PER_WEEK = 168
Smoothing = Literal["auto", "none", "kernel", "product"]

GAP_P = 1e-6
"""A whole day without a single call is read as missing data when Poisson makes it this unlikely."""

OVERDISPERSION_P = 0.05
"""daily_cv is written only when the Pearson test rejects Poisson day counts at this level."""


@dataclass(frozen=True)
class Window:
    """The stretch of time the data covers: [start, end) minus whole days missing from it."""

    start: pd.Timestamp
    end: pd.Timestamp
    gap_days: tuple[pd.Timestamp, ...] = ()

    def hours(self) -> pd.DataFrame:
        """Each clock hour touched by the window with its covered fraction and week slot."""
        first = self.start.floor("h")
        idx = pd.date_range(first, self.end, freq="h", inclusive="left")
        starts = idx.to_numpy()
        lo = np.maximum(starts, self.start.to_datetime64())
        hi = np.minimum(starts + np.timedelta64(1, "h"), self.end.to_datetime64())
        frac = (hi - lo) / np.timedelta64(1, "h")
        keep = ~idx.normalize().isin(pd.DatetimeIndex(list(self.gap_days)))
        slot = idx.day_of_week.to_numpy() * 24 + idx.hour.to_numpy()
        return pd.DataFrame({"slot": slot, "covered": np.clip(frac, 0, 1)})[keep]

    def exposure(self) -> np.ndarray:
        """Hours of data in each hour-of-week slot (168 values)."""
        h = self.hours()
        return np.bincount(h["slot"], weights=h["covered"], minlength=HOURS_PER_WEEK)

    def full_days(self) -> pd.DatetimeIndex:
        """Calendar days wholly inside the window and not missing (for daily counts)."""
        days = pd.date_range(self.start.ceil("D"), self.end.floor("D"), freq="D", inclusive="left")
        return days[~days.isin(pd.DatetimeIndex(list(self.gap_days)))]

    def days(self) -> float:
        """Length of the window in days of data (gaps excluded)."""
        return float(self.exposure().sum() / 24.0)


def data_window(
    received: pd.Series, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> Window:
    """The window the calls cover, with days missing from the export detected and left out.

    Without a given start the window begins at midnight of the first call's day; without a
    given end it closes at the last call (a partly exported last day counts only as far as
    it goes). A day with no calls at all, where the average day has so many that Poisson
    makes an empty day practically impossible, is a day missing from the export.
    """
    t = received.dropna()
    if t.empty:
        raise DataError("no call times to fit arrivals from", hint="check the received column")
    lo, hi = t.min().floor("D"), t.max() + pd.Timedelta(seconds=1)
    # A requested window wider than the data would count hours nobody exported as quiet.
    lo = max(lo, pd.Timestamp(start)) if start is not None else lo
    hi = min(hi, pd.Timestamp(end)) if end is not None else hi
    window = Window(lo, hi)
    days = window.full_days()
    if len(days) == 0:
        return window
    counts = t.dt.normalize().value_counts().reindex(days, fill_value=0)
    mean = counts.mean()
    if stats.poisson.pmf(0, mean) < GAP_P:
        return Window(lo, hi, tuple(counts.index[counts == 0]))
    return window


@dataclass(frozen=True)
class ArrivalFit:
    """One category's demand: mean calls per day, 168 shape factors (mean 1), dispersion."""

    calls: int
    calls_per_day: float
    hour_of_week: np.ndarray
    smoothing: str
    dispersion_index: float | None
    overdispersion_p: float | None
    daily_cv: float
    note: str


def slot_counts(received: pd.Series) -> np.ndarray:
    """Calls in each hour-of-week slot (Monday 00:00–01:00 is slot 0)."""
    slot = received.dt.day_of_week.to_numpy() * 24 + received.dt.hour.to_numpy()
    return np.bincount(slot, minlength=HOURS_PER_WEEK).astype(float)


def _kernel(values: np.ndarray, half_width: int) -> np.ndarray:
    """Circular triangular smoothing across adjacent hours (wrapping Sunday to Monday)."""
    weights = half_width + 1 - np.abs(np.arange(-half_width, half_width + 1))
    out = np.zeros_like(values)
    for shift, w in zip(range(-half_width, half_width + 1), weights, strict=True):
        out += w * np.roll(values, shift)
    return out / weights.sum()


def _product(counts: np.ndarray, exposure: np.ndarray, iterations: int = 25) -> np.ndarray:
    """Poisson MLE of rate = day factor × hour factor with exposure (iterative scaling)."""
    n = counts.reshape(7, 24)
    e = exposure.reshape(7, 24)
    day, hour = np.ones(7), np.full(24, max(n.sum(), 1e-12) / max(e.sum(), 1e-12))
    for _ in range(iterations):
        day = n.sum(1) / np.maximum((e * hour[None, :]).sum(1), 1e-12)
        # hour-of-day factors over ±1 hour: a small category's empty hours are not zero rates
        hour = _kernel(n.sum(0), 1) / np.maximum(_kernel((e * day[:, None]).sum(0), 1), 1e-12)
    return (day[:, None] * hour[None, :]).ravel()


def choose_smoothing(calls: int, smoothing: Smoothing) -> str:
    """'auto': raw slots when they hold ≥ 20 calls on average, kernel from 5, else product."""
    if smoothing != "auto":
        return smoothing
    per_slot = calls / HOURS_PER_WEEK
    return "none" if per_slot >= 20 else "kernel" if per_slot >= 5 else "product"


def hourly_rates(
    counts: np.ndarray, exposure: np.ndarray, smoothing: str
) -> tuple[np.ndarray, str]:
    """Calls per hour in each of the 168 slots, and a note on how it was estimated.

    When the window does not cover every slot (less than a week of data), the week's shape
    cannot be estimated: the hour-of-day profile pooled across the days present is used for
    every day.
    """
    if np.any(exposure <= 0):
        n24 = counts.reshape(7, 24).sum(0)
        e24 = exposure.reshape(7, 24).sum(0)
        if np.any(e24 <= 0):
            raise DataError(
                "the data window covers less than one day, too little to fit hourly rates",
                hint="use a longer export or widen --start/--end",
            )
        return np.tile(n24 / e24, 7), "window shorter than a week: hour-of-day profile only"
    if smoothing == "none":
        return counts / exposure, "raw hour-of-week rates"
    if smoothing == "kernel":
        return _kernel(counts, 1) / _kernel(exposure, 1), "rates smoothed over ±1 hour"
    if smoothing == "product":
        return _product(counts, exposure), "day-of-week × hour-of-day (±1 h) product model"
    raise ValueError(f"unknown smoothing {smoothing!r}")


def daily_counts(received: pd.Series, window: Window) -> pd.Series:
    """Calls on each whole day of the window (days missing from the export left out)."""
    days = window.full_days()
    return received.dt.normalize().value_counts().reindex(days, fill_value=0).astype(float)


def overdispersion(
    counts: pd.Series, rate_per_hour: np.ndarray
) -> tuple[float | None, float | None, float]:
    """(dispersion index, p-value of the Poisson test, gamma multiplier cv) from daily counts.

    Each day's expected count comes from the fitted weekly profile, so a busy Friday is not
    mistaken for overdispersion. For a gamma-Poisson mixture Var(n) = m + cv²m², so the
    moment estimate is cv² = (Σ(n − m)²·N/df − Σm) / Σm²; df removes the 7 weekday levels
    estimated from the same days (or 1 with under two weeks of days).
    """
    if len(counts) < 3:
        return None, None, 0.0
    by_weekday = rate_per_hour.reshape(7, 24).sum(1)
    m = by_weekday[pd.DatetimeIndex(counts.index).day_of_week]
    m = m * counts.sum() / max(m.sum(), 1e-12)
    n = counts.to_numpy()
    df = len(n) - 7 if len(n) >= 14 else len(n) - 1
    pos = m > 0
    x2 = float(np.sum((n[pos] - m[pos]) ** 2 / m[pos]))
    index = x2 / df
    p = float(stats.chi2.sf(x2, df))
    cv2 = (np.sum((n - m) ** 2) * len(n) / df - m.sum()) / max(np.sum(m**2), 1e-12)
    cv = float(np.sqrt(cv2)) if cv2 > 0 and p < OVERDISPERSION_P else 0.0
    return index, p, cv


def fit_arrivals(received: pd.Series, window: Window, smoothing: Smoothing = "auto") -> ArrivalFit:
    """Fit one category's arrivals: rate, weekly shape, and day-level overdispersion."""
    inside = received[(received >= window.start) & (received < window.end)]
    exposure = window.exposure()
    counts = slot_counts(inside)
    method = choose_smoothing(len(inside), smoothing)
    rates, note = hourly_rates(counts, exposure, method)
    calls_per_day = len(inside) / (exposure.sum() / 24.0)
    shape = rates / rates.mean() if rates.mean() > 0 else np.ones(HOURS_PER_WEEK)
    index, p, cv = overdispersion(daily_counts(inside, window), rates)
    return ArrivalFit(
        calls=len(inside),
        calls_per_day=calls_per_day,
        hour_of_week=shape,
        smoothing=method if not note.startswith("window") else "hour-of-day",
        dispersion_index=index,
        overdispersion_p=p,
        daily_cv=cv,
        note=note,
    )


__all__ = [
    "ArrivalFit",
    "Window",
    "choose_smoothing",
    "daily_counts",
    "data_window",
    "fit_arrivals",
    "hourly_rates",
    "overdispersion",
    "slot_counts",
]
