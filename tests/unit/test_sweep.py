"""Sweep variants, validation, paired differences and the resumable results store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.estimates import difference, t_interval
from sim.measures import lookup
from sim.pipeline import Executor, Outcome, SerialExecutor, Work, replicate
from sim.scenario import Scenario, load_scenario, with_overrides
from sim.sweep import (
    JOURNAL_VERSION,
    NothingToDo,
    SweepError,
    Variant,
    build_sweep,
    grid,
    journal_path,
    load_sweep_file,
    parse_value,
    parse_values,
    parse_vary,
    run_sweep,
)

UNITS = "teams.community.shifts.0.units"


@pytest.fixture(scope="module")
def small(request: pytest.FixtureRequest) -> Scenario:
    demo = Path(request.config.rootpath) / "scenarios" / "demo.toml"
    return with_overrides(
        load_scenario(demo),
        {"scenario.days": 3, "scenario.warmup_days": 1, "scenario.replications": 3},
    )


# ------------------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1..4", [1, 2, 3, 4]),
        ("1,2,4", [1, 2, 4]),
        ("0.5..2.0:0.5", [0.5, 1.0, 1.5, 2.0]),
        ("2..10:4", [2, 6, 10]),
        ("0.1..0.3:0.1", [0.1, 0.2, 0.3]),
        ("3", [3]),
        ("3.0", [3.0]),
        ("true", [True]),
        ('"07:00", 19:00', ["07:00", "19:00"]),
        ("[1, 2], [3]", [[1, 2], [3]]),
    ],
)
def test_values_follow_toml_literals_and_ranges(text: str, values: list) -> None:
    got = parse_values(text)
    assert got == values
    assert [type(v) for v in got] == [type(v) for v in values]  # 3 stays int, 3.0 float


def test_bare_words_are_strings_and_bad_ranges_are_errors() -> None:
    assert parse_value("mon-fri") == "mon-fri"
    with pytest.raises(SweepError, match="empty"):
        parse_values("6..1")
    with pytest.raises(SweepError, match="PATH=VALUES"):
        parse_vary("teams.police.units")


def test_several_axes_make_a_grid_named_by_short_paths() -> None:
    variants = grid([(UNITS, [1, 2]), ("teams.community.shifts.0.end", ["19:00", "23:00"])])
    assert [v.name for v in variants] == [
        "units=1, end=19:00",
        "units=1, end=23:00",
        "units=2, end=19:00",
        "units=2, end=23:00",
    ]
    assert variants[3].overrides == {UNITS: 2, "teams.community.shifts.0.end": "23:00"}
    clash = grid([("teams.police.units", [1]), (UNITS, [2])])
    assert clash[0].name == "police.units=1, shifts.0.units=2"


def test_sweep_file_grid_and_named_variants(tmp_path: Path) -> None:
    g = tmp_path / "grid.toml"
    g.write_text(f'baseline = "units=2"\n[grid]\n"{UNITS}" = "1..3"\n')
    spec = load_sweep_file(g)
    assert [v.overrides[UNITS] for v in spec.variants] == [1, 2, 3]
    assert spec.baseline == "units=2"
    v = tmp_path / "variants.toml"
    v.write_text(
        '[[variants]]\nname = "two vans"\nteams.community.shifts.0.units = 2\n'
        '[[variants]]\nname = "slow vans"\n'
        'teams.community.travel_min = { dist = "constant", value = 30 }\n'
    )
    spec = load_sweep_file(v)
    assert [x.name for x in spec.variants] == ["two vans", "slow vans"]
    assert spec.variants[1].overrides == {
        "teams.community.travel_min": {"dist": "constant", "value": 30}
    }
    bad = tmp_path / "bad.toml"
    bad.write_text('[grids]\n"x" = [1]\n')
    with pytest.raises(SweepError, match="did you mean 'grid'"):
        load_sweep_file(bad)


# -------------------------------------------------------------------------- validation


def test_every_variant_is_validated_before_anything_runs(small: Scenario) -> None:
    with pytest.raises(SweepError) as err:
        build_sweep(small, grid([("teams.community.shift.0.units", [1])]))
    assert "names no value" in err.value.line()
    assert "teams.community.shifts.0.units" in err.value.line()  # the nearest path
    with pytest.raises(SweepError) as err:
        build_sweep(small, grid([(UNITS, ["many"])]))
    assert "variant 'units=many'" in err.value.line() and "integer" in err.value.line()
    with pytest.raises(SweepError) as err:
        build_sweep(small, grid([(UNITS, [2, -1])]))
    assert "variant 'units=-1'" in err.value.line()
    with pytest.raises(SweepError, match="did you mean 'units=2'"):
        build_sweep(small, grid([(UNITS, [1, 2])]), baseline="units=22")
    with pytest.raises(SweepError, match="two variants"):
        build_sweep(small, [Variant("a", {UNITS: 1}), Variant("a", {UNITS: 2})])


# ------------------------------------------------------------ common random numbers


def test_variants_see_the_same_calls_and_differences_are_paired(small: Scenario) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 3])]))
    result = run_sweep(sweep, SerialExecutor())
    reps = {n: sorted(r, key=lambda x: x.replication) for n, r in result.outcomes.items()}
    one, three = reps["units=1"], reps["units=3"]
    # Same seed, streams keyed by name: every replication has the same calls in both.
    assert [r.summary.calls_per_year for r in one] == [r.summary.calls_per_year for r in three]
    assert [r.summary.call_types["traffic"].calls_per_year for r in one] == [
        r.summary.call_types["traffic"].calls_per_year for r in three
    ]
    row = next(r for r in result.rows if r.variant == "units=3")
    m = lookup(small, "eligible.response_min.p90")
    d = [m.read(a.summary) - m.read(b.summary) for a, b in zip(three, one, strict=True)]  # type: ignore[operator]
    assert row.vs_baseline[m.name].mean == pytest.approx(np.mean(d))
    assert row.vs_baseline[m.name].ci95 == pytest.approx(t_interval(d))
    # Three vans instead of one: faster for eligible calls, and more expensive, in every run.
    assert all(x < 0 for x in d)
    cost = row.vs_baseline["cost.per_year"].ci95
    assert cost is not None and cost[0] > 0


def test_independent_streams_differ(small: Scenario) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 3])]), crn=False)
    result = run_sweep(sweep, SerialExecutor())
    calls = {n: [r.summary.calls_per_year for r in reps] for n, reps in result.outcomes.items()}
    assert calls["units=1"] != calls["units=3"]


# ------------------------------------------------------------------- results and resume


class StopAfter(Executor):
    """Serial, but 'Ctrl-C' after n results (the executor's view of an interruption)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.ran: list[tuple[str, int]] = []

    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        for w in works:
            if len(self.ran) == self.n:
                raise KeyboardInterrupt
            self.ran.append((w.arm, w.replication))
            yield replicate(w)

    def close(self) -> None:
        pass


def test_interrupted_sweep_resumes_without_losing_or_repeating(
    small: Scenario, tmp_path: Path
) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 2, 3])]), baseline="units=2")
    whole = tmp_path / "whole.csv"
    run_sweep(sweep, SerialExecutor(), out=whole)

    out = tmp_path / "part.csv"
    first = StopAfter(7)  # the baseline (3), the next variant (3) and one more replication
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, first, out=out)
    written = pd.read_csv(out)
    assert sorted(written["variant"]) == ["units=1", "units=2"]  # finished variants only
    with pytest.raises(SweepError, match="--resume"):
        run_sweep(sweep, SerialExecutor(), out=out)  # would overwrite unfinished work
    second = StopAfter(100)
    result = run_sweep(sweep, second, out=out, resume=True)
    assert result.ran == 2 and len(second.ran) == 2
    assert set(first.ran).isdisjoint(second.ran)
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(whole))
    a, b = (json.loads(p.with_suffix(".json").read_text()) for p in (out, whole))
    assert a == b
    assert len(first.ran) + len(second.ran) == 9  # one run per replication: nothing twice
    assert not journal_path(out).exists()  # complete: the results file holds everything


