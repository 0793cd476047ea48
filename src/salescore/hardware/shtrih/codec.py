"""Shtrih-M protocol v1 (the classic "Протокол ФР"): frames, commands and replies, sans I/O.

A frame is ``STX LEN PAYLOAD LRC``. ``LEN`` counts the payload (the command
code, one byte or two starting with ``0xFF``, and its data); ``LRC`` is the XOR
of ``LEN`` and the payload. A reply's payload is the command code, an error
byte and, only when the error byte is zero, the reply data. Integers are
little-endian; money is in kopecks in 5 bytes, quantities in thousandths in
5 bytes; text is cp1251, padded with NUL to the print width.

Nothing here reads or writes a port: the link layer
(:mod:`salescore.hardware.shtrih.link`) and the simulator move the bytes.

>>> frame = encode_frame(ShortStatus(password=1).encode())
>>> frame.hex(" ")
'02 05 10 01 00 00 00 14'
>>> parser = FrameParser()
>>> parser.feed(frame)
>>> payload = parser.next_event()
>>> decode_command(payload)
ShortStatus(password=1)
>>> to_kopecks(Decimal("45.50")), to_thousandths(Decimal("0.250"))
(4550, 250)
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import reduce
from typing import Any, ClassVar, Final, TypeVar

import attrs

from salescore.errors import InvalidAmountError, ProtocolError

__all__ = [
    "ACK",
    "COMMANDS",
    "CORRECTION_RECEIPT",
    "ENQ",
    "FLAG_RECEIPT_PAPER",
    "FLAG_RECEIPT_ROLL",
    "ITEM_COMMANDS",
    "NAK",
    "NOT_GIVEN",
    "REPLIES",
    "STX",
    "TEXT_WIDTH",
    "AcceptMarkingCode",
    "AcceptMarkingReply",
    "BeginCorrection",
    "BindMarkingCode",
    "BindMarkingReply",
    "Buy",
    "BuyReturn",
    "CancelReceipt",
    "CashIn",
    "CashOut",
    "CashReply",
    "CheckMarkingCode",
    "CloseReceipt",
    "CloseReceiptReply",
    "CloseReceiptV2",
    "CloseReceiptV2Reply",
    "Command",
    "ContinuePrint",
    "CorrectionReceipt",
    "CorrectionReply",
    "DeviceType",
    "DeviceTypeReply",
    "Discount",
    "EmptyReply",
    "FnDocumentReply",
    "FnDocumentTlvReply",
    "FnExpiry",
    "FnExpiryReply",
    "FnFindDocument",
    "FnReadTlv",
    "FnRequestDocumentTlv",
    "FnShiftParams",
    "FnShiftParamsReply",
    "FnStatus",
    "FnStatusReply",
    "FnTlvReply",
    "FnUnsent",
    "FnUnsentReply",
    "FrameParser",
    "ItemOperation",
    "MarkingCheckReply",
    "OpenDrawer",
    "OpenReceipt",
    "OpenShift",
    "OperationV2",
    "OperatorReply",
    "PrintString",
    "Reply",
    "Sale",
    "SaleReturn",
    "SendOperationTlv",
    "SendTlv",
    "ShortStatus",
    "ShortStatusReply",
    "Subtotal",
    "SubtotalReply",
    "XReport",
    "ZReport",
    "decode_command",
    "decode_reply",
    "decode_tlvs",
    "encode_frame",
    "encode_reply",
    "encode_tlv",
    "fn_datetime",
    "from_kopecks",
    "from_thousandths",
    "lrc",
    "receipt_document_data",
    "split_code",
    "to_kopecks",
    "to_thousandths",
    "vln",
]

STX: Final = 0x02
ENQ: Final = 0x05
ACK: Final = 0x06
NAK: Final = 0x15

FLAG_RECEIPT_ROLL: Final = 0x0002
"""Short-status flag bit 1, the receipt roll's near-end (weight) sensor: **clear** when
the paper nears its end. Bit 1 is "Receipt station low paper (0 - yes, 1 - no)" in the
vendor's OPOS driver (``TPrinterFlags``, ``PrinterTypes.pas``) and "Рулон чековой
ленты" in pyshtrih's ``handle_fr_flags``."""
FLAG_RECEIPT_PAPER: Final = 0x0080
"""Short-status flag bit 7, the receipt station's optical sensor: set while paper is in
the mechanism ("0 - no paper, 1 - paper" in the same sources)."""

TEXT_WIDTH: Final = 40
"""Bytes sent for a text field: pyshtrih and the vendor document pad to 40."""

_HUNDRED = Decimal(100)
_THOUSAND = Decimal(1000)
_FIVE_BYTES = 256**5


# --- values on the wire --------------------------------------------------------------------


def _scaled(value: Decimal, scale: Decimal, what: str) -> int:
    if not isinstance(value, Decimal):
        raise InvalidAmountError(
            f"{what} must be a Decimal, got {type(value).__name__} {value!r}; "
            "floats are refused so that no kopeck is lost",
            value=value,
        )
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise InvalidAmountError(
            f"{what} {value} has more decimals than the device takes; round it first "
            "(money to 0.01, quantity to 0.001)",
            value=value,
        )
    result = int(scaled)
    if not 0 <= result < _FIVE_BYTES:
        raise InvalidAmountError(f"{what} {value} is outside the device's range", value=value)
    return result


