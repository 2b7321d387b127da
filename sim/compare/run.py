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

from sim.compare.figures import (
    Arms,
    answered_calls,
    costs_per_year,
    na_reasons,
    per_call_answered,
    police_time,
    program_budget,
)
from sim.compare.models import (
    CityComparison,
    Comparison,
    Normalized,
    ResponseChange,
    TeamUse,
)
from sim.estimates import Estimate, paired
from sim.hours_of_operation import hours_of_operation, offered_share
from sim.metrics import Summary, TimeStat, combine, mean_stat
from sim.pipeline.executors import Executor
from sim.pipeline.runs import Arm, outcomes_by_arm
from sim.pipeline.work import Collector, GroupStats, Outcome
from sim.program import Program, apply_program, eligible_categories, without_team
from sim.scenario import Scenario

POLICE = "police"
BASELINE, WITH_PROGRAM = "baseline", "with_program"


@dataclass(frozen=True)
class ProgramInfo:
    """What a comparison needs to know of a program: its name, teams and categories."""

    name: str
    responder: str
    teams: tuple[str, ...]
    categories: tuple[str, ...]  # the categories it takes (a city may lack some)
    description: str | None = None

    @classmethod
    def of(cls, program: Program) -> ProgramInfo:
        return cls(program.name, program.responder, tuple(program.teams),
                   program.program.categories, program.program.description)  # fmt: skip


@dataclass(frozen=True)
class CityPlan:
    """One city's two arms: the city as it is, and with the program in front."""

    source: str
    city: Scenario
    with_program: Scenario
    categories: list[str]
    notes: list[str]

    def arms(self, key: str, extra: tuple[Collector, ...] = ()) -> list[Arm]:
        """The baseline and the program arm, each collecting the program's categories
        (the program arm also ``extra``)."""
        group = (GroupStats(tuple(self.categories)),)
        return [Arm(f"{key}/{BASELINE}", self.city, collect=group),
                Arm(f"{key}/{WITH_PROGRAM}", self.with_program, collect=group + extra)]  # fmt: skip


def plan_city(city: Scenario, program: Program, source: str = "") -> CityPlan:
    """The city with the program applied (its notes kept as warnings), before anything runs."""
    notes: list[str] = []
    with_program = apply_program(city, program, warn=notes.append)
    return CityPlan(source, city, with_program, eligible_categories(city, program), notes)


def plan_planned(scn: Scenario, team: str, source: str = "") -> tuple[CityPlan, ProgramInfo]:
    """A planned city (its program already in it) against itself without the program's team.

    The program's categories are the calls from the public offered to the team first-hand.
    """
    categories = [n for n, ct in scn.call_types.items()
                  if ct.is_public and offered_share(ct, team) > 0]  # fmt: skip
    t = scn.teams[team]
    info = ProgramInfo(t.program or f"team '{team}'", team, (team,), tuple(categories), t.label)
    return CityPlan(source, without_team(scn, team), scn, categories, []), info


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
    program: Program | ProgramInfo,
    executor: Executor | None = None,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Comparison:
    """Run the planned cities' arms and pair them (see :func:`compare`)."""
    info = program if isinstance(program, ProgramInfo) else ProgramInfo.of(program)
    done = outcomes_by_arm(all_arms(plans), executor, on_outcome)
    return comparison(plans, info, done)


def comparison(
    plans: Sequence[CityPlan], info: ProgramInfo, done: dict[str, list[Outcome]]
) -> Comparison:
    """The comparison from the finished arms of every city (keyed as :func:`all_arms`)."""
    results = [
        city_result(p, info, done[f"{i}/{BASELINE}"], done[f"{i}/{WITH_PROGRAM}"])
        for i, p in enumerate(plans)
    ]
    return Comparison(program=info.name, program_description=info.description,
                      responder=info.responder, cities=results)  # fmt: skip


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


