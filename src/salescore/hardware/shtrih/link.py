"""The Shtrih-M v1 link layer, done the way the vendor's own driver does it.

One exchange is:

1. Purge the input and probe with ``ENQ``: ``NAK`` means the device is idle;
   ``ACK`` means it holds an unread answer from before, which is read,
   acknowledged and dropped before probing again (at most three probes).
2. Send the frame and read one control byte. ``ACK``: accepted. Anything else
   — ``NAK``, a damaged byte, nothing — leaves the frame's fate open: a ``NAK``
   may be a good ``ACK`` damaged on the line, after which the device executes
   the command. So the link **never resends before asking** (hazard H1): it
   probes with ``ENQ``. A held answer that carries the command's own code
   proves the command ran and *is* its result (it is used, never dropped). A
   ``NAK`` to the probe (idle, no answer held) proves the frame was not taken,
   and only then is it sent again (at most three sends).
3. Read the answer with the command's own timeout. A bad checksum or a frame
   cut short by the byte timeout is answered with ``NAK`` and an ``ENQ``, so
   that the device repeats the answer; the device never repeats unasked.

Every error carries ``protocol="shtrih-m"``, the ``command`` code,
``device_code`` (``None`` for a link error: the device said nothing) and
``delivered``: ``False`` when the command provably did not run, ``None`` when
it is unknown whether it ran (read the device state before going on).
"""

from __future__ import annotations

import time
from typing import Final

from salescore.errors import DeviceError, DeviceTimeoutError, ProtocolError
from salescore.hardware.shtrih.codec import ACK, ENQ, NAK, STX, encode_frame, lrc, split_code
from salescore.hardware.transport import Transport

__all__ = ["PROTOCOL", "ShtrihLink"]

PROTOCOL: Final = "shtrih-m"
"""The ``protocol`` detail of every error the Shtrih-M link and driver raise."""

_ATTEMPTS: Final = 3
_NOISE: Final = 0xFF

_Event = int | bytes | ProtocolError | None


