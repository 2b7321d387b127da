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
REVERSED_MARGIN = 0.5
"""Usual-urgency difference (in levels) beyond which the order looks reversed: New Orleans read
the wrong way round differs by 0.59; San Francisco fire, read right, by under 0.5 (its
non-emergency level is mostly medical calls, urgent by the police-minded defaults)."""
MIN_TOP_SHARE = 0.05
"""The most urgent level checked is the first holding at least 5% of calls (a handful of
calls at a rare top level says nothing about the order)."""


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
    """A warning when the priority order looks read the wrong way round.

    Two signs, each judged by the call types' usual urgency (``default_priority``): the
    most urgent level holds mostly low-urgency call types, or its calls are on average
    less urgent than the least urgent level's (by more than ``REVERSED_MARGIN``). Only
    levels holding at least ``MIN_TOP_SHARE`` of the calls are compared.
    """
    prio = table["priority"]
    shares = prio.dropna().astype(int).value_counts(normalize=True).sort_index()
    big = [int(str(k)) for k in shares[shares >= MIN_TOP_SHARE].index]
    if not big:
        return None
    usual = table["category"].astype(str).map(lambda c: default_priority.get(c, low))

    def at(level: int) -> pd.Series:
        return usual[(prio == level).fillna(False).to_numpy()]

    top, bottom = at(big[0]), at(big[-1])
    share = float((top >= low).mean())
    reversed_ = len(big) > 1 and float(top.mean()) > float(bottom.mean()) + REVERSED_MARGIN
    if share <= LOW_URGENCY_WARNING and not reversed_:
        return None
    at_top = table.loc[(prio == big[0]).fillna(False).to_numpy(), "category"].astype(str)
    common = at_top.value_counts().head(3)
    names = ", ".join(f"{c} {n / len(at_top):.0%}" for c, n in common.items())
    why = (f"holds mostly low-urgency call types ({share:.0%})" if share > LOW_URGENCY_WARNING
           else f"holds less urgent call types than level {big[-1]} does")  # fmt: skip
    return (
        f"the most urgent priority level ({big[0]}) {why} — {names}; if the export counts "
        "priority the other way round, set priority_order = 'descending' in the mapping"
    )


__all__ = ["priority_mix", "urgency_warning"]
