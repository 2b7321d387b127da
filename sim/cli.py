"""The ``sim`` command line: validated paths in, one library call, rendered out.

Every command turns a user's mistake (a :class:`SimError`) into one line on stderr and exit
code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sim.errors import SimError
from sim.experiment import run as run_scenario
from sim.output import check_writable, write_text
from sim.records import write_events
from sim.report.tables import render_summary
from sim.scenario import Scenario, load_scenario, offered_load, with_overrides

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate 911 dispatch to plan community responder programs.",
)
err_console = Console(stderr=True)

ScenarioPath = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Scenario TOML file."),
]


def stdout_console() -> Console:
    """A console for results: the terminal's width, or 120 columns when piped to a file."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a SimError into one line on stderr and exit code 2."""
    try:
        yield
    except SimError as err:
        typer.echo(f"error: {err.line()}", err=True)
        raise typer.Exit(2) from None


def _settings(scn: Scenario, replications: int | None, seed: int | None, days: float | None,
              source: str) -> Scenario:  # fmt: skip
    changes: dict[str, object] = {}
    if replications is not None:
        changes["scenario.replications"] = replications
    if seed is not None:
        changes["scenario.seed"] = seed
    if days is not None:
        changes["scenario.days"] = days
    return with_overrides(scn, changes, source=source) if changes else scn


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


@app.command()
def run(
    scenario: ScenarioPath,
    replications: Annotated[int | None, typer.Option(min=1, help="Override replications.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Override the seed.")] = None,
    days: Annotated[
        float | None, typer.Option(min=0.01, help="Override days (incl. warm-up).")
    ] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON summary to PATH, or - for stdout.")
    ] = None,
    events: Annotated[
        Path | None, typer.Option(help="Write every call's record to PATH (.csv or .parquet).")
    ] = None,
) -> None:
    """Simulate a scenario: response, wait, utilization and cost over its replications."""
    with user_errors():
        scn = _settings(load_scenario(scenario), replications, seed, days, str(scenario))
        for path in (events, None if json_out in (None, "-") else Path(json_out)):
            if path is not None:
                check_writable(path)
        reps = scn.scenario.replications
        with _progress(reps) as progress:
            task = progress.add_task("replications", total=reps)
            result = run_scenario(
                scn,
                keep_records=events is not None,
                on_replication=lambda _: progress.advance(task),
            )
        if events is not None:
            write_events(result.records, events)
        if json_out is not None:
            write_text(json_out, result.summary.model_dump_json(indent=2))
        if json_out != "-":
            render_summary(result.summary, stdout_console())


@app.command()
def check(scenario: ScenarioPath) -> None:
    """Validate a scenario without running it, and show the load each team faces."""
    with user_errors():
        scn = load_scenario(scenario)
        load = offered_load(scn)
        parts = [
            f"{name}: {load[name]:.2f} busy units on average if every call took its first option "
            f"(up to {team.max_units()} on duty)"
            for name, team in scn.teams.items()
        ]
        typer.echo(f"ok: {scenario} — {len(scn.teams)} teams, {len(scn.call_types)} call types")
        for line in parts:
            typer.echo(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: Typer's own usage errors become one line too."""
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Abort:
        typer.echo("interrupted", err=True)
        return 130
    except typer.TyperException as err:  # usage errors: bad option, missing file …
        if err.format_message():  # empty when Typer has just printed the help
            typer.echo(f"error: {err.format_message()} (see 'sim --help')", err=True)
        return err.exit_code
    return code if isinstance(code, int) else 0


def entry() -> None:
    """Process entry point for the ``sim`` script and ``python -m sim``."""
    sys.exit(main())
