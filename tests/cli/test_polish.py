"""The command line's finish: --version, readable help, mistakes caught before any work, and
what an --events file carries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

from sim import __version__
from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.toml"
runner = CliRunner()


def commands() -> dict[str, Any]:
    """Every command (Typer's click-like objects), by how it is typed, ``program apply`` too."""
    group: Any = typer.main.get_command(app)
    out: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group of its own
            out.update({f"{name} {sub}": c for sub, c in cmd.commands.items()})
        else:
            out[name] = cmd
    return out


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"sim {__version__}"


def test_the_command_list_is_not_cut_short() -> None:
    text = runner.invoke(app, ["--help"], terminal_width=80).stdout
    for name, cmd in commands().items():
        if " " in name:
            continue
        first = (cmd.callback.__doc__ or "").strip().splitlines()[0]
        assert " ".join(first.split()) in " ".join(text.split()), name
    assert "..." not in text.split("Commands:")[1] and "…" not in text


@pytest.mark.parametrize("name", sorted(commands()))
def test_help_shows_every_option_whole_and_no_bool(name: str) -> None:
    """At 80 columns: no <bool> on a flag, no option name cut with '…'."""
    result = runner.invoke(app, [*name.split(), "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<bool>" not in text and "…" not in text
    for param in commands()[name].params:
        if param.param_type_name == "option":
            for opt in param.opts:
                assert re.search(rf"(^|[\s,]){re.escape(opt)}\b", text), (name, opt)


def test_events_refuses_a_format_it_cannot_write_before_running(tmp_path: Path) -> None:
    json_out = tmp_path / "run.json"
    for bad in ("calls.txt", "calls"):
        result = runner.invoke(app, ["run", str(DEMO), "--events", str(tmp_path / bad),
                                     "--json", str(json_out)])  # fmt: skip
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and ".csv or .parquet" in result.stderr
    assert not json_out.exists()  # nothing ran, nothing was written


def test_report_of_a_table_points_to_the_json_beside_it(tmp_path: Path) -> None:
    table = tmp_path / "vans.csv"
    table.write_text("variant\n")
    result = runner.invoke(app, ["report", str(table), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "not results JSON" in result.stderr
    assert "sim sweep writes beside" in result.stderr
    (tmp_path / "vans.json").write_text("{}")
    result = runner.invoke(app, ["report", str(table), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and f"give {tmp_path / 'vans.json'}" in result.stderr


def test_events_rows_carry_clock_time_and_response(tmp_path: Path) -> None:
    events = tmp_path / "calls.csv"
    args = ["run", str(DEMO), "--days", "3", "--replications", "1", "--events", str(events)]
    assert runner.invoke(app, args).exit_code == 0
    frame = pd.read_csv(events)
    assert list(frame.columns[:5]) == ["replication", "call", "day", "clock", "arrival"]
    first = frame.iloc[0]
    minute = int(first["arrival"])
    assert first["day"] == minute // 1440 + 1
    assert first["clock"] == f"Mon {minute // 60:02d}:{minute % 60:02d}"
    assert frame["clock"].str.match(r"^(Mon|Tue|Wed) \d\d:\d\d$").all()
    served = frame[frame["state"] == "served"]
    assert (served["response"] - (served["on_scene"] - served["arrival"])).abs().max() < 1e-3
    assert frame.loc[frame["state"] != "served", "response"].isna().all()
