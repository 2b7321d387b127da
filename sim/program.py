"""Program templates: a community responder program carried from city to city.

A template (``scenarios/programs/<name>.toml``) describes a program on its own — its teams,
the call categories it takes, how long a call waits for it, what it costs — and
:func:`apply_program` puts it in front of any city scenario's response chains. The city stays
the single source of truth for demand and for its own responders; the program only adds
teams and a first option to the chains of the categories it takes, so the city with and
without the program see the same calls (common random numbers) and compare paired.

```toml
[program]
name = "CAHOOTS-like"
categories = ["behavioral_health", "welfare_check"]   # city call-type names it takes
max_wait_min = 15          # wait for a program unit before the city's own chain takes over
units = 1                  # units sent per call
backup = { team = "police", probability = 0.013 }    # optional: replaces the call's backup
no_dispatch_share = 0.0    # optional: replaces the call's share resolved by phone

[teams.cahoots]            # the scenario Team format
...
[on_scene_min]             # time on scene per category, ``default`` for the rest
default = { dist = "lognormal", median = 22, p90 = 62 }

[budget]                   # optional: crew, wages, relief, fixed costs (see sim/budget.py)
[budget.crew.medic]
per_unit = 1
hourly_wage = 22.0
```

With a ``[budget]``, the responding team carries it (``Team.budget``): its
``cost_per_unit_hour`` and ``fixed_cost_per_year`` follow from it (:func:`sim.budget.team_rates`)
and may not also be given by hand; without one, the team's two cost figures are used as
written. Applied to a city, the program's teams keep their budget and the program's name, so
the planned city alone gives the program's FTEs and budget (the scenario is the single source
of truth).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.budget import Budget, annual_budget
from sim.dists import Dist
from sim.errors import ScenarioError
from sim.numbers import Minutes, Share, UnitsPerCall
from sim.scenario import (
    BUDGET_RATES,
    MAX_ITEMS,
    Backup,
    Scenario,
    Team,
    from_dict,
    load_scenario,
    read_toml,
    to_dict,
    validation_line,
)
from sim.tomledit import scenario_text

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ProgramWarning(UserWarning):
    """Something a planner should see about applying a program, that does not stop the run."""


class ProgramSettings(BaseModel):
    """The ``[program]`` table: which calls the program takes and how."""

    model_config = _FROZEN
    name: str
    description: str | None = None
    categories: tuple[str, ...] = Field(min_length=1)
    team: str | None = None  # the responding team, when the program has several
    max_wait_min: Minutes
    units: UnitsPerCall = 1
    backup: Backup | None = None
    no_dispatch_share: Share | None = None


class Program(BaseModel):
    """A whole program template: settings, its teams, and its time on scene per category."""

    model_config = _FROZEN
    program: ProgramSettings
    teams: dict[str, Team] = Field(min_length=1, max_length=MAX_ITEMS)
    on_scene_min: dict[str, Dist]
    budget: Budget | None = None

    @model_validator(mode="after")
    def _check(self) -> Program:
        names = sorted(self.teams)
        if self.program.team is not None and self.program.team not in self.teams:
            raise ValueError(
                f"program.team: '{self.program.team}' is not one of the program's teams "
                f"({', '.join(names)})"
            )
        if self.program.team is None and len(self.teams) > 1:
            raise ValueError(
                f"program.team: the program has several teams ({', '.join(names)}); "
                "name the one that answers calls"
            )
        extra = [
            k for k in self.on_scene_min if k != "default" and k not in self.program.categories
        ]
        if extra:
            raise ValueError(
                f"on_scene_min.{extra[0]}: not one of the program's categories; "
                f"categories are {', '.join(self.program.categories)}"
            )
        if "default" not in self.on_scene_min:
            missing = [c for c in self.program.categories if c not in self.on_scene_min]
            if missing:
                raise ValueError(
                    f"on_scene_min: no time on scene for '{missing[0]}'; add "
                    "on_scene_min.default (or one per category)"
                )
        if self.budget is not None:
            given = self.teams[self.responder].model_fields_set & set(BUDGET_RATES)
            if given:
                raise ValueError(
                    f"teams.{self.responder}.{sorted(given)[0]}: the program's [budget] sets "
                    "the team's costs; remove this key (or the [budget] table to give costs "
                    "by hand)"
                )
        return self

    @property
    def name(self) -> str:
        return self.program.name

    @property
    def responder(self) -> str:
        """The team that answers the program's calls."""
        return self.program.team or next(iter(self.teams))

    def on_scene_for(self, category: str) -> Dist:
        """Time on scene of the program's team for one category."""
        return self.on_scene_min.get(category) or self.on_scene_min["default"]


