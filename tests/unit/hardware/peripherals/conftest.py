"""Links for the peripheral tests: an in-memory pipe, loopback TCP and a real pty."""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Iterator

import pytest

from salescore.errors import DeviceError
from salescore.hardware import SerialTransport, TcpTransport, Transport, pipe_pair


class PtyMasterTransport:
    """The master side of a pty as a Transport (the slave is opened through pyserial)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, data: bytes) -> None:
        try:
            os.write(self.fd, data)
        except OSError as exc:
            raise DeviceError(f"pty write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return b""
        try:
            return os.read(self.fd, size)
        except OSError as exc:
            raise DeviceError(f"pty read failed: {exc}") from exc

    def read_exactly(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        data = b""
        while len(data) < size and (left := deadline - time.monotonic()) > 0:
            data += self.read(size - len(data), left)
        return data

    def reset_input(self) -> None:
        while self.read(4096, 0):
            pass

    def close(self) -> None:
        os.close(self.fd)


def open_pty() -> tuple[Transport, PtyMasterTransport]:
    """``(host, device)``: the host opens the slave like any serial port."""
    master, slave = os.openpty()
    host = SerialTransport(os.ttyname(slave))
    os.close(slave)  # pyserial holds its own descriptor
    return host, PtyMasterTransport(master)


def open_tcp() -> tuple[Transport, Transport]:
    """``(host, device)`` over a loopback TCP connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    host = TcpTransport("127.0.0.1", server.getsockname()[1])
    conn, _ = server.accept()
    server.close()
    return host, TcpTransport.from_socket(conn, "simulator")


@pytest.fixture(params=["pipe", "tcp", "pty"])
def link(request: pytest.FixtureRequest) -> Iterator[tuple[Transport, Transport]]:
    """A host/device transport pair over each kind of link in turn."""
    pair: tuple[Transport, Transport]
    if request.param == "pipe":
        pair = pipe_pair()
    elif request.param == "tcp":
        pair = open_tcp()
    else:
        pair = open_pty()
    yield pair
    for end in pair:
        end.close()


@pytest.fixture
def pipe() -> tuple[Transport, Transport]:
    """An in-memory host/device pair (fault tests do not need a real line)."""
    return pipe_pair()
