"""City comparisons: one program carried to several cities, each paired with its baseline.

For each city the baseline (the city as its scenario describes it, police-only for the
shipped cities) and the city with the program run replication by replication with the same
seed. The program never changes the calls (streams are named by call type and team), so the
two runs of a replication see the same calls and their difference — police unit-hours freed,
change in response and cost — is measured tightly, with a paired 95% t-interval over
replications. Results are typed; they become JSON (with ``schema_version`` and ``kind``) and
CSV only at the edge.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field
from rich.table import Table

from sim.experiment import group_response, run_replication
from sim.metrics import (
    SCHEMA_VERSION,
    Summary,
    TimeStat,
    combine,
    replication_summary,
    t_interval,
)
from sim.program import Program, apply_program, eligible_categories
from sim.scenario import Scenario

POLICE = "police"
DAYS_PER_YEAR = 365.0


class Estimate(BaseModel):
    """A mean over replications and its 95% t-interval (None with one replication)."""

    mean: float | None
    ci95: tuple[float, float] | None = None


class TeamUse(BaseModel):
    """A team's utilization (busy / staffed time) without and with the program."""

    baseline: float | None
    with_program: float | None


class ResponseChange(BaseModel):
    """Response (arrival → first unit on scene) without and with the program, and the change."""

    baseline: TimeStat
    with_program: TimeStat
    change_mean: Estimate  # with_program − baseline, paired by replication


class CostChange(BaseModel):
    """Cost per year of the whole city response without and with the program."""

    baseline: Estimate
    with_program: Estimate
    program: Estimate  # the program's own teams
    change: Estimate  # with_program − baseline, paired by replication


class Normalized(BaseModel):
    """Key figures scaled to a common base (per 1,000 calls or per 100,000 residents)."""

    calls: float
    program_calls: float | None
    police_unit_hours_freed: float | None
    program_cost: float | None


class CityComparison(BaseModel):
    """One city: its baseline and the same city with the program, paired."""

    city: str
    source: str
    population: int | None
    replications: int
    seed: int
    days: float
    warmup_days: float
    calls_per_year: dict[str, float]
    total_calls_per_year: float
    eligible_categories: list[str]
    eligible_share: float | None
    program_calls_per_year: Estimate
    program_share_of_eligible: float | None
    police_unit_hours_freed_per_year: Estimate | None
    police_teams: list[str] = []  # the city's teams with role = "police"
    utilization: dict[str, TeamUse]
    response_eligible: ResponseChange
    response_all: ResponseChange
    cost_per_year: CostChange
    cost_per_program_call: float | None
    per_1000_calls: Normalized
    per_100k_residents: Normalized | None
    warnings: list[str] = []
    baseline: Summary
    with_program: Summary


class Comparison(BaseModel):
    """``sim compare`` results: a program applied to each of several cities."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["compare"] = "compare"
    program: str
    program_description: str | None = None
    responder: str
    cities: list[CityComparison] = Field(min_length=1)


# ------------------------------------------------------------------------------ running


@dataclass
class _Pairs:
    """Per-replication values of the two arms, collected as replications run."""

    baseline: list[Summary] = field(default_factory=list)
    with_program: list[Summary] = field(default_factory=list)
    eligible_base: list[TimeStat] = field(default_factory=list)
    eligible_prog: list[TimeStat] = field(default_factory=list)


def compare_city(
    city: Scenario,
    program: Program,
    *,
    source: str = "",
    on_replication: Callable[[int], None] | None = None,
) -> CityComparison:
    """Run a city's baseline and the city with the program, paired replication by replication."""
    notes: list[str] = []
    with_program = apply_program(city, program, warn=notes.append)
    categories = eligible_categories(city, program)
    pairs = _Pairs()
    for r in range(city.scenario.replications):
        for scn, summaries, eligible in (
            (city, pairs.baseline, pairs.eligible_base),
            (with_program, pairs.with_program, pairs.eligible_prog),
        ):
            records = run_replication(scn, r)
            summaries.append(replication_summary(scn, records))
            eligible.append(group_response(scn, records, categories))
        if on_replication:
            on_replication(r)
    return _city_result(city, with_program, program, categories, pairs, source, notes)


