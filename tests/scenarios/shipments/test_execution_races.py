"""Shipments and returns of one order posted at the same moment, on every store.

Two clerks shipping the same order line at once must not both ship it (the
goods would leave twice and the client owe twice); two returns of the same
shipped units must not both take them back (the client would be refunded
twice). One succeeds; the other is refused, naming what is left.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.conftest import race
from tests.scenarios.shipments.test_shipment_timelines import (
    CM,
    MAIN,
    SHIP_DAY,
    at,
    cm,
    debt,
    load_company,
    order_to_ship,
    post,
)

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.orders import LineId, OrderId
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    IssueId,
    LineChange,
    ReturnId,
    Settlement,
    ShipmentId,
    ShipRequest,
)

pytestmark = pytest.mark.slow


def _outcomes(told: list[object]) -> list[str]:
    return sorted("ok" if x is None else type(x).__name__ for x in told)


def test_one_order_line_shipped_twice_at_once_leaves_once(race_store: Store) -> None:
    """The line orders 5 of the 12 in stock: both clerks ship 5; one shipment posts,
    the other is refused, and the client owes for one shipment only."""
    load_company(race_store)
    order_id = order_to_ship(race_store, [cm(5)])
    before = debt(race_store)
    told = race(
        *[lambda n=n: post(race_store, f"SH-{n}", [ShipRequest(order_id, LineId("1"), Decimal(5))])
          for n in (1, 2)]
    )  # fmt: skip
    assert _outcomes(told) == ["ShipmentError", "ok"]
    with race_store.unit_of_work(read_only=True) as uow:
        assert len(uow.shipments.of_order(order_id)) == 1
        shipped = uow.shipments.of_order(order_id)[0]
    assert debt(race_store) - before == shipped.with_vat


def _give_back(store: Store, number: str, shipment: ShipmentId) -> None:
    with store.unit_of_work() as uow:
        sc.post_return(
            uow, ReturnId(number), SHIP_DAY, [sc.ReturnItem(shipment, CM, Decimal(3))],
            at=at(SHIP_DAY), reason="not wanted",
        )  # fmt: skip
        uow.commit()


def test_the_same_units_returned_twice_at_once_come_back_once(race_store: Store) -> None:
    """5 shipped; two returns of 3 each at once: one is taken, the other is refused."""
    load_company(race_store)
    order_id = order_to_ship(race_store, [cm(5)])
    post(race_store, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(5))])
    told = race(
        *[lambda n=n: _give_back(race_store, f"VZ-{n}", ShipmentId("SH-1")) for n in (1, 2)]
    )
    assert _outcomes(told) == ["ShipmentError", "ok"]
    with race_store.unit_of_work(read_only=True) as uow:
        assert len(uow.customer_returns.of_shipment(ShipmentId("SH-1"))) == 1


def _issue(store: Store, number: str, order_id: OrderId) -> None:
    with store.unit_of_work() as uow:
        sc.post_goods_issue(
            uow, IssueId(number), MAIN, SHIP_DAY, [ShipRequest(order_id, LineId("1"), Decimal(5))],
            at=at(SHIP_DAY),
        )  # fmt: skip
        uow.commit()


def test_one_order_line_issued_twice_at_once_leaves_once(race_store: Store) -> None:
    """Two goods issues [расходный ордер] of the line's 5 at once: one posts, one is
    refused, and 5 left the warehouse."""
    load_company(race_store)
    order_id = order_to_ship(race_store, [cm(5)])
    told = race(*[lambda n=n: _issue(race_store, f"RO-{n}", order_id) for n in (1, 2)])
    assert _outcomes(told) == ["ShipmentError", "ok"]
    with race_store.unit_of_work(read_only=True) as uow:
        assert len(uow.goods_issues.of_order(order_id)) == 1


def _correct(store: Store, number: str) -> None:
    with store.unit_of_work() as uow:
        sc.post_correction(
            uow, CorrectionId(number), ShipmentId("SH-1"), SHIP_DAY,
            [LineChange("1", quantity=Decimal(4))], CorrectionKind.UNDER_DELIVERY,
            SAMPLE_CALENDAR, at=at(SHIP_DAY), settlement=Settlement.WRITE_OFF,
        )  # fmt: skip
        uow.commit()


def test_one_shipment_corrected_twice_at_once_changes_once(race_store: Store) -> None:
    """5 shipped; two corrections [корректировка реализации] "4 arrived" at once: one
    posts, the other finds the line already at 4 and is refused; the debt fell once."""
    load_company(race_store)
    order_id = order_to_ship(race_store, [cm(5)])
    post(race_store, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(5))])
    before = debt(race_store)
    told = race(*[lambda n=n: _correct(race_store, f"KR-{n}") for n in (1, 2)])
    assert _outcomes(told) == ["ShipmentError", "ok"]
    with race_store.unit_of_work(read_only=True) as uow:
        (correction,) = uow.shipment_corrections.of_shipment(ShipmentId("SH-1"))
    assert debt(race_store) - before == correction.with_vat_change
