"""Massa-K "Protocol 100": binary frames with a CRC-16, sans-IO.

A frame is ``F8 55 CE``, the body length (2 bytes, little-endian), the body
(command byte and data) and a CRC-16 of the body (2 bytes, little-endian).

The CRC is the vendor document's algorithm: polynomial 0x1021, initial value
0, and each data byte mixed in *after* the eight shift steps. Public clients
disagree (hazard H9), so it was derived from published wire frames, each of
which is a unit test; it is neither CRC-16/XMODEM nor CCITT-FALSE.

>>> crc16(b"\\x23").to_bytes(2, "little").hex(" ")
'23 00'
>>> encode_frame(CMD_GET_MASSA).hex(" ")
'f8 55 ce 01 00 23 23 00'
>>> frame = encode_weight(MassaKWeight(weight=1250, division=1, stable=True))
>>> decode_weight(decode_frame(frame))
WeightReading(value=Decimal('1.250'), unit='kg', stable=True, state=<WeightState.OK: 'ok'>)
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from salescore.errors import DeviceError, InvalidInputError, ProtocolError
from salescore.hardware.kinds import WeightReading, WeightState

__all__ = [
    "CMD_ACK_MASSA",
    "CMD_ACK_SET",
    "CMD_ACK_SET_TARE",
    "CMD_ERROR",
    "CMD_GET_MASSA",
    "CMD_NACK",
    "CMD_NACK_TARE",
    "CMD_SET_TARE",
    "CMD_SET_ZERO",
    "ERROR_OVERLOAD",
    "HEADER",
    "Frame",
    "MassaKWeight",
    "crc16",
    "decode_frame",
    "decode_weight",
    "encode_frame",
    "encode_weight",
    "error_message",
    "parse_weight",
]

HEADER = b"\xf8\x55\xce"
CMD_GET_MASSA = 0x23
CMD_ACK_MASSA = 0x24
CMD_SET_ZERO = 0x72
CMD_ACK_SET = 0x27
CMD_SET_TARE = 0xA3
CMD_ACK_SET_TARE = 0x12
CMD_NACK_TARE = 0x15
CMD_ERROR = 0x28
CMD_NACK = 0xF0
ERROR_OVERLOAD = 0x08
MAX_BODY = 1024

#: Error codes of ``CMD_ERROR`` (vendor document, as transcribed by public clients).
_ERRORS = {
    0x07: "command not supported",
    0x08: "load exceeds the maximum capacity",
    0x09: "the scale is not in weighing mode",
    0x0A: "input data error",
    0x0B: "data save error",
    0x15: "zero cannot be set",
    0x17: "no connection with the weighing module",
    0x18: "load on the platform at power-on",
    0x19: "the scale is faulty",
    0x28: "command execution error",
    0xF0: "unknown error",
}

#: Division code -> the decimal exponent of one division in kilograms (0 = 0.1 g).
_DIVISION_EXPONENT = {0: -4, 1: -3, 2: -2, 3: -1, 4: 0}


def crc16(body: bytes) -> int:
    """The Protocol 100 CRC of a frame body (command and data)."""
    crc = 0
    for byte in body:
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        crc ^= byte
    return crc


@attrs.frozen
class Frame:
    """A checked frame: its command byte and data."""

    command: int
    data: bytes = b""


def encode_frame(command: int, data: bytes = b"") -> bytes:
    """A complete frame for ``command`` with ``data``."""
    body = bytes([command]) + data
    if len(body) > MAX_BODY:
        raise InvalidInputError(f"Massa-K frame body of {len(body)} bytes is too long")
    return HEADER + len(body).to_bytes(2, "little") + body + crc16(body).to_bytes(2, "little")


def decode_frame(frame: bytes) -> Frame:
    """Check header, length and CRC of one whole frame.

    Raises:
        ProtocolError: wrong header, length or CRC.
    """
    if frame[:3] != HEADER:
        raise ProtocolError(
            f"Massa-K frame does not start with F8 55 CE: {frame[:8].hex(' ')}", data=frame
        )
    if len(frame) < 8:
        raise ProtocolError(f"Massa-K frame too short ({len(frame)} bytes)", data=frame)
    length = int.from_bytes(frame[3:5], "little")
    if length < 1 or len(frame) != 5 + length + 2:
        raise ProtocolError(
            f"Massa-K frame length field says {length} body bytes, frame has {len(frame) - 7}",
            data=frame,
        )
    body, crc = frame[5:-2], int.from_bytes(frame[-2:], "little")
    if crc16(body) != crc:
        raise ProtocolError(
            f"Massa-K frame CRC {crc:04X} does not match {crc16(body):04X}; line noise — retry",
            data=frame,
        )
    return Frame(body[0], body[1:])


def error_message(code: int) -> str:
    """The meaning of a ``CMD_ERROR`` code."""
    return _ERRORS.get(code, f"error code {code:#04x}")


@attrs.frozen
class MassaKWeight:
    """The data of ``CMD_ACK_MASSA``: weight in divisions and the flags."""

    weight: int
    division: int
    stable: bool
    net: bool = False
    zero: bool = False
    tare: int | None = None

    def kilograms(self) -> Decimal:
        """The weight in kilograms, exactly."""
        exponent = _DIVISION_EXPONENT.get(self.division)
        if exponent is None:
            raise ProtocolError(
                f"Massa-K division code {self.division} is unknown (expected 0..4)",
                division=self.division,
            )
        return Decimal(self.weight).scaleb(exponent)


def encode_weight(weight: MassaKWeight) -> bytes:
    """A ``CMD_ACK_MASSA`` frame (9 body bytes, or 13 with the tare)."""
    data = weight.weight.to_bytes(4, "little", signed=True) + bytes(
        [weight.division, int(weight.stable), int(weight.net), int(weight.zero)]
    )
    if weight.tare is not None:
        data += weight.tare.to_bytes(4, "little", signed=True)
    return encode_frame(CMD_ACK_MASSA, data)


def parse_weight(frame: Frame) -> MassaKWeight:
    """The fields of a ``CMD_ACK_MASSA`` frame."""
    if frame.command != CMD_ACK_MASSA or len(frame.data) not in (8, 12):
        raise ProtocolError(
            f"Massa-K: expected CMD_ACK_MASSA with 8 or 12 data bytes, got command "
            f"{frame.command:#04x} with {len(frame.data)}",
            frame=frame,
        )
    data = frame.data
    return MassaKWeight(
        weight=int.from_bytes(data[0:4], "little", signed=True),
        division=data[4],
        stable=data[5] != 0,
        net=data[6] != 0,
        zero=data[7] != 0,
        tare=int.from_bytes(data[8:12], "little", signed=True) if len(data) == 12 else None,
    )


def decode_weight(frame: Frame) -> WeightReading:
    """A weight reading from the answer to ``CMD_GET_MASSA``.

    ``CMD_ERROR`` with the overload code is an :attr:`WeightState.OVERLOAD`
    reading; any other error is a :class:`DeviceError` naming it.
    """
    if frame.command == CMD_ERROR:
        code = frame.data[0] if frame.data else 0xF0
        if code == ERROR_OVERLOAD:
            return WeightReading(Decimal(0), "kg", stable=False, state=WeightState.OVERLOAD)
        raise DeviceError(f"Massa-K scale: {error_message(code)}", code=code)
    weight = parse_weight(frame)
    return WeightReading(weight.kilograms(), "kg", stable=weight.stable, state=WeightState.OK)
