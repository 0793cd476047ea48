"""Golden shipment scenario files: order scenario files whose events post shipments,
goods issues, returns, receipt orders, exchanges, corrections and commission documents.

Each file holds its input, the figures worked out by hand in its comments, and under
``[golden]`` the text ``salescore orders FILE`` prints (``expected``); the JSON output
is kept next to it (``FILE.json``). Both are compared with what the code computes now
(``--update-goldens`` rewrites them; check the hand figures in the comments first).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.goldens import check_golden
from tests.scenarios.orders.test_order_scenario_goldens import with_expected

from salescore.scenario.orders import load_orders, render_replay, replay_json

HERE = Path(__file__).parent
FILES = sorted(HERE.glob("*.toml"))


def test_there_are_golden_shipment_scenarios() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_shipment_scenario_prints_its_expected_text(
    path: Path, update_goldens: bool
) -> None:
    replay = load_orders(path).replay()
    check_golden(
        path, with_expected(path, render_replay(replay)), update=update_goldens, test_file=__file__
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_shipment_scenario_gives_its_expected_json(path: Path, update_goldens: bool) -> None:
    data = replay_json(load_orders(path).replay())
    data["file"] = path.name  # the golden does not depend on where the checkout is
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    check_golden(path.with_suffix(".json"), text, update=update_goldens, test_file=__file__)
