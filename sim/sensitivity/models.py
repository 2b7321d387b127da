"""The result of a sensitivity analysis: the JSON contract ``sim report`` reads back.

Every figure is a mean over replications with its 95% interval (:mod:`sim.estimates`: the
value of an output at either end of a range keeps to the values the output can take); the
change at each end of an input's range is the paired difference from the central run
(common random numbers), so it is measured much more tightly than either run alone.

Inputs, outputs and effects are keyed by name (``effects[output][input]``), like a run's
teams and call types. A figure without meaning is ``null`` with its reason in
``not_applicable`` (:mod:`sim.applicable`); an input the scenario does not have (no travel,
no backups) is not varied, with its reason in ``not_varied``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from sim.estimates import Estimate
from sim.summary import SCHEMA_VERSION


class InputRange(BaseModel):
    """One uncertain input and the multipliers it was tried at (1: as written)."""

    label: str
    what: str
    low: float
    high: float
    varied: bool = True
    """False when the scenario has nothing this input could move (why: ``not_varied``)."""

    @property
    def span(self) -> str:
        """'±20%' for a symmetric range, else '−30% to +50%'."""
        lo, hi = self.low - 1, self.high - 1
        if abs(lo + hi) < 1e-9:
            return f"±{hi:.0%}"
        return f"{lo:+.0%} to {hi:+.0%}".replace("-", "−")


class OutputInfo(BaseModel):
    """One output of the plan: what it is and its value as written (``null``: not applicable)."""

    label: str
    unit: str  # "min", "unit-h/year" or "$"
    better: Literal["lower", "higher"]
    central: Estimate | None = None

    @property
    def applicable(self) -> bool:
        return self.central is not None and self.central.mean is not None


class Effect(BaseModel):
    """What one input's range does to one output: the value at each end and the change."""

    low: Estimate
    high: Estimate
    low_change: Estimate  # (value at the low end) − (central), paired
    high_change: Estimate
    swing: float | None
    """high_change − low_change: how far the output moves across the input's range."""
    relative_swing: float | None
    """|swing| ÷ |central value| (null when the central value is 0)."""
    significant: bool
    """True when the change at either end has a 95% interval that excludes 0."""


class SensitivityResult(BaseModel):
    """``sim sensitivity --json``: inputs, outputs, every effect, and the ranking."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["sensitivity"] = "sensitivity"
    scenario: str
    scenario_key: str
    """A hash of the planned scenario's figures (run settings left out): ``sim report
    SCENARIO.toml --sensitivity`` checks that the analysis is of that scenario."""
    program: str | None
    """The program as a report names it (the template's or the team's ``program``)."""
    program_teams: list[str]
    responder: str | None
    """The program team whose calls a call answered counts."""
    police_teams: list[str]
    eligible_call_types: list[str]
    baseline: str
    """How the baseline (the city without the program) was made."""
    replications: int
    seed: int
    days: float
    warmup_days: float
    inputs: dict[str, InputRange]
    outputs: dict[str, OutputInfo]
    effects: dict[str, dict[str, Effect]]
    """Output → input → effect, for every applicable output and varied input."""
    ranking: dict[str, list[str]]
    """Output → the varied inputs, largest swing first."""
    biggest: str | None
    """The input that moves the outputs most (relative swing averaged over the outputs),
    null when no input moves any output beyond the simulation's noise."""
    biggest_uncertainty: str
    """The finding as one sentence (the report's one-page summary quotes it)."""
    warnings: list[str] = []
    not_varied: dict[str, str] = {}
    """Input → why the scenario gives it nothing to move."""
    not_applicable: dict[str, str] = {}
    """Dotted path of a ``null`` figure → why it has none (:mod:`sim.applicable`)."""

    def effect(self, input_name: str, output: str) -> Effect | None:
        return self.effects.get(output, {}).get(input_name)

    def input(self, name: str) -> InputRange:
        return self.inputs[name]

    def output(self, name: str) -> OutputInfo:
        return self.outputs[name]


__all__ = ["Effect", "InputRange", "OutputInfo", "SensitivityResult"]
