"""Real extracts in ../shared/data/cfs: each ingests, fits, and its scenario runs.

Skipped with the reason when ../shared is absent. Nothing from the extracts is written into
the repository by these tests (outputs go to pytest's temporary folder).
"""

from __future__ import annotations

from pathlib import Path

import build_durations  # scripts/build_durations.py (pytest puts scripts/ on the path)
import fit_cities as cities  # scripts/fit_cities.py
import pytest
from conftest import SCENARIOS, shared_data

from sim.errors import DataError
from sim.fit.build import FitOptions, fit_calls
from sim.fit.library import library, officer_default
from sim.pipeline import run
from sim.scenario import load_scenario, with_overrides

SHORT = {"scenario.days": 3, "scenario.warmup_days": 0, "scenario.replications": 1}


CALL_TIMES_ONLY = {
    "berkeley_2014": ("berkeley_2014", "berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv"),
    "berkeley_2022": ("berkeley_2022_offenses", "berkeley_pd_calls_2022.csv"),
    "milwaukee": ("milwaukee", "mke_calls_2018-05.csv"),
    "milwaukee_2023": ("milwaukee_2023", "calls.csv"),
    "phoenix_2019": ("phoenix_2019", "calls.csv"),
}


@pytest.mark.parametrize(
    ("parts", "team"),
    [
        (("milwaukee", "mke_calls_2018-05.csv"), "police"),
        (("san_francisco_fire", "sffd_calls_2020-04.csv"), "fire"),
        (("berkeley_2014", "berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv"), "police"),
        (("berkeley_2022_offenses", "berkeley_pd_calls_2022.csv"), "police"),
        (("new_orleans_rtcc_subset", "nola_cfs_2022_rtcc_requested_subset.csv"), "police"),
        (("eugene_lane_county_mcslc", "MCSLC_raw.csv"), "mcslc"),
    ],
)
def test_extract_fits_and_runs(parts: tuple[str, str], team: str) -> None:
    path = shared_data("cfs", *parts)
    options = FitOptions(team=team, days=3, warmup_days=0, replications=1)
    result = fit_calls(path, options=options)
    scn = result.scenario
    assert scn.scenario.provenance is not None
    assert scn.scenario.provenance.rows_used == result.report.calls_used > 0
    assert len(result.report.call_types) == len(scn.call_types) >= 1
    assert run(scn).summary.calls_per_year > 0


@pytest.mark.parametrize("name", sorted(CALL_TIMES_ONLY))
def test_a_call_time_only_export_fits_at_once_with_the_library(name: str) -> None:
    """No times at all: every time on scene and the travel come from the durations
    library, per category, named in the file; officer-initiated work is assumed only where
    the export holds none (Berkeley 2022 offenses, Phoenix's citizen calls)."""
    result = fit_calls(shared_data("cfs", *CALL_TIMES_ONLY[name]))
    lib, scn = library("police"), result.scenario
    for category, ct in scn.call_types.items():
        expected = lib.on_scene.get(category, lib.on_scene["default"])
        assert ct.on_scene_min["police"].spec() == expected, category
    assert scn.teams["police"].travel_min.spec() == lib.travel
    assert "sim/data/durations.toml" in result.text and "Langton" in result.text
    assert "ASSUMPTION: the export has no dispatch and clear times" in result.text
    assumed = [n for n in result.report.notes if "holds no officer-initiated work" in n]
    if name in ("berkeley_2022", "phoenix_2019"):
        public = sum(ct.calls_per_day for ct in scn.call_types.values() if ct.is_public)
        per_day = scn.call_types["officer_initiated"].calls_per_day
        assert per_day == pytest.approx(officer_default().per_public_call * public, rel=1e-3)
        assert assumed
    else:
        assert not assumed


def test_the_durations_library_is_the_script_output(tmp_path: Path) -> None:
    from importlib import resources

    shipped = (resources.files("sim.data") / "durations.toml").read_text(encoding="utf-8")
    assert build_durations.build(shared_data("cfs")) == shipped, (
        "sim/data/durations.toml differs from the script: python scripts/build_durations.py"
    )


def test_seattle_without_received_times_is_refused_with_the_reason() -> None:
    path = shared_data("cfs", "seattle", "spd_911_incident_response_2016-03-25.csv")
    with pytest.raises(DataError, match="no call-received time"):
        fit_calls(path, options=FitOptions(include_officer_initiated=True))


def test_berkeley_missing_days_are_not_counted_as_quiet() -> None:
    path = shared_data(
        "cfs", "berkeley_2014", "berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv"
    )
    result = fit_calls(path)
    # SOURCE.txt: no files for 2014-07-28, 2014-08-09 and 2014-09-09 .. 2014-09-20.
    assert {"2014-07-28", "2014-08-09", "2014-09-15"} <= set(result.report.gap_days)


@pytest.mark.parametrize("name", ["milwaukee", "san_francisco_fire", "berkeley_2014",
                                  "new_orleans_rtcc_subset", "milwaukee_2023", "phoenix_2019",
                                  "lane_county_crisis_team"])  # fmt: skip
def test_shipped_city_runs(name: str) -> None:
    scn = load_scenario(SCENARIOS / "cities" / f"{name}.toml")
    assert scn.scenario.provenance is not None and scn.scenario.population
    assert run(with_overrides(scn, SHORT)).summary.calls_per_year > 0


def test_shipped_files_are_the_script_output(tmp_path: Path) -> None:
    data = shared_data("cfs")
    assert cities.main([str(data), str(tmp_path / "cities")]) == 0
    for path in sorted((SCENARIOS / "cities").glob("*.toml")):
        assert (tmp_path / "cities" / path.name).read_text() == path.read_text(), (
            f"{path.name} differs from the script output: python scripts/fit_cities.py"
        )
    fitted = SCENARIOS / "fitted" / "lane_county_mcslc_times.toml"
    assert (tmp_path / "fitted" / fitted.name).read_text() == fitted.read_text()


def test_new_orleans_read_the_wrong_way_round_is_warned_about() -> None:
    from sim.data.presets import PRESETS

    path = shared_data("cfs", "new_orleans_rtcc_subset", "nola_cfs_2022_rtcc_requested_subset.csv")
    preset = PRESETS["new_orleans"].mapping
    wrong = preset.model_copy(update={"priority_order": "ascending"})
    assert any("priority_order" in n for n in fit_calls(path, wrong).report.notes)
    assert not any("priority_order" in n for n in fit_calls(path, preset).report.notes)
