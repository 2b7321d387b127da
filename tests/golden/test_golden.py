"""Every shipped scenario runs, and its summary matches a stored golden one.

Each ``scenarios/**/*.toml`` (except ``scenarios/programs/`` and ``scenarios/fitted/``,
which hold program overlays and fitted time specs, not runnable scenarios) is run small —
2 replications of 3 days after its own warm-up — and its JSON summary is compared with
``tests/golden/<name>.json``. The tolerance is relative 1e-6 (absolute 1e-9 near zero):
the runs are seeded, so only platform floating-point differences (libm rounding in the
last bits) are allowed; any change to what the engine or the metrics compute shows up
here, on purpose.

When a change is *meant* to alter results, regenerate and review the diff:

    SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden
    .venv/bin/python tests/golden/regenerate.py           # the same; -k NAME selects
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from sim.applicable import unexplained
from sim.pipeline import run
from sim.scenario import load_scenario, with_overrides

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
GOLDEN = Path(__file__).resolve().parent
UPDATE = os.environ.get("SIM_UPDATE_GOLDEN", "") not in ("", "0")
REL, ABS = 1e-6, 1e-9
REPLICATIONS, MEASURED_DAYS = 2, 3
HOW = (
    "SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden "
    "(or .venv/bin/python tests/golden/regenerate.py) and commit the JSON"
)


# Folders of scenarios/ whose TOML files are not runnable scenarios: program overlays and
# fitted time specs that programs cite. Any other TOML must load and run.
NOT_SCENARIOS = ("programs", "fitted")


def shipped() -> list[Path]:
    """Every scenario file under scenarios/, except the folders of other TOML files."""
    return sorted(
        p
        for p in SCENARIOS.glob("**/*.toml")
        if p.relative_to(SCENARIOS).parts[0] not in NOT_SCENARIOS
    )


def golden_path(scenario: Path) -> Path:
    return GOLDEN / f"{scenario.stem}.json"


def small_summary(path: Path) -> dict[str, Any]:
    """The JSON summary of a small run of the scenario, as `sim run --json` writes it."""
    scn = load_scenario(path)
    days = scn.scenario.warmup_days + MEASURED_DAYS
    small = with_overrides(
        scn, {"scenario.replications": REPLICATIONS, "scenario.days": days}, source=str(path)
    )
    summary: dict[str, Any] = run(small).summary.model_dump(mode="json")
    return summary


def differences(got: Any, want: Any, where: str = "") -> list[str]:
    """Every place two JSON values differ beyond the tolerance, as 'path: got vs want'."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = [f"{where}.{k}: missing" for k in want if k not in got]
        out += [f"{where}.{k}: unexpected" for k in got if k not in want]
        for k in want:
            if k in got:
                out += differences(got[k], want[k], f"{where}.{k}")
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{where}: {len(got)} items vs {len(want)}"]
        pairs = enumerate(zip(got, want, strict=True))
        return [d for i, (g, w) in pairs for d in differences(g, w, f"{where}[{i}]")]
    numbers = (int, float)
    if isinstance(want, numbers) and isinstance(got, numbers) and type(want) is not bool:
        if math.isclose(got, want, rel_tol=REL, abs_tol=ABS):
            return []
    elif got == want:
        return []
    return [f"{where or '.'}: {got!r} vs golden {want!r}"]


def write_golden(path: Path, summary: dict[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.mark.parametrize("path", shipped(), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_shipped_scenario_matches_its_golden_summary(path: Path) -> None:
    summary = small_summary(path)
    # Every figure is a finite number or null with its reason (sim/applicable.py).
    assert unexplained(summary) == [], path
    golden = golden_path(path)
    if UPDATE:
        write_golden(golden, summary)
        return
    assert golden.exists(), f"no golden summary {golden.relative_to(ROOT)} yet; create it: {HOW}"
    diffs = differences(summary, json.loads(golden.read_text(encoding="utf-8")))
    assert not diffs, (
        f"{path.relative_to(ROOT)} no longer gives its golden summary "
        f"({len(diffs)} differences; if intended, regenerate: {HOW}):\n  " + "\n  ".join(diffs[:15])
    )


def test_every_golden_has_a_scenario_and_names_are_unique() -> None:
    stems = [p.stem for p in shipped()]
    twins = sorted({s for s in stems if stems.count(s) > 1})
    assert not twins, f"scenario names {twins} repeat in scenarios/; goldens are keyed by name"
    orphans = sorted(p.name for p in GOLDEN.glob("*.json") if p.stem not in stems)
    assert not orphans, f"golden files without a scenario: {orphans}; delete them"


def test_differences_sees_a_change_beyond_the_tolerance() -> None:
    want = {"a": 1.0, "b": [0.0, 2.0], "c": None, "d": "x"}
    assert differences({"a": 1.0 + 1e-9, "b": [1e-12, 2.0], "c": None, "d": "x"}, want) == []
    assert len(differences({"a": 1.00001, "b": [0.0], "c": 0.0, "e": 1}, want)) == 5
