"""The README's worked examples are what `sim run scenarios/demo.toml`, `sim compare` of a
shipped city with a shipped program template, and the sweep, optimize and sensitivity
examples print today, and its Python API example runs.

After a change that moves a number, ``SIM_UPDATE_README=1 .venv/bin/pytest
tests/golden/test_readme.py`` writes each example's block afresh from a real run (review the
diff: a change in an example is a change in results, like a golden's).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.fit.synthetic import write_synthetic
from sim.scenario import load_scenario


def _block(command: str) -> re.Match[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"```text\n\$ {re.escape(command)}\n(.*?)```", text, re.S)
    assert block, f"README.md has no worked example of `{command}`"
    return block


def readme_block(command: str) -> list[str]:
    """The lines of the README's ```text block that starts with `$ COMMAND`, after it."""
    return [line.rstrip() for line in _block(command).group(1).splitlines()]


def check_block(command: str, printed: list[str]) -> None:
    """The README's block of ``command`` is ``printed`` (rewritten so under
    SIM_UPDATE_README=1)."""
    if os.environ.get("SIM_UPDATE_README"):
        block = _block(command)
        text = block.string
        fresh = "".join(f"{line}\n" for line in printed)
        (ROOT / "README.md").write_text(text[: block.start(1)] + fresh + text[block.end(1) :])
    assert printed == readme_block(command)


def readme_example() -> list[str]:
    """The lines of the README's `$ sim run scenarios/demo.toml` block, after the prompt."""
    return readme_block("sim run scenarios/demo.toml")


COMPARE = (
    "sim compare scenarios/cities/berkeley_2014.toml --program scenarios/programs/cahoots_like.toml"
)


def test_readme_program_example_matches_a_real_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-page summary and the budget table of a shipped program in a shipped city."""
    monkeypatch.chdir(ROOT)  # the command as the README gives it, from the repository
    result = CliRunner().invoke(app, COMPARE.split()[1:])
    assert result.exit_code == 0, result.output
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    check_block(COMPARE, printed)
    # It shows the five sentences, the workforce and the budget lines (not only a table).
    assert sum(line.startswith("• ") for line in printed) == 5
    assert any(line.startswith("Budget of cahoots") for line in printed)
    assert any("$1,125,804" in line for line in printed)  # tests/golden/test_budgets.py


def test_readme_worked_example_matches_a_real_run() -> None:
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "demo.toml")])
    assert result.exit_code == 0, result.output
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    # Exact text: the run is deterministic (fixed seed); a change to the engine, the demo or
    # the table layout must come with a fresh example in README.md.
    check_block("sim run scenarios/demo.toml", printed)


EXAMPLES = [
    "sim sweep scenarios/demo.toml --vary teams.community.shifts.0.units=1..4 \\\n"
    "    --vary teams.community.shifts.0.end=19:00,23:00 \\\n"
    "    --frontier eligible.response_min.p90 --plot frontier.png -o vans.csv",
    "sim optimize scenarios/demo.toml --team community \\\n"
    "    --target 'eligible.response_min.p90<=40@90%' --target 'teams.police.utilization<=0.72' "
    "\\\n    -o demo_planned.toml",
    "sim sensitivity scenarios/demo.toml --json sens.json",
]


@pytest.mark.parametrize("command", EXAMPLES, ids=lambda c: c.split()[1])
def test_readme_examples_match_real_runs(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run where the user would (beside scenarios/), in this process (`--workers 1`: every
    executor gives the same numbers); what the command prints on stdout is the block."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command.replace("\\\n", " "))[1:]
    result = CliRunner().invoke(app, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    check_block(command, [line.rstrip() for line in result.stdout.splitlines()])


def readme_python() -> str:
    """The README's notebook-style example of the Python API."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python API\n.*?```python\n(.*?)```", text, re.S)
    assert block, "README.md has no Python API example"
    return block.group(1)


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the example where the user would: beside scenarios/ and their export."""
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    files = write_synthetic(demo, tmp_path, days=14, seed=3)  # the user's export, synthetic
    for written, name in ((files.csv, "calls.csv"), (files.mapping, "mapping.toml"),
                          (files.taxonomy, "taxonomy.toml")):  # fmt: skip
        written.rename(tmp_path / name)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        exec(compile(readme_python(), "README.md", "exec"), namespace)
    printed = out.getvalue().splitlines()
    # The run's mean response is the worked example's, with two workers as with one.
    worked = next(line for line in readme_example() if line.startswith("│ response, min"))
    mean = worked.split("│")[2].split()[0]
    assert printed[0] == mean and f"# {mean}, as `sim run` prints" in readme_python()
    result = namespace["result"]
    assert isinstance(result, sim.RunResult) and isinstance(result.summary, sim.Summary)
    records = result.records
    assert len(records) == sum(len(r) for r in result.replication_records) > 0
    assert set(records["replication"]) == set(range(10))
    vans = namespace["vans"]
    assert isinstance(vans, sim.SweepResult) and [r.variant for r in vans.rows] == [
        "units=1",
        "units=2",
        "units=3",
    ]
    city = namespace["city"]
    assert isinstance(city, sim.FitResult) and set(city.scenario.call_types) >= {"traffic"}


def test_readme_documents_every_mapping_key_and_its_example_loads() -> None:
    import tomllib

    from sim.data.mapping import MAPPING_KEYS, mapping_from_dict

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### The mapping format", 1)[1].split("\n## ", 1)[0]
    missing = [k for k in MAPPING_KEYS if f"`{k}`" not in section]
    assert not missing, f"README's mapping format lacks {missing}"
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example
    assert mapping_from_dict(tomllib.loads(example.group(1))).received == "Call Received"


def test_readme_lists_every_command() -> None:
    from typer.main import get_command

    group = get_command(app)
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1]
    table = table.split("\n## ", 1)[0]
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"`sim {name} " in table, f"README's commands table lacks sim {name}"
