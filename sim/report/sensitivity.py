"""The HTML page of a sensitivity analysis (``sim report SENSITIVITY.json -o page.html``).

The finding first (the biggest uncertainty, and which input matters most for each output),
then one tornado chart per output — each input's bar runs from the output's value at the
low end of the input's range to its value at the high end, with the paired 95% interval at
each end and the scenario as written as a line — and the figures as tables. Built only from
the JSON that ``sim sensitivity --json`` writes; nothing here simulates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import ValidationError

from sim.applicable import NA, reason_for
from sim.estimates import Estimate
from sim.inputs import read_json
from sim.metrics import SCHEMA_VERSION
from sim.program import program_team
from sim.report import plots
from sim.report.page import ResultsError, bullet_list, chart, html_table, page, section
from sim.report.readback import read_results
from sim.scenario import Scenario, validation_line
from sim.sensitivity import SensitivityResult, fmt_value, scenario_key

LOW, HIGH = "#0072B2", "#E69F00"  # Okabe–Ito blue and orange: told apart with any colour vision
UNIT_LABELS = {"min": "minutes", "$": "dollars per call", "unit-h/year": "unit-hours a year"}


def is_sensitivity(path: Path) -> bool:
    """True when ``path`` holds sensitivity JSON (other kinds go to :mod:`sim.report.html`)."""
    try:
        data = read_json(path, ResultsError)
    except ResultsError:
        return False
    return isinstance(data, dict) and data.get("kind") == "sensitivity"


def tornado(result: SensitivityResult, name: str) -> str:
    """One output's tornado: a bar per input from its low-end value to its high-end value."""
    out = result.output(name)
    names = list(result.ranking.get(name, []))
    central = out.central.mean if out.central and out.central.mean is not None else 0.0
    with plots._styled():
        fig = plots._figure(9, 1.2 + 0.45 * max(1, len(names)))
        ax = fig.add_subplot()
        y = np.arange(len(names), dtype=float)
        for i, input_name in enumerate(names):
            e = result.effect(input_name, name)
            if e is None:
                continue
            for end, change, colour in (("low", e.low_change, LOW), ("high", e.high_change, HIGH)):
                if change.mean is None:
                    continue
                ax.barh(y[i], change.mean, left=central, height=0.55, color=colour,
                        label=f"{end} end of the input's range" if i == 0 else None)  # fmt: skip
                if change.ci95 is not None:
                    ax.errorbar([central + change.mean], [y[i]], fmt="none", ecolor="#333333",
                                xerr=[[change.mean - change.ci95[0]],
                                      [change.ci95[1] - change.mean]], capsize=3)  # fmt: skip
        ax.axvline(central, color="#333333", linewidth=1.0, label="as written")
        labels = [f"{result.input(n).label} ({result.input(n).span})" for n in names]
        ax.set_yticks(y, labels=labels)
        ax.set_ylim(len(names) - 0.5, -0.5)
        unit = UNIT_LABELS.get(out.unit, out.unit)
        ax.set_xlabel(f"{out.label}, {unit} ({out.better} is better)")
        if out.unit == "min" or out.better == "lower":
            lo, _ = ax.get_xlim()
            ax.set_xlim(left=max(lo, 0.0) if central >= 0 else lo)
        ax.set_title(out.label, loc="left")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / len(names) - 0.18),
                  ncols=3, frameon=False, fontsize=8)  # fmt: skip
        return plots.to_svg(fig)


def _ci(e: Estimate, unit: str, *, signed: bool = False) -> str:
    """'27.3 (95% CI 23.3 to 31.4)'; a change signed: '−6.4 (95% CI −7.7 to −5.0)'."""
    if e.mean is None:
        return NA
    text = fmt_value(e.mean, unit, signed=signed, bare=True)
    if e.ci95 is not None and e.ci95[0] != e.ci95[1]:
        lo, hi = (fmt_value(v, unit, signed=signed, bare=True) for v in e.ci95)
        text += f" (95% CI {lo} to {hi})"
    return text


def _table(result: SensitivityResult, name: str) -> str:
    out = result.output(name)
    rows = []
    for input_name in result.ranking.get(name, []):
        e = result.effect(input_name, name)
        if e is None:
            continue
        inp = result.input(input_name)
        rows.append([inp.label, inp.span, _ci(e.low, out.unit), _ci(e.high, out.unit),
                     _ci(e.low_change, out.unit, signed=True),
                     _ci(e.high_change, out.unit, signed=True),
                     "yes" if e.significant else "no (within noise)"])  # fmt: skip
    header = ["input", "range", "at the low end", "at the high end", "change at low",
              "change at high", "beyond noise"]  # fmt: skip
    return html_table(header, rows, numeric_from=2)


