"""A receipt as ESC/POS bytes: styled text, wrapped items, barcodes, QR codes and images.

:class:`ReceiptBuilder` knows the printer's profile — its code page, its
width in characters and dots, whether it draws QR codes itself — and turns a
receipt into the bytes the printer takes. Style commands are sent only when
the style changes. Long item names wrap at word boundaries; one too long for
the profile's line limit is refused with a message instead of being cut:

>>> from salescore.hardware.escpos import EPSON_PC866, parse
>>> doc = (
...     ReceiptBuilder(EPSON_PC866)
...     .text("ООО «Ромашка»", bold=True, width=2, height=2, align=Alignment.CENTER)
...     .item("Хлеб бородинский", "1 x 45,50")
...     .ean13("4600439931256")
...     .qr("t=20261123T1905&s=45.50&fn=9999078902004212&i=12&fp=2739485721&n=1")
...     .cut()
... )
>>> [t.name for t in parse(doc.build())][:8]
['ESC @', 'ESC t', 'GS !', 'ESC E', 'ESC a', 'text', 'LF', 'GS !']
"""

from __future__ import annotations

from typing import Self

import attrs

from salescore.errors import InvalidInputError
from salescore.hardware.escpos.codec import (
    EPSON_PC866,
    Alignment,
    PrinterProfile,
    align,
    bold,
    cut,
    encode_text,
    feed,
    initialize,
    pulse_drawer,
    select_code_page,
)
from salescore.hardware.escpos.graphics import (
    Bitmap,
    Hri,
    QrErrorLevel,
    barcode_code128,
    barcode_ean13,
    char_size,
    qr_native,
    raster_image,
)
from salescore.hardware.escpos.qr import qr_image
from salescore.hardware.text import item_lines, printable, wrap_text

__all__ = ["ReceiptBuilder", "TextStyle"]


@attrs.frozen
class TextStyle:
    """How text prints: bold, width and height multipliers (1..8), justification."""

    bold: bool = False
    width: int = 1
    height: int = 1
    align: Alignment = Alignment.LEFT


class ReceiptBuilder:
    """Collects a receipt's ESC/POS bytes for one printer profile; :meth:`build` returns them.

    Every method returns the builder, so calls chain. A method that refuses
    its input adds nothing, so the receipt so far stays as it was.
    """

    def __init__(self, profile: PrinterProfile = EPSON_PC866) -> None:
        self.profile = profile
        self._out = bytearray(initialize() + select_code_page(profile.code_page.number))
        self._style = TextStyle()

    def _set_style(self, style: TextStyle) -> None:
        now = self._style
        if (style.width, style.height) != (now.width, now.height):
            self._out += char_size(style.width, style.height)
        if style.bold != now.bold:
            self._out += bold(style.bold)
        if style.align != now.align:
            self._out += align(style.align)
        self._style = style

    def _line(self, text: str) -> None:
        self._out += encode_text(text, self.profile) + b"\n"

    def text(
        self,
        line: str,
        *,
        bold: bool = False,
        width: int = 1,
        height: int = 1,
        align: Alignment = Alignment.LEFT,
    ) -> Self:
        """Print ``line`` in the given style; a line wider than the paper is wrapped at words
        (a line that fits is printed as it is, spaces and all)."""
        style = TextStyle(bold, width, height, align)
        if not 1 <= width <= 8 or not 1 <= height <= 8:
            raise InvalidInputError(f"text width and height must be 1..8, got {width} × {height}")
        self._set_style(style)
        columns = max(1, self.profile.columns // width)
        text = printable(line, self.profile.code_page.codec, self.profile.replacement)
        for part in [text] if len(text) <= columns else wrap_text(text, columns):
            self._line(part)
        return self

    def item(self, name: str, right: str) -> Self:
        """An item line: the name wrapped on the left, ``right`` (quantity × price, sum)
        flush right on its last line.

        Raises:
            InvalidInputError: the name needs more lines than the profile's
                ``max_item_lines``; shorten the product's receipt name.
        """
        codec = self.profile.code_page.codec
        lines = item_lines(
            printable(name, codec, self.profile.replacement),
            printable(right, codec, self.profile.replacement),
            self.profile.columns,
            self.profile.max_item_lines,
        )
        self._set_style(TextStyle())
        for part in lines:
            self._line(part)
        return self

    def rule(self, char: str = "-") -> Self:
        """A line of ``char`` across the paper."""
        self._set_style(TextStyle())
        self._line(char * self.profile.columns)
        return self

    def _centered(self, data: bytes) -> Self:
        self._set_style(attrs.evolve(self._style, align=Alignment.CENTER))
        self._out += data
        return self

    def ean13(self, code: str, *, height: int = 64, module_width: int = 3) -> Self:
        """An EAN-13 barcode, centred, digits below."""
        return self._centered(
            barcode_ean13(code, height=height, module_width=module_width, hri=Hri.BELOW)
        )

    def code128(self, data: str, *, height: int = 64, module_width: int = 2) -> Self:
        """A Code 128 barcode, centred, text below."""
        return self._centered(
            barcode_code128(data, height=height, module_width=module_width, hri=Hri.BELOW)
        )

    def qr(self, payload: str, *, size: int = 4, level: QrErrorLevel = QrErrorLevel.M) -> Self:
        """A QR code, centred: drawn by the printer (``GS ( k``) when the profile says it
        can, otherwise computed here and sent as a raster image (needs the ``qr`` extra)."""
        if self.profile.native_qr:
            return self._centered(qr_native(payload, size=size, level=level))
        return self._centered(self._raster(qr_image(payload, module_dots=size, level=level)))

    def image(self, bitmap: Bitmap) -> Self:
        """A raster image (``GS v 0``), centred.

        Raises:
            InvalidInputError: the image is wider than the paper.
        """
        return self._centered(self._raster(bitmap))

    def _raster(self, bitmap: Bitmap) -> bytes:
        if bitmap.width > self.profile.dots:
            raise InvalidInputError(
                f"an image {bitmap.width} dots wide does not fit the {self.profile.dots}-dot "
                f"paper of {self.profile.name}; scale it down (for a QR code: a smaller size)",
                width=bitmap.width,
            )
        return raster_image(bitmap)

    def feed(self, lines: int = 1) -> Self:
        """Print the buffer and feed ``lines`` lines."""
        self._out += feed(lines)
        return self

    def cut(self, *, partial: bool = False) -> Self:
        """Feed past the cutter and cut."""
        self._out += cut(partial)
        return self

    def open_drawer(self, pin: int = 2) -> Self:
        """Pulse the cash drawer on kick connector ``pin``."""
        self._out += pulse_drawer(pin)
        return self

    def build(self) -> bytes:
        """The receipt's bytes so far."""
        return bytes(self._out)
