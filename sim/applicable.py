""" "Not applicable, with a reason": the one way a figure says it has no meaning.

A figure can have no meaning: the response time of a call type that had no call, the cost
per call answered of a program that answered none, a program's cost in a city with no call it
could take. Every results document (the JSON of a run, a comparison, a sweep) says so the
same way:

* the figure's value is ``null`` (``None`` in the typed models), never 0, NaN or infinity;
* the object holding it has a ``not_applicable`` map from the figure's dotted path, relative
  to that object, to a one-line reason; a path may name an enclosing object, whose null
  figures it then explains all at once (``"eligible": "no call type is marked …"``).

So every number in a results document is finite, and every ``null`` has a reason:
:func:`unexplained` lists the places where that fails (the tests, and the fuzzing of
hostile inputs, hold every command's output to it). Terminal tables and HTML reports show
such a figure as :data:`NA` with its reason (:func:`reason_for`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

NA = "n/a"
"""How tables show a figure that is not applicable (the reason goes in a note beside it)."""
KEY = "not_applicable"


def reason_for(reasons: Mapping[str, str], path: str) -> str | None:
    """The reason that explains ``path``: its own, or the nearest enclosing path's."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        hit = reasons.get(".".join(parts[:end]))
        if hit is not None:
            return hit
    return None


def empty_intervals(document: Any, reasons: dict[str, str], replications: int) -> None:
    """Add to ``reasons`` why each interval left empty in ``document`` (a key ending in
    ``ci95`` holding null) has none, unless a reason already explains it: one replication, or
    a figure known in fewer than two replications."""
    why = (
        "one replication: no interval across replications"
        if replications < 2
        else "known in fewer than two replications: no interval"
    )
    _empty(document, "", reasons, why)


def _empty(node: Any, path: str, reasons: dict[str, str], why: str) -> None:
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        at = f"{path}.{key}" if path else str(key)
        if isinstance(value, Mapping):
            _empty(value, at, reasons, why)
        elif value is None and str(key).endswith("ci95") and reason_for(reasons, at) is None:
            reasons[at] = why


def unexplained(document: Any) -> list[str]:
    """Dotted paths of the figures in a JSON-like document that break the rule above.

    A number that is not finite is always listed; a ``null`` is listed unless a
    ``not_applicable`` map of an enclosing object explains it. Keys in ``optional`` (text
    that may simply be absent, like a description) are not figures.
    """
    out: list[str] = []
    _walk(document, "", [], out)
    return out


OPTIONAL = frozenset(
    {"description", "program_description", "source", "label", "sha256", "qualifications"}
)


def _walk(
    node: Any, path: str, scopes: list[tuple[str, Mapping[str, str]]], out: list[str]
) -> None:
    if isinstance(node, Mapping):
        reasons = node.get(KEY)
        if isinstance(reasons, Mapping):
            scopes = [*scopes, (path, reasons)]
        for key, value in node.items():
            if key == KEY:
                continue
            child = f"{path}.{key}" if path else str(key)
            if value is None:
                if key not in OPTIONAL and not _explained(child, scopes):
                    out.append(child)
            else:
                _walk(value, child, scopes, out)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            child = f"{path}.{i}" if path else str(i)
            if value is None:
                if not _explained(child, scopes):
                    out.append(child)
            else:
                _walk(value, child, scopes, out)
    elif isinstance(node, float) and not math.isfinite(node):
        out.append(path)


def _explained(path: str, scopes: list[tuple[str, Mapping[str, str]]]) -> bool:
    for where, reasons in scopes:
        if where and not path.startswith(where + "."):
            continue
        relative = path[len(where) + 1 :] if where else path
        if reason_for(reasons, relative) is not None:
            return True
    return False


__all__ = ["KEY", "NA", "OPTIONAL", "empty_intervals", "reason_for", "unexplained"]
