"""The Massa-K Protocol 100 scale driver (RS-232, USB-CDC or TCP)."""

from __future__ import annotations

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware._peripheral_link import Link
from salescore.hardware.kinds import WeightReading
from salescore.hardware.scales.massak.codec import (
    CMD_ACK_SET,
    CMD_ACK_SET_TARE,
    CMD_ERROR,
    CMD_GET_MASSA,
    CMD_SET_TARE,
    CMD_SET_ZERO,
    HEADER,
    MAX_BODY,
    Frame,
    decode_frame,
    decode_weight,
    encode_frame,
    error_message,
    parse_weight,
)
from salescore.hardware.transport import Transport

__all__ = ["MassaKScale"]


class MassaKScale:
    """A Massa-K scale speaking Protocol 100. Satisfies the ``Scale`` protocol.

    Args:
        transport: the link to the scale.
        timeout: seconds to wait for each reply frame.
    """

    def __init__(self, transport: Transport, *, timeout: float = 1.0) -> None:
        self._link = Link(transport, timeout, "Massa-K scale")

    def _exchange(self, command: int, data: bytes = b"") -> Frame:
        self._link.send(encode_frame(command, data))
        head = self._link.read_exactly(5)
        if head[:3] != HEADER:
            self._link.desynchronise()
            raise ProtocolError(
                f"Massa-K scale: reply does not start with F8 55 CE ({head.hex(' ')}); "
                "line noise or another protocol — retry",
                data=head,
            )
        length = int.from_bytes(head[3:5], "little")
        if not 1 <= length <= MAX_BODY:
            self._link.desynchronise()
            raise ProtocolError(f"Massa-K scale: implausible reply length {length}", data=head)
        return decode_frame(head + self._link.read_exactly(length + 2))

    def read_weight(self) -> WeightReading:
        """The current net weight in kg with the scale's stable flag."""
        return decode_weight(self._exchange(CMD_GET_MASSA))

    def zero(self) -> None:
        """Set zero (``CMD_SET_ZERO``)."""
        self._expect(self._exchange(CMD_SET_ZERO), CMD_ACK_SET, "set zero")

    def tare(self) -> None:
        """Tare the current, stable load (``CMD_SET_TARE`` with the weight read now)."""
        weight = parse_weight(self._exchange(CMD_GET_MASSA))
        if not weight.stable:
            raise DeviceError("Massa-K scale: cannot tare an unstable load; wait and retry")
        data = weight.weight.to_bytes(4, "little", signed=True)
        self._expect(self._exchange(CMD_SET_TARE, data), CMD_ACK_SET_TARE, "set tare")

    @staticmethod
    def _expect(frame: Frame, command: int, action: str) -> None:
        if frame.command == command:
            return
        if frame.command == CMD_ERROR and frame.data:
            reason = error_message(frame.data[0])
        else:
            reason = f"answer {frame.command:#04x}"
        raise DeviceError(f"Massa-K scale refused to {action}: {reason}", frame=frame)
