"""Fit scenarios from calls-for-service exports: arrivals, durations, the scenario file.

``fit_calls(path, mapping, options=FitOptions(...))`` is the library form of ``sim fit``;
:mod:`sim.fit.replay` drives the engine with an export's own calls, and
:mod:`sim.fit.synthetic` writes exports from a known scenario for tests and benchmarks.
"""

from sim.fit.build import Borrowed, FitOptions, FitReport, FitResult, fit_calls

__all__ = ["Borrowed", "FitOptions", "FitReport", "FitResult", "fit_calls"]
