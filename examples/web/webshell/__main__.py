"""``python -m webshell``: the reference shell on the SQLite demo company.

Prints the demo logins, then serves on http://127.0.0.1:8000 until Ctrl-C.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import uvicorn

from salescore.demo.selfservice import DEMO_PASSWORD, DEMO_USERS
from webshell.app import create_app
from webshell.demo import open_demo


def main(argv: list[str] | None = None) -> int:
    """Recreate the demo store, print the logins and serve the shell."""
    parser = argparse.ArgumentParser(prog="python -m webshell", description=__doc__)
    parser.add_argument("--db", default="salescore-web-demo.sqlite", help="SQLite file to recreate")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    shell = open_demo(Path(args.db))
    # Plain HTTP on a local port: the cookie cannot be Secure here. Behind TLS keep
    # the default (secure_cookies=True).
    app = create_app(shell.service, secret_key=secrets.token_urlsafe(32), secure_cookies=False)
    out = sys.stdout
    out.write(f"Demo logins (password {DEMO_PASSWORD!r}): {', '.join(DEMO_USERS)}\n")
    out.write(f"Open http://{args.host}:{args.port}/\n")
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        shell.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
