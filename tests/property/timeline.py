"""Rebuild, from a replication's records alone, what each team's queue and units were doing.

The checks of ``test_engine_invariants.py`` are stated on these timelines, never on the
engine's internals: a waiting stretch is known from the record columns (ready, dispatch,
option) and the moves table; busy units from dispatch → clear of each call, co-responder and
backup, less the stretches pre-emption took units away; units on duty from the plan plus
the overtime stretches. Everything is evaluated at the midpoint of every gap between
consecutive event times: between events nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.records import NO_TEAM, Records, State
from sim.scenario import MINUTES_PER_WEEK, Scenario

EPS = 1e-6  # minutes: event times are sums of floats, equal up to rounding
BACKUP, JOIN = -1, -2  # the kind of a request, after the options (0, 1, …) of a call


@dataclass
class Waits:
    """Stretches that calls or requests spent in team queues, one row each."""

    team: np.ndarray
    start: np.ndarray
    end: np.ndarray
    priority: np.ndarray
    key_time: np.ndarray  # the queue's second key: ready, request time, or -inf (resumed)
    call: np.ndarray
    kind: np.ndarray  # option index, or BACKUP / JOIN
    need: np.ndarray  # units of this team it needs
    other: np.ndarray  # the second team it needs together, or NO_TEAM
    other_need: np.ndarray


def option_starts(scn: Scenario, rec: Records) -> dict[int, list[float]]:
    """For every call that reached the dispatcher: when it reached each option it tried."""
    moves = rec.moves
    by_call: dict[int, list[tuple[int, float]]] = {}
    for c, lv, t in zip(moves["call"], moves["option"], moves["time"], strict=True):
        by_call.setdefault(int(c), []).append((int(lv), float(t)))
    out = {}
    reached = (rec["state"] != State.NO_DISPATCH) & (rec["ready"] < rec.horizon)
    for i in np.flatnonzero(reached):
        left = sorted(by_call.get(int(i), []))
        assert [lv for lv, _ in left] == list(range(len(left))), f"call {i}: moves {left}"
        assert int(rec["option"][i]) == len(left), f"call {i}: option vs moves {left}"
        out[int(i)] = [float(rec["ready"][i])] + [t for _, t in left]
    return out


def waits(scn: Scenario, rec: Records) -> Waits:
    """Every stretch a call, a backup or a co-responder request waited in a queue."""
    teams = scn.team_names
    chains = [ct.response for ct in scn.call_types.values()]
    rows: list[tuple[int, float, float, int, float, int, int, int, int, int]] = []
    starts = option_starts(scn, rec)
    served = rec["state"] == State.SERVED
    end_of = np.where(served, rec["dispatch"], rec.horizon)
    for i, reach in starts.items():
        p, k = int(rec["priority"][i]), int(rec["call_type"][i])
        for lv, start in enumerate(reach):
            end = reach[lv + 1] if lv + 1 < len(reach) else float(end_of[i])
            o = chains[k][lv]
            co = o.co_responder
            together = co is not None and co.joins == "together"
            t, c = teams.index(o.team), teams.index(co.team) if together and co else NO_TEAM
            cu = co.units if together and co else 0
            rows.append((t, start, end, p, float(rec["ready"][i]), i, lv, o.units, c, cu))
            if together:
                rows.append((c, start, end, p, float(rec["ready"][i]), i, lv, cu, t, o.units))
    gaps = rec.interruptions
    for c_, t_, u_, s_, e_ in zip(
        *(gaps[k] for k in ("call", "team", "units", "start", "end")), strict=True
    ):
        i = int(c_)
        rows.append((int(t_), float(s_), float(e_), int(rec["priority"][i]), -np.inf, i,
                     int(rec["option"][i]), int(u_), NO_TEAM, 0))  # fmt: skip
    asked = (rec["backup_team"] != NO_TEAM) & served & (rec["on_scene"] < rec.horizon)
    for i in np.flatnonzero(asked):
        done = rec["backup_dispatch"][i] if np.isfinite(rec["backup_dispatch"][i]) else rec.horizon
        at = float(rec["on_scene"][i])
        rows.append((int(rec["backup_team"][i]), at, float(done), int(rec["priority"][i]), at,
                     int(i), BACKUP, 1, NO_TEAM, 0))  # fmt: skip
    if "co_team" in rec.columns:
        rows += _join_requests(scn, rec)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 10
    arrays = [np.asarray(col, dtype=float) for col in cols]
    ints = {0, 3, 5, 6, 7, 8, 9}
    return Waits(*(a.astype(np.int64) if j in ints else a for j, a in enumerate(arrays)))


def _join_requests(
    scn: Scenario, rec: Records
) -> list[tuple[int, float, float, int, float, int, int, int, int, int]]:
    """Co-responders that join when free: from the call's dispatch until they are sent or
    the call's own units clear."""
    out = []
    chains = [ct.response for ct in scn.call_types.values()]
    teams = scn.team_names
    for i in np.flatnonzero(rec["state"] == State.SERVED):
        o = chains[int(rec["call_type"][i])][int(rec["option"][i])]
        co = o.co_responder
        if co is None or co.joins != "when_free":
            continue
        start = float(rec["dispatch"][i])
        sent = rec["co_dispatch"][i]
        end = float(sent) if np.isfinite(sent) else min(float(rec["clear"][i]), rec.horizon)
        out.append((teams.index(co.team), start, end, int(rec["priority"][i]), start, int(i),
                    JOIN, co.units, NO_TEAM, 0))  # fmt: skip
    return out


