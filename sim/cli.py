"""The ``sim`` command line: validated paths in, one library call, rendered out.

Every command turns a user's mistake (a :class:`SimError`) into one line on stderr and exit
code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sim.errors import SimError
from sim.experiment import run as run_scenario
from sim.frontier import FRONTIER_MEASURES
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
# Options several commands share, declared once.
Replications = Annotated[int | None, typer.Option(min=1, help="Override replications.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Override the seed.")]
Days = Annotated[float | None, typer.Option(min=0.01, help="Override days (incl. warm-up).")]
Workers = Annotated[
    int | None,
    typer.Option(
        min=1, help="Local worker processes (default: one per core; 1 runs in this process)."
    ),
]
DaskAddress = Annotated[
    str | None,
    typer.Option(help="Run on Dask: 'local' starts a LocalCluster, or tcp://HOST:8786."),
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


def _progress() -> Progress:
    """A progress bar on stderr, shown only on a terminal (gone when the work is done)."""
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
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON summary to PATH, or - for stdout.")
    ] = None,
    events: Annotated[
        Path | None, typer.Option(help="Write every call's record to PATH (.csv or .parquet).")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Replay the calls of this CFS export."),
    ] = None,
    replay_on_scene: Annotated[
        bool, typer.Option(help="With --replay: use the export's recorded on-scene times.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Column mapping TOML for --replay."),
    ] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Call-type taxonomy TOML for --replay."),
    ] = None,
) -> None:
    """Simulate a scenario: response, wait, utilization and cost over its replications."""
    with user_errors():
        scn = _settings(load_scenario(scenario), replications, seed, days, str(scenario))
        for path in (events, None if json_out in (None, "-") else Path(json_out)):
            if path is not None:
                check_writable(path)
        if replay_on_scene and replay is None:
            raise SimError("--replay-on-scene needs --replay CALLS.csv", hint="add --replay")
        reps = scn.scenario.replications
        with _progress() as progress:
            task = progress.add_task("replications", total=reps)
            if replay is not None:
                from sim.fit.replay import load_replay, run_replay

                history = load_replay(scn, replay, mapping, taxonomy)
                typer.echo(history.note(), err=True)
                result = run_replay(
                    scn,
                    history,
                    on_scene=replay_on_scene,
                    keep_records=events is not None,
                    on_replication=lambda _: progress.advance(task),
                )
            else:
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


@app.command()
def compare(
    cities: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, readable=True, help="City scenario files."),
    ],
    program: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, readable=True, help="Program template TOML."),
    ],
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    csv_out: Annotated[
        str | None, typer.Option("--csv", help="Write one row per city to PATH, or - for stdout.")
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write the comparison JSON to PATH, or - for stdout."),
    ] = None,
) -> None:
    """Each city without and with a program, paired by common random numbers."""
    from sim.compare import compare as compare_cities
    from sim.compare import comparison_table, to_csv, to_json
    from sim.program import load_program

    with user_errors():
        if csv_out == "-" and json_out == "-":
            raise SimError(
                "--csv - and --json - would mix two formats on stdout",
                where="--csv/--json",
                hint="write one of them to a file",
            )
        prog = load_program(program)
        scns = [(str(p), _settings(load_scenario(p), replications, seed, days, str(p)))
                for p in cities]  # fmt: skip
        for out in (csv_out, json_out):
            if out not in (None, "-"):
                check_writable(Path(out))
        total = sum(s.scenario.replications for _, s in scns)  # paired replications
        with _progress() as progress:
            task = progress.add_task("paired replications", total=total)
            result = compare_cities(scns, prog, on_replication=lambda _: progress.advance(task))
        if csv_out is not None:
            write_text(csv_out, to_csv(result))
        if json_out is not None:
            write_text(json_out, to_json(result))
        if "-" not in (csv_out, json_out):
            stdout_console().print(comparison_table(result))
        for city in result.cities:
            for warning in city.warnings:
                typer.echo(f"warning: {warning}", err=True)


@app.command()
def report(
    source: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Scenario TOML (runs it) or results JSON (run, compare, sweep or backtest).",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
) -> None:
    """Write one self-contained HTML report for planners (opens without a network)."""
    from sim.report.html import report_for_results, report_for_scenario

    with user_errors():
        check_writable(output)
        if source.suffix.lower() == ".json":
            given = [f"--{n}" for n, v in (("replications", replications), ("seed", seed),
                                           ("days", days)) if v is not None]  # fmt: skip
            if given:
                raise SimError(
                    f"{', '.join(given)} cannot change results that have already been run",
                    where=str(source),
                    hint="rerun the command that wrote the JSON with the new settings, or give "
                    "the scenario TOML",
                )
            html = report_for_results(source)
        else:
            scn = _settings(load_scenario(source), replications, seed, days, str(source))
            with _progress() as progress:
                task = progress.add_task("replications", total=scn.scenario.replications)
                html = report_for_scenario(scn, on_replication=lambda _: progress.advance(task))
        write_text(output, html)
        typer.echo(f"wrote {output}")


# ------------------------------------------------------------------ sweep and optimize


@app.command()
def sweep(
    scenario: ScenarioPath,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="PATH=VALUES, e.g. teams.community.shifts.0.units=1..6, =1,2,4 or "
            "=0.5..2.0:0.5; several make a grid.",
        ),
    ] = None,
    sweep_file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            exists=True,
            dir_okay=False,
            help="Sweep file (TOML): a grid, or a list of named variants.",
        ),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Variant the others are compared with (default: first).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Results: .csv or .parquet (plus .json beside), or .json."
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted sweep saved in --out.")
    ] = False,
    workers: Workers = None,
    dask: DaskAddress = None,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    independent: Annotated[
        bool,
        typer.Option("--independent", help="Give each variant its own random numbers (unpaired)."),
    ] = False,
    frontier: Annotated[
        str | None,
        typer.Option(help="Service measure for the Pareto front, e.g. response_min.p90."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write the Pareto front as a PNG (default --frontier: "
            + " if present, else ".join(FRONTIER_MEASURES)
            + ")."
        ),
    ] = None,
) -> None:
    """Run variants of a scenario (a grid or a sweep file) with common random numbers."""
    from sim.executors import make_executor
    from sim.frontier import default_frontier_measure, frontier_table, plot_frontier
    from sim.sweep import (
        SweepError,
        SweepSpec,
        build_sweep,
        grid,
        journal_path,
        json_path,
        load_sweep_file,
        parse_vary,
        run_sweep,
        sweep_table,
    )

    with user_errors():
        scn = _settings(load_scenario(scenario), replications, seed, days, str(scenario))
        if vary and sweep_file:
            raise SweepError("give --vary or --file, not both", hint="put every axis in one")
        if not vary and sweep_file is None:
            raise SweepError(
                "nothing to vary",
                hint="add --vary PATH=VALUES (e.g. teams.community.shifts.0.units=1..6) "
                "or --file SWEEP.toml",
            )
        spec = (
            load_sweep_file(sweep_file)
            if sweep_file
            else SweepSpec(grid([parse_vary(v) for v in vary or []]))
        )
        the_sweep = build_sweep(
            scn,
            spec.variants,
            baseline=baseline or spec.baseline,
            measures=[frontier] if frontier else [],
            crn=not independent,
        )
        if plot is not None and frontier is None:
            frontier = default_frontier_measure(the_sweep.measures)
        if plot is not None:  # the results file is checked by run_sweep, before any work
            check_writable(plot)
        total = the_sweep.replications * len(the_sweep.variants)
        done = [0]
        with make_executor(workers, dask) as executor, _progress() as progress:
            task = progress.add_task(f"{len(the_sweep.variants)} variants", total=total)

            def advance(n: int, _total: int) -> None:
                done[0] = n
                progress.update(task, completed=n)

            try:
                result = run_sweep(the_sweep, executor, out=out, resume=resume, on_result=advance)
            except KeyboardInterrupt:
                saved = (
                    f"{done[0]} of {total} replications are saved in {journal_path(out)}; "
                    "run the same command with --resume to finish the rest"
                    if out is not None
                    else "nothing was saved (give -o PATH to keep results and resume)"
                )
                typer.echo(f"interrupted — {saved}", err=True)
                raise typer.Exit(130) from None
        console = stdout_console()
        console.print(sweep_table(result, [frontier] if frontier else None))
        if frontier is not None:
            console.print(frontier_table(result.rows, frontier))
        if plot is not None and frontier is not None:
            plot_frontier(result.rows, frontier, plot, title=scn.scenario.name)
        if out is not None:
            more = "" if out.suffix.lower() == ".json" else f" and {json_path(out)}"
            typer.echo(
                f"wrote {out}{more} ({result.ran} replications run, "
                f"{total - result.ran} from the journal)",
                err=True,
            )


@app.command()
def fit(
    calls: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Calls-for-service export.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Scenario TOML to write.")],
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Column mapping TOML (else a preset)."),
    ] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Call-type taxonomy TOML."),
    ] = None,
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
        int | None, typer.Option(min=1, help="Units (else square-root staffing).")
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
        from sim.fit.cli_support import fit_command

        fit_command(
            calls, output, mapping=mapping, taxonomy=taxonomy, program=program, start=start,
            end=end, agency=agency, include_officer_initiated=include_officer_initiated,
            other_activity=other_activity,
            police_units=police_units, durations_from=durations_from, smoothing=smoothing,
            name=name, report=report, console=stdout_console(),
        )  # fmt: skip


@app.command()
def backtest(
    scenario: ScenarioPath,
    calls: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The export it was fitted from.")
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Column mapping TOML (else a preset)."),
    ] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Call-type taxonomy TOML."),
    ] = None,
    replications: Replications = None,
    start: Annotated[datetime | None, typer.Option(help="First day compared (YYYY-MM-DD).")] = None,
    end: Annotated[datetime | None, typer.Option(help="Day after the last compared.")] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the backtest JSON to PATH, or - for stdout.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the HTML report here.")
    ] = None,
) -> None:
    """Does the fitted city reproduce its export? Recorded against simulated, with verdicts."""
    from sim.backtest import backtest as run_backtest
    from sim.backtest.render import render_backtest
    from sim.report.backtest import backtest_report

    with user_errors():
        scn = load_scenario(scenario)
        for path in (output, None if json_out in (None, "-") else Path(json_out)):
            if path is not None:
                check_writable(path)
        reps = replications or scn.scenario.replications
        with _progress() as progress:
            task = progress.add_task("replications", total=reps)
            result = run_backtest(
                scn, calls, mapping, taxonomy, replications=replications, start=start, end=end,
                on_replication=lambda _: progress.advance(task),
            )  # fmt: skip
        text = result.model_dump_json(indent=2)
        if json_out == "-":
            typer.echo(text)
        elif json_out is not None:
            write_text(Path(json_out), text)
        if output is not None:
            write_text(output, backtest_report(result))
        if json_out != "-":
            render_backtest(result, stdout_console())


@app.command()
def optimize(
    scenario: ScenarioPath,
    team: Annotated[str, typer.Option(help="The team whose shifts are planned.")],
    target: Annotated[
        list[str],
        typer.Option(
            help="MEASURE<=VALUE, optionally @SHARE, e.g. 'eligible.response_min.p90<=20@95%' "
            "(in 95% of replications) or 'teams.police.utilization<=0.6' (on average)."
        ),
    ],
    block_hours: Annotated[int, typer.Option(help="Length of a shift block in hours.")] = 4,
    by_day: Annotated[
        bool, typer.Option("--by-day", help="Plan each day of the week separately.")
    ] = False,
    max_units: Annotated[int, typer.Option(min=1, help="Most units in any block.")] = 50,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the optimized scenario (TOML).")
    ] = None,
    workers: Workers = None,
    dask: DaskAddress = None,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
) -> None:
    """Least-cost shifts for a team that meet service targets (Erlang C start, then simulation)."""
    from sim.executors import make_executor
    from sim.optimize import Blocks, apply_plan, check_inputs, optimize, parse_target, result_tables
    from sim.scenario import dumps

    with user_errors():
        base = load_scenario(scenario)
        scn = _settings(base, replications, seed, days, str(scenario))
        targets = [parse_target(t) for t in target]
        blocks = Blocks(block_hours, by_day)
        check_inputs(scn, team, targets)
        if out is not None:
            check_writable(out)
        with make_executor(workers, dask) as executor:
            try:
                result = optimize(
                    scn,
                    team,
                    targets,
                    executor,
                    blocks=blocks,
                    max_units=max_units,
                    log=lambda line: err_console.print(line, highlight=False),
                )
            except KeyboardInterrupt:
                typer.echo("interrupted — no plan written", err=True)
                raise typer.Exit(130) from None
        stdout_console().print(result_tables(result))
        if out is not None:
            head = (
                f"# Optimized by sim optimize for team '{team}': "
                + "; ".join(t.text for t in targets)
                + f"\n# from {scenario}, {scn.scenario.replications} replications, "
                f"seed {scn.scenario.seed}\n"
            )
            plan = apply_plan(base, team, blocks, result.best.units)  # the file's own settings
            write_text(out, head + dumps(plan))
            typer.echo(f"wrote {out}", err=True)


program_app = typer.Typer(no_args_is_help=True, help="Program templates applied to cities.")
app.add_typer(program_app, name="program")


@program_app.command("apply")
def program_apply(
    city: ScenarioPath,
    program: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="Program template TOML."),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Planned city TOML to write, or - for stdout.")
    ],
) -> None:
    """Write the city with the program applied, comments kept, ready for sweep and optimize."""
    from sim.program import planned_city_text

    with user_errors():
        if output != "-":
            check_writable(Path(output))
        warnings: list[str] = []
        text = planned_city_text(city, program, warn=warnings.append)
        write_text(output, text)
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        if output != "-":
            typer.echo(f"wrote {output}", err=True)


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
