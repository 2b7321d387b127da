"""Every executor gives the same numbers: serial, local processes, Dask (threads and processes).

A replication is a pure function of (scenario, seed, index), so where it runs must not
matter. These tests compare whole results rows and JSON summaries for exact equality.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from sim.pipeline import DaskExecutor, ExecutorError, ProcessExecutor, SerialExecutor, Work
from sim.scenario import Scenario, dumps, load_scenario, with_overrides
from sim.sweep import SweepRow, build_sweep, grid, run_sweep

UNITS = "teams.community.shifts.0.units"


@pytest.fixture(scope="module")
def small(request: pytest.FixtureRequest) -> Scenario:
    demo = Path(request.config.rootpath) / "scenarios" / "demo.toml"
    changes = {"scenario.days": 3, "scenario.warmup_days": 1, "scenario.replications": 3}
    return with_overrides(load_scenario(demo), changes)


def _frame(rows: list[SweepRow]) -> pd.DataFrame:
    return pd.DataFrame([r.flat() for r in rows]).sort_values("variant").reset_index(drop=True)


def test_serial_processes_and_dask_give_identical_sweeps(small: Scenario, tmp_path: Path) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 2, 3])]))
    serial = run_sweep(sweep, SerialExecutor(), out=tmp_path / "serial.json")
    with ProcessExecutor(2) as pool:
        procs = run_sweep(sweep, pool, out=tmp_path / "procs.json")
    with DaskExecutor("local", workers=2, processes=False) as dask:
        threads = run_sweep(sweep, dask, out=tmp_path / "dask.json")
    expected = _frame(serial.rows)
    pd.testing.assert_frame_equal(_frame(procs.rows), expected, check_exact=True)
    pd.testing.assert_frame_equal(_frame(threads.rows), expected, check_exact=True)
    for name in ("serial", "procs", "dask"):
        assert (tmp_path / f"{name}.json").read_text().replace(name, "") == (
            tmp_path / "serial.json"
        ).read_text().replace("serial", "")


def test_a_multiprocess_local_cluster_matches_serial(small: Scenario) -> None:
    text = dumps(small)
    tasks = [Work("v", text, r) for r in range(3)]
    expected = [r.summary for r in SerialExecutor().run(tasks)]
    with DaskExecutor("local", workers=2, processes=True) as dask:
        got = sorted(dask.run(tasks), key=lambda r: r.replication)
    assert [r.summary for r in got] == expected


def test_an_unreachable_scheduler_fails_fast_with_one_line() -> None:
    start = time.monotonic()
    with pytest.raises(ExecutorError) as err:
        DaskExecutor("tcp://127.0.0.1:9")  # discard port: nothing listens
    assert time.monotonic() - start < 15
    line = err.value.line()
    assert "\n" not in line and "cannot reach the Dask scheduler" in line
    with pytest.raises(ExecutorError, match="not a Dask scheduler address"):
        DaskExecutor("myhost:8786")


def test_the_pool_yields_each_replication_once(small: Scenario) -> None:
    """This process runs replications too, and copies of the last ones a worker holds: each
    unit of work still gives exactly one outcome, equal to the serial one."""
    text = dumps(small)
    with ProcessExecutor(2) as pool:
        for n in (1, 2, 5):
            works = [Work("v", text, r) for r in range(n)]
            got = sorted(pool.run(works), key=lambda o: o.replication)
            assert [o.replication for o in got] == list(range(n))
            assert [o.summary for o in got] == [o.summary for o in SerialExecutor().run(works)]
