"""Device simulators by kind, for ``salescore devices simulate KIND`` and for tests.

A stream simulator plays one device over any byte
:class:`~salescore.hardware.transport.Transport`: ``serve(transport)`` runs
until ``stop()`` is called or the link closes. Adding a kind is one line in
:data:`SIMULATORS`.

>>> sorted(SIMULATORS)
['shtrih-m']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Protocol

from salescore.hardware.shtrih.simulator import ShtrihSimulator
from salescore.hardware.transport import Transport

__all__ = ["SIMULATORS", "StreamSimulator"]


class StreamSimulator(Protocol):
    """A device played over a byte stream."""

    def serve(self, transport: Transport) -> None:
        """Answer on ``transport`` until stopped or the link closes."""
        ...

    def stop(self) -> None:
        """Stop serving."""
        ...


SIMULATORS: Final[dict[str, Callable[[], StreamSimulator]]] = {
    "shtrih-m": ShtrihSimulator,
}
"""Simulator factory by device kind (the driver's registry name where there is one)."""
