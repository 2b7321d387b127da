"""Vectorized timestamp parsing for calls-for-service exports.

Exports write times in a handful of ways (ISO, ``MM/DD/YYYY hh:mm:ss AM``, date and time in
separate columns). We detect the format from a sample, then parse the whole column in one
vectorized call (Arrow's ``strptime`` or pandas' ISO parser): a million rows take well under
a second per column, where per-row Python would take minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ISO = "ISO8601"
"""Marker for ISO 8601 forms (``2018-05-01 00:10:28``, ``2018-05-01T00:10:28.5``)."""

DATETIME_FORMATS: tuple[str, ...] = (
    ISO,
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%y %I.%M.%S %p",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
)
"""Datetime forms tried, in order, when the mapping gives no ``time_format`` (US month first)."""

TIME_OF_DAY_FORMATS: tuple[str, ...] = (
    "%H:%M:%S",
    "%H:%M",
    "%I:%M:%S %p",
    "%I:%M %p",
    "%H%M%S",
    "%H%M",
)
"""Time-of-day forms for a separate time column."""

SAMPLE_SIZE = 2000
_EPOCH_1900 = np.datetime64("1900-01-01T00:00:00", "ns")
_TZ_SUFFIX = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


@dataclass(frozen=True)
class Parsed:
    """A parsed column: ``values`` (datetime64[ns] or timedelta64[ns], NaT when absent).

    ``failed`` marks rows that held text which no format could read.
    """

    values: np.ndarray
    failed: np.ndarray
    fmt: str | None


class TimezoneNeeded(ValueError):
    """Times carry UTC offsets but the mapping names no local timezone."""


def as_strings(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """The column as trimmed Arrow strings, blanks as null."""
    arr = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    blank = pc.equal(arr, "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), arr)


def _strptime(arr: pa.ChunkedArray, fmt: str) -> np.ndarray:
    """Parse with one format, errors → NaT, as datetime64[ns]."""
    if fmt == ISO:
        ser = pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object)
        out = pd.to_datetime(ser, format=ISO, errors="coerce")
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_localize(None)
        return to_ns(np.asarray(out.to_numpy()))
    try:
        parsed = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        return to_ns(np.asarray(parsed.to_numpy(zero_copy_only=False)))
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # platforms without %p etc.
        ser = pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object)
        return to_ns(np.asarray(pd.to_datetime(ser, format=fmt, errors="coerce").to_numpy()))


_NS_MIN = np.datetime64("1678-01-01", "us")
_NS_MAX = np.datetime64("2262-01-01", "us")
PLACEHOLDER_LATE = np.datetime64("2200-01-01T00:00:00", "ns")
PLACEHOLDER_EARLY = np.datetime64("1700-01-01T00:00:00", "ns")


def to_ns(values: np.ndarray) -> np.ndarray:
    """datetime64 of any unit → datetime64[ns]; dates beyond the ns range (placeholders such
    as 9999-12-31 or 0001-01-01) become 2200-01-01 / 1700-01-01, which cleaning flags."""
    if values.dtype == np.dtype("datetime64[ns]"):
        return values
    values = values.astype("datetime64[us]")
    late = values >= _NS_MAX
    early = values < _NS_MIN
    out = np.where(late | early, np.datetime64("NaT", "us"), values).astype("datetime64[ns]")
    out[late] = PLACEHOLDER_LATE
    out[early] = PLACEHOLDER_EARLY
    return out


def _sample(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    present = pc.drop_null(arr)
    return present.slice(0, SAMPLE_SIZE)


def _rank_formats(sample: pa.ChunkedArray, formats: tuple[str, ...]) -> list[tuple[float, str]]:
    """Formats that read part of the sample, best first (ties keep the listed order)."""
    n = len(sample)
    if n == 0:
        return []
    scored = []
    for i, fmt in enumerate(formats):
        ok = int(np.count_nonzero(~np.isnat(_strptime(sample, fmt))))
        if ok:
            scored.append((ok / n, -i, fmt))
    scored.sort(reverse=True)
    return [(share, fmt) for share, _, fmt in scored]


def parse_datetimes(
    col: pa.ChunkedArray | pa.Array, fmt: str | None = None, timezone: str | None = None
) -> Parsed:
    """Parse a column of datetimes to naive local datetime64[ns].

    Native timestamp columns (Parquet) pass through. Text is read with ``fmt`` if given,
    else with the best-scoring known format, then any leftover rows are tried with the other
    formats that fit part of the sample (exports sometimes drop ``00:00:00`` at midnight).
    Times with UTC offsets are converted to ``timezone``.
    """
    arr = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return _native(arr, timezone)
    text = as_strings(arr)
    present = ~np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
    sample = _sample(text)
    if _has_offsets(sample):
        return _parse_offsets(text, present, fmt, timezone)
    formats = (fmt,) if fmt else tuple(f for _, f in _rank_formats(sample, DATETIME_FORMATS))
    values = np.full(len(text), np.datetime64("NaT", "ns"))
    for f in formats or (ISO,):
        todo = present & np.isnat(values)
        if not todo.any():
            break
        if todo.all():
            values = _strptime(text, f)
        else:
            idx = np.flatnonzero(todo)
            values[idx] = _strptime(text.take(pa.array(idx)), f)
    failed = present & np.isnat(values)
    return Parsed(values, failed, formats[0] if formats else None)


def parse_times_of_day(col: pa.ChunkedArray | pa.Array, fmt: str | None = None) -> Parsed:
    """Parse a time-of-day column (``6:10:00 AM``, ``18:10``, ``0610``) to timedelta64[ns].

    A column holding full datetimes (e.g. ``12/30/1899 06:10:00``) gives its time part.
    """
    arr = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
    if pa.types.is_timestamp(arr.type):
        dt = _native(arr, None).values
        return Parsed(_time_part(dt), np.zeros(len(dt), bool), None)
    if pa.types.is_time(arr.type):
        vals = pc.cast(arr, pa.time64("ns")).to_numpy(zero_copy_only=False)
        td = np.array([np.timedelta64(v, "ns") if v is not None else "NaT" for v in vals])
        return Parsed(td.astype("timedelta64[ns]"), np.zeros(len(td), bool), None)
    text = as_strings(arr)
    present = ~np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_integer(arr.type) or _all_digits(_sample(text)):
        text = pc.utf8_lpad(text, 4, "0")
    sample = _sample(text)
    ranked = _rank_formats(sample, (fmt,) if fmt else TIME_OF_DAY_FORMATS)
    if ranked and ranked[0][0] >= 0.5:
        out = np.full(len(text), np.timedelta64("NaT", "ns"))
        for _, f in ranked:
            todo = present & np.isnat(out)
            if not todo.any():
                break
            idx = np.flatnonzero(todo)
            out[idx] = _strptime(text.take(pa.array(idx)), f) - _EPOCH_1900
        return Parsed(out, present & np.isnat(out), ranked[0][1])
    full = parse_datetimes(text)
    return Parsed(_time_part(full.values), full.failed, full.fmt)


def _all_digits(sample: pa.ChunkedArray) -> bool:
    if len(sample) == 0:
        return False
    return bool(pc.all(pc.match_substring_regex(sample, r"^\d{1,6}$")).as_py())


def _time_part(dt: np.ndarray) -> np.ndarray:
    days = dt.astype("datetime64[D]").astype("datetime64[ns]")
    return (dt - days).astype("timedelta64[ns]")


def _has_offsets(sample: pa.ChunkedArray) -> bool:
    if len(sample) == 0:
        return False
    hits = pc.sum(pc.match_substring_regex(sample, _TZ_SUFFIX.pattern)).as_py() or 0
    return hits > len(sample) // 2


def _parse_offsets(
    text: pa.ChunkedArray, present: np.ndarray, fmt: str | None, timezone: str | None
) -> Parsed:
    if timezone is None:
        raise TimezoneNeeded("times carry UTC offsets")
    ser = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
    out = pd.to_datetime(ser, format=fmt or ISO, errors="coerce", utc=True)
    local = out.dt.tz_convert(timezone).dt.tz_localize(None)
    values = to_ns(np.asarray(local.to_numpy()))
    return Parsed(values, present & np.isnat(values), fmt or ISO)


def _native(arr: pa.ChunkedArray, timezone: str | None) -> Parsed:
    ser = pd.Series(arr.to_pandas())
    if pa.types.is_date(arr.type):
        ser = pd.to_datetime(ser)
    if isinstance(ser.dtype, pd.DatetimeTZDtype):
        if timezone:
            ser = ser.dt.tz_convert(timezone)
        elif str(ser.dt.tz) in ("UTC", "utc", "Etc/UTC", "+00:00"):
            raise TimezoneNeeded("timestamps are stored in UTC")
        ser = ser.dt.tz_localize(None)
    values = to_ns(np.asarray(ser.to_numpy()))
    return Parsed(values, np.zeros(len(values), bool), None)


def parse_numbers(col: pa.ChunkedArray | pa.Array) -> Parsed:
    """Parse a numeric column (elapsed seconds or minutes) to float64; text that is not a
    number is marked failed."""
    arr = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        vals = np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), float)
        return Parsed(vals, np.zeros(len(vals), bool), None)
    text = as_strings(arr)
    present = ~np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)
    clean = pc.replace_substring(text, ",", "")
    ser = pd.to_numeric(pd.Series(clean.to_numpy(zero_copy_only=False)), errors="coerce")
    vals = np.asarray(ser.to_numpy(dtype=float, na_value=np.nan))
    return Parsed(vals, present & np.isnan(vals), None)
