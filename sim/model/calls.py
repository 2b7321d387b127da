"""The call stream: every call of one replication, drawn up front in numpy batches.

All of a call's random attributes (arrival, priority, dispatch delay, whether it needs a unit
at all, time on scene and travel for every team that might answer it — travel by the call's
priority where the team has ``travel_by_priority`` — backup) are drawn before the
simulation starts, each from a stream named after its call type and team. Staffing never
touches these draws, so two staffing variants see the same calls (common random numbers),
and the engine's per-call path does no random number generation at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rng import Streams
from sim.scenario import HOURS_PER_WEEK, MINUTES_PER_DAY, CallType, Scenario


@dataclass(frozen=True)
class CallStream:
    """Pre-drawn calls, sorted by the time they reach the dispatcher (``ready``).

    ``travel`` and ``on_scene`` are (calls × teams) minutes, NaN where the team cannot be
    involved; ``backup_travel``/``backup_on_scene`` are the backup team's, NaN when no
    backup is requested.
    """

    arrival: np.ndarray
    ready: np.ndarray
    call_type: np.ndarray
    priority: np.ndarray
    no_dispatch: np.ndarray
    travel: np.ndarray
    on_scene: np.ndarray
    backup: np.ndarray
    backup_travel: np.ndarray
    backup_on_scene: np.ndarray

    def __len__(self) -> int:
        return len(self.arrival)


def nhpp_arrivals(rate_per_min: np.ndarray, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """Exact non-homogeneous Poisson arrivals for a rate that is constant within each hour.

    Inversion: the count over the horizon is Poisson(Λ), the points of a unit-rate process
    given the count are sorted uniforms on [0, Λ], and the cumulative intensity, being
    piecewise linear, maps them back to time exactly by linear interpolation.
    """
    edges = np.minimum(np.arange(len(rate_per_min) + 1) * 60.0, horizon)
    cum = np.concatenate([[0.0], np.cumsum(rate_per_min * np.diff(edges))])
    n = rng.poisson(cum[-1])
    points = np.sort(rng.random(n)) * cum[-1]
    return np.interp(points, cum, edges)


def hourly_rates(ct: CallType, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """Calls per minute in each hour of the horizon, with the day-level demand multiplier.

    With ``daily_cv`` > 0 each day's rate is scaled by a gamma draw of mean 1 and that
    coefficient of variation, giving the overdispersed daily counts seen in real data.
    """
    hours = int(np.ceil(horizon / 60.0))
    base = ct.calls_per_day / MINUTES_PER_DAY * ct.profile()
    rates = np.resize(base, hours)
    if (
        ct.daily_cv > 1e-9
    ):  # below this the multiplier is 1 to double precision (and 1/cv² overflows)
        k = 1.0 / ct.daily_cv**2
        days = int(np.ceil(hours / 24))
        rates = rates * np.repeat(rng.gamma(k, 1.0 / k, days), 24)[:hours]
    return rates


def _team_times(
    scn: Scenario, name: str, ct: CallType, priority: np.ndarray, streams: Streams
) -> tuple[np.ndarray, np.ndarray]:
    """(travel, on_scene) minutes, calls × teams, for one call type's calls."""
    teams = scn.team_names
    n = len(priority)
    travel = np.full((n, len(teams)), np.nan)
    on_scene = np.full((n, len(teams)), np.nan)
    for team in ct.teams_used():
        if team not in ct.on_scene_min:
            continue  # a backup-only team with its own on-scene time
        j = teams.index(team)
        travel[:, j] = _travel(scn, team, name, priority, streams)
        on_scene[:, j] = ct.on_scene_min[team].sample(streams("on_scene", name, team), n)
    return travel, on_scene


