"""The backtest's result: one row per measure, recorded against simulated, with a verdict.

JSON shape (``sim backtest --json``)::

    {"schema_version": 1, "kind": "backtest", "scenario": ..., "source": ..., "sha256": ...,
     "window_start": ..., "window_end": ..., "days": 14.0, "replications": 10, "seed": 1,
     "rows": [{"section": "response", "measure": "p90", "group": "all", "unit": "min",
               "recorded": 74.5, "simulated": 77.0, "ci95": [75.1, 78.9],
               "rel_diff": 0.034, "verdict": "within 10%", "recorded_calls": 8123}, ...],
     "notes": ["..."]}

Sections: ``calls per day`` (per category), ``calls by hour`` (hour 00–23, per day),
``wait`` and ``response`` (mean, p50, p90; groups ``all``, each category, ``priority N``),
``busy units by hour`` (mean units busy in each clock hour) and ``busy unit-hours``
(``all``, per day). A row the export cannot support has ``recorded`` null and the verdict
"not in the export".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, model_validator

from sim.metrics import SCHEMA_VERSION

Verdict = Literal["within 10%", "10–25%", "off", "not in the export", "n/a"]
CLOSE, FAIR = 0.10, 0.25
"""Verdict bands of the relative difference |simulated − recorded| / recorded."""


def verdict(recorded: float | None, simulated: float | None) -> tuple[float | None, Verdict]:
    """(relative difference, verdict) of one row."""
    if recorded is None:
        return None, "not in the export"
    if simulated is None or recorded == 0:
        return None, "n/a"
    rel = (simulated - recorded) / recorded
    if abs(rel) <= CLOSE:
        return rel, "within 10%"
    return rel, "10–25%" if abs(rel) <= FAIR else "off"


class Row(BaseModel):
    """One measure: recorded, simulated (mean over replications) and its 95% interval."""

    section: str
    measure: str
    group: str
    unit: str
    recorded: float | None
    simulated: float | None
    ci95: tuple[float, float] | None = None
    rel_diff: float | None = None
    verdict: Verdict
    recorded_calls: int | None = None
    not_applicable: dict[str, str] = {}  # why a figure above is null (sim.applicable)

    @model_validator(mode="after")
    def _explained(self) -> Row:
        """Each null figure gets its reason (rows read back keep the reasons they carry)."""
        if self.not_applicable:
            return self
        out: dict[str, str] = {}
        if self.recorded is None:
            out["recorded"] = out["rel_diff"] = "not in the export"
        if self.simulated is None:
            out["simulated"] = out["ci95"] = "nothing of this group was simulated"
            out.setdefault("rel_diff", "nothing simulated to compare")
        elif self.ci95 is None:
            out["ci95"] = "known in fewer than two replications: no interval"
        if self.rel_diff is None and "rel_diff" not in out:
            out["rel_diff"] = "recorded 0: no relative difference"
        if self.recorded_calls is None:
            out["recorded_calls"] = "not a figure of calls"
        object.__setattr__(self, "not_applicable", out)
        return self


class BacktestResult(BaseModel):
    """A backtest (see the module docstring for the JSON)."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["backtest"] = "backtest"
    scenario: str
    source: str
    sha256: str | None = None
    window_start: str
    window_end: str
    days: float
    replications: int
    seed: int
    rows: list[Row]
    notes: list[str] = []

    def row(self, section: str, measure: str, group: str = "all") -> Row | None:
        """The row of one measure, if there is one."""
        for r in self.rows:
            if (r.section, r.measure, r.group) == (section, measure, group):
                return r
        return None

    def section(self, name: str) -> list[Row]:
        return [r for r in self.rows if r.section == name]


__all__ = ["CLOSE", "FAIR", "BacktestResult", "Row", "Verdict", "verdict"]
