"""The typed summary of a run: the JSON contract that sweeps, comparisons and reports build on.

:mod:`sim.metrics` computes it from records; it becomes JSON only at the edge (see README,
"The JSON summary").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

SCHEMA_VERSION = 1  # of every results JSON (run, compare, sweep); bump on breaking changes


class TimeStat(BaseModel):
    """A time in minutes: mean, quantiles, and the 95% t-interval of the mean across runs."""

    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    ci95: tuple[float, float] | None = None


class WaitStat(TimeStat):
    """A wait, plus the share of calls that waited at all."""

    p_wait: float | None = None


class PrioritySummary(BaseModel):
    """Calls from the public of one priority level, and their response and wait."""

    calls: float
    response_min: TimeStat
    wait_min: WaitStat


class TeamSummary(BaseModel):
    calls: float
    backup_calls: float
    co_response_calls: float = 0.0  # calls it joined as a co-responder
    transports: float = 0.0  # calls it answered and transported the person from
    transport_unit_hours: float = 0.0
    interrupted_calls: float = 0.0  # calls of its own whose units were pre-empted
    busy_unit_hours: float
    busy_unit_hours_by_origin: dict[str, float] = {}
    staffed_unit_hours: float
    overtime_unit_hours: float
    utilization: float | None
    utilization_ci95: tuple[float, float] | None = None
    cost: float
    response_min: TimeStat
    wait_min: WaitStat


class CallTypeSummary(BaseModel):
    origin: str = "public"
    calls: float
    served_by: dict[str, float]
    no_dispatch_share: float | None
    fallback_share: float | None
    unserved: float
    target_min: float | None
    within_target: float | None
    response_min: TimeStat
    wait_min: WaitStat
    on_scene_min: TimeStat
    transport_share: float | None = None  # of the calls served
    transport_min: TimeStat = TimeStat()  # of the calls transported
    interrupted_share: float | None = None  # of the calls served
    by_priority: dict[str, PrioritySummary] = {}


class GroupSummary(BaseModel):
    """Calls of several call types taken together (the community-eligible ones).

    Quantiles of a group cannot be pooled from per-type quantiles, so a group's statistics
    come from the records, like everything else.
    """

    call_types: list[str]
    calls: float
    within_target: float | None
    response_min: TimeStat


class CostSummary(BaseModel):
    total: float
    per_year: float
    per_call: float | None
    per_year_ci95: tuple[float, float] | None = None


class Summary(BaseModel):
    """The JSON summary of a run (see README: "The JSON summary")."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["run"] = "run"
    scenario: str
    seed: int
    replications: int
    days: float
    warmup_days: float
    calls: float
    other_activity: float = 0.0
    unserved: float
    response_min: TimeStat
    wait_min: WaitStat
    on_scene_min: TimeStat
    by_priority: dict[str, PrioritySummary] = {}
    teams: dict[str, TeamSummary]
    call_types: dict[str, CallTypeSummary]
    eligible: GroupSummary | None = None  # community-eligible call types, when the file marks any
    cost: CostSummary
    warnings: list[str] = []


__all__ = [
    "SCHEMA_VERSION",
    "CallTypeSummary",
    "CostSummary",
    "GroupSummary",
    "PrioritySummary",
    "Summary",
    "TeamSummary",
    "TimeStat",
    "WaitStat",
]
