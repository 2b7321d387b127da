"""Least-cost staffing of one team by shift block that still meets service targets.

The week is cut into blocks (e.g. six 4-hour blocks, the same every day, or 42 blocks when
each day is planned separately); a plan is the number of units on duty in each block. The
search starts from queueing theory: each block's offered load (the scenario's hour-of-week
demand × rates × mean busy time) staffed by Erlang C for a waiting target, by the load over
the allowed utilization, or by square-root staffing. Simulation then refines it, every plan
run with the same seed so that comparisons between plans are paired (common random numbers):

1. while a target fails, add a unit to the block whose addition helps most;
2. then, while the targets hold, remove a unit from the block whose removal leaves the most
   slack, trying blocks in order of their analytic spare capacity.

A target is a measure of the JSON summary (or ``eligible.*`` for community-eligible calls
together), a bound, and either "on average" or "in at least this share of replications".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.console import Group
from rich.table import Table
from scipy import stats

from sim import analytic
from sim.errors import SimError
from sim.executors import Executor, Task
from sim.experiment import ReplicationResult, check_measure, measure
from sim.metrics import t_interval
from sim.scenario import (
    DAY_NAMES,
    HOURS_PER_WEEK,
    MINUTES_PER_DAY,
    Scenario,
    dumps,
    from_dict,
    to_dict,
)

CANDIDATES_PER_STEP = 6  # blocks tried per step; all of them when planning the same day
MAX_STEPS = 200
STALL_STEPS = 3  # add steps without a real gain before the search gives up


class OptimizeError(SimError):
    """Targets, blocks or a team the optimizer cannot work with."""


# ------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class Target:
    """``measure <= value`` (or ``>=``), on average or in a share of replications."""

    measure: str
    op: str
    value: float
    share: float | None = None
    text: str = ""

    def met(self, x: float | None) -> bool:
        if x is None or not math.isfinite(x):
            return False
        return x <= self.value if self.op == "<=" else x >= self.value

    def margin(self, x: float | None) -> float:
        """How far inside the bound x is, relative to the bound (negative: violated)."""
        if x is None or not math.isfinite(x):
            return -1.0
        gap = self.value - x if self.op == "<=" else x - self.value
        return gap / max(abs(self.value), 1e-9)


_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"  # 20, 0.5, .5, 1e3 — not 1.2.3
_TARGET = re.compile(
    r"^\s*([\w.]+)\s*(<=|>=|≤|≥)\s*(-?" + _NUMBER + r")\s*"
    r"(?:@\s*(" + _NUMBER + r")\s*(%?))?\s*$"
)


def parse_target(text: str) -> Target:
    """``eligible.response_min.p90<=20@95%`` → p90 ≤ 20 in at least 95% of replications."""
    m = _TARGET.match(text)
    if m is None:
        raise OptimizeError(
            "should be MEASURE<=VALUE or MEASURE>=VALUE, optionally @SHARE",
            where=f"--target {text}",
            hint="e.g. 'eligible.response_min.p90<=20@95%' or 'teams.police.utilization<=0.6'",
        )
    op = {"≤": "<=", "≥": ">="}.get(m[2], m[2])
    share = None
    if m[4] is not None:
        share = float(m[4]) / (100 if m[5] else 1)
        if not 0 < share <= 1:
            raise OptimizeError(
                "the share of replications must be in (0, 1] or (0%, 100%]",
                where=f"--target {text}",
            )
    return Target(m[1], op, float(m[3]), share, text.strip())


# ------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Blocks:
    """Shift blocks of ``hours`` each: the same every day, or each day separately."""

    hours: int = 4
    by_day: bool = False

    def __post_init__(self) -> None:
        if self.hours < 1 or 24 % self.hours:
            raise OptimizeError(
                f"block of {self.hours} hours does not divide the day",
                where="--block-hours",
                hint="use 1, 2, 3, 4, 6, 8, 12 or 24",
            )

    @property
    def per_day(self) -> int:
        return 24 // self.hours

    def count(self) -> int:
        return self.per_day * (7 if self.by_day else 1)

    def label(self, b: int) -> str:
        start = (b % self.per_day) * self.hours
        span = f"{start:02d}:00–{start + self.hours:02d}:00"
        return f"{DAY_NAMES[b // self.per_day]} {span}" if self.by_day else span

    def hours_of_week(self, b: int) -> list[int]:
        """The hours of the week (0 = Monday 00:00) a block covers."""
        start = (b % self.per_day) * self.hours
        days = [b // self.per_day] if self.by_day else range(7)
        return [d * 24 + start + h for d in days for h in range(self.hours)]

    def shifts(self, units: Sequence[int]) -> list[dict[str, Any]]:
        """The plan as the team's ``[[shifts]]``: runs of equal units within a day merged."""
        out = []
        days = range(7) if self.by_day else [None]
        for d in days:
            row = list(units[d * self.per_day : (d + 1) * self.per_day] if d is not None else units)
            b = 0
            while b < len(row):
                e = b
                while e + 1 < len(row) and row[e + 1] == row[b]:
                    e += 1
                if row[b] > 0:
                    out.append(
                        {
                            "days": "mon-sun" if d is None else DAY_NAMES[d],
                            "start": f"{b * self.hours:02d}:00",
                            "end": f"{(e + 1) * self.hours:02d}:00",
                            "units": int(row[b]),
                        }
                    )
                b = e + 1
        return out or [{"days": "mon-sun", "start": "00:00", "end": "24:00", "units": 0}]


