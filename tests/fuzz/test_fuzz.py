"""Fuzzing with hostile input (issue 12): every shipped file mutated, broken exports, odd options.

The property (``oracle``): each input is refused in one line (exit code 2 on the command
line) or runs, and then every figure a user reads — the JSON, the terminal, the HTML — is a
finite number or explicitly not applicable. Never a traceback, never a hang, never NaN,
infinity or an unexplained null.

Two parts run the same checks:

* the fast part, in the test suite: a few hundred derandomized examples (the same every run);
* the long part, ``@pytest.mark.fuzz_long``, left out of the suite and run by CI as a
  separate step (``.ci/run``) with a fresh seed each time::

      .venv/bin/pytest -m fuzz_long tests/fuzz                         # ~1,500 cases
      SIM_FUZZ_EXAMPLES=10000 SIM_FUZZ_SEED=7 .venv/bin/pytest -m fuzz_long tests/fuzz

  ``SIM_FUZZ_EXAMPLES`` is the number of cases across the long tests (split by weight),
  ``SIM_FUZZ_SEED`` fixes the seed (else a new one, printed when a property fails).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hostile import (
    NUMBERS,
    OPTION_TEXTS,
    PROGRAM_FILES,
    SCENARIO_FILES,
    SWEEP_FILES,
    TARGET_TEXTS,
    VARY_TEXTS,
    BrokenExport,
    Mutated,
    broken_export,
    mutated,
    mutated_file,
)
from hypothesis import HealthCheck, event, note, settings
from hypothesis import given as hypothesis_given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from oracle import (
    _non_finite,
    attempt,
    check_document,
    check_text,
    terminal,
    time_limit,
    unexplained,
)
from pydantic import ValidationError

from sim import api
from sim.cli import main
from sim.data.mapping import mapping_from_dict
from sim.errors import SimError
from sim.fit import FitOptions, fit_calls
from sim.fit.synthetic import SyntheticFiles, write_synthetic
from sim.inputs import loads_toml
from sim.numbers import DAYS
from sim.optimize import Blocks, check_inputs, parse_target
from sim.pipeline import SerialExecutor, run
from sim.program import Program, apply_program, program_from_dict
from sim.scenario import Scenario, from_dict, load_scenario, read_toml, with_overrides
from sim.sweep import build_sweep, grid, load_sweep_file, parse_vary, run_sweep

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.toml"
MAX_CALLS = 3000  # calls simulated per example (replications × days × calls a day)
HANG_SECONDS = 60.0  # far beyond any example's honest time: longer is a hang

# ------------------------------------------------------------------ fast and long parts

LONG_EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "1500"))
LONG_SEED = int(os.environ.get("SIM_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))
TOTAL_WEIGHT = 100  # the weights of the long tests below add up to this
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.large_base_example]  # fmt: skip


def fuzz(strategy: st.SearchStrategy[Any], fast: int, weight: int) -> Callable[..., Any]:
    """Make ``check`` into a fast test (``fast`` derandomized examples) and a long one
    (marked ``fuzz_long``: ``weight`` hundredths of SIM_FUZZ_EXAMPLES, seeded by
    SIM_FUZZ_SEED), each example within :data:`HANG_SECONDS`."""

    def make(check: Callable[[Any], None]) -> tuple[Any, Any]:
        def body(case: Any) -> None:
            note(f"SIM_FUZZ_SEED={LONG_SEED} (long part)")
            with time_limit(HANG_SECONDS):
                check(case)

        common = {"deadline": None, "database": None, "suppress_health_check": HEALTH}
        fast_test = settings(max_examples=fast, derandomize=True, **common)(
            hypothesis_given(strategy)(body)
        )
        many = max(1, LONG_EXAMPLES * weight // TOTAL_WEIGHT)
        long_test = settings(max_examples=many, **common)(hypothesis_given(strategy)(body))
        return fast_test, pytest.mark.fuzz_long(hypothesis_seed(LONG_SEED)(long_test))

    return make


# ------------------------------------------------------------------------ shared pieces


def small(scn: Scenario) -> Scenario:
    """The scenario cut to at most about MAX_CALLS simulated calls (one or two replications)."""
    per_day = sum(ct.calls_per_day for ct in scn.call_types.values()) or 1.0
    reps = min(scn.scenario.replications, 2)
    days, warmup = scn.scenario.days, scn.scenario.warmup_days
    if per_day * days * reps > MAX_CALLS:
        days = max(2 * DAYS.low, MAX_CALLS / (per_day * reps))
        warmup = min(warmup, 0.4 * days)
    changes = {"scenario.days": days, "scenario.warmup_days": warmup,
               "scenario.replications": reps}  # fmt: skip
    return with_overrides(scn, changes, source="fuzz: a small run")


def check_run(scn: Scenario, html: bool = False) -> None:
    """A valid scenario runs, and its summary (JSON and terminal) holds only figures; with
    ``html``, so does its HTML report (a second run, with the report's collectors)."""
    from sim.report.tables import render_summary

    result = run(small(scn))
    event("ran")
    summary = result.summary
    check_document(summary.model_dump_json(), "run summary")
    check_text(terminal(lambda console: render_summary(summary, console)), "sim run's tables",
               reasons=True)  # fmt: skip
    if html:
        event("HTML report")
        check_text(api.report(small(scn), workers=1), "the HTML report")


DEMO_SMALL = small(load_scenario(DEMO))


def _expected_calls(scn: Scenario) -> float:
    per_day = sum(ct.calls_per_day for ct in scn.call_types.values())
    return per_day * scn.scenario.days * scn.scenario.replications


# -------------------------------------------------------------------- scenario files


ONE_IN = st.integers(0, 9)  # 0: also the HTML report (a tenth of the valid runs)


@fuzz(st.tuples(mutated_file(SCENARIO_FILES), ONE_IN), fast=150, weight=30)
def check_scenario(case: tuple[tuple[Path, Mutated], int]) -> None:
    (path, mutation), draw = case
    note(f"{path.name}: {'; '.join(mutation.done)}")
    scn = attempt(lambda: from_dict(mutation.data, source=path.name))
    if scn is not None:
        check_run(scn, html=draw == 0)


test_scenario_mutations, test_scenario_mutations_long = check_scenario


# ------------------------------------------------------------------- program templates


@fuzz(st.tuples(mutated_file(PROGRAM_FILES), ONE_IN), fast=40, weight=10)
def check_program(case: tuple[tuple[Path, Mutated], int]) -> None:
    (path, mutation), draw = case
    note(f"{path.name}: {'; '.join(mutation.done)}")
    program: Program | None = attempt(lambda: program_from_dict(mutation.data, source=path.name))
    if program is None:
        return
    planned = attempt(lambda: apply_program(DEMO_SMALL, program, warn=lambda _: None))
    if planned is None:
        return
    check_run(planned, html=draw == 0)
    from sim.compare import to_json
    from sim.report.tables import render_comparison

    comparison = attempt(lambda: api.compare([DEMO_SMALL], program, workers=1))
    if comparison is not None:
        check_document(to_json(comparison), "compare JSON")
        check_text(terminal(lambda c: render_comparison(comparison, c)), "sim compare's output",
                   reasons=True)  # fmt: skip


test_program_mutations, test_program_mutations_long = check_program


# ------------------------------------------------------------------------ sweep files


def check_sweep_spec(variants: list[Any], baseline: str | None) -> None:
    """Variants validated before anything runs; a small sweep's rows and JSON are figures."""
    from sim.sweep.table import sweep_notes, sweep_table

    plan = attempt(lambda: build_sweep(DEMO_SMALL, variants, baseline=baseline))
    if plan is None or len(plan.variants) > 4:
        return
    if any(_expected_calls(arm.scenario) > MAX_CALLS for arm in plan.arms.values()):
        return
    result = run_sweep(plan, SerialExecutor())
    check_document(result.document().model_dump_json(), "sweep JSON")
    shown = terminal(lambda c: [c.print(x) for x in (sweep_table(result), *sweep_notes(result))])
    check_text(shown, "sweep table", reasons=True)


@fuzz(mutated_file(SWEEP_FILES), fast=30, weight=10)
def check_sweep_file(case: tuple[Path, Mutated]) -> None:
    path, mutation = case
    note(f"{path.name}: {'; '.join(mutation.done)}")
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"sim-fuzz-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    file = folder / path.name
    file.write_text(tomli_w.dumps(mutation.data), encoding="utf-8")
    spec = attempt(lambda: load_sweep_file(file))
    if spec is not None:
        check_sweep_spec(spec.variants, spec.baseline)


test_sweep_file_mutations, test_sweep_file_mutations_long = check_sweep_file


# ---------------------------------------------------------------------------- exports


def _export() -> SyntheticFiles:
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"sim-fuzz-export-{os.getpid()}"
    if not (folder / "synthetic_calls.csv").exists():
        folder.mkdir(exist_ok=True)
        write_synthetic(load_scenario(DEMO), folder, days=1)
    csv = folder / "synthetic_calls.csv"
    return SyntheticFiles(csv, folder / "synthetic_calls_mapping.toml",
                          folder / "synthetic_calls_taxonomy.toml", 0)  # fmt: skip


EXPORT = _export()


def check_fit(csv: Path, mapping: Any, taxonomy: Path | None) -> None:
    """A fit is refused in one line, or writes a valid scenario whose report and run are
    figures."""
    from sim.fit.report import render_report

    fitted = attempt(lambda: fit_calls(csv, mapping, taxonomy=taxonomy))
    if fitted is None:
        return
    report = fitted.report.model_dump(mode="json")
    assert not _non_finite(report), _non_finite(report)
    check_text(terminal(lambda c: render_report(fitted.report, c)), "fit report")
    again = attempt(lambda: from_dict(loads_toml(fitted.text, "fitted", SimError), "fitted"))
    assert again is not None, "sim fit wrote a scenario it cannot read back"
    check_run(again)


def check_history(csv: Path, backtest: bool) -> None:
    """The demo replayed on a broken export's calls, or backtested against it."""
    from sim.backtest.render import render_backtest
    from sim.report.backtest import backtest_report

    if not backtest:
        replayed = attempt(lambda: api.replay(DEMO_SMALL, csv, mapping=EXPORT.mapping,
                                              taxonomy=EXPORT.taxonomy, replications=1,
                                              workers=1, records=False))  # fmt: skip
        if replayed is not None:
            event("replayed")
            check_document(replayed.summary.model_dump_json(), "replay summary")
        return
    result = attempt(lambda: api.backtest(DEMO_SMALL, csv, EXPORT.mapping,
                                          taxonomy=EXPORT.taxonomy, replications=1,
                                          workers=1))  # fmt: skip
    if result is not None:
        event("backtested")
        check_document(result.model_dump_json(), "backtest JSON")
        check_text(terminal(lambda c: render_backtest(result, c)), "backtest table", reasons=True)
        check_text(backtest_report(result), "backtest HTML")


@fuzz(st.tuples(broken_export(EXPORT.csv.read_text(encoding="utf-8")), ONE_IN), fast=40,
      weight=20)  # fmt: skip
def check_export(case: tuple[BrokenExport, int]) -> None:
    broken_case, draw = case
    note("; ".join(broken_case.done))
    folder = EXPORT.csv.parent
    broken = folder / f"broken-{os.getpid()}.csv"
    broken.write_bytes(broken_case.content)
    check_fit(broken, EXPORT.mapping, EXPORT.taxonomy)
    if draw in (0, 1):
        check_history(broken, backtest=draw == 1)


test_broken_exports, test_broken_exports_long = check_export

MAPPING = read_toml(EXPORT.mapping)
TAXONOMY = read_toml(EXPORT.taxonomy)


@fuzz(st.tuples(st.booleans(), mutated(MAPPING), mutated(TAXONOMY, most=2)), fast=25, weight=8)
def check_mapping(case: tuple[bool, Mutated, Mutated]) -> None:
    mapping_side, mapping, taxonomy = case
    folder = EXPORT.csv.parent
    if mapping_side:
        note(f"mapping: {'; '.join(mapping.done)}")
        parsed = attempt(lambda: mapping_from_dict(mapping.data))
        if parsed is not None:
            check_fit(EXPORT.csv, parsed, EXPORT.taxonomy)
        return
    note(f"taxonomy: {'; '.join(taxonomy.done)}")
    file = folder / f"taxonomy-{os.getpid()}.toml"
    file.write_text(tomli_w.dumps(taxonomy.data), encoding="utf-8")
    check_fit(EXPORT.csv, EXPORT.mapping, file)


test_mapping_mutations, test_mapping_mutations_long = check_mapping


# ----------------------------------------------------------------------- results JSON


def _results() -> dict[str, dict[str, Any]]:
    """A small run's, comparison's and sweep's results JSON, as `sim report` reads them."""
    import json

    from sim.compare import to_json

    run_json = run(DEMO_SMALL).summary.model_dump_json()
    program = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
    compare_json = to_json(api.compare([DEMO_SMALL], program, workers=1))
    vary = {"teams.community.shifts.0.units": "0..2"}  # 0: a team never on duty
    sweep = api.sweep(DEMO_SMALL, vary, workers=1).document().model_dump_json()
    once = api.sweep(DEMO_SMALL, vary, replications=1, workers=1).document().model_dump_json()
    return {kind: json.loads(text) for kind, text in
            (("run", run_json), ("compare", compare_json), ("sweep", sweep),
             ("sweep, one replication", once))}  # fmt: skip


RESULTS = _results()


@fuzz(st.sampled_from(sorted(RESULTS)).flatmap(lambda k: st.tuples(st.just(k),
                                                                   mutated(RESULTS[k]))),
      fast=20, weight=5)  # fmt: skip
def check_results(case: tuple[str, Mutated]) -> None:
    """`sim report` of hand-edited results JSON: one line, or HTML of figures."""
    import json

    kind, mutation = case
    note(f"{kind} JSON: {'; '.join(mutation.done)}")
    folder = EXPORT.csv.parent
    path = folder / f"results-{os.getpid()}.json"
    path.write_text(json.dumps(mutation.data), encoding="utf-8")
    html = attempt(lambda: api.report(path))
    if html is not None:
        check_text(html, f"the report of edited {kind} JSON")


test_results_mutations, test_results_mutations_long = check_results


@pytest.mark.parametrize("kind", sorted(RESULTS))
def test_results_as_sim_writes_them_are_reported(kind: str, tmp_path: Path) -> None:
    """The base of the mutations above: sim's own results JSON is read back and reported."""
    import json

    path = tmp_path / "results.json"
    path.write_text(json.dumps(RESULTS[kind]), encoding="utf-8")
    check_document(path.read_text(), kind)
    check_text(api.report(path), f"the report of {kind} JSON")


# ---------------------------------------------------------------------------- options

OPTION_VALUES = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(OPTION_TEXTS), st.booleans(),
                          st.none())  # fmt: skip
