"""Hours of operation of a program team: when its calls come against when its units work.

Static analysis from the scenario alone (no simulation): the calls a team may take, by hour of
the week, from each call type's ``calls_per_day`` and 168-hour profile, against the team's
units on duty by its shift plan; and the share of those calls that arrive while at least one
unit is on duty. :func:`shift_block_variants` proposes other shift blocks — round the clock,
and the best N-hour daily window by the same demand — as plain dotted-path overrides, so a
simulation with common random numbers can compare them (``with_overrides`` per variant).

A team's calls are those offered to it first-hand: of each call type whose response chain
names it, the share that reaches its option and that the option applies to (an option with
``share = 0.6`` takes 60% of the calls reaching it; the others start at the next option),
less the share resolved by phone (``no_dispatch_share``). Calls that come to the team only
after waiting for an earlier option are not counted. Demand is constant within an hour in
the scenario, so the share inside program hours is exact for the model.

:mod:`sim.report.hours_variants` simulates the variants through the replication pipeline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.budget import annual_budget
from sim.errors import ScenarioError
from sim.estimates import NON_NEGATIVE, Estimate, estimate, paired
from sim.pipeline.runs import Arm
from sim.pipeline.work import Collector, GroupStats, Outcome, by_replication
from sim.scenario import HOURS_PER_WEEK, CallType, Scenario, with_overrides

DAYS_PER_YEAR = 365.0
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
HOURS_PER_DAY = 24
MINUTES_PER_HOUR = 60


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


def staffed_by_hour(scn: Scenario, team: str) -> np.ndarray:
    """Units on duty by the shift plan, averaged within each of the 168 hours."""
    return scn.teams[team].on_duty().reshape(HOURS_PER_WEEK, MINUTES_PER_HOUR).mean(axis=1)


def team_call_types(scn: Scenario, team: str) -> list[str]:
    """Call types whose response chain names ``team`` (the calls it may take)."""
    _check_team(scn, team)
    return [n for n, ct in scn.call_types.items() if offered_share(ct, team) > 0]


def offered_share(ct: CallType, team: str) -> float:
    """The share of a call type's calls offered to ``team`` first-hand (see the module).

    Each option takes its ``share`` of the calls that reach it; the rest go to the next.
    """
    left, offered = 1.0, 0.0
    for option in ct.response:
        taken = left * option.share_of_calls()
        if option.team == team:
            offered += taken
        left -= taken
    return offered


def _check_team(scn: Scenario, team: str) -> None:
    if team not in scn.teams:
        raise ScenarioError(
            f"'{team}' is not a team", where=scn.scenario.name,
            hint=f"teams are: {', '.join(scn.teams)}",
        )  # fmt: skip


def calls_by_hour(scn: Scenario, names: list[str], team: str | None = None) -> np.ndarray:
    """Expected calls needing a unit in each of the 168 hours, summed over ``names``;
    with ``team``, only the calls offered to that team first-hand."""
    total = np.zeros(HOURS_PER_WEEK)
    for name in names:
        ct = scn.call_types[name]
        share = offered_share(ct, team) if team is not None else 1.0
        total += (
            ct.calls_per_day / HOURS_PER_DAY * (1 - ct.no_dispatch_share) * share * ct.profile()
        )
    return total


def hours_of_operation(scn: Scenario, team: str) -> HoursOfOperation:
    """The team's calls against its units on duty, hour by hour of the week, and per year."""
    names = team_call_types(scn, team)
    calls = calls_by_hour(scn, names, team)
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
    calls = calls_by_hour(scn, team_call_types(scn, team), team)
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


# ----------------------------------------------------------- simulated with the same calls

ARM = "hours/"


class HoursVariant(BaseModel):
    """One block of hours for the program team, simulated with the plan's calls (paired)."""

    model_config = ConfigDict(frozen=True)
    name: str
    shifts: str  # e.g. "mon-sun 10:00–22:00 × 2"
    unit_hours_per_year: float
    share_inside_hours: float | None  # of the calls offered to the team (static)
    budget_per_year: float | None  # from the team's budget; None without one
    fte: float | None
    program_calls_per_year: Estimate
    eligible_response_p90: Estimate
    change_program_calls_per_year: Estimate  # against the current hours, paired
    police_unit_hours_freed_vs_current: Estimate  # current police busy − this variant's
    change_eligible_response_p90: Estimate


def variant_arms(
    scn: Scenario, team: str, categories: tuple[str, ...], collect: tuple[Collector, ...] = ()
) -> list[Arm]:
    """One arm per other block of hours (``"current"`` is the plan's own run)."""
    group = (GroupStats(categories), *collect)
    return [
        Arm(ARM + name, variant, collect=group)
        for name, variant in shift_block_scenarios(scn, team).items()
        if name != "current"
    ]


def _shifts(scn: Scenario, team: str) -> str:
    t = scn.teams[team]
    if t.units is not None:
        return f"round the clock × {t.units}"
    return "; ".join(f"{s.days} {s.start}–{s.end} × {s.units}" for s in t.shifts)


def hours_variants(
    scn: Scenario, team: str, current: list[Outcome], done: dict[str, list[Outcome]],
    police: list[str],
) -> list[HoursVariant]:  # fmt: skip
    """The current hours and each other block, from the outcomes of their arms.

    ``current`` are the plan's own outcomes (with the ``GroupStats`` of the program's
    categories); ``done`` holds those of :func:`variant_arms`.
    """
    base = by_replication(current)
    scns = shift_block_scenarios(scn, team)
    out = []
    for name, variant in scns.items():
        mine = base if name == "current" else by_replication(done[ARM + name])
        out.append(_variant(name, variant, team, base, mine, police))
    return out


def _variant(
    name: str, scn: Scenario, team: str, base: list[Outcome], mine: list[Outcome],
    police: list[str],
) -> HoursVariant:  # fmt: skip
    def calls(o: Outcome) -> float:
        return o.summary.teams[team].calls_per_year

    def p90(o: Outcome) -> float | None:
        return o.extras["group"].response_min.p90

    def busy(o: Outcome) -> float:
        return sum(o.summary.teams[t].busy_unit_hours_per_year for t in police)

    t = scn.teams[team]
    budget = annual_budget(t.budget, t, team) if t.budget is not None else None
    return HoursVariant(
        name=name, shifts=_shifts(scn, team),
        unit_hours_per_year=float(t.on_duty().sum()) / 60 * WEEKS_PER_YEAR,
        share_inside_hours=hours_of_operation(scn, team).share_inside_hours,
        budget_per_year=budget.total_per_year if budget else None,
        fte=budget.total_fte if budget else None,
        program_calls_per_year=estimate([calls(o) for o in mine], NON_NEGATIVE),
        eligible_response_p90=estimate([p90(o) for o in mine], NON_NEGATIVE),
        change_program_calls_per_year=paired([calls(o) for o in base], [calls(o) for o in mine]),
        police_unit_hours_freed_vs_current=paired([busy(o) for o in mine],
                                                  [busy(o) for o in base]),
        change_eligible_response_p90=paired([p90(o) for o in base], [p90(o) for o in mine]),
    )  # fmt: skip


__all__ = [
    "ARM",
    "HoursOfOperation",
    "HoursVariant",
    "best_daily_window",
    "calls_by_hour",
    "hours_of_operation",
    "offered_share",
    "shift_block_scenarios",
    "shift_block_variants",
    "staffed_by_hour",
    "team_call_types",
    "variant_arms",
]
