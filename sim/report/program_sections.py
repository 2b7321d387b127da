"""The report's sections about a program: its people and budget, and its hours of operation.

Shared by the report of a planned city and of a comparison. The budget is the one
:mod:`sim.budget` derives from the team's ``budget`` in the scenario (FTEs per role, every
line per year); the hours of operation come from :mod:`sim.hours_of_operation`, the other
blocks of hours simulated with the plan's own calls (paired differences).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim import fmt
from sim.applicable import NA
from sim.budget import AnnualBudget
from sim.estimates import Estimate
from sim.hours_of_operation import HoursOfOperation, HoursVariant
from sim.report import plots
from sim.report.page import bullet_list, chart, esc, html_table, section


def budget_section(budget: AnnualBudget, program: str | None = None) -> str:
    """The team's workforce (FTEs per role, qualifications) and its itemised annual budget."""
    who = f"{program} ({budget.team})" if program else budget.team
    staff = html_table(
        ["role", "per unit on duty", "FTE", "wage, $/h", "wages / year", "qualifications"],
        [[r.role, "off the units" if r.per_unit is None else f"{r.per_unit:g}",
          f"{r.fte:.1f}" if r.per_unit is not None else f"{r.fte:g}",
          f"${r.hourly_wage:,.2f}", f"${r.wages_per_year:,.0f}", r.qualifications or "–"]
         for r in budget.staffing],
    )  # fmt: skip
    lines = html_table(
        ["item", "basis", "per year"],
        [[line.item, line.basis, f"${line.per_year:,.0f}"] for line in budget.lines]
        + [["total", f"{budget.unit_hours_per_year:,.0f} unit-hours on duty a year",
            f"${budget.total_per_year:,.0f}"]],
        numeric_from=2,
    )  # fmt: skip
    intro = (
        f"<p>{esc(who)}: {budget.unit_hours_per_year:,.0f} unit-hours on duty a year (a peak "
        f"of {budget.peak_units} units) need {budget.total_fte:.1f} full-time equivalents, "
        f"{budget.crew_fte:.1f} of them crew; the planned hours cost "
        f"${budget.total_per_year:,.0f} a year. FTEs = hours on duty × relief factor ÷ paid "
        "hours per FTE (sim/budget.py); the simulation adds overtime on top.</p>"
    )
    notes = bullet_list(list(budget.notes), "notes")
    return section("Budget and workforce, per year", intro, "<h3>People</h3>", staff,
                   "<h3>Budget lines</h3>", lines, notes)  # fmt: skip


def _est(e: Estimate, spec: str = ",.0f", unit: str = "") -> str:
    return fmt.with_ci(e.mean, e.ci95, spec, unit)


def _signed(e: Estimate, spec: str = "+,.0f") -> str:
    return fmt.with_ci(e.mean, e.ci95, spec) if e.mean is not None else NA


def hours_section(
    static: HoursOfOperation, variants: Sequence[HoursVariant], program: str | None = None
) -> str:
    """Calls by hour against hours on duty, the share inside them, and other blocks."""
    who = program or static.team
    share = fmt.share(static.share_inside_hours)
    intro = (
        f"<p>{esc(who)} is offered {static.calls_per_year:,.0f} calls a year (its share of "
        f"{esc(', '.join(static.call_types) or 'no call type')}, less those resolved by "
        f"phone); {share} of them arrive while at least one of its units is on duty.</p>"
    )
    drawn = chart(
        f"hours-{static.team}",
        plots.hours_of_operation(who, np.array(static.calls_per_hour),
                                 np.array(static.units_on_duty)),
        "Expected calls offered to the team in each hour of the week (an input of the "
        "scenario, so without an interval) against its units on duty by the shift plan.",
    )  # fmt: skip
    parts = [intro, drawn]
    if variants:
        parts += [_variants_table(variants), _variants_chart(who, variants)]
    return section("Hours of operation", *parts)


def _variants_table(variants: Sequence[HoursVariant]) -> str:
    rows = [
        [v.name, v.shifts, f"{v.unit_hours_per_year:,.0f}", fmt.share(v.share_inside_hours),
         fmt.number(v.fte, ".1f"), fmt.number(v.budget_per_year, unit="$"),
         _est(v.program_calls_per_year), _est(v.eligible_response_p90, ".1f"),
         _signed(v.police_unit_hours_freed_vs_current),
         _signed(v.change_eligible_response_p90, "+.1f")]
        for v in variants
    ]  # fmt: skip
    header = ["hours", "shifts", "unit-h / year", "calls inside hours", "FTE", "budget / year",
              "program calls / year", "eligible p90, min", "police unit-h freed vs current",
              "Δ eligible p90, min"]  # fmt: skip
    note = (
        "<p>Each block is simulated with the same calls as the plan (common random numbers); "
        "the last two columns are paired differences from the current hours with their 95% "
        "intervals.</p>"
    )
    return html_table(header, rows, numeric_from=2) + note


def _variants_chart(who: str, variants: Sequence[HoursVariant]) -> str:
    names = [v.name for v in variants]
    return chart(
        "hours-variants",
        plots.estimates(
            f"{who}: calls answered a year under other hours", names,
            {"calls the program answers": [(v.program_calls_per_year.mean,
                                            v.program_calls_per_year.ci95) for v in variants]},
            "calls a year (calls)", axis="hours of operation"),
        "Means over replications with 95% intervals; the same calls in every block.",
    )  # fmt: skip


def other_types_note(raw: Mapping[str, int], city: str = "") -> str:
    """What falls outside the taxonomy: the catch-all category's largest raw call types."""
    if not raw:
        return ""
    top = ", ".join(f"{k} ({v:,})" for k, v in list(raw.items())[:10])
    where = f" in {esc(city)}" if city else ""
    return (
        f"<p>Calls{where} outside the taxonomy's categories (the catch-all 'other'), largest "
        f"raw call types with their calls in the fitted window: {esc(top)}. Map them to a "
        "category (sim fit --taxonomy) if a program could take them.</p>"
    )


__all__ = ["budget_section", "hours_section", "other_types_note"]
