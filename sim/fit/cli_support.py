"""The body of ``sim fit``: options → one fit → files written atomically, or one error line.

Kept out of ``sim/cli.py`` so the command line stays a thin layer over the library.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from rich.console import Console

from sim.dists import Dist
from sim.fit.arrivals import Smoothing
from sim.fit.build import Borrowed, FitOptions, fit_calls
from sim.fit.durations import empirical_spec
from sim.fit.report import render_report
from sim.output import check_writable, write_text
from sim.scenario import Scenario, load_scenario

MIX_DRAWS = 20_000
"""Draws from the call-weighted mixture behind a borrowed "default" (fixed seed)."""


def borrowed_from(path: Path, team: str = "police") -> Borrowed:
    """Times to borrow from another scenario: each call type's own responders' on-scene time,
    its dispatch delay, and the travel of ``team`` (or of its first team).

    A ``"default"`` entry, the mix of all its call types weighted by calls per day, serves
    export categories the lender lacks (the scenario comments say so where it is used).
    """
    scn: Scenario = load_scenario(path)
    on_scene: dict[str, Dist] = {}
    delay: dict[str, Dist] = {}
    weights: dict[str, float] = {}
    for name, ct in scn.call_types.items():
        on_scene[name] = ct.on_scene_min[ct.response[-1].team]
        delay[name] = ct.dispatch_delay_min
        weights[name] = ct.calls_per_day
    source_team = scn.teams.get(team) or next(iter(scn.teams.values()))
    citation = f"{path.name} ({scn.scenario.name})"
    return Borrowed(
        _with_default(on_scene, weights),
        source_team.travel_min.spec(),
        _with_default(delay, weights),
        citation,
        source=path.name,
        default_note=f"{path.name}'s call-weighted mix of all its call types",
    )


def _with_default(dists: dict[str, Dist], weights: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each spec, plus "default": 21 quantiles of the calls-per-day-weighted mixture.

    A mixture of families has no closed form among the scenario's distributions, so it is
    drawn (a fixed seed keeps the file reproducible) and written as empirical quantiles.
    """
    specs = {name: d.spec() for name, d in dists.items()}
    total = sum(weights.values())
    share = {n: weights[n] / total if total > 0 else 1 / len(dists) for n in dists}
    rng = np.random.default_rng(0)
    draws = [d.sample(rng, max(1, round(MIX_DRAWS * share[n]))) for n, d in dists.items()]
    specs["default"] = empirical_spec(np.concatenate(draws))
    return specs


def fit_command(
    calls: Path,
    output: Path,
    *,
    mapping: Path | None = None,
    taxonomy: Path | None = None,
    program: Path | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    agency: list[str] | None = None,
    include_officer_initiated: bool = False,
    other_activity: Literal["separate", "drop", "public"] = "separate",
    police_units: int | None = None,
    durations_from: Path | None = None,
    smoothing: Smoothing = "auto",
    name: str | None = None,
    report: Path | None = None,
    console: Console | None = None,
) -> None:
    """Fit ``calls`` and write the scenario to ``output`` (and the report JSON to ``report``)."""
    check_writable(output)
    if report is not None:
        check_writable(report)
    options = FitOptions(
        name=name, start=start, end=end, agencies=tuple(agency) if agency else None,
        include_officer_initiated=include_officer_initiated, police_units=police_units,
        other_activity=other_activity,
        smoothing=smoothing,
    )  # fmt: skip
    prog = None
    if program is not None:
        from sim.program import load_program

        prog = load_program(program)
    borrowed = borrowed_from(durations_from) if durations_from else None
    result = fit_calls(calls, mapping, taxonomy=taxonomy, options=options, borrowed=borrowed,
                       program=prog)  # fmt: skip
    write_text(output, result.text)
    if report is not None:
        write_text(report, result.report.model_dump_json(indent=2))
    console = console or Console()
    if report is not None:
        render_report(result.report, console)
    scn = result.scenario
    per_day = sum(ct.calls_per_day for ct in scn.call_types.values())
    console.print(
        f"wrote {output}: {len(scn.call_types)} call types, {per_day:,.1f} calls/day, "
        f"{result.report.units} {result.report.team} units"
        + (f"; report {report}" if report else "")
    )


__all__ = ["borrowed_from", "fit_command"]
