"""Sweep throughput: serial, 2 local worker processes, and a 2-worker Dask LocalCluster.

The same sweep (demo scenario, community vans 1..V, R replications each) runs on each
executor in one session, and the benchmark checks that all three give identical results rows
before it reports anything. Two figures per executor:

* *steady*: replications per second once the workers are up (each worker has already run
  one replication, so imports and the spawn are excluded): what a long sweep sees. The
  executors take turns, K rounds, and the best round counts, so a burst of other work on a
  shared machine does not decide the ratio;
* *wall*: the whole sweep including starting the pool or cluster: what a short one sees.

Speed-ups are ratios to the serial run in the same session, so they travel between
machines better than seconds do. On a 2-core machine the target is at least 1.8x.

    .venv/bin/python -m benchmarks.sweep [--variants V] [--replications R] [--days D]
                                         [--repeats K]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from sim.pipeline import DaskExecutor, Executor, ProcessExecutor, SerialExecutor
from sim.scenario import load_scenario, with_overrides
from sim.sweep import Sweep, build_sweep, grid, run_sweep

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo.toml"


def make_sweep(variants: int, replications: int, days: float) -> Sweep:
    """The demo with 1..V community vans, each run R times over D days."""
    scn = with_overrides(
        load_scenario(DEMO), {"scenario.days": days, "scenario.replications": replications}
    )
    return build_sweep(
        scn, grid([("teams.community.shifts.0.units", list(range(1, variants + 1)))])
    )


def warm(executor: Executor, sweep: Sweep, workers: int) -> None:
    """One replication per worker, so the timed part excludes process start and imports."""
    arm = sweep.order()[0]
    list(executor.run([arm.work(r) for r in range(workers)]))


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of fn takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--replications", type=int, default=6)
    parser.add_argument("--days", type=float, default=182)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]  # other work on the machine shrinks any speed-up
    sweep = make_sweep(args.variants, args.replications, args.days)
    starts: list[tuple[str, Callable[[], Executor], int]] = [
        ("serial", SerialExecutor, 1),
        ("2 processes", lambda: ProcessExecutor(2), 2),
        ("Dask LocalCluster, 2 workers", lambda: DaskExecutor("local", workers=2), 2),
    ]
    wall: dict[str, float] = {}
    frames: dict[str, pd.DataFrame] = {}
    executors: dict[str, Executor] = {}
    for label, start, workers in starts:  # wall time: start-up included, cold

        def cold(start: Callable[[], Executor] = start) -> pd.DataFrame:
            with start() as executor:
                return pd.DataFrame([r.flat() for r in run_sweep(sweep, executor).rows])

        t0 = time.perf_counter()
        frames[label] = cold()
        wall[label] = time.perf_counter() - t0
        executors[label] = start()
        warm(executors[label], sweep, workers)
    for frame in frames.values():  # every executor gives the same numbers
        pd.testing.assert_frame_equal(frame, frames["serial"], check_exact=True)
    steady: dict[str, list[float]] = {label: [] for label, _, _ in starts}
    for _ in range(args.repeats):  # interleaved, so a burst of other load hits all alike
        for label, executor in executors.items():
            steady[label].append(timed(partial(run_sweep, sweep, executor)))
    for executor in executors.values():
        executor.close()
    n = sweep.replications * len(sweep.variants)
    best = {label: min(times) for label, times in steady.items()}
    for label in best:
        print(json.dumps({"executor": label, "replications": n, "wall_s": round(wall[label], 2),
                          "steady_s": [round(t, 2) for t in steady[label]]}))  # fmt: skip
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; sweep: {args.variants} variants × "
          f"{args.replications} replications × {args.days:g} days of the demo; "
          f"load average {load:.1f} before the run; steady = best of {args.repeats}")  # fmt: skip
    print("| executor | replications/s (steady) | speed-up (steady) | wall s | speed-up (wall) |")
    print("|---|---:|---:|---:|---:|")
    for label in best:
        print(
            f"| {label} | {n / best[label]:.2f} | {best['serial'] / best[label]:.2f}× | "
            f"{wall[label]:.2f} | {wall['serial'] / wall[label]:.2f}× |"
        )


if __name__ == "__main__":
    main()
