"""sim: simulate 911 dispatch to plan community responder programs.

    import sim
    scn = sim.load("scenarios/demo.toml")
    result = sim.run(scn, replications=10, workers=2)
    result.summary          # the typed summary (sim.Summary)
    result.records          # every call, a pandas DataFrame

``sim.sweep``, ``sim.compare``, ``sim.optimize``, ``sim.replay``, ``sim.report``,
``sim.fit``, ``sim.backtest`` and ``sim.sensitivity`` do what the commands of the same
names do (see :mod:`sim.api`).

The names are loaded on first use, so ``import sim`` (and the command line's start-up) stays
fast. Seven of them share their names with subpackages (``sim.fit``, ``sim.sweep``,
``sim.compare``, ``sim.optimize``, ``sim.report``, ``sim.backtest``,
``sim.sensitivity``): as attributes of ``sim`` they are always the functions; reach the
subpackages' contents with ``from sim.sweep import …`` (or patch them through the module
objects, not through dotted strings that walk ``sim.sweep``).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sim.api import backtest as backtest
    from sim.api import compare as compare
    from sim.api import fit as fit
    from sim.api import load as load
    from sim.api import optimize as optimize
    from sim.api import replay as replay
    from sim.api import report as report
    from sim.api import run as run
    from sim.api import sensitivity as sensitivity
    from sim.api import sweep as sweep
    from sim.compare import Comparison as Comparison
    from sim.errors import SimError as SimError
    from sim.fit import FitOptions as FitOptions
    from sim.fit import FitResult as FitResult
    from sim.metrics import Summary as Summary
    from sim.pipeline import RunResult as RunResult
    from sim.program import Program as Program
    from sim.scenario import Scenario as Scenario
    from sim.sensitivity import SensitivityResult as SensitivityResult
    from sim.sweep import SweepResult as SweepResult

# Public name → the module that defines it.
_EXPORTS = {
    **dict.fromkeys(
        (
            "load",
            "run",
            "replay",
            "sweep",
            "compare",
            "optimize",
            "report",
            "fit",
            "backtest",
            "sensitivity",
        ),
        "sim.api",
    ),
    "Comparison": "sim.compare",
    "FitOptions": "sim.fit",
    "FitResult": "sim.fit",
    "Program": "sim.program",
    "RunResult": "sim.pipeline",
    "Scenario": "sim.scenario",
    "SensitivityResult": "sim.sensitivity",
    "SimError": "sim.errors",
    "Summary": "sim.metrics",
    "SweepResult": "sim.sweep",
}
# The API's functions; seven share their names with subpackages (fit, sweep, compare,
# optimize, report, backtest, sensitivity): importing a subpackage must not replace them.
_SHADOWED = tuple(name for name, module in _EXPORTS.items() if module == "sim.api")


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


class _Package(types.ModuleType):
    """The ``sim`` module, whose API functions keep their names when subpackages load.

    Importing ``sim.fit.build`` makes Python set the attribute ``sim.fit`` to the subpackage;
    this keeps ``sim.fit`` the function (the subpackage stays in ``sys.modules``, where every
    ``from sim.fit… import`` finds it).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "Comparison",
    "FitOptions",
    "FitResult",
    "Program",
    "RunResult",
    "Scenario",
    "SensitivityResult",
    "SimError",
    "Summary",
    "SweepResult",
    "backtest",
    "compare",
    "fit",
    "load",
    "optimize",
    "replay",
    "report",
    "run",
    "sensitivity",
    "sweep",
]
