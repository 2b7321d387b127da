"""Ingest and fit a large synthetic calls-for-service export: the ``sim fit`` speed target.

The export is written by the project's own generator (:mod:`sim.fit.synthetic`) from
``scenarios/demo.toml`` over enough days for the requested number of rows (5% of them
officer-initiated traffic stops that cleaning must drop), as a CSV with five timestamp
columns. The timed part is what ``sim fit`` does: read and parse the CSV, clean it,
categorize it, fit arrivals and durations, and render the scenario. Each stage is timed on
its own; the target is under 15 s for 1,000,000 rows on a 2-core machine.

    .venv/bin/python -m benchmarks.fit [--rows N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from sim.data import CleanConfig, categorize, clean_calls, load_taxonomy, read_calls
from sim.fit.build import FitOptions, Prepared, fit_prepared
from sim.fit.synthetic import write_synthetic
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15.0
OFFICER_INITIATED = 0.05


def bench(rows: int, folder: Path) -> dict[str, float | int | str]:
    """Write the export, then time each stage of the fit; returns the figures."""
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    per_day = sum(ct.calls_per_day for ct in demo.call_types.values()) / (1 - OFFICER_INITIATED)
    days = round(rows / per_day)
    t0 = time.perf_counter()
    files = write_synthetic(demo, folder, days=days, seed=1,
                            officer_initiated_share=OFFICER_INITIATED)  # fmt: skip
    generate = time.perf_counter() - t0
    times: dict[str, float] = {}
    t = time.perf_counter()
    ingest = read_calls(files.csv, files.mapping)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    cleaned = clean_calls(ingest, CleanConfig())
    times["clean"] = time.perf_counter() - t
    t = time.perf_counter()
    taxonomy = load_taxonomy(files.taxonomy)
    table, unmapped = categorize(cleaned.table, taxonomy)
    times["categorize"] = time.perf_counter() - t
    t = time.perf_counter()
    prepared = Prepared(table, ingest.travel_from, ingest.received_is_proxy, ingest.provenance,
                        cleaned.report, unmapped, taxonomy)  # fmt: skip
    result = fit_prepared(prepared, FitOptions(name="benchmark"))
    times["fit"] = time.perf_counter() - t
    total = sum(times.values())
    return {
        "rows": files.rows,
        "calls_used": result.report.calls_used,
        "csv_mb": round(files.csv.stat().st_size / 1e6, 1),
        "generate_s": round(generate, 2),
        **{f"{k}_s": round(v, 2) for k, v in times.items()},
        "total_s": round(total, 2),
        "target_s": TARGET_S,
        "cpus": os.cpu_count() or 0,
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the export here instead of a temp dir")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = bench(args.rows, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = bench(args.rows, Path(tmp))
    print(json.dumps(figures, indent=2))
    verdict = "within" if figures["total_s"] < TARGET_S else "OVER"
    print(f"ingest + fit of {figures['rows']:,} rows: {figures['total_s']} s ({verdict} the "
          f"{TARGET_S:g} s target)")  # fmt: skip


if __name__ == "__main__":
    main()
