"""Statistics from records: per replication, then across replications with t-intervals.

Only calls that arrive after the warm-up count. Times are minutes:

* response = arrival → first unit on scene (of the answering option's own team); wait =
  arrival → dispatch (including any dispatch delay); ``p_wait`` = share of dispatched calls
  that queued for a unit at all; time on scene leaves out transport and interruptions;
* busy unit-hours are the time units spend from dispatch to clear (co-responders and
  backups included, stretches taken away by pre-emption not), clipped to the measured
  window (time-weighted, so a call that straddles the warm-up counts only its part);
* staffed unit-hours are the shifts' units over the window plus overtime past shift ends;
* only calls from the public (call types of ``origin = "public"``) count in calls, response,
  wait and target statistics; officer-initiated and administrative work occupies units, so
  it counts in busy unit-hours and utilization, shown apart in ``busy_unit_hours_by_origin``;
* ``by_priority`` splits calls, response and wait by each call's own priority level;
* counts, hours and costs are per year: the measured days' figures × 365 / measured days
  (the measured totals themselves are kept under ``measured``).

This module never imports simpy: it sees plain records and the scenario, nothing live.
The summary it computes is typed (:mod:`sim.summary`, re-exported here) and becomes JSON
only at the edge; replications are combined by :mod:`sim.combine` (also re-exported).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.combine import capacity_warnings, combine, mean_stat
from sim.estimates import t_interval
from sim.records import Records, State
from sim.scenario import MINUTES_PER_DAY, MINUTES_PER_WEEK, Scenario
from sim.summary import (
    SCHEMA_VERSION,
    CallTypeSummary,
    CostSummary,
    GroupSummary,
    Measured,
    PrioritySummary,
    Summary,
    TeamSummary,
    TimeStat,
    WaitStat,
)

QUANTILES = (0.5, 0.9, 0.95)
DAYS_PER_YEAR = 365.0


# --------------------------------------------------------------------- one replication


def time_stat(x: np.ndarray) -> TimeStat:
    """Mean and quantiles of a sample of minutes (all None when empty)."""
    if len(x) == 0:
        return TimeStat()
    q = np.quantile(x, QUANTILES)
    return TimeStat(mean=float(x.mean()), p50=float(q[0]), p90=float(q[1]), p95=float(q[2]),
                    sample_calls=len(x))  # fmt: skip


def wait_stat(wait: np.ndarray, queued: np.ndarray) -> WaitStat:
    base = time_stat(wait)
    p_wait = float(queued.mean()) if len(queued) else None
    return WaitStat(**base.model_dump(), p_wait=p_wait)


def _overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Length of each [start, end) inside [lo, hi); NaN intervals count as zero."""
    length = np.minimum(end, hi)
    length -= np.maximum(start, lo)
    np.clip(length, 0, None, out=length)
    length[~np.isfinite(length)] = 0.0
    return length


def staffed_unit_minutes(scn: Scenario, team: str, lo: float, hi: float) -> float:
    """Units on duty by the shift plan, summed over the minutes of [lo, hi).

    The weekly plan repeats, so whole weeks count the week's total and only the remainder is
    summed minute by minute: exact integers, without an array as long as the run.
    """
    on_duty = scn.teams[team].on_duty()
    cumulative = np.concatenate([[0], np.cumsum(on_duty)])

    def upto(minute: int) -> int:  # unit-minutes of the plan in [0, minute)
        weeks, rest = divmod(minute, MINUTES_PER_WEEK)
        return int(weeks * cumulative[-1] + cumulative[rest])

    start, end = round(lo), round(hi)
    return float(upto(end) - upto(start)) if end > start else 0.0


