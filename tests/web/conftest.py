"""The reference web shell (examples/web) over a temporary SQLite demo company."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from webshell.demo import DemoShell, open_demo


@pytest.fixture(scope="module")
def demo_shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoShell]:
    """The demo company in a fresh SQLite file, its users made through the facade."""
    shell = open_demo(tmp_path_factory.mktemp("web") / "demo.sqlite", fast_hashes=True)
    yield shell
    shell.store.close()