def _estimate(values: Sequence[float | None]) -> Estimate:
    present = [v for v in values if v is not None]
    if not present:
        return Estimate(mean=None)
    return Estimate(mean=float(np.mean(present)), ci95=t_interval(present))


def _paired(a: Sequence[float | None], b: Sequence[float | None]) -> Estimate:
    """Mean and t-interval of b − a over replications where both are known."""
    return _estimate([y - x for x, y in zip(a, b, strict=True) if x is not None and y is not None])


def _stat(stats: list[TimeStat]) -> TimeStat:
    """Average per-replication statistics, as :func:`sim.metrics.combine` does."""
    out: dict[str, object] = {}
    for key in ("mean", "p50", "p90", "p95"):
        values = [getattr(s, key) for s in stats if getattr(s, key) is not None]
        out[key] = float(np.mean(values)) if values else None
    out["ci95"] = t_interval([s.mean for s in stats if s.mean is not None])
    return TimeStat.model_validate(out)


def _response(base: list[TimeStat], prog: list[TimeStat]) -> ResponseChange:
    return ResponseChange(
        baseline=_stat(base),
        with_program=_stat(prog),
        change_mean=_paired([s.mean for s in base], [s.mean for s in prog]),
    )


def _city_result(
    city: Scenario,
    with_program: Scenario,
    program: Program,
    categories: list[str],
    pairs: _Pairs,
    source: str,
    notes: list[str],
) -> CityComparison:
    base, prog = combine(city, pairs.baseline), combine(with_program, pairs.with_program)
    per_year = DAYS_PER_YEAR / city.measured_days()
    calls_per_year = {k: ct.calls * per_year for k, ct in base.call_types.items()}
    total = base.calls * per_year
    eligible = sum(calls_per_year[c] for c in categories)
    program_teams = list(program.teams)
    answered = _estimate([s.teams[program.responder].calls * per_year for s in pairs.with_program])
    police = city.teams_with_role(POLICE)  # by role, never by a team's name
    freed = None
    if police:
        freed = _paired(
            [
                sum(s.teams[t].busy_unit_hours for t in police) * per_year
                for s in pairs.with_program
            ],
            [sum(s.teams[t].busy_unit_hours for t in police) * per_year for s in pairs.baseline],
        )
    else:
        notes.append(
            f'{city.scenario.name}: no team has role = "police", so police unit-hours freed '
            'is left out; give its police team role = "police"'
        )
    program_cost = _estimate(
        [sum(s.teams[t].cost for t in program_teams) * per_year for s in pairs.with_program]
    )
    cost = CostChange(
        baseline=Estimate(mean=base.cost.per_year, ci95=base.cost.per_year_ci95),
        with_program=Estimate(mean=prog.cost.per_year, ci95=prog.cost.per_year_ci95),
        program=program_cost,
        change=_paired(
            [s.cost.per_year for s in pairs.baseline], [s.cost.per_year for s in pairs.with_program]
        ),
    )
    per_call = (
        program_cost.mean / answered.mean
        if program_cost.mean is not None and answered.mean
        else None
    )
    figures = (answered.mean, freed.mean if freed else None, program_cost.mean)
    population = city.scenario.population
    name = city.scenario.name
    warnings = notes + [f"{name}, baseline: {w}" for w in base.warnings]
    warnings += [f"{name} with {program.name}: {w}" for w in prog.warnings]
    return CityComparison(
        city=city.scenario.name,
        source=source,
        population=population,
        replications=city.scenario.replications,
        seed=city.scenario.seed,
        days=city.scenario.days,
        warmup_days=city.scenario.warmup_days,
        calls_per_year=calls_per_year,
        total_calls_per_year=total,
        eligible_categories=categories,
        eligible_share=eligible / total if total else None,
        program_calls_per_year=answered,
        program_share_of_eligible=(
            answered.mean / eligible if eligible and answered.mean is not None else None
        ),
        police_unit_hours_freed_per_year=freed,
        police_teams=police,
        utilization={
            t: TeamUse(
                baseline=base.teams[t].utilization if t in base.teams else None,
                with_program=prog.teams[t].utilization,
            )
            for t in with_program.team_names
        },
        response_eligible=_response(pairs.eligible_base, pairs.eligible_prog),
        response_all=_response(
            [s.response_min for s in pairs.baseline], [s.response_min for s in pairs.with_program]
        ),
        cost_per_year=cost,
        cost_per_program_call=per_call,
        per_1000_calls=_scaled(total, figures, 1000 / total if total else 0.0),
        per_100k_residents=_scaled(total, figures, 1e5 / population) if population else None,
        warnings=warnings,
        baseline=base,
        with_program=prog,
    )


