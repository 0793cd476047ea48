"""Shared plumbing of the peripheral drivers: bounded reads over a transport.

A driver never waits longer than its timeout. When an answer did not come in
time, the link is *desynchronised*: the answer may still arrive later and must
not be taken for the answer to the next request. The next request therefore
first drains the input until the line has been quiet for one timeout.
"""

from __future__ import annotations

import time

from salescore.errors import DeviceError, DeviceTimeoutError, ProtocolError
from salescore.hardware.transport import Transport

__all__ = ["Link", "refuse_unless_ready"]


class Link:
    """A transport plus the timeout discipline every peripheral driver shares."""

    def __init__(self, transport: Transport, timeout: float, device: str) -> None:
        self.transport = transport
        self.timeout = timeout
        self.device = device
        self._buffer = bytearray()
        self._desynchronised = False

    def send(self, data: bytes) -> None:
        """Start a new exchange: forget stale input, then write ``data``."""
        self.resynchronise()
        self.transport.write(data)

    def resynchronise(self) -> None:
        """Drop leftovers; after a timeout, wait until the line is quiet."""
        self._buffer.clear()
        if self._desynchronised:
            deadline = time.monotonic() + 4 * self.timeout
            while time.monotonic() < deadline and self.transport.read(4096, self.timeout):
                pass
            self._desynchronised = False
        self.transport.reset_input()

    def desynchronise(self) -> None:
        """Mark the line as possibly carrying the rest of a bad answer."""
        self._desynchronised = True

    def _timed_out(self, what: str) -> DeviceTimeoutError:
        self._desynchronised = True
        return DeviceTimeoutError(
            f"{self.device}: no {what} within {self.timeout:g} s; "
            "check that the device is on and connected, then retry",
            device=self.device,
        )

    def _truncated(self, got: bytes, what: str) -> ProtocolError:
        self._desynchronised = True
        return ProtocolError(
            f"{self.device}: {what} cut short after {len(got)} bytes ({got!r}); "
            "the line is noisy or the device was interrupted — retry",
            device=self.device,
            data=got,
        )

    def _more(self, deadline: float, what: str) -> None:
        """Append the next chunk to the buffer, or fail: nothing came before ``deadline``."""
        left = deadline - time.monotonic()
        chunk = self.transport.read(4096, left) if left > 0 else b""
        if not chunk:
            got = bytes(self._buffer)
            self._buffer.clear()
            if not got:
                raise self._timed_out(what)
            raise self._truncated(got, what)
        self._buffer += chunk

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read_exactly(self, size: int, what: str = "reply") -> bytes:
        """``size`` bytes, or :class:`DeviceTimeoutError` / a truncation :class:`ProtocolError`."""
        deadline = time.monotonic() + self.timeout
        while len(self._buffer) < size:
            self._more(deadline, what)
        return self._take(size)

    def read_until(self, terminator: bytes, what: str = "reply", limit: int = 4096) -> bytes:
        """Bytes up to and including ``terminator`` (kept), within the timeout."""
        deadline = time.monotonic() + self.timeout
        while (end := self._buffer.find(terminator)) < 0:
            if len(self._buffer) > limit:
                got = self._take(len(self._buffer))
                self._desynchronised = True
                raise ProtocolError(
                    f"{self.device}: {what} longer than {limit} bytes without "
                    f"{terminator!r}; wrong protocol or baud rate?",
                    device=self.device,
                    data=got[:64],
                )
            self._more(deadline, what)
        return self._take(end + len(terminator))


def refuse_unless_ready(device: str, problems: dict[str, bool], status: object) -> None:
    """A :class:`DeviceError` naming every problem that is set; nothing was sent yet."""
    present = [name for name, flag in problems.items() if flag]
    if present:
        raise DeviceError(
            f"{device} is not ready ({', '.join(present)}); "
            "nothing was printed — fix the printer and print again",
            status=status,
        )
