"""One self-contained HTML report for a city council: a run, a comparison or a sweep.

Findings are plain sentences with their 95% intervals; charts and tables follow. A report is
built from a scenario's run (made by the caller through the replication pipeline with
:data:`~sim.report.collect.REPORT_COLLECTORS`) or from the JSON results of ``sim run``,
``sim compare`` or ``sim sweep``. Nothing here simulates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from sim.compare import Comparison
from sim.compare.planned import PlannedRun
from sim.errors import SimError
from sim.metrics import SCHEMA_VERSION, Summary
from sim.pipeline.runs import RunResult
from sim.report.collect import REPORT_COLLECTORS, run_data
from sim.report.compare_report import comparison_report
from sim.report.page import ResultsError
from sim.report.readback import read_results
from sim.report.run_report import scenario_report, summary_report
from sim.report.sweep_report import sweep_report
from sim.scenario import Scenario
from sim.sweep import SweepDocument

if TYPE_CHECKING:  # only its type: a report without a sensitivity analysis need not load it
    from sim.sensitivity import SensitivityResult

KINDS = ("run", "compare", "sweep")


def report_for_run(scn: Scenario, result: RunResult) -> str:
    """The report of a scenario's run made with :data:`REPORT_COLLECTORS`, as HTML text
    (without its program's figures: :func:`report_for_planned` has them)."""
    return scenario_report(scn, run_data(scn, result))


def report_for_planned(planned: PlannedRun, sensitivity: SensitivityResult | None = None) -> str:
    """The report of a planned city's run (:func:`sim.compare.planned.run_planned` with
    :data:`REPORT_COLLECTORS`), its program's figures included, as HTML text; with a
    sensitivity analysis of the same scenario, its finding and tornado charts too."""
    data = run_data(planned.scenario, planned.result)
    return scenario_report(planned.scenario, data, planned, sensitivity)


def _kind(data: Mapping[str, Any]) -> str | None:
    """The kind a results document declares, or the one its keys show (older run JSON)."""
    if "kind" in data:
        return str(data["kind"])
    if "cities" in data:
        return "compare"
    if "variants" in data and "measures" in data:
        return "sweep"
    if "call_types" in data and "teams" in data:
        return "run"
    return None


def load_results(path: Path) -> Summary | Comparison | SweepDocument:
    """Read results JSON of any kind, or raise :class:`ResultsError` in one line."""
    where = str(path)
    data = read_results(path)
    kind = _kind(data) if isinstance(data, dict) else None
    if kind not in KINDS:
        raise ResultsError(
            f"not sim results (kind {kind!r})" if kind else "not sim results",
            where=where,
            hint="give the JSON written by sim run --json, sim compare --json or sim sweep",
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"written by an incompatible version of sim (schema_version {version}; this "
            f"version reads {SCHEMA_VERSION})",
            where=where,
            hint="re-run the command that wrote it with this version of sim",
        )
    models: dict[str, type[BaseModel]] = {
        "run": Summary,
        "compare": Comparison,
        "sweep": SweepDocument,
    }
    model = models[kind]
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ResultsError(
            f"does not match this version's {kind} results ({loc}: {first['msg']})",
            where=where,
            hint="re-run the command that wrote it with this version of sim",
        ) from None


RESULTS = (".json", ".csv", ".parquet")
"""The files ``sim report`` reads as results (a table is pointed to its JSON)."""


def report_for_results(path: Path, *, given: Sequence[str] = ()) -> str:
    """Read results JSON (run, compare, sweep, backtest or sensitivity) and return its report
    as HTML. ``given`` names the options that only a scenario's run takes (``--days`` …):
    they are refused in one line, as is a table of results."""
    from sim.report.backtest import backtest_report_file, is_backtest
    from sim.report.sensitivity import is_sensitivity, sensitivity_report_file

    _refuse(path, given)
    if is_backtest(path):
        return backtest_report_file(path)
    if is_sensitivity(path):
        return sensitivity_report_file(path)
    results = load_results(path)
    if isinstance(results, Comparison):
        return comparison_report(results)
    if isinstance(results, SweepDocument):
        return sweep_report(results, where=str(path))
    return summary_report(results)


def _refuse(path: Path, given: Sequence[str]) -> None:
    if path.suffix.lower() != ".json":  # a sweep's or comparison's table: its JSON is beside
        beside = path.with_suffix(".json")
        hint = (
            f"give {beside}, written beside it"
            if beside.exists()
            else "give the JSON that sim sweep writes beside its table (or sim compare --json "
            "PATH, sim run --json PATH)"
        )
        raise SimError("a table of results, not results JSON", where=str(path), hint=hint)
    if "--sensitivity" in given:
        raise SimError(
            "--sensitivity goes with the scenario it analysed, not with results JSON",
            where=str(path),
            hint="give the scenario TOML: sim report SCENARIO.toml --sensitivity S.json",
        )
    if given:
        raise SimError(
            f"{', '.join(given)} cannot change results that have already been run",
            where=str(path),
            hint="rerun the command that wrote the JSON with the new settings, or give the "
            "scenario TOML",
        )


__all__ = [
    "KINDS",
    "REPORT_COLLECTORS",
    "RESULTS",
    "ResultsError",
    "load_results",
    "report_for_planned",
    "report_for_results",
    "report_for_run",
]
