"""One self-contained HTML report for a city council: a run, a comparison or a sweep.

The file needs nothing but a browser: CSS is inlined, charts are inline SVG (matplotlib, text
as paths), and there is no script, font or image fetched from anywhere. Findings are plain
sentences with their 95% intervals; charts and tables follow. A report is built from a
scenario (which is run here, keeping what the charts need from each replication's records)
or from the JSON results of ``sim run``, ``sim compare`` or ``sim sweep``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from string import Template
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.compare import SCHEMA_VERSION, CityComparison, Comparison, Estimate, table_rows
from sim.errors import SimError
from sim.experiment import run_replication
from sim.frontier import Point, default_frontier_measure, higher_is_better, pareto_front
from sim.metrics import Summary, TimeStat, combine, replication_summary
from sim.records import Records, State
from sim.report import plots
from sim.report.hours import busy_by_hour, demand_by_hour, staffed_by_hour
from sim.report.tables import pct
from sim.scenario import Scenario

SAMPLE_CAP = 20_000  # response times kept per group and replication for the box plots
KINDS = ("run", "compare", "sweep")


class ResultsError(SimError):
    """A results file that this version of sim cannot read."""


# ------------------------------------------------------------------------------ pieces


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def chart(chart_id: str, svg: str, caption: str) -> str:
    """A chart as a figure with an id (the browser test checks each one is drawn).

    matplotlib names the clip paths and markers inside an SVG by a hash of their content;
    prefixing them with the chart's id keeps ids unique across the charts of one page.
    """
    svg = re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{chart_id}-", svg)
    return (
        f'<figure class="chart" id="chart-{esc(chart_id)}">{svg}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def bullet_list(items: Sequence[str], cls: str = "findings") -> str:
    if not items:
        return ""
    return f'<ul class="{cls}">' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1
) -> str:
    """A plain table; columns from ``numeric_from`` on are right-aligned numbers."""

    def cls(i: int) -> str:
        return ' class="num"' if i >= numeric_from else ""

    head = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{esc(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table-wrap">{table}</div>'


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def _template(name: str) -> str:
    return (resources.files("sim.report") / "templates" / name).read_text(encoding="utf-8")


def _version() -> str:
    try:
        return metadata.version("sim")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "dev"


def page(title: str, subtitle: str, kind: str, body: Sequence[str]) -> str:
    """The whole HTML document around the sections."""
    return Template(_template("report.html")).substitute(
        title=esc(title), subtitle=esc(subtitle), kind=esc(kind), version=esc(_version()),
        style=_template("report.css"), body="\n".join(body),
    )  # fmt: skip


def ci_text(
    mean: float | None, ci: tuple[float, float] | None, fmt: str = ".1f", unit: str = ""
) -> str:
    """'12.3 (95% CI 11.9–12.8)', or the bare value without an interval."""
    if mean is None:
        return "–"
    text = f"{unit}{mean:{fmt}}"
    if ci is None or ci[0] == ci[1]:  # no interval, or no variation between replications
        return text
    return text + f" (95% CI {unit}{ci[0]:{fmt}}–{unit}{ci[1]:{fmt}})"


# ------------------------------------------------------------------------------ a run


@dataclass
class RunData:
    """What a scenario report needs from a run: the summary and record-derived profiles."""

    summary: Summary
    busy: dict[str, np.ndarray]  # team → mean busy units per hour of week
    by_type: dict[str, np.ndarray] = field(default_factory=dict)  # response samples
    by_team: dict[str, np.ndarray] = field(default_factory=dict)


def _cap(x: np.ndarray) -> np.ndarray:
    """At most SAMPLE_CAP values, evenly strided (deterministic, order-free enough for boxes)."""
    return x if len(x) <= SAMPLE_CAP else x[:: int(np.ceil(len(x) / SAMPLE_CAP))]


def _responses(rec: Records, key: str, names: Sequence[str]) -> dict[str, np.ndarray]:
    served = rec.measured() & (rec["state"] == State.SERVED)
    response = rec["on_scene"] - rec["arrival"]
    return {n: _cap(response[served & (rec[key] == i)]) for i, n in enumerate(names)}


def run_for_report(scn: Scenario, on_replication: Callable[[int], None] | None = None) -> RunData:
    """Run the scenario as ``sim run`` does, keeping per-hour busy units and response samples.

    Records are reduced replication by replication, so a long run never holds them all.
    """
    reps: list[Summary] = []
    busy = {t: np.zeros(168) for t in scn.teams}
    by_type: dict[str, list[np.ndarray]] = {n: [] for n in scn.call_types}
    by_team: dict[str, list[np.ndarray]] = {n: [] for n in scn.teams}
    for r in range(scn.scenario.replications):
        rec = run_replication(scn, r)
        reps.append(replication_summary(scn, rec))
        for t in scn.teams:
            busy[t] += np.nan_to_num(busy_by_hour(rec, t))
        for store, key, names in ((by_type, "call_type", scn.call_type_names),
                                  (by_team, "team", scn.team_names)):  # fmt: skip
            for name, x in _responses(rec, key, names).items():
                store[name].append(x)
        if on_replication:
            on_replication(r)
    n = scn.scenario.replications
    return RunData(
        summary=combine(scn, reps),
        busy={t: b / n for t, b in busy.items()},
        by_type={k: np.concatenate(v) for k, v in by_type.items()},
        by_team={k: np.concatenate(v) for k, v in by_team.items()},
    )


def run_findings(s: Summary) -> list[str]:
    """Plain sentences about a run, each figure with its 95% interval."""
    measured = s.days - s.warmup_days
    per_year = 365 / measured
    out = [
        f"Over {s.replications} replications of {measured:g} days (after {s.warmup_days:g} "
        f"warm-up), {s.calls * per_year:,.0f} calls a year arrive.",
        f"The first unit reaches the scene in {ci_text(s.response_min.mean, s.response_min.ci95)} "
        f"minutes on average; half the calls within {s.response_min.p50 or 0:.0f} minutes and "
        f"90% within {s.response_min.p90 or 0:.0f}.",
    ]
    for name, team in s.teams.items():
        out.append(
            f"{name} units are busy {pct_ci(team.utilization, team.utilization_ci95)} "
            f"of their staffed time and answer about {team.calls * per_year:,.0f} calls a year."
        )
    for name, ct in s.call_types.items():
        if ct.within_target is not None and ct.target_min is not None:
            out.append(
                f"{name}: {ct.within_target:.0%} of calls are reached within "
                f"{ct.target_min:g} minutes."
            )
        shared = {k: v for k, v in ct.served_by.items() if v > 0.0005}
        if len(shared) > 1:
            parts = ", ".join(f"{k} {v:.0%}" for k, v in shared.items())
            out.append(
                f"{name} calls are answered by {parts}"
                + (
                    f"; {ct.fallback_share:.0%} fell back to a later option."
                    if ct.fallback_share
                    else "."
                )
            )
    out.append(
        f"The response costs {ci_text(s.cost.per_year, s.cost.per_year_ci95, ',.0f', '$')} a "
        f"year" + (f", ${s.cost.per_call:,.0f} per call." if s.cost.per_call else ".")
    )
    return out


def pct_ci(x: float | None, ci: tuple[float, float] | None) -> str:
    """'71% (95% CI 67–74%)' for a share with its interval."""
    if x is None:
        return "–"
    return f"{x:.0%}" + (f" (95% CI {ci[0]:.0%}–{ci[1]:.0%})" if ci else "")


def _tables(s: Summary) -> str:
    per_year = 365 / (s.days - s.warmup_days)
    teams = html_table(
        ["team", "calls / year", "busy unit-h / year", "staffed unit-h / year", "utilization",
         "response p90, min", "cost / year"],
        [[n, f"{t.calls * per_year:,.0f}", f"{t.busy_unit_hours * per_year:,.0f}",
          f"{t.staffed_unit_hours * per_year:,.0f}", pct(t.utilization),
          _num(t.response_min.p90), f"${t.cost * per_year:,.0f}"] for n, t in s.teams.items()],
    )  # fmt: skip
    types = html_table(
        ["call type", "calls / year", "served by", "fell back", "within target",
         "response mean (95% CI), min", "p90"],
        [[n, f"{c.calls * per_year:,.0f}",
          ", ".join(f"{k} {v:.0%}" for k, v in c.served_by.items() if v > 0.0005) or "–",
          pct(c.fallback_share),
          "–" if c.within_target is None else f"{c.within_target:.0%} ≤ {c.target_min:g}",
          ci_text(c.response_min.mean, c.response_min.ci95), _num(c.response_min.p90)]
         for n, c in s.call_types.items()],
    )  # fmt: skip
    return f"<h3>Teams</h3>{teams}<h3>Call types</h3>{types}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _cost_parts(scn: Scenario, s: Summary) -> dict[str, list[float]]:
    """Cost per year by team, split into staffed time, overtime and fixed costs."""
    per_year = 365 / (s.days - s.warmup_days)
    parts: dict[str, list[float]] = {"staffed hours": [], "overtime": [], "fixed": []}
    for name, team in scn.teams.items():
        t = s.teams[name]
        regular = (t.staffed_unit_hours - t.overtime_unit_hours) * per_year
        parts["staffed hours"].append(team.cost_per_unit_hour * regular)
        parts["overtime"].append(
            team.cost_per_unit_hour * team.overtime_factor * t.overtime_unit_hours * per_year
        )
        parts["fixed"].append(team.fixed_cost_per_year)
    return parts


def scenario_report(scn: Scenario, data: RunData) -> str:
    """The report of one scenario's run: findings, demand, staffing, response, cost."""
    s = data.summary
    charts = [
        chart("demand", plots.demand_heatmap(scn.call_type_names, demand_by_hour(scn)),
              "Expected calls per hour from the scenario's rates and hour-of-week profiles."),
        *(chart(f"staffing-{t}", plots.staffed_vs_busy(t, staffed_by_hour(scn, t), data.busy[t]),
                f"{t}: units on duty by the shift plan (line) and units busy on average in "
                "the run (area), by hour of the week. Busy above the line is overtime.")
          for t in scn.teams),
    ]  # fmt: skip
    response = [
        chart("response-call-type", plots.response_boxes("Response by call type", data.by_type),
              "Boxes: middle half of calls and the median; whiskers: 5% to 95%."),
        chart("response-team", plots.response_boxes("Response by responding team", data.by_team),
              "Calls grouped by the team whose unit answered them."),
    ]  # fmt: skip
    parts = _cost_parts(scn, s)
    cost = chart(
        "cost",
        plots.stacked_bars("Cost per year by team", scn.team_names, parts, "dollars per year"),
        "Staffed unit-hours at each team's hourly cost, overtime at its overtime rate, and "
        "fixed yearly costs.",
    )
    return page(
        s.scenario,
        _run_subtitle(s),
        "run",
        [
            section("Findings", bullet_list(run_findings(s)), bullet_list(s.warnings, "warnings")),
            section("Demand and staffing", *charts),
            section("Response times", *response),
            section("Cost", cost),
            section("Tables", _tables(s)),
        ],
    )


