"""``sim compare`` and ``sim report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DaskAddress,
    Days,
    Replications,
    Seed,
    Workers,
    check_outputs,
    json_suffix,
    progress_bar,
    stdout_console,
    user_errors,
)
from sim.errors import SimError


def compare(
    cities: Annotated[
        list[Path],
        typer.Argument(
            metavar="CITY.toml",
            exists=True,
            dir_okay=False,
            readable=True,
            help="City scenario files.",
        ),
    ],
    program: Annotated[
        Path,
        typer.Option(
            metavar="PROGRAM.toml",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Program template TOML.",
        ),
    ],
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    csv_out: Annotated[
        str | None,
        typer.Option(
            "--csv", metavar="PATH", help="Write one row per city to PATH, or - for stdout."
        ),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="PATH",
            callback=json_suffix,
            help="Write the comparison JSON to PATH (a .json file), or - for stdout.",
        ),
    ] = None,
    workers: Workers = None,
    dask: DaskAddress = None,
) -> None:
    """Each city without and with a program, paired by common random numbers."""
    from sim import api
    from sim.compare import to_csv, to_json
    from sim.output import write_files
    from sim.report.tables import render_comparison

    with user_errors():
        if csv_out == "-" and json_out == "-":
            raise SimError(
                "--csv - and --json - would mix two formats on stdout",
                where="--csv/--json",
                hint="write one of them to a file",
            )
        check_outputs(csv_out, json_out)
        with progress_bar("replications") as progress:
            result = api.compare(
                cities, program, replications=replications, seed=seed, days=days,
                workers=workers, dask=dask, progress=progress,
            )  # fmt: skip
        write_files(([(csv_out, to_csv(result))] if csv_out else [])
                    + ([(json_out, to_json(result))] if json_out else []))  # fmt: skip
        if "-" not in (csv_out, json_out):
            render_comparison(result, stdout_console())
        for city in result.cities:
            for warning in city.warnings:
                typer.echo(f"warning: {warning}", err=True)


def report(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SCENARIO.toml|RESULTS.json",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Scenario TOML (runs it) or results JSON (run, compare, sweep, backtest or "
            "sensitivity).",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="REPORT.html", help="The HTML file to write.")
    ],
    sensitivity: Annotated[
        Path | None,
        typer.Option(
            metavar="SENSITIVITY.json",
            exists=True,
            dir_okay=False,
            readable=True,
            help="The JSON of sim sensitivity on the same scenario: its finding becomes the "
            "summary's biggest uncertainty and its tornado charts a section (read, not run).",
        ),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    workers: Workers = None,
    dask: DaskAddress = None,
) -> None:
    """Write one self-contained HTML report for planners (opens without a network)."""
    from sim import api
    from sim.output import write_text

    with user_errors():
        check_outputs(output)
        results = source.suffix.lower() == ".json"
        with progress_bar("building the report" if results else "replications") as progress:
            html = api.report(source, sensitivity=sensitivity, replications=replications,
                              seed=seed, days=days, workers=workers, dask=dask,
                              progress=progress)  # fmt: skip
        write_text(output, html)
        typer.echo(f"wrote {output}")


__all__ = ["compare", "report"]
