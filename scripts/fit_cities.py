"""Regenerate the shipped city scenarios from the real extracts (a build script).

Run ``.venv/bin/python scripts/fit_cities.py [DATA_DIR [OUT_DIR]]``; it lives outside the
``sim`` package, which never imports it.

Reads ``../shared/data/cfs`` (or the folder given as the first argument), fits each city
with :func:`sim.fit.build.fit_calls`, and writes ``scenarios/cities/*.toml`` and
``scenarios/fitted/lane_county_mcslc_times.toml``. The shipped files are this script's
output, so every figure in them can be re-derived. Only aggregates are written.

Cities and what their data allows:

* Milwaukee (May 2018, call time only): arrivals and mix fitted; times on scene per category
  from sim's durations library (``sim/data/durations.toml``: the Detroit 2019 per-call-type
  aggregates of Langton, Ruiter & Verlaan 2022, built by ``scripts/build_durations.py``), which
  ``sim fit`` uses by default for an export without times.
* San Francisco Fire Department (April 2020, full timestamp chain): everything fitted.
* Berkeley (July–November 2014 daily logs, call time and code): arrivals and mix fitted
  with the department's code list; times from the durations library as for Milwaukee.
* New Orleans (2022, RTCC-requested subset): durations are fine, the mix is not (the rows
  were selected because officers requested camera footage); the file says so.
* Milwaukee 2023 (Feb–May, creation time only; officer-initiated and administrative work
  included but not flagged, recognised by call type and kept as call types of their own):
  arrivals fitted, times from the durations library.
* Phoenix 2019 (one week, received time only, citizen-generated dispatched calls only):
  arrivals fitted from one observation per hour of the week, times from the durations
  library; no officer-initiated work in the export, so the library's assumed amount is added
  (marked as an assumption in the file).
* Lane County crisis team (MCSLC dispatch records, full chain): the community responders'
  own city, every figure fitted — the one shipped police-free backtest.
* Seattle is not shipped: its extract is one day with no call-received time, which cannot
  give arrival rates (``sim fit`` refuses it with that reason).

Officer-initiated and administrative activity is kept as its own call types (issue 9), and
units on duty come from the export's concurrency where it has dispatch and clear times.
``.venv/bin/python scripts/fit_cities.py --backtest`` prints each city's backtest table for
docs/VALIDATION.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sim.data import CleanConfig, clean_calls, intervals, read_calls
from sim.fit.build import FitOptions, fit_calls
from sim.fit.durations import fit_sample
from sim.fit.render import table, value
from sim.output import write_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cfs"
CENSUS = "U.S. Census Bureau, 2020 Census total population (P1)"
RUN = {"days": 14, "warmup_days": 1, "replications": 5}
"""Modest run settings so each city runs in seconds; raise them for real analysis."""


# ------------------------------------------------------------------------------ cities


def _opts(name: str, population: int, **more: Any) -> FitOptions:
    return FitOptions(name=name, population=population, **RUN, **more)


def milwaukee(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "milwaukee" / "mke_calls_2018-05.csv",
        options=_opts("Milwaukee", 577_222),
        comments=[f"Population 577,222: {CENSUS}."],
    )
    write_text(out / "milwaukee.toml", result.text)


def berkeley(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "berkeley_2014" / "berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv",
        options=_opts("Berkeley 2014", 112_580),
        comments=[
            "Population 112,580: U.S. Census Bureau, 2010 Census (the decennial count nearest "
            "to 2014).",
            "Call types are Berkeley PD codes translated with the department's code list",
            "  (berkeley_police_codes.txt); days missing from the published logs are left out",
            "  of the exposure rather than counted as quiet days.",
        ],
    )
    write_text(out / "berkeley_2014.toml", result.text)


def san_francisco(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "san_francisco_fire" / "sffd_calls_2020-04.csv",
        options=_opts("San Francisco Fire/EMS", 873_965, team="fire", role="fire",
                      team_label="SFFD unit: engine, truck or medic (unit rows merged per call)"),
        comments=[
            f"Population 873,965: {CENSUS}.",
            "Fire and EMS, not police: one team 'fire' answers every call type. April 2020 was",
            "  the first month of COVID-19 shelter-in-place; demand may be atypical.",
            "On scene runs to the last unit's availability, so it includes transport and",
            "  hospital time for medical calls (hence long, often empirical, distributions).",
        ],
    )  # fmt: skip
    write_text(out / "san_francisco_fire.toml", result.text)


def new_orleans(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "new_orleans_rtcc_subset" / "nola_cfs_2022_rtcc_requested_subset.csv",
        options=_opts("New Orleans (RTCC-requested subset)", 383_997),
        comments=[
            f"Population 383,997: {CENSUS}.",
            "BIASED SUBSET: these are the 2022 NOPD calls for which officers requested Real-Time",
            "  Crime Center camera footage, not a sample of all calls. Crashes, shootings,",
            "  robberies and auto thefts dominate, and the volume is a tiny share of the city's.",
            "  The durations (dispatch delay, travel, on scene) are usable for those call types;",
            "  the arrival rates and call mix are NOT the city's: do not plan staffing from them.",
        ],
    )
    write_text(out / "new_orleans_rtcc_subset.toml", result.text)


def milwaukee_2023(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "milwaukee_2023" / "calls.csv",
        options=_opts("Milwaukee 2023", 577_222),
        comments=[
            f"Population 577,222: {CENSUS}.",
            "February–May 2023 from the MPD public call log (scraped): about 30% of CAD numbers",
            "  are never published (sensitive types, cancelled and duplicate numbers), so",
            "  demand here is the published share; 2023-03-15 is missing and left out.",
            "Officer-initiated work (traffic stops, business checks, patrol, park and walk) and",
            "  administrative entries (return to station, special assignment, out of service)",
            "  are recognised by call type and kept as call types of their own: they occupy",
            "  units (officer-initiated: Detroit's 'proactive' time on scene; administrative: its",
            "  all-calls mean) but are not calls from the public.",
        ],
    )
    write_text(out / "milwaukee_2023.toml", result.text)


def phoenix_2019(data: Path, out: Path) -> None:
    result = fit_calls(
        data / "phoenix_2019" / "calls.csv",
        options=_opts("Phoenix 2019 (one week)", 1_608_139, smoothing="product"),
        comments=[
            f"Population 1,608,139: {CENSUS}.",
            "ONE WEEK (Thanksgiving week, 24–30 November 2019): each hour of the week is seen",
            "  once, so rates are smoothed as day × hour products; treat the weekly shape as",
            "  rough. Citizen-generated dispatched calls only (Phoenix publishes no officer-",
            "  initiated activity), call types as finally classified.",
        ],
    )
    write_text(out / "phoenix_2019.toml", result.text)


def lane_county_crisis_team(data: Path, out: Path) -> None:
    """The MCSLC dispatch records as a city of their own: one crisis team, all fitted."""
    result = fit_calls(
        data / "eugene_lane_county_mcslc" / "MCSLC_raw.csv",
        options=_opts("Lane County crisis team (MCSLC)", 238_910, team="crisis", role="community",
                      team_label="MCSLC mobile crisis van (medic and crisis worker)"),
        comments=[
            "Population 238,910: Eugene 176,654 + Springfield 62,256, U.S. Census Bureau, 2020",
            "  Census (P1).",
            "Every call here went to the civilian mobile crisis team: the team's own city, used",
            "  to backtest a community responder team against its record. Missing times are",
            "  written as 0:00 in the export and read as missing.",
        ],
    )  # fmt: skip
    write_text(out / "lane_county_crisis_team.toml", result.text)


def lane_county(data: Path, out: Path) -> None:
    """Community-responder times from the MCSLC dispatch records, for program templates."""
    path = data / "eugene_lane_county_mcslc" / "MCSLC_raw.csv"
    ingest = read_calls(path)
    cleaned = clean_calls(ingest, CleanConfig(drop_officer_initiated=False))
    iv = intervals(cleaned.table, ingest.travel_from)
    fits = {name: fit_sample(iv[col].dropna().to_numpy()) for name, col in
            (("dispatch_delay_min", "dispatch_delay_min"), ("travel_min", "travel_min"),
             ("on_scene_min", "on_scene_min"))}  # fmt: skip
    window = (cleaned.table["received"].min().date(), cleaned.table["received"].max().date())
    lines = [
        "# Community-responder times fitted by `python scripts/fit_cities.py` from the Mobile "
        "Crisis",
        "# Services of Lane County (Eugene/Springfield, OR) dispatch export; program templates",
        "# cite these specs. Aggregates only.",
        "# Source: github.com/AchieveMars88/"
        "CAHOOTS-MCSLSC-EPD-SPD-Emergency-Response-Data-Analysis",
        "#   cleaning/MCSLC_Data/MCSLC.csv @ 4364c76e",
        "#   (../shared/data/cfs/eugene_lane_county_mcslc).",
        "# Missing times are written as 0:00 in the export and read as missing; intervals capped",
        f"# at their 99.5th percentile ({cleaned.report.capped.cap_minutes}).",
        "# Fit: MLE of exponential, lognormal, gamma, Weibull (loc 0), lowest AIC, KS reported.",
    ]
    lines += table("provenance", {
        "source": ingest.provenance.source_name,
        "sha256": ingest.provenance.sha256,
        "date_start": str(window[0]),
        "date_end": str(window[1]),
        "rows_used": len(cleaned.table),
        "fitted_with": "sim fit 0.1 (scripts/fit_cities.py)",
    })  # fmt: skip
    lines += ["", "[times]"]
    labels = {"dispatch_delay_min": "request → dispatch", "travel_min": "dispatch → arrival",
              "on_scene_min": "arrival → departure"}  # fmt: skip
    for name, fit in fits.items():
        lines.append(f"# {labels[name]}: {fit.note}; data mean {fit.mean:.1f}, median "
                     f"{fit.median:.1f}")  # fmt: skip
        lines.append(f"{name} = {value(fit.spec)}")
    (out.parent / "fitted").mkdir(exist_ok=True)
    write_text(out.parent / "fitted" / "lane_county_mcslc_times.toml", "\n".join(lines) + "\n")


CITIES = (milwaukee, san_francisco, berkeley, new_orleans, milwaukee_2023, phoenix_2019,
          lane_county_crisis_team, lane_county)  # fmt: skip

BACKTESTS = {
    "san_francisco_fire": "san_francisco_fire/sffd_calls_2020-04.csv",
    "lane_county_crisis_team": "eugene_lane_county_mcslc/MCSLC_raw.csv",
    "new_orleans_rtcc_subset": "new_orleans_rtcc_subset/nola_cfs_2022_rtcc_requested_subset.csv",
    "milwaukee_2023": "milwaukee_2023/calls.csv",
    "milwaukee": "milwaukee/mke_calls_2018-05.csv",
    "berkeley_2014": "berkeley_2014/berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv",
    "phoenix_2019": "phoenix_2019/calls.csv",
}
"""Each shipped city and the export it was fitted from (for ``--backtest``)."""
BACKTEST_REPLICATIONS = 10


def backtest_tables(data: Path, scenarios: Path) -> str:
    """Every city's backtest headline as Markdown (docs/VALIDATION.md), with the command."""
    from sim.backtest import backtest
    from sim.backtest.render import markdown_table
    from sim.scenario import load_scenario

    parts = []
    for name, export in BACKTESTS.items():
        scn = load_scenario(scenarios / f"{name}.toml")
        result = backtest(scn, data / export, replications=BACKTEST_REPLICATIONS)
        command = (f"sim backtest scenarios/cities/{name}.toml ../shared/data/cfs/{export} "
                   f"--replications {BACKTEST_REPLICATIONS}")  # fmt: skip
        notes = "\n".join(f"- {n}" for n in result.notes)
        parts.append(f"### {scn.scenario.name}\n\n`{command}`\n\n"
                     f"{markdown_table(result)}\n\n{notes}\n")  # fmt: skip
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Regenerate every shipped city file; returns 0, or 2 when the data folder is missing."""
    args = sys.argv[1:] if argv is None else argv
    backtests = "--backtest" in args
    args = [a for a in args if a != "--backtest"]
    data = Path(args[0]) if args else DEFAULT_DATA
    out = Path(args[1]) if len(args) > 1 else ROOT / "scenarios" / "cities"
    if not data.is_dir():
        print(f"error: {data}: data folder not found — pass the cfs folder", file=sys.stderr)
        return 2
    if backtests:
        print(backtest_tables(data, out))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for city in CITIES:
        city(data, out)
        print(f"{city.__name__}: done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
