"""Issue 12's examples, each kept: a hostile input is one line and exit code 2, and leaves
nothing behind; never a traceback, a hang, or a run of nonsense.

Also in the suite for the issue's other examples: workers of a killed sweep exit on their own
(``tests/cli/test_sweep_cli.py::test_workers_of_a_killed_sweep_exit_on_their_own``),
``--resume`` of a finished sweep says "nothing to do" and a kill after the last write resumes
(``test_resume_of_a_finished_sweep_says_nothing_to_do``, ``tests/unit/test_sweep.py::
test_a_kill_after_the_last_write_resumes``), stale ``.tmp`` files of a killed writer are
removed (below for every command's writer, and ``test_sweep.py`` for sweeps); degenerate
settings that now run say why a figure is not applicable (``tests/fuzz``).
"""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from sim.cli import app, main
from sim.fit.synthetic import SyntheticFiles, write_synthetic
from sim.output import temporary, write_text
from sim.scenario import load_scenario, read_toml

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.toml"
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
FAST = ["--days", "3", "--replications", "1"]
UNWRITABLE = "/proc/sim-cannot-write-here"  # refused even for root, whom os.access trusts

runner = CliRunner()
INF, NAN = math.inf, math.nan
BH = "call_types.behavioral_health"
COMMUNITY_ON_SCENE = f"{BH}.on_scene_min.community"


def one_error_line(result: Any, *needles: str) -> str:
    """The command failed with exit code 2 and one line on stderr holding every needle."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def demo_with(tmp_path: Path, path: str, value: Any) -> Path:
    """demo.toml with one value replaced (or deleted, for value ``...``), written as TOML."""
    data = copy.deepcopy(read_toml(DEMO))
    node: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is ...:
        del node[keys[-1]]
    elif isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value
    out = tmp_path / "hostile.toml"
    out.write_text(tomli_w.dumps(data), encoding="utf-8")
    return out


def files(folder: Path) -> set[str]:
    """Every file under a folder, hidden ones (temporary files) included."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


HOURLY = [1.0] * 24
WEEK = [1.0] * 168

# (dotted path in demo.toml, value, words the one line must hold): the examples.
SCENARIO_EXAMPLES = [
    # Non-finite numbers.
    (f"{BH}.calls_per_day", INF, "calls_per_day: inf is not a finite number"),
    ("scenario.days", INF, "scenario.days: inf is not a finite number"),
    ("scenario.days", 1e300, "scenario.days: 1e+300 is out of range"),
    (f"{BH}.daily", [1.12, 1.14, 1.08, 0.86, 0.90, 0.96, NAN], "daily.6: nan is not a finite"),
    (f"{BH}.hourly", [*HOURLY[:23], INF], "hourly.23: inf is not a finite number"),
    (f"{BH}.daily_cv", INF, "daily_cv: inf is not a finite number"),
    ("teams.police.cost_per_unit_hour", INF, "cost_per_unit_hour: inf is not a finite"),
    ("teams.community.fixed_cost_per_year", INF, "fixed_cost_per_year: inf is not a finite"),
    ("teams.police.overtime_factor", INF, "overtime_factor: inf is not a finite number"),
    (f"{BH}.response.0.max_wait_min", INF, "max_wait_min: inf is not a finite number"),
    ("scenario.response_target_min", INF, "response_target_min: inf is not a finite"),
    (COMMUNITY_ON_SCENE, {"dist": "lognormal", "mu": NAN, "sigma": 1.0}, "mu: nan is not"),
    (COMMUNITY_ON_SCENE, {"dist": "lognormal", "mu": 3.0, "sigma": INF}, "sigma: inf is not"),
    (COMMUNITY_ON_SCENE, {"dist": "weibull", "shape": INF, "scale": 30.0}, "shape: inf is not"),
    (COMMUNITY_ON_SCENE, {"dist": "constant", "value": INF}, "value: inf is not a finite"),
    (COMMUNITY_ON_SCENE, {"dist": "empirical", "quantiles": [1.0, NAN]}, "quantiles.1: nan"),
    (COMMUNITY_ON_SCENE, {"dist": "empirical", "quantiles": [1.0, INF]}, "quantiles.1: inf"),
    # Booleans as numbers.
    ("scenario.replications", True, "scenario.replications: true is not a number"),
    ("scenario.seed", True, "scenario.seed: true is not a number"),
    ("teams.police.units", True, "teams.police.units: true is not a number"),
    (f"{BH}.calls_per_day", True, "calls_per_day: true is not a number"),
    # Overflow in conversions.
    (f"{BH}.priority", 9223372036854775808, "priority: 9,223,372,036,854,775,808 is out of"),
    (COMMUNITY_ON_SCENE, {"dist": "lognormal", "mu": 1000.0, "sigma": 1.0}, "mu: 1000 is out"),
    (COMMUNITY_ON_SCENE, {"dist": "gamma", "mean": 30.0, "cv": 1e300}, "cv: 1e+300 is out"),
    (COMMUNITY_ON_SCENE, {"dist": "weibull", "mean": 30.0, "cv": 0.001}, "cv: 0.001 is out"),
    # Degenerate settings.
    ("scenario.days", 1e-300, "scenario.days: 1e-300 is out of range"),
    ("scenario.days", "mon-mon", "scenario.days: 'mon-mon' is text, not a number"),
    ("teams.community.shifts.0.days", "mon-mon", "days 'mon-mon': a range from a day to itself"),
]


