"""Scenario files: TOML in, frozen typed models out, and back again.

A scenario is the single source of truth for a run: the run settings, the teams (units on
duty, shifts, costs, travel), and the call types (demand, priority, response chain, time on
scene, backup). Every model is frozen and rejects unknown keys, so a typo is an error
rather than a silently ignored setting. Time is in minutes from Monday 00:00.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from sim import inputs
from sim.budget import Budget, team_rates
from sim.dists import ZERO, Dist
from sim.errors import ScenarioError
from sim.levers import (
    ROLES,
    CoResponder,
    Coverage,
    DispatchRules,
    Role,
    Transport,
    check_options,
)
from sim.numbers import (
    DAYS,
    CallsPerDay,
    Count,
    DailyCV,
    Days,
    DollarsPerHour,
    DollarsPerYear,
    Factor,
    Growth,
    Minutes,
    Population,
    PositiveMinutes,
    Priority,
    Replications,
    Seed,
    Share,
    Units,
    UnitsPerCall,
    WarmupDays,
)

MAX_ITEMS = 1000  # teams, call types: far more than any city has
MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
HOURS_PER_WEEK = 168
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_FROZEN = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _parse_days(text: str) -> tuple[int, ...]:
    """'mon-fri', 'sat,sun', 'fri-mon' (wrapping) or 'mon-sun' → sorted weekday indexes."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(e not in DAY_NAMES for e in ends):
            raise ValueError(f"days '{text}' should look like 'mon-fri' or 'sat,sun'")
        if len(ends) == 2 and ends[0] == ends[1]:
            raise ValueError(
                f"days '{text}': a range from a day to itself is ambiguous; write "
                f"'{ends[0]}' for that day alone, or e.g. 'mon-sun' for the whole week"
            )
        a, b = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    return tuple(sorted(days))


def _parse_clock(text: str) -> int:
    """'07:00' → 420 minutes after midnight; '24:00' is allowed as an end."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2]) > 0):
        raise ValueError(f"time '{text}' should be HH:MM between 00:00 and 24:00")
    return int(m[1]) * 60 + int(m[2])


class Shift(BaseModel):
    """Units on duty from ``start`` to ``end`` on the given days (overnight when end < start)."""

    model_config = _FROZEN
    days: str = "mon-sun"
    start: str
    end: str
    units: Units

    @model_validator(mode="after")
    def _check(self) -> Shift:
        _parse_days(self.days)
        if self.length_min() == 0:
            raise ValueError(
                f"shift {self.start}-{self.end} has zero length; for round-the-clock cover "
                "use start = '00:00', end = '24:00' or the team's units"
            )
        return self

    def weekdays(self) -> tuple[int, ...]:
        return _parse_days(self.days)

    def start_min(self) -> int:
        return _parse_clock(self.start)

    def length_min(self) -> int:
        return (_parse_clock(self.end) - self.start_min()) % MINUTES_PER_DAY or (
            MINUTES_PER_DAY if self.end.strip() == "24:00" and self.start_min() == 0 else 0
        )


BUDGET_RATES = ("cost_per_unit_hour", "fixed_cost_per_year")
"""The team figures a budget derives (sim.budget.team_rates)."""


class Team(BaseModel):
    """Responders of one kind: units on duty, what they cost, how long they take to arrive."""

    model_config = _FROZEN
    units: Units | None = None
    shifts: tuple[Shift, ...] = Field(default=(), max_length=1000)
    cost_per_unit_hour: DollarsPerHour = 0.0
    fixed_cost_per_year: DollarsPerYear = 0.0
    overtime_factor: Factor = 1.5
    travel_min: Dist = ZERO
    travel_by_priority: dict[Priority, Dist] = {}
    """Travel at the listed priority levels (lights and sirens at priority 1, say); other
    levels use ``travel_min``."""
    coverage: Coverage | None = None
    role: Role | None = None
    label: str | None = None
    program: str | None = None  # the program the team belongs to (set by sim program apply)
    budget: Budget | None = None
    """Crew, wages and fixed costs (sim/budget.py): the team's FTEs and annual budget, and
    its ``cost_per_unit_hour`` and ``fixed_cost_per_year``, which follow from it."""

    @model_validator(mode="wrap")
    @classmethod
    def _priced(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Team:
        """With a budget, the two cost figures are derived from it and never given by hand."""
        team: Team = handler(data)
        if team.budget is None:
            return team
        given = team.model_fields_set & set(BUDGET_RATES)
        if given:
            raise ValueError(
                f"{sorted(given)[0]}: the team's budget sets its costs; remove this key (or "
                "the budget to give costs by hand)"
            )
        return team.model_copy(update=team_rates(team.budget).model_dump())

    @model_serializer(mode="wrap")
    def _without_derived(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A team with a budget is written with the budget, not the costs derived from it."""
        data: dict[str, Any] = handler(self)
        if self.budget is not None:
            for key in BUDGET_RATES:
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _check(self) -> Team:
        if any(level < 1 for level in self.travel_by_priority):
            raise ValueError("travel_by_priority: priority levels start at 1 (the most urgent)")
        if self.units is None and not self.shifts:
            raise ValueError("a team needs units (round the clock) or [[shifts]]")
        if self.units is not None and self.shifts:
            raise ValueError("give either units (round the clock) or [[shifts]], not both")
        return self

    def on_duty(self) -> np.ndarray:
        """Units on duty in each minute of the week (length 10080), shifts wrapping around."""
        if self.units is not None:
            return np.full(MINUTES_PER_WEEK, self.units, dtype=np.int64)
        delta = np.zeros(MINUTES_PER_WEEK + 1, dtype=np.int64)
        for shift in self.shifts:
            for day in shift.weekdays():
                start = day * MINUTES_PER_DAY + shift.start_min()
                end = start + shift.length_min()
                for a, b in _wrap(start, end):
                    delta[a] += shift.units
                    delta[b] -= shift.units
        return np.cumsum(delta[:-1])

    def schedule(self) -> tuple[np.ndarray, np.ndarray]:
        """Change points of the weekly staffing: (minutes into the week, units from then on)."""
        level = self.on_duty()
        change = np.flatnonzero(np.diff(level, prepend=-1))  # levels ≥ 0: minute 0 always kept
        return change.astype(float), level[change]

    def max_units(self) -> int:
        return int(self.on_duty().max())


