"""``salescore devices simulate``: the simulators answer real drivers."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.cli import build_parser, main
from salescore.hardware import SerialTransport, TcpTransport, Transport
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.simulators import SIMULATORS
from salescore.testing.devices import FAST_TIMEOUTS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _start(kind: str, port: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salescore",
            "devices",
            "simulate",
            kind,
            "--port",
            port,
            "--duration",
            "20",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line


@pytest.mark.parametrize("port", ["pty", "tcp"])
def test_the_shtrih_simulator_command_serves_a_driver(port: str) -> None:
    spec = "pty" if port == "pty" else f"127.0.0.1:{_free_port()}"
    process, line = _start("shtrih-m", spec)
    transport: Transport
    try:
        if port == "pty":
            path = re.search(r"on (\S+) ", line)
            assert path, line
            transport = SerialTransport(path.group(1))
        else:
            transport = TcpTransport("127.0.0.1", int(spec.rsplit(":", 1)[1]))
        driver = ShtrihDriver(transport, MemoryFiscalJournal(), **FAST_TIMEOUTS)
        assert driver.open_shift().shift_number == 1
        transport.close()
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_the_atol_simulator_command_serves_the_task_api() -> None:
    port = _free_port()
    process, line = _start("atol-web", f"127.0.0.1:{port}")
    try:
        assert "/api/v2/requests" in line
        url = f"http://127.0.0.1:{port}"
        client = AtolTaskClient(url, poll_interval=0.01, deadline=5)
        driver = AtolWebDriver(url, MemoryFiscalJournal(), client=client)
        assert driver.open_shift().shift_number == 1
        driver.cash_in_outcome(Decimal("1.00"))
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_an_http_simulator_needs_a_tcp_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "simulate", "atol-web", "--port", "pty", "--duration", "0"]) == 1
    assert "needs a TCP port" in capsys.readouterr().err


@pytest.mark.parametrize("kind", sorted(SIMULATORS))
def test_every_registered_simulator_kind_is_a_valid_command(kind: str) -> None:
    args = build_parser().parse_args(["devices", "simulate", kind, "--port", "pty"])
    assert args.kind == kind


@pytest.mark.parametrize(
    ("kind", "ask", "expect"),
    [
        ("mt-sics", b"S\r\n", b"S S"),
        ("escpos", b"\x10\x04\x01", b"\x12"),  # printer status: online, drawer closed
    ],
)
def test_peripheral_simulators_answer_over_tcp(kind: str, ask: bytes, expect: bytes) -> None:
    port = _free_port()
    process, line = _start(kind, f"127.0.0.1:{port}")
    try:
        assert f"{kind} simulator on tcp" in line
        transport = TcpTransport("127.0.0.1", port)
        transport.write(ask)
        assert transport.read(64, timeout=3).startswith(expect)
        transport.close()
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_every_peripheral_driver_is_in_the_device_registry() -> None:
    from salescore.hardware.registry import DeviceRegistry

    registry = DeviceRegistry.from_entry_points()
    for name in ("escpos", "mt-sics", "massa-k", "cas", "zpl", "scanner", "shtrih-m"):
        assert registry.get(name).__name__