def apply_plan(scn: Scenario, team: str, blocks: Blocks, units: Sequence[int]) -> Scenario:
    """The scenario with ``team`` staffed by the plan (its units or shifts replaced)."""
    data = to_dict(scn)
    t = data["teams"][team]
    t.pop("units", None)
    t["shifts"] = blocks.shifts(units)
    return from_dict(data, source=f"plan for team '{team}'")


# ----------------------------------------------------------------------------- analytic


@dataclass(frozen=True)
class BlockLoad:
    """Calls per minute that go first to the team in a block, and their mean busy time."""

    rate: float  # calls per minute
    busy_min: float  # unit-minutes per call (travel + on scene, × units sent)

    @property
    def erlangs(self) -> float:
        return self.rate * self.busy_min


def block_loads(scn: Scenario, team: str, blocks: Blocks) -> list[BlockLoad]:
    """Offered load per block from the hour-of-week profiles (first-option calls only).

    Calls that reach the team only by falling back, and backup requests, are left out: the
    simulation accounts for them when it refines the plan.
    """
    rate = np.zeros(HOURS_PER_WEEK)
    work = np.zeros(HOURS_PER_WEEK)
    travel = scn.teams[team].travel_min.mean()
    for ct in scn.call_types.values():
        first = ct.response[0]
        if first.team != team:
            continue
        per_min = ct.calls_per_day / MINUTES_PER_DAY * ct.profile() * (1 - ct.no_dispatch_share)
        rate += per_min
        work += per_min * first.units * (travel + ct.on_scene_min[team].mean())
    out = []
    for b in range(blocks.count()):
        hours = blocks.hours_of_week(b)
        lam, busy = float(rate[hours].mean()), float(work[hours].mean())
        out.append(BlockLoad(lam, busy / lam if lam > 0 else 0.0))
    return out


_QUANTILE = re.compile(r"\.(?:response|wait)_min\.p(\d\d)$|^(?:response|wait)_min\.p(\d\d)$")


def analytic_units(scn: Scenario, team: str, load: BlockLoad, targets: Sequence[Target]) -> int:
    """Units for one block by Erlang C / utilization / square-root staffing (the start)."""
    a = load.erlangs
    if a <= 0:
        return 0
    mu = 1 / load.busy_min
    travel = scn.teams[team].travel_min.mean()
    c = analytic.square_root_staffing(a, beta=1.0)
    for t in targets:
        if t.op != "<=":
            continue
        if t.measure == f"teams.{team}.utilization" and t.value > 0:
            c = max(c, math.ceil(a / t.value))
            continue
        m = _QUANTILE.search(t.measure)
        budget = t.value - (travel if "response_min" in t.measure else 0.0)
        if m is not None and budget > 0:
            p = int(m[1] or m[2]) / 100
            c = max(c, analytic.min_servers_for_wait(load.rate, mu, budget, p))
        elif t.measure.endswith("_min.mean") and budget > 0:
            c = max(c, analytic.min_servers_for_mean_wait(load.rate, mu, budget))
    return max(c, math.floor(a) + 1)


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class TargetCheck:
    """How one plan fares against one target over the replications."""

    target: Target
    mean: float | None
    ci95: tuple[float, float] | None
    hits: int
    n: int

    @property
    def share(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def share_ci95(self) -> tuple[float, float]:
        """Clopper–Pearson (exact) interval of the share of replications meeting the target."""
        ci = stats.binomtest(self.hits, self.n).proportion_ci(0.95, method="exact")
        return float(ci.low), float(ci.high)

    @property
    def ok(self) -> bool:
        if self.target.share is not None:
            return self.share >= self.target.share - 1e-12
        return self.target.met(self.mean)

    @property
    def margin(self) -> float:
        if self.target.share is not None:
            return self.share - self.target.share + 1e-3 * self.target.margin(self.mean)
        return self.target.margin(self.mean)


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
    units: tuple[int, ...],
    reps: list[ReplicationResult],
    targets: Sequence[Target],
    team: str,
) -> Evaluation:
    checks = []
    for t in targets:
        values = [measure(r, t.measure) for r in reps]
        present = [v for v in values if v is not None]
        checks.append(
            TargetCheck(
                target=t,
                mean=float(np.mean(present)) if present else None,
                ci95=t_interval(present),
                hits=sum(t.met(v) for v in values),
                n=len(values),
            )
        )
    cost = float(np.mean([r.summary.cost.per_year for r in reps]))
    measured_days = [r.summary.days - r.summary.warmup_days for r in reps]
    team_cost = float(
        np.mean(
            [r.summary.teams[team].cost * 365 / d for r, d in zip(reps, measured_days, strict=True)]
        )
    )
    return Evaluation(units, tuple(checks), cost, team_cost)


