"""City comparisons through the replication pipeline: each city paired with its baseline.

For each city the baseline (the city as its scenario describes it, police-only for the
shipped cities) and the city with the program are two arms of one batch of work, run with
the same seed. The program never changes the calls (streams are named by call type and
team), so the two arms' replication *i* see the same calls and their difference — police
unit-hours freed, change in response and cost — is measured tightly, with a paired 95%
t-interval over replications. Every city's arms go to the executor together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sim.compare.models import (
    CityComparison,
    Comparison,
    CostChange,
    Normalized,
    ResponseChange,
    TeamUse,
)
from sim.estimates import Estimate, estimate, paired
from sim.metrics import Summary, TimeStat, combine, mean_stat
from sim.pipeline.executors import Executor
from sim.pipeline.runs import Arm, outcomes_by_arm
from sim.pipeline.work import GroupStats, Outcome
from sim.program import Program, apply_program, eligible_categories
from sim.scenario import Scenario

POLICE = "police"
DAYS_PER_YEAR = 365.0
BASELINE, WITH_PROGRAM = "baseline", "with_program"


@dataclass(frozen=True)
class CityPlan:
    """One city's two arms: the city as it is, and with the program in front."""

    source: str
    city: Scenario
    with_program: Scenario
    categories: list[str]
    notes: list[str]

    def arms(self, key: str) -> list[Arm]:
        """The baseline and the program arm, each collecting the program's categories."""
        group = (GroupStats(tuple(self.categories)),)
        return [Arm(f"{key}/{BASELINE}", self.city, collect=group),
                Arm(f"{key}/{WITH_PROGRAM}", self.with_program, collect=group)]  # fmt: skip


def plan_city(city: Scenario, program: Program, source: str = "") -> CityPlan:
    """The city with the program applied (its notes kept as warnings), before anything runs."""
    notes: list[str] = []
    with_program = apply_program(city, program, warn=notes.append)
    return CityPlan(source, city, with_program, eligible_categories(city, program), notes)


@dataclass
class _Pairs:
    """Per-replication values of the two arms, in replication order."""

    baseline: list[Summary] = field(default_factory=list)
    with_program: list[Summary] = field(default_factory=list)
    eligible_base: list[TimeStat] = field(default_factory=list)
    eligible_prog: list[TimeStat] = field(default_factory=list)

    @classmethod
    def of(cls, base: list[Outcome], prog: list[Outcome]) -> _Pairs:
        return cls(
            [o.summary for o in base],
            [o.summary for o in prog],
            [o.extras["group"].response_min for o in base],
            [o.extras["group"].response_min for o in prog],
        )


def all_arms(plans: Sequence[CityPlan]) -> list[Arm]:
    """Both arms of every city, keyed by the city's position."""
    return [arm for i, p in enumerate(plans) for arm in p.arms(str(i))]


