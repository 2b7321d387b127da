"""``sim backtest``: simulate a fitted city over its export's own window and compare.

The export is read, cleaned and categorized exactly as ``sim fit`` does (officer-initiated
and administrative work kept as its own call types when the scenario has them), so both
sides count the same calls. The scenario is then run from the Monday before the window
(a day or more of warm-up) to the window's end with its fitted processes — not the
recorded calls: the question is whether the *fitted* city behaves like the real one — and
each replication's records become the same measures as the record (:mod:`.measures`), in
whichever process the replication ran (a collector of the replication pipeline).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.backtest.measures import CallData, Window, measures
from sim.backtest.result import BacktestResult, Row, verdict
from sim.data import ColumnMapping, Taxonomy
from sim.errors import DataError
from sim.estimates import NON_NEGATIVE, t_interval
from sim.fit.arrivals import Window as DataWindow
from sim.fit.arrivals import data_window
from sim.fit.build import FitOptions, prepare
from sim.pipeline.executors import Executor
from sim.pipeline.runs import run
from sim.records import Records
from sim.scenario import Scenario, with_overrides

WARMUP = pd.Timedelta(days=1)
"""At least this much simulated time before the window, so it starts with a busy city."""


def backtest(
    scn: Scenario,
    calls: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
    *,
    replications: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    executor: Executor | None = None,
    on_replication: Callable[[int], None] | None = None,
) -> BacktestResult:
    """Compare ``scn`` with the export it was fitted from (see the module docstring)."""
    other = "separate" if any(not ct.is_public for ct in scn.call_types.values()) else "drop"
    options = FitOptions(other_activity=other, start=start, end=end)
    prepared = prepare(calls, mapping, taxonomy, options)
    where = prepared.provenance.source_name if prepared.provenance else str(calls)
    table, left_out = _known_calls(scn, prepared.table, where)
    window = data_window(table["received"], _ts(start), _ts(end))
    origin = (window.start - WARMUP).normalize()
    origin -= pd.Timedelta(days=int(origin.day_of_week))
    counted = _counted_hours(window, origin, where)
    recorded, notes = _recorded(table, origin)
    priorities = bool((recorded.priority > 0).any())
    rec_measures = measures(recorded, counted, priorities)
    settings = backtest_scenario(scn, window, origin, replications)
    collect = SimulatedMeasures(counted, priorities)
    result = run(settings, executor, collect=(collect,), on_replication=on_replication)
    sims: list[dict[str, float | None]] = result.extras(collect.name)
    rows = _rows(rec_measures, sims, _support(table))
    if left_out:
        parts = ", ".join(f"{k} {v:,}" for k, v in left_out.items())
        notes.append(f"left out (not call types of the scenario): {parts}")
    if not priorities:
        notes.append("the export has no priority: no rows by priority")
    gaps = len(window.gap_days)
    missing = f", {gaps} days missing from the export left out" if gaps else ""
    notes.append(f"compared over {counted.days:g} days of whole hours in the window{missing}")
    prov = prepared.provenance
    return BacktestResult(
        scenario=scn.scenario.name, source=where, sha256=prov.sha256 if prov else None,
        window_start=str(window.start), window_end=str(window.end), days=counted.days,
        replications=settings.scenario.replications, seed=settings.scenario.seed, rows=rows,
        notes=notes,
    )  # fmt: skip


def _ts(value: datetime | None) -> pd.Timestamp | None:
    return pd.Timestamp(value) if value is not None else None


def _known_calls(
    scn: Scenario, table: pd.DataFrame, where: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The calls whose category is a call type of the scenario, and counts of the rest."""
    category = table["category"].astype(str)
    known = category.isin(list(scn.call_types)).to_numpy()
    left_out = {str(k): int(v) for k, v in category[~known].value_counts().items()}
    if not known.any():
        raise DataError(
            f"none of the export's categories ({', '.join(sorted(left_out))}) is a call type "
            f"of {scn.scenario.name}",
            where=where,
            hint="backtest a scenario against the export it was fitted from (sim fit)",
        )
    return table.loc[known].reset_index(drop=True), left_out


def _counted_hours(window: DataWindow, origin: pd.Timestamp, where: str) -> Window:
    """Whole hours of the window, off the days missing from the export, from ``origin``."""
    hours = math.ceil((window.end - origin) / pd.Timedelta(hours=1))
    starts = origin + pd.to_timedelta(np.arange(hours), unit="h")
    ok = (starts >= window.start) & (starts + pd.Timedelta(hours=1) <= window.end)
    ok &= ~starts.normalize().isin(pd.DatetimeIndex(list(window.gap_days)))
    if not ok.any():
        raise DataError(
            "the window holds no whole hour of calls to compare",
            where=where,
            hint="widen --start/--end or give an export covering at least a few days",
        )
    return Window(np.asarray(ok))


