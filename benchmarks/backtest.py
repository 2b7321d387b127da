"""Backtest a fitted city against a large export: the ``sim backtest`` speed target.

A synthetic export is simulated from ``scenarios/demo.toml`` made police-only (every call
answered by one police unit, the community team's units added to the police: an export
shows one unit per call, so that is the city a fit can give back) over enough days for the
requested number of rows (:mod:`sim.fit.synthetic`), and fitted; neither is timed. The timed
part is what ``sim backtest`` does: read, clean and categorize the export, compute the
recorded measures, simulate the fitted city over the export's window ``--replications``
times and compare. The reference, timed in the same process, is the same number of bare
replications of the same scenario over the same days (``sim.experiment.run_replication``),
so the ratio says what the backtest adds to the simulation it cannot avoid. The target is
1,000,000 rows and 10 replications in under 60 s on a 2-core machine.

    .venv/bin/python -m benchmarks.backtest [--rows N] [--replications R]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import tempfile
import time
from pathlib import Path

from sim.backtest import backtest
from sim.experiment import run_replication
from sim.fit.build import FitOptions, fit_calls
from sim.fit.synthetic import write_synthetic
from sim.scenario import Scenario, from_dict, load_scenario, to_dict, with_overrides

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 60.0
MAX_DAYS = 3_000  # of an export's window, below the ten-year limit with room for warm-up


def police_only(scn: Scenario, scale: int = 1) -> Scenario:
    """The demo city with one police unit per call and no program (see the docstring),
    ``scale`` times as large (calls and units alike, so each unit is as busy)."""
    data = to_dict(scn)
    units = scale * sum(team.max_units() for team in scn.teams.values())
    data["teams"] = {"police": {**data["teams"]["police"], "units": units}}
    for ct in data["call_types"].values():
        ct["calls_per_day"] *= scale
        ct["response"] = [{"team": "police"}]
        ct["on_scene_min"] = {"police": ct["on_scene_min"]["police"]}
        ct.pop("backup", None)
        ct.pop("community_eligible", None)
    return from_dict(data, source="police-only demo")


def bench(rows: int, replications: int, folder: Path) -> dict[str, float | int | str | None]:
    """Write and fit the export (untimed), then time the backtest and the reference."""
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    # A city large enough that the export's window stays within the ten years a run may
    # simulate (sim/numbers.py): the demo alone needs 3,786 days for a million rows.
    per_day = sum(ct.calls_per_day for ct in demo.call_types.values())
    scale = max(1, math.ceil(rows / (per_day * MAX_DAYS)))
    demo = police_only(demo, scale)
    days = round(rows / (scale * per_day))
    files = write_synthetic(demo, folder, days=days, seed=1)
    options = FitOptions(name="benchmark", replications=replications)
    fitted = fit_calls(files.csv, files.mapping, taxonomy=files.taxonomy, options=options)
    scn = fitted.scenario
    t = time.perf_counter()
    result = backtest(scn, files.csv, files.mapping, files.taxonomy)
    total = time.perf_counter() - t
    run = with_overrides(scn, {"scenario.days": days + 8, "scenario.warmup_days": 1})
    t = time.perf_counter()
    for r in range(replications):
        run_replication(run, r)
    reference = time.perf_counter() - t
    response = result.row("response", "p90")
    return {
        "rows": files.rows,
        "days": days,
        "city_scale": scale,
        "replications": replications,
        "csv_mb": round(files.csv.stat().st_size / 1e6, 1),
        "backtest_s": round(total, 2),
        "bare_replications_s": round(reference, 2),
        "ratio": round(total / reference, 2),
        "target_s": TARGET_S,
        "response_p90_rel_diff": None if response is None else response.rel_diff,
        "cpus": os.cpu_count() or 0,
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--replications", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = bench(args.rows, args.replications, Path(tmp))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
