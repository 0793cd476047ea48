"""The CAS ECR scale driver: poll with ``ENQ``, then read the weight with ``DC1``."""

from __future__ import annotations

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware._peripheral_link import Link
from salescore.hardware.kinds import WeightReading
from salescore.hardware.scales.cas.codec import (
    ACK,
    DC1,
    ENQ,
    FRAME_SIZE,
    NAK,
    BccRange,
    decode_weight_frame,
)
from salescore.hardware.transport import Transport

__all__ = ["CasScale"]


class CasScale:
    """A CAS (or Ohaus "ECR type") POS scale. Satisfies the ``Scale`` protocol.

    The ECR protocol has no zero or tare command: :meth:`zero` and :meth:`tare`
    raise a :class:`DeviceError` telling the cashier to use the scale's keys.

    Args:
        transport: the link (9600 8N1).
        timeout: seconds to wait for each answer.
        bcc_range: which bytes the check character covers (see the codec).
        busy_retries: how many ``NAK`` (busy) answers to ``ENQ`` to accept before giving up.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        timeout: float = 1.0,
        bcc_range: BccRange = BccRange.DATA,
        busy_retries: int = 3,
    ) -> None:
        self.bcc_range = bcc_range
        self.busy_retries = busy_retries
        self._link = Link(transport, timeout, "CAS scale")

    def read_weight(self) -> WeightReading:
        """Poll the scale and read one weight frame."""
        for _ in range(self.busy_retries + 1):
            self._link.send(bytes([ENQ]))
            answer = self._link.read_exactly(1, "answer to ENQ")[0]
            if answer == ACK:
                break
            if answer != NAK:
                self._link.desynchronise()
                raise ProtocolError(
                    f"CAS scale: answer {answer:#04x} to ENQ is neither ACK nor NAK"
                )
        else:
            raise DeviceError(
                f"CAS scale stayed busy (NAK) for {self.busy_retries + 1} polls; try again later"
            )
        self._link.transport.write(bytes([DC1]))
        return decode_weight_frame(
            self._link.read_exactly(FRAME_SIZE, "weight frame"), self.bcc_range
        )

    def zero(self) -> None:
        """Not available over the ECR protocol."""
        raise DeviceError("the CAS ECR protocol has no zero command; press ZERO on the scale")

    def tare(self) -> None:
        """Not available over the ECR protocol."""
        raise DeviceError("the CAS ECR protocol has no tare command; press TARE on the scale")
