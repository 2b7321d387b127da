"""Least-cost staffing of one team by shift block that still meets service targets.

* :mod:`sim.optimize.targets` — ``MEASURE<=VALUE[@SHARE]`` targets and how a plan meets them;
* :mod:`sim.optimize.blocks` — shift blocks, offered load per block, the analytic start;
* :mod:`sim.optimize.search` — the simulation search through the replication pipeline;
* :mod:`sim.optimize.table` — the result as terminal tables.
"""

from sim.optimize.blocks import BlockLoad, Blocks, analytic_units, apply_plan, block_loads
from sim.optimize.search import Evaluation, OptimizeResult, check_inputs, optimize
from sim.optimize.table import result_tables
from sim.optimize.targets import OptimizeError, Target, TargetCheck, parse_target

__all__ = [
    "BlockLoad",
    "Blocks",
    "Evaluation",
    "OptimizeError",
    "OptimizeResult",
    "Target",
    "TargetCheck",
    "analytic_units",
    "apply_plan",
    "block_loads",
    "check_inputs",
    "optimize",
    "parse_target",
    "result_tables",
]
