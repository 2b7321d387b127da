"""The measures: every figure of a run's summary that sweeps, the optimizer, frontiers,
comparisons and reports can name, in one registry.

A measure has a dotted name as in the JSON summary (``teams.police.utilization``), a unit, a
direction (lower or higher is better; neither for demand, which staffing does not change), a
typed function that reads it from a :class:`~sim.metrics.Summary` (so a renamed summary field
is a type error, never a silently missing value), and, where the combined summary carries
one, its 95% interval. Names with a ``{team}`` or ``{call_type}`` part expand to each team or
call type of a scenario.

Registering a new measure is one line in the table at the end of this module, e.g.::

    team("transports_per_year", PER_YEAR_CALLS, LOWER, lambda t: t.transports_per_year)
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sim.errors import SimError
from sim.estimates import NON_NEGATIVE, Bounds
from sim.estimates import SHARE as SHARE_BOUNDS
from sim.metrics import CallTypeSummary, Summary, TeamSummary, TimeStat
from sim.scenario import Scenario


class Unit(StrEnum):
    """What a measure counts; tables and charts format and label by it."""

    MINUTES = "min"
    SHARE = "share"  # a fraction in [0, 1], shown as a percentage
    DOLLARS = "$"
    DOLLARS_PER_YEAR = "$/year"
    CALLS = "calls"  # a count at one moment (calls still waiting when the run ended)
    CALLS_PER_YEAR = "calls/year"
    UNIT_HOURS_PER_YEAR = "unit-h/year"


class Better(StrEnum):
    """Which way a measure improves."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"  # demand: the calls a scenario receives, the same under any staffing


class Aspect(StrEnum):
    """What a measure is about: service to callers, a team's workload, or money."""

    SERVICE = "service"
    WORKLOAD = "workload"
    COST = "cost"


MINUTES, SHARE, DOLLARS, PER_YEAR = Unit.MINUTES, Unit.SHARE, Unit.DOLLARS, Unit.DOLLARS_PER_YEAR
CALLS, PER_YEAR_CALLS, UNIT_HOURS = Unit.CALLS, Unit.CALLS_PER_YEAR, Unit.UNIT_HOURS_PER_YEAR
LOWER, HIGHER, NEITHER = Better.LOWER, Better.HIGHER, Better.NEITHER

Interval = tuple[float, float] | None
# Scopes: the placeholder in a name, the keys it takes in a scenario, and the part of the
# summary a reader of that scope is given.
_KEYS: dict[str, Callable[[Scenario], list[str]]] = {
    "team": lambda scn: scn.team_names,
    "call_type": lambda scn: scn.call_type_names,
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class MeasureError(SimError):
    """A measure name that is not in the registry (or not in this scenario)."""


@dataclass(frozen=True)
class Measure:
    """One measure of one scenario: its name, unit, direction, and how to read it."""

    name: str
    unit: Unit
    better: Better
    aspect: Aspect
    reader: Callable[[Summary], float | None]
    interval_reader: Callable[[Summary], Interval] | None = None
    stat: str | None = None  # "mean", "p50", "p90", "p95" for a time statistic
    of: str | None = None  # the time it is a statistic of: "response_min", "wait_min" …

    def read(self, summary: Summary) -> float | None:
        """The measure's value in a summary (None: not applicable, e.g. no calls)."""
        return self.reader(summary)

    def interval(self, summary: Summary) -> Interval:
        """Its 95% interval in a combined summary, where the summary carries one."""
        return self.interval_reader(summary) if self.interval_reader else None

    @property
    def has_interval(self) -> bool:
        return self.interval_reader is not None

    @property
    def bounds(self) -> Bounds:
        """The values it can take, for its intervals: a share is in [0, 1], the rest ≥ 0."""
        return SHARE_BOUNDS if self.unit is Unit.SHARE else NON_NEGATIVE

    @property
    def quantile(self) -> float | None:
        """0.9 for a ``p90`` statistic; None for anything else."""
        return int(self.stat[1:]) / 100 if self.stat and self.stat.startswith("p") else None

    @property
    def label(self) -> str:
        """A short header: 'teams.police.utilization' → 'police utilization'."""
        parts = [p.removesuffix("_min") for p in self.name.split(".")]
        if parts[0] in ("teams", "call_types") and len(parts) > 2:
            parts = parts[1:]
        return " ".join(parts)


@dataclass(frozen=True)
class Family:
    """A registered measure name, possibly with placeholders, and its description."""

    pattern: str
    unit: Unit
    better: Better
    aspect: Aspect
    read: Callable[..., float | None]
    interval: Callable[..., Interval] | None = None
    stat: str | None = None
    of: str | None = None
    when: Callable[[Scenario], bool] | None = None

    @functools.cached_property
    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.pattern)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        parts = _PLACEHOLDER.split(self.pattern)  # literal, name, literal, name …
        body = "".join(
            re.escape(p) if i % 2 == 0 else rf"(?P<{p}>[^.]+)" for i, p in enumerate(parts)
        )
        return re.compile(rf"^{body}$")

    def expand(self, scn: Scenario) -> Iterator[Measure]:
        """This family's measures in one scenario (none if it does not apply there)."""
        if self.when is not None and not self.when(scn):
            return
        names = self.placeholders
        for combo in itertools.product(*(_KEYS[n](scn) for n in names)):
            yield self.bind(dict(zip(names, combo, strict=True)))

    def bind(self, keys: dict[str, str]) -> Measure:
        """The measure for one team/call type (the placeholders filled in)."""
        read, interval = self.read, self.interval
        return Measure(
            name=self.pattern.format(**keys),
            unit=self.unit,
            better=self.better,
            aspect=self.aspect,
            reader=functools.partial(read, **keys) if keys else read,
            interval_reader=(functools.partial(interval, **keys) if keys else interval)
            if interval
            else None,
            stat=self.stat,
            of=self.of,
        )


