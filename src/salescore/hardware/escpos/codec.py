"""ESC/POS, the command language of receipt printers: encoder, status and tokeniser.

Everything here is sans-IO: functions build command bytes, :func:`decode_status`
reads the one-byte ``DLE EOT`` answers and :class:`EscPosParser` splits any
ESC/POS stream (ours or another library's) into commands and text.

Text goes out in the printer's single-byte code page. Which number selects
which code page differs between models (hazard H6), so it is part of a
:class:`PrinterProfile`; on Epson-compatible printers PC866 (Cyrillic) is
code page 17. A character the code page lacks is transliterated (``«»`` to
``"``, ``€`` to ``EUR``, a dash to ``-``; see :mod:`.text`) or, with no
spelling the page can print, becomes a visible replacement, never nothing:

>>> encode_text("Хлеб №1 — 45,50 ☺", EPSON_PC866)
b'\\x95\\xab\\xa5\\xa1 \\xfc1 - 45,50 ?'
>>> select_code_page(EPSON_PC866.code_page.number)
b'\\x1bt\\x11'
>>> [t.name for t in parse(initialize() + b"Hi\\n" + cut())]
['ESC @', 'text', 'LF', 'ESC d', 'GS V']
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

import attrs

from salescore.errors import InvalidInputError, ProtocolError
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.text import printable

__all__ = [
    "ASCII_ONLY",
    "EPSON_PC866",
    "EPSON_WPC1251",
    "RASTER_58MM_PC866",
    "Alignment",
    "CodePage",
    "EscPosParser",
    "EscPosStatus",
    "PaperLevel",
    "PrinterFault",
    "PrinterProfile",
    "StatusRequest",
    "Token",
    "align",
    "bold",
    "cut",
    "decode_error_cause",
    "decode_gs_r_paper",
    "decode_paper_sensor",
    "decode_status",
    "encode_full_status",
    "encode_status",
    "encode_text",
    "feed",
    "initialize",
    "paper_sensor_request",
    "parse",
    "pulse_drawer",
    "select_code_page",
    "status_request",
]

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
_CONTROLS = {0x0A: "LF", 0x0D: "CR", 0x09: "HT", 0x0C: "FF", 0x07: "BEL", 0x18: "CAN"}


# --- profiles and text ---------------------------------------------------------------


@attrs.frozen
class CodePage:
    """A printer character table: the number that selects it and Python's codec for it."""

    number: int
    codec: str
    name: str


@attrs.frozen
class PrinterProfile:
    """What differs between printer models: the code page, the width, the drawer sense.

    Attributes:
        drawer_open_when_high: Epson reports the drawer-kick connector level,
            not "open"; whether *high* means open depends on the drawer.
    """

    name: str
    code_page: CodePage
    columns: int = 48
    replacement: str = "?"
    drawer_open_when_high: bool = True
    dots: int = 576
    """Printable width in dots (576 on 80 mm paper, 384 on 58 mm, at 203 dpi)."""
    native_qr: bool = True
    """The printer draws QR codes itself (``GS ( k``); otherwise they go as images."""
    max_item_lines: int = 4
    """Lines an item's name may wrap to before it is refused as too long."""


PC866 = CodePage(17, "cp866", "PC866 (Cyrillic #2)")
WPC1251 = CodePage(46, "cp1251", "WPC1251 (Cyrillic)")
PC437 = CodePage(0, "cp437", "PC437 (USA)")

EPSON_PC866 = PrinterProfile("epson-pc866", PC866)
EPSON_WPC1251 = PrinterProfile("epson-wpc1251", WPC1251)
ASCII_ONLY = PrinterProfile("ascii-only", PC437)
#: A 58 mm printer (32 columns, 384 dots) that cannot draw QR codes itself.
RASTER_58MM_PC866 = PrinterProfile(
    "raster-58mm-pc866", PC866, columns=32, dots=384, native_qr=False
)

#: Code pages the tokeniser's text decoding knows by number (Epson numbering).
KNOWN_CODE_PAGES = {cp.number: cp for cp in (PC437, PC866, WPC1251)}


