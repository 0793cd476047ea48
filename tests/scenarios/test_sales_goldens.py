"""Golden sales scenarios: catalogue, prices, agreements, rules, orders in; explained prices out.

Each ``tests/scenarios/sales/*.toml`` file is a sales scenario (the format
``salescore price`` reads) followed by an ``[expected]`` table holding the
text ``salescore price`` prints. On a mismatch the test prints a diff; rerun
with ``pytest --update-goldens`` to rewrite the expected text after checking
that the new figures are right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.goldens import check_golden

from salescore.scenario import load
from salescore.scenario.sales import render_sales

HERE = Path(__file__).parent / "sales"
FILES = sorted(HERE.glob("*.toml"))
MARKER = "\n[expected]\n"


def regenerate(path: Path) -> str:
    """The file's input part followed by what the code prints now."""
    text = path.read_text(encoding="utf-8")
    head = text.split(MARKER, 1)[0].rstrip("\n")
    actual = render_sales(load(path).price())
    assert "'''" not in actual
    return f"{head}\n{MARKER}text = '''\n{actual}\n'''\n"


def test_there_are_sales_golden_files() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_sales_scenario_prints_its_expected_explained_prices(
    path: Path, update_goldens: bool
) -> None:
    check_golden(path, regenerate(path), update=update_goldens, test_file=__file__)
