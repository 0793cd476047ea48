"""Golden files: compare a scenario file with what the code produces now.

A golden file holds its input and its expected, explained result. A test
regenerates the whole text and hands both to :func:`check_golden`; on a
mismatch the failure shows a diff and the command that rewrites the file.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

__all__ = ["check_golden"]


def check_golden(
    path: Path,
    regenerated: str | bytes,
    *,
    update: bool,
    test_file: str,
    encoding: str = "utf-8",
) -> None:
    """Fail with a diff unless ``path`` holds exactly ``regenerated``; rewrite it if ``update``.

    Text is read as ``encoding`` (UTF-8) with universal line ends; ``bytes``
    (a device file in its own code page, CRLF lines) are compared byte for
    byte and shown decoded from ``encoding``. ``test_file`` is the calling
    test's ``__file__``, named in the rewrite command.
    """
    if isinstance(regenerated, bytes):
        current_bytes = path.read_bytes()
        if update:
            if regenerated != current_bytes:
                path.write_bytes(regenerated)
            return
        if regenerated == current_bytes:
            return
        current, now = current_bytes.decode(encoding), regenerated.decode(encoding)
    else:
        current = path.read_text(encoding=encoding)
        if update:
            if regenerated != current:
                path.write_text(regenerated, encoding=encoding)
            return
        if regenerated == current:
            return
        now = regenerated
    diff = "\n".join(
        difflib.unified_diff(current.splitlines(), now.splitlines(), "golden", "now", lineterm="")
    )
    try:
        shown = Path(test_file).resolve().relative_to(Path.cwd())
    except ValueError:
        shown = Path(test_file)
    pytest.fail(
        f"{path.name} differs from what the code computes now:\n{diff}\n\n"
        f"If the new result is right, rewrite the golden files: "
        f".venv/bin/pytest {shown} --update-goldens",
        pytrace=False,
    )
