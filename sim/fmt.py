"""How a figure is written for a person, in the terminal and in HTML alike.

One place for: a number with its unit and 95% interval (``"24.2 (22.1–26.4)"``), a share as a
percentage, a figure that is not applicable (:data:`sim.applicable.NA`, its reason given in a
note beside the table), and the mark of a figure resting on fewer than
:data:`~sim.estimates.FEW_CALLS` calls (:data:`FEW_MARK`, explained by :data:`FEW_NOTE`).
"""

from __future__ import annotations

from collections.abc import Callable

from sim.applicable import NA
from sim.estimates import FEW_CALLS

FEW_MARK = "†"
FEW_NOTE = (
    f"{FEW_MARK} rests on fewer than {FEW_CALLS} calls (every replication together): read with care"
)
Interval = tuple[float, float] | None


def number(value: float | None, spec: str = ",.0f", unit: str = "") -> str:
    """``$1,234``, ``-$971`` or ``12.3``; :data:`NA` for a figure without a value."""
    if value is None:
        return NA
    text = f"{value:{spec}}"
    if text.lstrip("+-").strip("0.,") == "":  # a value that rounds to zero has no sign
        text = text.lstrip("+-")
    sign = text[0] if text[0] in "+-" else ""
    return f"{sign}{unit}{text[len(sign) :]}"


def with_ci(value: float | None, ci: Interval, spec: str = ",.0f", unit: str = "") -> str:
    """``24.2 (22.1–26.4)``: the value and its 95% interval (left out when it has no width)."""
    text = number(value, spec, unit)
    if value is not None and ci is not None and ci[0] != ci[1]:
        text += f" ({number(ci[0], spec, unit)}–{number(ci[1], spec, unit)})"
    return text


def share(value: float | None, spec: str = ".0%") -> str:
    """A share as a percentage."""
    return NA if value is None else f"{value:{spec}}"


def few(text: str, sample: int | None) -> str:
    """``text`` marked when the figure rests on fewer than FEW_CALLS calls (None: unknown)."""
    return f"{text}{FEW_MARK}" if sample is not None and sample < FEW_CALLS and text != NA else text


def money(value: float | None) -> str:
    """Dollars, compact for large sums: ``$1.13M``, ``$840k``, ``$132``."""
    if value is None:
        return NA
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.2f}M"
    if abs(value) >= 1e4:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def money_ci(value: float | None, ci: Interval) -> str:
    """Compact dollars with an interval: ``$1.13M ($1.10M–$1.16M)``."""
    return _pair(money, value, ci)


def _pair(show: Callable[[float | None], str], value: float | None, ci: Interval) -> str:
    text = show(value)
    if value is not None and ci is not None and ci[0] != ci[1]:
        text += f" ({show(ci[0])}–{show(ci[1])})"
    return text


__all__ = ["FEW_MARK", "FEW_NOTE", "few", "money", "money_ci", "number", "share", "with_ci"]
