"""Test helpers for device code: a Shtrih-M simulator and driver wired together.

:func:`shtrih_rig` starts a :class:`~salescore.hardware.shtrih.simulator.ShtrihSimulator`
and connects a :class:`~salescore.hardware.shtrih.driver.ShtrihDriver` to it over an
in-memory pipe, a real pseudo-terminal or loopback TCP, with timeouts short
enough for tests (:data:`FAST_TIMEOUTS`).

>>> with shtrih_rig() as rig:
...     rig.driver.open_shift().shift_number
...     rig.driver.process_check(sample_receipt()).document_number
...     rig.receipts
1
2
1
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Final, TypedDict

import attrs

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.hardware import SerialTransport, TcpTransport, pipe_pair
from salescore.hardware.fiscal import (
    FiscalJournal,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
)
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihDevice, ShtrihSimulator, serve_tcp
from salescore.hardware.transport import Transport, open_pty
from salescore.tax import VatRate

__all__ = ["FAST_TIMEOUTS", "Rig", "ShtrihTimeouts", "sample_receipt", "shtrih_rig"]


class ShtrihTimeouts(TypedDict):
    """The timeout arguments of :class:`~salescore.hardware.shtrih.driver.ShtrihDriver`."""

    control_timeout: float
    byte_timeout: float
    answer_timeout: float
    long_timeout: float
    busy_timeout: float
    poll_interval: float
    paper_timeout: float
    recovery_timeout: float


FAST_TIMEOUTS: Final[ShtrihTimeouts] = {
    "control_timeout": 0.15,
    "byte_timeout": 0.05,
    "answer_timeout": 0.4,
    "long_timeout": 1.0,
    "busy_timeout": 1.0,
    "poll_interval": 0.01,
    "paper_timeout": 0.6,
    "recovery_timeout": 1.0,
}
"""Timeouts short enough for tests: ``ShtrihDriver(transport, journal, **FAST_TIMEOUTS)``."""


def _driver(
    transport: Transport, journal: FiscalJournal, clock: ShtrihDevice, ffd: str = "1.05"
) -> ShtrihDriver:
    # The simulated device's clock is the driver's: the 24-hour shift limit is
    # counted against it, not against the machine running the tests.
    return ShtrihDriver(transport, journal, clock=clock, ffd=ffd, **FAST_TIMEOUTS)


@attrs.define
class Rig:
    """The simulator, the driver, the journal and the driver's transport."""

    simulator: ShtrihSimulator
    driver: ShtrihDriver
    journal: FiscalJournal
    transport: Transport
    ffd: str = "1.05"
    """The FFD version the rig's drivers speak (``"1.2"``: tag-carrying commands)."""

    def new_driver(self) -> ShtrihDriver:
        """A driver as after a restart of the POS: same journal, same link."""
        return _driver(self.transport, self.journal, self.simulator.device, self.ffd)

    @property
    def receipts(self) -> int:
        """Receipts registered in the simulator's fiscal storage."""
        return len(self.simulator.device.receipts)


@contextmanager
def shtrih_rig(
    kind: str = "pipe", journal: FiscalJournal | None = None, *, ffd: str = "1.05"
) -> Iterator[Rig]:
    """Simulator + driver over ``pipe``, ``pty`` or ``tcp``; everything stops on exit.

    ``ffd="1.2"`` gives drivers (the first and every :meth:`Rig.new_driver`) that
    send FFD 1.2 commands (marking codes, corrections with lines).
    """
    simulator = ShtrihSimulator(late_ack_delay=0.3)
    journal = journal or MemoryFiscalJournal()
    closers: list[Callable[[], None]] = []
    transport: Transport
    if kind == "pipe":
        host, device = pipe_pair()
        simulator.start(device)
        transport = host
    elif kind == "pty":
        master, path, slave_fd = open_pty()
        simulator.start(master)
        transport = SerialTransport(path)
        closers += [master.close, lambda: os.close(slave_fd)]
    elif kind == "tcp":
        server, port = serve_tcp(simulator)
        transport = TcpTransport("127.0.0.1", port)
        closers.append(server.close)
    else:  # pragma: no cover
        raise ValueError(kind)
    driver = _driver(transport, journal, simulator.device, ffd)
    try:
        yield Rig(simulator, driver, journal, transport, ffd)
    finally:
        transport.close()
        simulator.stop()
        for closer in closers:
            closer()


def sample_receipt(receipt_id: str = "r-1", kind: ReceiptKind = ReceiptKind.SALE) -> Receipt:
    """A two-line receipt (bread by the piece, cheese by weight) paid 500 in cash: total 400."""
    return Receipt(
        receipt_id,
        kind,
        lines=(
            ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
            ReceiptLine("Сыр", Decimal("0.347"), Decimal("899.90"), VatRate.parse("10")),
        ),
        payments=(Payment(PaymentType.CASH, Decimal("500.00")),),
        discount=Decimal("3.27"),
    )
