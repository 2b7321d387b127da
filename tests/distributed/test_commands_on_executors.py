"""Every command that simulates gives identical numbers in this process, in worker processes
and on Dask: run, replay, compare, report, sweep (tests/distributed/test_executors.py),
optimize, backtest and sensitivity, each through the one replication pipeline.

The executors are started once for the module (a pool or cluster costs seconds to start).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.compare import compare
from sim.fit.replay import load_replay, replay_scenario
from sim.fit.synthetic import write_synthetic
from sim.optimize import Blocks, optimize, parse_target
from sim.pipeline import DaskExecutor, Executor, ProcessExecutor, SerialExecutor, run
from sim.program import load_program
from sim.report.html import REPORT_COLLECTORS, report_for_run
from sim.scenario import Scenario, load_scenario, with_overrides

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"


@pytest.fixture(scope="module")
def small() -> Scenario:
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    changes = {"scenario.days": 4, "scenario.warmup_days": 1, "scenario.replications": 3}
    return with_overrides(demo, changes)


@pytest.fixture(scope="module")
def executors() -> Iterator[dict[str, Executor]]:
    pool = ProcessExecutor(2)
    dask = DaskExecutor("local", workers=2, processes=False)
    yield {"processes": pool, "dask": dask}
    pool.close()
    dask.close()


def each(executors: dict[str, Executor]) -> list[tuple[str, Executor]]:
    return list(executors.items())


def test_run(small: Scenario, executors: dict[str, Executor]) -> None:
    serial = run(small, SerialExecutor())
    for name, executor in each(executors):
        other = run(small, executor)
        assert other.summary == serial.summary, name
        assert other.replications == serial.replications, name


def test_replay(small: Scenario, executors: dict[str, Executor], tmp_path: Path) -> None:
    files = write_synthetic(small, tmp_path, days=7, seed=3)
    history = load_replay(small, files.csv, files.mapping, files.taxonomy)
    scn = replay_scenario(small, history)
    for on_scene in (False, True):
        calls = history.source(on_scene)
        serial = run(scn, SerialExecutor(), calls=calls)
        assert serial.summary.calls_per_year > 0
        for name, executor in each(executors):
            assert run(scn, executor, calls=calls).summary == serial.summary, (name, on_scene)


def test_compare(small: Scenario, executors: dict[str, Executor]) -> None:
    program = load_program(PROGRAM)
    cities = [("a", small), ("b", with_overrides(small, {"teams.police.units": 12}))]
    serial = compare(cities, program, SerialExecutor()).model_dump_json()
    for name, executor in each(executors):
        assert compare(cities, program, executor).model_dump_json() == serial, name


def test_report_of_a_scenario(small: Scenario, executors: dict[str, Executor]) -> None:
    serial = report_for_run(small, run(small, SerialExecutor(), collect=REPORT_COLLECTORS))
    for name, executor in each(executors):
        result = run(small, executor, collect=REPORT_COLLECTORS)
        assert report_for_run(small, result) == serial, name


def test_optimize(small: Scenario, executors: dict[str, Executor]) -> None:
    targets = [parse_target("eligible.response_min.p90<=45@60%")]
    blocks = Blocks(8)

    def plan(executor: Executor) -> tuple[object, ...]:
        res = optimize(small, "community", targets, executor, blocks=blocks)
        return res.best, res.steps, sorted(res.evaluated.items())

    serial = plan(SerialExecutor())
    for name, executor in each(executors):
        assert plan(executor) == serial, name


def test_backtest(small: Scenario, executors: dict[str, Executor], tmp_path: Path) -> None:
    from sim.backtest import backtest

    files = write_synthetic(small, tmp_path, days=7, seed=5)
    args = (small, files.csv, files.mapping, files.taxonomy)
    serial = backtest(*args, replications=3, executor=SerialExecutor()).model_dump_json()
    assert '"simulated":' in serial
    for name, executor in each(executors):
        assert backtest(*args, replications=3, executor=executor).model_dump_json() == serial, name


def test_sensitivity(small: Scenario, executors: dict[str, Executor]) -> None:
    from sim.sensitivity import sensitivity

    serial = sensitivity(small, SerialExecutor()).model_dump_json()
    assert '"police_hours_freed"' in serial
    for name, executor in each(executors):
        assert sensitivity(small, executor).model_dump_json() == serial, name


def test_every_simulating_command_takes_workers_and_dask() -> None:
    """--workers and --dask on every command that simulates (not on fit or check)."""
    runner = CliRunner()
    for command in ("run", "compare", "report", "sweep", "optimize", "backtest", "sensitivity"):
        text = runner.invoke(app, [command, "--help"], terminal_width=200).stdout
        assert "--workers" in text and "--dask" in text, command


def test_the_command_line_gives_the_same_json_with_two_workers(tmp_path: Path) -> None:
    runner = CliRunner()
    demo = str(ROOT / "scenarios" / "demo.toml")
    args = ["run", demo, "--days", "4", "--replications", "3", "--json", "-"]
    one = runner.invoke(app, [*args, "--workers", "1"])
    two = runner.invoke(app, [*args, "--workers", "2"])
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert one.stdout == two.stdout
