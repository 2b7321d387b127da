"""Backtest: a known city, simulated into an export, fitted and backtested, comes back.

The known scenario has what real cities have and the fit must now see: shifts (units on duty
change by block), officer-initiated and administrative work that occupies units, priority
mixes within call types, and enough load that units run out in most blocks (so their
number shows in the export's concurrency). Tolerances are issue 9's bars: units on duty
within ±1 per block, response p50 and p90 within 5% of the recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.backtest import BacktestResult, backtest
from sim.backtest.measures import CallData, Window, busy_per_hour
from sim.cli import app
from sim.errors import DataError
from sim.fit.build import FitOptions, FitResult, fit_calls
from sim.fit.staffing import BLOCK_HOURS
from sim.fit.synthetic import SyntheticFiles, write_synthetic
from sim.scenario import Scenario, from_dict

WEEKS = 8
EVENING = [0.6] * 7 + [1.0] * 9 + [1.5] * 6 + [0.9] * 2


def known() -> Scenario:
    scene = {"police": {"dist": "lognormal", "mean": 45, "cv": 0.8}}
    handling = {"dist": "gamma", "mean": 2.0, "cv": 0.7}
    public: dict[str, Any] = {"response": [{"team": "police"}], "on_scene_min": scene,
                              "dispatch_delay_min": handling}  # fmt: skip
    shifts = [
        {"start": "00:00", "end": "08:00", "units": 6},
        {"start": "08:00", "end": "16:00", "units": 9},
        {"days": "mon-thu", "start": "16:00", "end": "24:00", "units": 12},
        {"days": "fri-sun", "start": "16:00", "end": "24:00", "units": 13},
    ]
    return from_dict({
        "scenario": {"name": "known city", "days": 7, "seed": 3},
        "teams": {"police": {"shifts": shifts, "travel_min":
                             {"dist": "lognormal", "mean": 8, "cv": 0.6}}},
        "call_types": {
            "violent_crime": {**public, "calls_per_day": 45.0, "hourly": EVENING,
                              "priority": {1: 0.6, 2: 0.4}},
            "welfare_check": {**public, "calls_per_day": 60.0, "hourly": EVENING,
                              "priority": {2: 0.5, 3: 0.5}},
            "noise_quality_of_life": {**public, "calls_per_day": 45.0, "hourly": EVENING,
                                      "priority": 3},
            "officer_initiated": {"calls_per_day": 40.0, "origin": "officer", "priority": 4,
                                  "response": [{"team": "police"}],
                                  "on_scene_min": {"police": {"dist": "exponential",
                                                              "mean": 25}}},
            "administrative": {"calls_per_day": 10.0, "origin": "admin", "priority": 4,
                               "response": [{"team": "police"}],
                               "on_scene_min": {"police": {"dist": "gamma", "mean": 60,
                                                           "cv": 0.5}}},
        },
    })  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFiles:
    return write_synthetic(known(), tmp_path_factory.mktemp("bt"), days=7 * WEEKS, seed=11)


@pytest.fixture(scope="module")
def fitted(export: SyntheticFiles) -> FitResult:
    options = FitOptions(smoothing="product", cap_quantile=None, replications=10, seed=2)
    return fit_calls(export.csv, export.mapping, taxonomy=export.taxonomy, options=options)


@pytest.fixture(scope="module")
def result(fitted: FitResult, export: SyntheticFiles) -> BacktestResult:
    return backtest(fitted.scenario, export.csv, export.mapping, export.taxonomy)


def test_units_on_duty_come_back_within_one_per_block(fitted: FitResult) -> None:
    true = known().teams["police"].on_duty().reshape(-1, BLOCK_HOURS * 60)[:, 0]
    got = fitted.scenario.teams["police"].on_duty().reshape(-1, BLOCK_HOURS * 60)[:, 0]
    assert np.max(np.abs(got - true)) <= 1, np.stack([true, got]).reshape(2, 7, -1)
    assert "from the data" in fitted.report.units_from


def test_other_work_and_priority_mixes_are_fitted(fitted: FitResult) -> None:
    cts = fitted.scenario.call_types
    assert cts["officer_initiated"].origin == "officer"
    assert cts["administrative"].origin == "admin"
    # 56 days × 40/day: the rate within 4 Poisson standard errors.
    assert cts["officer_initiated"].calls_per_day == pytest.approx(40, abs=4 * (40 / 56) ** 0.5)
    mix = cts["violent_crime"].priority
    assert isinstance(mix, dict) and set(mix) == {1, 2}
    # ~2,520 calls: a share's SE is ~0.0098; 4 SE.
    assert mix[1] == pytest.approx(0.6, abs=0.04)
    # Handling comes from the queue-entry column, not received → dispatched.
    delay = cts["welfare_check"].dispatch_delay_min
    assert delay.mean() == pytest.approx(2.0, rel=0.1)


def test_backtest_reproduces_response_within_five_percent(result: BacktestResult) -> None:
    for stat in ("p50", "p90"):
        row = result.row("response", stat)
        assert row is not None and row.rel_diff is not None
        assert abs(row.rel_diff) <= 0.05, row
    busy = result.row("busy unit-hours", "value")
    assert busy is not None and busy.rel_diff is not None and abs(busy.rel_diff) <= 0.05
    calls = result.row("calls per day", "value")
    assert calls is not None and calls.rel_diff is not None and abs(calls.rel_diff) <= 0.05


def test_backtest_rows_by_priority_and_category(result: BacktestResult) -> None:
    groups = {r.group for r in result.section("response")}
    assert {"priority 1", "priority 2", "priority 3"} <= groups
    assert {"violent_crime", "welfare_check", "noise_quality_of_life"} <= groups
    assert "officer_initiated" not in groups  # not a call from the public
    assert len(result.section("calls by hour")) == 24
    assert len(result.section("busy units by hour")) == 24
    p1 = result.row("response", "p50", "priority 1")
    p3 = result.row("response", "p50", "priority 3")
    assert p1 and p3 and p1.recorded and p3.recorded and p1.recorded < p3.recorded


def test_busy_per_hour_splits_intervals_exactly() -> None:
    """A hand-computed case: 30–150 min (one unit) and 170–175 min (two units)."""
    data = CallData(*(np.zeros(2) for _ in range(6)), busy_start=np.array([30.0, 170.0]),
                    busy_end=np.array([150.0, 175.0]), busy_units=np.array([1.0, 2.0]))  # fmt: skip
    assert busy_per_hour(data, 4).tolist() == [30.0, 60.0, 40.0, 0.0]
    window = Window(np.ones(4, bool))
    assert window.days == pytest.approx(4 / 24)


def test_export_without_times_says_what_it_cannot_support(
    fitted: FitResult, export: SyntheticFiles, tmp_path: Path
) -> None:
    mapping = tmp_path / "times_less.toml"
    mapping.write_text('received = "received"\ncall_type = "call_type"\n', encoding="utf-8")
    out = backtest(fitted.scenario, export.csv, mapping, export.taxonomy, replications=2)
    for section in ("wait", "response", "busy unit-hours"):
        rows = out.section(section)
        assert rows and all(r.verdict == "not in the export" for r in rows), section
        assert all(r.simulated is not None for r in rows if r.group == "all")
    calls = out.row("calls per day", "value")
    assert calls is not None and calls.verdict != "not in the export"
    assert "no priority" in " ".join(out.notes)


def test_a_window_with_no_calls_is_one_clear_error(
    fitted: FitResult, export: SyntheticFiles
) -> None:
    from datetime import datetime

    with pytest.raises(DataError, match="no calls left"):
        backtest(fitted.scenario, export.csv, export.mapping, export.taxonomy,
                 start=datetime(2030, 1, 1))  # fmt: skip


runner = CliRunner()


def test_cli_backtest_json_report_and_errors(
    fitted: FitResult, export: SyntheticFiles, tmp_path: Path
) -> None:
    city = tmp_path / "city.toml"
    city.write_text(fitted.text, encoding="utf-8")
    out, page = tmp_path / "bt.json", tmp_path / "bt.html"
    args = ["backtest", str(city), str(export.csv), "--mapping", str(export.mapping),
            "--taxonomy", str(export.taxonomy), "--replications", "2", "--json", str(out),
            "-o", str(page)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["kind"] == "backtest" and data["replications"] == 2
    assert "Headline" in result.stdout and "within 10%" in result.stdout
    html = page.read_text()
    assert "chart-backtest-calls" in html and "chart-backtest-busy" in html
    again = tmp_path / "again.html"
    assert runner.invoke(app, ["report", str(out), "-o", str(again)]).exit_code == 0
    assert again.read_text() == html  # the page is a function of the JSON
    bad = tmp_path / "bad_mapping.toml"
    bad.write_text('received = "when"\ncall_type = "call_type"\n', encoding="utf-8")
    result = runner.invoke(app, [*args[:4], str(bad)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "column(s) not found" in result.stderr
    late = runner.invoke(app, [*args, "--start", "2030-01-01"])
    assert late.exit_code == 2 and late.stderr.count("\n") == 1
