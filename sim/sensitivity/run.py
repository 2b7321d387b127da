"""Run a sensitivity plan through the replication pipeline, and measure each input's effect.

The outputs are the three figures a council asks about: the response to eligible calls
(p90, from the measure registry), the police time the program frees (police-role teams'
busy unit-hours a year in the baseline less those with the program) and the program's
cost a year per call its responder answers (:func:`sim.budget.cost_per_call`, as ``sim
compare`` prices it; not applicable below :data:`~sim.estimates.FEW_CALLS` calls answered).
Values keep to the range their output can take (:mod:`sim.estimates`); the changes are
paired differences and may be negative. For each input and output the
change at each end of the range is the paired difference from the central run, replication
by replication; the *swing* is the change at the high end less the change at the low end,
and inputs are ranked by it — the bars of a tornado chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.applicable import NA, empty_intervals
from sim.budget import cost_per_call
from sim.estimates import FEW_CALLS, NON_NEGATIVE, UNBOUNDED, Bounds, Estimate, estimate, paired
from sim.measures import describe
from sim.metrics import Summary, combine
from sim.pipeline.executors import Executor
from sim.pipeline.runs import outcomes_by_arm
from sim.pipeline.work import Outcome
from sim.sensitivity.inputs import INPUTS
from sim.sensitivity.models import Effect, InputRange, OutputInfo, SensitivityResult
from sim.sensitivity.plan import BASE, CENTRAL, PLAN, SensitivityPlan, scenario_key

ELIGIBLE_P90 = "eligible.response_min.p90"
NOISE = "no input moves any output beyond the simulation's noise over these ranges"

Reader = Callable[[SensitivityPlan, Summary, Summary | None], float | None]
Runs = dict[tuple[str, str], list[Summary]]


@dataclass(frozen=True)
class Output:
    """One output: how to read it from a replication's plan (and baseline) summary."""

    name: str
    label: str
    unit: str
    better: Literal["lower", "higher"]
    bounds: Bounds
    """The values it can take: its intervals keep to them (:mod:`sim.estimates`)."""
    read: Reader
    check: Callable[[SensitivityPlan, Runs], str | None]


