"""The Shtrih-M v1 link layer, done the way the vendor's own driver does it.

One exchange is:

1. Purge the input and probe with ``ENQ``: ``NAK`` means the device is idle;
   ``ACK`` means it holds an unread answer, which is read, acknowledged and
   dropped before probing again (at most three probes).
2. Send the frame and read one control byte. ``ACK``: accepted. ``NAK``: the
   frame was damaged on the line, so probe again and resend (at most three
   sends). Anything else, or nothing: **never resend blindly** (hazard H1).
   Instead probe with ``ENQ``: if the device holds an answer to this command,
   that answer is the command's result; if it answers ``NAK`` (idle, no
   answer held), the frame never arrived and is sent again like after a
   ``NAK``; if it is silent, :class:`~salescore.errors.DeviceTimeoutError`
   says that the command's fate is unknown.
3. Read the answer with the command's own timeout. A bad checksum or a frame
   cut short by the byte timeout is answered with ``NAK`` and an ``ENQ``, so
   that the device repeats the answer; the device never repeats unasked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from salescore.errors import DeviceError, DeviceTimeoutError, ProtocolError
from salescore.hardware.shtrih.codec import ACK, ENQ, NAK, STX, encode_frame, lrc, split_code
from salescore.hardware.transport import Transport

__all__ = ["ShtrihLink"]

_ATTEMPTS: Final = 3


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

    # --- public ----------------------------------------------------------------------------

    def exchange(self, payload: bytes, answer_timeout: float) -> bytes:
        """Send one command payload and return the answer payload.

        Raises:
            DeviceTimeoutError: the device did not answer at all.
            DeviceError: the frame was refused three times, or the command's fate
                is known to be "not taken" (``delivered=False`` in the details).
            ProtocolError: the answer stayed unreadable after three repeats.
        """
        frame = encode_frame(payload)
        code, _ = split_code(payload)
        for send in range(_ATTEMPTS):
            self._probe()
            self.transport.write(frame)
            self.sent_frames += 1
            control = self._read_control(self.control_timeout)
            if control == ACK:
                return self._read_answer(code, answer_timeout)
            if control == NAK:
                if send + 1 < _ATTEMPTS:
                    continue
                raise DeviceError(
                    f"the device refused command 0x{code:02X} three times (NAK): "
                    "check the line settings (baud rate, cable)",
                    command=code,
                    delivered=False,
                )
            answer = self._recover_after_bad_control(code, control, answer_timeout)
            if answer is not None:
                return answer
            # The device is idle and holds no answer: the frame never arrived. Like a
            # NAK, that proves it was not executed, so it may be sent again.
        raise DeviceError(
            f"command 0x{code:02X} did not reach the device in three sends: "
            "check the cable and the line settings",
            command=code,
            delivered=False,
        )

    # --- steps -----------------------------------------------------------------------------

    def _probe(self) -> None:
        """ENQ until the device says it is idle (NAK), draining stale answers."""
        self.transport.reset_input()
        for _ in range(_ATTEMPTS):
            self.transport.write(bytes([ENQ]))
            control = self._read_control(self.control_timeout)
            if control == NAK:
                return
            if control == ACK:
                self._read_frame_acknowledged(self.control_timeout + self.byte_timeout)
                continue
            self.transport.reset_input()
        raise DeviceTimeoutError(
            "no connection to the Shtrih-M device: it did not answer ENQ; "
            "check power, cable and port",
            delivered=False,
        )

    def _recover_after_bad_control(
        self, code: int, control: int | None, answer_timeout: float
    ) -> bytes | None:
        """The frame's fate is unknown: ask with ENQ, never resend blindly.

        Returns the answer if the device executed the command, ``None`` if it
        is idle without an answer (the frame never arrived).
        """
        shown = "nothing" if control is None else f"0x{control:02X}"
        for _ in range(_ATTEMPTS):
            self.transport.reset_input()
            self.transport.write(bytes([ENQ]))
            reply = self._read_control(self.control_timeout)
            if reply == NAK:
                return None
            if reply == ACK:
                payload = self._read_frame_acknowledged(answer_timeout)
                if payload is not None and split_code(payload)[0] == code:
                    return payload
                continue
        raise DeviceTimeoutError(
            f"lost contact during command 0x{code:02X} (got {shown} instead of ACK); "
            "whether it was executed is unknown: read the device state before going on",
            command=code,
            delivered=None,
        )

    def _read_answer(self, code: int, answer_timeout: float) -> bytes:
        payload = self._read_frame_acknowledged(answer_timeout)
        for _ in range(_ATTEMPTS):
            if payload is not None and split_code(payload)[0] == code:
                return payload
            # No answer yet, or a stale one: ask for ours (never resend the command).
            self.transport.write(bytes([ENQ]))
            if self._read_control(self.control_timeout) != ACK:
                break  # NAK: the device holds no answer; nothing: it is silent
            payload = self._read_frame_acknowledged(answer_timeout)
        raise DeviceTimeoutError(
            f"the device accepted command 0x{code:02X} but its answer did not arrive; "
            "whether it was executed is unknown: read the device state before going on",
            command=code,
            delivered=True,
        )

    def _read_frame_acknowledged(self, timeout: float) -> bytes | None:
        """Read one answer frame, NAK+ENQ on damage, ACK when good; None if none came."""
        for _ in range(_ATTEMPTS):
            try:
                payload = self._read_frame(timeout)
            except ProtocolError:
                self.transport.reset_input()
                self.transport.write(bytes([NAK]))
                self.transport.write(bytes([ENQ]))
                if self._read_control(timeout) != ACK:
                    return None
                continue
            if payload is None:
                return None
            self.transport.write(bytes([ACK]))
            return payload
        raise ProtocolError(
            "the device's answer stayed damaged after three repeats (bad checksum or "
            "cut frames): check the cable and the line settings"
        )

    def _read_frame(self, timeout: float) -> bytes | None:
        """One STX frame; None if no STX came; ProtocolError if cut short or damaged."""
        if self._skip_until(lambda byte: byte == STX, timeout) is None:
            return None
        head = self.transport.read_exactly(1, self.byte_timeout)
        if not head:
            raise ProtocolError("answer frame cut after STX")
        size = head[0]
        rest = self.transport.read_exactly(size + 1, self.byte_timeout + size * 0.001)
        if len(rest) != size + 1:
            raise ProtocolError(f"answer frame cut: {len(rest)} of {size + 1} bytes arrived")
        body = head + rest[:-1]
        if lrc(body) != rest[-1] or size == 0:
            raise ProtocolError("answer frame checksum mismatch")
        return bytes(rest[:-1])

    def _read_control(self, timeout: float) -> int | None:
        """One control byte, skipping 0xFF noise; None on timeout."""
        return self._skip_until(lambda byte: byte != 0xFF, timeout)

    def _skip_until(self, wanted: Callable[[int], bool], timeout: float) -> int | None:
        """Read bytes until one is ``wanted`` (returned); None when ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            byte = self.transport.read(1, left)
            if not byte:
                return None
            if wanted(byte[0]):
                return byte[0]
        return None
