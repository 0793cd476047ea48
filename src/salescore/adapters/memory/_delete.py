"""The marker that asks :meth:`MemoryUnitOfWork.put` to delete a key (no import cycles)."""

from typing import Any

__all__ = ["DELETE"]

DELETE: Any = object()