def city_result(
    plan: CityPlan, program: ProgramInfo, base_outcomes: list[Outcome], outcomes: list[Outcome]
) -> CityComparison:
    """One city's figures from the outcomes of its two arms, in replication order."""
    pairs = _Pairs.of(base_outcomes, outcomes)
    city, with_program, categories = plan.city, plan.with_program, plan.categories
    name, notes = with_program.scenario.name, list(plan.notes)
    base, prog = combine(city, pairs.baseline), combine(with_program, pairs.with_program)
    arms = Arms(pairs.baseline, pairs.with_program)
    calls_per_year = {k: ct.calls_per_year for k, ct in base.call_types.items()}
    total = base.calls_per_year
    eligible = sum(calls_per_year[c] for c in categories)
    applies = eligible > 0
    answered, sample = answered_calls(arms, program.responder)
    police = city.teams_with_role(POLICE)  # by role, never by a team's name
    freed, time = police_time(city, arms, police) if police and applies else (None, None)
    if not police:
        notes.append(
            f'{name}: no team has role = "police", so police unit-hours freed is left out; '
            'give its police team role = "police"'
        )
    program_teams = list(program.teams)
    cost = costs_per_year(base, prog, arms, program_teams, applies)
    per_call = per_call_answered(arms, program_teams, program.responder, sample)
    hours = hours_of_operation(with_program, program.responder).share_inside_hours
    shown = (answered.mean, freed.mean if freed else None, cost.program.mean)
    if not applies:
        answered, per_call, hours, shown = (
            Estimate(mean=None),
            Estimate(mean=None),
            None,
            (None,) * 3,
        )
    population = city.scenario.population
    warnings = notes + [f"{name}, baseline: {w}" for w in base.warnings]
    warnings += [f"{name} with {program.name}: {w}" for w in prog.warnings]
    reasons = na_reasons(name, program.name, program.categories, categories if
                              applies else [], sample, bool(police))  # fmt: skip
    if population is None:
        reasons["per_100k_residents"] = f"{name} gives no population (scenario.population)"
    for t in program.teams:
        reasons[f"utilization.{t}.baseline"] = "a team of the program: not in the baseline"
    return CityComparison(
        city=name, source=plan.source, population=population,
        replications=city.scenario.replications, seed=city.scenario.seed,
        days=city.scenario.days, warmup_days=city.scenario.warmup_days,
        calls_per_year=calls_per_year, total_calls_per_year=total,
        eligible_categories=categories, eligible_calls_per_year=eligible,
        eligible_share=eligible / total if total else None,
        program_calls_per_year=answered, program_sample_calls=sample,
        program_share_of_eligible=(
            answered.mean / eligible if applies and answered.mean is not None else None
        ),
        eligible_share_inside_program_hours=hours,
        police_unit_hours_freed_per_year=freed, police_time_freed=time, police_teams=police,
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
        cost_per_year=cost, cost_per_program_call=per_call,
        program_budget=program_budget(with_program, program.responder),
        other_call_types=_raw_types(city),
        per_1000_calls=_scaled(total, shown, 1000 / total if total else 0.0),
        per_100k_residents=_scaled(total, shown, 1e5 / population) if population else None,
        warnings=warnings, not_applicable=reasons, baseline=base, with_program=prog,
    )  # fmt: skip


def _raw_types(city: Scenario) -> dict[str, int]:
    """The largest raw call types the fit recorded (in the catch-all category), largest first."""
    found: dict[str, int] = {}
    for ct in city.call_types.values():
        found.update(ct.raw_call_types)
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


def _scaled(total: float, figures: tuple[float | None, ...], factor: float) -> Normalized:
    answered, freed, cost = (None if v is None else v * factor for v in figures)
    return Normalized(
        calls=total * factor, program_calls=answered, police_unit_hours_freed=freed,
        program_cost=cost,
    )  # fmt: skip


__all__ = [
    "POLICE",
    "CityPlan",
    "ProgramInfo",
    "all_arms",
    "city_result",
    "compare",
    "compare_city",
    "compare_plans",
    "comparison",
    "plan_city",
    "plan_planned",
]
