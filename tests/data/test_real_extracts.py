"""Every shipped calls-for-service extract ingests via its preset, cleans and categorizes.

The extracts live beside the repository in ``../shared/data/cfs`` and are never copied into
it; without them these tests skip.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from sim.data import (
    TIDY_COLUMNS,
    CleanConfig,
    CleanResult,
    IngestResult,
    UnmappedReport,
    categorize,
    clean_calls,
    intervals,
    load_taxonomy,
    read_calls,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CFS = DATA / "cfs"
# Tables of counts or a taxonomy crosswalk, no row-level calls.
AGGREGATES_ONLY = {"detroit_langton_aggregates", "crosswalk_vera_tsdataclinic"}

# file: (preset, rows in the file, calls after merging rows, minimum share of calls mapped)
EXTRACTS: dict[str, tuple[str, int, int, float]] = {
    "milwaukee/mke_calls_2018-05.csv": ("milwaukee", 33_968, 33_968, 0.98),
    "milwaukee_2023/calls.csv": ("milwaukee_2023", 101_101, 101_101, 0.97),
    "phoenix_2019/calls.csv": ("phoenix_2019", 12_903, 12_903, 0.93),
    "san_francisco_fire/sffd_calls_2020-04.csv": ("san_francisco_fire", 10_410, 5_292, 0.99),
    "seattle/spd_911_incident_response_2016-03-25.csv": (
        "seattle_911_incident_response",
        706,
        706,
        0.99,
    ),
    "berkeley_2014/berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv": (
        "berkeley_daily_log_2014",
        25_150,
        25_150,
        0.97,
    ),
    "berkeley_2022_offenses/berkeley_pd_calls_2022.csv": (
        "berkeley_calls_2022",
        4_490,
        4_490,
        0.99,
    ),
    "new_orleans_rtcc_subset/nola_cfs_2022_rtcc_requested_subset.csv": (
        "new_orleans",
        6_893,
        6_528,
        0.99,
    ),
    "eugene_lane_county_mcslc/MCSLC_raw.csv": ("mcslc_mobile_crisis", 4_682, 4_682, 0.99),
    "eugene_lane_county_mcslc/MCSLC_clean.csv": ("mcslc_mobile_crisis_clean", 3_515, 3_515, 0.99),
}

pytestmark = pytest.mark.skipif(
    not CFS.is_dir(), reason=f"shared calls-for-service extracts not found at {CFS}"
)


@cache
def pipeline(name: str) -> tuple[IngestResult, CleanResult, UnmappedReport]:
    ingested = read_calls(CFS / name)
    cleaned = clean_calls(ingested)
    _, report = categorize(cleaned.table, load_taxonomy())
    return ingested, cleaned, report


def test_every_row_level_extract_is_listed() -> None:
    found = {
        str(p.relative_to(CFS)) for p in CFS.glob("*/*.csv") if p.parent.name not in AGGREGATES_ONLY
    }
    assert found == set(EXTRACTS)


@pytest.mark.parametrize("name", sorted(EXTRACTS))
def test_extract_ingests_cleans_and_maps(name: str) -> None:
    preset, rows, calls, min_mapped = EXTRACTS[name]
    ingested, cleaned, report = pipeline(name)
    prov = ingested.provenance
    assert prov.mapping == preset
    assert prov.rows_read == rows
    assert prov.calls == calls
    assert tuple(ingested.table.columns) == TIDY_COLUMNS
    assert ingested.table["received"].notna().mean() > 0.97
    assert cleaned.report.rows_out > 0.5 * calls
    assert report.share_mapped >= min_mapped, report.unmapped_types[:10]


def test_milwaukee_officer_initiated_and_admin_activity_is_left_out() -> None:
    _, cleaned, _ = pipeline("milwaukee/mke_calls_2018-05.csv")
    dropped = cleaned.report.dropped
    assert dropped.officer_initiated_type > 5_000  # traffic stops, business checks, patrol
    assert dropped.administrative > 3_000  # return station, out of service, ...


def test_san_francisco_units_merge_and_times_match_the_published_medians() -> None:
    ingested, cleaned, _ = pipeline("san_francisco_fire/sffd_calls_2020-04.csv")
    assert ingested.travel_from == "enroute"
    t = cleaned.table
    response = (t["arrived"] - t["received"]).dt.total_seconds() / 60
    assert response.median() == pytest.approx(7.0, abs=0.3)  # SOURCE.txt: 7.0 min
    delay = intervals(t, ingested.travel_from)["dispatch_delay_min"]
    assert delay.median() * 60 == pytest.approx(106, abs=10)  # SOURCE.txt: 106 s


def test_mcslc_intervals_match_the_published_medians() -> None:
    ingested, cleaned, _ = pipeline("eugene_lane_county_mcslc/MCSLC_raw.csv")
    assert sum(ingested.provenance.midnight_nulled.values()) > 100
    iv = intervals(cleaned.table)
    assert iv["dispatch_delay_min"].median() == pytest.approx(13, abs=1)
    assert iv["travel_min"].median() == pytest.approx(14, abs=1)
    assert iv["on_scene_min"].median() == pytest.approx(22, abs=1)


def test_new_orleans_self_initiated_flag_is_used() -> None:
    _, cleaned, _ = pipeline("new_orleans_rtcc_subset/nola_cfs_2022_rtcc_requested_subset.csv")
    assert cleaned.report.dropped.officer_initiated_flag > 500


def test_seattle_received_is_a_proxy() -> None:
    ingested, cleaned, _ = pipeline("seattle/spd_911_incident_response_2016-03-25.csv")
    assert ingested.received_is_proxy
    assert any("proxy" in n for n in ingested.provenance.notes)
    assert intervals(cleaned.table)["on_scene_min"].notna().sum() > 200


def test_berkeley_codes_are_named() -> None:
    ingested, _, _ = pipeline("berkeley_2014/berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv")
    types = set(ingested.table["call_type"].dropna())
    assert {"Noise Complaint", "Welfare Check", "Mental Health", "Reckless Driving"} <= types


def test_new_orleans_priority_is_renumbered_so_shootings_outrank_reports() -> None:
    """NOPD codes higher = more urgent; the tidy table's 1 is the most urgent."""
    ingested, _, _ = pipeline("new_orleans_rtcc_subset/nola_cfs_2022_rtcc_requested_subset.csv")
    t = ingested.table
    shooting = t.loc[t["call_type"] == "AGGRAVATED BATTERY BY SHOOTING", "priority"]
    report = t.loc[t["call_type"].str.contains("REPORT", na=False), "priority"]
    assert shooting.median() < report.median()
    assert set(t["priority"].dropna().unique()) == {1, 2, 3, 4}


def test_milwaukee_2023_other_activity_is_tagged_when_kept() -> None:
    ingested, _, _ = pipeline("milwaukee_2023/calls.csv")
    kept = clean_calls(ingested, CleanConfig(drop_officer_initiated=False,
                                             drop_administrative=False))  # fmt: skip
    origin = kept.table["origin"].value_counts()
    assert origin["officer"] > 15_000  # traffic stops, business checks, patrol, park and walk
    assert origin["admin"] > 15_000  # return station, special assignment, out of service
    assert origin["public"] > 60_000
