"""The Python API: what every ``sim`` command does, as functions a notebook can call.

    >>> import sim
    >>> scn = sim.load("scenarios/demo.toml")
    >>> result = sim.run(scn, replications=10, workers=2)
    >>> result.summary.response_min.mean        # the typed summary
    >>> result.records                          # every call, as a pandas DataFrame

Each function takes a scenario (or a path to one), optional run settings that override the
file's (``replications``, ``seed``, ``days``), and where to run (``workers`` local processes,
or ``dask`` = ``"local"`` or a scheduler address; by default the work stays in this process
unless it is large enough to repay starting workers). Every simulation goes through the one
replication pipeline (:mod:`sim.pipeline`), so the numbers are the same wherever it runs.
The command line is a thin layer over these functions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.program import Program, load_program
from sim.scenario import Scenario, load_scenario, with_overrides

if TYPE_CHECKING:
    from sim.backtest import BacktestResult
    from sim.compare import Comparison
    from sim.data import ColumnMapping, Taxonomy
    from sim.fit import FitOptions, FitResult
    from sim.fit.replay import Replay
    from sim.optimize import Blocks, OptimizeResult, Target
    from sim.pipeline import Executor, RunResult
    from sim.sensitivity import Range, SensitivityResult
    from sim.sweep import SweepResult, Variant

PathLike = str | Path
Progress = Callable[[int, int], None]  # (done, total) replications


def load(path: PathLike) -> Scenario:
    """Read and validate a scenario TOML file."""
    return load_scenario(path)


def _scenario(scenario: Scenario | PathLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def with_settings(
    scenario: Scenario | PathLike,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    warmup_days: float | None = None,
) -> Scenario:
    """The scenario with the run settings that were given replaced (validated like a file)."""
    scn = _scenario(scenario)
    given = {"replications": replications, "seed": seed, "days": days,
             "warmup_days": warmup_days}  # fmt: skip
    changes: dict[str, object] = {f"scenario.{k}": v for k, v in given.items() if v is not None}
    source = str(scenario) if not isinstance(scenario, Scenario) else scn.scenario.name
    return with_overrides(scn, changes, source=source) if changes else scn


def executor_for(*args: Any, **kwargs: Any) -> contextlib.AbstractContextManager[Executor]:
    """:func:`sim.pipeline.choose.executor_for`, imported when first used."""
    from sim.pipeline.choose import executor_for as choose

    return choose(*args, **kwargs)


def _counter(total: int | None, progress: Any) -> Callable[[Any], None] | None:
    from sim.pipeline.choose import counter

    return counter(total, progress)


def run(
    scenario: Scenario | PathLike,
    *,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    records: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Simulate a scenario over its replications: ``result.summary``, ``result.records``.

    ``records=False`` keeps only the summaries (a million-call run's records take about
    70 MB per replication).
    """
    from sim.pipeline import Arm, KeepRecords
    from sim.pipeline import run as run_pipeline

    scn = with_settings(scenario, replications, seed, days)
    arm = Arm("run", scn, collect=(KeepRecords(),) if records else ())
    with executor_for([arm], workers, dask) as executor:
        return run_pipeline(
            scn, executor, collect=arm.collect,
            on_replication=_counter(arm.replications, progress),
        )  # fmt: skip


def replay(
    scenario: Scenario | PathLike,
    history: Replay | PathLike,
    *,
    mapping: ColumnMapping | PathLike | None = None,
    taxonomy: Taxonomy | PathLike | None = None,
    on_scene: bool = False,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask: str | None = None,
    records: bool = True,
    progress: Progress | None = None,
) -> RunResult:
    """Simulate a scenario on an export's own calls (its days, its arrival times; days
    missing from it are not counted as staffed). ``history`` is the export or a loaded
    :class:`~sim.fit.replay.Replay`; ``on_scene`` keeps each call's recorded time on scene
    where the export has one."""
    from sim.fit.replay import Replay, load_replay, replay_scenario, without_gap_days
    from sim.pipeline import Arm, KeepRecords
    from sim.pipeline import run as run_pipeline

    scn = with_settings(scenario, replications, seed)
    if not isinstance(history, Replay):
        history = load_replay(scn, history, mapping, taxonomy)
    scn = replay_scenario(scn, history)
    arm = Arm("replay", scn, history.source(on_scene), (KeepRecords(),) if records else ())
    with executor_for([arm], workers, dask) as executor:
        return without_gap_days(scn, history, run_pipeline(
            scn, executor, calls=arm.calls, collect=arm.collect,
            on_replication=_counter(arm.replications, progress),
        ))  # fmt: skip


