"""Devices: sans-IO protocol codecs, drivers, simulators and transports.

Codecs turn bytes into frames and back and hold no I/O; drivers run the
dialogue with a device over a :class:`~salescore.hardware.transport.Transport`;
simulators play the device over any transport, with fault injection, so that
every driver is tested without hardware. Device kinds (fiscal register,
receipt printer, scale, label printer, barcode scanner) are Protocols in
:mod:`salescore.hardware.kinds`; drivers are found by name in a
:class:`~salescore.hardware.registry.DeviceRegistry`.
"""

from salescore.hardware.fiscal import (
    FiscalDocumentInfo,
    FiscalJournal,
    FiscalResult,
    FiscalStatus,
    JournalEntry,
    JournalState,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ShiftReport,
    ShiftState,
)
from salescore.hardware.kinds import (
    BarcodeScanner,
    FiscalRegister,
    LabelPrinter,
    PrinterStatus,
    ReceiptPrinter,
    Scale,
    WeightReading,
    WeightState,
)
from salescore.hardware.registry import DeviceRegistry
from salescore.hardware.transport import (
    FdTransport,
    PipeTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    open_pty,
    pipe_pair,
    serve_tcp,
)
from salescore.tax import VatRate  # the one VAT table; re-exported for receipt lines

__all__ = [
    "BarcodeScanner",
    "DeviceRegistry",
    "FdTransport",
    "FiscalDocumentInfo",
    "FiscalJournal",
    "FiscalRegister",
    "FiscalResult",
    "FiscalStatus",
    "JournalEntry",
    "JournalState",
    "LabelPrinter",
    "Payment",
    "PaymentType",
    "PipeTransport",
    "PrinterStatus",
    "Receipt",
    "ReceiptKind",
    "ReceiptLine",
    "ReceiptPrinter",
    "Scale",
    "SerialTransport",
    "ShiftReport",
    "ShiftState",
    "TcpTransport",
    "Transport",
    "VatRate",
    "WeightReading",
    "WeightState",
    "open_pty",
    "pipe_pair",
    "serve_tcp",
]
