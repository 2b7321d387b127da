"""Charts for the HTML report, drawn with matplotlib (Agg) and returned as inline SVG text.

Every chart is a function of plain values (arrays, typed summaries) and returns the
``<svg>`` element with the XML prolog stripped. Charts are for people:

* text stays text (``svg.fonttype = "none"``): searchable, selectable and read by screen
  readers, in the page's own sans-serif font — no font file is embedded or fetched;
* every axis says what it counts and in which unit, and a time axis never goes below zero;
* colours are the Okabe–Ito palette, told apart with the common colour-vision deficiencies
  (heat maps use viridis, which is too);
* long names are wrapped (:func:`wrap`);
* a simulated figure is drawn with its 95% interval, and a response target, where the
  scenario sets one, as a line or a tick.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from sim.scenario import DAY_NAMES, HOURS_PER_WEEK

STYLE: dict[str, object] = {
    "svg.fonttype": "none",  # text as <text> elements: searchable, readable, nothing to fetch
    "svg.hashsalt": "sim-report",  # stable ids, so the same run gives the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour blindness. Grey for "before", blue for "after", vermillion for targets and accents.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
BEFORE, AFTER, ACCENT = "#999999", "#0072B2", "#D55E00"
PALETTE = OKABE_ITO
WRAP = 24  # characters per line of a category label
# matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal".
_HORIZONTAL: dict[str, Any] = (
    {"orientation": "horizontal"}
    if "orientation" in inspect.signature(Axes.boxplot).parameters
    else {"vert": False}
)
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
Interval = tuple[float, float] | None


def _styled() -> contextlib.AbstractContextManager[None]:
    """The report's matplotlib style, for the drawing and the saving of one figure."""
    return plt.rc_context(STYLE)  # type: ignore[arg-type]


