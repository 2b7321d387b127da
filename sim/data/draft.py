"""A starting column mapping guessed from an export's header and sample values.

``sim fit CALLS.csv --draft-mapping M.toml`` writes one for a planner to check and edit. Each
tidy field (``received``, ``dispatched`` …, ``call_type``, ``priority`` …) gets the column
whose name reads most like it and whose first rows behave like it: times that parse, a call
type with a moderate number of distinct values, an identifier that is nearly unique, a short
list of priority levels. The file names only columns and counts: no value from the export is
ever written into it (a sample value could be an address or a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.data.ingest import _read_header, _sniff_format, _sniff_text
from sim.data.timeparse import parse_datetimes, parse_times_of_day

SAMPLE_ROWS = 2000
TIME_SHARE = 0.8
"""A time column: at least this share of its non-empty sample values parse."""

# Field → name patterns (regular expressions on the lower-case name with every run of
# other characters made one space), best first. A column's name score is 1 for the first
# pattern that matches, less for later ones.
NAMES: dict[str, tuple[str, ...]] = {
    "received": (r"receiv", r"creat", r"call ?date ?time|call ?time|call ?datetime",
                 r"report", r"event ?(dt|date|time)", r"open", r"incident ?date", r"date ?time",
                 r"time", r"date"),
    "queued": (r"entry|entered", r"queue", r"pending"),
    "dispatched": (r"dispatch(?! request)|assign", r"\bdisp\b"),
    "enroute": (r"en ?route|enrt", r"respon(se|ding) ?(dt|date|time)"),
    "arrived": (r"arriv|on ?scene|at ?scene",),
    "cleared": (r"clear|available|close|complet|depart", r"\bend\b"),
    "call_type": (r"(call|incident|event|problem|initial) ?type ?(text|desc)",
                  r"nature|offen[cs]e|problem", r"type ?(text|desc)|description",
                  r"(call|incident|event) ?type", r"type|category|reason|code"),
    "priority": (r"^priority$|^prio", r"priority"),
    "officer_initiated": (r"self ?init|officer ?init|on ?view|initiated", r"source|origin"),
    "agency": (r"agency|department|\bdept\b|discipline",),
    "call_id": (r"^(call|incident|event|cad|case)( ?(id|no|num|number))?$|^id$",
                r"(call|incident|event|cad|case|item) ?(id|no|num|number)|caseno|item",
                r"\bid\b|number"),
}  # fmt: skip
TIMES = ("received", "queued", "dispatched", "enroute", "arrived", "cleared")


@dataclass(frozen=True)
class Column:
    """What the sample shows about one column (counts and shares only, never values)."""

    name: str
    present: int
    distinct: int
    datetime_share: float
    date_only: bool
    time_of_day_share: float
    integer_share: float
    mean_length: float

    @property
    def unique_share(self) -> float:
        return self.distinct / self.present if self.present else 0.0

    @property
    def is_datetime(self) -> bool:
        return self.present > 0 and self.datetime_share >= TIME_SHARE and not self.date_only

    @property
    def is_time_of_day(self) -> bool:
        return (
            self.present > 0
            and self.time_of_day_share >= TIME_SHARE
            and self.datetime_share < TIME_SHARE
        )


def _words(name: str) -> str:
    """'InitialTypeText' → 'initial type text'; 'Received DtTm' → 'received dt tm'."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", spaced.lower()).split())


def name_score(field: str, column: str) -> float:
    """1 for the field's first name pattern, falling for later ones; 0 when none matches."""
    words = _words(column)
    for i, pattern in enumerate(NAMES[field]):
        if re.search(pattern, words):
            return 1.0 / (1 + i)
    return 0.0


def _sample(path: Path) -> tuple[list[str], pa.Table]:
    """The header and the first rows, every column read as text."""
    fmt = _sniff_format(path)
    if fmt == "parquet":
        batch = next(pq.ParquetFile(path).iter_batches(batch_size=SAMPLE_ROWS), None)
        table = pa.Table.from_batches([batch]) if batch is not None else pa.table({})
        return list(table.column_names), table
    encoding, delimiter = _sniff_text(path)
    header = _read_header(path, fmt, encoding, delimiter)
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=lambda _: "skip"),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                             strings_can_be_null=True),
    )  # fmt: skip
    batches, rows = [], 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if rows >= SAMPLE_ROWS:
            break
    table = pa.Table.from_batches(batches).slice(0, SAMPLE_ROWS)
    return header, table


def describe(name: str, values: pa.ChunkedArray) -> Column:
    """Counts and shares of one sample column."""
    text = pc.cast(values, pa.string()) if not pa.types.is_string(values.type) else values
    text = pc.drop_null(pc.utf8_trim_whitespace(text))
    text = text.filter(pc.not_equal(text, ""))
    n = len(text)
    if n == 0:
        return Column(name, 0, 0, 0.0, False, 0.0, 0.0, 0.0)
    dt = parse_datetimes(text).values
    ok = ~np.isnat(dt)
    date_only = bool(ok.any()) and bool(np.all(dt[ok] == dt[ok].astype("datetime64[D]")))
    tod = parse_times_of_day(text).values if not ok.mean() >= TIME_SHARE else dt
    integer = pc.match_substring_regex(text, r"^[0-9]{1,3}$")
    return Column(
        name=name,
        present=n,
        distinct=len(pc.unique(text)),
        datetime_share=float(ok.mean()),
        date_only=date_only,
        time_of_day_share=float((~np.isnat(tod)).mean()),
        integer_share=float(pc.mean(pc.cast(integer, pa.float64())).as_py() or 0.0),
        mean_length=float(pc.mean(pc.utf8_length(text)).as_py() or 0.0),
    )


