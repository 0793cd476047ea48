"""Order numbers, the stale-version error, the one-agreement check's words, and a priced
order's records worked by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from tests.unit.orders.test_checks import AGREEMENT, COFFEE, PRODUCTS
from tests.unit.orders.test_targeted_loading import EXTRA, MSK, _store

from salescore.app.sales import price_order
from salescore.errors import ConcurrencyError, OrderError
from salescore.orders import DocumentLine, LineId, SaleOrder, SaleOrderLine
from salescore.orders.checks import check_lines_in_agreement
from salescore.orders.ports import stale_version
from salescore.parties import PartnerId, ProductId


def test_a_stale_version_error_names_both_versions() -> None:
    error = stale_version("order", "TD-2026-000001", 3, 5)
    assert isinstance(error, ConcurrencyError)
    assert str(error) == (
        "order 'TD-2026-000001' was changed by someone else: the change was made to version 3, "
        "the stored one is version 5; read it again and redo the change"
    )
    assert error.details == {"id": "TD-2026-000001", "read_version": 3, "stored_version": 5}


def test_lines_outside_the_agreement_are_refused_by_line_and_product() -> None:
    lines = [
        DocumentLine(LineId("1"), ProductId("BEANS"), Decimal(1)),
        DocumentLine(LineId("2"), ProductId("CM"), Decimal(1)),
    ]
    check_lines_in_agreement("order 'X'", lines[:1], AGREEMENT, PRODUCTS, COFFEE)
    with pytest.raises(OrderError) as error:
        check_lines_in_agreement("order 'X'", lines, AGREEMENT, PRODUCTS, COFFEE)
    assert str(error.value) == (
        "order 'X': line 2 (CM) is outside agreement 'TA-COFFEE''s nomenclature segment "
        "'COFFEE'; a document has one agreement: sell these products in a separate document "
        "under an agreement that covers them"
    )
    assert error.value.details == {"agreement": "TA-COFFEE", "lines": ("2",)}


def test_a_priced_order_gives_one_record_per_line_with_its_figures() -> None:
    # 154.03 x 3 = 462.09; SPRING 5 % = 23.1045, then WHOLESALE 3 % of the rest 438.9855 =
    # 13.169565: 36.274065, rounded 36.27; net 462.09 - 36.27 = 425.82.
    order = SaleOrder(
        "SO-1",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 10, tzinfo=MSK),
        [SaleOrderLine("1", EXTRA[1], Decimal(3))],
    )
    with _store("memory").unit_of_work(read_only=True) as uow:
        priced = price_order(uow, order)
    assert priced.to_records() == [
        {
            "order_id": "SO-1",
            "line_id": "1",
            "product_id": "EXTRA-01",
            "quantity": Decimal(3),
            "unit": "pcs",
            "agreement_id": "IA-VOLGA-KZN",
            "price_type_id": "WHOLESALE",
            "reference_price": Decimal("154.03"),
            "unit_price": Decimal("154.03"),
            "gross": Decimal("462.09"),
            "discount": Decimal("36.27"),
            "net": Decimal("425.82"),
            "currency": "RUB",
            "rules": "SPRING, WHOLESALE",
        }
    ]


def test_a_priced_order_explains_each_line_its_deviations_and_its_totals() -> None:
    # Line 1: 462.09 less SPRING 5 %, WHOLESALE 3 % and the manager's 15 %, one after another:
    # 462.09 x 0.95 x 0.97 x 0.85 = 361.94 (discount 100.15). The manager's 15 % of what
    # remains after the other two is 63.87, 13.82 % of 462.09: above the agreement's 7 %.
    # Line 2: 102.00 x 1.22 x 1.25 = 155.55, x 0.95 x 0.97 = 143.34 (discount 12.21).
    order = SaleOrder(
        "SO-2",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 10, tzinfo=MSK),
        [
            SaleOrderLine("1", EXTRA[1], Decimal(3), {"MANAGER": "15"}),
            SaleOrderLine("2", EXTRA[2], Decimal(1)),
        ],
    )
    with _store("memory").unit_of_work(read_only=True) as uow:
        priced = price_order(uow, order)
    explanation = priced.explain()
    assert explanation.subject == "order SO-2 of VOLGA-KZN on 2026-03-12"
    assert [(s.description, s.value) for s in explanation.steps] == [
        ("line 1", "361.94 RUB"),
        ("line 2", "143.34 RUB"),
        (
            "deviation (approval): line 1 (EXTRA-01): manual discount 13.82% is above the "
            "limit 7% of agreement IA-VOLGA-KZN",
            "",
        ),
        ("amount before discounts", "617.64 RUB"),
        ("discounts", "112.36 RUB"),
        ("amount after discounts", "505.28 RUB"),
    ]
    assert explanation.steps[0].detail == priced.lines[0].explain()
