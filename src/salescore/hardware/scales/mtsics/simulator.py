"""A simulated MT-SICS scale (``S``, ``SI``, ``Z``, ``T``, ``TAC``, ``@``, ``I0``–``I4``).

Set :attr:`MtSicsSimulator.weight`, ``stable``, ``overload`` and
``underload`` from a test; inject link faults with
:meth:`~salescore.hardware.peripheral_sim.DeviceSimulator.inject`.

>>> from decimal import Decimal
>>> from salescore.hardware import pipe_pair
>>> from salescore.hardware.scales.mtsics import MtSicsScale
>>> host, device = pipe_pair()
>>> with make_simulator(device) as scale_sim:
...     scale_sim.weight = Decimal("0.352")
...     MtSicsScale(host, timeout=0.5).read_weight()
WeightReading(value=Decimal('0.352'), unit='kg', stable=True, state=<WeightState.OK: 'ok'>)
"""

from __future__ import annotations

from decimal import Decimal

from salescore.hardware.kinds import WeightReading, WeightState
from salescore.hardware.peripheral_sim import DeviceSimulator
from salescore.hardware.scales.mtsics.codec import CRLF, encode_reply, encode_weight_reply
from salescore.hardware.transport import Transport

__all__ = ["MtSicsSimulator", "make_simulator"]


class MtSicsSimulator(DeviceSimulator):
    """An MT-SICS scale: gross load, tare, zero offset, stability and range flags."""

    def __init__(self, transport: Transport, *, unit: str = "kg", decimals: int = 3) -> None:
        super().__init__(transport)
        self.unit = unit
        self.quantum = Decimal(1).scaleb(-decimals)
        self.weight = Decimal(0)  # the load on the platform
        self.tare_weight = Decimal(0)
        self.zero_offset = Decimal(0)
        self.stable = True
        self.overload = False
        self.underload = False
        self._line = bytearray()

    def garble(self, reply: bytes) -> bytes:
        """Line noise: high bytes in place of the text, the line end kept."""
        return bytes(b | 0x80 for b in reply[:-2]) + CRLF

    def corrupt_checksum(self, reply: bytes) -> bytes:
        """MT-SICS has no checksum: a damaged digit is the nearest thing."""
        return reply.replace(b".", b"\x7f", 1) if b"." in reply else self.garble(reply)

    def reading(self) -> WeightReading:
        """What the display shows now (net)."""
        if self.overload:
            return WeightReading(Decimal(0), self.unit, False, WeightState.OVERLOAD)
        if self.underload:
            return WeightReading(Decimal(0), self.unit, False, WeightState.UNDERLOAD)
        net = (self.weight - self.zero_offset - self.tare_weight).quantize(self.quantum)
        return WeightReading(net, self.unit, self.stable, WeightState.OK)

    def handle(self, data: bytes) -> list[bytes]:
        """Split ``data`` into lines and answer each."""
        self._line += data
        replies = []
        while (end := self._line.find(b"\n")) >= 0:
            line = bytes(self._line[:end]).strip(b"\r ")
            del self._line[: end + 1]
            if line:
                self.requests += 1
                replies.append(self.answer(line.decode("ascii", errors="replace")))
        return replies

    def answer(self, line: str) -> bytes:
        """The reply to one command line."""
        command = line.split()[0].upper()
        reading = self.reading()
        if command == "SI":
            return encode_weight_reply("S", reading)
        if command == "S":
            if reading.state is WeightState.OK and not reading.stable:
                return encode_reply("S", "I")
            return encode_weight_reply("S", reading)
        if command in ("Z", "ZI"):
            if reading.state is not WeightState.OK:
                return encode_reply(command, "+" if self.overload else "-")
            if command == "Z" and not self.stable:
                return encode_reply(command, "I")
            self.zero_offset, self.tare_weight = self.weight, Decimal(0)
            return encode_reply(command, "A")
        if command == "T":
            if reading.state is not WeightState.OK:
                return encode_reply(command, "+" if self.overload else "-")
            if not self.stable:
                return encode_reply(command, "I")
            self.tare_weight = (self.weight - self.zero_offset).quantize(self.quantum)
            return encode_reply(command, "S", f"{self.tare_weight:>10}", self.unit)
        if command == "TAC":
            self.tare_weight = Decimal(0)
            return encode_reply(command, "A")
        if command == "@":
            self.tare_weight = self.zero_offset = Decimal(0)
            return encode_reply("I4", "A", '"SIM0001"')
        inquiries = {
            "I0": '"S" "SI" "Z" "T" "TAC" "@"',
            "I1": '"01" "1.0"',
            "I2": '"salescore MT-SICS simulator"',
            "I3": '"1.0.0"',
            "I4": '"SIM0001"',
        }
        if command in inquiries:
            return encode_reply(command, "A", inquiries[command])
        return b"ES" + CRLF


def make_simulator(transport: Transport) -> MtSicsSimulator:
    """An MT-SICS scale simulator in kilograms with 3 decimals on ``transport``."""
    return MtSicsSimulator(transport)
