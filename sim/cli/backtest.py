"""``sim backtest``: does the fitted city reproduce its export?"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DaskAddress,
    JsonOut,
    MappingPath,
    Replications,
    ScenarioPath,
    TaxonomyPath,
    Workers,
    check_outputs,
    progress_bar,
    stdout_console,
    user_errors,
)


def backtest(
    scenario: ScenarioPath,
    calls: Annotated[
        Path,
        typer.Argument(
            metavar="CALLS.csv", exists=True, dir_okay=False, help="The export it was fitted from."
        ),
    ],
    mapping: MappingPath = None,
    taxonomy: TaxonomyPath = None,
    replications: Replications = None,
    start: Annotated[
        datetime | None, typer.Option(metavar="YYYY-MM-DD", help="First day compared (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option(metavar="YYYY-MM-DD", help="Day after the last compared.")
    ] = None,
    json_out: JsonOut = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="REPORT.html", help="Also write the HTML report here."
        ),
    ] = None,
    workers: Workers = None,
    dask: DaskAddress = None,
) -> None:
    """Does the fitted city reproduce its export? Recorded against simulated, with verdicts."""
    from sim import api
    from sim.backtest.render import render_backtest
    from sim.output import write_files
    from sim.report.backtest import backtest_report

    with user_errors():
        check_outputs(output, json_out)
        with progress_bar("replications") as progress:
            result = api.backtest(
                scenario, calls, mapping, taxonomy=taxonomy, replications=replications,
                start=start, end=end, workers=workers, dask=dask, progress=progress,
            )  # fmt: skip
        write_files(([(json_out, result.model_dump_json(indent=2))] if json_out else [])
                    + ([(output, backtest_report(result))] if output else []))  # fmt: skip
        if json_out != "-":
            render_backtest(result, stdout_console())


__all__ = ["backtest"]
