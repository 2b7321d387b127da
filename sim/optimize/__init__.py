"""Least-cost staffing of one team by shift block that still meets service targets.

* :mod:`sim.optimize.targets` — ``MEASURE<=VALUE[@SHARE]`` targets and how a plan meets them;
* :mod:`sim.optimize.blocks` — shift blocks, offered load per block, the analytic start;
* :mod:`sim.optimize.shifts` — staffable shifts (lengths from a minimum to a maximum) and
  the cheapest shifts covering a need;
* :mod:`sim.optimize.search` — the simulation search through the replication pipeline;
* :mod:`sim.optimize.table` — the result as terminal tables.
"""

from sim.optimize.blocks import BlockLoad, Blocks, analytic_units, apply_plan, block_loads
from sim.optimize.search import Evaluation, OptimizeResult, check_inputs, optimize
from sim.optimize.shifts import (
    DEFAULT_MAX_HOURS,
    DEFAULT_MIN_HOURS,
    Pattern,
    ShiftRules,
    apply_shifts,
)
from sim.optimize.table import result_tables
from sim.optimize.targets import OptimizeError, Target, TargetCheck, parse_target

__all__ = [
    "DEFAULT_MAX_HOURS",
    "DEFAULT_MIN_HOURS",
    "BlockLoad",
    "Blocks",
    "Evaluation",
    "OptimizeError",
    "OptimizeResult",
    "Pattern",
    "ShiftRules",
    "Target",
    "TargetCheck",
    "analytic_units",
    "apply_plan",
    "apply_shifts",
    "block_loads",
    "check_inputs",
    "optimize",
    "parse_target",
    "result_tables",
]
