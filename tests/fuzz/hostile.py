"""Hypothesis strategies of hostile input: every shipped file mutated, broken exports, odd options.

A *mutation* picks any key of a parsed file (a table, a list item or a leaf, at any depth)
and deletes it, gives it the wrong type, NaN, ±inf, a huge, tiny, zero or negative number,
true/false, a list of the wrong length, or unicode text. One to three mutations per file,
so both "one bad value" and combinations are tried. Exports are broken the ways real ones
are: other encodings and delimiters, truncation, one row or none, huge or absurd fields.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from sim.scenario import read_toml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SCENARIO_FILES = sorted(
    [SCENARIOS / "demo.toml"]
    + [p for folder in ("cities", "examples", "validation")
       for p in (SCENARIOS / folder).glob("*.toml")]
)  # fmt: skip
PROGRAM_FILES = sorted((SCENARIOS / "programs").glob("*.toml"))
SWEEP_FILES = sorted((SCENARIOS / "sweeps").glob("*.toml"))

NUMBERS: list[Any] = [
    math.nan, math.inf, -math.inf, 1e300, -1e300, 1e-300, 5e-324, -1e-300, 0, 0.0, -1, -0.5,
    1, 2, 7, 0.999999, 1.000001, 1e6, 1e9, 2**31, 2**63, 2**64, 10**30, -(2**63) - 1,
    9223372036854775808, 1e308, 1.7976931348623157e308,
]  # fmt: skip
TEXTS: list[str] = [
    "", " ", "名前", "ñandú", "\u202eevil", "x" * 5000, "mon-mon", "sun-sat", "07:00",
    "24:00", "25:99", "00:00", "-", "police", "community", "x\ny", "\t", "💥", "1e3", "3",
    "lognormal", "empirical", "constant", "mon-fri", "fri-mon", "sat,sun", "officer", "admin",
    "public", "together", "when_free", "descending",
]  # fmt: skip


def value_strategy() -> st.SearchStrategy[Any]:
    """A value to put anywhere: hostile numbers, text, booleans, empty or odd containers."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(TEXTS),
        st.booleans(),
        st.floats(),
        st.integers(),
        st.just([]),
        st.just({}),
        st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3),
        st.just({"dist": "constant", "value": 0}),
        st.just({"dist": "lognormal", "median": 5, "p90": 4}),
        st.sampled_from(TEXTS).map(lambda t: {t: 1}),
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key of parsed TOML, at any depth: tables, list items and leaves."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for key in path[:-1]:
        node = node[key]
    return node


@dataclass(frozen=True)
class Mutated:
    """A file's data after mutations, and what was done (shown when a property fails)."""

    data: dict[str, Any]
    done: tuple[str, ...]


