"""The dispatch levers from the command line: bad values, sweeps over them, optimize with them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import load_scenario

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "examples"
FAST = ["--days", "4", "--replications", "3", "--workers", "1"]


def edited(tmp_path: Path, example: str, old: str, new: str) -> Path:
    text = (EXAMPLES / f"{example}.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{example}.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BAD = [
    ("welfare_share", "share = 0.6", "share = 1.5",
     "call_types.welfare_check.response.0.share: Input should be less than or equal to 1"),
    ("transport_van", "25, time_min = { dist = \"lognormal\", median = 25, p90 = 45 }", "25",
     "transport.van: time_min: a transport probability needs a transport time"),
    ("transport_van", "area_km2 = 160", "area_km2 = 0",
     "teams.van.coverage.area_km2: Input should be greater than 0"),
    ("transport_van", "speed_kmh = 30", "speed_kmh = inf", "teams.van.coverage.speed_kmh"),
    ("seasonal_city", "start_date = 2024-01-01", "start_date = 2024-01-03",
     "2024-01-03 is a Wednesday; the simulation starts on a Monday: use 2024-01-01 or 2024-01-08"),
    ("seasonal_city", "start_date = 2024-01-01", "# no start date",
     "monthly: month-of-year factors need scenario.start_date"),
    ("seasonal_city", "growth_per_year = 0.08", "growth_per_year = -1.5",
     "behavioral_health.growth_per_year: Input should be greater than -1"),
    ("welfare_share", "preempt = [1]", "preempt = [0]", "dispatch.preempt: priorities are whole"),
    ("co_responder", 'role = "clinician"', 'role = "clinican"',
     "teams.clinician.role: Input should be"),
    ("co_responder", 'co_responder = { team = "clinician", joins = "when_free" } },\n]',
     'co_responder = { team = "clinician", joins = "together" } },\n]',
     "response.1.co_responder: a call that waits for two teams together cannot be the last"),
    ("co_responder", 'joins = "together"', 'joins = "maybe"',
     "co_responder.joins: Input should be"),
    ("co_responder", 'co_responder = { team = "clinician", joins = "together" }',
     'co_responder = { team = "police", joins = "together" }', "is the option's own team"),
]  # fmt: skip


@pytest.mark.parametrize(("example", "old", "new", "message"), BAD)
def test_a_bad_value_is_one_line_naming_the_key_and_exit_2(
    tmp_path: Path, example: str, old: str, new: str, message: str
) -> None:
    path = edited(tmp_path, example, old, new)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_sweep_varies_the_share_and_the_preemption_switch(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(
        app,
        ["sweep", str(EXAMPLES / "welfare_share.toml"), *FAST,
         "--vary", "call_types.welfare_check.response.0.share=0.3,0.6",
         "--vary", "dispatch.preempt=[],[1]", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(out)
    assert len(rows) == 4
    doc = json.loads(out.with_suffix(".json").read_text())
    summaries = {v["name"]: v["summary"] for v in doc["variants"]}
    share = {n: s["teams"]["community"]["calls_per_year"] for n, s in summaries.items()}
    # Common random numbers: the same welfare checks, so a larger share never gives the vans
    # fewer of them (the same draws decide, the threshold only moves).
    assert share["share=0.6, preempt=[]"] >= share["share=0.3, preempt=[]"]


def test_a_sweep_refuses_a_bad_share_before_running(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["sweep", str(EXAMPLES / "welfare_share.toml"), *FAST,
         "--vary", "call_types.welfare_check.response.0.share=0.5,2"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "variant 'share=2'" in result.stderr


def test_sweeps_reach_transport_coverage_and_the_off_duty_switch(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(
        app,
        ["sweep", str(EXAMPLES / "transport_van.toml"), *FAST,
         "--vary", "teams.van.coverage.area_km2=80,320",
         "--vary", "call_types.behavioral_health.transport.van.probability=0,0.5",
         "--vary", "dispatch.skip_off_duty=true,false", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text())
    assert len(doc["variants"]) == 8


def test_optimize_plans_vans_in_a_scenario_with_the_levers(tmp_path: Path) -> None:
    out = tmp_path / "planned.toml"
    result = runner.invoke(
        app,
        ["optimize", str(EXAMPLES / "transport_van.toml"), *FAST, "--team", "van",
         "--target", "eligible.response_min.p90<=40", "--block-hours", "8", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    planned = load_scenario(out)
    assert (
        planned.teams["van"].coverage
        == load_scenario(EXAMPLES / "transport_van.toml").teams["van"].coverage
    )
    assert planned.call_types["behavioral_health"].transport
