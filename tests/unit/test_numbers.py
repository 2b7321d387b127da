"""The one policy for numbers (sim/numbers.py), and a check that every input model uses it.

The architecture-style test walks every model a user's file or options become (scenario,
program template and budget, sweep file, mapping, taxonomy, fit options) down to each
numeric leaf — a field, a list item, a dict key or value — and fails on a bare ``float`` or
``int`` that carries no :class:`sim.numbers.Kind`. A control model shows it can fail.
"""

from __future__ import annotations

import datetime
import math
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
import pytest
from pydantic import BaseModel

from sim.data.categorize import Taxonomy
from sim.data.clean import CleanConfig
from sim.data.mapping import ColumnMapping
from sim.fit.options import FitOptions
from sim.numbers import (
    DAYS,
    PRIORITY,
    SEED,
    SHARE,
    UNITS,
    Days,
    Kind,
    Units,
    kind_of,
)
from sim.program import Program
from sim.scenario import Scenario
from sim.sweep.file import NamedVariant, SweepFile

ROOTS: tuple[type[BaseModel], ...] = (
    Scenario,
    Program,
    SweepFile,
    NamedVariant,
    ColumnMapping,
    Taxonomy,
    FitOptions,
    CleanConfig,
)
"""Every model a user's input becomes (a Program holds its Budget and Teams)."""

NOT_NUMBERS = (str, bool, bytes, Path, datetime.date, datetime.datetime, type(None), Any)


def bare_numbers(
    tp: Any, where: str, *, policed: bool = False, seen: set[type] | None = None
) -> list[str]:
    """Dotted places under annotation ``tp`` where an int or float has no policy Kind."""
    seen = set() if seen is None else seen
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        here = policed or any(kind_of(m) is not None for m in meta)
        return bare_numbers(base, where, policed=here, seen=seen)
    if tp in (int, float):
        return [] if policed else [where]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return []
        seen.add(tp)
        out = []
        for name, field in tp.model_fields.items():
            policy = any(kind_of(m) is not None for m in field.metadata)
            out += bare_numbers(field.annotation, f"{tp.__name__}.{name}", policed=policy,
                                seen=seen)  # fmt: skip
        return out
    if origin in (Union, types.UnionType):
        return [p for arg in get_args(tp) for p in bare_numbers(arg, where, policed=policed,
                                                                 seen=seen)]  # fmt: skip
    if origin in (tuple, list, set, frozenset, dict, typing.Mapping):
        parts = [a for a in get_args(tp) if a is not Ellipsis]
        names = ["[key]", "[value]"] if origin in (dict, typing.Mapping) else ["[item]"] * 9
        return [p for arg, n in zip(parts, names, strict=False)
                for p in bare_numbers(arg, f"{where}{n}", seen=seen)]  # fmt: skip
    if origin is Literal or tp in NOT_NUMBERS or isinstance(tp, typing.TypeVar):
        return []
    if isinstance(tp, type) and not issubclass(tp, int | float):
        return []
    raise AssertionError(f"{where}: cannot tell whether {tp!r} is a number; teach this test")


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.__name__)
def test_every_numeric_field_of_an_input_model_uses_the_policy(root: type[BaseModel]) -> None:
    bare = bare_numbers(root, root.__name__)
    assert not bare, (
        f"numeric fields without the number policy: {bare}; use a type from sim/numbers.py "
        "(e.g. Minutes, Units, Share) or Annotated[float, BeforeValidator(Kind(...))]"
    )


def test_the_policy_check_can_fail() -> None:
    class Control(BaseModel):
        fine: Days
        also_fine: dict[str, Units] = {}
        plain: float = 0.0
        items: tuple[int, ...] = ()
        keyed: dict[int, str] = {}
        nested: dict[str, list[float]] = {}

    assert bare_numbers(Control, "Control") == [
        "Control.plain",
        "Control.items[item]",
        "Control.keyed[key]",
        "Control.nested[value][item]",
    ]


# ---------------------------------------------------------------------------- the checks


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (DAYS, True, "true is not a number"),
        (DAYS, False, "false is not a number"),
        (DAYS, np.bool_(True), "true is not a number"),
        (DAYS, math.nan, "nan is not a finite number"),
        (DAYS, math.inf, "inf is not a finite number"),
        (DAYS, -math.inf, "-inf is not a finite number"),
        (DAYS, 1e300, "1e+300 is out of range"),
        (DAYS, 1e-300, "1e-300 is out of range"),
        (DAYS, "28", "'28' is text, not a number"),
        (DAYS, [28], "list is not a number"),
        (UNITS, 2.5, "2.5 is not a whole number"),
        (UNITS, -1, "-1 is out of range"),
        (UNITS, 99999999999999999999, "99,999,999,999,999,999,999 is out of range"),
        (UNITS, 10**400, "a number of 401 digits is out of range"),
        (PRIORITY, 9223372036854775808, "9,223,372,036,854,775,808 is out of range"),
        (PRIORITY, "0", "0 is out of range"),
        (SEED, 2**63, "9,223,372,036,854,775,808 is out of range"),
        (SHARE, 1.5, "1.5 is out of range"),
    ],
)
def test_a_bad_number_names_the_value_the_range_and_the_fix(
    kind: Kind, value: Any, message: str
) -> None:
    with pytest.raises(ValueError, match="give a value in that range") as err:
        kind(value)
    assert str(err.value).startswith(message + ": "), str(err.value)
    assert kind.what in str(err.value) and kind.range() in str(err.value)


def test_good_numbers_come_back_as_plain_ints_and_floats() -> None:
    assert DAYS(28) == 28.0 and isinstance(DAYS(28), float)
    assert UNITS(3.0) == 3 and isinstance(UNITS(3.0), int)
    assert UNITS(np.int64(4)) == 4 and type(UNITS(np.int64(4))) is int
    assert DAYS(np.float64(2.5)) == 2.5
    assert PRIORITY("2") == 2  # TOML table keys are text: { 1 = 0.2, 2 = 0.8 }
    assert DAYS(0.01) == 0.01 and DAYS(3650) == 3650
    assert UNITS(None) is None  # optional fields: pydantic decides


def test_ranges_read_as_a_planner_would_write_them() -> None:
    assert DAYS.range() == "a number from 0.01 to 3,650 (ten years)"
    assert UNITS.range() == "a whole number from 0 to 100,000"
    assert SEED.range() == "a whole number from 0 to 9,223,372,036,854,775,807"


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if hasattr(group, "commands"):
        return [
            c for name, sub in group.commands.items() for c in _commands(sub, f"{prefix}{name} ")
        ]
    return [(prefix.strip(), group)]


def test_every_numeric_option_of_the_command_line_uses_the_policy() -> None:
    """An int or float option (``--days``, ``--police-units`` …) is checked by
    ``sim.cli.common.policy``, so ``--days inf`` is the same one line as ``days = inf``."""
    import typer

    from sim.cli import app

    bare = []
    for name, command in _commands(typer.main.get_command(app)):
        for param in command.params:
            annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
            kinds = {a for a in (annotation, *get_args(annotation)) if a in (int, float)}
            callback = getattr(param, "callback", None)
            if kinds and not (callback and callback.__qualname__.startswith("policy.")):
                bare.append(f"sim {name} --{param.name.replace('_', '-')}")
    assert not bare, f"numeric options without policy(...) as their callback: {bare}"
