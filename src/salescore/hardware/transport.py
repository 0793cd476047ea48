"""Byte transports for device drivers: serial, TCP and an in-memory pipe.

A :class:`Transport` moves bytes and nothing else: it knows no protocol.
Every read takes its own timeout, so a driver can wait a short time for an
acknowledgement and a long time for a report to print.

>>> host, device = pipe_pair()
>>> host.write(b"\\x05")
>>> device.read(1, timeout=0.1)
b'\\x05'
>>> device.read(1, timeout=0.01)   # nothing more: an empty result, not an error
b''
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from salescore.errors import DeviceError

__all__ = [
    "FdTransport",
    "PipeTransport",
    "SerialTransport",
    "TcpTransport",
    "Transport",
    "open_pty",
    "pipe_pair",
    "serve_tcp",
]


@runtime_checkable
class Transport(Protocol):
    """A bidirectional byte stream to one device."""

    def write(self, data: bytes) -> None:
        """Send all of ``data``; :class:`~salescore.errors.DeviceError` if the link is gone."""
        ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes; fewer (even none) if ``timeout`` seconds pass first.

        Returns as soon as at least one byte is there and either ``size`` bytes
        arrived or no more are immediately available.
        """
        ...

    def read_exactly(self, size: int, timeout: float) -> bytes:
        """Exactly ``size`` bytes, or fewer if ``timeout`` seconds pass first."""
        ...

    def reset_input(self) -> None:
        """Throw away bytes received but not read (a leftover answer at connect)."""
        ...

    def close(self) -> None:
        """Release the link; further writes fail."""
        ...


class _ReadExactlyMixin:
    def read(self, size: int, timeout: float) -> bytes:  # pragma: no cover - overridden
        raise NotImplementedError

    def read_exactly(self, size: int, timeout: float) -> bytes:
        """Keep reading until ``size`` bytes or the deadline."""
        deadline = time.monotonic() + timeout
        chunks = bytearray()
        while len(chunks) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            chunk = self.read(size - len(chunks), left)
            if not chunk:
                break
            chunks += chunk
        return bytes(chunks)


