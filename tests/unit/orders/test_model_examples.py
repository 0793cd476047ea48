"""Document lines, orders and frozen prices as a caller reads them, worked by hand.

Values are built inside the tests: mutation testing switches code on after the imports.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.orders._fixtures import (
    ORDER_DAY,
    SHIP_DAY,
    frozen_line,
    order,
    prices,
    quote,
    schedule_for,
)

from salescore.errors import OrderError
from salescore.orders import DocumentLine, LineId, OrderStatus
from salescore.parties import ProductId


def test_a_line_quantity_is_kept_as_the_exact_decimal_it_was_written_as() -> None:
    def quantity(value: object) -> Decimal:
        return DocumentLine(LineId("1"), ProductId("P1"), value).quantity

    assert [quantity(3), quantity("2.5"), quantity(0.1), quantity(Decimal("1.50"))] == [
        Decimal(3),
        Decimal("2.5"),
        Decimal("0.1"),  # the float as written, not its binary value
        Decimal("1.50"),
    ]
    assert all(type(quantity(x)) is Decimal for x in (3, "2.5", 0.1))
    assert str(quantity(Decimal("1.50"))) == "1.50"


def test_a_lines_manual_discounts_are_decimals_by_rule_none_meaning_the_rules_own() -> None:
    line = DocumentLine(
        LineId("1"), ProductId("P1"), Decimal(1), manual_discounts={"MANAGER": "4.5", "LOYAL": None}
    )
    assert line.manual_discounts == {"MANAGER": Decimal("4.5"), "LOYAL": None}
    assert type(line.manual_discounts["MANAGER"]) is Decimal


def test_a_line_may_be_planned_to_ship_on_the_order_date() -> None:
    same_day = DocumentLine(LineId("1"), ProductId("P1"), Decimal(1), planned_shipment=ORDER_DAY)
    later = DocumentLine(LineId("2"), ProductId("P2"), Decimal(1), planned_shipment=SHIP_DAY)
    made = order(lines=(later, same_day))
    assert made.first_shipment == ORDER_DAY
    assert [made.shipment_date(x) for x in made.lines] == [SHIP_DAY, ORDER_DAY]


def test_an_order_finds_a_line_by_its_id_and_names_one_it_has_not() -> None:
    made = order(
        lines=(
            DocumentLine(LineId("1"), ProductId("P1"), Decimal(1)),
            DocumentLine(LineId("2"), ProductId("P2"), Decimal(3)),
        )
    )
    assert made.line("2").product_id == "P2"
    assert made.line("1").product_id == "P1"
    with pytest.raises(OrderError) as error:
        made.line("3")
    assert str(error.value) == "order 'TD-2026-000001' has no line '3'"
    assert error.value.details == {"order": "TD-2026-000001", "line": "3"}


def test_a_confirmed_order_explains_itself_in_rows_with_empty_sources_where_none_apply() -> None:
    # 2 x 5,000.00 with 20 % VAT inside: 1,666.67; the schedule splits 10,000.00 30/20/50.
    frozen = prices(frozen_line("1", "2", "5000.00"))
    confirmed = order(
        status=OrderStatus.TO_PAY, prices=frozen, schedule=schedule_for(frozen.with_vat)
    )
    rows = [r for r in confirmed.explain().as_rows() if "." not in r["step"]]
    assert [(r["description"], r["value"], r["source"]) for r in rows] == [
        ("status", "to pay", ""),
        ("client", "VOLGA", "counterparty VOLGA-LLC"),
        ("agreement", "IA-VOLGA", "organization TD"),
        ("total with VAT", "10000.00 RUB", ""),
        ("payment schedule", "", ""),
    ]
    inner = [r for r in frozen.explain().as_rows() if "." not in r["step"]]
    assert [(r["description"], r["value"], r["source"]) for r in inner] == [
        ("line 1", "10000.00 RUB", ""),
        ("amount before discounts", "10000.00 RUB", ""),
        ("discounts", "0.00 RUB", ""),
        ("total without VAT", "8333.33 RUB", ""),
        ("VAT", "1666.67 RUB", ""),
        ("total with VAT", "10000.00 RUB", ""),
    ]


def test_a_priced_quote_shows_its_total_with_vat_without_a_source() -> None:
    priced = quote(prices=prices(frozen_line("1", "2", "5000.00")))
    rows = [r for r in priced.explain().as_rows() if "." not in r["step"]]
    assert [(r["description"], r["value"], r["source"]) for r in rows] == [
        ("status", "draft", "valid until 2026-03-16"),
        ("revision", "1", ""),
        ("total with VAT", "10000.00 RUB", ""),
    ]
