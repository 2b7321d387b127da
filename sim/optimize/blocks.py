"""Shift blocks and the analytic start: each block's offered load staffed by queueing theory.

The week is cut into blocks (e.g. six 4-hour blocks, the same every day, or 42 blocks when
each day is planned separately); a plan is the number of units on duty in each block. Each
block's offered load (the scenario's hour-of-week demand × rates × mean busy time) is
staffed by Erlang C for a waiting target, by the load over the allowed utilization, or by
square-root staffing: the optimizer's starting point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import analytic
from sim.numbers import BLOCK_HOURS
from sim.optimize.targets import OptimizeError, Target
from sim.scenario import (
    DAY_NAMES,
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    Scenario,
    from_dict,
    to_dict,
)


@dataclass(frozen=True)
class Blocks:
    """Shift blocks of ``hours`` each: the same every day, or each day separately."""

    hours: int = 4
    by_day: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "hours", BLOCK_HOURS.check(self.hours))
        except ValueError as err:
            raise OptimizeError(str(err), where="--block-hours") from None
        if not isinstance(self.by_day, bool):
            raise OptimizeError(f"by_day is {self.by_day!r}, not true or false", where="--by-day")
        if 24 % self.hours:
            raise OptimizeError(
                f"block of {self.hours} hours does not divide the day",
                where="--block-hours",
                hint="use 1, 2, 3, 4, 6, 8, 12 or 24",
            )

    @property
    def per_day(self) -> int:
        return 24 // self.hours

    def count(self) -> int:
        return self.per_day * (7 if self.by_day else 1)

    def label(self, b: int) -> str:
        start = (b % self.per_day) * self.hours
        span = f"{start:02d}:00–{start + self.hours:02d}:00"
        return f"{DAY_NAMES[b // self.per_day]} {span}" if self.by_day else span

    def hours_of_week(self, b: int) -> list[int]:
        """The hours of the week (0 = Monday 00:00) a block covers."""
        start = (b % self.per_day) * self.hours
        days = [b // self.per_day] if self.by_day else range(7)
        return [d * 24 + start + h for d in days for h in range(self.hours)]

    def shifts(self, units: Sequence[int]) -> list[dict[str, Any]]:
        """The plan as the team's ``[[shifts]]``: runs of equal units within a day merged."""
        out = []
        days = range(7) if self.by_day else [None]
        for d in days:
            row = list(units[d * self.per_day : (d + 1) * self.per_day] if d is not None else units)
            b = 0
            while b < len(row):
                e = b
                while e + 1 < len(row) and row[e + 1] == row[b]:
                    e += 1
                if row[b] > 0:
                    out.append(
                        {
                            "days": "mon-sun" if d is None else DAY_NAMES[d],
                            "start": f"{b * self.hours:02d}:00",
                            "end": f"{(e + 1) * self.hours:02d}:00",
                            "units": int(row[b]),
                        }
                    )
                b = e + 1
        return out or [{"days": "mon-sun", "start": "00:00", "end": "24:00", "units": 0}]


def apply_plan(scn: Scenario, team: str, blocks: Blocks, units: Sequence[int]) -> Scenario:
    """The scenario with ``team`` staffed by the plan (its units or shifts replaced)."""
    return with_shifts(scn, team, blocks.shifts(units))


def with_shifts(scn: Scenario, team: str, shifts: list[dict[str, Any]]) -> Scenario:
    """The scenario with ``team``'s units or shifts replaced by ``shifts``."""
    data = to_dict(scn)
    t = data["teams"][team]
    t.pop("units", None)
    t["shifts"] = shifts
    return from_dict(data, source=f"plan for team '{team}'")


@dataclass(frozen=True)
class BlockLoad:
    """Calls per minute that go first to the team in a block, and their mean busy time."""

    rate: float  # calls per minute
    busy_min: float  # unit-minutes per call (travel + on scene, × units sent)

    @property
    def erlangs(self) -> float:
        return self.rate * self.busy_min


def block_loads(scn: Scenario, team: str, blocks: Blocks) -> list[BlockLoad]:
    """Offered load per block from the hour-of-week profiles (first-option calls only).

    Calls that reach the team only by falling back, and backup requests, are left out: the
    simulation accounts for them when it refines the plan.
    """
    rate = np.zeros(HOURS_PER_WEEK)
    work = np.zeros(HOURS_PER_WEEK)
    travel = scn.teams[team].travel_min.mean()
    for ct in scn.call_types.values():
        first = ct.response[0]
        if first.team != team:
            continue
        per_min = ct.calls_per_day / MINUTES_PER_DAY * ct.profile() * (1 - ct.no_dispatch_share)
        rate += per_min
        work += per_min * first.units * (travel + ct.on_scene_min[team].mean())
    out = []
    for b in range(blocks.count()):
        hours = blocks.hours_of_week(b)
        lam, busy = float(rate[hours].mean()), float(work[hours].mean())
        out.append(BlockLoad(lam, busy / lam if lam > 0 else 0.0))
    return out


def analytic_units(scn: Scenario, team: str, load: BlockLoad, targets: Sequence[Target]) -> int:
    """Units for one block by Erlang C / utilization / square-root staffing (the start).

    A percentile or mean of waits or responses is a waiting target (a response's budget is
    the target less the team's mean travel); the team's utilization bounds the load per unit.
    """
    a = load.erlangs
    if a <= 0:
        return 0
    mu = 1 / load.busy_min
    travel = scn.teams[team].travel_min.mean()
    c = analytic.square_root_staffing(a, beta=1.0)
    for t in targets:
        if t.op != "<=":
            continue
        m = t.resolve(scn)
        if m.name == f"teams.{team}.utilization" and t.value > 0:
            c = max(c, math.ceil(a / t.value))
            continue
        if m.of not in ("response_min", "wait_min"):
            continue
        budget = t.value - (travel if m.of == "response_min" else 0.0)
        if m.quantile is not None and budget > 0:
            c = max(c, analytic.min_servers_for_wait(load.rate, mu, budget, m.quantile))
        elif m.stat == "mean" and budget > 0:
            c = max(c, analytic.min_servers_for_mean_wait(load.rate, mu, budget))
    return max(c, math.floor(a) + 1)


__all__ = ["BlockLoad", "Blocks", "analytic_units", "apply_plan", "block_loads", "with_shifts"]
