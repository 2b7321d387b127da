"""A sweep's results: the rows so far, and the files they are written to.

The table (one row per finished variant) goes to CSV or Parquet by suffix, and the JSON beside
it (or alone, for ``-o x.json``) holds the same rows plus each variant's full summary. Both are
rewritten atomically whenever a variant completes. :class:`SweepDocument` is the JSON's model,
for writing and for reading back (``sim report``, ``--resume``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.inputs import read_json
from sim.metrics import SCHEMA_VERSION, Summary, combine
from sim.output import check_writable, write_atomic, write_text
from sim.pipeline.work import Outcome, by_replication
from sim.sweep.plan import Sweep
from sim.sweep.rows import SweepRow, reasons
from sim.sweep.values import SweepError

SUFFIXES = (".csv", ".parquet", ".json")


class SweepEntry(BaseModel):
    """One finished variant in the results JSON."""

    model_config = ConfigDict(extra="ignore")
    name: str
    overrides: dict[str, Any] = {}
    row: dict[str, Any]
    values: dict[str, list[float | None]] = {}  # each measure per replication (paired tests)
    summary: Summary | None = None
    not_applicable: dict[str, str] = {}  # why a figure above is null (sim.applicable)


class SweepDocument(BaseModel):
    """The results JSON of ``sim sweep`` (``kind = "sweep"``)."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int = SCHEMA_VERSION
    kind: Literal["sweep"] = "sweep"
    sweep: str = ""  # the sweep's key: a hash of scenario, settings and variants
    scenario: str
    seed: int
    replications: int
    common_random_numbers: bool = True
    baseline: str
    parameters: list[str]
    measures: list[str] = Field(min_length=1)
    complete: bool = False
    variants: list[SweepEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbers(self) -> SweepDocument:
        """Every measure column of a row is a number or null, and every measure has one value
        per replication (a file edited by hand)."""
        columns = [f"{prefix}{m}{end}" for m in self.measures for prefix in ("", "vs_baseline.")
                   for end in ("", ".lo", ".hi")]  # fmt: skip
        for i, entry in enumerate(self.variants):
            for column in [*columns, "replications"]:
                value = entry.row.get(column)
                if isinstance(value, bool) or not isinstance(value, int | float | None):
                    raise ValueError(f"variants.{i}.row.{column}: {value!r} is not a number")
            for m in self.measures:  # paired differences match replications one by one
                got = len(entry.values.get(m, ()))
                if got != self.replications:
                    raise ValueError(
                        f"variants.{i}.values.{m}: {got} replication values, "
                        f"not the {self.replications} the sweep ran"
                    )
        return self

    def rows(self) -> list[SweepRow]:
        """The typed rows of the finished variants."""
        return [
            SweepRow.from_flat(v.row, self.parameters, self.measures).model_copy(
                update={"values": v.values}
            )
            for v in self.variants
        ]


@dataclass
class SweepResult:
    """Rows for the finished variants, and every finished replication."""

    sweep: Sweep
    rows: list[SweepRow]
    outcomes: dict[str, list[Outcome]]
    complete: bool
    ran: int = 0  # replications run by this call (the rest came from the journal)
    summaries: dict[str, Summary] = field(default_factory=dict, repr=False)

    def summary(self, variant: str) -> Summary:
        """The across-replication summary of one finished variant (combined once)."""
        if variant not in self.summaries:
            scn = self.sweep.arms[variant].scenario
            reps = [o.summary for o in by_replication(self.outcomes[variant])]
            self.summaries[variant] = combine(scn, reps)
        return self.summaries[variant]

    def reasons(self, row: SweepRow) -> dict[str, str]:
        """Why each of a row's figures that has no value has none (sim.applicable)."""
        done = any(r.variant == self.sweep.baseline for r in self.rows)
        return reasons(row, self.summary(row.variant).not_applicable, done)

    def document(self) -> SweepDocument:
        sweep = self.sweep
        overrides = {v.name: v.overrides for v in sweep.variants}
        return SweepDocument(
            sweep=sweep.key,
            scenario=sweep.scenario.scenario.name,
            seed=sweep.scenario.scenario.seed,
            replications=sweep.replications,
            common_random_numbers=sweep.crn,
            baseline=sweep.baseline,
            parameters=sweep.parameters,
            measures=sweep.measure_names,
            complete=self.complete,
            variants=[
                SweepEntry(name=r.variant, overrides=overrides[r.variant], row=r.flat(),
                           values=r.values, summary=self.summary(r.variant),
                           not_applicable=self.reasons(r))
                for r in self.rows
            ],
        )  # fmt: skip


def json_path(out: Path) -> Path:
    """The JSON written beside a CSV or Parquet results file."""
    return out if out.suffix.lower() == ".json" else out.with_suffix(".json")


def check_output(out: Path) -> None:
    """Fail before any work if the results (and the JSON beside them, and the journal) cannot
    be written where asked."""
    if out.suffix.lower() not in SUFFIXES:
        raise SweepError(
            "results must be .csv, .parquet or .json", where=str(out), hint="change the suffix"
        )
    check_writable(out)
    check_writable(json_path(out))
    check_writable(out.with_name(out.name + ".journal"))  # = journal.journal_path(out)


def write_results(result: SweepResult, out: Path) -> None:
    """The table as CSV or Parquet (by suffix) plus JSON, each written atomically."""
    if not result.rows:
        return
    suffix = out.suffix.lower()
    if suffix != ".json":
        import pandas as pd

        frame = pd.DataFrame([r.flat() for r in result.rows])
        if suffix == ".parquet":
            write_atomic(out, lambda tmp: frame.to_parquet(tmp, index=False))
        else:
            write_atomic(out, lambda tmp: frame.to_csv(tmp, index=False))
    write_text(json_path(out), result.document().model_dump_json(indent=1))


def read_document(path: Path) -> SweepDocument | None:
    """The results JSON of a sweep, or None if it is missing or not one."""
    try:
        return SweepDocument.model_validate(read_json(path, SweepError))
    except (SweepError, ValidationError):
        return None


__all__ = [
    "SweepDocument",
    "SweepEntry",
    "SweepResult",
    "check_output",
    "json_path",
    "read_document",
    "write_results",
]
