"""The report of a run: a one-page summary, then findings, budget, hours, charts and tables.

From a scenario's run (:func:`scenario_report`, with what :mod:`sim.report.collect` kept from
each replication's records, for a planned city its program's figures from
:func:`sim.compare.planned.run_planned`, and optionally a sensitivity analysis of the scenario
read back from ``sim sensitivity --json``) or from a run's JSON summary alone
(:func:`summary_report`). Counts, hours and costs are per year throughout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import fmt
from sim.applicable import NA, reason_for
from sim.budget import annual_budget
from sim.compare.planned import PlannedRun
from sim.hours_of_operation import hours_of_operation, staffed_by_hour
from sim.metrics import Summary, TimeStat
from sim.report import plots
from sim.report.brief import inputs_sentence, program_brief
from sim.report.collect import RunData
from sim.report.hours import demand_by_hour
from sim.report.page import bullet_list, chart, ci_text, html_table, page, pct_ci, section
from sim.report.program_sections import budget_section, hours_section, other_types_note
from sim.report.tables import served_by
from sim.scenario import Scenario

if TYPE_CHECKING:  # only its type: a report without a sensitivity analysis need not load it
    from sim.sensitivity import SensitivityResult


def run_brief(s: Summary) -> list[str]:
    """The summary of a run without a program to speak of: demand, response, work, cost."""
    busiest = max(s.teams.items(), key=lambda kv: kv[1].utilization or 0.0)
    return [
        f"{s.calls_per_year:,.0f} calls a year from the public"
        + (f", and {s.other_activity_per_year:,.0f} officer-initiated or administrative "
           "activities" if s.other_activity_per_year else "") + ".",
        f"The first unit reaches the scene in {ci_text(s.response_min.mean, s.response_min.ci95)}"
        f" minutes on average; 90% of calls within {fmt.number(s.response_min.p90, '.0f')}.",
        f"The busiest team, {busiest[0]}, is busy "
        f"{pct_ci(busiest[1].utilization, busiest[1].utilization_ci95)} of its staffed time.",
        f"The response costs {ci_text(s.cost.per_year, s.cost.per_year_ci95, ',.0f', '$')} a "
        f"year, {fmt.number(s.cost.per_call, unit='$')} per call.",
    ]  # fmt: skip


def run_findings(s: Summary) -> list[str]:
    """Plain sentences about a run, each figure with its 95% interval."""
    out = [
        f"Over {s.replications} replications of {s.measured.days:g} days (after "
        f"{s.warmup_days:g} warm-up), scaled to a year: {s.calls_per_year:,.0f} calls a year.",
    ]
    for name, team in s.teams.items():
        out.append(
            f"{name} units are busy {pct_ci(team.utilization, team.utilization_ci95)} "
            f"of their staffed time and answer about {team.calls_per_year:,.0f} calls a year."
        )
    for name, ct in s.call_types.items():
        mark = fmt.few("", ct.target_sample_calls)
        if ct.within_target is not None and ct.target_min is not None:
            out.append(
                f"{name}: {ct.within_target:.0%}{mark} of calls are reached within "
                f"{ct.target_min:g} minutes."
            )
        shared = {k: v for k, v in ct.served_by.items() if v > 0.0005}
        if len(shared) > 1:
            fell = (
                f"; {ct.fallback_share:.0%} fell back to a later option"
                if ct.fallback_share
                else ""
            )
            out.append(f"{name} calls are answered by {served_by(shared)}{fell}.")
    cost = ci_text(s.cost.per_year, s.cost.per_year_ci95, ",.0f", "$")
    return [*out, f"The response costs {cost} a year, "
                  f"{fmt.number(s.cost.per_call, unit='$')} per call."]  # fmt: skip


class _Notes:
    """The reasons behind the n/a cells of a table, each listed once under it."""

    def __init__(self, s: Summary) -> None:
        self.s, self.seen = s, dict[str, list[str]]()

    def __call__(self, path: str, text: str) -> str:
        if text == NA:
            why = reason_for(self.s.not_applicable, path) or "no value"
            self.seen.setdefault(why, []).append(path)
        return text

    def html(self) -> str:
        return bullet_list([f"{NA}: {why} ({', '.join(paths)})" for why, paths in
                            self.seen.items()], "notes")  # fmt: skip


def _tables(s: Summary) -> str:
    na = _Notes(s)
    teams = s.teams.values()
    origins = [o for o in ("public", "officer", "admin")
               if any(o in t.busy_unit_hours_by_origin_per_year for t in teams)]  # fmt: skip
    co = any(t.co_response_calls_per_year for t in teams)
    moved = any(t.transports_per_year for t in teams)
    header = ["team", "calls", "backups", *(["co-responses"] if co else []),
              *(["transports"] if moved else []), "busy unit-h",
              *([f"of which {o}" for o in origins] if len(origins) > 1 else []),
              "staffed unit-h", "utilization", "response p90, min", "cost"]  # fmt: skip
    rows = []
    for n, t in s.teams.items():
        row = [n, f"{t.calls_per_year:,.0f}", f"{t.backup_calls_per_year:,.0f}"]
        row += [f"{t.co_response_calls_per_year:,.0f}"] if co else []
        row += [f"{t.transports_per_year:,.0f}"] if moved else []
        row += [f"{t.busy_unit_hours_per_year:,.0f}"]
        if len(origins) > 1:
            row += [f"{t.busy_unit_hours_by_origin_per_year.get(o, 0.0):,.0f}" for o in origins]
        row += [f"{t.staffed_unit_hours_per_year:,.0f}",
                na(f"teams.{n}.utilization", fmt.share(t.utilization)),
                na(f"teams.{n}.response_min", fmt.few(fmt.number(t.response_min.p90, ".1f"),
                                                           t.response_min.sample_calls)),
                fmt.with_ci(t.cost_per_year, t.cost_per_year_ci95, ",.0f", "$")]  # fmt: skip
        rows.append(row)
    types = html_table(
        ["call type", "calls", "served by", "fell back", "within target",
         "response mean (95% CI), min", "p90, min"],
        [[n, f"{c.calls_per_year:,.0f}", fmt.few(served_by(c.served_by), c.sample_calls),
          fmt.share(c.fallback_share),
          na(f"call_types.{n}.within_target", NA if c.within_target is None else
              fmt.few(f"{c.within_target:.0%} ≤ {c.target_min:g}", c.target_sample_calls)),
          na(f"call_types.{n}.response_min",
              fmt.few(fmt.with_ci(c.response_min.mean, c.response_min.ci95, ".1f"),
                      c.response_min.sample_calls)),
          fmt.few(fmt.number(c.response_min.p90, ".1f"), c.response_min.sample_calls)]
         for n, c in s.call_types.items()],
    )  # fmt: skip
    note = f"<p>Per year. {fmt.FEW_NOTE}.</p>"
    return f"<h3>Teams</h3>{html_table(header, rows)}<h3>Call types</h3>{types}{note}{na.html()}"


def _cost_parts(scn: Scenario, s: Summary) -> dict[str, list[float]]:
    """Cost per year by team, split into staffed time, overtime and fixed costs."""
    parts: dict[str, list[float]] = {"staffed hours": [], "overtime": [], "fixed": []}
    for name, team in scn.teams.items():
        t = s.teams[name]
        regular = t.staffed_unit_hours_per_year - t.overtime_unit_hours_per_year
        parts["staffed hours"].append(team.cost_per_unit_hour * regular)
        parts["overtime"].append(
            team.cost_per_unit_hour * team.overtime_factor * t.overtime_unit_hours_per_year
        )
        parts["fixed"].append(team.fixed_cost_per_year)
    return parts


def _response_charts(s: Summary, data: RunData | None) -> list[str]:
    """Response by call type and by team: distributions (or quantiles), means with their
    intervals, and each call type's target."""
    by_type = {n: c.response_min for n, c in s.call_types.items()}
    by_team = {n: t.response_min for n, t in s.teams.items()}
    kinds = {"call type": (by_type, data.by_type if data else None),
             "team": (by_team, data.by_team if data else None)}  # fmt: skip
    targets = {n: c.target_min for n, c in s.call_types.items()}
    out = []
    for axis, (groups, samples) in kinds.items():
        stats = {n: t for n, t in groups.items() if t.mean is not None}
        cis = {n: t.ci95 for n, t in stats.items()}
        title = f"Response by {'responding team' if axis == 'team' else axis}"
        mine = targets if axis == "call type" else {}
        if samples is not None:
            means = {n: (t.mean, t.ci95) for n, t in stats.items()}
            drawn = plots.response_boxes(title, {n: samples[n] for n in stats}, means, mine, axis)
        else:
            four = {n: _four(t) for n, t in stats.items()}
            drawn = plots.quantile_ranges(title, four, cis, mine, axis)
        what = ("Boxes: middle half of calls and the median; whiskers: 5% to 95%"
                if samples is not None else "Bars: median to p90; ticks: p95")  # fmt: skip
        out.append(chart(f"response-{axis.replace(' ', '-')}", drawn,
                         f"{what}. Dots: mean with its 95% interval over replications; "
                         "vermillion ticks: the call type's response target."))  # fmt: skip
    return out


