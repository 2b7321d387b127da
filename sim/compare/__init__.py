"""City comparisons: one program carried to several cities, each paired with its baseline.

* :mod:`sim.compare.models` — the typed results (JSON with ``kind = "compare"``);
* :mod:`sim.compare.run` — both arms of every city through the replication pipeline;
* :mod:`sim.compare.output` — CSV rows, JSON, and the table for terminal and HTML.
"""

from sim.compare.models import CityComparison, Comparison, Estimate
from sim.compare.output import CityRow, comparison_table, table_rows, to_csv, to_json
from sim.compare.run import POLICE, CityPlan, compare, compare_city, plan_city

__all__ = [
    "POLICE",
    "CityComparison",
    "CityPlan",
    "CityRow",
    "Comparison",
    "Estimate",
    "compare",
    "compare_city",
    "comparison_table",
    "plan_city",
    "table_rows",
    "to_csv",
    "to_json",
]