def _count(starts: np.ndarray, ends: np.ndarray, weight: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Σ weight over the intervals [start, end) containing each time in ``at``."""
    ok = np.isfinite(starts) & np.isfinite(ends)
    starts, ends, weight = starts[ok], ends[ok], weight[ok]
    order_s, order_e = np.argsort(starts), np.argsort(ends)
    cum_s = np.concatenate([[0], np.cumsum(weight[order_s])])
    cum_e = np.concatenate([[0], np.cumsum(weight[order_e])])
    started = cum_s[np.searchsorted(starts[order_s], at, side="right")]
    ended = cum_e[np.searchsorted(ends[order_e], at, side="right")]
    return np.asarray(started - ended, dtype=float)


def plan_changes(scn: Scenario, team: str, horizon: float) -> np.ndarray:
    times, _ = scn.teams[team].schedule()
    weeks = np.arange(int(np.ceil(horizon / MINUTES_PER_WEEK)) + 1) * MINUTES_PER_WEEK
    every = (times[None, :] + weeks[:, None]).ravel()
    return np.concatenate([[0.0], every[every < horizon]])


def busy_intervals(rec: Records, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, ±units) of team j's units at work: calls, co-responders, backups, gaps."""
    mine = (rec["team"] == j) & (rec["state"] == State.SERVED)
    back = (rec["backup_team"] == j) & np.isfinite(rec["backup_dispatch"])
    co = (rec.get("co_team") == j) & np.isfinite(rec.get("co_dispatch"))
    gaps = rec.interruptions["team"] == j
    parts = [
        (rec["dispatch"][mine], rec["clear"][mine], rec["units"][mine].astype(float)),
        (rec["backup_dispatch"][back], rec["backup_clear"][back], np.ones(back.sum())),
        (rec.get("co_dispatch")[co], rec.get("co_clear")[co],
         rec.get("co_units")[co].astype(float)),
        (rec.interruptions["start"][gaps], rec.interruptions["end"][gaps],
         -rec.interruptions["units"][gaps].astype(float)),
    ]  # fmt: skip
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))  # type: ignore[return-value]


@dataclass
class Timeline:
    """Every team's state at the midpoints ``at`` of the gaps between events."""

    at: np.ndarray
    busy: np.ndarray  # teams × points
    plan: np.ndarray
    overtime: np.ndarray
    waits: Waits

    @property
    def idle(self) -> np.ndarray:
        return self.plan + self.overtime - self.busy


def timeline(scn: Scenario, rec: Records) -> Timeline:
    """Busy, planned and overtime units of every team, at every midpoint between events."""
    w = waits(scn, rec)
    busy = [busy_intervals(rec, j) for j in range(len(scn.teams))]
    ot = rec.overtime
    edges = [w.start, w.end, ot["start"], ot["end"], [rec.horizon]]
    edges += [b[0] for b in busy] + [b[1] for b in busy]
    edges += [plan_changes(scn, t, rec.horizon) for t in scn.team_names]
    times = np.unique(np.concatenate([np.asarray(e, dtype=float) for e in edges]))
    times = times[np.isfinite(times) & (times <= rec.horizon)]
    gap = np.diff(times) > EPS
    at = ((times[:-1] + times[1:]) / 2)[gap]
    minute = np.floor(at).astype(int) % MINUTES_PER_WEEK
    return Timeline(
        at=at,
        busy=np.array([_count(*b, at) for b in busy]),
        plan=np.array([scn.teams[t].on_duty()[minute] for t in scn.team_names]),
        overtime=np.array([
            _count(ot["start"][ot["team"] == j], ot["end"][ot["team"] == j],
                   np.ones(int(np.sum(ot["team"] == j))), at)
            for j in range(len(scn.teams))
        ]),
        waits=w,
    )  # fmt: skip


def heads(line: Timeline, j: int) -> tuple[np.ndarray, np.ndarray]:
    """For team j at each point: (whether anything waits, candidate heads as a mask).

    The head is the waiting entry with the least (priority, key time, call, kind), the
    queue's own order. Request times are event times that may differ from the record's sum
    by float rounding, so every entry whose key is within EPS of the least is a candidate.
    """
    w = line.waits
    rows = np.flatnonzero(w.team == j)
    at = line.at[:, None]
    active = (w.start[rows][None, :] <= at) & (w.end[rows][None, :] > at)
    pri = np.where(active, w.priority[rows][None, :], np.iinfo(np.int64).max)
    best = pri.min(axis=1, initial=np.iinfo(np.int64).max)
    first = active & (pri == best[:, None])
    key = np.where(first, w.key_time[rows][None, :], np.inf)
    least = key.min(axis=1, initial=np.inf)
    near = first & ((key <= least[:, None] + EPS) | (key == least[:, None]))
    # Keys exactly equal (two resumed calls, keyed -inf): the queue breaks the tie by call,
    # then kind. Only where no candidate differs from the least by rounding.
    exact = ~np.any(near & (key != least[:, None]), axis=1)
    rank = np.where(near, w.call[rows] * 16 + (w.kind[rows] - JOIN), np.iinfo(np.int64).max)
    lowest = rank.min(axis=1, initial=np.iinfo(np.int64).max)
    near = np.where(exact[:, None], near & (rank == lowest[:, None]), near)
    full = np.zeros((len(line.at), len(w.team)), dtype=bool)
    full[:, rows] = near
    return active.any(axis=1), full