def _share(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


class _Calls:
    """One replication's records with the masks and derived times statistics slice by.

    Nothing here copies a record column: masks (one byte a call) select the measured calls
    of a team or call type, and only the few derived times (response, wait, on scene) are
    computed, once, over every call. A million recorded calls add tens of megabytes here, not
    another copy of the records.
    """

    def __init__(self, rec: Records, scn: Scenario | None = None) -> None:
        self.rec = rec
        c = rec.columns
        self.measured = rec.measured()
        public_types = np.array(
            [scn.call_types[n].is_public if scn else True for n in rec.call_types] + [True]
        )
        self.public = self.measured & public_types[c["call_type"]]
        state = c["state"]
        self.served = self.measured & (state == State.SERVED)
        self.waiting = self.measured & (state == State.WAITING)
        self.no_dispatch = self.measured & (state == State.NO_DISPATCH)
        self.response = c["on_scene"] - c["arrival"]
        self.wait = c["dispatch"] - c["arrival"]
        self.queued = c["dispatch"] > c["ready"]
        # Columns of rules a scenario does not use are absent; their neutral values (no
        # transport, no interruption) leave every figure as it is, so none is made up here.
        n = len(rec)
        self.transport = c["transport"] if "transport" in c else np.broadcast_to(0.0, n)
        self.interrupted = c["interrupted"] if "interrupted" in c else np.broadcast_to(0, n)
        self.transported = (
            np.nan_to_num(c["transport"]) > 0 if "transport" in c else np.zeros(n, dtype=bool)
        )
        self.on_scene = c["clear"] - c["on_scene"]
        if "transport" in c:
            self.on_scene -= np.nan_to_num(self.transport)
        if "interrupted_min" in c:
            self.on_scene -= c["interrupted_min"]
        # Busy time clipped to the measured window, once for all teams.
        lo, hi = rec.warmup, rec.horizon
        self.busy_primary = _overlap(c["dispatch"], c["clear"], lo, hi)
        backups = np.isfinite(c["backup_dispatch"]).any()
        self.busy_backup = (
            _overlap(c["backup_dispatch"], c["backup_clear"], lo, hi)
            if backups
            else np.zeros(len(rec))
        )
        self.busy_co = _overlap(c["co_dispatch"], c["co_clear"], lo, hi) if "co_team" in c else None
        self._everyone: tuple[TimeStat, WaitStat, TimeStat] | None = None
        # Counts over the measured days become per year by this factor.
        self.per_year = DAYS_PER_YEAR * MINUTES_PER_DAY / (rec.horizon - rec.warmup)

    def where(self, name: str, value: int) -> np.ndarray:
        """Mask of the measured calls whose ``name`` column equals ``value``."""
        return self.measured & (self.rec.columns[name] == value)

    def times(self, mask: np.ndarray) -> tuple[TimeStat, WaitStat, TimeStat]:
        """Response, wait and on-scene statistics of the served calls in ``mask``.

        Those of all served calls are computed once: with one team or one call type, that
        group's calls are all the calls, and quantiles are most of the time statistics take.
        """
        m = mask & self.served
        everyone = np.array_equal(m, self.served)
        if everyone and self._everyone is not None:
            return self._everyone
        stats = (
            time_stat(self.response[m]),
            wait_stat(self.wait[m], self.queued[m]),
            time_stat(self.on_scene[m]),
        )
        if everyone:
            self._everyone = stats
        return stats

    def within(self, mask: np.ndarray, limit: np.ndarray) -> tuple[float | None, int]:
        """Share of a group's calls reached within their call type's target (``limit``), and
        how many calls were judged.

        A call still waiting longer than its target has missed it; one that arrived too
        close to the end to tell is left out.
        """
        rec = self.rec
        kind = rec.columns["call_type"]
        served = mask & self.served
        late = mask & self.waiting & (rec.horizon - rec.columns["arrival"] > limit[kind])
        decided = int(served.sum() + late.sum())
        hits = int(np.sum(self.response[served] <= limit[kind[served]]))
        return (hits / decided if decided else None), decided

    def by_priority(self, mask: np.ndarray) -> dict[str, PrioritySummary]:
        """Calls, response and wait of the calls in ``mask`` per priority level."""
        prio = self.rec.columns["priority"]
        out = {}
        for level in np.unique(prio[mask]):
            mine = mask & (prio == level)
            response, wait, _ = self.times(mine)
            out[str(int(level))] = PrioritySummary(
                calls_per_year=float(mine.sum()) * self.per_year, response_min=response,
                wait_min=wait,
            )  # fmt: skip
        return out


def _busy_minutes(calls: _Calls, j: int) -> np.ndarray:
    """Unit-minutes team j spent on each call within the measured window: answering, backing
    up and co-responding, less the stretches pre-emption took its units away."""
    rec = calls.rec
    c = rec.columns
    busy = (
        np.where(c["team"] == j, c["units"], 0) * calls.busy_primary
        + np.where(c["backup_team"] == j, 1, 0) * calls.busy_backup
    )
    if calls.busy_co is not None:
        busy += np.where(c["co_team"] == j, c["co_units"], 0) * calls.busy_co
    gaps = rec.interruptions
    mine = gaps["team"] == j
    if mine.any():
        lo, hi = rec.warmup, rec.horizon
        away = gaps["units"][mine] * _overlap(gaps["start"][mine], gaps["end"][mine], lo, hi)
        np.subtract.at(busy, gaps["call"][mine], away)
    return busy


def _team_summary(scn: Scenario, calls: _Calls, j: int, name: str) -> tuple[TeamSummary, float]:
    rec = calls.rec
    lo, hi = rec.warmup, rec.horizon
    c = rec.columns
    per_call = _busy_minutes(calls, j)
    busy = float(per_call.sum())
    by_origin = _busy_by_origin(scn, rec, per_call)
    ot = rec.overtime
    overtime = float(np.sum(_overlap(ot["start"], ot["end"], lo, hi)[ot["team"] == j]))
    regular = staffed_unit_minutes(scn, name, lo, hi)
    staffed = regular + overtime
    team = scn.teams[name]
    days = (hi - lo) / MINUTES_PER_DAY
    cost = (
        team.cost_per_unit_hour * (regular + team.overtime_factor * overtime) / 60
        + team.fixed_cost_per_year * days / 365
    )
    mine = calls.where("team", j) & calls.public
    response, wait, _ = calls.times(mine)
    backups = calls.where("backup_team", j) & np.isfinite(c["backup_dispatch"])
    moved = mine & calls.served & calls.transported
    co = calls.where("co_team", j) & np.isfinite(c["co_dispatch"]) if "co_team" in c else None
    year = calls.per_year
    summary = TeamSummary(
        calls_per_year=float(np.sum(mine & calls.served)) * year,
        backup_calls_per_year=float(np.sum(backups)) * year,
        co_response_calls_per_year=float(0 if co is None else np.sum(co)) * year,
        transports_per_year=float(moved.sum()) * year,
        transport_unit_hours_per_year=float(
            np.sum(c["units"][moved] * calls.transport[moved]) / 60 * year
        ),
        interrupted_calls_per_year=float(np.sum(mine & (calls.interrupted > 0))) * year,
        busy_unit_hours_per_year=float(busy) / 60 * year,
        busy_unit_hours_by_origin_per_year={k: v * year for k, v in by_origin.items()},
        staffed_unit_hours_per_year=staffed / 60 * year,
        overtime_unit_hours_per_year=overtime / 60 * year,
        utilization=float(busy / staffed) if staffed > 0 else None,
        cost_per_year=cost * year,
        response_min=response,
        wait_min=wait,
    )
    return summary, cost


def _busy_by_origin(scn: Scenario, rec: Records, minutes: np.ndarray) -> dict[str, float]:
    """A team's busy unit-hours (``minutes`` per call) split by the origin of the work."""
    origin = np.array([scn.call_types[n].origin for n in rec.call_types])
    present = dict.fromkeys(origin)
    kind = rec.columns["call_type"]
    return {
        o: float(np.sum(minutes[origin[kind] == o])) / 60
        for o in ("public", "officer", "admin")
        if o in present
    }


def _targets(scn: Scenario) -> np.ndarray:
    """Each call type's response target in minutes (∞ where it has none), by index."""
    return np.array([scn.target_for(n) or np.inf for n in scn.call_type_names], dtype=float)


def _call_type_summary(scn: Scenario, calls: _Calls, k: int, name: str) -> CallTypeSummary:
    mine = calls.where("call_type", k)
    ct = scn.call_types[name]
    n = int(mine.sum())
    served = mine & calls.served
    team = calls.rec.columns["team"]
    served_by = {  # empty (not applicable) when no call of the type came
        t: float(np.sum(served & (team == j)) / n) for j, t in enumerate(scn.team_names) if n
    }
    response, wait, on_scene = calls.times(mine)
    target = scn.target_for(name) if ct.is_public else None
    if not ct.is_public:  # not a call from the public: no response or wait to speak of
        response, wait = TimeStat(), WaitStat()
    within, judged = calls.within(mine, _targets(scn)) if target is not None else (None, 0)
    transported = served & calls.transported
    return CallTypeSummary(
        origin=ct.origin,
        transport_share=_share(transported[served]),
        transport_min=time_stat(calls.transport[transported]),
        interrupted_share=_share(calls.interrupted[served] > 0),
        calls_per_year=float(n) * calls.per_year,
        sample_calls=n,
        served_by=served_by,
        no_dispatch_share=_share(calls.no_dispatch[mine]),
        fallback_share=_share(calls.rec.columns["option"][served] > 0),
        unserved=float(np.sum(mine & calls.waiting)),
        target_min=target,
        within_target=within,
        target_sample_calls=judged,
        response_min=response,
        wait_min=wait,
        on_scene_min=on_scene,
        by_priority=calls.by_priority(mine) if ct.is_public else {},
    )


def _group_summary(scn: Scenario, calls: _Calls, names: Sequence[str]) -> GroupSummary:
    kinds = [scn.call_type_names.index(n) for n in names]
    mine = calls.measured & np.isin(calls.rec.columns["call_type"], kinds)
    has_targets = all(scn.target_for(n) is not None for n in names)
    within, judged = calls.within(mine, _targets(scn)) if has_targets else (None, 0)
    n = int(mine.sum())
    return GroupSummary(
        call_types=list(names),
        calls_per_year=n * calls.per_year,
        sample_calls=n,
        within_target=within,
        target_sample_calls=judged,
        response_min=time_stat(calls.response[mine & calls.served]),
    )


def group_summary(scn: Scenario, rec: Records, names: Sequence[str]) -> GroupSummary:
    """Statistics of several call types' calls taken together (e.g. a program's categories)."""
    return _group_summary(scn, _Calls(rec, scn), names)


def replication_summary(scn: Scenario, rec: Records) -> Summary:
    """Every statistic of one replication (intervals are left empty)."""
    calls = _Calls(rec, scn)
    teams: dict[str, TeamSummary] = {}
    total = 0.0
    for j, name in enumerate(scn.team_names):
        teams[name], cost = _team_summary(scn, calls, j, name)
        total += cost
    public = calls.public
    response, wait, on_scene = calls.times(public)
    n = float(public.sum())
    other = float(calls.measured.sum() - n)
    days = (rec.horizon - rec.warmup) / MINUTES_PER_DAY
    eligible = [name for name, ct in scn.call_types.items() if ct.community_eligible]
    return Summary(
        scenario=scn.scenario.name,
        seed=scn.scenario.seed,
        replications=1,
        days=scn.scenario.days,
        warmup_days=scn.scenario.warmup_days,
        calls_per_year=n * calls.per_year,
        other_activity_per_year=other * calls.per_year,
        unserved=float((calls.waiting & public).sum()),
        response_min=response,
        wait_min=wait,
        on_scene_min=on_scene,
        by_priority=calls.by_priority(public),
        teams=teams,
        call_types={
            name: _call_type_summary(scn, calls, k, name)
            for k, name in enumerate(scn.call_type_names)
        },
        eligible=_group_summary(scn, calls, eligible) if eligible else None,
        cost=CostSummary(per_year=total * calls.per_year, per_call=total / n if n else None),
        measured=Measured(days=days, calls=n, other_activity=other, cost=total),
    )


__all__ = [
    "SCHEMA_VERSION",
    "CallTypeSummary",
    "CostSummary",
    "GroupSummary",
    "PrioritySummary",
    "Summary",
    "TeamSummary",
    "TimeStat",
    "WaitStat",
    "capacity_warnings",
    "combine",
    "group_summary",
    "mean_stat",
    "replication_summary",
    "t_interval",
]
