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

from sim.compare.models import CityComparison, Comparison
from sim.estimates import Estimate
from sim.metrics import TimeStat


class CityRow(BaseModel):
    """One city's key figures: the columns of ``sim compare --csv``, in order."""

    city: str
    population: int | None
    replications: int
    seed: int
    measured_days: float
    calls_per_year: float
    eligible_share: float | None
    program_calls_per_year: float | None
    program_calls_per_year_lo: float | None
    program_calls_per_year_hi: float | None
    program_share_of_eligible: float | None
    police_unit_hours_freed_per_year: float | None
    police_unit_hours_freed_per_year_lo: float | None
    police_unit_hours_freed_per_year_hi: float | None
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
        return cls(
            city=c.city, population=c.population, replications=c.replications, seed=c.seed,
            measured_days=c.days - c.warmup_days, calls_per_year=c.total_calls_per_year,
            eligible_share=c.eligible_share, program_calls_per_year=answered[0],
            program_calls_per_year_lo=answered[1], program_calls_per_year_hi=answered[2],
            program_share_of_eligible=c.program_share_of_eligible,
            police_unit_hours_freed_per_year=freed[0],
            police_unit_hours_freed_per_year_lo=freed[1],
            police_unit_hours_freed_per_year_hi=freed[2],
            program_utilization=c.utilization[responder].with_program,
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
            cost_per_program_call=c.cost_per_program_call,
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


def _fmt(value: float | None, spec: str = ",.0f", unit: str = "") -> str:
    return "–" if value is None else f"{unit}{value:{spec}}"


def _fmt_ci(e: Estimate | None, spec: str = ",.0f", unit: str = "") -> str:
    if e is None or e.mean is None:
        return "–"
    text = _fmt(e.mean, spec, unit)
    if e.ci95 is not None and e.ci95[0] != e.ci95[1]:  # a zero-width interval says nothing
        text += f" ({_fmt(e.ci95[0], spec, unit)}–{_fmt(e.ci95[1], spec, unit)})"
    return text


def _res(c: CityComparison, key: str) -> float | None:
    res = c.per_100k_residents
    return None if res is None else getattr(res, key)


def _before_after(before: float | None, after: float | None, spec: str, unit: str = "") -> str:
    return f"{_fmt(before, spec, unit)} → {_fmt(after, spec, unit)}"


def table_rows(result: Comparison) -> list[tuple[str, list[str]]]:
    """(label, one cell per city) rows of the comparison table, for terminal and HTML."""
    who = result.responder
    cells: list[tuple[str, Callable[[CityComparison], str]]] = [
        ("population", lambda c: _fmt(c.population)),
        ("calls per year", lambda c: _fmt(c.total_calls_per_year)),
        ("share eligible", lambda c: _fmt(c.eligible_share, ".1%")),
        ("calls the program answered / year", lambda c: _fmt_ci(c.program_calls_per_year)),
        ("share of eligible calls answered", lambda c: _fmt(c.program_share_of_eligible, ".0%")),
        ("police unit-hours freed / year", lambda c: _fmt_ci(c.police_unit_hours_freed_per_year)),
        (f"{who} utilization", lambda c: _fmt(c.utilization[who].with_program, ".0%")),
        ("police utilization (before → after)", lambda c: _arrow(c, _police(c), ".0%")),
        ("eligible response mean, min (before)",
         lambda c: _fmt_ci(_as_estimate(c.response_eligible.baseline), ".1f")),
        ("eligible response mean, min (after)",
         lambda c: _fmt_ci(_as_estimate(c.response_eligible.with_program), ".1f")),
        ("eligible response p90, min (before → after)",
         lambda c: _before_after(c.response_eligible.baseline.p90,
                                 c.response_eligible.with_program.p90, ".1f")),
        ("all calls response mean, min (before → after)",
         lambda c: _before_after(c.response_all.baseline.mean,
                                 c.response_all.with_program.mean, ".1f")),
        ("program cost / year", lambda c: _fmt_ci(c.cost_per_year.program, unit="$")),
        ("total cost / year (before → after)",
         lambda c: _before_after(c.cost_per_year.baseline.mean,
                                 c.cost_per_year.with_program.mean, ",.0f", "$")),
        ("program cost per call answered", lambda c: _fmt(c.cost_per_program_call, unit="$")),
        ("police unit-hours freed per 1,000 calls",
         lambda c: _fmt(c.per_1000_calls.police_unit_hours_freed, ",.1f")),
        ("program calls per 100,000 residents", lambda c: _fmt(_res(c, "program_calls"))),
        ("police unit-hours freed per 100,000 residents",
         lambda c: _fmt(_res(c, "police_unit_hours_freed"))),
        ("program cost per 100,000 residents",
         lambda c: _fmt(_res(c, "program_cost"), unit="$")),
    ]  # fmt: skip
    return [(label, [cell(c) for c in result.cities]) for label, cell in cells]


def _as_estimate(stat: TimeStat) -> Estimate:
    return Estimate(mean=stat.mean, ci95=stat.ci95)


def _police(c: CityComparison) -> str:
    """The city's (first) police team, by role; "" if it has none."""
    return c.police_teams[0] if c.police_teams else ""


def _arrow(c: CityComparison, team: str, spec: str) -> str:
    use = c.utilization.get(team)
    if use is None:
        return "–"
    return f"{_fmt(use.baseline, spec)} → {_fmt(use.with_program, spec)}"


def comparison_table(result: Comparison) -> Table:
    """The comparison as a rich table: one row per figure, one column per city."""
    t = Table(
        title=f"{result.program} in {len(result.cities)} "
        f"cit{'y' if len(result.cities) == 1 else 'ies'} (paired with each city's baseline)",
        title_justify="left",
    )
    t.add_column("")
    for c in result.cities:
        t.add_column(c.city, justify="right")
    for label, cells in table_rows(result):
        t.add_row(label, *cells)
    return t


__all__ = ["CityRow", "comparison_table", "table_rows", "to_csv", "to_json"]