@pytest.mark.parametrize(("path", "value", "words"), SCENARIO_EXAMPLES)
def test_a_hostile_scenario_value_is_one_line_before_anything_runs(
    tmp_path: Path, path: str, value: Any, words: str
) -> None:
    scenario = demo_with(tmp_path, path, value)
    out = tmp_path / "summary.json"
    before = files(tmp_path)
    result = runner.invoke(app, ["run", str(scenario), *FAST, "--json", str(out)])
    line = one_error_line(result, str(scenario), words)
    assert "give a value in that range" in line or "ambiguous" in line or "text" in line
    assert files(tmp_path) == before


def test_a_distribution_whose_mean_is_beyond_a_week_is_refused(tmp_path: Path) -> None:
    spec = {"dist": "lognormal", "mu": 9.0, "sigma": 3.0}  # median 2 days, mean 6 months
    result = runner.invoke(app, ["check", str(demo_with(tmp_path, COMMUNITY_ON_SCENE, spec))])
    one_error_line(result, "lognormal with these parameters has a mean of", "a week")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", str(DEMO), "--days", "inf"], "--days: inf is not a finite number"),
        (["run", str(DEMO), "--days", "nan"], "--days: nan is not a finite number"),
        (["run", str(DEMO), "--days", "1e300"], "--days: 1e+300 is out of range"),
        (["run", str(DEMO), "--replications", "99999999999999999999"], "--replications: "),
        (["run", str(DEMO), "--seed", "-1"], "--seed: -1 is out of range"),
        (["run", str(DEMO), "--workers", "100000"], "--workers: 100,000 is out of range"),
        (["sweep", str(DEMO), "--vary", "scenario.days=1..1e400"], "needs finite numbers"),
        (["sweep", str(DEMO), "--vary", "scenario.days=0..1:1e-300"], "more than 10,000"),
        (
            [
                "sweep",
                str(DEMO),
                "--vary",
                "teams.police.units=1..10000",
                "--vary",
                "teams.community.shifts.0.units=1..10000",
            ],
            "the grid has 100,000,000 variants",
        ),
    ],
)
def test_a_hostile_option_is_one_line(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err


def test_police_units_beyond_any_city_are_refused(
    export: SyntheticFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["fit", str(export.csv), "--mapping", str(export.mapping), "-o",
            str(tmp_path / "city.toml"), "--police-units", "99999999999999999999"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--police-units: 99,999,999,999,999,999,999 is out of range" in err
    assert not (tmp_path / "city.toml").exists()


# ------------------------------------------------------------------ files that never end


def _deep_toml(levels: int) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n"


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["check", "{f}"], "deep.toml"),
        (["program", "apply", str(DEMO), "{f}", "-o", "{out}"], "deep.toml"),
        (["sweep", str(DEMO), "--file", "{f}"], "deep.toml"),
        (["fit", "{csv}", "--mapping", "{f}", "-o", "{out}"], "deep.toml"),
        (
            ["fit", "{csv}", "--mapping", "{mapping}", "--taxonomy", "{f}", "-o", "{out}"],
            "deep.toml",
        ),
        (["report", "{f}", "-o", "{out}"], "deep.json"),
    ],
)
def test_nesting_deeper_than_any_real_file_is_one_line(
    tmp_path: Path, argv: list[str], name: str, export: SyntheticFiles
) -> None:
    deep = tmp_path / name
    levels = 100_000
    text = "[" * levels + "]" * levels if name.endswith(".json") else _deep_toml(levels)
    deep.write_text(text)
    out = tmp_path / "out.html"
    args = [a.format(f=deep, out=out, csv=export.csv, mapping=export.mapping) for a in argv]
    one_error_line(runner.invoke(app, args), "nested more than 32 levels deep")
    assert not out.exists()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFiles:
    folder = tmp_path_factory.mktemp("hostile_export")
    return write_synthetic(load_scenario(DEMO), folder, days=3, seed=3)


