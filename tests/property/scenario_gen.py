"""Hypothesis strategies for scenarios: every feature of the format, valid by construction.

``scenario_data()`` draws the plain data of a scenario file (what ``tomllib`` would give):
teams by round-the-clock units or by shifts (overnight, weekday ranges, wrapping the
week), roles and coverage-dependent travel, response chains with wait limits, multi-unit
options, partial shares and co-responders (together or joining when free), transport,
backups, demand shapes with growth and month-of-year factors, the ``[dispatch]`` switches
(the off-duty rule, pre-emption by priority), and every distribution family in every
parameter form. With ``small=True`` the run settings and magnitudes are kept tiny, so a
scenario simulates in milliseconds.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

from sim.scenario import ROLES, Team

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
DAYS = ("mon-sun", "mon-fri", "sat,sun", "fri-mon", "tue", "sun", "wed,fri")


def _pos(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _priority_mixes() -> st.SearchStrategy[dict[int, float]]:
    """A priority mix over levels 1–3 whose shares add up to 1 (to the validator's 1e-3)."""
    return st.lists(st.integers(1, 100), min_size=2, max_size=3).map(
        lambda w: {k + 1: v / sum(w) for k, v in enumerate(w)}
    )


@st.composite
def dists(draw: st.DrawFn, scale: float = 30.0) -> dict[str, Any]:
    """A distribution spec of any family and parameter form, with a typical value ~scale."""
    kind = draw(
        st.sampled_from(
            [
                "exponential",
                "lognormal/median",
                "lognormal/mean",
                "lognormal/mu",
                "gamma/mean",
                "gamma/shape",
                "weibull/shape",
                "weibull/median",
                "weibull/mean",
                "constant",
                "empirical",
            ]
        )
    )
    m = draw(_pos(0.05 * scale, 2 * scale))
    if kind == "exponential":
        return {"dist": "exponential", "mean": m}
    if kind in ("lognormal/median", "weibull/median"):
        family = kind.split("/")[0]
        return {"dist": family, "median": m, "p90": m * draw(_pos(1.05, 4.0))}
    if kind in ("lognormal/mean", "gamma/mean", "weibull/mean"):
        return {"dist": kind.split("/")[0], "mean": m, "cv": draw(_pos(0.1, 2.0))}
    if kind == "lognormal/mu":
        return {"dist": "lognormal", "mu": draw(_pos(-1.0, 4.5)), "sigma": draw(_pos(0.05, 1.5))}
    if kind == "gamma/shape":
        k = draw(_pos(0.3, 10.0))
        return {"dist": "gamma", "shape": k, "scale": m / k}
    if kind == "weibull/shape":
        return {"dist": "weibull", "shape": draw(_pos(0.5, 5.0)), "scale": m}
    if kind == "constant":
        return {"dist": "constant", "value": draw(st.sampled_from([0.0, m]))}
    qs = draw(st.lists(_pos(0.0, 3 * scale), min_size=2, max_size=6))
    return {"dist": "empirical", "quantiles": sorted(qs)}


def _usable(factors: list[float]) -> bool:
    """Demand factors the format accepts: the largest at least 1e-9."""
    return max(factors) >= 1e-9


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def shifts(draw: st.DrawFn, max_units: int) -> dict[str, Any]:
    """One shift: days, start and end on the half hour (end before start: overnight)."""
    start = draw(st.integers(0, 47)) * 30
    if draw(st.booleans()) and start > 0:
        end = "24:00"
    else:
        end = _clock(draw(st.integers(0, 47).filter(lambda h: h * 30 != start)) * 30)
    return {
        "days": draw(st.sampled_from(DAYS)),
        "start": _clock(start),
        "end": end,
        "units": draw(st.integers(0, max_units)),
    }


@st.composite
def teams(draw: st.DrawFn, small: bool) -> dict[str, Any]:
    most = 3 if small else 20
    team: dict[str, Any] = {}
    if draw(st.booleans()):
        team["units"] = draw(st.integers(0, most))
    else:
        team["shifts"] = draw(st.lists(shifts(most), min_size=1, max_size=3))
    if draw(st.booleans()):
        team["cost_per_unit_hour"] = draw(_pos(0, 200))
        team["fixed_cost_per_year"] = draw(_pos(0, 1e6))
        team["overtime_factor"] = draw(_pos(0, 3))
    if draw(st.booleans()):
        team["travel_min"] = draw(dists(scale=8.0))
    if draw(st.integers(0, 3)) == 0:
        team["coverage"] = {"area_km2": draw(_pos(1, 500)), "speed_kmh": draw(_pos(10, 80))}
    if draw(st.booleans()):
        team["role"] = draw(st.sampled_from(ROLES))
    if not small and draw(st.booleans()):
        team["label"] = draw(st.text(max_size=12))
    return team


def _max_units(team: dict[str, Any]) -> int:
    return Team.model_validate(team).max_units()


@st.composite
def call_types(
    draw: st.DrawFn,
    team_data: dict[str, dict[str, Any]],
    small: bool,
    busy: bool = False,
    with_date: bool = False,
) -> dict[str, Any]:
    """A call type whose chain ends with a team that has someone on duty at some point."""
    staffed = [t for t, d in team_data.items() if _max_units(d) > 0]
    names = list(team_data)
    n_options = draw(st.integers(1, min(3, len(names) + 1)))
    chain_teams = [draw(st.sampled_from(names)) for _ in range(n_options - 1)]
    chain_teams.append(draw(st.sampled_from(staffed)))
    response = []
    used = list(chain_teams)
    for i, team in enumerate(chain_teams):
        most = _max_units(team_data[team])
        option: dict[str, Any] = {"team": team}
        units = draw(st.integers(1, max(1, min(2, most))))
        if units > 1 or draw(st.booleans()):
            option["units"] = units
        last = i == n_options - 1
        if not last:
            option["max_wait_min"] = draw(st.sampled_from([0.0, draw(_pos(0.5, 60))]))
            if draw(st.integers(0, 3)) == 0:
                option["share"] = draw(st.sampled_from([0.0, 1.0, draw(_pos(0.05, 0.95))]))
        others = [t for t in names if t != team]
        if others and draw(st.integers(0, 3)) == 0:
            co_team = draw(st.sampled_from(others))
            co: dict[str, Any] = {"team": co_team}
            co_units = draw(st.integers(1, max(1, min(2, _max_units(team_data[co_team])))))
            if co_units > 1 or draw(st.booleans()):
                co["units"] = co_units
            co["joins"] = "when_free" if last else draw(st.sampled_from(["together", "when_free"]))
            option["co_responder"] = co
            used.append(co_team)
        response.append(option)
    ct: dict[str, Any] = {
        "calls_per_day": draw(_pos(10.0 if busy else 0.0, 40.0) if small else _pos(0, 5000)),
        "priority": draw(st.integers(1, 3) | _priority_mixes()),
        "response": response,
        "on_scene_min": {t: draw(dists()) for t in dict.fromkeys(used)},
    }
    if draw(st.integers(0, 3)) == 0:
        answering = sorted(set(chain_teams))
        movers = draw(st.lists(st.sampled_from(answering), min_size=1, unique=True))
        ct["transport"] = {
            t: {"probability": draw(_pos(0.0, 1.0)), "time_min": draw(dists(scale=20.0))}
            for t in movers
        }
    if draw(st.integers(0, 3)) == 0:
        ct["growth_per_year"] = draw(_pos(-0.5, 2.0))
    if with_date and draw(st.integers(0, 2)) == 0:
        ct["monthly"] = draw(st.lists(_pos(0.0, 3.0), min_size=12, max_size=12).filter(_usable))
    shape = draw(st.sampled_from(["flat", "hourly", "daily", "both", "week"]))
    factors = _pos(0.0, 3.0)

    if shape in ("hourly", "both"):
        ct["hourly"] = draw(st.lists(factors, min_size=24, max_size=24).filter(_usable))
    if shape in ("daily", "both"):
        ct["daily"] = draw(st.lists(factors, min_size=7, max_size=7).filter(_usable))
    if shape == "week":
        week = st.lists(factors, min_size=168, max_size=168).filter(_usable)
        ct["hour_of_week"] = draw(week)
    if draw(st.booleans()):
        ct["daily_cv"] = draw(_pos(0.0, 1.0))
    if draw(st.integers(0, 4)) == 0:  # now and then officer-initiated or admin work
        ct["origin"] = draw(st.sampled_from(["officer", "admin"]))
    if draw(st.booleans()):
        ct["dispatch_delay_min"] = draw(dists(scale=2.0))
    if draw(st.booleans()):
        backup: dict[str, Any] = {
            "team": draw(st.sampled_from(staffed)),
            "probability": draw(_pos(0.0, 1.0)),
        }
        if backup["team"] not in ct["on_scene_min"] or draw(st.booleans()):
            backup["on_scene_min"] = draw(dists())
        ct["backup"] = backup
    if draw(st.booleans()):
        ct["no_dispatch_share"] = draw(_pos(0.0, 0.5))
    if draw(st.booleans()):  # other work is never offered to programs
        ct["community_eligible"] = "origin" not in ct and draw(st.booleans())
    if not small and draw(st.booleans()):
        ct["label"] = draw(st.text(max_size=12))
    return ct


@st.composite
def scenario_data(draw: st.DrawFn, small: bool = False, busy: bool = False) -> dict[str, Any]:
    """Plain data of a valid scenario file (``busy``: at least 10 calls a day per type)."""
    team_names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    team_data = {n: draw(teams(small)) for n in team_names}
    if all(_max_units(t) == 0 for t in team_data.values()):
        team_data[team_names[0]] = {"units": 1}
    type_names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    # Mondays: 2024-01-01, then any Monday within about ten years.
    start = draw(st.one_of(st.none(), st.integers(0, 520)))
    start_date = None if start is None else _monday(start)
    dated = start_date is not None
    types = {n: draw(call_types(team_data, small, busy, dated)) for n in type_names}
    if small:
        days = draw(st.sampled_from([1.0, 2.0, 2.5, 3.0]))
        settings: dict[str, Any] = {
            "name": "generated",
            "days": days,
            "warmup_days": draw(st.sampled_from([0.0, 0.5])),
            "replications": 2,
            "seed": draw(st.integers(0, 2**32)),
        }
    else:
        days = draw(_pos(0.5, 400))
        settings = {
            "name": draw(st.text(min_size=1, max_size=20)),
            "days": days,
            "warmup_days": draw(_pos(0, days * 0.9)),
            "replications": draw(st.integers(1, 100)),
            "seed": draw(st.integers(0, 2**63 - 1)),
        }
        if draw(st.booleans()):
            settings["description"] = draw(st.text(max_size=30))
        if draw(st.booleans()):
            settings["response_target_min"] = draw(_pos(1, 60))
        targets = draw(st.lists(st.sampled_from(type_names), unique=True, max_size=2))
        if targets:
            settings["targets"] = {t: draw(_pos(1, 60)) for t in targets}
        if draw(st.booleans()):
            settings["population"] = draw(st.integers(1, 10**7))
        if draw(st.booleans()):
            settings["provenance"] = {
                "source": draw(st.text(min_size=1, max_size=20)),
                "sha256": "0" * 64,
                "date_start": "2019-01-01",
                "date_end": "2019-12-31",
                "rows_used": draw(st.integers(0, 10**6)),
                "fitted_with": "sim 0.1.0",
                "notes": draw(st.lists(st.text(max_size=20), max_size=2)),
            }
    if start_date is not None:
        settings["start_date"] = start_date
    data: dict[str, Any] = {"scenario": settings, "teams": team_data, "call_types": types}
    if draw(st.booleans()):
        data["dispatch"] = {
            "skip_off_duty": draw(st.booleans()),
            "preempt": draw(st.lists(st.integers(1, 3), max_size=2, unique=True)),
        }
    return data


def _monday(weeks: int) -> str:
    return (datetime.date(2024, 1, 1) + datetime.timedelta(weeks=weeks)).isoformat()
