"""A shipment of two orders counts once for each of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import (
    CM,
    cm,
    debt,
    free,
    order_to_ship,
    post,
    rub,
)

from salescore.app.stores import Store
from salescore.orders import DocumentLine, LineId
from salescore.shipments import ShipRequest

company = timelines.company


def test_the_rest_of_an_order_shipped_with_another_one_can_still_leave(company: Store) -> None:
    first = order_to_ship(company, [cm(3)])
    second = order_to_ship(company, [cm(2)])
    post(
        company,
        "SH-1",
        [ShipRequest(first, LineId("1"), Decimal(1)), ShipRequest(second, LineId("1"), 1)],
    )
    # SH-1 holds lines of both orders; what is left of both leaves in SH-2
    post(
        company,
        "SH-2",
        [ShipRequest(first, LineId("1"), Decimal(2)), ShipRequest(second, LineId("1"), 1)],
        date(2026, 3, 11),
    )
    assert free(company) == 7


def test_an_order_shipped_free_leaves_the_debt_of_the_next_order_in_the_shipment(
    company: Store,
) -> None:
    # one CM-100 given at 0.00, one sold at 18,300.00, both in SH-1: only the second owes
    given = order_to_ship(company, [DocumentLine(LineId("1"), CM, Decimal(1), price=rub("0.00"))])
    sold = order_to_ship(company, [cm(1)])
    post(company, "SH-1", [ShipRequest(given, LineId("1"), 1), ShipRequest(sold, LineId("1"), 1)])
    assert debt(company) == rub("18300.00")