def to_kopecks(amount: Decimal) -> int:
    """Money in rubles (exactly 2 decimals or fewer) as integer kopecks, without float."""
    return _scaled(amount, _HUNDRED, "amount")


def to_thousandths(quantity: Decimal) -> int:
    """A quantity (exactly 3 decimals or fewer) as integer thousandths, without float."""
    return _scaled(quantity, _THOUSAND, "quantity")


def from_kopecks(kopecks: int) -> Decimal:
    """Integer kopecks as a Decimal amount with 2 decimals."""
    return Decimal(kopecks).scaleb(-2)


def from_thousandths(thousandths: int) -> Decimal:
    """Integer thousandths as a Decimal quantity with 3 decimals."""
    return Decimal(thousandths).scaleb(-3)


def lrc(data: bytes) -> int:
    """XOR of every byte: the checksum of LEN and payload."""
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def encode_frame(payload: bytes) -> bytes:
    """Wrap a payload as ``STX LEN payload LRC``."""
    if not 1 <= len(payload) <= 255:
        raise ProtocolError(f"a Shtrih-M v1 payload is 1..255 bytes, got {len(payload)}")
    body = bytes([len(payload)]) + payload
    return bytes([STX]) + body + bytes([lrc(body)])


def split_code(payload: bytes) -> tuple[int, bytes]:
    """The command code (``0xFFnn`` for two-byte codes) and the rest of the payload."""
    if not payload:
        raise ProtocolError("empty payload: no command code")
    if payload[0] == 0xFF:
        if len(payload) < 2:
            raise ProtocolError("a two-byte command code was cut after 0xFF")
        return 0xFF00 | payload[1], payload[2:]
    return payload[0], payload[1:]


def _code_bytes(code: int) -> bytes:
    return code.to_bytes(2, "big") if code > 0xFF else bytes([code])