def _minutes(ts: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    return ((ts - origin).dt.total_seconds() / 60.0).to_numpy(dtype=float)


def _recorded(table: pd.DataFrame, origin: pd.Timestamp) -> tuple[CallData, list[str]]:
    """The record as :class:`CallData`; busy intervals imputed where stamps are missing."""
    rec = _minutes(table["received"], origin)
    start = _minutes(table["dispatched"].fillna(table["enroute"]).fillna(table["arrived"]), origin)
    end = _minutes(table["cleared"], origin)
    notes: list[str] = []
    both = np.isfinite(start) & np.isfinite(end) & (end >= start)
    if both.any() and not both.all():
        category = table["category"].astype(str).to_numpy()
        lead = float(np.median(start[both] - rec[both]))
        start = np.where(np.isfinite(start), start, rec + lead)
        by_category = pd.Series(end - start).where(both).groupby(category).transform("mean")
        length = by_category.fillna(float(np.mean((end - start)[both]))).to_numpy()
        end = np.where(both, end, start + length)
        notes.append(
            f"{(~both).sum():,} of {len(both):,} calls lack a dispatch or clear stamp; their "
            "busy time is counted at their category's mean (dispatch at the median delay)"
        )
    origin_col = table.get("origin", pd.Series("public", index=table.index))
    data = CallData(
        arrival=rec,
        category=table["category"].astype(str).to_numpy(),
        priority=table["priority"].fillna(0).astype(int).to_numpy(),
        public=(origin_col == "public").to_numpy(),
        wait=_minutes(table["dispatched"], origin) - rec,
        response=_minutes(table["arrived"], origin) - rec,
        busy_start=start,
        busy_end=end,
        busy_units=np.ones(len(rec)),
    )
    return data, notes


def _support(table: pd.DataFrame) -> dict[str, bool]:
    """Which sections the export can support at all."""
    start = table["dispatched"].fillna(table["enroute"]).fillna(table["arrived"])
    return {
        "wait": bool(table["dispatched"].notna().any()),
        "response": bool(table["arrived"].notna().any()),
        "busy": bool((start.notna() & table["cleared"].notna()).any()),
    }


def backtest_scenario(
    scn: Scenario, window: DataWindow, origin: pd.Timestamp, replications: int | None
) -> Scenario:
    """The scenario run from ``origin`` to the window's end, the lead-in as warm-up."""
    days = (window.end - origin) / pd.Timedelta(days=1)
    warmup = (window.start - origin) / pd.Timedelta(days=1)
    changes: dict[str, object] = {"scenario.days": days, "scenario.warmup_days": warmup}
    if replications is not None:
        changes["scenario.replications"] = replications
    return with_overrides(scn, changes, source=f"{scn.scenario.name} (backtest)")


@dataclass(frozen=True)
class SimulatedMeasures:
    """The backtest's measures of one replication, computed where it ran (a collector)."""

    counted: Window
    priorities: bool
    name: str = "backtest"

    def __call__(self, scn: Scenario, records: Records) -> dict[str, float | None]:
        return measures(_simulated(scn, records), self.counted, self.priorities)


def _simulated(scn: Scenario, rec: Records) -> CallData:
    """One replication's records as :class:`CallData` (backup units count as busy too)."""
    c = rec.columns
    names = np.asarray(rec.call_types, dtype=object)
    public = np.array([scn.call_types[n].is_public for n in rec.call_types])
    backup = np.isfinite(c["backup_dispatch"])
    return CallData(
        arrival=c["arrival"],
        category=names[c["call_type"]].astype(str),
        priority=c["priority"].astype(int),
        public=public[c["call_type"]],
        wait=c["dispatch"] - c["arrival"],
        response=c["on_scene"] - c["arrival"],
        busy_start=np.concatenate([c["dispatch"], c["backup_dispatch"][backup]]),
        busy_end=np.concatenate([c["clear"], c["backup_clear"][backup]]),
        busy_units=np.concatenate([c["units"].astype(float), np.ones(int(backup.sum()))]),
    )


SECTIONS = {
    "calls_per_day": ("calls per day", "calls/day"),
    "calls_by_hour": ("calls by hour", "calls/day"),
    "wait": ("wait", "min"),
    "response": ("response", "min"),
    "busy_by_hour": ("busy units by hour", "units"),
    "busy_unit_hours": ("busy unit-hours", "unit-h/day"),
}
NEEDS = {"wait": "wait", "response": "response", "busy_by_hour": "busy", "busy_unit_hours": "busy"}


def _rows(
    recorded: dict[str, float | None],
    sims: list[dict[str, float | None]],
    support: dict[str, bool],
) -> list[Row]:
    """One row per measure, in a stable order: section, then group, then statistic."""
    keys = list(dict.fromkeys([*recorded, *(k for s in sims for k in s)]))
    keys = [k for k in keys if not k.startswith("count/")]
    rows = []
    for key in sorted(keys, key=_order):
        section, *rest = key.split("/")
        measure, group = (rest[0], rest[1]) if len(rest) == 2 else ("value", rest[0])
        title, unit = SECTIONS[section]
        need = NEEDS.get(section)
        rec = recorded.get(key) if need is None or support[need] else None
        values = [v for s in sims if (v := s.get(key)) is not None]
        sim = float(np.mean(values)) if values else None
        rel, word = verdict(rec, sim)
        count = recorded.get(f"count/{section}/{group}")
        rows.append(Row(
            section=title, measure=measure, group=_group(group), unit=unit, recorded=rec,
            simulated=sim, ci95=t_interval(values, NON_NEGATIVE), rel_diff=rel, verdict=word,
            recorded_calls=int(count) if count is not None and rec is not None else None,
        ))  # fmt: skip
    return rows


def _group(name: str) -> str:
    if name.startswith("p") and name[1:].isdigit():
        return f"priority {name[1:]}"
    return f"hour {name}" if name.isdigit() else name


def _order(key: str) -> tuple[int, int, str, int]:
    section, *rest = key.split("/")
    group = rest[-1]
    rank = 0 if group == "all" else 1 if group.startswith("p") and group[1:].isdigit() else 2
    stat = rest[0] if len(rest) == 2 else ""
    return (list(SECTIONS).index(section), rank, group, ["mean", "p50", "p90", ""].index(stat))


__all__ = ["SimulatedMeasures", "backtest", "backtest_scenario"]