def compare(
    cities: Sequence[tuple[str, Scenario]],
    program: Program,
    executor: Executor | None = None,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Comparison:
    """Compare each (source, city) with and without the program, all cities in one batch."""
    plans = [plan_city(city, program, source) for source, city in cities]
    return compare_plans(plans, program, executor, on_outcome=on_outcome)


def compare_plans(
    plans: Sequence[CityPlan],
    program: Program,
    executor: Executor | None = None,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Comparison:
    """Run the planned cities' arms and pair them (see :func:`compare`)."""
    done = outcomes_by_arm(all_arms(plans), executor, on_outcome)
    results = [
        _city_result(p, program, _Pairs.of(done[f"{i}/{BASELINE}"], done[f"{i}/{WITH_PROGRAM}"]))
        for i, p in enumerate(plans)
    ]
    return Comparison(
        program=program.name,
        program_description=program.program.description,
        responder=program.responder,
        cities=results,
    )


def compare_city(
    city: Scenario, program: Program, *, source: str = "", executor: Executor | None = None
) -> CityComparison:
    """One city with and without the program (see :func:`compare`)."""
    return compare([(source, city)], program, executor).cities[0]


def _response(base: list[TimeStat], prog: list[TimeStat]) -> ResponseChange:
    return ResponseChange(
        baseline=mean_stat(base),
        with_program=mean_stat(prog),
        change_mean=paired([s.mean for s in base], [s.mean for s in prog]),
    )


def _city_result(plan: CityPlan, program: Program, pairs: _Pairs) -> CityComparison:
    city, with_program, categories = plan.city, plan.with_program, plan.categories
    source, notes = plan.source, list(plan.notes)
    base, prog = combine(city, pairs.baseline), combine(with_program, pairs.with_program)
    per_year = DAYS_PER_YEAR / city.measured_days()
    calls_per_year = {k: ct.calls * per_year for k, ct in base.call_types.items()}
    total = base.calls * per_year
    eligible = sum(calls_per_year[c] for c in categories)
    program_teams = list(program.teams)
    answered = estimate([s.teams[program.responder].calls * per_year for s in pairs.with_program])
    police = city.teams_with_role(POLICE)  # by role, never by a team's name
    freed = None
    if police:
        freed = paired(
            [
                sum(s.teams[t].busy_unit_hours for t in police) * per_year
                for s in pairs.with_program
            ],
            [sum(s.teams[t].busy_unit_hours for t in police) * per_year for s in pairs.baseline],
        )
    else:
        notes.append(
            f'{city.scenario.name}: no team has role = "police", so police unit-hours freed '
            'is left out; give its police team role = "police"'
        )
    program_cost = estimate(
        [sum(s.teams[t].cost for t in program_teams) * per_year for s in pairs.with_program]
    )
    cost = CostChange(
        baseline=Estimate(mean=base.cost.per_year, ci95=base.cost.per_year_ci95),
        with_program=Estimate(mean=prog.cost.per_year, ci95=prog.cost.per_year_ci95),
        program=program_cost,
        change=paired(
            [s.cost.per_year for s in pairs.baseline], [s.cost.per_year for s in pairs.with_program]
        ),
    )
    per_call = (
        program_cost.mean / answered.mean
        if program_cost.mean is not None and answered.mean
        else None
    )
    figures = (answered.mean, freed.mean if freed else None, program_cost.mean)
    population = city.scenario.population
    name = city.scenario.name
    warnings = notes + [f"{name}, baseline: {w}" for w in base.warnings]
    warnings += [f"{name} with {program.name}: {w}" for w in prog.warnings]
    return CityComparison(
        city=city.scenario.name,
        source=source,
        population=population,
        replications=city.scenario.replications,
        seed=city.scenario.seed,
        days=city.scenario.days,
        warmup_days=city.scenario.warmup_days,
        calls_per_year=calls_per_year,
        total_calls_per_year=total,
        eligible_categories=categories,
        eligible_share=eligible / total if total else None,
        program_calls_per_year=answered,
        program_share_of_eligible=(
            answered.mean / eligible if eligible and answered.mean is not None else None
        ),
        police_unit_hours_freed_per_year=freed,
        police_teams=police,
        utilization={
            t: TeamUse(
                baseline=base.teams[t].utilization if t in base.teams else None,
                with_program=prog.teams[t].utilization,
            )
            for t in with_program.team_names
        },
        response_eligible=_response(pairs.eligible_base, pairs.eligible_prog),
        response_all=_response(
            [s.response_min for s in pairs.baseline], [s.response_min for s in pairs.with_program]
        ),
        cost_per_year=cost,
        cost_per_program_call=per_call,
        per_1000_calls=_scaled(total, figures, 1000 / total if total else 0.0),
        per_100k_residents=_scaled(total, figures, 1e5 / population) if population else None,
        warnings=warnings,
        baseline=base,
        with_program=prog,
    )


def _scaled(total: float, figures: tuple[float | None, ...], factor: float) -> Normalized:
    answered, freed, cost = (None if v is None else v * factor for v in figures)
    return Normalized(
        calls=total * factor, program_calls=answered, police_unit_hours_freed=freed,
        program_cost=cost,
    )  # fmt: skip


__all__ = [
    "POLICE",
    "CityPlan",
    "all_arms",
    "compare",
    "compare_city",
    "compare_plans",
    "plan_city",
]
