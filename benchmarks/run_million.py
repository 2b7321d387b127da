"""``sim run`` end to end on the 1,000,000-call M/M/10 reference scenario of benchmarks/engine.py.

Measured as the whole process a user starts (``sim run mm10.toml``): its peak resident set,
and its time for drawing, simulating and summarizing the calls, against the minimal heapq
event loop of :mod:`benchmarks.engine` on the same draws in this process. The time of the
work is the run's time less that of the same command on a 15-minute horizon (a handful of
calls: start-up, imports, loading the scenario and printing the tables), so the ratio
compares the same work in both.

    .venv/bin/python -m benchmarks.run_million [--calls N] [--repeats R]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.process import SIM, interleaved, machine, own_rss_mb

TARGET_RATIO = 3.5
TARGET_PEAK_MB = 300.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_million", description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from benchmarks.engine import reference_scenario
    from sim.scenario import dumps  # light: the heavy part (the draw) comes after the runs

    scn = reference_scenario(args.calls)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mm10.toml"
        path.write_text(dumps(scn))
        before = own_rss_mb()  # a child inherits this figure: it must be small
        runs = interleaved(
            {"run": [SIM, "run", str(path)], "start-up": [SIM, "run", str(path), "--days",
                                                          "0.01"]},
            args.repeats,
        )  # fmt: skip
    from benchmarks.engine import heapq_loop
    from sim.model.calls import draw_calls

    calls = draw_calls(scn, 0)
    ready, service = calls.ready.tolist(), calls.on_scene[:, 0].tolist()
    loops = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        heapq_loop(ready, service, 10, scn.horizon_min())
        loops.append(time.perf_counter() - t0)
    heapq_s = min(loops)
    work = runs["run"].seconds - runs["start-up"].seconds
    ratio = work / heapq_s
    peak = runs["run"].peak_mb
    print(f"{machine()}; {len(calls):,} calls; best of {args.repeats}; this process held "
          f"{before:.0f} MB when it started the runs\n")  # fmt: skip
    print("| measure | value | target |")
    print("|---|---:|---|")
    print(f"| `sim run`, whole process, s | {runs['run'].seconds:.2f} | |")
    print(f"| same command, 15-minute horizon (start-up), s | {runs['start-up'].seconds:.2f} | |")
    print(f"| draw + simulate + summarize, s | {work:.2f} | |")
    print(f"| heapq loop, same draws, s | {heapq_s:.2f} | |")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"| **× heapq loop** | **{ratio:.2f}** | ≤ {TARGET_RATIO}: {verdict} |")
    verdict = "met" if peak <= TARGET_PEAK_MB else "NOT met"
    print(f"| **peak RSS of `sim run`, MB** | **{peak:.0f}** | ≤ {TARGET_PEAK_MB:.0f}: {verdict} |")


if __name__ == "__main__":
    main()