FIT_FIELDS = ["police_units", "cost_per_unit_hour", "days", "warmup_days", "replications",
              "seed", "population", "response_target_min", "cap_quantile"]  # fmt: skip

TEAMS = ["community", "police", "nobody"]
OPTIONS = st.one_of(
    st.tuples(st.just("settings"), st.tuples(OPTION_VALUES, OPTION_VALUES, OPTION_VALUES)),
    st.tuples(
        st.just("target"),
        st.tuples(st.sampled_from(["community", "police", "nobody"]), TARGET_TEXTS),
    ),
    st.tuples(st.just("vary"), st.lists(VARY_TEXTS, min_size=1, max_size=2)),
    st.tuples(st.just("fit"), st.tuples(st.sampled_from(FIT_FIELDS), OPTION_VALUES)),
    st.tuples(st.just("workers"), OPTION_VALUES),
    st.tuples(st.just("blocks"), st.tuples(OPTION_VALUES, st.booleans())),
)


@fuzz(OPTIONS, fast=60, weight=10)
def check_option(case: tuple[str, Any]) -> None:
    kind, value = case
    note(f"{kind}: {value!r}")
    if kind == "settings":
        replications, seed, days = value
        attempt(lambda: api.with_settings(DEMO_SMALL, replications, seed, days))
    elif kind == "target":
        team, text = value
        attempt(lambda: check_inputs(DEMO_SMALL, team, [parse_target(text)]))
    elif kind == "vary":
        axes = attempt(lambda: [parse_vary(v) for v in value])
        if axes is not None:
            variants = attempt(lambda: grid(axes))
            if variants is not None:
                check_sweep_spec(variants, None)
    elif kind == "fit":
        field, given = value
        with contextlib.suppress(ValidationError):  # pydantic's line names the field
            FitOptions(**{field: given})
    elif kind == "workers":
        with contextlib.suppress(SimError), api.executor_for([], value):
            pass
    else:
        hours, by_day = value
        attempt(lambda: Blocks(hours, by_day))


