"""Reading the docs pages: their files, their ``{doctest}`` blocks, their links."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"

_FENCE = re.compile(
    r"^(?P<fence>```+|:::+)\{?(?P<name>[\w-]*)\}?[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S
)


def pages() -> list[Path]:
    """Every Markdown page of the docs (the build output left out)."""
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def fenced(text: str) -> list[tuple[str, str]]:
    """The fenced blocks of a page: (directive or language, body), in order."""
    return [(m["name"], m["body"]) for m in _FENCE.finditer(text)]


def doctest_source(path: Path) -> str:
    """The page's ``{doctest}`` blocks as one doctest text, in page order."""
    return "\n".join(
        body for name, body in fenced(path.read_text(encoding="utf-8")) if name == "doctest"
    )
