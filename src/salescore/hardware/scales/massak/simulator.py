"""A simulated Massa-K Protocol 100 scale.

>>> from decimal import Decimal
>>> from salescore.hardware import pipe_pair
>>> from salescore.hardware.scales.massak import MassaKScale
>>> host, device = pipe_pair()
>>> with make_simulator(device) as scale_sim:
...     scale_sim.weight = 2035        # divisions of 1 g
...     MassaKScale(host, timeout=0.5).read_weight().value
Decimal('2.035')
"""

from __future__ import annotations

from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.scales.massak.codec import (
    CMD_ACK_SET,
    CMD_ACK_SET_TARE,
    CMD_ERROR,
    CMD_GET_MASSA,
    CMD_NACK,
    CMD_NACK_TARE,
    CMD_SET_TARE,
    CMD_SET_ZERO,
    ERROR_OVERLOAD,
    HEADER,
    MassaKWeight,
    crc16,
    encode_frame,
    encode_weight,
)
from salescore.hardware.transport import Transport

__all__ = ["MassaKSimulator", "make_simulator"]


class MassaKSimulator(DeviceSimulator):
    """A Massa-K scale: weight in divisions, division code, stability, tare, overload."""

    def __init__(self, transport: Transport, *, division: int = 1) -> None:
        super().__init__(transport)
        self.division = division
        self.weight = 0  # gross load in divisions
        self.tare_weight = 0
        self.zero_offset = 0
        self.stable = True
        self.overload = False
        self._buffer = bytearray()

    def corrupt_checksum(self, reply: bytes) -> bytes:
        """The CRC's low byte damaged."""
        return reply[:-2] + bytes([reply[-2] ^ 0xFF]) + reply[-1:]

    def handle(self, data: bytes) -> list[bytes]:
        """Collect frames; answer each valid one, ignore noise until the next header."""
        self._buffer += data
        replies: list[bytes] = []
        while True:
            start = self._buffer.find(HEADER)
            if start < 0:
                del self._buffer[:-2]
                return replies
            del self._buffer[:start]
            if len(self._buffer) < 5:
                return replies
            length = int.from_bytes(self._buffer[3:5], "little")
            if len(self._buffer) < 7 + length:
                return replies
            body = bytes(self._buffer[5 : 5 + length])
            crc = int.from_bytes(self._buffer[5 + length : 7 + length], "little")
            del self._buffer[: 7 + length]
            self.requests += 1
            if crc16(body) != crc or not body:
                replies.append(encode_frame(CMD_NACK))
                continue
            replies.append(self.answer(body[0], body[1:]))

    def answer(self, command: int, data: bytes) -> bytes:
        """The reply frame to one command."""
        net = self.weight - self.zero_offset - self.tare_weight
        if command == CMD_GET_MASSA:
            if self.overload:
                return encode_frame(CMD_ERROR, bytes([ERROR_OVERLOAD]))
            return encode_weight(
                MassaKWeight(
                    net,
                    self.division,
                    self.stable,
                    self.tare_weight != 0,
                    net == 0,
                    self.tare_weight,
                )
            )
        if command == CMD_SET_ZERO:
            if not self.stable or self.overload:
                return encode_frame(CMD_ERROR, bytes([0x15]))
            self.zero_offset, self.tare_weight = self.weight, 0
            return encode_frame(CMD_ACK_SET)
        if command == CMD_SET_TARE and len(data) == 4:
            if not self.stable or self.overload:
                return encode_frame(CMD_NACK_TARE)
            self.tare_weight += int.from_bytes(data, "little", signed=True)
            return encode_frame(CMD_ACK_SET_TARE)
        return encode_frame(CMD_ERROR, bytes([0x07]))


def make_simulator(transport: Transport) -> MassaKSimulator:
    """A Massa-K Protocol 100 scale simulator (1 g divisions) on ``transport``."""
    return MassaKSimulator(transport)
