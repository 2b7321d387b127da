"""The HTML page of a backtest (``sim report BACKTEST.json -o page.html``).

Recorded against simulated, per hour of the day (calls and busy units, with the simulation's
95% interval as a band), then the headline rows with their verdicts, per category, and the
notes on what the export could not support. Built only from the backtest's JSON, with the
same self-contained page and charts as every other report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import ValidationError

from sim.backtest.render import fmt, headline_rows, label
from sim.backtest.result import BacktestResult, Row
from sim.inputs import read_json
from sim.metrics import SCHEMA_VERSION
from sim.report import plots
from sim.report.page import ResultsError, bullet_list, chart, html_table, page, section
from sim.report.readback import read_results
from sim.scenario import validation_line


def is_backtest(path: Path) -> bool:
    """True when ``path`` holds backtest JSON (the other kinds go to :mod:`sim.report.html`)."""
    try:
        data = read_json(path, ResultsError)
    except ResultsError:
        return False
    return isinstance(data, dict) and data.get("kind") == "backtest"


def _profile(rows: list[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(recorded, simulated, low, high) over the 24 hours (NaN where missing)."""
    by_hour = {int(r.group.split()[-1]): r for r in rows}

    def col(get: object) -> np.ndarray:
        return np.array([get(by_hour[h]) if h in by_hour else np.nan for h in range(24)],  # type: ignore[operator]
                        dtype=float)  # fmt: skip

    def value(x: float | None) -> float:
        return np.nan if x is None else x

    return (
        col(lambda r: value(r.recorded)),
        col(lambda r: value(r.simulated)),
        col(lambda r: r.ci95[0] if r.ci95 else np.nan),
        col(lambda r: r.ci95[1] if r.ci95 else np.nan),
    )


def hourly_chart(title: str, unit: str, rows: list[Row]) -> str:
    """Recorded (line) against simulated (line and 95% band) by hour of the day."""
    recorded, simulated, low, high = _profile(rows)
    with plots._styled():
        fig = plots._figure(9, 2.6)
        ax = fig.add_subplot()
        hours = np.arange(24)
        ax.fill_between(hours, low, high, color=plots.AFTER, alpha=0.25, step="mid",
                        label="simulated, 95% interval")  # fmt: skip
        ax.step(hours, simulated, where="mid", color=plots.AFTER, label="simulated")
        if np.isfinite(recorded).any():
            ax.step(hours, recorded, where="mid", color="#333333", linewidth=1.8,
                    label="recorded")  # fmt: skip
        ax.set_xticks(hours)
        ax.set_xlabel("hour of day")
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        plots._title_and_legend(ax, title)
        return plots.to_svg(fig)


def findings(result: BacktestResult) -> list[str]:
    """Plain sentences for the headline rows."""
    out = []
    for r in headline_rows(result):
        if r.group != "all":
            continue
        if r.recorded is None:
            out.append(f"{label(r).capitalize()}: not in the export.")
            continue
        rel = "" if r.rel_diff is None else f" ({r.rel_diff:+.0%}, {r.verdict})"
        out.append(f"{label(r).capitalize()}: recorded {fmt(r.recorded)} {r.unit}, simulated "
                   f"{fmt(r.simulated)}{rel}.")  # fmt: skip
    return out


def _table(rows: list[Row]) -> str:
    body = [
        [label(r), r.group, "" if r.recorded_calls is None else f"{r.recorded_calls:,}",
         fmt(r.recorded), fmt(r.simulated),
         "–" if r.ci95 is None else f"{fmt(r.ci95[0])}–{fmt(r.ci95[1])}",
         "–" if r.rel_diff is None else f"{r.rel_diff:+.0%}", r.verdict]
        for r in rows
    ]  # fmt: skip
    header = ["measure", "group", "calls", "recorded", "simulated", "95% CI", "diff", "verdict"]
    return html_table(header, body, numeric_from=2)


def backtest_report(result: BacktestResult) -> str:
    """The whole page."""
    calls = result.section("calls by hour")
    busy = result.section("busy units by hour")
    charts = [chart("backtest-calls", hourly_chart("Calls by hour of day", "calls per day",
                                                   calls), "Calls from the public per day, "
                    "by clock hour: recorded against simulated.")]  # fmt: skip
    if any(r.recorded is not None for r in busy):
        charts.append(chart("backtest-busy", hourly_chart("Units busy by hour of day",
                                                          "units busy", busy),
                            "Mean units busy (dispatch to clear, all activity) in each clock "
                            "hour: recorded against simulated."))  # fmt: skip
    per_category = [r for r in result.rows if r.section in ("calls per day", "response")
                    and r.group != "all" and not r.group.startswith("priority")]  # fmt: skip
    body = [
        section("Does the fitted city match its own history?", bullet_list(findings(result))),
        section("Per hour of day", *charts),
        section("Headline", _table(headline_rows(result))),
        section("By category", _table(per_category)),
        section("Notes", bullet_list(result.notes, cls="notes")),
    ]
    subtitle = (f"{result.source}, {result.window_start} → {result.window_end}; "
                f"{result.replications} replications, seed {result.seed}")  # fmt: skip
    return page(f"Backtest: {result.scenario}", subtitle, "backtest", body)


def backtest_report_file(path: Path) -> str:
    """The page for a backtest JSON file (a malformed one is one :class:`ResultsError`)."""
    data = read_results(path)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(
            f"written by an incompatible version of sim (schema_version "
            f"{data.get('schema_version')}; this version reads {SCHEMA_VERSION})",
            where=str(path),
            hint="re-run sim backtest with this version of sim",
        )
    try:
        result = BacktestResult.model_validate(data)
    except ValidationError as err:
        where, what = validation_line(err)
        raise ResultsError(f"not a valid backtest ({where}: {what})", where=str(path)) from None
    return backtest_report(result)


__all__ = ["backtest_report", "backtest_report_file", "findings", "is_backtest"]
