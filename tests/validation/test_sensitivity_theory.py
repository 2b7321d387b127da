"""``sim sensitivity`` held to a case whose every answer is known (Erlang B).

``scenarios/validation/sensitivity_erlang_b.toml`` (its top comment derives the formulas): a
program van team with no waiting room in front of police with ample units. Every output of
every variant — the police unit-hours the vans free, their cost per call answered, the
eligible response p90 — follows from Erlang B, so each input's effect is known exactly:

* the simulated value of each variant has the theory value inside its 99% t-interval across
  replications (the result carries the 95% interval; its half-width gives the standard error)
  and lies within 4% of it (about twice the intervals' half-widths, so the check keeps its
  power);
* the eligible response p90 can move only with travel — the one input that changes the van's
  constant travel — and is exactly 10 minutes × the travel factor; every other input leaves
  it exactly unchanged (common random numbers, not noise);
* the backup rate, raised with the program only, takes a known number of hours off the
  police time freed, checked on the paired change (99% interval, within 25%: it rests on
  about 40 extra backups a replication).

Runs in about 3 seconds on one core.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pytest
from scipy import stats

from sim import analytic
from sim.estimates import Estimate
from sim.pipeline import SerialExecutor
from sim.scenario import load_scenario
from sim.sensitivity import SensitivityResult, sensitivity

CASE = Path(__file__).resolve().parents[2] / "scenarios" / "validation"
CONFIDENCE = 0.99
MIN_PER_YEAR, HOURS_PER_YEAR = 525_600, 8_760
FACTORS = {"low": 0.8, "high": 1.2}  # the default range, ±20%


@functools.cache
def result() -> SensitivityResult:
    scn = load_scenario(CASE / "sensitivity_erlang_b.toml")
    return sensitivity(scn, SerialExecutor())


def theory(
    calls: float = 1, on_scene: float = 1, travel: float = 1, backup: float = 1
) -> dict[str, float]:
    """Police hours freed, cost per call answered and eligible p90 for the given multipliers
    (the scenario's parameters read from its file)."""
    scn = load_scenario(CASE / "sensitivity_erlang_b.toml")
    crisis, van, police = scn.call_types["crisis"], scn.teams["van"], scn.teams["police"]
    assert crisis.backup is not None and crisis.backup.on_scene_min is not None
    lam = crisis.calls_per_day / 1440 * calls
    t_van, t_pol = van.travel_min.mean() * travel, police.travel_min.mean() * travel
    s_van = crisis.on_scene_min["van"].mean() * on_scene
    s_pol = crisis.on_scene_min["police"].mean() * on_scene
    s_backup = crisis.backup.on_scene_min.mean() * on_scene
    p = crisis.backup.probability
    c = van.max_units()
    blocked = analytic.erlang_b(c, lam * (t_van + s_van))
    freed = lam * (1 - blocked) * (t_pol + s_pol) * HOURS_PER_YEAR
    freed -= lam * p * (backup - 1) * (t_pol + s_backup) * HOURS_PER_YEAR
    answered = lam * (1 - blocked) * MIN_PER_YEAR
    cost = c * HOURS_PER_YEAR * van.cost_per_unit_hour + van.fixed_cost_per_year
    assert blocked < 0.9 and t_van > t_pol  # so the 90th percentile is the van's travel
    return {
        "police_hours_freed": freed,
        "cost_per_call_answered": cost / answered,
        "eligible_response_p90": t_van,
    }


def interval99(e: Estimate, n: int) -> tuple[float, float]:
    """The 99% t-interval of a mean whose 95% interval is ``e.ci95`` (n replications)."""
    assert e.mean is not None and e.ci95 is not None
    se = (e.ci95[1] - e.ci95[0]) / 2 / stats.t.ppf(0.975, n - 1)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * se
    return e.mean - half, e.mean + half


def assert_near(e: Estimate, expected: float, n: int, rel: float, what: str) -> None:
    lo, hi = interval99(e, n)
    msg = f"{what}: simulated {e.mean:.5g} (99% CI {lo:.5g}–{hi:.5g}), theory {expected:.5g}"
    assert lo <= expected <= hi, msg
    assert e.mean is not None and abs(e.mean - expected) <= rel * abs(expected), msg
    assert (hi - lo) / 2 <= rel * abs(expected), f"{msg}: interval wider than ±{rel:.0%}"


KEYWORDS = {"calls": "calls", "eligible_share": "calls", "on_scene": "on_scene",
            "travel": "travel", "backup_rate": "backup"}  # fmt: skip


def test_central_values_are_erlang_b() -> None:
    res, expected = result(), theory()
    for name in ("police_hours_freed", "cost_per_call_answered"):
        central = res.output(name).central
        assert central is not None
        assert_near(central, expected[name], res.replications, 0.04, f"{name} as written")


@pytest.mark.parametrize("name", list(KEYWORDS))
@pytest.mark.parametrize("end", ["low", "high"])
def test_each_input_moves_the_outputs_as_erlang_b_says(name: str, end: str) -> None:
    res = result()
    expected = theory(**{KEYWORDS[name]: FACTORS[end]})
    for output in ("police_hours_freed", "cost_per_call_answered"):
        effect = res.effect(name, output)
        assert effect is not None
        value = effect.low if end == "low" else effect.high
        if name == "backup_rate" and output == "cost_per_call_answered":
            # Backups occupy police, not vans: the vans' calls and cost are exactly unchanged.
            assert value.mean == pytest.approx(expected[output], rel=0.04)
            assert (effect.low_change.mean, effect.high_change.mean) == (0.0, 0.0)
            continue
        assert_near(value, expected[output], res.replications, 0.04, f"{output}, {name} {end}")


def test_only_travel_can_move_the_eligible_p90() -> None:
    res = result()
    for name in KEYWORDS:
        effect = res.effect(name, "eligible_response_p90")
        assert effect is not None
        for end, value in (("low", effect.low), ("high", effect.high)):
            factor = FACTORS[end] if name == "travel" else 1.0
            assert value.mean == pytest.approx(10.0 * factor, abs=1e-9), (name, end)
        assert effect.significant == (name == "travel"), name
    assert res.ranking["eligible_response_p90"][0] == "travel"


def test_backup_rate_takes_known_hours_off_the_time_freed() -> None:
    res = result()
    effect = res.effect("backup_rate", "police_hours_freed")
    assert effect is not None
    base = theory()["police_hours_freed"]
    for end, change in (("low", effect.low_change), ("high", effect.high_change)):
        expected = theory(backup=FACTORS[end])["police_hours_freed"] - base
        lo, hi = interval99(change, res.replications)
        assert lo <= expected <= hi, (end, change, expected)
        assert change.mean is not None and abs(change.mean - expected) <= 0.25 * abs(expected)


def test_ranking_and_the_biggest_uncertainty() -> None:
    """Freed hours: volume (and eligible share, the same thing here) before time on scene,
    travel and backup, as the theory's swings say (2,547; 1,978; 553; −245 unit-hours)."""
    res = result()
    swings = {
        name: theory(**{KEYWORDS[name]: 1.2})["police_hours_freed"]
        - theory(**{KEYWORDS[name]: 0.8})["police_hours_freed"]
        for name in KEYWORDS
    }
    order = sorted(swings, key=lambda n: -abs(swings[n]))
    ranked = res.ranking["police_hours_freed"]
    assert set(ranked[:2]) == {"calls", "eligible_share"} == set(order[:2])
    assert ranked[2:] == order[2:] == ["on_scene", "travel", "backup_rate"]
    # Averaged over the three outputs, travel moves most: it alone moves the p90 (by 40%).
    assert res.biggest == "travel"
    assert res.biggest_uncertainty.startswith("The biggest uncertainty is travel time (±20%")
    assert math.isclose(res.output("eligible_response_p90").central.mean or 0, 10.0)  # type: ignore[union-attr]
