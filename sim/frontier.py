"""The Pareto front of cost against a service measure: which variants are worth considering.

A variant is on the front when no other variant is at least as cheap *and* at least as good
on the service measure, and strictly better on one of them. Everything off the front costs
more for the same service or gives worse service for the same money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from sim.output import write_atomic

COST = "cost.per_year"
# The service measure a front is drawn against when none is named (PNG and HTML alike): the
# first of these the results have. Response to the calls a program takes comes first.
FRONTIER_MEASURES = ("eligible.response_min.p90", "response_min.p90", "response_min.mean")
# Measures where a larger value is better service; everything else (times, waits,
# utilization, unserved calls) is better smaller. Call counts are workload, not service.
_HIGHER_IS_BETTER = ("within_target", "served_by")


def higher_is_better(measure: str) -> bool:
    """Whether a larger value of this measure means better service."""
    return any(part in _HIGHER_IS_BETTER for part in measure.split("."))


def default_frontier_measure(measures: Sequence[str]) -> str:
    """The first of :data:`FRONTIER_MEASURES` among ``measures`` (else the first measure)."""
    return next((m for m in FRONTIER_MEASURES if m in measures), measures[0])


def is_share(measure: str) -> bool:
    """A fraction in [0, 1], shown as a percentage (utilization, shares, within target)."""
    return (
        measure.endswith(("utilization", "within_target", "p_wait"))
        or "share" in measure
        or "served_by" in measure
    )


def is_cost(measure: str) -> bool:
    """A dollar amount."""
    return measure.startswith("cost")


@dataclass(frozen=True)
class Point:
    """One variant's cost per year and its value of the service measure."""

    name: str
    cost: float
    service: float


def pareto_front(points: Sequence[Point], higher_better: bool = False) -> list[Point]:
    """The non-dominated points, cheapest first (cost and service both minimized or traded)."""
    sign = -1.0 if higher_better else 1.0

    def dominates(a: Point, b: Point) -> bool:
        sa, sb = sign * a.service, sign * b.service
        return a.cost <= b.cost and sa <= sb and (a.cost < b.cost or sa < sb)

    front = [p for p in points if not any(dominates(q, p) for q in points if q is not p)]
    return sorted(front, key=lambda p: (p.cost, sign * p.service))


def points_from_rows(rows: Sequence[dict[str, Any]], measure: str) -> list[Point]:
    """Points for the variants whose cost and service are both known."""
    return [
        Point(r["variant"], float(r[COST]), float(r[measure]))
        for r in rows
        if r.get(COST) is not None and r.get(measure) is not None
    ]


def _fmt(value: float, measure: str) -> str:
    if is_share(measure):
        return f"{value:.1%}"
    return f"{value:,.2f}"


def frontier_table(rows: Sequence[dict[str, Any]], measure: str) -> Table:
    """The front as a rich table, with each measure's 95% interval where the row has it."""
    by_name = {r["variant"]: r for r in rows}
    front = pareto_front(points_from_rows(rows, measure), higher_is_better(measure))
    direction = "higher" if higher_is_better(measure) else "lower"
    table = Table(
        title=f"Pareto front: cost per year against {measure} ({direction} is better); "
        f"{len(front)} of {len(rows)} variants",
        title_justify="left",
    )
    for col in ("variant", "cost per year", "95% CI", measure, "95% CI "):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for p in front:
        row = by_name[p.name]
        cost_ci = _ci(row, COST, lambda v: f"${v:,.0f}")
        table.add_row(
            p.name,
            f"${p.cost:,.0f}",
            cost_ci,
            _fmt(p.service, measure),
            _ci(row, measure, lambda v: _fmt(v, measure)),
        )
    return table


def _ci(row: dict[str, Any], measure: str, fmt: Any) -> str:
    lo, hi = row.get(f"{measure}.lo"), row.get(f"{measure}.hi")
    return "–" if lo is None or hi is None else f"{fmt(lo)}–{fmt(hi)}"


def plot_frontier(rows: Sequence[dict[str, Any]], measure: str, path: Path, title: str) -> None:
    """Every variant as a point, the front as a line, written as a PNG (Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    points = points_from_rows(rows, measure)
    front = pareto_front(points, higher_is_better(measure))
    on_front = {p.name for p in front}
    fig = Figure(figsize=(7.5, 5), layout="constrained")
    ax = fig.subplots()
    others = [p for p in points if p.name not in on_front]
    ax.scatter(
        [p.cost / 1e6 for p in others],
        [p.service for p in others],
        color="0.6",
        label="dominated",
    )
    ax.plot(
        [p.cost / 1e6 for p in front],
        [p.service for p in front],
        "o-",
        color="tab:blue",
        label="Pareto front",
    )
    for p in front:
        ax.annotate(p.name, (p.cost / 1e6, p.service), textcoords="offset points",
                    xytext=(4, 4), fontsize=7)  # fmt: skip
    ax.set_xlabel("cost per year (million $)")
    ax.set_ylabel(measure)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))


__all__ = [
    "FRONTIER_MEASURES",
    "Point",
    "default_frontier_measure",
    "frontier_table",
    "higher_is_better",
    "is_cost",
    "is_share",
    "pareto_front",
    "plot_frontier",
    "points_from_rows",
]
