"""What a sensitivity analysis runs: the plan, its baseline, and one pair of arms per variant.

The *plan* is the scenario with the program (a city with ``--program`` applied, or a file
written by ``sim program apply``); the *baseline* is the city without it, needed for the
police time the program frees. Each variant (an input at the low or high end of its range,
or the central run with every input as written) is two arms run with the same seed, so
every difference — between the plan and its baseline, and between a variant and the
central run — is paired by common random numbers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ScenarioError
from sim.pipeline.runs import Arm
from sim.program import Program, apply_program, program_team, without_teams
from sim.scenario import Scenario, from_dict, to_dict
from sim.sensitivity.inputs import INPUTS, Context, Range, SensitivityError

PROGRAM_ROLES = ("community", "clinician")
"""Team roles taken to be a program's when no program template or team is named."""
CENTRAL = "central"
PLAN, BASE = "plan", "base"


@dataclass(frozen=True)
class Variant:
    """The central run, or one input at one end of its range."""

    name: str  # "central", "calls-low", "calls-high" …
    input: str | None
    factor: float


@dataclass(frozen=True)
class SensitivityPlan:
    """Everything decided before a replication runs (validated: a bad range fails here)."""

    scenario: Scenario
    baseline: Scenario | None
    baseline_note: str
    program: str | None
    program_teams: tuple[str, ...]
    responder: str | None
    police_teams: tuple[str, ...]
    eligible: tuple[str, ...]
    ranges: tuple[Range, ...]
    skipped: dict[str, str]
    variants: tuple[Variant, ...]
    arms: dict[tuple[str, str], Arm] = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def context(self) -> Context:
        return _context(self.program_teams, self.eligible, planned=True)


RUN_SETTINGS = ("days", "warmup_days", "replications", "seed")
"""How long and how often a scenario is run: not part of what a sensitivity analysis is of."""


def scenario_key(scn: Scenario) -> str:
    """A hash of the scenario's figures, its run settings left out: a report run with more
    replications or days is still of the scenario a sensitivity analysis varied."""
    data = to_dict(scn)
    data["scenario"] = {k: v for k, v in data["scenario"].items() if k not in RUN_SETTINGS}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _context(teams: Collection[str], eligible: Collection[str], *, planned: bool) -> Context:
    return Context(frozenset(teams), frozenset(eligible), planned)


def vary(scn: Scenario, variant: Variant, ctx: Context) -> Scenario:
    """The scenario with one input scaled (the scenario itself for the central run)."""
    if variant.input is None:
        return scn
    data: dict[str, Any] = to_dict(scn)
    inp = INPUTS[variant.input]
    inp.apply(data, variant.factor, ctx)
    return from_dict(data, source=f"{scn.scenario.name} with {inp.label} × {variant.factor:g}")


def _program_teams(scn: Scenario, program: Program | None, teams: Sequence[str]) -> tuple[str, ...]:
    """The program's teams: the template's, those given, else the one a report takes as the
    program (:func:`sim.program.program_team`), so that a report quoting this analysis and
    the analysis speak of the same team."""
    if program is not None:
        return tuple(program.teams)
    for t in teams:
        if t not in scn.teams:
            raise SensitivityError(
                f"'{t}' is not a team", where="--team", hint=f"teams: {', '.join(scn.teams)}"
            )
    if teams:
        return tuple(teams)
    team = program_team(scn)
    return () if team is None else (team,)


def _program_name(scn: Scenario, program: Program | None, teams: Sequence[str]) -> str | None:
    """The program as a report names it (:func:`sim.compare.run.plan_planned`): the
    template's name, else the team's ``program`` (set by ``sim program apply``), else
    "team 'NAME'"."""
    if program is not None:
        return program.name
    named = [scn.teams[t].program or f"team '{t}'" for t in teams]
    return ", ".join(dict.fromkeys(named)) or None


def _within_limit(r: Range, scn: Scenario, ctx: Context, notes: list[str]) -> Range:
    """A default range cut to the largest multiplier the scenario allows (a range the user
    gave is kept: past the limit it fails in one line when the variant is made)."""
    limit = INPUTS[r.name].limit
    top = limit(scn, ctx) if limit is not None else None
    if r.given or top is None or r.high <= top:
        return r
    notes.append(f"{INPUTS[r.name].label}: the high end is ×{top:.3g}, not ×{r.high:g}: "
                 "beyond it there would be more eligible calls than calls")  # fmt: skip
    return dataclasses.replace(r, high=top)


def plan_sensitivity(
    scn: Scenario,
    ranges: Sequence[Range],
    *,
    program: Program | None = None,
    teams: Sequence[str] = (),
) -> SensitivityPlan:
    """The plan, its baseline and every variant's arms (each variant validated here)."""
    notes: list[str] = []
    if program is not None:
        city, planned = scn, apply_program(scn, program, warn=notes.append)
        base_note = f"{scn.scenario.name} as its file describes it (without {program.name})"
    else:
        planned, city = scn, None
    prog_teams = _program_teams(planned, program, teams)
    if program is None and prog_teams:
        try:
            city = without_teams(planned, prog_teams)
        except ScenarioError as err:
            raise SensitivityError(
                err.what,
                where=err.where,
                hint="give the city file and the program template: --program PROGRAM.toml",
            ) from None
        base_note = (
            f"the scenario without team(s) {', '.join(prog_teams)} (their options, co-response "
            "and backups removed; every other figure as written)"
        )
    elif program is None:
        base_note = "none: the scenario has no program team (role community or clinician)"
    police = tuple(planned.teams_with_role("police"))
    eligible = tuple(
        k for k, ct in planned.call_types.items() if ct.community_eligible and ct.is_public
    )
    ctx = _context(prog_teams, eligible, planned=True)
    skipped = {
        r.name: why for r in ranges if (why := INPUTS[r.name].applies(planned, ctx)) is not None
    }
    ranges = [r if r.name in skipped else _within_limit(r, planned, ctx, notes) for r in ranges]
    variants = [Variant(CENTRAL, None, 1.0)]
    for r in ranges:
        if r.name not in skipped:
            variants += [Variant(f"{r.name}-low", r.name, r.low),
                         Variant(f"{r.name}-high", r.name, r.high)]  # fmt: skip
    arms: dict[tuple[str, str], Arm] = {}
    base_ctx = _context(prog_teams, eligible, planned=False)
    for v in variants:
        arms[(v.name, PLAN)] = Arm(f"{v.name}/{PLAN}", vary(planned, v, ctx))
        if city is not None and police:
            arms[(v.name, BASE)] = Arm(f"{v.name}/{BASE}", vary(city, v, base_ctx))
    return SensitivityPlan(
        scenario=planned, baseline=city, baseline_note=base_note,
        program=_program_name(planned, program, prog_teams), program_teams=prog_teams,
        responder=(program.responder if program is not None else
                   prog_teams[0] if prog_teams else None),
        police_teams=police, eligible=eligible, ranges=tuple(ranges), skipped=skipped,
        variants=tuple(variants), arms=arms, notes=tuple(notes),
    )  # fmt: skip


__all__ = [
    "BASE",
    "CENTRAL",
    "PLAN",
    "PROGRAM_ROLES",
    "SensitivityPlan",
    "Variant",
    "plan_sensitivity",
    "scenario_key",
    "vary",
]
