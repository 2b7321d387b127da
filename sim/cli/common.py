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

from sim.errors import SimError, printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


def policy(kind: str, **changes: Any) -> Callable[..., Any]:
    """A Typer callback checking an option's value by the number policy (sim/numbers.py):
    ``policy("DAYS")``, ``policy("UNITS", low=1, what="police units")``. A bad value is one
    line and exit code 2, like any user error (not Typer's usage box). Imported when an option
    is given, so ``sim --help`` stays fast."""

    def check(param: typer.CallbackParam, value: Any) -> Any:
        if value is None:
            return None
        from sim import numbers

        rule = getattr(numbers, kind)
        try:
            return (rule.but(**changes) if changes else rule)(value)
        except ValueError as err:
            option = max(param.opts, key=len) if param.opts else str(param.name)
            typer.echo(f"error: {option}: {printable(str(err))}", err=True)
            raise typer.Exit(2) from None

    return check


ScenarioPath = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, metavar="SCENARIO.toml",
        help="Scenario TOML file.",
    ),
]  # fmt: skip
Replications = Annotated[
    int | None,
    typer.Option(callback=policy("REPLICATIONS"), metavar="N", help="Override replications."),
]
Seed = Annotated[
    int | None, typer.Option(callback=policy("SEED"), metavar="N", help="Override the seed.")
]
Days = Annotated[
    float | None,
    typer.Option(callback=policy("DAYS"), metavar="DAYS", help="Override days (incl. warm-up)."),
]
WarmupDays = Annotated[
    float | None,
    typer.Option(
        callback=policy("WARMUP_DAYS"), metavar="DAYS",
        help="Override the warm-up days (not measured).",
    ),
]  # fmt: skip
Workers = Annotated[
    int | None,
    typer.Option(
        callback=policy("WORKERS"),
        metavar="N",
        help="Workers: this process and N-1 local worker processes (default: one per core "
        "when the run is large enough to repay starting them, else 1: this process alone).",
    ),
]
DaskAddress = Annotated[
    str | None,
    typer.Option(
        metavar="ADDRESS",
        help="Run on Dask: 'local' starts a LocalCluster, or tcp://HOST:8786.",
    ),
]
MappingPath = Annotated[
    Path | None,
    typer.Option(
        exists=True, dir_okay=False, metavar="MAPPING.toml",
        help="Column mapping TOML (else a preset detected from the header; see README, "
        "'The mapping format').",
    ),
]  # fmt: skip
TaxonomyPath = Annotated[
    Path | None,
    typer.Option(
        exists=True, dir_okay=False, metavar="TAXONOMY.toml", help="Call-type taxonomy TOML."
    ),
]


def json_suffix(param: typer.CallbackParam, value: str | None) -> str | None:
    """A Typer callback: a ``--json`` file ends in .json (or is ``-``, stdout), as ``--plot``
    ends in .png and ``--events`` in .csv or .parquet: JSON written to ``results.csv`` would
    mislabel it for whoever opens it. One line and exit code 2, before any work."""
    if value is None or value == "-" or Path(value).suffix.lower() == ".json":
        return value
    option = max(param.opts, key=len) if param.opts else str(param.name)
    suffix = Path(value).suffix or "no suffix"
    typer.echo(
        f"error: {option}: {printable(value)}: the file is JSON; '{printable(suffix)}' would "
        "mislabel it — give a name ending in .json, or - for stdout",
        err=True,
    )
    raise typer.Exit(2)


JsonOut = Annotated[
    str | None,
    typer.Option(
        "--json",
        metavar="PATH",
        callback=json_suffix,
        help="Write the JSON to PATH (a .json file), or - for stdout.",
    ),
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


class Bar:
    """A progress bar's handle: ``bar(done, total)`` moves it (``total`` None: a count
    without an end), ``bar.say(line)`` prints a line above it."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self.progress, self.task = progress, task

    def __call__(self, done: int, total: int | None = None) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def say(self, line: str) -> None:
        self.progress.console.print(line, highlight=False)


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Bar]:
    """A progress bar on stderr, shown only on a terminal (pulsing until a total is known)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = err_console()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        yield Bar(progress, progress.add_task(description, total=None))


def check_outputs(*paths: Path | str | None) -> None:
    """Every output path can be written (``-`` is stdout), before any work is done."""
    from sim.output import check_writable

    for path in paths:
        if path is not None and str(path) != "-":
            check_writable(Path(path))


__all__ = [
    "Bar",
    "DaskAddress",
    "Days",
    "JsonOut",
    "MappingPath",
    "Replications",
    "ScenarioPath",
    "Seed",
    "TaxonomyPath",
    "WarmupDays",
    "Workers",
    "check_outputs",
    "err_console",
    "json_suffix",
    "policy",
    "progress_bar",
    "stdout_console",
    "user_errors",
]