class FrameParser:
    """Incremental reader of the byte stream from either side.

    ``feed`` bytes as they arrive; ``next_event`` returns, in order, a control
    byte (``ACK``, ``NAK``, ``ENQ`` as an ``int``), a frame payload
    (``bytes``), a :class:`ProtocolError` for a frame whose LRC is wrong (its
    bytes are consumed), or ``None`` when more bytes are needed. Bytes that are
    neither STX nor a control byte (line noise, ``0xFF``) are skipped.

    >>> parser = FrameParser()
    >>> parser.feed(bytes([0xFF, ACK, STX, 0x01]))
    >>> parser.next_event(), parser.next_event(), parser.partial
    (6, None, True)
    >>> parser.feed(bytes([0x10, 0x11]))
    >>> parser.next_event()
    b'\\x10'
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        """Add received bytes."""
        self._buffer += data

    @property
    def partial(self) -> bool:
        """Whether a frame has started but is not complete yet."""
        return bool(self._buffer) and self._buffer[0] == STX

    def clear(self) -> None:
        """Forget buffered bytes (a truncated frame after a byte timeout)."""
        self._buffer.clear()

    def next_event(self) -> int | bytes | ProtocolError | None:
        """The next complete event, or ``None``."""
        buffer = self._buffer
        while buffer and buffer[0] not in (STX, ACK, NAK, ENQ):
            del buffer[0]
        if not buffer:
            return None
        if buffer[0] != STX:
            control = buffer[0]
            del buffer[0]
            return control
        if len(buffer) < 2:
            return None
        size = buffer[1]
        end = 2 + size + 1
        if len(buffer) < end:
            return None
        body = bytes(buffer[1 : end - 1])
        checksum = buffer[end - 1]
        del buffer[:end]
        if size == 0:
            return ProtocolError("a frame with LEN 0 carries no command")
        if lrc(body) != checksum:
            return ProtocolError(
                f"frame checksum mismatch: got 0x{checksum:02X}, computed 0x{lrc(body):02X}"
            )
        return body[1:]


# --- field codec ---------------------------------------------------------------------------

_INT_SIZES: Final = {"u1": 1, "u2": 2, "u4": 4, "u5": 5, "u6": 6, "s2": 2}
_SUMS: Final = {"sums16": 16, "sums6": 6}
"""Fields of several 5-byte sums (the FF45 payment types and taxes)."""


def _encode_field(kind: str, value: Any, text_width: int) -> bytes:
    if kind in _INT_SIZES:
        size = _INT_SIZES[kind]
        signed = kind.startswith("s")
        try:
            return int(value).to_bytes(size, "little", signed=signed)
        except OverflowError as exc:
            raise ProtocolError(f"{value} does not fit a {kind} field") from exc
    if kind == "taxes":
        return bytes(value)
    if kind in _SUMS:
        if len(value) != _SUMS[kind]:
            raise ProtocolError(f"{kind} takes {_SUMS[kind]} sums, got {len(value)}")
        return b"".join(_encode_field("u5", v, text_width) for v in value)
    if kind.startswith("vtext"):
        return str(value).encode("cp1251", errors="replace")[: int(kind[5:])]
    if kind == "text":
        encoded = str(value).encode("cp1251", errors="replace")[:text_width]
        return encoded.ljust(text_width, b"\x00")
    if kind == "lp1":
        data = bytes(value)
        if len(data) > 0xFF:
            raise ProtocolError(f"a length-prefixed field takes 255 bytes, got {len(data)}")
        return bytes([len(data)]) + data
    if kind.startswith("raw"):
        size = int(kind[3:]) if kind != "raw" else len(value)
        data = bytes(value)
        if len(data) != size:
            raise ProtocolError(f"field of {size} bytes got {len(data)}")
        return data
    raise AssertionError(kind)  # pragma: no cover - layouts are static


def _decode_field(kind: str, data: bytes, offset: int) -> tuple[Any, int]:
    if kind in _INT_SIZES:
        size = _INT_SIZES[kind]
        chunk = data[offset : offset + size]
        if len(chunk) != size:
            raise ProtocolError(f"data ended inside a {kind} field at byte {offset}")
        return int.from_bytes(chunk, "little", signed=kind.startswith("s")), offset + size
    if kind == "taxes":
        chunk = data[offset : offset + 4]
        if len(chunk) != 4:
            raise ProtocolError(f"data ended inside the tax groups at byte {offset}")
        return tuple(chunk), offset + 4
    if kind in _SUMS:
        sums = []
        for _ in range(_SUMS[kind]):
            value, offset = _decode_field("u5", data, offset)
            sums.append(value)
        return tuple(sums), offset
    if kind == "text" or kind.startswith("vtext"):
        return data[offset:].rstrip(b"\x00").decode("cp1251", errors="replace"), len(data)
    if kind == "raw":
        return bytes(data[offset:]), len(data)
    if kind == "lp1":
        if offset >= len(data):
            raise ProtocolError(f"data ended before a length byte at byte {offset}")
        end = offset + 1 + data[offset]
        if end > len(data):
            raise ProtocolError(f"data ended inside a {data[offset]}-byte field at byte {offset}")
        return bytes(data[offset + 1 : end]), end
    size = int(kind[3:])
    chunk = data[offset : offset + size]
    if len(chunk) != size:
        raise ProtocolError(f"data ended inside a {size}-byte field at byte {offset}")
    return bytes(chunk), offset + size


_M = TypeVar("_M", bound="_Message")


class _Message:
    """A fixed layout of fields; subclasses are attrs classes listing ``layout``."""

    code: ClassVar[int]
    layout: ClassVar[tuple[tuple[str, str], ...]]

    def data(self, text_width: int = TEXT_WIDTH) -> bytes:
        """The fields as bytes, without the command code."""
        return b"".join(
            _encode_field(kind, getattr(self, name), text_width) for name, kind in self.layout
        )

    @classmethod
    def from_data(cls: type[_M], data: bytes, *, code: int | None = None) -> _M:
        """Decode the fields; :class:`ProtocolError` if the data is short (or long).

        ``code`` is the command the data belongs to (named in errors; a reply
        layout is shared by several commands). A command's data must match its
        layout exactly; a reply may carry trailing bytes, which are ignored:
        models differ (one answers "open shift" with the operator's number,
        another with nothing).
        """
        code = cls.code if code is None else code
        values: dict[str, Any] = {}
        offset = 0
        try:
            for name, kind in cls.layout:
                values[name], offset = _decode_field(kind, data, offset)
        except ProtocolError as exc:
            raise ProtocolError(
                f"Shtrih-M {_what(cls)} 0x{code:02X} ({cls.__name__}): {exc}",
                protocol="shtrih-m",
                command=code,
                device_code=None,
            ) from None
        if offset != len(data) and issubclass(cls, Command):
            raise ProtocolError(
                f"Shtrih-M command 0x{code:02X} ({cls.__name__}): "
                f"{len(data) - offset} unexpected trailing bytes",
                protocol="shtrih-m",
                command=code,
                device_code=None,
            )
        return cls(**values)


def _what(cls: type[_Message]) -> str:
    return "command" if issubclass(cls, Command) else "reply to"


class Command(_Message):
    """A request from the host. ``encode()`` gives the frame payload."""

    def encode(self, text_width: int = TEXT_WIDTH) -> bytes:
        """Command code followed by the data."""
        return _code_bytes(self.code) + self.data(text_width)


class Reply(_Message):
    """Data of a successful reply (after the error byte)."""


_PW = ("password", "u4")


@attrs.frozen
class ShortStatus(Command):
    """0x10: mode, submode, flags and operations in the open receipt."""

    code: ClassVar[int] = 0x10
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class DeviceType(Command):
    """0xFC: device type and model (no password)."""

    code: ClassVar[int] = 0xFC
    layout: ClassVar = ()


@attrs.frozen
class OpenShift(Command):
    """0xE0: open a shift (the FN registers a shift-opening report)."""

    code: ClassVar[int] = 0xE0
    layout: ClassVar = (_PW,)
    password: int


CORRECTION_RECEIPT: Final = 0x80
"""Added to 0x8D's kind, a correction receipt with lines [чек коррекции] (FFD 1.2): its
lines go by 0xFF46 and it closes by 0xFF45, as the vendor's JavaPOS driver does it
(``PrinterConst.SMFP_RECTYPE_CORRECTION_SALE`` 0x80 ... ``_RETBUY`` 0x83, since 2021)."""


@attrs.frozen
class OpenReceipt(Command):
    """0x8D: open a receipt of ``kind`` 0 sale, 1 buy, 2 sale return, 3 buy return.

    ``kind`` + :data:`CORRECTION_RECEIPT` opens a correction receipt with lines (FFD 1.2).
    """

    code: ClassVar[int] = 0x8D
    layout: ClassVar = (_PW, ("kind", "u1"))
    password: int
    kind: int


@attrs.frozen
class ItemOperation(Command):
    """One receipt line; the subclass fixes the operation (sale, buy, return).

    ``quantity`` is in thousandths, ``price`` in kopecks, ``taxes`` the four
    tax-group numbers (0 none, 1..4 a group of the device's tax table).
    """

    code: ClassVar[int] = 0
    layout: ClassVar = (
        _PW,
        ("quantity", "u5"),
        ("price", "u5"),
        ("department", "u1"),
        ("taxes", "taxes"),
        ("text", "text"),
    )
    password: int
    quantity: int
    price: int
    department: int
    taxes: tuple[int, ...]
    text: str


@attrs.frozen
class Sale(ItemOperation):
    """0x80: a sale line."""

    code: ClassVar[int] = 0x80


@attrs.frozen
class Buy(ItemOperation):
    """0x81: a buy line."""

    code: ClassVar[int] = 0x81


@attrs.frozen
class SaleReturn(ItemOperation):
    """0x82: a sale-return line."""

    code: ClassVar[int] = 0x82


@attrs.frozen
class BuyReturn(ItemOperation):
    """0x83: a buy-return line."""

    code: ClassVar[int] = 0x83


ITEM_COMMANDS: Final[dict[int, type[ItemOperation]]] = {
    0: Sale,
    1: Buy,
    2: SaleReturn,
    3: BuyReturn,
}
"""The line command for each receipt kind of 0x8D."""


@attrs.frozen
class Discount(Command):
    """0x86: a discount of ``amount`` kopecks on the line just registered."""

    code: ClassVar[int] = 0x86
    layout: ClassVar = (_PW, ("amount", "u5"), ("taxes", "taxes"), ("text", "text"))
    password: int
    amount: int
    taxes: tuple[int, ...]
    text: str


@attrs.frozen
class CloseReceipt(Command):
    """0x85: close the receipt with up to four payment sums (kopecks).

    ``discount`` is a receipt discount in hundredths of a percent (kept at 0:
    salescore spreads discounts into the lines, see hazard H5).
    """

    code: ClassVar[int] = 0x85
    layout: ClassVar = (
        _PW,
        ("cash", "u5"),
        ("payment2", "u5"),
        ("payment3", "u5"),
        ("payment4", "u5"),
        ("discount", "s2"),
        ("taxes", "taxes"),
        ("text", "text"),
    )
    password: int
    cash: int
    payment2: int
    payment3: int
    payment4: int
    discount: int
    taxes: tuple[int, ...]
    text: str


@attrs.frozen
class CancelReceipt(Command):
    """0x88: annul the open receipt (impossible once it was closed)."""

    code: ClassVar[int] = 0x88
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class XReport(Command):
    """0x40: daily report without closing the shift."""

    code: ClassVar[int] = 0x40
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class ZReport(Command):
    """0x41: daily report closing the shift."""

    code: ClassVar[int] = 0x41
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class CashIn(Command):
    """0x50: cash put into the drawer (внесение), kopecks."""

    code: ClassVar[int] = 0x50
    layout: ClassVar = (_PW, ("amount", "u5"))
    password: int
    amount: int


@attrs.frozen
class CashOut(Command):
    """0x51: cash taken from the drawer (выплата), kopecks."""

    code: ClassVar[int] = 0x51
    layout: ClassVar = (_PW, ("amount", "u5"))
    password: int
    amount: int


@attrs.frozen
class ContinuePrint(Command):
    """0xB0: continue printing after paper was loaded (submode 3)."""

    code: ClassVar[int] = 0xB0
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class PrintString(Command):
    """0x17: print one line of text; ``flags`` bit 0 the control tape, bit 1 the receipt.

    As pyshtrih's ``print_string`` sends it (and ``SMFP_COMMAND_PRINT_LINE = $17`` in
    the vendor's OPOS driver): password, flags, the text padded to 40 bytes.
    """

    code: ClassVar[int] = 0x17
    layout: ClassVar = (_PW, ("flags", "u1"), ("text", "text"))
    password: int
    flags: int
    text: str


@attrs.frozen
class OpenDrawer(Command):
    """0x28: pulse the cash drawer ``drawer`` (0 or 1)."""

    code: ClassVar[int] = 0x28
    layout: ClassVar = (_PW, ("drawer", "u1"))
    password: int
    drawer: int


@attrs.frozen
class FnStatus(Command):
    """0xFF01: fiscal storage (ФН) status with the last fiscal document number."""

    code: ClassVar[int] = 0xFF01
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class FnFindDocument(Command):
    """0xFF0A: find a fiscal document in the FN by its number."""

    code: ClassVar[int] = 0xFF0A
    layout: ClassVar = (_PW, ("number", "u4"))
    password: int
    number: int


@attrs.frozen
class FnShiftParams(Command):
    """0xFF40: the current shift as the FN sees it (open?, number, receipt number)."""

    code: ClassVar[int] = 0xFF40
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class Subtotal(Command):
    """0x89: the open receipt's subtotal (its lines less their discounts), kopecks.

    ``SMFP_COMMAND_READ_SUBTOTAL = $89`` in the vendor's OPOS driver
    (``shtrih-m/opos``, ``PrinterTypes.pas``).
    """

    code: ClassVar[int] = 0x89
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class FnRequestDocumentTlv(Command):
    """0xFF3A: start reading fiscal document ``number`` from the FN as TLV."""

    code: ClassVar[int] = 0xFF3A
    layout: ClassVar = (_PW, ("number", "u4"))
    password: int
    number: int


@attrs.frozen
class FnReadTlv(Command):
    """0xFF3B: the next TLV block of the document asked for by 0xFF3A."""

    code: ClassVar[int] = 0xFF3B
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class OperationV2(Command):
    """0xFF46: a receipt line for FFD 1.05/1.2 ("операция V2").

    ``operation`` is the FFD calculation type (1 sale, 2 sale return, 3 buy,
    4 buy return); ``quantity`` is in millionths; ``amount`` the line sum in
    kopecks (``NOT_GIVEN``: the device computes price × quantity); ``tax``
    the line's VAT in kopecks (``NOT_GIVEN``: the device computes it);
    ``tax_group`` the device's tax group; ``payment_method`` FFD tag 1214 and
    ``subject`` tag 1212; ``name`` up to 128 bytes, not padded. Layout after
    the vendor's description as transcribed in independent drivers.
    """

    code: ClassVar[int] = 0xFF46
    layout: ClassVar = (
        _PW,
        ("operation", "u1"),
        ("quantity", "u6"),
        ("price", "u5"),
        ("amount", "u5"),
        ("tax", "u5"),
        ("tax_group", "u1"),
        ("department", "u1"),
        ("payment_method", "u1"),
        ("subject", "u1"),
        ("name", "vtext128"),
    )
    password: int
    operation: int
    quantity: int
    price: int
    amount: int
    tax: int
    tax_group: int
    department: int
    payment_method: int
    subject: int
    name: str


NOT_GIVEN: Final = 0xFF_FFFF_FFFF
"""A 5-byte sum of :class:`OperationV2` left for the device to compute."""


@attrs.frozen
class CloseReceiptV2(Command):
    """0xFF45: close the receipt (FFD 1.05/1.2), with 16 payment sums and the tax system.

    ``payments`` are the sums by payment type 1..16 (1 cash, 2 electronic,
    14 prepayment, 15 postpayment/credit, 16 counter-provision); ``rounding``
    kopecks rounded off; ``taxes`` six tax sums (zero: the device computes);
    ``tax_system`` FFD tag 1055 as a bit (bit 0 general, 1 simplified income,
    2 simplified income less expense, 4 agricultural, 5 patent).
    """

    code: ClassVar[int] = 0xFF45
    layout: ClassVar = (
        _PW,
        ("payments", "sums16"),
        ("rounding", "u1"),
        ("taxes", "sums6"),
        ("tax_system", "u1"),
        ("text", "vtext64"),
    )
    password: int
    payments: tuple[int, ...]
    rounding: int
    taxes: tuple[int, ...]
    tax_system: int
    text: str


@attrs.frozen
class SendTlv(Command):
    """0xFF0C: a TLV for the open document (buyer contact 1008, ...), as pyshtrih sends it."""

    code: ClassVar[int] = 0xFF0C
    layout: ClassVar = (_PW, ("tlv", "raw"))
    password: int
    tlv: bytes


@attrs.frozen
class SendOperationTlv(Command):
    """0xFF4D: a TLV bound to the last operation (measure unit 2108, ...)."""

    code: ClassVar[int] = 0xFF4D
    layout: ClassVar = (_PW, ("tlv", "raw"))
    password: int
    tlv: bytes


@attrs.frozen
class BeginCorrection(Command):
    """0xFF35: begin a correction receipt (чек коррекции)."""

    code: ClassVar[int] = 0xFF35
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class CorrectionReceipt(Command):
    """0xFF36: make the correction receipt of ``total`` kopecks; ``kind`` 1 income, 3 expense."""

    code: ClassVar[int] = 0xFF36
    layout: ClassVar = (_PW, ("total", "u5"), ("kind", "u1"))
    password: int
    total: int
    kind: int


@attrs.frozen
class CheckMarkingCode(Command):
    """0xFF61: have the fiscal storage check a marking code (ФН command B1h, FFD 1.2).

    ``planned_status`` is tag 2003, ``mode`` tag 2102 (always 0); ``marking``
    the code as scanned and ``tlv`` the measure and quantity of a partial
    disposal (empty for a piece). The two lengths come before the two fields,
    as both vendor drivers lay it out (OPOS ``FSCheckItemCode``, JavaPOS
    ``FSCheckMC``).
    """

    code: ClassVar[int] = 0xFF61
    layout: ClassVar = (_PW, ("planned_status", "u1"), ("mode", "u1"))
    password: int
    planned_status: int
    mode: int
    marking: bytes
    tlv: bytes = b""

    def data(self, text_width: int = TEXT_WIDTH) -> bytes:
        """Password, status, mode, the two lengths, then the code and the TLVs."""
        if len(self.marking) > 0xFF or len(self.tlv) > 0xFF:
            raise ProtocolError("0xFF61 takes a code and TLVs of at most 255 bytes each")
        head = super().data(text_width)
        return head + bytes([len(self.marking), len(self.tlv)]) + self.marking + self.tlv

    @classmethod
    def from_data(cls, data: bytes, *, code: int | None = None) -> CheckMarkingCode:
        """Decode (the simulator's side); :class:`ProtocolError` if the lengths disagree."""
        if len(data) < 8 or len(data) != 8 + data[6] + data[7]:
            raise ProtocolError(
                "Shtrih-M command 0xFF61 (CheckMarkingCode): the code and TLV lengths do not "
                "match the data",
                protocol="shtrih-m",
                command=0xFF61,
                device_code=None,
            )
        size = data[6]
        return cls(
            int.from_bytes(data[:4], "little"),
            data[4],
            data[5],
            bytes(data[8 : 8 + size]),
            bytes(data[8 + size :]),
        )


@attrs.frozen
class AcceptMarkingCode(Command):
    """0xFF69: keep (1) or drop (0) the code just checked; 2 empties the checked codes."""

    code: ClassVar[int] = 0xFF69
    layout: ClassVar = (_PW, ("decision", "u1"))
    password: int
    decision: int


@attrs.frozen
class BindMarkingCode(Command):
    """0xFF67: bind a checked marking code to the line just registered (after its 0xFF46)."""

    code: ClassVar[int] = 0xFF67
    layout: ClassVar = (_PW, ("marking", "lp1"))
    password: int
    marking: bytes


@attrs.frozen
class FnExpiry(Command):
    """0xFF03: the fiscal storage's validity date (срок действия ФН)."""

    code: ClassVar[int] = 0xFF03
    layout: ClassVar = (_PW,)
    password: int


@attrs.frozen
class FnUnsent(Command):
    """0xFF3F: how many fiscal documents the OFD has not acknowledged yet."""

    code: ClassVar[int] = 0xFF3F
    layout: ClassVar = (_PW,)
    password: int


COMMANDS: Final[dict[int, type[Command]]] = {
    cls.code: cls
    for cls in (
        ShortStatus,
        DeviceType,
        OpenShift,
        OpenReceipt,
        Discount,
        CloseReceipt,
        CancelReceipt,
        XReport,
        ZReport,
        CashIn,
        CashOut,
        ContinuePrint,
        PrintString,
        OpenDrawer,
        FnStatus,
        FnFindDocument,
        FnShiftParams,
        Subtotal,
        FnRequestDocumentTlv,
        FnReadTlv,
        FnExpiry,
        FnUnsent,
        OperationV2,
        CloseReceiptV2,
        SendTlv,
        SendOperationTlv,
        BeginCorrection,
        CorrectionReceipt,
        CheckMarkingCode,
        AcceptMarkingCode,
        BindMarkingCode,
        Sale,
        Buy,
        SaleReturn,
        BuyReturn,
    )
}


def decode_command(payload: bytes) -> Command:
    """A command from a frame payload (the simulator's side)."""
    code, data = split_code(payload)
    cls = COMMANDS.get(code)
    if cls is None:
        raise ProtocolError(
            f"unknown Shtrih-M command 0x{code:02X}",
            protocol="shtrih-m",
            command=code,
            device_code=None,
        )
    return cls.from_data(data)


# --- replies -------------------------------------------------------------------------------


@attrs.frozen
class OperatorReply(Reply):
    """The reply of most commands: the operator's number (1..30)."""

    code: ClassVar[int] = 0
    layout: ClassVar = (("operator", "u1"),)
    operator: int


@attrs.frozen
class EmptyReply(Reply):
    """A reply with no data after the error byte (0xE0 on some models, 0xFF41...)."""

    code: ClassVar[int] = 0
    layout: ClassVar = ()


@attrs.frozen
class ShortStatusReply(Reply):
    """Reply to 0x10. ``mode`` is the full mode byte (low nibble mode, high nibble status)."""

    code: ClassVar[int] = 0x10
    layout: ClassVar = (
        ("operator", "u1"),
        ("flags", "u2"),
        ("mode", "u1"),
        ("submode", "u1"),
        ("operations_low", "u1"),
        ("battery", "u1"),
        ("power", "u1"),
        ("fp_error", "u1"),
        ("eklz_error", "u1"),
        ("operations_high", "u1"),
        ("reserved", "raw3"),
    )
    operator: int
    flags: int
    mode: int
    submode: int
    operations_low: int
    battery: int = 0
    power: int = 0
    fp_error: int = 0
    eklz_error: int = 0
    operations_high: int = 0
    reserved: bytes = b"\x00\x00\x00"

    @property
    def mode_number(self) -> int:
        """The mode proper (2 shift open, 3 shift expired, 4 closed, 8 document open)."""
        return self.mode & 0x0F

    @property
    def operations(self) -> int:
        """Operations in the open receipt."""
        return self.operations_low | (self.operations_high << 8)

    @property
    def paper_near_end(self) -> bool:
        """The receipt roll nears its end (flag bit 1 clear, see :data:`FLAG_RECEIPT_ROLL`)."""
        return not self.flags & FLAG_RECEIPT_ROLL


@attrs.frozen
class DeviceTypeReply(Reply):
    """Reply to 0xFC: device type, protocol version, model number and name."""

    code: ClassVar[int] = 0xFC
    layout: ClassVar = (
        ("device_type", "u1"),
        ("subtype", "u1"),
        ("protocol", "u1"),
        ("subprotocol", "u1"),
        ("model", "u1"),
        ("language", "u1"),
        ("name", "text"),
    )
    device_type: int
    subtype: int
    protocol: int
    subprotocol: int
    model: int
    language: int
    name: str

    def data(self, text_width: int = TEXT_WIDTH) -> bytes:
        """The name is sent at its own length, not padded."""
        head = bytes(
            [
                self.device_type,
                self.subtype,
                self.protocol,
                self.subprotocol,
                self.model,
                self.language,
            ]
        )
        return head + self.name.encode("cp1251", errors="replace")


@attrs.frozen
class CloseReceiptReply(Reply):
    """Reply to 0x85: operator and the change in kopecks."""

    code: ClassVar[int] = 0x85
    layout: ClassVar = (("operator", "u1"), ("change", "u5"))
    operator: int
    change: int


@attrs.frozen
class CashReply(Reply):
    """Reply to 0x50/0x51: operator and the document's running number."""

    code: ClassVar[int] = 0x50
    layout: ClassVar = (("operator", "u1"), ("document", "u2"))
    operator: int
    document: int


@attrs.frozen
class FnStatusReply(Reply):
    """Reply to 0xFF01. ``last_document`` is the number of the last fiscal document."""

    code: ClassVar[int] = 0xFF01
    layout: ClassVar = (
        ("life_state", "u1"),
        ("current_document", "u1"),
        ("document_data", "u1"),
        ("shift_open", "u1"),
        ("warnings", "u1"),
        ("datetime", "raw5"),
        ("fn_number", "raw16"),
        ("last_document", "u4"),
    )
    life_state: int
    current_document: int
    document_data: int
    shift_open: int
    warnings: int
    datetime: bytes
    fn_number: bytes
    last_document: int


@attrs.frozen
class FnDocumentReply(Reply):
    """Reply to 0xFF0A: the document type (3 = receipt), OFD receipt flag and TLV-less data."""

    code: ClassVar[int] = 0xFF0A
    layout: ClassVar = (("document_type", "u1"), ("ofd_ack", "u1"), ("payload", "raw"))
    document_type: int
    ofd_ack: int
    payload: bytes


@attrs.frozen
class FnShiftParamsReply(Reply):
    """Reply to 0xFF40: shift open (1) or closed (0), shift number, next receipt number."""

    code: ClassVar[int] = 0xFF40
    layout: ClassVar = (("shift_open", "u1"), ("shift_number", "u2"), ("receipt_number", "u2"))
    shift_open: int
    shift_number: int
    receipt_number: int


@attrs.frozen
class SubtotalReply(Reply):
    """Reply to 0x89: operator and the receipt's subtotal in kopecks."""

    code: ClassVar[int] = 0x89
    layout: ClassVar = (("operator", "u1"), ("subtotal", "u5"))
    operator: int
    subtotal: int


@attrs.frozen
class FnDocumentTlvReply(Reply):
    """Reply to 0xFF3A: the document's STLV type (3 = receipt) and its TLV length."""

    code: ClassVar[int] = 0xFF3A
    layout: ClassVar = (("document_type", "u2"), ("length", "u2"))
    document_type: int
    length: int


@attrs.frozen
class FnTlvReply(Reply):
    """Reply to 0xFF3B: one block of TLV bytes."""

    code: ClassVar[int] = 0xFF3B
    layout: ClassVar = (("block", "raw"),)
    block: bytes


@attrs.frozen
class CloseReceiptV2Reply(Reply):
    """Reply to 0xFF45: change, fiscal document number and sign (some models add date-time)."""

    code: ClassVar[int] = 0xFF45
    layout: ClassVar = (("change", "u5"), ("document", "u4"), ("fiscal_sign", "u4"))
    change: int
    document: int
    fiscal_sign: int


@attrs.frozen
class CorrectionReply(Reply):
    """Reply to 0xFF36: receipt number, fiscal document number and fiscal sign."""

    code: ClassVar[int] = 0xFF36
    layout: ClassVar = (("receipt", "u2"), ("document", "u4"), ("fiscal_sign", "u4"))
    receipt: int
    document: int
    fiscal_sign: int


@attrs.frozen
class MarkingCheckReply(Reply):
    """Reply to 0xFF61: the fiscal storage's own check, then what the marking system said.

    ``local_status`` and ``local_reason`` are the storage's own check (the two
    vendor drivers name their values differently, so the driver decides by
    tag 2106 only); ``code_type`` is tag 2100; ``extra`` is empty offline, else
    the storage's answer code and tag 2106, then the server's TLVs.
    """

    code: ClassVar[int] = 0xFF61
    layout: ClassVar = (
        ("local_status", "u1"),
        ("local_reason", "u1"),
        ("code_type", "u1"),
        ("extra", "lp1"),
        ("server_tlv", "raw"),
    )
    local_status: int
    local_reason: int
    code_type: int
    extra: bytes
    server_tlv: bytes = b""

    @property
    def check_result(self) -> int | None:
        """Tag 2106 when the marking system answered (``extra`` holds it), else ``None``."""
        return self.extra[1] if len(self.extra) > 1 else None


@attrs.frozen
class AcceptMarkingReply(Reply):
    """Reply to 0xFF69: tag 2106 on models that send it (JavaPOS reads it), else nothing."""

    code: ClassVar[int] = 0xFF69
    layout: ClassVar = (("rest", "raw"),)
    rest: bytes = b""

    @property
    def check_result(self) -> int | None:
        """Tag 2106 if the model sent it."""
        return self.rest[0] if self.rest else None


@attrs.frozen
class BindMarkingReply(Reply):
    """Reply to 0xFF67: the recognised code type (2 bytes, ``44 4D`` GS1 DataMatrix), the
    DataMatrix kind, and the check result when the code was not checked before."""

    code: ClassVar[int] = 0xFF67
    layout: ClassVar = (("code_type", "raw2"), ("datamatrix", "u1"), ("check", "raw"))
    code_type: bytes
    datamatrix: int
    check: bytes = b""


@attrs.frozen
class FnExpiryReply(Reply):
    """Reply to 0xFF03: validity date (YY MM DD), re-registrations left and done."""

    code: ClassVar[int] = 0xFF03
    layout: ClassVar = (("valid_until", "raw3"), ("left", "u1"), ("done", "u1"))
    valid_until: bytes
    left: int
    done: int


@attrs.frozen
class FnUnsentReply(Reply):
    """Reply to 0xFF3F: the number of documents without an OFD receipt."""

    code: ClassVar[int] = 0xFF3F
    layout: ClassVar = (("count", "u2"),)
    count: int


REPLIES: Final[dict[int, type[Reply]]] = {
    0x10: ShortStatusReply,
    0xFC: DeviceTypeReply,
    0x85: CloseReceiptReply,
    0x50: CashReply,
    0x51: CashReply,
    0xFF01: FnStatusReply,
    0xFF0A: FnDocumentReply,
    0xFF40: FnShiftParamsReply,
    0xE0: EmptyReply,
    0x89: SubtotalReply,
    0xFF3A: FnDocumentTlvReply,
    0xFF3B: FnTlvReply,
    0xFF45: CloseReceiptV2Reply,
    0xFF03: FnExpiryReply,
    0xFF3F: FnUnsentReply,
    0xFF36: CorrectionReply,
    0xFF61: MarkingCheckReply,
    0xFF69: AcceptMarkingReply,
    0xFF67: BindMarkingReply,
    0xFF46: EmptyReply,
    0xFF0C: EmptyReply,
    0xFF4D: EmptyReply,
    0xFF35: EmptyReply,
}
"""Reply layouts by command; any other command answers with :class:`OperatorReply`."""


def encode_reply(code: int, error: int = 0, reply: Reply | None = None) -> bytes:
    """A reply payload: code, error byte and, without an error, the reply data."""
    head = _code_bytes(code) + bytes([error])
    if error or reply is None:
        return head
    return head + reply.data()


def decode_reply(payload: bytes) -> tuple[int, int, Reply | None]:
    """``(code, error, reply)``; ``reply`` is ``None`` when ``error`` is not zero."""
    code, rest = split_code(payload)
    if not rest:
        raise ProtocolError(
            f"Shtrih-M reply to 0x{code:02X} has no error byte",
            protocol="shtrih-m",
            command=code,
            device_code=None,
        )
    error, data = rest[0], rest[1:]
    if error:
        return code, error, None
    cls = REPLIES.get(code, OperatorReply)
    return code, 0, cls.from_data(data, code=code)


def receipt_document_data(
    when: Iterable[int], number: int, fiscal_sign: int, operation: int, total: int
) -> bytes:
    """Data of a receipt found by 0xFF0A: date-time (5), FD number, fiscal sign, type, sum."""
    return (
        bytes(when)
        + number.to_bytes(4, "little")
        + fiscal_sign.to_bytes(4, "little")
        + bytes([operation])
        + total.to_bytes(5, "little")
    )


# --- FN data: date-time and TLV --------------------------------------------------------------


def fn_datetime(raw: Iterable[int]) -> str:
    """The FN's 5-byte date-time (YY MM DD hh mm) as ``YYYY-MM-DDTHH:MM``.

    >>> fn_datetime(bytes([26, 11, 23, 12, 5]))
    '2026-11-23T12:05'
    """
    yy, mm, dd, hh, mi = bytes(raw)[:5]
    return f"{2000 + yy:04d}-{mm:02d}-{dd:02d}T{hh:02d}:{mi:02d}"


def encode_tlv(tag: int, value: bytes) -> bytes:
    """One TLV: tag and length as 2 bytes little-endian each, then the value."""
    return tag.to_bytes(2, "little") + len(value).to_bytes(2, "little") + value


def vln(kopecks: int) -> bytes:
    """An FFD VLN money value: little-endian, as few bytes as it needs (at least one)."""
    return kopecks.to_bytes(max(1, (kopecks.bit_length() + 7) // 8), "little")


def decode_tlvs(data: bytes) -> dict[int, bytes]:
    """TLVs of one level (the last value wins for a repeated tag).

    >>> decode_tlvs(encode_tlv(1020, vln(40000)) + encode_tlv(1054, bytes([1])))
    {1020: b'@\\x9c', 1054: b'\\x01'}
    """
    found: dict[int, bytes] = {}
    offset = 0
    while offset < len(data):
        if offset + 4 > len(data):
            raise ProtocolError(
                f"TLV data cut inside a tag header at byte {offset}", protocol="shtrih-m"
            )
        tag = int.from_bytes(data[offset : offset + 2], "little")
        size = int.from_bytes(data[offset + 2 : offset + 4], "little")
        value = data[offset + 4 : offset + 4 + size]
        if len(value) != size:
            raise ProtocolError(f"TLV {tag} cut: {len(value)} of {size} bytes", protocol="shtrih-m")
        found[tag] = bytes(value)
        offset += 4 + size
    return found
