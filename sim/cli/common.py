"""What the commands share: option types, consoles, one-line errors, the progress bar.

Kept light on purpose: ``sim --help`` and ``sim check`` import this and the command modules,
so anything heavy (numpy, scipy, pandas, matplotlib, Dask) is imported inside the commands
that use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.errors import SimError

if TYPE_CHECKING:
    from rich.console import Console


def policy(kind: str, **changes: Any) -> Callable[[Any], Any]:
    """A Typer callback checking an option's value by the number policy (sim/numbers.py):
    ``policy("DAYS")``, ``policy("UNITS", low=1, what="police units")``. Imported when an
    option is given, so ``sim --help`` stays fast."""

    def check(value: Any) -> Any:
        if value is None:
            return None
        from sim import numbers

        rule = getattr(numbers, kind)
        try:
            return (rule.but(**changes) if changes else rule)(value)
        except ValueError as err:
            raise typer.BadParameter(str(err)) from None

    return check


ScenarioPath = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Scenario TOML file."),
]
Replications = Annotated[
    int | None, typer.Option(callback=policy("REPLICATIONS"), help="Override replications.")
]
Seed = Annotated[int | None, typer.Option(callback=policy("SEED"), help="Override the seed.")]
Days = Annotated[
    float | None, typer.Option(callback=policy("DAYS"), help="Override days (incl. warm-up).")
]
Workers = Annotated[
    int | None,
    typer.Option(
        callback=policy("WORKERS"),
        help="Workers: this process and N-1 local worker processes (default: one per core "
        "when the run is large enough to repay starting them, else 1: this process alone).",
    ),
]
DaskAddress = Annotated[
    str | None,
    typer.Option(help="Run on Dask: 'local' starts a LocalCluster, or tcp://HOST:8786."),
]
MappingPath = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Column mapping TOML (else a preset)."),
]
TaxonomyPath = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Call-type taxonomy TOML."),
]
JsonOut = Annotated[
    str | None, typer.Option("--json", help="Write the JSON summary to PATH, or - for stdout.")
]


def stdout_console() -> Console:
    """A console for results: the terminal's width, or 120 columns when piped to a file."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=120)


def err_console() -> Console:
    """A console on stderr (progress, the optimizer's log)."""
    from rich.console import Console

    return Console(stderr=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a SimError into one line on stderr and exit code 2."""
    try:
        yield
    except SimError as err:
        typer.echo(f"error: {err.line()}", err=True)
        raise typer.Exit(2) from None


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, shown only on a terminal; yields ``update(done, total)``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = err_console()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def check_outputs(*paths: Path | str | None) -> None:
    """Every output path can be written (``-`` is stdout), before any work is done."""
    from sim.output import check_writable

    for path in paths:
        if path is not None and str(path) != "-":
            check_writable(Path(path))


__all__ = [
    "DaskAddress",
    "Days",
    "JsonOut",
    "MappingPath",
    "Replications",
    "ScenarioPath",
    "Seed",
    "TaxonomyPath",
    "Workers",
    "check_outputs",
    "err_console",
    "policy",
    "progress_bar",
    "stdout_console",
    "user_errors",
]
