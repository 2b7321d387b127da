"""`sim run` and `sim check` through Typer's CliRunner, and the JSON summary contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.applicable import unexplained
from sim.cli import app, main
from sim.metrics import t_interval
from sim.pipeline import run as run_scenario
from sim.scenario import load_scenario, with_overrides

runner = CliRunner()
FAST = ["--days", "8", "--replications", "3"]

TIME_KEYS = {"mean", "p50", "p90", "p95", "ci95"}


def run_json(demo: Path, *args: str) -> dict:
    result = runner.invoke(app, ["run", str(demo), *FAST, "--json", "-", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_summary_holds_the_documented_contract(demo_path: Path) -> None:
    s = run_json(demo_path)
    top = {"scenario", "seed", "replications", "days", "warmup_days", "calls_per_year",
           "response_min", "wait_min", "teams", "call_types", "cost", "measured",
           "not_applicable"}  # fmt: skip
    assert top <= set(s)
    assert s["replications"] == 3 and s["days"] == 8
    assert set(s["response_min"]) >= TIME_KEYS
    assert TIME_KEYS | {"p_wait"} <= set(s["wait_min"])
    # The interval is the t-interval of the per-replication means (replications independent).
    settings = {"scenario.days": 8, "scenario.replications": 3}
    reps = run_scenario(with_overrides(load_scenario(demo_path), settings)).replications
    expected = t_interval([r.response_min.mean for r in reps])
    assert expected is not None
    assert s["response_min"]["ci95"] == pytest.approx(expected, rel=1e-9)
    assert s["response_min"]["mean"] == pytest.approx(np.mean([r.response_min.mean for r in reps]))
    for team in s["teams"].values():
        keys = {"calls_per_year", "busy_unit_hours_per_year", "staffed_unit_hours_per_year",
                "utilization", "cost_per_year", "response_min", "wait_min"}  # fmt: skip
        assert keys <= set(team)
        assert 0 <= team["utilization"] <= 1
        assert team["busy_unit_hours_per_year"] <= team["staffed_unit_hours_per_year"]
    for ct in s["call_types"].values():
        assert {"calls_per_year", "served_by", "fallback_share", "unserved", "within_target",
                "response_min", "wait_min", "sample_calls"} <= set(ct)  # fmt: skip
        assert sum(ct["served_by"].values()) <= 1 + 1e-9
    assert {"per_year", "per_call"} <= set(s["cost"])
    teams = sum(t["cost_per_year"] for t in s["teams"].values())
    assert s["cost"]["per_year"] == pytest.approx(teams)
    # One period: the measured days' totals, scaled by 365 / measured days, are the per-year
    # figures (hand check: 8 days less 2 of warm-up → × 365 / 6).
    m = s["measured"]
    assert m["days"] == 6
    assert s["calls_per_year"] == pytest.approx(m["calls"] * 365 / 6)
    assert s["cost"]["per_year"] == pytest.approx(m["cost"] * 365 / 6)
    assert s["cost"]["per_call"] == pytest.approx(m["cost"] / m["calls"])
    # Every figure is a finite number or explicitly not applicable, with a reason.
    assert unexplained(s) == []


def test_same_seed_gives_identical_json(demo_path: Path) -> None:
    assert run_json(demo_path, "--seed", "5") == run_json(demo_path, "--seed", "5")
    assert run_json(demo_path, "--seed", "5") != run_json(demo_path, "--seed", "6")


def test_terminal_summary_and_events(demo_path: Path, tmp_path: Path) -> None:
    events = tmp_path / "calls.parquet"
    out = tmp_path / "summary.json"
    result = runner.invoke(
        app, ["run", str(demo_path), *FAST, "--events", str(events), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Teams" in result.stdout and "community" in result.stdout
    frame = pd.read_parquet(events)
    summary = json.loads(out.read_text())
    assert set(frame["replication"]) == {0, 1, 2}
    measured = frame[frame["arrival"] >= 2 * 1440]
    assert len(measured) / 3 == pytest.approx(summary["measured"]["calls"])
    assert "Teams (per year)" in result.stdout and "calls per year" in result.stdout
    assert set(frame["state"]) <= {"served", "no_dispatch", "waiting"}
    csv = tmp_path / "calls.csv"
    assert runner.invoke(app, ["run", str(demo_path), *FAST, "--events", str(csv)]).exit_code == 0
    assert len(pd.read_csv(csv)) == len(frame)


def test_check(demo_path: Path) -> None:
    result = runner.invoke(app, ["check", str(demo_path)])
    assert result.exit_code == 0 and result.stdout.startswith("ok:")


def test_user_mistakes_exit_2_with_one_line(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(demo_path.read_text().replace("units = 16", "units = -16"))
    result = runner.invoke(app, ["run", str(bad)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "teams.police.units" in lines[0]
    # Typer's own usage errors go through main(), which also keeps them to one line.
    for argv in (["run", str(tmp_path / "nope.toml")], ["run", str(demo_path), "--days", "x"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:")


def test_unwritable_output_fails_before_running(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    result = runner.invoke(app, ["run", str(demo_path), *FAST, "--json", str(target)])
    assert result.exit_code == 2 and "folder does not exist" in result.stderr
    assert not target.exists()


def test_overload_is_reported_plainly(demo_path: Path, tmp_path: Path) -> None:
    thin = tmp_path / "thin.toml"
    thin.write_text(demo_path.read_text().replace("units = 16", "units = 6"))
    result = runner.invoke(app, ["run", str(thin), *FAST, "--json", str(tmp_path / "o.json")])
    assert result.exit_code == 0
    assert "Demand exceeds capacity" in result.stdout
    summary = json.loads((tmp_path / "o.json").read_text())
    assert summary["unserved"] > 100 and summary["warnings"]


HEAVY = ("scipy.stats", "pandas", "matplotlib", "dask", "distributed", "pyarrow")


@pytest.mark.parametrize("argv", [["--help"], ["check", "scenarios/demo.toml"]])
def test_start_up_imports_nothing_heavy(argv: list[str]) -> None:
    """`sim --help` and `sim check` start fast because they never import the heavy libraries
    (benchmarks/startup.py times them; this keeps the reason true)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom sim.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n"
        f"    pass\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          cwd=root, check=True)  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_a_run_does_not_import_pandas_or_scipy_stats(demo_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom sim.cli import main\nmain(sys.argv[1:])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    argv = ["run", str(demo_path), "--days", "3", "--replications", "2"]
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
