"""Device simulators by kind, for ``salescore devices simulate KIND`` and for tests.

A stream simulator plays one device over any byte
:class:`~salescore.hardware.transport.Transport`: ``serve(transport)`` runs
until ``stop()`` is called or the link closes. Adding a kind is one line in
:data:`SIMULATORS`.

>>> sorted(SIMULATORS)
['cas', 'escpos', 'massa-k', 'mt-sics', 'scanner', 'shtrih-m', 'zpl']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Protocol

from salescore.hardware.codes import scanner
from salescore.hardware.escpos import simulator as escpos
from salescore.hardware.labels import printer as zpl
from salescore.hardware.scales.cas import simulator as cas
from salescore.hardware.scales.massak import simulator as massak
from salescore.hardware.scales.mtsics import simulator as mtsics
from salescore.hardware.shtrih.simulator import ShtrihSimulator
from salescore.hardware.transport import Transport

__all__ = ["SIMULATORS", "OnTransport", "PeripheralSimulator", "StreamSimulator"]


class StreamSimulator(Protocol):
    """A device played over a byte stream."""

    def serve(self, transport: Transport) -> None:
        """Answer on ``transport`` until stopped or the link closes."""
        ...

    def stop(self) -> None:
        """Stop serving."""
        ...


class PeripheralSimulator(Protocol):
    """A simulator built on one transport (``make_simulator(transport)``)."""

    def serve_forever(self) -> None:
        """Answer until stopped."""
        ...

    def stop(self) -> None:
        """Stop answering."""
        ...


class OnTransport:
    """A :class:`StreamSimulator` for a peripheral simulator built on its transport.

    Peripheral simulators are made for one transport (``make_simulator(transport)``);
    this gives them the ``serve(transport)`` / ``stop()`` shape of the others.
    """

    def __init__(self, make: Callable[[Transport], PeripheralSimulator]) -> None:
        self._make = make
        self._running: PeripheralSimulator | None = None

    def serve(self, transport: Transport) -> None:
        """Build the simulator on ``transport`` and answer until stopped."""
        self._running = self._make(transport)
        self._running.serve_forever()

    def stop(self) -> None:
        """Stop the running simulator, if any."""
        if self._running is not None:
            self._running.stop()


SIMULATORS: Final[dict[str, Callable[[], StreamSimulator]]] = {
    "shtrih-m": ShtrihSimulator,
    "escpos": lambda: OnTransport(escpos.make_simulator),
    "mt-sics": lambda: OnTransport(mtsics.make_simulator),
    "massa-k": lambda: OnTransport(massak.make_simulator),
    "cas": lambda: OnTransport(cas.make_simulator),
    "zpl": lambda: OnTransport(zpl.make_simulator),
    "scanner": lambda: OnTransport(scanner.make_simulator),
}
"""Simulator factory by device kind (the driver's registry name where there is one)."""