def test_a_20_mb_call_type_in_an_export_is_refused_at_once(
    export: SyntheticFiles, tmp_path: Path
) -> None:
    lines = export.csv.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index('"call_type"')] = '"' + "X" * 20_000_000 + '"'
    huge = tmp_path / "huge.csv"
    huge.write_text("\n".join([*lines[:3], ",".join(row), *lines[4:]]) + "\n")
    out = tmp_path / "city.toml"
    result = runner.invoke(app, ["fit", str(huge), "--mapping", str(export.mapping), "-o",
                                 str(out)])  # fmt: skip
    one_error_line(result, "column 'call_type'", "20,000,000 characters", "data row 3")
    assert not out.exists()


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (',"' + "Y" * 300_000 + '"', "the first line has a field longer than any column name"),
        (',"' + "Y" * 2_000 + '"', "a column name of 2,000 characters"),
    ],
)
def test_a_header_no_export_has_is_one_line(
    export: SyntheticFiles, tmp_path: Path, header: str, words: str
) -> None:
    lines = export.csv.read_text().splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([lines[0] + header, *lines[1:]]) + "\n")
    out = tmp_path / "city.toml"
    result = runner.invoke(app, ["fit", str(broken), "--mapping", str(export.mapping), "-o",
                                 str(out)])  # fmt: skip
    one_error_line(result, words)
    assert not out.exists()


# ------------------------------------------------- every command: outputs checked first


# Each command refused with one good and one bad output (or a bad input): {t} is the work
# folder, {x} a path that cannot be written, {csv}/{mapping} a small synthetic export.
D, P, VARY = str(DEMO), str(PROGRAM), "teams.police.units=15,16"
OPT = ["optimize", D, *FAST, "--team", "community", "--target"]
REFUSED: dict[str, list[str]] = {
    "run": ["run", D, *FAST, "--json", "{t}/ok.json", "--events", "{x}.csv"],
    "run --events .txt": ["run", D, *FAST, "--json", "{t}/ok.json", "--events", "{t}/c.txt"],
    "compare": ["compare", D, "--program", P, *FAST, "--csv", "{t}/ok.csv", "--json",
                "{x}.json"],
    "compare --json .txt": ["compare", D, "--program", P, *FAST, "--json", "{t}/c.txt"],
    "run --json .csv": ["run", D, *FAST, "--json", "{t}/summary.csv"],
    "sensitivity --json .csv": ["sensitivity", D, *FAST, "--json", "{t}/tornado.csv"],
    "report": ["report", D, *FAST, "-o", "{x}"],
    "sweep --plot": ["sweep", D, *FAST, "--vary", VARY, "-o", "{t}/ok.csv", "--plot", "{x}.png"],
    "sweep --plot .pdf": ["sweep", D, *FAST, "--vary", VARY, "-o", "{t}/ok.csv", "--plot",
                          "{t}/front.pdf"],
    "sweep -o": ["sweep", D, *FAST, "--vary", VARY, "-o", "{x}.csv"],
    "fit": ["fit", "{csv}", "--mapping", "{mapping}", "-o", "{t}/ok.toml", "--report", "{x}"],
    "backtest": ["backtest", D, "{csv}", "--mapping", "{mapping}", "--json", "{t}/ok.json",
                 "-o", "{x}"],
    "backtest --json, no suffix": ["backtest", D, "{csv}", "--mapping", "{mapping}", "--json",
                                   "{t}/result"],
    "optimize": [*OPT, "eligible.response_min.p90<=45", "-o", "{x}"],
    "optimize, impossible target": [*OPT, "teams.police.utilization>=2", "-o", "{t}/ok.toml"],
    "optimize, target below zero": [*OPT, "eligible.response_min.p90<=-5", "-o", "{t}/ok.toml"],
    "program apply": ["program", "apply", D, P, "-o", "{x}"],
}  # fmt: skip


