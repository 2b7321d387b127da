"""Hour-of-week profiles for reports: demand from the scenario, busy units from records.

Planners read a program's fit to its city by hour of the week: when calls come, when units
are on duty, when they are busy. Demand and staffing come straight from the scenario; busy
units come from a run's records (statistics derive from records, never from the model).
"""

from __future__ import annotations

import numpy as np

from sim.hours_of_operation import staffed_by_hour
from sim.records import Records
from sim.scenario import HOURS_PER_WEEK, Scenario

MINUTES_PER_HOUR = 60


def demand_by_hour(scn: Scenario) -> np.ndarray:
    """Expected calls per hour: (call types × 168 hours of the week), from the rates."""
    return np.array(
        [ct.calls_per_day / 24 * ct.profile() for ct in scn.call_types.values()], dtype=float
    )


def _busy_intervals(rec: Records, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, units) of every stretch a unit of team ``j`` was busy, clipped to the run."""
    c = rec.columns
    primary = (c["team"] == j) & np.isfinite(c["dispatch"])
    backup = (c["backup_team"] == j) & np.isfinite(c["backup_dispatch"])
    start = np.concatenate([c["dispatch"][primary], c["backup_dispatch"][backup]])
    end = np.concatenate([c["clear"][primary], c["backup_clear"][backup]])
    units = np.concatenate([c["units"][primary].astype(float), np.ones(int(backup.sum()))])
    end = np.where(np.isfinite(end), np.minimum(end, rec.horizon), rec.horizon)
    return start, end, units


def busy_integral(
    start: np.ndarray, end: np.ndarray, units: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """Busy unit-minutes from time 0 up to each time in ``at``.

    The busy level is a step function changing only at interval ends, so its integral is
    piecewise linear between those points and interpolation at ``at`` is exact.
    """
    if len(start) == 0:
        return np.zeros(len(at))
    times = np.concatenate([start, end])
    change = np.concatenate([units, -units])
    order = np.argsort(times, kind="stable")
    times, level = times[order], np.cumsum(change[order])
    integral = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(times))])
    return np.interp(at, times, integral)


def busy_by_hour(rec: Records, team: str) -> np.ndarray:
    """Mean units busy in each of the 168 hours of the week, over the measured whole hours."""
    j = rec.teams.index(team)
    first = int(np.ceil(rec.warmup / MINUTES_PER_HOUR))
    last = int(np.floor(rec.horizon / MINUTES_PER_HOUR))
    edges = np.arange(first, last + 1) * float(MINUTES_PER_HOUR)
    per_hour = np.diff(busy_integral(*_busy_intervals(rec, j), edges)) / MINUTES_PER_HOUR
    hour_of_week = np.arange(first, last) % HOURS_PER_WEEK
    total = np.bincount(hour_of_week, weights=per_hour, minlength=HOURS_PER_WEEK)
    count = np.bincount(hour_of_week, minlength=HOURS_PER_WEEK)
    return np.divide(total, count, out=np.full(HOURS_PER_WEEK, np.nan), where=count > 0)


__all__ = ["busy_by_hour", "busy_integral", "demand_by_hour", "staffed_by_hour"]
