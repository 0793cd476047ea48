"""Goods issues [расходный ордер на товары] of an order-based warehouse, through every store.

The order: 3 CM-100 at 18,300.00 with VAT (54,900.00), reserved at MAIN (12 there).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import (
    KZN,
    MAIN,
    at,
    cm,
    debt,
    free,
    order_to_ship,
    rub,
)

from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import ShipmentError
from salescore.money import Quantity
from salescore.orders import LineId, OrderId
from salescore.reservation import Bucket
from salescore.reservation import OrderId as ReserveOrderId
from salescore.shipments import IssueId, ReceiptId, ReturnId, ShipmentId, ShipRequest

company = timelines.company
PCS = Quantity(1).unit


def invoice(store: Store, order_id: OrderId, quantity: int, day: date) -> None:
    with store.unit_of_work() as uow:
        sc.post_shipment(
            uow,
            ShipmentId(f"SH-{day.day}"),
            KZN.partner_id,
            KZN.counterparty_id,
            day,
            [ShipRequest(order_id, LineId("1"), Decimal(quantity))],
            SAMPLE_CALENDAR,
            at=at(day),
            by_goods_issue=True,
        )
        uow.commit()


def issue(store: Store, order_id: OrderId, quantity: int, day: date) -> None:
    with store.unit_of_work() as uow:
        sc.post_goods_issue(
            uow,
            IssueId(f"RO-{day.day}"),
            MAIN,
            day,
            [ShipRequest(order_id, LineId("1"), Decimal(quantity))],
            at=at(day),
        )
        uow.commit()


def view(store: Store, order_id: OrderId, day: date) -> tuple[object, ...]:
    with store.unit_of_work() as uow:
        gaps = [(d.to_issue, d.to_invoice) for d in sc.discrepancies(uow, [order_id])]
        label = sc.shipping_state(uow, order_id, day).label
        reserved = uow.stock_ledger.balance(
            timelines.CM,
            MAIN,
            Bucket.reserved(ReserveOrderId(order_id), LineId("1")),
            Quantity(1).unit,
        ).value
    return gaps, label, reserved


def test_issue_before_the_invoice_lists_what_is_to_invoice_then_settles(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    issue(company, order_id, 3, date(2026, 3, 9))
    # the goods left the reserve; no debt yet; 3 issued, not invoiced
    assert (free(company), debt(company)) == (Decimal(9), rub("0.00"))
    assert view(company, order_id, date(2026, 3, 9)) == (
        [(Decimal(0), Decimal(3))],
        "waiting for payment",
        Decimal(0),
    )
    invoice(company, order_id, 3, date(2026, 3, 10))
    assert (free(company), debt(company)) == (
        Decimal(9),
        rub("54900.00"),
    )  # 3 × 18,300.00 (12,000 × 1.22 × 1.25)
    assert view(company, order_id, date(2026, 3, 10)) == ([], "waiting for payment", Decimal(0))


def test_invoice_before_the_issue_moves_no_stock_until_the_issue(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    invoice(company, order_id, 3, date(2026, 3, 10))
    assert (free(company), debt(company)) == (
        Decimal(9),
        rub("54900.00"),
    )  # 3 × 18,300.00 (12,000 × 1.22 × 1.25)
    assert view(company, order_id, date(2026, 3, 10)) == (
        [(Decimal(3), Decimal(0))],
        "ready to ship",
        Decimal(3),
    )
    issue(company, order_id, 2, date(2026, 3, 11))
    assert view(company, order_id, date(2026, 3, 11)) == (
        [(Decimal(1), Decimal(0))],
        "partly shipped",
        Decimal(1),
    )
    issue(company, order_id, 1, date(2026, 3, 12))
    assert view(company, order_id, date(2026, 3, 12)) == ([], "waiting for payment", Decimal(0))
    with pytest.raises(ShipmentError, match="issue at most 0"):
        issue(company, order_id, 1, date(2026, 3, 13))
    with company.unit_of_work() as uow:
        assert uow.goods_issues.find("RO-13") is None
        assert [i.id for i in uow.goods_issues.of_party(MAIN)] == ["RO-11", "RO-12"]


def give_back(store: Store, number: str, quantity: int, day: date, shipment: str) -> None:
    with store.unit_of_work() as uow:
        sc.post_return(
            uow,
            ReturnId(number),
            day,
            [sc.ReturnItem(ShipmentId(shipment), timelines.CM, Decimal(quantity))],
            at=at(day),
        )
        uow.commit()


def receive_back(store: Store, number: str, of: str, quantity: int, day: date) -> None:
    with store.unit_of_work() as uow:
        sc.post_goods_receipt(
            uow, ReceiptId(number), MAIN, day, [(ReturnId(of), "1", Decimal(quantity))], at=at(day)
        )
        uow.commit()


def gaps(store: Store, order_id: OrderId) -> list[tuple[Decimal, Decimal, Decimal]]:
    with store.unit_of_work() as uow:
        return [(d.to_issue, d.to_receive, d.to_invoice) for d in sc.discrepancies(uow, [order_id])]


def test_the_order_state_counts_goods_issued_not_goods_invoiced(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    invoice(company, order_id, 3, date(2026, 3, 10))
    # invoiced in full, nothing issued: the order is still ready to ship
    assert timelines.state(company, order_id, date(2026, 3, 10)) == "ready to ship"
    issue(company, order_id, 1, date(2026, 3, 11))
    assert timelines.state(company, order_id, date(2026, 3, 11)) == "partly shipped"
    assert timelines.state(company, order_id, date(2026, 3, 10)) == "ready to ship"


def test_a_return_of_goods_never_issued_brings_no_stock_back(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])  # 3 reserved at MAIN, 9 free
    invoice(company, order_id, 3, date(2026, 3, 10))
    issue(company, order_id, 2, date(2026, 3, 11))  # 1 still in the reserve
    give_back(company, "RT-1", 1, date(2026, 3, 12), "SH-10")
    # the debt falls by one unit (18,300.00); the unit never left: nothing comes back from
    # the client, and the reserve held for issuing it goes back to free stock (9 + 1)
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))
    with company.unit_of_work() as uow:
        held = uow.stock_ledger.balance(
            timelines.CM, MAIN, Bucket.reserved(ReserveOrderId(order_id), LineId("1")), PCS
        )
    assert held.value == 0
    # on paper 3 − 1 = 2, in fact 2 issued: settled, and nothing is left to issue
    assert gaps(company, order_id) == []
    assert timelines.state(company, order_id, date(2026, 3, 12)) == "waiting for payment"
    with pytest.raises(ShipmentError, match=r"only 0 of order .* was issued to the client"):
        receive_back(company, "PO-1", "RT-1", 1, date(2026, 3, 13))
    with company.unit_of_work() as uow:
        assert uow.goods_receipts.find("PO-1") is None
    assert free(company) == 10


def test_a_return_of_issued_goods_comes_back_with_the_receipt_order(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    invoice(company, order_id, 3, date(2026, 3, 10))
    issue(company, order_id, 3, date(2026, 3, 11))
    give_back(company, "RT-1", 1, date(2026, 3, 12), "SH-10")
    # the return lowers the debt; the unit is still on its way back: to receive 1
    assert (free(company), debt(company)) == (Decimal(9), rub("36600.00"))
    assert gaps(company, order_id) == [(Decimal(0), Decimal(1), Decimal(0))]
    with pytest.raises(ShipmentError, match="receive at most 1"):
        receive_back(company, "PO-1", "RT-1", 2, date(2026, 3, 13))
    receive_back(company, "PO-1", "RT-1", 1, date(2026, 3, 13))
    assert (free(company), gaps(company, order_id)) == (Decimal(10), [])
    with company.unit_of_work() as uow:
        (received,) = uow.goods_receipts.of_order(order_id)
        assert [r.id for r in uow.goods_receipts.of_shipment("RT-1")] == ["PO-1"]
        state = uc.order_state(uow, order_id, date(2026, 3, 13))
    assert (received.id, received.lines[0].quantity) == ("PO-1", Decimal(1))
    # shipped 3 (issued), returned 1: the return does not reopen the order
    (line,) = state.lines
    assert (line.shipped, line.returned, line.remaining) == tuple(map(Decimal, (3, 1, 0)))
    with pytest.raises(ShipmentError, match="receive at most 0"):
        receive_back(company, "PO-2", "RT-1", 1, date(2026, 3, 14))


def test_a_receipt_order_refuses_a_return_of_an_ordinary_warehouse(company: Store) -> None:
    order_id = order_to_ship(company, [cm(2)])
    timelines.post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])
    give_back(company, "RT-1", 1, date(2026, 3, 12), "SH-1")
    assert free(company) == 11  # 12 − 2 + 1: the return itself brought it back
    with pytest.raises(ShipmentError, match="came back by the return itself"):
        receive_back(company, "PO-1", "RT-1", 1, date(2026, 3, 13))
    assert free(company) == 11


def test_goods_leave_once_by_a_shipment_or_by_a_goods_issue(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    issue(company, order_id, 2, date(2026, 3, 9))  # 2 left by the issue, not invoiced yet
    with pytest.raises(ShipmentError, match="waits for its invoice; post the shipment by_goods"):
        timelines.post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])
    timelines.post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(1))])
    # 1 shipped from an ordinary warehouse, 2 issued: nothing is left to issue
    with pytest.raises(ShipmentError, match="left by shipments from an ordinary warehouse"):
        issue(company, order_id, 1, date(2026, 3, 11))
    assert free(company) == 9  # 12 − 3: each unit left once


def test_an_exchange_at_an_order_based_warehouse_swaps_the_unit_on_paper(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    invoice(company, order_id, 3, date(2026, 3, 10))
    issue(company, order_id, 3, date(2026, 3, 11))
    with company.unit_of_work() as uow:
        back, again = sc.exchange(
            uow,
            ReturnId("RT-1"),
            ShipmentId("SH-X"),
            date(2026, 3, 12),
            [sc.ReturnItem(ShipmentId("SH-10"), timelines.CM, Decimal(1))],
            SAMPLE_CALENDAR,
            at=at(date(2026, 3, 12)),
        )
        uow.commit()
    # the replacement leaves the way the goods came: by goods issue; one unit for another,
    # nothing to issue or to receive, the debt stays 54,900.00 and the stock 9
    assert (back.lines[0].by_receipt_order, again.by_goods_issue) == (True, True)
    assert gaps(company, order_id) == []
    assert (free(company), debt(company)) == (Decimal(9), rub("54900.00"))
