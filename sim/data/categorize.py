"""Map raw call types to planning categories with an editable taxonomy.

A taxonomy (TOML) lists categories (each marked whether a community responder could take
it, and with a parent group for pooling small categories), exact call-type names, and
keyword/regex rules. Matching is case-insensitive: an exact name wins, then the first rule
that matches, else the default category; types that fell through are reported with counts
so the user can extend the taxonomy. The shipped ``taxonomy.toml`` is generated from
published mappings by ``scripts/build_taxonomy.py``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from sim.errors import DataError
from sim.inputs import loads_toml, read_toml
from sim.numbers import Kind

CATEGORIES: tuple[str, ...] = (
    "behavioral_health",
    "welfare_check",
    "noise_quality_of_life",
    "neighbor_dispute",
    "intoxicated_person",
    "unhoused_assistance",
    "traffic",
    "property_crime",
    "violent_crime",
    "medical",
    "fire",
    "alarm",
    "other",
)
"""The planning categories of the shipped taxonomy."""


class Category(BaseModel):
    """One planning category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    group: str
    community_candidate: bool
    description: str = ""


class Rule(BaseModel):
    """A keyword or regex rule: a call type matching it gets ``category``.

    ``keywords`` match as whole words (or phrases); ``regex`` is searched as written. Both
    are case-insensitive; when both are given either may match.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str
    keywords: tuple[str, ...] = ()
    regex: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _has_pattern(self) -> Rule:
        if not self.keywords and not self.regex:
            raise ValueError("a rule needs keywords or a regex")
        try:
            _compile(self.pattern())
        except re.error as exc:
            raise ValueError(f"bad regex {self.regex!r}: {exc}") from None
        return self

    def pattern(self) -> str:
        """The rule as one regular expression."""
        parts = [rf"(?<![A-Z0-9]){re.escape(normalize(k))}(?![A-Z0-9])" for k in self.keywords]
        if self.regex:
            parts.append(f"(?:{self.regex})")
        return "|".join(parts)


class Taxonomy(BaseModel):
    """Categories, exact names and ordered rules (first match wins)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Annotated[int, BeforeValidator(Kind("the taxonomy version", 1, 1000, whole=True))] = 1
    name: str = "custom"
    default_category: str = "other"
    categories: dict[str, Category]
    exact: dict[str, str] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _known_categories(self) -> Taxonomy:
        known = set(self.categories)
        if self.default_category not in known:
            raise ValueError(f"default_category '{self.default_category}' is not a category")
        for i, rule in enumerate(self.rules):
            if rule.category not in known:
                raise ValueError(f"rules[{i}] names unknown category '{rule.category}'")
        for name, cat in self.exact.items():
            if cat not in known:
                raise ValueError(f"exact '{name}' names unknown category '{cat}'")
        return self

    def exact_index(self) -> dict[str, str]:
        """Exact names normalized (upper case, single spaces, no leading dashes)."""
        return _exact_index(tuple(self.exact.items()))

    def group_of(self, category: str) -> str:
        """The parent group used to pool a small category."""
        return self.categories[category].group

    def community_candidates(self) -> tuple[str, ...]:
        """Categories a community responder could take."""
        return tuple(k for k, c in self.categories.items() if c.community_candidate)


class Match(BaseModel):
    """How one call type was categorized."""

    model_config = ConfigDict(frozen=True)

    category: str
    via: Literal["exact", "rule", "default"]
    rule: int | None = None


class TypeCount(BaseModel):
    """A call type and how many calls had it."""

    model_config = ConfigDict(frozen=True)

    call_type: str
    calls: int


class UnmappedReport(BaseModel):
    """How much of a table the taxonomy covered, and what fell through to the default."""

    model_config = ConfigDict(frozen=True)

    taxonomy: str
    calls: int
    mapped_calls: int
    share_mapped: float
    calls_by_exact: int
    calls_by_rule: int
    distinct_types: int
    unmapped_types: tuple[TypeCount, ...]
    calls_by_category: dict[str, int]


def normalize(call_type: str) -> str:
    """Upper case, single spaces, without leading dashes/asterisks (Seattle's ``--X``)."""
    text = " ".join(str(call_type).upper().split())
    return text.lstrip("-* ").strip()


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=16)
def _exact_index(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {normalize(k): v for k, v in items}


def classify(call_type: str, taxonomy: Taxonomy) -> Match:
    """The category of one raw call type, and whether an exact name or a rule decided."""
    key = normalize(call_type)
    hit = taxonomy.exact_index().get(key)
    if hit is not None:
        return Match(category=hit, via="exact")
    for i, rule in enumerate(taxonomy.rules):
        if _compile(rule.pattern()).search(key):
            return Match(category=rule.category, via="rule", rule=i)
    return Match(category=taxonomy.default_category, via="default")


def categorize(
    table: pd.DataFrame, taxonomy: Taxonomy | None = None
) -> tuple[pd.DataFrame, UnmappedReport]:
    """Add a ``category`` column to a tidy calls table; report what the taxonomy missed.

    Each distinct call type is classified once, so this is fast on millions of calls.
    """
    taxonomy = taxonomy or load_taxonomy()
    if "call_type" not in table.columns:
        raise DataError("the table has no call_type column", hint="build it with read_calls")
    types = table["call_type"].astype("string")
    counts = types.value_counts(dropna=True)
    matches = {str(t): classify(str(t), taxonomy) for t in counts.index}
    category = types.map({t: m.category for t, m in matches.items()})
    category = category.fillna(taxonomy.default_category).astype("string")
    out = table.assign(category=category)
    by_via = {"exact": 0, "rule": 0, "default": 0}
    unmapped = []
    for t, n in counts.items():
        m = matches[str(t)]
        by_via[m.via] += int(n)
        if m.via == "default":
            unmapped.append(TypeCount(call_type=str(t), calls=int(n)))
    missing_type = int(types.isna().sum())
    total = len(table)
    mapped = by_via["exact"] + by_via["rule"]
    by_cat = category.value_counts().to_dict()
    report = UnmappedReport(
        taxonomy=taxonomy.name,
        calls=total,
        mapped_calls=mapped,
        share_mapped=round(mapped / total, 4) if total else 0.0,
        calls_by_exact=by_via["exact"],
        calls_by_rule=by_via["rule"],
        distinct_types=len(counts),
        unmapped_types=tuple(unmapped)
        + ((TypeCount(call_type="<missing>", calls=missing_type),) if missing_type else ()),
        calls_by_category={str(k): int(by_cat.get(k, 0)) for k in taxonomy.categories},
    )
    return out, report


DEFAULT_TAXONOMY = "taxonomy.toml"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load a taxonomy TOML (default: the shipped one built from published mappings)."""
    where = str(path) if path else f"sim/data/{DEFAULT_TAXONOMY}"
    if path is None:
        text = resources.files("sim.data").joinpath(DEFAULT_TAXONOMY).read_text("utf-8")
        raw = loads_toml(text, where, DataError)
    else:
        raw = read_toml(path, DataError, what="taxonomy file")
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise DataError(
            f"{loc}: {err['msg']}" if loc else err["msg"],
            where=where,
            hint="keys: version, name, default_category, [categories.*], [exact], [[rules]]",
        ) from None
