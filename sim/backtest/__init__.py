"""Backtests: does a fitted city reproduce the history it was fitted from?

:func:`backtest` simulates a scenario over its export's own window and compares calls,
waits, response times and busy unit-hours with what was recorded (:mod:`.core`); the
measures are computed the same way on both sides (:mod:`.measures`); the result is typed
(:mod:`.result`) and rendered for the terminal (:mod:`.render`) and as HTML
(:mod:`sim.report.backtest`).
"""

from sim.backtest.core import backtest
from sim.backtest.result import BacktestResult, Row, verdict

__all__ = ["BacktestResult", "Row", "backtest", "verdict"]
