"""Program budgets: a team's shift plan turned into people (FTEs) and an itemised annual budget.

This module is the one place for the formulas. A program template's ``[budget]`` table gives
the crew of each unit, wages, a relief factor and the program's fixed costs;
:func:`team_rates` turns them into the ``cost_per_unit_hour`` and ``fixed_cost_per_year`` the
simulation charges, and :func:`annual_budget` into FTEs per role and budget lines for a shift
plan. Both rest on the same linear formula, so the simulated cost of the planned hours and
the budget cannot disagree::

    cost per unit-hour = (1 + overhead) × Σ_roles per_unit × relief × (wage × (1 + benefits)
                                                                        + training / paid hours)
    fixed per year     = (1 + overhead) × (vehicles + supervision × (1 + benefits) + housing
                                           + liability insurance + other lines)
    FTE of a role      = unit-hours on duty per year × per_unit × relief ÷ paid hours per FTE

Everything is per year (365 days: 365/7 weeks of the weekly shift plan). The simulation also
prices overtime (calls running past a shift's end) at the team's ``overtime_factor``; a budget
is the planned hours only.

Also here, for reports: cost per call answered (:func:`cost_per_call`) and police time freed
in hours, officer FTEs and dollars (:func:`police_time_freed`).

```toml
[budget]                           # the full format: README.md, "Program budgets"
vehicles = { count = 3, cost_per_year_each = 28700 }
[budget.crew.medic]                # people in each unit on duty, one table per role
per_unit = 1
hourly_wage = 22.0                 # or annual_salary = 45760
[budget.supervision.coordinator]   # staff off the units: FTEs given, not derived
fte = 2
annual_salary = 60000
```
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

if TYPE_CHECKING:  # a team carries its budget (sim.scenario imports this module)
    from sim.scenario import Team

# Relief factor: paid hours ÷ hours actually available for duty, so that FTEs = hours to cover ×
# relief ÷ paid hours. Published planning figures for full-time staff on 2,080 paid hours:
#   U.S. Social Security Administration, Program Operations Manual System DI 39503.230
#   ("work-year"): 2,080 h less 303.5 h of holidays, sick, annual and administrative leave =
#   1,776.5 productive hours → 2,080 / 1,776.5 = 1.17;
#   U.S. Army Military Police School, subcourse MP1000 (security-force staffing, civil-service
#   employees): 2,080 h less 344 h (20 days annual leave, 10 holidays, 13 days sick leave) =
#   1,736 h → 2,080 / 1,736 = 1.198.
# Neither counts training; 1.20 rounds the second. A program with 40 hours of refresher
# training a year per person would use 2,080 / 1,696 = 1.23. Replace with the program's own.
DEFAULT_RELIEF_FACTOR = 1.20
PAID_HOURS_PER_FTE = 2080.0  # 40 hours × 52 weeks
# Benefits as a share of wages: U.S. Bureau of Labor Statistics, Employer Costs for Employee
# Compensation, December 2023 (USDL-24-0485), private industry, per hour worked: wages $30.33;
# insurance $3.14 + retirement and savings $1.50 + legally required benefits $3.17 = $7.81,
# i.e. 0.26 of wages. Paid leave ($3.26) is left out because the relief factor already pays
# for leave, and supplemental pay ($1.71: overtime, bonuses) because the simulation prices
# overtime itself. State and local government employers pay more (benefits of all kinds
# $23.03 on wages of $37.53 in the same release).
DEFAULT_BENEFITS_RATE = 0.26
DAYS_PER_YEAR = 365.0
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _plain_number(value: Any) -> Any:
    """Refuse true/false, nan and inf where a number belongs (pydantic would take them)."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


Number = Annotated[float, BeforeValidator(_plain_number)]
Count = Annotated[int, BeforeValidator(_plain_number)]
Money = Annotated[float, BeforeValidator(_plain_number), Field(ge=0)]