def sweep(
    scenario: Scenario | PathLike,
    vary: Mapping[str, Sequence[Any] | str] | Sequence[Variant] | PathLike,
    *,
    baseline: str | None = None,
    measures: Sequence[str] = (),
    independent: bool = False,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    out: PathLike | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run variants of a scenario with common random numbers (paired differences).

    ``vary`` is a grid (``{"teams.community.shifts.0.units": [1, 2, 3]}`` or ``"1..3"``),
    a list of :class:`~sim.sweep.Variant`, or the path of a sweep file. ``out`` writes the
    results (``.csv``/``.parquet`` plus ``.json``, or ``.json``) as each variant finishes,
    with a journal that ``resume=True`` finishes after an interruption.
    """
    from sim.sweep import build_sweep, grid, load_sweep_file, parse_values, run_sweep
    from sim.sweep.results import check_output

    scn = with_settings(scenario, replications, seed, days)
    if isinstance(vary, str | Path):
        spec = load_sweep_file(Path(vary))
        variants, baseline = spec.variants, baseline or spec.baseline
    elif isinstance(vary, Mapping):
        axes = [(p, parse_values(v) if isinstance(v, str) else list(v)) for p, v in vary.items()]
        variants = grid(axes)
    else:
        variants = list(vary)
    plan = build_sweep(scn, variants, baseline=baseline, measures=measures, crn=not independent)
    if out is not None:
        check_output(Path(out))  # before any worker starts
    arms = list(plan.arms.values())
    with executor_for(arms, workers, dask) as executor:
        return run_sweep(plan, executor, out=Path(out) if out is not None else None,
                         resume=resume, on_result=progress)  # fmt: skip


def compare(
    cities: Sequence[Scenario | PathLike],
    program: Program | PathLike,
    *,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Each city without and with a program template, paired by common random numbers."""
    from sim.compare.run import all_arms, compare_plans, plan_city

    prog = program if isinstance(program, Program) else load_program(program)
    plans = [
        plan_city(with_settings(c, replications, seed, days), prog,
                  "" if isinstance(c, Scenario) else str(c))
        for c in cities
    ]  # fmt: skip
    arms = all_arms(plans)
    total = sum(a.replications for a in arms)
    with executor_for(arms, workers, dask) as executor:
        return compare_plans(plans, prog, executor, on_outcome=_counter(total, progress))


def optimize(
    scenario: Scenario | PathLike,
    team: str,
    targets: Sequence[str | Target],
    *,
    blocks: Blocks | None = None,
    min_shift_hours: int | None = None,
    max_shift_hours: int | None = None,
    max_units: int = 50,
    strict: bool = False,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> OptimizeResult:
    """Least-cost shifts for ``team`` that meet every target (e.g. ``'x.p90<=20'``).

    A plan is whole shifts from ``min_shift_hours`` to ``max_shift_hours`` long (default 8
    to 12, in whole blocks) starting on ``blocks`` boundaries; ``strict`` asks every
    target's 95% interval, not only its estimate, to clear the bound.
    """
    from sim.optimize import Blocks, ShiftRules, check_inputs, parse_target
    from sim.optimize import optimize as search
    from sim.pipeline import Arm

    scn = with_settings(scenario, replications, seed, days)
    parsed = [parse_target(t) if isinstance(t, str) else t for t in targets]
    check_inputs(scn, team, parsed)
    rules = ShiftRules.default(blocks or Blocks(), min_shift_hours, max_shift_hours)
    with executor_for([Arm(team, scn)], workers, dask, open_ended=True) as executor:
        return search(scn, team, parsed, executor, rules=rules, max_units=max_units,
                      strict=strict, log=log, on_outcome=_counter(None, progress))  # fmt: skip


def sensitivity(
    scenario: Scenario | PathLike,
    *,
    program: Program | PathLike | None = None,
    teams: Sequence[str] = (),
    ranges: Sequence[Range | str] = (),
    spread: float = 0.2,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Which uncertain input moves the plan most: each at the ends of its range (±``spread``,
    or ``ranges`` such as ``"calls=0.7,1.3"``) against the scenario as written, paired by
    common random numbers. ``program`` is applied to the scenario (a city); without it the
    scenario's ``teams`` (by default those of role community or clinician) are the program.
    """
    from sim.sensitivity import plan_sensitivity, run_plan
    from sim.sensitivity import ranges as input_ranges

    scn = with_settings(scenario, replications, seed, days)
    prog = load_program(program) if isinstance(program, str | Path) else program
    plan = plan_sensitivity(scn, input_ranges(ranges, spread), program=prog, teams=teams)
    arms = list(plan.arms.values())
    total = sum(a.replications for a in arms)
    with executor_for(arms, workers, dask) as executor:
        return run_plan(plan, executor, on_outcome=_counter(total, progress))


def report(
    source: Scenario | PathLike,
    *,
    sensitivity: SensitivityResult | PathLike | None = None,
    replications: int | None = None,
    seed: int | None = None,
    days: float | None = None,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> str:
    """One self-contained HTML report: of a scenario (run here) or of results JSON.

    A scenario with a program team is also run without it and with the team on other hours
    (:func:`sim.compare.planned.run_planned`), all in one batch with the same seed.
    ``sensitivity`` (the result of :func:`sensitivity` on the same scenario, or the path of
    its JSON) adds its finding to the summary and its tornado charts: read, not run here, so a
    report stays as quick as its own runs.
    """
    from sim.compare.planned import planned_arms, run_planned
    from sim.report.html import (
        REPORT_COLLECTORS,
        RESULTS,
        report_for_planned,
        report_for_results,
    )

    if not isinstance(source, Scenario) and Path(source).suffix.lower() in RESULTS:
        given = [f"--{n}" for n, v in (("replications", replications), ("seed", seed),
                                       ("days", days), ("sensitivity", sensitivity))
                 if v is not None]  # fmt: skip
        return report_for_results(Path(source), given=given)
    scn = with_settings(source, replications, seed, days)
    analysis = None
    if sensitivity is not None:
        from sim.report.sensitivity import sensitivity_of

        analysis = sensitivity_of(scn, sensitivity)
    arms = planned_arms(scn, REPORT_COLLECTORS)
    total = sum(a.replications for a in arms)
    with executor_for(arms, workers, dask) as executor:
        planned = run_planned(scn, executor, collect=REPORT_COLLECTORS,
                              on_outcome=_counter(total, progress))  # fmt: skip
    return report_for_planned(planned, analysis)


def backtest(
    scenario: Scenario | PathLike,
    export: PathLike,
    mapping: ColumnMapping | PathLike | None = None,
    *,
    taxonomy: Taxonomy | PathLike | None = None,
    replications: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Does a fitted city reproduce its export? The scenario over the export's own window,
    recorded against simulated (calls, waits, response, busy units) with verdicts."""
    from sim.backtest import backtest as run_backtest
    from sim.pipeline import Arm

    scn = _scenario(scenario)
    arm = Arm("backtest", with_settings(scn, replications))
    # Its length is the export's window, read only inside: treated as long work.
    with executor_for([arm], workers, dask, open_ended=True) as executor:
        return run_backtest(
            scn, export, mapping, taxonomy, replications=replications, start=start, end=end,
            executor=executor, on_replication=_counter(arm.replications, progress),
        )  # fmt: skip


def fit(
    export: PathLike,
    mapping: ColumnMapping | PathLike | None = None,
    *,
    taxonomy: Taxonomy | PathLike | None = None,
    options: FitOptions | None = None,
    program: Program | PathLike | None = None,
    durations_from: PathLike | None = None,
) -> FitResult:
    """Fit a scenario from a calls-for-service export: ``result.scenario``, ``result.text``.

    ``mapping`` names the export's columns (else a preset is detected from the header);
    ``durations_from`` borrows times the export lacks from another scenario.
    """
    from sim.fit import fit_calls
    from sim.fit.borrow import borrowed_from

    prog = load_program(program) if isinstance(program, str | Path) else program
    borrowed = borrowed_from(Path(durations_from)) if durations_from is not None else None
    return fit_calls(export, mapping, taxonomy=taxonomy, options=options, borrowed=borrowed,
                     program=prog)  # fmt: skip


__all__ = [
    "backtest",
    "compare",
    "executor_for",
    "fit",
    "load",
    "load_program",
    "optimize",
    "replay",
    "report",
    "run",
    "sensitivity",
    "sweep",
    "with_settings",
]
