"""A planned city for its report: its run, its program against no program, and other hours.

The report of a scenario whose program is already in it (a city written by ``sim program
apply``, or the demo with its vans) answers a council's questions about that program. All
of it comes from one batch of arms run with the same seed, so every difference is paired
(common random numbers):

* the scenario itself, with whatever the report collects from its records;
* the same city without the program's team (:func:`sim.program.without_team`), for the police
  time the program frees and the response it changes (:func:`sim.compare.run.city_result`);
* the program's team on other blocks of hours — round the clock and the best 8, 12 and
  16-hour windows by its calls (:func:`sim.hours_of_operation.variant_arms`).

A scenario without a program team (:func:`sim.program.program_team`) is simply run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.compare.models import CityComparison
from sim.compare.run import BASELINE, WITH_PROGRAM, ProgramInfo, city_result, plan_planned
from sim.hours_of_operation import HoursVariant, hours_variants, variant_arms
from sim.metrics import combine
from sim.pipeline.executors import Executor
from sim.pipeline.runs import Arm, RunResult, outcomes_by_arm
from sim.pipeline.work import Collector, Outcome
from sim.program import program_team
from sim.scenario import Scenario

KEY = "plan"
RUN = "run"


@dataclass(frozen=True)
class PlannedRun:
    """The scenario's own outcomes, and its program's figures where it has a program team."""

    scenario: Scenario
    result: RunResult  # the scenario's own run, with the collectors' extras
    program: ProgramInfo | None = None
    comparison: CityComparison | None = None
    hours: tuple[HoursVariant, ...] = ()


def planned_arms(scn: Scenario, collect: tuple[Collector, ...] = ()) -> list[Arm]:
    """Every arm of a planned city's report (see the module)."""
    team = program_team(scn)
    if team is None:
        return [Arm(RUN, scn, collect=collect)]
    plan, info = plan_planned(scn, team)
    arms = plan.arms(KEY, extra=collect)
    return arms + variant_arms(scn, team, info.categories)


def run_planned(
    scn: Scenario,
    executor: Executor | None = None,
    *,
    collect: tuple[Collector, ...] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
) -> PlannedRun:
    """Run a planned city's arms in one batch and put its report's figures together."""
    done = outcomes_by_arm(planned_arms(scn, collect), executor, on_outcome)
    team = program_team(scn)
    if team is None:
        return PlannedRun(scn, _result(scn, done[RUN]))
    plan, info = plan_planned(scn, team)
    base, own = done[f"{KEY}/{BASELINE}"], done[f"{KEY}/{WITH_PROGRAM}"]
    police = plan.city.teams_with_role("police")
    return PlannedRun(
        scenario=scn,
        result=_result(scn, own),
        program=info,
        comparison=city_result(plan, info, base, own),
        hours=tuple(hours_variants(scn, team, own, done, police)),
    )


def _result(scn: Scenario, outcomes: list[Outcome]) -> RunResult:
    reps = [o.summary for o in outcomes]
    return RunResult(summary=combine(scn, reps), replications=reps, outcomes=outcomes)


__all__ = ["PlannedRun", "planned_arms", "run_planned"]
