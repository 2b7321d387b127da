"""clean_calls and intervals: every dropped or altered call is counted by reason."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.data import TIDY_COLUMNS, CleanConfig, ColumnMapping, clean_calls, intervals, read_calls
from sim.data.mapping import TIME_FIELDS
from sim.errors import DataError

T0 = pd.Timestamp("2023-03-01 12:00")


def minutes(m: float | None) -> pd.Timestamp | None:
    return None if m is None else T0 + pd.Timedelta(minutes=m)


def table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A tidy table from rows giving minutes after T0 for each time (None = missing)."""
    data: dict[str, list[object]] = {c: [] for c in TIDY_COLUMNS}
    for row in rows:
        for col in TIME_FIELDS:
            value = row.get(col, None)
            data[col].append(value if isinstance(value, pd.Timestamp) else minutes(value))  # type: ignore[arg-type]
        data["call_type"].append(row.get("call_type", "DISTURBANCE"))
        data["priority"].append(row.get("priority", 2))
        data["agency"].append(row.get("agency", "PD"))
        data["officer_initiated"].append(row.get("officer_initiated", False))
    out = pd.DataFrame(data)
    for col in TIME_FIELDS:
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("call_type", "agency"):
        out[col] = out[col].astype("string")
    out["priority"] = out["priority"].astype("Int64")
    out["officer_initiated"] = out["officer_initiated"].astype(bool)
    return out


GOOD = {"received": 0, "dispatched": 2, "arrived": 10, "cleared": 40}
NO_CAP = CleanConfig(cap_quantile=None)


def test_clean_table_passes_unchanged() -> None:
    t = table([GOOD, {**GOOD, "call_type": "NOISE"}])
    result = clean_calls(t, NO_CAP)
    assert (result.table["origin"] == "public").all()
    pd.testing.assert_frame_equal(result.table.drop(columns="origin"), t)
    assert result.report.rows_in == result.report.rows_out == 2
    assert result.report.dropped.total == 0


def test_each_drop_reason_is_counted() -> None:
    rows = [
        GOOD,
        {**GOOD, "received": None},
        {**GOOD, "received": pd.Timestamp("1900-01-01")},
        {**GOOD, "call_type": None},
        {**GOOD, "call_type": "  "},
        {**GOOD, "officer_initiated": True},
        {**GOOD, "call_type": "TRAFFIC STOP"},
        {**GOOD, "call_type": "Business Check"},
        {**GOOD, "call_type": "1194 Pedestrian Stop"},
        {**GOOD, "call_type": "RETURN STATION"},
        {**GOOD, "arrived": -5},
    ]
    result = clean_calls(table(rows), NO_CAP)
    d = result.report.dropped
    assert d.received_missing == 1
    assert d.received_sentinel == 1
    assert d.call_type_missing == 2
    assert d.officer_initiated_flag == 1
    assert d.officer_initiated_type == 3
    assert d.administrative == 1
    assert d.arrived_before_received == 1
    assert d.total == 10
    assert result.report.rows_out == 1


def test_officer_initiated_can_be_kept() -> None:
    t = table([GOOD, {**GOOD, "call_type": "TRAFFIC STOP", "officer_initiated": True}])
    config = CleanConfig(drop_officer_initiated=False, cap_quantile=None)
    assert clean_calls(t, config).report.rows_out == 2


def test_custom_officer_initiated_list() -> None:
    t = table([GOOD, {**GOOD, "call_type": "ZONE WALK"}])
    config = CleanConfig(officer_initiated_types=(r"zone walk",), cap_quantile=None)
    assert clean_calls(t, config).report.dropped.officer_initiated_type == 1


def test_bad_intervals_are_nulled_and_the_call_kept() -> None:
    rows = [
        {"received": 0, "dispatched": -3, "arrived": 10, "cleared": 40},
        {"received": 0, "dispatched": 5, "enroute": 4, "arrived": 10, "cleared": 40},
        {"received": 0, "dispatched": 12, "arrived": 10, "cleared": 40},
        {"received": 0, "dispatched": 2, "arrived": 10, "cleared": 8},
        {"received": 0, "dispatched": 2, "arrived": 10, "cleared": pd.Timestamp("2200-01-01")},
    ]
    result = clean_calls(table(rows), NO_CAP)
    n = result.report.nulled
    assert result.report.rows_out == 5
    assert n.dispatched_before_received == 1
    assert n.enroute_before_dispatched == 1
    assert n.travel_start_after_arrival == 1
    assert n.cleared_before_arrived == 1
    assert n.time_sentinel == 1
    out = result.table
    assert out["dispatched"].isna().tolist() == [True, False, True, False, False]
    assert out["arrived"].notna().all()
    iv = intervals(out)
    assert (iv.dropna() >= 0).all().all()


def test_travel_from_enroute_checks_enroute_against_arrival() -> None:
    rows = [{"received": 0, "dispatched": 1, "enroute": 11, "arrived": 10, "cleared": 20}]
    result = clean_calls(table(rows), NO_CAP, travel_from="enroute")
    assert result.report.nulled.travel_start_after_arrival == 1
    assert pd.isna(result.table["enroute"].iloc[0])
    assert result.table["dispatched"].iloc[0] == minutes(1)


