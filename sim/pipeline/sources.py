"""Where a replication's calls come from: drawn from the scenario, or taken from history.

A call source is a small, picklable value that travels with each unit of work, so a worker
process or a Dask worker builds exactly the call stream the caller meant. Drawn calls come
from the scenario's fitted processes (:func:`sim.model.calls.draw_calls`); historical calls
keep an export's own arrival times (and, if asked, its recorded times on scene) while every
other attribute is still drawn from the scenario's named streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from sim.model.calls import CallStream, draw_calls
from sim.scenario import Scenario


class CallSource(Protocol):
    """Anything that gives one replication's call stream of a scenario."""

    def draw(self, scn: Scenario, replication: int) -> CallStream:
        """The call stream of replication ``replication`` of ``scn``."""
        ...


@dataclass(frozen=True)
class DrawnCalls:
    """Calls drawn from the scenario's arrival processes (what every run does by default)."""

    def draw(self, scn: Scenario, replication: int) -> CallStream:
        return draw_calls(scn, replication)


DRAWN = DrawnCalls()


@dataclass(frozen=True)
class HistoricalCalls:
    """An export's own calls: arrival minutes by call type, optionally recorded on-scene times.

    ``on_scene`` (call type → minutes, NaN where the export has none, in the order of the
    sorted arrivals) replaces the drawn time on scene of the team that answered historically:
    the last option of each call type's response chain (the city's own responders).
    """

    arrivals: dict[str, np.ndarray]
    on_scene: dict[str, np.ndarray] | None = field(default=None)

    def draw(self, scn: Scenario, replication: int) -> CallStream:
        calls = draw_calls(scn, replication, arrivals=self.arrivals)
        if self.on_scene is None:
            return calls
        scene = calls.on_scene.copy()
        for k, name in enumerate(scn.call_type_names):
            recorded = self.on_scene.get(name)
            if recorded is None or len(recorded) == 0:
                continue
            idx = np.flatnonzero(calls.call_type == k)
            rows = idx[np.argsort(calls.arrival[idx], kind="stable")]
            if len(rows) != len(recorded):
                raise AssertionError("replayed calls do not match the call stream (a bug)")
            team = scn.team_names.index(scn.call_types[name].response[-1].team)
            scene[rows, team] = np.where(np.isfinite(recorded), recorded, scene[rows, team])
        return replace(calls, on_scene=scene)


__all__ = ["DRAWN", "CallSource", "DrawnCalls", "HistoricalCalls"]
