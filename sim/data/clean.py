"""Filter and clean the tidy calls table, counting every change by reason.

Fitting needs calls for service (not officer-initiated or administrative activity) with
trustworthy intervals. ``clean_calls`` drops what cannot be used, nulls individual bad
timestamps rather than losing the call, caps extreme intervals at a quantile, and returns a
typed :class:`CleaningReport` so the fit report can say exactly what was changed.

Order of the steps (each counted in the report):

1. drop calls with no readable received time, or a sentinel one (before 1971 or after 2099);
2. drop calls with no call type;
3. drop officer-initiated activity (flag column, or call types matching
   ``officer_initiated_types``) and administrative unit statuses (``administrative_types``),
   or, when the config keeps them, tag each call's ``origin`` column "officer" or "admin"
   ("public" for calls from the public) so fitting can keep them as work of their own;
4. keep only the chosen agencies and the date window ``[start, end)`` on received;
5. null sentinel timestamps in the other time columns;
6. check the order received ≤ queued ≤ dispatched ≤ en route ≤ arrived ≤ cleared: a call whose
   arrival is before it was received is dropped; otherwise the stamp that makes an interval
   negative is nulled (dispatch/en-route before the previous stage, the travel start after
   arrival, clearing before arrival) and the call is kept;
7. cap each interval (dispatch delay, travel, on scene) at its ``cap_quantile`` (99.5th
   percentile by default) by moving the later stamps earlier, so other intervals keep their
   lengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from sim.data.ingest import TIDY_COLUMNS, IngestResult
from sim.errors import DataError
from sim.numbers import PRIORITY, Kind

OFFICER_INITIATED_TYPES: tuple[str, ...] = (
    r"\btraffic stop\b",
    r"\bts targeted\b",
    r"\btraffic laser\b",
    r"\b(ped(estrian)?|bicycle|bike|subj(ect)?|suspicious|susp vehicle|vehicle|boat|vessel) stop\b",
    r"\b(business|premises?|security|tavern|building|area|vacant house) (check|chk)\b",
    r"\bdirected (patrol|traffic enforcement)\b",
    r"^patrol$",
    r"\bpark and walk\b",
    r"\bwalk and talk\b",
    r"\bspecial attention\b",
    r"\bpredictive policing\b",
    r"\bon ?view\b",
    r"\bofficer[- ]initiated\b",
)
"""Default call types treated as officer-initiated (regular expressions, case-insensitive).

Traffic, pedestrian and suspicious-vehicle stops, premise/business/security checks and
directed patrol: the activities the Vera/Two Sigma mapping flags as ONVIEW or files under
"Statuses", and the examples in each shipped extract's SOURCE notes.
"""

ADMINISTRATIVE_TYPES: tuple[str, ...] = (
    r"\breturn (to )?station\b",
    r"\bout of service\b",
    r"\bpolice admin\b",
    r"\bspecial assign",
    r"^(cst |photo )?assign(ment)?$",
    r"\bassigned duty\b",
    r"\bcourt duty\b",
    r"\bprisoner (trans|booking|escort)",
    r"\bvehicle maint",
    r"\bmail run\b",
    r"\bcar change\b",
    r"\bpickup partner\b",
    r"\b(police|training) academy\b",
    r"\boff[- ]duty\b",
    r"\bstart of shift\b",
    r"\bdown time\b",
    r"\bhospital guard\b",
    r"\bcommunity (mtng|meeting)\b",
    r"\bschl (monitoring|presentation|perimeter)\b",
)
"""Default unit-status and administrative entries, which are not calls for service."""

SENTINEL_BEFORE = pd.Timestamp("1971-01-01")
SENTINEL_AFTER = pd.Timestamp("2100-01-01")
"""Timestamps outside [1971, 2100) are placeholders (1899/1900 spreadsheet zero, the Unix
epoch, 9999-12-31), not times."""

INTERVALS: tuple[str, ...] = ("dispatch_delay_min", "travel_min", "on_scene_min")


CapQuantile = Annotated[
    float, BeforeValidator(Kind("the quantile durations are capped at", 0.5, 1, above=True))
]


class CleanConfig(BaseModel):
    """What to keep. Defaults suit fitting a calls-for-service model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    drop_officer_initiated: bool = True
    officer_initiated_types: tuple[str, ...] = OFFICER_INITIATED_TYPES
    drop_administrative: bool = True
    administrative_types: tuple[str, ...] = ADMINISTRATIVE_TYPES
    start: datetime | None = None
    end: datetime | None = None
    agencies: tuple[str, ...] | None = None
    cap_quantile: CapQuantile | None = 0.995

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_is_midnight(cls, value: object) -> object:
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        return value

    @field_validator("officer_initiated_types", "administrative_types")
    @classmethod
    def _valid_regex(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"bad regular expression {p!r}: {exc}") from None
        return patterns


