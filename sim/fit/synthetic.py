"""A synthetic calls-for-service export drawn from a known scenario (tests and benchmarks).

The calls are the scenario simulated once (``run_replication``): non-homogeneous Poisson
arrivals with the scenario's weekly shape and day multiplier, each call's priority, call
handling, wait for a unit (the scenario's own units and shifts), travel and time on scene,
written as received, queued (end of call handling), dispatched, arrived and cleared stamps.
Officer-initiated call types (``origin = "officer"``) are flagged ``self_initiated = Y``
and named "TRAFFIC STOP …"; administrative ones are named "OUT OF SERVICE …", as exports do.
Fitting the file must give the scenario back within sampling error — the round-trip tests.
Three files are written: the CSV, a column mapping and a taxonomy for its call-type names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from sim.experiment import run_replication
from sim.fit.render import key, value
from sim.scenario import Scenario, with_overrides

MONDAY = pd.Timestamp("2023-01-02")
"""Time 0 of the synthetic export (a Monday, as the scenario's clock assumes)."""

MAPPING_TOML = """\
# Column mapping for exports written by sim.fit.synthetic
name = "synthetic"
description = "sim's synthetic calls-for-service export"
received = "received"
call_type = "call_type"
priority = "priority"
queued = "queued"
dispatched = "dispatched"
arrived = "arrived"
cleared = "cleared"
officer_initiated = "self_initiated"
call_id = "call_id"
"""

OFFICER_INITIATED_TYPE = "TRAFFIC STOP"


ORIGIN_PREFIX = {"public": "", "officer": "TRAFFIC STOP ", "admin": "OUT OF SERVICE "}
"""How other work is spelt in the export, so that cleaning recognises it as such."""


def raw_name(call_type: str, origin: str = "public") -> str:
    """The export's spelling of a call type: 'welfare_check' → 'WELFARE CHECK'."""
    return ORIGIN_PREFIX[origin] + call_type.upper().replace("_", " ")


@dataclass(frozen=True)
class SyntheticFiles:
    """Paths of a written synthetic export and the files needed to read it."""

    csv: Path
    mapping: Path
    taxonomy: Path
    rows: int


def synthetic_calls(
    scn: Scenario,
    days: float,
    seed: int = 1,
    officer_initiated_share: float = 0.0,
) -> pd.DataFrame:
    """One row per call with received … cleared stamps (seconds), simulated from ``scn``.

    A call still waiting when the window ends has no dispatch, arrival or clear stamp.
    """
    scn = with_overrides(scn, {"scenario.days": days, "scenario.seed": seed,
                               "scenario.warmup_days": 0})  # fmt: skip
    rec = run_replication(scn, 0)
    names = scn.call_type_names
    origins = [scn.call_types[c].origin for c in names]
    base = MONDAY.to_datetime64().astype("datetime64[s]")

    def stamp(minutes: np.ndarray) -> np.ndarray:
        nat = ~np.isfinite(minutes)
        seconds = np.round(np.where(nat, 0, minutes) * 60).astype("timedelta64[s]")
        return np.where(nat, np.datetime64("NaT"), base + seconds)

    kind = rec["call_type"]
    frame = pd.DataFrame(
        {
            "received": stamp(rec["arrival"]),
            "call_type": np.asarray([raw_name(c, o) for c, o in zip(names, origins,
                                                                    strict=True)])[kind],
            "priority": rec["priority"].astype(np.int64),
            "queued": stamp(rec["ready"]),
            "dispatched": stamp(rec["dispatch"]),
            "arrived": stamp(rec["on_scene"]),
            "cleared": stamp(rec["clear"]),
            "self_initiated": np.where(np.asarray(origins)[kind] == "officer", "Y", "N"),
        }
    )  # fmt: skip
    extra = _officer_initiated(len(frame), officer_initiated_share, days, seed)
    frame = pd.concat([frame, extra], ignore_index=True).sort_values("received", kind="stable")
    frame.insert(0, "call_id", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def _officer_initiated(n_calls: int, share: float, days: float, seed: int) -> pd.DataFrame:
    """Traffic stops flagged as officer-initiated, which fitting must leave out."""
    rng = np.random.default_rng([seed, 7])
    n = round(n_calls * share / max(1 - share, 1e-9)) if share > 0 else 0
    t = np.sort(rng.random(n) * days * 1440.0)
    base = MONDAY.to_datetime64().astype("datetime64[s]")
    rec = base + np.round(t * 60).astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "received": rec,
            "call_type": OFFICER_INITIATED_TYPE,
            "priority": np.full(n, 3, dtype=np.int64),
            "queued": rec,
            "dispatched": rec,
            "arrived": rec,
            "cleared": rec + np.round(rng.exponential(15.0, n) * 60).astype("timedelta64[s]"),
            "self_initiated": "Y",
        }
    )


def taxonomy_toml(scn: Scenario) -> str:
    """A taxonomy whose categories are the scenario's public call types, by exact name.

    Other work needs no category: cleaning recognises it and fitting names it.
    """
    public = {n: ct for n, ct in scn.call_types.items() if ct.is_public}
    names = list(public)
    default = "other" if "other" in names else names[-1]
    lines = ["version = 1", 'name = "synthetic"', f"default_category = {value(default)}"]
    for name, ct in public.items():
        lines += [
            "",
            f"[categories.{key(name)}]",
            f"label = {value(ct.label or name)}",
            f"group = {value('community' if ct.community_eligible else 'police')}",
            f"community_candidate = {value(bool(ct.community_eligible))}",
        ]
    lines += ["", "[exact]", *(f"{value(raw_name(n))} = {value(n)}" for n in names)]
    return "\n".join(lines) + "\n"


def write_synthetic(
    scn: Scenario,
    folder: str | Path,
    days: float,
    seed: int = 1,
    officer_initiated_share: float = 0.0,
    stem: str = "synthetic_calls",
) -> SyntheticFiles:
    """Write the CSV (via pyarrow, fast for millions of rows), its mapping and taxonomy."""
    folder = Path(folder)
    frame = synthetic_calls(scn, days, seed, officer_initiated_share)
    csv = folder / f"{stem}.csv"
    pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), csv)
    mapping = folder / f"{stem}_mapping.toml"
    mapping.write_text(MAPPING_TOML, encoding="utf-8")
    taxonomy = folder / f"{stem}_taxonomy.toml"
    taxonomy.write_text(taxonomy_toml(scn), encoding="utf-8")
    return SyntheticFiles(csv, mapping, taxonomy, len(frame))


__all__ = [
    "MONDAY",
    "SyntheticFiles",
    "raw_name",
    "synthetic_calls",
    "taxonomy_toml",
    "write_synthetic",
]
