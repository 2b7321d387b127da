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
    progress_bar,
    stdout_console,
    user_errors,
)
from sim.errors import SimError

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
    population: int | None = None,
    response_target: float | None = None,
    assume_officer_work: bool = True,
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
            other_activity=other_activity, smoothing=smoothing, population=population,
            response_target_min=response_target, assume_officer_work=assume_officer_work,
        )  # fmt: skip
    except ValidationError as err:
        where, what = validation_line(err)
        raise SimError(what, where=f"--{where.replace('_', '-')}") from None
    with progress_bar("reading and fitting the export"):
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
    for note in result.report.notes if report is None else ():
        if "ASSUMPTION" in note:
            typer.echo(f"note: {note}", err=True)


def fit(
    calls: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, metavar="CALLS.csv", help="Calls-for-service export."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="CITY.toml", help="Scenario TOML to write."),
    ] = None,
    draft_mapping: Annotated[
        Path | None,
        typer.Option(
            metavar="MAPPING.toml",
            help="Write a starting column mapping guessed from the export's header and first "
            "rows (column names only, never a value), then stop: check it, then fit with "
            "--mapping.",
        ),
    ] = None,
    mapping: MappingPath = None,
    taxonomy: TaxonomyPath = None,
    program: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            metavar="PROGRAM.toml",
            help="Apply this program template.",
        ),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option(metavar="YYYY-MM-DD", help="First day of the window."),
    ] = None,
    end: Annotated[
        datetime | None, typer.Option(metavar="YYYY-MM-DD", help="Day after the window.")
    ] = None,
    agency: Annotated[
        list[str] | None,
        typer.Option(metavar="AGENCY", help="Keep only this agency (repeatable)."),
    ] = None,
    include_officer_initiated: Annotated[
        bool,
        typer.Option(
            "--include-officer-initiated",
            help="Count officer-initiated activity as calls from the public.",
        ),
    ] = False,
    other_activity: Annotated[
        Literal["separate", "drop", "public"],  # = sim.fit.build.FitOptions.other_activity
        typer.Option(
            metavar="separate|drop|public",
            help="Officer-initiated and admin work: own call types, drop, or calls.",
        ),
    ] = "separate",
    no_officer_default: Annotated[
        bool,
        typer.Option(
            "--no-officer-default",
            help="For a police export with no officer-initiated work and no busy times, do "
            "not assume the durations library's amount of it.",
        ),
    ] = False,
    police_units: Annotated[
        int | None,
        typer.Option(
            callback=policy("UNITS", low=1, what="police units"),
            metavar="N",
            help="Units (else units from the export, or square-root staffing).",
        ),
    ] = None,
    durations_from: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            metavar="CITY.toml",
            help="Take times the export lacks from this scenario (else from sim's durations "
            "library: Detroit 2019 police times, Lane County crisis-team times).",
        ),
    ] = None,
    smoothing: Annotated[
        Literal["auto", "none", "kernel", "product"],  # = sim.fit.arrivals.Smoothing
        typer.Option(
            metavar="auto|none|kernel|product",
            help="Hour-of-week smoothing (auto: by calls per slot).",
        ),
    ] = "auto",
    name: Annotated[str | None, typer.Option(metavar="NAME", help="Scenario name.")] = None,
    population: Annotated[
        int | None,
        typer.Option(
            callback=policy("POPULATION"), metavar="N", help="Residents, for figures per 100,000."
        ),
    ] = None,
    response_target: Annotated[
        float | None,
        typer.Option(
            callback=policy("POSITIVE_MINUTES"),
            metavar="MINUTES",
            help="Response target: the share of calls reached within it is reported.",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(metavar="REPORT.json", help="Print the fit report and write it as JSON."),
    ] = None,
) -> None:
    """Fit a scenario from a 911 calls-for-service export (aggregates only)."""
    with user_errors():
        if draft_mapping is not None:
            from sim.data.draft import draft_mapping as draft
            from sim.output import write_text

            check_outputs(draft_mapping)
            write_text(draft_mapping, draft(calls, draft_mapping.name))
            typer.echo(f"wrote {draft_mapping}: check every line, then sim fit {calls} "
                       f"--mapping {draft_mapping} -o CITY.toml")  # fmt: skip
            return
        if output is None:
            raise SimError("no output file", where="sim fit",
                           hint="add -o CITY.toml (or --draft-mapping M.toml)")  # fmt: skip
        fit_command(
            calls, output, mapping=mapping, taxonomy=taxonomy, program=program, start=start,
            end=end, agency=agency, include_officer_initiated=include_officer_initiated,
            other_activity=other_activity, police_units=police_units,
            durations_from=durations_from, smoothing=smoothing, name=name,
            population=population, response_target=response_target,
            assume_officer_work=not no_officer_default, report=report,
        )  # fmt: skip


__all__ = ["fit", "fit_command"]