@pytest.mark.parametrize("command", list(REFUSED))
def test_a_refused_command_leaves_nothing_behind_and_prints_no_result(
    command: str, tmp_path: Path, export: SyntheticFiles
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    before = files(work)
    fields = {"t": work, "x": UNWRITABLE, "csv": export.csv, "mapping": export.mapping}
    result = runner.invoke(app, [a.format(**fields) for a in REFUSED[command]])
    line = one_error_line(result)
    assert (
        "cannot be written" in line
        or "plan can meet" in line
        or "suffix" in line
        or ("'.pdf'" in line or "'.txt'" in line)
        or "give a name ending in .json" in line
    ), line
    assert result.stdout == "", "a refused command printed results before refusing"
    assert files(work) == before


def test_outputs_are_tried_not_trusted_to_os_access(tmp_path: Path) -> None:
    from sim.errors import OutputError
    from sim.output import check_writable

    with pytest.raises(OutputError, match="cannot be written"):
        check_writable(Path(UNWRITABLE))
    check_writable(tmp_path / "fine.json")
    assert files(tmp_path) == set(), "the check left its probe behind"


def test_writing_to_a_device_writes_in_place(tmp_path: Path) -> None:
    write_text(os.devnull, "{}")  # renaming over /dev/null would replace the device
    assert Path(os.devnull).is_char_device()


def test_a_killed_writers_temporary_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    dead = 2**22 + 12345  # above the kernel's pid_max: no process has it
    stale = temporary(out).with_name(f".{out.name}.{dead}.tmp")
    stale.write_text("half a summary")
    result = runner.invoke(app, ["run", str(DEMO), *FAST, "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert files(tmp_path) == {"summary.json"}


# ------------------------------------------------ results JSON edited by hand (fuzz finds)


@pytest.fixture(scope="module")
def run_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import json

    out = tmp_path_factory.mktemp("results") / "summary.json"
    result = runner.invoke(app, ["run", str(DEMO), *FAST, "--json", str(out)])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def _edited(edit: Any) -> Any:
    """An edit of the parsed summary, as the JSON text it gives."""

    def text(data: dict[str, Any]) -> str:
        import json

        edit(data)
        return json.dumps(data)

    return text


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (_edited(lambda d: d["teams"]["police"].update(utilization_ci95=[0.4, 1e308])),
         "1e+308 is larger than any figure sim writes"),
        (_edited(lambda d: d["teams"]["police"].update(utilization_ci95=[0.0, 0.0])),
         "does not hold the value"),
        (_edited(lambda d: d["response_min"].update(ci95=[30.0, 10.0])), "low end 30 is above"),
        (lambda d: _edited(lambda _: None)(d).replace('"calls": ', '"calls": 1e999, "_": ', 1),
         "not a JSON file (1e999 is beyond the largest"),
    ],
)  # fmt: skip
def test_a_report_of_edited_results_is_one_line(
    run_json: dict[str, Any], edit: Any, words: str, tmp_path: Path
) -> None:
    source = tmp_path / "edited.json"
    source.write_text(edit(copy.deepcopy(run_json)))
    out = tmp_path / "report.html"
    one_error_line(runner.invoke(app, ["report", str(source), "-o", str(out)]), words)
    assert not out.exists()


def test_a_report_of_an_edited_sweep_is_one_line(tmp_path: Path) -> None:
    import json

    out = tmp_path / "sweep.json"
    result = runner.invoke(app, ["sweep", str(DEMO), *FAST, "--vary", "teams.police.units=15,16",
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    data["variants"][0]["row"]["response_min.p90"] = ""  # a fuzz find: a crash in the report
    out.write_text(json.dumps(data))
    report = tmp_path / "report.html"
    one_error_line(runner.invoke(app, ["report", str(out), "-o", str(report)]),
                   "variants.0.row.response_min.p90: '' is not a number")  # fmt: skip
    assert not report.exists()


# --------------------------------------------- degenerate settings that run: n/a with reasons


def test_a_shift_of_zero_units_runs_with_its_figures_not_applicable_and_why(
    tmp_path: Path,
) -> None:
    """Issue 12: a shift of 0 units ran with `utilization = null` and no word of why."""
    import json
    import re

    scenario = demo_with(tmp_path, "teams.community.shifts.0.units", 0)
    out, html = tmp_path / "summary.json", tmp_path / "report.html"
    result = runner.invoke(app, ["run", str(scenario), *FAST, "--json", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())
    never = "the team was never on duty in the measured days"
    assert summary["teams"]["community"]["utilization"] is None
    assert summary["not_applicable"]["teams.community.utilization"] == never
    shown = runner.invoke(app, ["run", str(scenario), *FAST]).stdout
    assert re.search(r"│ community .*│\s+n/a │", shown), shown
    assert f"n/a: {never} (teams.community.utilization)" in shown
    result = runner.invoke(app, ["report", str(scenario), *FAST, "-o", str(html)])
    assert result.exit_code == 0, result.output  # the hours of a team never on duty: none
    page = re.sub(r"<[^>]+>", " ", html.read_text())
    assert f"n/a: {never} (teams.community.utilization)" in page
    assert "reach none of those calls (the team answered no call from the public)" in page


@pytest.mark.parametrize("table", ["teams", "call_types"])
def test_more_teams_or_call_types_than_any_city_is_one_line(tmp_path: Path, table: str) -> None:
    """20,000 teams took a gigabyte and 24 s, 20,000 call types 107 s: at most 1,000 each."""
    data = copy.deepcopy(read_toml(DEMO))
    first = next(iter(data[table].values()))
    data[table].update({f"extra_{i}": copy.deepcopy(first) for i in range(1001)})
    scenario = tmp_path / "crowded.toml"
    scenario.write_text(tomli_w.dumps(data), encoding="utf-8")
    one_error_line(runner.invoke(app, ["check", str(scenario)]),
                   f"{table}: more than 1,000 items; it holds at most 1,000")  # fmt: skip