def encode_text(text: str, profile: PrinterProfile) -> bytes:
    """Text in the profile's code page, transliterated where the page lacks a character.

    What has no spelling in the page becomes the profile's replacement.
    Control characters are replaced too, so that a product name can never
    smuggle a printer command into the stream.
    """
    codec = profile.code_page.codec
    return printable(text, codec, profile.replacement).encode(codec)


# --- commands -----------------------------------------------------------------------------


class Alignment(enum.IntEnum):
    """Justification selected by ``ESC a n``."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


def _byte(value: int, what: str) -> int:
    if not 0 <= value <= 255:
        raise InvalidInputError(f"ESC/POS {what} must be 0..255, got {value}", value=value)
    return value


def initialize() -> bytes:
    """``ESC @``: clear the buffer and reset modes."""
    return bytes([ESC, 0x40])


def select_code_page(number: int) -> bytes:
    """``ESC t n``: select character table ``n``."""
    return bytes([ESC, 0x74, _byte(number, "code page")])


def align(alignment: Alignment) -> bytes:
    """``ESC a n``."""
    return bytes([ESC, 0x61, int(alignment)])


def bold(on: bool) -> bytes:
    """``ESC E n``."""
    return bytes([ESC, 0x45, int(on)])


def feed(lines: int) -> bytes:
    """``ESC d n``: print the buffer and feed ``n`` lines."""
    return bytes([ESC, 0x64, _byte(lines, "feed")])


def cut(partial: bool = False, feed_lines: int = 6) -> bytes:
    """Feed past the cutter, then ``GS V m`` (0 full, 1 partial)."""
    return feed(feed_lines) + bytes([GS, 0x56, 1 if partial else 0])


def pulse_drawer(pin: int = 2, on_ms: int = 100, off_ms: int = 100) -> bytes:
    """``ESC p m t1 t2``: pulse the drawer kick connector (pin 2 or 5), times in 2 ms units."""
    if pin not in (2, 5):
        raise InvalidInputError(f"cash drawer pin must be 2 or 5, got {pin}", pin=pin)
    return bytes(
        [
            ESC,
            0x70,
            0 if pin == 2 else 1,
            _byte(on_ms // 2, "on time"),
            _byte(off_ms // 2, "off time"),
        ]
    )


class StatusRequest(enum.IntEnum):
    """The ``n`` of ``DLE EOT n`` (real-time status)."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4


def status_request(which: StatusRequest) -> bytes:
    """``DLE EOT n``: the printer answers one byte at once, even when offline."""
    return bytes([DLE, 0x04, int(which)])


# --- status ----------------------------------------------------------------------------------

_FIXED_MASK, _FIXED_VALUE = 0b1001_0011, 0b0001_0010  # bits 1 and 4 set, 0 and 7 clear


def _check_status_byte(value: int, which: StatusRequest) -> None:
    if value & _FIXED_MASK != _FIXED_VALUE:
        raise ProtocolError(
            f"receipt printer: status byte {value:#04x} for DLE EOT {int(which)} "
            "is not a status answer (fixed bits wrong); the line is noisy or the "
            "device is not an ESC/POS printer",
            value=value,
        )


def decode_status(printer: int, offline: int, paper: int, profile: PrinterProfile) -> PrinterStatus:
    """Turn the answers to ``DLE EOT 1``, ``2`` and ``4`` into a :class:`PrinterStatus`.

    >>> decode_status(0x12, 0x12, 0x12, EPSON_PC866)
    PrinterStatus(paper_out=False, cover_open=False, drawer_open=False, online=True)
    >>> decode_status(0x1A, 0x32, 0x7E, EPSON_PC866).paper_out
    True
    """
    for value, which in (
        (printer, StatusRequest.PRINTER),
        (offline, StatusRequest.OFFLINE_CAUSE),
        (paper, StatusRequest.PAPER),
    ):
        _check_status_byte(value, which)
    drawer_high = bool(printer & 0x04)
    return PrinterStatus(
        paper_out=bool(offline & 0x20) or bool(paper & 0x60),
        cover_open=bool(offline & 0x04),
        drawer_open=drawer_high == profile.drawer_open_when_high,
        online=not printer & 0x08,
    )


class PaperLevel(enum.Enum):
    """What the roll paper sensors say."""

    OK = "ok"
    NEAR_END = "near_end"
    """Paper is running low: printing goes on, but change the roll soon."""
    OUT = "out"


