"""Price lists: stock asked for the list's date, typed records, titles, pickling, empty lists."""

from __future__ import annotations

import pickle
from collections.abc import Collection
from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import NotFoundError
from salescore.money import KG, Money, Quantity
from salescore.parties import Product, ProductId, WarehouseId
from salescore.pricing import (
    PriceRecord,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
    StaticStock,
    build_price_list,
)

BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
ON = date(2026, 3, 2)
PRODUCTS = [Product(ProductId("BEANS"), "Beans", unit=KG), Product(ProductId("CUP"), "Cup")]
SNAPSHOT = PricingSnapshot.build(
    [BASE],
    ON,
    products=PRODUCTS,
    records=[PriceRecord(BASE.id, ProductId("BEANS"), date(2026, 1, 1), Money("9.50", "RUB"))],
)
BEANS_ON_A = StaticStock({(WarehouseId("A"), ProductId("BEANS")): Quantity("1.250", KG)})


class DatedStock:
    """A stock source whose balances depend on the date asked, as a real register's do."""

    def __init__(self) -> None:
        self.asked: list[date] = []

    def balances(
        self, products: Collection[ProductId], warehouse_ids: Collection[WarehouseId], on: date
    ) -> dict[ProductId, Quantity]:
        self.asked.append(on)
        return {ProductId("BEANS"): Quantity("2" if on == ON else "7", KG)}


def test_stock_is_asked_for_on_the_date_of_the_price_list() -> None:
    stock = DatedStock()
    price_list = build_price_list(
        SNAPSHOT, [ProductId("BEANS")], [BASE.id], stock=stock, warehouse_ids=[WarehouseId("A")]
    )
    assert stock.asked == [ON]
    assert price_list.rows[0].stock == Quantity("2", KG)


def test_records_carry_prices_and_stock_as_decimals_with_none_for_no_price() -> None:
    price_list = build_price_list(
        SNAPSHOT,
        [ProductId("BEANS"), ProductId("CUP")],
        [BASE.id],
        stock=BEANS_ON_A,
        warehouse_ids=[WarehouseId("A")],
    )
    assert price_list.to_records() == [
        {
            "product": "BEANS",
            "name": "Beans",
            "unit": "kg",
            "Base, RUB": Decimal("9.50"),
            "stock": Decimal("1.250"),
        },
        # No price, and no stock on the chosen warehouse: zero stock.
        {"product": "CUP", "name": "Cup", "unit": "pcs", "Base, RUB": None, "stock": Decimal(0)},
    ]


def test_the_title_names_the_stock_warehouses_or_none() -> None:
    two = build_price_list(
        SNAPSHOT,
        [ProductId("CUP")],
        [BASE.id],
        stock=BEANS_ON_A,
        warehouse_ids=[WarehouseId("A"), WarehouseId("B")],
    )
    assert two.title() == "Price list on 2026-03-02 (stock: A, B)"
    nowhere = build_price_list(SNAPSHOT, [ProductId("CUP")], [BASE.id], stock=BEANS_ON_A)
    assert nowhere.title() == "Price list on 2026-03-02 (stock: none)"
    assert nowhere.rows[0].stock is None


def test_a_price_list_pickles_as_a_value_and_then_cannot_explain() -> None:
    price_list = build_price_list(
        SNAPSHOT,
        [ProductId("BEANS")],
        [BASE.id],
        stock=BEANS_ON_A,
        warehouse_ids=[WarehouseId("A")],
    )
    copy = pickle.loads(pickle.dumps(price_list))
    assert copy == price_list
    assert copy.as_rows() == price_list.as_rows()
    assert price_list.explain(ProductId("BEANS"), BASE.id).steps[-1].value == "9.50 RUB"
    with pytest.raises(NotFoundError, match="unpickled without its pricing snapshot"):
        copy.explain(ProductId("BEANS"), BASE.id)


def test_an_empty_price_list_still_shows_its_column_titles() -> None:
    html = build_price_list(SNAPSHOT, [], [BASE.id])._repr_html_()
    assert "<th>product</th>" in html
    assert "<th>Base, RUB</th>" in html
