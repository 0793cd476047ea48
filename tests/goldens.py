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


def check_golden(path: Path, regenerated: str, *, update: bool, test_file: str) -> None:
    """Fail with a diff unless ``path`` holds exactly ``regenerated``; rewrite it if ``update``.

    ``test_file`` is the calling test's ``__file__``, named in the rewrite command.
    """
    current = path.read_text(encoding="utf-8")
    if update:
        if regenerated != current:
            path.write_text(regenerated, encoding="utf-8")
        return
    if regenerated == current:
        return
    diff = "\n".join(
        difflib.unified_diff(
            current.splitlines(), regenerated.splitlines(), "golden", "now", lineterm=""
        )
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
