"""categorize: exact names, then first matching rule, else default; unmapped types reported."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.data import CATEGORIES, Taxonomy, categorize, classify, load_taxonomy
from sim.errors import DataError

SMALL = """
version = 1
name = "test"
default_category = "other"

[categories.noise]
label = "Noise"
group = "community"
community_candidate = true

[categories.crime]
label = "Crime"
group = "police"
community_candidate = false

[categories.other]
label = "Other"
group = "other"
community_candidate = false

[[rules]]
category = "crime"
keywords = ["THEFT", "GUN"]

[[rules]]
category = "noise"
regex = "NOISE|LOUD"

[exact]
"Loud party with gun" = "noise"
"--DISTURBANCE - NOISE" = "noise"
"""


@pytest.fixture
def small(tmp_path: Path) -> Taxonomy:
    path = tmp_path / "tax.toml"
    path.write_text(SMALL)
    return load_taxonomy(path)


def calls(types: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"call_type": pd.array(types, dtype="string")})


def test_exact_beats_rules_and_ignores_case_spaces_and_dashes(small: Taxonomy) -> None:
    assert classify("LOUD  PARTY WITH GUN", small).via == "exact"
    assert classify("loud party with gun", small).category == "noise"
    assert classify("disturbance - noise", small).via == "exact"


def test_first_matching_rule_wins(small: Taxonomy) -> None:
    m = classify("loud theft", small)
    assert (m.category, m.via, m.rule) == ("crime", "rule", 0)
    assert classify("noise complaint", small).category == "noise"


def test_keywords_match_whole_words(small: Taxonomy) -> None:
    assert classify("GUNSHOT DETECTION", small).via == "default"
    assert classify("MAN WITH GUN", small).category == "crime"


def test_categorize_adds_column_and_reports_unmapped(small: Taxonomy) -> None:
    table = calls(["theft", "Noise", "noise", "lost dog", "lost dog", "parade", None])
    out, report = categorize(table, small)
    assert out["category"].tolist() == [
        "crime",
        "noise",
        "noise",
        "other",
        "other",
        "other",
        "other",
    ]
    assert report.calls == 7
    assert report.mapped_calls == 3
    assert report.calls_by_exact == 0 and report.calls_by_rule == 3
    assert report.share_mapped == pytest.approx(3 / 7, abs=1e-4)
    assert [(t.call_type, t.calls) for t in report.unmapped_types] == [
        ("lost dog", 2),
        ("parade", 1),
        ("<missing>", 1),
    ]
    assert report.calls_by_category == {"noise": 2, "crime": 1, "other": 4}
    assert json.loads(report.model_dump_json())["mapped_calls"] == 3
    assert "category" not in table.columns


def test_groups_and_candidates(small: Taxonomy) -> None:
    assert small.group_of("noise") == "community"
    assert small.community_candidates() == ("noise",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            SMALL.replace('category = "crime"', 'category = "crimes"', 1),
            "unknown category 'crimes'",
        ),
        (SMALL.replace('regex = "NOISE|LOUD"', 'regex = "NOISE|("'), "bad regex"),
        (
            SMALL.replace('default_category = "other"', 'default_category = "misc"'),
            "default_category",
        ),
        (
            SMALL.replace('"--DISTURBANCE - NOISE" = "noise"', '"X" = "nope"'),
            "unknown category 'nope'",
        ),
        (SMALL + "\n[[rules]]\ncategory = 'crime'\n", "keywords or a regex"),
        ("version = [", "not valid TOML"),
    ],
)
def test_invalid_taxonomies(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        load_taxonomy(path)


def test_missing_taxonomy_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_taxonomy(tmp_path / "none.toml")


# ----------------------------------------------------------------- the shipped taxonomy


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


def test_shipped_taxonomy_has_the_planning_categories(shipped: Taxonomy) -> None:
    assert tuple(shipped.categories) == CATEGORIES
    assert set(shipped.community_candidates()) == {
        "behavioral_health",
        "welfare_check",
        "noise_quality_of_life",
        "neighbor_dispute",
        "intoxicated_person",
        "unhoused_assistance",
    }
    assert {c.group for c in shipped.categories.values()} == {
        "community",
        "police",
        "fire_ems",
        "other",
    }
    assert len(shipped.exact) > 2000


@pytest.mark.parametrize(
    ("call_type", "category"),
    [
        ("MENTAL PATIENT", "behavioral_health"),  # New Orleans, Vera: Behavioral Health
        ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "behavioral_health"),
        ("SUICIDAL WITH WEAPONS", "violent_crime"),  # weapon screen
        ("WELL BEING CHECK", "welfare_check"),  # Detroit, Vera: Statuses
        ("NOISE COMPLAINT", "noise_quality_of_life"),
        ("NEIGHBOR PROBLEM", "neighbor_dispute"),
        ("--INTOX & LIQ VIOLS - INTOXICATED PERSON", "intoxicated_person"),
        ("HOMELESS", "unhoused_assistance"),
        ("AUTO ACCIDENT", "traffic"),
        ("SHOPLIFT - THEFT", "property_crime"),
        ("AGGRAVATED BATTERY BY SHOOTING", "violent_crime"),
        ("DOMESTIC DISTURBANCE", "violent_crime"),
        ("MEDICAL", "medical"),
        ("VEHICLE FIRE", "fire"),
        ("BURGLAR ALARM, SILENT", "alarm"),
        ("SUSPICIOUS PERSON", "other"),
        ("Sleeping in doorway, homeless", "unhoused_assistance"),  # a rule, not an exact name
        ("Loud music from car", "noise_quality_of_life"),
        ("Person with a knife", "violent_crime"),
    ],
)
def test_shipped_taxonomy_examples(shipped: Taxonomy, call_type: str, category: str) -> None:
    assert classify(call_type, shipped).category == category


def test_shipped_taxonomy_cites_its_sources() -> None:
    text = (Path(__file__).resolve().parents[2] / "sim" / "data" / "taxonomy.toml").read_text()
    head = text[:3000]
    assert "tsdataclinic/Vera" in head
    assert "NICJR" in head
    assert "GENERATED by `python scripts/build_taxonomy.py`" in head
