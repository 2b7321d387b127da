"""Priority per call type: the observed mix of levels, and a check of the order's direction.

A category often mixes levels (a violent-crime category with priority-1 shootings and
priority-3 reports); one level per category would dispatch all of them alike. The fitted
call type carries its observed mix (``priority = { 1 = 0.2, 2 = 0.5, 3 = 0.3 }``) and each
simulated call draws its own level. Levels are in the tidy convention, 1 = most urgent
(the mapping's ``priority_order`` renumbers exports that count the other way).
"""

from __future__ import annotations

import pandas as pd

MIN_KNOWN_SHARE = 0.5
"""A category's priority comes from the data when at least half its calls have one."""
MIN_LEVEL_SHARE = 0.005
"""Levels rarer than this within a category are folded into their nearest kept level."""
LOW_URGENCY_WARNING = 0.5
"""Warn when more than half the most urgent level is call types urgent nowhere else."""


def priority_mix(levels: pd.Series) -> int | dict[int, float] | None:
    """The observed level (one) or mix of levels of a category, None without enough data."""
    known = levels.dropna().astype(int)
    if len(levels) == 0 or len(known) < MIN_KNOWN_SHARE * len(levels):
        return None
    shares = known.value_counts(normalize=True).sort_index()
    kept = shares[shares >= MIN_LEVEL_SHARE].copy()
    if len(kept) == 0:
        kept = shares
    for level, share in shares[shares < MIN_LEVEL_SHARE].items():
        nearest = min(kept.index, key=lambda k: abs(k - level))
        kept[nearest] += share
    if len(kept) == 1:
        return int(str(kept.index[0]))
    rounded = {int(str(k)): round(float(v), 3) for k, v in kept.items()}
    top = max(rounded, key=lambda k: rounded[k])
    rounded[top] = round(rounded[top] + 1 - sum(rounded.values()), 3)
    return rounded


def urgency_warning(
    table: pd.DataFrame, default_priority: dict[str, int], low: int = 3
) -> str | None:
    """A warning when the most urgent level holds mostly low-urgency call types.

    The usual cause is a priority order read the wrong way round (an export where higher
    numbers are more urgent, read as if 1 were the most urgent).
    """
    prio = table["priority"]
    if prio.notna().sum() == 0:
        return None
    top = int(prio.min())
    at_top = table.loc[prio == top, "category"].astype(str)
    if len(at_top) == 0:
        return None
    lowly = at_top.map(lambda c: default_priority.get(c, low) >= low)
    share = float(lowly.mean())
    if share <= LOW_URGENCY_WARNING:
        return None
    common = at_top[lowly].value_counts().head(3)
    names = ", ".join(f"{c} {n / len(at_top):.0%}" for c, n in common.items())
    return (
        f"the most urgent priority level ({top}) holds mostly low-urgency call types "
        f"({share:.0%}: {names}); if the export counts priority the other way round, set "
        "priority_order = 'descending' in the mapping"
    )


__all__ = ["priority_mix", "urgency_warning"]
