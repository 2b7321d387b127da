"""The property every hostile input must meet, checked on each outcome.

Either the input is refused — a :class:`~sim.errors.SimError` whose line is one line (the
command line prints it after ``error:`` and exits 2) — or it runs, and every figure a user
reads is a finite number or explicitly not applicable: in the JSON no NaN, no infinity and
no ``null`` without a reason (:func:`sim.applicable.unexplained`), in the terminal and the
HTML no "nan", "inf" or "None". Anything else — a traceback, a hang — fails the property.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import signal
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from hypothesis import event
from hypothesis.errors import InvalidArgument

from sim.applicable import NA
from sim.errors import SimError

T = TypeVar("T")

NA_CELL = re.compile(rf"(?<![\w/]){re.escape(NA)}(?![:\w/])")  # a cell shown as n/a
# 'n/a: <reason> (…)' under a run's or a sweep's tables, 'n/a, <city>: <reason>' under compare's
NA_NOTE = re.compile(rf"^{re.escape(NA)}(: |, [^:\n]+: )\S", re.M)
# A figure shown as Python or JSON would spell a missing or non-finite number.
BAD_WORDS = re.compile(r"(?<![\w-])(nan|NaN|inf|-inf|Infinity|None|null)(?![\w-])")


class Hang(Exception):
    """An example took longer than any input should (the property: never hang)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this (the main) thread after ``seconds``."""

    def alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def one_line(err: SimError) -> str:
    """A refusal is one non-empty line."""
    line = err.line()
    assert line.strip() and "\n" not in line and "Traceback" not in line, repr(line)
    return line


def attempt(fn: Callable[[], T]) -> T | None:
    """``fn()``'s result, or None when it refuses the input in one line. Any other
    exception is not caught: a traceback fails the property."""
    try:
        result = fn()
    except SimError as err:
        one_line(err)
        count(f"refused: {type(err).__name__}")
        return None
    count("accepted")
    return result


def count(what: str) -> None:
    """Tally an outcome in hypothesis' statistics (``--hypothesis-show-statistics``)."""
    with contextlib.suppress(InvalidArgument):  # outside a hypothesis test
        event(what)


def unexplained(document: Any) -> list[str]:
    """Places in a results document that are neither finite numbers nor explained nulls."""
    from sim.applicable import unexplained as rule

    return list(rule(document))


def _non_finite(node: Any, path: str = "") -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _non_finite(v, f"{path}.{k}")]
    if isinstance(node, list | tuple):
        return [p for i, v in enumerate(node) for p in _non_finite(v, f"{path}.{i}")]
    if isinstance(node, float) and not math.isfinite(node):
        return [path]
    return []


def check_document(text: str, what: str) -> Any:
    """JSON a user reads: strict JSON (no NaN or Infinity tokens), every figure accounted for."""

    def refuse(token: str) -> Any:
        raise AssertionError(f"{what}: {token} in the JSON")

    document = json.loads(text, parse_constant=refuse)
    bad = unexplained(document)
    assert not bad, f"{what}: figures neither finite nor explained: {bad[:8]}"
    return document


def check_text(text: str, what: str, reasons: bool = False) -> None:
    """Terminal or HTML output: no figure spelt nan, inf or None; with ``reasons`` (a
    terminal's tables), a figure shown as n/a comes with a note that says why."""
    m = BAD_WORDS.search(text)
    assert m is None, f"{what} shows {m[0]!r}: …{text[max(0, m.start() - 80) : m.end() + 40]}…"
    if reasons and NA_CELL.search(text):
        assert NA_NOTE.search(text), f"{what} shows {NA} without a note saying why:\n{text}"


def terminal(render: Callable[[Any], None]) -> str:
    """What a rich render function prints, as plain text."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    render(console)
    return console.export_text()


__all__ = [
    "Hang",
    "attempt",
    "check_document",
    "check_text",
    "one_line",
    "terminal",
    "time_limit",
    "unexplained",
]