ORIGIN_COLUMN = "origin"
"""The column cleaning adds: "public", "officer" (officer-initiated) or "admin"."""


class DroppedCounts(BaseModel):
    """Calls removed, by reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    received_missing: int = 0
    received_sentinel: int = 0
    call_type_missing: int = 0
    officer_initiated_flag: int = 0
    officer_initiated_type: int = 0
    administrative: int = 0
    agency_filtered: int = 0
    outside_window: int = 0
    arrived_before_received: int = 0

    @property
    def total(self) -> int:
        """All dropped calls."""
        return sum(self.model_dump().values())


class NulledCounts(BaseModel):
    """Single timestamps (or priorities) set to missing, by reason; the call is kept."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_sentinel: int = 0
    dispatched_before_received: int = 0
    queued_out_of_order: int = 0
    enroute_before_dispatched: int = 0
    travel_start_after_arrival: int = 0
    cleared_before_arrived: int = 0
    cleared_before_received: int = 0
    priority_sentinel: int = 0


class CappedCounts(BaseModel):
    """Intervals shortened to their cap, and the caps in minutes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dispatch_delay: int = 0
    travel: int = 0
    on_scene: int = 0
    quantile: float | None = None
    cap_minutes: dict[str, float] = Field(default_factory=dict)


class CleaningReport(BaseModel):
    """Every dropped or altered call, by reason (JSON via ``model_dump_json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows_in: int
    rows_out: int
    dropped: DroppedCounts
    nulled: NulledCounts
    capped: CappedCounts
    travel_from: Literal["dispatched", "enroute"]
    received_is_proxy: bool
    config: CleanConfig


@dataclass(frozen=True, eq=False)
class CleanResult:
    """The cleaned tidy table and the report of what cleaning did."""

    table: pd.DataFrame
    report: CleaningReport


def clean_calls(
    calls: IngestResult | pd.DataFrame,
    config: CleanConfig | None = None,
    *,
    travel_from: Literal["dispatched", "enroute"] | None = None,
    received_is_proxy: bool | None = None,
) -> CleanResult:
    """Filter and clean a tidy calls table (see the module docstring for the steps).

    Given an :class:`IngestResult`, the export's travel convention and whether ``received``
    is a proxy come from its mapping; for a bare table pass them (defaults: travel from
    dispatch, real received times). An empty result raises :class:`DataError`.
    """
    config = config or CleanConfig()
    where = "calls table"
    if isinstance(calls, IngestResult):
        table = calls.table
        where = calls.provenance.source_name
        travel_from = travel_from or calls.travel_from
        if received_is_proxy is None:
            received_is_proxy = calls.received_is_proxy
    else:
        table = calls
    travel_from = travel_from or "dispatched"
    proxy = bool(received_is_proxy)
    _require_columns(table, where)
    cleaner = _Cleaner(table.copy(), config, travel_from, proxy)
    out = cleaner.run()
    report = CleaningReport(
        rows_in=len(table),
        rows_out=len(out),
        dropped=DroppedCounts(**cleaner.dropped),
        nulled=NulledCounts(**cleaner.nulled),
        capped=CappedCounts(
            **cleaner.capped, quantile=config.cap_quantile, cap_minutes=cleaner.caps
        ),
        travel_from=travel_from,
        received_is_proxy=proxy,
        config=config,
    )
    if out.empty:
        reasons = ", ".join(f"{k} {v:,}" for k, v in cleaner.dropped.items() if v)
        raise DataError(
            f"no calls left after cleaning ({len(table):,} in; dropped: {reasons or 'none'})",
            where=where,
            hint="widen the date window, check the agency filter, or keep officer-initiated "
            "calls (drop_officer_initiated = false)",
        )
    return CleanResult(table=out.reset_index(drop=True), report=report)


def intervals(
    table: pd.DataFrame, travel_from: Literal["dispatched", "enroute"] = "dispatched"
) -> pd.DataFrame:
    """Per-call intervals in minutes (NaN when a stamp is missing), same index as ``table``.

    ``dispatch_delay_min`` = dispatched − received; ``travel_min`` = arrived − dispatched
    (or − en route when the export documents travel from en route); ``on_scene_min`` =
    cleared − arrived.
    """
    start = table[travel_from]
    return pd.DataFrame(
        {
            "dispatch_delay_min": _minutes(table["dispatched"] - table["received"]),
            "travel_min": _minutes(table["arrived"] - start),
            "on_scene_min": _minutes(table["cleared"] - table["arrived"]),
        },
        index=table.index,
    )


def _minutes(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds() / 60.0


def _require_columns(table: pd.DataFrame, where: str) -> None:
    missing = [c for c in TIDY_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(
            f"not a tidy calls table (missing columns: {', '.join(missing)})",
            where=where,
            hint="build it with read_calls",
        )


def _pattern(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) if patterns else r"(?!x)x"


class _Cleaner:
    """The cleaning steps, each updating the counts as it goes."""

    def __init__(
        self,
        table: pd.DataFrame,
        config: CleanConfig,
        travel_from: Literal["dispatched", "enroute"],
        proxy: bool,
    ) -> None:
        self.t = table
        self.config = config
        self.travel_from = travel_from
        self.proxy = proxy
        self.dropped: dict[str, int] = dict.fromkeys(DroppedCounts.model_fields, 0)
        self.nulled: dict[str, int] = dict.fromkeys(NulledCounts.model_fields, 0)
        self.capped: dict[str, int] = {"dispatch_delay": 0, "travel": 0, "on_scene": 0}
        self.caps: dict[str, float] = {}

    def drop(self, reason: str, mask: pd.Series | np.ndarray) -> None:
        """Remove the calls in ``mask`` and count them under ``reason``."""
        mask = np.asarray(mask, dtype=bool)
        self.dropped[reason] += int(mask.sum())
        self.t = self.t.loc[~mask]

    def null(self, reason: str, column: str, mask: pd.Series | np.ndarray) -> None:
        """Set ``column`` to missing where ``mask`` holds, counting under ``reason``."""
        mask = np.asarray(mask, dtype=bool)
        self.nulled[reason] += int(mask.sum())
        if mask.any():
            self.t.loc[mask, column] = pd.NaT

    def run(self) -> pd.DataFrame:
        """All steps, in the documented order."""
        self._required()
        self._activity()
        self._filters()
        self._sentinels()
        self._order()
        if self.config.cap_quantile is not None and self.config.cap_quantile < 1.0:
            self._cap(self.config.cap_quantile)
        return self.t

    def _required(self) -> None:
        rec = self.t["received"]
        self.drop("received_missing", rec.isna())
        rec = self.t["received"]
        self.drop("received_sentinel", (rec < SENTINEL_BEFORE) | (rec >= SENTINEL_AFTER))
        ctype = self.t["call_type"].astype("string").str.strip()
        self.drop("call_type_missing", (ctype.isna() | (ctype == "")).to_numpy(dtype=bool))

    def _activity(self) -> None:
        """Drop, or tag in the ``origin`` column, work that is not a call from the public.

        A flagged or officer-type call is "officer" before it is "admin": an officer's
        traffic stop that also matches an administrative pattern is still a stop.
        """
        cfg = self.config
        self.t[ORIGIN_COLUMN] = "public"
        flag = self.t["officer_initiated"].astype(bool).to_numpy()
        if cfg.drop_officer_initiated:
            self.drop("officer_initiated_flag", flag)
            self.drop("officer_initiated_type", self._matches(cfg.officer_initiated_types))
        else:
            officer = flag | self._matches(cfg.officer_initiated_types)
            self.t.loc[officer, ORIGIN_COLUMN] = "officer"
        admin = self._matches(cfg.administrative_types)
        if cfg.drop_administrative:
            self.drop("administrative", admin)
        else:
            self.t.loc[admin & (self.t[ORIGIN_COLUMN] == "public").to_numpy(), ORIGIN_COLUMN] = (
                "admin"
            )

    def _matches(self, patterns: tuple[str, ...]) -> np.ndarray:
        if not patterns or self.t.empty:
            return np.zeros(len(self.t), dtype=bool)
        types = self.t["call_type"].astype("string")
        uniq = pd.Series(types.unique()).dropna()
        rx = re.compile(_pattern(patterns), re.IGNORECASE)
        hits = {u for u in uniq if rx.search(" ".join(str(u).split()))}
        return types.isin(hits).to_numpy(dtype=bool)

    def _filters(self) -> None:
        cfg = self.config
        if cfg.agencies is not None:
            keep = {a.strip().lower() for a in cfg.agencies}
            agency = self.t["agency"].astype("string").str.strip().str.lower()
            self.drop("agency_filtered", ~agency.isin(keep).fillna(False).to_numpy(dtype=bool))
        rec = self.t["received"]
        outside = np.zeros(len(self.t), dtype=bool)
        if cfg.start is not None:
            outside |= (rec < pd.Timestamp(cfg.start)).to_numpy()
        if cfg.end is not None:
            outside |= (rec >= pd.Timestamp(cfg.end)).to_numpy()
        self.drop("outside_window", outside)

    def _sentinels(self) -> None:
        for col in ("queued", "dispatched", "enroute", "arrived", "cleared"):
            ts = self.t[col]
            self.null("time_sentinel", col, (ts < SENTINEL_BEFORE) | (ts >= SENTINEL_AFTER))
        prio = self.t["priority"]
        bad = ((prio < 0) | (prio > PRIORITY.high)).fillna(False).to_numpy(dtype=bool)
        self.nulled["priority_sentinel"] += int(bad.sum())
        if bad.any():
            self.t.loc[bad, "priority"] = pd.NA

    def _order(self) -> None:
        t = self.t
        if not self.proxy:
            self.drop("arrived_before_received", t["arrived"] < t["received"])
            t = self.t
            self.null("dispatched_before_received", "dispatched", t["dispatched"] < t["received"])
            t = self.t
            self.null("queued_out_of_order", "queued", t["queued"] < t["received"])
        t = self.t
        self.null("queued_out_of_order", "queued", t["queued"] > t["dispatched"])
        t = self.t
        self.null("enroute_before_dispatched", "enroute", t["enroute"] < t["dispatched"])
        t = self.t
        start = t[self.travel_from]
        self.null("travel_start_after_arrival", self.travel_from, start > t["arrived"])
        if self.travel_from == "enroute":  # the dispatch stamp may also be after arrival
            t = self.t
            self.null("travel_start_after_arrival", "dispatched", t["dispatched"] > t["arrived"])
        t = self.t
        self.null("cleared_before_arrived", "cleared", t["cleared"] < t["arrived"])
        if not self.proxy:
            t = self.t
            self.null("cleared_before_received", "cleared", t["cleared"] < t["received"])

    def _cap(self, q: float) -> None:
        t = self.t
        iv = intervals(t, self.travel_from)
        if self.proxy:
            iv["dispatch_delay_min"] = np.nan
        shift = {}
        for name, key in zip(INTERVALS, ("dispatch_delay", "travel", "on_scene"), strict=True):
            vals = iv[name]
            if vals.notna().sum() == 0:
                continue
            cap = float(vals.quantile(q))
            self.caps[name] = round(cap, 3)
            over = (vals > cap).to_numpy()
            self.capped[key] = int(over.sum())
            excess = np.where(over, vals.to_numpy() - cap, 0.0)
            shift[key] = pd.to_timedelta(np.round(excess * 60e9), unit="ns")
        zero = pd.to_timedelta(np.zeros(len(t)), unit="ns")
        dd = shift.get("dispatch_delay", zero)
        tr = shift.get("travel", zero)
        os_ = shift.get("on_scene", zero)
        # later stamps move earlier by the excess of every capped interval before them
        d1, d2, d3 = (np.asarray(x, dtype="timedelta64[ns]") for x in (dd, tr, os_))
        self.t["dispatched"] = t["dispatched"].to_numpy() - d1
        self.t["enroute"] = t["enroute"].to_numpy() - d1
        self.t["arrived"] = t["arrived"].to_numpy() - (d1 + d2)
        self.t["cleared"] = t["cleared"].to_numpy() - (d1 + d2 + d3)
        # A capped dispatch delay moves dispatch earlier; queue entry may not pass it.
        self.t["queued"] = self.t["queued"].where(
            ~(self.t["queued"] > self.t["dispatched"]), self.t["dispatched"]
        )
