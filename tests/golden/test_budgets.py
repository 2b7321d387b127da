"""Golden: the shipped program templates' derived budgets, against the figures their comments
cite and claim (each claim in a template's comment is checked here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.budget import AnnualBudget, annual_budget, team_rates
from sim.program import load_program
from sim.scenario import Team

PROGRAMS = Path(__file__).resolve().parents[2] / "scenarios" / "programs"


def _derived(name: str, team: str) -> tuple[Team, AnnualBudget]:
    """The shipped program's team and its budget, with the derived figures both carry."""
    program = load_program(PROGRAMS / f"{name}.toml")
    assert program.budget is not None
    return program.teams[team], annual_budget(program.budget, program.teams[team], team)


def _check(team: Team, budget: AnnualBudget, figures: dict[str, float]) -> None:
    """Hand-computed figures (see each test's docstring), to the stated precision."""
    assert budget.unit_hours_per_year == pytest.approx(figures["unit_hours"])
    assert team.cost_per_unit_hour == pytest.approx(figures["per_unit_hour"], abs=1e-4)
    assert team.fixed_cost_per_year == pytest.approx(figures["fixed"], abs=0.01)
    assert budget.total_per_year == pytest.approx(figures["total"], abs=1)
    assert budget.crew_fte == pytest.approx(figures["crew_fte"], abs=1e-4)


