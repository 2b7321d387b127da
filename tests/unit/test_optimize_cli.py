"""`sim optimize` from the command line: the plan, the written scenario, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import load_scenario

runner = CliRunner()
FAST = ["--days", "4", "--replications", "4", "--workers", "1"]
TARGET = "eligible.response_min.p90<=40@75%"


def test_optimize_reports_the_plan_and_writes_a_scenario(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "planned.toml"
    result = runner.invoke(
        app, ["optimize", str(demo_path), *FAST, "--team", "community", "--target", TARGET,
              "--block-hours", "8", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Plan for team" in result.stdout and "16:00–24:00" in result.stdout
    assert "Shifts: mon-sun 16:00–00:00 × 1" in result.stdout
    # 3 of 4 replications: the estimate meets the target, its exact interval (19%–99%) not.
    assert "replications meeting it" in result.stdout and "likely" in result.stdout
    planned = load_scenario(out)
    original = load_scenario(demo_path)
    assert planned.scenario == original.scenario  # the file's own run settings, not --days
    assert planned.teams["police"] == original.teams["police"]
    shifts = planned.teams["community"].shifts
    assert shifts and all(8 * 60 <= s.length_min() <= 12 * 60 for s in shifts)
    text = out.read_text()
    assert text.startswith("# Optimized by `sim optimize` for team 'community'")
    # The source file's comments are kept: every comment line of the demo is still there.
    comments = [
        ln.strip() for ln in demo_path.read_text().splitlines() if ln.strip().startswith("#")
    ]
    assert comments and all(c in text for c in comments)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "vans", "--target", TARGET], "'vans' is not a team"),
        (["--team", "community", "--target", "p90 below 20"], "MEASURE<=VALUE"),
        (["--team", "community", "--target", "response_min.p90<=1.2.3"], "MEASURE<=VALUE"),
        (["--team", "community", "--target", "eligible.response_min.p90<=20@0.5.5"], "VALUE"),
        (["--team", "community", "--target", "eligible.response.p90<=20"], "nearest"),
        (["--team", "community", "--target", TARGET, "--block-hours", "5"], "does not divide"),
        (["--team", "community", "--target", TARGET, "-o", "/no/dir/x.toml"], "does not exist"),
        (["--team", "community", "--target", TARGET, "--min-shift-hours", "6"], "whole number"),
        (
            [
                "--team",
                "community",
                "--target",
                TARGET,
                "--min-shift-hours",
                "12",
                "--max-shift-hours",
                "8",
            ],
            "longer than the longest",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(demo_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["optimize", str(demo_path), *FAST, *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
