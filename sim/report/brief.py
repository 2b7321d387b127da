"""The one-page summary a council member reads first: five sentences about a program.

1. the calls the program takes a year (and how many of the eligible calls that is);
2. how fast those calls are reached;
3. the police time it frees, as hours, officers' full-time work and dollars;
4. what it costs a year, and the people it needs (FTEs);
5. the biggest uncertainty: given a sensitivity analysis of the scenario (``sim sensitivity``,
   read back by ``sim report SCENARIO.toml --sensitivity S.json``), the input that moves these
   figures most and by how much, then the least certain figure of the simulation's own; without
   one, the least certain figure and what its interval leaves out.

Each figure comes with its 95% interval; one that rests on fewer than 30 calls is marked, and
a program that has no call to take in a city is "not applicable" there, with no costs. The
same sentences open the report of a comparison (per city), of a planned city, and of
``sim compare`` in the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import fmt
from sim.applicable import NA, reason_for
from sim.compare import CityComparison
from sim.estimates import FEW_CALLS, Estimate

if TYPE_CHECKING:  # only its type: a report without a sensitivity analysis need not load it
    from sim.sensitivity import SensitivityResult


def _est(e: Estimate | None, spec: str = ",.0f", unit: str = "") -> str:
    return NA if e is None else fmt.with_ci(e.mean, e.ci95, spec, unit)


def _money(e: Estimate | None) -> str:
    return NA if e is None else fmt.with_ci(e.mean, e.ci95, ",.0f", "$")


def program_brief(
    c: CityComparison, program: str, responder: str, sensitivity: SensitivityResult | None = None
) -> list[str]:
    """The five sentences about a program in one city (see the module)."""
    why = c.not_applicable.get("program_calls_per_year")
    if why is not None:
        return [
            f"{program} in {c.city}: not applicable — {why}. It would answer no calls here, "
            "so no program cost, FTEs or police time freed are given."
        ]
    return [_calls(c, program), _response(c, responder), _police(c), _cost(c, program),
            biggest_uncertainty(c, sensitivity)]  # fmt: skip


def _calls(c: CityComparison, program: str) -> str:
    few = (
        f" (this rests on {c.program_sample_calls} simulated calls, fewer than {FEW_CALLS}: "
        "read it with care)"
        if c.program_sample_calls < FEW_CALLS
        else ""
    )
    inside = c.eligible_share_inside_program_hours
    hours = (
        ""
        if inside is None
        else f"; {inside:.0%} of the calls it is offered arrive while it is on duty"
    )
    return (
        f"{program} would answer {_est(c.program_calls_per_year)} calls a year in {c.city}, "
        f"{fmt.share(c.program_share_of_eligible)} of the {c.eligible_calls_per_year:,.0f} "
        f"calls a year in the categories it takes{hours}{few}."
    )


def _response(c: CityComparison, responder: str) -> str:
    own = c.with_program.teams[responder].response_min
    e = c.response_eligible
    change = (
        f"; all calls in those categories are reached in {fmt.number(e.with_program.mean, '.1f')}"
        f" minutes on average instead of {fmt.number(e.baseline.mean, '.1f')} without it "
        f"(change {_est(e.change_mean, '+.1f')} minutes)"
        if e.baseline.mean is not None and e.with_program.mean is not None
        else ""
    )
    if own.mean is None:  # not applicable: say why rather than "n/a minutes"
        why = reason_for(c.with_program.not_applicable, f"teams.{responder}.response_min")
        return f"Its responders reach none of those calls ({why or 'none was served'}){change}."
    mean = fmt.few(fmt.with_ci(own.mean, own.ci95, ".1f"), own.sample_calls)
    few = f" ({fmt.FEW_NOTE})" if fmt.FEW_MARK in mean else ""
    return (
        f"Its responders reach those calls in {mean} minutes on average, 90% within "
        f"{fmt.number(own.p90, '.0f')} minutes{change}{few}."
    )


def _police(c: CityComparison) -> str:
    time = c.police_time_freed
    if c.police_unit_hours_freed_per_year is None or time is None:
        why = c.not_applicable.get("police_unit_hours_freed_per_year", "no police team")
        return f"Police time freed: {NA} ({why})."
    return (
        f"Police would spend {_est(c.police_unit_hours_freed_per_year)} fewer unit-hours a "
        f"year on calls: the full-time work of {_est(time.officer_fte, '.1f')} officers "
        f"(at {time.officers_per_unit:g} per unit, with relief), worth "
        f"{_money(time.dollars_per_year)} a year at the city's police cost of "
        f"${time.cost_per_unit_hour:,.0f} a unit-hour — time for other work, not cash saved "
        "unless fewer officers are staffed."
    )


def _cost(c: CityComparison, program: str) -> str:
    b = c.program_budget
    per_call = c.cost_per_program_call
    priced = (
        f"{_money(per_call)} per call answered"
        if per_call.mean is not None
        else f"no cost per call answered ({c.not_applicable.get('cost_per_program_call', NA)})"
    )
    simulated = _money(c.cost_per_year.program)
    if b is None:
        return (
            f"{program} costs {simulated} a year as simulated, {priced}; the scenario gives "
            "no budget for it, so its FTEs are not known."
        )
    staff = b.total_fte - b.crew_fte
    return (
        f"{program} costs ${b.total_per_year:,.0f} a year for its planned hours "
        f"({b.unit_hours_per_year:,.0f} unit-hours), {simulated} with overtime as simulated, "
        f"{priced}; it needs {b.total_fte:.1f} FTE: {b.crew_fte:.1f} crew and "
        f"{round(staff, 2):g} off the units."
    )


def _relative(e: Estimate | None) -> float | None:
    """Half the interval's width over the mean (None without both)."""
    if e is None or e.mean is None or e.ci95 is None or e.mean == 0:
        return None
    return (e.ci95[1] - e.ci95[0]) / 2 / abs(e.mean)


