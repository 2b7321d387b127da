"""Read a calls-for-service export (CSV or Parquet) into the tidy calls table.

``read_calls`` loads only the columns the mapping names (so addresses, coordinates, names
and free text are never read), parses timestamps in bulk, collapses unit rows to one row per
call, and records provenance (file name, SHA-256, rows read). Everything downstream (clean,
categorize, fit) works on the tidy table alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict

import sim.data.presets as presets
from sim.data.mapping import (
    TIME_FIELDS,
    ColumnMapping,
    TimeOffset,
    TimeSpec,
    load_mapping,
)
from sim.data.timeparse import (
    Parsed,
    TimezoneNeeded,
    as_strings,
    parse_datetimes,
    parse_numbers,
    parse_times_of_day,
)
from sim.errors import DataError
from sim.inputs import MAX_TOML_BYTES

TIDY_COLUMNS: tuple[str, ...] = (
    *TIME_FIELDS,
    "call_type",
    "priority",
    "agency",
    "officer_initiated",
)
"""The tidy calls table's columns, in order; nothing else is ever carried."""

MAX_FIELD_CHARS = 1000
"""The longest field read (call types, times, priorities are far shorter in any export)."""

MAX_UNPARSEABLE_SHARE = 0.01
"""Above this share of unreadable timestamps in a column, ingest stops with an error."""

FileFormat = Literal["csv", "parquet"]


