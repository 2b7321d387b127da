"""``sim fit``: options → one fit → files written atomically, or one error line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from sim.cli.common import (
    MappingPath,
    TaxonomyPath,
    check_outputs,
    policy,
    stdout_console,
    user_errors,
)

if TYPE_CHECKING:
    from rich.console import Console

    from sim.fit.arrivals import Smoothing


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
    from pydantic import ValidationError

    from sim import api
    from sim.errors import SimError
    from sim.fit import FitOptions
    from sim.fit.report import render_report
    from sim.output import write_files
    from sim.scenario import validation_line

    check_outputs(output, report)
    try:
        options = FitOptions(
            name=name, start=start, end=end, agencies=tuple(agency) if agency else None,
            include_officer_initiated=include_officer_initiated, police_units=police_units,
            other_activity=other_activity, smoothing=smoothing,
        )  # fmt: skip
    except ValidationError as err:
        where, what = validation_line(err)
        raise SimError(what, where=f"--{where.replace('_', '-')}") from None
    result = api.fit(calls, mapping, taxonomy=taxonomy, options=options, program=program,
                     durations_from=durations_from)  # fmt: skip
    reported = [(report, result.report.model_dump_json(indent=2))] if report else []
    write_files([(output, result.text), *reported])
    console = console or stdout_console()
    if report is not None:
        render_report(result.report, console)
    scn = result.scenario
    per_day = sum(ct.calls_per_day for ct in scn.call_types.values())
    console.print(
        f"wrote {output}: {len(scn.call_types)} call types, {per_day:,.1f} calls/day, "
        f"{result.report.units} {result.report.team} units"
        + (f"; report {report}" if report else "")
    )


def fit(
    calls: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Calls-for-service export.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Scenario TOML to write.")],
    mapping: MappingPath = None,
    taxonomy: TaxonomyPath = None,
    program: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Apply this program template."),
    ] = None,
    start: Annotated[
        datetime | None, typer.Option(help="First day of the window (YYYY-MM-DD).")
    ] = None,
    end: Annotated[datetime | None, typer.Option(help="Day after the window (YYYY-MM-DD).")] = None,
    agency: Annotated[
        list[str] | None, typer.Option(help="Keep only this agency (repeatable).")
    ] = None,
    include_officer_initiated: Annotated[
        bool, typer.Option(help="Count officer-initiated activity as calls from the public.")
    ] = False,
    other_activity: Annotated[
        Literal["separate", "drop", "public"],  # = sim.fit.build.FitOptions.other_activity
        typer.Option(help="Officer-initiated and admin work: own call types, drop, or calls."),
    ] = "separate",
    police_units: Annotated[
        int | None,
        typer.Option(
            callback=policy("UNITS", low=1, what="police units"),
            help="Units (else units from the export, or square-root staffing).",
        ),
    ] = None,
    durations_from: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Borrow times the export lacks from this scenario."
        ),
    ] = None,
    smoothing: Annotated[
        Literal["auto", "none", "kernel", "product"],  # = sim.fit.arrivals.Smoothing
        typer.Option(help="Hour-of-week smoothing (auto: by calls per slot)."),
    ] = "auto",
    name: Annotated[str | None, typer.Option(help="Scenario name.")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Print the fit report and write it as JSON here.")
    ] = None,
) -> None:
    """Fit a scenario from a 911 calls-for-service export (aggregates only)."""
    with user_errors():
        fit_command(
            calls, output, mapping=mapping, taxonomy=taxonomy, program=program, start=start,
            end=end, agency=agency, include_officer_initiated=include_officer_initiated,
            other_activity=other_activity, police_units=police_units,
            durations_from=durations_from, smoothing=smoothing, name=name, report=report,
        )  # fmt: skip


__all__ = ["fit", "fit_command"]