def _wrap(start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) at the end of the week so it wraps to Monday."""
    if end <= MINUTES_PER_WEEK:
        return [(start, end)]
    return [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]


class ResponseOption(BaseModel):
    """One step of a response chain: which team, how many units, how long to wait for it.

    ``share`` is the share of the call type's calls this option applies to (drawn per
    call); the others start at the next option.
    """

    model_config = _FROZEN
    team: str
    units: UnitsPerCall = 1
    max_wait_min: Minutes | None = None
    share: Share | None = None  # None: every call
    co_responder: CoResponder | None = None

    def share_of_calls(self) -> float:
        """The share of calls reaching this option that it applies to (1 unless ``share``)."""
        return 1.0 if self.share is None else self.share

    def teams(self) -> list[str]:
        """The option's team, then its co-responder's."""
        return [self.team] + ([self.co_responder.team] if self.co_responder else [])


class Backup(BaseModel):
    """The chance that the responding team calls another team to the scene."""

    model_config = _FROZEN
    team: str
    probability: Share
    on_scene_min: Dist | None = None


Origin = Literal["public", "officer", "admin"]
"""Who starts a call type's work: a call from the public, an officer on their own initiative
(traffic stops, business checks), or administration (court, station, vehicle). Only public
calls count in response, wait and target statistics and are offered to programs; the others
occupy units all the same."""
ORIGINS: tuple[str, ...] = ("public", "officer", "admin")


PriorityOrMix = Annotated[
    Annotated[Priority, Tag("level")] | Annotated[dict[Priority, Share], Tag("mix")],
    Discriminator(lambda v: "mix" if isinstance(v, dict) else "level"),
]
"""One priority level, or the observed mix of levels: the form decides which is checked."""


def _check_priority_mix(mix: dict[int, float]) -> None:
    if not mix:
        raise ValueError("priority mix is empty; give e.g. { 1 = 0.2, 2 = 0.8 } or one level")
    shares = list(mix.values())
    if sum(shares) <= 0:
        raise ValueError("priority shares must be non-negative numbers with a positive sum")
    if abs(sum(shares) - 1) > 1e-3:
        raise ValueError(f"priority shares must add up to 1 (they add up to {sum(shares):.4g})")


class CallType(BaseModel):
    """Demand of one kind of call and how the program answers it."""

    model_config = _FROZEN
    calls_per_day: CallsPerDay
    hourly: tuple[Factor, ...] | None = Field(default=None, min_length=24, max_length=24)
    daily: tuple[Factor, ...] | None = Field(default=None, min_length=7, max_length=7)
    hour_of_week: tuple[Factor, ...] | None = Field(default=None, min_length=168, max_length=168)
    monthly: tuple[Factor, ...] | None = Field(default=None, min_length=12, max_length=12)
    growth_per_year: Growth | None = None
    daily_cv: DailyCV = 0.0
    priority: PriorityOrMix = 3
    """One level for every call, or the observed mix: ``{ 1 = 0.2, 2 = 0.5, 3 = 0.3 }``."""
    origin: Origin = "public"
    response: tuple[ResponseOption, ...] = Field(min_length=1, max_length=8)
    dispatch_delay_min: Dist = ZERO
    on_scene_min: dict[str, Dist]
    transport: dict[str, Transport] = {}
    backup: Backup | None = None
    no_dispatch_share: Share = 0.0
    community_eligible: bool | None = None
    label: str | None = None
    raw_call_types: dict[str, Count] = {}
    """The export's largest raw call types in this category, with their calls in the fitted
    window (``sim fit`` writes them for the catch-all category, so a planner sees what falls
    outside the taxonomy): code-list names seen at least 5 times, never free text."""

    @model_validator(mode="after")
    def _check(self) -> CallType:
        if isinstance(self.priority, dict):
            _check_priority_mix(self.priority)
        if self.origin != "public" and self.community_eligible:
            raise ValueError(
                f"community_eligible: a call type of origin '{self.origin}' is not a call from "
                "the public and is never offered to programs; remove community_eligible"
            )
        if self.hour_of_week is not None and (self.hourly or self.daily):
            raise ValueError("give hour_of_week (168 values) or hourly/daily factors, not both")
        for name in ("hourly", "daily", "hour_of_week", "monthly"):
            values = getattr(self, name)
            # The largest factor is at least 1e-9: relative factors any smaller underflow
            # when hour and day factors are multiplied, and give no demand shape at all.
            if values is not None and (min(values) < 0 or max(values) < 1e-9):
                raise ValueError(
                    f"{name} factors must be non-negative with a positive sum "
                    "(the largest at least 1e-9)"
                )
        for i, option in enumerate(self.response[:-1]):
            if option.max_wait_min is None:
                raise ValueError(
                    f"response.{i}.max_wait_min: only the last option may wait without limit; "
                    "set how long a call waits here before moving on (0: at once)"
                )
        if self.response[-1].max_wait_min is not None:
            raise ValueError(
                "the last response option waits as long as it takes; remove its max_wait_min"
            )
        check_options(self.response)
        for team in self.transport:
            if team not in [o.team for o in self.response]:
                raise ValueError(
                    f"transport.{team}: team '{team}' answers no option of this call type; "
                    f"transport is by the answering team ({', '.join(self.response_teams())})"
                )
        return self

    def response_teams(self) -> list[str]:
        """Teams that answer an option of the chain (not co-responders), in order."""
        return list(dict.fromkeys(o.team for o in self.response))

    def profile(self) -> np.ndarray:
        """Relative demand in each of the 168 hours of the week, averaging 1."""
        if self.hour_of_week is not None:
            shape = np.asarray(self.hour_of_week, dtype=float)
        else:
            hourly = np.asarray(self.hourly or [1.0] * 24, dtype=float)
            daily = np.asarray(self.daily or [1.0] * 7, dtype=float)
            shape = (daily[:, None] * (hourly / hourly.mean())[None, :]).ravel()
        return shape / shape.mean()

    def priority_mix(self) -> tuple[np.ndarray, np.ndarray]:
        """(levels, shares summing to 1), most urgent first; one level when fixed."""
        if isinstance(self.priority, int):
            return np.array([self.priority]), np.array([1.0])
        levels = np.array(sorted(self.priority), dtype=np.int64)
        shares = np.array([self.priority[int(k)] for k in levels], dtype=float)
        return levels, shares / shares.sum()

    @property
    def is_public(self) -> bool:
        """True for calls from the public (the ones response statistics are about)."""
        return self.origin == "public"

    def teams_used(self) -> list[str]:
        """Teams this call type may occupy, in order of first mention."""
        names = [t for o in self.response for t in o.teams()]
        names += [self.backup.team] if self.backup else []
        return list(dict.fromkeys(names))


class Provenance(BaseModel):
    """Where a fitted scenario came from: aggregates only, never a row of the source."""

    model_config = _FROZEN
    source: str
    sha256: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    rows_used: Count | None = None
    fitted_with: str | None = None
    notes: tuple[str, ...] = ()


class RunSettings(BaseModel):
    """The ``[scenario]`` table: what to run and what counts as good service."""

    model_config = _FROZEN
    name: str
    description: str | None = None
    days: Days = 28
    warmup_days: WarmupDays = 0
    replications: Replications = 10
    seed: Seed = 1
    response_target_min: PositiveMinutes | None = None
    targets: dict[str, PositiveMinutes] = {}
    population: Population | None = None
    start_date: datetime.date | None = None
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _check(self) -> RunSettings:
        if self.start_date is not None and self.start_date.weekday() != 0:
            monday = self.start_date - datetime.timedelta(days=self.start_date.weekday())
            raise ValueError(
                f"start_date: {self.start_date} is a {self.start_date:%A}; the simulation "
                f"starts on a Monday: use {monday} or {monday + datetime.timedelta(days=7)}"
            )
        # Rounded: 2.01 − 2 is 0.00999… in binary floating point, and 2.01 days is allowed.
        if round(self.days - self.warmup_days, 9) < DAYS.low:
            raise ValueError(
                f"warmup_days ({self.warmup_days:g}) must be less than days ({self.days:g}), "
                f"which includes the warm-up, by at least {DAYS.low:g} days measured"
            )
        return self


class Scenario(BaseModel):
    """A whole scenario file: run settings, teams and call types, cross-checked."""

    model_config = _FROZEN
    scenario: RunSettings
    dispatch: DispatchRules = DispatchRules()
    # At most a thousand of each: a real city has a few teams and tens of call types, and
    # each costs memory and time in every replication (20,000 teams took a gigabyte).
    teams: dict[str, Team] = Field(min_length=1, max_length=MAX_ITEMS)
    call_types: dict[str, CallType] = Field(min_length=1, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        teams = sorted(self.teams)
        for name, ct in self.call_types.items():
            where = f"call_types.{name}"
            for i, option in enumerate(ct.response):
                _known_team(option.team, teams, f"{where}.response.{i}.team")
                self._check_units(option.team, option.units, f"{where}.response.{i}.units")
                if option.co_responder is not None:
                    co, at = option.co_responder, f"{where}.response.{i}.co_responder"
                    _known_team(co.team, teams, f"{at}.team")
                    self._check_units(co.team, co.units, f"{at}.units")
            if ct.backup is not None:
                _known_team(ct.backup.team, teams, f"{where}.backup.team")
            for team in ct.on_scene_min:
                _known_team(team, teams, f"{where}.on_scene_min.{team}")
            missing = [
                t
                for t in ct.teams_used()
                if t not in ct.on_scene_min
                and not (ct.backup and t == ct.backup.team and ct.backup.on_scene_min)
            ]
            if missing:
                raise ValueError(
                    f"{where}.on_scene_min: no time on scene for team '{missing[0]}'; "
                    f"add on_scene_min.{missing[0]} = {{ dist = ..., ... }}"
                )
            last = ct.response[-1].team
            if ct.calls_per_day > 0 and self.teams[last].max_units() == 0:
                raise ValueError(
                    f"{where}.response: team '{last}' (the last option) never has a unit on duty,"
                    " so these calls could never be served; give it units or shifts"
                )
            if ct.monthly is not None and self.scenario.start_date is None:
                raise ValueError(
                    f"{where}.monthly: month-of-year factors need scenario.start_date (a "
                    "Monday, e.g. 2024-01-01), so the run knows which month it is in"
                )
        for name in self.scenario.targets:
            if name not in self.call_types:
                raise ValueError(
                    f"scenario.targets.{name}: no such call type; call types are "
                    f"{', '.join(sorted(self.call_types))}"
                )
        return self

    def _check_units(self, team: str, units: int, where: str) -> None:
        most = self.teams[team].max_units()
        if 0 < most < units:  # zero on duty: calls simply move on
            raise ValueError(
                f"{where}: asks for {units} units but team '{team}' never has more than "
                f"{most} on duty; lower units or add staff"
            )

    @property
    def team_names(self) -> list[str]:
        return list(self.teams)

    def teams_with_role(self, role: str) -> list[str]:
        """Names of the teams whose ``role`` is the given one (e.g. 'police'), in file order."""
        if role not in ROLES:
            raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
        return [name for name, team in self.teams.items() if team.role == role]

    @property
    def call_type_names(self) -> list[str]:
        return list(self.call_types)

    def target_for(self, call_type: str) -> float | None:
        """Response-time target in minutes for a call type, if any."""
        return self.scenario.targets.get(call_type, self.scenario.response_target_min)

    def horizon_min(self) -> float:
        return self.scenario.days * MINUTES_PER_DAY

    def warmup_min(self) -> float:
        return self.scenario.warmup_days * MINUTES_PER_DAY

    def measured_days(self) -> float:
        return self.scenario.days - self.scenario.warmup_days


def _known_team(team: str, teams: list[str], where: str) -> None:
    if team not in teams:
        close = difflib.get_close_matches(team, teams, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"teams are: {', '.join(teams)}"
        raise ValueError(f"{where}: '{team}' is not a team; {hint}")


# ---------------------------------------------------------------------------- load / dump


def _loc(loc: tuple[int | str, ...]) -> str:
    # pydantic puts the discriminator tag into the location of a tagged union member.
    tags = {"exponential", "lognormal", "gamma", "weibull", "constant", "empirical", "level", "mix"}
    return ".".join(
        str(p) for p in loc if p not in tags and p != "[key]" and not str(p).startswith("function-")
    )


def validation_line(err: ValidationError) -> tuple[str, str]:
    """(where, what) for the first error of a pydantic ValidationError, for one-line output."""
    first = err.errors(include_url=False)[0]
    where, msg = _loc(tuple(first["loc"])), str(first["msg"])
    msg = msg.removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        near = nearest_keys(err.title, tuple(first["loc"]))
        msg = (
            f"unknown key; did you mean {' or '.join(repr(k) for k in near)}?"
            if near
            else "unknown key; check the spelling against the scenario format in README.md"
        )
    elif first["type"] == "missing":
        msg = "required key is missing"
    elif first["type"] == "too_long" and isinstance(first.get("ctx"), dict):
        most, actual = first["ctx"].get("max_length"), first["ctx"].get("actual_length")
        count = f"{actual:,} items" if isinstance(actual, int) else f"more than {most:,} items"
        msg = f"{count}; it holds at most {most:,}"
    if not where and re.match(r"^[\w.]+: ", msg):
        where, msg = msg.split(": ", 1)
    return where, msg


def nearest_keys(model_name: str, loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed beside an unknown one (the last part of ``loc``) nearest to it in
    spelling, found by walking the scenario's models along ``loc``; [] when not found."""
    node: Any = Scenario if model_name == "Scenario" else None
    for part in loc[:-1]:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = {(f.alias or k): f for k, f in node.model_fields.items()}
            info = fields.get(str(part))
            node = info.annotation if info is not None else None
            continue
        origin, args = typing.get_origin(node), typing.get_args(node)
        if origin is dict:
            node = args[1]  # the part is a key: its value's type
        elif origin in (tuple, list):
            node = args[0]  # the part is an index
        elif args:  # a union: the member a discriminator tag names, or its one model
            node = _member(args, part)
        else:
            return []
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        keys = [f.alias or k for k, f in node.model_fields.items()]
        return difflib.get_close_matches(str(loc[-1]), keys, n=2, cutoff=0.6)
    return []


