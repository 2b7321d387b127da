"""Staffing sweeps: variants of a scenario, run with common random numbers, stored as they finish.

A *variant* is a set of values at dotted scenario paths (``teams.community.shifts.0.units``).
Variants come from ``--vary PATH=VALUES`` (several make a grid) or a sweep file. Every variant
is validated before anything runs. All variants share the seed, and random streams are keyed
by name, so variant k's replication i sees exactly the calls of the baseline's replication i:
differences from the baseline are paired, and their intervals are tight.

Results are journaled one replication at a time beside the results file, and the table (one
row per variant) is rewritten atomically whenever a variant completes. ``resume=True`` reads
the journal back and runs only what is missing; the journal's header holds a hash of the sweep
(scenario, settings, variants) so results from a different sweep are never mixed in. Once every
variant is written the journal is deleted: the results file then holds everything.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import itertools
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.table import Table
from scipy import stats

from sim.errors import ScenarioError, SimError
from sim.executors import Executor, Task
from sim.experiment import ReplicationResult, check_measure, measure
from sim.frontier import is_cost, is_share
from sim.metrics import SCHEMA_VERSION, Summary, combine, t_interval
from sim.output import check_writable, write_atomic, write_text
from sim.scenario import Scenario, dumps, to_dict, with_overrides

JOURNAL_VERSION = 1
FILE_KEYS = ("baseline", "grid", "variants")
# Run settings a variant may not change: each has its own option, and a different seed or
# replication count per variant would break the pairing of common random numbers.
FIXED_SETTINGS = {
    "scenario.replications": "use --replications for every variant",
    "scenario.seed": "use --seed for every variant (or --independent for unpaired streams)",
    "scenario.name": "name variants in a sweep file's [[variants]] instead",
}


class SweepError(SimError):
    """A sweep that cannot be defined, resumed or written."""


# ------------------------------------------------------------------------------ values


def parse_value(text: str) -> Any:
    """One value with TOML literal semantics (3 → int, 3.0 → float, true, "x", [1, 2]).

    A bare word that is not TOML (``07:00``, ``mon-fri``) is taken as a string, since shells
    eat the quotes a user would type around it.
    """
    text = text.strip()
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if not text:
            raise SweepError("empty value", hint="give a value after '='") from None
        return text


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets, braces and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


_RANGE = re.compile(r"^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*(?::\s*([\d.eE+-]+))?\s*$")


def parse_values(text: str) -> list[Any]:
    """``1..6`` (inclusive), ``0.5..2.0:0.5`` (with a step), ``1,2,4`` or one value."""
    m = _RANGE.match(text)
    if m is None:
        return [parse_value(p) for p in _split_top(text)]
    lo, hi = parse_value(m[1]), parse_value(m[2])
    step = parse_value(m[3]) if m[3] else 1
    nums = (lo, hi, step)
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in nums):
        raise SweepError(f"range '{text}' needs numbers", hint="e.g. 1..6 or 0.5..2.0:0.5")
    if step <= 0 or hi < lo:
        raise SweepError(
            f"range '{text}' is empty", hint="write low..high with a positive step, e.g. 1..6:1"
        )
    n = math.floor((hi - lo) / step + 1e-9) + 1
    if n > 10_000:
        raise SweepError(f"range '{text}' has {n} values", hint="use a larger step")
    if all(isinstance(x, int) for x in nums):
        return [lo + i * step for i in range(n)]
    return [round(lo + i * step, 12) for i in range(n)]


def parse_vary(spec: str) -> tuple[str, list[Any]]:
    """``PATH=VALUES`` from ``--vary`` → (path, values)."""
    path, eq, values = spec.partition("=")
    if not eq or not path.strip() or not values.strip():
        raise SweepError(
            "should be PATH=VALUES",
            where=f"--vary {spec}",
            hint="e.g. --vary teams.community.shifts.0.units=1..6",
        )
    try:
        return path.strip(), parse_values(values)
    except SweepError as err:
        raise SweepError(err.what, where=f"--vary {spec}", hint=err.hint) from None


def show(value: Any) -> str:
    """A value as a user would type it in a name or a table cell."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


# ---------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    """A named set of values at dotted scenario paths."""

    name: str
    overrides: dict[str, Any]