test_options, test_options_long = check_option


# ------------------------------------------------------------------- the command line


def cli(argv: list[str]) -> tuple[int, str, str]:
    """``sim ARGV`` as the console script runs it: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def check_cli(argv: list[str], outputs: list[Path], strict: bool = True) -> None:
    """Exit 0 with outputs that are figures, or exit 2 with one line and nothing written.
    ``strict``: JSON outputs are results (nulls explained); else finite numbers only (the
    fit report)."""
    code, out, err = cli(argv)
    note(f"exit {code}; stderr: {err[-300:]!r}")
    event(f"sim {argv[0]}: exit {code}")
    assert code in (0, 2), f"exit code {code}"
    assert "Traceback" not in out + err
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert not any(p.exists() for p in outputs), "a refused command wrote an output"
        return
    check_text(out, f"sim {argv[0]}'s output")
    for path in outputs:
        if path.suffix == ".json" and path.exists() and strict:
            check_document(path.read_text(encoding="utf-8"), f"{path.name}")
        elif path.suffix == ".json" and path.exists():
            document = json.loads(path.read_text(encoding="utf-8"))
            assert not _non_finite(document), (path.name, _non_finite(document))


FIT_OPTIONS = [
    "", "--name=x\ny", "--name=\u202eevil", "--name=", "--start=2023-01-02T06:00:00",
    "--end=2023-01-03", "--start=2023-01-03", "--other-activity=public", "--smoothing=kernel",
    "--smoothing=none", "--agency=nobody", "--start=9999-12-31", "--end=0001-01-01",
]  # fmt: skip
SMALL_DAYS = [
    "0.5",
    "1",
    "2",
    "3",
    "4",
    "4",
    "inf",
    "nan",
    "-1",
    "0",
    "1e-300",
    "1e300",
    "abc",
    "",
    "true",
]
SMALL_REPS = ["1", "2", "2", "0", "-1", "true", "1.5", "99999999999999999999", "nan"]
COMMANDS = st.one_of(
    st.tuples(
        st.just("run"),
        mutated_file(SCENARIO_FILES, most=2),
        st.sampled_from(SMALL_DAYS),
        st.sampled_from(SMALL_REPS),
    ),
    st.tuples(
        st.just("run"),
        mutated_file(SCENARIO_FILES, most=2, gentle=True),
        st.sampled_from(["3", "4"]),
        st.sampled_from(["1", "2"]),
    ),
    st.tuples(st.just("check"), mutated_file(SCENARIO_FILES, most=2), st.just(""), st.just("")),
    st.tuples(st.just("apply"), mutated_file(PROGRAM_FILES, most=2), st.just(""), st.just("")),
    st.tuples(
        st.just("sweep"),
        mutated_file(SWEEP_FILES, most=2),
        st.sampled_from(SMALL_DAYS),
        st.sampled_from(SMALL_REPS),
    ),
    st.tuples(
        st.just("optimize"),
        st.tuples(st.just(DEMO), TARGET_TEXTS),
        st.sampled_from(SMALL_DAYS),
        st.sampled_from(SMALL_REPS),
    ),
    st.tuples(
        st.just("fit"),
        broken_export(EXPORT.csv.read_text(encoding="utf-8")),
        st.sampled_from(FIT_OPTIONS),
        st.sampled_from(["", "4", "0", "99999999999999999999", "-2", "nan"]),
    ),
)


@fuzz(COMMANDS, fast=20, weight=7)
def check_command(case: tuple[str, Any, str, str]) -> None:
    command, given, days, reps = case
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"sim-fuzz-cli-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    if command == "fit":
        note(f"sim fit {'; '.join(given.done)} {days!r} --police-units {reps!r}")
        csv, out, report = folder / "calls.csv", folder / "city.toml", folder / "fit.json"
        csv.write_bytes(given.content)
        units = ["--police-units", reps] if reps else []
        check_cli(["fit", str(csv), "--mapping", str(EXPORT.mapping), "--taxonomy",
                   str(EXPORT.taxonomy), "-o", str(out), "--report", str(report),
                   *([days] if days else []), *units], [out, report], strict=False)  # fmt: skip
        return
    if command == "optimize":
        _, target = given
        if attempt(lambda: check_inputs(DEMO_SMALL, "community", [parse_target(target)])):
            return  # a valid target starts a search: minutes, not a hostile-input check
        out = folder / "plan.toml"
        check_cli(["optimize", str(DEMO), "--team", "community", "--target", target,
                   "--days", days, "--replications", reps, "-o", str(out)], [out])  # fmt: skip
        return
    path, mutation = given
    note(f"sim {command} {path.name}: {'; '.join(mutation.done)}; --days {days!r} "
         f"--replications {reps!r}")  # fmt: skip
    file = folder / path.name
    file.write_text(tomli_w.dumps(mutation.data), encoding="utf-8")
    if command == "check":
        check_cli(["check", str(file)], [])
    elif command == "apply":
        out = folder / "planned.toml"
        check_cli(["program", "apply", str(DEMO), str(file), "-o", str(out)], [out])
    elif command == "run":
        scn = attempt(lambda: from_dict(mutation.data))
        if scn is not None and _too_big(scn, days, reps):
            return
        out = folder / "summary.json"
        check_cli(["run", str(file), "--days", days, "--replications", reps, "--json", str(out),
                   "--workers", "1"], [out])  # fmt: skip
    else:
        out = folder / "sweep.json"
        check_cli(["sweep", str(DEMO), "--file", str(file), "--days", days, "--replications",
                   reps, "-o", str(out), "--workers", "1"], [out])  # fmt: skip


def _too_big(scn: Scenario, days: str, reps: str) -> bool:
    try:
        d, r = float(days), float(reps)
    except ValueError:
        return False
    return sum(ct.calls_per_day for ct in scn.call_types.values()) * d * r > 4 * MAX_CALLS


test_commands, test_commands_long = check_command


# -------------------------------------------------------------------- the oracle itself


def test_the_oracle_catches_what_it_must() -> None:
    """The property can fail: NaN and infinity in JSON or text, and a traceback."""
    with pytest.raises(AssertionError, match="NaN in the JSON"):
        check_document('{"calls": NaN}', "x")
    with pytest.raises(AssertionError, match="Infinity in the JSON"):
        check_document('{"cost": {"per_year": Infinity}}', "x")
    assert unexplained({"calls": 1e308 * 10}) == ["calls"] or unexplained({"calls": float("inf")})
    for shown in ("utilization nan", "cost $inf", "p90 None"):
        with pytest.raises(AssertionError, match="shows"):
            check_text(shown, "x")
    check_text("information, infinite, nonce, annulled", "x")  # words, not figures
    with pytest.raises(ZeroDivisionError):
        attempt(lambda: 1 / 0)
    assert attempt(lambda: (_ for _ in ()).throw(SimError("bad", where="x"))) is None
