"""Scenario files round-trip: what ``dumps`` writes, ``from_dict`` reads back as equal.

Generated scenarios cover every part of the format (teams with shifts or units, response
chains with wait limits, backups, demand shapes, each distribution in each parameter form,
provenance, free text), so a field that is dropped, renamed or reformatted on the way out
shows up here.
"""

from __future__ import annotations

import tomllib
from typing import Any

from hypothesis import given, settings
from scenario_gen import scenario_data

from sim.scenario import dumps, from_dict, to_dict


@settings(max_examples=60, deadline=None)
@given(data=scenario_data())
def test_dump_then_load_gives_the_same_scenario(data: dict[str, Any]) -> None:
    scn = from_dict(data)
    again = from_dict(tomllib.loads(dumps(scn)))
    assert again == scn
    assert to_dict(again) == to_dict(scn)


@settings(max_examples=20, deadline=None)
@given(data=scenario_data(small=True))
def test_small_scenarios_round_trip_too(data: dict[str, Any]) -> None:
    scn = from_dict(data)
    assert from_dict(tomllib.loads(dumps(scn))) == scn
