"""One results row per variant: its values, each measure's estimate, and the baseline difference.

A row is typed (:class:`SweepRow`); :meth:`SweepRow.flat` is the one place it becomes the
flat columns of the CSV/Parquet table and of the JSON (``m``, ``m.lo``, ``m.hi``,
``vs_baseline.m`` …), and :meth:`SweepRow.from_flat` reads those back (reports of a sweep).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from sim.estimates import Estimate, difference, estimate
from sim.measures import Measure
from sim.pipeline.work import Outcome, by_replication
from sim.sweep.plan import Sweep
from sim.sweep.values import Variant, cell

BASELINE = "vs_baseline"


class SweepRow(BaseModel):
    """A variant's results: each measure over the replications, and its paired difference."""

    variant: str
    parameters: dict[str, Any]
    replications: int
    measures: dict[str, Estimate]
    vs_baseline: dict[str, Estimate]
    values: dict[str, list[float | None]] = {}  # each measure per replication, in order

    def replication_values(self, measure: str) -> tuple[float | None, ...]:
        """A measure's value in each replication (empty when the results do not hold them)."""
        return tuple(self.values.get(measure, ()))

    def flat(self) -> dict[str, Any]:
        """The row as table columns (the CSV's, and the JSON's ``row``)."""
        row: dict[str, Any] = {"variant": self.variant, **self.parameters}
        row["replications"] = self.replications
        for prefix, group in (("", self.measures), (f"{BASELINE}.", self.vs_baseline)):
            for name, e in group.items():
                row[f"{prefix}{name}"] = e.mean
                row[f"{prefix}{name}.lo"], row[f"{prefix}{name}.hi"] = e.ci95 or (None, None)
        return row

    @classmethod
    def from_flat(
        cls, row: Mapping[str, Any], parameters: Sequence[str], measures: Sequence[str]
    ) -> SweepRow:
        """A row read back from results (missing figures are None)."""

        def est(name: str) -> Estimate:
            lo, hi = row.get(f"{name}.lo"), row.get(f"{name}.hi")
            ci = None if lo is None or hi is None else (float(lo), float(hi))
            mean = row.get(name)
            return Estimate(mean=None if mean is None else float(mean), ci95=ci)

        return cls(
            variant=str(row.get("variant", "")),
            parameters={p: row.get(p) for p in parameters},
            replications=int(row.get("replications") or 0),
            measures={m: est(m) for m in measures},
            vs_baseline={m: est(f"{BASELINE}.{m}") for m in measures},
        )

    def value(self, measure: str) -> float | None:
        """A measure's mean over the replications (None when unknown)."""
        e = self.measures.get(measure)
        return None if e is None else e.mean


def values(outcomes: Sequence[Outcome], m: Measure) -> list[float | None]:
    """A measure's value in each replication, in replication order."""
    return [m.read(o.summary) for o in by_replication(outcomes)]


def variant_row(
    sweep: Sweep,
    variant: Variant,
    mine: Sequence[Outcome],
    base: Sequence[Outcome] | None,
) -> SweepRow:
    """One variant's row; ``base`` is the baseline's outcomes once they are all in."""
    measures, diffs, per_rep = {}, {}, {}
    for m in sweep.measures:
        x = values(mine, m)
        per_rep[m.name] = x
        measures[m.name] = estimate(x, m.bounds)
        diffs[m.name] = (
            difference(values(base, m), x, common_numbers=sweep.crn)
            if base is not None
            else Estimate(mean=None)
        )
    return SweepRow(
        variant=variant.name,
        parameters={p: cell(sweep.value(variant, p)) for p in sweep.parameters},
        replications=len(mine),
        measures=measures,
        vs_baseline=diffs,
        values=per_rep,
    )


__all__ = ["BASELINE", "SweepRow", "values", "variant_row"]
