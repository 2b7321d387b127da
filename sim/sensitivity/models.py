"""The result of a sensitivity analysis: the JSON contract ``sim report`` reads back.

Every figure is a mean over replications with its 95% interval (:mod:`sim.estimates`); the
change at each end of an input's range is the paired difference from the central run
(common random numbers), so it is measured much more tightly than either run alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from sim.estimates import Estimate
from sim.summary import SCHEMA_VERSION


class InputRange(BaseModel):
    """One uncertain input, the multipliers it was tried at, and whether it applies."""

    name: str
    label: str
    what: str
    low: float
    high: float
    applicable: bool = True
    note: str | None = None
    """Why the input cannot move this scenario (when it does not apply)."""

    @property
    def span(self) -> str:
        """'±20%' for a symmetric range, else '−30% to +50%'."""
        lo, hi = self.low - 1, self.high - 1
        if abs(lo + hi) < 1e-9:
            return f"±{hi:.0%}"
        return f"{lo:+.0%} to {hi:+.0%}".replace("-", "−")


class OutputInfo(BaseModel):
    """One output of the plan: what it is, its central value, or why it does not apply."""

    name: str
    label: str
    unit: str  # "min", "unit-h/year" or "$"
    better: Literal["lower", "higher"]
    central: Estimate | None = None
    note: str | None = None
    """Why the output has no meaning here (then ``central`` is None)."""

    @property
    def applicable(self) -> bool:
        return self.central is not None and self.central.mean is not None


class Effect(BaseModel):
    """What one input's range does to one output: the value at each end and the change."""

    input: str
    output: str
    low: Estimate
    high: Estimate
    low_change: Estimate  # (value at the low end) − (central), paired
    high_change: Estimate
    swing: float | None
    """high_change − low_change: how far the output moves across the input's range."""
    relative_swing: float | None
    """|swing| ÷ |central value| (None when the central value is 0 or unknown)."""
    significant: bool
    """True when the change at either end has a 95% interval that excludes 0."""


class SensitivityResult(BaseModel):
    """``sim sensitivity --json``: inputs, outputs, every effect, and the ranking."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["sensitivity"] = "sensitivity"
    scenario: str
    program: str | None
    program_teams: list[str]
    police_teams: list[str]
    eligible_call_types: list[str]
    baseline: str
    """How the baseline (the city without the program) was made."""
    replications: int
    seed: int
    days: float
    warmup_days: float
    inputs: list[InputRange]
    outputs: list[OutputInfo]
    effects: list[Effect]
    ranking: dict[str, list[str]]
    """Output → the applicable inputs, largest swing first."""
    biggest: str | None
    """The input that moves the outputs most (relative swing averaged over the outputs),
    None when no input moves any output beyond the simulation's noise."""
    biggest_uncertainty: str
    """The finding as one sentence (the report's one-page summary quotes it)."""
    warnings: list[str] = []

    def effect(self, input_name: str, output: str) -> Effect | None:
        return next((e for e in self.effects if e.input == input_name and e.output == output), None)

    def input(self, name: str) -> InputRange:
        return next(i for i in self.inputs if i.name == name)

    def output(self, name: str) -> OutputInfo:
        return next(o for o in self.outputs if o.name == name)


__all__ = ["Effect", "InputRange", "OutputInfo", "SensitivityResult"]
