"""The replication pipeline's entry point: arms × replications, on any executor.

Every command that simulates — ``run`` (and ``--replay``), ``compare``, ``report`` of a
scenario, ``sweep``, ``optimize`` — describes what it needs as *arms* (a name, a scenario,
where the calls come from, what to collect from the records) and hands them to
:func:`run_replications`, which sends one :class:`~sim.pipeline.work.Work` per replication to
the executor and yields :class:`~sim.pipeline.work.Outcome` values as they finish. Arms run
with the same seed see the same calls replication by replication (common random numbers), so
differences between them are paired. :func:`run` is the one-arm case, summarized.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.metrics import Summary, combine
from sim.pipeline.executors import Executor, SerialExecutor
from sim.pipeline.sources import DRAWN, CallSource
from sim.pipeline.work import Collector, KeepRecords, Outcome, Work, by_replication
from sim.records import Records
from sim.scenario import Scenario, dumps

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Arm:
    """One scenario to replicate: a variant of a sweep, one side of a comparison, a run."""

    name: str
    scenario: Scenario
    calls: CallSource = DRAWN
    collect: tuple[Collector, ...] = ()
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", dumps(self.scenario))  # once, for every replication

    @property
    def replications(self) -> int:
        return self.scenario.scenario.replications

    def work(self, replication: int) -> Work:
        return Work(self.name, self.text, replication, self.calls, self.collect)


def expected_calls(arms: Sequence[Arm]) -> float:
    """Calls all the replications of all the arms will simulate, on average."""
    return sum(
        sum(ct.calls_per_day for ct in a.scenario.call_types.values())
        * a.scenario.scenario.days
        * a.replications
        for a in arms
    )


def run_replications(
    arms: Sequence[Arm],
    executor: Executor | None = None,
    *,
    skip: Container[tuple[str, int]] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Every replication of every arm (but those in ``skip``), as each finishes.

    Work is submitted arm by arm, replication by replication, so the first arm's results
    tend to arrive first; the order of arrival never changes a number.
    """
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise ValueError(f"arm names must be unique: {names}")
    works = [a.work(r) for a in arms for r in range(a.replications) if (a.name, r) not in skip]
    for outcome in (executor or SerialExecutor()).run(works):
        if on_outcome is not None:
            on_outcome(outcome)
        yield outcome


def outcomes_by_arm(
    arms: Sequence[Arm],
    executor: Executor | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> dict[str, list[Outcome]]:
    """Every replication of every arm, gathered and in replication order."""
    done: dict[str, list[Outcome]] = {a.name: [] for a in arms}
    for outcome in run_replications(arms, executor, on_outcome=on_outcome):
        done[outcome.arm].append(outcome)
    return {name: by_replication(outs) for name, outs in done.items()}


@dataclass(frozen=True)
class RunResult:
    """A run: the combined summary, each replication's summary, and what was collected."""

    summary: Summary
    replications: list[Summary]
    outcomes: list[Outcome] = field(repr=False)

    def extras(self, name: str) -> list[Any]:
        """What the collector ``name`` kept, one item per replication in order."""
        return [o.extras[name] for o in self.outcomes]

    @property
    def replication_records(self) -> list[Records]:
        """Each replication's records, if the run kept them."""
        if not self.outcomes or "records" not in self.outcomes[0].extras:
            raise SimError("this run did not keep its records", hint="run it with records=True")
        return self.extras("records")

    @property
    def records(self) -> pd.DataFrame:
        """Every call of every replication as one pandas DataFrame (names, not indexes)."""
        import pandas as pd

        return pd.concat([r.to_frame() for r in self.replication_records], ignore_index=True)


def run(
    scn: Scenario,
    executor: Executor | None = None,
    *,
    calls: CallSource = DRAWN,
    collect: Sequence[Collector] = (),
    keep_records: bool = False,
    on_replication: Callable[[int], None] | None = None,
) -> RunResult:
    """Every replication of one scenario, summarized: what ``sim run`` does."""
    kept = (*collect, KeepRecords()) if keep_records else tuple(collect)
    arm = Arm("run", scn, calls, kept)
    progress = None if on_replication is None else (lambda o: on_replication(o.replication))
    outcomes = outcomes_by_arm([arm], executor, progress)["run"]
    reps = [o.summary for o in outcomes]
    return RunResult(summary=combine(scn, reps), replications=reps, outcomes=outcomes)


__all__ = [
    "Arm",
    "RunResult",
    "expected_calls",
    "outcomes_by_arm",
    "run",
    "run_replications",
]
