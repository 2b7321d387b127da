"""User-facing errors: every one says what is wrong, where, and what to do.

The CLI turns a :class:`SimError` into one line on stderr and exit code 2; a traceback
is reserved for bugs in ``sim`` itself.
"""

from __future__ import annotations


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
        return " — ".join(parts)


class ScenarioError(SimError):
    """A scenario file that cannot be loaded or does not validate."""


class DataError(SimError):
    """A calls-for-service export that cannot be read, mapped or fitted."""


class OutputError(SimError):
    """An output path that cannot be written."""
