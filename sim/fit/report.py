"""The ``sim fit --report`` tables: data quality first, then each category's fit."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from sim.fit.build import DurationReport, FitReport


def _dur(d: DurationReport | None) -> str:
    if d is None:
        return "—"
    ks = f", KS {d.ks:.3f}" if d.ks is not None else ""
    return f"{d.method} (n {d.n:,}{ks}); mean {d.data_mean:.1f} → {d.fitted_mean:.1f}"


def quality_table(report: FitReport) -> Table:
    """Rows read, calls used, every drop reason, and how much the taxonomy mapped."""
    table = Table(title=f"Data quality — {report.source}", show_header=False)
    table.add_column("item")
    table.add_column("value", justify="right")
    table.add_row("rows read", f"{report.rows_read:,}")
    table.add_row("calls used", f"{report.calls_used:,}")
    table.add_row("window", f"{report.window_start} → {report.window_end}")
    table.add_row("days of data", f"{report.data_days:.1f}")
    if report.gap_days:
        table.add_row("days missing from the export", f"{len(report.gap_days)} (left out)")
    cleaning = report.cleaning or {}
    for section in ("dropped", "nulled", "capped"):
        for reason, n in (cleaning.get(section) or {}).items():
            if isinstance(n, int) and n:
                table.add_row(f"{section}: {reason.replace('_', ' ')}", f"{n:,}")
    cat = report.categorization
    if cat:
        table.add_row("mapped by the taxonomy", f"{cat['share_mapped']:.1%}")
        top = ", ".join(f"{t['call_type']} ({t['calls']:,})" for t in cat["unmapped_types"][:5])
        if top:
            table.add_row("top unmapped types", top)
    if report.travel:
        table.add_row("travel", _dur(report.travel))
    table.add_row(f"{report.team} units", str(report.units))
    return table


def fit_table(report: FitReport) -> Table:
    """One row per category: demand, overdispersion, priority and duration fits."""
    table = Table(title="Fit")
    for name, justify in (("category", "left"), ("calls", "right"), ("per day", "right"),
                          ("dispersion → cv", "right"), ("priority", "right"),
                          ("on scene", "left"), ("dispatch delay", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in report.call_types:
        disp = "—" if c.dispersion_index is None else f"{c.dispersion_index:.2f} → {c.daily_cv:.3f}"
        scene = _dur(c.on_scene) if c.on_scene else c.on_scene_source
        table.add_row(c.category, f"{c.calls:,}", f"{c.calls_per_day:.2f}", disp,
                      str(c.priority), scene, _dur(c.dispatch_delay))  # fmt: skip
    return table


def render_report(report: FitReport, console: Console) -> None:
    """Print both tables and any notes."""
    console.print(quality_table(report))
    console.print(fit_table(report))
    for note in report.notes:
        console.print(f"note: {note}")


__all__ = ["fit_table", "quality_table", "render_report"]
