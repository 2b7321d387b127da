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
* ``by_priority`` splits calls, response and wait by each call's own priority level.

This module never imports simpy: it sees plain records and the scenario, nothing live.
The summary is typed (pydantic) and becomes JSON only at the edge.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel
from scipy import stats

from sim.records import FEATURE_COLUMNS, Records, State
from sim.scenario import MINUTES_PER_DAY, MINUTES_PER_WEEK, Scenario

SCHEMA_VERSION = 1  # of every results JSON (run, compare, sweep); bump on breaking changes
QUANTILES = (0.5, 0.9, 0.95)
UNSERVED_WARNING_SHARE = 0.01


class TimeStat(BaseModel):
    """A time in minutes: mean, quantiles, and the 95% t-interval of the mean across runs."""

    mean: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    ci95: tuple[float, float] | None = None


class WaitStat(TimeStat):
    """A wait, plus the share of calls that waited at all."""

    p_wait: float | None = None


class PrioritySummary(BaseModel):
    """Calls from the public of one priority level, and their response and wait."""

    calls: float
    response_min: TimeStat
    wait_min: WaitStat


class TeamSummary(BaseModel):
    calls: float
    backup_calls: float
    co_response_calls: float = 0.0  # calls it joined as a co-responder
    transports: float = 0.0  # calls it answered and transported the person from
    transport_unit_hours: float = 0.0
    interrupted_calls: float = 0.0  # calls of its own whose units were pre-empted
    busy_unit_hours: float
    busy_unit_hours_by_origin: dict[str, float] = {}
    staffed_unit_hours: float
    overtime_unit_hours: float
    utilization: float | None
    utilization_ci95: tuple[float, float] | None = None
    cost: float
    response_min: TimeStat
    wait_min: WaitStat


class CallTypeSummary(BaseModel):
    origin: str = "public"
    calls: float
    served_by: dict[str, float]
    no_dispatch_share: float | None
    fallback_share: float | None
    unserved: float
    target_min: float | None
    within_target: float | None
    response_min: TimeStat
    wait_min: WaitStat
    on_scene_min: TimeStat
    transport_share: float | None = None  # of the calls served
    transport_min: TimeStat = TimeStat()  # of the calls transported
    interrupted_share: float | None = None  # of the calls served
    by_priority: dict[str, PrioritySummary] = {}


class CostSummary(BaseModel):
    total: float
    per_year: float
    per_call: float | None
    per_year_ci95: tuple[float, float] | None = None


class Summary(BaseModel):
    """The JSON summary of a run (see README: "The JSON summary")."""

    schema_version: int = SCHEMA_VERSION
    kind: Literal["run"] = "run"
    scenario: str
    seed: int
    replications: int
    days: float
    warmup_days: float
    calls: float
    other_activity: float = 0.0
    unserved: float
    response_min: TimeStat
    wait_min: WaitStat
    on_scene_min: TimeStat
    by_priority: dict[str, PrioritySummary] = {}
    teams: dict[str, TeamSummary]
    call_types: dict[str, CallTypeSummary]
    cost: CostSummary
    warnings: list[str] = []


# --------------------------------------------------------------------- one replication


def time_stat(x: np.ndarray) -> TimeStat:
    """Mean and quantiles of a sample of minutes (all None when empty)."""
    if len(x) == 0:
        return TimeStat()
    q = np.quantile(x, QUANTILES)
    return TimeStat(mean=float(x.mean()), p50=float(q[0]), p90=float(q[1]), p95=float(q[2]))


def wait_stat(wait: np.ndarray, queued: np.ndarray) -> WaitStat:
    base = time_stat(wait)
    p_wait = float(queued.mean()) if len(queued) else None
    return WaitStat(**base.model_dump(), p_wait=p_wait)


