"""Sensitivity: which uncertain input moves a plan's main outputs most (``sim sensitivity``).

* :mod:`sim.sensitivity.inputs` — the uncertain inputs (call volume, time on scene, travel,
  eligible share, backup rate), their ranges, and how each scales a scenario;
* :mod:`sim.sensitivity.plan` — the plan with the program, its baseline, one pair of arms
  per variant (common random numbers);
* :mod:`sim.sensitivity.run` — the outputs, the run through the replication pipeline, the
  effects, the ranking and the biggest uncertainty;
* :mod:`sim.sensitivity.models` — the typed result (the JSON contract);
* :mod:`sim.sensitivity.table` — the result as a terminal table.

Its HTML page (with the tornado chart) is :mod:`sim.report.sensitivity`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sim.pipeline.executors import Executor
from sim.pipeline.work import Outcome
from sim.program import Program
from sim.scenario import Scenario
from sim.sensitivity.inputs import (
    DEFAULT_SPREAD,
    INPUTS,
    Range,
    SensitivityError,
    parse_range,
    ranges,
    scale_spec,
)
from sim.sensitivity.models import Effect, InputRange, OutputInfo, SensitivityResult
from sim.sensitivity.plan import SensitivityPlan, plan_sensitivity, scenario_key
from sim.sensitivity.run import OUTPUTS, biggest_sentence, fmt_span, fmt_value, run_plan


def sensitivity(
    scn: Scenario,
    executor: Executor | None = None,
    *,
    given: Sequence[Range | str] = (),
    spread: float = DEFAULT_SPREAD,
    program: Program | None = None,
    teams: Sequence[str] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
) -> SensitivityResult:
    """Each input at the ends of its range against the central run (see the package doc)."""
    plan = plan_sensitivity(scn, ranges(given, spread), program=program, teams=teams)
    return run_plan(plan, executor, on_outcome=on_outcome)


__all__ = [
    "DEFAULT_SPREAD",
    "INPUTS",
    "OUTPUTS",
    "Effect",
    "InputRange",
    "OutputInfo",
    "Range",
    "SensitivityError",
    "SensitivityPlan",
    "SensitivityResult",
    "biggest_sentence",
    "fmt_span",
    "fmt_value",
    "parse_range",
    "plan_sensitivity",
    "ranges",
    "run_plan",
    "scale_spec",
    "scenario_key",
    "sensitivity",
]