def _run_subtitle(s: Summary) -> str:
    return (
        f"{s.replications} replications × {s.days - s.warmup_days:g} days "
        f"(after {s.warmup_days:g} warm-up), seed {s.seed}"
    )


def summary_report(s: Summary) -> str:
    """The report of a run's JSON summary (no records: quantiles instead of distributions)."""
    per_year = 365 / (s.days - s.warmup_days)
    stats = {
        n: _four(c.response_min) for n, c in s.call_types.items() if c.response_min.mean is not None
    }
    teams = {
        n: _four(t.response_min) for n, t in s.teams.items() if t.response_min.mean is not None
    }
    charts = [
        chart("response-call-type", plots.quantile_ranges("Response by call type", stats),
              "Mean (dot), median to p90 (bar) and p95 (tick), averaged over replications."),
        chart("response-team", plots.quantile_ranges("Response by responding team", teams),
              "Calls grouped by the team whose unit answered them."),
        chart("utilization", plots.estimates(
            "Utilization by team", list(s.teams),
            {"busy share of staffed time": [(t.utilization, t.utilization_ci95)
                                            for t in s.teams.values()]},
            "share of staffed time busy"), "Means with 95% intervals over replications."),
        chart("cost", plots.stacked_bars(
            "Cost per year by team", list(s.teams),
            {"cost": [t.cost * per_year for t in s.teams.values()]}, "dollars per year"),
            "Each team's staffed, overtime and fixed costs, scaled to a year."),
    ]  # fmt: skip
    return page(
        s.scenario,
        _run_subtitle(s),
        "run",
        [
            section("Findings", bullet_list(run_findings(s)), bullet_list(s.warnings, "warnings")),
            section("Response, utilization and cost", *charts),
            section("Tables", _tables(s)),
        ],
    )


