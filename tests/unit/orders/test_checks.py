"""One agreement per document, and the reserve each line asks for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER, SHIP_DAY, frozen_line, order, prices

from salescore.agreements import Agreement, AgreementId, AgreementStatus
from salescore.errors import OrderError
from salescore.orders import DocumentLine, LineId, lines_outside_agreement, reserve_claims
from salescore.parties import NomenclatureSegment, Product, ProductId, SegmentId, WarehouseId
from salescore.reservation import SupplyOption

COFFEE = NomenclatureSegment(SegmentId("COFFEE"), "Coffee", members=frozenset({ProductId("BEANS")}))
AGREEMENT = Agreement.typical(
    AgreementId("TA-COFFEE"),
    "Coffee",
    valid_from=date(2026, 1, 1),
    nomenclature_segment_id=COFFEE.id,
    status=AgreementStatus.ACTIVE,
)
PRODUCTS = {p.id: p for p in (Product(ProductId("BEANS"), "Beans"), Product(ProductId("CM"), "CM"))}


def test_lines_outside_the_segment_are_named() -> None:
    beans = DocumentLine(LineId("1"), ProductId("BEANS"), Decimal(1))
    machine = DocumentLine(LineId("2"), ProductId("CM"), Decimal(1))
    assert lines_outside_agreement([beans, machine], AGREEMENT, PRODUCTS, COFFEE) == (machine,)
    with pytest.raises(OrderError, match="not in the catalogue"):
        lines_outside_agreement(
            [DocumentLine(LineId("3"), ProductId("X"), Decimal(1))], AGREEMENT, PRODUCTS, COFFEE
        )
    with pytest.raises(OrderError, match="pass that segment"):
        lines_outside_agreement([beans], AGREEMENT, PRODUCTS, None)


def test_each_goods_line_asks_for_its_reserve_and_service_lines_for_none() -> None:
    lines = (
        DocumentLine(LineId("1"), ProductId("P1"), Decimal(2), planned_shipment=SHIP_DAY),
        DocumentLine(LineId("2"), ProductId("P2"), Decimal(1), is_service=True),
        DocumentLine(LineId("3"), ProductId("P3"), Decimal(1), supply=SupplyOption.SEPARATE),
    )
    header = attrs.evolve(HEADER, warehouse_id=WarehouseId("MAIN"))
    priced = order(
        header=header,
        lines=lines,
        prices=prices(
            frozen_line("1", "2", "10.00"),
            frozen_line("2", "1", "5.00"),
            frozen_line("3", "1", "7.00"),
        ),
    )
    claims = reserve_claims(priced)
    assert [(c.line_id, str(c.quantity), c.planned_shipment, c.supply) for c in claims] == [
        ("1", "2 pcs", SHIP_DAY, SupplyOption.FROM_STOCK),
        ("3", "1 pcs", priced.on, SupplyOption.SEPARATE),
    ]
    with pytest.raises(OrderError, match="names no warehouse"):
        reserve_claims(attrs.evolve(priced, header=HEADER))
    with pytest.raises(OrderError, match="not priced"):
        reserve_claims(order())
