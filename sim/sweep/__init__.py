"""Staffing sweeps: variants of a scenario, run with common random numbers, stored as they finish.

* :mod:`sim.sweep.values` — ``--vary`` values, variants and grids;
* :mod:`sim.sweep.file` — the sweep file as a typed model;
* :mod:`sim.sweep.plan` — a validated sweep (every variant a scenario, before anything runs);
* :mod:`sim.sweep.journal` — the resume journal;
* :mod:`sim.sweep.rows`, :mod:`sim.sweep.results` — typed rows and the results files;
* :mod:`sim.sweep.runner` — :func:`run_sweep` through the replication pipeline;
* :mod:`sim.sweep.table` — the terminal table.
"""

from sim.sweep.file import SweepFile, SweepSpec, load_sweep_file
from sim.sweep.journal import JOURNAL_VERSION, Journal, journal_path
from sim.sweep.plan import FIXED_SETTINGS, Sweep, build_sweep, default_measures
from sim.sweep.results import (
    SweepDocument,
    SweepResult,
    json_path,
    read_document,
    write_results,
)
from sim.sweep.rows import SweepRow
from sim.sweep.runner import NothingToDo, run_sweep
from sim.sweep.table import sweep_notes, sweep_table
from sim.sweep.values import (
    SweepError,
    Variant,
    grid,
    parse_value,
    parse_values,
    parse_vary,
)

__all__ = [
    "FIXED_SETTINGS",
    "JOURNAL_VERSION",
    "Journal",
    "NothingToDo",
    "Sweep",
    "SweepDocument",
    "SweepError",
    "SweepFile",
    "SweepResult",
    "SweepRow",
    "SweepSpec",
    "Variant",
    "build_sweep",
    "default_measures",
    "grid",
    "journal_path",
    "json_path",
    "load_sweep_file",
    "parse_value",
    "parse_values",
    "parse_vary",
    "read_document",
    "run_sweep",
    "sweep_notes",
    "sweep_table",
    "write_results",
]
