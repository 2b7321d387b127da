"""The ``sim`` command line: validated paths in, one library call (:mod:`sim.api`), rendered out.

Every command turns a user's mistake (a :class:`SimError`) into one line on stderr and exit
code 2; anything else is a bug and keeps its traceback. Commands live in one module each and
import what they need inside their bodies, so ``sim --help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sim.cli import backtest, compare, fit, optimize, program, run, sensitivity, sweep
from sim.errors import printable

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Simulate 911 dispatch to plan community responder programs.",
)
for _command in (run.run, run.check, compare.compare, compare.report, sweep.sweep, fit.fit,
                 backtest.backtest, optimize.optimize, sensitivity.sensitivity):  # fmt: skip
    # The whole first line of the docstring in `sim --help`, never cut short with "…".
    app.command(short_help=(_command.__doc__ or "").strip().splitlines()[0])(_command)
app.add_typer(program.program_app, name="program")


def _print_version(value: bool) -> None:
    if value:
        from sim import __version__

        typer.echo(f"sim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the version of sim and exit.",
        ),
    ] = False,
) -> None:
    """Simulate 911 dispatch to plan community responder programs."""


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: Typer's own usage errors become one line too."""
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Abort:
        typer.echo("interrupted", err=True)
        return 130
    except typer.TyperException as err:  # usage errors: bad option, missing file …
        if err.format_message():  # empty when Typer has just printed the help
            typer.echo(f"error: {printable(err.format_message())} (see 'sim --help')", err=True)
        return err.exit_code
    return code if isinstance(code, int) else 0


def entry() -> None:
    """Process entry point for the ``sim`` script and ``python -m sim``."""
    sys.exit(main())


__all__ = ["app", "entry", "main"]
