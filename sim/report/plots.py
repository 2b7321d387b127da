"""Charts for the HTML report, drawn with matplotlib (Agg) and returned as inline SVG text.

Every chart is a function of plain values (arrays, typed summaries), returns the ``<svg>``
element with the XML prolog stripped, and embeds no fonts or links: text is drawn as paths,
so the report looks the same everywhere and opens without a network.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
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
    "svg.fonttype": "path",  # glyphs as paths: no font files, no requests
    "svg.hashsalt": "sim-report",  # stable ids, so the same run gives the same file
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}
BEFORE, AFTER, ACCENT = "#8c8c8c", "#1f77b4", "#d62728"
# matplotlib 3.10 renamed boxplot's vert=False to orientation="horizontal".
_HORIZONTAL: dict[str, Any] = (
    {"orientation": "horizontal"}
    if "orientation" in inspect.signature(Axes.boxplot).parameters
    else {"vert": False}
)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def _styled() -> contextlib.AbstractContextManager[None]:
    """The report's matplotlib style, for the drawing and the saving of one figure."""
    return plt.rc_context(STYLE)  # type: ignore[arg-type]


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no metadata, no date)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = _PROLOG.sub("", buf.getvalue(), count=1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def _figure(width: float, height: float) -> Figure:
    return plt.figure(figsize=(width, height))


def _title_and_legend(ax: plt.Axes, title: str, legend: bool = True) -> None:
    """Title on the left and the legend above the plot on the right, clear of the data."""
    ax.set_title(title, loc="left")
    if legend:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8,
                  ncols=3, borderaxespad=0.2)  # fmt: skip