def findings(result: SensitivityResult) -> list[str]:
    """The biggest uncertainty, then for each output the input that moves it most."""
    lines = [result.biggest_uncertainty]
    for name, out in result.outputs.items():
        if not out.applicable:
            why = reason_for(result.not_applicable, f"outputs.{name}.central")
            lines.append(f"{out.label.capitalize()}: {NA} ({why}).")
            continue
        top = next(
            (i for i in result.ranking.get(name, [])
             if (e := result.effect(i, name)) is not None and e.significant),
            None,
        )  # fmt: skip
        central = fmt_value(out.central.mean if out.central else None, out.unit)
        if top is None:
            lines.append(f"{out.label.capitalize()} ({central} as written) moves beyond the "
                         "simulation's noise with none of the inputs.")  # fmt: skip
            continue
        e, inp = result.effects[name][top], result.input(top)
        lines.append(
            f"{out.label.capitalize()} ({central} as written) depends most on {inp.label}: "
            f"{fmt_value(e.low.mean, out.unit)} at {inp.low:g}× and "
            f"{fmt_value(e.high.mean, out.unit)} at {inp.high:g}×."
        )
    return lines


def tornado_sections(result: SensitivityResult) -> list[str]:
    """One section per applicable output: its tornado chart and its table."""
    body = []
    for name, out in result.outputs.items():
        if not out.applicable:
            continue
        body.append(section(
            out.label.capitalize(),
            chart(f"tornado-{name.replace('_', '-')}", tornado(result, name),
                  f"Each bar runs from {out.label} with the input at the low end of its range "
                  "(blue) to the high end (orange); the line is the scenario as written, the "
                  "whiskers the paired 95% intervals. Largest swing at the top."),
            _table(result, name),
        ))  # fmt: skip
    return body


def method_notes(result: SensitivityResult) -> list[str]:
    """How the analysis was made: the inputs, common random numbers, the baseline."""
    method = [
        f"Each input is a multiplier on figures of the scenario: {i.label} — {i.what}."
        for i in result.inputs.values()
    ]
    return [
        *method,
        "Every run uses the same seed, so each one sees the same calls (common random "
        "numbers): a change is the mean of the per-replication differences from the scenario "
        "as written, with its paired 95% t-interval.",
        f"The baseline for police hours freed: {result.baseline}.",
        *(f"{result.input(n).label}: not varied ({why})." for n, why in result.not_varied.items()),
        *result.warnings,
    ]


def sensitivity_report(result: SensitivityResult) -> str:
    """The whole page: findings, one tornado and one table per output, the method."""
    body = [section("Findings", bullet_list(findings(result))), *tornado_sections(result)]
    body.append(section("How this was measured", bullet_list(method_notes(result), cls="notes")))
    title = result.scenario + (f" with {result.program}" if result.program else "")
    return page(
        f"{title}: what if the inputs are wrong?",
        f"{result.replications} replications × {result.days - result.warmup_days:g} days "
        f"(after {result.warmup_days:g} warm-up), seed {result.seed}",
        "sensitivity",
        body,
    )


def load_sensitivity(path: Path) -> SensitivityResult:
    """Read ``sim sensitivity --json`` output, or raise :class:`ResultsError` in one line."""
    hint = "re-run sim sensitivity SCENARIO.toml --json PATH with this version of sim"
    data = read_results(path)
    if not isinstance(data, dict) or data.get("kind") != "sensitivity":
        kind = data.get("kind") if isinstance(data, dict) else None
        raise ResultsError(
            f"not the results of sim sensitivity (kind {kind!r})", where=str(path), hint=hint
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"written by an incompatible version of sim (schema_version {version}; this "
            f"version reads {SCHEMA_VERSION})",
            where=str(path),
            hint=hint,
        )
    try:
        return SensitivityResult.model_validate(data)
    except ValidationError as err:
        where, what = validation_line(err)
        raise ResultsError(
            f"does not match this version's sensitivity results ({where}: {what})",
            where=str(path),
            hint=hint,
        ) from None


def sensitivity_of(scn: Scenario, given: SensitivityResult | str | Path) -> SensitivityResult:
    """The sensitivity analysis given with a scenario for its report (the result, or the path
    of its JSON), checked to be of this scenario and of the program its report takes; one
    line naming the mismatch otherwise."""
    where = str(given) if isinstance(given, str | Path) else "--sensitivity"
    result = load_sensitivity(Path(given)) if isinstance(given, str | Path) else given
    hint = f"run sim sensitivity on this scenario ({scn.scenario.name}) and give its --json"
    if result.scenario_key != scenario_key(scn):
        other = (
            f"'{result.scenario}' with other figures than this file's"
            if result.scenario == scn.scenario.name
            else f"'{result.scenario}', not of '{scn.scenario.name}'"
        )
        raise ResultsError(f"a sensitivity analysis of {other}", where=where, hint=hint)
    team = program_team(scn)
    if team is not None and result.responder != team:
        raise ResultsError(
            f"the analysis took {result.responder or 'no team'} as the program, the report "
            f"takes team '{team}'",
            where=where,
            hint=hint + " without --team",
        )
    return result


def sensitivity_report_file(path: Path) -> str:
    """Read sensitivity JSON and return its page, or one line saying why it cannot be read."""
    return sensitivity_report(load_sensitivity(path))


__all__ = [
    "findings",
    "is_sensitivity",
    "load_sensitivity",
    "method_notes",
    "sensitivity_of",
    "sensitivity_report",
    "sensitivity_report_file",
    "tornado",
    "tornado_sections",
]
