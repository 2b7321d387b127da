"""User-facing errors: every one says what is wrong, where, and what to do.

The CLI turns a :class:`SimError` into one line on stderr and exit code 2; a traceback
is reserved for bugs in ``sim`` itself.
"""

from __future__ import annotations

import unicodedata

# Characters that would break the one line or hide its meaning: line breaks, controls and
# invisible formatting such as a right-to-left override (a user's text can hold any of them).
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


def printable(text: str) -> str:
    """``text`` with line breaks, controls and invisible format characters escaped."""
    if all(unicodedata.category(ch) not in _HIDDEN for ch in text):
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN else ch
        for ch in text
    )


class SimError(Exception):
    """A mistake in the user's input, reported as one line: where: what; hint."""

    def __init__(self, what: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.what = what
        self.where = where
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        """The one-line message shown to the user."""
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.hint:
            parts.append(self.hint)
        return printable(" — ".join(parts))


class ScenarioError(SimError):
    """A scenario file that cannot be loaded or does not validate."""


class DataError(SimError):
    """A calls-for-service export that cannot be read, mapped or fitted."""


class OutputError(SimError):
    """An output path that cannot be written."""
