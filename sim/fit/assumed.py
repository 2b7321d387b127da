"""What a fit assumes where the export cannot show police workload, said plainly.

An export with call times only shows neither how long units were busy nor the work officers
start themselves (traffic stops, business checks). Its fitted baseline then staffs police by
square-root staffing of the calls alone, and its police come out far more available than a
real department's (issue 9: Berkeley's eligible calls reached in about 6 minutes at 43%
utilization). Two things follow here: a note in the fitted file and the fit report saying
what that means for the baseline, and — when the export holds no officer-initiated work at
all — an assumed amount of it, cited, marked as an assumption the city should replace.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.fit.library import LIBRARY, officer_default
from sim.fit.options import OTHER_ACTIVITY
from sim.fit.report import CategoryReport

NAME = "officer_initiated"


def availability_note(team: str) -> str:
    """What units from square-root staffing mean for the baseline."""
    return (
        f"ASSUMPTION: the export has no dispatch and clear times, so {team} units on duty are "
        "not the city's: they are square-root staffing of the work the file holds at its "
        "busiest hours, kept round the clock. Real officers also spend time on reports, breaks, "
        "training and administration that no export shows, so this baseline's police are more "
        "available than the city's: its response times are likely too short and its "
        "utilization too low. Replace the units with the city's own deployment "
        f"(teams.{team}.shifts) before planning with it."
    )


def officer_call_type(
    call_types: dict[str, dict[str, Any]], team: str, priority: int
) -> tuple[dict[str, Any], CategoryReport, list[str]]:
    """Assumed officer-initiated work: its call-type entry, report row and comment lines.

    Its volume is the library's officer-initiated activities per call from the public
    (median of three cities that flag them), its weekly shape that of the calls from the
    public, its time on scene Detroit's "proactive" demand type.
    """
    default = officer_default()
    public = {k: ct for k, ct in call_types.items() if ct.get("origin", "public") == "public"}
    per_day = sum(ct["calls_per_day"] for ct in public.values())
    shape = sum(ct["calls_per_day"] * np.asarray(ct["hour_of_week"]) for ct in public.values())
    shape = shape / shape.mean() if per_day > 0 else np.ones(168)
    calls_per_day = round(default.per_public_call * per_day, 2)
    entry = {
        "label": OTHER_ACTIVITY["officer"][1],
        "calls_per_day": calls_per_day,
        "hour_of_week": [round(float(v), 3) for v in shape],
        "daily_cv": 0.0,
        "priority": priority,
        "origin": "officer",
        "response": [{"team": team}],
        "dispatch_delay_min": {"dist": "constant", "value": 0.0},
        "on_scene_min": {team: default.on_scene},
    }
    what = (
        f"ASSUMPTION: the export holds no officer-initiated work, so {calls_per_day:,.1f} a "
        f"day is assumed ({default.per_public_call:g} per call from the public, the median of "
        f"the cities that flag it: {default.citation}; time on scene {LIBRARY} "
        "roles.police.on_scene_min.officer_initiated). Replace it with the city's own count, "
        "or fit with --no-officer-default to leave it out."
    )
    report = CategoryReport(
        category=NAME, calls=0, calls_per_day=calls_per_day, smoothing="assumed",
        dispersion_index=None, overdispersion_p=None, daily_cv=0.0, origin="officer",
        priority=priority, priority_from="after every call from the public",
        dispatch_delay=None, on_scene=None, on_scene_source="assumed (durations library)",
    )  # fmt: skip
    return entry, report, [f"{NAME}: {what}"]


__all__ = ["NAME", "availability_note", "officer_call_type"]
