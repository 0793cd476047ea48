"""The ESC/POS receipt printer driver, with the cash drawer on its kick connector.

Printing is fire-and-forget at the link level (ESC/POS has no acknowledgement),
so the driver asks the printer for its real-time status (``DLE EOT``) before a
receipt and refuses to send one into a printer that is out of paper, open or
offline: the caller learns *before* the customer waits for a receipt that
never comes. :meth:`EscPosPrinter.print_document` also asks the error cause
(``DLE EOT 3``: cutter, mechanical, unrecoverable) and returns the status it
saw, so a POS can warn that the paper is near its end.
"""

from __future__ import annotations

from collections.abc import Sequence

from salescore.hardware._peripheral_link import Link, refuse_unless_ready
from salescore.hardware.escpos.codec import (
    EPSON_PC866,
    EscPosStatus,
    PaperLevel,
    PrinterFault,
    PrinterProfile,
    StatusRequest,
    cut,
    decode_error_cause,
    decode_gs_r_paper,
    decode_paper_sensor,
    decode_status,
    paper_sensor_request,
    pulse_drawer,
    status_request,
)
from salescore.hardware.escpos.document import ReceiptBuilder
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.transport import Transport

__all__ = ["EscPosPrinter"]

_FAULT_TEXT = {
    PrinterFault.RECOVERABLE: "mechanical error (paper jam?)",
    PrinterFault.CUTTER: "cutter error",
    PrinterFault.UNRECOVERABLE: "hardware failure (needs service)",
    PrinterFault.AUTO_RECOVERABLE: "head overheated (wait)",
}


class EscPosPrinter:
    """A receipt printer speaking ESC/POS over any transport (serial, TCP 9100, USB-CDC).

    Satisfies the ``ReceiptPrinter`` device-kind protocol.

    Args:
        transport: the link to the printer.
        profile: model specifics (code page number, drawer sense).
        timeout: seconds to wait for each status byte.
        check_status: poll ``DLE EOT`` before each receipt (turn off only for
            printers that do not answer it).
        drawer_pin: the kick connector pin the drawer hangs on (2 or 5).
    """

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile = EPSON_PC866,
        *,
        timeout: float = 1.0,
        check_status: bool = True,
        drawer_pin: int = 2,
    ) -> None:
        self.profile = profile
        self.check_status = check_status
        self.drawer_pin = drawer_pin
        self._link = Link(transport, timeout, f"receipt printer ({profile.name})")

    def document(self) -> ReceiptBuilder:
        """A new receipt for this printer's profile (styles, items, codes, images)."""
        return ReceiptBuilder(self.profile)

    def encode_receipt(self, lines: Sequence[str]) -> bytes:
        """The exact bytes :meth:`print_receipt` sends (sans-IO; for previews and tests)."""
        doc = self.document()
        for line in lines:
            doc.text(line)
        return doc.build()

    def print_receipt(self, lines: Sequence[str]) -> None:
        """Print ``lines`` in the profile's code page, wrapped to its width (no cut: call
        :meth:`cut`).

        Raises:
            DeviceError: the printer is out of paper, open, offline or reports a
                fault; nothing was sent.
        """
        self.print_document(self.encode_receipt(lines))

    def print_document(self, document: ReceiptBuilder | bytes) -> EscPosStatus | None:
        """Send a receipt built with :meth:`document` (or its bytes) after a status check.

        Returns:
            The status seen before printing (``paper`` may be
            :attr:`~PaperLevel.NEAR_END`: show the cashier a warning), or
            ``None`` when status checks are off.

        Raises:
            DeviceError: the printer is out of paper, open, offline or reports a
                fault; nothing was sent.
        """
        data = document.build() if isinstance(document, ReceiptBuilder) else document
        status = None
        if self.check_status:
            status = self.detailed_status()
            problems = {
                "paper out": status.printer.paper_out,
                "cover open": status.printer.cover_open,
                "offline": not status.printer.online and not status.faults,
            }
            problems.update({_FAULT_TEXT[fault]: True for fault in status.faults})
            refuse_unless_ready(self._link.device, problems, status)
        self._link.send(data)
        return status

    def cut(self) -> None:
        """Feed the receipt past the cutter and cut it."""
        self._link.send(cut())

    def open_drawer(self) -> None:
        """Pulse the cash drawer's kick connector."""
        self._link.send(pulse_drawer(self.drawer_pin))

    def _ask(self, which: StatusRequest) -> int:
        self._link.send(status_request(which))
        return self._link.read_exactly(1, f"answer to DLE EOT {int(which)}")[0]

    def status(self) -> PrinterStatus:
        """Ask ``DLE EOT 1``, ``2`` and ``4`` and decode the answers.

        Raises:
            DeviceTimeoutError: a status byte did not come in time.
            ProtocolError: a byte is not a status answer.
        """
        printer, offline, paper = (
            self._ask(which)
            for which in (StatusRequest.PRINTER, StatusRequest.OFFLINE_CAUSE, StatusRequest.PAPER)
        )
        return decode_status(printer, offline, paper, self.profile)

    def detailed_status(self) -> EscPosStatus:
        """Ask ``DLE EOT 1``-``4``: the common status, the paper level (near end) and the
        error cause (cutter, mechanical, unrecoverable, auto-recoverable).

        Raises:
            DeviceTimeoutError: a status byte did not come in time.
            ProtocolError: a byte is not a status answer.
        """
        printer, offline, error, paper = (self._ask(StatusRequest(n)) for n in (1, 2, 3, 4))
        return EscPosStatus(
            decode_status(printer, offline, paper, self.profile),
            decode_paper_sensor(paper),
            decode_error_cause(error),
        )

    def paper_sensor(self) -> PaperLevel:
        """Ask ``GS r 1`` (for printers that answer it rather than ``DLE EOT 4``)."""
        self._link.send(paper_sensor_request())
        return decode_gs_r_paper(self._link.read_exactly(1, "answer to GS r 1")[0])
