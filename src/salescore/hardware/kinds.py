"""Device kinds: the interface a POS application sees for each kind of device.

The shapes follow 1C's equipment library. :class:`FiscalRegister` copies the
fiscal driver interface 1C uses (``OpenShift``, ``ProcessCheck``,
``CloseShift``, ``PrintXReport``, ``GetCurrentStatus``, ``CashInOutcome``,
``OpenCashDrawer``, …) in Python names. The other kinds are small on purpose:
a receipt printer, a scale, a label printer and a barcode scanner.

Drivers satisfy these Protocols structurally; the driver registry
(:mod:`salescore.hardware.registry`) finds them by name.

>>> from salescore.hardware.shtrih.driver import ShtrihDriver
>>> hasattr(ShtrihDriver, "process_check") and hasattr(ShtrihDriver, "close_shift")
True
>>> WeightReading(Decimal("-0.015"), "kg", stable=True).state   # negative is a weight, not a flag
<WeightState.OK: 'ok'>
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from salescore.hardware.fiscal import (
    FiscalDocumentInfo,
    FiscalResult,
    FiscalStatus,
    Receipt,
    ShiftReport,
)

__all__ = [
    "BarcodeScanner",
    "FiscalRegister",
    "LabelPrinter",
    "PrinterStatus",
    "ReceiptPrinter",
    "Scale",
    "WeightReading",
    "WeightState",
]


@runtime_checkable
class FiscalRegister(Protocol):
    """A fiscal register (ККТ, 54-ФЗ), after 1C's fiscal driver interface."""

    def get_current_status(self) -> FiscalStatus:
        """Shift state (1 closed, 2 open, 3 expired), open receipt, paper (GetCurrentStatus)."""
        ...

    def get_warnings(self) -> FiscalStatus:
        """The status with the warnings a POS should show (fiscal storage expiry, OFD)."""
        ...

    def open_shift(self) -> ShiftReport:
        """Open a shift (OpenShift)."""
        ...

    def process_check(self, receipt: Receipt) -> FiscalResult:
        """Make a receipt fiscal exactly once per ``receipt_id`` (ProcessCheck)."""
        ...

    def cancel_check(self) -> None:
        """Cancel the open receipt (CancelCheck)."""
        ...

    def print_x_report(self) -> None:
        """Print an X report (PrintXReport)."""
        ...

    def close_shift(self) -> ShiftReport:
        """Close the shift with a Z report (CloseShift)."""
        ...

    def cash_in_outcome(self, amount: Decimal) -> int:
        """Cash in if positive, out if negative (CashInOutcome); the document number."""
        ...

    def open_cash_drawer(self) -> None:
        """Open the cash drawer (OpenCashDrawer)."""
        ...

    def continue_print(self) -> None:
        """Continue printing after paper was loaded."""
        ...

    def find_document(self, number: int) -> FiscalDocumentInfo | None:
        """A fiscal document from the fiscal storage by number."""
        ...


@attrs.frozen
class PrinterStatus:
    """A receipt printer's real-time status."""

    paper_out: bool = False
    cover_open: bool = False
    drawer_open: bool = False
    online: bool = True


@runtime_checkable
class ReceiptPrinter(Protocol):
    """A non-fiscal receipt printer with a cash drawer (ESC/POS and the like)."""

    def print_receipt(self, lines: Sequence[str]) -> None:
        """Print text lines."""
        ...

    def cut(self) -> None:
        """Cut the paper."""
        ...

    def open_drawer(self) -> None:
        """Pulse the cash drawer."""
        ...

    def status(self) -> PrinterStatus:
        """Paper, cover, drawer and online state."""
        ...


class WeightState(enum.Enum):
    """Whether a weight could be read: over capacity and under zero are states, not numbers."""

    OK = "ok"
    OVERLOAD = "overload"
    UNDERLOAD = "underload"


@attrs.frozen
class WeightReading:
    """A weight as the scale reports it; ``stable`` comes from the protocol (hazard H7).

    ``value`` is meaningful only when ``state`` is :attr:`WeightState.OK`; it
    may be negative (a net weight below the tare) and is never a float. An
    unstable reading is never a sale weight.
    """

    value: Decimal = attrs.field(validator=attrs.validators.instance_of(Decimal))
    unit: str
    stable: bool
    state: WeightState = WeightState.OK


@runtime_checkable
class Scale(Protocol):
    """An electronic scale weighing online."""

    def read_weight(self) -> WeightReading:
        """The current weight."""
        ...

    def zero(self) -> None:
        """Set zero."""
        ...

    def tare(self) -> None:
        """Take the current weight as tare."""
        ...


@runtime_checkable
class LabelPrinter(Protocol):
    """A label printer taking a prepared label (ZPL, TSPL)."""

    def print_label(self, data: bytes) -> None:
        """Send one label."""
        ...


@runtime_checkable
class BarcodeScanner(Protocol):
    """A barcode scanner on a serial line."""

    def read_code(self, timeout: float) -> str | None:
        """The next code, or ``None`` if none came within ``timeout`` seconds."""
        ...