class PrinterFault(enum.Enum):
    """An error the printer reports in answer to ``DLE EOT 3`` (error cause)."""

    RECOVERABLE = "recoverable"
    """A mechanical error (paper jam, head); clear it and the printer goes on."""
    CUTTER = "cutter"
    """The autocutter is jammed or cannot return: clear the paper and go on."""
    UNRECOVERABLE = "unrecoverable"
    """A hardware failure: the printer needs service."""
    AUTO_RECOVERABLE = "auto_recoverable"
    """The head is too hot (or similar); printing resumes by itself."""


_FAULT_BITS = {
    PrinterFault.RECOVERABLE: 0x04,
    PrinterFault.CUTTER: 0x08,
    PrinterFault.UNRECOVERABLE: 0x20,
    PrinterFault.AUTO_RECOVERABLE: 0x40,
}


@attrs.frozen
class EscPosStatus:
    """Everything a printer's real-time status tells: the common
    :class:`~salescore.hardware.kinds.PrinterStatus`, the paper level and the faults."""

    printer: PrinterStatus
    paper: PaperLevel = PaperLevel.OK
    faults: frozenset[PrinterFault] = frozenset()

    @property
    def ready(self) -> bool:
        """Whether a receipt can be printed now (near end still prints)."""
        return (
            self.printer.online
            and not self.printer.paper_out
            and not self.printer.cover_open
            and not self.faults
        )


def decode_error_cause(value: int) -> frozenset[PrinterFault]:
    """The faults in the answer to ``DLE EOT 3``.

    >>> sorted(f.value for f in decode_error_cause(0x1A))
    ['cutter']
    """
    _check_status_byte(value, StatusRequest.ERROR_CAUSE)
    return frozenset(fault for fault, bit in _FAULT_BITS.items() if value & bit)


def decode_paper_sensor(value: int) -> PaperLevel:
    """The paper level in the answer to ``DLE EOT 4`` (near end: bits 2-3, out: bits 5-6).

    >>> decode_paper_sensor(0x1E), decode_paper_sensor(0x7E)
    (<PaperLevel.NEAR_END: 'near_end'>, <PaperLevel.OUT: 'out'>)
    """
    _check_status_byte(value, StatusRequest.PAPER)
    if value & 0x60:
        return PaperLevel.OUT
    return PaperLevel.NEAR_END if value & 0x0C else PaperLevel.OK


def paper_sensor_request() -> bytes:
    """``GS r 1``: the paper sensor status, for printers that answer ``GS r`` (not real time)."""
    return bytes([GS, 0x72, 1])


def decode_gs_r_paper(value: int) -> PaperLevel:
    """The paper level in the answer to ``GS r 1`` (near end: bits 0-1, out: bits 2-3).

    >>> decode_gs_r_paper(0x00), decode_gs_r_paper(0x03), decode_gs_r_paper(0x0F)
    (<PaperLevel.OK: 'ok'>, <PaperLevel.NEAR_END: 'near_end'>, <PaperLevel.OUT: 'out'>)
    """
    if value & 0x90:
        raise ProtocolError(
            f"receipt printer: byte {value:#04x} is not an answer to GS r 1 (bits 4 and 7 "
            "must be clear); the line is noisy or the printer does not support GS r",
            value=value,
        )
    if value & 0x0C:
        return PaperLevel.OUT
    return PaperLevel.NEAR_END if value & 0x03 else PaperLevel.OK


def encode_full_status(status: EscPosStatus, profile: PrinterProfile) -> dict[int, int]:
    """The answer byte to each ``DLE EOT n`` (1-4) of a printer in ``status`` (for simulators)."""
    printer, offline, paper = encode_status(status.printer, profile)
    error = _FIXED_VALUE
    for fault in status.faults:
        error |= _FAULT_BITS[fault]
    if status.faults:
        printer |= 0x08
        offline |= 0x40
    if status.paper is PaperLevel.NEAR_END:
        paper |= 0x0C
    return {1: printer, 2: offline, 3: error, 4: paper}