class Pay(BaseModel):
    """What one person of a role is paid: an hourly wage or an annual salary, not both."""

    model_config = _FROZEN
    hourly_wage: Money | None = None
    annual_salary: Money | None = None
    qualifications: str | None = None  # free text for the report: licences, experience

    @model_validator(mode="after")
    def _one_wage(self) -> Pay:
        if (self.hourly_wage is None) == (self.annual_salary is None):
            raise ValueError("give hourly_wage ($ per paid hour) or annual_salary, one of them")
        return self

    def hourly(self, paid_hours_per_fte: float) -> float:
        """Wage per paid hour (an annual salary spread over the paid hours of one FTE)."""
        if self.hourly_wage is not None:
            return self.hourly_wage
        assert self.annual_salary is not None  # the validator guarantees one of them
        return self.annual_salary / paid_hours_per_fte


class CrewRole(Pay):
    """People of one role in every unit on duty (e.g. one medic and one crisis worker)."""

    per_unit: Count = Field(ge=1, le=10)


class StaffRole(Pay):
    """Positions off the units (supervisors, coordinators): FTEs given, not derived."""

    fte: Number = Field(gt=0)

    def wages_per_year(self, paid_hours_per_fte: float) -> float:
        return self.fte * self.hourly(paid_hours_per_fte) * paid_hours_per_fte


class Vehicles(BaseModel):
    """The program's vehicles, spares included, and what each costs a year."""

    model_config = _FROZEN
    count: Count = Field(ge=0)
    cost_per_year_each: Money  # lease or depreciation, fuel, maintenance, insurance


class Budget(BaseModel):
    """The ``[budget]`` table of a program template (all money per year unless named)."""

    model_config = _FROZEN
    crew: dict[str, CrewRole] = Field(min_length=1)
    relief_factor: Number = Field(default=DEFAULT_RELIEF_FACTOR, ge=1, le=3)
    paid_hours_per_fte: Number = Field(default=PAID_HOURS_PER_FTE, gt=0, le=8760)
    benefits_rate: Number = Field(default=DEFAULT_BENEFITS_RATE, ge=0, le=2)
    overhead_rate: Number = Field(default=0.0, ge=0, le=1)
    training_per_fte: Money = 0.0
    vehicles: Vehicles | None = None
    supervision: dict[str, StaffRole] = {}
    housing_per_year: Money = 0.0
    liability_insurance_per_year: Money = 0.0
    other_per_year: dict[str, Money] = {}

    def crew_per_unit(self) -> int:
        """People in one unit on duty."""
        return sum(role.per_unit for role in self.crew.values())


class TeamRates(BaseModel):
    """The two cost figures a scenario's team carries, derived from a budget."""

    model_config = _FROZEN
    cost_per_unit_hour: float
    fixed_cost_per_year: float