REGISTRY: list[Family] = []


def register(
    pattern: str,
    unit: Unit,
    better: Better,
    read: Callable[..., float | None],
    *,
    interval: Callable[..., Interval] | None = None,
    aspect: Aspect = Aspect.SERVICE,
    stat: str | None = None,
    of: str | None = None,
    when: Callable[[Scenario], bool] | None = None,
) -> None:
    """Add a measure (or a family of them, with ``{team}``/``{call_type}`` in the name)."""
    if any(f.pattern == pattern for f in REGISTRY):
        raise ValueError(f"measure {pattern} is registered twice")
    REGISTRY.append(Family(pattern, unit, better, aspect, read, interval, stat, of, when))


# ------------------------------------------------------------------------ look-ups


def measures(scn: Scenario) -> dict[str, Measure]:
    """Every measure of a scenario, by name, in registry order."""
    return {m.name: m for family in REGISTRY for m in family.expand(scn)}


def lookup(scn: Scenario, name: str, where: str = "measure") -> Measure:
    """The named measure of a scenario, or one line naming the nearest ones."""
    known = measures(scn)
    if name in known:
        return known[name]
    near = difflib.get_close_matches(name, list(known), n=3, cutoff=0.4)
    hint = (
        f"nearest: {', '.join(near)}"
        if near
        else "use a dotted path of the JSON summary, e.g. response_min.p90"
    )
    raise MeasureError(f"'{name}' is not a measure of the summary", where=where, hint=hint)


def describe(name: str) -> Measure | None:
    """A measure known by name alone (e.g. read back from results), without a scenario.

    Its reader works on any summary that has the team or call type the name mentions.
    """
    for family in REGISTRY:
        m = family.regex.match(name)
        if m is not None:
            return family.bind(m.groupdict())
    return None


# ------------------------------------------------------- helpers for the table below


_STATS: dict[str, Callable[[TimeStat], float | None]] = {
    "mean": lambda t: t.mean,
    "p50": lambda t: t.p50,
    "p90": lambda t: t.p90,
    "p95": lambda t: t.p95,
}


def _times(prefix: str, pick: Callable[..., TimeStat | None], **options: Any) -> None:
    """A time statistic's mean (with its interval), p50, p90 and p95, all lower-is-better."""
    of = prefix.rsplit(".", 1)[-1]

    def stat(field: Callable[[TimeStat], float | None]) -> Callable[..., float | None]:
        def read(s: Summary, **keys: str) -> float | None:
            t = pick(s, **keys)
            return None if t is None else field(t)

        return read

    def interval(s: Summary, **keys: str) -> Interval:
        t = pick(s, **keys)
        return None if t is None else t.ci95

    for key, field in _STATS.items():
        register(f"{prefix}.{key}", MINUTES, LOWER, stat(field), stat=key, of=of,
                 interval=interval if key == "mean" else None, **options)  # fmt: skip


def team(
    field: str, unit: Unit, better: Better, read: Callable[[TeamSummary], float | None],
    interval: Callable[[TeamSummary], Interval] | None = None,
) -> None:  # fmt: skip
    """A figure of each team (its workload, unless it is a service measure)."""
    register(
        f"teams.{{team}}.{field}", unit, better, lambda s, team: read(s.teams[team]),
        interval=(lambda s, team: interval(s.teams[team])) if interval else None,
        aspect=Aspect.WORKLOAD,
    )  # fmt: skip


