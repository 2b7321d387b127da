"""Column mappings: how one agency's export names the fields of the tidy calls table.

A mapping is a small TOML file the user writes (or a built-in preset). It names, for each
tidy field, the source column(s); everything else in the export is never read, so addresses,
coordinates and free text stay out of ``sim`` from the first step.

Example ``mapping.toml``::

    name = "my_city"
    received = "Call Received"                    # one column
    dispatched = ["Dispatch Date", "Dispatch Time"]  # date column + time-of-day column
    arrived = { offset = "Secs To Arrive", unit = "s" }  # seconds after `received`
    cleared = "Cleared"
    call_type = "Nature"
    priority = "Priority"
    agency_name = "City PD"
"""

from __future__ import annotations

import difflib
import zoneinfo
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.errors import DataError
from sim.inputs import read_toml
from sim.numbers import Priority

TIME_FIELDS: tuple[str, ...] = ("received", "queued", "dispatched", "enroute", "arrived", "cleared")
"""Tidy timestamp columns, in the order a call moves through them. ``queued`` is when call
taking ended and the call entered the dispatch queue (few exports have it): received →
queued is call handling, queued → dispatched the wait for a free unit."""

OFFICER_INITIATED_TRUE: tuple[str, ...] = (
    "y",
    "yes",
    "true",
    "t",
    "1",
    "onview",
    "on view",
    "on-view",
    "self",
    "self initiated",
    "self-initiated",
    "officer initiated",
    "officer-initiated",
)
"""Flag values (case-insensitive) that mean the activity was started by an officer."""


