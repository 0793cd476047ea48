"""A simulated ESC/POS receipt printer: it tokenises what it gets and keeps the "paper".

It answers ``DLE EOT`` from its state (paper out, cover open, drawer open,
offline), decodes text with the code page selected by ``ESC t`` and records
printed lines, cuts and drawer pulses, so tests can read the receipt back.

>>> from salescore.hardware import pipe_pair
>>> from salescore.hardware.escpos import EscPosPrinter
>>> host, device = pipe_pair()
>>> with make_simulator(device) as printer_sim:
...     printer = EscPosPrinter(host, timeout=0.5)
...     printer.print_receipt(["Молоко 1 x 89,90"])
...     printer.cut()
...     _ = printer_sim.wait_until(lambda: printer_sim.cuts == 1)
...     printer_sim.paper, printer_sim.cuts
(['Молоко 1 x 89,90'], 1)
"""

from __future__ import annotations

from salescore.errors import ProtocolError
from salescore.hardware.escpos.codec import (
    EPSON_PC866,
    KNOWN_CODE_PAGES,
    EscPosParser,
    PrinterProfile,
    Token,
    encode_status,
)
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.transport import Transport

__all__ = ["EscPosSimulator", "make_simulator"]


class EscPosSimulator(DeviceSimulator):
    """An ESC/POS printer with paper, a cover, a cutter and a cash drawer."""

    def __init__(self, transport: Transport, profile: PrinterProfile = EPSON_PC866) -> None:
        super().__init__(transport)
        self.profile = profile
        self.paper_out = False
        self.cover_open = False
        self.drawer_open = False
        self.online = True
        self.paper: list[str] = []
        self.cuts = 0
        self.drawer_pulses = 0
        self.tokens: list[Token] = []
        self.errors: list[ProtocolError] = []
        self._parser = EscPosParser()
        self._line = bytearray()
        self._codec = profile.code_page.codec

    def status(self) -> PrinterStatus:
        """The state the printer reports."""
        return PrinterStatus(
            paper_out=self.paper_out,
            cover_open=self.cover_open,
            drawer_open=self.drawer_open,
            online=self.online and not self.paper_out and not self.cover_open,
        )

    def garble(self, reply: bytes) -> bytes:
        """A status byte with its fixed bits broken."""
        return bytes(b ^ 0x81 for b in reply)

    def handle(self, data: bytes) -> list[bytes]:
        """Tokenise ``data``; answer status requests, print the rest."""
        try:
            tokens = self._parser.feed(data)
        except ProtocolError as exc:
            self.errors.append(exc)
            self._parser = EscPosParser()
            return []
        replies: list[bytes] = []
        for token in tokens:
            self.tokens.append(token)
            if token.name == "DLE EOT":
                replies.append(self._status_byte(token.params[0]))
            else:
                self._print(token)
        return replies

    def _status_byte(self, which: int) -> bytes:
        printer, offline, paper = encode_status(self.status(), self.profile)
        return bytes([{1: printer, 2: offline, 4: paper}.get(which, 0x12)])

    def _print(self, token: Token) -> None:
        if self.paper_out or self.cover_open:
            return  # a real printer buffers or drops; either way nothing reaches paper
        if token.name == "text":
            self._line += token.params
        elif token.name == "LF":
            self.paper.append(self._line.decode(self._codec, errors="replace"))
            self._line.clear()
        elif token.name == "ESC t":
            page = KNOWN_CODE_PAGES.get(token.params[0])
            self._codec = page.codec if page else "latin-1"
        elif token.name == "ESC @":
            self._codec = self.profile.code_page.codec
        elif token.name == "GS V":
            self.cuts += 1
        elif token.name == "ESC p":
            self.drawer_pulses += 1
            self.drawer_open = True


def make_simulator(transport: Transport) -> EscPosSimulator:
    """A receipt printer simulator (Epson-compatible, PC866) on ``transport``."""
    return EscPosSimulator(transport)
