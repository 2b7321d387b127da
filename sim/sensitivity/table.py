"""The sensitivity result as terminal tables: one per output, inputs by swing, then the finding."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim.applicable import NA, reason_for
from sim.estimates import Estimate
from sim.sensitivity.models import OutputInfo, SensitivityResult
from sim.sensitivity.run import fmt_value


def _number(x: float | None, unit: str) -> str:
    if x is None:
        return NA
    if unit == "min":
        return f"{x:.1f}"
    if unit == "$":
        return f"${x:,.0f}"
    return f"{x:,.0f}"


def _change(e: Estimate, unit: str) -> str:
    """'+7.3 ± 2.4' (the paired 95% half-width), or '+7.3' with one replication."""
    if e.mean is None:
        return NA
    sign = "+" if e.mean >= 0 else "−"
    text = sign + _number(abs(e.mean), unit)
    if e.ci95 is not None:
        text += " ± " + _number((e.ci95[1] - e.ci95[0]) / 2, unit).lstrip("$")
    return text


def output_table(result: SensitivityResult, name: str, out: OutputInfo) -> Group:
    """One output: as written, then each input's value and change at both ends."""
    central = out.central.mean if out.central else None
    head = Text(f"{out.label.capitalize()}: {fmt_value(central, out.unit)} as written "
                f"({out.better} is better)", style="italic")  # fmt: skip
    table = Table()
    for col in ("input", "range", "low end", "high end", "change at low", "change at high"):
        table.add_column(col, justify="left" if col in ("input", "range") else "right")
    for input_name in result.ranking.get(name, []):
        e = result.effect(input_name, name)
        inp = result.input(input_name)
        if e is None:
            continue
        table.add_row(
            inp.label + ("" if e.significant else " (within noise)"),
            inp.span,
            _number(e.low.mean, out.unit),
            _number(e.high.mean, out.unit),
            _change(e.low_change, out.unit),
            _change(e.high_change, out.unit),
        )
    return Group(head, table)


def result_tables(result: SensitivityResult) -> Group:
    """Every applicable output's table, the inputs and outputs left out, and the finding."""
    head = (
        f"{result.scenario}"
        + (f" with {result.program}" if result.program else "")
        + f": sensitivity over {result.replications} replications × "
        f"{result.days - result.warmup_days:g} days, seed {result.seed}; changes are paired "
        "differences from the scenario as written (95% half-width)"
    )
    grid = Table.grid()
    grid.add_row(head)
    parts: list[Table | Group] = [grid]
    parts += [output_table(result, n, o) for n, o in result.outputs.items() if o.applicable]
    notes = Table.grid()
    for n, o in result.outputs.items():
        if not o.applicable:
            why = reason_for(result.not_applicable, f"outputs.{n}.central")
            notes.add_row(f"{o.label}: {NA} — {why}")
    for n, why in result.not_varied.items():
        notes.add_row(f"{result.input(n).label}: not varied — {why}")
    notes.add_row(result.biggest_uncertainty)
    parts.append(notes)
    return Group(*parts)


__all__ = ["output_table", "result_tables"]
