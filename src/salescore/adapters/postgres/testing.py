"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temp dir.

>>> find_binaries() is None or find_binaries().name == "bin"
True
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from salescore.errors import StorageError

__all__ = ["find_binaries", "fresh_database", "throwaway_server"]


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (PATH first, then Debian's), or None."""
    on_path = shutil.which("pg_ctl")
    if on_path is not None and shutil.which("initdb") is not None:
        return Path(os.path.realpath(on_path)).parent
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return debian[-1].parent if debian else None


def fresh_database(server_url: str, name: str) -> str:
    """The URL of an empty database ``name`` on the server (dropped first if it exists)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Run by the watchdog process: wait for the owner's end of the pipe to close; unless the
# owner said "done" (it stopped the server itself), stop the server and delete its directory.
_WATCHDOG = """
import shutil, subprocess, sys
if sys.stdin.buffer.read() != b"done":
    subprocess.run(sys.argv[2:], capture_output=True, check=False)
    shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


@contextmanager
def throwaway_server(*, durable: bool = False) -> Iterator[str]:
    """Start a private server on a free loopback port; yield its URL; stop and delete it.

    As root, the server runs as the ``postgres`` user (``runuser``), which owns
    the temp directory. ``durable=False`` turns fsync off (tests need no crash
    safety of a throwaway cluster).

    The server goes with the process that started it, however that process ends:
    a watchdog process holds one end of a pipe whose other end only the owner
    (and processes forked from it) hold; when the owner is killed, or leaves by
    ``os._exit`` (a forked test runner), the pipe closes and the watchdog stops
    the server and deletes its directory.

    Raises:
        StorageError: no PostgreSQL binaries, or the server would not start.
    """
    bindir = find_binaries()
    if bindir is None:
        raise StorageError(
            "no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql; "
            "install them (Debian: apt-get install postgresql)"
        )
    root = tempfile.mkdtemp(prefix="salescore-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = Path(root) / "data", _free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StorageError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
    watched, owner = os.pipe()  # neither end is inherited by the processes started below
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, root, *stop],
        stdin=watched,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the owner's process group spares it
    )
    os.close(watched)
    started = False
    try:
        run(
            str(bindir / "initdb"), "-D", str(data), "-U", "salescore", "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", f"{root}/log", "-o", options, "-w",
            "start")  # fmt: skip
        started = True
        yield f"postgresql://salescore@127.0.0.1:{port}/postgres"
    finally:
        if started:
            run(*stop[len(prefix) :])
        shutil.rmtree(root, ignore_errors=True)
        os.write(owner, b"done")
        os.close(owner)
        watchdog.wait()
