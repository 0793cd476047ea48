"""A throwaway PostgreSQL server goes with the process that started it, however it ends.

A test runner that forks (mutation testing) leaves each child by ``os._exit``, which runs
no ``finally``: before the watchdog, every such child left its server running.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from salescore.adapters.postgres.testing import throwaway_server

_CHILD = """
import os, sys
from salescore.adapters.postgres.testing import throwaway_server
server = throwaway_server()
print(server.__enter__(), flush=True)
sys.stdin.readline()
if sys.argv[1] == "exit":
    os._exit(0)  # no finally, no atexit: as a forked test runner's child leaves
server.__exit__(None, None, None)
"""


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _start(how: str) -> tuple[subprocess.Popen[str], int, Path]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    url = child.stdout.readline().strip()
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    return child, port, Path(str(row[0])).parent


def _leave(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.wait(timeout=60) == 0


def _gone(port: int, root: Path, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not _listening(port) and not root.exists():
            return True
        time.sleep(0.2)
    return False


def test_a_server_stops_when_its_process_leaves_without_cleaning_up(postgres_server: str) -> None:
    child, port, root = _start("exit")
    assert _listening(port)
    assert root.is_dir()
    _leave(child)
    assert _gone(port, root), f"the server on port {port} outlived its process"


def test_a_server_stopped_by_its_owner_is_gone_at_once(postgres_server: str) -> None:
    child, port, root = _start("close")
    _leave(child)  # the context manager's exit stopped it and waited for the watchdog
    assert not _listening(port)
    assert not root.exists()


def test_the_context_manager_yields_a_working_server(postgres_server: str) -> None:
    with throwaway_server() as url, psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