def _four(t: TimeStat) -> tuple[float, float, float, float]:
    return (t.mean or 0.0, t.p50 or 0.0, t.p90 or 0.0, t.p95 or 0.0)


# ------------------------------------------------------------------------- comparison


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


# ------------------------------------------------------------------------------ sweep


class SweepVariant(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    overrides: dict[str, Any] = {}
    row: dict[str, Any]


class SweepResults(BaseModel):
    """The parts of ``sim sweep``'s JSON that a report reads."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int = SCHEMA_VERSION
    kind: Literal["sweep"] = "sweep"
    scenario: str
    seed: int
    replications: int
    baseline: str
    parameters: list[str]
    measures: list[str] = Field(min_length=1)
    variants: list[SweepVariant] = Field(min_length=1)


def sweep_report(result: SweepResults, where: str | None = None) -> str:
    """The report of a sweep: cost against response for every variant, and the frontier.

    ``where`` (the results file) goes into the error when nothing in it can be drawn.
    """
    measure = default_frontier_measure(result.measures)
    usable = [
        v for v in result.variants if None not in (v.row.get(measure), v.row.get("cost.per_year"))
    ]
    if not usable:
        raise ResultsError(
            "the sweep has no finished variant with cost and response",
            where=where,
            hint="finish it with sim sweep --resume",
        )
    cost = [float(v.row["cost.per_year"]) for v in usable]
    value = [float(v.row[measure]) for v in usable]
    names = [v.name for v in usable]
    front = {p.name for p in pareto_front(
        [Point(n, c, m) for n, c, m in zip(names, cost, value, strict=True)],
        higher_is_better(measure),
    )}  # fmt: skip
    efficient = [n in front for n in names]
    chart_html = chart(
        "frontier",
        plots.frontier(
            f"Cost against {measure}", names, cost, value, f"{measure}, minutes", efficient
        ),
        "Each dot is a variant; the red line joins those no other variant beats on both cost "
        "and response.",
    )
    rows = [
        [v.name, *(_cell(v.row.get(p)) for p in result.parameters),
         ci_text(v.row.get(measure), _lohi(v.row, measure)),
         ci_text(v.row.get("cost.per_year"), _lohi(v.row, "cost.per_year"), ",.0f", "$"),
         "yes" if e else ""]
        for v, e in zip(usable, efficient, strict=True)
    ]  # fmt: skip
    table = html_table(["variant", *result.parameters, measure, "cost per year", "efficient"],
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


def sweep_findings(variants: list[SweepVariant], measure: str, efficient: list[bool]) -> list[str]:
    """Plain sentences: how many variants are efficient, the cheapest and the fastest."""
    eff = [v for v, e in zip(variants, efficient, strict=True) if e]
    cheap = min(eff, key=lambda v: v.row["cost.per_year"])
    sign = -1.0 if higher_is_better(measure) else 1.0
    fast = min(eff, key=lambda v: sign * v.row[measure])
    return [
        f"{len(eff)} of {len(variants)} variants are on the frontier: no other variant is both "
        f"cheaper and better on {measure}.",
        f"The cheapest of them, {cheap.name}, costs "
        f"{ci_text(cheap.row['cost.per_year'], _lohi(cheap.row, 'cost.per_year'), ',.0f', '$')} "
        f"a year with {measure} {ci_text(cheap.row[measure], _lohi(cheap.row, measure))}.",
        f"The best on {measure}, {fast.name}, reaches "
        f"{ci_text(fast.row[measure], _lohi(fast.row, measure))} for "
        f"{ci_text(fast.row['cost.per_year'], _lohi(fast.row, 'cost.per_year'), ',.0f', '$')}"
        " a year.",
    ]


def _lohi(row: Mapping[str, Any], m: str) -> tuple[float, float] | None:
    lo, hi = row.get(f"{m}.lo"), row.get(f"{m}.hi")
    return None if lo is None or hi is None else (float(lo), float(hi))


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


# --------------------------------------------------------------------------- entry points


def report_for_scenario(scn: Scenario, on_replication: Callable[[int], None] | None = None) -> str:
    """Run a scenario and return its report as HTML text."""
    return scenario_report(scn, run_for_report(scn, on_replication))


def _kind(data: Mapping[str, Any]) -> str | None:
    """The kind a results document declares, or the one its keys show (older run JSON)."""
    if "kind" in data:
        return str(data["kind"])
    if "cities" in data:
        return "compare"
    if "variants" in data and "measures" in data:
        return "sweep"
    if "call_types" in data and "teams" in data:
        return "run"
    return None


def load_results(path: Path) -> Summary | Comparison | SweepResults:
    """Read results JSON of any kind, or raise :class:`ResultsError` in one line."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        hint = "give the JSON written by sim run/compare/sweep"
        raise ResultsError(f"not a JSON file ({err})", where=where, hint=hint) from None
    kind = _kind(data) if isinstance(data, dict) else None
    if kind not in KINDS:
        raise ResultsError(
            f"not sim results (kind {kind!r})" if kind else "not sim results",
            where=where,
            hint="give the JSON written by sim run --json, sim compare --json or sim sweep",
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"written by an incompatible version of sim (schema_version {version}; this "
            f"version reads {SCHEMA_VERSION})",
            where=where,
            hint="re-run the command that wrote it with this version of sim",
        )
    models: dict[str, type[BaseModel]] = {
        "run": Summary,
        "compare": Comparison,
        "sweep": SweepResults,
    }
    model = models[kind]
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ResultsError(
            f"does not match this version's {kind} results ({loc}: {first['msg']})",
            where=where,
            hint="re-run the command that wrote it with this version of sim",
        ) from None


def report_for_results(path: Path) -> str:
    """Read results JSON (run, compare, sweep or backtest) and return its report as HTML."""
    from sim.report.backtest import backtest_report_file, is_backtest

    if is_backtest(path):
        return backtest_report_file(path)
    results = load_results(path)
    if isinstance(results, Comparison):
        return comparison_report(results)
    if isinstance(results, SweepResults):
        return sweep_report(results, where=str(path))
    return summary_report(results)


__all__ = [
    "ResultsError",
    "comparison_report",
    "load_results",
    "report_for_results",
    "report_for_scenario",
    "run_for_report",
    "scenario_report",
    "summary_report",
    "sweep_report",
]