def _travel(
    scn: Scenario, team: str, name: str, priority: np.ndarray, streams: Streams
) -> np.ndarray:
    """Travel of one team to one call type's calls: its level's distribution where the team
    has one (``travel_by_priority``, a stream per level), ``travel_min`` otherwise."""
    spec = scn.teams[team]
    out = spec.travel_min.sample(streams("travel", name, team), len(priority))
    for level, dist in spec.travel_by_priority.items():
        mine = priority == level
        if mine.any():
            out[mine] = dist.sample(streams("travel", name, team, f"p{level}"), int(mine.sum()))
    return out


def _backup(
    scn: Scenario, name: str, ct: CallType, n: int, streams: Streams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(requested, travel, on_scene) of the backup team for one call type's n calls."""
    if ct.backup is None or ct.backup.probability == 0:
        return np.zeros(n, bool), np.full(n, np.nan), np.full(n, np.nan)
    team = ct.backup.team
    requested = streams("backup", name).random(n) < ct.backup.probability
    dist = ct.backup.on_scene_min or ct.on_scene_min[team]
    travel = scn.teams[team].travel_min.sample(streams("backup_travel", name, team), n)
    on_scene = dist.sample(streams("backup_on_scene", name, team), n)
    return requested, np.where(requested, travel, np.nan), np.where(requested, on_scene, np.nan)


def draw_priority(ct: CallType, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each call's priority: the call type's one level, or a draw from its observed mix.

    Its own stream per call type (``priority/<name>``), so the draw never shifts another
    attribute's and staffing variants see the same priorities (common random numbers).
    """
    levels, shares = ct.priority_mix()
    if len(levels) == 1:
        return np.full(n, levels[0], dtype=np.int16)
    pick = np.searchsorted(np.cumsum(shares)[:-1], rng.random(n), side="right")
    return levels[pick].astype(np.int16)


def draw_calls(
    scn: Scenario,
    replication: int,
    horizon: float | None = None,
    arrivals: dict[str, np.ndarray] | None = None,
) -> CallStream:
    """Draw one replication's calls.

    ``arrivals`` (call type → minutes from the start) replaces the fitted arrival process,
    which is how historical calls are replayed; everything else is still drawn per call.
    """
    horizon = scn.horizon_min() if horizon is None else horizon
    streams = Streams(scn.scenario.seed, replication)
    parts: list[dict[str, np.ndarray]] = []
    for k, (name, ct) in enumerate(scn.call_types.items()):
        if arrivals is not None:
            t = np.sort(np.asarray(arrivals.get(name, np.empty(0)), dtype=float))
            t = t[(t >= 0) & (t < horizon)]
        else:
            rates = hourly_rates(ct, horizon, streams("demand", name))
            t = nhpp_arrivals(rates, horizon, streams("arrivals", name))
        n = len(t)
        priority = draw_priority(ct, n, streams("priority", name))
        travel, on_scene = _team_times(scn, name, ct, priority, streams)
        backup, b_travel, b_on_scene = _backup(scn, name, ct, n, streams)
        parts.append(
            {
                "arrival": t,
                "ready": t + ct.dispatch_delay_min.sample(streams("dispatch_delay", name), n),
                "call_type": np.full(n, k, dtype=np.int16),
                "priority": priority,
                "no_dispatch": streams("no_dispatch", name).random(n) < ct.no_dispatch_share,
                "travel": travel,
                "on_scene": on_scene,
                "backup": backup,
                "backup_travel": b_travel,
                "backup_on_scene": b_on_scene,
            }
        )
    # Column by column, releasing each part and each unsorted column as soon as it is
    # copied: a million calls stay within one column's worth of temporaries.
    merged = {key: np.concatenate([p.pop(key) for p in parts]) for key in list(parts[0])}
    order = np.argsort(merged["ready"], kind="stable")
    for key in list(merged):
        merged[key] = merged[key][order]
    return CallStream(**merged)


__all__ = [
    "HOURS_PER_WEEK",
    "CallStream",
    "draw_calls",
    "draw_priority",
    "hourly_rates",
    "nhpp_arrivals",
]