def _unwrap(node: Any) -> Any:
    while typing.get_origin(node) is Annotated:
        node = typing.get_args(node)[0]
    args = [a for a in typing.get_args(node) if a is not type(None)]
    if typing.get_origin(node) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unwrap(args[0])  # X | None
    return node


def _member(args: tuple[Any, ...], part: int | str) -> Any:
    """The union member whose ``dist`` tag is ``part`` (a distribution), or its one model."""
    models = [m for m in map(_unwrap, args) if isinstance(m, type) and issubclass(m, BaseModel)]
    for m in models:
        tag = m.model_fields.get("dist")
        if tag is not None and part in typing.get_args(tag.annotation):
            return m
    return models[0] if len(models) == 1 else None


def from_dict(data: Mapping[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a plain mapping as a scenario, raising :class:`ScenarioError` on any problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        where, what = validation_line(err)
        raise ScenarioError(what, where=f"{source}: {where}" if where else source) from None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can fail into a one-line ScenarioError."""
    return inputs.read_toml(path, ScenarioError, hint="fix the syntax at that line")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file."""
    return from_dict(read_toml(path), source=str(path))


def to_dict(scn: Scenario) -> dict[str, Any]:
    """Plain data for a scenario, as a TOML file would hold it (no None values)."""
    return scn.model_dump(mode="json", by_alias=True, exclude_none=True)


def dumps(scn: Scenario) -> str:
    """The scenario as TOML text; ``load(dumps(s)) == s``."""
    return tomli_w.dumps(to_dict(scn))


# ------------------------------------------------------------------------ dotted overrides


def _paths(node: Any, prefix: str = "") -> list[str]:
    """Every dotted path to a leaf of plain data (for suggesting the nearest to a typo)."""
    if isinstance(node, dict):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    else:
        return [prefix]
    out = [prefix] if prefix else []
    for key, value in items:
        out.extend(_paths(value, f"{prefix}.{key}" if prefix else key))
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` (list items by index) inside plain data, in place."""
    node: Any = data
    keys = path.split(".")
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            if last:
                node[int(key)] = value
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            if last:
                node[key] = value
            node = node[key]
        else:
            near = difflib.get_close_matches(path, _paths(data), n=3, cutoff=0.5)
            hint = f"nearest: {', '.join(near)}" if near else "see README.md for the format"
            raise ScenarioError(f"'{path}' names no value in the scenario", hint=hint)


def with_overrides(scn: Scenario, overrides: Mapping[str, Any], source: str = "") -> Scenario:
    """A new scenario with values replaced at dotted paths, validated like a file."""
    data = scn.model_dump(mode="json", by_alias=True)
    for path, value in overrides.items():
        set_path(data, path, value)
    label = source or "override " + ", ".join(f"{k}={v}" for k, v in overrides.items())
    return from_dict(_drop_none(data), source=label)


def _drop_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(v) for v in node]
    return node


def offered_load(scn: Scenario) -> dict[str, float]:
    """Mean busy units each team would need if every call were answered where it first can be.

    A rough capacity check (Erlangs): each option takes its ``share`` of the calls that reach
    it, and the first option that applies to all of them takes the rest; fallback after a
    wait, backups and pre-emption are ignored. Used to say plainly when demand exceeds what
    a team can ever serve.
    """
    load = dict.fromkeys(scn.teams, 0.0)
    for ct in scn.call_types.values():
        per_min = ct.calls_per_day * (1 - ct.no_dispatch_share) / MINUTES_PER_DAY
        left = 1.0
        for option in ct.response:
            share = option.share_of_calls()
            taken, left = left * share, left * (1 - share)
            crew = [(option.team, option.units)]
            if option.co_responder is not None:
                crew.append((option.co_responder.team, option.co_responder.units))
            for team, units in crew:
                held = mean_travel(scn.teams[team]) + ct.on_scene_min[team].mean()
                if team == option.team and team in ct.transport:
                    move = ct.transport[team]
                    held += move.probability * (move.time_min.mean() if move.time_min else 0.0)
                load[team] += per_min * taken * units * held
            if left <= 0:
                break
    return load


def mean_travel(team: Team) -> float:
    """Mean travel minutes; with coverage, at the average units on duty (a rough figure)."""
    fixed = team.travel_min.mean()
    if team.coverage is None:
        return fixed
    return fixed + team.coverage.minutes(max(1, round(mean_units(team))), math.sqrt(math.pi / 8))


def mean_units(team: Team) -> float:
    """Average units on duty over the week."""
    return float(team.on_duty().mean())


__all__ = [
    "ORIGINS",
    "ROLES",
    "Backup",
    "CallType",
    "CoResponder",
    "Coverage",
    "DispatchRules",
    "Origin",
    "Provenance",
    "ResponseOption",
    "RunSettings",
    "Scenario",
    "Shift",
    "Team",
    "Transport",
    "dumps",
    "from_dict",
    "load_scenario",
    "mean_units",
    "offered_load",
    "set_path",
    "to_dict",
    "with_overrides",
]
