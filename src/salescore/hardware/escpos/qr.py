"""The receipt QR code: its payload, its module matrix, an image of it and a text drawing.

Every Russian cash receipt carries a QR code by which the buyer checks it
with the tax service (ФНС). Its payload names the date and time, the total,
the fiscal storage (ФН) number, the fiscal document number (ФД), the fiscal
sign (ФП) and the receipt kind (признак расчёта):

>>> from datetime import datetime
>>> from decimal import Decimal, localcontext
>>> from salescore.hardware.fiscal import FiscalResult
>>> result = FiscalResult("r-1", 1234, 2739485721, Decimal("393.27"), Decimal("106.73"))
>>> receipt_qr_payload(result, fn_number="9999078902004212", when=datetime(2026, 11, 23, 19, 5))
't=20261123T1905&s=393.27&fn=9999078902004212&i=1234&fp=2739485721&n=1'

A printer with ``GS ( k`` draws the code itself; for one without, the module
matrix is computed here and sent as a raster image. The matrix needs a QR
encoder: salescore uses qrcode (pure Python, no dependencies; python-escpos
uses it too), installed with the ``qr`` extra (``pip install salescore[qr]``).
Without it, native QR printing still works and only the image and text forms
are refused.

>>> for line in qr_text("salescore", quiet=1).splitlines()[:4]:
...     print(line)
 ▄▄▄▄▄▄▄    ▄  ▄▄▄▄▄▄▄
 █ ▄▄▄ █ ▄▀▄ █ █ ▄▄▄ █
 █ ███ █ ██ ▀▄ █ ███ █
 █▄▄▄▄▄█ █ █▀▄ █▄▄▄▄▄█
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, localcontext

from salescore.errors import InvalidInputError, MissingExtraError
from salescore.hardware.escpos.graphics import Bitmap, QrErrorLevel
from salescore.hardware.fiscal import FiscalResult, ReceiptKind
from salescore.money._context import decimal_context

__all__ = ["qr_image", "qr_matrix", "qr_text", "receipt_qr_payload"]

_KIND_CODES = {
    ReceiptKind.SALE: 1,
    ReceiptKind.SALE_RETURN: 2,
    ReceiptKind.BUY: 3,
    ReceiptKind.BUY_RETURN: 4,
}


def receipt_qr_payload(
    result: FiscalResult,
    *,
    fn_number: str,
    when: datetime,
    kind: ReceiptKind = ReceiptKind.SALE,
) -> str:
    """The QR payload ``t=…&s=…&fn=…&i=…&fp=…&n=…`` of a receipt made fiscal.

    Args:
        result: the fiscal register's answer (document number, fiscal sign, total).
        fn_number: the fiscal storage's 16-digit number (заводской номер ФН).
        when: the receipt's date and time as the register printed it; its wall-clock
            time goes into the code as it is (the register's local time).
        kind: the receipt kind; ``n`` is 1 sale, 2 sale return, 3 buy, 4 buy return.

    Raises:
        InvalidInputError: the FN number is not 16 digits, or a number is negative.
    """
    if len(fn_number) != 16 or not fn_number.isascii() or not fn_number.isdigit():
        raise InvalidInputError(
            f"receipt QR: the fiscal storage number must be 16 digits, got {fn_number!r}",
            fn_number=fn_number,
        )
    if result.document_number < 0 or result.fiscal_sign < 0 or result.total < 0:
        raise InvalidInputError(
            f"receipt QR for {result.receipt_id!r}: document number, fiscal sign and total "
            "cannot be negative",
            receipt_id=result.receipt_id,
        )
    with localcontext(decimal_context()):
        whole_kopecks = result.total == result.total.quantize(Decimal("0.01"))
    if not whole_kopecks:
        raise InvalidInputError(
            f"receipt QR for {result.receipt_id!r}: total {result.total} is not whole kopecks",
            receipt_id=result.receipt_id,
        )
    return (
        f"t={when:%Y%m%dT%H%M}&s={result.total:.2f}&fn={fn_number}&i={result.document_number}"
        f"&fp={result.fiscal_sign}&n={_KIND_CODES[kind]}"
    )


def qr_matrix(payload: str, level: QrErrorLevel = QrErrorLevel.M) -> tuple[tuple[int, ...], ...]:
    """The QR symbol's modules (1 = dark), without the quiet zone; the smallest version.

    Raises:
        MissingExtraError: the ``qr`` extra (qrcode) is not installed.
        InvalidInputError: the payload is empty or too long for a QR symbol.
    """
    try:
        import qrcode  # optional extra: needed only where the printer cannot draw QR
        from qrcode.exceptions import DataOverflowError
    except ImportError:  # pragma: no cover - the dev extra installs it
        raise MissingExtraError(
            "drawing a QR code as an image or text needs a QR encoder: "
            "pip install 'salescore[qr]' (qrcode), or use a printer profile with native "
            "QR (GS ( k)",
            extra="qr",
        ) from None
    if not payload:
        raise InvalidInputError("a QR code needs a non-empty payload")
    levels = (
        qrcode.constants.ERROR_CORRECT_L,
        qrcode.constants.ERROR_CORRECT_M,
        qrcode.constants.ERROR_CORRECT_Q,
        qrcode.constants.ERROR_CORRECT_H,
    )
    symbol = qrcode.QRCode(error_correction=levels[int(level)], border=0)
    try:
        symbol.add_data(payload)
        symbol.make(fit=True)
    except (DataOverflowError, ValueError) as exc:
        raise InvalidInputError(
            f"QR payload of {len(payload)} characters does not fit a QR symbol: {exc}"
        ) from None
    return tuple(tuple(int(cell) for cell in row) for row in symbol.get_matrix())


def _with_quiet_zone(matrix: Sequence[Sequence[int]], quiet: int) -> list[list[int]]:
    width = len(matrix[0]) + 2 * quiet
    blank = [[0] * width for _ in range(quiet)]
    body = [[0] * quiet + list(row) + [0] * quiet for row in matrix]
    return blank + body + [list(r) for r in blank]


def qr_image(
    payload: str, *, module_dots: int = 4, quiet: int = 4, level: QrErrorLevel = QrErrorLevel.M
) -> Bitmap:
    """The QR code as a bitmap for ``GS v 0``: each module ``module_dots`` square,
    with a quiet zone of ``quiet`` modules (the standard asks for 4)."""
    if quiet < 0:
        raise InvalidInputError(f"QR quiet zone cannot be negative, got {quiet}")
    return Bitmap.from_matrix(_with_quiet_zone(qr_matrix(payload, level), quiet), module_dots)


def qr_text(payload: str, *, quiet: int = 2, level: QrErrorLevel = QrErrorLevel.M) -> str:
    """The QR code drawn with block characters, two module rows per text line.

    Dark modules are drawn, so it scans from a light background (paper, a
    light terminal); on a dark terminal invert the colours.
    """
    if quiet < 0:
        raise InvalidInputError(f"QR quiet zone cannot be negative, got {quiet}")
    rows = _with_quiet_zone(qr_matrix(payload, level), quiet)
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    glyphs = {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}
    return "\n".join(
        "".join(glyphs[top, bottom] for top, bottom in zip(upper, lower, strict=True)).rstrip()
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    )
