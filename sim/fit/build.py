"""From a calls-for-service export to a scenario file: ``sim fit``.

The pipeline is read → clean → categorize (``sim.data``) → fit arrivals and durations
(this package) → a police-only baseline scenario, written as commented TOML. The scenario
holds aggregates only (rates, 168 shape factors, distribution parameters) and records where
they came from (file name, SHA-256, window, rows used) so it can be shared without the data.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.analytic import square_root_staffing
from sim.data import (
    CleanConfig,
    CleaningReport,
    ColumnMapping,
    Taxonomy,
    UnmappedReport,
    categorize,
    clean_calls,
    intervals,
    load_taxonomy,
    read_calls,
)
from sim.data.ingest import Provenance as IngestProvenance
from sim.errors import DataError
from sim.fit.arrivals import ArrivalFit, Window, data_window, fit_arrivals
from sim.fit.assumed import availability_note
from sim.fit.borrow import Borrowed
from sim.fit.durations import (
    MIN_EMPIRICAL,
    MIN_FIT,
    DurationFit,
    fit_by_category,
    fit_sample,
    round_sig,
)
from sim.fit.handling import handling_minutes
from sim.fit.options import (
    DEFAULT_PRIORITY,
    OTHER_ACTIVITY,
    OTHER_NAMES,
    OTHER_ORIGIN,
    FitOptions,
)
from sim.fit.priority import priority_mix, urgency_warning
from sim.fit.render import render_scenario
from sim.fit.report import (
    REPORT_MAX_CHARS,
    REPORT_MIN_CALLS,
    CategoryReport,
    DurationReport,
    FitReport,
)
from sim.fit.staffing import busy_intervals, estimate_units, week_start
from sim.program import Program, apply_program, eligible_categories
from sim.scenario import Scenario, from_dict

MIN_CALLS = 30
RAW_TYPES = 10
"""The catch-all category records this many of its largest raw call types."""
"""Fewer calls than this after cleaning cannot support a fitted scenario."""
STAFFING_BETA = 1.0
"""Square-root staffing β for the baseline: about 1 call in 4 waits at the peak (Halfin–Whitt)."""
FITTED_WITH = "sim fit 0.1 (sim.fit)"


@dataclass(frozen=True)
class Prepared:
    """A cleaned, categorized calls table and the reports of how it was made."""

    table: pd.DataFrame
    travel_from: Literal["dispatched", "enroute"]
    received_is_proxy: bool
    provenance: IngestProvenance | None
    cleaning: CleaningReport | None
    unmapped: UnmappedReport | None
    taxonomy: Taxonomy


@dataclass(frozen=True)
class FitResult:
    """The fitted scenario, its commented TOML text, and the report."""

    scenario: Scenario
    text: str
    report: FitReport


def prepare(
    path: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
    options: FitOptions | None = None,
) -> Prepared:
    """Read, clean and categorize an export (the stages shared by fit and replay)."""
    options = options or FitOptions()
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    ingest = read_calls(path, mapping)
    activity = options.activity()
    config = CleanConfig(
        drop_officer_initiated=activity == "drop",
        drop_administrative=activity != "separate",
        start=options.start,
        end=options.end,
        agencies=options.agencies,
        cap_quantile=options.cap_quantile,
    )
    cleaned = clean_calls(ingest, config)
    table, unmapped = categorize(cleaned.table, tax)
    if activity == "public":
        table["origin"] = "public"
    for origin, (name, _) in OTHER_ACTIVITY.items():
        table.loc[(table["origin"] == origin).to_numpy(), "category"] = name
    return Prepared(table, ingest.travel_from, ingest.received_is_proxy, ingest.provenance,
                    cleaned.report, unmapped, tax)  # fmt: skip


def fit_calls(
    path: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    *,
    taxonomy: Taxonomy | str | Path | None = None,
    options: FitOptions | None = None,
    borrowed: Borrowed | None = None,
    program: Program | None = None,
    comments: Sequence[str] = (),
    call_type_comments: Mapping[str, Sequence[str]] | None = None,
) -> FitResult:
    """Fit a scenario from a calls-for-service export (see the module docstring)."""
    options = options or FitOptions()
    prepared = prepare(path, mapping, taxonomy, options)
    return fit_prepared(prepared, options, borrowed=borrowed, program=program,
                        comments=comments, call_type_comments=call_type_comments)  # fmt: skip


def fit_prepared(
    prepared: Prepared,
    options: FitOptions | None = None,
    *,
    borrowed: Borrowed | None = None,
    program: Program | None = None,
    comments: Sequence[str] = (),
    call_type_comments: Mapping[str, Sequence[str]] | None = None,
) -> FitResult:
    """Fit a scenario from a cleaned, categorized table (with a program applied, if given)."""
    options = options or FitOptions()
    table = prepared.table
    where = prepared.provenance.source_name if prepared.provenance else "calls table"
    if len(table) < MIN_CALLS:
        raise DataError(
            f"only {len(table)} calls left after cleaning, too few to fit a scenario "
            f"(need {MIN_CALLS})",
            where=where,
            hint="widen the date window or the agency filter",
        )
    if prepared.received_is_proxy:
        raise DataError(
            "this export has no call-received time (its 'received' stands in for another "
            "time), so arrival rates by hour cannot be fitted",
            where=where,
            hint="use it for durations only, or an export with call times",
        )
    fitter = _Fitter(prepared, options, borrowed, where)
    return fitter.build(comments, call_type_comments or {}, program)


class _Fitter:
    """One fit: the arrival and duration fits, then the scenario and report built from them."""

    def __init__(
        self, prepared: Prepared, options: FitOptions, borrowed: Borrowed | None, where: str
    ) -> None:
        self.p = prepared
        self.o = options
        self.borrowed = borrowed
        self.where = where
        self.table = prepared.table
        tax = prepared.taxonomy
        present = set(self.table["category"].astype(str))
        self.categories = [c for c in tax.categories if c in present]
        self.categories += sorted(present - set(self.categories))
        self.groups = {c: tax.group_of(c) for c in self.categories if c in tax.categories}
        start = pd.Timestamp(options.start) if options.start else None
        end = pd.Timestamp(options.end) if options.end else None
        self.window: Window = data_window(self.table["received"], start, end)
        self.iv = intervals(self.table, prepared.travel_from)
        origin = self.table.get("origin")
        everyone = np.ones(len(self.table), bool)
        self.public = everyone if origin is None else (origin == "public").to_numpy()
        self.week_start = week_start(self.window)
        self.units_est = None if options.police_units else estimate_units(self.table, self.window)
        by_hour: np.ndarray | None = None
        if self.units_est is not None:
            by_hour = self.units_est.hour_of_week()
        elif options.police_units:
            by_hour = np.full(168, options.police_units)
        busy = busy_intervals(self.table, self.week_start)
        handling = handling_minutes(self.table, self.public, busy, by_hour, self.week_start)
        self.iv["dispatch_delay_min"] = handling.minutes
        self.handling_method = handling.method
        self._other_work_on_scene()
        on_scene = self.iv["on_scene_min"][self.public].notna().sum()
        if self.borrowed is None and on_scene < MIN_EMPIRICAL:
            from sim.fit.library import library

            self.borrowed = library(options.role)  # the export shows no time on scene

    def _other_work_on_scene(self) -> None:
        """Other work's time on scene: its whole unit time less the team's mean travel.

        Officer-initiated activity is mostly on view (dispatched ≈ arrived), but the model
        adds the team's travel to every call, so its unit time (dispatch → clear) less the
        mean travel keeps its busy time's mean.
        """
        if self.public.all():
            return
        travel = self.travel()
        mean_travel = travel.mean if travel else 0.0
        start = self.table["dispatched"].fillna(self.table["arrived"])
        busy = (self.table["cleared"] - start).dt.total_seconds() / 60
        other = ~self.public
        self.iv.loc[other, "on_scene_min"] = (busy[other] - mean_travel).clip(lower=0)

    # ------------------------------------------------------------------------- fitting

    def arrivals(self) -> dict[str, ArrivalFit]:
        cat = self.table["category"].astype(str)
        rec = self.table["received"]
        return {c: fit_arrivals(rec[cat == c], self.window, self.o.smoothing)
                for c in self.categories}  # fmt: skip

    def samples(self, column: str) -> dict[str, np.ndarray]:
        cat = self.table["category"].astype(str)
        values = self.iv[column]
        return {c: values[cat == c].dropna().to_numpy() for c in self.categories}

    def durations(self, column: str) -> dict[str, DurationFit]:
        samples = self.samples(column)
        if sum(len(x) for x in samples.values()) == 0:
            return {}
        return fit_by_category(samples, self.groups)

    def travel(self) -> DurationFit | None:
        """Travel of calls from the public (other work is mostly on view, with none)."""
        x = self.iv["travel_min"][self.public].dropna().to_numpy()
        return fit_sample(x) if len(x) >= MIN_EMPIRICAL else None

    def travel_by_priority(self) -> dict[int, DurationFit]:
        """Travel per priority level (lights and sirens or not), where two or more levels
        have ``MIN_FIT`` travel times of their own; else nothing (one travel for all)."""
        prio = self.table["priority"]
        x = self.iv["travel_min"]
        ok = self.public & x.notna().to_numpy() & prio.notna().to_numpy()
        levels = prio[ok].astype(int).value_counts()
        levels = levels[levels >= MIN_FIT]
        if len(levels) < 2:
            return {}
        return {int(str(k)): fit_sample(x[ok & (prio == k).to_numpy()].to_numpy())
                for k in sorted(levels.index)}  # fmt: skip

    def by_agency(self) -> dict[str, DurationReport]:
        """On-scene fits per agency, keyed only by names common enough to report."""
        agency = self.table["agency"].astype("string").fillna("<none>")
        counts = agency.value_counts()
        if len(counts) < 2:
            return {}
        scene = self.iv["on_scene_min"]
        samples = {f"on_scene @ {_reportable(str(a))}": scene[agency == a].dropna().to_numpy()
                   for a, n in counts.items() if n >= REPORT_MIN_CALLS}  # fmt: skip
        fits = fit_by_category(samples)
        return {k: DurationReport.of(f) for k, f in fits.items()}

    def raw_types(self, category: str, most: int = RAW_TYPES) -> dict[str, int]:
        """The category's largest raw call types and their calls: aggregates of a code list
        (seen at least ``REPORT_MIN_CALLS`` times, names cut as the fit report cuts them), so
        the catch-all category says what falls outside the taxonomy; never free text."""
        mine = self.table.loc[self.table["category"].astype(str) == category, "call_type"]
        counts = mine.astype("string").value_counts()
        top: dict[str, int] = {}
        for name, n in counts.items():
            if n >= REPORT_MIN_CALLS and len(top) < most:
                key = _reportable(str(name))
                top[key] = top.get(key, 0) + int(n)
        return top

    def priority(self, category: str) -> tuple[int | dict[int, float], str]:
        """The observed level or mix; other work after every call from the public."""
        if category in OTHER_NAMES:
            levels = self.table.loc[self.public, "priority"].dropna()
            public = [DEFAULT_PRIORITY.get(c, 3) for c in self.categories]
            low = int(max(levels.max() if len(levels) else 0, *public)) + 1
            return low, "after every call from the public (an officer starts it when free)"
        prio = self.table.loc[self.table["category"].astype(str) == category, "priority"]
        mix = priority_mix(prio)
        if mix is not None:
            return mix, f"data ({'mix of ' if isinstance(mix, dict) else ''}{prio.notna().sum():,})"
        return DEFAULT_PRIORITY.get(category, 3), "default for the category"

    # ------------------------------------------------------------------------- building

    def build(
        self,
        comments: Sequence[str],
        ct_comments: Mapping[str, Sequence[str]],
        program: Program | None = None,
    ) -> FitResult:
        arrivals = self.arrivals()
        on_scene = self.durations("on_scene_min")
        delay = self.durations("dispatch_delay_min")
        travel = self.travel()
        team = self.o.team
        travel_spec, travel_note = self._travel_spec(travel)
        by_priority = self.travel_by_priority()
        if by_priority:
            travel_note += "; by priority " + "; ".join(
                f"{k}: {f.note}, mean {f.mean:.1f}" for k, f in by_priority.items()
            )
        call_types: dict[str, Any] = {}
        reports: list[CategoryReport] = []
        notes: dict[str, list[str]] = {}
        own = self.samples("on_scene_min")
        for c in self.categories:
            a = arrivals[c]
            scene = self._on_scene_spec(c, on_scene)
            wait = self._delay_spec(c, delay)
            prio, prio_from = self.priority(c)
            cat = self.p.taxonomy.categories.get(c)
            entry: dict[str, Any] = {
                "label": cat.label if cat else c,
                "calls_per_day": round_sig(a.calls_per_day, 4),
                "hour_of_week": [round(float(v), 3) for v in a.hour_of_week],
                "daily_cv": round(a.daily_cv, 3),
                "priority": prio,
                "response": [{"team": team}],
                "dispatch_delay_min": wait.spec,
                "on_scene_min": {team: scene.spec},
            }
            if cat is not None:
                entry["community_eligible"] = cat.community_candidate
            if c == self.p.taxonomy.default_category:
                entry["raw_call_types"] = self.raw_types(c)
            origin = OTHER_ORIGIN.get(c, "public")
            if origin != "public":
                entry.update(label=OTHER_ACTIVITY[origin][1], origin=origin)
                entry["dispatch_delay_min"] = {"dist": "constant", "value": 0.0}
            call_types[c] = entry
            reports.append(
                CategoryReport(
                    category=c, calls=a.calls, calls_per_day=round(a.calls_per_day, 4),
                    smoothing=a.note, dispersion_index=_opt(a.dispersion_index),
                    overdispersion_p=_opt(a.overdispersion_p), daily_cv=round(a.daily_cv, 3),
                    priority=prio, priority_from=prio_from, origin=origin,
                    dispatch_delay=DurationReport.of(wait.fit) if wait.fit else None,
                    on_scene=DurationReport.of(scene.fit) if scene.fit else None,
                    on_scene_source=scene.source,
                    on_scene_own=(len(own[c]), round(float(own[c].mean()), 3))
                    if len(own[c]) else None,
                )
            )  # fmt: skip
            notes[c] = [*self._ct_note(c, a, scene, wait), *ct_comments.get(c, ())]
        assumed = self._assumed_officer_work(call_types, reports, notes)
        units, units_from = self._units(call_types, travel_spec)
        staffing: dict[str, Any] = {"units": units}
        if self.units_est is not None:
            staffing = {"shifts": self.units_est.shifts()}
        data = {
            "scenario": self._settings(),
            "teams": {
                team: {
                    **staffing,
                    "role": self.o.role,
                    "cost_per_unit_hour": self.o.cost_per_unit_hour,
                    "travel_min": travel_spec,
                    "travel_by_priority": {str(k): f.spec for k, f in by_priority.items()},
                    "label": self.o.team_label or f"{team} unit (fitted baseline)",
                }
            },
            "call_types": call_types,
        }
        scn = from_dict(data, source=f"scenario fitted from {self.where}")
        report = self._report(travel, units, units_from, reports)
        warning = urgency_warning(self.table.loc[self.public], DEFAULT_PRIORITY)
        if warning:
            report.notes.append(warning)
        extra_notes = []
        if self.units_est is None and self.o.police_units is None:
            extra_notes.append(availability_note(self.o.team))
        report.notes += [*assumed, *extra_notes]
        extra = list(comments) + ([f"WARNING: {warning}"] if warning else [])
        extra += [*(self.borrowed.lines if self.borrowed else ()), *extra_notes]
        if program is not None:
            scn = apply_program(scn, program, warn=report.notes.append)
            takes = ", ".join(eligible_categories(scn, program)) or "nothing"
            teams = ", ".join(program.teams)
            extra.append(f"Program applied: {program.name} (teams {teams}; takes {takes}).")
            extra += [f"Note: {n}" for n in report.notes]
        header = self._header(report, travel_note, units_from, extra)
        text = render_scenario(scn, header, notes)
        check_round_trip(text, scn)
        return FitResult(scn, text, report)

    def _assumed_officer_work(
        self, call_types: dict[str, Any], reports: list[CategoryReport],
        notes: dict[str, list[str]],
    ) -> list[str]:  # fmt: skip
        """Officer-initiated work assumed for a police export that holds none and shows no
        busy time (see :mod:`sim.fit.assumed`); the lines saying so."""
        from sim.fit.assumed import NAME, officer_call_type

        shows_busy = self.units_est is not None or self.o.police_units is not None
        if (not self.o.assume_officer_work or self.o.role != "police" or shows_busy
                or self.o.activity() != "separate" or NAME in call_types):  # fmt: skip
            return []
        level = self.priority(NAME)[0]
        assert isinstance(level, int)  # other work comes after every call from the public
        entry, report, lines = officer_call_type(call_types, self.o.team, level)
        call_types[NAME] = entry
        reports.append(report)
        notes[NAME] = lines
        return lines

    def _travel_spec(self, travel: DurationFit | None) -> tuple[dict[str, Any], str]:
        if travel is not None:
            return travel.spec, f"travel ({self.p.travel_from} → arrived): {travel.note}"
        if self.borrowed and self.borrowed.travel:
            return dict(self.borrowed.travel), f"travel borrowed: {self.borrowed.citation}"
        return {"dist": "constant", "value": 0.0}, (
            "travel: no arrival times in this export, so travel is 0 (response = wait)"
        )

    def _pick(self, c: str, fits: Mapping[str, DurationFit],
              lent: Mapping[str, dict[str, Any]] | None) -> _Spec | None:  # fmt: skip
        """Fitted (own or group), else borrowed, else the all-calls pool, else None."""
        fit = fits.get(c)
        if fit is not None and not fit.pooled_all:
            return _Spec(fit.spec, "fitted", fit.note, fit)
        found = self.borrowed.lookup(lent, c) if self.borrowed and lent is not None else None
        if found is not None and self.borrowed is not None:
            spec, is_default = found
            extra = f" ({self.borrowed.default_note}: it has no '{c}')" if is_default else ""
            return _Spec(spec, "borrowed", f"borrowed — {self.borrowed.citation}{extra}")
        if fit is not None:
            return _Spec(fit.spec, "pooled", fit.note, fit)
        return None

    def _on_scene_spec(self, c: str, fits: Mapping[str, DurationFit]) -> _Spec:
        picked = self._pick(c, fits, self.borrowed.on_scene if self.borrowed else None)
        if picked is not None:
            return picked
        if self.borrowed:
            has = ", ".join(k for k in self.borrowed.on_scene if k != "default") or "none"
            raise DataError(
                f"{self.borrowed.source} has no call type '{c}' (it has: {has})",
                where=self.where,
                hint="borrow from a scenario with that call type, or map the export's call "
                "types to its categories (--taxonomy)",
            )
        raise DataError(
            f"no on-scene times for category '{c}' (the export has no arrived and cleared "
            "times for it)",
            where=self.where,
            hint="borrow them from another scenario: sim fit … --durations-from CITY.toml",
        )

    def _delay_spec(self, c: str, fits: Mapping[str, DurationFit]) -> _Spec:
        picked = self._pick(c, fits, self.borrowed.dispatch_delay if self.borrowed else None)
        if picked is not None:
            return picked
        return _Spec({"dist": "constant", "value": 0.0}, "none",
                     "no dispatch times in the export (0)")  # fmt: skip

    def _ct_note(self, c: str, a: ArrivalFit, scene: _Spec, wait: _Spec) -> list[str]:
        disp = ("dispersion n/a (under 3 whole days)" if a.dispersion_index is None else
                f"daily-count dispersion {a.dispersion_index:.2f} (Poisson test p "
                f"{a.overdispersion_p:.2g}) → daily_cv {a.daily_cv:.3f}")  # fmt: skip
        return [f"{c}: {a.calls:,} calls, {a.calls_per_day:.2f}/day; {a.note}; {disp}",
                f"  on scene: {scene.note}", f"  dispatch delay: {wait.note}"]  # fmt: skip

    def _units(self, call_types: Mapping[str, Any], travel: dict[str, Any]) -> tuple[int, str]:
        if self.o.police_units is not None:
            return self.o.police_units, "given (--police-units)"
        if self.units_est is not None:
            return int(self.units_est.blocks.max()), self.units_est.note()
        from pydantic import TypeAdapter

        from sim.dists import Dist

        adapter: TypeAdapter[Any] = TypeAdapter(Dist)
        travel_mean = adapter.validate_python(travel).mean()
        load = np.zeros(168)
        for ct in call_types.values():
            busy = travel_mean + adapter.validate_python(ct["on_scene_min"][self.o.team]).mean()
            shape = np.asarray(ct["hour_of_week"]) / np.mean(ct["hour_of_week"])
            load += ct["calls_per_day"] / 1440.0 * shape * busy
        smooth = (np.roll(load, 1) + load + np.roll(load, -1)) / 3
        peak = float(smooth.max())
        units = square_root_staffing(max(peak, 1e-9), STAFFING_BETA)
        return units, (
            f"square-root staffing ⌈a + β√a⌉ with β = {STAFFING_BETA} on the peak offered load "
            f"a = {peak:.1f} busy units (3-hour mean at the busiest hour of the week), "
            "round the clock: the export has no dispatch and clear times to count units from"
        )

    def _settings(self) -> dict[str, Any]:
        prov = self.p.provenance
        source = prov.source_name if prov else "calls table"
        settings: dict[str, Any] = {
            "name": self.o.name or f"Fitted from {source}",
            "days": self.o.days,
            "warmup_days": self.o.warmup_days,
            "replications": self.o.replications,
            "seed": self.o.seed,
            "provenance": {
                "source": source,
                "sha256": prov.sha256 if prov else None,
                "date_start": str(self.window.start.date()),
                "date_end": str((self.window.end - pd.Timedelta(seconds=1)).date()),
                "rows_used": len(self.table),
                "fitted_with": FITTED_WITH,
                "notes": [
                    "aggregates only: rates, weekly shape factors and distribution parameters",
                    *(prov.notes if prov else ()),
                ],
            },
        }
        if self.o.population is not None:
            settings["population"] = self.o.population
        if self.o.response_target_min is not None:
            settings["response_target_min"] = self.o.response_target_min
        settings["provenance"] = {k: v for k, v in settings["provenance"].items() if v is not None}
        return settings

    def _report(self, travel: DurationFit | None, units: int, units_from: str,
                reports: list[CategoryReport]) -> FitReport:  # fmt: skip
        prov = self.p.provenance
        unmapped = self.p.unmapped.model_dump(mode="json") if self.p.unmapped else None
        if unmapped is not None:
            common = [t for t in unmapped["unmapped_types"] if t["calls"] >= REPORT_MIN_CALLS]
            unmapped["unmapped_types"] = [
                {**t, "call_type": _reportable(t["call_type"])} for t in common[:25]
            ]
            unmapped["unmapped_types_rule"] = (
                f"only types with ≥ {REPORT_MIN_CALLS} calls, cut to {REPORT_MAX_CHARS} characters"
            )
        return FitReport(
            source=prov.source_name if prov else "calls table",
            sha256=prov.sha256 if prov else None,
            rows_read=prov.rows_read if prov else len(self.table),
            calls_used=len(self.table),
            window_start=str(self.window.start),
            window_end=str(self.window.end),
            data_days=round(self.window.days(), 3),
            gap_days=[str(d.date()) for d in self.window.gap_days],
            cleaning=self.p.cleaning.model_dump(mode="json", exclude={"config"})
            if self.p.cleaning
            else None,
            categorization=unmapped,
            travel=DurationReport.of(travel) if travel else None,
            team=self.o.team,
            units=units,
            units_from=units_from,
            shifts=self.units_est.shifts() if self.units_est else [],
            call_types=reports,
            by_agency=self.by_agency(),
        )

    def _header(self, report: FitReport, travel_note: str, units_from: str,
                extra: Sequence[str]) -> list[str]:  # fmt: skip
        prov = self.p.provenance
        lines = [f"{self.o.name or 'Fitted scenario'} — written by `sim fit`; edit freely."]
        if prov:
            lines += [
                f"Source: {prov.source_name} (SHA-256 {prov.sha256}), {prov.rows_read:,} rows "
                f"read, mapping '{prov.mapping}'.",
            ]
        gaps = f"; {len(report.gap_days)} days missing from the export left out" if (
            report.gap_days) else ""  # fmt: skip
        lines.append(
            f"Window: {report.window_start} to {report.window_end} ({report.data_days:.1f} days "
            f"of data{gaps}); {report.calls_used:,} calls used."
        )
        if self.p.cleaning:
            d = self.p.cleaning.dropped.model_dump()
            dropped = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in d.items() if v)
            lines.append(f"Cleaning dropped: {dropped or 'nothing'}.")
        if self.p.unmapped:
            u = self.p.unmapped
            lines.append(f"Categories: taxonomy '{u.taxonomy}' mapped {u.share_mapped:.1%} of "
                         f"calls; the rest are 'other'.")  # fmt: skip
        lines += [
            "Arrivals: calls per hour-of-week slot ÷ hours of that slot in the window (exposure);",
            "  smoothing by size (auto: raw ≥ 20 calls per slot, ±1 h kernel ≥ 5, else day×hour);",
            "  daily_cv: gamma day multiplier, var = m + cv²·m², written only when daily counts",
            "  are overdispersed (Pearson test p < 0.05).",
            "Durations: MLE (scipy.stats, loc 0) of exponential, lognormal, gamma, Weibull; lowest",
            "  AIC whose mean is within 2% and p90 within 5% of the data (else 51 empirical",
            "  quantiles keeping the mean); under 50 times → parent group pool or own quantiles.",
            f"Call handling (dispatch_delay_min): {self.handling_method}; the simulation adds",
            "  its own wait for a free unit, so received → dispatched is never used whole.",
            travel_note + ".",
            f"{self.o.team} units: {units_from}.",
            f"{self.o.team} cost_per_unit_hour {self.o.cost_per_unit_hour:g}: a placeholder from a "
            "patrol officer's ~$36/h mean wage (BLS OEWS 2023) × 1.5 benefits plus vehicle and "
            "supervision; replace it with the city's own budget figure.",
            *extra,
            "Aggregates only: no address, name, coordinate or free text from the source.",
        ]
        return lines


def check_round_trip(text: str, scn: Scenario) -> None:
    """The written text must load back to exactly the fitted scenario (a bug otherwise)."""
    again = from_dict(tomllib.loads(text), source="rendered scenario")
    if again != scn:
        raise AssertionError("rendered scenario does not round-trip; this is a bug in sim.fit")


@dataclass(frozen=True)
class _Spec:
    """The spec chosen for one call type's duration, where it came from, and its note."""

    spec: dict[str, Any]
    source: Literal["fitted", "borrowed", "pooled", "none"]
    note: str
    fit: DurationFit | None = None


def _reportable(name: str) -> str:
    """A raw source string as the report may show it (cut to ``REPORT_MAX_CHARS``)."""
    return name if len(name) <= REPORT_MAX_CHARS else name[: REPORT_MAX_CHARS - 1] + "…"


def _opt(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


__all__ = [
    "Borrowed",
    "FitOptions",
    "FitReport",
    "FitResult",
    "Prepared",
    "check_round_trip",
    "fit_calls",
    "fit_prepared",
    "prepare",
]
