"""Serial barcode scanners (and data collection terminals in serial mode): a line reader.

A serial or USB-CDC scanner sends each code followed by a suffix, usually CR.
:class:`LineScanner` frames on the suffix and waits at most the caller's
timeout. A code cut off mid-line is reported, not returned half.

>>> from salescore.hardware import pipe_pair
>>> host, device = pipe_pair()
>>> scanner = LineScanner(host)
>>> device.write(b"4600439931256\\r")
>>> scanner.read_code(timeout=0.2)
'4600439931256'
>>> scanner.read_code(timeout=0.01) is None      # nothing scanned
True
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

from salescore.errors import ProtocolError
from salescore.hardware.transport import Transport

__all__ = ["LineScanner", "ScannerSimulator", "make_simulator"]


class LineScanner:
    """A suffix-framed code reader over a transport. Satisfies the ``BarcodeScanner`` protocol.

    Args:
        transport: the link to the scanner.
        suffix: the bytes that end each code (``b"\\r"``; ``b"\\n"`` and CR LF work too).
        max_length: the longest code accepted (GS1 DataMatrix marking codes are < 200).
    """

    def __init__(
        self, transport: Transport, *, suffix: bytes = b"\r", max_length: int = 512
    ) -> None:
        self.transport = transport
        self.suffix = suffix
        self.max_length = max_length
        self._buffer = bytearray()

    def read_code(self, timeout: float) -> str | None:
        """The next code, or ``None`` if none arrived within ``timeout`` seconds.

        Raises:
            ProtocolError: a code started but its suffix did not come in time
                (the fragment is discarded), a code too long, or non-ASCII bytes.
        """
        deadline = time.monotonic() + timeout
        while True:
            self._drop_blank_line_ends()
            end = self._buffer.find(self.suffix)
            if end >= 0:
                raw = bytes(self._buffer[:end])
                del self._buffer[: end + len(self.suffix)]
                return self._decode(raw)
            if len(self._buffer) > self.max_length:
                self._buffer.clear()
                raise ProtocolError(
                    f"scanner: code longer than {self.max_length} bytes without a suffix"
                )
            left = deadline - time.monotonic()
            chunk = self.transport.read(4096, left) if left > 0 else b""
            if not chunk:
                if not self._buffer:
                    return None
                fragment = bytes(self._buffer)
                self._buffer.clear()
                raise ProtocolError(
                    f"scanner: code cut off without its suffix ({fragment!r}); scan again",
                    data=fragment,
                )
            self._buffer += chunk

    def _drop_blank_line_ends(self) -> None:
        # A CR LF scanner read with suffix CR leaves an LF in front of the next code.
        while bytes(self._buffer[:1]) in (b"\n", b"\r") and not self._buffer.startswith(
            self.suffix
        ):
            del self._buffer[:1]

    @staticmethod
    def _decode(raw: bytes) -> str:
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ProtocolError(
                f"scanner sent non-ASCII bytes {raw!r}; check the scanner's interface settings",
                data=raw,
            ) from exc


class ScannerSimulator:
    """A scanner that "scans" codes onto a transport, with the faults real scanners show.

    >>> from salescore.hardware import pipe_pair
    >>> host, device = pipe_pair()
    >>> make_simulator(device).scan("0104600439931256", drop_gs=True)
    >>> LineScanner(host).read_code(0.2)
    '0104600439931256'
    """

    def __init__(self, transport: Transport, *, suffix: bytes = b"\r") -> None:
        self.transport = transport
        self.suffix = suffix
        self._stopped = False

    def scan(
        self, code: str, *, drop_gs: bool = False, truncate: bool = False, garble: bool = False
    ) -> None:
        """Send ``code`` and the suffix.

        Args:
            drop_gs: behave like a keyboard wedge that loses GS (0x1D) separators.
            truncate: send only the first half and no suffix.
            garble: set the high bit of every byte (wrong line settings).
        """
        data = code.replace("\x1d", "") if drop_gs else code
        raw = data.encode("ascii")
        if garble:
            raw = bytes(b | 0x80 for b in raw)
        if truncate:
            self.transport.write(raw[: max(1, len(raw) // 2)])
            return
        self.transport.write(raw + self.suffix)

    def serve_forever(self, codes: Iterable[str] | None = None) -> None:
        """Scan each of ``codes`` (default: each line typed on standard input) in turn.

        ``<GS>`` in a typed line stands for the group separator of a marking code.
        """
        self._stopped = False
        for line in sys.stdin if codes is None else codes:
            if self._stopped:
                break
            code = line.rstrip("\r\n").replace("<GS>", "\x1d")
            if code:
                self.scan(code)

    def stop(self) -> None:
        """Scan no more lines (the one being read, if any, is still scanned)."""
        self._stopped = True


def make_simulator(transport: Transport) -> ScannerSimulator:
    """A serial barcode scanner simulator (CR suffix) on ``transport``."""
    return ScannerSimulator(transport)