def _week_axis(ax: plt.Axes) -> None:
    ax.set_xticks(np.arange(0, HOURS_PER_WEEK + 1, 24))
    ax.set_xticklabels([""] * 8)
    ax.set_xticks(np.arange(12, HOURS_PER_WEEK, 24), minor=True)
    ax.set_xticklabels([d.capitalize() for d in DAY_NAMES], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.set_xlim(0, HOURS_PER_WEEK)


def demand_heatmap(names: Sequence[str], calls_per_hour: np.ndarray) -> str:
    """Expected calls per hour by hour of week (columns) and call type (rows)."""
    with _styled():
        fig = _figure(9, 0.9 + 0.28 * len(names))
        ax = fig.add_subplot()
        mesh = ax.pcolormesh(
            np.arange(HOURS_PER_WEEK + 1), np.arange(len(names) + 1), calls_per_hour,
            cmap="viridis", shading="flat",
        )  # fmt: skip
        ax.set_yticks(np.arange(len(names)) + 0.5, labels=list(names))
        ax.invert_yaxis()
        _week_axis(ax)
        _title_and_legend(ax, "Calls per hour, by hour of the week and call type", legend=False)
        fig.colorbar(mesh, ax=ax, label="calls per hour", pad=0.01, fraction=0.04)
        return to_svg(fig)


def staffed_vs_busy(team: str, staffed: np.ndarray, busy: np.ndarray) -> str:
    """Units on duty (shift plan) against units busy, by hour of the week, for one team."""
    with _styled():
        fig = _figure(9, 2.4)
        ax = fig.add_subplot()
        hours = np.arange(HOURS_PER_WEEK + 1)
        ax.stairs(np.nan_to_num(busy), hours, color=AFTER, fill=True, alpha=0.45,
                  label="units busy (mean of the run)")  # fmt: skip
        ax.stairs(staffed, hours, color="#333333", linewidth=1.6, label="units on duty (plan)",
                  zorder=3)  # fmt: skip
        _week_axis(ax)
        ax.set_ylim(0, max(1.0, float(np.nanmax(staffed)), float(np.nanmax(busy))) * 1.1)
        ax.set_ylabel("units")
        _title_and_legend(ax, f"{team}: units on duty and busy")
        return to_svg(fig)


def response_boxes(title: str, samples: Mapping[str, np.ndarray]) -> str:
    """Response-time distributions as boxes (quartiles, median) with 5–95% whiskers."""
    names = [k for k, v in samples.items() if len(v)]
    with _styled():
        fig = _figure(9, 0.9 + 0.3 * max(1, len(names)))
        ax = fig.add_subplot()
        if names:
            ax.boxplot(
                [samples[k] for k in names], whis=(5, 95), showfliers=False,
                patch_artist=True, widths=0.6, **_HORIZONTAL,
                boxprops={"facecolor": "#c6dbef", "edgecolor": AFTER},
                medianprops={"color": ACCENT},
            )  # fmt: skip
            ax.set_yticks(np.arange(1, len(names) + 1), labels=names)
            ax.invert_yaxis()
        ax.set_xlabel("minutes from the call to the first unit on scene")
        ax.set_xlim(left=0)
        _title_and_legend(ax, title, legend=False)
        return to_svg(fig)


def quantile_ranges(title: str, stats: Mapping[str, tuple[float, float, float, float]]) -> str:
    """Mean (dot) and p50–p90–p95 (bar and ticks) per row, from a summary without records."""
    names = list(stats)
    with _styled():
        fig = _figure(9, 0.9 + 0.3 * max(1, len(names)))
        ax = fig.add_subplot()
        y = np.arange(len(names))
        mean, p50, p90, p95 = (np.array([stats[k][i] for k in names]) for i in range(4))
        ax.hlines(y, p50, p90, color=AFTER, linewidth=6, alpha=0.5, label="median to p90")
        ax.scatter(p95, y, marker="|", s=120, color=AFTER, label="p95")
        ax.scatter(mean, y, color=ACCENT, zorder=3, s=18, label="mean")
        ax.set_yticks(y, labels=names)
        ax.invert_yaxis()
        ax.set_xlim(left=0)
        ax.set_xlabel("minutes from the call to the first unit on scene")
        _title_and_legend(ax, title)
        return to_svg(fig)


def stacked_bars(
    title: str, rows: Sequence[str], parts: Mapping[str, Sequence[float]], xlabel: str
) -> str:
    """Horizontal stacked bars: one per row, one colour per part (e.g. cost components)."""
    with _styled():
        fig = _figure(9, 1.0 + 0.35 * max(1, len(rows)))
        ax = fig.add_subplot()
        left = np.zeros(len(rows))
        for (label, values), colour in zip(parts.items(), PALETTE, strict=False):
            ax.barh(rows, values, left=left, label=label, color=colour)
            left += np.asarray(values, dtype=float)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        _title_and_legend(ax, title)
        return to_svg(fig)


def estimates(
    title: str,
    rows: Sequence[str],
    series: Mapping[str, Sequence[tuple[float | None, tuple[float, float] | None]]],
    xlabel: str,
) -> str:
    """Means with 95% intervals as error bars, one marker colour per series, one row each."""
    with _styled():
        fig = _figure(9, 1.0 + 0.4 * max(1, len(rows)))
        ax = fig.add_subplot()
        y = np.arange(len(rows), dtype=float)
        offsets = np.linspace(-0.12, 0.12, len(series)) if len(series) > 1 else [0.0]
        colours = (BEFORE, AFTER, ACCENT)
        for k, (label, values) in enumerate(series.items()):
            for i, (mean, ci) in enumerate(values):
                if mean is None:
                    continue
                err = None if ci is None else [[mean - ci[0]], [ci[1] - mean]]
                ax.errorbar([mean], [y[i] + offsets[k]], xerr=err, fmt="o", capsize=3,
                            color=colours[k % 3], label=label if i == 0 else None)  # fmt: skip
        ax.axvline(0, color="#cccccc", linewidth=0.8)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks(y, labels=list(rows))
        ax.set_xlabel(xlabel)
        _title_and_legend(ax, title)
        return to_svg(fig)


def frontier(
    title: str,
    names: Sequence[str],
    cost: Sequence[float],
    measure: Sequence[float],
    ylabel: str,
    efficient: Sequence[bool],
) -> str:
    """Cost against a response measure for every variant, the efficient ones joined."""
    with _styled():
        fig = _figure(9, 4.2)
        ax = fig.add_subplot()
        x, y = np.asarray(cost, float), np.asarray(measure, float)
        eff = np.asarray(efficient, bool)
        ax.scatter(x[~eff], y[~eff], color=BEFORE, s=22, label="variant")
        order = np.argsort(x[eff])
        ax.plot(x[eff][order], y[eff][order], "o-", color=ACCENT, label="efficient frontier")
        for xi, yi, name, e in zip(x, y, names, eff, strict=True):
            if e:
                ax.annotate(name, (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.xaxis.set_major_formatter(StrMethodFormatter("${x:,.0f}"))
        ax.set_xlabel("cost per year")
        ax.set_ylabel(ylabel)
        _title_and_legend(ax, title)
        return to_svg(fig)


__all__ = [
    "demand_heatmap",
    "estimates",
    "frontier",
    "quantile_ranges",
    "response_boxes",
    "stacked_bars",
    "staffed_vs_busy",
    "to_svg",
]
