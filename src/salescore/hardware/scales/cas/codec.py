"""CAS "ECR" polling protocol (POS scales: ENQ/ACK, then DC1 for the weight), sans-IO.

The host sends ``ENQ``; the scale answers ``ACK`` (ready) or ``NAK``. The host
then sends ``DC1`` and the scale sends a 15-byte frame::

    SOH STX STA SIGN W W . W W W U1 U2 BCC ETX EOT

``STA`` is ``S`` (stable) or ``U`` (unstable); ``SIGN`` is a space, ``-``, or
``F`` for an overload; the weight is six characters with the decimal point;
the unit is two characters (``kg``). ``BCC`` is an XOR whose range the vendor
documents disagree on (hazard H9): the AP-1 document and r_keeper XOR the
data bytes ``STA`` .. ``U2`` (:attr:`BccRange.DATA`, the default), Ohaus says
every character except STX and ETX (:attr:`BccRange.ALL_BUT_STX_ETX`, which
here means ``SOH`` and the data). Pick the range that matches captured frames
from your scale. (A third public client XORs ``SOH`` .. ``U2`` and ``ETX``;
since ``SOH ^ STX ^ ETX`` is zero, that equals :attr:`BccRange.DATA`.)
Overflow is an ``F`` in the sign (Ohaus) or in the status byte (other
clients); both read as the overload state.

>>> frame = encode_weight_frame(WeightReading(Decimal("1.250"), "kg", True, WeightState.OK))
>>> frame
b'\\x01\\x02S 01.250kgg\\x03\\x04'
>>> decode_weight_frame(frame)
WeightReading(value=Decimal('1.250'), unit='kg', stable=True, state=<WeightState.OK: 'ok'>)
"""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation

from salescore.errors import InvalidInputError, ProtocolError
from salescore.hardware.kinds import WeightReading, WeightState

__all__ = [
    "ACK",
    "DC1",
    "ENQ",
    "FRAME_SIZE",
    "NAK",
    "BccRange",
    "bcc",
    "decode_weight_frame",
    "encode_weight_frame",
]

SOH, STX, ETX, EOT, ENQ, ACK, NAK, DC1 = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x15, 0x11
FRAME_SIZE = 15


class BccRange(enum.Enum):
    """Which bytes the block check character covers."""

    DATA = "data"
    ALL_BUT_STX_ETX = "all_but_stx_etx"


def bcc(frame_head: bytes, bcc_range: BccRange = BccRange.DATA) -> int:
    """The XOR check of a frame's first 12 bytes (``SOH`` .. ``U2``)."""
    covered = frame_head[2:12] if bcc_range is BccRange.DATA else frame_head[0:1] + frame_head[2:12]
    value = 0
    for byte in covered:
        value ^= byte
    return value


def encode_weight_frame(reading: WeightReading, bcc_range: BccRange = BccRange.DATA) -> bytes:
    """The scale's answer to ``DC1`` for ``reading`` (used by the simulator)."""
    if reading.state is WeightState.OVERLOAD:
        sign, digits = b"F", b"--.---"
    else:
        if reading.state is WeightState.UNDERLOAD:
            raise InvalidInputError(
                "the CAS ECR protocol has no underload state; send a negative weight"
            )
        sign = b"-" if reading.value < 0 else b" "
        digits = f"{abs(reading.value):06.3f}".encode("ascii")
        if len(digits) != 6:
            raise InvalidInputError(f"weight {reading.value} does not fit the 6-character field")
    unit = reading.unit.encode("ascii")
    if len(unit) != 2:
        raise InvalidInputError(f"CAS unit must be two characters, got {reading.unit!r}")
    head = bytes([SOH, STX]) + (b"S" if reading.stable else b"U") + sign + digits + unit
    return head + bytes([bcc(head, bcc_range), ETX, EOT])


def decode_weight_frame(frame: bytes, bcc_range: BccRange = BccRange.DATA) -> WeightReading:
    """Check and read the 15-byte weight frame.

    Raises:
        ProtocolError: wrong framing, check character, status or digits.
    """
    if (
        len(frame) != FRAME_SIZE
        or frame[0] != SOH
        or frame[1] != STX
        or frame[13:] != bytes([ETX, EOT])
    ):
        raise ProtocolError(f"CAS scale: malformed weight frame {frame!r}", data=frame)
    expected = bcc(frame, bcc_range)
    if frame[12] != expected:
        raise ProtocolError(
            f"CAS scale: check character {frame[12]:#04x} should be {expected:#04x} "
            f"(range {bcc_range.value}); line noise or a different BCC range",
            data=frame,
        )
    status, sign, digits, unit = chr(frame[2]), chr(frame[3]), frame[4:10], frame[10:12]
    if status not in "SUF":
        raise ProtocolError(f"CAS scale: unknown status {status!r}", data=frame)
    unit_text = unit.decode("ascii", errors="replace").strip()
    if sign == "F" or status == "F":  # overflow is flagged in the sign (Ohaus) or the status
        return WeightReading(Decimal(0), unit_text, stable=False, state=WeightState.OVERLOAD)
    if sign not in " -":
        raise ProtocolError(f"CAS scale: unknown sign {sign!r}", data=frame)
    try:
        text = digits.decode("ascii")
        value = Decimal(text)
    except (UnicodeDecodeError, InvalidOperation) as exc:
        raise ProtocolError(
            f"CAS scale: weight field {digits!r} is not a number", data=frame
        ) from exc
    if not text.replace(".", "").isdigit() or text.count(".") != 1:
        raise ProtocolError(f"CAS scale: weight field {digits!r} is not a number", data=frame)
    return WeightReading(
        -value if sign == "-" else value, unit_text, stable=status == "S", state=WeightState.OK
    )
