"""Observed priority mixes per category and the check of the priority order's direction."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.fit.build import DEFAULT_PRIORITY
from sim.fit.priority import priority_mix, urgency_warning


def test_one_level_is_a_number_and_a_mix_adds_up_to_one() -> None:
    assert priority_mix(pd.Series([2, 2, 2, None], dtype="Int64")) == 2
    mix = priority_mix(pd.Series([1] * 333 + [2] * 333 + [3] * 334, dtype="Int64"))
    assert isinstance(mix, dict) and sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
    assert mix == {1: 0.333, 2: 0.333, 3: 0.334}


def test_rare_levels_fold_into_the_nearest_and_unknown_is_none() -> None:
    mix = priority_mix(pd.Series([1] * 600 + [2] * 398 + [5] * 2, dtype="Int64"))
    assert mix == {1: 0.6, 2: 0.4}  # 0.2% at level 5 joins level 2
    assert priority_mix(pd.Series([None, None, 1], dtype="Int64")) is None  # < half known


def test_warning_when_the_most_urgent_level_is_mostly_low_urgency() -> None:
    table = pd.DataFrame({
        "category": ["noise_quality_of_life"] * 80 + ["violent_crime"] * 20 + ["medical"] * 50,
        "priority": pd.array([1] * 100 + [3] * 50, dtype="Int64"),
    })  # fmt: skip
    warning = urgency_warning(table, DEFAULT_PRIORITY)
    assert warning is not None and "priority_order" in warning and "80%" in warning
    table["priority"] = pd.array([3] * 80 + [1] * 70, dtype="Int64")
    assert urgency_warning(table, DEFAULT_PRIORITY) is None