# -------------------------------------------------------------------------------- search


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
        todo = [p for p in dict.fromkeys(plans) if p not in self.seen]
        texts = {}
        for p in todo:
            try:
                texts[p] = dumps(apply_plan(self.scn, self.team, self.blocks, p))
            except SimError:  # e.g. no unit ever on duty for calls that need this team
                self.seen[p] = Evaluation(p, (), math.inf, math.inf)
        names = {"/".join(map(str, p)): p for p in texts}
        reps = self.scn.scenario.replications
        tasks = [Task(name, texts[p], r) for name, p in names.items() for r in range(reps)]
        results: dict[str, list[ReplicationResult]] = {name: [] for name in names}
        for res in self.executor.run(tasks):
            results[res.variant].append(res)
        for name, p in names.items():
            ordered = sorted(results[name], key=lambda r: r.replication)
            self.seen[p] = _evaluation(p, ordered, self.targets, self.team)
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
        check_measure(scn, t.measure, where=f"--target {t.text}")


def _bump(units: tuple[int, ...], b: int, d: int) -> tuple[int, ...]:
    return (*units[:b], units[b] + d, *units[b + 1 :])


def _plan(units: Sequence[int]) -> str:
    return "/".join(map(str, units))


def _verdict(e: Evaluation) -> str:
    if not e.valid:
        return "not a valid scenario"
    met = "meets the targets" if e.feasible else "misses a target"
    return f"{met}, ${e.cost_per_year:,.0f} per year"


# ----------------------------------------------------------------------------- tables


def result_tables(res: OptimizeResult) -> Group:
    """The plan per block, the targets with how sure we are, and the cost."""
    plan = Table(
        title=f"Plan for team '{res.team}' ({len(res.evaluated)} plans simulated)",
        title_justify="left",
    )
    for col in ("block", "calls/h", "offered load", "start", "units"):
        plan.add_column(col, justify="left" if col == "block" else "right")
    for b, ld in enumerate(res.loads):
        plan.add_row(
            res.blocks.label(b),
            f"{ld.rate * 60:.2f}",
            f"{ld.erlangs:.2f}",
            str(res.start[b]),
            str(res.best.units[b]),
        )
    checks = Table(title="Targets", title_justify="left")
    for col in ("target", "mean (95% CI)", "replications meeting it (95% CI)", "met"):
        checks.add_column(col, justify="left" if col == "target" else "right")
    for c in res.best.checks:
        lo, hi = c.share_ci95
        mean = "–" if c.mean is None else f"{c.mean:.3g}"
        if c.ci95 is not None:
            mean += f" ({c.ci95[0]:.3g}–{c.ci95[1]:.3g})"
        checks.add_row(
            c.target.text,
            mean,
            f"{c.hits}/{c.n} = {c.share:.0%} ({lo:.0%}–{hi:.0%})",
            "yes" if c.ok else "no",
        )
    shifts = "; ".join(
        f"{s['days']} {s['start']}–{s['end']} × {s['units']}"
        for s in res.blocks.shifts(res.best.units)
    )
    cost = Table.grid()
    cost.add_row(f"Shifts: {shifts}")
    cost.add_row(
        f"Cost: ${res.best.cost_per_year:,.0f} per year in all, of which team '{res.team}' "
        f"${res.best.team_cost_per_year:,.0f}."
    )
    return Group(plan, checks, cost)


__all__ = [
    "Blocks",
    "Evaluation",
    "OptimizeError",
    "OptimizeResult",
    "Target",
    "analytic_units",
    "apply_plan",
    "block_loads",
    "optimize",
    "parse_target",
    "result_tables",
]
