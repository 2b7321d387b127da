"""The uncertain inputs of a plan, and how each one moves a scenario.

A planner's scenario rests on figures that are estimates: how many calls come, how long a
call keeps a unit on scene, how long units take to get there, what share of calls a program
could take, how often its responders need police backup. Each input here is a multiplier on
one of those figures (1 is the scenario as written), applied to the scenario's plain data:

* ``calls`` — calls per day of every call type from the public (officer-initiated and
  administrative work is the city's own and stays as written);
* ``on_scene`` — every time on scene (every team, backups included), scaled: a scaled
  distribution keeps its shape (:func:`scale_spec`);
* ``travel`` — every team's travel (by priority too); with coverage travel, the speed is
  divided by the factor, so the distance part scales alike;
* ``eligible_share`` — the share of calls from the public that are eligible for the program
  (``community_eligible``): their calls per day × the factor, the other public call types
  scaled down so the total stays the same;
* ``backup_rate`` — how often the program's responders call police to the scene: the backup
  probability of the call types a program team answers, in the planned arm only (the
  baseline keeps the city's own).

Every variant draws its random numbers from the same named streams as the scenario as
written (:mod:`sim.rng`), so the difference between a variant and the central run is paired
replication by replication (common random numbers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import SimError
from sim.scenario import Scenario

DEFAULT_SPREAD = 0.2
"""±20%: the range of every input unless the user gives one."""

# Keys of a distribution spec that scale with the variable (a scale parameter or a
# quantile); "mu", the log of the median, shifts by log(factor); shape parameters (cv,
# sigma, shape) stay: X × f has the same shape as X.
_SCALED_KEYS = ("mean", "median", "p90", "scale", "value")


class SensitivityError(SimError):
    """An input range or scenario the sensitivity analysis cannot work with."""


def scale_spec(spec: Mapping[str, Any], factor: float) -> dict[str, Any]:
    """The spec of ``factor × X`` for a distribution spec of X (any family of sim.dists)."""
    out = dict(spec)
    for key in _SCALED_KEYS:
        if key in out:
            out[key] = out[key] * factor
    if "mu" in out:
        out["mu"] = out["mu"] + math.log(factor)
    if "quantiles" in out:
        out["quantiles"] = [q * factor for q in out["quantiles"]]
    return out


@dataclass(frozen=True)
class Context:
    """What an input needs to know about the plan: its teams and its eligible call types."""

    program_teams: frozenset[str]
    eligible: frozenset[str]
    planned: bool
    """True for the arm with the program (the baseline arm is the city without it)."""


Apply = Callable[[dict[str, Any], float, Context], None]
Check = Callable[[Scenario, Context], str | None]


@dataclass(frozen=True)
class Input:
    """One uncertain input: its name, what it scales, and whether a scenario has it at all."""

    name: str
    label: str
    what: str
    apply: Apply
    check: Check
    limit: Callable[[Scenario, Context], float] | None = None
    """The largest multiplier the scenario allows (a default range is cut to it)."""

    def applies(self, scn: Scenario, ctx: Context) -> str | None:
        """None when the input can move this scenario, else why not (one phrase)."""
        return self.check(scn, ctx)


# ------------------------------------------------------------------------------ calls


def _public(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: ct for k, ct in data["call_types"].items() if ct.get("origin", "public") == "public"}


def _calls(data: dict[str, Any], f: float, ctx: Context) -> None:
    for ct in _public(data).values():
        ct["calls_per_day"] = ct["calls_per_day"] * f


def _has_calls(scn: Scenario, ctx: Context) -> str | None:
    public = sum(ct.calls_per_day for ct in scn.call_types.values() if ct.is_public)
    return None if public > 0 else "the scenario has no calls from the public"


# --------------------------------------------------------------------------- on scene


def _on_scene(data: dict[str, Any], f: float, ctx: Context) -> None:
    for ct in data["call_types"].values():
        ct["on_scene_min"] = {t: scale_spec(s, f) for t, s in ct["on_scene_min"].items()}
        backup = ct.get("backup")
        if backup and "on_scene_min" in backup:
            backup["on_scene_min"] = scale_spec(backup["on_scene_min"], f)


def _always(scn: Scenario, ctx: Context) -> str | None:
    return None


# ----------------------------------------------------------------------------- travel


def _travel(data: dict[str, Any], f: float, ctx: Context) -> None:
    for team in data["teams"].values():
        if "travel_min" in team:
            team["travel_min"] = scale_spec(team["travel_min"], f)
        team["travel_by_priority"] = {
            k: scale_spec(s, f) for k, s in team.get("travel_by_priority", {}).items()
        }
        if team.get("coverage"):
            team["coverage"] = {**team["coverage"], "speed_kmh": team["coverage"]["speed_kmh"] / f}


def _has_travel(scn: Scenario, ctx: Context) -> str | None:
    moving = any(
        t.travel_min.mean() > 0 or t.coverage is not None or t.travel_by_priority
        for t in scn.teams.values()
    )
    return None if moving else "travel is 0 for every team"


# --------------------------------------------------------------------- eligible share


def _eligible_totals(data: dict[str, Any], eligible: Collection[str]) -> tuple[float, float]:
    public = _public(data)
    total = sum(ct["calls_per_day"] for ct in public.values())
    return total, sum(ct["calls_per_day"] for k, ct in public.items() if k in eligible)


def _eligible_share(data: dict[str, Any], f: float, ctx: Context) -> None:
    total, eligible = _eligible_totals(data, ctx.eligible)
    rest = (total - f * eligible) / (total - eligible)
    if rest < -1e-9:  # more eligible calls than calls (a rounding error below is none)
        raise SensitivityError(
            f"eligible share × {f:g} would be {f * eligible / total:.0%} of the calls",
            where="--range eligible_share",
            hint=f"the eligible share is {eligible / total:.0%}; keep the high end at most "
            f"{total / eligible:.3g}",
        )
    for name, ct in _public(data).items():
        ct["calls_per_day"] = ct["calls_per_day"] * (f if name in ctx.eligible else max(rest, 0))


def _eligible_limit(scn: Scenario, ctx: Context) -> float:
    """Every call from the public eligible: total ÷ eligible calls."""
    public = {k: ct.calls_per_day for k, ct in scn.call_types.items() if ct.is_public}
    eligible = sum(v for k, v in public.items() if k in ctx.eligible)
    return sum(public.values()) / eligible if eligible else math.inf


def _has_eligible_share(scn: Scenario, ctx: Context) -> str | None:
    public = [k for k, ct in scn.call_types.items() if ct.is_public and ct.calls_per_day > 0]
    if not any(k in ctx.eligible for k in public):
        return "no call type is eligible for the program (community_eligible)"
    if all(k in ctx.eligible for k in public):
        return "every call from the public is eligible"
    return None


# ------------------------------------------------------------------------ backup rate


def _program_call_types(data: dict[str, Any], teams: Collection[str]) -> list[dict[str, Any]]:
    return [
        ct for ct in data["call_types"].values() if any(o["team"] in teams for o in ct["response"])
    ]


def _backup(data: dict[str, Any], f: float, ctx: Context) -> None:
    if not ctx.planned:
        return
    for ct in _program_call_types(data, ctx.program_teams):
        if ct.get("backup"):
            ct["backup"]["probability"] = min(1.0, ct["backup"]["probability"] * f)


def _has_backup(scn: Scenario, ctx: Context) -> str | None:
    if not ctx.program_teams:
        return "there is no program team"
    for ct in scn.call_types.values():
        answered = any(o.team in ctx.program_teams for o in ct.response)
        if answered and ct.backup and ct.backup.probability > 0:
            return None
    return "no call type the program answers has a backup"


INPUTS: dict[str, Input] = {
    i.name: i
    for i in (
        Input("calls", "call volume", "calls per day of every call type from the public",
              _calls, _has_calls),
        Input("on_scene", "time on scene", "every time on scene, of every team and backup",
              _on_scene, _always),
        Input("travel", "travel time", "every team's travel time", _travel, _has_travel),
        Input("eligible_share", "eligible share",
              "the share of calls eligible for the program (total calls unchanged)",
              _eligible_share, _has_eligible_share, _eligible_limit),
        Input("backup_rate", "backup rate",
              "how often the program's responders call police backup", _backup, _has_backup),
    )
}  # fmt: skip


# ------------------------------------------------------------------------------ ranges


@dataclass(frozen=True)
class Range:
    """An input's low and high multipliers (1 is the scenario as written)."""

    name: str
    low: float
    high: float
    given: bool = True
    """False for the default ±spread, which is cut to what the scenario allows."""


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_RANGE = re.compile(rf"^\s*(\w+)\s*=\s*({_NUMBER})\s*(%?)\s*,\s*({_NUMBER})\s*(%?)\s*$")


