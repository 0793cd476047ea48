"""Timing helpers shared by the benchmark scripts (each script still runs alone).

Scripts import this as ``from _timing import per_second``: Python puts the
script's own folder first on ``sys.path``.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Callable, Collection, Sequence

__all__ = ["best_of", "best_times", "peak_rss_mib", "per_second", "settle_disk"]


def settle_disk() -> None:
    """Write every file's pending data to the disk, and wait for it.

    A benchmark that builds a store (or one that ran before it, such as the
    PostgreSQL one, which writes gigabytes) leaves the kernel writing dirty pages
    back for seconds afterwards: a timed call that commits to SQLite would share
    the disk with that write-back and be charged for it. Called before each timed
    call, so that each is timed on a quiet disk with its own writes only.
    """
    if hasattr(os, "sync"):
        os.sync()


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


def best_times(
    funcs: Sequence[Callable[[], object]], rounds: int = 5, *, gc_running: Collection[int] = ()
) -> list[float]:
    """The shortest wall time in seconds of each of ``funcs`` over ``rounds`` rounds.

    The functions take turns, round after round, so that load from other
    processes (or a slow spell of a shared machine) hits them alike and each
    best comes from a calm moment. As :mod:`timeit` does, the cyclic garbage
    collector runs before each call and is paused during it, except for the
    functions whose index is in ``gc_running`` (to show what it costs). The disk
    is settled before each call too (:func:`settle_disk`).
    """
    best = [float("inf")] * len(funcs)
    enabled = gc.isenabled()
    try:
        for _ in range(rounds):
            for i, func in enumerate(funcs):
                gc.collect()
                settle_disk()
                if i not in gc_running:
                    gc.disable()
                start = time.perf_counter()
                func()
                best[i] = min(best[i], time.perf_counter() - start)
                if enabled:
                    gc.enable()
    finally:
        if enabled:
            gc.enable()
    return best


def peak_rss_mib() -> float:
    """The peak resident memory of this process so far, in MiB.

    Linux's ``VmHWM`` (the high-water mark of this program's memory) where it can
    be read: ``ru_maxrss`` survives ``exec``, so a benchmark run as a child of a
    large process would report its parent's peak. Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # in kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
