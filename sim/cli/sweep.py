"""``sim sweep``: variants of a scenario with common random numbers, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DaskAddress,
    Days,
    Replications,
    ScenarioPath,
    Seed,
    Workers,
    progress_bar,
    stdout_console,
    user_errors,
)


def sweep(
    scenario: ScenarioPath,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            metavar="PATH=VALUES",
            help="PATH=VALUES, e.g. teams.community.shifts.0.units=1..6, =1,2,4 or "
            "=0.5..2.0:0.5; several make a grid.",
        ),
    ] = None,
    sweep_file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            metavar="SWEEP.toml",
            exists=True,
            dir_okay=False,
            help="Sweep file (TOML): a grid, or a list of named variants.",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="VARIANT", help="Variant the others are compared with (default: first)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="RESULTS",
            help="Results: .csv or .parquet (plus .json beside), or .json.",
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
        typer.Option(
            metavar="MEASURE", help="Service measure for the Pareto front, e.g. response_min.p90."
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            metavar="PLOT.png",
            help="Write the Pareto front as a PNG (against --frontier, by default response "
            "to community-eligible calls, else to all calls).",
        ),
    ] = None,
) -> None:
    """Run variants of a scenario (a grid or a sweep file) with common random numbers."""
    from sim import api
    from sim.frontier import (
        check_plot_path,
        default_frontier_measure,
        frontier_measure,
        frontier_table,
        plot_frontier,
    )
    from sim.measures import lookup
    from sim.sweep import (
        NothingToDo,
        SweepError,
        default_measures,
        grid,
        journal_path,
        json_path,
        parse_vary,
        sweep_notes,
        sweep_table,
    )

    with user_errors():
        scn = api.with_settings(scenario, replications, seed, days)
        if vary and sweep_file:
            raise SweepError("give --vary or --file, not both", hint="put every axis in one")
        if not vary and sweep_file is None:
            raise SweepError(
                "nothing to vary",
                hint="add --vary PATH=VALUES (e.g. teams.community.shifts.0.units=1..6) "
                "or --file SWEEP.toml",
            )
        axes = sweep_file or grid([parse_vary(v) for v in vary or []])
        if frontier is not None:
            lookup(scn, frontier, where="--frontier")
        elif plot is not None:
            frontier = default_frontier_measure(default_measures(scn))
        front = frontier_measure(frontier) if frontier is not None else None
        if plot is not None:  # the results file is checked by run_sweep, before any work
            check_plot_path(plot)
        done = [0, 0]

        def advance(n: int, total: int) -> None:
            done[:] = [n, total]
            update(n, total)

        try:
            with progress_bar("replications") as update:
                result = api.sweep(
                    scn, axes, baseline=baseline, measures=[frontier] if frontier else [],
                    independent=independent, workers=workers, dask=dask, out=out,
                    resume=resume, progress=advance,
                )  # fmt: skip
        except NothingToDo as err:
            typer.echo(err.line(), err=True)
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            saved = (
                f"{done[0]} of {done[1]} replications are saved in {journal_path(out)}; "
                "run the same command with --resume to finish the rest"
                if out is not None
                else "nothing was saved (give -o PATH to keep results and resume)"
            )
            typer.echo(f"interrupted — {saved}", err=True)
            raise typer.Exit(130) from None
        console = stdout_console()
        console.print(sweep_table(result, [frontier] if frontier else []))
        for line in sweep_notes(result, [frontier] if frontier else []):
            console.print(line, highlight=False)
        if front is not None:
            console.print(frontier_table(result.rows, front, result.sweep.crn))
        if plot is not None and front is not None:
            plot_frontier(result.rows, front, plot, title=scn.scenario.name,
                          common_numbers=result.sweep.crn)  # fmt: skip
        if out is not None:
            total = result.sweep.replications * len(result.sweep.variants)
            more = "" if out.suffix.lower() == ".json" else f" and {json_path(out)}"
            typer.echo(
                f"wrote {out}{more} ({result.ran} replications run, "
                f"{total - result.ran} from the journal)",
                err=True,
            )


__all__ = ["sweep"]
