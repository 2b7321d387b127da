"""The resume journal: every finished replication of a sweep, one JSON line each.

Results are journaled one replication at a time beside the results file (flushed and synced,
so a killed process loses at most the line it was writing). ``resume=True`` reads the journal
back and runs only what is missing; its header holds a hash of the sweep (scenario, settings,
variants) so results from a different sweep are never mixed in. Once every variant is written
the journal is deleted: the results file then holds everything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sim.inputs import MAX_JSON_BYTES, loads_json, read_text
from sim.metrics import Summary
from sim.output import write_text
from sim.pipeline.work import Outcome
from sim.sweep.plan import Sweep
from sim.sweep.values import SweepError

JOURNAL_VERSION = 2  # 2: lines hold the summary only (the eligible group is part of it)


def journal_path(out: Path) -> Path:
    """The journal beside a results file: one line per finished replication."""
    return out.with_name(out.name + ".journal")


def _outcome(line: dict[str, Any]) -> Outcome:
    return Outcome(
        arm=line["variant"],
        replication=int(line["replication"]),
        summary=Summary.model_validate(line["summary"]),
    )


class Journal:
    """Finished replications of one sweep, appended and flushed one line at a time."""

    def __init__(self, sweep: Sweep, out: Path | None, resume: bool) -> None:
        self.sweep = sweep
        self.done: dict[str, dict[int, Outcome]] = {v.name: {} for v in sweep.variants}
        self.path = journal_path(out) if out is not None else None
        if resume and out is None:
            raise SweepError("--resume needs the results file", hint="give -o/--out PATH")
        if out is None or self.path is None:
            return
        if self.path.exists():
            self._load(out, resume)
        elif resume and out.exists():
            raise SweepError(
                f"no journal ({self.path.name}) beside the results, so nothing can be resumed",
                where=str(out),
                hint="rerun without --resume",
            )
        if not resume or not self.path.exists():
            header = {"sweep": self.sweep.key, "version": JOURNAL_VERSION}
            write_text(self.path, json.dumps(header) + "\n")
        self._file = self.path.open("a", encoding="utf-8")

    def _load(self, out: Path, resume: bool) -> None:
        """Take the journal's finished replications (resume), or refuse to overwrite them."""
        header, lines = self._read()
        if resume and header.get("version") != JOURNAL_VERSION:
            raise SweepError(
                f"the journal {journal_path(out).name} was written by another version of sim "
                f"(journal version {header.get('version')}; this version reads "
                f"{JOURNAL_VERSION})",
                where=str(out),
                hint="rerun without --resume to start again",
            )
        same = header.get("sweep") == self.sweep.key
        if resume and not same:
            raise SweepError(
                "these results are from a different sweep (scenario, settings or variants differ)",
                where=str(out),
                hint="rerun without --resume to replace them, or choose another -o",
            )
        if same and resume:
            for line in lines:
                self.done[line.arm][line.replication] = line
        elif same and len(lines) < self.sweep.replications * len(self.sweep.variants):
            raise SweepError(
                f"an unfinished run of this sweep is saved here ({len(lines)} replications)",
                where=str(out),
                hint="add --resume to finish it, or delete the file and its .journal",
            )

    def _read(self) -> tuple[dict[str, Any], list[Outcome]]:
        """The header and the finished replications (a torn last line is ignored)."""
        assert self.path is not None
        where = str(self.path)
        text = read_text(self.path, MAX_JSON_BYTES, SweepError, "journal").splitlines()
        try:
            header = loads_json(text[0], where, SweepError) if text else {}
        except SweepError:
            header = {}
        header = header if isinstance(header, dict) else {}
        out, seen = [], set()
        for raw in text[1:]:
            try:
                result = _outcome(loads_json(raw, where, SweepError))
            except (SweepError, KeyError, ValueError, TypeError):
                continue  # a process killed mid-write (or a damaged line): it runs again
            key = (result.arm, result.replication)
            fits = 0 <= result.replication < self.sweep.replications
            if result.arm in self.done and fits and key not in seen:
                seen.add(key)
                out.append(result)
        return header, out

    def add(self, outcome: Outcome) -> None:
        self.done[outcome.arm][outcome.replication] = outcome
        if self.path is None:
            return
        line = {
            "variant": outcome.arm,
            "replication": outcome.replication,
            "summary": outcome.summary.model_dump(mode="json"),
        }
        self._file.write(json.dumps(line) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self.path is not None:
            self._file.close()

    def discard(self) -> None:
        """Delete the journal of a finished sweep: the results file now holds everything.

        A complete sweep has nothing to resume, and a stale journal would only make the next
        run of a changed sweep into the same file refuse to start.
        """
        if self.path is not None:
            self._file.close()
            self.path.unlink(missing_ok=True)

    def complete(self, variant: str) -> bool:
        return len(self.done[variant]) == self.sweep.replications

    def count(self) -> int:
        return sum(len(d) for d in self.done.values())

    def finished(self) -> set[tuple[str, int]]:
        """(variant, replication) of everything already run."""
        return {(name, r) for name, reps in self.done.items() for r in reps}


__all__ = ["JOURNAL_VERSION", "Journal", "journal_path"]
