"""A simulated ESC/POS receipt printer: it tokenises what it gets and keeps the "paper".

It answers ``DLE EOT`` and ``GS r`` from its state (paper out or near its
end, cover open, drawer open, offline, faults), decodes text with the code
page selected by ``ESC t`` and records printed lines with their style,
barcodes, QR payloads, images, cuts and drawer pulses, so tests can read the
receipt back — or see it: :meth:`EscPosSimulator.render` draws the printout as
text, QR codes included.

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

import attrs

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware.escpos.codec import (
    EPSON_PC866,
    KNOWN_CODE_PAGES,
    Alignment,
    EscPosParser,
    EscPosStatus,
    PaperLevel,
    PrinterFault,
    PrinterProfile,
    Token,
    encode_full_status,
)
from salescore.hardware.escpos.qr import qr_text
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.transport import Transport, pipe_pair

__all__ = ["EscPosSimulator", "PrintedLine", "make_simulator", "render_receipt"]

_BARCODE_KINDS = {2: "EAN13", 67: "EAN13", 3: "EAN8", 68: "EAN8", 73: "CODE128", 0: "UPC-A"}


@attrs.frozen
class PrintedLine:
    """A line as it came out of the simulated printer, with its style."""

    text: str
    bold: bool = False
    width: int = 1
    height: int = 1
    align: Alignment = Alignment.LEFT


class EscPosSimulator(DeviceSimulator):
    """An ESC/POS printer with paper, a cover, a cutter and a cash drawer."""

    def __init__(self, transport: Transport, profile: PrinterProfile = EPSON_PC866) -> None:
        super().__init__(transport)
        self.profile = profile
        self.paper_out = False
        self.paper_near_end = False
        self.faults: set[PrinterFault] = set()
        self.cover_open = False
        self.drawer_open = False
        self.online = True
        self.paper: list[str] = []
        self.lines: list[PrintedLine] = []
        self.barcodes: list[tuple[str, str]] = []
        """``(symbology, data)`` of each barcode printed."""
        self.qr_codes: list[str] = []
        """Payloads of the QR codes the printer drew itself (``GS ( k``)."""
        self.images: list[tuple[int, int]] = []
        """``(width, height)`` in dots of each raster image or graphics block."""
        self._printout: list[str] = []
        self.cuts = 0
        self.drawer_pulses = 0
        self.tokens: list[Token] = []
        self.errors: list[ProtocolError] = []
        self._parser = EscPosParser()
        self._line = bytearray()
        self._codec = profile.code_page.codec
        self._style = PrintedLine("")
        self._qr_store = b""

    def status(self) -> PrinterStatus:
        """The state the printer reports."""
        return PrinterStatus(
            paper_out=self.paper_out,
            cover_open=self.cover_open,
            drawer_open=self.drawer_open,
            online=self.online and not self.paper_out and not self.cover_open,
        )

    def finish(self) -> None:
        """End of the stream: raise the first error met, or one for a command cut short."""
        if self.errors:
            raise self.errors[0]
        self._parser.close()

    def render(self) -> str:
        """What came out of the printer as text: lines as aligned, barcodes as their
        data, QR codes drawn with block characters, cuts as a dashed line."""
        return "\n".join(self._printout)

    def _aligned(self, line: PrintedLine) -> str:
        width = max(1, self.profile.columns // line.width)
        if line.align is Alignment.CENTER:
            return line.text.center(width).rstrip()
        if line.align is Alignment.RIGHT:
            return line.text.rjust(width)
        return line.text

    def full_status(self) -> EscPosStatus:
        """The state with paper level and faults, as ``DLE EOT 1``-``4`` report it."""
        if self.paper_out:
            level = PaperLevel.OUT
        else:
            level = PaperLevel.NEAR_END if self.paper_near_end else PaperLevel.OK
        return EscPosStatus(self.status(), level, frozenset(self.faults))

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
            elif token.name == "GS r":
                replies.append(self._gs_r_byte(token.params[0]))
            else:
                self._print(token)
        return replies

    def _status_byte(self, which: int) -> bytes:
        return bytes([encode_full_status(self.full_status(), self.profile).get(which, 0x12)])

    def _gs_r_byte(self, which: int) -> bytes:
        if which in (1, 49):
            return bytes([0x0F if self.paper_out else 0x03 if self.paper_near_end else 0])
        return bytes([1 if self.drawer_open == self.profile.drawer_open_when_high else 0])

    def _print(self, token: Token) -> None:
        if self.paper_out or self.cover_open:
            return  # a real printer buffers or drops; either way nothing reaches paper
        name, params = token.name, token.params
        if name == "text":
            self._line += params
        elif name == "LF":
            text = self._line.decode(self._codec, errors="replace")
            self.paper.append(text)
            line = attrs.evolve(self._style, text=text)
            self.lines.append(line)
            self._printout.append(self._aligned(line))
            self._line.clear()
        elif name == "ESC t":
            page = KNOWN_CODE_PAGES.get(params[0])
            self._codec = page.codec if page else "latin-1"
        elif name == "ESC @":
            self._codec = self.profile.code_page.codec
            self._style = PrintedLine("")
        elif name in ("GS V", "ESC i", "ESC m"):
            self.cuts += 1
            self._printout.append("- " * (self.profile.columns // 2))
        elif name == "ESC p":
            self.drawer_pulses += 1
            self.drawer_open = True
        else:
            self._graphics_or_style(name, params)

    def _graphics_or_style(self, name: str, params: bytes) -> None:
        if name == "GS !":
            self._style = attrs.evolve(
                self._style, width=(params[0] >> 4) + 1, height=(params[0] & 0x0F) + 1
            )
        elif name == "ESC !":
            self._style = attrs.evolve(
                self._style,
                bold=bool(params[0] & 0x08),
                width=2 if params[0] & 0x20 else 1,
                height=2 if params[0] & 0x10 else 1,
            )
        elif name == "ESC E":
            self._style = attrs.evolve(self._style, bold=bool(params[0] & 1))
        elif name == "ESC a":
            self._style = attrs.evolve(self._style, align=Alignment(params[0] % 48 % 3))
        elif name == "GS k":
            kind = _BARCODE_KINDS.get(params[0], str(params[0]))
            data = params[1:-1] if params[0] <= 6 else params[2:]
            text = data.decode("ascii", errors="replace")
            if kind == "CODE128" and text[:2] in ("{A", "{B", "{C"):
                text = text[2:].replace("{{", "{")
            self.barcodes.append((kind, text))
            self._printout.append(f"[{kind} {self.barcodes[-1][1]}]".center(self.profile.columns))
        elif name == "GS (" and params[:1] == b"k" and params[3:4] == b"1":
            fn, data = params[4], params[5:]
            if fn == 0x50:
                self._qr_store = data[1:]
            elif fn == 0x51:
                self.qr_codes.append(self._qr_store.decode("utf-8", errors="replace"))
                self._printout.append(_draw_qr(self.qr_codes[-1], self.profile.columns))
        elif name == "GS v":
            self.images.append(
                (8 * int.from_bytes(params[2:4], "little"), int.from_bytes(params[4:6], "little"))
            )
            self._printout.append(f"[image {self.images[-1][0]} x {self.images[-1][1]} dots]")
        elif name == "GS 8" or (name == "GS (" and params[:1] == b"L"):
            self.images.append((0, 0))  # graphics data: size not decoded


def _draw_qr(payload: str, columns: int) -> str:
    try:
        drawing = qr_text(payload, quiet=1)
    except DeviceError:  # pragma: no cover - the qr extra is missing
        return f"[QR {payload}]"
    rows = drawing.split("\n")
    pad = " " * max(0, (columns - max(len(r) for r in rows)) // 2)
    return "\n".join((pad + row).rstrip() for row in rows)


def render_receipt(data: bytes, profile: PrinterProfile = EPSON_PC866) -> str:
    """What a printer with ``profile`` would print for ``data``, drawn as text (a preview).

    >>> from salescore.hardware.escpos import ReceiptBuilder
    >>> print(render_receipt(ReceiptBuilder().text("Итого: 45,50").ean13("4600439931256").build()))
    Итого: 45,50
                 [EAN13 4600439931256]

    Raises:
        ProtocolError: ``data`` is not an ESC/POS stream the parser can follow.
    """
    host, device = pipe_pair()
    sim = EscPosSimulator(device, profile)
    try:
        sim.handle(data)
        sim.finish()
    finally:
        host.close()
        device.close()
    return sim.render()


def make_simulator(transport: Transport) -> EscPosSimulator:
    """A receipt printer simulator (Epson-compatible, PC866) on ``transport``."""
    return EscPosSimulator(transport)
