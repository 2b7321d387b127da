"""Distributions know their moments: sampled means and quantiles agree with theory."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.dists import Dist

ADAPTER: TypeAdapter = TypeAdapter(Dist)

SPECS = [
    {"dist": "exponential", "mean": 30},
    {"dist": "lognormal", "median": 35, "p90": 80},
    {"dist": "lognormal", "mean": 40, "cv": 0.8},
    {"dist": "lognormal", "mu": 3.0, "sigma": 0.5},
    {"dist": "gamma", "mean": 42, "cv": 0.9},
    {"dist": "gamma", "shape": 2.0, "scale": 10.0},
    {"dist": "weibull", "shape": 1.5, "scale": 30},
    {"dist": "weibull", "median": 20, "p90": 50},
    {"dist": "weibull", "mean": 25, "cv": 0.7},
    {"dist": "constant", "value": 12},
    {"dist": "empirical", "quantiles": [0, 5, 8, 20, 60]},
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.values())))
def test_sample_mean_within_99pct_interval_of_analytic_mean(spec: dict) -> None:
    d = ADAPTER.validate_python(spec)
    x = d.sample(np.random.default_rng(7), 200_000)
    # The sample mean of 200k draws lies within 2.576 standard errors of the true mean
    # 99% of the time; the seed is fixed, so this either always passes or always fails.
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert abs(x.mean() - d.mean()) <= 2.576 * se + 1e-9


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.values())))
def test_sample_quantiles_match_analytic(spec: dict) -> None:
    d = ADAPTER.validate_python(spec)
    x = d.sample(np.random.default_rng(11), 200_000)
    for p in (0.5, 0.9):
        # Binomial 99% band on the empirical CDF at the analytic quantile.
        share = np.mean(x <= d.quantile(p) + 1e-12)
        band = 2.576 * np.sqrt(p * (1 - p) / len(x))
        if spec["dist"] == "constant":
            assert share == 1.0
        else:
            assert abs(share - p) <= band


def test_planner_parameters_are_honoured() -> None:
    ln = ADAPTER.validate_python({"dist": "lognormal", "median": 7, "p90": 16})
    assert ln.quantile(0.5) == pytest.approx(7)
    assert ln.quantile(0.9) == pytest.approx(16)
    g = ADAPTER.validate_python({"dist": "gamma", "mean": 42, "cv": 0.9})
    assert g.mean() == pytest.approx(42)
    assert np.sqrt(g.scipy().var()) / g.mean() == pytest.approx(0.9)
    w = ADAPTER.validate_python({"dist": "weibull", "mean": 25, "cv": 0.7})
    assert np.sqrt(w.scipy().var()) / w.mean() == pytest.approx(0.7, rel=1e-6)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "lognormal", "median": 30, "p90": 20}, "must be above the median"),
        ({"dist": "lognormal", "median": 30}, "needs median and p90"),
        ({"dist": "gamma", "mean": 3, "cv": 1, "shape": 2}, "needs mean and cv"),
        (
            {"dist": "exponential", "mean": -1},
            "-1 is out of range: minutes must be a number above 0",
        ),
        ({"dist": "empirical", "quantiles": [3, 1]}, "non-decreasing"),
        ({"dist": "normal", "mean": 3}, "does not match any of the expected tags"),
    ],
)
def test_impossible_parameters_are_rejected(spec: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ADAPTER.validate_python(spec)


def test_spec_round_trips() -> None:
    for spec in SPECS:
        d = ADAPTER.validate_python(spec)
        assert ADAPTER.validate_python(d.spec()) == d


def test_means_are_scipys_to_the_last_bit() -> None:
    """Means are closed forms (no scipy.stats import to load a scenario), computed as scipy
    computes them: fitted scenarios and staffing estimates stay exactly what they were."""
    from scipy import stats

    rng = np.random.default_rng(0)
    for _ in range(300):
        a, b = float(rng.uniform(0.1, 100)), float(rng.uniform(0.05, 3))
        for spec in (
            {"dist": "exponential", "mean": a},
            {"dist": "lognormal", "median": a, "p90": a * (1 + b)},
            {"dist": "lognormal", "mean": a, "cv": b},
            {"dist": "lognormal", "mu": float(np.log(a)), "sigma": b},
            {"dist": "gamma", "mean": a, "cv": b},
            {"dist": "gamma", "shape": b, "scale": a},
            {"dist": "weibull", "shape": b + 0.1, "scale": a},
            {"dist": "weibull", "median": a, "p90": a * (1 + b)},
            {"dist": "weibull", "mean": a, "cv": min(b, 5.0)},
        ):
            try:
                d = ADAPTER.validate_python(spec)
            except ValidationError as err:
                # Refused only for a mean beyond a week (sim.numbers: times are at most a
                # week), which scipy confirms: a Weibull of small shape has a huge mean.
                assert "at most 10,080 minutes" in str(err), err
                assert stats.weibull_min(spec["shape"], scale=spec["scale"]).mean() > 10_080
                continue
            assert d.mean() == float(d.scipy().mean()), spec


def test_z90_is_scipys_normal_quantile() -> None:
    from scipy import stats

    from sim.dists import Z90

    assert float(stats.norm.ppf(0.9)) == Z90


def test_t_quantiles_without_scipy_stats_are_scipys() -> None:
    from scipy import stats

    from sim.estimates import _t_quantiles

    for df in (1, 2, 3, 9, 29, 99, 999):
        lo, hi = stats.t.interval(0.95, df)
        assert _t_quantiles(df) == (float(lo), float(hi))