def encode_status(status: PrinterStatus, profile: PrinterProfile) -> tuple[int, int, int]:
    """The three status bytes a printer in ``status`` sends (used by the simulator)."""
    drawer_high = status.drawer_open == profile.drawer_open_when_high
    printer = _FIXED_VALUE | (0x04 if drawer_high else 0) | (0 if status.online else 0x08)
    offline = _FIXED_VALUE | (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0)
    paper = _FIXED_VALUE | (0x6C if status.paper_out else 0)
    return printer, offline, paper


# --- tokeniser ---------------------------------------------------------------------------------


@attrs.frozen
class Token:
    """One element of an ESC/POS stream: a command with its parameters, or text."""

    name: str
    params: bytes
    offset: int


# An argument rule returns the parameter length given the bytes after the
# command (or None when more bytes are needed to know).
_Rule = Callable[[bytes], int | None]


def _fixed(n: int) -> _Rule:
    return lambda rest: n


def _nul_terminated(rest: bytes) -> int | None:
    end = rest.find(b"\x00")
    return None if end < 0 else end + 1


def _gs_v_cut(rest: bytes) -> int | None:
    if not rest:
        return None
    return 2 if rest[0] in (65, 66, 97, 98, 103, 104) else 1


def _gs_k_barcode(rest: bytes) -> int | None:
    if not rest:
        return None
    if rest[0] <= 6:
        end = rest.find(b"\x00", 1)
        return None if end < 0 else end + 1
    return None if len(rest) < 2 else 2 + rest[1]


def _gs_paren(rest: bytes) -> int | None:
    if len(rest) < 3:
        return None
    return 3 + rest[1] + 256 * rest[2]


def _gs_v_raster(rest: bytes) -> int | None:
    if len(rest) < 6:
        return None
    width, height = rest[2] + 256 * rest[3], rest[4] + 256 * rest[5]
    return 6 + width * height


def _esc_star_image(rest: bytes) -> int | None:
    if len(rest) < 3:
        return None
    columns = rest[1] + 256 * rest[2]
    return 3 + columns * (1 if rest[0] in (0, 1) else 3)


def _dle_dc4(rest: bytes) -> int | None:
    return 3


def _gs_8_large(rest: bytes) -> int | None:
    """``GS 8 L p1 p2 p3 p4 …``: graphics data with a 4-byte length (large images)."""
    if not rest:
        return None
    if rest[0] != 0x4C:
        return _UNKNOWN
    if len(rest) < 5:
        return None
    return 5 + int.from_bytes(rest[1:5], "little")


_UNKNOWN = -1
"""What an argument rule returns when the bytes after the command name no known form."""


_COMMANDS: dict[int, dict[int, _Rule]] = {
    ESC: {
        0x40: _fixed(0),
        0x61: _fixed(1),
        0x45: _fixed(1),
        0x21: _fixed(1),
        0x74: _fixed(1),
        0x64: _fixed(1),
        0x70: _fixed(3),
        0x2D: _fixed(1),
        0x4D: _fixed(1),
        0x32: _fixed(0),
        0x33: _fixed(1),
        0x4A: _fixed(1),
        0x47: _fixed(1),
        0x56: _fixed(1),
        0x7B: _fixed(1),
        0x42: _fixed(2),
        0x3D: _fixed(1),
        0x52: _fixed(1),
        0x20: _fixed(1),
        0x24: _fixed(2),
        0x5C: _fixed(2),
        0x63: _fixed(2),
        0x44: _nul_terminated,
        0x2A: _esc_star_image,
        0x72: _fixed(1),
        0x55: _fixed(1),
        0x65: _fixed(1),
        0x2B: _fixed(1),
        0x41: _fixed(1),
        0x69: _fixed(0),  # ESC i: full cut (legacy)
        0x6D: _fixed(0),  # ESC m: partial cut (legacy)
    },
    GS: {
        0x21: _fixed(1),
        0x56: _gs_v_cut,
        0x68: _fixed(1),
        0x77: _fixed(1),
        0x48: _fixed(1),
        0x66: _fixed(1),
        0x6B: _gs_k_barcode,
        0x28: _gs_paren,
        0x76: _gs_v_raster,
        0x42: _fixed(1),
        0x4C: _fixed(2),
        0x57: _fixed(2),
        0x72: _fixed(1),
        0x61: _fixed(1),
        0x49: _fixed(1),
        0x62: _fixed(1),
        0x50: _fixed(2),
        0x2F: _fixed(1),
        0x38: _gs_8_large,
    },
    DLE: {0x04: _fixed(1), 0x05: _fixed(1), 0x14: _dle_dc4},
    FS: {0x2E: _fixed(0), 0x26: _fixed(0), 0x43: _fixed(1), 0x70: _fixed(2), 0x21: _fixed(1)},
}
_PREFIX_NAMES = {ESC: "ESC", GS: "GS", DLE: "DLE", FS: "FS"}
_SECOND_NAMES = {0x04: "EOT", 0x05: "ENQ", 0x14: "DC4", 0x20: "SP"}


