"""Service targets for the optimizer: ``MEASURE<=VALUE``, on average or in a share of runs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.errors import SimError
from sim.estimates import UNBOUNDED, Bounds, t_interval
from sim.measures import Measure, MeasureError, Unit, lookup
from sim.scenario import Scenario


class OptimizeError(SimError):
    """Targets, blocks or a team the optimizer cannot work with."""


@dataclass(frozen=True)
class Target:
    """``measure <= value`` (or ``>=``), on average or in a share of replications."""

    measure: str
    op: str
    value: float
    share: float | None = None
    text: str = ""

    def met(self, x: float | None) -> bool:
        if x is None or not math.isfinite(x):
            return False
        return x <= self.value if self.op == "<=" else x >= self.value

    def margin(self, x: float | None) -> float:
        """How far inside the bound x is, relative to the bound (negative: violated)."""
        if x is None or not math.isfinite(x):
            return -1.0
        gap = self.value - x if self.op == "<=" else x - self.value
        return gap / max(abs(self.value), 1e-9)

    def resolve(self, scn: Scenario) -> Measure:
        """The registered measure this target bounds, or one line naming the nearest; a
        bound no plan can meet (a share above 1, a time below 0), or every plan meets, is
        refused here, before any search."""
        try:
            measure = lookup(scn, self.measure, where=f"--target {self.text}")
        except MeasureError as err:
            raise OptimizeError(err.what, where=err.where, hint=err.hint) from None
        self._check_reachable(measure)
        return measure

    def _check_reachable(self, measure: Measure) -> None:
        where = f"--target {self.text}"
        low, high = VALUES.get(measure.unit, (0.0, math.inf))
        span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
        share = " (a share: 0.6 is 60%)" if measure.unit is Unit.SHARE else ""
        if not math.isfinite(self.value):
            raise OptimizeError("the bound must be a finite number", where=where)
        never = self.value < low if self.op == "<=" else self.value > high
        always = self.value >= high if self.op == "<=" else self.value <= low
        if never or always:
            verdict = "no plan can meet it" if never else "every plan meets it"
            raise OptimizeError(
                f"{measure.name} is always {span}{share}, so {verdict}",
                where=where,
                hint=f"give a bound inside that range, e.g. '{measure.name}"
                f"{self.op}{_example(measure.unit)}'",
            )


VALUES: dict[Unit, tuple[float, float]] = {Unit.SHARE: (0.0, 1.0)}
"""The values a measure of each unit can take (others: any non-negative number)."""


def _example(unit: Unit) -> str:
    return {Unit.SHARE: "0.6", Unit.MINUTES: "20"}.get(unit, "1000")


# The target as the user types it: a number is 20, 0.5, .5 or 1e3 (not 1.2.3).
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_TARGET = re.compile(
    r"^\s*([\w.]+)\s*(<=|>=|≤|≥)\s*(-?" + _NUMBER + r")\s*"
    r"(?:@\s*(" + _NUMBER + r")\s*(%?))?\s*$"
)


def parse_target(text: str) -> Target:
    """``eligible.response_min.p90<=20@95%`` → p90 ≤ 20 in at least 95% of replications."""
    m = _TARGET.match(text)
    if m is None:
        raise OptimizeError(
            "should be MEASURE<=VALUE or MEASURE>=VALUE, optionally @SHARE",
            where=f"--target {text}",
            hint="e.g. 'eligible.response_min.p90<=20@95%' or 'teams.police.utilization<=0.6'",
        )
    op = {"≤": "<=", "≥": ">="}.get(m[2], m[2])
    share = None
    if m[4] is not None:
        share = float(m[4]) / (100 if m[5] else 1)
        if not 0 < share <= 1:
            raise OptimizeError(
                "the share of replications must be in (0, 1] or (0%, 100%]",
                where=f"--target {text}",
            )
    return Target(m[1], op, float(m[3]), share, text.strip())


@dataclass(frozen=True)
class TargetCheck:
    """How one plan fares against one target over the replications."""

    target: Target
    mean: float | None
    ci95: tuple[float, float] | None
    hits: int
    n: int

    @classmethod
    def of(
        cls, target: Target, values: list[float | None], bounds: Bounds = UNBOUNDED
    ) -> TargetCheck:
        """The check of per-replication values; ``bounds`` are the values the measure can
        take (:attr:`sim.measures.Measure.bounds`), which its interval keeps to."""
        present = [v for v in values if v is not None]
        mean = float(np.mean(present)) if present else None
        return cls(target, mean, t_interval(present, bounds), sum(target.met(v) for v in values),
                   len(values))  # fmt: skip

    @property
    def share(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def share_ci95(self) -> tuple[float, float]:
        """Clopper–Pearson (exact) interval of the share of replications meeting the target."""
        from scipy import stats

        ci = stats.binomtest(self.hits, self.n).proportion_ci(0.95, method="exact")
        return float(ci.low), float(ci.high)

    @property
    def ok(self) -> bool:
        """The estimate meets the target (the mean, or the share of replications)."""
        if self.target.share is not None:
            return self.share >= self.target.share - 1e-12
        return self.target.met(self.mean)

    @property
    def shown(self) -> bool:
        """The 95% interval clears the target: the exact interval of the share of
        replications lies at or above the share asked for, or the t-interval of the mean
        lies wholly inside the bound."""
        if self.target.share is not None:
            return self.share_ci95[0] >= self.target.share - 1e-12
        if self.ci95 is None:  # one replication: no interval, nothing is shown
            return False
        return all(self.target.met(x) for x in self.ci95)

    @property
    def verdict(self) -> Literal["met", "likely", "not shown"]:
        """ "met" when the interval clears the target, "likely" when only the estimate does,
        else "not shown"."""
        return "met" if self.shown else "likely" if self.ok else "not shown"

    @property
    def margin(self) -> float:
        if self.target.share is not None:
            return self.share - self.target.share + 1e-3 * self.target.margin(self.mean)
        return self.target.margin(self.mean)

    @property
    def sure_margin(self) -> float:
        """The margin of the interval's far end (negative while the target is not shown)."""
        if self.target.share is not None:
            low = self.share_ci95[0]
            return low - self.target.share + 1e-3 * self.target.margin(self.mean)
        if self.ci95 is None:
            return -1.0
        return min(self.target.margin(x) for x in self.ci95)


__all__ = ["OptimizeError", "Target", "TargetCheck", "parse_target"]
