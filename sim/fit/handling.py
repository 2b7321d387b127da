"""Call handling apart from queueing: what ``dispatch_delay_min`` is fitted from.

A recorded received → dispatched time is call handling (taking the call, entering it,
finding a unit) *plus* any wait for a free unit. The simulation adds its own queue wait, so
fitting the recorded interval as the handling delay would count the wait twice. Instead:

1. where the export has a queue-entry time (mapping key ``queued``), handling is
   received → queued, exactly;
2. else, where units on duty are known (from concurrency, or given), handling is fitted
   from the calls that arrived while fewer calls were being worked than units were on duty:
   their received → dispatched holds no wait for a unit.

   Bias, both ways: units on a break or on unrecorded work look free, and calls the
   dispatcher holds on purpose (low priority stacked for the next shift) count as handling
   (too long); calls arriving in quiet moments may be handled faster than busy-hour calls
   (too short). The backtest's wait rows show what is left;
3. else (no dispatch or no clear times) handling cannot be told apart from queueing and is
   not fitted from the export: 0, or times borrowed from another scenario.

Officer-initiated and administrative work has no handling: an officer starts it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.fit.staffing import Busy, free_at_arrival

MIN_QUEUED_SHARE = 0.5
"""With queue-entry times on at least half the calls, they are used."""


@dataclass(frozen=True)
class Handling:
    """Per-call handling minutes (NaN where not usable) and how they were found."""

    minutes: pd.Series
    method: str


def handling_minutes(
    table: pd.DataFrame,
    public: np.ndarray,
    busy: Busy | None,
    units_by_hour: np.ndarray | None,
    week_start: pd.Timestamp,
) -> Handling:
    """The sample ``dispatch_delay_min`` is fitted from (see the module docstring)."""
    nan = pd.Series(np.nan, index=table.index)
    rec = table["received"]
    queued = table["queued"] if "queued" in table else pd.Series(pd.NaT, index=table.index)
    if queued.notna().mean() >= MIN_QUEUED_SHARE:
        minutes = (queued - rec).dt.total_seconds() / 60
        return Handling(minutes.where(public), "received → queued (the export's queue entry)")
    delay = (table["dispatched"] - rec).dt.total_seconds() / 60
    if busy is None or units_by_hour is None or delay.notna().sum() == 0:
        return Handling(nan, "no dispatch and clear times: handling is not in the export")
    arrival = ((rec - week_start).dt.total_seconds() / 60).to_numpy(dtype=float)
    free = free_at_arrival(busy, units_by_hour, arrival) & public
    share = free[public].mean() if public.any() else 0.0
    return Handling(
        delay.where(free),
        f"received → dispatched of the {share:.0%} of calls that arrived while units were "
        "free (no wait for a unit in them; see sim/fit/handling.py for the bias)",
    )


__all__ = ["Handling", "handling_minutes"]
