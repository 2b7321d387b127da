"""`sim report`: what the HTML holds, where its figures come from, and the bad inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.metrics import replication_summary
from sim.pipeline import SerialExecutor, run, run_replication
from sim.report.collect import REPORT_COLLECTORS, run_data
from sim.report.hours import busy_by_hour, demand_by_hour, staffed_by_hour
from sim.scenario import load_scenario, with_overrides
from sim.sweep import build_sweep, grid, run_sweep

runner = CliRunner()
FAST = ["--days", "5", "--replications", "2"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run's JSON summary of the demo (short)."""
    demo = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"
    out = tmp_path_factory.mktemp("report") / "run.json"
    result = runner.invoke(app, ["run", str(demo), *FAST, "--json", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_busy_by_hour_adds_up_to_the_summary_busy_hours(demo_path: Path) -> None:
    # 9 days with 2 of warm-up: each hour of the week is measured exactly once, so the
    # profile's sum is the busy unit-hours that metrics.py computes from the same records.
    scn = with_overrides(load_scenario(demo_path), {"scenario.days": 9})
    rec = run_replication(scn, 0)
    summary = replication_summary(scn, rec)
    for team in scn.teams:
        busy = busy_by_hour(rec, team)
        per_year = summary.teams[team].busy_unit_hours_per_year
        assert np.nansum(busy) == pytest.approx(per_year * 7 / 365, rel=1e-9)
        assert np.all(busy[np.isfinite(busy)] >= 0)
    # Vans are on duty 7am–11pm only: no van is busy at 4am except a call run over.
    assert staffed_by_hour(scn, "community")[4] == 0
    assert staffed_by_hour(scn, "community")[12] == 2


def test_demand_by_hour_keeps_each_call_types_daily_rate(demo_path: Path) -> None:
    scn = load_scenario(demo_path)
    demand = demand_by_hour(scn)
    assert demand.shape == (len(scn.call_types), 168)
    for row, ct in zip(demand, scn.call_types.values(), strict=True):
        assert row.sum() == pytest.approx(7 * ct.calls_per_day)


def test_scenario_report_figures_equal_a_plain_run(demo_path: Path) -> None:
    scn = with_overrides(load_scenario(demo_path), {"scenario.days": 5, "scenario.replications": 2})
    data = run_data(scn, run(scn, collect=REPORT_COLLECTORS))
    assert data.summary == run(scn).summary
    # The collectors keep what the charts need, from the same records.
    rec = [run_replication(scn, r) for r in range(2)]
    busy = np.mean([np.nan_to_num(busy_by_hour(r, "police")) for r in rec], axis=0)
    assert np.array_equal(data.busy["police"], busy)
    served = [r.measured() & (r["state"] == 0) & (r["call_type"] == 0) for r in rec]
    samples = [(r["on_scene"] - r["arrival"])[m] for r, m in zip(rec, served, strict=True)]
    assert np.array_equal(data.by_type[scn.call_type_names[0]], np.concatenate(samples))


def test_report_is_self_contained_and_reproducible(small: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for out in (a, b):
        result = runner.invoke(app, ["report", str(small), "-o", str(out)])
        assert result.exit_code == 0, result.output
    text = a.read_text()
    assert text == b.read_text()
    # Nothing to fetch: no scripts, stylesheets, images, fonts or links by address.
    # (in-page references such as clip-path="url(#…)" and href="#…" are fine).
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\((?!#)|(src|href)=\"(?!#)", text)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # ids stay unique across the charts of one page
    assert text.count('<figure class="chart"') == 4
    summary = json.loads(small.read_text())
    assert f"{summary['response_min']['mean']:.1f}" in text  # the findings quote the run


def test_sweep_results_get_a_frontier(demo_path: Path, tmp_path: Path) -> None:
    scn = with_overrides(load_scenario(demo_path), {"scenario.days": 4, "scenario.replications": 2})
    sweep = build_sweep(scn, grid([("teams.community.shifts.0.units", [1, 2, 3])]))
    out = tmp_path / "sweep.json"
    run_sweep(sweep, SerialExecutor(), out=out)
    html = tmp_path / "sweep.html"
    result = runner.invoke(app, ["report", str(out), "-o", str(html)])
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert 'id="chart-frontier"' in text and "are on the efficient frontier" in text


SWEEP = {"kind": "sweep", "schema_version": 2, "scenario": "s", "seed": 1, "replications": 2,
         "baseline": "a", "parameters": []}  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"schema_version": 99, "kind": "compare", "cities": []}, "incompatible version"),
        ({"kind": "forecast"}, "not sim results"),
        ({"hello": 1}, "not sim results"),
        ({"kind": "compare", "schema_version": 2, "cities": "x"}, "does not match"),
        ("{not json", "not a JSON file"),
        ({"kind": "compare", "schema_version": 2, "program": "p", "responder": "r",
          "cities": []}, "cities: List should have at least 1 item"),
        ({**SWEEP, "measures": [], "variants": [{"name": "a", "row": {}}]}, "measures: List"),
        ({**SWEEP, "measures": ["response_min.p90"], "variants": []}, "variants: List"),
        ({**SWEEP, "measures": ["response_min.p90"],
          "variants": [{"name": "a", "row": {}, "values": {"response_min.p90": [None, None]}}]},
         "results.json: the sweep has no finished variant"),
        # one replication's value deleted by hand: the paired frontier test would misalign
        ({**SWEEP, "measures": ["response_min.p90"],
          "variants": [{"name": "a", "row": {}, "values": {"response_min.p90": [9.0]}}]},
         "values.response_min.p90: 1 replication values, not the 2 the sweep ran"),
        ({**SWEEP, "measures": ["response_min.p90"], "variants": [{"name": "a", "row": {}}]},
         "values.response_min.p90: 0 replication values, not the 2 the sweep ran"),
    ],
)  # fmt: skip
def test_bad_results_are_one_line_and_exit_2(content: object, message: str, tmp_path: Path) -> None:
    src = tmp_path / "results.json"
    src.write_text(content if isinstance(content, str) else json.dumps(content))
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not out.exists()


def test_an_older_run_summary_with_other_keys_is_rejected(small: Path, tmp_path: Path) -> None:
    data = json.loads(small.read_text())
    del data["cost"]
    src = tmp_path / "old.json"
    src.write_text(json.dumps(data))
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "cost" in result.stderr


@pytest.mark.parametrize("where", ["missing/report.html", "."])
def test_unwritable_output_is_one_line_and_nothing_written(
    small: Path, tmp_path: Path, where: str
) -> None:
    before = sorted(tmp_path.rglob("*"))
    result = runner.invoke(app, ["report", str(small), "-o", str(tmp_path / where)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert sorted(tmp_path.rglob("*")) == before


def test_settings_cannot_change_results_already_run(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(small), "-o", str(out), "--replications", "5"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--replications cannot change results" in result.stderr and not out.exists()


# ----------------------------------------------------------- a planned city's report


def test_planned_city_report_opens_with_its_summary_budget_and_hours(tmp_path: Path) -> None:
    """A city with a program applied: the title names both, the five-sentence summary comes
    first, then the budget with its FTEs and the hours of operation with other blocks."""
    root = Path(__file__).resolve().parents[2]
    planned = tmp_path / "planned.toml"
    city = root / "scenarios" / "cities" / "milwaukee.toml"
    program = root / "scenarios" / "programs" / "cahoots_like.toml"
    apply = ["program", "apply", str(city), str(program), "-o", str(planned)]
    assert runner.invoke(app, apply).exit_code == 0
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(planned), *FAST, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "<title>Milwaukee — CAHOOTS-like</title>" in text
    sections = re.findall(r"<h2>([^<]+)</h2>", text)
    assert sections[:4] == ["Summary", "Findings", "Budget and workforce, per year",
                            "Hours of operation"]  # fmt: skip
    summary = text.split("<h2>Summary</h2>")[1].split("</section>")[0]
    assert summary.count("<li>") == 5
    for words in ("calls a year in Milwaukee", "fewer unit-hours a year", "officers",
                  "FTE", "least certain"):  # fmt: skip
        assert words in summary, words
    assert "17.4" in text and "$1,125,804" in text  # tests/golden/test_budgets.py
    assert "24/7" in text and "16h from" in text  # other blocks of hours, simulated
    # Milwaukee's fit recorded what falls outside the taxonomy.
    assert "outside the taxonomy" in text and "FOLLOW UP" in text


def test_tables_show_co_responses_transports_and_work_by_origin() -> None:
    """Item 8 of issue 11: the terminal team table adds co-responses and transports where a
    scenario uses them; the HTML team table splits busy unit-hours by the origin of the work."""
    from rich.console import Console

    from sim.report.run_report import summary_report
    from sim.report.tables import teams_table

    root = Path(__file__).resolve().parents[2] / "scenarios"
    settings = {"scenario.days": 4, "scenario.replications": 2}
    for name, column in (("co_responder", "co-responses"), ("transport_van", "transports")):
        s = run(with_overrides(load_scenario(root / "examples" / f"{name}.toml"), settings)).summary
        console = Console(width=200, record=True)
        console.print(teams_table(s))
        assert column in console.export_text(), name
    plain = run(with_overrides(load_scenario(root / "demo.toml"), settings)).summary
    console = Console(width=200, record=True)
    console.print(teams_table(plain))
    assert "co-responses" not in console.export_text()
    city = load_scenario(root / "cities" / "berkeley_2014.toml")
    s = run(with_overrides(city, {"scenario.days": 3, "scenario.replications": 2})).summary
    html = summary_report(s)
    assert "of which public" in html and "of which officer" in html


SHIPPED = sorted(
    p
    for folder in ("cities", "examples")
    for p in (Path(__file__).resolve().parents[2] / "scenarios" / folder).glob("*.toml")
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_city_and_example_gets_a_report(path: Path) -> None:
    """Short runs: the report is made (a city whose own team answers alone, like the Lane
    County crisis team, is reported as a run, without a program comparison)."""
    from sim.api import report

    scn = load_scenario(path)
    days = scn.scenario.warmup_days + 1
    html = report(path, replications=2, days=days, workers=1)
    assert f"<title>{scn.scenario.name}" in html and "<h2>Summary</h2>" in html


@pytest.mark.parametrize("chart", ["boxes", "ranges"])
def test_a_chart_without_rows_says_so_instead_of_an_empty_frame(chart: str) -> None:
    """A run in which no call of a group was answered draws a chart that says so (found by
    the long fuzz: matplotlib warned of a singular axis and drew an empty frame)."""
    import warnings

    from sim.report import plots

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = (plots.response_boxes("t", {"a": np.array([])}) if chart == "boxes"
               else plots.quantile_ranges("t", {}))  # fmt: skip
    assert "nothing to show" in svg
