"""`sim sweep` from the command line: results files, bad input, and resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
FAST = ["--days", "3", "--replications", "3", "--workers", "1"]
UNITS = "teams.community.shifts.0.units"


def sweep(demo: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sweep", str(demo), *FAST, *args])
    return result.exit_code, result.stdout, result.stderr


def test_sweep_writes_rows_json_frontier_and_plot(demo_path: Path, tmp_path: Path) -> None:
    out, png = tmp_path / "r.csv", tmp_path / "front.png"
    code, stdout, stderr = sweep(
        demo_path, "--vary", f"{UNITS}=1..3", "--vary", "teams.community.shifts.0.end=19:00,23:00",
        "-o", str(out), "--frontier", "eligible.response_min.p90", "--plot", str(png),
    )  # fmt: skip
    assert code == 0, stderr
    rows = pd.read_csv(out)
    assert len(rows) == 6 and list(rows.columns[:3]) == [
        "variant",
        UNITS,
        "teams.community.shifts.0.end",
    ]
    assert rows.loc[0, "variant"] == "units=1, end=19:00"
    assert (rows["vs_baseline.cost.per_year"].iloc[1:] > 0).all()  # more hours or vans cost more
    doc = json.loads(out.with_suffix(".json").read_text())
    assert doc["baseline"] == "units=1, end=19:00" and doc["complete"]
    assert doc["variants"][2]["summary"]["replications"] == 3
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Efficient frontier" in stdout and "units=1, end=19:00" in stdout
    # Each variant's measures per replication are kept, for the frontier's paired tests.
    assert len(doc["variants"][0]["values"]["cost.per_year"]) == 3


BAD = [
    (["--vary", "teams.comunity.shifts.0.units=1..2"], "nearest: teams.community.shifts.0.units"),
    (["--vary", f"{UNITS}=two,three"], "variant 'units=two'"),
    (["--vary", f"{UNITS}=1,-2"], "variant 'units=-2'"),
    (["--vary", f"{UNITS}"], "PATH=VALUES"),
    (["--vary", f"{UNITS}=1..2", "--baseline", "units=9"], "not a variant"),
    (["--vary", f"{UNITS}=1..2", "--frontier", "response.p90"], "nearest: response_min.p90"),
    (["--vary", f"{UNITS}=1..2", "--dask", "tcp://127.0.0.1:9"], "cannot reach the Dask"),
    (["--vary", f"{UNITS}=1..2", "-o", "/no/such/dir/r.csv"], "folder does not exist"),
    (["--vary", f"{UNITS}=1..2", "-o", "r.xlsx"], ".csv, .parquet or .json"),
    (["--vary", f"{UNITS}=1..2", "--resume"], "--resume needs the results file"),
    ([], "nothing to vary"),
    (["--vary", "scenario.replications=2,5"], "use --replications"),
    (["--vary", "scenario.seed=1,2"], "use --seed"),
    (["--vary", "scenario.name=a,b"], "cannot differ between variants"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_and_exit_2(demo_path: Path, args: list[str], message: str) -> None:
    code, stdout, stderr = sweep(demo_path, *args)
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: ") and stderr.count("\n") == 1
    assert message in stderr


def test_resume_after_a_finished_sweep_keeps_the_results(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert sweep(demo_path, "--vary", f"{UNITS}=1,2", "-o", str(out))[0] == 0
    assert not out.with_name("r.csv.journal").exists()  # finished: the journal is deleted
    before = out.read_bytes()
    code, _, stderr = sweep(demo_path, "--vary", f"{UNITS}=1,3", "-o", str(out), "--resume")
    assert code == 2 and "nothing can be resumed" in stderr and stderr.count("\n") == 1
    assert out.read_bytes() == before


def test_a_killed_sweep_resumes_to_the_uninterrupted_result(
    demo_path: Path, tmp_path: Path
) -> None:
    # 60 days: the six variants left after two take about a second, a wide margin over the
    # 20 ms poll even on a loaded machine
    args = [str(demo_path), "--days", "60", "--replications", "3", "--workers", "1",
            "--vary", f"{UNITS}=1..8"]  # fmt: skip
    whole = tmp_path / "whole.csv"
    assert runner.invoke(app, ["sweep", *args, "-o", str(whole)]).exit_code == 0

    out = tmp_path / "killed.csv"
    cmd = [sys.executable, "-m", "sim", "sweep", *args, "-o", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and len(pd.read_csv(out)) >= 2:  # two variants have finished
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the sweep ended before it could be killed"
    done = len(pd.read_csv(out))
    assert 2 <= done < 8

    result = runner.invoke(app, ["sweep", *args, "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.stderr
    ran = int(result.stderr.split("(")[1].split()[0])  # "(N replications run, …"
    assert ran <= (8 - done) * 3  # the finished variants were not run again
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(whole))
    assert not out.with_name(out.name + ".journal").exists()  # complete: journal deleted


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_worker_pool_cleanly_and_says_how_to_resume(
    demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"
    # 28 days: the variants left after the first take over a second, a wide margin over the
    # 20 ms poll even on a loaded machine
    args = [str(demo_path), "--days", "28", "--replications", "3", "--vary", f"{UNITS}=1..12",
            "-o", str(out)]  # fmt: skip
    cmd = [sys.executable, "-m", "sim", "sweep", *args, "--workers", "2"]
    # A shell that starts the tests in the background (``nohup … &``) ignores SIGINT, and an
    # ignored SIGINT is inherited: Python then never raises KeyboardInterrupt. The sweep gets
    # the default disposition, as it has when a user runs it in a terminal.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not out.exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert stderr.startswith("interrupted — ") and "--resume" in stderr
    assert "Traceback" not in stderr
    result = runner.invoke(app, ["sweep", *args, "--workers", "1", "--resume"])
    assert result.exit_code == 0, result.stderr
    assert len(pd.read_csv(out)) == 12


def test_resume_of_a_finished_sweep_says_nothing_to_do(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert sweep(demo_path, "--vary", f"{UNITS}=1,2", "-o", str(out))[0] == 0
    before = out.read_bytes()
    code, stdout, stderr = sweep(demo_path, "--vary", f"{UNITS}=1,2", "-o", str(out), "--resume")
    assert code == 0, stderr
    assert "nothing to do" in stderr and stderr.count("\n") == 1 and stdout == ""
    assert out.read_bytes() == before


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_of_a_killed_sweep_exit_on_their_own(demo_path: Path, tmp_path: Path) -> None:
    args = [str(demo_path), "--days", "60", "--replications", "4", "--vary", f"{UNITS}=1..8",
            "-o", str(tmp_path / "r.csv"), "--workers", "3"]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [p for p in _children(proc.pid) if "spawn_main" in _cmdline(p)]
        if len(workers) == 2:
            break
        time.sleep(0.05)
    assert len(workers) == 2, "the sweep did not start two worker processes (--workers 3)"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "workers outlived the killed sweep"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""
