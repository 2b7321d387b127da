"""Editing scenario files with their comments kept (sim/tomledit.py, tomlkit)."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import pytest
import tomlkit

from sim.program import apply_program, load_program
from sim.scenario import from_dict, load_scenario, with_overrides
from sim.tomledit import edit_scenario_file, scenario_text, update_document

ROOT = Path(__file__).resolve().parents[2]
CITIES = [*sorted((ROOT / "scenarios" / "cities").glob("*.toml")), ROOT / "scenarios/demo.toml"]
PROGRAMS = sorted((ROOT / "scenarios" / "programs").glob("*.toml"))


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def blocks_above_tables(text: str) -> dict[str, list[str]]:
    """The comment lines right above each [table] header (the note that introduces it)."""
    out: dict[str, list[str]] = {}
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            block.append(line)
        elif line.startswith("["):
            out[line] = block
            block = []
        else:
            block = []
    return out


@pytest.mark.parametrize("city_path", CITIES, ids=lambda p: p.stem)
@pytest.mark.parametrize("program_path", PROGRAMS, ids=lambda p: p.stem)
def test_applying_a_program_keeps_every_comment_where_it_was(
    city_path: Path, program_path: Path
) -> None:
    city, program = load_scenario(city_path), load_program(program_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        planned = apply_program(city, program)
    source = city_path.read_text(encoding="utf-8")
    text = scenario_text(source, city, planned, header=["# planned"],
                         notes={f"teams.{program.responder}": ["from the program"]})  # fmt: skip
    assert from_dict(tomllib.loads(text)) == planned
    assert is_subsequence(comment_lines(source), comment_lines(text))
    before, after = blocks_above_tables(source), blocks_above_tables(text)
    for header, block in before.items():  # each table keeps the comment block above it
        assert after[header] == block, header
    assert f"[teams.{program.responder}]\n# from the program\n" in text
    assert text.startswith("# planned\n\n")


def test_an_optimized_plan_replaces_a_teams_shifts_in_place(demo_path: Path) -> None:
    """What `sim optimize -o` needs: the team's [[shifts]] replaced, the rest of the file —
    comments included — byte for byte as it was."""
    base = load_scenario(demo_path)
    shifts = [{"days": "mon-sun", "start": "00:00", "end": "04:00", "units": 1},
              {"days": "mon-sun", "start": "12:00", "end": "24:00", "units": 2}]  # fmt: skip
    plan = with_overrides(base, {"teams.community.shifts": shifts})
    text = edit_scenario_file(demo_path, plan, header=["# optimized"])
    assert from_dict(tomllib.loads(text)) == plan
    source = demo_path.read_text(encoding="utf-8")
    start = source.index("[[teams.community.shifts]]")
    end = source.index("# Calls per day")
    assert (
        text
        == "# optimized\n\n"
        + source[:start]
        + (
            '[[teams.community.shifts]]\ndays = "mon-sun"\nstart = "00:00"\nend = "04:00"\n'
            'units = 1\n\n[[teams.community.shifts]]\ndays = "mon-sun"\nstart = "12:00"\n'
            'end = "24:00"\nunits = 2\n\n'
        )
        + source[end:]
    )


def test_update_document_touches_only_what_changed() -> None:
    """New keys go in above the comment that introduces the next table; lists that grew keep
    their layout; removed keys go; unchanged values keep their text (``1`` stays ``1``)."""
    source = (
        "[a]\n"
        "x = 1   # kept\n"
        'notes = [\n  "one",\n]\n'
        "gone = true\n"
        "\n"
        "# about b\n"
        "[b]\n"
        "y = { p = 1 }\n"
    )
    doc = tomlkit.parse(source)
    before = {"a": {"x": 1.0, "notes": ["one"], "gone": True}, "b": {"y": {"p": 1}}}
    after = {"a": {"x": 1.0, "notes": ["one", "two"], "z": {"q": "r s"}},
             "b": {"y": {"p": 1, "w": [1, 2]}}}  # fmt: skip
    update_document(doc, before, after)
    assert tomlkit.dumps(doc) == (
        "[a]\n"
        "x = 1   # kept\n"
        'notes = [\n  "one",\n  "two",\n]\n'
        'z = { q = "r s" }\n'
        "\n"
        "# about b\n"
        "[b]\n"
        "y = { p = 1, w = [1, 2]}\n"
    )