def _eligible_p90(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    measure = describe(ELIGIBLE_P90)
    return None if measure is None else measure.read(s)


def _freed(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    """Police unit-hours a year the program frees (negative when its backups cost more)."""
    if base is None:
        return None
    before = sum(base.teams[t].busy_unit_hours_per_year for t in plan.police_teams)
    after = sum(s.teams[t].busy_unit_hours_per_year for t in plan.police_teams)
    return before - after


def _cost_per_call(plan: SensitivityPlan, s: Summary, base: Summary | None) -> float | None:
    """The program's cost a year over the calls its responder answers a year (as compare)."""
    if plan.responder is None:
        return None
    cost = sum(s.teams[t].cost_per_year for t in plan.program_teams)
    return cost_per_call(cost, s.teams[plan.responder].calls_per_year)


def _needs_eligible(plan: SensitivityPlan, runs: Runs) -> str | None:
    return None if plan.eligible else "no call type is marked community_eligible"


def _needs_baseline(plan: SensitivityPlan, runs: Runs) -> str | None:
    if not plan.police_teams:
        return 'no team has role = "police"'
    return None if plan.baseline is not None else "there is no baseline without a program"


def _needs_answers(plan: SensitivityPlan, runs: Runs) -> str | None:
    if plan.responder is None:
        return "there is no program team"
    answered = sum(s.teams[plan.responder].response_min.sample_calls for s in runs[(CENTRAL, PLAN)])
    if answered < FEW_CALLS:
        return (
            f"the program answered {answered} calls in all the simulated days, fewer than "
            f"{FEW_CALLS}: too few to price a call (run more days or replications)"
        )
    return None


OUTPUTS: tuple[Output, ...] = (
    Output("eligible_response_p90", "eligible response p90", "min", "lower", NON_NEGATIVE,
           _eligible_p90, _needs_eligible),
    Output("police_hours_freed", "police hours freed", "unit-h/year", "higher", UNBOUNDED,
           _freed, _needs_baseline),
    Output("cost_per_call_answered", "cost per call answered", "$", "lower", NON_NEGATIVE,
           _cost_per_call, _needs_answers),
)  # fmt: skip
BY_NAME = {o.name: o for o in OUTPUTS}


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
    reasons: dict[str, str] = {}
    outputs = _outputs(plan, runs, values, reasons)
    varied = [r for r in plan.ranges if r.name not in plan.skipped]
    effects = {
        name: {r.name: _effect(r.name, BY_NAME[name], out, values) for r in varied}
        for name, out in outputs.items()
        if out.applicable
    }
    inputs = {
        r.name: InputRange(label=INPUTS[r.name].label, what=INPUTS[r.name].what, low=r.low,
                           high=r.high, varied=r.name not in plan.skipped)
        for r in plan.ranges
    }  # fmt: skip
    ranking = {o: [i for i, _ in _ranked(by_input)] for o, by_input in effects.items()}
    biggest = _biggest(effects)
    scn = plan.scenario.scenario
    result = SensitivityResult(
        scenario=scn.name, scenario_key=scenario_key(plan.scenario), program=plan.program,
        program_teams=list(plan.program_teams), responder=plan.responder,
        police_teams=list(plan.police_teams), eligible_call_types=list(plan.eligible),
        baseline=plan.baseline_note, replications=scn.replications, seed=scn.seed,
        days=scn.days, warmup_days=scn.warmup_days, inputs=inputs, outputs=outputs,
        effects=effects, ranking=ranking, biggest=biggest,
        biggest_uncertainty=biggest_sentence(biggest, inputs, outputs, effects),
        warnings=[*plan.notes, *_capacity_warnings(plan, runs)],
        not_varied=dict(plan.skipped),
    )  # fmt: skip
    reasons.update(_null_reasons(result))
    return result.model_copy(update={"not_applicable": reasons})


def _outputs(
    plan: SensitivityPlan,
    runs: Runs,
    values: dict[tuple[str, str], list[float | None]],
    reasons: dict[str, str],
) -> dict[str, OutputInfo]:
    out = {}
    for o in OUTPUTS:
        why = o.check(plan, runs)
        central = None if why else estimate(values[(CENTRAL, o.name)], o.bounds)
        if central is not None and central.mean is None:
            why, central = "no replication has a value for it", None
        if why is not None:
            reasons[f"outputs.{o.name}.central"] = why
        out[o.name] = OutputInfo(label=o.label, unit=o.unit, better=o.better, central=central)
    return out


def _excludes_zero(e: Estimate) -> bool:
    if e.mean is None:
        return False
    if e.ci95 is None:  # one replication: no interval, the change is taken as it is
        return e.mean != 0
    return e.ci95[0] > 0 or e.ci95[1] < 0


def _effect(
    name: str, o: Output, out: OutputInfo, values: dict[tuple[str, str], list[float | None]]
) -> Effect:
    central = values[(CENTRAL, o.name)]
    low, high = values[(f"{name}-low", o.name)], values[(f"{name}-high", o.name)]
    lo_change, hi_change = paired(central, low), paired(central, high)
    swing = None
    if lo_change.mean is not None and hi_change.mean is not None:
        swing = hi_change.mean - lo_change.mean
    mid = out.central.mean if out.central else None
    rel = abs(swing) / abs(mid) if swing is not None and mid else None
    return Effect(
        low=estimate(low, o.bounds), high=estimate(high, o.bounds),
        low_change=lo_change, high_change=hi_change, swing=swing, relative_swing=rel,
        significant=_excludes_zero(lo_change) or _excludes_zero(hi_change),
    )  # fmt: skip


def _ranked(effects: dict[str, Effect]) -> list[tuple[str, Effect]]:
    """Largest swing first (the order of a tornado's bars, top down)."""
    return sorted(effects.items(), key=lambda kv: -abs(kv[1].swing or 0.0))


def _biggest(effects: dict[str, dict[str, Effect]]) -> str | None:
    """The input with the largest relative swing averaged over the outputs (a swing within
    the noise counts as 0); None when no input moves any output beyond noise."""
    scores: dict[str, list[float]] = {}
    for by_input in effects.values():
        for name, e in by_input.items():
            moved = e.significant and e.relative_swing is not None
            scores.setdefault(name, []).append((e.relative_swing or 0.0) if moved else 0.0)
    scores = {k: v for k, v in scores.items() if any(v)}
    if not scores:
        return None
    return max(scores, key=lambda k: float(np.mean(scores[k])))


def _null_reasons(result: SensitivityResult) -> dict[str, str]:
    """Why each figure of the result left without a value has none (:mod:`sim.applicable`)."""
    out: dict[str, str] = {}
    if result.program is None:
        out["program"] = out["responder"] = (
            "the scenario has no program team (role community or clinician, answering calls "
            "first, that the city could do without) and none was given (--team, --program)"
        )
    if result.biggest is None:
        out["biggest"] = NOISE
    for o, by_input in result.effects.items():
        for i, e in by_input.items():
            at = f"effects.{o}.{i}"
            for end in ("low", "high"):
                if getattr(e, end).mean is None:
                    out[f"{at}.{end}"] = f"no replication has a value at the {end} end"
                if getattr(e, f"{end}_change").mean is None:
                    out[f"{at}.{end}_change"] = f"no replication has a value at the {end} end"
            if e.swing is None:
                out[f"{at}.swing"] = out[f"{at}.relative_swing"] = "no change at one end"
            elif e.relative_swing is None:
                out[f"{at}.relative_swing"] = "the value as written is 0"
    empty_intervals(result.model_dump(), out, result.replications)
    return out


def fmt_value(x: float | None, unit: str, *, signed: bool = False, bare: bool = False) -> str:
    """A figure as a planner reads it: '14.2 min', '11,950 unit-hours a year', '$86';
    ``signed`` for a change ('+7.3 min', '−$69'), ``bare`` without the unit's words."""
    if x is None:
        return NA
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
    inputs: dict[str, InputRange],
    outputs: dict[str, OutputInfo],
    effects: dict[str, dict[str, Effect]],
) -> str:
    """'The biggest uncertainty is call volume (±20%): over that range police hours freed
    run from … to …; …'."""
    if biggest is None:
        return f"{NOISE.capitalize()}; run more replications for a firmer answer."
    inp = inputs[biggest]
    parts = []
    for name, o in outputs.items():
        e = effects.get(name, {}).get(biggest)
        if e is not None and e.significant and e.low.mean is not None and e.high.mean is not None:
            parts.append(f"{o.label} {fmt_span(e.low.mean, e.high.mean, o.unit)}")
    return (
        f"The biggest uncertainty is {inp.label} ({inp.span} of the figure in the scenario): "
        f"from the low end of that range to the high end, " + "; ".join(parts) + "."
    )


def _capacity_warnings(plan: SensitivityPlan, runs: Runs) -> list[str]:
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
    "NOISE",
    "OUTPUTS",
    "Output",
    "biggest_sentence",
    "fmt_span",
    "fmt_value",
    "run_plan",
]
