"""``sim fit --draft-mapping``: a starting mapping guessed from the header and first rows,
holding column names and counts only."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_data
from typer.testing import CliRunner

from sim.cli import app
from sim.data.draft import draft_mapping, name_score
from sim.data.mapping import load_mapping
from sim.data.presets import PRESETS
from sim.fit.synthetic import SyntheticFiles, write_synthetic
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFiles:
    demo = load_scenario(ROOT / "scenarios" / "demo.toml")
    return write_synthetic(demo, tmp_path_factory.mktemp("draft"), days=10, seed=4)


def test_the_draft_of_a_synthetic_export_is_its_mapping(synthetic: SyntheticFiles) -> None:
    drafted = tomllib.loads(draft_mapping(synthetic.csv))
    written = tomllib.loads(synthetic.mapping.read_text())
    fields = ("received", "queued", "dispatched", "arrived", "cleared", "call_type",
              "priority", "officer_initiated", "call_id")  # fmt: skip
    assert {k: drafted.get(k) for k in fields} == {k: written[k] for k in fields}


def test_no_value_of_the_export_is_written(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    out = tmp_path / "m.toml"
    result = runner.invoke(app, ["fit", str(synthetic.csv), "--draft-mapping", str(out)])
    assert result.exit_code == 0, result.output
    assert f"--mapping {out}" in result.stdout
    text = out.read_text()
    values = pd.read_csv(synthetic.csv, dtype=str).head(2000)
    for column in values.columns:
        for value in values[column].dropna().unique()[:200]:
            if len(value) >= 4 and value not in values.columns:  # a column name is fine
                assert value not in text, (column, value)
    assert load_mapping(out).received == "received"  # it loads as a mapping


def test_names_read_as_fields() -> None:
    assert name_score("received", "Received DtTm") == 1.0
    assert name_score("arrived", "At Scene Time") == 1.0
    assert name_score("call_type", "InitialTypeText") == 1.0  # camelCase split into words
    assert name_score("call_type", "Call Type Group") < 1.0
    assert name_score("priority", "Priority") > name_score("priority", "Final Priority") > 0


REAL = {
    "berkeley_daily_log_2014": ("berkeley_2014",
                                "berkeley_pd_daily_call_log_2014-07-07_2014-11-13.csv"),
    "berkeley_calls_2022": ("berkeley_2022_offenses", "berkeley_pd_calls_2022.csv"),
    "milwaukee": ("milwaukee", "mke_calls_2018-05.csv"),
    "milwaukee_2023": ("milwaukee_2023", "calls.csv"),
    "phoenix_2019": ("phoenix_2019", "calls.csv"),
    "san_francisco_fire": ("san_francisco_fire", "sffd_calls_2020-04.csv"),
    "new_orleans": ("new_orleans_rtcc_subset", "nola_cfs_2022_rtcc_requested_subset.csv"),
    "mcslc_mobile_crisis": ("eugene_lane_county_mcslc", "MCSLC_raw.csv"),
}  # fmt: skip


@pytest.mark.parametrize("preset", sorted(REAL))
def test_the_draft_finds_what_the_preset_reads(preset: str) -> None:
    """On every real export with a preset, the draft's call time is the preset's, and its
    call type is one of the preset's columns (or, for Phoenix, the same final type)."""
    drafted = tomllib.loads(draft_mapping(shared_data("cfs", *REAL[preset])))
    mapping = PRESETS[preset].mapping
    received = mapping.received
    assert drafted["received"] == (list(received) if isinstance(received, tuple) else received)
    types = mapping.call_type if isinstance(mapping.call_type, tuple) else (mapping.call_type,)
    assert drafted["call_type"] in types
    for field in ("dispatched", "arrived", "cleared"):
        assert drafted.get(field) == getattr(mapping, field), field


def test_seattle_has_no_call_time_and_the_draft_says_so() -> None:
    text = draft_mapping(shared_data("cfs", "seattle", "spd_911_incident_response_2016-03-25.csv"))
    drafted = tomllib.loads(text)
    assert "received" not in drafted and drafted["arrived"] == "At Scene Time"
    assert "received and call_type are required" in text
