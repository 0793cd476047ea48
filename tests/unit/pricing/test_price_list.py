"""Price lists: rows, stock from a stock source, notebook HTML."""

from __future__ import annotations

from datetime import date

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
PRODUCTS = [Product(ProductId("BEANS"), "Beans <dark>", unit=KG), Product(ProductId("CUP"), "Cup")]
SNAPSHOT = PricingSnapshot.build(
    [BASE],
    date(2026, 3, 2),
    products=PRODUCTS,
    records=[PriceRecord(BASE.id, ProductId("BEANS"), date(2026, 1, 1), Money("9.50", "RUB"))],
)


def test_stock_is_summed_over_the_chosen_warehouses_only() -> None:
    stock = StaticStock(
        {
            (WarehouseId("A"), ProductId("BEANS")): Quantity("1.250", KG),
            (WarehouseId("B"), ProductId("BEANS")): Quantity("2", KG),
            (WarehouseId("C"), ProductId("BEANS")): Quantity("100", KG),
        }
    )
    price_list = build_price_list(
        SNAPSHOT,
        [ProductId("CUP"), ProductId("BEANS")],
        [BASE.id],
        stock=stock,
        warehouse_ids=[WarehouseId("A"), WarehouseId("B")],
    )
    assert price_list.as_rows() == [
        {"product": "CUP", "name": "Cup", "unit": "pcs", "Base, RUB": "-", "stock": "0"},
        {
            "product": "BEANS",
            "name": "Beans <dark>",
            "unit": "kg",
            "Base, RUB": "9.50",
            "stock": "3.250",
        },
    ]
    assert price_list.rows[1].prices == (Money("9.50", "RUB"),)


def test_without_a_stock_source_there_is_no_stock_column() -> None:
    price_list = build_price_list(SNAPSHOT, [ProductId("BEANS")], [BASE.id])
    assert price_list.headers() == ["product", "name", "unit", "Base, RUB"]
    assert price_list.rows[0].stock is None


def test_the_notebook_table_escapes_text() -> None:
    html = build_price_list(SNAPSHOT, [ProductId("BEANS")], [BASE.id])._repr_html_()
    assert "<td>Beans &lt;dark&gt;</td>" in html
    assert html.startswith("<table><caption>Price list on 2026-03-02</caption>")
