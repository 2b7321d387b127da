"""Rich tables for the terminal: a run's summary in a form a planner can read.

Counts, hours and costs are per year, and every header says so. A figure that is not
applicable shows ``n/a``, with its reason listed under the tables; one resting on fewer than
30 calls is marked ``†`` (:mod:`sim.fmt`).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from sim import fmt
from sim.applicable import NA, reason_for
from sim.budget import AnnualBudget, annual_budget
from sim.compare import Comparison, comparison_table
from sim.compare.output import table_notes
from sim.metrics import Summary, TimeStat
from sim.scenario import Scenario


def fmt_min(stat: TimeStat, key: str = "mean") -> str:
    """'12.3 (11.9–12.8)' for a mean with its interval, or the bare quantile."""
    value = getattr(stat, key)
    return fmt.with_ci(value, stat.ci95, ".1f") if key == "mean" else fmt.number(value, ".1f")


def pct(x: float | None) -> str:
    """A share as a whole percentage, or n/a (terminal and HTML alike)."""
    return fmt.share(x)


def headline(s: Summary) -> Table:
    t = Table(
        title=f"{s.scenario}: {s.replications} replications × {s.measured.days:g} days "
        f"(after {s.warmup_days:g} warm-up), seed {s.seed}",
        title_justify="left",
    )
    for col in ("", "mean (95% CI)", "p50", "p90", "p95"):
        t.add_column(col, justify="right" if col else "left")
    for label, stat in (
        ("response, min", s.response_min),
        ("wait for a unit, min", s.wait_min),
        ("time on scene, min", s.on_scene_min),
    ):
        t.add_row(label, fmt_min(stat), *(fmt_min(stat, q) for q in ("p50", "p90", "p95")))
    return t


def _other_work(busy: dict[str, float]) -> str:
    """'420 officer, 80 admin' unit-hours that were not calls from the public."""
    parts = [f"{v:,.0f} {k}" for k, v in busy.items() if k != "public"]
    return ", ".join(parts) or "–"


def teams_table(s: Summary) -> Table:
    """Each team's calls, work and cost per year; co-responses, transports and other work
    only where the scenario has them."""
    t = Table(title="Teams (per year)", title_justify="left")
    teams = s.teams.values()
    other = any(set(team.busy_unit_hours_by_origin_per_year) - {"public"} for team in teams)
    co = any(team.co_response_calls_per_year for team in teams)
    moved = any(team.transports_per_year for team in teams)
    columns = ["team", "calls", "backups"]
    columns += ["co-responses"] if co else []
    columns += ["transports"] if moved else []
    columns += ["busy unit-h"] + (["of which not public calls"] if other else [])
    columns += ["staffed unit-h", "utilization", "response p90, min", "cost"]
    for col in columns:
        t.add_column(col, justify="left" if col == "team" else "right")
    for name, team in s.teams.items():
        row = [name, f"{team.calls_per_year:,.0f}", f"{team.backup_calls_per_year:,.0f}"]
        row += [f"{team.co_response_calls_per_year:,.0f}"] if co else []
        row += [f"{team.transports_per_year:,.0f}"] if moved else []
        row += [f"{team.busy_unit_hours_per_year:,.0f}"]
        row += [_other_work(team.busy_unit_hours_by_origin_per_year)] if other else []
        row += [f"{team.staffed_unit_hours_per_year:,.0f}", pct(team.utilization),
                fmt.few(fmt_min(team.response_min, "p90"), team.response_min.sample_calls),
                f"${team.cost_per_year:,.0f}"]  # fmt: skip
        t.add_row(*row)
    return t


def priority_table(s: Summary) -> Table | None:
    """Response and wait per priority level, when some call type mixes levels."""
    if not any(len(ct.by_priority) > 1 for ct in s.call_types.values()):
        return None
    t = Table(title="By priority (calls from the public, per year)", title_justify="left")
    for col in ("priority", "calls", "response (95% CI), min", "p50", "p90", "wait p90"):
        t.add_column(col, justify="right")
    for level in sorted(s.by_priority, key=int):
        p = s.by_priority[level]
        n = p.response_min.sample_calls
        t.add_row(level, f"{p.calls_per_year:,.0f}", fmt.few(fmt_min(p.response_min), n),
                  fmt_min(p.response_min, "p50"), fmt.few(fmt_min(p.response_min, "p90"), n),
                  fmt_min(p.wait_min, "p90"))  # fmt: skip
    return t


def served_by(shares: dict[str, float]) -> str:
    """'police 28%, community 72%': the teams that answered a call type's calls."""
    return ", ".join(f"{k} {v:.0%}" for k, v in shares.items() if v > 0.0005) or NA


def call_types_table(s: Summary) -> Table:
    t = Table(title="Call types (per year)", title_justify="left")
    for col in ("call type", "calls", "served by", "fell back", "unserved", "in target",
                "response, min", "p90"):  # fmt: skip
        left = col in ("call type", "served by")
        t.add_column(col, justify="left" if left else "right", no_wrap=col == "served by")
    for name, ct in s.call_types.items():
        n, served = ct.sample_calls, ct.response_min.sample_calls
        target = NA if ct.within_target is None else f"{ct.within_target:.0%} ≤ {ct.target_min:g}"
        t.add_row(
            name, f"{ct.calls_per_year:,.0f}", fmt.few(served_by(ct.served_by), n),
            pct(ct.fallback_share), f"{ct.unserved:,.0f}",
            fmt.few(target, ct.target_sample_calls), fmt.few(fmt_min(ct.response_min), served),
            fmt.few(fmt_min(ct.response_min, "p90"), served),
        )  # fmt: skip
    return t