def inputs_sentence(sensitivity: SensitivityResult) -> str:
    """The sensitivity analysis's finding, and how it was measured."""
    return (
        f"{sensitivity.biggest_uncertainty} (sim sensitivity: each input at the ends of its "
        f"range, {sensitivity.replications} replications, common random numbers.)"
    )


LEFT_OUT = (
    "These intervals are the simulation's own; the inputs behind them (call volume, time on "
    "scene, travel, the share of calls the program can take) are assumptions the intervals "
    "leave out — `sim sensitivity` varies them, and `sim report SCENARIO.toml --sensitivity "
    "S.json` puts its finding here."
)


def biggest_uncertainty(c: CityComparison, sensitivity: SensitivityResult | None = None) -> str:
    """The input that moves the figures most (given a sensitivity analysis), and the least
    certain of the summary's figures with what its interval leaves out."""
    figures = {
        "the calls the program answers": c.program_calls_per_year,
        "the police time it frees": c.police_unit_hours_freed_per_year,
        "its cost per call answered": c.cost_per_program_call,
    }
    spread = {k: r for k, e in figures.items() if (r := _relative(e)) is not None}
    if not spread:
        noise = "no figure here has an interval (one replication)."
    else:
        worst = max(spread, key=lambda k: spread[k])
        e = figures[worst]
        assert e is not None and e.ci95 is not None
        noise = (
            f"the least certain of these figures is {worst}: ±{spread[worst]:.0%} (95% "
            f"interval {fmt.number(e.ci95[0])}–{fmt.number(e.ci95[1])}) over "
            f"{c.replications} replications; more replications narrow it."
        )
    if sensitivity is not None:
        return f"{inputs_sentence(sensitivity)} Apart from the inputs, {noise}"
    return f"{noise[0].upper()}{noise[1:]} {LEFT_OUT}"


__all__ = ["biggest_uncertainty", "inputs_sentence", "program_brief"]
