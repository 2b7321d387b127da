"""Units on duty from the export itself: the concurrency of recorded busy intervals.

Where an export has dispatch and clear times, every call (officer-initiated and
administrative work included) keeps one unit busy from dispatch to clear. The number of
calls being worked at once can never exceed the units on duty, and reaches it whenever the
city runs out of units, which a busy city does in most blocks of most weeks. So for each
week and each block of the week (``BLOCK_HOURS`` hours) the peak concurrency is taken, and
across weeks its ``UNITS_QUANTILE`` quantile, the maximum: units on duty are at least the
highest peak ever seen, and a city that rarely runs out of units (fire and EMS) shows its
units only at its busiest. A lower quantile (0.9 was tried) left San Francisco's simulated
fire units queueing where the record shows they did not. A call left open in CAD cannot
staff a block for days: cleaning caps each interval at its 99.5th percentile first.

What the export cannot show, and how the estimate leans:

* second and later units of a multi-unit call (one row per call, one unit counted): low;
* units on duty that took no call in the block (a quiet night): low — the model then
  queues where the city did not, which the backtest shows as too long a wait;
* calls without both stamps are not counted: low, by as much as they were real work;
* calls carried over from the block before are not counted in a block (their units may be
  going off duty): low at a block where units come on duty while others are still busy.

The same step function says whether units were free when a call arrived
(:func:`free_at_arrival`), which is how call handling is separated from queueing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.fit.arrivals import Window
from sim.scenario import DAY_NAMES, HOURS_PER_WEEK

BLOCK_HOURS = 4
"""Shift blocks of four hours: six a day, the resolution staffing is estimated at."""
UNITS_QUANTILE = 1.0
"""Across weeks, the highest of each block's peak concurrency (see the module docstring)."""
MIN_STAMPED_SHARE = 0.5
"""Below this share of calls with dispatch and clear times, concurrency says too little."""


@dataclass(frozen=True)
class Busy:
    """The recorded number of calls being worked, as a step function of minutes."""

    times: np.ndarray  # minutes from the window start at which the level changes
    levels: np.ndarray  # calls being worked from each time on
    unstamped: int  # calls left out for want of a stamp
    stamped: int  # calls with both stamps

    def at(self, t: np.ndarray) -> np.ndarray:
        """Calls being worked just before each time ``t`` (a call arriving sees these)."""
        i = np.searchsorted(self.times, t, side="left") - 1
        return np.where(i >= 0, self.levels[np.maximum(i, 0)], 0)

    def hourly_peak(self, hours: int) -> np.ndarray:
        """The highest level within each hour [h·60, (h+1)·60) of the window."""
        edges = np.arange(hours + 1) * 60.0
        start_level = self.at(edges[:-1] + 1e-9)
        peak = start_level.copy()
        inside = np.searchsorted(edges, self.times, side="right") - 1
        ok = (inside >= 0) & (inside < hours)
        np.maximum.at(peak, inside[ok], self.levels[ok])
        return peak


def busy_intervals(
    table: pd.DataFrame, origin: pd.Timestamp, block_minutes: float | None = None
) -> Busy | None:
    """The step function of calls being worked, or None when too few calls have stamps.

    Only calls with both stamps count (a call without them was often cancelled; placing it
    somewhere would invent busy time). With ``block_minutes``, each interval is cut at the
    end of the block it started in: the level is then the calls *started* in the block and
    still being worked, which at most the units on duty in that block can be. Without the
    cut, units finishing calls past a shift's end (overtime) would staff the next block.
    """
    start = table["dispatched"].fillna(table["enroute"]).fillna(table["arrived"])
    end = table["cleared"]
    both = (start.notna() & end.notna() & (end >= start)).to_numpy()
    if len(table) == 0 or both.mean() < MIN_STAMPED_SHARE:
        return None
    s = _minutes(start, origin)[both]
    e = _minutes(end, origin)[both]
    if block_minutes is not None:
        e = np.minimum(e, (np.floor(s / block_minutes) + 1) * block_minutes)
    times = np.concatenate([s, e])
    steps = np.concatenate([np.ones(len(s)), -np.ones(len(e))])
    order = np.lexsort((steps, times))  # at a tie, a clear comes before a dispatch
    levels = np.cumsum(steps[order]).astype(np.int64)
    times = times[order]
    last = np.append(times[1:] != times[:-1], True)  # the level once every tied event is done
    return Busy(times[last], levels[last], int((~both).sum()), int(both.sum()))


