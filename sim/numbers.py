"""The one policy for numbers a user gives: finite, of the right type, in a plausible range.

Every numeric field of a scenario, program template, budget, sweep file, mapping, fit options
and command-line option is one of the types below (or ``Annotated[float,
BeforeValidator(Kind(...))]`` for a range of its own), so a typo such as ``days = 1e300``,
``units = true``, ``mu = nan`` or ``--police-units 99999999999999999999`` is one line naming
the key, the value, the range and the fix, before anything runs — never a traceback, a hang
or a run of nonsense. A test (``tests/unit/test_numbers.py``) fails when a model's numeric
field is a bare ``float``/``int``: new fields use these types.

The ranges (README: "The scenario format", "Numbers"):

=====================  =========================  ==========================================
type                   range                      what for
=====================  =========================  ==========================================
``Days``               0.01 … 3,650               simulated days (ten years at most)
``WarmupDays``         0 … 3,650                  warm-up days
``Replications``       1 … 10,000 (whole)         replications
``Seed``               0 … 2⁶³ − 1 (whole)        random seed (the largest 64-bit integer)
``Units``              0 … 100,000 (whole)        units on duty, in a shift, vehicles
``UnitsPerCall``       1 … 100,000 (whole)        units sent to one call
``CallsPerDay``        0 … 100,000                calls a day of one call type
``Minutes``            0 … 10,080                 times: wait limits, time parameters (a week)
``PositiveMinutes``    above 0 … 10,080           targets, means, medians, scales
``Share``              0 … 1                      shares and probabilities
``Factor``             0 … 1,000                  demand factors, overtime factor
``CV``                 0.01 … 10                  coefficient of variation of a distribution
``DailyCV``            0 … 10                     day-to-day demand variation (0: none)
``Shape``              0.01 … 1,000               gamma and Weibull shape
``LogMinutes``         −30 … 10                   lognormal mu (log of minutes)
``LogSpread``          above 0 … 10               lognormal sigma
``Priority``           1 … 100 (whole)            priority levels (1 is the most urgent)
``Growth``             above −1 … 10              demand growth per year (−100% … +1,000%)
``Population``         1 … 1,000,000,000 (whole)  residents
``DollarsPerHour``     0 … 100,000                costs and wages per hour
``DollarsPerYear``     0 … 10,000,000,000         costs and salaries per year
``FTE``                above 0 … 100,000          full-time equivalents
``AreaKm2``            above 0 … 100,000          a team's area (coverage travel)
``SpeedKmh``           above 0 … 300              a team's travel speed
``Count``              0 … 10,000,000,000 (whole) counts of rows or calls
``Workers``            1 … 1,000 (whole)          worker processes
``BLOCK_HOURS``        1 … 24 (whole)             an optimizer's shift block (a divisor of 24)
``SHIFT_HOURS``        1 … 24 (whole)             an optimizer's shortest and longest shift
``SPREAD``             above 0 … 0.99             ``sim sensitivity --spread`` (±20% is 0.2)
=====================  =========================  ==========================================

A distribution (:mod:`sim.dists`) is checked further as a whole: its mean is at most a week
and its sampler gives finite, non-negative draws.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import BeforeValidator

MINUTES_PER_WEEK = 7 * 24 * 60


def _show(x: float) -> str:
    """A bound as a planner reads it: 3,650, 0.01, 10,080, 4,294,967,295."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


def _given(x: float) -> str:
    """A value as the user gave it, kept short (an integer of 400 digits is not printed)."""
    if isinstance(x, int):
        digits = len(str(abs(x)))
        return f"{x:,}" if digits <= 24 else f"a number of {digits} digits"
    return f"{x:g}"


@dataclass(frozen=True)
class Kind:
    """A kind of quantity and its plausible range; called on a value, it checks it.

    ``above``: the low bound is excluded. ``whole``: an integer (3.0 is taken as 3).
    ``text``: digits given as text are read too (TOML table keys, e.g. priority levels).
    """

    what: str
    low: float
    high: float
    above: bool = False
    whole: bool = False
    text: bool = False
    note: str = ""

    def range(self) -> str:
        """'from 0.01 to 3,650 (ten years)', 'above 0 and at most 10,080', for messages."""
        kind = "a whole number" if self.whole else "a number"
        low = f"above {_show(self.low)}" if self.above else f"from {_show(self.low)}"
        upto = "and at most" if self.above else "to"
        note = f" ({self.note})" if self.note else ""
        return f"{kind} {low} {upto} {_show(self.high)}{note}"

    def _fail(self, got: str) -> ValueError:
        return ValueError(f"{got}: {self.what} must be {self.range()}; give a value in that range")

    def __call__(self, value: Any) -> Any:
        """The value as an int or float, or a ValueError naming the value and the range."""
        if value is None:  # optional fields: pydantic decides whether None is allowed
            return value
        if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy too
            return self._raise(f"{str(value).lower()} is not a number")
        if isinstance(value, str):
            if self.text and value.strip().isdigit():
                value = int(value.strip())
            else:
                return self._raise(f"'{value[:40]}' is text, not a number")
        if not isinstance(value, numbers.Real):
            return self._raise(f"{type(value).__name__} is not a number")
        if isinstance(value, numbers.Integral):
            number: float = int(value)
        else:
            number = float(value)
            if not math.isfinite(number):
                return self._raise(f"{number} is not a finite number")
            if self.whole and not number.is_integer():
                return self._raise(f"{number:g} is not a whole number")
        low_ok = number > self.low if self.above else number >= self.low
        if not (low_ok and number <= self.high):
            return self._raise(f"{_given(number)} is out of range")
        return int(number) if self.whole else float(number)

    def _raise(self, got: str) -> Any:
        raise self._fail(got)

    def check(self, value: Any) -> Any:
        """The same check for code outside a model (options, library arguments), where
        nothing (None) is no number either."""
        if value is None:
            return self._raise("nothing (None) is not a number")
        return self(value)

    def but(self, **changes: Any) -> Kind:
        """This kind with some bounds changed (e.g. ``UNITS.but(low=1)``)."""
        return replace(self, **changes)


