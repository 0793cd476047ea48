"""Timing helpers shared by the benchmark scripts (each script still runs alone).

Scripts import this as ``from _timing import per_second``: Python puts the
script's own folder first on ``sys.path``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["best_of", "per_second"]


def best_of(func: Callable[[], object], rounds: int = 3) -> float:
    """The shortest wall time in seconds of ``rounds`` calls of ``func``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def per_second(func: Callable[[], object], repeat: int) -> float:
    """Calls of ``func`` per second, best of three rounds of ``repeat`` calls."""

    def batch() -> None:
        for _ in range(repeat):
            func()

    return repeat / best_of(batch)