# Weighted: a nudge (a number ×0.1…×10, or 0 or 1) and deleting a key often leave a valid
# file, so outputs are checked too; the rest are refused far more often.
OPERATIONS = ("delete", "delete", "set", "set", "set", "nudge", "nudge", "nudge", "scale",
              "resize", "negate")  # fmt: skip


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@st.composite
def mutated(
    draw: st.DrawFn, original: dict[str, Any], most: int = 3, gentle: bool = False
) -> Mutated:
    """The data with one to ``most`` keys mutated; ``gentle``: numbers nudged only (×0 …
    ×10), which mostly leaves a valid file whose outputs are then checked."""
    data = copy.deepcopy(original)
    done: list[str] = []
    for _ in range(draw(st.integers(1, most))):
        keys = paths(data)
        if gentle:
            keys = [k for k in keys if _is_number(_parent(data, k)[k[-1]])]
        if not keys:
            break
        path = draw(st.sampled_from(keys))
        parent, key = _parent(data, path), path[-1]
        current = parent[key]
        op = "nudge" if gentle else draw(st.sampled_from(OPERATIONS))
        where = ".".join(map(str, path))
        if op == "delete":
            if isinstance(parent, list):
                parent.pop(key)
            else:
                del parent[key]
            done.append(f"delete {where}")
            continue
        number = _is_number(current)
        if op == "nudge" and number:
            factor = draw(st.sampled_from([0, 0.1, 0.5, 0.9, 1.1, 2, 10]))
            parent[key] = type(current)(current * factor) if factor else type(current)(0)
        elif op == "scale" and number:
            factor = draw(st.sampled_from([1e-300, 1e-9, 1e-3, 0.5, 2, 1e3, 1e9, 1e300]))
            parent[key] = current * factor
        elif op == "negate" and number:
            parent[key] = -current if current else -1
        elif op == "resize" and isinstance(current, list):
            change = draw(st.sampled_from(["empty", "drop", "grow", "double"]))
            parent[key] = {"empty": [], "drop": current[:-1], "grow": [*current, *current[-1:]],
                           "double": current * 2}[change]  # fmt: skip
        else:
            op = "set"
            parent[key] = draw(value_strategy())
        done.append(f"{op} {where} = {_short(parent[key])}")
    return Mutated(data, tuple(done))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def mutated_file(
    files: list[Path], most: int = 3, gentle: bool = False
) -> st.SearchStrategy[tuple[Path, Mutated]]:
    """(a shipped file, its data mutated): hostile mutations, and now and then gentle ones
    (``gentle``: only those)."""
    parsed = {f: read_toml(f) for f in files}

    def of(f: Path) -> st.SearchStrategy[tuple[Path, Mutated]]:
        kind = mutated(parsed[f], most, gentle=True)
        either = kind if gentle else mutated(parsed[f], most) | kind
        return st.tuples(st.just(f), either)

    return st.sampled_from(files).flatmap(of)


# ---------------------------------------------------------------------------- exports


CELLS: list[str] = [
    "", "NaN", "nan", "null", "N/A", "-1", "0", "99999999999999999999", "9999-99-99",
    "0000-00-00 00:00:00", "1970-01-01 00:00:00", "2999-12-31 23:59:59", "1900-01-01",
    "2023-01-02T25:61:61", "名前", "\u202e", "x" * 999, "x" * 1001, "1e308", "inf",
    "2023-02-30 10:00:00", "12/31/2023 11:59 PM", "  ", '"', "'", ";", ",", "\\",
]  # fmt: skip


@dataclass(frozen=True)
class BrokenExport:
    """The bytes of a damaged export and what was done to it."""

    content: bytes
    done: tuple[str, ...]


def _rows(text: str) -> list[str]:
    return text.splitlines()


@st.composite
def broken_export(draw: st.DrawFn, original: str) -> BrokenExport:
    """The text of a good export, broken in one to three ways."""
    lines = _rows(original)
    done: list[str] = []
    encoding = "utf-8"
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["cell", "cell", "cell", "delimiter", "truncate", "one row",
                                    "header only", "drop column", "duplicate rows", "huge field",
                                    "encoding", "junk", "shuffle", "blank lines", "huge name",
                                    "wide"]))  # fmt: skip
        if how == "cell" and len(lines) > 1:
            row = draw(st.integers(1, len(lines) - 1))
            cells = lines[row].split(",")
            col = draw(st.integers(0, len(cells) - 1))
            cells[col] = draw(st.sampled_from(CELLS))
            lines[row] = ",".join(cells)
            done.append(f"row {row} column {col} = {_short(cells[col])}")
        elif how == "delimiter":
            sep = draw(st.sampled_from([";", "\t", "|", " "]))
            lines = [line.replace(",", sep) for line in lines]
            done.append(f"delimiter {sep!r}")
        elif how == "truncate":
            text = "\n".join(lines)
            cut = draw(st.integers(0, len(text)))
            lines = _rows(text[:cut])
            done.append(f"truncated at {cut}")
        elif how == "one row":
            lines = lines[:2]
            done.append("one row")
        elif how == "header only":
            lines = lines[:1]
            done.append("header only")
        elif how == "drop column" and lines:
            col = draw(st.integers(0, max(0, len(lines[0].split(",")) - 1)))
            lines = [",".join(c for i, c in enumerate(line.split(",")) if i != col)
                     for line in lines]  # fmt: skip
            done.append(f"dropped column {col}")
        elif how == "duplicate rows":
            lines = lines[:1] + lines[1:] * 2
            done.append("every row twice")
        elif how == "huge field" and len(lines) > 1:
            size = draw(st.sampled_from([1001, 100_000, 2_000_000]))
            cells = lines[1].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = '"' + "X" * size + '"'
            lines[1] = ",".join(cells)
            done.append(f"a field of {size:,} characters")
        elif how == "encoding":
            encoding = draw(st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-8-sig",
                                             "utf-32"]))  # fmt: skip
            if len(lines) > 1:
                lines[1] = lines[1].replace("VIOLENT", "VIOLÉNT ÆØÅ")
            done.append(f"encoded as {encoding}")
        elif how == "junk":
            lines = ["\x00\x01\x02garbage\xff", *lines]
            done.append("junk first line")
        elif how == "shuffle" and len(lines) > 2:
            body = lines[1:]
            lines = [lines[0], *draw(st.permutations(body))]
            done.append("rows shuffled")
        elif how == "huge name" and lines:
            size = draw(st.sampled_from([1001, 200_000]))
            lines[0] += ',"' + "Y" * size + '"'
            done.append(f"a column name of {size:,} characters")
        elif how == "wide" and lines:
            lines[0] += "," + ",".join(f"c{i}" for i in range(100_000))
            done.append("100,000 more columns in the header")
        elif how == "blank lines":
            lines = [x for line in lines for x in (line, "")]
            done.append("blank lines between rows")
    text = "\n".join(lines) + ("\n" if lines else "")
    return BrokenExport(text.encode(encoding, errors="replace"), tuple(done))