class Provenance(BaseModel):
    """Where a tidy table came from: enough to cite and re-check it, no raw content."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_name: str
    sha256: str
    file_format: FileFormat
    size_bytes: int
    mapping: str
    columns_used: tuple[str, ...]
    rows_read: int
    malformed_rows_skipped: int
    rows_collapsed: int
    calls: int
    received_first: datetime | None
    received_last: datetime | None
    time_formats: dict[str, str]
    unparseable: dict[str, int]
    midnight_nulled: dict[str, int]
    negative_offsets_nulled: dict[str, int]
    travel_from: Literal["dispatched", "enroute"]
    received_is_proxy: bool
    notes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class IngestResult:
    """The tidy calls table plus its provenance and the mapping that produced it."""

    table: pd.DataFrame
    provenance: Provenance
    mapping: ColumnMapping = field(repr=False)

    @property
    def travel_from(self) -> Literal["dispatched", "enroute"]:
        """Which time travel is measured from in this export (see :func:`intervals`)."""
        return self.mapping.travel_from

    @property
    def received_is_proxy(self) -> bool:
        """True when the export has no call-received time and ``received`` stands in."""
        return self.mapping.received_is_proxy


def read_calls(path: str | Path, mapping: ColumnMapping | str | Path | None = None) -> IngestResult:
    """Read a CSV or Parquet export into the tidy calls table.

    ``mapping`` is a :class:`ColumnMapping`, a preset name (see :mod:`sim.data.presets`),
    or the path of a mapping TOML file; with ``None`` the preset is detected from the header.
    Mistakes in the file or mapping raise :class:`~sim.errors.DataError`.
    """
    path = Path(path)
    fmt = _sniff_format(path)
    encoding, delimiter = ("utf-8", ",") if fmt == "parquet" else _sniff_text(path)
    header = _read_header(path, fmt, encoding, delimiter)
    resolved = _resolve_mapping(mapping, header, path)
    if fmt == "csv" and resolved.delimiter and resolved.delimiter != delimiter:
        delimiter = resolved.delimiter
        header = _read_header(path, fmt, encoding, delimiter)
    columns = _match_columns(resolved, header, path)
    raw, malformed = _load(path, fmt, list(dict.fromkeys(columns.values())), encoding, delimiter)
    _check_field_lengths(raw, path, resolved)
    if raw.num_rows == 0:
        raise DataError("the file has a header but no data rows", where=str(path))
    builder = _TableBuilder(raw, columns, resolved, path)
    table = builder.build()
    rows_read = raw.num_rows
    table, collapsed = _collapse(table, builder.call_ids)
    if not table["received"].is_monotonic_increasing:
        table = table.sort_values("received", kind="stable", na_position="last")
        table = table.reset_index(drop=True)
    received = table["received"].dropna()
    prov = Provenance(
        source_name=path.name,
        sha256=_sha256(path),
        file_format=fmt,
        size_bytes=path.stat().st_size,
        mapping=resolved.name,
        columns_used=tuple(columns.values()),
        rows_read=rows_read,
        malformed_rows_skipped=malformed,
        rows_collapsed=collapsed,
        calls=len(table),
        received_first=received.min().to_pydatetime() if len(received) else None,
        received_last=received.max().to_pydatetime() if len(received) else None,
        time_formats=builder.formats,
        unparseable=builder.unparseable,
        midnight_nulled=builder.midnight_nulled,
        negative_offsets_nulled=builder.negative_offsets,
        travel_from=resolved.travel_from,
        received_is_proxy=resolved.received_is_proxy,
        notes=(*resolved.notes, *builder.notes)
        + (
            (f"{malformed:,} malformed rows (wrong number of fields) skipped",) if malformed else ()
        ),
    )
    return IngestResult(table=table, provenance=prov, mapping=resolved)


# ---------------------------------------------------------------------------- file level


def _sniff_format(path: Path) -> FileFormat:
    """CSV or Parquet by content (not by extension); anything else is a clear error."""
    if not path.exists():
        raise DataError("file not found", where=str(path), hint="check the path")
    if not path.is_file():
        raise DataError("not a file", where=str(path), hint="give a CSV or Parquet file")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise DataError("the file is empty", where=str(path))
    if head[:4] == b"PAR1":
        return "parquet"
    kind = None
    if head[:4] == b"PK\x03\x04":
        kind = "a zip archive or Excel workbook (.xlsx)"
    elif head[:4] == b"\xd0\xcf\x11\xe0":
        kind = "an Excel 97-2003 workbook (.xls)"
    elif head[:2] == b"\x1f\x8b":
        kind = "a gzip-compressed file"
    elif b"\x00" in head:
        kind = "a binary file"
    elif head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        kind = "JSON"
    if kind:
        raise DataError(
            f"not a CSV or Parquet file (looks like {kind})",
            where=str(path),
            hint="export or convert it to CSV (or Parquet) first",
        )
    return "csv"


def _sniff_text(path: Path) -> tuple[str, str]:
    """The CSV's text encoding and delimiter, from its first lines."""
    with path.open("rb") as fh:
        chunk = fh.read(1 << 20)
    cut = chunk.rfind(b"\n")
    chunk = chunk[: cut + 1] if cut > 0 else chunk
    encoding = "utf-8"
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            chunk.decode(enc)
        except UnicodeDecodeError:
            continue
        encoding = enc
        break
    text = chunk.decode(encoding, errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    counts = {d: _fields(first, d) for d in ",;\t|"}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    return encoding, delimiter


def _fields(line: str, delimiter: str) -> int:
    """Fields of one line split by ``delimiter`` (0 when it makes a field too long to be one)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a field over the csv module's limit (128 kB): not this delimiter
        return 0


def _read_header(path: Path, fmt: FileFormat, encoding: str, delimiter: str) -> list[str]:
    if fmt == "parquet":
        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"cannot read Parquet file ({exc})", where=str(path)) from None
    try:
        with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
            row = next(csv.reader(fh, delimiter=delimiter), [])
    except csv.Error:  # a field over the csv module's limit (128 kB)
        raise DataError(
            "the first line has a field longer than any column name",
            where=str(path),
            hint="the first line must be a header naming the columns",
        ) from None
    header = [c.lstrip("\ufeff").strip() for c in row]
    longest = max((len(c) for c in header), default=0)
    if longest > MAX_FIELD_CHARS:
        raise DataError(
            f"the header has a column name of {longest:,} characters (sim reads names of at "
            f"most {MAX_FIELD_CHARS:,})",
            where=str(path),
            hint="the first line must be a header naming the columns",
        )
    if len(header) < 2:
        raise DataError(
            "not a CSV table (the first line has fewer than two columns)",
            where=str(path),
            hint="the first line must be a header naming the columns",
        )
    return header


def _load(
    path: Path, fmt: FileFormat, columns: list[str], encoding: str, delimiter: str
) -> tuple[pa.Table, int]:
    """Only the mapped columns, as Arrow arrays; returns (table, malformed rows skipped)."""
    if fmt == "parquet":
        try:
            return pq.read_table(path, columns=columns), 0
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"cannot read Parquet file ({exc})", where=str(path)) from None
    skipped = 0

    def skip(_row: object) -> str:
        nonlocal skipped
        skipped += 1
        return "skip"

    for enc in dict.fromkeys((encoding, "cp1252", "latin-1")):
        skipped = 0
        try:
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(encoding=enc, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=True, invalid_row_handler=skip
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=columns,
                    column_types={c: pa.string() for c in columns},
                    strings_can_be_null=True,
                ),
            )
            return table, skipped
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if "UTF8" in str(exc) or isinstance(exc, UnicodeDecodeError):
                continue
            raise DataError(f"cannot parse CSV ({exc})", where=str(path)) from None
    raise DataError("cannot decode the file's text", where=str(path), hint="save it as UTF-8")


def _check_field_lengths(table: pa.Table, path: Path, mapping: ColumnMapping) -> None:
    """Refuse a field longer than any real export's (a damaged file, or a free-text column
    mapped by mistake): matching call types against the taxonomy would take minutes."""
    for name in table.column_names:
        column = table[name]
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_FIELD_CHARS:
            row = pc.index(pc.greater(lengths, MAX_FIELD_CHARS), True).as_py()
            raise DataError(
                f"column '{name}' ({mapping.key_of(name)}) holds a field of {longest:,} "
                f"characters (data row {row + 1:,}); sim reads fields of at most "
                f"{MAX_FIELD_CHARS:,}",
                where=str(path),
                hint="the file is damaged, or the mapping names a free-text column",
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------- mapping level


def _resolve_mapping(
    mapping: ColumnMapping | str | Path | None, header: list[str], path: Path
) -> ColumnMapping:
    if isinstance(mapping, ColumnMapping):
        return mapping
    if isinstance(mapping, str) and mapping in presets.PRESETS:
        return presets.PRESETS[mapping].mapping
    if isinstance(mapping, str) and not mapping.endswith(".toml") and not Path(mapping).exists():
        raise DataError(
            f"unknown preset '{mapping}'",
            hint=f"presets: {', '.join(presets.PRESETS)}; or give the path of a mapping .toml",
        )
    if mapping is not None:
        return load_mapping(mapping)
    found = presets.detect_preset(header)
    if found is None:
        shown = ", ".join(header[:40]) + (" …" if len(header) > 40 else "")
        raise DataError(
            f"no built-in preset matches this export's columns ({shown})",
            where=str(path),
            hint=(
                "write a mapping TOML naming the source column for received and call_type "
                "(required) and any of dispatched, enroute, arrived, cleared, priority, "
                "agency, officer_initiated, call_id; pass it with --mapping"
            ),
        )
    return found.mapping


def _match_columns(mapping: ColumnMapping, header: list[str], path: Path) -> dict[str, str]:
    """Mapping column → header column (exact, else case/space-insensitive)."""
    folded: dict[str, list[str]] = {}
    for h in header:
        folded.setdefault(presets.fold_name(h), []).append(h)
    out: dict[str, str] = {}
    missing: list[str] = []
    for col in mapping.source_columns():
        if col in header:
            out[col] = col
        elif len(folded.get(presets.fold_name(col), [])) == 1:
            out[col] = folded[presets.fold_name(col)][0]
        else:
            missing.append(col)
    if missing:
        keys = ", ".join(f"{mapping.key_of(c)} = '{c}'" for c in missing)
        raise DataError(
            f"column(s) not found: {keys}",
            where=str(path),
            hint=f"columns in the file: {', '.join(header)}; "
            "set these mapping keys to columns that exist",
        )
    return out


# --------------------------------------------------------------------------- table level


class _TableBuilder:
    """Turns the raw Arrow columns into tidy columns, keeping parse statistics."""

    def __init__(
        self, raw: pa.Table, columns: dict[str, str], mapping: ColumnMapping, path: Path
    ) -> None:
        self.raw = raw
        self.columns = columns
        self.mapping = mapping
        self.path = path
        self.n = raw.num_rows
        self.formats: dict[str, str] = {}
        self.unparseable: dict[str, int] = {}
        self.midnight_nulled: dict[str, int] = {}
        self.negative_offsets: dict[str, int] = {}
        self.notes: list[str] = []
        self.call_ids: np.ndarray | None = None

    def col(self, name: str) -> pa.ChunkedArray:
        """The raw Arrow column a mapping name refers to."""
        return self.raw.column(self.columns[name])

    def build(self) -> pd.DataFrame:
        """The tidy table, one row per source row (merged by call id later)."""
        out: dict[str, object] = {}
        times: dict[str, np.ndarray] = {}
        for name in TIME_FIELDS:
            spec = self.mapping.time_spec(name)
            times[name] = self._time(name, spec, times)
            out[name] = times[name]
        out["call_type"] = self._call_type()
        out["priority"] = self._priority()
        out["agency"] = self._agency()
        out["officer_initiated"] = self._officer_initiated()
        if self.mapping.call_id:
            self.call_ids = as_strings(self.col(self.mapping.call_id)).to_numpy(
                zero_copy_only=False
            )
        return pd.DataFrame(out, columns=list(TIDY_COLUMNS))

    # -- times

    def _time(self, name: str, spec: TimeSpec | None, done: dict[str, np.ndarray]) -> np.ndarray:
        nat = np.full(self.n, np.datetime64("NaT", "ns"))
        if spec is None:
            return nat
        if isinstance(spec, TimeOffset):
            return self._offset(name, spec, done)
        try:
            if isinstance(spec, str):
                parsed = parse_datetimes(
                    self.col(spec), self.mapping.time_format, self.mapping.timezone
                )
                self._check(name, spec, parsed)
                values = parsed.values
            else:
                day = parse_datetimes(self.col(spec[0]), None, self.mapping.timezone)
                self._check(name, spec[0], day)
                tod = parse_times_of_day(self.col(spec[1]))
                self._check(name, spec[1], tod)
                values = day.values.astype("datetime64[D]").astype("datetime64[ns]") + tod.values
        except TimezoneNeeded:
            col = spec if isinstance(spec, str) else spec[0]
            raise DataError(
                "timestamps carry UTC offsets but no local timezone is set",
                where=f"{self.path.name}: column '{col}'",
                hint="set timezone = 'America/Chicago' (the agency's zone) in the mapping",
            ) from None
        if self.mapping.midnight_is_missing:
            midnight = values == values.astype("datetime64[D]").astype("datetime64[ns]")
            midnight &= ~np.isnat(values)
            self.midnight_nulled[name] = int(midnight.sum())
            values = np.where(midnight, np.datetime64("NaT", "ns"), values)
        return values

    def _offset(self, name: str, spec: TimeOffset, done: dict[str, np.ndarray]) -> np.ndarray:
        num = parse_numbers(self.col(spec.offset))
        self._check(name, spec.offset, num, numeric=True)
        vals = num.values.copy()
        negative = vals < 0
        self.negative_offsets[name] = int(negative.sum())
        vals[negative] = np.nan
        scale = 1e9 if spec.unit == "s" else 60e9
        delta = np.where(np.isnan(vals), np.nan, np.round(vals * scale))
        td = pd.to_timedelta(delta, unit="ns").to_numpy(dtype="timedelta64[ns]")
        self.formats[name] = f"{spec.offset} ({spec.unit} after {spec.after})"
        return np.asarray(done[spec.after] + td)

    def _check(self, name: str, col: str, parsed: Parsed, numeric: bool = False) -> None:
        """Record the format; stop with a clear error when too many values are unreadable."""
        if parsed.fmt and name not in self.formats:
            self.formats[name] = parsed.fmt
        bad = int(parsed.failed.sum())
        self.unparseable[name] = self.unparseable.get(name, 0) + bad
        if bad == 0:
            return
        text = as_strings(self.col(col))
        present = len(text) - text.null_count
        if bad <= MAX_UNPARSEABLE_SHARE * present:
            return
        rows = np.flatnonzero(parsed.failed)
        first = ", ".join(str(r + 1) for r in rows[:5])
        sample = text[int(rows[0])].as_py()
        kind = "numbers" if numeric else "timestamps"
        raise DataError(
            f"{bad:,} of {present:,} values are not readable {kind} "
            f"(data rows {first}; e.g. {sample!r})",
            where=f"{self.path.name}: column '{col}' ({name})",
            hint="set time_format in the mapping to the strftime pattern of these values, "
            "e.g. time_format = '%d/%m/%Y %H:%M'"
            if not numeric
            else "the column must hold plain numbers of seconds or minutes",
        )

    # -- other fields

    def _call_type(self) -> pd.Series:
        spec = self.mapping.call_type
        cols = (spec,) if isinstance(spec, str) else spec
        merged = as_strings(self.col(cols[0]))
        for extra in cols[1:]:
            merged = pc.coalesce(merged, as_strings(self.col(extra)))
        values = _series(merged, pd.StringDtype())
        names = self._call_type_names()
        if names:
            key = values.str.upper().str.replace(r"\s+", " ", regex=True)
            values = key.map(names).fillna(values).astype("string")
        return values

    def _call_type_names(self) -> dict[str, str]:
        names = {_code_key(k): v for k, v in self.mapping.call_type_names.items()}
        ref = self.mapping.call_type_names_file
        if ref:
            file = Path(ref)
            file = file if file.is_absolute() else self.path.parent / file
            if file.is_file():
                for code, name in read_code_list(file).items():
                    names.setdefault(code, name)
            else:
                self.notes.append(
                    f"call-type code list {file.name} not found beside the data; "
                    "call types are left as raw codes"
                )
        return names

    def _priority(self) -> pd.Series:
        if not self.mapping.priority:
            return _series(pa.nulls(self.n, pa.int64()), pd.Int64Dtype())
        text = as_strings(self.col(self.mapping.priority))
        # At most 9 digits: a longer number is no priority level (it would overflow int64),
        # and is read as missing.
        lead = pc.struct_field(pc.extract_regex(text, r"^\s*(?P<p>-?\d{1,9})(?:\D|$)"), [0])
        values = pc.cast(lead, pa.int64())
        if self.mapping.priority_order == "descending":
            values = _rank_descending(values)
        elif pc.any(pc.equal(values, 0)).as_py():  # a level 0: the tidy table starts at 1
            values = pc.if_else(pc.greater_equal(values, 0), pc.add(values, 1), values)
            self.notes.append("priority levels start at 0 in this export: read as 1, 2, …")
        if self.mapping.priority_map:
            pmap = {k.strip().upper(): v for k, v in self.mapping.priority_map.items()}
            keys = pa.array(list(pmap), pa.string())
            idx = pc.index_in(pc.utf8_upper(text), value_set=keys)
            mapped = pc.take(pa.array(list(pmap.values()), pa.int64()), idx)
            values = pc.coalesce(mapped, values)
        return _series(values, pd.Int64Dtype())

    def _agency(self) -> pd.Series:
        if self.mapping.agency_name:
            codes = pa.array(np.zeros(self.n, dtype=np.int32))
            labels = pa.array([self.mapping.agency_name], pa.string())
            constant = pa.DictionaryArray.from_arrays(codes, labels).cast(pa.string())
            return _series(constant, pd.StringDtype())
        return self._text(self.mapping.agency)

    def _officer_initiated(self) -> np.ndarray:
        if not self.mapping.officer_initiated:
            return np.zeros(self.n, dtype=bool)
        text = pc.utf8_lower(as_strings(self.col(self.mapping.officer_initiated)))
        truthy = [v.strip().lower() for v in self.mapping.officer_initiated_values]
        hit = pc.is_in(text, value_set=pa.array(truthy, pa.string()))
        return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)

    def _text(self, column: str | None) -> pd.Series:
        if not column:
            return _series(pa.nulls(self.n, pa.string()), pd.StringDtype())
        return _series(as_strings(self.col(column)), pd.StringDtype())


def _rank_descending(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Levels where higher is more urgent, renumbered 1, 2, … from the highest present.

    Negative values (sentinels such as -9999, which cleaning nulls) are left out of the rank.
    """
    present = pc.drop_null(values)
    levels = pc.unique(pc.filter(present, pc.greater_equal(present, 0)))
    levels = levels.to_numpy(zero_copy_only=False)
    order = np.sort(levels)[::-1]
    ranks = pa.array(np.arange(1, len(order) + 1, dtype=np.int64))
    idx = pc.index_in(values, value_set=pa.array(order, pa.int64()))
    return pc.take(ranks, idx)