class ShtrihLink:
    """Frames over a :class:`~salescore.hardware.transport.Transport`.

    Args:
        transport: the byte stream to the device.
        control_timeout: seconds to wait for ``ACK``/``NAK`` after a frame or an ``ENQ``.
        byte_timeout: seconds allowed between two bytes inside an answer frame.
    """

    def __init__(
        self, transport: Transport, *, control_timeout: float = 0.5, byte_timeout: float = 0.2
    ) -> None:
        self.transport = transport
        self.control_timeout = control_timeout
        self.byte_timeout = byte_timeout
        self.sent_frames = 0
        """Frames written (resends included): tests read it to prove there was no blind resend."""
        self.held_answers_used = 0
        """Answers fetched by ``ENQ`` after an unclear control byte (proof the command ran)."""

    # --- public ----------------------------------------------------------------------------

    def exchange(self, payload: bytes, answer_timeout: float) -> bytes:
        """Send one command payload and return the answer payload.

        Raises:
            DeviceTimeoutError: the device did not answer; ``delivered`` says
                whether the command may have run (``None``) or surely did not
                (``False``).
            DeviceError: the frame was refused three times (``delivered=False``).
            ProtocolError: the answer stayed unreadable after three repeats.
        """
        frame = encode_frame(payload)
        code, _ = split_code(payload)
        self._probe_idle(code)
        for _ in range(_ATTEMPTS):
            self.transport.write(frame)
            self.sent_frames += 1
            control = self._read_control(self.control_timeout)
            if control == ACK:
                return self._read_answer(code, answer_timeout)
            # NAK, a damaged control byte or nothing: the device may have taken the
            # frame (a good ACK damaged into NAK). Ask before sending anything again.
            held = self._fetch_held(code, answer_timeout)
            if held is not None:
                return held
            # The device is idle and holds no answer: the frame was not taken.
        raise DeviceError(
            f"the device did not take command 0x{code:02X} in three sends (NAK or no "
            "acknowledgement, and idle when asked): check the cable and the line settings",
            protocol=PROTOCOL,
            command=code,
            device_code=None,
            delivered=False,
        )

    # --- steps -----------------------------------------------------------------------------

    def _probe_idle(self, code: int) -> None:
        """ENQ until the device says it is idle (NAK), draining answers from before."""
        self.transport.reset_input()
        for _ in range(_ATTEMPTS):
            self.transport.write(bytes([ENQ]))
            event = self._read_event(self.control_timeout)
            if event == NAK:
                return
            if event == ACK:
                self._read_frame_acknowledged(self.control_timeout + self.byte_timeout)
                continue
            if isinstance(event, bytes):
                self.transport.write(bytes([ACK]))
                continue
            self.transport.reset_input()
        raise DeviceTimeoutError(
            f"no connection to the Shtrih-M device before command 0x{code:02X}: it did not "
            "answer ENQ; check power, cable and port (the command was not sent)",
            protocol=PROTOCOL,
            command=code,
            device_code=None,
            delivered=False,
        )

    def _fetch_held(self, code: int, answer_timeout: float) -> bytes | None:
        """After an unclear exchange, ask the device with ENQ for the command's answer.

        Returns the answer when the device holds one with the command's code
        (it ran), ``None`` when it is idle holding none (the frame was not
        taken). Answers with another code are stale: acknowledged and dropped.

        Raises:
            DeviceTimeoutError: the device stays silent: the command's fate is unknown.
        """
        for _ in range(_ATTEMPTS):
            self.transport.reset_input()
            self.transport.write(bytes([ENQ]))
            event = self._read_event(self.control_timeout)
            if event == NAK:
                return None
            payload: bytes | None = None
            if event == ACK:
                payload = self._read_frame_acknowledged(answer_timeout)
            elif isinstance(event, bytes):  # the answer itself came late: take it
                self.transport.write(bytes([ACK]))
                payload = event
            if payload is not None and split_code(payload)[0] == code:
                self.held_answers_used += 1
                return payload
        raise DeviceTimeoutError(
            f"lost contact during command 0x{code:02X}: whether it was executed is "
            "unknown; read the device state before going on",
            protocol=PROTOCOL,
            command=code,
            device_code=None,
            delivered=None,
        )

    def _read_answer(self, code: int, answer_timeout: float) -> bytes:
        """The answer after ACK; on damage, delay or a stale frame ask with ENQ."""
        event = self._read_event(answer_timeout)
        if isinstance(event, bytes):
            self.transport.write(bytes([ACK]))
            if split_code(event)[0] == code:
                return event
        elif isinstance(event, ProtocolError):
            self.transport.reset_input()
            self.transport.write(bytes([NAK]))
        held = self._fetch_held(code, answer_timeout)
        if held is not None:
            return held
        raise DeviceTimeoutError(
            f"the device accepted command 0x{code:02X} but holds no answer to it (power "
            "loss?); whether it was executed is unknown: read the device state before going on",
            protocol=PROTOCOL,
            command=code,
            device_code=None,
            delivered=None,
        )

    def _read_frame_acknowledged(self, timeout: float) -> bytes | None:
        """Read one answer frame, NAK+ENQ on damage, ACK when good; None if none came."""
        for _ in range(_ATTEMPTS):
            event = self._read_event(timeout)
            if isinstance(event, ProtocolError):
                self.transport.reset_input()
                self.transport.write(bytes([NAK]))
                self.transport.write(bytes([ENQ]))
                if self._read_control(timeout) != ACK:
                    return None
                continue
            if not isinstance(event, bytes):
                return None
            self.transport.write(bytes([ACK]))
            return event
        raise ProtocolError(
            "the device's answer stayed damaged after three repeats (bad checksum or "
            "cut frames): check the cable and the line settings",
            protocol=PROTOCOL,
            device_code=None,
        )

    def _read_event(self, timeout: float) -> _Event:
        """A control byte, an answer frame's payload, a damaged frame, or None on timeout."""
        control = self._read_control(timeout)
        if control != STX:
            return control
        return self._read_frame_body()

    def _read_frame_body(self) -> bytes | ProtocolError:
        head = self.transport.read_exactly(1, self.byte_timeout)
        if not head:
            return ProtocolError("answer frame cut after STX", protocol=PROTOCOL)
        size = head[0]
        rest = self.transport.read_exactly(size + 1, self.byte_timeout + size * 0.001)
        if len(rest) != size + 1:
            return ProtocolError(
                f"answer frame cut: {len(rest)} of {size + 1} bytes arrived", protocol=PROTOCOL
            )
        body = head + rest[:-1]
        if lrc(body) != rest[-1] or size == 0:
            return ProtocolError("answer frame checksum mismatch", protocol=PROTOCOL)
        return bytes(rest[:-1])

    def _read_control(self, timeout: float) -> int | None:
        """One byte other than 0xFF noise; None on timeout."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            byte = self.transport.read(1, left)
            if not byte:
                return None
            if byte[0] != _NOISE:
                return byte[0]
        return None
