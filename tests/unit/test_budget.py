"""Program budgets: FTEs, budget lines and the team's cost figures, checked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.budget import (
    Budget,
    annual_budget,
    cost_per_call,
    fte,
    police_time_freed,
    team_rates,
    unit_hours_per_year,
)
from sim.errors import ScenarioError
from sim.experiment import run
from sim.program import apply_program, load_program, program_from_dict
from sim.scenario import Team, load_scenario, with_overrides

BUDGET = {
    "relief_factor": 1.25,
    "paid_hours_per_fte": 2080,
    "benefits_rate": 0.30,
    "overhead_rate": 0.10,
    "training_per_fte": 1040,
    "housing_per_year": 5000,
    "liability_insurance_per_year": 3000,
    "other_per_year": {"phones": 2000},
    "vehicles": {"count": 2, "cost_per_year_each": 10000},
    "crew": {
        "medic": {"per_unit": 1, "hourly_wage": 20},
        "crisis_worker": {"per_unit": 1, "annual_salary": 41600, "qualifications": "MSW"},
    },
    "supervision": {"lead": {"fte": 1, "hourly_wage": 30}},
}
DAY_SHIFT = Team(shifts=({"days": "mon-sun", "start": "08:00", "end": "20:00", "units": 1},))


def test_budget_of_a_hand_computed_program() -> None:
    """One van 08:00–20:00 every day: 12 h × 7 = 84 unit-hours a week, × 365/7 = 4,380 a year.

    Each role is on duty 4,380 h; relief 1.25 → 5,475 paid hours = 5,475 / 2,080 = 2.63221 FTE,
    crew 5.26442 FTE. Wages: medic 5,475 × $20 = $109,500; crisis worker $41,600 / 2,080 =
    $20/h → $109,500; lead 1 FTE × $30 × 2,080 = $62,400. Benefits 30% of $281,400 = $84,420.
    Training 5.26442 FTE × $1,040 = $5,475. Vehicles 2 × $10,000; housing $5,000; insurance
    $3,000; phones $2,000. Direct costs $401,295; overhead 10% = $40,129.50; total $441,424.50.

    Rates: per unit-hour 1.1 × (2 × 1.25 × $20 × 1.3 + 2 × 1.25 / 2,080 × $1,040)
    = 1.1 × (65 + 1.25) = $72.875; fixed 1.1 × ($62,400 × 1.3 + $30,000) = $122,232; and
    72.875 × 4,380 + 122,232 = $441,424.50, the same total.
    """
    budget = Budget.model_validate(BUDGET)
    result = annual_budget(budget, DAY_SHIFT, "vans")
    assert result.unit_hours_per_year == pytest.approx(4380)
    roles = {s.role: s for s in result.staffing}
    assert roles["medic"].fte == pytest.approx(2.632211538, rel=1e-9)
    assert roles["crisis_worker"].hourly_wage == pytest.approx(20)
    assert roles["crisis_worker"].qualifications == "MSW"
    assert roles["lead"].fte == 1 and roles["lead"].per_unit is None
    assert result.crew_fte == pytest.approx(5.264423077, rel=1e-9)
    assert result.total_fte == pytest.approx(6.264423077, rel=1e-9)
    lines = {line.item: line.per_year for line in result.lines}
    assert lines == pytest.approx({
        "wages: medic": 109_500, "wages: crisis_worker": 109_500, "wages: lead": 62_400,
        "benefits": 84_420, "training": 5_475, "vehicles": 20_000, "program housing": 5_000,
        "liability insurance": 3_000, "phones": 2_000, "overhead": 40_129.5,
    })  # fmt: skip
    assert result.total_per_year == pytest.approx(441_424.5)
    assert result.rates.cost_per_unit_hour == pytest.approx(72.875)
    assert result.rates.fixed_cost_per_year == pytest.approx(122_232)
    assert result.notes == ()


def test_budget_total_is_the_rates_times_hours_for_any_shift_plan() -> None:
    """The one formula: budget total = cost_per_unit_hour × unit-hours + fixed, whatever the
    shifts (here 3 units for 10 hours on weekdays: 150 unit-hours a week)."""
    budget = Budget.model_validate(BUDGET)
    team = Team(shifts=({"days": "mon-fri", "start": "09:00", "end": "19:00", "units": 3},))
    result = annual_budget(budget, team)
    assert unit_hours_per_year(team) == pytest.approx(150 * 365 / 7)
    rates = team_rates(budget)
    expected = rates.cost_per_unit_hour * unit_hours_per_year(team) + rates.fixed_cost_per_year
    assert result.total_per_year == pytest.approx(expected, rel=1e-12)
    assert result.notes == ("2 vehicles for a peak of 3 units on duty",)


def test_simulated_cost_of_the_planned_hours_is_the_budget(demo_path: Path) -> None:
    """A run charges the program team cost_per_unit_hour × staffed hours (overtime at its
    factor) + fixed × days / 365: scaled to a year, the regular hours give the budget."""
    data = {"program": {"name": "p", "categories": ["behavioral_health"], "max_wait_min": 10},
            "teams": {"vans": {"travel_min": {"dist": "constant", "value": 10},
                               "shifts": [{"start": "08:00", "end": "20:00", "units": 1}]}},
            "on_scene_min": {"default": {"dist": "constant", "value": 30}},
            "budget": BUDGET}  # fmt: skip
    program = program_from_dict(data)
    city = with_overrides(load_scenario(demo_path), {"scenario.days": 14,
                                                     "scenario.warmup_days": 0,
                                                     "scenario.replications": 1})  # fmt: skip
    team = run(apply_program(city, program)).summary.teams["vans"]
    regular = team.staffed_unit_hours_per_year - team.overtime_unit_hours_per_year
    assert regular == pytest.approx(4380)  # 14 days are two whole weeks of the shift plan
    budget = annual_budget(program.budget, program.teams["vans"])  # type: ignore[arg-type]
    overtime = 72.875 * 1.5 * team.overtime_unit_hours_per_year
    assert team.cost_per_year == pytest.approx(budget.total_per_year + overtime, rel=1e-9)


def test_fte_and_report_formulas() -> None:
    """8,760 h (one post round the clock) × relief 1.2 / 2,080 = 5.0538 FTE. Police: 1,000
    unit-hours freed with 2 officers a unit = 2,000 officer-hours = 2,000 × 1.2 / 2,080 =
    1.1538 officer FTE, worth 1,000 × $80 = $80,000 at the city's unit-hour cost."""
    assert fte(8760, 1.2, 2080) == pytest.approx(5.053846154)
    freed = police_time_freed(1000, 80, officers_per_unit=2, relief_factor=1.2)
    assert freed.officer_hours_per_year == 2000
    assert freed.officer_fte == pytest.approx(1.153846154)
    assert freed.dollars_per_year == pytest.approx(80_000)
    assert police_time_freed(1000, 80).officer_fte == pytest.approx(1000 * 1.2 / 2080)
    assert cost_per_call(441_424.5, 1000) == pytest.approx(441.4245)
    assert cost_per_call(2.1e6, 0) is None  # not applicable: no call answered


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"crew": {"medic": {"per_unit": 1, "hourly_wage": -5}}}, "crew.medic.hourly_wage"),
        ({"relief_factor": 0.9}, "relief_factor"),
        ({"crew": {"medic": {"per_unit": 0, "hourly_wage": 20}}}, "crew.medic.per_unit"),
        ({"crew": {"medic": {"per_unit": 1, "hourly_wage": math.nan}}}, "crew.medic.hourly_wage"),
        ({"crew": {"medic": {"per_unit": 1, "hourly_wage": math.inf}}}, "crew.medic.hourly_wage"),
        ({"crew": {"medic": {"per_unit": True, "hourly_wage": 20}}}, "crew.medic.per_unit"),
        ({"benefits_rate": True}, "benefits_rate"),
        ({"crew": {"medic": {"per_unit": 1}}}, "crew.medic"),
        ({"crew": {"medic": {"per_unit": 1, "hourly_wage": 20, "annual_salary": 1}}}, "crew.medic"),
        ({"crew": {}}, "crew"),
        ({"vehicles": {"count": 2, "cost_per_year_each": -1}}, "vehicles.cost_per_year_each"),
        ({"supervision": {"lead": {"fte": 0, "hourly_wage": 30}}}, "supervision.lead.fte"),
        ({"overhead": 0.1}, "overhead"),
    ],
)
def test_wrong_budget_inputs_name_the_key(change: dict, key: str) -> None:
    data = {"program": {"name": "p", "categories": ["a"], "max_wait_min": 10},
            "teams": {"vans": {"units": 1}}, "on_scene_min": {"default": {"dist": "exponential",
                                                                        "mean": 30}},
            "budget": {**BUDGET, **change}}  # fmt: skip
    with pytest.raises(ScenarioError) as err:
        program_from_dict(data, source="p.toml")
    line = err.value.line()
    assert line.startswith(f"p.toml: budget.{key}") and "\n" not in line


def test_costs_by_hand_and_a_budget_together_are_refused() -> None:
    data = {"program": {"name": "p", "categories": ["a"], "max_wait_min": 10},
            "teams": {"vans": {"units": 1, "cost_per_unit_hour": 90.0}},
            "on_scene_min": {"default": {"dist": "exponential", "mean": 30}},
            "budget": BUDGET}  # fmt: skip
    with pytest.raises(ScenarioError, match=r"teams\.vans\.cost_per_unit_hour: .*\[budget\]"):
        program_from_dict(data, source="p.toml")
    del data["budget"]  # the direct form stays valid
    assert program_from_dict(data).teams["vans"].cost_per_unit_hour == 90.0


def test_nan_and_bool_in_a_program_file_are_one_line_errors(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "scenarios/programs/cahoots_like.toml").read_text(
        encoding="utf-8"
    )
    path = tmp_path / "p.toml"
    for old, new, key in (("hourly_wage = 18.0", "hourly_wage = nan", "hourly_wage"),
                          ("per_unit = 1 ", "per_unit = true ", "per_unit")):  # fmt: skip
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")  # the medic's, first
        with pytest.raises(ScenarioError, match=rf"budget\.crew\.medic\.{key}"):
            load_program(path)
