"""SQL pieces the SQLite (and, through them, the PostgreSQL) repositories share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["IN_CHUNK", "in_chunks"]

IN_CHUNK = 500
"""How many values one ``IN (...)`` list binds at most (old SQLite builds allow 999 in all)."""


def in_chunks(values: Iterable[object]) -> Iterator[tuple[tuple[str, ...], str]]:
    """``values`` (deduplicated, sorted) as chunks of bound parameters for ``IN (...)``.

    Each chunk is ``(values, "?, ?, …")``: the values to bind and their
    placeholders; nothing is formatted into the SQL but the question marks.
    No chunk at all when ``values`` is empty.
    """
    wanted = sorted({str(v) for v in values})
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = tuple(wanted[start : start + IN_CHUNK])
        yield chunk, ", ".join("?" * len(chunk))
