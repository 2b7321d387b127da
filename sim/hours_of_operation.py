"""Hours of operation of a program team: when its calls come against when its units work.

Static analysis from the scenario alone (no simulation): the calls a team may take, by hour of
the week, from each call type's ``calls_per_day`` and 168-hour profile, against the team's
units on duty by its shift plan; and the share of those calls that arrive while at least one
unit is on duty. :func:`shift_block_variants` proposes other shift blocks — round the clock,
and the best N-hour daily window by the same demand — as plain dotted-path overrides, so a
simulation with common random numbers can compare them (``with_overrides`` per variant).

A team's calls are those of the call types whose response chain names it, less the share
resolved by phone (``no_dispatch_share``): the calls that need a unit. Demand is constant
within an hour in the scenario, so the share inside program hours is exact for the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.errors import ScenarioError
from sim.report.hours import staffed_by_hour
from sim.scenario import HOURS_PER_WEEK, Scenario, with_overrides

DAYS_PER_YEAR = 365.0
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
HOURS_PER_DAY = 24


class HoursOfOperation(BaseModel):
    """A team's calls and units on duty by hour of the week (Monday 00:00 first)."""

    model_config = ConfigDict(frozen=True)
    team: str
    call_types: tuple[str, ...]  # the call types whose response chain names the team
    calls_per_hour: tuple[float, ...]  # 168 expected calls needing a unit, per hour
    units_on_duty: tuple[float, ...]  # 168 mean units on duty within each hour
    covered: tuple[float, ...]  # 168 shares of each hour with at least one unit on duty
    calls_per_year: float
    calls_inside_hours_per_year: float
    share_inside_hours: float | None  # None (not applicable) when the team has no calls
    unit_hours_per_year: float


def team_call_types(scn: Scenario, team: str) -> list[str]:
    """Call types whose response chain names ``team`` (the calls it may take)."""
    _check_team(scn, team)
    return [n for n, ct in scn.call_types.items() if any(o.team == team for o in ct.response)]


def _check_team(scn: Scenario, team: str) -> None:
    if team not in scn.teams:
        raise ScenarioError(
            f"'{team}' is not a team", where=scn.scenario.name,
            hint=f"teams are: {', '.join(scn.teams)}",
        )  # fmt: skip


def calls_by_hour(scn: Scenario, names: list[str]) -> np.ndarray:
    """Expected calls needing a unit in each of the 168 hours, summed over ``names``."""
    total = np.zeros(HOURS_PER_WEEK)
    for name in names:
        ct = scn.call_types[name]
        total += ct.calls_per_day / HOURS_PER_DAY * (1 - ct.no_dispatch_share) * ct.profile()
    return total


def hours_of_operation(scn: Scenario, team: str) -> HoursOfOperation:
    """The team's calls against its units on duty, hour by hour of the week, and per year."""
    names = team_call_types(scn, team)
    calls = calls_by_hour(scn, names)
    on_duty = scn.teams[team].on_duty()
    covered = (on_duty > 0).reshape(HOURS_PER_WEEK, -1).mean(axis=1)
    per_week, inside = float(calls.sum()), float((calls * covered).sum())
    return HoursOfOperation(
        team=team,
        call_types=tuple(names),
        calls_per_hour=tuple(calls.tolist()),
        units_on_duty=tuple(staffed_by_hour(scn, team).tolist()),
        covered=tuple(covered.tolist()),
        calls_per_year=per_week * WEEKS_PER_YEAR,
        calls_inside_hours_per_year=inside * WEEKS_PER_YEAR,
        share_inside_hours=inside / per_week if per_week > 0 else None,
        unit_hours_per_year=float(on_duty.sum()) / 60 * WEEKS_PER_YEAR,
    )


def best_daily_window(calls_per_hour: np.ndarray, hours: int) -> int:
    """Start hour (0–23) of the ``hours``-long daily window holding the most calls in a week.

    The same window every day; a window may cross midnight (its calls then include the early
    hours of the next day, Sunday night wrapping to Monday). Ties go to the earliest start.
    """
    if not 1 <= hours <= HOURS_PER_DAY:
        raise ValueError(f"a daily window is 1 to 24 hours long, not {hours}")
    week = np.concatenate([calls_per_hour, calls_per_hour[:HOURS_PER_DAY]])
    windows = np.array([
        sum(week[day * HOURS_PER_DAY + start : day * HOURS_PER_DAY + start + hours].sum()
            for day in range(7))
        for start in range(HOURS_PER_DAY)
    ])  # fmt: skip
    return int(np.argmax(windows))


def _block(start: int, hours: int, units: int) -> dict[str, Any]:
    end = "24:00" if start == 0 and hours == HOURS_PER_DAY else f"{(start + hours) % 24:02d}:00"
    return {"days": "mon-sun", "start": f"{start:02d}:00", "end": end, "units": units}


def shift_block_variants(
    scn: Scenario, team: str, *, windows: tuple[int, ...] = (8, 12, 16), units: int | None = None
) -> dict[str, dict[str, Any]]:
    """Other shift blocks for ``team`` as named dotted-path overrides.

    ``"current"`` (no change), ``"24/7"``, and for each length N in ``windows`` the best
    N-hour daily window by the team's calls, each with ``units`` on duty (default: the
    team's peak). Apply one with ``with_overrides(scn, overrides)``.
    """
    _check_team(scn, team)
    units = scn.teams[team].max_units() if units is None else units
    if units < 1:
        raise ScenarioError(f"team '{team}' never has a unit on duty", hint="give units")
    calls = calls_by_hour(scn, team_call_types(scn, team))
    blocks = {"24/7": [_block(0, HOURS_PER_DAY, units)]}
    for hours in windows:
        start = best_daily_window(calls, hours)
        blocks[f"{hours}h from {start:02d}:00"] = [_block(start, hours, units)]
    path = f"teams.{team}"
    variants: dict[str, dict[str, Any]] = {"current": {}}
    for name, shifts in blocks.items():
        variants[name] = {f"{path}.units": None, f"{path}.shifts": shifts}
    return variants


def shift_block_scenarios(scn: Scenario, team: str, **options: Any) -> dict[str, Scenario]:
    """:func:`shift_block_variants` applied: one validated scenario per variant."""
    return {
        name: with_overrides(scn, overrides, source=f"{scn.scenario.name}: {name}")
        for name, overrides in shift_block_variants(scn, team, **options).items()
    }


__all__ = [
    "HoursOfOperation",
    "best_daily_window",
    "calls_by_hour",
    "hours_of_operation",
    "shift_block_scenarios",
    "shift_block_variants",
    "team_call_types",
]