class _Channel:
    """One direction of a pipe: a byte queue with a condition variable."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.cond = threading.Condition()
        self.closed = False


class PipeTransport(_ReadExactlyMixin):
    """One end of an in-memory, thread-safe byte pipe (see :func:`pipe_pair`)."""

    def __init__(self, inbound: _Channel, outbound: _Channel, name: str = "pipe") -> None:
        self._in = inbound
        self._out = outbound
        self.name = name

    def write(self, data: bytes) -> None:
        """Append ``data`` to the other end's input."""
        with self._out.cond:
            if self._out.closed:
                raise DeviceError(f"{self.name}: the other end of the pipe is closed")
            self._out.buffer.extend(data)
            self._out.cond.notify_all()

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes, waiting at most ``timeout`` seconds for the first."""
        deadline = time.monotonic() + timeout
        with self._in.cond:
            while not self._in.buffer and not self._in.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._in.cond.wait(left)
            chunk = bytes(self._in.buffer[:size])
            del self._in.buffer[:size]
            return chunk

    def pending(self) -> int:
        """Bytes received and not yet read."""
        with self._in.cond:
            return len(self._in.buffer)

    def reset_input(self) -> None:
        """Drop unread input."""
        with self._in.cond:
            self._in.buffer.clear()

    def close(self) -> None:
        """Close both directions; the other end reads what is left, then nothing."""
        for channel in (self._in, self._out):
            with channel.cond:
                channel.closed = True
                channel.cond.notify_all()


def pipe_pair(name: str = "pipe") -> tuple[PipeTransport, PipeTransport]:
    """Two connected in-memory transports: ``(host_end, device_end)``."""
    to_device, to_host = _Channel(), _Channel()
    return (
        PipeTransport(to_host, to_device, f"{name}[host]"),
        PipeTransport(to_device, to_host, f"{name}[device]"),
    )


class TcpTransport(_ReadExactlyMixin):
    """A raw TCP connection (a device's LAN port, or a simulator on loopback)."""

    def __init__(self, host: str, port: int, connect_timeout: float = 5.0) -> None:
        self.address = f"{host}:{port}"
        try:
            self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as exc:
            raise DeviceError(f"cannot connect to {self.address}: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @classmethod
    def from_socket(cls, sock: socket.socket, address: str = "socket") -> TcpTransport:
        """Wrap an already connected socket (a simulator's accepted client)."""
        transport = cls.__new__(cls)
        transport.address = address
        transport._sock = sock
        return transport

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise DeviceError(f"{self.address}: write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes within ``timeout`` seconds."""
        if timeout <= 0:
            return b""
        self._sock.settimeout(timeout)
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise DeviceError(f"{self.address}: read failed: {exc}") from exc
        if not data:
            raise DeviceError(f"{self.address}: the connection was closed by the other end")
        return data

    def reset_input(self) -> None:
        """Drop whatever is already waiting in the socket."""
        while self.read(4096, 0.001):
            pass

    def close(self) -> None:
        """Close the connection."""
        self._sock.close()


class SerialTransport(_ReadExactlyMixin):
    """A serial port through pyserial (extra ``hardware``).

    ``url`` is a device path (``/dev/ttyUSB0``, a pty slave) or any pyserial URL:
    ``socket://host:port``, ``loop://``, ``spy://…``, ``rfc2217://…``.
    """

    def __init__(self, url: str, baudrate: int = 115200, **options: Any) -> None:
        try:
            import serial
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise DeviceError(
                "serial ports need pyserial: pip install 'salescore[hardware]'"
            ) from exc
        self.url = url
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0, **options)
        except (serial.SerialException, ValueError) as exc:
            raise DeviceError(f"cannot open serial port {url!r}: {exc}") from exc

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._port.write(data)
            self._port.flush()
        except Exception as exc:  # pyserial raises SerialException and OSError
            raise DeviceError(f"{self.url}: write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes within ``timeout`` seconds."""
        self._port.timeout = max(timeout, 0)
        try:
            first: bytes = self._port.read(1)
            if not first or size == 1:
                return first
            self._port.timeout = 0
            rest: bytes = self._port.read(size - 1)
            return first + rest
        except Exception as exc:
            raise DeviceError(f"{self.url}: read failed: {exc}") from exc

    def reset_input(self) -> None:
        """Drop unread input."""
        self._port.reset_input_buffer()

    def close(self) -> None:
        """Close the port."""
        self._port.close()


class FdTransport(_ReadExactlyMixin):
    """A raw file descriptor: the master side of a pseudo-terminal (see :func:`open_pty`)."""

    def __init__(self, fd: int, name: str = "fd") -> None:
        self.fd = fd
        self.name = name

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
        except OSError as exc:
            raise DeviceError(f"{self.name}: write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes within ``timeout`` seconds."""
        try:
            ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
            if not ready:
                return b""
            return os.read(self.fd, size)
        except OSError as exc:
            if exc.errno == errno.EIO:  # the slave side is closed: nothing to read
                return b""
            raise DeviceError(f"{self.name}: read failed: {exc}") from exc

    def reset_input(self) -> None:
        """Drop unread input."""
        while self.read(4096, 0):
            pass

    def close(self) -> None:
        """Close the descriptor."""
        with contextlib.suppress(OSError):
            os.close(self.fd)


def open_pty() -> tuple[FdTransport, str, int]:
    """A raw pseudo-terminal: ``(master transport, slave path, slave fd)``.

    A program (pyshtrih, a POS application) opens the slave path like a serial
    port; a simulator serves the master end. Keep the slave fd open as long as
    the simulator runs, so that the terminal does not hang up between clients.
    """
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    return FdTransport(master, f"pty[{os.ttyname(slave)}]"), os.ttyname(slave), slave


def serve_tcp(
    handler: Callable[[Transport], None],
    stop: threading.Event,
    host: str = "127.0.0.1",
    port: int = 0,
) -> tuple[socket.socket, int]:
    """Accept TCP clients on ``host:port`` (0: a free port) and hand each to ``handler``.

    Clients are served one at a time, as a device's single LAN port does, in a
    daemon thread until ``stop`` is set or the returned socket is closed.
    Returns the listening socket and the bound port.
    """
    server = socket.create_server((host, port))
    server.settimeout(0.05)
    bound: int = server.getsockname()[1]

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                client, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with client:
                handler(TcpTransport.from_socket(client, f"{address[0]}:{address[1]}"))

    threading.Thread(target=accept_loop, name=f"tcp-server-{bound}", daemon=True).start()
    return server, bound
