"""A simulated CAS ECR scale (``ENQ`` → ``ACK``/``NAK``, ``DC1`` → weight frame).

>>> from decimal import Decimal
>>> from salescore.hardware import pipe_pair
>>> from salescore.hardware.scales.cas import CasScale
>>> host, device = pipe_pair()
>>> with make_simulator(device) as scale_sim:
...     scale_sim.weight, scale_sim.stable = Decimal("0.740"), False
...     CasScale(host, timeout=0.5).read_weight()
WeightReading(value=Decimal('0.740'), unit='kg', stable=False, state=<WeightState.OK: 'ok'>)
"""

from __future__ import annotations

from decimal import Decimal

from salescore.hardware.kinds import WeightReading, WeightState
from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.scales.cas.codec import ACK, DC1, ENQ, NAK, BccRange, encode_weight_frame
from salescore.hardware.transport import Transport

__all__ = ["CasSimulator", "make_simulator"]


class CasSimulator(DeviceSimulator):
    """A CAS POS scale: weight, stability, overload and a "busy" answer."""

    def __init__(self, transport: Transport, *, bcc_range: BccRange = BccRange.DATA) -> None:
        super().__init__(transport)
        self.bcc_range = bcc_range
        self.weight = Decimal("0.000")
        self.stable = True
        self.overload = False
        self.busy_polls = 0  # answer this many ENQs with NAK

    def corrupt_checksum(self, reply: bytes) -> bytes:
        """The BCC byte damaged."""
        return reply[:12] + bytes([reply[12] ^ 0x01]) + reply[13:] if len(reply) == 15 else reply

    def handle(self, data: bytes) -> list[bytes]:
        """Answer each ``ENQ`` and ``DC1``; ignore anything else."""
        replies = []
        for byte in data:
            if byte == ENQ:
                self.requests += 1
                if self.busy_polls:
                    self.busy_polls -= 1
                    replies.append(bytes([NAK]))
                else:
                    replies.append(bytes([ACK]))
            elif byte == DC1:
                state = WeightState.OVERLOAD if self.overload else WeightState.OK
                reading = WeightReading(self.weight, "kg", self.stable and not self.overload, state)
                replies.append(encode_weight_frame(reading, self.bcc_range))
        return replies


def make_simulator(transport: Transport) -> CasSimulator:
    """A CAS ECR scale simulator on ``transport``."""
    return CasSimulator(transport)
