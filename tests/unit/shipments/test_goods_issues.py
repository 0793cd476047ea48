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

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import ShipmentError
from salescore.money import Quantity
from salescore.orders import LineId, OrderId
from salescore.reservation import Bucket
from salescore.reservation import OrderId as ReserveOrderId
from salescore.shipments import IssueId, ShipmentId, ShipRequest

company = timelines.company


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
