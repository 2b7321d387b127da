"""Replay history: drive the engine with an export's own calls instead of fitted processes.

The export is read, cleaned and categorized exactly as for fitting; each call's received time
becomes minutes from the Monday 00:00 on or before the first call (the scenario clock starts
on a Monday), and its category names the scenario call type. Everything else (dispatch
delay, travel, on-scene time, backup) is still drawn from the scenario — unless recorded
on-scene times are asked for, in which case each call keeps its own where the export has it.
That validates a fitted scenario against the history it came from, and asks "what if" of
the real sequence of calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.data import ColumnMapping, Taxonomy, intervals
from sim.errors import DataError
from sim.fit.build import FitOptions, prepare
from sim.pipeline.sources import HistoricalCalls
from sim.scenario import MINUTES_PER_DAY, Scenario, with_overrides


@dataclass(frozen=True)
class Replay:
    """Historical calls by scenario call type: arrival minutes (sorted) and on-scene minutes."""

    arrivals: dict[str, np.ndarray]
    on_scene: dict[str, np.ndarray]
    origin: pd.Timestamp
    days: float
    warmup_days: float
    calls: int
    left_out: dict[str, int]

    def note(self) -> str:
        """One line saying what is replayed (and what was left out)."""
        text = (f"replaying {self.calls:,} calls from {self.origin.date()} "
                f"({self.days:g} days, first {self.warmup_days:g} as warm-up)")  # fmt: skip
        if self.left_out:
            parts = ", ".join(f"{k} {v:,}" for k, v in self.left_out.items())
            text += f"; left out (not call types of the scenario): {parts}"
        return text

    def source(self, on_scene: bool = False) -> HistoricalCalls:
        """The call source a replay runs on (it travels with each replication's work).

        With ``on_scene``, each call keeps its recorded time on scene where the export has
        one (see :class:`~sim.pipeline.sources.HistoricalCalls`).
        """
        return HistoricalCalls(self.arrivals, self.on_scene if on_scene else None)


def replay_from_table(scn: Scenario, table: pd.DataFrame, on_scene: pd.Series) -> Replay:
    """Arrival minutes per call type from a cleaned, categorized table."""
    received = table["received"]
    first = received.min()
    origin = first.normalize() - pd.Timedelta(days=int(first.day_of_week))
    minutes = ((received - origin).dt.total_seconds() / 60.0).to_numpy()
    category = table["category"].astype(str).to_numpy()
    scene = on_scene.to_numpy(dtype=float)
    arrivals, scenes, left_out = {}, {}, {}
    for name in pd.unique(category):
        mask = category == name
        if name not in scn.call_types:
            left_out[str(name)] = int(mask.sum())
            continue
        order = np.argsort(minutes[mask], kind="stable")
        arrivals[str(name)] = minutes[mask][order]
        scenes[str(name)] = scene[mask][order]
    if not arrivals:
        raise DataError(
            f"none of the export's categories ({', '.join(sorted(left_out))}) is a call type "
            f"of {scn.scenario.name} ({', '.join(scn.call_types)})",
            hint="replay the export against a scenario fitted from it (sim fit)",
        )
    days = float(math.ceil(minutes.max() / MINUTES_PER_DAY + 1e-9))
    lead = (first.normalize() - origin).days
    warmup = min(lead + scn.scenario.warmup_days, days - 1)
    return Replay(arrivals, scenes, origin, days, float(max(warmup, 0)),
                  int(sum(len(a) for a in arrivals.values())), left_out)  # fmt: skip


def load_replay(
    scn: Scenario,
    path: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
) -> Replay:
    """Read an export (cleaned and categorized as for ``sim fit``) for replay."""
    prepared = prepare(path, mapping, taxonomy, FitOptions())
    scene = intervals(prepared.table, prepared.travel_from)["on_scene_min"]
    return replay_from_table(scn, prepared.table, scene)


def replay_scenario(scn: Scenario, replay: Replay) -> Scenario:
    """The scenario run over the replay's days, with the lead-in before the data as warm-up."""
    return with_overrides(
        scn,
        {"scenario.days": replay.days, "scenario.warmup_days": replay.warmup_days},
        source=f"{scn.scenario.name} (replay)",
    )


__all__ = [
    "Replay",
    "load_replay",
    "replay_from_table",
    "replay_scenario",
]