def _factor(number: str, percent: str) -> float:
    """'0.8' → 0.8; '-20%' → 0.8; '+25%' → 1.25."""
    return 1 + float(number) / 100 if percent else float(number)


def parse_range(text: str) -> Range:
    """``calls=0.7,1.3`` (multipliers) or ``calls=-30%,+30%`` → a :class:`Range`."""
    m = _RANGE.match(text)
    where = f"--range {text}"
    if m is None:
        raise SensitivityError(
            "should be INPUT=LOW,HIGH", where=where,
            hint="e.g. calls=0.7,1.3 (multipliers) or on_scene=-10%,+30%",
        )  # fmt: skip
    name, low, high = m[1], _factor(m[2], m[3]), _factor(m[4], m[5])
    if name not in INPUTS:
        raise SensitivityError(
            f"'{name}' is not an input", where=where, hint=f"inputs: {', '.join(INPUTS)}"
        )
    if not (0 < low <= 1 <= high) or low == high:
        raise SensitivityError(
            f"the range must run from a low multiplier in (0, 1] to a high one of at least 1 "
            f"(got {low:g} to {high:g})",
            where=where,
            hint="e.g. 0.8,1.2 for ±20%",
        )
    return Range(name, low, high)


def ranges(given: Sequence[Range | str] = (), spread: float = DEFAULT_SPREAD) -> list[Range]:
    """Every input's range: the given ones, ±``spread`` for the rest."""
    if not 0 < spread < 1:
        raise SensitivityError(
            f"spread {spread:g} must be between 0 and 1", where="--spread", hint="e.g. 0.2"
        )
    chosen = {r.name: r for r in (parse_range(g) if isinstance(g, str) else g for g in given)}
    return [chosen.get(n) or Range(n, 1 - spread, 1 + spread, given=False) for n in INPUTS]


__all__ = [
    "DEFAULT_SPREAD",
    "INPUTS",
    "Context",
    "Input",
    "Range",
    "SensitivityError",
    "parse_range",
    "ranges",
    "scale_spec",
]