def _scaled(total: float, figures: tuple[float | None, ...], factor: float) -> Normalized:
    answered, freed, cost = (None if v is None else v * factor for v in figures)
    return Normalized(
        calls=total * factor, program_calls=answered, police_unit_hours_freed=freed,
        program_cost=cost,
    )  # fmt: skip


def compare(
    cities: Sequence[tuple[str, Scenario]],
    program: Program,
    *,
    on_replication: Callable[[int], None] | None = None,
) -> Comparison:
    """Compare each (source, city) with and without the program."""
    return Comparison(
        program=program.name,
        program_description=program.program.description,
        responder=program.responder,
        cities=[
            compare_city(city, program, source=source, on_replication=on_replication)
            for source, city in cities
        ],
    )


# ------------------------------------------------------------------------------- output

CSV_COLUMNS = (
    "city", "population", "replications", "seed", "measured_days", "calls_per_year",
    "eligible_share", "program_calls_per_year", "program_calls_per_year_lo",
    "program_calls_per_year_hi", "program_share_of_eligible", "police_unit_hours_freed_per_year",
    "police_unit_hours_freed_per_year_lo", "police_unit_hours_freed_per_year_hi",
    "program_utilization", "police_utilization_baseline", "police_utilization_with_program",
    "eligible_response_mean_baseline", "eligible_response_mean_with_program",
    "eligible_response_p90_baseline", "eligible_response_p90_with_program",
    "response_mean_baseline", "response_mean_with_program", "cost_per_year_baseline",
    "cost_per_year_with_program", "program_cost_per_year", "cost_per_program_call",
    "police_unit_hours_freed_per_1000_calls", "program_calls_per_100k_residents",
    "police_unit_hours_freed_per_100k_residents", "program_cost_per_100k_residents",
)  # fmt: skip


def _ci(e: Estimate | None) -> tuple[float | None, float | None, float | None]:
    if e is None:
        return None, None, None
    return e.mean, *(e.ci95 if e.ci95 else (None, None))


def csv_row(c: CityComparison, responder: str) -> dict[str, object]:
    """One city's key figures as a flat row (the CSV's columns)."""
    police = c.utilization.get(_police(c))
    answered, freed = _ci(c.program_calls_per_year), _ci(c.police_unit_hours_freed_per_year)
    res = c.per_100k_residents
    values = (
        c.city, c.population, c.replications, c.seed, c.days - c.warmup_days,
        c.total_calls_per_year, c.eligible_share, *answered, c.program_share_of_eligible, *freed,
        c.utilization[responder].with_program, police.baseline if police else None,
        police.with_program if police else None, c.response_eligible.baseline.mean,
        c.response_eligible.with_program.mean, c.response_eligible.baseline.p90,
        c.response_eligible.with_program.p90, c.response_all.baseline.mean,
        c.response_all.with_program.mean, c.cost_per_year.baseline.mean,
        c.cost_per_year.with_program.mean, c.cost_per_year.program.mean, c.cost_per_program_call,
        c.per_1000_calls.police_unit_hours_freed, res.program_calls if res else None,
        res.police_unit_hours_freed if res else None, res.program_cost if res else None,
    )  # fmt: skip
    return dict(zip(CSV_COLUMNS, values, strict=True))


def to_csv(result: Comparison) -> str:
    """The comparison as CSV text: one row per city."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in result.cities:
        row = csv_row(c, result.responder)
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


__all__ = [
    "SCHEMA_VERSION",
    "CityComparison",
    "Comparison",
    "Estimate",
    "compare",
    "compare_city",
    "comparison_table",
    "csv_row",
    "group_response",
    "table_rows",
    "to_csv",
    "to_json",
]
