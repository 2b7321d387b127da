"""Sweep files: a grid of values, or named variants, validated as a typed model.

```toml
baseline = "two vans"          # optional: the variant others are compared with

[[variants]]
name = "two vans"
teams.community.shifts.0.units = 2

# or, instead of [[variants]]:
# [grid]
# "teams.community.shifts.0.units" = "1..6"       # or [1, 2, 4]
```
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.inputs import read_toml
from sim.sweep.values import MAX_RANGE, SweepError, Variant, flatten, grid, parse_values

FILE_KEYS = ("baseline", "grid", "variants")
GRID_HINT = 'e.g. [grid] then teams.community.shifts.0.units = "1..6"'


class NamedVariant(BaseModel):
    """One ``[[variants]]`` entry: a name and values at dotted paths."""

    model_config = ConfigDict(extra="allow", frozen=True)
    name: str

    def overrides(self) -> dict[str, Any]:
        return flatten(self.model_extra or {})


class SweepFile(BaseModel):
    """A sweep file: either ``[grid]`` or ``[[variants]]``, and an optional baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    baseline: str | None = None
    grid: dict[str, Any] | None = None
    variants: list[NamedVariant] | None = Field(default=None, max_length=MAX_RANGE)

    @model_validator(mode="after")
    def _one_form(self) -> SweepFile:
        if (self.grid is None) == (self.variants is None):
            raise ValueError("give either [grid] or [[variants]]")
        return self

    def variant_list(self, where: str) -> list[Variant]:
        """The variants the file defines (a grid expanded)."""
        if self.variants is not None:
            return [Variant(v.name, v.overrides()) for v in self.variants]
        axes_in = flatten(self.grid or {})
        if not axes_in:
            raise SweepError("should be a table of path = [values]", where=f"{where}: grid",
                             hint=GRID_HINT)  # fmt: skip
        axes = []
        for key, values in axes_in.items():
            if isinstance(values, str):
                values = parse_values(values)
            if not isinstance(values, list) or not values:
                raise SweepError(
                    "should be a list of values or a range string",
                    where=f"{where}: grid.{key}",
                    hint='e.g. [1, 2, 4] or "1..6"',
                )
            axes.append((key, values))
        return grid(axes)


@dataclass(frozen=True)
class SweepSpec:
    """What a sweep file or the ``--vary`` options define."""

    variants: list[Variant]
    baseline: str | None = None


def _error(err: ValidationError, where: str) -> SweepError:
    """The first validation error of a sweep file as one line."""
    first = err.errors(include_url=False)[0]
    loc = [str(p) for p in first["loc"]]
    if first["type"] == "extra_forbidden":
        near = difflib.get_close_matches(loc[0], FILE_KEYS, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"keys are: {', '.join(FILE_KEYS)}"
        return SweepError("unknown key", where=f"{where}: {loc[0]}", hint=hint)
    if loc == ["variants"] and first["type"] == "too_long":
        return SweepError(f"more than {MAX_RANGE:,} variants", where=f"{where}: variants",
                          hint="split the sweep")  # fmt: skip
    if loc[:1] == ["variants"]:
        return SweepError('each [[variants]] needs name = "..." and its values',
                          where=f"{where}: {'.'.join(loc[:2])}")  # fmt: skip
    if loc[:1] == ["grid"]:
        return SweepError("should be a table of path = [values]", where=f"{where}: grid",
                          hint=GRID_HINT)  # fmt: skip
    if loc[:1] == ["baseline"]:
        return SweepError("should be a variant's name", where=f"{where}: baseline")
    what = str(first["msg"]).removeprefix("Value error, ")
    return SweepError(what, where=where, hint="see README: Sweeps")


def load_sweep_file(path: Path) -> SweepSpec:
    """Read and validate a sweep file (see the module docstring)."""
    where = str(path)
    data = read_toml(path, SweepError, what="sweep file")
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as err:
        raise _error(err, where) from None
    return SweepSpec(spec.variant_list(where), spec.baseline)


__all__ = ["NamedVariant", "SweepFile", "SweepSpec", "load_sweep_file"]
