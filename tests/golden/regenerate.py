"""Regenerate the golden summaries: ``.venv/bin/python tests/golden/regenerate.py [-k NAME]``.

It runs tests/golden/test_golden.py with SIM_UPDATE_GOLDEN=1, which writes
``tests/golden/<name>.json`` for every shipped scenario (or those ``-k`` selects) instead of
comparing. Review the diff before committing: a golden change is a change in results.
(``python -m tests.golden.regenerate`` does not work while a dependency, ciw, installs a
top-level ``tests`` package that shadows this repository's ``tests`` folder.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


def main(argv: list[str] | None = None) -> int:
    """Write every golden summary afresh; extra arguments go to pytest."""
    os.environ["SIM_UPDATE_GOLDEN"] = "1"
    here = Path(__file__).resolve().parent
    args = [str(here / "test_golden.py"), "-q", "-p", "no:cacheprovider"]
    return int(pytest.main([*args, *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
