"""`sim fit` and `sim run --replay` through the command line: outputs, errors, replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter
from typer.testing import CliRunner

from sim.cli import app, main
from sim.dists import Dist
from sim.fit.arrivals import Smoothing
from sim.fit.replay import load_replay, replay_scenario
from sim.fit.synthetic import SyntheticFiles, raw_name, write_synthetic
from sim.scenario import dumps, from_dict, load_scenario, to_dict

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"

runner = CliRunner()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFiles:
    demo = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml")
    folder = tmp_path_factory.mktemp("fitcli")
    return write_synthetic(demo, folder, days=14, seed=2, officer_initiated_share=0.05)


def _fit(files: SyntheticFiles, out: Path, *more: str):  # type: ignore[no-untyped-def]
    args = ["fit", str(files.csv), "--mapping", str(files.mapping),
            "--taxonomy", str(files.taxonomy), "-o", str(out), *more]  # fmt: skip
    return runner.invoke(app, args)


def _one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


def test_fit_writes_a_scenario_that_runs(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    out, report = tmp_path / "city.toml", tmp_path / "report.json"
    result = _fit(synthetic, out, "--report", str(report), "--name", "Synth City")
    assert result.exit_code == 0, result.output
    assert "Data quality" in result.output and "wrote" in result.output
    scn = load_scenario(out)
    assert scn.scenario.name == "Synth City"
    assert scn.scenario.provenance is not None
    assert scn.scenario.provenance.source == synthetic.csv.name
    # The catch-all category records its largest raw call types (aggregates): here the
    # export's own 'OTHER' calls, counted as in the data.
    other = scn.call_types["other"]
    counts = pd.read_csv(synthetic.csv)["call_type"].value_counts()
    assert other.raw_call_types == {"OTHER": int(counts["OTHER"])}
    assert all(not ct.raw_call_types for n, ct in scn.call_types.items() if n != "other")
    assert len(scn.scenario.provenance.sha256 or "") == 64
    data = json.loads(report.read_text())
    assert data["calls_used"] == scn.scenario.provenance.rows_used
    assert {c["category"] for c in data["call_types"]} == set(scn.call_types)
    text = out.read_text()
    assert "# behavioral_health:" in text and "AIC" in text
    run = runner.invoke(app, ["run", str(out), "--days", "3", "--replications", "2",
                              "--json", "-"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["calls_per_year"] > 0


def test_police_units_option_and_program(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    out = tmp_path / "prog.toml"
    program = Path(__file__).resolve().parents[2] / "scenarios" / "programs" / "cahoots_like.toml"
    result = _fit(synthetic, out, "--police-units", "23", "--program", str(program))
    assert result.exit_code == 0, result.output
    scn = load_scenario(out)
    assert scn.teams["police"].units == 23
    assert scn.call_types["behavioral_health"].response[0].team == "cahoots"
    assert scn.call_types["other"].response[0].team == "police"


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--start", "2031-01-01"], "no calls left"),
        (["--agency", "nobody"], "no calls left"),
    ],
)
def test_bad_options_are_one_line(
    synthetic: SyntheticFiles, tmp_path: Path, args: list[str], expect: str
) -> None:
    out = tmp_path / "never.toml"
    line = _one_error_line(_fit(synthetic, out, *args))
    assert expect in line
    assert not out.exists()


def test_smoothing_choices_are_declared(
    synthetic: SyntheticFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A bad choice is Typer's usage error, one line through main(); --help lists them all.
    out = tmp_path / "never.toml"
    args = ["fit", str(synthetic.csv), "--mapping", str(synthetic.mapping), "-o", str(out),
            "--smoothing", "wavy"]  # fmt: skip
    assert main(args) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "--smoothing" in err[0] and "wavy" in err[0], err
    assert not out.exists()
    help_text = runner.invoke(app, ["fit", "--help"], env={"COLUMNS": "200"}).output
    assert all(choice in help_text for choice in get_args(Smoothing))


def _blank_times(files: SyntheticFiles, folder: Path, categories: list[str]) -> Path:
    """The synthetic export with some call types' dispatched/arrived/cleared blanked, and
    rare and long raw call types that the report must not copy verbatim."""
    frame = pd.read_csv(files.csv, dtype=str, keep_default_na=False)
    rows = frame["call_type"].isin([raw_name(c) for c in categories])
    assert rows.sum() > 0
    frame.loc[rows, ["dispatched", "arrived", "cleared"]] = ""
    odd = frame.iloc[:7].copy()
    odd["call_type"] = ["ZZ ONE-OFF NAME 12 ELM ST"] + ["ZZ " + "LONG UNMAPPED TYPE " * 4] * 6
    odd["call_id"] = [f"extra{i}" for i in range(len(odd))]  # new calls, not unit rows
    odd["self_initiated"] = "N"
    path = folder / "blank.csv"
    pd.concat([frame, odd]).to_csv(path, index=False)
    return path


def test_a_call_type_without_times_falls_back(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    # Both members of the 'community' group, so no group pool either.
    calls = _blank_times(synthetic, tmp_path, ["welfare_check", "behavioral_health"])
    out, report = tmp_path / "city.toml", tmp_path / "report.json"
    args = ["fit", str(calls), "--mapping", str(synthetic.mapping), "--taxonomy",
            str(synthetic.taxonomy), "-o", str(out), "--report", str(report)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    # No borrowing: the all-calls pool, said so in the comments.
    text = out.read_text()
    assert "on scene: 0 times: pooled across all calls" in text
    assert "dispatch delay: 0 times: pooled across all calls" in text
    data = json.loads(report.read_text())
    welfare = next(c for c in data["call_types"] if c["category"] == "welfare_check")
    assert welfare["on_scene_source"] == "pooled"
    # Privacy: the one-off type is not listed; the common long one is cut to 40 characters.
    listed = [t["call_type"] for t in data["categorization"]["unmapped_types"]]
    assert not any("ONE-OFF" in t for t in listed)
    assert any(t.startswith("ZZ LONG") and len(t) == 40 for t in listed), listed
    # Borrowed beats the all-calls pool: the demo's own welfare_check times.
    borrowed = runner.invoke(app, [*args, "--durations-from", str(DEMO)])
    assert borrowed.exit_code == 0, borrowed.output
    scn, demo = load_scenario(out), load_scenario(DEMO)
    assert (
        scn.call_types["welfare_check"].on_scene_min["police"]
        == (
            demo.call_types["welfare_check"].on_scene_min[
                demo.call_types["welfare_check"].response[-1].team
            ]
        )
    )
    assert "on scene: borrowed — demo.toml" in out.read_text()


def test_borrowing_uses_the_lenders_mix_for_missing_types(tmp_path: Path) -> None:
    """The lender's default is a lognormal with its call-weighted mix's exact mean and cv —
    never the extremes of draws (on-scene times 'from 0.0000035 to 592 minutes', issue 11)."""
    from sim.fit.borrow import borrowed_from
    from sim.fit.build import Borrowed

    lent = borrowed_from(DEMO)
    default = lent.on_scene["default"]
    assert lent.source == "demo.toml" and default["dist"] == "lognormal"
    demo = load_scenario(DEMO)
    dists = [(ct.calls_per_day, ct.on_scene_min[ct.response[-1].team])
             for ct in demo.call_types.values()]  # fmt: skip
    total = sum(w for w, _ in dists)
    mean = sum(w * d.mean() for w, d in dists) / total
    second = sum(w * (d.scipy().var() + d.mean() ** 2) for w, d in dists) / total
    assert default["mean"] == pytest.approx(mean, rel=1e-3)
    assert default["cv"] == pytest.approx((second - mean**2) ** 0.5 / mean, rel=1e-3)
    spec = TypeAdapter(Dist).validate_python(default)
    assert float(spec.quantile(0.01)) > 1.0 and float(spec.quantile(0.99)) < 400.0
    without = Borrowed({"traffic": lent.on_scene["traffic"]}, source="demo.toml")
    assert without.lookup(without.on_scene, "fire") is None
    assert lent.lookup(lent.on_scene, "fire") == (lent.on_scene["default"], True)


def test_missing_column_names_what_exists(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('received = "call_time"\ncall_type = "call_type"\n')
    out = tmp_path / "never.toml"
    result = runner.invoke(app, ["fit", str(synthetic.csv), "--mapping", str(mapping),
                                 "-o", str(out)])  # fmt: skip
    line = _one_error_line(result)
    assert "call_time" in line and "received" in line
    assert not out.exists()


def test_unparseable_times_and_not_csv(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    rows = ["received,call_type"] + [f"not a time {i},THEFT" for i in range(50)]
    bad.write_text("\n".join(rows) + "\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text('received = "received"\ncall_type = "call_type"\n')
    out = tmp_path / "never.toml"
    line = _one_error_line(runner.invoke(app, ["fit", str(bad), "--mapping", str(mapping),
                                               "-o", str(out)]))  # fmt: skip
    assert "not a time" in line or "timestamp" in line.lower()
    binary = tmp_path / "calls.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    _one_error_line(runner.invoke(app, ["fit", str(binary), "-o", str(out)]))
    assert not out.exists()


def test_too_few_calls_and_missing_durations(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('received = "received"\ncall_type = "call_type"\n')
    few = tmp_path / "few.csv"
    few.write_text("received,call_type\n" + "".join(
        f"2023-01-0{2 + i % 5} 10:0{i % 10}:00,THEFT\n" for i in range(10)))  # fmt: skip
    out = tmp_path / "never.toml"
    assert "too few" in _one_error_line(
        runner.invoke(app, ["fit", str(few), "--mapping", str(mapping), "-o", str(out)])
    )
    # Call times only: times on scene come from the durations library (named in the file),
    # or with --durations-from from the scenario given.
    many = tmp_path / "many.csv"
    rng = np.random.default_rng(0)
    stamps = np.sort(rng.random(400)) * 14 * 86400
    lines = [f"{np.datetime64('2023-01-02T00:00:00') + np.timedelta64(int(s), 's')},THEFT"
             for s in stamps]  # fmt: skip
    many.write_text("received,call_type\n" + "\n".join(lines).replace("T", " ", -1) + "\n")
    first = runner.invoke(app, ["fit", str(many), "--mapping", str(mapping), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert "sim's durations library" in out.read_text()
    assert "ASSUMPTION" in first.stderr  # units and officer work the export cannot show
    demo = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"
    ok = runner.invoke(app, ["fit", str(many), "--mapping", str(mapping), "-o", str(out),
                             "--durations-from", str(demo)])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    theft = load_scenario(out).call_types["other"]
    lender = load_scenario(demo).call_types["other"]
    assert theft.on_scene_min["police"] == lender.on_scene_min[lender.response[-1].team]
    assert "borrowed — demo.toml" in out.read_text()


def test_output_folder_must_exist(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    line = _one_error_line(_fit(synthetic, tmp_path / "no" / "such" / "city.toml"))
    assert "folder does not exist" in line


def test_replay_runs_the_historical_calls(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    out = tmp_path / "city.toml"
    assert _fit(synthetic, out, "--police-units", "40").exit_code == 0
    args = ["run", str(out), "--replay", str(synthetic.csv),
            "--mapping", str(synthetic.mapping), "--taxonomy", str(synthetic.taxonomy),
            "--replications", "2", "--json", "-"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    scn = load_scenario(out)
    history = load_replay(scn, synthetic.csv, synthetic.mapping, synthetic.taxonomy)
    assert summary["days"] == history.days == 14
    measured = sum(int(np.sum(t >= history.warmup_days * 1440))
                   for name, t in history.arrivals.items()
                   if scn.call_types[name].is_public)  # fmt: skip
    assert summary["measured"]["calls"] == measured  # the same calls in every replication
    assert summary["calls_per_year"] == pytest.approx(measured * 365 / summary["measured"]["days"])
    on = runner.invoke(app, [*args, "--replay-on-scene"])
    assert on.exit_code == 0, on.output
    assert json.loads(on.stdout)["measured"]["calls"] == measured


def test_replay_on_scene_uses_recorded_times(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    out = tmp_path / "city.toml"
    assert _fit(synthetic, out).exit_code == 0
    scn = load_scenario(out)
    history = load_replay(scn, synthetic.csv, synthetic.mapping, synthetic.taxonomy)
    run_scn = replay_scenario(scn, history)
    calls = history.source(on_scene=True).draw(run_scn, 0)
    drawn = history.source(on_scene=False).draw(run_scn, 0)
    police = run_scn.team_names.index("police")
    for k, name in enumerate(run_scn.call_type_names):
        rows = np.flatnonzero(calls.call_type == k)
        rows = rows[np.argsort(calls.arrival[rows], kind="stable")]
        assert np.allclose(calls.on_scene[rows, police], history.on_scene[name])
        assert np.array_equal(calls.arrival, drawn.arrival)


def test_replay_needs_matching_call_types(synthetic: SyntheticFiles, tmp_path: Path) -> None:
    demo = to_dict(load_scenario(DEMO))
    demo["scenario"]["replications"] = 1
    lacking = {
        **demo,
        "call_types": {k: v for k, v in demo["call_types"].items() if k != "traffic"},
    }
    path = tmp_path / "lacking.toml"
    path.write_text(dumps(from_dict(lacking, source="test")))
    args = ["run", str(path), "--replay", str(synthetic.csv), "--mapping", str(synthetic.mapping),
            "--taxonomy", str(synthetic.taxonomy), "--json", "-"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    left_out = result.stderr.split("left out (not call types of the scenario): ")[1]
    assert "traffic" in left_out and "officer_initiated" in left_out  # the synthetic stops
    # A scenario sharing no category with the export: one line naming both sides.
    settings = {k: v for k, v in demo["scenario"].items() if k != "targets"}
    only = {**demo, "scenario": settings, "call_types": {"fire": demo["call_types"]["traffic"]}}
    path.write_text(dumps(from_dict(only, source="test")))
    line = _one_error_line(runner.invoke(app, args))
    assert "none of the export's categories" in line and "fire" in line
    missing = runner.invoke(app, ["run", str(tmp_path / "missing.toml"), "--replay-on-scene"])
    assert missing.exit_code == 2
    line = _one_error_line(runner.invoke(app, ["run", str(DEMO), "--replay-on-scene"]))
    assert "--replay" in line


def test_replay_does_not_staff_days_missing_from_the_export(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    """A day with no calls in a busy export is missing, not quiet: its staffed hours come out
    of staffed time, utilization and cost (exactly the plan's hours of that day), and the
    figures per year are over the days the export holds."""
    out = tmp_path / "city.toml"
    assert _fit(synthetic, out, "--police-units", "40").exit_code == 0
    scn = load_scenario(out)
    frame = pd.read_csv(synthetic.csv, dtype=str, keep_default_na=False)
    gap = "2023-01-11"  # a Wednesday in the middle of the export's fortnight
    holed = tmp_path / "holed.csv"
    frame[~frame["received"].str.startswith(gap)].to_csv(holed, index=False)
    history = load_replay(scn, holed, synthetic.mapping, synthetic.taxonomy)
    assert history.gap_days == (9,) and "1 days missing" in history.note()
    import dataclasses

    import sim

    result = sim.replay(scn, history, replications=2)
    full = sim.replay(scn, dataclasses.replace(history, gap_days=()), replications=2)
    measured = history.days - history.warmup_days
    held = measured - 1
    year = 365 / held
    police, whole = result.summary.teams["police"], full.summary.teams["police"]
    assert result.summary.measured.days == pytest.approx(held)
    assert result.summary.measured.calls == pytest.approx(full.summary.measured.calls)
    # Totals over the measured days: the gap's 40 units × 24 h less staffed, the same work.
    staffed = police.staffed_unit_hours_per_year / year
    assert staffed == pytest.approx(whole.staffed_unit_hours_per_year * measured / 365 - 40 * 24)
    busy = police.busy_unit_hours_per_year / year
    assert busy == pytest.approx(whole.busy_unit_hours_per_year * measured / 365)
    assert police.utilization == pytest.approx(busy / staffed)
    assert result.summary.calls_per_year == pytest.approx(full.summary.measured.calls * year)
    assert result.summary.cost.per_year == pytest.approx(police.cost_per_year, rel=1e-9)
    assert result.summary.cost.per_year == pytest.approx(
        result.summary.measured.cost * year, rel=1e-9
    )
    assert any("missing from the export" in w for w in result.summary.warnings)


def test_replay_on_scene_says_when_the_export_has_none(
    synthetic: SyntheticFiles, tmp_path: Path
) -> None:
    out = tmp_path / "city.toml"
    assert _fit(synthetic, out, "--police-units", "40").exit_code == 0
    blank = _blank_times(synthetic, tmp_path, ["welfare_check", "behavioral_health"])
    frame = pd.read_csv(blank, dtype=str, keep_default_na=False)
    frame[["arrived", "cleared"]] = ""
    none = tmp_path / "none.csv"
    frame.to_csv(none, index=False)
    args = ["run", str(out), "--mapping", str(synthetic.mapping), "--taxonomy",
            str(synthetic.taxonomy), "--replications", "1", "--replay-on-scene"]  # fmt: skip
    result = runner.invoke(app, [*args, "--replay", str(none)])
    assert result.exit_code == 0, result.output
    assert "no on-scene times, so --replay-on-scene changes nothing" in result.stderr
    result = runner.invoke(app, [*args, "--replay", str(blank)])
    assert "recorded on-scene times for" in result.stderr
