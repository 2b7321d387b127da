"""Sweep values and variants: ``--vary PATH=VALUES`` parsed as TOML literals, grids of them.

A *variant* is a set of values at dotted scenario paths (``teams.community.shifts.0.units``).
Values follow TOML literal rules (``3`` is an integer, ``3.0`` a float, ``"07:00"`` a string);
``1..6`` and ``0.5..2.0:0.5`` are ranges, ``1,2,4`` a list. Several axes make a grid.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import SimError
from sim.inputs import MAX_DEPTH, nesting

MAX_RANGE = 10_000


class SweepError(SimError):
    """A sweep that cannot be defined, resumed or written."""


def parse_value(text: str) -> Any:
    """One value with TOML literal semantics (3 → int, 3.0 → float, true, "x", [1, 2]).

    A bare word that is not TOML (``07:00``, ``mon-fri``) is taken as a string, since shells
    eat the quotes a user would type around it.
    """
    text = text.strip()
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if not text:
            raise SweepError("empty value", hint="give a value after '='") from None
        return text
    except (RecursionError, ValueError):  # 100,000 brackets, an integer of 5,000 digits
        raise SweepError(
            f"value '{text[:40]}…' cannot be read", hint="give a plain value"
        ) from None
    if nesting(value) > MAX_DEPTH:
        raise SweepError(f"value '{text[:40]}…' is nested too deep", hint="give a plain value")
    return value


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets, braces and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


_RANGE = re.compile(r"^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*(?::\s*([\d.eE+-]+))?\s*$")


def parse_values(text: str) -> list[Any]:
    """``1..6`` (inclusive), ``0.5..2.0:0.5`` (with a step), ``1,2,4`` or one value."""
    m = _RANGE.match(text)
    if m is None:
        return [parse_value(p) for p in _split_top(text)]
    lo, hi = parse_value(m[1]), parse_value(m[2])
    step = parse_value(m[3]) if m[3] else 1
    nums = (lo, hi, step)
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in nums):
        raise SweepError(f"range '{text}' needs numbers", hint="e.g. 1..6 or 0.5..2.0:0.5")
    if not all(math.isfinite(x) for x in nums):
        raise SweepError(f"range '{text}' needs finite numbers", hint="e.g. 1..6 or 0.5..2.0:0.5")
    if step <= 0 or hi < lo:
        raise SweepError(
            f"range '{text}' is empty", hint="write low..high with a positive step, e.g. 1..6:1"
        )
    span = (hi - lo) / step
    if not span < MAX_RANGE:  # also when the division overflows to inf
        raise SweepError(
            f"range '{text}' has more than {MAX_RANGE:,} values", hint="use a larger step"
        )
    n = math.floor(span + 1e-9) + 1
    if all(isinstance(x, int) for x in nums):
        return [lo + i * step for i in range(n)]
    return [round(lo + i * step, 12) for i in range(n)]


def parse_vary(spec: str) -> tuple[str, list[Any]]:
    """``PATH=VALUES`` from ``--vary`` → (path, values)."""
    path, eq, values = spec.partition("=")
    if not eq or not path.strip() or not values.strip():
        raise SweepError(
            "should be PATH=VALUES",
            where=f"--vary {spec}",
            hint="e.g. --vary teams.community.shifts.0.units=1..6",
        )
    try:
        return path.strip(), parse_values(values)
    except SweepError as err:
        raise SweepError(err.what, where=f"--vary {spec}", hint=err.hint) from None


def show(value: Any) -> str:
    """A value as a user would type it in a name or a table cell."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def cell(value: Any) -> Any:
    """A value as a results-table cell: numbers and strings as they are, the rest shown."""
    return value if value is None or isinstance(value, int | float | str) else show(value)


@dataclass(frozen=True)
class Variant:
    """A named set of values at dotted scenario paths."""

    name: str
    overrides: dict[str, Any]


def _short_names(paths: Sequence[str]) -> dict[str, str]:
    """The shortest tail of each path that tells it apart from the others (for names)."""
    out = {}
    for path in paths:
        parts = path.split(".")
        for k in range(1, len(parts) + 1):
            tail = ".".join(parts[-k:])
            clash = any(p != path and ("." + p).endswith("." + tail) for p in paths)
            if not clash and not parts[-k].isdigit():
                break
        out[path] = tail
    return out


def grid(axes: Sequence[tuple[str, Sequence[Any]]]) -> list[Variant]:
    """Every combination of the axes' values, named like ``units=3, end=19:00``."""
    if not axes:  # itertools.product() of nothing is one empty variant: a silent no-op sweep
        raise SweepError(
            "nothing to vary", hint="add --vary PATH=VALUES or --file SWEEP.toml (see README)"
        )
    size = math.prod(len(values) for _, values in axes)
    if size > MAX_RANGE:  # checked before a single variant is made
        raise SweepError(
            f"the grid has {size:,} variants, more than the {MAX_RANGE:,} a sweep runs",
            hint="vary fewer values at once, or split the sweep",
        )
    paths = [p for p, _ in axes]
    dup = [p for p in paths if paths.count(p) > 1]
    if dup:
        raise SweepError(f"'{dup[0]}' is varied twice", hint="give each path once")
    short = _short_names(paths)
    variants = []
    for combo in itertools.product(*(values for _, values in axes)):
        overrides = dict(zip(paths, combo, strict=True))
        name = ", ".join(f"{short[p]}={show(v)}" for p, v in overrides.items())
        variants.append(Variant(name, overrides))
    return variants


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables → dotted paths; a distribution table ({dist = …}) is one value."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and "dist" not in value:
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


__all__ = [
    "SweepError",
    "Variant",
    "cell",
    "flatten",
    "grid",
    "parse_value",
    "parse_values",
    "parse_vary",
    "show",
]