def call_type(
    field: str, unit: Unit, better: Better, read: Callable[[CallTypeSummary], float | None]
) -> None:
    """A figure of each call type."""
    register(f"call_types.{{call_type}}.{field}", unit, better,
             lambda s, call_type: read(s.call_types[call_type]))  # fmt: skip


def _has_eligible(scn: Scenario) -> bool:
    return any(ct.community_eligible for ct in scn.call_types.values())


# ----------------------------------------------------------------------- the registry
# One line per measure (or per time statistic: mean, p50, p90 and p95 together).

register("calls_per_year", PER_YEAR_CALLS, NEITHER, lambda s: s.calls_per_year)
register("unserved", CALLS, LOWER, lambda s: s.unserved)
_times("response_min", lambda s: s.response_min)
_times("wait_min", lambda s: s.wait_min)
register("wait_min.p_wait", SHARE, LOWER, lambda s: s.wait_min.p_wait)
_times("on_scene_min", lambda s: s.on_scene_min)

team("calls_per_year", PER_YEAR_CALLS, LOWER, lambda t: t.calls_per_year)
team("backup_calls_per_year", PER_YEAR_CALLS, LOWER, lambda t: t.backup_calls_per_year)
team("busy_unit_hours_per_year", UNIT_HOURS, LOWER, lambda t: t.busy_unit_hours_per_year)
team("staffed_unit_hours_per_year", UNIT_HOURS, LOWER, lambda t: t.staffed_unit_hours_per_year)
team("overtime_unit_hours_per_year", UNIT_HOURS, LOWER, lambda t: t.overtime_unit_hours_per_year)
team("utilization", SHARE, LOWER, lambda t: t.utilization, lambda t: t.utilization_ci95)
team("cost_per_year", PER_YEAR, LOWER, lambda t: t.cost_per_year)
_times("teams.{team}.response_min", lambda s, team: s.teams[team].response_min)
_times("teams.{team}.wait_min", lambda s, team: s.teams[team].wait_min)
register("teams.{team}.wait_min.p_wait", SHARE, LOWER,
         lambda s, team: s.teams[team].wait_min.p_wait)  # fmt: skip

call_type("calls_per_year", PER_YEAR_CALLS, NEITHER, lambda c: c.calls_per_year)
register("call_types.{call_type}.served_by.{team}", SHARE, HIGHER,
         lambda s, call_type, team: s.call_types[call_type].served_by.get(team))  # fmt: skip
call_type("no_dispatch_share", SHARE, NEITHER, lambda c: c.no_dispatch_share)
call_type("fallback_share", SHARE, LOWER, lambda c: c.fallback_share)
call_type("unserved", CALLS, LOWER, lambda c: c.unserved)
call_type("within_target", SHARE, HIGHER, lambda c: c.within_target)
_times(
    "call_types.{call_type}.response_min", lambda s, call_type: s.call_types[call_type].response_min
)
_times("call_types.{call_type}.wait_min", lambda s, call_type: s.call_types[call_type].wait_min)
register("call_types.{call_type}.wait_min.p_wait", SHARE, LOWER,
         lambda s, call_type: s.call_types[call_type].wait_min.p_wait)  # fmt: skip
_times("call_types.{call_type}.on_scene_min",
       lambda s, call_type: s.call_types[call_type].on_scene_min)  # fmt: skip

register("eligible.calls_per_year", PER_YEAR_CALLS, NEITHER,
         lambda s: s.eligible and s.eligible.calls_per_year, when=_has_eligible)  # fmt: skip
register("eligible.within_target", SHARE, HIGHER,
         lambda s: s.eligible and s.eligible.within_target, when=_has_eligible)  # fmt: skip
_times("eligible.response_min", lambda s: s.eligible and s.eligible.response_min,
       when=_has_eligible)  # fmt: skip

register("cost.per_year", PER_YEAR, LOWER, lambda s: s.cost.per_year,
         interval=lambda s: s.cost.per_year_ci95, aspect=Aspect.COST)  # fmt: skip
register("cost.per_call", DOLLARS, LOWER, lambda s: s.cost.per_call, aspect=Aspect.COST)


__all__ = [
    "REGISTRY",
    "Aspect",
    "Better",
    "Family",
    "Measure",
    "MeasureError",
    "Unit",
    "call_type",
    "describe",
    "lookup",
    "measures",
    "register",
    "team",
]
