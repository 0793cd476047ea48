"""The peripheral simulators' common part: a device loop with fault injection.

A simulator plays one device over any :class:`~salescore.hardware.transport.Transport`
(an in-memory pipe, a pty, a TCP socket). Its protocol logic is sans-IO:
:meth:`DeviceSimulator.handle` turns received bytes into replies. The loop
around it applies injected faults to the replies, so that every driver can be
shown to end in a known state or a clear error — never a hang.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Self

from salescore.errors import DeviceError, SalescoreError
from salescore.hardware.transport import Transport

__all__ = ["DeviceSimulator", "Fault"]


class Fault(enum.Enum):
    """A link fault applied to the next reply(ies) of a simulator."""

    NO_REPLY = "no_reply"
    LATE_REPLY = "late_reply"
    GARBLED_REPLY = "garbled_reply"
    BAD_CHECKSUM = "bad_checksum"
    TRUNCATED_REPLY = "truncated_reply"


class DeviceSimulator:
    """Base of every simulator: serve a transport, answer, misbehave on request.

    Subclasses implement :meth:`handle` (bytes in, replies out) and may refine
    :meth:`garble` and :meth:`corrupt_checksum` for their framing.

    Args:
        transport: the device's end of the link.
        late_delay: how long a :attr:`Fault.LATE_REPLY` reply is held back.
    """

    def __init__(self, transport: Transport, *, late_delay: float = 0.3) -> None:
        self.transport = transport
        self.late_delay = late_delay
        self.lock = threading.RLock()
        self.requests = 0
        self.failures: list[SalescoreError] = []
        self._faults: deque[Fault | None] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- fault injection ------------------------------------------------------

    def inject(self, fault: Fault, times: int = 1, after: int = 0) -> None:
        """Apply ``fault`` to ``times`` replies, after letting ``after`` replies pass intact."""
        with self.lock:
            self._faults.extend([None] * after + [fault] * times)

    def _next_fault(self) -> Fault | None:
        with self.lock:
            return self._faults.popleft() if self._faults else None

    def wait_until(self, condition: Callable[[], bool], limit: float = 2.0) -> bool:
        """Poll ``condition`` until it holds or ``limit`` seconds pass (a test helper)."""
        deadline = time.monotonic() + limit
        while not condition():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def garble(self, reply: bytes) -> bytes:
        """A reply damaged on the line (default: every byte inverted)."""
        return bytes(b ^ 0xFF for b in reply)

    def corrupt_checksum(self, reply: bytes) -> bytes:
        """The reply with a wrong checksum (default: last byte flipped)."""
        return reply[:-1] + bytes([reply[-1] ^ 0x5A]) if reply else reply

    # --- protocol ---------------------------------------------------------------

    def handle(self, data: bytes) -> list[bytes]:
        """Consume received bytes; return the replies to send (sans-IO)."""
        raise NotImplementedError

    def _reply(self, reply: bytes) -> None:
        fault = self._next_fault()
        if fault is Fault.NO_REPLY:
            return
        if fault is Fault.LATE_REPLY:
            time.sleep(self.late_delay)
        elif fault is Fault.GARBLED_REPLY:
            reply = self.garble(reply)
        elif fault is Fault.BAD_CHECKSUM:
            reply = self.corrupt_checksum(reply)
        elif fault is Fault.TRUNCATED_REPLY:
            reply = reply[: max(1, len(reply) // 2)]
        self.transport.write(reply)

    # --- running ------------------------------------------------------------------

    def step(self, timeout: float = 0.05) -> None:
        """Read what arrived within ``timeout`` and answer it.

        A request the device model cannot answer (say, a weight too large for
        the frame) is recorded in :attr:`failures` instead of killing the loop.
        """
        started = time.monotonic()
        data = self.transport.read(4096, timeout)
        if not data:
            # a closed pipe returns at once: do not spin
            self._stop.wait(max(0.0, timeout - (time.monotonic() - started)))
            return
        try:
            with self.lock:
                replies = self.handle(data)
        except SalescoreError as exc:
            self.failures.append(exc)
            return
        for reply in replies:
            self._reply(reply)

    def serve_forever(self) -> None:
        """Answer until :meth:`stop` is called or the link goes away."""
        while not self._stop.is_set():
            try:
                self.step()
            except DeviceError:
                break

    def start(self) -> Self:
        """Serve in a background thread; returns ``self``."""
        self._thread = threading.Thread(
            target=self.serve_forever, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
