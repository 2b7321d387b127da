"""Random streams: one numpy Generator per (seed, replication, source).

Each source of randomness (arrivals of one call type, time on scene of one call type with
one team, travel, backup…) gets its own stream, keyed by its *name* rather than by its
position, so adding a team or a call type never shifts the draws of the others. Two
staffing variants run with the same seed therefore see exactly the same calls: common
random numbers, and paired comparisons that are tight. There is no global RNG.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _key(name: str) -> int:
    """A stable 32-bit integer for a stream name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def stream(seed: int, replication: int, source: str) -> np.random.Generator:
    """The Generator for one named source in one replication of a run with ``seed``."""
    seq = np.random.SeedSequence(entropy=seed, spawn_key=(replication, _key(source)))
    return np.random.Generator(np.random.PCG64(seq))


class Streams:
    """The named streams of one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication

    def __call__(self, *parts: str) -> np.random.Generator:
        return stream(self.seed, self.replication, "/".join(parts))
