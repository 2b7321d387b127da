"""The typed results of ``sim compare``: each city without and with a program, paired.

They become JSON (with ``schema_version`` and ``kind``) and CSV only at the edge
(:mod:`sim.compare.output`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from sim.budget import AnnualBudget
from sim.estimates import Estimate
from sim.metrics import SCHEMA_VERSION, Summary, TimeStat


class TeamUse(BaseModel):
    """A team's utilization (busy / staffed time) without and with the program."""

    baseline: float | None
    with_program: float | None


class ResponseChange(BaseModel):
    """Response (arrival → first unit on scene) without and with the program, and the change."""

    baseline: TimeStat
    with_program: TimeStat
    change_mean: Estimate  # with_program − baseline, paired by replication


class CostChange(BaseModel):
    """Cost per year of the whole city response without and with the program."""

    baseline: Estimate
    with_program: Estimate
    program: Estimate  # the program's own teams
    change: Estimate  # with_program − baseline, paired by replication


class Normalized(BaseModel):
    """Key figures scaled to a common base (per 1,000 calls or per 100,000 residents)."""

    calls: float
    program_calls: float | None
    police_unit_hours_freed: float | None
    program_cost: float | None


class PoliceTime(BaseModel):
    """Police time the program frees a year (paired), in the units a council asks about.

    From the police unit-hours freed (:func:`sim.budget.police_time_freed`): officer hours
    (× officers per unit), officer FTEs (with the relief factor) and dollars at the city's
    own police cost per unit-hour — time available for other work, not cash saved.
    """

    officer_hours_per_year: Estimate
    officer_fte: Estimate
    dollars_per_year: Estimate
    officers_per_unit: float
    cost_per_unit_hour: float  # the city's police cost per unit-hour (mean of its police teams)


class CityComparison(BaseModel):
    """One city: its baseline and the same city with the program, paired.

    Counts, hours and costs are per year. A figure without meaning here (the program's cost
    in a city with no call it takes) is null with its reason in ``not_applicable``.
    """

    city: str
    source: str
    population: int | None
    replications: int
    seed: int
    days: float
    warmup_days: float
    calls_per_year: dict[str, float]
    total_calls_per_year: float
    eligible_categories: list[str]
    eligible_calls_per_year: float
    eligible_share: float | None
    program_calls_per_year: Estimate
    program_sample_calls: int = 0  # calls the program answered, every replication together
    program_share_of_eligible: float | None
    eligible_share_inside_program_hours: float | None = None
    police_unit_hours_freed_per_year: Estimate | None
    police_time_freed: PoliceTime | None = None
    police_teams: list[str] = []  # the city's teams with role = "police"
    utilization: dict[str, TeamUse]
    response_eligible: ResponseChange
    response_all: ResponseChange
    cost_per_year: CostChange
    cost_per_program_call: Estimate
    program_budget: AnnualBudget | None = None  # FTEs and budget lines of the program's team
    other_call_types: dict[str, int] = {}  # largest raw call types in the catch-all category
    per_1000_calls: Normalized
    per_100k_residents: Normalized | None
    warnings: list[str] = []
    not_applicable: dict[str, str] = {}
    baseline: Summary
    with_program: Summary


class Comparison(BaseModel):
    """``sim compare`` results: a program applied to each of several cities."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["compare"] = "compare"
    program: str
    program_description: str | None = None
    responder: str
    cities: list[CityComparison] = Field(min_length=1)


__all__ = [
    "AnnualBudget",
    "CityComparison",
    "Comparison",
    "CostChange",
    "Estimate",
    "Normalized",
    "PoliceTime",
    "ResponseChange",
    "TeamUse",
]
