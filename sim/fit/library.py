"""The shipped durations library: default times for exports that record only call times.

``sim/data/durations.toml`` holds derived, cited figures (written by
``scripts/build_durations.py``): police times on scene by planning category and travel
(Detroit 2019, Langton, Ruiter & Verlaan 2022), community-responder times (the Lane County
mobile crisis team), and a count of officer-initiated activity per call from the public for
exports that hold none (Vera Institute / Two Sigma Data Clinic). ``sim fit`` takes a role's
times from here only where the export has none, and names them in the fitted file.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sim.fit.borrow import Borrowed

ROLE_SECTIONS = {"community": "community", "clinician": "community"}
"""Roles with times of their own; every other role takes the police times."""
LIBRARY = "sim/data/durations.toml"


@functools.cache
def _data() -> dict[str, Any]:
    text = (resources.files("sim.data") / "durations.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def library(role: str = "police") -> Borrowed:
    """The library's times for a team of ``role``, as times to borrow."""
    data = _data()
    section = ROLE_SECTIONS.get(role, "police")
    times = data["roles"][section]
    source = data["sources"][times["source"]]["citation"]
    short = {"police": "Detroit 2019 (Langton et al. 2022)",
             "community": "Lane County mobile crisis team"}[section]  # fmt: skip
    lines = [
        f"Times the export lacks come from sim's durations library ({LIBRARY}, section "
        f"roles.{section}{'' if section == role else f', for role {role}'}):",
        f"  {source}.",
        "  Replace them with the city's own figures where it has any (sim fit "
        "--durations-from CITY.toml).",
    ]
    return Borrowed(
        on_scene=times["on_scene_min"],
        travel=times.get("travel_min"),
        dispatch_delay=times.get("dispatch_delay_min", {}),
        citation=f"sim's durations library: {short}",
        source=f"sim's durations library ({section})",
        default_note=f"the library's all-calls figure for role {section}",
        lines=tuple(lines),
    )


@dataclass(frozen=True)
class OfficerDefault:
    """Assumed officer-initiated activity for an export that has none."""

    per_public_call: float
    on_scene: dict[str, Any]
    citation: str


def officer_default() -> OfficerDefault:
    """Officer-initiated activities per call from the public and their time on scene."""
    data = _data()
    activity = data["officer_activity"]
    police = data["roles"]["police"]["on_scene_min"]
    return OfficerDefault(
        per_public_call=float(activity["per_public_call"]),
        on_scene=dict(police["officer_initiated"]),
        citation=data["sources"][activity["source"]]["citation"],
    )


__all__ = ["LIBRARY", "OfficerDefault", "library", "officer_default"]
