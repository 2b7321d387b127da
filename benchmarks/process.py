"""Timing whole commands as a user runs them: wall-clock seconds and peak memory of the process.

Each command runs in a fresh process (``.venv/bin/sim …``), so start-up, imports and output are
all counted. Peak memory is the child's own ``ru_maxrss`` from ``wait4``; Linux carries a
parent's figure into a child across fork and exec, so call :func:`run_command` while the
benchmark process itself is still small (before it draws or simulates anything) —
:func:`own_rss_mb` says how small it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = str(Path(sys.executable).with_name("sim"))


@dataclass(frozen=True)
class Measured:
    """One run of a command: seconds from start to exit, and its peak resident set."""

    seconds: float
    peak_mb: float


def own_rss_mb() -> float:
    """This process's resident set now, MB (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_command(argv: Sequence[str]) -> Measured:
    """Run ``argv`` to completion (output discarded); fail loudly if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=ROOT)  # fmt: skip
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return Measured(seconds, usage.ru_maxrss / 1024)


def best_of(argv: Sequence[str], repeats: int) -> Measured:
    """The fastest of ``repeats`` runs (other work on a shared machine only slows runs down),
    with the largest peak memory seen."""
    runs = [run_command(argv) for _ in range(repeats)]
    return Measured(min(r.seconds for r in runs), max(r.peak_mb for r in runs))


def interleaved(commands: dict[str, Sequence[str]], repeats: int) -> dict[str, Measured]:
    """Best of ``repeats`` for each command, taking turns so a burst of load hits all alike."""
    runs: dict[str, list[Measured]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            runs[name].append(run_command(argv))
    return {
        name: Measured(min(r.seconds for r in rs), max(r.peak_mb for r in rs))
        for name, rs in runs.items()
    }


def machine() -> str:
    """One line about where the figures were taken."""
    import platform

    load = os.getloadavg()[0]
    return (
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {load:.1f} at the start"
    )


__all__ = ["SIM", "Measured", "best_of", "interleaved", "machine", "own_rss_mb", "run_command"]