def _overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Length of each [start, end) inside [lo, hi); NaN intervals count as zero."""
    length = np.minimum(end, hi) - np.maximum(start, lo)
    return np.where(np.isfinite(length), np.clip(length, 0, None), 0.0)


def staffed_unit_minutes(scn: Scenario, team: str, lo: float, hi: float) -> float:
    """Units on duty by the shift plan, integrated over [lo, hi) at minute resolution."""
    minutes = np.arange(round(lo), round(hi))
    return float(scn.teams[team].on_duty()[minutes % MINUTES_PER_WEEK].sum())


def _share(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


class _Calls:
    """The measured calls of one replication, with derived times, for slicing by team/type."""

    def __init__(self, rec: Records, scn: Scenario | None = None) -> None:
        m = rec.measured()
        self.rec = rec
        self.col = {k: v[m] for k, v in rec.columns.items()}
        public_types = np.array(
            [scn.call_types[c].is_public if scn else True for c in rec.call_types] + [True]
        )
        self.public = public_types[self.col["call_type"]]
        state = self.col["state"]
        self.served = state == State.SERVED
        self.waiting = state == State.WAITING
        self.no_dispatch = state == State.NO_DISPATCH
        c = self.col
        self.response = c["on_scene"] - c["arrival"]
        self.wait = c["dispatch"] - c["arrival"]
        self.queued = c["dispatch"] > c["ready"]
        self.transport = _measured(rec, "transport", m)
        self.interrupted = _measured(rec, "interrupted", m)
        away = _measured(rec, "interrupted_min", m)
        self.on_scene = c["clear"] - c["on_scene"] - np.nan_to_num(self.transport) - away

    def times(self, mask: np.ndarray) -> tuple[TimeStat, WaitStat, TimeStat]:
        m = mask & self.served
        return (
            time_stat(self.response[m]),
            wait_stat(self.wait[m], self.queued[m]),
            time_stat(self.on_scene[m]),
        )

    def by_priority(self, mask: np.ndarray) -> dict[str, PrioritySummary]:
        """Calls, response and wait of the calls in ``mask`` per priority level."""
        prio = self.col["priority"]
        out = {}
        for level in np.unique(prio[mask]):
            mine = mask & (prio == level)
            response, wait, _ = self.times(mine)
            out[str(int(level))] = PrioritySummary(
                calls=float(mine.sum()), response_min=response, wait_min=wait
            )
        return out


def _measured(rec: Records, name: str, mask: np.ndarray) -> np.ndarray:
    """A column of the measured calls (a rule's neutral value if the scenario lacks it)."""
    if name in rec.columns:
        return rec.columns[name][mask]
    dtype, fill = FEATURE_COLUMNS[name]
    return np.full(int(mask.sum()), fill, dtype=dtype)


def _busy_minutes(rec: Records, j: int, lo: float, hi: float) -> np.ndarray:
    """Unit-minutes team j spent on each call within [lo, hi): answering, backing up and
    co-responding, less the stretches pre-emption took its units away."""
    c = rec.columns
    busy = np.where(c["team"] == j, c["units"], 0) * _overlap(
        c["dispatch"], c["clear"], lo, hi
    ) + np.where(c["backup_team"] == j, 1, 0) * _overlap(
        c["backup_dispatch"], c["backup_clear"], lo, hi
    )
    if "co_team" in c:
        co = np.where(c["co_team"] == j, c["co_units"], 0)
        busy += co * _overlap(c["co_dispatch"], c["co_clear"], lo, hi)
    gaps = rec.interruptions
    mine = gaps["team"] == j
    if mine.any():
        away = gaps["units"][mine] * _overlap(gaps["start"][mine], gaps["end"][mine], lo, hi)
        np.subtract.at(busy, gaps["call"][mine], away)
    return busy


def _team_summary(scn: Scenario, calls: _Calls, j: int, name: str) -> tuple[TeamSummary, float]:
    rec = calls.rec
    lo, hi = rec.warmup, rec.horizon
    per_call = _busy_minutes(rec, j, lo, hi)
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
    mine = (calls.col["team"] == j) & calls.public
    response, wait, _ = calls.times(mine)
    moved = mine & calls.served & (np.nan_to_num(calls.transport) > 0)
    co_team = calls.col.get("co_team")
    summary = TeamSummary(
        calls=float(np.sum(mine & calls.served)),
        backup_calls=float(
            np.sum(np.isfinite(calls.col["backup_dispatch"]) & (calls.col["backup_team"] == j))
        ),
        co_response_calls=float(
            0 if co_team is None else np.sum((co_team == j) & np.isfinite(calls.col["co_dispatch"]))
        ),
        transports=float(moved.sum()),
        transport_unit_hours=float(np.sum(calls.col["units"][moved] * calls.transport[moved]) / 60),
        interrupted_calls=float(np.sum(mine & (calls.interrupted > 0))),
        busy_unit_hours=float(busy) / 60,
        busy_unit_hours_by_origin=by_origin,
        staffed_unit_hours=staffed / 60,
        overtime_unit_hours=overtime / 60,
        utilization=float(busy / staffed) if staffed > 0 else None,
        cost=cost,
        response_min=response,
        wait_min=wait,
    )
    return summary, cost


def _busy_by_origin(scn: Scenario, rec: Records, minutes: np.ndarray) -> dict[str, float]:
    """Busy unit-hours of a team (``minutes`` per call) split by the origin of the work
    (public, officer, admin)."""
    c = rec.columns
    origin = np.array([scn.call_types[n].origin for n in rec.call_types])
    present = dict.fromkeys(origin)
    return {
        o: float(np.sum(minutes[origin[c["call_type"]] == o])) / 60
        for o in ("public", "officer", "admin")
        if o in present
    }


def _call_type_summary(scn: Scenario, calls: _Calls, k: int, name: str) -> CallTypeSummary:
    mine = calls.col["call_type"] == k
    ct = scn.call_types[name]
    n = int(mine.sum())
    served = mine & calls.served
    team = calls.col["team"]
    served_by = {
        t: float(np.sum(served & (team == j)) / n) if n else 0.0
        for j, t in enumerate(scn.team_names)
    }
    response, wait, on_scene = calls.times(mine)
    target = scn.target_for(name) if ct.is_public else None
    if not ct.is_public:  # not a call from the public: no response or wait to speak of
        response, wait = TimeStat(), WaitStat()
    within = None
    if target is not None:
        # A call still waiting longer than the target has missed it; one that arrived
        # too close to the end to tell is left out.
        late_waiting = mine & calls.waiting & (calls.rec.horizon - calls.col["arrival"] > target)
        decided = int(served.sum() + late_waiting.sum())
        hits = int(np.sum(calls.response[served] <= target))
        within = hits / decided if decided else None
    transported = served & (np.nan_to_num(calls.transport) > 0)
    return CallTypeSummary(
        origin=ct.origin,
        transport_share=_share(transported[served]),
        transport_min=time_stat(calls.transport[transported]),
        interrupted_share=_share(calls.interrupted[served] > 0),
        calls=float(n),
        served_by=served_by,
        no_dispatch_share=_share(calls.no_dispatch[mine]),
        fallback_share=_share(calls.col["option"][served] > 0),
        unserved=float(np.sum(mine & calls.waiting)),
        target_min=target,
        within_target=within,
        response_min=response,
        wait_min=wait,
        on_scene_min=on_scene,
        by_priority=calls.by_priority(mine) if ct.is_public else {},
    )


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
    days = (rec.horizon - rec.warmup) / MINUTES_PER_DAY
    return Summary(
        scenario=scn.scenario.name,
        seed=scn.scenario.seed,
        replications=1,
        days=scn.scenario.days,
        warmup_days=scn.scenario.warmup_days,
        calls=n,
        other_activity=float(len(public) - n),
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
        cost=CostSummary(
            total=total, per_year=total * 365 / days, per_call=total / n if n else None
        ),
    )


# ------------------------------------------------------------------ across replications


@functools.lru_cache(maxsize=256)
def _t_quantiles(df: int) -> tuple[float, float]:
    """Student t quantiles of a 95% interval for ``df`` degrees of freedom.

    Cached because ``stats.t.ppf`` costs ~0.1 ms and summaries need thousands of intervals
    with the same few ``df``. The probabilities are those ``stats.t.interval(0.95, …)`` uses
    and the interval is formed as it forms it (quantile × scale + loc), so results are
    bit-identical to calling it.
    """
    lo = float(stats.t.ppf((1.0 - 0.95) / 2, df))
    hi = float(stats.t.ppf((1.0 + 0.95) / 2, df))
    return lo, hi


def t_interval(values: list[float]) -> tuple[float, float] | None:
    """95% t-interval for the mean of independent replication values (None below 2)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return None
    mean, sem = float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))
    if sem == 0:
        return (mean, mean)
    q_lo, q_hi = _t_quantiles(len(x) - 1)
    return (q_lo * sem + mean, q_hi * sem + mean)


def _merge(nodes: list[Any]) -> Any:
    """Average a list of same-shaped summaries leaf by leaf, adding intervals of means.

    A key missing from some replications (a priority level that drew no call) is averaged
    over the replications that have it.
    """
    first = next((node for node in nodes if node is not None), None)
    if isinstance(first, dict):
        nodes = [node for node in nodes if node is not None]
        keys = list(dict.fromkeys(k for node in nodes for k in node))
        out = {k: _merge([node.get(k) for node in nodes]) for k in keys}
        for k in keys:
            base = "mean" if k == "ci95" else k.removesuffix("_ci95")
            if k.endswith("ci95") and base in out:
                values = [node[base] for node in nodes if node.get(base) is not None]
                out[k] = t_interval(values)
        return out
    present = [v for v in nodes if v is not None]
    if not present:
        return None
    if isinstance(present[0], bool) or not isinstance(present[0], (int, float)):
        return present[0]
    return float(np.mean(present))


def combine(scn: Scenario, reps: list[Summary]) -> Summary:
    """The across-replication summary: means of each statistic, t-intervals of the means."""
    merged = _merge([r.model_dump() for r in reps])
    merged.update(replications=len(reps), seed=scn.scenario.seed, warnings=[])
    summary = Summary.model_validate(merged)
    return summary.model_copy(update={"warnings": capacity_warnings(summary)})


def capacity_warnings(summary: Summary) -> list[str]:
    """Plain words for a run whose demand outgrew its capacity."""
    out = []
    # A few calls still queued at the very end are normal; a share this large means the
    # queue kept growing through the run.
    if summary.unserved > max(1.0, UNSERVED_WARNING_SHARE * summary.calls):
        share = summary.unserved / summary.calls if summary.calls else 0.0
        worst = sorted(summary.call_types.items(), key=lambda kv: -kv[1].unserved)
        names = ", ".join(f"{k} ({v.unserved:.0f})" for k, v in worst if v.unserved > 0)
        out.append(
            f"Demand exceeds capacity: on average {summary.unserved:.0f} calls ({share:.1%}) "
            f"were never served before the run ended — {names}. The queue grows; "
            "add units or hours."
        )
    for name, team in summary.teams.items():
        if team.utilization is not None and team.utilization > 0.95:
            out.append(f"Team {name} is busy {team.utilization:.0%} of its staffed time.")
    return out


__all__ = [
    "CallTypeSummary",
    "CostSummary",
    "PrioritySummary",
    "Summary",
    "TeamSummary",
    "TimeStat",
    "WaitStat",
    "combine",
    "replication_summary",
    "t_interval",
]
