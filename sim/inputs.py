"""Reading a user's TOML and JSON files with bounds: a damaged or hostile file is one line.

``tomllib`` and ``json`` recurse once per level of nesting, so 100,000 nested brackets end in
a ``RecursionError``; a file of gigabytes takes minutes to parse; a 5,000-digit integer is a
``ValueError`` of its own. Every TOML and JSON file a user gives is read here: at most
:data:`MAX_TOML_BYTES` (or :data:`MAX_JSON_BYTES`), nested at most :data:`MAX_DEPTH` levels
(a scenario nests five: ``call_types.x.on_scene_min.team.quantiles``), and JSON without
``NaN``, ``Infinity`` or ``1e999`` (never a result sim writes). Each failure is the
caller's error class (:class:`~sim.errors.ScenarioError`, :class:`~sim.errors.DataError` …)
naming the file.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import SimError

MAX_DEPTH = 32
MAX_TOML_BYTES = 32 * 2**20  # the largest shipped scenario is about 40 kB
MAX_JSON_BYTES = 2**30  # a sweep's results hold every variant's summary


def nesting(node: Any) -> int:
    """Levels of tables and lists in parsed data (counted without recursion), at most
    :data:`MAX_DEPTH` + 1: deeper is deeper than any file sim reads."""
    if not isinstance(node, dict | list):
        return 0
    deepest, stack = 0, [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def _too_deep(where: str, error: type[SimError]) -> SimError:
    return error(
        f"nested more than {MAX_DEPTH} levels deep (sim's files nest a few levels)",
        where=where,
        hint="the file is damaged or not one of sim's; check its brackets and [tables]",
    )


def read_text(path: Path, limit: int, error: type[SimError], what: str = "file") -> str:
    """The text of a UTF-8 file of at most ``limit`` bytes, or one error naming it."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(
                f"{what} of {size / 2**20:,.0f} MB is larger than sim reads "
                f"({limit / 2**20:,.0f} MB)",
                where=where,
                hint="check that this is the right file",
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} not found", where=where) from None
    except IsADirectoryError:
        raise error(f"{what} is a folder", where=where, hint="give a TOML file") from None
    except UnicodeDecodeError:
        raise error(f"{what} is not UTF-8 text", where=where, hint="save it as UTF-8") from None
    except OSError as err:
        raise error(f"cannot read the {what} ({err.strerror})", where=where) from None


def _reason(err: Exception) -> str:
    """A parser's complaint, short; Python's own for a 5,000-digit integer is no help."""
    if "integer string conversion" in str(err):
        return "a number of thousands of digits"
    return str(err)[:120]


def loads_toml(text: str, where: str, error: type[SimError], hint: str | None = None) -> Any:
    """Parsed TOML, or one error line (bad syntax, too deep, an absurd number)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise error(f"not valid TOML ({err})", where=where, hint=hint) from None
    except RecursionError:
        raise _too_deep(where, error) from None
    except ValueError as err:  # e.g. an integer of thousands of digits
        raise error(f"not valid TOML ({_reason(err)})", where=where, hint=hint) from None
    if nesting(data) > MAX_DEPTH:
        raise _too_deep(where, error)
    return data


def read_toml(
    path: str | Path, error: type[SimError], what: str = "file", hint: str | None = None
) -> dict[str, Any]:
    """Read and parse a TOML file within the bounds, or raise ``error`` in one line."""
    path = Path(path)
    data: dict[str, Any] = loads_toml(read_text(path, MAX_TOML_BYTES, error, what),
                                      str(path), error, hint)  # fmt: skip
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise ValueError(f"{text[:30]} is beyond the largest number")
    return value


def loads_json(text: str | bytes, where: str, error: type[SimError]) -> Any:
    """Parsed JSON without NaN or Infinity, within the nesting bound, or one error line."""
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise _too_deep(where, error) from None
    except (ValueError, UnicodeDecodeError) as err:
        raise error(f"not a JSON file ({_reason(err)})", where=where) from None
    if nesting(data) > MAX_DEPTH:
        raise _too_deep(where, error)
    return data


def read_json(path: str | Path, error: type[SimError], what: str = "file") -> Any:
    """Read and parse a JSON file within the bounds, or raise ``error`` in one line."""
    path = Path(path)
    return loads_json(read_text(path, MAX_JSON_BYTES, error, what), str(path), error)


__all__ = [
    "MAX_DEPTH",
    "MAX_JSON_BYTES",
    "MAX_TOML_BYTES",
    "loads_json",
    "loads_toml",
    "nesting",
    "read_json",
    "read_text",
    "read_toml",
]
