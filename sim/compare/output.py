"""A comparison at the edge: one CSV row per city (a typed model), JSON, and tables.

:class:`CityRow` is the one place a city's figures become flat columns; the terminal and the
HTML report share :func:`table_rows`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from pydantic import BaseModel
from rich.table import Table

from sim import fmt
from sim.applicable import NA
from sim.compare.models import CityComparison, Comparison
from sim.estimates import Estimate
from sim.metrics import TimeStat


class CityRow(BaseModel):
    """One city's key figures, per year: the columns of ``sim compare --csv``, in order.

    An empty cell is a figure that is not applicable (the JSON says why).
    """

    city: str
    population: int | None
    replications: int
    seed: int
    measured_days: float
    calls_per_year: float
    eligible_calls_per_year: float
    eligible_share: float | None
    program_calls_per_year: float | None
    program_calls_per_year_lo: float | None
    program_calls_per_year_hi: float | None
    program_share_of_eligible: float | None
    eligible_share_inside_program_hours: float | None
    police_unit_hours_freed_per_year: float | None
    police_unit_hours_freed_per_year_lo: float | None
    police_unit_hours_freed_per_year_hi: float | None
    police_officer_fte_freed: float | None
    police_dollars_freed_per_year: float | None
    program_fte: float | None
    program_budget_per_year: float | None
    program_utilization: float | None
    police_utilization_baseline: float | None
    police_utilization_with_program: float | None
    eligible_response_mean_baseline: float | None
    eligible_response_mean_with_program: float | None
    eligible_response_p90_baseline: float | None
    eligible_response_p90_with_program: float | None
    response_mean_baseline: float | None
    response_mean_with_program: float | None
    cost_per_year_baseline: float | None
    cost_per_year_with_program: float | None
    program_cost_per_year: float | None
    cost_per_program_call: float | None
    police_unit_hours_freed_per_1000_calls: float | None
    program_calls_per_100k_residents: float | None
    police_unit_hours_freed_per_100k_residents: float | None
    program_cost_per_100k_residents: float | None

    @classmethod
    def of(cls, c: CityComparison, responder: str) -> CityRow:
        police = c.utilization.get(_police(c))
        answered, freed = _lohi(c.program_calls_per_year), _lohi(c.police_unit_hours_freed_per_year)
        res = c.per_100k_residents
        e, a = c.response_eligible, c.response_all
        time, budget = c.police_time_freed, c.program_budget
        applies = "program_calls_per_year" not in c.not_applicable
        return cls(
            city=c.city, population=c.population, replications=c.replications, seed=c.seed,
            measured_days=c.days - c.warmup_days, calls_per_year=c.total_calls_per_year,
            eligible_calls_per_year=c.eligible_calls_per_year,
            eligible_share=c.eligible_share, program_calls_per_year=answered[0],
            program_calls_per_year_lo=answered[1], program_calls_per_year_hi=answered[2],
            program_share_of_eligible=c.program_share_of_eligible,
            eligible_share_inside_program_hours=c.eligible_share_inside_program_hours,
            police_unit_hours_freed_per_year=freed[0],
            police_unit_hours_freed_per_year_lo=freed[1],
            police_unit_hours_freed_per_year_hi=freed[2],
            police_officer_fte_freed=time.officer_fte.mean if time else None,
            police_dollars_freed_per_year=time.dollars_per_year.mean if time else None,
            program_fte=budget.total_fte if budget and applies else None,
            program_budget_per_year=budget.total_per_year if budget and applies else None,
            program_utilization=c.utilization[responder].with_program if applies else None,
            police_utilization_baseline=police.baseline if police else None,
            police_utilization_with_program=police.with_program if police else None,
            eligible_response_mean_baseline=e.baseline.mean,
            eligible_response_mean_with_program=e.with_program.mean,
            eligible_response_p90_baseline=e.baseline.p90,
            eligible_response_p90_with_program=e.with_program.p90,
            response_mean_baseline=a.baseline.mean, response_mean_with_program=a.with_program.mean,
            cost_per_year_baseline=c.cost_per_year.baseline.mean,
            cost_per_year_with_program=c.cost_per_year.with_program.mean,
            program_cost_per_year=c.cost_per_year.program.mean,
            cost_per_program_call=c.cost_per_program_call.mean,
            police_unit_hours_freed_per_1000_calls=c.per_1000_calls.police_unit_hours_freed,
            program_calls_per_100k_residents=res.program_calls if res else None,
            police_unit_hours_freed_per_100k_residents=res.police_unit_hours_freed if res else None,
            program_cost_per_100k_residents=res.program_cost if res else None,
        )  # fmt: skip


def _lohi(e: Estimate | None) -> tuple[float | None, float | None, float | None]:
    if e is None:
        return None, None, None
    return e.mean, *(e.ci95 if e.ci95 else (None, None))


def to_csv(result: Comparison) -> str:
    """The comparison as CSV text: one row per city."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CityRow.model_fields), lineterminator="\n")
    writer.writeheader()
    for c in result.cities:
        row = CityRow.of(c, result.responder).model_dump()
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def to_json(result: Comparison) -> str:
    """The comparison as JSON text (the edge: typed inside, JSON outside)."""
    return result.model_dump_json(indent=2)


def _est(e: Estimate | None, spec: str = ",.0f", unit: str = "") -> str:
    return NA if e is None else fmt.with_ci(e.mean, e.ci95, spec, unit)


def _res(c: CityComparison, key: str) -> float | None:
    res = c.per_100k_residents
    return None if res is None else getattr(res, key)


def _before_after(before: float | None, after: float | None, spec: str, unit: str = "") -> str:
    return f"{fmt.number(before, spec, unit)} → {fmt.number(after, spec, unit)}"


