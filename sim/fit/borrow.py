"""Times an export lacks, borrowed from another scenario (``sim fit --durations-from``).

Many exports record only when a call arrived. Their times on scene, dispatch delay and travel
can come from a scenario fitted elsewhere: each call type's own responders' time on scene,
its dispatch delay, and one team's travel, plus a call-weighted ``default`` for categories
the lender lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.dists import Dist
from sim.fit.durations import round_sig
from sim.scenario import Scenario, load_scenario


@dataclass(frozen=True)
class Borrowed:
    """Durations taken from elsewhere for an export that lacks them, with their citation."""

    on_scene: Mapping[str, dict[str, Any]]
    travel: dict[str, Any] | None = None
    dispatch_delay: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    citation: str = ""
    source: str = "the borrowed times"
    """What to call the lender in an error (e.g. the scenario file's name)."""
    default_note: str = "its call-weighted mix of all call types"
    """What the ``"default"`` entry (used for categories the lender lacks) is."""
    lines: tuple[str, ...] = ()
    """Comment lines naming the source, for the fitted file's header."""

    def lookup(
        self, table: Mapping[str, dict[str, Any]], c: str
    ) -> tuple[dict[str, Any], bool] | None:
        """(spec, whether it is the lender's default) for category ``c``, or None."""
        if c in table:
            return dict(table[c]), False
        if "default" in table:
            return dict(table["default"]), True
        return None


def borrowed_from(path: Path, team: str = "police") -> Borrowed:
    """Times to borrow from another scenario: each call type's own responders' on-scene time,
    its dispatch delay, and the travel of ``team`` (or of its first team).

    A ``"default"`` entry, the mix of all its call types weighted by calls per day, serves
    export categories the lender lacks (the scenario comments say so where it is used).
    """
    scn: Scenario = load_scenario(path)
    on_scene: dict[str, Dist] = {}
    delay: dict[str, Dist] = {}
    weights: dict[str, float] = {}
    for name, ct in scn.call_types.items():
        on_scene[name] = ct.on_scene_min[ct.response[-1].team]
        delay[name] = ct.dispatch_delay_min
        weights[name] = ct.calls_per_day
    source_team = scn.teams.get(team) or next(iter(scn.teams.values()))
    citation = f"{path.name} ({scn.scenario.name})"
    return Borrowed(
        _with_default(on_scene, weights),
        source_team.travel_min.spec(),
        _with_default(delay, weights),
        citation,
        source=path.name,
        default_note=f"a lognormal with the mean and cv of {path.name}'s call-weighted mix of "
        "all its call types",
    )


def _with_default(dists: dict[str, Dist], weights: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each spec, plus "default": a lognormal with the mean and cv of the calls-per-day
    weighted mixture of them (exact moments: mean Σ w·m, second moment Σ w·(v + m²)).

    The mixture itself has no closed form among the scenario's distributions. Empirical
    quantiles of draws from it (the form used before) put the sample's extremes into the
    file — on-scene times "from 0.0000035 to 592 minutes" when borrowing from the demo — so
    the default keeps the two moments that set busy time and queueing, in a family with no
    atom at zero.
    """
    specs = {name: d.spec() for name, d in dists.items()}
    total = sum(weights.values())
    share = {n: weights[n] / total if total > 0 else 1 / len(dists) for n in dists}
    mean = sum(share[n] * d.mean() for n, d in dists.items())
    second = sum(share[n] * (float(d.scipy().var()) + d.mean() ** 2) for n, d in dists.items())
    if mean <= 0:
        specs["default"] = {"dist": "constant", "value": 0.0}
        return specs
    cv = float(np.sqrt(max(second - mean**2, 0.0))) / mean
    specs["default"] = (
        {"dist": "lognormal", "mean": round_sig(mean), "cv": round_sig(cv)}
        if cv > 0
        else {"dist": "constant", "value": round_sig(mean)}
    )
    return specs


__all__ = ["Borrowed", "borrowed_from"]
