"""Goods issues and receipt orders on small examples: a document counts its own items
and the shipments that moved stock themselves, and its number is used once.

The order: 3 CM-100 at 18,300.00 with VAT, reserved at MAIN (12 there, 9 free)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import MAIN, at, cm, free, order_to_ship
from tests.unit.shipments.test_goods_issues import give_back, invoice

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.errors import ShipmentError
from salescore.orders import LineId, OrderId
from salescore.shipments import IssueId, ReceiptId, ReturnId, ShipRequest

company = timelines.company
DAY = date(2026, 3, 11)


def issue(store: Store, number: str, order_id: OrderId, quantities: list[int]) -> None:
    """A goods issue of the order's line 1, one item per quantity."""
    wanted = [ShipRequest(order_id, LineId("1"), Decimal(q)) for q in quantities]
    with store.unit_of_work() as uow:
        sc.post_goods_issue(uow, IssueId(number), MAIN, DAY, wanted, at=at(DAY))
        uow.commit()


def test_a_goods_issue_counts_its_own_items_after_the_earlier_issues(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    issue(company, "RO-1", order_id, [1])
    # 1 issued before, then 1 + 2 in one issue: the second item finds 1 left
    with pytest.raises(ShipmentError, match="issue at most 1"):
        issue(company, "RO-2", order_id, [1, 2])
    issue(company, "RO-2", order_id, [1, 1])
    assert free(company) == Decimal(9)  # all three left from the reserve
    with pytest.raises(ShipmentError, match="goods issue 'RO-2' exists already"):
        issue(company, "RO-2", order_id, [1])


def test_a_goods_issue_counts_every_shipment_that_moved_stock_itself(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    for number in ("SH-1", "SH-2"):  # 1 + 1 left from the ordinary warehouse
        timelines.post(company, number, [ShipRequest(order_id, LineId("1"), Decimal(1))])
    with pytest.raises(ShipmentError, match="left by shipments from an ordinary warehouse"):
        issue(company, "RO-1", order_id, [2])
    issue(company, "RO-1", order_id, [1])  # the third unit
    assert free(company) == Decimal(9)
    with pytest.raises(ShipmentError, match="shipment 'SH-1' exists already"):
        timelines.post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(1))])


def test_a_shipment_of_goods_waiting_for_their_invoice_is_refused_by_its_number(
    company: Store,
) -> None:
    order_id = order_to_ship(company, [cm(3)])
    issue(company, "RO-1", order_id, [2])  # left by the issue, not invoiced yet
    with pytest.raises(ShipmentError, match=r"shipment 'SH-1': order .* waits for its invoice"):
        timelines.post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])


def receive(store: Store, number: str, quantities: list[int]) -> None:
    """A receipt order of RT-1's line 1, one item per quantity."""
    items = [(ReturnId("RT-1"), "1", Decimal(q)) for q in quantities]
    with store.unit_of_work() as uow:
        sc.post_goods_receipt(uow, ReceiptId(number), MAIN, DAY, items, at=at(DAY))
        uow.commit()


def test_a_receipt_order_counts_its_own_items_and_its_number_is_used_once(
    company: Store,
) -> None:
    order_id = order_to_ship(company, [cm(3)])
    invoice(company, order_id, 3, date(2026, 3, 10))
    issue(company, "RO-1", order_id, [3])
    give_back(company, "RT-1", 2, date(2026, 3, 11), "SH-10")  # 2 on their way back
    with pytest.raises(ShipmentError, match="receive at most 1"):
        receive(company, "PO-1", [1, 2])
    receive(company, "PO-1", [1, 1])
    assert free(company) == Decimal(11)  # 9 and the two units received
    with pytest.raises(ShipmentError, match="receipt order 'PO-1' exists already"):
        receive(company, "PO-1", [1])