def _cost_chart(s: Summary, parts: dict[str, list[float]]) -> str:
    totals = [(t.cost_per_year, t.cost_per_year_ci95) for t in s.teams.values()]
    return chart(
        "cost",
        plots.stacked_bars("Cost per year by team", list(s.teams), parts, "dollars per year ($)",
                           totals, axis="team"),
        "Staffed unit-hours at each team's hourly cost, overtime at its overtime rate, and "
        "fixed yearly costs; dots: each team's cost with its 95% interval over replications.",
    )  # fmt: skip


def _title(scn: Scenario, planned: PlannedRun | None) -> str:
    if planned is not None and planned.program is not None:
        team = scn.teams[planned.program.responder]
        if team.program is not None:
            return f"{scn.scenario.name} — {team.program}"
    return scn.scenario.name


def scenario_report(
    scn: Scenario,
    data: RunData,
    planned: PlannedRun | None = None,
    sensitivity: SensitivityResult | None = None,
) -> str:
    """The report of one scenario's run: summary, findings, program, demand, response, cost;
    given a sensitivity analysis of the scenario, its finding in the summary and its tornado
    charts in a section of their own."""
    s = data.summary
    program = planned.program if planned is not None else None
    c = planned.comparison if planned is not None else None
    if c and program:
        brief = program_brief(c, program.name, program.responder, sensitivity)
    else:
        brief = run_brief(s) + ([inputs_sentence(sensitivity)] if sensitivity else [])
    findings = bullet_list(run_findings(s)), bullet_list(s.warnings, "warnings")
    body = [section("Summary", bullet_list(brief, "findings summary")),
            section("Findings", *findings)]  # fmt: skip
    for name, team in scn.teams.items():
        if team.budget is not None:
            body.append(budget_section(annual_budget(team.budget, team, name), team.program))
    if program is not None and planned is not None:
        body.append(hours_section(hours_of_operation(scn, program.responder), planned.hours,
                                  program.name))  # fmt: skip
    charts = [
        chart("demand", plots.demand_heatmap(scn.call_type_names, demand_by_hour(scn)),
              "Expected calls per hour from the scenario's rates and hour-of-week profiles "
              "(inputs of the scenario, so without intervals)."),
        *(chart(f"staffing-{t}", plots.staffed_vs_busy(t, staffed_by_hour(scn, t), data.busy[t],
                                                       data.busy_band.get(t)),
                f"{t}: units on duty by the shift plan (line) and units busy on average in "
                "the run, with its 95% interval over replications (band), by hour of the "
                "week. Busy above the line is overtime.")
          for t in scn.teams),
    ]  # fmt: skip
    raw = {k: v for ct in scn.call_types.values() for k, v in ct.raw_call_types.items()}
    body += [
        section("Demand and staffing", *charts),
        section("Response times", *_response_charts(s, data)),
        section("Cost", _cost_chart(s, _cost_parts(scn, s))),
        *(_sensitivity_sections(sensitivity) if sensitivity is not None else []),
        section("Tables", _tables(s), other_types_note(raw)),
    ]
    return page(_title(scn, planned), _run_subtitle(s), "run", body)


