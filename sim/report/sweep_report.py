"""The report of a sweep: cost against a service measure for every variant, and the frontier."""

from __future__ import annotations

from typing import Any

from sim.estimates import Estimate
from sim.frontier import COST, axis_label, default_frontier_measure, front, frontier_measure
from sim.measures import Better, Measure, Unit
from sim.report import plots
from sim.report.page import ResultsError, bullet_list, chart, ci_text, html_table, page, section
from sim.sweep import SweepDocument, SweepRow


def _ci(e: Estimate, fmt: str = ".1f", unit: str = "") -> str:
    return ci_text(e.mean, e.ci95, fmt, unit)


def sweep_report(result: SweepDocument, where: str | None = None) -> str:
    """The report of a sweep: cost against response for every variant, and the frontier.

    ``where`` (the results file) goes into the error when nothing in it can be drawn.
    """
    measure = frontier_measure(default_frontier_measure(result.measures), where or "sweep")
    name = measure.name
    usable = [r for r in result.rows() if None not in (r.value(name), r.value(COST))]
    if not usable:
        raise ResultsError(
            "the sweep has no finished variant with cost and response",
            where=where,
            hint="finish it with sim sweep --resume",
        )
    on_front = {p.name for p in front(usable, measure, result.common_random_numbers)}
    efficient = [r.variant in on_front for r in usable]
    target = _target(result, measure)
    chart_html = chart(
        "frontier",
        plots.frontier(
            f"Cost against {name}",
            [r.variant for r in usable],
            [(r.value(COST) or 0.0, r.measures[COST].ci95) for r in usable],
            [(r.value(name) or 0.0, r.measures[name].ci95) for r in usable],
            axis_label(measure),
            efficient,
            target,
        ),
        "Each dot is a variant with its 95% intervals (grey bars); the blue line joins the "
        "efficient ones: each dearer one is significantly better than the last (paired 95% "
        "interval of the difference)"
        + (f"; the vermillion line is the response target, {target:g} minutes." if target else "."),
    )
    rows = [
        [r.variant, *(_cell(r.parameters.get(p)) for p in result.parameters),
         _ci(r.measures[name]), _ci(r.measures[COST], ",.0f", "$"), "yes" if e else ""]
        for r, e in zip(usable, efficient, strict=True)
    ]  # fmt: skip
    table = html_table(["variant", *result.parameters, name, "cost per year", "on the frontier"],
                       rows)  # fmt: skip
    return page(
        f"{result.scenario}: staffing sweep",
        f"{len(result.variants)} variants × {result.replications} replications, seed "
        f"{result.seed}, baseline '{result.baseline}'",
        "sweep",
        [
            section("Findings", bullet_list(sweep_findings(usable, measure, efficient))),
            section("The frontier", chart_html),
            section("Variants", table),
        ],
    )


def sweep_findings(rows: list[SweepRow], measure: Measure, efficient: list[bool]) -> list[str]:
    """Plain sentences: how many variants are efficient, the cheapest and the best."""
    name = measure.name
    eff = [r for r, e in zip(rows, efficient, strict=True) if e]
    cheap = min(eff, key=lambda r: r.value(COST) or 0.0)
    sign = -1.0 if measure.better is Better.HIGHER else 1.0
    best = min(eff, key=lambda r: sign * (r.value(name) or 0.0))
    return [
        f"{len(eff)} of {len(rows)} variants are on the efficient frontier: no other variant "
        f"is both cheaper and better on {name}, and each dearer one is significantly better "
        "than the cheaper one before it (paired 95% interval).",
        f"The cheapest of them, {cheap.variant}, costs "
        f"{_ci(cheap.measures[COST], ',.0f', '$')} a year with {name} "
        f"{_ci(cheap.measures[name])}.",
        f"The best on {name}, {best.variant}, reaches {_ci(best.measures[name])} for "
        f"{_ci(best.measures[COST], ',.0f', '$')} a year.",
    ]


def _target(result: SweepDocument, measure: Measure) -> float | None:
    """The response target a time measure is held to, where every call type it covers has the
    same one (the eligible group's, or one call type's)."""
    summary = next((v.summary for v in result.variants if v.summary is not None), None)
    if summary is None or measure.unit is not Unit.MINUTES or measure.of != "response_min":
        return None
    parts = measure.name.split(".")
    if parts[0] == "eligible" and summary.eligible is not None:
        names = summary.eligible.call_types
    elif parts[0] == "call_types":
        names = [parts[1]]
    else:
        names = [n for n, c in summary.call_types.items() if c.origin == "public"]
    targets = {summary.call_types[n].target_min for n in names if n in summary.call_types}
    return targets.pop() if len(targets) == 1 else None


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


__all__ = ["sweep_findings", "sweep_report"]