class TimeOffset(BaseModel):
    """A time given as a number of seconds or minutes after another tidy time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    offset: str = Field(description="column holding the elapsed time")
    unit: Literal["s", "min"] = "s"
    after: Literal["received", "queued", "dispatched", "enroute", "arrived"] = "received"


TimeSpec = str | tuple[str, str] | TimeOffset
"""One column, a (date column, time-of-day column) pair, or an offset after another time."""


class ColumnMapping(BaseModel):
    """Which source columns feed each tidy field, and how to read them.

    Only ``received`` and ``call_type`` are required. Column names match exactly first,
    then case-insensitively.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "custom"
    description: str = ""
    received: TimeSpec
    call_type: str | tuple[str, ...]
    queued: TimeSpec | None = None
    dispatched: TimeSpec | None = None
    enroute: TimeSpec | None = None
    arrived: TimeSpec | None = None
    cleared: TimeSpec | None = None
    priority: str | None = None
    agency: str | None = None
    agency_name: str | None = None
    officer_initiated: str | None = None
    officer_initiated_values: tuple[str, ...] = OFFICER_INITIATED_TRUE
    call_id: str | None = None
    time_format: str | None = None
    timezone: str | None = None
    midnight_is_missing: bool = False
    call_type_names: dict[str, str] = Field(default_factory=dict)
    call_type_names_file: str | None = None
    priority_map: dict[str, Priority] = Field(default_factory=dict)
    priority_order: Literal["ascending", "descending"] = "ascending"
    """How the export's priority numbers rank: "ascending" when lower is more urgent (1 is
    the most urgent, the tidy table's convention); "descending" when higher is more urgent
    (New Orleans), in which case the levels present are renumbered 1, 2, … from the highest.
    ``priority_map`` entries are already in the tidy convention and are not renumbered."""
    travel_from: Literal["dispatched", "enroute"] = "dispatched"
    received_is_proxy: bool = False
    delimiter: str | None = None
    notes: tuple[str, ...] = ()

    @field_validator(*TIME_FIELDS, mode="before")
    @classmethod
    def _pair_as_tuple(cls, value: object) -> object:
        if isinstance(value, list):
            if len(value) != 2:
                raise ValueError("give one column, or two: [date column, time column]")
            return tuple(value)
        return value

    @field_validator("call_type", mode="before")
    @classmethod
    def _columns_as_tuple(cls, value: object) -> object:
        if isinstance(value, list):
            if not value:
                raise ValueError("give at least one column")
            return tuple(value) if len(value) > 1 else value[0]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        """A misspelt zone fails here, as one line, rather than deep inside parsing."""
        if value is None:
            return value
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r}; give an IANA name, e.g. 'America/Chicago'"
            ) from None
        return value

    @field_validator("call_type_names")
    @classmethod
    def _short_names(cls, value: dict[str, str]) -> dict[str, str]:
        """Names are labels: one longer than any export field would slow categorizing."""
        long = next((k for k, v in value.items() if max(len(k), len(v)) > 1000), None)
        if long is not None:
            raise ValueError(f"the name of '{long[:40]}' is longer than 1,000 characters")
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("the delimiter is one character, e.g. ',' or ';'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ColumnMapping:
        if self.agency and self.agency_name:
            raise ValueError("set either agency (a column) or agency_name (one value), not both")
        for field in TIME_FIELDS:
            spec = getattr(self, field)
            if isinstance(spec, TimeOffset) and field == "received":
                raise ValueError("received must be a column, not an offset")
            if isinstance(spec, TimeOffset) and getattr(self, spec.after) is None:
                raise ValueError(f"{field} is an offset after {spec.after}, which is not mapped")
        return self

    def time_spec(self, field: str) -> TimeSpec | None:
        """The spec of one tidy time field (``None`` when not mapped)."""
        spec: TimeSpec | None = getattr(self, field)
        return spec

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads (nothing else is loaded)."""
        cols: list[str] = []
        for field in TIME_FIELDS:
            spec = self.time_spec(field)
            if isinstance(spec, str):
                cols.append(spec)
            elif isinstance(spec, tuple):
                cols.extend(spec)
            elif isinstance(spec, TimeOffset):
                cols.append(spec.offset)
        cols.extend([self.call_type] if isinstance(self.call_type, str) else self.call_type)
        for col in (
            self.priority,
            self.agency,
            self.officer_initiated,
            self.call_id,
        ):
            if col:
                cols.append(col)
        return list(dict.fromkeys(cols))

    def key_of(self, column: str) -> str:
        """The mapping key that names ``column`` (for error messages)."""
        for key in (*TIME_FIELDS, "call_type", "priority", "agency", "officer_initiated"):
            spec = getattr(self, key)
            if spec == column or (isinstance(spec, tuple) and column in spec):
                return key
            if isinstance(spec, TimeOffset) and spec.offset == column:
                return key
        return "call_id" if self.call_id == column else "?"


MAPPING_KEYS: tuple[str, ...] = tuple(ColumnMapping.model_fields)
"""Every key a mapping file may set."""


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read and validate a mapping TOML file; any mistake is one clear :class:`DataError`.

    A relative ``call_type_names_file`` is resolved against the mapping file's folder.
    """
    path = Path(path)
    raw = read_toml(path, DataError, what="mapping file", hint="check quotes and '=' signs")
    mapping = mapping_from_dict(raw, where=str(path))
    names_file = mapping.call_type_names_file
    if names_file and not Path(names_file).is_absolute():
        resolved = str((path.parent / names_file).resolve())
        mapping = mapping.model_copy(update={"call_type_names_file": resolved})
    return mapping


def mapping_from_dict(raw: dict[str, object], *, where: str = "mapping") -> ColumnMapping:
    """Validate a mapping given as a dict (e.g. parsed TOML) into a :class:`ColumnMapping`."""
    try:
        return ColumnMapping.model_validate(raw)
    except ValidationError as exc:
        what, hint = _describe(exc)
        raise DataError(what, where=where, hint=hint) from None


_TIME_HINT = (
    "a time is a column name, [date column, time column], or "
    "{ offset = column, unit = 's' or 'min', after = 'received' }"
)


def _describe(exc: ValidationError) -> tuple[str, str | None]:
    """The first validation error as (what, hint) for one line."""
    errors = exc.errors()
    # A misspelt required key shows up twice, as unknown and as missing: name the typo.
    extra = [e for e in errors if e["type"] == "extra_forbidden"]
    err = extra[0] if extra else errors[0]
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    key = loc[0] if loc else None
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        keys = "required: received, call_type; optional: " + ", ".join(
            k for k in MAPPING_KEYS if k not in ("received", "call_type")
        )
        near = difflib.get_close_matches(loc[-1], _keys_at(loc[:-1]), n=1) if loc else []
        if near:
            return f"unknown key '{'.'.join(loc)}' (did you mean '{near[0]}'?)", keys
        return f"unknown key '{'.'.join(loc)}'", keys
    if err["type"] == "missing" and len(loc) == 1:
        return f"required key '{key}' is missing", "required: received, call_type"
    if key in TIME_FIELDS:
        for e in errors:  # an error inside the offset table says more than "not a string"
            inner = [str(p) for p in e["loc"] if not isinstance(p, int)]
            if "TimeOffset" in inner and e["type"] not in ("model_type", "dict_type"):
                field = inner[-1] if inner[-1] != "TimeOffset" else key
                return f"'{key}.{field}': {e['msg']}", _TIME_HINT
        if err["type"].endswith("_type") or err["type"] == "too_long":
            return f"'{key}' is not a valid time", _TIME_HINT
    return (f"'{key}': {msg}" if key else msg), None


def _keys_at(loc: list[str]) -> list[str]:
    """The keys allowed where an unknown key was found (top level, or an offset table)."""
    return list(TimeOffset.model_fields) if loc else list(MAPPING_KEYS)
