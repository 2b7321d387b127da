"""The typed summary of a run: the JSON contract that sweeps, comparisons and reports build on.

:mod:`sim.metrics` computes it from records; it becomes JSON only at the edge (see README,
"The JSON summary").

**One period.** Counts, hours and costs are per year (``*_per_year``: the measured days
scaled by 365 / measured days), so a planner never mixes a 26-day total with a yearly one;
the totals over the measured days of one replication are kept apart, under ``measured``.
``sample_calls`` are sample sizes (the calls a statistic rests on, every replication
together), not rates. ``unserved`` counts the calls still waiting when a run ends.

**Not applicable.** A figure that has no meaning (the response of a call type that had no
call, the cost per call of a run that answered none) is ``null``, and ``not_applicable``
maps its dotted path (or an enclosing one) to the reason (:mod:`sim.applicable`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

SCHEMA_VERSION = 2  # of every results JSON (run, compare, sweep); bump on breaking changes


class TimeStat(BaseModel):
    """A time in minutes: mean, quantiles, and the 95% t-interval of the mean across runs."""

    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    ci95: tuple[float, float] | None = None
    sample_calls: int = 0  # calls behind the statistic, every replication together


class WaitStat(TimeStat):
    """A wait, plus the share of calls that waited at all."""

    p_wait: float | None = None


class PrioritySummary(BaseModel):
    """Calls from the public of one priority level, and their response and wait."""

    calls_per_year: float
    response_min: TimeStat
    wait_min: WaitStat


class TeamSummary(BaseModel):
    """One team's work and cost, per year."""

    calls_per_year: float  # calls from the public it answered
    backup_calls_per_year: float
    co_response_calls_per_year: float = 0.0  # calls it joined as a co-responder
    transports_per_year: float = 0.0  # calls it answered and transported the person from
    transport_unit_hours_per_year: float = 0.0
    interrupted_calls_per_year: float = 0.0  # calls of its own whose units were pre-empted
    busy_unit_hours_per_year: float
    busy_unit_hours_by_origin_per_year: dict[str, float] = {}
    staffed_unit_hours_per_year: float
    overtime_unit_hours_per_year: float
    utilization: float | None
    utilization_ci95: tuple[float, float] | None = None
    cost_per_year: float
    cost_per_year_ci95: tuple[float, float] | None = None
    response_min: TimeStat
    wait_min: WaitStat


class CallTypeSummary(BaseModel):
    """One call type: demand per year, who answered it, and how fast (shares from pooled
    counts: every replication's calls together)."""

    origin: str = "public"
    calls_per_year: float
    sample_calls: int = 0  # its calls in the measured days, every replication together
    served_by: dict[str, float]
    no_dispatch_share: float | None
    fallback_share: float | None
    unserved: float
    target_min: float | None
    within_target: float | None
    target_sample_calls: int = 0  # calls judged against the target, every replication
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
    calls_per_year: float
    sample_calls: int = 0
    within_target: float | None
    target_sample_calls: int = 0
    response_min: TimeStat


class CostSummary(BaseModel):
    """The cost of every team together: per year, and per call from the public."""

    per_year: float
    per_year_ci95: tuple[float, float] | None = None
    per_call: float | None


class Measured(BaseModel):
    """Totals over the measured days (after the warm-up) of one replication, as run."""

    days: float
    calls: float  # calls from the public
    other_activity: float
    cost: float


class Summary(BaseModel):
    """The JSON summary of a run (see README: "The JSON summary")."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["run"] = "run"
    scenario: str
    seed: int
    replications: int
    days: float
    warmup_days: float
    calls_per_year: float
    other_activity_per_year: float = 0.0
    unserved: float  # calls from the public still waiting when the run ended
    response_min: TimeStat
    wait_min: WaitStat
    on_scene_min: TimeStat
    by_priority: dict[str, PrioritySummary] = {}
    teams: dict[str, TeamSummary]
    call_types: dict[str, CallTypeSummary]
    eligible: GroupSummary | None = None  # community-eligible call types, when the file marks any
    cost: CostSummary
    measured: Measured
    warnings: list[str] = []
    not_applicable: dict[str, str] = {}  # dotted path of a null figure → why it has none


__all__ = [
    "SCHEMA_VERSION",
    "CallTypeSummary",
    "CostSummary",
    "GroupSummary",
    "Measured",
    "PrioritySummary",
    "Summary",
    "TeamSummary",
    "TimeStat",
    "WaitStat",
]
