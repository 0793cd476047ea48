"""ESC/POS commands beyond text: character size, barcodes, QR codes and raster images.

All functions build bytes (sans-IO). The encodings are Epson's, and the same
as python-escpos 3.1 sends for the same request (the tests compare them):

>>> char_size(2, 2).hex(" ")
'1d 21 11'
>>> barcode_ean13("4600439931256").hex(" ")
'1d 68 40 1d 77 03 1d 66 00 1d 48 02 1d 6b 02 34 36 30 30 34 33 39 39 33 31 32 35 36 00'
>>> qr_native("t=1", size=4)[:8].hex(" ")
'1d 28 6b 04 00 31 41 32'
>>> raster_image(Bitmap(8, 1, b"\\xf0")).hex(" ")
'1d 76 30 00 01 00 01 00 f0'
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence

import attrs

from salescore.errors import InvalidInputError
from salescore.hardware.codes.ean import gtin_check_digit

__all__ = [
    "Bitmap",
    "Hri",
    "QrErrorLevel",
    "barcode_code128",
    "barcode_ean13",
    "char_size",
    "qr_native",
    "raster_image",
]

ESC, GS = 0x1B, 0x1D


def char_size(width: int = 1, height: int = 1) -> bytes:
    """``GS ! n``: character width and height multipliers, 1..8 each (1, 1 is normal)."""
    for value, what in ((width, "width"), (height, "height")):
        if not 1 <= value <= 8:
            raise InvalidInputError(f"ESC/POS character {what} must be 1..8, got {value}")
    return bytes([GS, 0x21, (width - 1) << 4 | (height - 1)])


# --- barcodes -----------------------------------------------------------------------


class Hri(enum.IntEnum):
    """Where the printer prints the human-readable digits of a barcode (``GS H n``)."""

    NONE = 0
    ABOVE = 1
    BELOW = 2
    BOTH = 3


def _barcode_setup(height: int, module_width: int, hri: Hri) -> bytes:
    if not 1 <= height <= 255:
        raise InvalidInputError(f"barcode height must be 1..255 dots, got {height}")
    if not 2 <= module_width <= 6:
        raise InvalidInputError(f"barcode module width must be 2..6 dots, got {module_width}")
    return bytes([GS, 0x68, height, GS, 0x77, module_width, GS, 0x66, 0, GS, 0x48, int(hri)])


def barcode_ean13(
    code: str, *, height: int = 64, module_width: int = 3, hri: Hri = Hri.BELOW
) -> bytes:
    """An EAN-13 barcode (``GS k 2 … NUL``) with its height, module width and HRI set first.

    Raises:
        InvalidInputError: ``code`` is not 13 digits with the right check digit.
    """
    if len(code) != 13 or not code.isascii() or not code.isdigit():
        raise InvalidInputError(f"EAN-13 needs 13 digits, got {code!r}", code=code)
    if gtin_check_digit(code[:12]) != code[12]:
        raise InvalidInputError(
            f"EAN-13 {code}: check digit should be {gtin_check_digit(code[:12])}; "
            "the code was mistyped or misread",
            code=code,
        )
    return _barcode_setup(height, module_width, hri) + bytes([GS, 0x6B, 2]) + code.encode() + b"\0"


def barcode_code128(
    data: str, *, height: int = 64, module_width: int = 3, hri: Hri = Hri.BELOW
) -> bytes:
    """A Code 128 barcode (``GS k 73 n``) in code set B; ``{`` is escaped as ``{{``.

    Raises:
        InvalidInputError: ``data`` is empty, not printable ASCII, or longer
            than the command carries.
    """
    if not data or not all(0x20 <= ord(c) < 0x7F for c in data):
        raise InvalidInputError(
            f"Code 128 data must be printable ASCII and not empty, got {data!r}", data=data
        )
    body = ("{B" + data.replace("{", "{{")).encode("ascii")
    if len(body) > 255:
        raise InvalidInputError(
            f"Code 128 data is {len(data)} characters, too long for one barcode", data=data
        )
    return _barcode_setup(height, module_width, hri) + bytes([GS, 0x6B, 73, len(body)]) + body


# --- QR codes -----------------------------------------------------------------------


class QrErrorLevel(enum.IntEnum):
    """QR error correction: the share of the symbol that may be damaged (L 7 % … H 30 %)."""

    L = 0
    M = 1
    Q = 2
    H = 3


def _gs_k(fn: int, data: bytes) -> bytes:
    size = len(data) + 2
    return bytes([GS, 0x28, 0x6B, size & 0xFF, size >> 8, 0x31, fn]) + data


def qr_native(payload: str, *, size: int = 4, level: QrErrorLevel = QrErrorLevel.M) -> bytes:
    """A QR code drawn by the printer itself: ``GS ( k`` functions 165, 167, 169, 180, 181.

    ``size`` is the module size in dots (1..16). The payload goes as UTF-8.

    Raises:
        InvalidInputError: an empty payload, more than a QR symbol holds, or a bad size.
    """
    data = payload.encode("utf-8")
    if not data or len(data) > 2953:
        raise InvalidInputError(
            f"QR payload must be 1..2953 bytes, got {len(data)}", payload=payload
        )
    if not 1 <= size <= 16:
        raise InvalidInputError(f"QR module size must be 1..16 dots, got {size}")
    return (
        _gs_k(0x41, bytes([0x32, 0]))  # model 2
        + _gs_k(0x43, bytes([size]))
        + _gs_k(0x45, bytes([0x30 + int(level)]))
        + _gs_k(0x50, b"0" + data)  # store
        + _gs_k(0x51, b"0")  # print
    )


# --- raster images ------------------------------------------------------------------


@attrs.frozen
class Bitmap:
    """A one-bit image: ``width`` × ``height`` dots, rows of ``ceil(width / 8)`` bytes,
    the most significant bit leftmost, 1 = black (the ``GS v 0`` raster layout)."""

    width: int
    height: int
    rows: bytes

    def __attrs_post_init__(self) -> None:
        if self.width < 1 or self.height < 1:
            raise InvalidInputError(
                f"an image needs at least 1 × 1 dots, got {self.width} × {self.height}"
            )
        if len(self.rows) != self.width_bytes * self.height:
            raise InvalidInputError(
                f"a {self.width} × {self.height} image needs {self.width_bytes * self.height} "
                f"bytes of rows, got {len(self.rows)}"
            )

    @property
    def width_bytes(self) -> int:
        """Bytes per row."""
        return (self.width + 7) // 8

    @classmethod
    def from_matrix(cls, matrix: Sequence[Sequence[int]], scale: int = 1) -> Bitmap:
        """A bitmap from rows of 0/1 (truthy = black), each cell ``scale`` × ``scale`` dots."""
        if scale < 1 or not matrix or not matrix[0]:
            raise InvalidInputError("an image needs a non-empty matrix and a scale of at least 1")
        width = len(matrix[0]) * scale
        rows = bytearray()
        for row in matrix:
            if len(row) * scale != width:
                raise InvalidInputError("every row of an image matrix must have the same length")
            bits = 0
            for cell in row:
                for _ in range(scale):
                    bits = bits << 1 | (1 if cell else 0)
            pad = -width % 8
            line = (bits << pad).to_bytes((width + pad) // 8, "big")
            rows += line * scale
        return cls(width, len(matrix) * scale, bytes(rows))

    def bands(self, max_height: int) -> Iterator[Bitmap]:
        """The image cut into horizontal bands of at most ``max_height`` dots."""
        step = self.width_bytes
        for top in range(0, self.height, max_height):
            height = min(max_height, self.height - top)
            yield Bitmap(self.width, height, self.rows[top * step : (top + height) * step])


def raster_image(bitmap: Bitmap, *, max_band: int = 960) -> bytes:
    """``GS v 0``: print ``bitmap`` at normal density, in bands of at most ``max_band`` rows."""
    out = bytearray()
    for band in bitmap.bands(max_band):
        out += bytes([GS, 0x76, 0x30, 0])
        out += band.width_bytes.to_bytes(2, "little") + band.height.to_bytes(2, "little")
        out += band.rows
    return bytes(out)
