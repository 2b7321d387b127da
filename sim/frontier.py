"""The efficient frontier of cost against a service measure: the variants worth considering.

A variant is on the Pareto front when no other variant is at least as cheap *and* at least as
good on the service measure, and strictly better on one of them. Means alone are not enough:
a fourth van 0.0003 minutes "better" at +$555k a year is noise. So, walking the Pareto front
from the cheapest, a dearer variant is **kept** only when its service is significantly better
than the last one kept: the 95% interval of their paired difference (common random numbers;
Welch's for independent runs, :func:`sim.estimates.difference`) lies wholly on the better
side of zero. Which way a measure is better, and its unit, come from the measure registry
(:mod:`sim.measures`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from sim.errors import SimError
from sim.estimates import Estimate, difference
from sim.measures import Better, Measure, Unit, describe
from sim.output import write_atomic
from sim.sweep.rows import SweepRow

COST = "cost.per_year"
# The service measure a front is drawn against when none is named (PNG and HTML alike): the
# first of these the results have. Response to the calls a program takes comes first.
FRONTIER_MEASURES = ("eligible.response_min.p90", "response_min.p90", "response_min.mean")


def default_frontier_measure(measures: Sequence[str]) -> str:
    """The first of :data:`FRONTIER_MEASURES` among ``measures`` (else the first measure)."""
    return next((m for m in FRONTIER_MEASURES if m in measures), measures[0])


def frontier_measure(name: str, where: str = "--frontier") -> Measure:
    """The measure a front is drawn against: registered, and with a direction."""
    m = describe(name)
    if m is None:
        raise SimError(f"'{name}' is not a measure", where=where)
    if m.better is Better.NEITHER:
        raise SimError(
            f"'{name}' counts demand, which no staffing changes, so no variant is better on it",
            where=where,
            hint="choose a service measure, e.g. response_min.p90",
        )
    return m


@dataclass(frozen=True)
class Point:
    """One variant's cost per year, its value of the service measure, and that value in each
    replication (for the paired test)."""

    name: str
    cost: float
    service: float
    values: tuple[float | None, ...] = ()


def pareto_front(points: Sequence[Point], higher_better: bool = False) -> list[Point]:
    """The non-dominated points, cheapest first (cost and service both minimized or traded)."""
    sign = -1.0 if higher_better else 1.0

    def dominates(a: Point, b: Point) -> bool:
        sa, sb = sign * a.service, sign * b.service
        return a.cost <= b.cost and sa <= sb and (a.cost < b.cost or sa < sb)

    front = [p for p in points if not any(dominates(q, p) for q in points if q is not p)]
    return sorted(front, key=lambda p: (p.cost, sign * p.service))


def significantly_better(
    cheaper: Point, dearer: Point, higher_better: bool = False, common_numbers: bool = True
) -> bool:
    """True when ``dearer``'s service beats ``cheaper``'s beyond doubt: the 95% interval of
    their difference (paired under common random numbers) excludes zero on the better side."""
    d = difference(cheaper.values, dearer.values, common_numbers=common_numbers)
    if d.ci95 is None:
        return False
    lo, hi = d.ci95
    return lo > 0 if higher_better else hi < 0


def efficient_front(
    points: Sequence[Point], higher_better: bool = False, common_numbers: bool = True
) -> list[Point]:
    """The Pareto front, cheapest first, keeping a dearer variant only when it is
    significantly better than the last one kept (see the module)."""
    kept: list[Point] = []
    for p in pareto_front(points, higher_better):
        if not kept or significantly_better(kept[-1], p, higher_better, common_numbers):
            kept.append(p)
    return kept


def points(rows: Sequence[SweepRow], measure: Measure) -> list[Point]:
    """Points for the variants whose cost and service are both known."""
    out = []
    for r in rows:
        cost, service = r.value(COST), r.value(measure.name)
        if cost is not None and service is not None:
            out.append(Point(r.variant, cost, service, r.replication_values(measure.name)))
    return out


def front(rows: Sequence[SweepRow], measure: Measure, common_numbers: bool = True) -> list[Point]:
    """The efficient front of the rows, in the measure's direction (see the module)."""
    return efficient_front(points(rows, measure), measure.better is Better.HIGHER, common_numbers)


def fmt(value: float, measure: Measure) -> str:
    """A value of the measure: shares as percentages, anything else to two decimals."""
    return f"{value:.1%}" if measure.unit is Unit.SHARE else f"{value:,.2f}"


def frontier_table(
    rows: Sequence[SweepRow], measure: Measure, common_numbers: bool = True
) -> Table:
    """The front as a rich table, with each measure's 95% interval where the row has it."""
    by_name = {r.variant: r for r in rows}
    on_front = front(rows, measure, common_numbers)
    table = Table(
        title=f"Efficient frontier: cost per year against {measure.name} ({measure.better} "
        f"is better); {len(on_front)} of {len(rows)} variants: each dearer one significantly "
        "better than the last (paired 95% interval)",
        title_justify="left",
    )
    for col in ("variant", "cost per year", "95% CI", measure.name, "95% CI "):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for p in on_front:
        row = by_name[p.name]
        table.add_row(
            p.name,
            f"${p.cost:,.0f}",
            _ci(row.measures[COST], lambda v: f"${v:,.0f}"),
            fmt(p.service, measure),
            _ci(row.measures[measure.name], lambda v: fmt(v, measure)),
        )
    return table


def _ci(e: Estimate, show: Callable[[float], str]) -> str:
    return "–" if e.ci95 is None else f"{show(e.ci95[0])}–{show(e.ci95[1])}"


def axis_label(measure: Measure) -> str:
    """The measure's name with its unit, for a chart axis."""
    unit = {Unit.MINUTES: "minutes", Unit.SHARE: "share", Unit.CALLS: "calls",
            Unit.UNIT_HOURS_PER_YEAR: "unit-hours per year", Unit.CALLS_PER_YEAR: "calls per year",
            Unit.DOLLARS_PER_YEAR: "$ per year"}.get(measure.unit, str(measure.unit))  # fmt: skip
    return f"{measure.name}, {unit}"


def plot_frontier(
    rows: Sequence[SweepRow], measure: Measure, path: Path, title: str, common_numbers: bool = True
) -> None:
    """Every variant as a point, the front as a line, written as a PNG (Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    every = points(rows, measure)
    on_front = front(rows, measure, common_numbers)
    names = {p.name for p in on_front}
    fig = Figure(figsize=(7.5, 5), layout="constrained")
    ax = fig.subplots()
    others = [p for p in every if p.name not in names]
    ax.scatter([p.cost / 1e6 for p in others], [p.service for p in others], color="0.6",
               label="dominated")  # fmt: skip
    ax.plot([p.cost / 1e6 for p in on_front], [p.service for p in on_front], "o-",
            color="tab:blue", label="Pareto front")  # fmt: skip
    for p in on_front:
        ax.annotate(p.name, (p.cost / 1e6, p.service), textcoords="offset points",
                    xytext=(4, 4), fontsize=7)  # fmt: skip
    ax.set_xlabel("cost per year (million $)")
    ax.set_ylabel(measure.name)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))


__all__ = [
    "COST",
    "FRONTIER_MEASURES",
    "Point",
    "axis_label",
    "default_frontier_measure",
    "efficient_front",
    "front",
    "frontier_measure",
    "frontier_table",
    "pareto_front",
    "plot_frontier",
    "points",
    "significantly_better",
]
