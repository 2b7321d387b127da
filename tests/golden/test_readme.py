"""The README's worked example is what `sim run scenarios/demo.toml` prints today."""

from __future__ import annotations

import re

from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app


def readme_example() -> list[str]:
    """The lines of the README's `$ sim run scenarios/demo.toml` block, after the prompt."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ sim run scenarios/demo\.toml\n(.*?)```", text, re.S)
    assert block, "README.md has no worked example of `sim run scenarios/demo.toml`"
    return [line.rstrip() for line in block.group(1).splitlines()]


def test_readme_worked_example_matches_a_real_run() -> None:
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "demo.toml")])
    assert result.exit_code == 0, result.output
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    # Exact text: the run is deterministic (fixed seed); a change to the engine, the demo or
    # the table layout must come with a fresh example in README.md.
    assert printed == readme_example()
