"""The unit of work: one replication of one scenario, as a pure, picklable function call.

A replication is a pure function of (scenario, replication index, call source): its calls
come from streams keyed by the scenario's seed and the index, so replications run in any
order, in any process, on any machine, and give the same numbers. :func:`replicate` is that
function. It returns an :class:`Outcome` — the replication's summary, plus whatever the
caller's *collectors* reduced from its records in the worker (response samples for a report,
a program's group of call types for a comparison, the records themselves for ``--events``) —
so records never have to travel unless they are asked for.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sim.metrics import GroupSummary, Summary, group_summary, replication_summary
from sim.model.engine import simulate
from sim.pipeline.sources import DRAWN, CallSource
from sim.records import Records
from sim.scenario import Scenario, from_dict


class Collector(Protocol):
    """Reduces one replication's records to something a command needs (in the worker).

    Collectors must be picklable (a frozen dataclass or a module-level function object) and
    their results small enough to send back.
    """

    @property
    def name(self) -> str:
        """The key of the result in :attr:`Outcome.extras`."""
        ...

    def __call__(self, scn: Scenario, records: Records) -> Any:
        """The reduction of one replication's records."""
        ...


@dataclass(frozen=True)
class KeepRecords:
    """Send the records themselves back (``--events``, ``result.records``)."""

    name: str = "records"

    def __call__(self, scn: Scenario, records: Records) -> Records:
        return records


@dataclass(frozen=True)
class GroupStats:
    """Statistics of several call types together, e.g. the categories a program takes."""

    call_types: tuple[str, ...]
    name: str = "group"

    def __call__(self, scn: Scenario, records: Records) -> GroupSummary:
        return group_summary(scn, records, self.call_types)


@dataclass(frozen=True)
class Work:
    """One replication of one arm: what an executor runs.

    The scenario travels as TOML text (parsed once per worker process), so a worker on
    another machine needs nothing but ``sim`` installed.
    """

    arm: str
    scenario: str
    replication: int
    calls: CallSource = DRAWN
    collect: tuple[Collector, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One replication of one arm: its summary and what the collectors kept."""

    arm: str
    replication: int
    summary: Summary
    extras: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=32)
def parse(text: str) -> Scenario:
    """Parse a scenario sent as TOML text once per process (replications repeat it)."""
    return from_dict(tomllib.loads(text), source="<scenario sent to a worker>")


def run_replication(scn: Scenario, replication: int, calls: CallSource = DRAWN) -> Records:
    """Simulate one replication and return its per-call records."""
    return simulate(scn, calls.draw(scn, replication), replication)


def replicate(work: Work) -> Outcome:
    """Run one unit of work (the function every executor calls)."""
    scn = parse(work.scenario)
    records = run_replication(scn, work.replication, work.calls)
    return Outcome(
        arm=work.arm,
        replication=work.replication,
        summary=replication_summary(scn, records),
        extras={c.name: c(scn, records) for c in work.collect},
    )


def by_replication(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """Outcomes in replication order (executors return them as they finish)."""
    return sorted(outcomes, key=lambda o: o.replication)


__all__ = [
    "Collector",
    "GroupStats",
    "KeepRecords",
    "Outcome",
    "Work",
    "by_replication",
    "parse",
    "replicate",
    "run_replication",
]
