"""``sim optimize``: least-cost shifts for one team that meet service targets."""

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
    err_console,
    policy,
    stdout_console,
    user_errors,
)


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
    block_hours: Annotated[
        int, typer.Option(callback=policy("BLOCK_HOURS"), help="Length of a shift block in hours.")
    ] = 4,
    by_day: Annotated[
        bool, typer.Option("--by-day", help="Plan each day of the week separately.")
    ] = False,
    max_units: Annotated[
        int, typer.Option(callback=policy("UNITS", low=1), help="Most units in any block.")
    ] = 50,
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
    from sim import api
    from sim.optimize import Blocks, apply_plan, check_inputs, parse_target, result_tables
    from sim.output import write_text
    from sim.scenario import dumps

    with user_errors():
        base = api.load(scenario)
        scn = api.with_settings(scenario, replications, seed, days)
        targets = [parse_target(t) for t in target]
        blocks = Blocks(block_hours, by_day)
        check_inputs(scn, team, targets)
        check_outputs(out)
        log = err_console()
        try:
            result = api.optimize(
                scn, team, targets, blocks=blocks, max_units=max_units, workers=workers,
                dask=dask, log=lambda line: log.print(line, highlight=False),
            )  # fmt: skip
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


__all__ = ["optimize"]
