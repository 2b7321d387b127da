"""The backtest as terminal tables (rich) and as a Markdown table for docs.

The headline rows first (calls per day, wait and response overall and by priority, busy
unit-hours), then calls and response per category, then the hour-of-day profiles.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from sim.applicable import NA
from sim.backtest.result import BacktestResult, Row

HEADLINE_SECTIONS = ("calls per day", "wait", "response", "busy unit-hours")
VERDICT_STYLE = {"within 10%": "green", "10–25%": "yellow", "off": "red"}


def fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}" if abs(x) < 10 else f"{x:,.1f}"


def _interval(row: Row) -> str:
    return "–" if row.ci95 is None else f"{fmt(row.ci95[0])}–{fmt(row.ci95[1])}"


def _rel(row: Row) -> str:
    return "–" if row.rel_diff is None else f"{row.rel_diff:+.0%}"


def label(row: Row) -> str:
    """'response p90' or 'calls per day' (a row's measure in words)."""
    return row.section if row.measure == "value" else f"{row.section} {row.measure}"


def headline_rows(result: BacktestResult) -> list[Row]:
    """Overall and per-priority rows of the headline sections."""
    return [
        r
        for r in result.rows
        if r.section in HEADLINE_SECTIONS and (r.group == "all" or r.group.startswith("priority"))
    ]


def rows_table(title: str, rows: Iterable[Row]) -> Table:
    t = Table(title=title, title_justify="left")
    for col in ("measure", "group", "calls", "recorded", "simulated (95% CI)", "diff", "verdict"):
        t.add_column(col, justify="left" if col in ("measure", "group", "verdict") else "right")
    for r in rows:
        style = VERDICT_STYLE.get(r.verdict, "")
        calls = "" if r.recorded_calls is None else f"{r.recorded_calls:,}"
        simulated = NA if r.simulated is None else f"{fmt(r.simulated)} ({_interval(r)})"
        t.add_row(label(r), r.group, calls, NA if r.recorded is None else fmt(r.recorded),
                  simulated, NA if r.rel_diff is None else _rel(r),
                  f"[{style}]{r.verdict}[/]" if style else r.verdict)  # fmt: skip
    return t


def na_notes(rows: Iterable[Row]) -> list[str]:
    """'n/a: <reason> (measure group, …)' for the cells shown as n/a, once per reason."""
    seen: dict[str, list[str]] = {}
    for r in rows:
        for key in ("recorded", "simulated", "rel_diff"):
            why = r.not_applicable.get(key)
            if why is not None and f"{label(r)} {r.group}" not in seen.get(why, []):
                seen.setdefault(why, []).append(f"{label(r)} {r.group}")
    return [f"{NA}: {why} ({', '.join(where[:3])}{', …' if len(where) > 3 else ''})"
            for why, where in seen.items()]  # fmt: skip


def render_backtest(result: BacktestResult, console: Console) -> None:
    """Print the headline, per-category and hourly tables, then the notes."""
    console.print(
        f"Backtest of {result.scenario} against {result.source}: {result.window_start} → "
        f"{result.window_end}, {result.replications} replications (seed {result.seed})"
    )
    console.print(rows_table("Headline", headline_rows(result)))
    per_category = [
        r
        for r in result.rows
        if r.section in ("calls per day", "response")
        and r.group != "all"
        and not r.group.startswith("priority")
        and r.measure in ("value", "p50", "p90")
    ]
    console.print(rows_table("By category", per_category))
    hourly = [r for r in result.rows if r.section in ("calls by hour", "busy units by hour")]
    console.print(rows_table("By hour of day (per day)", hourly))
    shown = [*headline_rows(result), *per_category, *hourly]
    for line in na_notes(shown):
        console.print(line, highlight=False)
    for note in result.notes:
        console.print(f"note: {note}")


def markdown_table(result: BacktestResult, rows: Iterable[Row] | None = None) -> str:
    """The headline rows as a Markdown table (docs/VALIDATION.md, README)."""
    lines = [
        "| measure | group | calls | recorded | simulated (95% CI) | diff | verdict |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for r in headline_rows(result) if rows is None else rows:
        calls = "" if r.recorded_calls is None else f"{r.recorded_calls:,}"
        lines.append(
            f"| {label(r)} | {r.group} | {calls} | {fmt(r.recorded)} | "
            f"{fmt(r.simulated)} ({_interval(r)}) | {_rel(r)} | {r.verdict} |"
        )
    return "\n".join(lines)


__all__ = ["headline_rows", "markdown_table", "render_backtest", "rows_table"]