def budget_tables(budget: AnnualBudget, program: str | None = None) -> list[Table]:
    """A team's workforce (FTEs per role) and its itemised budget, per year."""
    who = f"{budget.team}" + (f" ({program})" if program else "")
    staff = Table(
        title=f"Workforce of {who}: {budget.unit_hours_per_year:,.0f} unit-hours on duty a "
        f"year, {budget.total_fte:.1f} FTE",
        title_justify="left",
    )
    for col in ("role", "per unit", "FTE", "wage, $/h", "qualifications"):
        staff.add_column(col, justify="left" if col in ("role", "qualifications") else "right")
    for r in budget.staffing:
        per_unit = "off the units" if r.per_unit is None else f"{r.per_unit:g}"
        fte = f"{r.fte:.1f}" if r.per_unit is not None else f"{r.fte:g}"  # given, as given
        staff.add_row(r.role, per_unit, fte, f"{r.hourly_wage:,.2f}",
                      r.qualifications or "–")  # fmt: skip
    lines = Table(title=f"Budget of {who}, per year", title_justify="left")
    for col in ("item", "basis", "per year"):
        lines.add_column(col, justify="right" if col == "per year" else "left")
    for line in budget.lines:
        lines.add_row(line.item, line.basis, f"${line.per_year:,.0f}")
    lines.add_row("total", "", f"${budget.total_per_year:,.0f}", style="bold")
    return [staff, lines]


def scenario_budgets(scn: Scenario) -> list[tuple[AnnualBudget, str | None]]:
    """The budget of every team of a scenario that carries one, with its program's name."""
    return [
        (annual_budget(team.budget, team, name), team.program)
        for name, team in scn.teams.items()
        if team.budget is not None
    ]


def na_notes(s: Summary, shown: Iterable[str]) -> list[str]:
    """'n/a: no response target set (within_target of a, b, …)' for the figures shown as
    n/a, once per reason."""
    seen: dict[str, list[str]] = {}
    for path in shown:
        why = reason_for(s.not_applicable, path)
        if why is not None:
            seen.setdefault(why, []).append(path.removeprefix("call_types."))
    out = []
    for why, paths in seen.items():
        more = f", … ({len(paths)} in all)" if len(paths) > 3 else ""
        out.append(f"{NA}: {why} ({', '.join(paths[:3])}{more})")
    return out


def _shown_na(s: Summary) -> list[str]:
    """Paths of the figures the tables above show, that have no value."""
    out = ["response_min"] if s.response_min.mean is None else []
    out += [f"call_types.{n}.response_min" for n, c in s.call_types.items()
            if c.response_min.mean is None]  # fmt: skip
    out += [f"call_types.{n}.within_target" for n, c in s.call_types.items()
            if c.within_target is None]  # fmt: skip
    out += [f"teams.{n}.response_min" for n, t in s.teams.items() if t.response_min.mean is None]
    return out + (["cost.per_call"] if s.cost.per_call is None else [])


def render_summary(s: Summary, console: Console, scn: Scenario | None = None) -> None:
    """Print the whole summary: headline, teams, call types, cost, budgets and any warnings."""
    ci = s.cost.per_year_ci95
    per_year = f"${s.cost.per_year:,.0f}" + (f" (${ci[0]:,.0f}–${ci[1]:,.0f})" if ci else "")
    other = (
        f"; other activity: {s.other_activity_per_year:,.0f}" if s.other_activity_per_year else ""
    )
    cost = Text(f"Cost: {per_year} per year, {fmt.number(s.cost.per_call, unit='$')} per call; "
                f"calls per year: {s.calls_per_year:,.0f}{other}")  # fmt: skip
    by_priority = priority_table(s)
    parts = [
        headline(s),
        teams_table(s),
        call_types_table(s),
        *([by_priority] if by_priority else []),
    ]
    console.print(Group(*parts, cost))
    marked = any(fmt.FEW_MARK in str(c) for t in parts for col in t.columns for c in col.cells)
    for note in na_notes(s, _shown_na(s)) + ([fmt.FEW_NOTE] if marked else []):
        console.print(note, highlight=False)
    for budget, program in scenario_budgets(scn) if scn is not None else []:
        console.print(Group(*budget_tables(budget, program)))
    for warning in s.warnings:
        console.print(f"[bold yellow]Warning:[/] {warning}")


def render_comparison(result: Comparison, console: Console) -> None:
    """Print a comparison: each city's five-sentence summary, the program's workforce and
    budget, then the table of cities (per year) and what its marks mean."""
    from sim.report.brief import program_brief

    for c in result.cities:
        brief = Table.grid(padding=(0, 1))
        brief.add_column(width=1)
        brief.add_column(max_width=110)
        for sentence in program_brief(c, result.program, result.responder):
            brief.add_row("•", Text(sentence))
        console.print(Text(f"{result.program} in {c.city}", style="bold"), brief)
    applies = [c for c in result.cities if "program_calls_per_year" not in c.not_applicable]
    budget = next((c.program_budget for c in applies if c.program_budget), None)
    if budget is not None:
        console.print(Group(*budget_tables(budget, result.program)))
    console.print(comparison_table(result))
    for note in table_notes(result):
        console.print(note, highlight=False)
    for c in result.cities:
        if c.other_call_types:
            top = ", ".join(f"{k} ({v:,})" for k, v in list(c.other_call_types.items())[:5])
            console.print(f"{c.city}, outside the taxonomy ('other'), largest raw call types in "
                          f"the fitted window: {top}", highlight=False)  # fmt: skip
