"""The report of a run: findings, demand and staffing, response times, cost, tables.

From a scenario's run (:func:`scenario_report`, with what :mod:`sim.report.collect` kept from
each replication's records) or from a run's JSON summary alone (:func:`summary_report`).
"""

from __future__ import annotations

from sim.metrics import Summary, TimeStat
from sim.report import plots
from sim.report.collect import RunData
from sim.report.hours import demand_by_hour, staffed_by_hour
from sim.report.page import bullet_list, chart, ci_text, html_table, page, pct_ci, section
from sim.report.tables import pct
from sim.scenario import Scenario


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


__all__ = ["run_findings", "scenario_report", "summary_report"]