def test_resume_refuses_a_journal_of_another_version(small: Scenario, tmp_path: Path) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 2])]))
    out = tmp_path / "r.csv"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, StopAfter(4), out=out)
    j = journal_path(out)
    lines = j.read_text().splitlines()
    header = json.loads(lines[0])
    j.write_text("\n".join([json.dumps({**header, "version": JOURNAL_VERSION + 1}), *lines[1:]]))
    with pytest.raises(SweepError, match="journal version"):
        run_sweep(sweep, SerialExecutor(), out=out, resume=True)


def test_resume_refuses_results_of_a_different_sweep(small: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    with pytest.raises(KeyboardInterrupt):  # the baseline finished, the other variant not
        run_sweep(build_sweep(small, grid([(UNITS, [1, 2])])), StopAfter(4), out=out)
    assert len(pd.read_parquet(out)) == 1
    other = build_sweep(small, grid([(UNITS, [1, 4])]))
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(other, SerialExecutor(), out=out, resume=True)
    assert len(pd.read_parquet(out)) == 1  # untouched
    alone = tmp_path / "alone.csv"
    alone.write_text("variant\nx\n")
    with pytest.raises(SweepError, match="no journal"):
        run_sweep(other, SerialExecutor(), out=alone, resume=True)


def test_a_torn_last_journal_line_reruns_that_replication(small: Scenario, tmp_path: Path) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 2])]))
    out = tmp_path / "r.json"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, StopAfter(4), out=out)
    j = journal_path(out)
    j.write_text(j.read_text()[:-40])  # a process killed in the middle of a write
    result = run_sweep(sweep, SerialExecutor(), out=out, resume=True)
    assert result.ran == 3 and result.complete


# ------------------------------------------------------------------- input mistakes


def test_nothing_to_vary_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="nothing to vary"):
        grid([])  # itertools.product() of no axes would be one unnamed variant
    empty = tmp_path / "empty.toml"
    empty.write_text("[grid]\n[grid.teams]\n")
    with pytest.raises(SweepError, match="grid"):
        load_sweep_file(empty)