def _series(
    values: pa.ChunkedArray | pa.Array, dtype: pd.api.extensions.ExtensionDtype
) -> pd.Series:
    """An Arrow column as a pandas Series of ``dtype`` (no per-row Python)."""
    arrow_type = values.type
    return pd.Series(values.to_pandas(types_mapper={arrow_type: dtype}.get))


def _code_key(code: str) -> str:
    return " ".join(str(code).upper().split())


def read_code_list(path: Path) -> dict[str, str]:
    """Read a call-type code list: one ``CODE-Name`` (or ``CODE,Name`` / tab) per line.

    The code ends at the first hyphen, comma or tab; blank lines and ``#`` comments are
    skipped. Keys are upper-cased with single spaces.
    """
    out: dict[str, str] = {}
    if path.stat().st_size > MAX_TOML_BYTES:  # a code list is a few kilobytes
        raise DataError(
            f"call-type code list of {path.stat().st_size / 2**20:,.0f} MB is larger than sim "
            f"reads ({MAX_TOML_BYTES / 2**20:,.0f} MB)",
            where=str(path),
        )
    text = path.read_text(encoding="utf-8", errors="replace")
    for line in io.StringIO(text):
        line = line.strip()
        if not line or line.startswith("#") or len(line) > MAX_FIELD_CHARS:
            continue
        cuts = [i for i in (line.find("\t"), line.find(","), line.find("-")) if i > 0]
        if not cuts:
            continue
        i = min(cuts)
        code, name = line[:i].strip(), line[i + 1 :].strip()
        if code and name:
            out.setdefault(_code_key(code), name)
    return out


