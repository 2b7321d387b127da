"""The HTML page of a sensitivity analysis (``sim report SENSITIVITY.json -o page.html``).

The finding first (the biggest uncertainty, and which input matters most for each output),
then one tornado chart per output — each input's bar runs from the output's value at the
low end of the input's range to its value at the high end, with the paired 95% interval at
each end and the scenario as written as a line — and the figures as tables. Built only from
the JSON that ``sim sensitivity --json`` writes; nothing here simulates.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from sim.estimates import Estimate
from sim.metrics import SCHEMA_VERSION
from sim.report import plots
from sim.report.page import ResultsError, bullet_list, chart, html_table, page, section
from sim.scenario import validation_line
from sim.sensitivity import OutputInfo, SensitivityResult, fmt_value

LOW, HIGH = "#0072B2", "#E69F00"  # Okabe–Ito blue and orange: told apart with any colour vision
UNIT_LABELS = {"min": "minutes", "$": "dollars per call", "unit-h/year": "unit-hours a year"}


def is_sensitivity(path: Path) -> bool:
    """True when ``path`` holds sensitivity JSON (other kinds go to :mod:`sim.report.html`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.get("kind") == "sensitivity"


def tornado(result: SensitivityResult, out: OutputInfo) -> str:
    """One output's tornado: a bar per input from its low-end value to its high-end value."""
    names = list(result.ranking.get(out.name, []))
    central = out.central.mean if out.central and out.central.mean is not None else 0.0
    with plots._styled():
        fig = plots._figure(9, 1.2 + 0.45 * max(1, len(names)))
        ax = fig.add_subplot()
        y = np.arange(len(names), dtype=float)
        for i, name in enumerate(names):
            e = result.effect(name, out.name)
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
        return "–"
    text = fmt_value(e.mean, unit, signed=signed, bare=True)
    if e.ci95 is not None and e.ci95[0] != e.ci95[1]:
        lo, hi = (fmt_value(v, unit, signed=signed, bare=True) for v in e.ci95)
        text += f" (95% CI {lo} to {hi})"
    return text


def _table(result: SensitivityResult, out: OutputInfo) -> str:
    rows = []
    for name in result.ranking.get(out.name, []):
        e = result.effect(name, out.name)
        if e is None:
            continue
        inp = result.input(name)
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
    for out in result.outputs:
        if not out.applicable:
            lines.append(f"{out.label.capitalize()}: not applicable ({out.note}).")
            continue
        top = next(
            (e for n in result.ranking.get(out.name, [])
             if (e := result.effect(n, out.name)) is not None and e.significant),
            None,
        )  # fmt: skip
        central = fmt_value(out.central.mean if out.central else None, out.unit)
        if top is None:
            lines.append(f"{out.label.capitalize()} ({central} as written) moves beyond the "
                         "simulation's noise with none of the inputs.")  # fmt: skip
            continue
        inp = result.input(top.input)
        lines.append(
            f"{out.label.capitalize()} ({central} as written) depends most on {inp.label}: "
            f"{fmt_value(top.low.mean, out.unit)} at {inp.low:g}× and "
            f"{fmt_value(top.high.mean, out.unit)} at {inp.high:g}×."
        )
    return lines


def sensitivity_report(result: SensitivityResult) -> str:
    """The whole page: findings, one tornado and one table per output, the method."""
    body = [section("Findings", bullet_list(findings(result)))]
    for out in result.outputs:
        if not out.applicable:
            continue
        body.append(section(
            out.label.capitalize(),
            chart(f"tornado-{out.name.replace('_', '-')}", tornado(result, out),
                  f"Each bar runs from {out.label} with the input at the low end of its range "
                  "(blue) to the high end (orange); the line is the scenario as written, the "
                  "whiskers the paired 95% intervals. Largest swing at the top."),
            _table(result, out),
        ))  # fmt: skip
    skipped = [f"{i.label}: not varied ({i.note})." for i in result.inputs if not i.applicable]
    method = [
        f"Each input is a multiplier on figures of the scenario: {i.label} — {i.what}."
        for i in result.inputs
    ]
    method += [
        "Every run uses the same seed, so each one sees the same calls (common random "
        "numbers): a change is the mean of the per-replication differences from the scenario "
        "as written, with its paired 95% t-interval.",
        f"The baseline for police hours freed: {result.baseline}.",
        *skipped,
        *result.warnings,
    ]
    body.append(section("How this was measured", bullet_list(method, cls="notes")))
    title = result.scenario + (f" with {result.program}" if result.program else "")
    return page(
        f"{title}: what if the inputs are wrong?",
        f"{result.replications} replications × {result.days - result.warmup_days:g} days "
        f"(after {result.warmup_days:g} warm-up), seed {result.seed}",
        "sensitivity",
        body,
    )


def sensitivity_report_file(path: Path) -> str:
    """Read sensitivity JSON and return its page, or one line saying why it cannot be read."""
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"written by an incompatible version of sim (schema_version {version})",
            where=str(path),
            hint="re-run sim sensitivity with this version of sim",
        )
    try:
        result = SensitivityResult.model_validate(data)
    except ValidationError as err:
        where, what = validation_line(err)
        raise ResultsError(
            f"does not match this version's sensitivity results ({where}: {what})",
            where=str(path),
            hint="re-run sim sensitivity with this version of sim",
        ) from None
    return sensitivity_report(result)


__all__ = ["is_sensitivity", "sensitivity_report", "sensitivity_report_file", "tornado"]
