"""The MT-SICS scale driver: ``SI`` for a reading with the scale's own stable flag.

``SI`` ("send immediately") returns the current weight marked stable or
dynamic; ``S`` would wait on the scale's side and may answer ``S I``. The
driver uses ``SI`` so that the caller decides how long to wait, and the
stable flag always comes from the scale.

Replies are accepted with the ``S`` prefix of the manual and with the ``SI``
prefix that some devices (and the mt-sics-emulator) send.
"""

from __future__ import annotations

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware._peripheral_link import Link
from salescore.hardware.kinds import WeightReading
from salescore.hardware.scales.mtsics.codec import (
    CRLF,
    MtSicsReply,
    encode_command,
    parse_reply,
    weight_reading,
)
from salescore.hardware.transport import Transport

__all__ = ["MtSicsScale"]

_WEIGHT_PREFIXES = {"S", "SI"}


class MtSicsScale:
    """A Mettler Toledo (or MT-SICS compatible) scale. Satisfies the ``Scale`` protocol.

    Args:
        transport: the link (serial 9600 8N1 by default on the scale, or TCP).
        timeout: seconds to wait for each reply line.
        unit: the unit reported with overload/underload, which carry none.
    """

    def __init__(self, transport: Transport, *, timeout: float = 1.0, unit: str = "kg") -> None:
        self.unit = unit
        self._link = Link(transport, timeout, "MT-SICS scale")

    def _ask(self, command: str, expected: set[str]) -> MtSicsReply:
        self._link.send(encode_command(command))
        reply = parse_reply(self._link.read_until(CRLF))
        if reply.command not in expected:
            self._link.desynchronise()
            raise ProtocolError(
                f"MT-SICS scale answered {reply.command!r} to {command!r}; "
                "a stale or foreign reply — retry",
                reply=reply,
            )
        return reply

    def read_weight(self) -> WeightReading:
        """The current weight with the scale's stable flag; overload/underload as states."""
        return weight_reading(self._ask("SI", _WEIGHT_PREFIXES), self.unit)

    def zero(self) -> None:
        """Set zero (``Z``); a :class:`DeviceError` if the scale refuses."""
        reply = self._ask("Z", {"Z"})
        if reply.status != "A":
            raise DeviceError(self._refusal("zero", reply.status), reply=reply)

    def tare(self) -> None:
        """Tare the current load (``T``); a :class:`DeviceError` if the scale refuses."""
        reply = self._ask("T", {"T"})
        if reply.status != "S":
            raise DeviceError(self._refusal("tare", reply.status), reply=reply)

    @staticmethod
    def _refusal(action: str, status: str) -> str:
        reason = {
            "I": "the load is not stable or out of the allowed range",
            "+": "the scale is overloaded",
            "-": "the scale is in underload",
        }.get(status, f"status {status!r}")
        return f"MT-SICS scale refused to {action}: {reason}; steady the load and retry"
