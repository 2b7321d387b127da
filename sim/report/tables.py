"""Rich tables for the terminal: a run's summary in a form a planner can read."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from sim.metrics import Summary, TimeStat


def fmt_min(stat: TimeStat, key: str = "mean") -> str:
    """'12.3 (11.9–12.8)' for a mean with its interval, or the bare quantile."""
    value = getattr(stat, key)
    if value is None:
        return "–"
    if key == "mean" and stat.ci95 is not None:
        return f"{value:.1f} ({stat.ci95[0]:.1f}–{stat.ci95[1]:.1f})"
    return f"{value:.1f}"


def pct(x: float | None) -> str:
    """A share as a whole percentage, or a dash when unknown (terminal and HTML alike)."""
    return "–" if x is None else f"{x:.0%}"


def headline(s: Summary) -> Table:
    t = Table(
        title=f"{s.scenario}: {s.replications} replications × {s.days - s.warmup_days:g} days "
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
    t = Table(title="Teams", title_justify="left")
    other = any(set(team.busy_unit_hours_by_origin) - {"public"} for team in s.teams.values())
    columns = ["team", "calls", "backups", "busy unit-h"]
    columns += ["of which not public calls"] if other else []
    columns += ["staffed unit-h", "utilization", "response p90", "cost"]
    for col in columns:
        t.add_column(col, justify="left" if col == "team" else "right")
    for name, team in s.teams.items():
        extra = [_other_work(team.busy_unit_hours_by_origin)] if other else []
        t.add_row(
            name, f"{team.calls:,.0f}", f"{team.backup_calls:,.0f}",
            f"{team.busy_unit_hours:,.0f}", *extra, f"{team.staffed_unit_hours:,.0f}",
            pct(team.utilization), fmt_min(team.response_min, "p90"), f"${team.cost:,.0f}",
        )  # fmt: skip
    return t


def priority_table(s: Summary) -> Table | None:
    """Response and wait per priority level, when some call type mixes levels."""
    if not any(len(ct.by_priority) > 1 for ct in s.call_types.values()):
        return None
    t = Table(title="By priority (calls from the public)", title_justify="left")
    for col in ("priority", "calls", "response (95% CI)", "p50", "p90", "wait p90"):
        t.add_column(col, justify="right")
    for level in sorted(s.by_priority, key=int):
        p = s.by_priority[level]
        t.add_row(level, f"{p.calls:,.0f}", fmt_min(p.response_min),
                  fmt_min(p.response_min, "p50"), fmt_min(p.response_min, "p90"),
                  fmt_min(p.wait_min, "p90"))  # fmt: skip
    return t


def call_types_table(s: Summary) -> Table:
    t = Table(title="Call types", title_justify="left")
    for col in (
        "call type",
        "calls",
        "served by",
        "fell back",
        "unserved",
        "in target",
        "response (95% CI)",
        "p90",
    ):
        left = col in ("call type", "served by")
        t.add_column(col, justify="left" if left else "right", no_wrap=col == "served by")
    for name, ct in s.call_types.items():
        served = ", ".join(f"{k} {v:.0%}" for k, v in ct.served_by.items() if v > 0.0005)
        target = "–" if ct.within_target is None else f"{ct.within_target:.0%} ≤ {ct.target_min:g}"
        t.add_row(
            name, f"{ct.calls:,.0f}", served or "–", pct(ct.fallback_share),
            f"{ct.unserved:,.0f}", target, fmt_min(ct.response_min),
            fmt_min(ct.response_min, "p90"),
        )  # fmt: skip
    return t


def render_summary(s: Summary, console: Console) -> None:
    """Print the whole summary: headline, teams, call types, cost and any warnings."""
    per_call = "–" if s.cost.per_call is None else f"${s.cost.per_call:,.0f}"
    ci = s.cost.per_year_ci95
    per_year = f"${s.cost.per_year:,.0f}" + (f" (${ci[0]:,.0f}–${ci[1]:,.0f})" if ci else "")
    other = f"; other activity: {s.other_activity:,.0f}" if s.other_activity else ""
    cost = Text(f"Cost: {per_year} per year, {per_call} per call; "
                f"calls per replication: {s.calls:,.0f}{other}")  # fmt: skip
    by_priority = priority_table(s)
    parts = [headline(s), teams_table(s), call_types_table(s)]
    console.print(Group(*parts, *([by_priority] if by_priority else []), cost))
    for warning in s.warnings:
        console.print(f"[bold yellow]Warning:[/] {warning}")
