"""Golden order scenario files: the Python timelines of this folder as TOML files.

Each file holds its input and, under ``[golden]``, the text ``salescore
orders FILE`` prints (``expected``); the JSON output is kept next to it
(``FILE.json``). Both are compared with what the code computes now
(``--update-goldens`` rewrites them). The figures are the ones worked out by
hand in ``test_order_timelines.py``.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from tests.goldens import check_golden

from salescore.cli import main
from salescore.scenario.orders import load_orders, render_replay, replay_json

HERE = Path(__file__).parent
FILES = sorted(HERE.glob("*.toml"))


def _on(path: Path) -> date | None:
    golden = tomllib.loads(path.read_text(encoding="utf-8")).get("golden", {})
    on = golden.get("on")
    return on if isinstance(on, date) else None


def with_expected(path: Path, actual: str) -> str:
    """The file's text with ``actual`` as its expected result."""
    head, _, _ = path.read_text(encoding="utf-8").partition("expected = '''")
    return f"{head}expected = '''\n{actual}\n'''\n"


def test_there_are_golden_order_scenarios() -> None:
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_order_scenario_prints_its_expected_text(path: Path, update_goldens: bool) -> None:
    replay = load_orders(path).replay(_on(path))
    check_golden(
        path, with_expected(path, render_replay(replay)), update=update_goldens, test_file=__file__
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_order_scenario_gives_its_expected_json(path: Path, update_goldens: bool) -> None:
    replay = load_orders(path).replay(_on(path))
    data = replay_json(replay)
    data["file"] = path.name  # the golden does not depend on where the checkout is
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    check_golden(path.with_suffix(".json"), text, update=update_goldens, test_file=__file__)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_command_prints_the_same_and_exits_1_only_when_an_event_is_refused(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on = _on(path)
    args = ["orders", str(path)] + ([] if on is None else ["--on", on.isoformat()])
    code = main(args)
    out = capsys.readouterr().out
    replay = load_orders(path).replay(on)
    assert out == render_replay(replay) + "\n"
    assert code == (1 if replay.refused else 0)
    assert main([*args, "--json"]) == code
    assert json.loads(capsys.readouterr().out)["refused"] is replay.refused
