"""The call stream: every call of one replication, drawn up front in numpy batches.

All of a call's random attributes (arrival, priority, dispatch delay, whether it needs a unit
at all, time on scene and travel for every team that might answer it — travel by the call's
priority where the team has ``travel_by_priority`` — backup, which options of a partial
``share`` it skips, transport, the distance factor of coverage-dependent travel) are drawn
before the simulation starts, each from a stream named after its call type and team.
Staffing never touches these draws, so two staffing variants see the same calls (common
random numbers), and the engine's per-call path does no random number generation at all.
Features a scenario does not use leave their columns out (None), so they cost no memory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from sim.rng import Streams
from sim.scenario import HOURS_PER_WEEK, MINUTES_PER_DAY, CallType, Scenario

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class CallStream:
    """Pre-drawn calls, sorted by the time they reach the dispatcher (``ready``).

    ``travel`` and ``on_scene`` are (calls × teams) minutes, NaN where the team cannot be
    involved; ``backup_travel``/``backup_on_scene`` are the backup team's, NaN when no
    backup is requested. Columns of features the scenario does not use are None:
    ``skip`` (bit k set: option k's ``share`` passes this call over), ``transport``
    (calls × teams minutes, 0 when the answering unit does not transport), ``distance`` and
    ``backup_distance`` (the unit-free factor Z of coverage-dependent travel, calls × teams).
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
    skip: np.ndarray | None = None
    transport: np.ndarray | None = None
    distance: np.ndarray | None = None
    backup_distance: np.ndarray | None = None

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


def year_factors(ct: CallType, hours: int, start: datetime.date | None) -> np.ndarray | None:
    """Demand multiplier of each hour for growth and month of year (None: neither is set).

    Growth compounds from the start of the run: (1 + growth_per_year)^(t / 365 days).
    Month factors are scaled to average 1 over a (365-day) year weighted by the days of each
    month, so ``calls_per_day`` stays the yearly average at the start's level of demand.
    """
    growth = ct.growth_per_year or 0.0
    if growth == 0 and ct.monthly is None:
        return None
    days = (np.arange(hours) + 0.5) / 24.0
    factor = (1.0 + growth) ** (days / DAYS_PER_YEAR)
    if ct.monthly is not None and start is not None:
        monthly = np.asarray(ct.monthly, dtype=float)
        monthly = monthly / monthly.max()  # first to [0, 1]: tiny factors cannot overflow below
        lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        monthly = monthly / (monthly @ lengths / DAYS_PER_YEAR)
        dates = np.datetime64(start, "D") + np.floor(days).astype("timedelta64[D]")
        month = dates.astype("datetime64[M]").astype(int) % 12
        factor = factor * monthly[month]
    return factor


def hourly_rates(
    ct: CallType, horizon: float, rng: np.random.Generator, start: datetime.date | None = None
) -> np.ndarray:
    """Calls per minute in each hour of the horizon, with the day-level demand multiplier.

    With ``daily_cv`` > 0 each day's rate is scaled by a gamma draw of mean 1 and that
    coefficient of variation, giving the overdispersed daily counts seen in real data;
    growth and month-of-year factors (:func:`year_factors`) apply on top.
    """
    hours = int(np.ceil(horizon / 60.0))
    base = ct.calls_per_day / MINUTES_PER_DAY * ct.profile()
    rates = np.resize(base, hours)
    year = year_factors(ct, hours, start)
    if year is not None:
        rates = rates * year
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


def _skips(ct: CallType, name: str, n: int, streams: Streams) -> np.ndarray | None:
    """Bit k set where option k's ``share`` passes the call over (None: no option has one).

    A stream per option, named by its team and which of that team's options it is, so
    putting a program's option in front of the chain leaves the city's draws unchanged.
    """
    if all(o.share_of_calls() >= 1 for o in ct.response):
        return None
    bits = np.zeros(n, dtype=np.uint8)
    seen: dict[str, int] = {}
    for k, option in enumerate(ct.response):
        nth = seen[option.team] = seen.get(option.team, 0) + 1
        if option.share_of_calls() < 1:
            u = streams("share", name, option.team, str(nth)).random(n)
            bits |= np.where(u >= option.share_of_calls(), np.uint8(1 << k), np.uint8(0))
    return bits


def _transport(scn: Scenario, name: str, ct: CallType, n: int, streams: Streams) -> np.ndarray:
    """Transport minutes (calls × teams): 0 where the answering unit does not transport."""
    out = np.zeros((n, len(scn.teams)))
    for team, move in ct.transport.items():
        if move.time_min is None or move.probability == 0:
            continue
        taken = streams("transport", name, team).random(n) < move.probability
        minutes = move.time_min.sample(streams("transport_time", name, team), n)
        out[:, scn.team_names.index(team)] = np.where(taken, minutes, 0.0)
    return out


def nearest_distance_factor(rng: np.random.Generator, n: int) -> np.ndarray:
    """Z with P(Z > z) = exp(−2z²): the distance to the nearest of units scattered at unit
    density under right-angle travel (inversion of that survival function; mean √(π/8))."""
    return np.sqrt(-np.log1p(-rng.random(n)) / 2.0)


def _distances(
    scn: Scenario, name: str, ct: CallType, n: int, streams: Streams, kind: str
) -> np.ndarray:
    """Distance factors (calls × teams) for the coverage teams this call type may use."""
    out = np.full((n, len(scn.teams)), np.nan)
    for team in ct.teams_used():
        if scn.teams[team].coverage is not None:
            rng = streams(kind, name, team)
            out[:, scn.team_names.index(team)] = nearest_distance_factor(rng, n)
    return out


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
    shares = any(o.share_of_calls() < 1 for ct in scn.call_types.values() for o in ct.response)
    moves = any(ct.transport for ct in scn.call_types.values())
    coverage = any(team.coverage is not None for team in scn.teams.values())
    for k, (name, ct) in enumerate(scn.call_types.items()):
        if arrivals is not None:
            t = np.sort(np.asarray(arrivals.get(name, np.empty(0)), dtype=float))
            t = t[(t >= 0) & (t < horizon)]
        else:
            start = scn.scenario.start_date
            rates = hourly_rates(ct, horizon, streams("demand", name), start)
            t = nhpp_arrivals(rates, horizon, streams("arrivals", name))
        n = len(t)
        priority = draw_priority(ct, n, streams("priority", name))
        travel, on_scene = _team_times(scn, name, ct, priority, streams)
        backup, b_travel, b_on_scene = _backup(scn, name, ct, n, streams)
        extra: dict[str, np.ndarray] = {}
        if shares:
            skip = _skips(ct, name, n, streams)
            extra["skip"] = np.zeros(n, dtype=np.uint8) if skip is None else skip
        if moves:
            extra["transport"] = _transport(scn, name, ct, n, streams)
        if coverage:
            extra["distance"] = _distances(scn, name, ct, n, streams, "distance")
            extra["backup_distance"] = _distances(scn, name, ct, n, streams, "backup_distance")
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
                **extra,
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
    "nearest_distance_factor",
    "nhpp_arrivals",
    "year_factors",
]
