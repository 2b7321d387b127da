"""The pieces of a self-contained HTML report: escaping, tables, charts, sections, the page.

The file needs nothing but a browser: CSS is inlined, charts are inline SVG (matplotlib, text
as paths), and there is no script, font or image fetched from anywhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from importlib import metadata, resources
from string import Template

from sim.errors import SimError


class ResultsError(SimError):
    """A results file that this version of sim cannot read."""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def chart(chart_id: str, svg: str, caption: str) -> str:
    """A chart as a figure with an id (the browser test checks each one is drawn).

    matplotlib names the clip paths and markers inside an SVG by a hash of their content;
    prefixing them with the chart's id keeps ids unique across the charts of one page.
    """
    svg = re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{chart_id}-", svg)
    return (
        f'<figure class="chart" id="chart-{esc(chart_id)}">{svg}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def bullet_list(items: Sequence[str], cls: str = "findings") -> str:
    if not items:
        return ""
    return f'<ul class="{cls}">' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1
) -> str:
    """A plain table; columns from ``numeric_from`` on are right-aligned numbers."""

    def cls(i: int) -> str:
        return ' class="num"' if i >= numeric_from else ""

    head = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{esc(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table-wrap">{table}</div>'


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def _template(name: str) -> str:
    return (resources.files("sim.report") / "templates" / name).read_text(encoding="utf-8")


def _version() -> str:
    try:
        return metadata.version("sim")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "dev"


def page(title: str, subtitle: str, kind: str, body: Sequence[str]) -> str:
    """The whole HTML document around the sections."""
    return Template(_template("report.html")).substitute(
        title=esc(title), subtitle=esc(subtitle), kind=esc(kind), version=esc(_version()),
        style=_template("report.css"), body="\n".join(body),
    )  # fmt: skip


def ci_text(
    mean: float | None, ci: tuple[float, float] | None, fmt: str = ".1f", unit: str = ""
) -> str:
    """'12.3 (95% CI 11.9–12.8)', or the bare value without an interval."""
    if mean is None:
        return "–"
    text = f"{unit}{mean:{fmt}}"
    if ci is None or ci[0] == ci[1]:  # no interval, or no variation between replications
        return text
    return text + f" (95% CI {unit}{ci[0]:{fmt}}–{unit}{ci[1]:{fmt}})"


def pct_ci(x: float | None, ci: tuple[float, float] | None) -> str:
    """'71% (95% CI 67–74%)' for a share with its interval."""
    if x is None:
        return "–"
    return f"{x:.0%}" + (f" (95% CI {ci[0]:.0%}–{ci[1]:.0%})" if ci else "")


__all__ = [
    "ResultsError",
    "bullet_list",
    "chart",
    "ci_text",
    "esc",
    "html_table",
    "page",
    "pct_ci",
    "section",
]
