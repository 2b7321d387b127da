"""Mapping files: valid TOML loads into a frozen model; every mistake is one clear DataError."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.data.mapping import ColumnMapping, TimeOffset, load_mapping, mapping_from_dict
from sim.errors import DataError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_mapping_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
name = "city"
received = ["Call Date", "Call Time"]
dispatched = "Dispatched"
arrived = { offset = "Secs", unit = "s", after = "received" }
cleared = "Cleared"
call_type = ["Initial Type", "Final Type"]
priority = "Priority"
priority_map = { E = 1 }
agency_name = "City PD"
officer_initiated = "Self"
call_type_names_file = "codes.txt"
notes = ["a note"]
""",
    )
    m = load_mapping(path)
    assert m.received == ("Call Date", "Call Time")
    assert m.arrived == TimeOffset(offset="Secs", unit="s", after="received")
    assert m.call_type == ("Initial Type", "Final Type")
    assert m.call_type_names_file == str((tmp_path / "codes.txt").resolve())
    assert m.source_columns() == [
        "Call Date",
        "Call Time",
        "Dispatched",
        "Secs",
        "Cleared",
        "Initial Type",
        "Final Type",
        "Priority",
        "Self",
    ]
    assert m.key_of("Secs") == "arrived"


def test_mapping_is_frozen() -> None:
    m = ColumnMapping(received="t", call_type="c")
    with pytest.raises(ValidationError):
        m.received = "x"  # type: ignore[misc]


def test_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        load_mapping(write(tmp_path, 'received = "t"\ncall_type = "c"\nrecieved_at = "x"\n'))
    assert "unknown key 'recieved_at'" in err.value.line()
    assert "mapping.toml" in err.value.line()
    assert "call_type" in (err.value.hint or "")


def test_misspelt_required_key_suggests_the_right_one(tmp_path: Path) -> None:
    # "calltype" is both unknown and leaves call_type missing: the typo is what to report.
    with pytest.raises(DataError) as err:
        load_mapping(write(tmp_path, 'received = "t"\ncalltype = "c"\n'))
    assert "unknown key 'calltype' (did you mean 'call_type'?)" in err.value.line()
    assert "\n" not in err.value.line()


def test_unknown_timezone_is_one_line() -> None:
    with pytest.raises(DataError) as err:
        mapping_from_dict({"received": "t", "call_type": "c", "timezone": "America/Chicgo"})
    line = err.value.line()
    assert "unknown timezone 'America/Chicgo'" in line and "America/Chicago" in line
    assert "\n" not in line
    ok = mapping_from_dict({"received": "t", "call_type": "c", "timezone": "America/Chicago"})
    assert ok.timezone == "America/Chicago"


def test_missing_required_key(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="required key 'call_type' is missing"):
        load_mapping(write(tmp_path, 'received = "t"\n'))


def test_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not valid TOML"):
        load_mapping(write(tmp_path, 'received = "t\n'))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"received": ["a", "b", "c"], "call_type": "c"}, "received"),
        ({"received": "t", "call_type": "c", "agency": "A", "agency_name": "X"}, "either agency"),
        (
            {"received": "t", "call_type": "c", "arrived": {"offset": "s", "after": "dispatched"}},
            "dispatched, which is not mapped",
        ),
        ({"received": {"offset": "s"}, "call_type": "c"}, "received"),
        ({"received": "t", "call_type": "c", "delimiter": ";;"}, "delimiter"),
        ({"received": "t", "call_type": "c", "travel_from": "arrived"}, "travel_from"),
    ],
)
def test_invalid_mappings(raw: dict[str, object], message: str) -> None:
    with pytest.raises(DataError) as err:
        mapping_from_dict(raw)
    assert message in err.value.line()
    assert "\n" not in err.value.line()
