"""Links for the peripheral tests: an in-memory pipe, loopback TCP and a real pty."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from salescore.hardware import SerialTransport, TcpTransport, Transport, open_pty, pipe_pair


def open_pty_link() -> tuple[Transport, Transport]:
    """``(host, device)``: the host opens the pty's slave like any serial port."""
    master, path, slave = open_pty()
    host = SerialTransport(path)
    os.close(slave)  # pyserial holds its own descriptor
    return host, master


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
        pair = open_pty_link()
    yield pair
    for end in pair:
        end.close()


@pytest.fixture
def pipe() -> tuple[Transport, Transport]:
    """An in-memory host/device pair (fault tests do not need a real line)."""
    return pipe_pair()
