"""``sim program apply``: a city with a program template applied, comments kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import ScenarioPath, check_outputs, user_errors

program_app = typer.Typer(no_args_is_help=True, help="Program templates applied to cities.")


@program_app.command("apply")
def program_apply(
    city: ScenarioPath,
    program: Annotated[
        Path,
        typer.Argument(
            metavar="PROGRAM.toml",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Program template TOML.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="PLANNED.toml",
            help="Planned city TOML to write, or - for stdout.",
        ),
    ],
) -> None:
    """Write the city with the program applied, comments kept, ready for sweep and optimize."""
    from sim.output import write_text
    from sim.program import planned_city_text

    with user_errors():
        check_outputs(output)
        warnings: list[str] = []
        text = planned_city_text(city, program, warn=warnings.append)
        write_text(output, text)
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        if output != "-":
            typer.echo(f"wrote {output}", err=True)


__all__ = ["program_app", "program_apply"]