@pytest.mark.parametrize(
    ("path", "value", "hint"),
    [
        ("scenario.replications", 5, "--replications"),
        ("scenario.seed", 7, "--seed"),
        ("scenario.name", "x", "variants"),
    ],
)
def test_run_settings_cannot_be_varied(
    small: Scenario, path: str, value: object, hint: str
) -> None:
    with pytest.raises(SweepError, match="cannot differ") as err:
        build_sweep(small, grid([(path, [value])]))
    assert hint in err.value.line()


# ----------------------------------------------------------------------- statistics


def test_unpaired_difference_is_welchs_interval() -> None:
    """The independent-streams branch must equal scipy's Welch interval (to rounding)."""
    from scipy import stats

    x = [12.1, 14.3, 11.8, 15.0, 13.2]
    base = [10.0, 10.9, 9.7, 11.5]
    welch = difference(list(base), list(x), common_numbers=False)
    ref = stats.ttest_ind(x, base, equal_var=False).confidence_interval(0.95)
    assert welch.mean == pytest.approx(np.mean(x) - np.mean(base), rel=1e-12)
    assert welch.ci95 == pytest.approx((ref.low, ref.high), rel=1e-12)
    # Welch differs from the pooled-variance interval on unequal variances: a real check.
    pooled = stats.ttest_ind(x, base, equal_var=True).confidence_interval(0.95)
    assert welch.ci95 is not None and welch.ci95[0] != pytest.approx(pooled.low, rel=1e-6)
    paired = difference(base, x[:4], common_numbers=True)
    d = [a - b for a, b in zip(x[:4], base, strict=True)]
    assert paired.ci95 == t_interval(d) and paired.mean == pytest.approx(np.mean(d))


class Reversed(Executor):
    """Serial, in reverse order: every other variant completes before the baseline."""

    def run(self, works: Iterable[Work]) -> Iterator[Outcome]:
        for w in reversed(list(works)):
            yield replicate(w)

    def close(self) -> None:
        pass


def test_cached_rows_match_a_fresh_computation_in_any_order(
    small: Scenario, tmp_path: Path
) -> None:
    """Rows are cached as variants complete; those done before the baseline are redone."""
    sweep = build_sweep(small, grid([(UNITS, [1, 2, 3])]))
    out = tmp_path / "r.csv"
    cached = run_sweep(sweep, Reversed(), out=out)
    fresh = run_sweep(sweep, SerialExecutor())
    assert cached.rows == fresh.rows
    written = pd.read_csv(out)
    assert written["vs_baseline.response_min.p90"].notna().all()
    assert cached.summary("units=3") == fresh.summary("units=3")
    doc = json.loads(out.with_suffix(".json").read_text())
    assert [v["row"] for v in doc["variants"]] == [
        json.loads(json.dumps(r.flat())) for r in fresh.rows
    ]


# ------------------------------------------------------------- resume at the very end


def test_resume_of_a_finished_sweep_has_nothing_to_do(small: Scenario, tmp_path: Path) -> None:
    sweep = build_sweep(small, grid([(UNITS, [1, 2])]))
    out = tmp_path / "r.csv"
    run_sweep(sweep, SerialExecutor(), out=out)
    before = out.read_bytes(), out.with_suffix(".json").read_bytes()
    with pytest.raises(NothingToDo, match="nothing to do"):
        run_sweep(sweep, StopAfter(0), out=out, resume=True)  # would run nothing anyway
    assert (out.read_bytes(), out.with_suffix(".json").read_bytes()) == before
    other = build_sweep(small, grid([(UNITS, [1, 3])]))
    with pytest.raises(SweepError, match="nothing can be resumed"):
        run_sweep(other, SerialExecutor(), out=out, resume=True)  # another sweep's results


def test_a_kill_after_the_last_write_resumes(
    small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between writing the complete results and deleting the journal."""
    from sim.sweep import journal as journal_module

    sweep = build_sweep(small, grid([(UNITS, [1, 2])]))
    out = tmp_path / "r.csv"

    def killed(self: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(journal_module.Journal, "discard", killed)
        with pytest.raises(KeyboardInterrupt):
            run_sweep(sweep, SerialExecutor(), out=out)
    assert journal_path(out).exists()
    whole = out.read_bytes()
    done = StopAfter(0)  # nothing may run again
    result = run_sweep(sweep, done, out=out, resume=True)
    assert result.complete and result.ran == 0 and done.ran == []
    assert out.read_bytes() == whole and not journal_path(out).exists()


def test_a_kill_during_a_write_leaves_no_temporary_file_behind(
    small: Scenario, tmp_path: Path
) -> None:
    """A writer killed mid-write leaves .NAME.<pid>.tmp; the next write removes it."""
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    out = tmp_path / "r.csv"
    stale = tmp_path / f".r.csv.{int(dead.stdout)}.tmp"
    stale.write_text("half a file")
    run_sweep(build_sweep(small, grid([(UNITS, [1])])), SerialExecutor(), out=out)
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json"]
