"""The fit report (``sim fit --report``): its JSON models and its terminal tables.

Data quality first, then each category's fit with data against fit for mean, p50 and p90.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from sim.fit.durations import DurationFit

REPORT_MIN_CALLS = 5
"""A raw call type or agency name goes into the report only with at least this many calls."""
REPORT_MAX_CHARS = 40
"""…and cut to this many characters: a rare free-text entry could identify a person."""
MEAN_FLAG = 0.10
"""A fitted mean further than this (relative) from the category's own data is flagged."""
MIN_OWN = 5
"""Fewest own times for the flag: fewer say little about the category's mean."""


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


class DurationReport(BaseModel):
    """How one duration was fitted: the spec, the method, and every candidate's AIC and KS."""

    spec: dict[str, Any]
    method: str
    n: int
    data_mean: float
    data_median: float
    data_p90: float | None = None
    fitted_mean: float
    fitted_median: float | None = None
    fitted_p90: float | None = None
    ks: float | None
    note: str
    candidates: list[dict[str, Any]] = []

    @classmethod
    def of(cls, fit: DurationFit) -> DurationReport:
        cands = [{"family": c.family, "aic": round(c.aic, 1), "ks": round(c.ks, 4)}
                 for c in fit.candidates]  # fmt: skip
        dist = fit.dist()
        return cls(spec=fit.spec, method=fit.method, n=fit.n, data_mean=round(fit.mean, 3),
                   data_median=round(fit.median, 3), data_p90=_r(fit.p90),
                   fitted_mean=round(dist.mean(), 3),
                   fitted_median=_r(float(dist.quantile(0.5))),
                   fitted_p90=_r(float(dist.quantile(0.9))),
                   ks=fit.ks, note=fit.note, candidates=cands)  # fmt: skip


class CategoryReport(BaseModel):
    """One call type's fit: demand, overdispersion, priority and durations."""

    category: str
    calls: int
    calls_per_day: float
    smoothing: str
    dispersion_index: float | None
    overdispersion_p: float | None
    daily_cv: float
    origin: str = "public"
    priority: int | dict[int, float]
    priority_from: str
    dispatch_delay: DurationReport | None
    on_scene: DurationReport | None
    on_scene_source: str
    on_scene_own: tuple[int, float] | None = None
    """(n, mean) of the category's own times on scene, when it has any: a pooled or group
    fit is compared with these, not with the pool's."""

    def on_scene_off(self) -> float | None:
        """How far the fitted mean is from the category's own data's (relative), or None."""
        if self.on_scene is None:
            return None
        n, mean = self.on_scene_own or (self.on_scene.n, self.on_scene.data_mean)
        if n < MIN_OWN or mean <= 0:
            return None
        return (self.on_scene.fitted_mean - mean) / mean


class FitReport(BaseModel):
    """Data quality and fit quality, JSON-ready (``sim fit --report``).

    Raw source strings are kept out unless common: the unmapped call types listed, and the
    agency names keying ``by_agency``, are only those with at least ``REPORT_MIN_CALLS``
    calls, cut to ``REPORT_MAX_CHARS`` characters (a type seen once may be free text).
    """

    source: str
    sha256: str | None
    rows_read: int
    calls_used: int
    window_start: str
    window_end: str
    data_days: float
    gap_days: list[str]
    cleaning: dict[str, Any] | None
    categorization: dict[str, Any] | None
    travel: DurationReport | None
    team: str
    units: int
    units_from: str
    shifts: list[dict[str, Any]] = []
    call_types: list[CategoryReport]
    by_agency: dict[str, DurationReport] = {}
    notes: list[str] = []


def _dur(d: DurationReport | None, own: tuple[int, float] | None = None,
         off: float | None = None) -> str:  # fmt: skip
    if d is None:
        return "—"
    ks = f", KS {d.ks:.3f}" if d.ks is not None else ""
    mean = own[1] if own is not None else d.data_mean
    text = f"{d.method} (n {d.n:,}{ks}); data → fit: mean {mean:.1f} → {d.fitted_mean:.1f}"
    if off is not None and abs(off) > MEAN_FLAG:
        text = f"⚠ fitted mean {off:+.0%} off the data's; " + text
    if d.fitted_median is not None and d.data_p90 is not None and d.fitted_p90 is not None:
        text += (f", p50 {d.data_median:.1f} → {d.fitted_median:.1f}"
                 f", p90 {d.data_p90:.1f} → {d.fitted_p90:.1f}")  # fmt: skip
    return text


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
    table.add_row(f"{report.team} units (most on duty)", str(report.units))
    table.add_row("units from", report.units_from)
    return table


def fit_table(report: FitReport) -> Table:
    """One row per category: demand, overdispersion, priority and duration fits."""
    table = Table(
        title="Fit",
        caption=(
            "data → fit: the export's figure, then the fitted distribution's (mean, median, "
            "90th percentile, minutes). ⚠: the fitted mean is more than "
            f"{MEAN_FLAG:.0%} off the category's own data (a pooled or group fit)."
        ),
        caption_justify="left",
    )
    for name, justify in (("category", "left"), ("calls", "right"), ("per day", "right"),
                          ("dispersion → cv", "right"), ("priority", "right"),
                          ("on scene", "left"), ("dispatch delay", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in report.call_types:
        disp = "—" if c.dispersion_index is None else f"{c.dispersion_index:.2f} → {c.daily_cv:.3f}"
        scene = (_dur(c.on_scene, c.on_scene_own, c.on_scene_off()) if c.on_scene
                 else c.on_scene_source)  # fmt: skip
        table.add_row(c.category, f"{c.calls:,}", f"{c.calls_per_day:.2f}", disp,
                      _priority(c.priority), scene, _dur(c.dispatch_delay))  # fmt: skip
    return table


def _priority(p: int | dict[int, float]) -> str:
    if isinstance(p, int):
        return str(p)
    return " ".join(f"{k}:{v:.0%}" for k, v in p.items())


def render_report(report: FitReport, console: Console) -> None:
    """Print both tables and any notes."""
    console.print(quality_table(report))
    console.print(fit_table(report))
    for note in report.notes:
        console.print(f"note: {note}")


__all__ = [
    "REPORT_MAX_CHARS",
    "REPORT_MIN_CALLS",
    "CategoryReport",
    "DurationReport",
    "FitReport",
    "fit_table",
    "quality_table",
    "render_report",
]
