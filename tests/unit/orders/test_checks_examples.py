"""The one-agreement check naming several lines, and the priority of reserve claims."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER, frozen_line, order, prices
from tests.unit.orders.test_checks import AGREEMENT, COFFEE

from salescore.errors import OrderError
from salescore.orders import DocumentLine, LineId, reserve_claims
from salescore.orders.checks import check_lines_in_agreement
from salescore.parties import Product, ProductId, WarehouseId


def test_every_line_outside_the_agreement_is_named_in_one_refusal() -> None:
    products = {
        p.id: p
        for p in (
            Product(ProductId("BEANS"), "Beans"),
            Product(ProductId("CM"), "Coffee maker"),
            Product(ProductId("GR"), "Grinder"),
        )
    }
    lines = [
        DocumentLine(LineId("1"), ProductId("CM"), Decimal(1)),
        DocumentLine(LineId("2"), ProductId("BEANS"), Decimal(1)),
        DocumentLine(LineId("3"), ProductId("GR"), Decimal(1)),
    ]
    with pytest.raises(OrderError) as error:
        check_lines_in_agreement("quote 'KP-1'", lines, AGREEMENT, products, COFFEE)
    assert str(error.value) == (
        "quote 'KP-1': line 1 (CM), line 3 (GR) is outside agreement 'TA-COFFEE''s nomenclature "
        "segment 'COFFEE'; a document has one agreement: sell these products in a separate "
        "document under an agreement that covers them"
    )
    assert error.value.details["lines"] == ("1", "3")


def test_reserve_claims_have_the_lowest_priority_unless_one_is_given() -> None:
    priced = order(
        header=attrs.evolve(HEADER, warehouse_id=WarehouseId("MAIN")),
        prices=prices(frozen_line("1", "2", "10.00")),
    )
    assert [c.priority for c in reserve_claims(priced)] == [0]
    assert [c.priority for c in reserve_claims(priced, priority=5)] == [5]
