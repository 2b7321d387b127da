"""``sim run`` with 1 and 2 worker processes, as the whole process a user starts.

``sim run scenarios/demo.toml --workers 1`` against ``--workers 2`` (10 replications of the
demo's 28 days), and the same over a year (``--days 364``) and two years, taking turns, best
of N. The speed-up of the whole command is bounded by what cannot run in parallel: starting
Python and importing sim (about 0.4 s) and spawning the workers (each imports numpy,
pydantic and simpy), so the printout gives each run's share of simulation work too.

    .venv/bin/python -m benchmarks.parallel [--repeats N]
"""

from __future__ import annotations

import argparse

from benchmarks.process import SIM, interleaved, machine

TARGET = 1.8


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parallel", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{machine()}; best of {args.repeats}\n")
    print("| run | workers 1, s | workers 2, s | speed-up | start-up share of workers 1 | "
          "target |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---|")
    startup = interleaved({"check": [SIM, "run", "scenarios/demo.toml", "--days", "2.01",
                                     "--workers", "1"]}, args.repeats)["check"].seconds  # fmt: skip
    for label, extra in (("demo, 28 days", []), ("demo, 364 days", ["--days", "364"]),
                         ("demo, 728 days", ["--days", "728"])):  # fmt: skip
        cmd = [SIM, "run", "scenarios/demo.toml", *extra]
        best = interleaved(
            {"1": [*cmd, "--workers", "1"], "2": [*cmd, "--workers", "2"]}, args.repeats
        )
        one, two = best["1"].seconds, best["2"].seconds
        verdict = "met" if one / two >= TARGET else "NOT met"
        print(f"| {label} | {one:.2f} | {two:.2f} | {one / two:.2f}× | {startup / one:.0%} | "
              f"≥ {TARGET}×: {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
