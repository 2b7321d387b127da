#!/usr/bin/env bash
# One entry point for a fresh machine with Python 3.11+: creates .venv, installs sim into it
# (with the test tools), then runs the demo or the checks.
#   bash scripts/dev.sh demo    run scenarios/demo.toml
#   bash scripts/dev.sh test    ruff, mypy (strict on the public API) and the test suite (CI)
#   bash scripts/dev.sh fuzz    the long fuzzing of hostile input (CI's second step)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.sim-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test,bench]'
  touch "$stamp"
fi
case "${1:-}" in
  demo)
    shift
    exec .venv/bin/sim run scenarios/demo.toml "$@"
    ;;
  test)
    shift
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy
    # The public API (import sim) under --strict; the modules it loads are checked above.
    .venv/bin/mypy --strict --follow-imports=silent sim/__init__.py sim/api.py
    exec .venv/bin/pytest "$@"
    ;;
  fuzz)
    # The long part of tests/fuzz (hostile input, issue 12): a fresh seed each run unless
    # SIM_FUZZ_SEED is set; SIM_FUZZ_EXAMPLES cases in all (default 2000, a few minutes).
    shift
    export SIM_FUZZ_EXAMPLES="${SIM_FUZZ_EXAMPLES:-2000}"
    exec .venv/bin/pytest -m fuzz_long tests/fuzz "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test|fuzz" >&2
    exit 2
    ;;
esac
