"""Results JSON read back for ``sim report``: only figures sim could have written.

A results file may have been edited by hand. Before a report is drawn from it, every number
must be finite (the JSON reader refuses NaN and infinity) and no larger than any figure sim
writes, and every 95% interval must hold the value it is the interval of — else charts would
draw error bars of negative length and tables show "inf%". Each failure is one
:class:`~sim.report.page.ResultsError` naming the place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.applicable import KEY
from sim.inputs import read_json
from sim.report.page import ResultsError

MAX_FIGURE = 1e15
"""Larger than any figure of a run (a hundred thousand units for ten years at $100,000 an
hour is 8.8e14 dollars); a larger one was not written by sim."""
SLACK = 1e-9  # intervals are computed in floating point: their ends may round past the value


def read_results(path: Path) -> Any:
    """The parsed results JSON, its figures checked (see the module docstring)."""
    data = read_json(path, ResultsError)
    problem = first_problem(data)
    if problem is not None:
        raise ResultsError(
            problem, where=str(path), hint="rerun the command that wrote it rather than edit it"
        )
    return data


def first_problem(document: Any) -> str | None:
    """The first figure sim could not have written, in words (None: all plausible)."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key != KEY:  # reasons, not figures
                    stack.append((value, f"{path}.{key}" if path else str(key)))
            problem = _intervals(node, path)
            if problem is not None:
                return problem
        elif isinstance(node, list):
            stack.extend((v, f"{path}.{i}") for i, v in enumerate(node))
        elif _number(node) and abs(node) > MAX_FIGURE:
            return f"{path}: {node:g} is larger than any figure sim writes"
    return None


def _intervals(node: dict[str, Any], path: str) -> str | None:
    """An interval ``x_ci95`` (or ``ci95`` of a ``mean``/``simulated``; ``x.lo``/``x.hi`` in
    sweep rows) must hold ``x``."""
    for key, interval in node.items():
        if not isinstance(key, str) or key == KEY:
            continue
        if key.endswith("ci95") and isinstance(interval, list) and len(interval) == 2:
            base = key.removesuffix("_ci95") if key != "ci95" else _centre(node)
            problem = _holds(node.get(base), interval[0], interval[1])
        elif key.endswith(".lo") and f"{key[:-3]}.hi" in node:
            base = key[:-3]
            problem = _holds(node.get(base), interval, node[f"{base}.hi"])
        else:
            continue
        if problem is not None:
            return f"{path}.{key}: {problem}" if path else f"{key}: {problem}"
    return None


def _centre(node: dict[str, Any]) -> str:
    return "mean" if "mean" in node else "simulated"


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _holds(value: Any, low: Any, high: Any) -> str | None:
    if low is None and high is None:
        return None
    if not (_number(low) and _number(high)):
        return f"the interval [{low}, {high}] is not two numbers"
    if low > high:
        return f"the interval's low end {low:g} is above its high end {high:g}"
    if _number(value):
        slack = SLACK * max(1.0, abs(value))
        if not low - slack <= value <= high + slack:
            return f"the interval [{low:g}, {high:g}] does not hold the value {value:g}"
    return None


__all__ = ["MAX_FIGURE", "first_problem", "read_results"]