Cell = Callable[[CityComparison], str]
HIDDEN = ("utilization.",)  # figures of the JSON the table does not show


def _rows(who: str) -> list[tuple[str, Cell]]:
    """The comparison table's rows: a label (with its unit and period) and how to fill it."""
    return [
        ("population", lambda c: fmt.number(c.population)),
        ("calls per year", lambda c: fmt.number(c.total_calls_per_year)),
        ("eligible calls per year (share of all)",
         lambda c: f"{fmt.number(c.eligible_calls_per_year)} "
                   f"({fmt.share(c.eligible_share, '.1%')})"),
        ("calls the program answered / year",
         lambda c: fmt.few(_est(c.program_calls_per_year), c.program_sample_calls)),
        ("share of eligible calls answered", lambda c: fmt.share(c.program_share_of_eligible)),
        ("eligible calls inside program hours",
         lambda c: fmt.share(c.eligible_share_inside_program_hours)),
        ("police unit-hours freed / year", lambda c: _est(c.police_unit_hours_freed_per_year)),
        ("police officer FTEs freed",
         lambda c: _est(c.police_time_freed.officer_fte if c.police_time_freed else None, ".1f")),
        ("police time freed, $ / year (city's police cost)",
         lambda c: _est(c.police_time_freed.dollars_per_year if c.police_time_freed else None,
                        unit="$")),
        ("program FTEs (crew and supervision)", lambda c: _fte(c)),
        ("program budget / year (planned hours)", lambda c: _budget(c)),
        ("program cost / year (simulated, with overtime)",
         lambda c: _est(c.cost_per_year.program, unit="$")),
        ("program cost per call answered", lambda c: _est(c.cost_per_program_call, unit="$")),
        (f"{who} utilization", lambda c: _program_use(c, who)),
        ("police utilization (before → after)", lambda c: _arrow(c, _police(c), ".0%")),
        ("eligible response mean, min (before)",
         lambda c: _time(c.response_eligible.baseline)),
        ("eligible response mean, min (after)",
         lambda c: _time(c.response_eligible.with_program)),
        ("eligible response p90, min (before → after)",
         lambda c: _before_after(c.response_eligible.baseline.p90,
                                 c.response_eligible.with_program.p90, ".1f")),
        ("all calls response mean, min (before → after)",
         lambda c: _before_after(c.response_all.baseline.mean,
                                 c.response_all.with_program.mean, ".1f")),
        ("total cost / year (before → after)",
         lambda c: _before_after(c.cost_per_year.baseline.mean,
                                 c.cost_per_year.with_program.mean, ",.0f", "$")),
        ("police unit-hours freed per 1,000 calls",
         lambda c: fmt.number(c.per_1000_calls.police_unit_hours_freed, ",.1f")),
        ("program calls / year per 100,000 residents",
         lambda c: fmt.number(_res(c, "program_calls"))),
        ("police unit-hours freed / year per 100,000 residents",
         lambda c: fmt.number(_res(c, "police_unit_hours_freed"))),
        ("program cost / year per 100,000 residents",
         lambda c: fmt.number(_res(c, "program_cost"), unit="$")),
    ]  # fmt: skip


def table_rows(result: Comparison) -> list[tuple[str, list[str]]]:
    """(label, one cell per city) rows of the comparison table, for terminal and HTML."""
    return [(label, [cell(c) for c in result.cities]) for label, cell in _rows(result.responder)]


def table_notes(result: Comparison) -> list[str]:
    """What the table's marks mean: each city's not-applicable reasons, and the few-calls mark."""
    out = []
    for c in result.cities:
        shown = [why for path, why in c.not_applicable.items() if not path.startswith(HIDDEN)]
        out += [f"n/a, {c.city}: {why}" for why in dict.fromkeys(shown)]
    rows = table_rows(result)
    if any(fmt.FEW_MARK in cell for _, cells in rows for cell in cells):
        out.append(fmt.FEW_NOTE)
    return out


def _time(stat: TimeStat) -> str:
    return fmt.few(fmt.with_ci(stat.mean, stat.ci95, ".1f"), stat.sample_calls)


def _fte(c: CityComparison) -> str:
    b = c.program_budget
    if b is None or "program_calls_per_year" in c.not_applicable:
        return NA
    return f"{b.total_fte:.1f} ({b.crew_fte:.1f} crew)"


def _budget(c: CityComparison) -> str:
    b = c.program_budget
    if b is None or "program_calls_per_year" in c.not_applicable:
        return NA
    return fmt.number(b.total_per_year, unit="$")


def _program_use(c: CityComparison, who: str) -> str:
    if "program_calls_per_year" in c.not_applicable:
        return NA
    return fmt.share(c.utilization[who].with_program)


def _police(c: CityComparison) -> str:
    """The city's (first) police team, by role; "" if it has none."""
    return c.police_teams[0] if c.police_teams else ""


def _arrow(c: CityComparison, team: str, spec: str) -> str:
    use = c.utilization.get(team)
    if use is None:
        return NA
    return f"{fmt.share(use.baseline, spec)} → {fmt.share(use.with_program, spec)}"


def comparison_table(result: Comparison) -> Table:
    """The comparison as a rich table: one row per figure, one column per city."""
    t = Table(
        title=f"{result.program} in {len(result.cities)} "
        f"cit{'y' if len(result.cities) == 1 else 'ies'} (paired with each city's baseline; "
        "per year)",
        title_justify="left",
    )
    t.add_column("")
    for c in result.cities:
        t.add_column(c.city, justify="right")
    for label, cells in table_rows(result):
        t.add_row(label, *cells)
    return t


__all__ = ["CityRow", "comparison_table", "table_notes", "table_rows", "to_csv", "to_json"]
