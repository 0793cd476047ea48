"""The derived state of an order from payments, reserves and shipments on a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.orders._fixtures import ORDER_DAY, frozen_line, order, prices, rub, schedule_for
from tests.unit.orders._ledger import ledger_of

from salescore.errors import OrderError
from salescore.money import Money, Quantity
from salescore.orders import (
    LineId,
    Order,
    OrderStateKind,
    Shipped,
    confirm_order,
    derive_state,
    price_order,
    release_for_securing,
    release_for_shipment,
)
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import Bucket, LedgerEntry, Move, Operation, OrderId

PRICES = prices(frozen_line("1", "2", "5000.00"))
ORDER_ID = OrderId("TD-2026-000001")


def confirmed() -> Order:
    done, _ = confirm_order(price_order(order(), PRICES), ORDER_DAY, schedule_for(PRICES.with_vat))
    return done


def reserve(quantity: int, on: date) -> LedgerEntry:
    move = Move(
        ProductId("P1"),
        WarehouseId("MAIN"),
        Bucket.free(),
        Bucket.reserved(ORDER_ID, LineId("1")),
        Quantity(quantity),
    )
    return LedgerEntry(
        1,
        move,
        Operation.RESERVE_FROM_STOCK,
        ORDER_ID,
        datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
    )


def test_a_confirmed_order_waits_for_its_advance_and_explains_the_stages() -> None:
    done = confirmed()
    state = derive_state(done, ledger_of(done), on=ORDER_DAY)
    assert state.kind is OrderStateKind.WAITING_FOR_ADVANCE
    text = state.explain().as_text()
    assert "stage 1 (advance) 3000.00 RUB due 2026-03-02, paid 0.00 RUB" in text
    assert "line 1: ordered 2" in text
    assert "missing 2" in text


def test_after_the_advance_it_waits_for_securing_then_for_prepayment() -> None:
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("3000.00")))
    assert (
        derive_state(done, ledger, on=date(2026, 3, 3)).kind is OrderStateKind.WAITING_FOR_SECURING
    )
    reserves = [reserve(2, date(2026, 3, 4))]
    state = derive_state(done, ledger, reserves, on=date(2026, 3, 4))
    assert state.kind is OrderStateKind.WAITING_FOR_PREPAYMENT
    assert state.lines[0].reserved == 2
    assert state.lines[0].missing == 0


def test_prepaid_and_secured_is_secured_then_ready_to_ship_once_released() -> None:
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("5000.00")))
    reserves = [reserve(2, date(2026, 3, 4))]
    assert derive_state(done, ledger, reserves, on=date(2026, 3, 5)).kind is OrderStateKind.SECURED
    secured, _ = release_for_securing(done, date(2026, 3, 4), ledger)
    ready, _ = release_for_shipment(secured, date(2026, 3, 5), ledger)
    assert derive_state(ready, ledger, reserves, on=date(2026, 3, 5)).kind is (
        OrderStateKind.READY_TO_SHIP
    )


def test_shipping_part_then_all_then_paying_walks_to_ready_to_close() -> None:
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("5000.00")))
    half = [Shipped(ORDER_ID, LineId("1"), Decimal(1), date(2026, 3, 10))]
    assert derive_state(done, ledger, (), half, on=date(2026, 3, 10)).kind is (
        OrderStateKind.PARTLY_SHIPPED
    )
    both = [*half, Shipped(ORDER_ID, LineId("1"), Decimal(1), date(2026, 3, 11))]
    assert derive_state(done, ledger, (), both, on=date(2026, 3, 11)).kind is (
        OrderStateKind.WAITING_FOR_PAYMENT
    )
    late = derive_state(done, ledger, (), both, on=date(2026, 3, 25))
    # the credit stage was due 2026-03-20 (10 calendar days after 2026-03-10)
    assert (late.kind, late.overdue_days, late.label) == (
        OrderStateKind.PAYMENT_OVERDUE,
        5,
        "payment overdue 5 days",
    )
    paid = ledger_of(done, (date(2026, 3, 3), rub("5000.00")), (date(2026, 3, 26), rub("5000.00")))
    assert derive_state(done, paid, (), both, on=date(2026, 3, 26)).kind is (
        OrderStateKind.READY_TO_CLOSE
    )


def test_a_state_is_the_same_whatever_the_order_of_independent_payments() -> None:
    done = confirmed()
    a = ledger_of(done, (date(2026, 3, 3), rub("1000.00")), (date(2026, 3, 4), rub("2000.00")))
    b = ledger_of(done, (date(2026, 3, 4), rub("2000.00")), (date(2026, 3, 3), rub("1000.00")))
    assert derive_state(done, a, on=date(2026, 3, 4)) == derive_state(done, b, on=date(2026, 3, 4))


def test_a_not_confirmed_order_with_a_price_cut_waits_for_approval() -> None:
    from tests.unit.orders._fixtures import price_cut

    cut = prices(frozen_line("1", "2", "5000.00"), deviations=(price_cut(),))
    state = derive_state(price_order(order(), cut), ledger_of(confirmed()), on=ORDER_DAY)
    assert state.kind is OrderStateKind.WAITING_FOR_APPROVAL


def test_a_state_before_the_order_date_is_an_error() -> None:
    done = confirmed()
    with pytest.raises(OrderError, match="on or after the order date"):
        derive_state(done, ledger_of(done), on=date(2026, 3, 1))


payments = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 600_000)), min_size=0, max_size=6)


@given(payments, st.randoms(use_true_random=False), st.integers(0, 30))
def test_the_state_does_not_depend_on_the_order_payments_are_replayed_in(
    paid: list[tuple[int, int]], shuffler: Random, offset: int
) -> None:
    done = confirmed()
    rows = [(ORDER_DAY + timedelta(days=d), Money.from_minor(units, "RUB")) for d, units in paid]
    shuffled = list(rows)
    shuffler.shuffle(shuffled)
    on = ORDER_DAY + timedelta(days=offset)
    first = derive_state(done, ledger_of(done, *rows), on=on)
    again = derive_state(done, ledger_of(done, *shuffled), on=on)
    assert (first.kind, first.stages) == (again.kind, again.stages)
    paid_by_then = sum((a for d, a in rows if d <= on), Money.zero("RUB"))
    assert sum((s.paid for s in first.stages), Money.zero("RUB")) == min(
        paid_by_then, done.prices.with_vat if done.prices else paid_by_then
    )