def test_received_proxy_skips_checks_against_received() -> None:
    rows = [{"received": 100, "arrived": 10, "cleared": 100}]
    result = clean_calls(table(rows), NO_CAP, received_is_proxy=True)
    assert result.report.rows_out == 1
    assert result.report.received_is_proxy
    assert intervals(result.table)["on_scene_min"].iloc[0] == 90


def test_negative_priority_is_a_sentinel() -> None:
    result = clean_calls(table([{**GOOD, "priority": -9999}, GOOD]), NO_CAP)
    assert result.report.nulled.priority_sentinel == 1
    assert result.table["priority"].isna().tolist() == [True, False]


def test_window_and_agency_filters() -> None:
    rows = [
        {
            **GOOD,
            "received": pd.Timestamp("2023-02-28 23:59"),
            "dispatched": None,
            "arrived": None,
            "cleared": None,
        },
        {
            **GOOD,
            "received": pd.Timestamp("2023-03-01 00:00"),
            "dispatched": None,
            "arrived": None,
            "cleared": None,
        },
        {
            **GOOD,
            "received": pd.Timestamp("2023-03-31 23:00"),
            "dispatched": None,
            "arrived": None,
            "cleared": None,
        },
        {
            **GOOD,
            "received": pd.Timestamp("2023-04-01 00:00"),
            "dispatched": None,
            "arrived": None,
            "cleared": None,
        },
        {**GOOD, "agency": "FIRE"},
        {**GOOD, "agency": None},
    ]
    config = CleanConfig(
        start=date(2023, 3, 1), end=date(2023, 4, 1), agencies=("pd",), cap_quantile=None
    )
    result = clean_calls(table(rows), config)
    assert result.report.dropped.outside_window == 2
    assert result.report.dropped.agency_filtered == 2
    assert result.report.rows_out == 2


def test_empty_after_filtering_is_an_error() -> None:
    config = CleanConfig(start=date(2030, 1, 1))
    with pytest.raises(DataError) as err:
        clean_calls(table([GOOD, GOOD]), config)
    line = err.value.line()
    assert "no calls left after cleaning" in line
    assert "outside_window 2" in line
    assert "date window" in line


def test_caps_shorten_one_interval_and_keep_the_others() -> None:
    rows = [{"received": 0, "dispatched": 1, "arrived": 11, "cleared": 41} for _ in range(199)] + [
        {"received": 0, "dispatched": 500, "arrived": 510, "cleared": 540}
    ]
    result = clean_calls(table(rows), CleanConfig(cap_quantile=0.99))
    capped = result.report.capped
    assert capped.dispatch_delay == 1
    assert capped.travel == 0 and capped.on_scene == 0
    cap = capped.cap_minutes["dispatch_delay_min"]
    iv = intervals(result.table)
    assert iv["dispatch_delay_min"].max() == pytest.approx(cap)
    assert iv["travel_min"].iloc[-1] == pytest.approx(10)
    assert iv["on_scene_min"].iloc[-1] == pytest.approx(30)


def test_intervals_in_minutes() -> None:
    t = table(
        [
            {"received": 0, "dispatched": 2, "enroute": 3, "arrived": 10, "cleared": 40},
            {"received": 0},
        ]
    )
    iv = intervals(t)
    assert list(iv.columns) == ["dispatch_delay_min", "travel_min", "on_scene_min"]
    assert iv.iloc[0].tolist() == [2.0, 8.0, 30.0]
    assert np.isnan(iv.iloc[1]).all()
    assert intervals(t, travel_from="enroute")["travel_min"].iloc[0] == 7.0


def test_report_dumps_to_json() -> None:
    report = clean_calls(table([GOOD]), CleanConfig(start=date(2023, 1, 1))).report
    data = json.loads(report.model_dump_json())
    assert data["rows_out"] == 1
    assert data["dropped"]["received_missing"] == 0
    assert data["config"]["start"] == "2023-01-01T00:00:00"


def test_not_a_tidy_table() -> None:
    with pytest.raises(DataError, match="not a tidy calls table"):
        clean_calls(pd.DataFrame({"received": [T0]}))


def test_bad_regex_in_config() -> None:
    with pytest.raises(ValueError, match="bad regular expression"):
        CleanConfig(officer_initiated_types=("(",))


def test_placeholder_dates_from_a_file_are_sentinels(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "rec,clr,type\n"
        "01/05/2023 10:00,12/31/9999 00:00,A\n"
        "01/05/2023 11:00,01/05/2023 11:30,B\n"
        "01/01/1900 00:00,01/05/2023 12:30,C\n"
    )
    ingested = read_calls(path, ColumnMapping(received="rec", cleared="clr", call_type="type"))
    result = clean_calls(ingested, NO_CAP)
    assert result.report.nulled.time_sentinel == 1
    assert result.report.dropped.received_sentinel == 1
    assert result.table["cleared"].isna().tolist() == [True, False]