def _short_names(paths: Sequence[str]) -> dict[str, str]:
    """The shortest tail of each path that tells it apart from the others (for names)."""
    out = {}
    for path in paths:
        parts = path.split(".")
        for k in range(1, len(parts) + 1):
            tail = ".".join(parts[-k:])
            clash = any(p != path and ("." + p).endswith("." + tail) for p in paths)
            if not clash and not parts[-k].isdigit():
                break
        out[path] = tail
    return out


def grid(axes: Sequence[tuple[str, Sequence[Any]]]) -> list[Variant]:
    """Every combination of the axes' values, named like ``units=3, end=19:00``."""
    if not axes:  # itertools.product() of nothing is one empty variant: a silent no-op sweep
        raise SweepError(
            "nothing to vary", hint="add --vary PATH=VALUES or --file SWEEP.toml (see README)"
        )
    paths = [p for p, _ in axes]
    dup = [p for p in paths if paths.count(p) > 1]
    if dup:
        raise SweepError(f"'{dup[0]}' is varied twice", hint="give each path once")
    short = _short_names(paths)
    variants = []
    for combo in itertools.product(*(values for _, values in axes)):
        overrides = dict(zip(paths, combo, strict=True))
        name = ", ".join(f"{short[p]}={show(v)}" for p, v in overrides.items())
        variants.append(Variant(name, overrides))
    return variants


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables → dotted paths; a distribution table ({dist = …}) is one value."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and "dist" not in value:
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


@dataclass(frozen=True)
class SweepSpec:
    """What a sweep file or the ``--vary`` options define."""

    variants: list[Variant]
    baseline: str | None = None


