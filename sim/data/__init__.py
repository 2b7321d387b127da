"""Calls-for-service data: read an export, clean it, and categorize call types.

The pipeline's first stage. ``read_calls`` turns a CSV/Parquet export into the tidy calls
table (one row per call, no addresses or free text), ``clean_calls`` filters it and counts
every change, ``categorize`` maps raw call types to planning categories, and ``intervals``
gives the per-call minutes that fitting uses. Reports are pydantic models (JSON-ready).
"""

from sim.data.categorize import (
    CATEGORIES,
    Category,
    Match,
    Rule,
    Taxonomy,
    TypeCount,
    UnmappedReport,
    categorize,
    classify,
    load_taxonomy,
)
from sim.data.clean import (
    CappedCounts,
    CleanConfig,
    CleaningReport,
    CleanResult,
    DroppedCounts,
    NulledCounts,
    clean_calls,
    intervals,
)
from sim.data.ingest import TIDY_COLUMNS, IngestResult, Provenance, read_calls
from sim.data.mapping import ColumnMapping, TimeOffset, load_mapping
from sim.data.presets import PRESETS, Preset, detect_preset

__all__ = [
    "CATEGORIES",
    "PRESETS",
    "TIDY_COLUMNS",
    "CappedCounts",
    "Category",
    "CleanConfig",
    "CleanResult",
    "CleaningReport",
    "ColumnMapping",
    "DroppedCounts",
    "IngestResult",
    "Match",
    "NulledCounts",
    "Preset",
    "Provenance",
    "Rule",
    "Taxonomy",
    "TimeOffset",
    "TypeCount",
    "UnmappedReport",
    "categorize",
    "classify",
    "clean_calls",
    "detect_preset",
    "intervals",
    "load_mapping",
    "load_taxonomy",
    "read_calls",
]
