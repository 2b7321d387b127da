"""The report of ``sim compare``: a one-page summary per city, the program's budget, the city
table, and charts (every simulated figure with its 95% interval)."""

from __future__ import annotations

from sim.compare import CityComparison, Comparison, Estimate, table_rows
from sim.compare.output import table_notes
from sim.report import plots
from sim.report.brief import program_brief
from sim.report.page import bullet_list, chart, esc, html_table, page, section
from sim.report.program_sections import budget_section, other_types_note


def city_findings(c: CityComparison, program: str, responder: str) -> list[str]:
    """The five sentences about the program in one city (:mod:`sim.report.brief`)."""
    return program_brief(c, program, responder)


def _pair(e: Estimate | None) -> tuple[float | None, tuple[float, float] | None]:
    return (None, None) if e is None else (e.mean, e.ci95)


def _target(c: CityComparison) -> float | None:
    """The response target of the program's categories, when they share one."""
    found = {c.baseline.call_types[n].target_min for n in c.eligible_categories}
    return found.pop() if len(found) == 1 else None


def _charts(result: Comparison) -> list[str]:
    cities = [c.city for c in result.cities]
    cs = result.cities
    targets = {t for c in cs if (t := _target(c)) is not None}
    return [
        chart("hours-freed", plots.estimates(
            "Police unit-hours freed per year", cities,
            {"freed": [_pair(c.police_unit_hours_freed_per_year) for c in cs]},
            "police unit-hours a year (unit-h/year)", non_negative=False, axis="city"),
            "Police busy hours without the program minus with it; 95% paired intervals. A city "
            "without the program's categories has no point (not applicable)."),
        chart("eligible-response", plots.estimates(
            "Response to the calls in the program's categories", cities,
            {"without the program": [_pair(Estimate(mean=c.response_eligible.baseline.mean,
                                                    ci95=c.response_eligible.baseline.ci95))
                                     for c in cs],
             "with the program": [_pair(Estimate(mean=c.response_eligible.with_program.mean,
                                                 ci95=c.response_eligible.with_program.ci95))
                                  for c in cs]},
            "mean minutes from the call to the first unit on scene (min)",
            target=targets.pop() if len(targets) == 1 else None, axis="city"),
            "Means with 95% intervals over replications; the vermillion line is the response "
            "target where the scenario sets one."),
        chart("eligible-calls", plots.stacked_bars(
            "Calls in the program's categories per year", cities,
            {f"answered by {result.program}": [c.program_calls_per_year.mean or 0.0 for c in cs],
             "answered by others or resolved by phone": [
                 max(0.0, c.eligible_calls_per_year - (c.program_calls_per_year.mean or 0.0))
                 for c in cs]},
            "calls a year (calls/year)",
            totals=[_pair(c.program_calls_per_year) for c in cs], axis="city"),
            "Calls in the program's categories, by who answered them; dots: the program's "
            "calls with their 95% interval."),
        chart("cost", plots.stacked_bars(
            "Cost per year with the program", cities,
            {"city's own responders": [(c.cost_per_year.with_program.mean or 0)
                                       - (c.cost_per_year.program.mean or 0) for c in cs],
             result.program: [c.cost_per_year.program.mean or 0 for c in cs]},
            "dollars a year ($/year)",
            totals=[_pair(c.cost_per_year.program) for c in cs], axis="city"),
            "Staffed, overtime and fixed costs, scaled to a year; dots: the program's cost with "
            "its 95% interval. A city the program does not apply to has no program cost."),
    ]  # fmt: skip


def comparison_report(result: Comparison) -> str:
    """The report of ``sim compare``: summaries per city, budget, the city table, charts."""
    cs = result.cities
    cities = [c.city for c in cs]
    summaries = [
        f"<h3>{esc(c.city)}</h3>"
        + bullet_list(city_findings(c, result.program, result.responder), "findings summary")
        for c in cs
    ]
    applies = [c for c in cs if "program_calls_per_year" not in c.not_applicable]
    budget = next((c.program_budget for c in applies if c.program_budget is not None), None)
    rows = table_rows(result)
    table = html_table(["", *cities], [[label, *cells] for label, cells in rows])
    warnings = [w for c in cs for w in c.warnings]
    others = "".join(other_types_note(c.other_call_types, c.city) for c in cs)
    body = [
        section("Summary", *summaries),
        *([budget_section(budget, result.program)] if budget is not None else []),
        section("Cities side by side", table, bullet_list(table_notes(result), "notes"), others),
        section("Charts", *_charts(result)),
        section("Warnings", bullet_list(warnings, "warnings")) if warnings else "",
    ]
    return page(
        f"{result.program} in {', '.join(cities)}",
        (result.program_description or "") + f" — each city paired with its own baseline "
        f"({cs[0].replications} replications × {cs[0].days - cs[0].warmup_days:g} days, "
        f"seed {cs[0].seed}); counts, hours and costs per year",
        "compare",
        [b for b in body if b],
    )


__all__ = ["city_findings", "comparison_report"]