@pytest.mark.parametrize("path", sorted(PROGRAMS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_program_derives_its_costs_from_a_budget(path: Path) -> None:
    program = load_program(path)
    assert program.budget is not None, "a shipped program gives its budget, not bare rates"
    team = program.teams[program.responder]
    rates = team_rates(program.budget)
    assert team.cost_per_unit_hour == rates.cost_per_unit_hour > 0
    assert team.fixed_cost_per_year == rates.fixed_cost_per_year > 0
    for role in program.budget.crew.values():
        assert role.qualifications, "each crew role says who can do the job"


def test_cahoots_like_budget() -> None:
    """Eugene's 2020 plan: one van 24 h + one 10am–10pm = 36 van-hours a day, 13,140 a year.

    Per van-hour: wages 2 × 1.2 × $18 = $43.20, benefits 21% = $9.072, training 2 × 1.2 /
    2,080 × $1,500 = $1.7308; × 1.1 overhead = $59.4030. Fixed: coordinators 2.25 × $21.50 ×
    2,080 = $100,620 × 1.21 = $121,750.20; vehicles $86,112; housing $36,000; insurance
    $30,000; supplies $40,000; sum $313,862.20 × 1.1 = $345,248.42. Total 59.4030 × 13,140 +
    345,248.42 = $1,125,804. Crew FTE 2 × 13,140 × 1.2 / 2,080 = 15.16; with coordinators 17.41.

    Published (see the template): Eugene paid $820,586 + $86,112 fleet = $906,698 and White
    Bird reported a ~$500,000 yearly deficit → ~$1,406,698; the derived budget is 80% of the
    upper and 124% of the lower figure. Per van-hour without vehicles: (1,125,804 − 86,112 ×
    1.1) / 13,140 = $78.47 against the FY2018 contract's $798,000 / (31 × 365) = $70.52, 11%
    above.
    """
    team, budget = _derived("cahoots_like", "cahoots")
    figures = {"unit_hours": 13_140, "per_unit_hour": 59.40305, "fixed": 345_248.42,
               "total": 1_125_804, "crew_fte": 15.1615}  # fmt: skip
    _check(team, budget, figures)
    assert budget.total_fte == pytest.approx(17.4115, abs=1e-4)
    upper, lower = 820_586 + 86_112 + 500_000, 820_586 + 86_112
    assert round(budget.total_per_year / upper, 2) == 0.80
    assert round(budget.total_per_year / lower, 2) == 1.24
    per_van_hour = (budget.total_per_year - 86_112 * 1.1) / budget.unit_hours_per_year
    contract = 798_000 / (31 * 365)
    assert per_van_hour == pytest.approx(78.47, abs=0.01)
    assert round(per_van_hour / contract - 1, 2) == 0.11


def test_star_like_budget() -> None:
    """Two vans 6am–10pm = 32 van-hours a day, 11,680 a year.

    Per van-hour: wages 1.2 × ($53,710 + $53,180) / 2,080 = $61.6673, benefits 26% = $16.0335,
    training 2 × 1.2 / 2,080 × $1,500 = $1.7308; × 1.1 = $87.3747. Fixed: supervision
    ($85,000 + $95,000) × 1.26 = $226,800; vehicles 3 × $30,000; housing and insurance $40,000
    each; $396,800 × 1.1 = $436,480. Total 87.3747 × 11,680 + 436,480 = $1,457,017, crew FTE
    2 × 11,680 × 1.2 / 2,080 = 13.48.

    Denver's 2023 expansion, six two-person teams and three vans for ~$886,000: six teams
    are 12 crew FTE = 6 × 2,080 / 1.2 = 10,400 van-hours → 87.3747 × 10,400 + 3 × $30,000 ×
    1.1 = $1,007,697, 14% above. One team-year (two crew FTE): 87.3747 × 2,080 / 1.2 =
    $151,450, against Denver's ~$5M / 16 teams ≈ $312,500 (2023), which also pays for
    services the template leaves out.
    """
    team, budget = _derived("star_like", "star")
    figures = {"unit_hours": 11_680, "per_unit_hour": 87.37473, "fixed": 436_480,
               "total": 1_457_017, "crew_fte": 13.4769}  # fmt: skip
    _check(team, budget, figures)
    six_teams = team.cost_per_unit_hour * 6 * 2080 / 1.2 + 3 * 30_000 * 1.1
    assert six_teams == pytest.approx(1_007_697, abs=1)
    assert round(six_teams / 886_000 - 1, 2) == 0.14
    assert team.cost_per_unit_hour * 2080 / 1.2 == pytest.approx(151_450, abs=1)


def test_cahoots_like_budget_lines() -> None:
    """Every line of the CAHOOTS-like budget, by hand. Crew: 13,140 van-hours × 1 person ×
    relief 1.2 = 15,768 paid hours a role = 7.5808 FTE (15,768 / 2,080) at $18 = $283,824 a
    role. Coordinators: 2.25 FTE × $21.50 × 2,080 = $100,620. Benefits 21% of the wages
    $668,268 = $140,336.28. Training: 15.1615 crew FTE × $1,500 = $22,742.31. Vehicles 3 ×
    $28,704 = $86,112; housing $36,000; insurance $30,000; supplies $40,000. Direct costs
    $1,023,458.59; overhead 10% = $102,345.86; total $1,125,804.45."""
    _, budget = _derived("cahoots_like", "cahoots")
    lines = {line.item: line.per_year for line in budget.lines}
    expected = {
        "wages: medic": 283_824.0, "wages: crisis_worker": 283_824.0,
        "wages: coordinator": 100_620.0, "benefits": 140_336.28, "training": 22_742.31,
        "vehicles": 86_112.0, "program housing": 36_000.0, "liability insurance": 30_000.0,
        "radios, phones and medical supplies": 40_000.0, "overhead": 102_345.86,
    }  # fmt: skip
    assert list(lines) == list(expected)
    for item, value in expected.items():
        assert lines[item] == pytest.approx(value, abs=0.01), item
    roles = {r.role: r for r in budget.staffing}
    assert roles["medic"].fte == pytest.approx(7.5808, abs=1e-4)
    assert roles["medic"].on_duty_hours_per_year == 13_140
    assert roles["coordinator"].fte == 2.25 and roles["coordinator"].per_unit is None
    assert budget.total_per_year == pytest.approx(1_125_804.45, abs=0.01)