def load_sweep_file(path: Path) -> SweepSpec:
    """A sweep file: ``[grid]`` of path → values, or ``[[variants]]`` with a name and values.

    ``baseline = "NAME"`` at the top picks the variant others are compared with.
    """
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise SweepError(f"cannot read the sweep file ({err})", where=where) from None
    except tomllib.TOMLDecodeError as err:
        raise SweepError(f"not valid TOML ({err})", where=where) from None
    unknown = [k for k in data if k not in FILE_KEYS]
    if unknown:
        near = difflib.get_close_matches(unknown[0], FILE_KEYS, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"keys are: {', '.join(FILE_KEYS)}"
        raise SweepError("unknown key", where=f"{where}: {unknown[0]}", hint=hint)
    if ("grid" in data) == ("variants" in data):
        raise SweepError(
            "give either [grid] or [[variants]]", where=where, hint="see README: Sweeps"
        )
    baseline = data.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise SweepError("should be a variant's name", where=f"{where}: baseline")
    if "grid" in data:
        axes_in = _flatten(data["grid"]) if isinstance(data["grid"], dict) else {}
        if not axes_in:
            raise SweepError(
                "should be a table of path = [values]",
                where=f"{where}: grid",
                hint='e.g. [grid] then teams.community.shifts.0.units = "1..6"',
            )
        axes = []
        for key, values in axes_in.items():
            if isinstance(values, str):
                values = parse_values(values)
            if not isinstance(values, list) or not values:
                raise SweepError(
                    "should be a list of values or a range string",
                    where=f"{where}: grid.{key}",
                    hint='e.g. [1, 2, 4] or "1..6"',
                )
            axes.append((key, values))
        return SweepSpec(grid(axes), baseline)
    variants = []
    for i, entry in enumerate(data["variants"] if isinstance(data["variants"], list) else [0]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise SweepError(
                'each [[variants]] needs name = "..." and its values',
                where=f"{where}: variants.{i}",
            )
        overrides = _flatten({k: v for k, v in entry.items() if k != "name"})
        variants.append(Variant(entry["name"], overrides))
    return SweepSpec(variants, baseline)


# ------------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class Sweep:
    """Validated variants of one scenario, the baseline, and the measures reported."""

    scenario: Scenario
    variants: tuple[Variant, ...]
    scenarios: dict[str, Scenario]
    baseline: str
    measures: tuple[str, ...]
    crn: bool = True
    texts: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def replications(self) -> int:
        return self.scenario.scenario.replications

    @property
    def parameters(self) -> list[str]:
        """Every varied path, in order of first appearance."""
        return list(dict.fromkeys(p for v in self.variants for p in v.overrides))

    @functools.cached_property
    def _base_dict(self) -> dict[str, Any]:
        """The scenario as a dict, made once (it is read for every row and the key)."""
        return to_dict(self.scenario)

    @functools.cached_property
    def _key(self) -> str:
        doc = {
            "scenario": self._base_dict,
            "variants": [[v.name, v.overrides] for v in self.variants],
            "crn": self.crn,
        }
        text = json.dumps(doc, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def key(self) -> str:
        """A hash of everything that decides the numbers (resume checks it)."""
        return self._key

    def value(self, variant: Variant, path: str) -> Any:
        """A variant's value at a varied path (the scenario's own where it is not varied)."""
        if path in variant.overrides:
            return variant.overrides[path]
        return _lookup(self._base_dict, path)

    def order(self) -> list[str]:
        """Variant names, the baseline first (its results are needed for every difference)."""
        names = [v.name for v in self.variants]
        return [self.baseline, *(n for n in names if n != self.baseline)]


def default_measures(scn: Scenario) -> list[str]:
    """The measures in every results row: response, wait, utilization per team, cost."""
    out = ["response_min.mean", "response_min.p90", "wait_min.mean"]
    if any(ct.community_eligible for ct in scn.call_types.values()):
        out.append("eligible.response_min.p90")
    out += [f"teams.{t}.utilization" for t in scn.teams]
    return [*out, "cost.per_year"]


def build_sweep(
    scn: Scenario,
    variants: Sequence[Variant],
    *,
    baseline: str | None = None,
    measures: Iterable[str] = (),
    crn: bool = True,
) -> Sweep:
    """Validate every variant (and the baseline and measures) before anything runs."""
    if not variants:
        raise SweepError("no variants", hint="add --vary PATH=VALUES or a sweep file")
    names = [v.name for v in variants]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise SweepError(f"two variants are named '{dup}'", hint="give each a different name")
    for v in variants:
        fixed = next((p for p in v.overrides if p in FIXED_SETTINGS), None)
        if fixed is not None:
            raise SweepError(
                f"'{fixed}' cannot differ between variants",
                where=f"variant '{v.name}'",
                hint=FIXED_SETTINGS[fixed],
            )
    if baseline is None:
        baseline = names[0]
    elif baseline not in names:
        near = difflib.get_close_matches(baseline, names, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"variants: {', '.join(names[:8])}"
        raise SweepError(f"'{baseline}' is not a variant", where="--baseline", hint=hint)
    scenarios = {}
    for k, v in enumerate(variants):
        changes = dict(v.overrides)
        if not crn:  # independent streams: each variant its own seed
            changes["scenario.seed"] = scn.scenario.seed + 1_000_003 * k
        try:
            scenarios[v.name] = with_overrides(scn, changes, source=f"variant '{v.name}'")
        except ScenarioError as err:
            where = err.where or f"variant '{v.name}'"
            raise SweepError(err.what, where=where, hint=err.hint) from None
    wanted = [*default_measures(scn), *measures]
    checked = [check_measure(scn, m, where="--frontier") for m in dict.fromkeys(wanted)]
    return Sweep(
        scenario=scn,
        variants=tuple(variants),
        scenarios=scenarios,
        baseline=baseline,
        measures=tuple(checked),
        crn=crn,
        texts={name: dumps(s) for name, s in scenarios.items()},
    )


# --------------------------------------------------------------------- journal (resume)


def journal_path(out: Path) -> Path:
    """The journal beside a results file: one line per finished replication."""
    return out.with_name(out.name + ".journal")


def json_path(out: Path) -> Path:
    """The JSON written beside a CSV or Parquet results file."""
    return out if out.suffix.lower() == ".json" else out.with_suffix(".json")


def _result_from(line: dict[str, Any]) -> ReplicationResult:
    return ReplicationResult(
        variant=line["variant"],
        replication=int(line["replication"]),
        summary=Summary.model_validate(line["summary"]),
        extra=line["extra"],
    )


class Journal:
    """Finished replications of one sweep, appended and flushed one line at a time."""

    def __init__(self, sweep: Sweep, out: Path | None, resume: bool) -> None:
        self.sweep = sweep
        self.done: dict[str, dict[int, ReplicationResult]] = {v.name: {} for v in sweep.variants}
        self.path = journal_path(out) if out is not None else None
        if resume and out is None:
            raise SweepError("--resume needs the results file", hint="give -o/--out PATH")
        if out is None or self.path is None:
            return
        if self.path.exists():
            header, lines = self._read()
            if resume and header.get("version") != JOURNAL_VERSION:
                raise SweepError(
                    f"the journal {self.path.name} was written by another version of sim "
                    f"(journal version {header.get('version')}; this version reads "
                    f"{JOURNAL_VERSION})",
                    where=str(out),
                    hint="rerun without --resume to start again",
                )
            same = header.get("sweep") == sweep.key()
            if resume and not same:
                raise SweepError(
                    "these results are from a different sweep (scenario, settings or variants "
                    "differ)",
                    where=str(out),
                    hint="rerun without --resume to replace them, or choose another -o",
                )
            if same and resume:
                for line in lines:
                    self.done[line.variant][line.replication] = line
            elif same and len(lines) < sweep.replications * len(sweep.variants):
                raise SweepError(
                    f"an unfinished run of this sweep is saved here ({len(lines)} replications)",
                    where=str(out),
                    hint="add --resume to finish it, or delete the file and its .journal",
                )
        elif resume and out.exists():
            raise SweepError(
                f"no journal ({self.path.name}) beside the results, so nothing can be resumed",
                where=str(out),
                hint="rerun without --resume",
            )
        if not resume or not self.path.exists():
            header_line = {"sweep": sweep.key(), "version": JOURNAL_VERSION}
            write_text(self.path, json.dumps(header_line) + "\n")
        self._file = self.path.open("a", encoding="utf-8")

    def _read(self) -> tuple[dict[str, Any], list[ReplicationResult]]:
        """The header and the finished replications (a torn last line is ignored)."""
        assert self.path is not None
        text = self.path.read_text(encoding="utf-8").splitlines()
        try:
            header = json.loads(text[0]) if text else {}
        except json.JSONDecodeError:
            header = {}
        out, seen = [], set()
        for raw in text[1:]:
            try:
                result = _result_from(json.loads(raw))
            except (json.JSONDecodeError, KeyError, ValueError):
                continue  # a process killed mid-write: that replication runs again
            key = (result.variant, result.replication)
            if result.variant in self.done and key not in seen:
                seen.add(key)
                out.append(result)
        return header, out

    def add(self, result: ReplicationResult) -> None:
        self.done[result.variant][result.replication] = result
        if self.path is None:
            return
        line = {
            "variant": result.variant,
            "replication": result.replication,
            "summary": result.summary.model_dump(mode="json"),
            "extra": result.extra,
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


# ------------------------------------------------------------------------ results rows


def _values(reps: Sequence[ReplicationResult], name: str) -> list[float | None]:
    return [measure(r, name) for r in sorted(reps, key=lambda r: r.replication)]


def _diff_interval(
    x: list[float | None], base: list[float | None], paired: bool
) -> tuple[float | None, tuple[float, float] | None]:
    """Mean difference from the baseline and its 95% t-interval.

    Paired (common random numbers): the interval of the per-replication differences. Not
    paired: Welch's interval for two independent samples.
    """
    if paired:
        d = [a - b for a, b in zip(x, base, strict=True) if a is not None and b is not None]
        return (float(np.mean(d)), t_interval(d)) if d else (None, None)
    xs = [a for a in x if a is not None]
    bs = [b for b in base if b is not None]
    if len(xs) < 2 or len(bs) < 2:
        mean = float(np.mean(xs) - np.mean(bs)) if xs and bs else None
        return mean, None
    res = stats.ttest_ind(xs, bs, equal_var=False)
    ci = res.confidence_interval(0.95)
    return float(np.mean(xs) - np.mean(bs)), (float(ci.low), float(ci.high))


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else show(value)


def variant_row(
    sweep: Sweep,
    variant: Variant,
    reps: Sequence[ReplicationResult],
    base: Sequence[ReplicationResult] | None,
) -> dict[str, Any]:
    """One results row: parameters, each measure's mean and interval, and vs the baseline."""
    row: dict[str, Any] = {"variant": variant.name}
    for p in sweep.parameters:
        row[p] = _cell(sweep.value(variant, p))
    row["replications"] = len(reps)
    for m in sweep.measures:
        vals = [v for v in _values(reps, m) if v is not None]
        ci = t_interval(vals)
        row[m] = float(np.mean(vals)) if vals else None
        row[f"{m}.lo"], row[f"{m}.hi"] = ci if ci else (None, None)
    for m in sweep.measures:
        mean, ci = (None, None)
        if base is not None:
            mean, ci = _diff_interval(_values(reps, m), _values(base, m), sweep.crn)
        row[f"vs_baseline.{m}"] = mean
        row[f"vs_baseline.{m}.lo"], row[f"vs_baseline.{m}.hi"] = ci if ci else (None, None)
    return row


def _lookup(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data.get(key)
    return data


@dataclass
class SweepResult:
    """Rows for the finished variants, and every finished replication."""

    sweep: Sweep
    rows: list[dict[str, Any]]
    reps: dict[str, list[ReplicationResult]]
    complete: bool
    ran: int = 0  # replications run by this call (the rest came from the journal)
    summaries: dict[str, Summary] = field(default_factory=dict, repr=False)
    entries: dict[str, str] = field(default_factory=dict, repr=False)

    def summary(self, variant: str) -> Summary:
        """The across-replication summary of one finished variant (combined once)."""
        if variant not in self.summaries:
            scn = self.sweep.scenarios[variant]
            reps = sorted(self.reps[variant], key=_rep)
            self.summaries[variant] = combine(scn, [r.summary for r in reps])
        return self.summaries[variant]

    def entry_text(self, row: dict[str, Any]) -> str:
        """One variant's JSON entry, serialized once (it is most of the file's text).

        Indented as at depth 2 of the results document (``variants`` list item, indent 1).
        """
        name = row["variant"]
        if name not in self.entries:
            entry = {
                "name": name,
                "overrides": next(v.overrides for v in self.sweep.variants if v.name == name),
                "row": row,
                "summary": self.summary(name).model_dump(mode="json"),
            }
            self.entries[name] = json.dumps(entry, indent=1, default=str).replace("\n", "\n  ")
        return self.entries[name]


def _rep(r: ReplicationResult) -> int:
    return r.replication


class _Rows:
    """Rows and summaries of completed variants, each computed once as its variant completes.

    A finished variant's numbers never change, so rewriting the results after each variant
    costs one new row, not the whole table again. The one exception: rows finished before the
    baseline lack their difference from it, and are redone once the baseline completes.
    """

    def __init__(self, sweep: Sweep, journal: Journal) -> None:
        self.sweep, self.journal = sweep, journal
        self.rows: dict[str, tuple[dict[str, Any], bool]] = {}  # name → (row, had baseline)
        self.summaries: dict[str, Summary] = {}
        self.entries: dict[str, str] = {}  # name → JSON text of the variant's entry

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
                self.entries.pop(v.name, None)  # its row changed: serialize it again
        rows = [self.rows[v.name][0] for v in sweep.variants if v.name in self.rows]
        reps = {n: list(d.values()) for n, d in journal.done.items()}
        return SweepResult(
            sweep,
            rows,
            reps,
            complete=len(rows) == len(sweep.variants),
            ran=ran,
            summaries=self.summaries,  # shared: each variant is combined once
            entries=self.entries,  # … and serialized once
        )


def result_rows(sweep: Sweep, journal: Journal) -> list[dict[str, Any]]:
    """Rows of the variants that have every replication, in the sweep's order."""
    return _Rows(sweep, journal).snapshot(0).rows


def write_results(result: SweepResult, out: Path) -> None:
    """The table as CSV or Parquet (by suffix) plus JSON, each written atomically."""
    frame = pd.DataFrame(result.rows)
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        write_atomic(out, lambda tmp: frame.to_parquet(tmp, index=False))
    elif suffix != ".json":
        write_atomic(out, lambda tmp: frame.to_csv(tmp, index=False))
    sweep = result.sweep
    head = {
        "schema_version": SCHEMA_VERSION,
        "kind": "sweep",
        "sweep": sweep.key(),
        "scenario": sweep.scenario.scenario.name,
        "seed": sweep.scenario.scenario.seed,
        "replications": sweep.replications,
        "common_random_numbers": sweep.crn,
        "baseline": sweep.baseline,
        "parameters": sweep.parameters,
        "measures": list(sweep.measures),
        "complete": result.complete,
        "variants": [],
    }
    text = json.dumps(head, indent=1, default=str)
    if result.rows:  # the same text json.dumps(doc, indent=1) gives, from cached variant parts
        entries = ",\n  ".join(result.entry_text(row) for row in result.rows)
        text = text.removesuffix("[]\n}") + f"[\n  {entries}\n ]\n}}"
    write_text(json_path(out), text)


def check_output(out: Path) -> None:
    """Fail before any work if the results cannot be written where asked (run_sweep calls it)."""
    if out.suffix.lower() not in (".csv", ".parquet", ".json"):
        raise SweepError(
            "results must be .csv, .parquet or .json", where=str(out), hint="change the suffix"
        )
    check_writable(out)


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
    is deleted once the final results are written.
    """
    if out is not None:
        check_output(out)
    journal = Journal(sweep, out, resume)
    rows = _Rows(sweep, journal)
    total = sweep.replications * len(sweep.variants)
    ran = 0
    try:
        if on_result:
            on_result(journal.count(), total)
        for result in executor.run(_tasks(sweep, journal)):
            journal.add(result)
            ran += 1
            if on_result:
                on_result(journal.count(), total)
            if out is not None and journal.complete(result.variant):
                write_results(rows.snapshot(ran), out)
        final = rows.snapshot(ran)
        if out is not None:
            write_results(final, out)
            if final.complete:
                journal.discard()
        return final
    finally:
        journal.close()


def _tasks(sweep: Sweep, journal: Journal) -> Iterator[Task]:
    for name in sweep.order():
        for r in range(sweep.replications):
            if r not in journal.done[name]:
                yield Task(name, sweep.texts[name], r)


# ----------------------------------------------------------------------------- table


def short_label(measure: str) -> str:
    """A column header a terminal can fit: 'teams.police.utilization' → 'police utilization'."""
    parts = [p.removesuffix("_min") for p in measure.split(".")]
    if parts[0] in ("teams", "call_types") and len(parts) > 2:
        parts = parts[1:]
    return " ".join(parts)


def _fmt(value: Any, name: str) -> str:
    if value is None:
        return "–"
    if is_share(name):
        return f"{value:.0%}"
    if is_cost(name):
        return f"${value / 1e6:,.2f}M"
    return f"{value:.1f}"


def _signed(mean: Any, lo: Any, hi: Any, name: str) -> str:
    """'+4.9 ± 2.2': a paired t-interval is symmetric about the mean difference."""
    if mean is None:
        return "–"
    half = None if lo is None or hi is None else (hi - lo) / 2
    if is_cost(name):
        text = f"{mean / 1e3:+,.0f}k"
        return text if half is None else f"{text} ± {half / 1e3:,.0f}k"
    if is_share(name):
        text = f"{mean * 100:+.1f} pt"
        return text if half is None else f"{text} ± {half * 100:.1f}"
    return f"{mean:+.1f}" if half is None else f"{mean:+.1f} ± {half:.1f}"


def _is_service(measure: str) -> bool:
    """A measure of the service callers get (not of a team's workload or of cost)."""
    return not measure.startswith(("teams.", "cost"))


def sweep_table(result: SweepResult, measures: Sequence[str] | None = None) -> Table:
    """One row per variant: a few measures, cost, and the paired differences from the baseline."""
    sweep = result.sweep
    # The columns: the measures asked for, then the default service measures after the mean
    # (per-team utilization and cost have their own columns or are in the results file).
    service = [m for m in sweep.measures if _is_service(m) and m != "response_min.mean"]
    shown = [m for m in dict.fromkeys([*(measures or []), *service]) if not is_cost(m)][:2]
    table = Table(
        title=f"{sweep.scenario.scenario.name}: {len(sweep.variants)} variants × "
        f"{sweep.replications} replications"
        + (", common random numbers" if sweep.crn else ", independent random numbers")
        + "; differences from the baseline with 95% intervals",
        title_justify="left",
    )
    table.add_column("variant", no_wrap=True)
    for m in shown:
        table.add_column(short_label(m), justify="right")
    table.add_column("cost/year", justify="right")
    table.add_column(f"Δ {short_label(shown[0])}", justify="right")
    table.add_column("Δ cost/year, $", justify="right")
    for row in result.rows:
        d, c = f"vs_baseline.{shown[0]}", "vs_baseline.cost.per_year"
        is_base = row["variant"] == sweep.baseline
        table.add_row(
            row["variant"],
            *(_fmt(row[m], m) for m in shown),
            _fmt(row["cost.per_year"], "cost"),
            "baseline" if is_base else _signed(row[d], row[f"{d}.lo"], row[f"{d}.hi"], shown[0]),
            "" if is_base else _signed(row[c], row[f"{c}.lo"], row[f"{c}.hi"], "cost"),
        )
    return table


__all__ = [
    "Journal",
    "Sweep",
    "SweepError",
    "SweepResult",
    "SweepSpec",
    "Variant",
    "build_sweep",
    "default_measures",
    "grid",
    "load_sweep_file",
    "parse_value",
    "parse_values",
    "parse_vary",
    "run_sweep",
    "sweep_table",
    "write_results",
]