def _collapse(table: pd.DataFrame, ids: np.ndarray | None) -> tuple[pd.DataFrame, int]:
    """One row per call: unit rows (or repeated rows) sharing a call id are merged.

    Earliest received/dispatched/en-route/arrived (first unit), latest cleared (last unit
    free); other fields from the first row.
    """
    if ids is None:
        return table, 0
    key = pd.Series(ids, dtype=object)
    missing = key.isna().to_numpy()
    if missing.any():
        key[missing] = [f"\x00row{i}" for i in np.flatnonzero(missing)]
    if key.is_unique:
        return table, 0
    agg: dict[str, str] = {
        "received": "min",
        "queued": "min",
        "dispatched": "min",
        "enroute": "min",
        "arrived": "min",
        "cleared": "max",
        "call_type": "first",
        "priority": "first",
        "agency": "first",
        "officer_initiated": "max",
    }
    grouped = table.groupby(key.to_numpy(), sort=False).agg(agg)
    grouped = grouped[list(TIDY_COLUMNS)].reset_index(drop=True)
    for col in ("call_type", "agency"):
        grouped[col] = grouped[col].astype("string")
    grouped["priority"] = grouped["priority"].astype("Int64")
    grouped["officer_initiated"] = grouped["officer_initiated"].astype(bool)
    return grouped, len(table) - len(grouped)


__all__ = [
    "TIDY_COLUMNS",
    "IngestResult",
    "Provenance",
    "read_calls",
    "read_code_list",
]
