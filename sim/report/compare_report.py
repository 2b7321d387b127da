"""The report of ``sim compare``: findings per city, the city table, and charts."""

from __future__ import annotations

from sim.compare import CityComparison, Comparison, Estimate, table_rows
from sim.report import plots
from sim.report.page import bullet_list, chart, ci_text, html_table, page, section
from sim.report.tables import pct


def city_findings(c: CityComparison, program: str) -> list[str]:
    """Plain sentences about one city with the program, each with its paired interval."""
    e = c.response_eligible
    if not c.eligible_categories:
        return [
            f"{c.city}: {c.total_calls_per_year:,.0f} calls a year, none of them in a category "
            f"{program} takes, so it would answer no calls here and cost "
            f"{_est(c.cost_per_year.program, ',.0f', '$')} a year."
        ]
    out = [
        f"{c.city}: {c.total_calls_per_year:,.0f} calls a year, "
        f"{pct(c.eligible_share)} of them in categories {program} takes.",
        f"{program} would answer {_est(c.program_calls_per_year, ',.0f')} calls a year "
        f"({pct(c.program_share_of_eligible)} of the eligible calls).",
    ]
    if c.police_unit_hours_freed_per_year is not None:
        out.append(
            f"Police would spend {_est(c.police_unit_hours_freed_per_year, ',.0f')} fewer "
            "unit-hours a year on calls (paired difference, same calls in both runs)."
        )
    if e.baseline.mean is not None and e.with_program.mean is not None:
        out.append(
            f"Eligible calls would be reached in {e.with_program.mean:.1f} minutes on average "
            f"instead of {e.baseline.mean:.1f} (change {_est(e.change_mean, '+.1f')} minutes)."
        )
    cost = c.cost_per_year
    if cost.program.mean is not None:
        per_call = (
            f", ${c.cost_per_program_call:,.0f} per call answered"
            if c.cost_per_program_call
            else ""
        )
        out.append(f"The program would cost {_est(cost.program, ',.0f', '$')} a year{per_call}.")
    return out


def _est(e: Estimate | None, fmt: str, unit: str = "") -> str:
    return "–" if e is None else ci_text(e.mean, e.ci95, fmt, unit)


def comparison_report(result: Comparison) -> str:
    """The report of ``sim compare``: findings per city, the city table, and charts."""
    cities = [c.city for c in result.cities]
    cs = result.cities
    charts = [
        chart("hours-freed", plots.estimates(
            "Police unit-hours freed per year", cities,
            {"freed": [(_m(c.police_unit_hours_freed_per_year),
                        _ci(c.police_unit_hours_freed_per_year)) for c in cs]},
            "unit-hours per year"),
            "Baseline police busy hours minus busy hours with the program; 95% paired intervals."),
        chart("eligible-response", plots.estimates(
            "Response to eligible calls", cities,
            {"before": [(c.response_eligible.baseline.mean, c.response_eligible.baseline.ci95)
                        for c in cs],
             "with the program": [(c.response_eligible.with_program.mean,
                                   c.response_eligible.with_program.ci95) for c in cs]},
            "mean minutes from the call to the first unit on scene"),
            "Means with 95% intervals over replications."),
        chart("eligible-calls", plots.stacked_bars(
            "Eligible calls per year", cities,
            {f"answered by {result.program}": [_m(c.program_calls_per_year) or 0.0 for c in cs],
             "answered by others or by phone": [
                 max(0.0, (c.eligible_share or 0) * c.total_calls_per_year
                     - (_m(c.program_calls_per_year) or 0.0)) for c in cs]},
            "calls per year"), "Calls in the program's categories, by who answered them."),
        chart("cost", plots.stacked_bars(
            "Cost per year with the program", cities,
            {"city's own responders": [(c.cost_per_year.with_program.mean or 0)
                                       - (c.cost_per_year.program.mean or 0) for c in cs],
             result.program: [c.cost_per_year.program.mean or 0 for c in cs]},
            "dollars per year"), "Staffed, overtime and fixed costs, scaled to a year."),
    ]  # fmt: skip
    rows = table_rows(result)
    table = html_table(["", *cities], [[label, *cells] for label, cells in rows])
    findings = [f for c in cs for f in city_findings(c, result.program)]
    warnings = [w for c in cs for w in c.warnings]
    return page(
        f"{result.program} in {', '.join(cities)}",
        (result.program_description or "") + f" — each city paired with its own baseline "
        f"({cs[0].replications} replications × {cs[0].days - cs[0].warmup_days:g} days, "
        f"seed {cs[0].seed})",
        "compare",
        [
            section("Findings", bullet_list(findings), bullet_list(warnings, "warnings")),
            section("Cities side by side", table),
            section("Charts", *charts),
        ],
    )


def _m(e: Estimate | None) -> float | None:
    return None if e is None else e.mean


def _ci(e: Estimate | None) -> tuple[float, float] | None:
    return None if e is None else e.ci95


__all__ = ["city_findings", "comparison_report"]
