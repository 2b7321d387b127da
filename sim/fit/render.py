"""Scenario TOML for people: compact inline tables, a week laid out a day per line, comments.

``sim.scenario.dumps`` writes correct but long TOML (a 168-value array is 168 lines). A
fitted file is read and edited by planners, so this writer puts each distribution on one
line, each day of ``hour_of_week`` on its own line, and the fit's notes as comments above
what they explain. :func:`sim.fit.build.check_round_trip` holds it to loading back exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.errors import printable
from sim.scenario import DAY_NAMES, Scenario, to_dict


def value(v: Any) -> str:
    """One TOML value, inline (tables as ``{ k = v }``)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write {v} to TOML")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Mapping):
        inner = ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def key(k: str) -> str:
    """A bare key when TOML allows it, else a quoted one."""
    bare = k and all(c.isalnum() or c in "_-" for c in k) and k.isascii()
    return k if bare else json.dumps(k)


def _comment(lines: Sequence[str]) -> list[str]:
    # printable: a name given with a line break would end the comment and break the file
    return [f"# {printable(line)}".rstrip() for line in lines]


def _week(values: Sequence[float]) -> list[str]:
    out = ["hour_of_week = ["]
    for d, name in enumerate(DAY_NAMES):
        day = ", ".join(value(float(v)) for v in values[d * 24 : (d + 1) * 24])
        out.append(f"  {day},  # {name} 00–23")
    out.append("]")
    return out


def _long_list(name: str, items: Sequence[Any]) -> list[str]:
    return [f"{key(name)} = [", *(f"  {value(x)}," for x in items), "]"]


def table(header: str, data: Mapping[str, Any], comments: Sequence[str] = ()) -> list[str]:
    """One TOML table as lines: a blank line, its comments, ``[header]``, then its keys."""
    lines = ["", *_comment(comments), f"[{header}]"]
    for k, v in data.items():
        if k == "hour_of_week":
            lines += _week(v)
        elif isinstance(v, list) and v and isinstance(v[0], Mapping | str):
            lines += _long_list(k, v)
        elif isinstance(v, list | tuple | dict) and not v:
            continue  # empty containers are the defaults
        else:
            lines.append(f"{key(k)} = {value(v)}")
    return lines


def render_scenario(
    scn: Scenario,
    header: Sequence[str] = (),
    call_type_comments: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The scenario as commented TOML that loads back to ``scn``."""
    data = to_dict(scn)
    notes = call_type_comments or {}
    settings = dict(data["scenario"])
    targets = settings.pop("targets", {})
    provenance = settings.pop("provenance", None)
    lines = _comment(header)
    lines += table("scenario", settings)
    if targets:
        lines += table("scenario.targets", targets)
    if provenance:
        lines += table("scenario.provenance", provenance)
    for name, team in data["teams"].items():
        lines += table(f"teams.{key(name)}", team)
    for name, ct in data["call_types"].items():
        if ct.get("origin") == "public":  # the default: said only for other work
            ct = {k: v for k, v in ct.items() if k != "origin"}
        lines += table(f"call_types.{key(name)}", ct, notes.get(name, ()))
    return "\n".join(lines).lstrip("\n") + "\n"


__all__ = ["key", "render_scenario", "table", "value"]
