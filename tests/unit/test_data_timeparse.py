"""Timestamp parsing: the forms exports use, detected from a sample and parsed in bulk."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from sim.data.timeparse import (
    TimezoneNeeded,
    parse_datetimes,
    parse_numbers,
    parse_times_of_day,
)


def dt(text: str) -> np.datetime64:
    return np.datetime64(text, "ns")


@pytest.mark.parametrize(
    ("values", "expected", "fmt"),
    [
        (
            ["2018-05-01 00:10:28", "2018-05-01T23:01:02"],
            ["2018-05-01T00:10:28", "2018-05-01T23:01:02"],
            "ISO8601",
        ),
        (["2018-05-01T00:10:28.500"], ["2018-05-01T00:10:28.500"], "ISO8601"),
        (
            ["04/07/2020 11:53:08 PM", "04/08/2020 12:00:00 AM"],
            ["2020-04-07T23:53:08", "2020-04-08T00:00:00"],
            "%m/%d/%Y %I:%M:%S %p",
        ),
        (
            ["1/1/2022 1:07", "12/31/2022 23:59"],
            ["2022-01-01T01:07", "2022-12-31T23:59"],
            "%m/%d/%Y %H:%M",
        ),
        (["3/9/2021 14:12"], ["2021-03-09T14:12"], "%m/%d/%Y %H:%M"),
    ],
)
def test_common_datetime_forms(values: list[str], expected: list[str], fmt: str) -> None:
    parsed = parse_datetimes(pa.array(values))
    assert list(parsed.values) == [dt(e) for e in expected]
    assert parsed.fmt == fmt
    assert not parsed.failed.any()
    assert parsed.values.dtype == np.dtype("datetime64[ns]")


def test_rows_that_drop_midnight_time_still_parse() -> None:
    parsed = parse_datetimes(
        pa.array(["04/07/2020 11:53:08 PM", "04/08/2020", "04/08/2020 01:00:00 AM"])
    )
    assert parsed.values[1] == dt("2020-04-08T00:00")
    assert not parsed.failed.any()


def test_blanks_are_missing_not_failed() -> None:
    parsed = parse_datetimes(pa.array(["2020-01-01 10:00:00", "", "  ", None]))
    assert np.isnat(parsed.values[1:]).all()
    assert not parsed.failed.any()


def test_garbage_is_marked_failed() -> None:
    parsed = parse_datetimes(pa.array(["2020-01-01 10:00:00", "not a time", "2020-01-02 10:00:00"]))
    assert parsed.failed.tolist() == [False, True, False]


def test_explicit_format_wins() -> None:
    parsed = parse_datetimes(pa.array(["03/04/2020 10:00"]), fmt="%d/%m/%Y %H:%M")
    assert parsed.values[0] == dt("2020-04-03T10:00")


def test_utc_offsets_need_a_timezone() -> None:
    with pytest.raises(TimezoneNeeded):
        parse_datetimes(pa.array(["2020-06-01T12:00:00Z", "2020-06-01T13:00:00+00:00"]))


def test_utc_offsets_become_local_wall_clock() -> None:
    parsed = parse_datetimes(
        pa.array(["2020-06-01T12:00:00Z", "2020-01-01T12:00:00Z"]), timezone="America/Chicago"
    )
    assert list(parsed.values) == [dt("2020-06-01T07:00"), dt("2020-01-01T06:00")]


def test_native_timestamps_pass_through() -> None:
    arr = pa.array([np.datetime64("2020-01-01T05:06:07", "us"), None], pa.timestamp("us"))
    parsed = parse_datetimes(arr)
    assert parsed.values[0] == dt("2020-01-01T05:06:07")
    assert np.isnat(parsed.values[1])


@pytest.mark.parametrize(
    ("values", "minutes"),
    [
        (["6:10:00 AM", "12:30:00 PM", "12:05:00 AM"], [370, 750, 5]),
        (["18:10", "00:00"], [1090, 0]),
        (["18:10:30"], [1090.5]),
        (["0610", "2359", "5"], [370, 1439, 5]),
        (["12/30/1899 06:10:00 AM"], [370]),
    ],
)
def test_time_of_day_forms(values: list[str], minutes: list[float]) -> None:
    parsed = parse_times_of_day(pa.array(values))
    got = parsed.values / np.timedelta64(1, "m")
    assert got.tolist() == minutes


def test_numbers_accept_thousands_separators_and_flag_text() -> None:
    parsed = parse_numbers(pa.array(["1,320", "60.5", "", "n/a"]))
    assert parsed.values[:2].tolist() == [1320.0, 60.5]
    assert np.isnan(parsed.values[2])
    assert parsed.failed.tolist() == [False, False, False, True]