def _command_name(prefix: int, second: int) -> str:
    label = _SECOND_NAMES.get(second) or (
        chr(second) if 0x21 <= second < 0x7F else f"{second:#04x}"
    )
    return f"{_PREFIX_NAMES[prefix]} {label}"


class EscPosParser:
    """An incremental ESC/POS tokeniser: feed chunks, get complete tokens.

    Printable bytes (0x20 and above, including a code page's upper half) form
    ``text`` tokens. An unknown command is a :class:`~salescore.errors.ProtocolError`
    naming its offset, so a stream we cannot follow is never half-understood.
    """

    def __init__(self) -> None:
        self._pending = bytearray()
        self._offset = 0

    def feed(self, data: bytes) -> list[Token]:
        """Add ``data``; return every token that is now complete."""
        self._pending += data
        tokens: list[Token] = []
        buf = bytes(self._pending)
        pos = 0
        while pos < len(buf):
            byte = buf[pos]
            if byte >= 0x20 and byte != 0x7F:
                end = pos
                while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
                    end += 1
                tokens.append(Token("text", buf[pos:end], self._offset + pos))
                pos = end
                continue
            if byte in _CONTROLS:
                tokens.append(Token(_CONTROLS[byte], b"", self._offset + pos))
                pos += 1
                continue
            table = _COMMANDS.get(byte)
            if table is None:
                raise ProtocolError(
                    f"ESC/POS stream: unexpected control byte {byte:#04x} at offset "
                    f"{self._offset + pos}",
                    offset=self._offset + pos,
                )
            if pos + 1 >= len(buf):
                break
            rule = table.get(buf[pos + 1])
            if rule is None:
                raise ProtocolError(
                    f"ESC/POS stream: unknown command {_command_name(byte, buf[pos + 1])} "
                    f"at offset {self._offset + pos}",
                    offset=self._offset + pos,
                )
            size = rule(buf[pos + 2 :])
            if size == _UNKNOWN:
                raise ProtocolError(
                    f"ESC/POS stream: unknown form of {_command_name(byte, buf[pos + 1])} "
                    f"at offset {self._offset + pos}",
                    offset=self._offset + pos,
                )
            if size is None or pos + 2 + size > len(buf):
                break
            tokens.append(
                Token(
                    _command_name(byte, buf[pos + 1]),
                    buf[pos + 2 : pos + 2 + size],
                    self._offset + pos,
                )
            )
            pos += 2 + size
        del self._pending[:pos]
        self._offset += pos
        return tokens

    @property
    def incomplete(self) -> bytes:
        """Bytes of a command still waiting for the rest of its parameters."""
        return bytes(self._pending)

    def close(self) -> None:
        """End of stream: a half command is a :class:`~salescore.errors.ProtocolError`."""
        if self._pending:
            raise ProtocolError(
                f"ESC/POS stream ends inside a command at offset {self._offset}: "
                f"{bytes(self._pending[:16])!r}",
                offset=self._offset,
            )


def parse(data: bytes) -> list[Token]:
    """Tokenise a whole stream (see :class:`EscPosParser`), merging adjacent text."""
    parser = EscPosParser()
    tokens = parser.feed(data)
    parser.close()
    return list(_merge_text(tokens))


def _merge_text(tokens: Iterable[Token]) -> Iterable[Token]:
    pending: Token | None = None
    for token in tokens:
        if token.name == "text" and pending is not None:
            pending = Token("text", pending.params + token.params, pending.offset)
            continue
        if pending is not None:
            yield pending
            pending = None
        if token.name == "text":
            pending = token
        else:
            yield token
    if pending is not None:
        yield pending
