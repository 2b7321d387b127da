"""Least-cost staffing of one team in staffable shifts that still meets service targets.

A plan is a number of crews on each allowed shift (:mod:`sim.optimize.shifts`); the units on
duty in each block follow from it. The search starts from queueing theory — each block's
need by Erlang C (:mod:`sim.optimize.blocks`), covered by the cheapest set of shifts — then
simulation refines it, every plan run through the replication pipeline with the same seed so
that comparisons between plans are paired (common random numbers):

1. while a target fails, add the shift whose crew helps most;
2. then, while the targets hold, remove a crew or move one to a shorter shift (same start or
   same end), taking the cheapest change that keeps every target.

A target is a registered measure (:mod:`sim.measures`), a bound, and either "on average" or
"in at least this share of replications". By default a plan meets it when the estimate does;
``strict`` asks for the 95% interval to clear the bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.errors import SimError
from sim.optimize.blocks import BlockLoad, Blocks, analytic_units, block_loads
from sim.optimize.shifts import ShiftRules, apply_shifts
from sim.optimize.targets import OptimizeError, Target, TargetCheck
from sim.pipeline.executors import Executor
from sim.pipeline.runs import Arm, outcomes_by_arm
from sim.pipeline.work import Outcome
from sim.scenario import Scenario

CANDIDATES_PER_STEP = 6  # shifts tried per step when each day is planned separately
MAX_STEPS = 200
STALL_STEPS = 3  # add steps without a real gain before the search gives up


@dataclass(frozen=True)
class Evaluation:
    """A plan simulated over every replication: targets, cost per year."""

    units: tuple[int, ...]  # units on duty in each block
    checks: tuple[TargetCheck, ...]
    cost_per_year: float
    team_cost_per_year: float
    strict: bool = False

    @property
    def valid(self) -> bool:
        """False for a plan that is not a valid scenario (e.g. calls no unit could serve)."""
        return bool(self.checks)

    @property
    def feasible(self) -> bool:
        held = (c.shown if self.strict else c.ok for c in self.checks)
        return self.valid and all(held)

    def _margins(self) -> list[float]:
        return [c.sure_margin if self.strict else c.margin for c in self.checks]

    @property
    def deficit(self) -> float:
        return sum(max(0.0, -m) for m in self._margins()) if self.valid else math.inf

    @property
    def slack(self) -> float:
        return min(self._margins()) if self.valid else -math.inf


def _evaluation(
    scn: Scenario,
    units: tuple[int, ...],
    reps: list[Outcome],
    targets: Sequence[Target],
    team: str,
    strict: bool,
) -> Evaluation:
    checks = []
    for t in targets:
        m = t.resolve(scn)
        checks.append(TargetCheck.of(t, [m.read(r.summary) for r in reps], m.bounds))
    cost = float(np.mean([r.summary.cost.per_year for r in reps]))
    team_cost = float(np.mean([r.summary.teams[team].cost_per_year for r in reps]))
    return Evaluation(units, tuple(checks), cost, team_cost, strict)


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
    rules: ShiftRules | None = None
    crews: tuple[int, ...] = ()
    """Crews on each of ``rules.patterns``: the plan as shifts."""

    @property
    def shifts(self) -> str:
        """The plan's shifts in words: 'mon-sun 08:00–20:00 × 2; …'."""
        if self.rules is None:
            return "none"
        return self.rules.describe(self.crews)


class _Search:
    """Simulation of plans with memo (by the units on duty they give), batched."""

    def __init__(self, scn: Scenario, team: str, rules: ShiftRules,
                 targets: Sequence[Target], executor: Executor, strict: bool,
                 on_outcome: Callable[[Outcome], None] | None = None) -> None:  # fmt: skip
        self.scn, self.team, self.rules, self.targets = scn, team, rules, targets
        self.executor, self.strict, self.on_outcome = executor, strict, on_outcome
        self.seen: dict[tuple[int, ...], Evaluation] = {}

    def evaluate(self, plans: Sequence[tuple[int, ...]]) -> list[Evaluation]:
        """Each plan (crews per shift) simulated once per distinct staffing, in one batch."""
        arms = {}
        for crews in plans:
            units = self.rules.coverage(crews)
            if units in self.seen or units in arms:
                continue
            try:
                scn = apply_shifts(self.scn, self.team, self.rules, crews)
                arms[units] = Arm(_plan(units), scn)
            except SimError:  # e.g. no unit ever on duty for calls that need this team
                self.seen[units] = Evaluation(units, (), math.inf, math.inf, self.strict)
        outcomes = outcomes_by_arm(list(arms.values()), self.executor, self.on_outcome)
        for units, arm in arms.items():
            self.seen[units] = _evaluation(
                self.scn, units, outcomes[arm.name], self.targets, self.team, self.strict
            )
        return [self.seen[self.rules.coverage(crews)] for crews in plans]


