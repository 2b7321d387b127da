"""Running a sweep: every replication still missing, through the pipeline, results as they come.

Each replication's outcome is journaled as it arrives; when a variant has all its
replications its row is computed (once: a finished variant's numbers never change, except
that rows finished before the baseline lack their difference from it and are redone when it
completes) and the results files are rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.metrics import Summary
from sim.pipeline.executors import Executor
from sim.pipeline.runs import run_replications
from sim.sweep.journal import Journal, journal_path
from sim.sweep.plan import Sweep
from sim.sweep.results import (
    SweepResult,
    check_output,
    json_path,
    read_document,
    write_results,
)
from sim.sweep.rows import SweepRow, variant_row
from sim.sweep.values import SweepError


class NothingToDo(SweepError):
    """``--resume`` of a sweep whose results are all written already (not an error)."""


class _Rows:
    """Rows of completed variants, each computed once as its variant completes."""

    def __init__(self, sweep: Sweep, journal: Journal) -> None:
        self.sweep, self.journal = sweep, journal
        self.rows: dict[str, tuple[SweepRow, bool]] = {}  # name → (row, had the baseline)
        self.summaries: dict[str, Summary] = {}

    def snapshot(self, ran: int) -> SweepResult:
        """The results so far: rows of the variants that have every replication, in order."""
        sweep, journal = self.sweep, self.journal
        base_done = journal.complete(sweep.baseline)
        base = list(journal.done[sweep.baseline].values()) if base_done else None
        for v in sweep.variants:
            cached = self.rows.get(v.name)
            if journal.complete(v.name) and (cached is None or cached[1] != base_done):
                mine = list(journal.done[v.name].values())
                self.rows[v.name] = (variant_row(sweep, v, mine, base), base_done)
        rows = [self.rows[v.name][0] for v in sweep.variants if v.name in self.rows]
        outcomes = {n: list(d.values()) for n, d in journal.done.items()}
        complete = len(rows) == len(sweep.variants)
        return SweepResult(sweep, rows, outcomes, complete, ran, summaries=self.summaries)


def check_finished(sweep: Sweep, out: Path) -> None:
    """Raise :class:`NothingToDo` if ``out`` already holds every variant of this sweep."""
    if journal_path(out).exists():
        return
    doc = read_document(json_path(out))
    if doc is not None and doc.complete and doc.sweep == sweep.key:
        raise NothingToDo(
            "nothing to do: every variant of this sweep is already written",
            where=str(out),
            hint="rerun without --resume to run it again",
        )


def run_sweep(
    sweep: Sweep,
    executor: Executor,
    *,
    out: Path | None = None,
    resume: bool = False,
    on_result: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every replication still missing and write results as each variant completes.

    ``on_result(done, total)`` is called after each replication. A KeyboardInterrupt stops
    the executor and propagates; everything finished so far is already in the journal, which
    is deleted once the final results are written. With ``resume``, results that are already
    complete raise :class:`NothingToDo`.
    """
    if out is not None:
        check_output(out)
        if resume:
            check_finished(sweep, out)
    journal = Journal(sweep, out, resume)
    rows = _Rows(sweep, journal)
    total = sweep.replications * len(sweep.variants)
    ran = 0
    try:
        if on_result:
            on_result(journal.count(), total)
        for outcome in run_replications(sweep.order(), executor, skip=journal.finished()):
            journal.add(outcome)
            ran += 1
            if on_result:
                on_result(journal.count(), total)
            if out is not None and journal.complete(outcome.arm):
                write_results(rows.snapshot(ran), out)
        final = rows.snapshot(ran)
        if out is not None:
            write_results(final, out)
            if final.complete:
                journal.discard()
        return final
    finally:
        journal.close()


__all__ = ["NothingToDo", "check_finished", "run_sweep"]
