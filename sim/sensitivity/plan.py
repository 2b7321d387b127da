"""What a sensitivity analysis runs: the plan, its baseline, and one pair of arms per variant.

The *plan* is the scenario with the program (a city with ``--program`` applied, or a file
written by ``sim program apply``); the *baseline* is the city without it, needed for the
police time the program frees. Each variant (an input at the low or high end of its range,
or the central run with every input as written) is two arms run with the same seed, so
every difference — between the plan and its baseline, and between a variant and the
central run — is paired by common random numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.pipeline.runs import Arm
from sim.program import Program, apply_program
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


def _context(teams: Collection[str], eligible: Collection[str], *, planned: bool) -> Context:
    return Context(frozenset(teams), frozenset(eligible), planned)


def without_teams(scn: Scenario, teams: Collection[str]) -> Scenario:
    """The scenario with ``teams`` taken out of every response chain, and out of the file.

    Co-responders, backups, times on scene and transport of those teams go with them. A call
    type they alone answer cannot have a baseline (one line saying so).
    """
    data = to_dict(scn)
    for name in teams:
        del data["teams"][name]
    for name, ct in data["call_types"].items():
        options = [o for o in ct["response"] if o["team"] not in teams]
        if not options:
            raise SensitivityError(
                f"call type '{name}' is answered only by {', '.join(sorted(teams))}, so the "
                "city without the program has no one to send",
                where=f"call_types.{name}.response",
                hint="give the city file and the program template: --program PROGRAM.toml",
            )
        options[-1].pop("max_wait_min", None)  # the last option waits as long as it takes
        for o in options:
            if o.get("co_responder", {}).get("team") in teams:
                del o["co_responder"]
        ct["response"] = options
        if ct.get("backup", {}).get("team") in teams:
            del ct["backup"]
        ct["on_scene_min"] = {t: s for t, s in ct["on_scene_min"].items() if t not in teams}
        ct["transport"] = {t: s for t, s in ct.get("transport", {}).items() if t not in teams}
    return from_dict(data, source=f"{scn.scenario.name} without {', '.join(sorted(teams))}")


def vary(scn: Scenario, variant: Variant, ctx: Context) -> Scenario:
    """The scenario with one input scaled (the scenario itself for the central run)."""
    if variant.input is None:
        return scn
    data: dict[str, Any] = to_dict(scn)
    inp = INPUTS[variant.input]
    inp.apply(data, variant.factor, ctx)
    return from_dict(data, source=f"{scn.scenario.name} with {inp.label} × {variant.factor:g}")


def _program_teams(scn: Scenario, program: Program | None, teams: Sequence[str]) -> tuple[str, ...]:
    if program is not None:
        return tuple(program.teams)
    for t in teams:
        if t not in scn.teams:
            raise SensitivityError(
                f"'{t}' is not a team", where="--team", hint=f"teams: {', '.join(scn.teams)}"
            )
    if teams:
        return tuple(teams)
    return tuple(n for n, t in scn.teams.items() if t.role in PROGRAM_ROLES)


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
        city = without_teams(planned, prog_teams)
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
        program=program.name if program is not None else None, program_teams=prog_teams,
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
    "vary",
    "without_teams",
]