def optimize(
    scn: Scenario,
    team: str,
    targets: Sequence[Target],
    executor: Executor,
    *,
    blocks: Blocks | None = None,
    rules: ShiftRules | None = None,
    max_units: int = 50,
    start: Sequence[int] | None = None,
    strict: bool = False,
    log: Callable[[str], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> OptimizeResult:
    """The least-cost shifts for ``team`` meeting every target (see the module docstring).

    ``rules`` gives the shifts a plan may use (by default 8 to 12 hours, in whole blocks);
    ``start`` the units per block to start from instead of the analytic need.
    """
    rules = rules or ShiftRules.default(blocks or Blocks())
    blocks = rules.blocks
    check_inputs(scn, team, targets)
    say = log or (lambda _: None)
    loads = block_loads(scn, team, blocks)
    if start is None:
        need = tuple(min(max_units, analytic_units(scn, team, ld, targets)) for ld in loads)
    else:
        if len(start) != blocks.count():
            raise OptimizeError(f"start has {len(start)} blocks, expected {blocks.count()}")
        need = tuple(int(u) for u in start)
    search = _Search(scn, team, rules, targets, executor, strict, on_outcome)
    crews = rules.cheapest_cover(need)
    x = search.evaluate([crews])[0]
    steps = [f"start {rules.describe(crews)} ({_plan(x.units)}): {_verdict(x)}"]
    say(steps[-1])
    occupancy = np.array([ld.erlangs for ld in loads])
    n = len(rules.patterns)
    k = n if not blocks.by_day else min(CANDIDATES_PER_STEP, n)
    history = [x.deficit]
    while not x.feasible:
        stalled = len(history) > STALL_STEPS and history[-STALL_STEPS - 1] - x.deficit < 0.005
        grow = [p for p in _by_pressure(rules, x.units, occupancy)
                if max(rules.coverage(_bump(crews, p, +1))) <= max_units]  # fmt: skip
        if not grow or stalled or len(steps) > MAX_STEPS:
            raise _unreachable(x, team, max_units, stalled)
        plans = [_bump(crews, p, +1) for p in grow[:k]]
        evals = search.evaluate(plans)
        i = min(range(len(plans)), key=lambda j: (evals[j].deficit, -evals[j].slack,
                                                   evals[j].cost_per_year))  # fmt: skip
        crews, x = plans[i], evals[i]
        history.append(x.deficit)
        steps.append(f"add → {rules.describe(crews)} ({_plan(x.units)}): {_verdict(x)}")
        say(steps[-1])
    while True:
        plans = _smaller(rules, crews)
        evals = search.evaluate(plans)
        fine = [j for j, e in enumerate(evals) if e.feasible]
        if not fine:
            break
        i = min(fine, key=lambda j: (evals[j].cost_per_year, -evals[j].slack))
        crews, x = plans[i], evals[i]
        steps.append(f"trim → {rules.describe(crews)} ({_plan(x.units)}): {_verdict(x)}")
        say(steps[-1])
    return OptimizeResult(
        team=team, blocks=blocks, loads=loads, start=need, best=x,
        scenario=apply_shifts(scn, team, rules, crews), evaluated=search.seen, steps=steps,
        rules=rules, crews=crews,
    )  # fmt: skip


def _by_pressure(rules: ShiftRules, units: Sequence[int], occupancy: np.ndarray) -> list[int]:
    """Shift patterns, those covering the most pressed blocks (offered load per unit) first."""
    pressure = occupancy / np.maximum(np.asarray(units, dtype=float), 0.5)
    score = (rules.cover_matrix * pressure[:, None]).max(axis=0)
    return sorted(range(len(rules.patterns)), key=lambda p: -score[p])


def _smaller(rules: ShiftRules, crews: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every plan one crew cheaper: a crew removed, or moved to a shorter shift that keeps
    its start or its end."""
    out = []
    pats = rules.patterns
    for p, n in enumerate(crews):
        if n == 0:
            continue
        out.append(_bump(crews, p, -1))
        a = pats[p]
        for q, b in enumerate(pats):
            if b.day != a.day or b.blocks >= a.blocks:
                continue
            same_end = (b.start + b.blocks - a.start - a.blocks) % rules.blocks.per_day == 0
            if b.start == a.start or same_end:
                out.append(_bump(_bump(crews, p, -1), q, +1))
    return out


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


def _bump(crews: tuple[int, ...], p: int, d: int) -> tuple[int, ...]:
    return (*crews[:p], crews[p] + d, *crews[p + 1 :])


def _plan(units: Sequence[int]) -> str:
    return "/".join(map(str, units))


def _verdict(e: Evaluation) -> str:
    if not e.valid:
        return "not a valid scenario"
    met = "meets the targets" if e.feasible else "misses a target"
    return f"{met}, ${e.cost_per_year:,.0f} per year"


__all__ = ["Evaluation", "OptimizeResult", "check_inputs", "optimize"]
