"""Start-up of the command line, measured as the whole process a user starts.

``sim --help`` and ``sim check scenarios/demo.toml`` against a bare ``python -c pass`` (the
interpreter alone, the least any Python command costs). Best of N, taking turns.

    .venv/bin/python -m benchmarks.startup [--repeats N]
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.process import SIM, interleaved, machine

TARGET_S = 0.5


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    commands = {
        "python -c pass (reference)": [sys.executable, "-c", "pass"],
        "sim --help": [SIM, "--help"],
        "sim check scenarios/demo.toml": [SIM, "check", "scenarios/demo.toml"],
    }
    best = interleaved(commands, args.repeats)
    ref = best["python -c pass (reference)"].seconds
    print(f"{machine()}; best of {args.repeats}\n")
    print("| command | seconds | × bare interpreter | peak RSS, MB | target |")
    print("|---|---:|---:|---:|---|")
    for name, m in best.items():
        target = "" if "reference" in name else ("met" if m.seconds <= TARGET_S else "NOT met")
        target = f"≤ {TARGET_S} s: {target}" if target else ""
        ratio = m.seconds / ref
        print(f"| `{name}` | {m.seconds:.2f} | {ratio:.1f} | {m.peak_mb:.0f} | {target} |")


if __name__ == "__main__":
    main()
