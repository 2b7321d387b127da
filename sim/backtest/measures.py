"""The backtest's measures, computed the same way from the record and from a simulation.

Both sides are first put in one shape (:class:`CallData`: per-call numpy columns in minutes
from the same Monday 00:00), then :func:`measures` turns either into the same named values:

* ``calls_per_day/<category>`` — calls from the public per day of data;
* ``calls_by_hour/<hh>`` — calls from the public per day in each clock hour;
* ``wait/<stat>/<group>`` and ``response/<stat>/<group>`` — mean, p50 and p90 minutes of
  received → dispatched and received → first unit on scene, for ``all``, each category
  and each priority level (``p1``, ``p2`` …), calls from the public only;
* ``count/<wait|response>/<group>`` — how many calls the statistics above rest on;
* ``busy_by_hour/<hh>`` — mean units busy (dispatch → clear, all activity) in each clock
  hour, i.e. busy unit-hours per hour of day, and ``busy_unit_hours/all`` per day.

Only whole hours inside the window and off the days missing from the export count, so a
simulation (which has calls on those days) and the record are compared over the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STATS = ("mean", "p50", "p90")


@dataclass(frozen=True)
class Window:
    """The compared time: per absolute hour from the Monday origin, whether it counts."""

    hour_ok: np.ndarray  # bool per hour of [0, hours)

    @property
    def hours(self) -> int:
        return len(self.hour_ok)

    @property
    def days(self) -> float:
        """Days of counted time (the denominator of every per-day rate)."""
        return float(self.hour_ok.sum()) / 24

    def call_mask(self, arrival: np.ndarray) -> np.ndarray:
        h = np.floor(arrival / 60).astype(np.int64)
        inside = (h >= 0) & (h < self.hours)
        out = np.zeros(len(arrival), bool)
        out[inside] = self.hour_ok[h[inside]]
        return out

    def hours_of_day(self) -> np.ndarray:
        """Whole counted hours at each clock hour (24 values)."""
        return np.bincount(np.flatnonzero(self.hour_ok) % 24, minlength=24).astype(float)


@dataclass(frozen=True)
class CallData:
    """One side of the comparison, one row per call or activity.

    Times are minutes from the Monday origin; NaN where the export (or the run) has none.
    """

    arrival: np.ndarray
    category: np.ndarray  # str
    priority: np.ndarray  # int, 0 when unknown
    public: np.ndarray  # bool
    wait: np.ndarray
    response: np.ndarray
    busy_start: np.ndarray
    busy_end: np.ndarray
    busy_units: np.ndarray  # units held from busy_start to busy_end


def _stats(x: np.ndarray) -> dict[str, float | None]:
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return dict.fromkeys(STATS)
    q = np.quantile(x, (0.5, 0.9))
    return {"mean": float(x.mean()), "p50": float(q[0]), "p90": float(q[1])}


def busy_per_hour(data: CallData, hours: int) -> np.ndarray:
    """Busy unit-minutes in each absolute hour [h·60, (h+1)·60), intervals split exactly.

    A difference array of the busy level at each hour boundary plus the partial first and
    last hours of every interval (vectorised; the hand-rolled sweep is far faster than
    clipping every interval against every hour).
    """
    ok = np.isfinite(data.busy_start) & np.isfinite(data.busy_end)
    s = np.clip(data.busy_start[ok], 0, hours * 60.0)
    e = np.clip(data.busy_end[ok], 0, hours * 60.0)
    u = data.busy_units[ok].astype(float)
    keep = e > s
    s, e, u = s[keep], e[keep], u[keep]
    out = np.zeros(hours + 1)
    hs, he = np.floor(s / 60).astype(np.int64), np.floor(e / 60).astype(np.int64)
    same = hs == he
    np.add.at(out, hs[same], u[same] * (e[same] - s[same]))
    d = ~same
    np.add.at(out, hs[d], u[d] * ((hs[d] + 1) * 60 - s[d]))
    np.add.at(out, he[d], u[d] * (e[d] - he[d] * 60))
    full = np.zeros(hours + 2)  # whole hours strictly between: +60·u from hs+1 to he−1
    np.add.at(full, hs[d] + 1, u[d] * 60)
    np.add.at(full, he[d], -u[d] * 60)
    out += np.cumsum(full)[: hours + 1]
    return out[:hours]


def measures(data: CallData, window: Window, priorities: bool) -> dict[str, float | None]:
    """Every measure of one side (see the module docstring), keyed by name."""
    out: dict[str, float | None] = {}
    counted = window.call_mask(data.arrival)
    public = counted & data.public
    out["calls_per_day/all"] = float(public.sum()) / window.days
    for cat in np.unique(data.category[public]):
        out[f"calls_per_day/{cat}"] = float(np.sum(public & (data.category == cat))) / window.days
    hod = np.floor(data.arrival[public] / 60).astype(np.int64) % 24
    per_hour = np.bincount(hod, minlength=24) / np.maximum(window.hours_of_day(), 1)
    for h in range(24):
        out[f"calls_by_hour/{h:02d}"] = float(per_hour[h])
    groups = {"all": public}
    groups |= {str(c): public & (data.category == c) for c in np.unique(data.category[public])}
    if priorities:
        levels = np.unique(data.priority[public & (data.priority > 0)])
        groups |= {f"p{int(k)}": public & (data.priority == k) for k in levels}
    for name, mask in groups.items():
        for kind, values in (("wait", data.wait), ("response", data.response)):
            out[f"count/{kind}/{name}"] = float(np.sum(np.isfinite(values[mask])))
            for stat, v in _stats(values[mask]).items():
                out[f"{kind}/{stat}/{name}"] = v
    busy = busy_per_hour(data, window.hours)
    busy = np.where(window.hour_ok, busy, 0.0)
    by_hod = np.bincount(np.arange(window.hours) % 24, weights=busy, minlength=24)
    units = by_hod / 60 / np.maximum(window.hours_of_day(), 1)
    for h in range(24):
        out[f"busy_by_hour/{h:02d}"] = float(units[h])
    out["busy_unit_hours/all"] = float(busy.sum() / 60 / window.days)
    return out


__all__ = ["STATS", "CallData", "Window", "busy_per_hour", "measures"]
