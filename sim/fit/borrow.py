"""Times an export lacks, borrowed from another scenario (``sim fit --durations-from``).

Many exports record only when a call arrived. Their times on scene, dispatch delay and travel
can come from a scenario fitted elsewhere: each call type's own responders' time on scene,
its dispatch delay, and one team's travel, plus a call-weighted ``default`` for categories
the lender lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.dists import Dist
from sim.fit.build import Borrowed
from sim.fit.durations import empirical_spec
from sim.scenario import Scenario, load_scenario

MIX_DRAWS = 20_000
"""Draws from the call-weighted mixture behind a borrowed "default" (fixed seed)."""


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
        default_note=f"{path.name}'s call-weighted mix of all its call types",
    )


def _with_default(dists: dict[str, Dist], weights: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each spec, plus "default": 21 quantiles of the calls-per-day-weighted mixture.

    A mixture of families has no closed form among the scenario's distributions, so it is
    drawn (a fixed seed keeps the file reproducible) and written as empirical quantiles.
    """
    specs = {name: d.spec() for name, d in dists.items()}
    total = sum(weights.values())
    share = {n: weights[n] / total if total > 0 else 1 / len(dists) for n in dists}
    rng = np.random.default_rng(0)
    draws = [d.sample(rng, max(1, round(MIX_DRAWS * share[n]))) for n, d in dists.items()]
    specs["default"] = empirical_spec(np.concatenate(draws))
    return specs


__all__ = ["borrowed_from"]