def program_from_dict(data: dict[str, Any], source: str = "<program>") -> Program:
    """Validate plain data as a program template, raising :class:`ScenarioError` on a problem.

    With a ``[budget]``, the responding team's two cost figures are derived from it here.
    """
    try:
        program = Program.model_validate(data)
    except ValidationError as err:
        where, what = validation_line(err)
        if what.startswith("unknown key"):
            what = "unknown key; check the spelling against scenarios/programs/*.toml"
        raise ScenarioError(what, where=f"{source}: {where}" if where else source) from None
    return _priced(program)


def _priced(program: Program) -> Program:
    """The program with its responder carrying the budget, its costs derived from it."""
    if program.budget is None:
        return program
    data = program.teams[program.responder].model_dump(mode="json", exclude_none=True)
    for key in BUDGET_RATES:
        data.pop(key, None)
    team = Team.model_validate({**data, "budget": program.budget})
    return program.model_copy(update={"teams": {**program.teams, program.responder: team}})


def load_program(path: str | Path) -> Program:
    """Read and validate a program template TOML file."""
    return program_from_dict(read_toml(path), source=str(path))


def eligible_categories(city: Scenario, program: Program) -> list[str]:
    """The program's categories that the city has as calls from the public, in its order.

    Officer-initiated and administrative work (``origin`` other than "public") is never
    offered to a program, even when a template names it.
    """
    return [
        c
        for c in program.program.categories
        if c in city.call_types and city.call_types[c].is_public
    ]


def _warn(message: str) -> None:
    warnings.warn(ProgramWarning(message), stacklevel=3)


def apply_program(
    city: Scenario, program: Program, *, warn: Callable[[str], None] | None = None
) -> Scenario:
    """The city with the program in front of the response chain of each category it takes.

    Program teams join the city's teams (a name clash is an error: the program would silently
    take over the city's own responders). A category the city lacks is reported through
    ``warn`` (default: a :class:`ProgramWarning`), listing the categories that exist.
    """
    warn = warn or _warn
    where = f"program '{program.name}'"
    for name in program.teams:
        if name in city.teams:
            raise ScenarioError(
                f"team '{name}' is also a team of {city.scenario.name}",
                where=f"{where}: teams.{name}",
                hint="rename the program's team",
            )
    missing = [c for c in program.program.categories if c not in city.call_types]
    if missing:
        warn(
            f"{city.scenario.name} has no call type {', '.join(repr(c) for c in missing)} "
            f"for {program.name}; its call types are {', '.join(city.call_types)}"
        )
    backup = program.program.backup
    if backup is not None and backup.team not in city.teams and backup.team not in program.teams:
        warn(
            f"{city.scenario.name} has no team '{backup.team}' to back up {program.name}; "
            "its call types keep their own backup"
        )
        backup = None
    data = to_dict(city)
    data["teams"].update(
        {
            name: {**team.model_dump(mode="json", exclude_none=True), "program": program.name}
            for name, team in program.teams.items()
        }
    )
    first = {"team": program.responder, "units": program.program.units,
             "max_wait_min": program.program.max_wait_min}  # fmt: skip
    for category in eligible_categories(city, program):
        ct = data["call_types"][category]
        ct["response"] = [first, *ct["response"]]
        ct["on_scene_min"][program.responder] = program.on_scene_for(category).spec()
        ct["community_eligible"] = True
        if backup is not None:
            ct["backup"] = backup.model_dump(mode="json", exclude_none=True)
        if program.program.no_dispatch_share is not None:
            ct["no_dispatch_share"] = program.program.no_dispatch_share
    _record(data["scenario"], program)
    return from_dict(data, source=f"{city.scenario.name} with {where}")


PROGRAM_ROLES = ("community", "clinician")


def program_team(scn: Scenario) -> str | None:
    """The team a report treats as the program: one that ``sim program apply`` added (its
    ``program`` is set), else the first community or clinician team that answers calls first.
    A team that is the only responder of some call type is the city's own service, not a
    program that could be compared with the city without it (the Lane County crisis team).
    """
    named = [n for n, t in scn.teams.items() if t.program is not None]
    candidates = named or [
        name for name, team in scn.teams.items()
        if team.role in PROGRAM_ROLES
        and any(ct.response[0].team == name for ct in scn.call_types.values())
    ]  # fmt: skip
    return next((n for n in candidates if _removable(scn, n)), None)


