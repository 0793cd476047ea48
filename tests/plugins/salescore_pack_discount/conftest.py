"""The example plugin's test setup: the package importable and, on request, installed.

``installed`` puts a ``*.dist-info`` directory with the plugin's entry points
(taken from its own ``pyproject.toml``) on ``sys.path``, the way an installer
would, so salescore finds the plugin without touching the virtual environment.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GROUP = "salescore.discount_conditions"

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plugin installed (its entry points visible to importlib.metadata)."""
    project = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"][GROUP]
    info = tmp_path / "salescore_pack_discount-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: salescore-pack-discount\nVersion: 1.0\n"
    )
    lines = "".join(f"{key} = {value}\n" for key, value in declared.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path
