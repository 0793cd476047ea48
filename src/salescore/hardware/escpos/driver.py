"""The ESC/POS receipt printer driver, with the cash drawer on its kick connector.

Printing is fire-and-forget at the link level (ESC/POS has no acknowledgement),
so the driver asks the printer for its real-time status (``DLE EOT``) before a
receipt and refuses to send one into a printer that is out of paper, open or
offline: the caller learns *before* the customer waits for a receipt that
never comes.
"""

from __future__ import annotations

from collections.abc import Sequence

from salescore.hardware._peripheral_link import Link, refuse_unless_ready
from salescore.hardware.escpos.codec import (
    EPSON_PC866,
    PrinterProfile,
    StatusRequest,
    cut,
    decode_status,
    encode_text,
    initialize,
    pulse_drawer,
    select_code_page,
    status_request,
)
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.transport import Transport

__all__ = ["EscPosPrinter"]


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

    def encode_receipt(self, lines: Sequence[str]) -> bytes:
        """The exact bytes :meth:`print_receipt` sends (sans-IO; for previews and tests)."""
        body = b"".join(encode_text(line, self.profile) + b"\n" for line in lines)
        return initialize() + select_code_page(self.profile.code_page.number) + body

    def print_receipt(self, lines: Sequence[str]) -> None:
        """Print ``lines`` in the profile's code page (no cut: call :meth:`cut`).

        Raises:
            DeviceError: the printer is out of paper, open or offline; nothing was sent.
        """
        if self.check_status:
            status = self.status()
            refuse_unless_ready(
                self._link.device,
                {
                    "paper out": status.paper_out,
                    "cover open": status.cover_open,
                    "offline": not status.online,
                },
                status,
            )
        self._link.send(self.encode_receipt(lines))

    def cut(self) -> None:
        """Feed the receipt past the cutter and cut it."""
        self._link.send(cut())

    def open_drawer(self) -> None:
        """Pulse the cash drawer's kick connector."""
        self._link.send(pulse_drawer(self.drawer_pin))

    def status(self) -> PrinterStatus:
        """Ask ``DLE EOT 1``, ``2`` and ``4`` and decode the answers.

        Raises:
            DeviceTimeoutError: a status byte did not come in time.
            ProtocolError: a byte is not a status answer.
        """
        answers: list[int] = []
        for which in (StatusRequest.PRINTER, StatusRequest.OFFLINE_CAUSE, StatusRequest.PAPER):
            self._link.send(status_request(which))
            answers.append(self._link.read_exactly(1, f"answer to DLE EOT {int(which)}")[0])
        printer, offline, paper = answers
        return decode_status(printer, offline, paper, self.profile)