def _sensitivity_sections(result: SensitivityResult) -> list[str]:
    """The sensitivity analysis given with the scenario: its findings, then its tornadoes."""
    from sim.report.sensitivity import findings, method_notes, tornado_sections

    head = section(
        "What if the inputs are wrong?",
        bullet_list(findings(result)),
        bullet_list([f"From sim sensitivity over {result.replications} replications × "
                     f"{result.days - result.warmup_days:g} days, seed {result.seed}.",
                     *method_notes(result)], "notes"),
    )  # fmt: skip
    return [head, *tornado_sections(result)]


def _run_subtitle(s: Summary) -> str:
    return (
        f"{s.replications} replications × {s.measured.days:g} days (after {s.warmup_days:g} "
        f"warm-up), seed {s.seed}; counts, hours and costs per year"
    )


def summary_report(s: Summary) -> str:
    """The report of a run's JSON summary (no records: quantiles instead of distributions)."""
    charts = [
        *_response_charts(s, None),
        chart("utilization", plots.estimates(
            "Utilization by team", list(s.teams),
            {"busy share of staffed time": [(t.utilization, t.utilization_ci95)
                                            for t in s.teams.values()]},
            "share of staffed time busy (0–1)", axis="team"),
              "Means with 95% intervals over replications."),
        _cost_chart(s, {"cost": [t.cost_per_year for t in s.teams.values()]}),
    ]  # fmt: skip
    return page(
        s.scenario,
        _run_subtitle(s),
        "run",
        [
            section("Summary", bullet_list(run_brief(s), "findings summary")),
            section("Findings", bullet_list(run_findings(s)), bullet_list(s.warnings, "warnings")),
            section("Response, utilization and cost", *charts),
            section("Tables", _tables(s)),
        ],
    )


def _four(t: TimeStat) -> tuple[float, float, float, float]:
    return (t.mean or 0.0, t.p50 or 0.0, t.p90 or 0.0, t.p95 or 0.0)


__all__ = ["run_brief", "run_findings", "scenario_report", "summary_report"]