def _minutes(ts: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    return ((ts - origin).dt.total_seconds() / 60.0).to_numpy(dtype=float)


@dataclass(frozen=True)
class UnitsEstimate:
    """Units on duty per block of the week (7 × blocks per day) and how they were found."""

    blocks: np.ndarray  # shape (7, 24 // BLOCK_HOURS), Monday first
    weeks: int
    busy: Busy

    def hour_of_week(self) -> np.ndarray:
        """Units in each of the 168 hours (Monday 00–01 first)."""
        return np.repeat(self.blocks, BLOCK_HOURS, axis=1).ravel()

    def shifts(self) -> list[dict[str, Any]]:
        """Scenario ``[[shifts]]`` entries: one per block, days with equal units together."""
        out = []
        for b in range(self.blocks.shape[1]):
            start = f"{b * BLOCK_HOURS:02d}:00"
            end = f"{(b + 1) * BLOCK_HOURS:02d}:00"
            for units in sorted(set(self.blocks[:, b].tolist())):
                days = [d for d in range(7) if self.blocks[d, b] == units]
                out.append({"days": day_list(days), "start": start, "end": end,
                            "units": int(units)})  # fmt: skip
        return out

    def note(self) -> str:
        """How the units were found, for the scenario's comments and the report."""
        b = self.busy
        share = b.unstamped / (b.unstamped + b.stamped) if b.unstamped + b.stamped else 0.0
        return (
            f"from the data: peak number of calls started in each {BLOCK_HOURS}-hour block and "
            f"being worked at once (dispatch → clear, all activity; calls carried over from "
            f"the block before are left out, as their units may be going off duty), "
            f"the highest such peak across {self.weeks} week(s) (intervals capped at their "
            f"99.5th percentile first, so a call left open in CAD cannot staff a block); "
            f"{share:.1%} of calls lacked stamps and are not counted; second units of "
            "multi-unit calls and idle units are not in the export, so these lean low"
        )


def week_start(window: Window) -> pd.Timestamp:
    """The Monday 00:00 on or before the window's start (the scenario clock's zero)."""
    day = window.start.normalize()
    return day - pd.Timedelta(days=int(day.day_of_week))


def estimate_units(table: pd.DataFrame, window: Window) -> UnitsEstimate | None:
    """Units on duty per block of the week from concurrency (see the module docstring).

    None when the export lacks the stamps. Blocks outside the window or on days missing
    from the export are not observations.
    """
    origin = week_start(window)
    busy = busy_intervals(table, origin, block_minutes=BLOCK_HOURS * 60.0)
    if busy is None:
        return None
    weeks = int(np.ceil((window.end - origin) / pd.Timedelta(days=7)))
    per_block = 24 // BLOCK_HOURS
    peak = busy.hourly_peak(weeks * HOURS_PER_WEEK).reshape(weeks, 7, per_block, BLOCK_HOURS)
    block_peak = peak.max(axis=3).astype(float)  # weeks × days × blocks
    block_peak[~_observed(window, origin, weeks)] = np.nan
    with warnings.catch_warnings():  # a block never observed is NaN, filled below
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(block_peak, UNITS_QUANTILE, axis=0)
    q = np.where(np.isfinite(q), q, np.nanmax(q))
    return UnitsEstimate(np.maximum(np.round(q), 1).astype(int), weeks, busy)


def _observed(window: Window, origin: pd.Timestamp, weeks: int) -> np.ndarray:
    """Blocks (weeks × 7 × blocks) wholly inside the window and not on a missing day."""
    starts = origin + pd.to_timedelta(np.arange(weeks * 7 * 24 // BLOCK_HOURS) * BLOCK_HOURS,
                                      unit="h")  # fmt: skip
    ends = starts + pd.Timedelta(hours=BLOCK_HOURS)
    inside = (starts >= window.start) & (ends <= window.end)
    inside &= ~starts.normalize().isin(pd.DatetimeIndex(list(window.gap_days)))
    seen = np.asarray(inside).reshape(weeks, 7, 24 // BLOCK_HOURS)
    if not seen.any():  # under one whole block of data: take what there is
        seen = np.asarray((ends > window.start) & (starts < window.end)).reshape(seen.shape)
    return seen


def free_at_arrival(busy: Busy, units_by_hour: np.ndarray, arrival_min: np.ndarray) -> np.ndarray:
    """Whether fewer calls were being worked than units on duty when each call arrived."""
    hour = (np.floor(arrival_min / 60).astype(int)) % HOURS_PER_WEEK
    return busy.at(arrival_min) < units_by_hour[hour]


def day_list(days: list[int]) -> str:
    """'mon-fri', 'sat,sun' or 'mon,wed-fri' for weekday indexes (Monday = 0)."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}"
                    for r in runs)  # fmt: skip


__all__ = [
    "BLOCK_HOURS",
    "UNITS_QUANTILE",
    "Busy",
    "UnitsEstimate",
    "busy_intervals",
    "day_list",
    "estimate_units",
    "free_at_arrival",
    "week_start",
]
