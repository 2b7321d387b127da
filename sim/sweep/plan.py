"""A validated sweep: every variant a scenario, the baseline, the measures, before anything runs.

All variants share the seed, and random streams are keyed by name, so variant k's
replication i sees exactly the calls of the baseline's replication i: differences from the
baseline are paired, and their intervals are tight. ``crn=False`` gives each variant its own
seed instead (independent streams, Welch intervals).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.measures import Measure, MeasureError, lookup
from sim.pipeline.runs import Arm
from sim.scenario import Scenario, to_dict, with_overrides
from sim.sweep.values import SweepError, Variant

# Run settings a variant may not change: each has its own option, and a different seed or
# replication count per variant would break the pairing of common random numbers.
FIXED_SETTINGS = {
    "scenario.replications": "use --replications for every variant",
    "scenario.seed": "use --seed for every variant (or --independent for unpaired streams)",
    "scenario.name": "name variants in a sweep file's [[variants]] instead",
}
INDEPENDENT_SEED_STEP = 1_000_003  # variant k's seed with --independent: seed + k × this


@dataclass(frozen=True)
class Sweep:
    """Validated variants of one scenario, the baseline, and the measures reported."""

    scenario: Scenario
    variants: tuple[Variant, ...]
    arms: dict[str, Arm]  # variant name → the arm the pipeline runs
    baseline: str
    measures: tuple[Measure, ...]
    crn: bool = True

    @property
    def replications(self) -> int:
        return self.scenario.scenario.replications

    @property
    def measure_names(self) -> list[str]:
        return [m.name for m in self.measures]

    @property
    def parameters(self) -> list[str]:
        """Every varied path, in order of first appearance."""
        return list(dict.fromkeys(p for v in self.variants for p in v.overrides))

    @functools.cached_property
    def _base_dict(self) -> dict[str, Any]:
        """The scenario as a dict, made once (it is read for every row and the key)."""
        return to_dict(self.scenario)

    @functools.cached_property
    def key(self) -> str:
        """A hash of everything that decides the numbers (resume checks it)."""
        doc = {
            "scenario": self._base_dict,
            "variants": [[v.name, v.overrides] for v in self.variants],
            "crn": self.crn,
        }
        text = json.dumps(doc, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def value(self, variant: Variant, path: str) -> Any:
        """A variant's value at a varied path (the scenario's own where it is not varied)."""
        if path in variant.overrides:
            return variant.overrides[path]
        data: Any = self._base_dict
        for key in path.split("."):
            data = data[int(key)] if isinstance(data, list) else data.get(key)
        return data

    def order(self) -> list[Arm]:
        """The arms, the baseline first (its results are needed for every difference)."""
        names = [self.baseline, *(v.name for v in self.variants if v.name != self.baseline)]
        return [self.arms[n] for n in names]


def default_measures(scn: Scenario) -> list[str]:
    """The measures in every results row: response, wait, utilization per team, cost."""
    out = ["response_min.mean", "response_min.p90", "wait_min.mean"]
    if any(ct.community_eligible for ct in scn.call_types.values()):
        out.append("eligible.response_min.p90")
    out += [f"teams.{t}.utilization" for t in scn.teams]
    return [*out, "cost.per_year"]


def _check_names(variants: Sequence[Variant], baseline: str | None) -> str:
    """Unique names, no run settings varied, a baseline that exists: the baseline's name."""
    if not variants:
        raise SweepError("no variants", hint="add --vary PATH=VALUES or a sweep file")
    names = [v.name for v in variants]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise SweepError(f"two variants are named '{dup}'", hint="give each a different name")
    for v in variants:
        fixed = next((p for p in v.overrides if p in FIXED_SETTINGS), None)
        if fixed is not None:
            raise SweepError(
                f"'{fixed}' cannot differ between variants",
                where=f"variant '{v.name}'",
                hint=FIXED_SETTINGS[fixed],
            )
    if baseline is None:
        return names[0]
    if baseline not in names:
        near = difflib.get_close_matches(baseline, names, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"variants: {', '.join(names[:8])}"
        raise SweepError(f"'{baseline}' is not a variant", where="--baseline", hint=hint)
    return baseline


def build_sweep(
    scn: Scenario,
    variants: Sequence[Variant],
    *,
    baseline: str | None = None,
    measures: Iterable[str] = (),
    crn: bool = True,
) -> Sweep:
    """Validate every variant (and the baseline and measures) before anything runs."""
    baseline = _check_names(variants, baseline)
    arms = {}
    for k, v in enumerate(variants):
        changes = dict(v.overrides)
        if not crn:  # independent streams: each variant its own seed
            changes["scenario.seed"] = scn.scenario.seed + INDEPENDENT_SEED_STEP * k
        try:
            arms[v.name] = Arm(v.name, with_overrides(scn, changes, source=f"variant '{v.name}'"))
        except ScenarioError as err:
            where = err.where or f"variant '{v.name}'"
            raise SweepError(err.what, where=where, hint=err.hint) from None
    wanted = dict.fromkeys([*default_measures(scn), *measures])
    try:
        checked = tuple(lookup(scn, m) for m in wanted)
    except MeasureError as err:
        raise SweepError(err.what, where="--frontier", hint=err.hint) from None
    return Sweep(scn, tuple(variants), arms, baseline, checked, crn)


__all__ = ["FIXED_SETTINGS", "Sweep", "build_sweep", "default_measures"]
