"""The fiscal journal kept in memory: for tests and simulators (lost on exit).

>>> from decimal import Decimal
>>> from salescore.hardware.fiscal import JournalEntry, JournalState
>>> journal = MemoryFiscalJournal()
>>> journal.record(JournalEntry("r-1", JournalState.STARTED, Decimal("10.00")))
>>> [entry.receipt_id for entry in journal.unfinished()]
['r-1']
"""

from __future__ import annotations

import threading

from salescore.hardware.fiscal import JournalEntry, JournalState

__all__ = ["MemoryFiscalJournal"]

_OPEN = (JournalState.STARTED, JournalState.CLOSING)


class MemoryFiscalJournal:
    """A :class:`~salescore.hardware.fiscal.FiscalJournal` in a dict."""

    def __init__(self) -> None:
        self._entries: dict[str, JournalEntry] = {}
        self._lock = threading.Lock()

    def get(self, receipt_id: str) -> JournalEntry | None:
        """The entry for ``receipt_id``, or ``None``."""
        with self._lock:
            return self._entries.get(receipt_id)

    def record(self, entry: JournalEntry, *, durable: bool = True) -> None:
        """Insert or replace the entry (insertion order is kept for ``unfinished``).

        ``durable`` changes nothing: nothing in memory survives the program.
        """
        with self._lock:
            self._entries[entry.receipt_id] = entry

    def unfinished(self) -> list[JournalEntry]:
        """Entries still started or closing, oldest first."""
        with self._lock:
            return [e for e in self._entries.values() if e.state in _OPEN]
