"""The README's tour runs as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_tour_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks, "the README has no python block"
    (tmp_path / "tests").symlink_to(ROOT / "tests")  # the tour reads a scenario file from tests/
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "README.md", "exec"), {})  # our own README
    out = capsys.readouterr().out
    assert "1\xa0234,50\xa0₽" in out
    assert "2026-01-12" in out
    assert "RUB line 1: CM-100" in out  # the order's net, then the line's explanation
    assert "agreement = IA-VOLGA" in out
    assert os.path.exists(tmp_path / "shop.sqlite")
