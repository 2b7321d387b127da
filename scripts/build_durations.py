"""Regenerate sim's default durations library, ``sim/data/durations.toml`` (a build script).

Run ``.venv/bin/python scripts/build_durations.py [DATA_DIR]``; it lives outside the ``sim``
package, which never imports it. The library holds derived figures only (means, spreads,
distribution specs), each with its source, never a row of any export:

* police times by planning category from the Detroit 2019 per-call-type aggregates of Langton,
  Ruiter & Verlaan (2022) (``DATA_DIR/detroit_langton_aggregates``): time on scene per
  category, officer-initiated (their "proactive" demand type) and the all-calls mean, and
  travel as total deployed time less time on scene;
* community-responder times (travel, time on scene) from the Lane County mobile crisis team,
  as fitted in ``scenarios/fitted/lane_county_mcslc_times.toml``;
* officer-initiated activity per call from the public, for exports that hold none, from the
  three cities of the Vera Institute / Two Sigma Data Clinic crosswalk that flag it
  (``DATA_DIR/crosswalk_vera_tsdataclinic/self_initiated_counts_by_city.csv``).

``sim fit`` uses the library when an export has no times at all for a duration (and the
officer-activity default when it has no officer-initiated work), and names it in the fitted
file's comments; ``--durations-from`` replaces it with a city's own figures.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sim.data import load_taxonomy
from sim.data.categorize import classify
from sim.fit.render import value
from sim.output import write_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cfs"
OUT = ROOT / "sim" / "data" / "durations.toml"
LANE = ROOT / "scenarios" / "fitted" / "lane_county_mcslc_times.toml"
DETROIT = "detroit_langton_aggregates"
VERA = "crosswalk_vera_tsdataclinic"
DETROIT_CITATION = (
    "Langton, Ruiter & Verlaan (2022), 'Describing the scale and composition of calls for "
    "police service', Police Practice and Research, doi:10.1080/15614263.2022.2102494; "
    "Detroit 2019 911 calls, github.com/langtonhugh/demand_detroit results/*.csv"
)
LANE_CITATION = (
    "Mobile Crisis Services of Lane County (Eugene/Springfield, OR) dispatch export, "
    "github.com/AchieveMars88/CAHOOTS-MCSLSC-EPD-SPD-Emergency-Response-Data-Analysis, fitted "
    "in scenarios/fitted/lane_county_mcslc_times.toml"
)
VERA_CITATION = (
    "Vera Institute of Justice / Two Sigma Data Clinic 911 crosswalk, "
    "github.com/tsdataclinic/Vera data/interim/CallTypes_TS.xlsx (self-initiated counts)"
)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def detroit(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any], list[str]]:
    """Per-category lognormal (mean, cv) times on scene, travel, and the lines citing them.

    ``prop_breakdown_tos.csv`` gives each call type's count and share of all time on scene;
    table 2 each demand type's mean and SD, so the total minutes on scene are
    Σ mean × count ÷ share over the demand types. A call type's mean is share × total ÷ count;
    a category's is the count-weighted mean of its call types (classified with sim's
    taxonomy), its cv the count-weighted cv (SD/mean) of their demand types. Officer-initiated
    work is the "proactive" demand type. Travel: total deployed time
    (``prop_breakdown_total_time.csv``) less time on scene, per call, over all call types.
    """
    tax = load_taxonomy()
    stats = {r["Demand type"]: (float(r["Mean"]), float(r["SD"]))
             for r in _rows(folder / "table2_des_stats_tos.csv")}  # fmt: skip
    table1 = list(_rows(folder / "table1_des_stats_tos.csv"))
    shares = {r["Demand type"]: float(r["Time on scene (%)"]) / 100 for r in table1}
    counts = {r["Demand type"]: float(r["Count"]) for r in table1}
    total = float(np.mean([stats[d][0] * counts[d] / shares[d] for d in stats if d in shares]))
    by_cat: dict[str, list[tuple[float, float, float]]] = {}
    tos_sum = calls = 0.0
    for r in _rows(folder / "prop_breakdown_tos.csv"):
        n = float(r["freq"])
        mean = float(r["prop_time"]) / 100 * total / n
        mean_d, sd_d = stats.get(r["type"], (np.nan, np.nan))
        cv = sd_d / mean_d if np.isfinite(mean_d) else np.nan
        by_cat.setdefault(classify(r["calldescription2"], tax).category, []).append((n, mean, cv))
        tos_sum += mean * n
        calls += n
    deployed = sum(float(r["sum_time"]) for r in _rows(folder / "prop_breakdown_total_time.csv"))
    known = [(n, cv) for items in by_cat.values() for n, _, cv in items if np.isfinite(cv)]
    default_cv = sum(n * cv for n, cv in known) / sum(n for n, _ in known)
    on_scene: dict[str, dict[str, Any]] = {}
    lines = []
    for cat, items in by_cat.items():
        n = sum(i[0] for i in items)
        mean = sum(i[0] * i[1] for i in items) / n
        own = [(i[0], i[2]) for i in items if np.isfinite(i[2])]
        cv = sum(a * b for a, b in own) / sum(a for a, _ in own) if own else default_cv
        on_scene[cat] = {"dist": "lognormal", "mean": round(mean, 1), "cv": round(cv, 2)}
        lines.append(f"{cat}: mean {mean:.1f} min, cv {cv:.2f} ({int(n):,} Detroit calls)")
    pro_mean, pro_sd = stats["proactive"]
    on_scene["officer_initiated"] = {"dist": "lognormal", "mean": pro_mean,
                                     "cv": round(pro_sd / pro_mean, 2)}  # fmt: skip
    lines.append(f"officer_initiated: mean {pro_mean:.1f}, SD {pro_sd:.1f} (the 'proactive' "
                 "demand type, table 2)")  # fmt: skip
    overall = tos_sum / calls
    on_scene["default"] = {"dist": "lognormal", "mean": round(overall, 1),
                           "cv": round(default_cv, 2)}  # fmt: skip
    lines.append(f"default (any other category): the all-calls mean {overall:.1f}, cv "
                 f"{default_cv:.2f}")  # fmt: skip
    travel_mean = max(deployed / calls - overall, 1.0)
    travel = {"dist": "lognormal", "mean": round(travel_mean, 1), "cv": 1.0}
    lines.append(f"travel: total deployed minus on scene = {travel_mean:.1f} min per call "
                 "(mean); cv 1.0 is an assumption (the aggregates give no spread)")  # fmt: skip
    return on_scene, travel, lines


def officer_activity(folder: Path) -> tuple[float, list[str]]:
    """Officer-initiated activities per call from the public: the median over the cities
    whose data flag them (each city's self-initiated count ÷ its other calls)."""
    counts: dict[str, dict[bool, float]] = {}
    for r in _rows(folder / "self_initiated_counts_by_city.csv"):
        if r["Count"]:
            city = counts.setdefault(r["City"].strip(), {True: 0.0, False: 0.0})
            city[r["Self initiated"] == "Yes"] += float(r["Count"])
    ratios = {c: v[True] / v[False] for c, v in counts.items() if v[False] > 0}
    median = statistics.median(ratios.values())
    parts = ", ".join(f"{c} {r:.2f}" for c, r in sorted(ratios.items()))
    return round(median, 2), [f"per call from the public: median of {parts}"]


def build(data: Path) -> str:
    """The library's TOML text."""
    on_scene, travel, detroit_lines = detroit(data / DETROIT)
    lane = tomllib.loads(LANE.read_text(encoding="utf-8"))["times"]
    ratio, vera_lines = officer_activity(data / VERA)
    lines = [
        "# sim's default durations for exports with call times only — DERIVED FIGURES, written",
        "# by `python scripts/build_durations.py` from public aggregates; do not edit by hand.",
        "# `sim fit` uses a role's times only where an export has none for that duration, and",
        "# names them in the fitted file; `sim fit --durations-from CITY.toml` uses a city's own.",
        "",
        "[sources.detroit]",
        f"citation = {value(DETROIT_CITATION)}",
        *[f"# {line}" for line in detroit_lines],
        "",
        "[sources.lane_county]",
        f"citation = {value(LANE_CITATION)}",
        "",
        "[sources.vera]",
        f"citation = {value(VERA_CITATION)}",
        *[f"# {line}" for line in vera_lines],
        "",
        "# Police (and any role without a section of its own): Detroit 2019.",
        "[roles.police]",
        'source = "detroit"',
        f"travel_min = {value(travel)}",
        "[roles.police.on_scene_min]",
        *[f"{cat} = {value(spec)}" for cat, spec in on_scene.items()],
        "",
        "# Community responders (role community or clinician): the Lane County crisis team.",
        "# Its request → dispatch time is left out: it holds the wait for a free van, which the",
        "# simulation adds itself.",
        "[roles.community]",
        'source = "lane_county"',
        f"travel_min = {value(lane['travel_min'])}",
        "[roles.community.on_scene_min]",
        f"default = {value(lane['on_scene_min'])}",
        "",
        "# Officer-initiated work for an export that holds none (traffic stops, checks …): an",
        "# ASSUMPTION the city should replace with its own count. Time on scene: Detroit's",
        "# 'proactive' demand type (roles.police.on_scene_min.officer_initiated).",
        "[officer_activity]",
        'source = "vera"',
        f"per_public_call = {ratio}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write sim/data/durations.toml; 2 when the data folder is missing."""
    args = sys.argv[1:] if argv is None else argv
    data = Path(args[0]) if args else DEFAULT_DATA
    if not (data / DETROIT).is_dir():
        print(f"error: {data / DETROIT}: not found — pass the cfs folder", file=sys.stderr)
        return 2
    write_text(OUT, build(data))
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