def kind_of(metadata: Any) -> Kind | None:
    """The policy :class:`Kind` in a field's metadata, if any (for the architecture test)."""
    if isinstance(metadata, BeforeValidator) and isinstance(metadata.func, Kind):
        return metadata.func
    return None


DAYS = Kind("simulated days", 0.01, 3650, note="ten years")
WARMUP_DAYS = Kind("warm-up days", 0, 3650, note="ten years")
REPLICATIONS = Kind("replications", 1, 10_000, whole=True)
SEED = Kind("the seed", 0, 2**63 - 1, whole=True)
UNITS = Kind("units", 0, 100_000, whole=True)
UNITS_PER_CALL = Kind("units sent to a call", 1, 100_000, whole=True)
CALLS_PER_DAY = Kind("calls per day", 0, 100_000)
MINUTES = Kind("minutes", 0, MINUTES_PER_WEEK, note="a week")
POSITIVE_MINUTES = MINUTES.but(above=True)
SHARE = Kind("a share", 0, 1)
FACTOR = Kind("a factor", 0, 1000)
CV_KIND = Kind("a coefficient of variation", 0.01, 10, note="below 0.01 use dist = 'constant'")
DAILY_CV = Kind("a day-to-day coefficient of variation", 0, 10, note="0: no variation")
SHAPE = Kind("a shape parameter", 0.01, 1000)
LOG_MINUTES = Kind("lognormal mu (the log of minutes)", -30, 10)
LOG_SPREAD = Kind("lognormal sigma", 0, 10, above=True)
PRIORITY = Kind("a priority level", 1, 100, whole=True, text=True, note="1 is the most urgent")
GROWTH = Kind("growth per year", -1, 10, above=True, note="−100% to +1,000% a year")
POPULATION = Kind("the population", 1, 1_000_000_000, whole=True)
DOLLARS_PER_HOUR = Kind("dollars per hour", 0, 100_000)
DOLLARS_PER_YEAR = Kind("dollars per year", 0, 10_000_000_000)
FTE_KIND = Kind("full-time equivalents", 0, 100_000, above=True)
AREA_KM2 = Kind("an area in km²", 0, 100_000, above=True)
SPEED_KMH = Kind("a speed in km/h", 0, 300, above=True)
COUNT = Kind("a count", 0, 10_000_000_000, whole=True)
WORKERS = Kind("workers", 1, 1000, whole=True)
BLOCK_HOURS = Kind("hours in a shift block", 1, 24, whole=True, note="a divisor of 24")
SHIFT_HOURS = Kind("hours in a shift", 1, 24, whole=True)
SPREAD = Kind("a sensitivity spread (± a share of each input)", 0, 0.99, above=True)

Days = Annotated[float, BeforeValidator(DAYS)]
WarmupDays = Annotated[float, BeforeValidator(WARMUP_DAYS)]
Replications = Annotated[int, BeforeValidator(REPLICATIONS)]
Seed = Annotated[int, BeforeValidator(SEED)]
Units = Annotated[int, BeforeValidator(UNITS)]
UnitsPerCall = Annotated[int, BeforeValidator(UNITS_PER_CALL)]
CallsPerDay = Annotated[float, BeforeValidator(CALLS_PER_DAY)]
Minutes = Annotated[float, BeforeValidator(MINUTES)]
PositiveMinutes = Annotated[float, BeforeValidator(POSITIVE_MINUTES)]
Share = Annotated[float, BeforeValidator(SHARE)]
Factor = Annotated[float, BeforeValidator(FACTOR)]
CV = Annotated[float, BeforeValidator(CV_KIND)]
DailyCV = Annotated[float, BeforeValidator(DAILY_CV)]
Shape = Annotated[float, BeforeValidator(SHAPE)]
LogMinutes = Annotated[float, BeforeValidator(LOG_MINUTES)]
LogSpread = Annotated[float, BeforeValidator(LOG_SPREAD)]
Priority = Annotated[int, BeforeValidator(PRIORITY)]
Growth = Annotated[float, BeforeValidator(GROWTH)]
Population = Annotated[int, BeforeValidator(POPULATION)]
DollarsPerHour = Annotated[float, BeforeValidator(DOLLARS_PER_HOUR)]
DollarsPerYear = Annotated[float, BeforeValidator(DOLLARS_PER_YEAR)]
FTE = Annotated[float, BeforeValidator(FTE_KIND)]
AreaKm2 = Annotated[float, BeforeValidator(AREA_KM2)]
SpeedKmh = Annotated[float, BeforeValidator(SPEED_KMH)]
Count = Annotated[int, BeforeValidator(COUNT)]
Workers = Annotated[int, BeforeValidator(WORKERS)]

__all__ = [
    "CV",
    "FTE",
    "AreaKm2",
    "CallsPerDay",
    "Count",
    "DailyCV",
    "Days",
    "DollarsPerHour",
    "DollarsPerYear",
    "Factor",
    "Growth",
    "Kind",
    "LogMinutes",
    "LogSpread",
    "Minutes",
    "Population",
    "PositiveMinutes",
    "Priority",
    "Replications",
    "Seed",
    "Shape",
    "Share",
    "SpeedKmh",
    "Units",
    "UnitsPerCall",
    "WarmupDays",
    "Workers",
    "kind_of",
]
