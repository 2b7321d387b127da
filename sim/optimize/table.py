"""The optimizer's result as terminal tables: the plan per block, the targets, the cost."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from sim.applicable import NA
from sim.optimize.search import OptimizeResult


def result_tables(res: OptimizeResult) -> Group:
    """The plan per block, the targets with how sure we are, and the cost."""
    plan = Table(
        title=f"Plan for team '{res.team}' ({len(res.evaluated)} plans simulated)",
        title_justify="left",
    )
    for col in ("block", "calls/h", "offered load", "start", "units"):
        plan.add_column(col, justify="left" if col == "block" else "right")
    for b, ld in enumerate(res.loads):
        plan.add_row(
            res.blocks.label(b),
            f"{ld.rate * 60:.2f}",
            f"{ld.erlangs:.2f}",
            str(res.start[b]),
            str(res.best.units[b]),
        )
    checks = Table(title="Targets", title_justify="left")
    for col in ("target", "mean (95% CI)", "replications meeting it (95% CI)", "met?"):
        checks.add_column(col, justify="left" if col == "target" else "right")
    for c in res.best.checks:
        lo, hi = c.share_ci95
        mean = NA if c.mean is None else f"{c.mean:.3g}"
        if c.ci95 is not None:
            mean += f" ({c.ci95[0]:.3g}–{c.ci95[1]:.3g})"
        checks.add_row(
            c.target.text,
            mean,
            f"{c.hits}/{c.n} = {c.share:.0%} ({lo:.0%}–{hi:.0%})",
            c.verdict,
        )
    cost = Table.grid()
    cost.add_row(f"Shifts: {res.shifts}")
    if any(c.verdict != "met" for c in res.best.checks):
        cost.add_row(
            "likely: the estimate meets the target, but its 95% interval does not clear it "
            "(raise --replications, or --strict to plan until it does)."
        )
    cost.add_row(
        f"Cost: ${res.best.cost_per_year:,.0f} per year in all, of which team '{res.team}' "
        f"${res.best.team_cost_per_year:,.0f}."
    )
    return Group(plan, checks, cost)


__all__ = ["result_tables"]
