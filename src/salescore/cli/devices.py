"""``salescore devices simulate KIND --port PORT``: run a device simulator for manual testing.

``PORT`` is ``pty`` (a new pseudo-terminal; its path is printed, open it
like a serial port), ``HOST:PORT`` or a bare TCP port number (a TCP server on
loopback by default), or a serial device path. Stream simulators come from
:data:`salescore.hardware.simulators.SIMULATORS`; ``atol-web`` runs the fake
ATOL web server (HTTP) on the given TCP port.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Any

from salescore.errors import InvalidInputError
from salescore.hardware.atol.fake import FakeAtolServer
from salescore.hardware.simulators import SIMULATORS, StreamSimulator
from salescore.hardware.transport import SerialTransport, open_pty, serve_tcp

__all__ = ["register"]

_HTTP_KINDS = ("atol-web",)


def register(sub: Any) -> None:
    """Add the ``devices`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "devices", help="device tools: run simulators of fiscal registers and peripherals"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    simulate = actions.add_parser("simulate", help="run a device simulator until Ctrl-C")
    simulate.add_argument("kind", choices=sorted([*SIMULATORS, *_HTTP_KINDS]), metavar="KIND")
    simulate.add_argument(
        "--port",
        default="pty",
        help="'pty', HOST:PORT or a TCP port number, or a serial device path (default: pty)",
    )
    simulate.add_argument(
        "--duration", type=float, default=None, help="stop after this many seconds"
    )
    simulate.set_defaults(handler=run_simulate)


def _tcp_address(port: str) -> tuple[str, int] | None:
    host, _, number = port.rpartition(":")
    if number.isdigit():
        return (host or "127.0.0.1"), int(number)
    return None


def _wait(duration: float | None) -> None:
    try:
        if duration is None:
            while True:
                time.sleep(3600)
        time.sleep(duration)
    except KeyboardInterrupt:
        pass


def run_simulate(args: argparse.Namespace) -> int:
    """Serve the simulator of ``args.kind`` on ``args.port``."""
    if args.kind in _HTTP_KINDS:
        address = _tcp_address(args.port)
        if address is None:
            raise InvalidInputError(f"{args.kind} needs a TCP port (HOST:PORT), got {args.port!r}")
        with FakeAtolServer(host=address[0], port=address[1]) as fake:
            print(f"{args.kind} simulator on {fake.url}/api/v2/requests (Ctrl-C to stop)")
            _wait(args.duration)
        return 0
    simulator: StreamSimulator = SIMULATORS[args.kind]()
    if args.port == "pty":
        master, path, slave_fd = open_pty()
        threading.Thread(target=simulator.serve, args=(master,), daemon=True).start()
        print(f"{args.kind} simulator on {path} (Ctrl-C to stop)", flush=True)
        _wait(args.duration)
        simulator.stop()
        master.close()
        os.close(slave_fd)
        return 0
    address = _tcp_address(args.port)
    if address is not None:
        stop = threading.Event()
        server, bound = serve_tcp(simulator.serve, stop, *address)
        print(f"{args.kind} simulator on tcp {address[0]}:{bound} (Ctrl-C to stop)", flush=True)
        _wait(args.duration)
        stop.set()
        simulator.stop()
        server.close()
        return 0
    transport = SerialTransport(args.port)
    threading.Thread(target=simulator.serve, args=(transport,), daemon=True).start()
    print(f"{args.kind} simulator on serial port {args.port} (Ctrl-C to stop)", flush=True)
    _wait(args.duration)
    simulator.stop()
    transport.close()
    return 0
