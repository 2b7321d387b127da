"""``sim run`` and ``sim check``."""

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
    WarmupDays,
    Workers,
    check_outputs,
    progress_bar,
    stdout_console,
    user_errors,
)
from sim.errors import SimError

ReplayPath = Annotated[
    Path | None,
    typer.Option(
        metavar="CALLS.csv",
        exists=True,
        dir_okay=False,
        help="Replay the calls of this CFS export.",
    ),
]


def run(
    scenario: ScenarioPath,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
    warmup_days: WarmupDays = None,
    json_out: JsonOut = None,
    events: Annotated[
        Path | None,
        typer.Option(
            metavar="EVENTS.csv|.parquet",
            help="Write every call's record to PATH (.csv or .parquet).",
        ),
    ] = None,
    replay: ReplayPath = None,
    replay_on_scene: Annotated[
        bool, typer.Option(help="With --replay: use the export's recorded on-scene times.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            metavar="MAPPING.toml",
            exists=True,
            dir_okay=False,
            help="Column mapping TOML for --replay.",
        ),
    ] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(
            metavar="TAXONOMY.toml",
            exists=True,
            dir_okay=False,
            help="Call-type taxonomy TOML for --replay.",
        ),
    ] = None,
    workers: Workers = None,
    dask: DaskAddress = None,
) -> None:
    """Simulate a scenario: response, wait, utilization and cost over its replications."""
    from sim import api

    with user_errors():
        scn = api.with_settings(scenario, replications, seed, days, warmup_days)
        check_outputs(events, json_out)
        if events is not None:
            from sim.records import check_events_path

            check_events_path(events)
        if replay_on_scene and replay is None:
            raise SimError("--replay-on-scene needs --replay CALLS.csv", hint="add --replay")
        keep = events is not None
        with progress_bar("replications") as progress:
            if replay is not None:
                from sim.fit.replay import load_replay

                history = load_replay(scn, replay, mapping, taxonomy)
                typer.echo(history.note(), err=True)
                if replay_on_scene:
                    typer.echo(f"note: {history.on_scene_note()}", err=True)
                result = api.replay(
                    scn, history, on_scene=replay_on_scene, workers=workers, dask=dask,
                    records=keep, progress=progress,
                )  # fmt: skip
            else:
                result = api.run(scn, workers=workers, dask=dask, records=keep, progress=progress)
        from sim.output import write_files
        from sim.records import events_writer

        write_files(
            ([(events, events_writer(result.replication_records, events,
                                     scn.scenario.start_date))] if events else [])
            + ([(json_out, result.summary.model_dump_json(indent=2))] if json_out else [])
        )  # fmt: skip
        if json_out != "-":
            from sim.report.tables import render_summary

            render_summary(result.summary, stdout_console(), scn)


def check(scenario: ScenarioPath) -> None:
    """Validate a scenario without running it, and show the load each team faces."""
    from sim.scenario import load_scenario, offered_load

    with user_errors():
        scn = load_scenario(scenario)
        load = offered_load(scn)
        typer.echo(f"ok: {scenario} — {len(scn.teams)} teams, {len(scn.call_types)} call types")
        for name, team in scn.teams.items():
            typer.echo(
                f"  {name}: {load[name]:.2f} busy units on average if every call took its "
                f"first option (up to {team.max_units()} on duty)"
            )


__all__ = ["check", "run"]
