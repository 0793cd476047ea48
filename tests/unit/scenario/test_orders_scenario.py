"""Order scenario files: what an analyst relies on besides the golden timelines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from salescore.cli import main
from salescore.errors import ScenarioError
from salescore.scenario import load, load_orders
from salescore.scenario.orders import parse_orders, render_replay

GOLDEN = Path(__file__).parents[2] / "scenarios" / "orders"
WALK = GOLDEN / "every_status_across_a_holiday.toml"
GUARDS = GOLDEN / "each_guard_refuses.toml"


def test_on_a_date_replays_the_events_up_to_it_and_shows_each_document_on_it() -> None:
    replay = load_orders(WALK).replay(date(2026, 3, 4))
    assert [s.on.day for s in replay.steps] == [2, 2, 3, 3, 4]
    (order,) = replay.final
    # 2 reserved on the 4th; the 20 % prepayment (7,200.00) is due on the 5th
    assert order.headline == "order A (ORG-1-2026-000001): to secure, waiting for prepayment"


def test_a_refused_event_names_its_guard_and_figures_and_the_replay_goes_on() -> None:
    replay = load_orders(GUARDS).replay()
    refused = [(s.action, s.subject, s.guard) for s in replay.steps if s.refused]
    assert refused == [
        ("confirm", "CUT", "approval"),
        ("secure", "PLAIN", "advance"),
        ("confirm", "CAFE", "credit at order"),
        ("ship", "PLAIN", "prepayment"),
        ("ship", "KZN", "credit at shipment"),
    ]
    ship = next(s for s in replay.steps if s.guard == "credit at shipment")
    assert ship.figures == ("limit L-KZN: overdue days 11 > 10",)
    assert replay.steps[-1].documents[0].status == "to ship"  # after the debt was paid


def test_the_command_exits_1_on_a_refusal_and_prints_it_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["orders", str(GUARDS)]) == 1
    out = capsys.readouterr()
    assert "2026-03-02 confirm CAFE: REFUSED (guard: credit at order)" in out.out
    assert out.err == ""
    assert main(["orders", str(WALK), "--on", "2026-03-03"]) == 0


def test_a_mistake_in_an_event_is_an_error_at_its_key_path_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    text = WALK.read_text(encoding="utf-8")
    assert 'amount = "7320.00"' in text  # the prepayment: 20 % of 2 x 18,300.00
    bad.write_text(text.replace('amount = "7320.00"', "amount = 7.32"))
    assert main(["orders", str(bad), "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["path"] == "events[4].amount"
    assert str(bad) in error["message"]


def test_an_unknown_document_in_an_event_names_the_known_ones(tmp_path: Path) -> None:
    text = WALK.read_text(encoding="utf-8").replace(
        'action = "close"\norder = "A"', 'action = "close"\norder = "B"'
    )
    with pytest.raises(
        ScenarioError,
        match=r"events\[9\]\.order: expected the name of one of the orders created so far \(A\)",
    ):
        parse_orders(text, "walk.toml").replay()


def test_a_byte_order_mark_changes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + WALK.read_bytes())
    assert render_replay(load_orders(file).replay()) == render_replay(load_orders(WALK).replay())


def test_each_loader_sends_the_other_kind_of_file_to_its_command() -> None:
    with pytest.raises(ScenarioError, match="this is an orders scenario"):
        load(WALK)
    sales = GOLDEN.parent / "sales" / "wholesale_individual_agreement.toml"
    with pytest.raises(ScenarioError, match=r"events: an order scenario lists its dated"):
        load_orders(sales)
