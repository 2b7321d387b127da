"""What ``sim fit`` is asked to do: its options, and the defaults that stand in for data.

Kept apart from :mod:`sim.fit.build` (which does the fitting) so the command line, the
shipped-city script and notebooks can build options without the fitting machinery.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from sim.data.clean import CapQuantile
from sim.fit.arrivals import Smoothing
from sim.levers import Role
from sim.numbers import (
    UNITS,
    Days,
    DollarsPerHour,
    Population,
    PositiveMinutes,
    Replications,
    Seed,
    WarmupDays,
)

DEFAULT_PRIORITY: dict[str, int] = {
    "violent_crime": 1,
    "medical": 1,
    "fire": 1,
    "behavioral_health": 2,
    "welfare_check": 2,
    "traffic": 2,
    "alarm": 2,
    "neighbor_dispute": 2,
    "intoxicated_person": 3,
    "noise_quality_of_life": 3,
    "unhoused_assistance": 3,
    "property_crime": 3,
    "other": 3,
}
"""Priority by category when the export has none (1 = most urgent): life-safety first."""


PoliceUnits = Annotated[int, BeforeValidator(UNITS.but(what="police units", low=1))]


class FitOptions(BaseModel):
    """What to fit and how to write the scenario (the ``sim fit`` options)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    agencies: tuple[str, ...] | None = None
    other_activity: Literal["separate", "drop", "public"] = "separate"
    """Officer-initiated and administrative work: "separate" keeps it as call types of its
    own that occupy units (origin "officer"/"admin"); "drop" leaves it out (the behaviour
    before issue 9); "public" counts officer-initiated activity as calls (admin dropped)."""
    include_officer_initiated: bool = False
    """Same as ``other_activity = "public"`` (kept for callers written before it)."""
    smoothing: Smoothing = "auto"
    team: str = "police"
    role: Role = "police"
    """The team's role (sim.levers.ROLES): what `sim compare` and reports look it up by."""
    team_label: str | None = None
    police_units: PoliceUnits | None = None
    # About $36/h mean patrol-officer wage (BLS OEWS 2023) × 1.5 for benefits, plus car and
    # supervision: the same stated assumption as scenarios/demo.toml; set the city's own.
    cost_per_unit_hour: DollarsPerHour = 80.0
    days: Days = 28
    warmup_days: WarmupDays = 2
    replications: Replications = 10
    seed: Seed = 1
    population: Population | None = None
    response_target_min: PositiveMinutes | None = None
    cap_quantile: CapQuantile | None = 0.995
    assume_officer_work: bool = True
    """For a police export that holds no officer-initiated work and shows no busy time, add
    the durations library's assumed amount of it (sim.fit.assumed), marked as an assumption."""

    def activity(self) -> Literal["separate", "drop", "public"]:
        """How other activity is treated, ``include_officer_initiated`` taken into account."""
        return "public" if self.include_officer_initiated else self.other_activity


OTHER_ACTIVITY: dict[str, tuple[str, str]] = {
    "officer": ("officer_initiated", "Officer-initiated activity (traffic stops, checks, …)"),
    "admin": ("administrative", "Administrative activity (station, court, vehicle, …)"),
}
"""Origin → (call type name, label) of the work that is not a call from the public."""
OTHER_ORIGIN = {name: origin for origin, (name, _) in OTHER_ACTIVITY.items()}
OTHER_NAMES = frozenset(OTHER_ORIGIN)


__all__ = ["DEFAULT_PRIORITY", "OTHER_ACTIVITY", "OTHER_NAMES", "OTHER_ORIGIN", "FitOptions"]
