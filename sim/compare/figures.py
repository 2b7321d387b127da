"""A city's figures with and without a program, from the paired replications of both arms.

Everything is per year. The budget formulas (FTEs, budget lines, cost per call answered,
police time freed as hours, officer FTEs and dollars) are :mod:`sim.budget`'s; this module
only feeds them the simulated figures, replication by replication, so each comes with its
95% interval. A figure without meaning gets ``None`` and a reason (:mod:`sim.applicable`):
a city with no call in the program's categories has no program calls and no program cost,
and a cost per call answered resting on fewer than :data:`~sim.estimates.FEW_CALLS` calls
is not given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.budget import (
    DEFAULT_RELIEF_FACTOR,
    PAID_HOURS_PER_FTE,
    AnnualBudget,
    annual_budget,
    cost_per_call,
    police_time_freed,
)
from sim.compare.models import CostChange, PoliceTime
from sim.estimates import FEW_CALLS, NON_NEGATIVE, Estimate, estimate, paired
from sim.metrics import Summary
from sim.scenario import Scenario, Team

NO_CALLS = "{city} has no call in the categories {program} takes ({categories})"


@dataclass(frozen=True)
class Arms:
    """The per-replication summaries of a city's two arms, in replication order."""

    baseline: Sequence[Summary]
    with_program: Sequence[Summary]


def _officers(team: Team) -> tuple[float, float, float]:
    """(officers per unit, relief factor, paid hours per FTE) of a police team.

    From the team's own budget where it has one; else one officer per unit and sim's
    defaults (sim/budget.py).
    """
    if team.budget is None:
        return 1.0, DEFAULT_RELIEF_FACTOR, PAID_HOURS_PER_FTE
    b = team.budget
    return float(b.crew_per_unit()), b.relief_factor, b.paid_hours_per_fte


def police_time(city: Scenario, arms: Arms, police: list[str]) -> tuple[Estimate, PoliceTime]:
    """Police unit-hours freed a year (paired) and the same time as officers and dollars."""
    hours, officer_hours, fte, dollars = [], [], [], []
    for base, prog in zip(arms.baseline, arms.with_program, strict=True):
        parts = []
        for t in police:
            per_unit, relief, paid = _officers(city.teams[t])
            freed = base.teams[t].busy_unit_hours_per_year - prog.teams[t].busy_unit_hours_per_year
            parts.append(police_time_freed(freed, city.teams[t].cost_per_unit_hour,
                                           officers_per_unit=per_unit, relief_factor=relief,
                                           paid_hours_per_fte=paid))  # fmt: skip
        hours.append(sum(p.unit_hours_per_year for p in parts))
        officer_hours.append(sum(p.officer_hours_per_year for p in parts))
        fte.append(sum(p.officer_fte for p in parts))
        dollars.append(sum(p.dollars_per_year for p in parts))
    rates = [city.teams[t].cost_per_unit_hour for t in police]
    return estimate(hours), PoliceTime(
        officer_hours_per_year=estimate(officer_hours),
        officer_fte=estimate(fte),
        dollars_per_year=estimate(dollars),
        officers_per_unit=_officers(city.teams[police[0]])[0],
        cost_per_unit_hour=sum(rates) / len(rates),
    )


def program_budget(planned: Scenario, responder: str) -> AnnualBudget | None:
    """FTEs and the itemised budget of the program's team, from the planned city itself."""
    team = planned.teams[responder]
    return None if team.budget is None else annual_budget(team.budget, team, responder)


def answered_calls(arms: Arms, responder: str) -> tuple[Estimate, int]:
    """Calls the program answered a year, and how many that is over every replication."""
    teams = [s.teams[responder] for s in arms.with_program]
    sample = sum(t.response_min.sample_calls for t in teams)
    return estimate([t.calls_per_year for t in teams], NON_NEGATIVE), sample


def costs_per_year(
    base: Summary, prog: Summary, arms: Arms, program_teams: list[str], applies: bool
) -> CostChange:
    """Cost a year without and with the program, the program's own, and the change."""
    none = Estimate(mean=None)
    return CostChange(
        baseline=Estimate(mean=base.cost.per_year, ci95=base.cost.per_year_ci95),
        with_program=Estimate(mean=prog.cost.per_year, ci95=prog.cost.per_year_ci95)
        if applies
        else none,
        program=estimate(
            [sum(s.teams[t].cost_per_year for t in program_teams) for s in arms.with_program],
            NON_NEGATIVE,
        )
        if applies
        else none,
        change=paired(
            [s.cost.per_year for s in arms.baseline], [s.cost.per_year for s in arms.with_program]
        )
        if applies
        else none,
    )


def per_call_answered(
    arms: Arms, program_teams: list[str], responder: str, sample: int
) -> Estimate:
    """The program's cost per call answered: each replication's cost over its calls."""
    if sample < FEW_CALLS:
        return Estimate(mean=None)
    values = [
        cost_per_call(sum(s.teams[t].cost_per_year for t in program_teams),
                      s.teams[responder].calls_per_year)
        for s in arms.with_program
    ]  # fmt: skip
    return estimate(values, NON_NEGATIVE)


def na_reasons(
    city: str, program: str, categories: Sequence[str], taken: Sequence[str], sample: int,
    has_police: bool,
) -> dict[str, str]:  # fmt: skip
    """Why each figure without a value has none (paths within the city's comparison)."""
    out: dict[str, str] = {}
    if not taken:
        why = NO_CALLS.format(city=city, program=program, categories=", ".join(categories))
        scaled = [f"{base}.{k}" for base in ("per_1000_calls", "per_100k_residents")
                  for k in ("program_calls", "police_unit_hours_freed",
                            "program_cost")]  # fmt: skip
        for key in ("program_calls_per_year", "program_share_of_eligible",
                    "eligible_share_inside_program_hours", "police_unit_hours_freed_per_year",
                    "police_time_freed", "response_eligible", "cost_per_year.with_program",
                    "cost_per_year.program", "cost_per_year.change", "cost_per_program_call",
                    *scaled):  # fmt: skip
            out[key] = why
        return out
    if not has_police:
        why = f'no team of {city} has role = "police"'
        for key in ("police_unit_hours_freed_per_year", "police_time_freed",
                    "per_1000_calls.police_unit_hours_freed",
                    "per_100k_residents.police_unit_hours_freed"):  # fmt: skip
            out[key] = why
    if sample < FEW_CALLS:
        out["cost_per_program_call"] = (
            f"{program} answered {sample} calls in all the simulated days, fewer than "
            f"{FEW_CALLS}: too few to price a call (run more days or replications)"
        )
    return out


__all__ = [
    "NO_CALLS",
    "Arms",
    "answered_calls",
    "costs_per_year",
    "na_reasons",
    "per_call_answered",
    "police_time",
    "program_budget",
]
