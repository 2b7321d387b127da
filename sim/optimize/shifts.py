"""Staffable shifts: a plan is whole shifts a scheduler could staff, not a level per block.

Crews work shifts of a set length (8, 10 or 12 hours, say), so a plan that wants two vans
for four hours at the evening peak and none otherwise cannot be staffed. Here a plan is a
number of crews on each *shift pattern*: a start at a block boundary and a length between
``min_hours`` and ``max_hours`` in whole blocks, every day (or on one day of the week when
each day is planned separately). Shifts may run past midnight. The units on duty in each
block are the crews whose shifts cover it; the simulation sees only those (a scenario's
staffing is the sum of its shifts), the scheduler gets the shifts.

The cheapest set of shifts covering each block's analytic need is an integer program (a
shift-scheduling set cover, Dantzig 1954), solved with :func:`scipy.optimize.milp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from sim.optimize.blocks import Blocks, with_shifts
from sim.optimize.targets import OptimizeError
from sim.scenario import DAY_NAMES, Scenario

DEFAULT_MIN_HOURS = 8
DEFAULT_MAX_HOURS = 12
"""Shift lengths a scheduler staffs by default: 8 to 12 hours, the usual lengths of 24/7
shift work (three 8-hour shifts, four 10s, two 12s)."""


@dataclass(frozen=True)
class Pattern:
    """One shift: which day (None: every day), the first block, and how many blocks."""

    day: int | None
    start: int  # block index within the day
    blocks: int

    def label(self, b: Blocks) -> str:
        start = self.start * b.hours
        end = (start + self.blocks * b.hours) % 24
        days = "mon-sun" if self.day is None else DAY_NAMES[self.day]
        return f"{days} {start:02d}:00–{end:02d}:00"


@dataclass(frozen=True)
class ShiftRules:
    """The shifts a plan may use: lengths from ``min_hours`` to ``max_hours``, whole blocks."""

    blocks: Blocks
    min_hours: int = DEFAULT_MIN_HOURS
    max_hours: int = DEFAULT_MAX_HOURS

    def __post_init__(self) -> None:
        b = self.blocks.hours
        for name, hours in (("--min-shift-hours", self.min_hours),
                            ("--max-shift-hours", self.max_hours)):  # fmt: skip
            if not 1 <= hours <= 24 or hours % b:
                raise OptimizeError(
                    f"a shift of {hours} hours is not a whole number of {b}-hour blocks "
                    "between 1 and 24 hours",
                    where=name,
                    hint=f"use a multiple of --block-hours ({b}), or change --block-hours",
                )
        if self.min_hours > self.max_hours:
            raise OptimizeError(
                f"the shortest shift ({self.min_hours} h) is longer than the longest "
                f"({self.max_hours} h)",
                where="--min-shift-hours",
                hint="give a minimum at most the maximum",
            )

    @classmethod
    def default(
        cls, blocks: Blocks, min_hours: int | None = None, max_hours: int | None = None
    ) -> ShiftRules:
        """The rules with the lengths not given at their defaults (8 and 12 hours), rounded
        to whole blocks: up for the shortest, down for the longest (never below it)."""
        b = blocks.hours
        low = min_hours if min_hours is not None else -(-DEFAULT_MIN_HOURS // b) * b
        high = max_hours if max_hours is not None else max(low, DEFAULT_MAX_HOURS // b * b)
        return cls(blocks, low, high)

    @cached_property
    def patterns(self) -> tuple[Pattern, ...]:
        """Every allowed shift: each start, each length (a 24-hour shift starts at 00:00)."""
        b = self.blocks
        lengths = range(self.min_hours // b.hours, self.max_hours // b.hours + 1)
        days: Sequence[int | None] = range(7) if b.by_day else [None]
        return tuple(  # in the order a schedule is read: by day, start, then length
            Pattern(d, s, n)
            for d in days
            for s in range(b.per_day)
            for n in lengths
            if n < b.per_day or s == 0
        )

    @cached_property
    def cover_matrix(self) -> np.ndarray:
        """(blocks × patterns): 1 where a pattern's shift covers a block."""
        b = self.blocks
        count = b.count()
        m = np.zeros((count, len(self.patterns)), dtype=np.int64)
        for j, p in enumerate(self.patterns):
            first = (p.day or 0) * b.per_day + p.start
            for i in range(p.blocks):
                m[(first + i) % count, j] = 1
        return m

    def coverage(self, crews: Sequence[int]) -> tuple[int, ...]:
        """Units on duty in each block: the crews whose shifts cover it."""
        return tuple(int(v) for v in self.cover_matrix @ np.asarray(crews, dtype=np.int64))

    def cheapest_cover(self, need: Sequence[int]) -> tuple[int, ...]:
        """The fewest unit-hours of allowed shifts giving each block at least its need."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        lower = np.asarray(need, dtype=float)
        if not lower.any():
            return (0,) * len(self.patterns)
        hours = np.array([p.blocks for p in self.patterns], dtype=float)
        res = milp(
            c=hours,
            constraints=LinearConstraint(self.cover_matrix, lb=lower, ub=np.inf),
            integrality=np.ones(len(hours)),
            bounds=Bounds(0, np.inf),
        )
        if res.x is None:  # cannot happen: enough of any shift covers any need
            raise RuntimeError(f"shift cover failed: {res.message}")
        return tuple(round(float(v)) for v in res.x)

    def shifts(self, crews: Sequence[int]) -> list[dict[str, Any]]:
        """The plan as a team's ``[[shifts]]``: one entry per shift used, with its crews."""
        b = self.blocks
        out = []
        for p, n in zip(self.patterns, crews, strict=True):
            if n > 0:
                start = p.start * b.hours
                end = start + p.blocks * b.hours
                out.append({
                    "days": "mon-sun" if p.day is None else DAY_NAMES[p.day],
                    "start": f"{start:02d}:00",
                    "end": "24:00" if end == 24 else f"{end % 24:02d}:00",
                    "units": int(n),
                })  # fmt: skip
        return out or [{"days": "mon-sun", "start": "00:00", "end": "24:00", "units": 0}]

    def describe(self, crews: Sequence[int]) -> str:
        """'mon-sun 08:00–20:00 × 2; mon-sun 20:00–08:00 × 1' (or 'none')."""
        parts = [f"{p.label(self.blocks)} × {n}" for p, n in zip(self.patterns, crews,
                                                               strict=True) if n > 0]  # fmt: skip
        return "; ".join(parts) or "none"


def apply_shifts(scn: Scenario, team: str, rules: ShiftRules, crews: Sequence[int]) -> Scenario:
    """The scenario with ``team`` staffed by the shifts (its units or shifts replaced)."""
    return with_shifts(scn, team, rules.shifts(crews))


__all__ = [
    "DEFAULT_MAX_HOURS",
    "DEFAULT_MIN_HOURS",
    "Pattern",
    "ShiftRules",
    "apply_shifts",
]