@dataclass(frozen=True)
class Guess:
    """A field's column(s) and why."""

    field: str
    columns: tuple[str, ...]
    why: str


def _fits(field: str, c: Column) -> bool:
    """Whether a column's sample values behave like the field."""
    if c.present == 0:
        return False
    if field in TIMES:
        return c.is_datetime
    if field == "call_type":
        return (
            not c.is_datetime
            and c.integer_share < 0.9
            and 2 <= c.distinct <= max(50, 0.5 * c.present)
        )
    if field == "priority":
        return c.distinct <= 30 and c.mean_length <= 12
    if field == "officer_initiated":
        return c.distinct <= 6
    if field == "agency":
        return c.distinct <= 30 and not c.is_datetime
    if field == "call_id":
        return c.unique_share >= 0.5 and not c.is_datetime
    return False


FIELDS = (*TIMES, "call_type", "priority", "officer_initiated", "agency", "call_id")


def guess(columns: list[Column]) -> list[Guess]:
    """The column(s) of each field: every (field, column) whose values fit, best name first,
    each field and each column used once (so "At Scene Time" is the arrival, not the call).
    Ties go to the column with more values (and for a call type, more distinct ones)."""
    candidates: list[tuple[float, tuple[int, int], Guess]] = []
    for field in FIELDS:
        for c in columns:
            score = name_score(field, c.name)
            if score > 0 and _fits(field, c):
                tie = (c.present, c.distinct if field == "call_type" else 0)
                candidates.append((score, tie, Guess(field, (c.name,), _why(field, c))))
    pair = _date_and_time(columns)
    if pair is not None:
        candidates.append(pair)
    candidates.sort(key=lambda x: (x[0], x[1]), reverse=True)
    found: dict[str, Guess] = {}
    used: set[str] = set()
    for _, _, g in candidates:
        if g.field not in found and not used & set(g.columns):
            found[g.field] = g
            used.update(g.columns)
    return [found[f] for f in FIELDS if f in found]


def _date_and_time(columns: list[Column]) -> tuple[float, tuple[int, int], Guess] | None:
    """A date column and a time-of-day column, read together as the call's time."""
    dates = [c for c in columns if c.date_only and c.datetime_share >= TIME_SHARE]
    clocks = [c for c in columns if c.is_time_of_day]
    if not dates or not clocks:
        return None
    date = max(dates, key=lambda c: name_score("received", c.name))
    clock = max(clocks, key=lambda c: name_score("received", c.name))
    why = (f"'{date.name}' holds dates ({date.datetime_share:.0%} parse, all at midnight) and "
           f"'{clock.name}' times of day ({clock.time_of_day_share:.0%} parse)")  # fmt: skip
    score = max(name_score("received", date.name), name_score("received", clock.name))
    return score, (date.present, 0), Guess("received", (date.name, clock.name), why)


def _why(field: str, c: Column) -> str:
    n = f"{c.present:,} sample values"
    if field in TIMES:
        return f"its name reads like it; {c.datetime_share:.0%} of {n} parse as date-times"
    if field == "call_id":
        return f"its name reads like it; {c.unique_share:.0%} of {n} are distinct"
    return f"its name reads like it; {c.distinct:,} distinct among {n}"


def draft_mapping(path: str | Path, written_as: str = "MAPPING.toml") -> str:
    """A commented mapping TOML for the export at ``path`` (see the module docstring);
    ``written_as`` is the file's name, for the command it suggests."""
    path = Path(path)
    header, table = _sample(path)
    columns = [describe(name, table.column(name)) for name in table.column_names]
    found = {g.field: g for g in guess(columns)}
    from sim.data.presets import detect_preset

    preset = detect_preset(header)
    lines = [
        f"# Draft column mapping for {path.name}, guessed by `sim fit --draft-mapping` from its",
        f"# header and its first {table.num_rows:,} rows. CHECK EVERY LINE, then run:",
        f"#   sim fit {path.name} --mapping {written_as} -o city.toml",
        "# Format: README.md, 'The mapping format'. Only column names and counts are written",
        "# here, never a value from the export.",
        f"# The export's columns: {', '.join(header)}",
        *(
            [
                f"# Its header matches sim's preset '{preset.mapping.name}', which sim fit uses "
                "without a mapping."
            ]
            if preset
            else []
        ),
        "",
        f'name = "{_words(path.stem).replace(" ", "_") or "my_city"}"',
    ]
    for field in FIELDS:
        g = found.get(field)
        if g is None:
            lines.append(f'# {field} = "?"  # no column looks like it; {_absent(field)}')
            continue
        value = _toml_str(g.columns[0]) if len(g.columns) == 1 else (
            "[" + ", ".join(_toml_str(c) for c in g.columns) + "]")  # fmt: skip
        lines += [f"# {field}: {g.why}", f"{field} = {value}"]
    if "received" not in found or "call_type" not in found:
        lines.append("# received and call_type are required: fill them in before fitting.")
    if "priority" in found:
        lines += [
            "# If higher numbers are MORE urgent in this export, uncomment:",
            '# priority_order = "descending"',
        ]
    return "\n".join(lines) + "\n"


def _absent(field: str) -> str:
    if field == "received":
        return "required: the time each call was received"
    if field == "call_type":
        return "required: the call's type or nature"
    if field in TIMES:
        return "without it the fit uses default durations (see README)"
    return "optional"


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = ["Column", "Guess", "describe", "draft_mapping", "guess", "name_score"]
