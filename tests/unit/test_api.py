"""`import sim`: the API's names, loaded on first use, and never shadowed by subpackages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]


def test_import_sim_loads_nothing_heavy() -> None:
    heavy = ("numpy", "pydantic", "simpy")
    code = f"import sys, sim\nprint(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_functions_keep_their_names_when_subpackages_load() -> None:
    import sim.compare.run
    import sim.fit.build
    import sim.sweep.runner
    from sim import api

    assert (sim.fit, sim.sweep, sim.compare) == (api.fit, api.sweep, api.compare)
    from sim.sweep import grid  # the subpackages themselves are still there

    assert grid([("a", [1])])[0].name == "a=1"


def test_every_exported_name_resolves_and_nothing_else_does() -> None:
    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
        assert name in dir(sim)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        sim.nonsense  # noqa: B018


def test_the_api_takes_paths_and_overrides_settings() -> None:
    result = sim.run(ROOT / "scenarios" / "demo.toml", replications=2, days=4, records=False)
    assert result.summary.replications == 2 and result.summary.days == 4
    with pytest.raises(sim.SimError, match="did not keep its records"):
        result.records  # noqa: B018


def test_a_report_of_results_refuses_new_settings(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    out.write_text(sim.run(ROOT / "scenarios" / "demo.toml", replications=2, days=3).summary
                   .model_dump_json())  # fmt: skip
    assert "<html" in sim.report(out)
    with pytest.raises(sim.SimError, match="--seed cannot change results"):
        sim.report(out, seed=3)
