"""Reserve taken from other orders belongs to the taking line afterwards (fast examples)."""

from __future__ import annotations

from datetime import date

from tests.unit.reservation._fixtures import AT, CM, MAIN, held, line

from salescore.money import Quantity
from salescore.reservation import (
    LineId,
    OrderId,
    StockLedger,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
)


def test_a_line_reserved_from_orders_is_remembered_as_a_claim(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 10), document="SO-1", at=AT)
    taker = line("SO-2", 4, date(2026, 3, 5))
    reserve_from_orders(ledger, taker, document="C", at=AT, donors=[OrderId("SO-1")])
    assert ledger.claim(OrderId("SO-2"), LineId("1")) == taker


def test_reserve_taken_from_orders_can_be_given_on_to_a_third_order(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 10), document="SO-1", at=AT)
    middle = line("SO-2", 4, date(2026, 3, 20))
    reserve_from_orders(ledger, middle, document="C1", at=AT, donors=[OrderId("SO-1")])
    last = line("SO-3", 3)
    report = reserve_from_orders(
        ledger, last, document="C2", at=AT, donors=[OrderId("SO-2")], use_free_first=False
    )
    assert [str(m.source) for m in report.moves] == ["reserve SO-2/1"]
    assert (held(ledger, middle), held(ledger, last)) == (Quantity(1), Quantity(3))


def test_reserve_taken_from_orders_is_released_when_the_line_shrinks(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 10), document="SO-1", at=AT)
    taker = line("SO-2", 4)
    reserve_from_orders(ledger, taker, document="C", at=AT, donors=[OrderId("SO-1")])
    release_excess(ledger, [line("SO-2", 1)], document="C2", at=AT)
    assert held(ledger, taker) == Quantity(1)
    assert ledger.position(CM, MAIN).free == Quantity(3)