def wrap(name: str, width: int = WRAP) -> str:
    """A long label on several lines (at spaces and underscores), so none runs off a chart."""
    return textwrap.fill(name.replace("_", "_\u200b"), width).replace("\u200b", "")


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no metadata, no date)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = _PROLOG.sub("", buf.getvalue(), count=1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def _figure(width: float, height: float) -> Figure:
    return plt.figure(figsize=(width, height))


def _title_and_legend(
    ax: plt.Axes,
    title: str,
    legend: bool = True,
    handles: tuple[list[Any], list[str]] | None = None,
) -> None:
    """The legend just above the plot, the title above the legend: clear of each other and
    of the data, however long the title."""
    handles = handles or ax.get_legend_handles_labels()
    rows = -(-len(handles[0]) // 3) if legend else 0
    ax.set_title(title, loc="left", pad=6 + 14 * rows)
    if rows:
        ax.legend(*handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                  fontsize=8, ncols=3, borderaxespad=0.2)  # fmt: skip


def _week_axis(ax: plt.Axes) -> None:
    ax.set_xticks(np.arange(0, HOURS_PER_WEEK + 1, 24))
    ax.set_xticklabels([""] * 8)
    ax.set_xticks(np.arange(12, HOURS_PER_WEEK, 24), minor=True)
    ax.set_xticklabels([d.capitalize() for d in DAY_NAMES], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.set_xlabel("hour of the week, Monday 00:00 first (hours)")


def _rows(ax: plt.Axes, names: Sequence[str], label: str) -> None:
    """Category rows from the top, their names wrapped, the axis named; a chart with no rows
    (for example no call answered in the run) says so instead of drawing an empty frame."""
    if not names:
        ax.set_yticks([])
        ax.set_ylim(-0.5, 0.5)
        ax.text(0.5, 0.5, "nothing to show: no rows in this run", transform=ax.transAxes,
                ha="center", va="center", color="#555555")  # fmt: skip
        ax.set_ylabel(label)
        return
    ax.set_yticks(np.arange(len(names)), labels=[wrap(n) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_ylabel(label)


def _targets(ax: plt.Axes, targets: Sequence[float | None], label: str = "target") -> None:
    """A vermillion tick on each row at its response target (rows without one have none)."""
    shown = False
    for i, target in enumerate(targets):
        if target is not None:
            ax.plot([target, target], [i - 0.38, i + 0.38], color=ACCENT, linewidth=2,
                    label=None if shown else label, zorder=4)  # fmt: skip
            shown = True


def _errors(ax: plt.Axes, y: Sequence[float] | np.ndarray, means: Sequence[float | None],
            cis: Sequence[Interval], colour: str, label: str | None) -> None:  # fmt: skip
    """Means as dots with their 95% intervals as bars."""
    first = True
    for yi, mean, ci in zip(y, means, cis, strict=True):
        if mean is None:
            continue
        err = None if ci is None else [[max(0.0, mean - ci[0])], [max(0.0, ci[1] - mean)]]
        ax.errorbar([mean], [yi], xerr=err, fmt="o", capsize=3, color=colour, markersize=4,
                    label=label if first else None, zorder=3)  # fmt: skip
        first = False


def demand_heatmap(names: Sequence[str], calls_per_hour: np.ndarray) -> str:
    """Expected calls per hour by hour of week (columns) and call type (rows)."""
    with _styled():
        fig = _figure(9, 1.1 + 0.32 * len(names))
        ax = fig.add_subplot()
        mesh = ax.pcolormesh(
            np.arange(HOURS_PER_WEEK + 1), np.arange(len(names) + 1) - 0.5, calls_per_hour,
            cmap="viridis", shading="flat",
        )  # fmt: skip
        _rows(ax, names, "call type")
        _week_axis(ax)
        _title_and_legend(ax, "Calls per hour, by hour of the week and call type", legend=False)
        fig.colorbar(mesh, ax=ax, label="expected calls per hour", pad=0.01, fraction=0.04)
        return to_svg(fig)


def staffed_vs_busy(
    team: str, staffed: np.ndarray, busy: np.ndarray, band: tuple[np.ndarray, np.ndarray] | None
) -> str:
    """Units on duty (shift plan) against units busy (mean and 95% band), by hour of week."""
    with _styled():
        fig = _figure(9, 2.5)
        ax = fig.add_subplot()
        hours = np.arange(HOURS_PER_WEEK + 1)
        if band is not None:
            ax.stairs(np.nan_to_num(band[1]), hours, baseline=np.nan_to_num(band[0]), fill=True,
                      color=AFTER, alpha=0.25, label="units busy, 95% interval")  # fmt: skip
        ax.stairs(np.nan_to_num(busy), hours, color=AFTER, linewidth=1.2,
                  label="units busy (mean of the run)")  # fmt: skip
        ax.stairs(staffed, hours, color="#000000", linewidth=1.6, label="units on duty (plan)",
                  zorder=3)  # fmt: skip
        _week_axis(ax)
        top = max(1.0, float(np.nanmax(staffed)), float(np.nanmax(busy)))
        if band is not None:
            top = max(top, float(np.nanmax(np.nan_to_num(band[1]))))
        ax.set_ylim(0, top * 1.1)
        ax.set_ylabel("units (count)")
        _title_and_legend(ax, f"{team}: units on duty and busy")
        return to_svg(fig)


def response_boxes(
    title: str,
    samples: Mapping[str, np.ndarray],
    means: Mapping[str, tuple[float | None, Interval]] | None = None,
    targets: Mapping[str, float | None] | None = None,
    axis: str = "",
) -> str:
    """Response-time distributions as boxes (quartiles, median) with 5–95% whiskers, the
    mean with its 95% interval, and each row's target."""
    names = [k for k, v in samples.items() if len(v)]
    with _styled():
        fig = _figure(9, 1.1 + 0.36 * max(1, len(names)))
        ax = fig.add_subplot()
        if names:
            ax.boxplot(
                [samples[k] for k in names], positions=np.arange(len(names)), whis=(5, 95),
                showfliers=False, patch_artist=True, widths=0.6, **_HORIZONTAL,
                boxprops={"facecolor": "#cfe3f3", "edgecolor": AFTER},
                medianprops={"color": "#000000"}, whiskerprops={"color": AFTER},
                capprops={"color": AFTER},
            )  # fmt: skip
            means = means or {}
            _errors(ax, range(len(names)), [means.get(k, (None, None))[0] for k in names],
                    [means.get(k, (None, None))[1] for k in names], "#000000",
                    "mean, 95% interval")  # fmt: skip
            _targets(ax, [(targets or {}).get(k) for k in names], "response target")
        _rows(ax, names, axis)
        ax.set_xlabel("minutes from the call to the first unit on scene (min)")
        ax.set_xlim(left=0)
        _title_and_legend(ax, title)
        return to_svg(fig)


def quantile_ranges(
    title: str,
    stats: Mapping[str, tuple[float, float, float, float]],
    intervals: Mapping[str, Interval] | None = None,
    targets: Mapping[str, float | None] | None = None,
    axis: str = "",
) -> str:
    """Mean (dot, with its 95% interval) and p50–p90–p95 (bar and tick) per row, from a
    summary without records, with each row's response target."""
    names = list(stats)
    with _styled():
        fig = _figure(9, 1.1 + 0.36 * max(1, len(names)))
        ax = fig.add_subplot()
        y = np.arange(len(names))
        mean, p50, p90, p95 = (np.array([stats[k][i] for k in names]) for i in range(4))
        ax.hlines(y, p50, p90, color=AFTER, linewidth=6, alpha=0.45, label="median to p90")
        ax.scatter(p95, y, marker="|", s=120, color=AFTER, label="p95")
        _errors(ax, y, list(mean), [(intervals or {}).get(k) for k in names], "#000000",
                "mean, 95% interval")  # fmt: skip
        _targets(ax, [(targets or {}).get(k) for k in names], "response target")
        _rows(ax, names, axis)
        ax.set_xlim(left=0)
        ax.set_xlabel("minutes from the call to the first unit on scene (min)")
        _title_and_legend(ax, title)
        return to_svg(fig)


def stacked_bars(
    title: str,
    rows: Sequence[str],
    parts: Mapping[str, Sequence[float]],
    xlabel: str,
    totals: Sequence[tuple[float | None, Interval]] | None = None,
    axis: str = "",
) -> str:
    """Horizontal stacked bars: one per row, one colour per part (e.g. cost components),
    with each row's total and its 95% interval where given."""
    with _styled():
        fig = _figure(9, 1.2 + 0.4 * max(1, len(rows)))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        left = np.zeros(len(rows))
        for (label, values), colour in zip(parts.items(), PALETTE, strict=False):
            ax.barh(y, values, left=left, label=wrap(label, 40), color=colour, height=0.6)
            left += np.asarray(values, dtype=float)
        if totals is not None:
            _errors(ax, y, [t[0] for t in totals], [t[1] for t in totals], "#000000",
                    "total, 95% interval")  # fmt: skip
        _rows(ax, rows, axis)
        ax.margins(x=0.06)
        ax.set_xlim(left=0)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        _title_and_legend(ax, title)
        return to_svg(fig)


def estimates(
    title: str,
    rows: Sequence[str],
    series: Mapping[str, Sequence[tuple[float | None, Interval]]],
    xlabel: str,
    *,
    non_negative: bool = True,
    target: float | None = None,
    axis: str = "",
) -> str:
    """Means with 95% intervals, one marker colour per series, one row each; a quantity
    that cannot be negative starts at zero, and a target is a vertical line."""
    with _styled():
        fig = _figure(9, 1.2 + 0.45 * max(1, len(rows)))
        ax = fig.add_subplot()
        y = np.arange(len(rows), dtype=float)
        offsets = np.linspace(-0.14, 0.14, len(series)) if len(series) > 1 else [0.0]
        colours = (BEFORE, AFTER, OKABE_ITO[1], OKABE_ITO[2]) if len(series) > 1 else (AFTER,)
        for k, (label, values) in enumerate(series.items()):
            _errors(ax, y + offsets[k], [v[0] for v in values], [v[1] for v in values],
                    colours[k % len(colours)], label)  # fmt: skip
        if target is not None:
            ax.axvline(target, color=ACCENT, linewidth=1.5, label=f"target {target:g}")
        if non_negative:
            ax.set_xlim(left=0)
        else:
            ax.axvline(0, color="#bbbbbb", linewidth=0.8)
        _rows(ax, rows, axis)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.4g}"))
        _title_and_legend(ax, title)
        return to_svg(fig)


def frontier(
    title: str,
    names: Sequence[str],
    cost: Sequence[tuple[float, Interval]],
    measure: Sequence[tuple[float, Interval]],
    ylabel: str,
    efficient: Sequence[bool],
    target: float | None = None,
) -> str:
    """Cost against a service measure for every variant, each with its 95% intervals; the
    variants kept on the frontier joined, the target (where there is one) a line."""
    with _styled():
        fig = _figure(9, 4.4)
        ax = fig.add_subplot()
        x = np.asarray([c[0] for c in cost], float)
        y = np.asarray([m[0] for m in measure], float)
        eff = np.asarray(efficient, bool)

        def err(values: Sequence[tuple[float, Interval]]) -> np.ndarray:
            return np.array([[max(0.0, v - ci[0]), max(0.0, ci[1] - v)] if ci else [0.0, 0.0]
                             for v, ci in values]).T  # fmt: skip

        ax.errorbar(x, y, xerr=err(cost), yerr=err(measure), fmt="none", ecolor="#bbbbbb",
                    elinewidth=1, capsize=2, label="95% intervals")  # fmt: skip
        ax.scatter(x[~eff], y[~eff], color=BEFORE, s=22, label="other variant", zorder=3)
        order = np.argsort(x[eff])
        ax.plot(x[eff][order], y[eff][order], "o-", color=AFTER, label="efficient frontier",
                zorder=4)  # fmt: skip
        for xi, yi, name, e in zip(x, y, names, eff, strict=True):
            if e:
                ax.annotate(wrap(name, 28), (xi, yi), textcoords="offset points",
                            xytext=(4, 4), fontsize=7)  # fmt: skip
        if target is not None:
            ax.axhline(target, color=ACCENT, linewidth=1.5, label=f"target {target:g}")
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(StrMethodFormatter("${x:,.0f}"))
        ax.set_xlabel("cost per year ($ per year)")
        ax.set_ylabel(ylabel)
        _title_and_legend(ax, title)
        return to_svg(fig)


def hours_of_operation(team: str, calls_per_hour: np.ndarray, units_on_duty: np.ndarray) -> str:
    """A program team's calls by hour of the week (bars) against its units on duty (line)."""
    with _styled():
        fig = _figure(9, 2.6)
        ax = fig.add_subplot()
        hours = np.arange(HOURS_PER_WEEK + 1)
        ax.stairs(calls_per_hour, hours, fill=True, color=OKABE_ITO[1], alpha=0.7,
                  label="calls offered to the team (expected)")  # fmt: skip
        ax.set_ylim(0, max(float(calls_per_hour.max()), 1e-9) * 1.15)
        ax.set_ylabel("calls per hour (calls)")
        _week_axis(ax)
        twin = ax.twinx()
        twin.stairs(units_on_duty, hours, color=AFTER, linewidth=1.6,
                    label="units on duty (plan)")  # fmt: skip
        twin.set_ylim(0, max(1.0, float(units_on_duty.max())) * 1.15)
        twin.set_ylabel("units on duty (count)")
        one, two = ax.get_legend_handles_labels(), twin.get_legend_handles_labels()
        _title_and_legend(ax, f"{team}: its calls and its hours on duty",
                          handles=(one[0] + two[0], one[1] + two[1]))  # fmt: skip
        return to_svg(fig)


__all__ = [
    "OKABE_ITO",
    "demand_heatmap",
    "estimates",
    "frontier",
    "hours_of_operation",
    "quantile_ranges",
    "response_boxes",
    "stacked_bars",
    "staffed_vs_busy",
    "to_svg",
    "wrap",
]
