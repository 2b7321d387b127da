"""The sweep as a terminal table: a few measures, cost, and paired differences from the baseline."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from sim.applicable import NA
from sim.estimates import Estimate
from sim.measures import Aspect, Measure, Unit
from sim.sweep.results import SweepResult
from sim.sweep.rows import BASELINE

COST = "cost.per_year"


def _is_money(m: Measure) -> bool:
    return m.unit in (Unit.DOLLARS, Unit.DOLLARS_PER_YEAR)


def fmt(value: float | None, m: Measure) -> str:
    """A cell: a share as a percentage, money in millions, anything else to 0.1."""
    if value is None:
        return NA
    if m.unit is Unit.SHARE:
        return f"{value:.0%}"
    if _is_money(m):
        return f"${value / 1e6:,.2f}M"
    return f"{value:.1f}"


def signed(e: Estimate, m: Measure) -> str:
    """'+4.9 ± 2.2': a paired t-interval is symmetric about the mean difference."""
    if e.mean is None:
        return NA
    half = None if e.ci95 is None else (e.ci95[1] - e.ci95[0]) / 2
    if _is_money(m):
        text = f"{e.mean / 1e3:+,.0f}k"
        return text if half is None else f"{text} ± {half / 1e3:,.0f}k"
    if m.unit is Unit.SHARE:
        text = f"{e.mean * 100:+.1f} pt"
        return text if half is None else f"{text} ± {half * 100:.1f}"
    return f"{e.mean:+.1f}" if half is None else f"{e.mean:+.1f} ± {half:.1f}"


def _shown(result: SweepResult, asked: Sequence[str]) -> list[Measure]:
    """The measures the table shows: those asked for, then the default service measures after
    the mean (per-team utilization and cost have their own columns or are in the results)."""
    sweep = result.sweep
    by_name = {m.name: m for m in sweep.measures}
    service = [m.name for m in sweep.measures
               if m.aspect is Aspect.SERVICE and m.name != "response_min.mean"]  # fmt: skip
    names = [n for n in dict.fromkeys([*asked, *service]) if by_name[n].aspect is not Aspect.COST]
    return [by_name[n] for n in names[:2]]


def sweep_table(result: SweepResult, asked: Sequence[str] = ()) -> Table:
    """One row per variant: a few measures, cost, and the paired differences from the baseline
    (a figure without a value is n/a; :func:`sweep_notes` says why)."""
    sweep = result.sweep
    shown = _shown(result, asked)
    cost = next(m for m in sweep.measures if m.name == COST)
    table = Table(
        title=f"{sweep.scenario.scenario.name}: {len(sweep.variants)} variants × "
        f"{sweep.replications} replications"
        + (", common random numbers" if sweep.crn else ", independent random numbers")
        + "; differences from the baseline with 95% intervals",
        title_justify="left",
    )
    table.add_column("variant", no_wrap=True)
    for m in shown:
        table.add_column(m.label, justify="right")
    table.add_column("cost/year", justify="right")
    table.add_column(f"Δ {shown[0].label}", justify="right")
    table.add_column("Δ cost/year, $", justify="right")
    for row in result.rows:
        is_base = row.variant == sweep.baseline
        table.add_row(
            row.variant,
            *(fmt(row.value(m.name), m) for m in shown),
            fmt(row.value(COST), cost),
            "baseline" if is_base else signed(row.vs_baseline[shown[0].name], shown[0]),
            "" if is_base else signed(row.vs_baseline[COST], cost),
        )
    return table


def sweep_notes(result: SweepResult, asked: Sequence[str] = ()) -> list[str]:
    """'n/a: <reason> (variant: measure, …)' for the table's cells without a value, once per
    reason."""
    shown = [m.name for m in _shown(result, asked)]
    seen: dict[str, list[str]] = {}
    for row in result.rows:
        reasons = result.reasons(row)
        cells = [f"row.{name}" for name in (*shown, COST)]
        if row.variant != result.sweep.baseline:
            cells += [f"row.{BASELINE}.{name}" for name in (shown[0], COST)]
        for cell in cells:
            if cell in reasons:
                label = cell.removeprefix("row.").replace(f"{BASELINE}.", "Δ ")
                seen.setdefault(reasons[cell], []).append(f"{row.variant}: {label}")
    out = []
    for why, where in seen.items():
        more = f", … ({len(where)} in all)" if len(where) > 3 else ""
        out.append(f"{NA}: {why} ({'; '.join(where[:3])}{more})")
    return out


__all__ = ["fmt", "signed", "sweep_notes", "sweep_table"]
