"""Run a sensitivity plan through the replication pipeline, and measure each input's effect.

The outputs are the three figures a council asks about: the response to eligible calls
(p90, from the measure registry), the police time the program frees (police-role teams'
busy unit-hours in the baseline less those with the program, per year) and the program's
cost per call it answers (:func:`sim.budget.cost_per_call`). For each input and output the
change at each end of the range is the paired difference from the central run, replication
by replication; the *swing* is the change at the high end less the change at the low end,
and inputs are ranked by it — the bars of a tornado chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.budget import DAYS_PER_YEAR, cost_per_call
from sim.estimates import Estimate, estimate, paired
from sim.measures import describe
from sim.metrics import Summary, combine
from sim.pipeline.executors import Executor
from sim.pipeline.runs import outcomes_by_arm
from sim.pipeline.work import Outcome
from sim.sensitivity.inputs import INPUTS
from sim.sensitivity.models import Effect, InputRange, OutputInfo, SensitivityResult
from sim.sensitivity.plan import BASE, CENTRAL, PLAN, SensitivityPlan

ELIGIBLE_P90 = "eligible.response_min.p90"

Reader = Callable[[SensitivityPlan, Summary, Summary | None], float | None]


@dataclass(frozen=True)
class Output:
    """One output: how to read it from a replication's plan (and baseline) summary."""

    name: str
    label: str
    unit: str
    better: Literal["lower", "higher"]
    read: Reader
    check: Callable[[SensitivityPlan], str | None]


def _per_year(plan: SensitivityPlan) -> float:
    return DAYS_PER_YEAR / plan.scenario.measured_days()


