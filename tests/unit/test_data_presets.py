"""Presets: each known export format is detected from its header alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.data import PRESETS, detect_preset, read_calls

# Headers as the exports write them (see each extract's SOURCE.txt); no data rows needed.
HEADERS = {
    "milwaukee": "id,time,location,latitude,longitude,district,nature,status",
    "milwaukee_2023": "call_number,call_datetime,nature,final_nature,district,final_status",
    "phoenix_2019": (
        "incident_num,call_datetime,final_radio_code,final_call_type,disp_code,disposition,grid"
    ),
    "san_francisco_fire": (
        "Call Number,Unit ID,Incident Number,Call Type,Call Date,Watch Date,Received DtTm,"
        "Entry DtTm,Dispatch DtTm,Response DtTm,On Scene DtTm,Transport DtTm,Hospital DtTm,"
        "Call Final Disposition,Available DtTm,Address,City,Zipcode of Incident,Battalion,"
        "Station Area,Box,Original Priority,Priority,Final Priority,ALS Unit,Call Type Group"
    ),
    "seattle_911_incident_response": (
        "CAD CDW ID,CAD Event Number,General Offense Number,Event Clearance Code,"
        "Event Clearance Description,Event Clearance SubGroup,Event Clearance Group,"
        "Event Clearance Date,Hundred Block Location,District/Sector,Zone/Beat,Census Tract,"
        "Longitude,Latitude,Incident Location,Initial Type Description,Initial Type Subgroup,"
        "Initial Type Group,At Scene Time"
    ),
    "berkeley_daily_log_2014": "call_datetime,call_type_code,incident_no,block_address,source_file",
    "berkeley_calls_2022": (
        "CASENO,OFFENSE,EVENTDT,EVENTTM,CVLEGEND,CVDOW,InDbDate,Block_Location,BLKADDR,City,State"
    ),
    "new_orleans": (
        "NOPD_Item,Type,TypeText,Priority,InitialType,InitialTypeText,InitialPriority,MapX,MapY,"
        "TimeCreate,TimeDispatch,TimeArrive,TimeClosed,Disposition,DispositionText,"
        "SelfInitiated,Beat,BLOCK_ADDRESS,Zip,PoliceDistrict,Location"
    ),
    "mcslc_mobile_crisis": (
        "ID,End Point of Dispatch,City,Dispatch Request Date & Time,Dispatch Date & Time,"
        "Arrival on Scene Date & Time,Engagement with Client Date & Time,"
        "MCIT Departure Date & Time,Reason for Dispatch #1,Reason for Dispatch #2,Disposition"
    ),
    "mcslc_mobile_crisis_clean": (
        "City,ID,Call Time,Nature,Nature #2,Closed As,Seconds to Arrival,Precipitation Type"
    ),
}


def test_every_preset_has_a_header_example() -> None:
    assert set(HEADERS) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_detected_from_header(name: str) -> None:
    found = detect_preset(HEADERS[name].split(","))
    assert found is not None
    assert found.mapping.name == name


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_reads_only_columns_in_its_header(name: str) -> None:
    header = {h.lower() for h in HEADERS[name].split(",")}
    mapping = PRESETS[name].mapping
    assert {c.lower() for c in mapping.source_columns()} <= header
    assert not any(
        "address" in c.lower() or c.lower() == "location" for c in mapping.source_columns()
    )


def test_unknown_header_has_no_preset() -> None:
    assert detect_preset(["when", "what", "where"]) is None


def test_detected_preset_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mke.csv"
    path.write_text(
        HEADERS["milwaukee"]
        + '\n1,2020-01-01 00:10:00,"100 N MAIN ST,ANYTOWN",40.0,-80.0,4,TRBL W/SUBJ,Advised\n'
    )
    result = read_calls(path)
    assert result.provenance.mapping == "milwaukee"
    assert result.table["call_type"].tolist() == ["TRBL W/SUBJ"]
    assert result.table["agency"].tolist() == ["MPD"]
    # The status (disposition) column is free text no model uses: it is never loaded.
    assert "disposition" not in result.table.columns
    assert "status" not in result.provenance.columns_used


def test_preset_by_name(tmp_path: Path) -> None:
    path = tmp_path / "renamed.csv"
    path.write_text("call_datetime,call_type_code,incident_no\n2014-07-07 00:06:12,T,1\n")
    assert read_calls(path, "berkeley_daily_log_2014").provenance.mapping == (
        "berkeley_daily_log_2014"
    )
