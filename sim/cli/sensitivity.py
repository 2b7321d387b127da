"""``sim sensitivity``: which uncertain input moves the plan most (a tornado chart's figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DaskAddress,
    Days,
    JsonOut,
    Replications,
    ScenarioPath,
    Seed,
    Workers,
    check_outputs,
    policy,
    progress_bar,
    stdout_console,
    user_errors,
)


def sensitivity(
    scenario: ScenarioPath,
    program: Annotated[
        Path | None,
        typer.Option(
            metavar="PROGRAM.toml",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Apply this program template to the scenario (a city file); without it the "
            "scenario's own program team is used (see --team).",
        ),
    ] = None,
    team: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TEAM",
            help="The program's team (repeatable; default: the teams of role community or "
            "clinician).",
        ),
    ] = None,
    range_: Annotated[
        list[str] | None,
        typer.Option(
            "--range",
            metavar="INPUT=LOW,HIGH",
            help="INPUT=LOW,HIGH as multipliers (calls=0.7,1.3) or percentages "
            "(on_scene=-10%,+30%); inputs: calls, on_scene, travel, eligible_share, "
            "backup_rate (repeatable).",
        ),
    ] = None,
    spread: Annotated[
        float,
        typer.Option(
            callback=policy("SPREAD"),
            metavar="SHARE",
            help="The range of every input not given by --range: ±spread.",
        ),
    ] = 0.2,
    json_out: JsonOut = None,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    workers: Workers = None,
    dask: DaskAddress = None,
) -> None:
    """Tornado of the plan's main outputs over its uncertain inputs (common random numbers)."""
    from sim import api
    from sim.output import write_text
    from sim.sensitivity.table import result_tables

    with user_errors():
        check_outputs(json_out)
        with progress_bar("replications") as progress:
            result = api.sensitivity(
                scenario, program=program, teams=team or (), ranges=range_ or (),
                spread=spread, replications=replications, seed=seed, days=days,
                workers=workers, dask=dask, progress=progress,
            )  # fmt: skip
        if json_out is not None:
            write_text(json_out, result.model_dump_json(indent=2))
        if json_out != "-":
            stdout_console().print(result_tables(result))
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)


__all__ = ["sensitivity"]