def _eligible_p90(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    measure = describe(ELIGIBLE_P90)
    return None if measure is None else measure.read(s)


def _freed(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    if base is None:
        return None
    before = sum(base.teams[t].busy_unit_hours for t in plan.police_teams)
    after = sum(s.teams[t].busy_unit_hours for t in plan.police_teams)
    return (before - after) * _per_year(plan)


def _cost_per_call(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    per_year = _per_year(plan)
    cost = sum(s.teams[t].cost for t in plan.program_teams) * per_year
    return cost_per_call(cost, sum(s.teams[t].calls for t in plan.program_teams) * per_year)


def _needs_eligible(plan: SensitivityPlan) -> str | None:
    return None if plan.eligible else "no call type is marked community_eligible"


def _needs_baseline(plan: SensitivityPlan) -> str | None:
    if not plan.police_teams:
        return 'no team has role = "police"'
    return None if plan.baseline is not None else "there is no baseline without a program"


def _needs_program(plan: SensitivityPlan) -> str | None:
    return None if plan.program_teams else "there is no program team"


OUTPUTS: tuple[Output, ...] = (
    Output("eligible_response_p90", "eligible response p90", "min", "lower", _eligible_p90,
           _needs_eligible),
    Output("police_hours_freed", "police hours freed", "unit-h/year", "higher", _freed,
           _needs_baseline),
    Output("cost_per_call_answered", "cost per call answered", "$", "lower", _cost_per_call,
           _needs_program),
)  # fmt: skip


def run_plan(
    plan: SensitivityPlan,
    executor: Executor | None = None,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> SensitivityResult:
    """Every arm of the plan on the executor, then the effects (see the module docstring)."""
    done = outcomes_by_arm(list(plan.arms.values()), executor, on_outcome)
    runs = {key: [o.summary for o in done[arm.name]] for key, arm in plan.arms.items()}
    values: dict[tuple[str, str], list[float | None]] = {}
    for v in plan.variants:
        mine, base = runs[(v.name, PLAN)], runs.get((v.name, BASE))
        for out in OUTPUTS:
            values[(v.name, out.name)] = [
                out.read(plan, s, base[i] if base else None) for i, s in enumerate(mine)
            ]
    outputs = _outputs(plan, values)
    effects = [
        _effect(r.name, out, values)
        for r in plan.ranges
        if r.name not in plan.skipped
        for out in outputs
        if out.applicable
    ]
    inputs = [
        InputRange(name=r.name, label=INPUTS[r.name].label, what=INPUTS[r.name].what,
                   low=r.low, high=r.high, applicable=r.name not in plan.skipped,
                   note=plan.skipped.get(r.name))
        for r in plan.ranges
    ]  # fmt: skip
    ranking = {
        o.name: [e.input for e in _ranked([e for e in effects if e.output == o.name])]
        for o in outputs
        if o.applicable
    }
    biggest = _biggest(effects)
    scn = plan.scenario.scenario
    return SensitivityResult(
        scenario=scn.name, program=plan.program, program_teams=list(plan.program_teams),
        police_teams=list(plan.police_teams), eligible_call_types=list(plan.eligible),
        baseline=plan.baseline_note, replications=scn.replications, seed=scn.seed,
        days=scn.days, warmup_days=scn.warmup_days, inputs=inputs, outputs=outputs,
        effects=effects, ranking=ranking, biggest=biggest,
        biggest_uncertainty=biggest_sentence(biggest, inputs, outputs, effects),
        warnings=[*plan.notes, *_capacity_warnings(plan, runs)],
    )  # fmt: skip


def _outputs(
    plan: SensitivityPlan, values: dict[tuple[str, str], list[float | None]]
) -> list[OutputInfo]:
    out = []
    for o in OUTPUTS:
        why = o.check(plan)
        central = None if why else estimate(values[(CENTRAL, o.name)])
        if central is not None and central.mean is None:
            why, central = "no replication has a value for it", None
        out.append(OutputInfo(name=o.name, label=o.label, unit=o.unit, better=o.better,
                              central=central, note=why))  # fmt: skip
    return out


def _excludes_zero(e: Estimate) -> bool:
    if e.mean is None:
        return False
    if e.ci95 is None:  # one replication: no interval, the change is taken as it is
        return e.mean != 0
    return e.ci95[0] > 0 or e.ci95[1] < 0


def _effect(
    name: str, out: OutputInfo, values: dict[tuple[str, str], list[float | None]]
) -> Effect:
    central = values[(CENTRAL, out.name)]
    low, high = values[(f"{name}-low", out.name)], values[(f"{name}-high", out.name)]
    lo_change, hi_change = paired(central, low), paired(central, high)
    swing = None
    if lo_change.mean is not None and hi_change.mean is not None:
        swing = hi_change.mean - lo_change.mean
    mid = out.central.mean if out.central else None
    rel = abs(swing) / abs(mid) if swing is not None and mid else None
    return Effect(
        input=name, output=out.name, low=estimate(low), high=estimate(high),
        low_change=lo_change, high_change=hi_change, swing=swing, relative_swing=rel,
        significant=_excludes_zero(lo_change) or _excludes_zero(hi_change),
    )  # fmt: skip


def _ranked(effects: Sequence[Effect]) -> list[Effect]:
    """Largest swing first (the order of a tornado's bars, top down)."""
    return sorted(effects, key=lambda e: -abs(e.swing or 0.0))


def _biggest(effects: Sequence[Effect]) -> str | None:
    """The input with the largest relative swing averaged over the outputs (a swing within
    the noise counts as 0); None when no input moves any output beyond noise."""
    scores: dict[str, list[float]] = {}
    for e in effects:
        moved = e.significant and e.relative_swing is not None
        scores.setdefault(e.input, []).append((e.relative_swing or 0.0) if moved else 0.0)
    scores = {k: v for k, v in scores.items() if any(v)}
    if not scores:
        return None
    return max(scores, key=lambda k: float(np.mean(scores[k])))


def fmt_value(x: float | None, unit: str, *, signed: bool = False, bare: bool = False) -> str:
    """A figure as a planner reads it: '14.2 min', '11,950 unit-hours a year', '$86';
    ``signed`` for a change ('+7.3 min', '−$69'), ``bare`` without the unit's words."""
    if x is None:
        return "not applicable"
    sign = ("+" if x >= 0 else "−") if signed else ("−" if x < 0 else "")
    text = sign + fmt_span(abs(x), None, unit)
    if bare:
        text = text.removesuffix(" min").removesuffix(" unit-hours a year")
    return text


def fmt_span(lo: float, hi: float | None, unit: str) -> str:
    """'29.9 to 39.1 min', '$420 to $291', '2,571 to 3,716 unit-hours a year' (or one value)."""
    if unit == "min":
        text, suffix = f"{lo:.1f}" + (f" to {hi:.1f}" if hi is not None else ""), " min"
    elif unit == "$":
        text, suffix = f"${lo:,.0f}" + (f" to ${hi:,.0f}" if hi is not None else ""), ""
    elif unit == "unit-h/year":
        text = f"{lo:,.0f}" + (f" to {hi:,.0f}" if hi is not None else "")
        suffix = " unit-hours a year"
    else:
        text, suffix = f"{lo:.3g}" + (f" to {hi:.3g}" if hi is not None else ""), f" {unit}"
    return text + suffix


def biggest_sentence(
    biggest: str | None,
    inputs: Sequence[InputRange],
    outputs: Sequence[OutputInfo],
    effects: Sequence[Effect],
) -> str:
    """'The biggest uncertainty is call volume (±20%): over that range police hours freed
    run from … to …; …'."""
    if biggest is None:
        return (
            "No input moves the outputs beyond the simulation's noise over these ranges; "
            "run more replications for a firmer answer."
        )
    inp = next(i for i in inputs if i.name == biggest)
    parts = []
    for o in outputs:
        e = next((e for e in effects if e.input == biggest and e.output == o.name), None)
        if e is not None and e.significant and e.low.mean is not None and e.high.mean is not None:
            parts.append(f"{o.label} {fmt_span(e.low.mean, e.high.mean, o.unit)}")
    return (
        f"The biggest uncertainty is {inp.label} ({inp.span} of the figure in the scenario): "
        f"from the low end of that range to the high end, " + "; ".join(parts) + "."
    )


def _capacity_warnings(
    plan: SensitivityPlan, runs: dict[tuple[str, str], list[Summary]]
) -> list[str]:
    """The combined runs' warnings (e.g. demand beyond capacity): one line per kind of
    warning (its first sentence), naming the runs that gave it."""
    where: dict[str, list[str]] = {}
    for (variant, side), reps in runs.items():
        for w in combine(plan.arms[(variant, side)].scenario, reps).warnings:
            arm = f"{variant} ({'with the program' if side == PLAN else 'baseline'})"
            where.setdefault(w.split(":")[0].split(". ")[0], []).append(arm)
    return [
        f"{kind} in {len(arms)} of {len(runs)} runs: {', '.join(arms)}; see sim run of the "
        "scenario for the details"
        for kind, arms in where.items()
    ]


__all__ = [
    "ELIGIBLE_P90",
    "OUTPUTS",
    "Output",
    "biggest_sentence",
    "fmt_span",
    "fmt_value",
    "run_plan",
]
