"""``sim optimize``: least-cost staffable shifts for one team that meet service targets."""

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
    check_outputs,
    policy,
    progress_bar,
    stdout_console,
    user_errors,
)


def optimize(
    scenario: ScenarioPath,
    team: Annotated[str, typer.Option(metavar="TEAM", help="The team whose shifts are planned.")],
    target: Annotated[
        list[str],
        typer.Option(
            metavar="'MEASURE<=VALUE[@SHARE]'",
            help="MEASURE<=VALUE, optionally @SHARE, e.g. 'eligible.response_min.p90<=20@95%' "
            "(in 95% of replications) or 'teams.police.utilization<=0.6' (on average).",
        ),
    ],
    block_hours: Annotated[
        int,
        typer.Option(
            callback=policy("BLOCK_HOURS"),
            metavar="HOURS",
            help="Shifts start on these boundaries, in hours (a divisor of 24).",
        ),
    ] = 4,
    min_shift_hours: Annotated[
        int | None,
        typer.Option(
            callback=policy("SHIFT_HOURS"),
            metavar="HOURS",
            help="Shortest shift a crew works, in hours [default: 8, in whole blocks].",
        ),
    ] = None,
    max_shift_hours: Annotated[
        int | None,
        typer.Option(
            callback=policy("SHIFT_HOURS"),
            metavar="HOURS",
            help="Longest shift a crew works, in hours [default: 12, in whole blocks].",
        ),
    ] = None,
    by_day: Annotated[
        bool, typer.Option("--by-day", help="Plan each day of the week separately.")
    ] = False,
    max_units: Annotated[
        int,
        typer.Option(
            callback=policy("UNITS", low=1), metavar="N", help="Most units on duty at once."
        ),
    ] = 50,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Plan until every target's 95% interval clears it (not only its estimate).",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="PLANNED.toml",
            help="Write the scenario with the plan (comments kept).",
        ),
    ] = None,
    workers: Workers = None,
    dask: DaskAddress = None,
    replications: Replications = None,
    seed: Seed = None,
    days: Days = None,
) -> None:
    """Least-cost shifts for a team that meet service targets (Erlang C start, then simulation)."""
    from sim import api
    from sim.optimize import (
        Blocks,
        ShiftRules,
        apply_shifts,
        check_inputs,
        parse_target,
        result_tables,
    )
    from sim.output import write_text
    from sim.tomledit import edit_scenario_file

    with user_errors():
        base = api.load(scenario)
        scn = api.with_settings(scenario, replications, seed, days)
        targets = [parse_target(t) for t in target]
        rules = ShiftRules.default(Blocks(block_hours, by_day), min_shift_hours, max_shift_hours)
        check_inputs(scn, team, targets)
        check_outputs(out)
        try:
            with progress_bar("replications of the plans tried") as bar:
                result = api.optimize(
                    scn, team, targets, blocks=rules.blocks, min_shift_hours=min_shift_hours,
                    max_shift_hours=max_shift_hours, max_units=max_units, strict=strict,
                    workers=workers, dask=dask, log=bar.say, progress=bar,
                )  # fmt: skip
        except KeyboardInterrupt:
            typer.echo("interrupted — no plan written", err=True)
            raise typer.Exit(130) from None
        stdout_console().print(result_tables(result))
        if out is not None:
            header = [
                f"# Optimized by `sim optimize` for team '{team}': "
                + "; ".join(t.text for t in targets),
                f"# from {scenario}, {scn.scenario.replications} replications, seed "
                f"{scn.scenario.seed}; shifts of {rules.min_hours}–{rules.max_hours} hours: "
                f"{result.shifts}.",
                "# The rest is the source file as it was, comments included.",
            ]
            plan = apply_shifts(base, team, rules, result.crews)  # the file's own settings
            write_text(out, edit_scenario_file(scenario, plan, header=header))
            typer.echo(f"wrote {out}", err=True)


__all__ = ["optimize"]
