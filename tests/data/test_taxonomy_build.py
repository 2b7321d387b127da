"""The shipped taxonomy is exactly what build_taxonomy derives from the published mappings."""

from __future__ import annotations

from pathlib import Path

import build_taxonomy  # scripts/build_taxonomy.py (pytest puts scripts/ on the path)
import pytest

SOURCE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "taxonomy"

pytestmark = pytest.mark.skipif(
    not (SOURCE / "CallTypes_TS__CallTypes.csv").is_file(),
    reason=f"published call-type mappings not found at {SOURCE}",
)


def test_shipped_taxonomy_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_taxonomy.main(["--source", str(SOURCE), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_rules_agree_with_the_published_families() -> None:
    _, stats = build_taxonomy.build(SOURCE)
    assert float(stats["rule_agreement"]) >= build_taxonomy.MIN_RULE_AGREEMENT  # type: ignore[arg-type]


def test_community_categories_hold_no_serious_felonies() -> None:
    _, stats = build_taxonomy.build(SOURCE)
    by_cat = stats["nicjr_by_category"]
    assert isinstance(by_cat, dict)
    for category in build_taxonomy.COMMUNITY:
        assert by_cat.get(category, {}).get("SV FEL", 0) == 0, category
