"""read_calls: CSV/Parquet through a mapping into the tidy calls table, with provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.data import TIDY_COLUMNS, ColumnMapping, TimeOffset, read_calls
from sim.errors import DataError

HEADER = "Incident,Received,Dispatched,Arrived,Cleared,Nature,Priority,Address,Caller Name\n"
ROWS = [
    "1,2023-01-01 10:00:00,2023-01-01 10:02:00,2023-01-01 10:10:00,2023-01-01 10:40:00,"
    'NOISE,2,"123 Main St, Springfield",Jane Doe\n',
    "2,2023-01-01 11:00:00,,2023-01-01 11:20:00,2023-01-01 11:30:00,WELFARE CHECK,1A,"
    "9 Elm St,John Roe\n",
    "3,2023-01-01 12:00:00,2023-01-01 12:01:00,,,THEFT,,1 Oak Ave,\n",
]
MAPPING = ColumnMapping(
    received="Received",
    dispatched="Dispatched",
    arrived="Arrived",
    cleared="Cleared",
    call_type="Nature",
    priority="Priority",
    call_id="Incident",
)


def write(tmp_path: Path, text: str, name: str = "calls.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def sample_csv(tmp_path: Path) -> Path:
    return write(tmp_path, HEADER + "".join(ROWS))


def test_tidy_table_has_exactly_the_tidy_columns(tmp_path: Path) -> None:
    result = read_calls(sample_csv(tmp_path), MAPPING)
    table = result.table
    assert tuple(table.columns) == TIDY_COLUMNS
    for col in ("received", "dispatched", "enroute", "arrived", "cleared"):
        assert table[col].dtype == np.dtype("datetime64[ns]")
    assert table["priority"].dtype == pd.Int64Dtype()
    assert table["officer_initiated"].dtype == np.dtype(bool)
    assert isinstance(table["call_type"].dtype, pd.StringDtype)
    assert table["call_type"].tolist() == ["NOISE", "WELFARE CHECK", "THEFT"]
    assert table["priority"].tolist() == [2, 1, pd.NA]
    assert table["dispatched"].isna().tolist() == [False, True, False]
    assert table["enroute"].isna().all()


def test_addresses_and_names_are_never_carried(tmp_path: Path) -> None:
    result = read_calls(sample_csv(tmp_path), MAPPING)
    values = [str(v) for v in result.table.to_numpy().ravel()]
    assert not any("Main St" in v or "Doe" in v for v in values)
    assert "Address" not in result.provenance.columns_used


def test_provenance(tmp_path: Path) -> None:
    path = sample_csv(tmp_path)
    prov = read_calls(path, MAPPING).provenance
    assert prov.source_name == "calls.csv"
    assert prov.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert prov.rows_read == 3
    assert prov.calls == 3
    assert prov.file_format == "csv"
    assert prov.received_first == pd.Timestamp("2023-01-01 10:00").to_pydatetime()
    assert prov.time_formats["received"] == "ISO8601"
    assert '"sha256"' in prov.model_dump_json()


def test_parquet_with_native_timestamps(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2023-05-01 08:00", "2023-05-01 09:30"]),
            "kind": ["A", "B"],
            "code": [3, 1],
            "addr": ["x", "y"],
        }
    )
    path = tmp_path / "calls.parquet"
    frame.to_parquet(path)
    result = read_calls(path, ColumnMapping(received="when", call_type="kind", priority="code"))
    assert result.provenance.file_format == "parquet"
    assert result.table["received"].tolist() == list(frame["when"])
    assert result.table["priority"].tolist() == [3, 1]


def test_separate_date_and_time_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "CASE,DATE,TIME,OFFENSE\n"
        "1,08/10/2022 12:00:00 AM,6:10:00 AM,THEFT\n"
        "2,08/11/2022 12:00:00 AM,11:45:00 PM,BURGLARY\n",
    )
    mapping = ColumnMapping(received=("DATE", "TIME"), call_type="OFFENSE")
    table = read_calls(path, mapping).table
    assert table["received"].tolist() == [
        pd.Timestamp("2022-08-10 06:10"),
        pd.Timestamp("2022-08-11 23:45"),
    ]


def test_am_pm_and_month_first_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t,c\n04/07/2020 11:53:08 PM,A\n04/08/2020 12:00:00 AM,B\n",
    )
    table = read_calls(path, ColumnMapping(received="t", call_type="c")).table
    assert table["received"].tolist() == [
        pd.Timestamp("2020-04-07 23:53:08"),
        pd.Timestamp("2020-04-08 00:00:00"),
    ]


def test_unit_rows_collapse_to_one_call(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "call,unit,rec,disp,onscene,avail,type\n"
        "7,E1,2020-01-01 10:00,2020-01-01 10:01,2020-01-01 10:09,2020-01-01 10:30,Fire\n"
        "7,M2,2020-01-01 10:00,2020-01-01 10:03,2020-01-01 10:07,2020-01-01 11:30,Fire\n"
        "8,E1,2020-01-01 12:00,2020-01-01 12:01,,2020-01-01 12:30,Medical\n",
    )
    mapping = ColumnMapping(
        received="rec",
        dispatched="disp",
        arrived="onscene",
        cleared="avail",
        call_type="type",
        call_id="call",
    )
    result = read_calls(path, mapping)
    table = result.table
    assert len(table) == 2
    first = table.iloc[0]
    assert first["dispatched"] == pd.Timestamp("2020-01-01 10:01")
    assert first["arrived"] == pd.Timestamp("2020-01-01 10:07")
    assert first["cleared"] == pd.Timestamp("2020-01-01 11:30")
    assert result.provenance.rows_read == 3
    assert result.provenance.rows_collapsed == 1


def test_priority_map_and_leading_digits(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t,c,p\n2020-01-01 00:00:01,A,E\n2020-01-01 00:00:02,A,2C\n2020-01-01 00:00:03,A,x\n",
    )
    mapping = ColumnMapping(received="t", call_type="c", priority="p", priority_map={"e": 1})
    assert read_calls(path, mapping).table["priority"].tolist() == [1, 2, pd.NA]


def test_officer_initiated_flag_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t,c,self\n2020-01-01 00:00:01,A,Y\n2020-01-01 00:00:02,A,N\n"
        "2020-01-01 00:00:03,A,ONVIEW\n2020-01-01 00:00:04,A,\n",
    )
    mapping = ColumnMapping(received="t", call_type="c", officer_initiated="self")
    assert read_calls(path, mapping).table["officer_initiated"].tolist() == [
        True,
        False,
        True,
        False,
    ]


def test_call_type_fallback_and_code_names(tmp_path: Path) -> None:
    (tmp_path / "codes.txt").write_text("415E-Noise Complaint \n1042-Welfare Check\n# comment\n")
    path = write(
        tmp_path,
        "t,first,final\n2020-01-01 00:00:01,415e,X\n2020-01-01 00:00:02,,1042\n"
        "2020-01-01 00:00:03,ZZZ,Y\n",
    )
    mapping = ColumnMapping(
        received="t",
        call_type=("first", "final"),
        call_type_names_file="codes.txt",
        agency_name="BPD",
    )
    table = read_calls(path, mapping).table
    assert table["call_type"].tolist() == ["Noise Complaint", "Welfare Check", "ZZZ"]
    assert table["agency"].tolist() == ["BPD"] * 3


def test_missing_code_list_is_noted_not_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, "t,c\n2020-01-01 00:00:01,415\n")
    mapping = ColumnMapping(received="t", call_type="c", call_type_names_file="absent.txt")
    result = read_calls(path, mapping)
    assert result.table["call_type"].tolist() == ["415"]
    assert any("absent.txt" in n for n in result.provenance.notes)


def test_midnight_sentinel_and_offsets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "req,arr,secs,type\n"
        "3/9/2021 14:12,3/9/2021 0:00,60,A\n"
        "3/9/2021 15:00,3/9/2021 15:20,-9999,B\n",
    )
    mapping = ColumnMapping(
        received="req",
        arrived="arr",
        cleared=TimeOffset(offset="secs", unit="min", after="received"),
        call_type="type",
        midnight_is_missing=True,
    )
    result = read_calls(path, mapping)
    table = result.table
    assert pd.isna(table["arrived"].iloc[0])
    assert table["cleared"].iloc[0] == pd.Timestamp("2021-03-09 15:12")
    assert pd.isna(table["cleared"].iloc[1])
    assert result.provenance.midnight_nulled["arrived"] == 1
    assert result.provenance.negative_offsets_nulled["cleared"] == 1


def test_semicolon_cp1252_and_bom(tmp_path: Path) -> None:
    text = "\ufeffZeit;Art\n2021-03-01 08:00:00;Lärm\n"
    path = write(tmp_path, text)
    table = read_calls(path, ColumnMapping(received="Zeit", call_type="Art")).table
    assert table["call_type"].tolist() == ["Lärm"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("time,type\n2021-03-01 08:00:00,Caf\xe9 noise\n".encode("cp1252"))
    assert read_calls(latin, ColumnMapping(received="time", call_type="type")).table[
        "call_type"
    ].tolist() == ["Café noise"]


def test_columns_match_case_insensitively(tmp_path: Path) -> None:
    path = write(tmp_path, "RECEIVED TIME,Call  Type\n2020-01-01 00:00:01,A\n")
    table = read_calls(path, ColumnMapping(received="received time", call_type="call type")).table
    assert table["call_type"].tolist() == ["A"]


def test_mapping_file_path_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('received = "Received"\ncall_type = "Nature"\n')
    result = read_calls(sample_csv(tmp_path), tmp_path / "m.toml")
    assert len(result.table) == 3


# ------------------------------------------------------------------------------ errors


def test_missing_column_says_what_exists_and_which_key(tmp_path: Path) -> None:
    mapping = ColumnMapping(received="Received", call_type="Call Type")
    with pytest.raises(DataError) as err:
        read_calls(sample_csv(tmp_path), mapping)
    line = err.value.line()
    assert "call_type = 'Call Type'" in line
    assert "Nature" in line and "Received" in line
    assert "\n" not in line


def test_unparseable_timestamps_are_counted_with_rows_and_sample(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t,c\n2020-01-01 00:00:01,A\nyesterday,B\n2020-01-01 00:00:03,C\nsoon,D\n",
    )
    with pytest.raises(DataError) as err:
        read_calls(path, ColumnMapping(received="t", call_type="c"))
    line = err.value.line()
    assert "2 of 4 values are not readable timestamps" in line
    assert "data rows 2, 4" in line
    assert "'yesterday'" in line
    assert "column 't' (received)" in line
    assert "time_format" in line


def test_a_rare_bad_timestamp_is_kept_as_missing(tmp_path: Path) -> None:
    good = "".join(f"2020-01-01 00:{i // 60:02d}:{i % 60:02d},A\n" for i in range(300))
    path = write(tmp_path, "t,c\n" + good + "garbage,B\n")
    result = read_calls(path, ColumnMapping(received="t", call_type="c"))
    assert result.provenance.unparseable["received"] == 1
    assert result.table["received"].isna().sum() == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04rest-of-zip", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "Excel 97-2003"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b'[{"a": 1}]', "JSON"),
        (b"just one column\nvalue\n", "fewer than two columns"),
        (b"", "empty"),
    ],
)
def test_files_that_are_not_csv_or_parquet(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=expected):
        read_calls(path, MAPPING)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        read_calls(tmp_path / "none.csv", MAPPING)


def test_no_mapping_and_no_preset_lists_columns_and_keys(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        read_calls(sample_csv(tmp_path))
    line = err.value.line()
    assert "no built-in preset" in line
    assert "Received, Dispatched" in line
    assert "received and call_type" in line and "dispatched" in line


def test_utc_offsets_without_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, "t,c\n2020-06-01T12:00:00Z,A\n2020-06-01T13:00:00Z,B\n")
    with pytest.raises(DataError, match="timezone"):
        read_calls(path, ColumnMapping(received="t", call_type="c"))
    mapping = ColumnMapping(received="t", call_type="c", timezone="America/New_York")
    table = read_calls(path, mapping).table
    assert table["received"].iloc[0] == pd.Timestamp("2020-06-01 08:00")


def test_unknown_preset_name_lists_presets(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        read_calls(sample_csv(tmp_path), "chicago")
    assert "unknown preset 'chicago'" in err.value.line()
    assert "milwaukee" in err.value.line()


def test_header_only_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no data rows"):
        read_calls(write(tmp_path, HEADER), MAPPING)


def test_parquet_in_utc_needs_a_timezone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2020-06-01 12:00"]).tz_localize("UTC"), "c": ["A"]})
    path = tmp_path / "utc.parquet"
    frame.to_parquet(path)
    with pytest.raises(DataError, match="timezone"):
        read_calls(path, ColumnMapping(received="t", call_type="c"))
    mapping = ColumnMapping(received="t", call_type="c", timezone="America/Chicago")
    assert read_calls(path, mapping).table["received"].iloc[0] == pd.Timestamp("2020-06-01 07:00")


def test_priority_order_descending_renumbers_from_the_highest(tmp_path: Path) -> None:
    """New Orleans-style codes: higher is more urgent; the tidy table's 1 is the most urgent."""
    text = "Received,Nature,Priority\n" + "".join(
        f"2023-01-01 10:0{i}:00,X,{p}\n" for i, p in enumerate(["2C", "1A", "3", "0", ""])
    )
    mapping = ColumnMapping(received="Received", call_type="Nature", priority="Priority",
                            priority_order="descending")  # fmt: skip
    table = read_calls(write(tmp_path, text), mapping).table
    assert table["priority"].tolist() == [2, 3, 1, 4, pd.NA]


def test_queued_time_is_read_and_kept_in_order(tmp_path: Path) -> None:
    text = (
        "Received,Queued,Dispatched,Nature\n"
        "2023-01-01 10:00:00,2023-01-01 10:01:30,2023-01-01 10:05:00,X\n"
        "2023-01-01 11:00:00,2023-01-01 11:09:00,2023-01-01 11:05:00,X\n"
    )
    mapping = ColumnMapping(received="Received", queued="Queued", dispatched="Dispatched",
                            call_type="Nature")  # fmt: skip
    ingested = read_calls(write(tmp_path, text), mapping)
    assert ingested.table["queued"].notna().all()
    from sim.data import CleanConfig, clean_calls

    cleaned = clean_calls(ingested, CleanConfig(cap_quantile=None))
    # Queued after dispatch cannot be: nulled and counted, the call kept.
    assert cleaned.table["queued"].isna().tolist() == [False, True]
    assert cleaned.report.nulled.queued_out_of_order == 1