def _removable(scn: Scenario, team: str) -> bool:
    """True when every call type keeps a responder without ``team``."""
    return all(any(o.team != team for o in ct.response) for ct in scn.call_types.values())


def without_team(scn: Scenario, team: str) -> Scenario:
    """The scenario as it would be without ``team`` (see :func:`without_teams`)."""
    return without_teams(scn, [team])


def without_teams(scn: Scenario, teams: Collection[str]) -> Scenario:
    """The scenario as it would be without ``teams``: their options, co-responses, backups and
    transports taken out of every call type (the counterfactual a program is measured
    against). A call type that only these teams answer cannot be without them: an error."""
    data = to_dict(scn)
    gone = ", ".join(f"'{t}'" for t in teams)
    for team in teams:
        del data["teams"][team]
    for name, ct in data["call_types"].items():
        chain = [o for o in ct["response"] if o["team"] not in teams]
        if not chain:
            raise ScenarioError(
                f"call type '{name}' is answered only by team {gone}",
                where=scn.scenario.name,
                hint="give it another team in its response chain to compare without the program",
            )
        for option in chain:
            if option.get("co_responder", {}).get("team") in teams:
                del option["co_responder"]
        chain[-1].pop("max_wait_min", None)  # the last option waits as long as it takes
        ct["response"] = chain
        ct["on_scene_min"] = {t: d for t, d in ct["on_scene_min"].items() if t not in teams}
        if "transport" in ct:
            ct["transport"] = {t: d for t, d in ct["transport"].items() if t not in teams}
        if ct.get("backup", {}).get("team") in teams:
            del ct["backup"]
    label = gone.replace("'", "")
    data["scenario"]["name"] = f"{scn.scenario.name} without {label}"
    return from_dict(data, source=f"{scn.scenario.name} without team {gone}")


def _record(settings: dict[str, Any], program: Program) -> None:
    """Note the program in the scenario's description and provenance notes."""
    note = f"with program {program.name}"
    base = settings.get("description") or settings["name"]
    settings["description"] = f"{base} — {note}"
    if "provenance" in settings:
        settings["provenance"]["notes"] = [*settings["provenance"].get("notes", []), note]


def planned_city_text(
    city_path: str | Path, program_path: str | Path, *, warn: Callable[[str], None] | None = None
) -> str:
    """The city file with the program applied and its comments kept (``sim program apply``).

    The text loads as exactly ``apply_program(city, program)``, ready for ``sweep`` and
    ``optimize`` without a re-fit; the program's teams carry a note of where they came from.
    """
    city, program = load_scenario(city_path), load_program(program_path)
    planned = apply_program(city, program, warn=warn)
    eligible = eligible_categories(city, program)
    header = [
        f"# {city.scenario.name} with {program.name}: written by `sim program apply "
        f"{city_path} {program_path}`.",
        f"# The program's team '{program.responder}' comes first in the response chain of "
        f"{', '.join(eligible) or 'no call type (the city has none of its categories)'};",
        "# the rest is the city file as it was, comments included.",
    ]
    notes = {f"teams.{name}": [f"Team of the program {program.name} ({program_path})."]
             for name in program.teams}  # fmt: skip
    if program.budget is not None:
        team = program.teams[program.responder]
        budget = annual_budget(program.budget, team, program.responder)
        notes[f"teams.{program.responder}"].append(
            "Its budget (below) gives its FTEs and its cost_per_unit_hour and "
            f"fixed_cost_per_year (sim/budget.py): ${budget.total_per_year:,.0f} a year for "
            f"these shifts, {budget.total_fte:.1f} FTE; edit the budget, not the costs."
        )
    return scenario_text(
        Path(city_path).read_text(encoding="utf-8"), city, planned, header=header,
        notes=notes, where=str(city_path),
    )  # fmt: skip


__all__ = [
    "Program",
    "ProgramSettings",
    "ProgramWarning",
    "apply_program",
    "eligible_categories",
    "load_program",
    "planned_city_text",
    "program_from_dict",
    "program_team",
    "without_team",
    "without_teams",
]
