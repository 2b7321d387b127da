"""The fit table: data against fit, and a flag where the fitted mean strays from the data."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from rich.console import Console

from sim.fit.durations import fit_sample
from sim.fit.report import CategoryReport, DurationReport, fit_table


def row(own: tuple[int, float] | None) -> CategoryReport:
    pooled = fit_sample(np.random.default_rng(1).gamma(2.0, 20.0, 400))  # mean about 40
    return CategoryReport(
        category="welfare_check", calls=30, calls_per_day=1.0, smoothing="raw",
        dispersion_index=None, overdispersion_p=None, daily_cv=0.0, priority=2,
        priority_from="data", dispatch_delay=None, on_scene=DurationReport.of(pooled),
        on_scene_source="fitted", on_scene_own=own,
    )  # fmt: skip


def text_of(report: CategoryReport) -> str:
    console = Console(width=200, record=True)
    console.print(fit_table(SimpleNamespace(call_types=[report])))  # type: ignore[arg-type]
    return console.export_text()


def test_a_fitted_mean_far_from_the_categorys_own_data_is_flagged() -> None:
    far = row((30, 20.0))  # the category's own 30 times average 20 min; the pool's fit ~40
    off = far.on_scene_off()
    assert off is not None and off > 0.5
    text = text_of(far)
    assert "⚠ fitted mean +" in text and "mean 20.0 →" in text
    assert "data → fit: the export's figure, then the fitted distribution's" in text


def test_a_faithful_fit_or_too_few_own_times_is_not_flagged() -> None:
    near = row(None)  # compared with its own sample: the fit keeps the mean within 2%
    assert abs(near.on_scene_off() or 1.0) < 0.1 and "⚠ fitted" not in text_of(near)
    few = row((3, 5.0))  # three times say little about a mean
    assert few.on_scene_off() is None and "⚠ fitted" not in text_of(few)
