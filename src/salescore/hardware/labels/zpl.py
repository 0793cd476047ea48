"""ZPL II, the label language of Zebra (and compatible) printers: a builder and a reader.

A label is ``^XA … ^XZ``. Every label this module builds selects UTF-8 with
``^CI28`` first — without it a printer reads Cyrillic as CP850 and prints
garbage (hazard H6) — and escapes field data with ``^FH`` so that a ``^`` or
``~`` in a product name cannot end the field or start a command.

>>> label = ZplLabel()
>>> label.text(20, 20, "Сыр ^Российский^", height=30)
>>> label.ean13(20, 70, "460043993125")
>>> for field in label.build().decode().split("^FS"):
...     print(field)
^XA^CI28^FO20,20^A0N,30,0^FH^FDСыр _5EРоссийский_5E
^FO20,70^BY2^BEN,60,Y,N^FD460043993125
^XZ
>>> [c.command for c in parse_zpl(label.build())][:3]
['^XA', '^CI', '^FO']
"""

from __future__ import annotations

import attrs

from salescore.errors import InvalidInputError, ProtocolError
from salescore.hardware.codes.ean import is_valid_gtin

__all__ = ["ZplCommand", "ZplLabel", "escape_field", "field_text", "parse_zpl"]

_ESCAPED = {ord("^"), ord("~"), ord("_")}


def escape_field(text: str) -> str:
    """Field data for ``^FH^FD``: ``^``, ``~``, ``_`` and controls (GS!) as ``_XX`` hex."""
    out = []
    for char in text:
        code = ord(char)
        out.append(f"_{code:02X}" if code in _ESCAPED or code < 0x20 or code == 0x7F else char)
    return "".join(out)


class ZplLabel:
    """Builds one label. Coordinates and sizes are in printer dots (8 per mm at 203 dpi).

    Args:
        width: ``^PW`` print width in dots, or ``None`` to keep the printer's.
        length: ``^LL`` label length in dots, or ``None``.
    """

    def __init__(self, width: int | None = None, length: int | None = None) -> None:
        self._parts: list[str] = ["^XA", "^CI28"]
        if width is not None:
            self._parts.append(f"^PW{_dots(width)}")
        if length is not None:
            self._parts.append(f"^LL{_dots(length)}")
        self._quantity = 1

    def text(
        self,
        x: int,
        y: int,
        text: str,
        *,
        height: int = 30,
        width: int = 0,
        block: int | None = None,
        lines: int = 1,
    ) -> None:
        """A text field in the scalable font 0; ``block`` (dots) wraps it into ``lines`` lines."""
        wrap = f"^FB{_dots(block)},{lines},0,L,0" if block is not None else ""
        self._parts.append(
            f"^FO{_dots(x)},{_dots(y)}^A0N,{_dots(height)},{_dots(width)}{wrap}^FH^FD{escape_field(text)}^FS"
        )

    def ean13(self, x: int, y: int, code: str, *, height: int = 60, module: int = 2) -> None:
        """An EAN-13 barcode (12 digits; the printer adds the check digit, 13 are checked here)."""
        if len(code) == 13:
            if not is_valid_gtin(code):
                raise InvalidInputError(f"EAN-13 {code!r} has a wrong check digit", code=code)
            code = code[:12]
        if len(code) != 12 or not code.isdigit():
            raise InvalidInputError(f"an EAN-13 needs 12 or 13 digits, got {code!r}", code=code)
        self._parts.append(
            f"^FO{_dots(x)},{_dots(y)}^BY{module}^BEN,{_dots(height)},Y,N^FD{code}^FS"
        )

    def code128(self, x: int, y: int, data: str, *, height: int = 60, module: int = 2) -> None:
        """A Code 128 barcode."""
        self._parts.append(
            f"^FO{_dots(x)},{_dots(y)}^BY{module}^BCN,{_dots(height)},Y,N,N^FH^FD{escape_field(data)}^FS"
        )

    def datamatrix(self, x: int, y: int, data: str, *, module: int = 5) -> None:
        """A GS1 DataMatrix (a marking code) in ECC 200.

        The escape character is set to ``~`` explicitly (its default differs by
        firmware); ``~1`` is FNC1, which opens a GS1 symbol and stands for each
        GS separator. The GS1 character set has no ``^`` or ``~``, so data with
        them is refused rather than mangled.
        """
        if "^" in data or "~" in data:
            raise InvalidInputError(f"GS1 DataMatrix data cannot contain ^ or ~: {data!r}")
        body = "~1" + data.replace("\x1d", "~1")
        self._parts.append(f"^FO{_dots(x)},{_dots(y)}^BXN,{_dots(module)},200,,,,~^FD{body}^FS")

    def quantity(self, copies: int) -> None:
        """``^PQ``: print ``copies`` labels."""
        if copies < 1:
            raise InvalidInputError(f"label quantity must be at least 1, got {copies}")
        self._quantity = copies

    def build(self) -> bytes:
        """The label as bytes (UTF-8, as ``^CI28`` announces)."""
        quantity = [f"^PQ{self._quantity}"] if self._quantity != 1 else []
        return "".join([*self._parts, *quantity, "^XZ"]).encode("utf-8")


def _dots(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32000:
        raise InvalidInputError(f"ZPL coordinates and sizes are whole dots 0..32000, got {value!r}")
    return value


@attrs.frozen
class ZplCommand:
    """One ZPL command: ``^FO`` (or ``~HS``) and its parameter text."""

    command: str
    params: str


def parse_zpl(data: bytes) -> list[ZplCommand]:
    """Split a ZPL stream into commands (two letters after ``^`` or ``~``).

    Field data runs to the next ``^``: escaped data never contains one.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"ZPL stream is not UTF-8 at byte {exc.start}") from exc
    commands: list[ZplCommand] = []
    pos = 0
    while pos < len(text):
        if text[pos] in "\r\n":
            pos += 1
            continue
        if text[pos] not in "^~":
            raise ProtocolError(f"ZPL: text outside a command at {pos}: {text[pos : pos + 10]!r}")
        end = pos + 3
        while end < len(text) and text[end] not in "^~":
            end += 1
        if pos + 3 > len(text):
            raise ProtocolError(f"ZPL: truncated command at {pos}: {text[pos:]!r}")
        commands.append(ZplCommand(text[pos : pos + 3].upper(), text[pos + 3 : end].rstrip("\r\n")))
        pos = end
    return commands


def field_text(params: str, hex_escapes: bool) -> str:
    """The text of a ``^FD`` field, undoing ``^FH`` escapes when they apply."""
    if not hex_escapes:
        return params
    raw = bytearray()
    pos = 0
    encoded = params.encode("utf-8")
    while pos < len(encoded):
        if encoded[pos] == ord("_") and pos + 2 < len(encoded):
            raw.append(int(encoded[pos + 1 : pos + 3], 16))
            pos += 3
        else:
            raw.append(encoded[pos])
            pos += 1
    return raw.decode("utf-8", errors="replace")
