"""Documents, frozen lines and VAT totals."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.orders._fixtures import RUB, frozen_line, order, prices, quote, rub

from salescore.agreements import Taxation
from salescore.errors import OrderError
from salescore.money import Money, Quantity
from salescore.orders import (
    DocumentLine,
    FrozenLine,
    LineId,
    price_differences,
    vat_rate_for,
)
from salescore.parties import Product, ProductId
from salescore.tax import VatCategory, VatRate, russian_vat_rates


def test_a_price_including_vat_of_20_percent_splits_2400_into_2000_and_400() -> None:
    line = frozen_line("1", "2", "1200.00", rate="20", included=True)
    assert (line.net, line.vat, line.without_vat, line.with_vat) == (
        rub("2400.00"),
        rub("400.00"),
        rub("2000.00"),
        rub("2400.00"),
    )


def test_a_price_without_vat_gets_vat_on_top() -> None:
    line = frozen_line("1", "3", "333.33", rate="22", included=False)
    # 999.99 × 22 / 100 = 219.9978 -> 220.00
    assert (line.net, line.vat, line.with_vat) == (rub("999.99"), rub("220.00"), rub("1219.99"))


def test_vat_is_taken_after_discounts_once_per_line() -> None:
    line = frozen_line("1", "1", "1000.00", discount="100.00", rate="10", included=True)
    # 900.00 × 10 / 110 = 81.8181… -> 81.82
    assert (line.net, line.vat, line.without_vat) == (rub("900.00"), rub("81.82"), rub("818.18"))


def test_the_explanation_shows_the_vat_step() -> None:
    line = frozen_line("1", "2", "1200.00")
    assert "VAT" in line.explanation.as_text()
    assert "400.00" in line.explanation.as_text()


rates = st.sampled_from(["none", "0", "5", "7", "10", "20", "22"])
cents = st.integers(min_value=1, max_value=10**9)


@given(
    st.lists(st.tuples(cents, st.integers(1, 50), rates), min_size=1, max_size=12), st.booleans()
)
def test_order_vat_is_the_sum_of_line_vat_and_totals_add_up(
    rows: list[tuple[int, int, str]], included: bool
) -> None:
    frozen = [
        frozen_line(
            str(i), str(qty), str(Money.from_minor(units, RUB).amount), rate=rate, included=included
        )
        for i, (units, qty, rate) in enumerate(rows, 1)
    ]
    document = prices(*frozen)
    assert document.vat == sum((x.vat for x in frozen), Money.zero(RUB))
    assert document.without_vat + document.vat == document.with_vat
    for line in frozen:
        assert line.without_vat + line.vat == line.with_vat


def test_the_rate_comes_from_the_product_category_on_the_document_date() -> None:
    table = russian_vat_rates()
    product = Product(ProductId("MILK"), "Milk", vat_category=VatCategory.REDUCED)
    assert vat_rate_for(product.vat_category, Taxation.VAT, table, date(2026, 3, 2)).code == "10"
    general = Product(ProductId("CM"), "Coffee maker")
    assert vat_rate_for(general.vat_category, None, table, date(2025, 12, 31)).code == "20"
    assert vat_rate_for(general.vat_category, None, table, date(2026, 1, 1)).code == "22"


def test_export_and_no_vat_agreements_override_the_product_rate() -> None:
    table = russian_vat_rates()
    assert vat_rate_for(VatCategory.GENERAL, Taxation.EXPORT, table, date(2026, 3, 2)) == VatRate(
        Decimal(0)
    )
    assert vat_rate_for(VatCategory.GENERAL, Taxation.NO_VAT, table, date(2026, 3, 2)) == VatRate(
        None
    )


def test_a_line_quantity_must_be_positive() -> None:
    with pytest.raises(OrderError, match="above zero"):
        DocumentLine(LineId("1"), ProductId("P"), Decimal(0))


def test_two_lines_with_one_id_are_refused() -> None:
    line = DocumentLine(LineId("1"), ProductId("P"), Decimal(1))
    with pytest.raises(OrderError, match="used twice"):
        order(lines=(line, line))


def test_a_planned_shipment_before_the_order_is_refused() -> None:
    line = DocumentLine(LineId("1"), ProductId("P"), Decimal(1), planned_shipment=date(2026, 3, 1))
    with pytest.raises(OrderError, match="before the order date"):
        order(lines=(line,))


def test_a_quote_valid_until_before_its_date_is_refused() -> None:
    with pytest.raises(OrderError, match="before its date"):
        quote(valid_until=date(2026, 3, 1))


def test_documents_are_frozen_values_that_pickle_and_compare() -> None:
    document = order(prices=prices(frozen_line("1", "2", "1200.00")))
    assert pickle.loads(pickle.dumps(document)) == document
    with pytest.raises(AttributeError):
        document.status = None  # type: ignore[misc,assignment]


def test_re_pricing_returns_the_differences_line_by_line() -> None:
    old = prices(frozen_line("1", "2", "1200.00"), frozen_line("2", "1", "500.00"))
    new = prices(frozen_line("1", "2", "1300.00"), frozen_line("2", "1", "500.00"))
    (diff,) = price_differences(old, new)
    assert diff.line_id == "1"
    assert (diff.old_unit_price, diff.new_unit_price) == (rub("1200.00"), rub("1300.00"))
    assert diff.net_change == rub("200.00")
    assert diff.new_vat - diff.old_vat == rub("33.33")


def test_a_line_priced_in_another_currency_is_refused() -> None:
    usd = FrozenLine.of(
        LineId("1"),
        ProductId("P"),
        Quantity(1),
        reference_price=Money("1.00", "USD"),
        unit_price=Money("1.00", "USD"),
        discount=Money("0.00", "USD"),
        rule_ids=(),
        vat_rate=VatRate.parse("20"),
        vat_included=True,
    )
    with pytest.raises(OrderError, match="document's currency"):
        prices(usd)