class RoleStaffing(BaseModel):
    """One role of the workforce: hours, FTEs and wages per year."""

    model_config = _FROZEN
    role: str
    per_unit: float | None  # people per unit on duty; None for positions off the units
    on_duty_hours_per_year: float | None  # person-hours on duty; None off the units
    fte: float
    hourly_wage: float
    wages_per_year: float
    qualifications: str | None
    not_applicable: dict[str, str] = {}  # why a figure is None (sim.applicable)

    @model_validator(mode="before")
    @classmethod
    def _explained(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("per_unit") is None and "not_applicable" not in data:
            why = "a position off the units: FTEs given, not derived from hours on duty"
            data = {**data, "not_applicable": {"per_unit": why, "on_duty_hours_per_year": why}}
        return data


class BudgetLine(BaseModel):
    """One line of the annual budget: what, how it was reckoned, dollars per year."""

    model_config = _FROZEN
    item: str
    basis: str
    per_year: float


class AnnualBudget(BaseModel):
    """A team's workforce and itemised budget for one shift plan, per year."""

    model_config = _FROZEN
    team: str
    unit_hours_per_year: float
    peak_units: int
    staffing: tuple[RoleStaffing, ...]
    crew_fte: float
    total_fte: float
    lines: tuple[BudgetLine, ...]
    total_per_year: float
    rates: TeamRates
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------- formulas


def unit_hours_per_year(team: Team) -> float:
    """Unit-hours on duty in a year of the team's weekly shift plan (365 days)."""
    return float(team.on_duty().sum()) / 60 * WEEKS_PER_YEAR


def fte(on_duty_hours_per_year: float, relief_factor: float, paid_hours_per_fte: float) -> float:
    """Full-time equivalents needed to cover hours on duty, with relief for time off duty."""
    return on_duty_hours_per_year * relief_factor / paid_hours_per_fte


def _crew_hourly(budget: Budget) -> tuple[float, float, float]:
    """Per unit-hour on duty: (crew wages, benefits on them, training), before overhead."""
    relief, paid = budget.relief_factor, budget.paid_hours_per_fte
    wages = sum(r.per_unit * relief * r.hourly(paid) for r in budget.crew.values())
    training = budget.crew_per_unit() * relief / paid * budget.training_per_fte
    return wages, wages * budget.benefits_rate, training


def _supervision_lines(budget: Budget) -> list[BudgetLine]:
    """Wages of the positions off the units (their benefits are in the benefits line)."""
    paid = budget.paid_hours_per_fte
    return [
        BudgetLine(item=f"wages: {name}",
                   basis=f"{s.fte:g} FTE × ${s.hourly(paid) * paid:,.0f}",
                   per_year=s.wages_per_year(paid))
        for name, s in budget.supervision.items()
    ]  # fmt: skip


def _other_fixed_lines(budget: Budget) -> list[BudgetLine]:
    """Vehicles, housing, insurance and the named lines: given, not derived from shifts."""
    lines = []
    if budget.vehicles is not None:
        v = budget.vehicles
        lines.append(BudgetLine(item="vehicles", basis=f"{v.count} × ${v.cost_per_year_each:,.0f}",
                                per_year=v.count * v.cost_per_year_each))  # fmt: skip
    for item, amount in (("program housing", budget.housing_per_year),
                         ("liability insurance", budget.liability_insurance_per_year),
                         *budget.other_per_year.items()):  # fmt: skip
        if amount:
            lines.append(BudgetLine(item=item, basis="given", per_year=amount))
    return lines


def team_rates(budget: Budget) -> TeamRates:
    """``cost_per_unit_hour`` and ``fixed_cost_per_year`` for the team the budget staffs."""
    overhead = 1 + budget.overhead_rate
    wages, benefits, training = _crew_hourly(budget)
    supervision = sum(line.per_year for line in _supervision_lines(budget))
    fixed = supervision * (1 + budget.benefits_rate)
    fixed += sum(line.per_year for line in _other_fixed_lines(budget))
    return TeamRates(
        cost_per_unit_hour=overhead * (wages + benefits + training),
        fixed_cost_per_year=overhead * fixed,
    )


def _staffing(budget: Budget, unit_hours: float) -> list[RoleStaffing]:
    relief, paid = budget.relief_factor, budget.paid_hours_per_fte
    crew = [
        RoleStaffing(
            role=name,
            per_unit=r.per_unit,
            on_duty_hours_per_year=unit_hours * r.per_unit,
            fte=fte(unit_hours * r.per_unit, relief, paid),
            hourly_wage=r.hourly(paid),
            wages_per_year=unit_hours * r.per_unit * relief * r.hourly(paid),
            qualifications=r.qualifications,
        )
        for name, r in budget.crew.items()
    ]
    staff = [
        RoleStaffing(
            role=name,
            per_unit=None,
            on_duty_hours_per_year=None,
            fte=s.fte,
            hourly_wage=s.hourly(paid),
            wages_per_year=s.wages_per_year(paid),
            qualifications=s.qualifications,
        )
        for name, s in budget.supervision.items()
    ]
    return crew + staff


def annual_budget(budget: Budget, team: Team, name: str = "program") -> AnnualBudget:
    """FTEs per role and the itemised budget of ``team``'s shift plan, per year.

    The total equals ``cost_per_unit_hour × unit_hours_per_year + fixed_cost_per_year`` of
    :func:`team_rates`: the budget of the planned hours, without overtime.
    """
    hours = unit_hours_per_year(team)
    staffing = _staffing(budget, hours)
    crew = [s for s in staffing if s.per_unit is not None]
    crew_fte = sum(s.fte for s in crew)
    lines = [
        BudgetLine(item=f"wages: {s.role}",
                   basis=f"{s.fte:.1f} FTE × {budget.paid_hours_per_fte:,.0f} h × "
                         f"${s.hourly_wage:,.2f}/h",
                   per_year=s.wages_per_year)
        for s in crew
    ]  # fmt: skip
    lines += _supervision_lines(budget)
    wages = sum(s.wages_per_year for s in staffing)
    lines.append(
        BudgetLine(
            item="benefits",
            basis=f"{budget.benefits_rate:.0%} of wages ${wages:,.0f}",
            per_year=wages * budget.benefits_rate,
        )
    )
    if budget.training_per_fte:
        lines.append(BudgetLine(item="training",
                                basis=f"{crew_fte:.1f} crew FTE × ${budget.training_per_fte:,.0f}",
                                per_year=crew_fte * budget.training_per_fte))  # fmt: skip
    lines += _other_fixed_lines(budget)
    direct = sum(line.per_year for line in lines)
    if budget.overhead_rate:
        lines.append(BudgetLine(item="overhead",
                                basis=f"{budget.overhead_rate:.0%} of direct costs ${direct:,.0f}",
                                per_year=direct * budget.overhead_rate))  # fmt: skip
    return AnnualBudget(
        team=name,
        unit_hours_per_year=hours,
        peak_units=team.max_units(),
        staffing=tuple(staffing),
        crew_fte=crew_fte,
        total_fte=crew_fte + sum(s.fte for s in budget.supervision.values()),
        lines=tuple(lines),
        total_per_year=sum(line.per_year for line in lines),
        rates=team_rates(budget),
        notes=tuple(_notes(budget, team)),
    )


def _notes(budget: Budget, team: Team) -> list[str]:
    peak = team.max_units()
    if budget.vehicles is not None and budget.vehicles.count < peak:
        return [f"{budget.vehicles.count} vehicles for a peak of {peak} units on duty"]
    return []


# ------------------------------------------------------------------- figures for reports


def cost_per_call(cost_per_year: float, calls_per_year: float) -> float | None:
    """Cost per call answered; None (not applicable) when no call was answered."""
    return cost_per_year / calls_per_year if calls_per_year > 0 else None


class PoliceTimeFreed(BaseModel):
    """Police time a program frees, per year, in the units a council asks about."""

    model_config = _FROZEN
    unit_hours_per_year: float  # police unit-hours no longer spent on calls
    officer_hours_per_year: float  # × officers per unit
    officer_fte: float  # officers' worth of on-duty time, with relief
    dollars_per_year: float  # at the city's own police cost per unit-hour


def police_time_freed(
    unit_hours_per_year: float,
    police_cost_per_unit_hour: float,
    *,
    officers_per_unit: float = 1.0,
    relief_factor: float = DEFAULT_RELIEF_FACTOR,
    paid_hours_per_fte: float = PAID_HOURS_PER_FTE,
) -> PoliceTimeFreed:
    """Police unit-hours freed a year as officer hours, officer FTEs and dollars.

    The dollars value the freed time at what the city pays for a police unit-hour (the city
    scenario's ``cost_per_unit_hour``); they are time available for other work, not cash
    saved, unless the city staffs fewer officers.
    """
    officer_hours = unit_hours_per_year * officers_per_unit
    return PoliceTimeFreed(
        unit_hours_per_year=unit_hours_per_year,
        officer_hours_per_year=officer_hours,
        officer_fte=fte(officer_hours, relief_factor, paid_hours_per_fte),
        dollars_per_year=unit_hours_per_year * police_cost_per_unit_hour,
    )


__all__ = [
    "DEFAULT_BENEFITS_RATE",
    "DEFAULT_RELIEF_FACTOR",
    "PAID_HOURS_PER_FTE",
    "AnnualBudget",
    "Budget",
    "BudgetLine",
    "CrewRole",
    "PoliceTimeFreed",
    "RoleStaffing",
    "StaffRole",
    "TeamRates",
    "Vehicles",
    "annual_budget",
    "cost_per_call",
    "fte",
    "police_time_freed",
    "team_rates",
    "unit_hours_per_year",
]
