"""Per-call records: the only output of a replication.

One row per call, as numpy columns (like Ciw's single record type): when it arrived, when it
reached the dispatcher, which team and option answered it, when units were dispatched,
arrived and cleared, and the same for any backup. Columns of rules a scenario does not use
(transport, co-responders, pre-emption) are left out, so a large run without them stays as
small as before; :meth:`Records.get` gives their neutral value. Small side tables: unit-
overtime stretches (a unit finishing its call after its shift ended), moves along the
response chain, and interruptions by pre-emption. Every statistic in :mod:`sim.metrics`
derives from these; the model itself never averages anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.scenario import DAY_NAMES

if TYPE_CHECKING:  # pandas is imported where frames are made: a run need not load it
    import pandas as pd

NO_TEAM = -1


class State(IntEnum):
    """How a call ended: exactly one of these, for every call."""

    SERVED = 0  # a unit was dispatched
    NO_DISPATCH = 1  # resolved without sending anyone (phone, crisis-line transfer)
    WAITING = 2  # still waiting for a unit when the run ended


# Column name → dtype; times are minutes from Monday 00:00 of the first simulated week.
COLUMNS: dict[str, type] = {
    "arrival": np.float64,
    "ready": np.float64,
    "call_type": np.int16,
    "priority": np.int16,
    "state": np.int8,
    "option": np.int8,  # the response option that answered (or was reached last); -1: none
    "team": np.int8,
    "units": np.int8,
    "dispatch": np.float64,
    "on_scene": np.float64,
    "clear": np.float64,
    "backup_team": np.int8,
    "backup_dispatch": np.float64,
    "backup_on_scene": np.float64,
    "backup_clear": np.float64,
}

# Columns present only when the scenario uses the rule, with their value where it is not used.
FEATURE_COLUMNS: dict[str, tuple[type, float]] = {
    "transport": (np.float64, 0.0),  # minutes of transport in the answering units' busy time
    "co_team": (np.int8, NO_TEAM),  # the co-responder's team
    "co_units": (np.int8, 0),
    "co_dispatch": (np.float64, np.nan),
    "co_on_scene": (np.float64, np.nan),
    "co_clear": (np.float64, np.nan),
    "interrupted": (np.int8, 0),  # times the call's units were taken by a more urgent call
    "interrupted_min": (np.float64, 0.0),  # minutes after the first arrival it was not worked on
}


def _table(**dtypes: type) -> dict[str, np.ndarray]:
    return {name: np.zeros(0, dtype=dtype) for name, dtype in dtypes.items()}


@dataclass(frozen=True)
class Records:
    """One replication's calls and unit-overtime stretches, with the names they index."""

    columns: dict[str, np.ndarray]
    overtime: dict[str, np.ndarray]  # team, start, end (minutes)
    call_types: tuple[str, ...]
    teams: tuple[str, ...]
    warmup: float
    horizon: float
    replication: int = 0
    seed: int = 0
    meta: dict[str, float] = field(default_factory=dict)
    # call, option it left, minute: every move along the response chain
    moves: dict[str, np.ndarray] = field(
        default_factory=lambda: _table(call=np.int64, option=np.int8, time=np.float64)
    )
    # call, team, units, start, end: stretches a call's units were taken away (pre-emption)
    interruptions: dict[str, np.ndarray] = field(
        default_factory=lambda: _table(
            call=np.int64, team=np.int8, units=np.int8, start=np.float64, end=np.float64
        )
    )

    def __len__(self) -> int:
        return len(self.columns["arrival"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def get(self, name: str) -> np.ndarray:
        """A column, or for a rule the scenario does not use, its neutral value for every call."""
        if name in self.columns:
            return self.columns[name]
        dtype, fill = FEATURE_COLUMNS[name]
        return np.full(len(self), fill, dtype=dtype)

    def measured(self) -> np.ndarray:
        """Mask of calls that arrived after warm-up (the ones statistics are taken over)."""
        t = self.columns["arrival"]
        return (t >= self.warmup) & (t < self.horizon)

    def to_frame(self, start_date: datetime.date | None = None) -> pd.DataFrame:
        """A pandas DataFrame with names instead of indexes, for ``--events`` output.

        Besides the record's columns (minutes from Monday 00:00 of the first week): the
        arrival's ``day`` (1 = the first simulated day) and ``clock`` ("Wed 07:32"), its
        ``date`` when the scenario has a ``start_date``, and ``response`` (arrival → first
        unit on scene, minutes; empty for calls never reached).
        """
        import pandas as pd

        frame = pd.DataFrame({k: v for k, v in self.columns.items()})
        arrival = self.columns["arrival"]
        minute = np.floor(arrival).astype(np.int64)
        day = minute // 1440
        weekday = np.array([d.capitalize() for d in DAY_NAMES], dtype=object)[day % 7]
        clock = [f"{w} {m // 60 % 24:02d}:{m % 60:02d}" for w, m in zip(weekday, minute,
                                                                          strict=True)]  # fmt: skip
        when = {"day": day + 1, "clock": clock}
        if start_date is not None:
            when["date"] = pd.Timestamp(start_date) + pd.to_timedelta(arrival, unit="min")
        response = self.columns["on_scene"] - arrival
        reached = np.isfinite(response) & (self.columns["state"] == State.SERVED)
        names = np.array((*self.call_types, ""), dtype=object)
        teams = np.array((*self.teams, ""), dtype=object)
        frame["call_type"] = names[self.columns["call_type"]]
        frame["state"] = np.array([s.name.lower() for s in State], dtype=object)[frame["state"]]
        frame["team"] = teams[self.columns["team"]]  # -1 picks the trailing ""
        frame["backup_team"] = teams[self.columns["backup_team"]]
        if "co_team" in frame:
            frame["co_team"] = teams[self.columns["co_team"]]
        frame.insert(0, "replication", self.replication)
        frame.insert(1, "call", np.arange(len(self)))
        for i, (name, values) in enumerate(when.items()):
            frame.insert(2 + i, name, values)
        after = list(frame.columns).index("on_scene") + 1
        frame.insert(after, "response", np.where(reached, response, np.nan))
        return frame


EVENT_FORMATS = (".csv", ".parquet")


def check_events_path(path: Path) -> None:
    """Refuse, before anything runs, a file ``write_events`` cannot write (one line)."""
    import importlib.util

    from sim.errors import OutputError
    from sim.output import check_writable

    suffix = path.suffix.lower()
    if suffix not in EVENT_FORMATS:
        raise OutputError(
            f"cannot write events as '{suffix or 'no extension'}'",
            where=f"--events {path}",
            hint="name the file .csv or .parquet",
        )
    engines = ("pyarrow", "fastparquet")
    if suffix == ".parquet" and not any(importlib.util.find_spec(e) for e in engines):
        raise OutputError(
            "writing Parquet needs pyarrow, which is not installed",
            where=f"--events {path}",
            hint="pip install pyarrow, or name the file .csv",
        )
    check_writable(path)


def events_writer(
    records: list[Records], path: Path, start_date: datetime.date | None = None
) -> Callable[[Path], object]:
    """A writer of every call's record as CSV or Parquet (by the suffix of ``path``)."""

    def write(target: Path) -> None:
        import pandas as pd

        frame = pd.concat([r.to_frame(start_date) for r in records], ignore_index=True)
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_csv(target, index=False, float_format="%.4f")

    return write


def write_events(
    records: list[Records], path: Path, start_date: datetime.date | None = None
) -> None:
    """Write every call's record as CSV or Parquet (by suffix), atomically."""
    from sim.output import write_files

    check_events_path(path)
    write_files([(path, events_writer(records, path, start_date))])
