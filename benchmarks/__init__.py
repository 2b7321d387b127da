"""Benchmarks: speed and memory of the engine measured as ratios against reference runs.

Run them by hand (``python -m benchmarks.engine``); the figures live in ``benchmarks/README.md``.
Timed assertions do not belong in the test suite.
"""
