"""Least-cost staffing of one team by shift block that still meets service targets.

The search starts from queueing theory (:mod:`sim.optimize.blocks`), then simulation refines
it, every plan run through the replication pipeline with the same seed so that comparisons
between plans are paired (common random numbers):

1. while a target fails, add a unit to the block whose addition helps most;
2. then, while the targets hold, remove a unit from the block whose removal leaves the most
   slack, trying blocks in order of their analytic spare capacity.

A target is a registered measure (:mod:`sim.measures`), a bound, and either "on average" or
"in at least this share of replications".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.errors import SimError
from sim.optimize.blocks import BlockLoad, Blocks, analytic_units, apply_plan, block_loads
from sim.optimize.targets import OptimizeError, Target, TargetCheck
from sim.pipeline.executors import Executor
from sim.pipeline.runs import Arm, outcomes_by_arm
from sim.pipeline.work import Outcome
from sim.scenario import Scenario

CANDIDATES_PER_STEP = 6  # blocks tried per step; all of them when planning the same day
MAX_STEPS = 200
STALL_STEPS = 3  # add steps without a real gain before the search gives up


@dataclass(frozen=True)
class Evaluation:
    """A plan simulated over every replication: targets, cost per year."""

    units: tuple[int, ...]
    checks: tuple[TargetCheck, ...]
    cost_per_year: float
    team_cost_per_year: float

    @property
    def valid(self) -> bool:
        """False for a plan that is not a valid scenario (e.g. calls no unit could serve)."""
        return bool(self.checks)

    @property
    def feasible(self) -> bool:
        return self.valid and all(c.ok for c in self.checks)

    @property
    def deficit(self) -> float:
        return sum(max(0.0, -c.margin) for c in self.checks) if self.valid else math.inf

    @property
    def slack(self) -> float:
        return min(c.margin for c in self.checks) if self.valid else -math.inf


def _evaluation(
    scn: Scenario,
    units: tuple[int, ...],
    reps: list[Outcome],
    targets: Sequence[Target],
    team: str,
) -> Evaluation:
    checks = []
    for t in targets:
        m = t.resolve(scn)
        checks.append(TargetCheck.of(t, [m.read(r.summary) for r in reps]))
    cost = float(np.mean([r.summary.cost.per_year for r in reps]))
    team_cost = float(np.mean([r.summary.teams[team].cost_per_year for r in reps]))
    return Evaluation(units, tuple(checks), cost, team_cost)


@dataclass
class OptimizeResult:
    """The cheapest plan found, where the search started, and how it got there."""

    team: str
    blocks: Blocks
    loads: list[BlockLoad]
    start: tuple[int, ...]
    best: Evaluation
    scenario: Scenario
    evaluated: dict[tuple[int, ...], Evaluation]
    steps: list[str] = field(default_factory=list)


class _Search:
    """Simulation of plans with memo, batched through an executor."""

    def __init__(
        self,
        scn: Scenario,
        team: str,
        blocks: Blocks,
        targets: Sequence[Target],
        executor: Executor,
    ) -> None:
        self.scn, self.team, self.blocks, self.targets = scn, team, blocks, targets
        self.executor = executor
        self.seen: dict[tuple[int, ...], Evaluation] = {}

    def evaluate(self, plans: Sequence[tuple[int, ...]]) -> list[Evaluation]:
        """Each plan simulated (once: evaluations are remembered), all in one batch."""
        arms = {}
        for p in dict.fromkeys(plans):
            if p in self.seen:
                continue
            try:
                arms[p] = Arm(_plan(p), apply_plan(self.scn, self.team, self.blocks, p))
            except SimError:  # e.g. no unit ever on duty for calls that need this team
                self.seen[p] = Evaluation(p, (), math.inf, math.inf)
        outcomes = outcomes_by_arm(list(arms.values()), self.executor)
        for p, arm in arms.items():
            self.seen[p] = _evaluation(self.scn, p, outcomes[arm.name], self.targets, self.team)
        return [self.seen[p] for p in plans]


def optimize(
    scn: Scenario,
    team: str,
    targets: Sequence[Target],
    executor: Executor,
    *,
    blocks: Blocks | None = None,
    max_units: int = 50,
    start: Sequence[int] | None = None,
    log: Callable[[str], None] | None = None,
) -> OptimizeResult:
    """The least-cost plan for ``team`` meeting every target (see the module docstring)."""
    blocks = blocks or Blocks()
    check_inputs(scn, team, targets)
    say = log or (lambda _: None)
    loads = block_loads(scn, team, blocks)
    if start is None:
        first = tuple(min(max_units, analytic_units(scn, team, ld, targets)) for ld in loads)
    else:
        if len(start) != blocks.count():
            raise OptimizeError(f"start has {len(start)} blocks, expected {blocks.count()}")
        first = tuple(int(u) for u in start)
    search = _Search(scn, team, blocks, targets, executor)
    x = search.evaluate([first])[0]
    steps = [f"start {_plan(first)}: {_verdict(x)}"]
    say(steps[-1])
    occupancy = [ld.erlangs for ld in loads]
    k = blocks.count() if not blocks.by_day else min(CANDIDATES_PER_STEP, blocks.count())
    history = [x.deficit]
    while not x.feasible:
        grow = [b for b in range(blocks.count()) if x.units[b] < max_units]
        stalled = len(history) > STALL_STEPS and history[-STALL_STEPS - 1] - x.deficit < 0.005
        if not grow or stalled or len(steps) > MAX_STEPS:
            raise _unreachable(x, team, max_units, stalled)
        grow.sort(key=lambda b: -occupancy[b] / max(x.units[b], 0.5))
        plans = [_bump(x.units, b, +1) for b in grow[:k]]
        x = min(search.evaluate(plans), key=lambda e: (e.deficit, -e.slack, e.cost_per_year))
        history.append(x.deficit)
        steps.append(f"add → {_plan(x.units)}: {_verdict(x)}")
        say(steps[-1])
    while True:
        shrink = [b for b in range(blocks.count()) if x.units[b] > 0]
        shrink.sort(key=lambda b: occupancy[b] / max(x.units[b] - 1, 0.5))
        plans = [_bump(x.units, b, -1) for b in shrink[:k]]
        fine = [e for e in search.evaluate(plans) if e.feasible]
        if not fine:
            break
        x = max(fine, key=lambda e: (e.slack, -e.cost_per_year))
        steps.append(f"remove → {_plan(x.units)}: {_verdict(x)}")
        say(steps[-1])
    return OptimizeResult(
        team=team,
        blocks=blocks,
        loads=loads,
        start=first,
        best=x,
        scenario=apply_plan(scn, team, blocks, x.units),
        evaluated=search.seen,
        steps=steps,
    )


def _unreachable(x: Evaluation, team: str, max_units: int, stalled: bool) -> OptimizeError:
    """Why the search gave up, naming the target that fails and how close it came."""
    worst = min(x.checks, key=lambda c: c.margin) if x.checks else None
    what = f"'{worst.target.text}'" if worst else "the targets"
    if worst is not None and worst.mean is not None:
        what += f" (best reached: {worst.mean:.3g} on average, {worst.share:.0%} of replications)"
    if stalled:
        return OptimizeError(
            f"adding units to team {team} stopped helping before meeting {what}",
            where=f"team {team}",
            hint="the target may be out of reach for this team (travel time alone, or calls "
            "it never takes); relax the target or change the response chain",
        )
    return OptimizeError(
        f"no plan with at most {max_units} units per block meets {what}",
        where=f"team {team}",
        hint="raise --max-units, relax the target, or staff another team",
    )


def check_inputs(scn: Scenario, team: str, targets: Sequence[Target]) -> None:
    """The team exists and every target names a measure (before anything runs)."""
    if team not in scn.teams:
        raise OptimizeError(
            f"'{team}' is not a team", where="--team", hint=f"teams: {', '.join(scn.teams)}"
        )
    if not targets:
        raise OptimizeError("no targets", hint="add e.g. --target 'eligible.response_min.p90<=20'")
    for t in targets:
        t.resolve(scn)


def _bump(units: tuple[int, ...], b: int, d: int) -> tuple[int, ...]:
    return (*units[:b], units[b] + d, *units[b + 1 :])


def _plan(units: Sequence[int]) -> str:
    return "/".join(map(str, units))


def _verdict(e: Evaluation) -> str:
    if not e.valid:
        return "not a valid scenario"
    met = "meets the targets" if e.feasible else "misses a target"
    return f"{met}, ${e.cost_per_year:,.0f} per year"


__all__ = ["Evaluation", "OptimizeResult", "check_inputs", "optimize"]
