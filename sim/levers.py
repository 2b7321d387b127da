"""The levers planners pull beyond staffing: small scenario models of dispatch rules.

Team roles, coverage-dependent travel, co-responders, transport, and the ``[dispatch]``
switches (skipping teams that are off duty, pre-emption by priority). Each is a frozen model
that rejects unknown keys, like the rest of the scenario format (:mod:`sim.scenario`), and
each is described in the README's "Dispatch" rules.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from sim.dists import Dist
from sim.numbers import AreaKm2, Priority, Share, SpeedKmh, UnitsPerCall

if TYPE_CHECKING:
    from sim.scenario import ResponseOption

_FROZEN = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

Role = Literal["police", "fire", "ems", "community", "clinician", "other"]
ROLES: tuple[str, ...] = typing.get_args(Role)


class Coverage(BaseModel):
    """Travel that depends on how many units are free (the square-root law).

    With n units free and spread over ``area_km2``, the distance to the nearest is
    √(area / n) × Z, Z drawn per call with P(Z > z) = exp(−2z²), the nearest of uniformly
    scattered units under right-angle (street grid) travel, mean √(π/8) ≈ 0.627 (Kolesar
    and Blum 1973; Larson and Odoni, Urban Operations Research, 1981, §3.7). The team's
    ``travel_min`` is then the fixed part (turn-out), and distance / ``speed_kmh`` is added.
    """

    model_config = _FROZEN
    area_km2: AreaKm2
    speed_kmh: SpeedKmh

    def minutes(self, units_free: int, z: float) -> float:
        """Minutes to cover the distance √(area / units free) × z at the team's speed."""
        return (self.area_km2 / units_free) ** 0.5 * z / self.speed_kmh * 60.0


class CoResponder(BaseModel):
    """A second team sent with a response option (an officer and a clinician).

    ``joins = "together"``: the call is dispatched when units of both teams are free;
    ``"when_free"``: the option's own team goes at once and the co-responder joins when one
    of its units is free, unless the first team has already cleared.
    """

    model_config = _FROZEN
    team: str
    units: UnitsPerCall = 1
    joins: Literal["together", "when_free"] = "together"


class Transport(BaseModel):
    """The chance that the answering unit takes the person somewhere, and how long it takes."""

    model_config = _FROZEN
    probability: Share
    time_min: Dist | None = None

    @model_validator(mode="after")
    def _check(self) -> Transport:
        if self.probability > 0 and self.time_min is None:
            raise ValueError(
                "time_min: a transport probability needs a transport time; add "
                "time_min = { dist = ..., ... }"
            )
        return self


class DispatchRules(BaseModel):
    """The ``[dispatch]`` table: switches of the dispatch rules (README: "Dispatch")."""

    model_config = _FROZEN
    skip_off_duty: bool = True  # pass over a team with nobody on duty and none starting in time
    preempt: tuple[Priority, ...] = ()  # priorities whose calls may take a unit from a lesser call

    @field_validator("preempt")
    @classmethod
    def _priorities(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(v)))


def check_options(response: tuple[ResponseOption, ...]) -> None:
    """Shares and co-responders: only where a call can still go on to another option."""
    last = len(response) - 1
    if response[last].share_of_calls() < 1:
        raise ValueError(
            f"response.{last}.share: the last option takes every call that reaches it; "
            "remove share (or add an option after it)"
        )
    for i, option in enumerate(response):
        co = option.co_responder
        if co is None:
            continue
        if co.team == option.team:
            raise ValueError(
                f"response.{i}.co_responder.team: '{co.team}' is the option's own team; "
                "raise units instead"
            )
        if co.joins == "together" and i == last:
            raise ValueError(
                f"response.{i}.co_responder: a call that waits for two teams together "
                "cannot be the last option (it would hold the first team's queue while the "
                "other has nobody free); add an option after it, or joins = 'when_free'"
            )


__all__ = [
    "ROLES",
    "CoResponder",
    "Coverage",
    "DispatchRules",
    "Role",
    "Transport",
    "check_options",
]
