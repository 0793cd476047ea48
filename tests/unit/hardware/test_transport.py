"""Transports move bytes faithfully and time out instead of hanging."""

from __future__ import annotations

import socket
import threading

import pytest

from salescore.errors import DeviceError
from salescore.hardware import SerialTransport, TcpTransport, pipe_pair


def test_pipe_delivers_bytes_in_order_in_both_directions() -> None:
    host, device = pipe_pair()
    host.write(b"\x02\x05\x10")
    device.write(b"\x06")
    assert device.read_exactly(3, timeout=0.5) == b"\x02\x05\x10"
    assert host.read(10, timeout=0.5) == b"\x06"


def test_pipe_read_returns_short_on_timeout() -> None:
    host, device = pipe_pair()
    host.write(b"ab")
    assert device.read_exactly(5, timeout=0.05) == b"ab"


def test_pipe_reset_input_drops_a_leftover_answer() -> None:
    host, device = pipe_pair()
    device.write(b"stale reply")
    host.reset_input()
    assert host.read(1, timeout=0.01) == b""


def test_writing_into_a_closed_pipe_is_a_device_error() -> None:
    host, device = pipe_pair()
    device.close()
    with pytest.raises(DeviceError, match="closed"):
        host.write(b"x")


def test_tcp_transport_talks_to_a_loopback_peer() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def echo() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(conn.recv(16).upper())

    thread = threading.Thread(target=echo)
    thread.start()
    transport = TcpTransport("127.0.0.1", port)
    transport.write(b"ping")
    assert transport.read_exactly(4, timeout=2) == b"PING"
    transport.close()
    thread.join(timeout=2)
    server.close()


def test_tcp_transport_reports_a_refused_connection() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(DeviceError, match="cannot connect"):
        TcpTransport("127.0.0.1", port, connect_timeout=1)


def test_serial_transport_over_pyserial_loop_url_echoes() -> None:
    transport = SerialTransport("loop://")
    transport.write(b"\x05")
    assert transport.read(1, timeout=0.5) == b"\x05"
    transport.close()