# ---------------------------------------------------------------------------- options


OPTION_TEXTS: list[str] = [
    "inf", "-inf", "nan", "NaN", "1e300", "-1e300", "1e-300", "0", "-1", "-0", "1", "2", "0.5",
    "99999999999999999999", "true", "false", "", " ", "abc", "1,5", "0x10", "1_000", "½", "٣",
    "1e400", "3.0",
]  # fmt: skip

TARGET_TEXTS = st.one_of(
    st.builds(
        lambda m, op, v, share: f"{m}{op}{v}{share}",
        st.sampled_from(
            [
                "eligible.response_min.p90",
                "teams.police.utilization",
                "response_min.mean",
                "cost.per_year",
                "call_types.traffic.within_target",
                "teams.nobody.utilization",
                "eligible",
                "",
            ]
        ),
        st.sampled_from(["<=", ">=", "≤", "≥", "<", "=", "=="]),
        st.sampled_from([*OPTION_TEXTS, "20", "0.6", "1e999"]),
        st.sampled_from(["", "@95%", "@0", "@150%", "@0.5", "@-1", "@nan"]),
    ),
    st.text(max_size=40),
)
VARY_TEXTS = st.one_of(
    st.builds(
        lambda p, v: f"{p}={v}",
        st.sampled_from(
            [
                "teams.community.shifts.0.units",
                "scenario.days",
                "teams.police.units",
                "call_types.traffic.calls_per_day",
                "scenario.seed",
                "nowhere.at_all",
                "teams.community.shifts.0.start",
                "",
            ]
        ),
        st.sampled_from(
            [
                *OPTION_TEXTS,
                "1..3",
                "0..1e400",
                "1..1:0",
                "3..1",
                "0.5..2:0.5",
                "1..2:1e-300",
                "[1, 2]",
                "[[[[1]]]]",
                "{a = 1}",
                "07:00",
                "1,2,nan",
                '"x"',
                "1..10001",
            ]
        ),
    ),
    st.text(max_size=40),
)


__all__ = [
    "NUMBERS",
    "OPTION_TEXTS",
    "PROGRAM_FILES",
    "SCENARIO_FILES",
    "SWEEP_FILES",
    "TARGET_TEXTS",
    "TEXTS",
    "VARY_TEXTS",
    "BrokenExport",
    "Mutated",
    "broken_export",
    "mutated",
    "mutated_file",
    "paths",
    "value_strategy",
]
