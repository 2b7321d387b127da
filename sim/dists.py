"""Distribution specs as planners write them, turned into samplers and analytic moments.

A spec is a small frozen pydantic model chosen by ``dist`` ("exponential", "lognormal",
"gamma", "weibull", "constant", "empirical") and given in the terms a planner knows: a mean;
a median and a 90th percentile; a mean and a coefficient of variation; or the family's own
shape and scale. Each spec knows its analytic mean and quantiles, so tests can hold sampled
moments to theory. Nothing is ever ``eval``-ed.

Sampling draws from numpy directly, and means are closed forms computed exactly as
``scipy.stats`` computes them (a test checks they are equal), so loading and checking a
scenario never imports ``scipy.stats`` (half a second); quantiles and CDFs import it when
they are asked for.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.numbers import CV, MINUTES, LogMinutes, LogSpread, Minutes, PositiveMinutes, Shape

Z90 = 1.2815515655446004  # scipy.stats.norm.ppf(0.9), to the last bit (a test checks it)

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class _Spec(BaseModel):
    """Shared behaviour: a frozen scipy distribution, its mean, quantiles and sampler."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,)
    )

    def scipy(self) -> Any:
        """The frozen scipy.stats distribution this spec describes."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _check(self) -> Any:
        """The parameters fit together (each family's ``_check_params``), and the whole is
        usable: a finite mean of at most a week and finite, non-negative draws."""
        self._check_params()
        name = getattr(self, "dist", "distribution")
        try:
            mean = self.mean()
            draws = self.sample(np.random.default_rng(0), 64)
        except (ArithmeticError, ValueError, RuntimeError) as err:  # root finding, overflow
            raise ValueError(
                f"{name} with these parameters cannot be sampled ({err}); "
                "choose values nearer the usual ones (README: Distributions)"
            ) from None
        if not math.isfinite(mean) or mean > MINUTES.high:
            raise ValueError(
                f"{name} with these parameters has a mean of {mean:.4g} minutes; the mean of a "
                f"time must be at most {MINUTES.high:,.0f} minutes (a week): check the parameters"
            )
        if not np.all(np.isfinite(draws)) or np.any(draws < 0):
            raise ValueError(
                f"{name} with these parameters draws values that are not finite non-negative "
                "minutes; choose values nearer the usual ones (README: Distributions)"
            )
        return self

    def _check_params(self) -> None:
        """Raise ValueError when the given parameters do not describe one distribution."""

    @cached_property
    def _frozen(self) -> Any:
        return self.scipy()

    def mean(self) -> float:
        """Analytic mean, in the spec's units (minutes for durations)."""
        raise NotImplementedError

    def quantile(self, p: float | np.ndarray) -> Any:
        """Analytic quantile function (inverse CDF)."""
        return self._frozen.ppf(p)

    def cdf(self, x: float | np.ndarray) -> Any:
        """Analytic cumulative distribution function."""
        return self._frozen.cdf(x)

    def spec(self) -> dict[str, Any]:
        """The inline-table form of this spec, as written in a scenario file."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values in one batch from ``rng``."""
        return np.asarray(self._frozen.rvs(size=size, random_state=rng), dtype=float)


def _needs(spec: str, given: dict[str, Any], *options: tuple[str, ...]) -> tuple[str, ...]:
    """Return which parameter set of ``options`` was given, or explain what is accepted."""
    present = {k for k, v in given.items() if v is not None and k != "dist"}
    for option in options:
        if present == set(option):
            return option
    forms = " or ".join(" and ".join(o) for o in options)
    got = ", ".join(sorted(present)) or "nothing"
    raise ValueError(f"{spec} needs {forms} (got {got})")


def _check_median_p90(median: float, p90: float) -> None:
    if not 0 < median < p90:
        raise ValueError(
            f"p90 ({p90}) must be above the median ({median}) and both positive; "
            "for a fixed time use dist = 'constant'"
        )


class Exponential(_Spec):
    """Memoryless durations or gaps: ``{ dist = "exponential", mean = 30 }``."""

    dist: Literal["exponential"]
    mean_: PositiveMinutes = Field(alias="mean")

    def scipy(self) -> Any:
        from scipy import stats

        return stats.expon(scale=self.mean_)

    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        # Same stream use as scipy's expon.rvs, without its per-call argument checking.
        return rng.exponential(self.mean_, size)


class Lognormal(_Spec):
    """Right-skewed times: by ``median`` and ``p90``, ``mean`` and ``cv``, or ``mu``/``sigma``."""

    dist: Literal["lognormal"]
    median: PositiveMinutes | None = None
    p90: PositiveMinutes | None = None
    mean_: PositiveMinutes | None = Field(default=None, alias="mean")
    cv: CV | None = None
    mu: LogMinutes | None = None
    sigma: LogSpread | None = None

    def _check_params(self) -> None:
        form = _needs(
            "lognormal",
            {"median": self.median, "p90": self.p90, "mean": self.mean_, "cv": self.cv,
             "mu": self.mu, "sigma": self.sigma},
            ("median", "p90"), ("mean", "cv"), ("mu", "sigma"),
        )  # fmt: skip
        if form == ("median", "p90"):
            _check_median_p90(self.median or 0.0, self.p90 or 0.0)
        elif form == ("mean", "cv") and not ((self.mean_ or 0) > 0 and (self.cv or 0) > 0):
            raise ValueError("lognormal mean and cv must both be positive")
        elif form == ("mu", "sigma") and not (self.sigma or 0) > 0:
            raise ValueError("lognormal sigma must be positive")

    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal."""
        if self.median is not None and self.p90 is not None:
            return math.log(self.median), math.log(self.p90 / self.median) / Z90
        if self.mean_ is not None and self.cv is not None:
            sigma2 = math.log1p(self.cv**2)
            return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)
        assert self.mu is not None and self.sigma is not None
        return self.mu, self.sigma

    def scipy(self) -> Any:
        from scipy import stats

        mu, sigma = self.log_params()
        return stats.lognorm(s=sigma, scale=math.exp(mu))

    def mean(self) -> float:
        mu, sigma = self.log_params()  # as scipy's lognorm: sqrt(exp(σ²)) × scale
        return float(np.sqrt(np.exp(np.float64(sigma) * sigma)) * math.exp(mu))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self.log_params()
        return rng.lognormal(mu, sigma, size)


class Gamma(_Spec):
    """Durations with a mode above zero: by ``mean`` and ``cv``, or ``shape`` and ``scale``."""

    dist: Literal["gamma"]
    mean_: PositiveMinutes | None = Field(default=None, alias="mean")
    cv: CV | None = None
    shape: Shape | None = None
    scale: PositiveMinutes | None = None

    def _check_params(self) -> None:
        _needs(
            "gamma",
            {"mean": self.mean_, "cv": self.cv, "shape": self.shape, "scale": self.scale},
            ("mean", "cv"),
            ("shape", "scale"),
        )
        k, theta = self.params()
        if not (k > 0 and theta > 0):
            raise ValueError("gamma parameters must be positive")

    def params(self) -> tuple[float, float]:
        """(shape, scale)."""
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        mean, cv = self.mean_ or 0.0, self.cv or 0.0
        if mean <= 0 or cv <= 0:
            return -1.0, -1.0
        k = 1.0 / cv**2
        return k, mean / k

    def scipy(self) -> Any:
        from scipy import stats

        k, theta = self.params()
        return stats.gamma(a=k, scale=theta)

    def mean(self) -> float:
        k, theta = self.params()
        return float(np.float64(k) * theta)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        k, theta = self.params()
        return rng.gamma(k, theta, size)


def _weibull_shape_for_cv(cv: float) -> float:
    """Weibull shape k whose coefficient of variation is ``cv`` (monotone, so brentq)."""
    from scipy import optimize, special

    def cv_of(k: float) -> float:
        g1, g2 = special.gamma(1 + 1 / k), special.gamma(1 + 2 / k)
        return float(math.sqrt(max(g2 / g1**2 - 1, 0.0)) - cv)

    return float(optimize.brentq(cv_of, 0.05, 200.0))


class Weibull(_Spec):
    """By ``shape`` and ``scale``, ``median`` and ``p90``, or ``mean`` and ``cv``."""

    dist: Literal["weibull"]
    shape: Shape | None = None
    scale: PositiveMinutes | None = None
    median: PositiveMinutes | None = None
    p90: PositiveMinutes | None = None
    mean_: PositiveMinutes | None = Field(default=None, alias="mean")
    cv: CV | None = None

    def _check_params(self) -> None:
        form = _needs(
            "weibull",
            {"shape": self.shape, "scale": self.scale, "median": self.median, "p90": self.p90,
             "mean": self.mean_, "cv": self.cv},
            ("shape", "scale"), ("median", "p90"), ("mean", "cv"),
        )  # fmt: skip
        if form == ("median", "p90"):
            _check_median_p90(self.median or 0.0, self.p90 or 0.0)
        elif form == ("shape", "scale") and not ((self.shape or 0) > 0 and (self.scale or 0) > 0):
            raise ValueError("weibull shape and scale must be positive")

    def params(self) -> tuple[float, float]:
        """(shape k, scale λ)."""
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        if self.median is not None and self.p90 is not None:
            k = math.log(math.log(10) / math.log(2)) / math.log(self.p90 / self.median)
            return k, self.median / math.log(2) ** (1 / k)
        assert self.mean_ is not None and self.cv is not None
        from scipy import special

        k = _weibull_shape_for_cv(self.cv)
        return k, self.mean_ / special.gamma(1 + 1 / k)

    def scipy(self) -> Any:
        from scipy import stats

        k, lam = self.params()
        return stats.weibull_min(c=k, scale=lam)

    def mean(self) -> float:
        # Γ from scipy.special, as scipy's weibull_min takes it (math.gamma's last bit differs).
        from scipy import special

        k, lam = self.params()
        return float(special.gamma(1.0 + 1.0 / np.float64(k)) * lam)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        k, lam = self.params()
        return lam * rng.weibull(k, size)


class Constant(_Spec):
    """A fixed time: ``{ dist = "constant", value = 0 }``."""

    dist: Literal["constant"]
    value: Minutes

    def scipy(self) -> Any:
        from scipy import stats

        return stats.uniform(loc=self.value, scale=0.0)

    def mean(self) -> float:
        return self.value

    def quantile(self, p: float | np.ndarray) -> Any:
        return np.full_like(np.asarray(p, dtype=float), self.value)[()]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)


class Empirical(_Spec):
    """Quantiles at equally spaced probabilities 0, 1/(n-1), …, 1, linearly interpolated.

    This is the form fitting writes when no parametric family fits; sampling is inversion
    (a uniform draw through the piecewise-linear quantile function).
    """

    dist: Literal["empirical"]
    quantiles: tuple[Minutes, ...] = Field(min_length=2, max_length=10_001)

    def _check_params(self) -> None:
        q = np.asarray(self.quantiles)
        if np.any(q < 0) or np.any(np.diff(q) < 0):
            raise ValueError("empirical quantiles must be non-negative and non-decreasing")

    @property
    def probs(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, len(self.quantiles))

    def scipy(self) -> Any:
        # Piecewise-uniform density between quantile points: the distribution whose
        # quantile function is the linear interpolation used for sampling. Tied quantiles
        # (an atom) are merged so the histogram's bin edges increase strictly.
        from scipy import stats

        q = np.asarray(self.quantiles)
        edges, first = np.unique(q, return_index=True)
        if len(edges) < 2:
            return stats.uniform(loc=q[0], scale=0.0)
        mass = np.diff(np.append(self.probs[first], 1.0))[:-1]
        return stats.rv_histogram((mass, edges), density=False)

    def cdf(self, x: float | np.ndarray) -> Any:
        q = np.asarray(self.quantiles)
        return np.interp(x, q, self.probs, left=0.0, right=1.0)

    def mean(self) -> float:
        # Mean of a piecewise-linear quantile function: the trapezoid of Q(p) over p.
        q = np.asarray(self.quantiles)
        return float(np.sum((q[1:] + q[:-1]) / 2) / (len(q) - 1))

    def quantile(self, p: float | np.ndarray) -> Any:
        return np.interp(p, self.probs, self.quantiles)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.interp(rng.random(size), self.probs, self.quantiles)


Dist = Annotated[
    Exponential | Lognormal | Gamma | Weibull | Constant | Empirical,
    Field(discriminator="dist"),
]

ZERO: Dist = Constant(dist="constant", value=0.0)

__all__ = [
    "ZERO",
    "Constant",
    "Dist",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Weibull",
]
