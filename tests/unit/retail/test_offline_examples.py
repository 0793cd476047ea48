"""Offline registers and non-automated outlets on their own: the product table, an offline
sale's receipt, sales from two inventories and a hand-entered report. Figures by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.unit.retail._fixtures import BREAD, CHEESE, rub

from salescore.errors import RetailError
from salescore.money import KG, Quantity
from salescore.parties import Product, ProductId, WarehouseId
from salescore.pricing import PriceTypeId
from salescore.retail import (
    OfflineSale,
    OfflineSaleLine,
    Outlet,
    OutletId,
    OutletMode,
    PaymentKind,
    ProductTableRow,
    ReceiptKind,
    ReceiptSource,
    ReceiptStatus,
    RetailPayment,
    manual_receipt,
    offline_receipt,
    product_table,
    sales_from_inventory,
)
from salescore.tax import russian_vat_rates

RATES = russian_vat_rates()
VAN = Outlet(
    OutletId("VAN"), "Shop van", WarehouseId("VAN-STORE"), PriceTypeId("RETAIL"),
    mode=OutletMode.OFFLINE,
)  # fmt: skip
KIOSK = Outlet(
    OutletId("KIOSK"), "Kiosk", WarehouseId("KIOSK-STORE"), PriceTypeId("RETAIL"),
    mode=OutletMode.NON_AUTOMATED,
)  # fmt: skip
TEA = Product(ProductId("TEA"), "Tea", attributes={"barcode": "4600000000022"})
PRODUCTS = {p.id: p for p in (BREAD, CHEESE, TEA)}
PRICES = {BREAD.id: rub("45.50"), CHEESE.id: rub("129.90")}
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_the_product_table_lists_the_priced_products_by_code() -> None:
    prices = {**PRICES, TEA.id: rub("249.00")}
    table = product_table(VAN, [TEA, CHEESE, BREAD], prices, vat_rates=RATES, on=date(2026, 3, 2))
    assert (table.outlet_id, table.on) == ("VAN", date(2026, 3, 2))
    assert table.rows == (
        ProductTableRow("BREAD", "", "Bread", Decimal("45.50"), "22", "pcs"),
        ProductTableRow("CHEESE", "", "Cheese", Decimal("129.90"), "10", "kg"),
        ProductTableRow("TEA", "4600000000022", "Tea", Decimal("249.00"), "22", "pcs"),
    )
    # In 2025 the general rate was 20 %.
    earlier = product_table(VAN, [BREAD], prices, vat_rates=RATES, on=date(2025, 12, 31))
    assert earlier.rows[0].vat_rate == "20"
    # Without a price at the outlet a product is left out: the register could not sell it.
    assert [
        r.code
        for r in product_table(VAN, [TEA, BREAD], PRICES, vat_rates=RATES, on=NOON.date()).rows
    ] == ["BREAD"]
    assert table.to_records()[2] == {
        "code": "TEA",
        "barcode": "4600000000022",
        "name": "Tea",
        "price": Decimal("249.00"),
        "vat_rate": "22",
        "unit": "pcs",
    }
    assert table.to_csv().splitlines() == [
        "code;barcode;name;price;vat_rate;unit",
        "BREAD;;Bread;45.50;22;pcs",
        "CHEESE;;Cheese;129.90;10;kg",
        "TEA;4600000000022;Tea;249.00;22;pcs",
    ]
    assert "product table of VAN" in table._repr_html_()


def test_an_offline_sale_becomes_a_fiscal_receipt_with_its_discounts_and_payments() -> None:
    sale = OfflineSale(
        "77",
        NOON,
        (
            OfflineSaleLine("BREAD", Decimal(3), Decimal("45.50"), Decimal("136.50")),
            # 0.255 kg × 129.90 = 33.1245 → 33.12 at the register's price; charged 30.00.
            OfflineSaleLine("CHEESE", Decimal("0.255"), Decimal("129.90"), Decimal("30.00")),
        ),
        cash=Decimal("66.50"),
        card=Decimal("100.00"),
        fiscal_document=12,
    )
    receipt = offline_receipt(VAN, sale, PRODUCTS, vat_rates=RATES, shift_id="VAN-1")
    assert (receipt.id, receipt.kind, receipt.outlet_id, receipt.workplace_id) == (
        "VAN/77",
        ReceiptKind.SALE,
        "VAN",
        "offline",
    )
    assert (receipt.shift_id, receipt.at, receipt.fiscal_document) == ("VAN-1", NOON, 12)
    assert (receipt.status, receipt.source) == (ReceiptStatus.FISCAL, ReceiptSource.OFFLINE)
    bread, cheese = receipt.lines
    assert (bread.quantity, bread.gross, bread.discount, bread.net) == (
        Quantity(3),
        rub("136.50"),
        rub("0.00"),
        rub("136.50"),
    )
    assert (cheese.quantity, cheese.gross, cheese.discount, cheese.net) == (
        Quantity("0.255", KG),
        rub("33.12"),
        rub("3.12"),
        rub("30.00"),
    )
    assert receipt.payments == (
        RetailPayment(PaymentKind.CASH, rub("66.50")),
        RetailPayment(PaymentKind.CARD, rub("100.00")),
    )
    assert receipt.total == rub("166.50")


def test_an_offline_sale_paid_by_card_alone_has_no_cash_payment() -> None:
    sale = OfflineSale(
        "78",
        NOON,
        (OfflineSaleLine("BREAD", Decimal(1), Decimal("45.50"), Decimal("45.50")),),
        card=Decimal("45.50"),
        kind=ReceiptKind.RETURN,
    )
    receipt = offline_receipt(VAN, sale, PRODUCTS, vat_rates=RATES, shift_id="VAN-1")
    assert receipt.payments == (RetailPayment(PaymentKind.CARD, rub("45.50")),)
    assert receipt.kind is ReceiptKind.RETURN


def test_an_offline_sale_of_an_unknown_product_or_short_payments_is_refused() -> None:
    unknown = OfflineSale(
        "79", NOON, (OfflineSaleLine("CAVIAR", Decimal(1), Decimal("9.00"), Decimal("9.00")),),
        cash=Decimal("9.00"),
    )  # fmt: skip
    with pytest.raises(RetailError, match=r"^offline sale '79' of VAN: unknown product 'CAVIAR'$"):
        offline_receipt(VAN, unknown, PRODUCTS, vat_rates=RATES, shift_id="VAN-1")
    short = OfflineSale(
        "80", NOON, (OfflineSaleLine("BREAD", Decimal(1), Decimal("45.50"), Decimal("45.50")),),
        cash=Decimal("45.00"),
    )  # fmt: skip
    with pytest.raises(
        RetailError, match=r"^offline sale '80' of VAN: receipt 'VAN/80': payments 45\.00 RUB"
    ):
        offline_receipt(VAN, short, PRODUCTS, vat_rates=RATES, shift_id="VAN-1")


def test_sales_from_two_inventories_count_receipts_and_leave_out_what_did_not_move() -> None:
    sold = sales_from_inventory(
        {"BREAD": Decimal(100), "CHEESE": Decimal("5.000"), "TEA": Decimal(4)},
        {"BREAD": Decimal(20), "MILK": Decimal(6)},
        {"BREAD": Decimal(70), "CHEESE": Decimal("3.750"), "TEA": Decimal(4)},
    )
    # Bread 100 + 20 − 70 = 50; cheese 5 − 3.75; milk 0 + 6 − 0 = 6; tea did not move.
    assert sold == {"BREAD": Decimal(50), "CHEESE": Decimal("1.250"), "MILK": Decimal(6)}
    assert list(sold) == ["BREAD", "CHEESE", "MILK"]
    with pytest.raises(
        RetailError,
        match=r"^product 'BREAD': closing count 11 is above opening plus receipts 10; recount",
    ):
        sales_from_inventory({"BREAD": Decimal(10)}, {}, {"BREAD": Decimal(11)})
    assert sales_from_inventory({}, {"BREAD": Decimal(10)}, {"BREAD": Decimal(10)}) == {}


def test_a_hand_entered_report_is_one_fiscal_receipt_at_the_outlet_s_prices() -> None:
    receipt = manual_receipt(
        "KIOSK-2026-03-02",
        KIOSK,
        {"CHEESE": Decimal("1.250"), "BREAD": Decimal(50)},
        PRICES,
        PRODUCTS,
        vat_rates=RATES,
        at=NOON,
        card=rub("100.00"),
    )
    # 50 × 45.50 = 2,275.00 and 1.250 × 129.90 = 162.38: 2,437.38, 100.00 of it by card.
    assert [(x.product_id, x.net) for x in receipt.lines] == [
        ("BREAD", rub("2275.00")),
        ("CHEESE", rub("162.38")),
    ]
    assert receipt.payments == (
        RetailPayment(PaymentKind.CASH, rub("2337.38")),
        RetailPayment(PaymentKind.CARD, rub("100.00")),
    )
    assert (receipt.id, receipt.kind, receipt.outlet_id, receipt.workplace_id) == (
        "KIOSK-2026-03-02",
        ReceiptKind.SALE,
        "KIOSK",
        "manual",
    )
    assert (receipt.shift_id, receipt.at, receipt.status, receipt.source) == (
        "KIOSK-2026-03-02",
        NOON,
        ReceiptStatus.FISCAL,
        ReceiptSource.MANUAL,
    )
    cash_only = manual_receipt(
        "K-2", KIOSK, {"BREAD": Decimal(1)}, PRICES, PRODUCTS, vat_rates=RATES, at=NOON
    )
    assert cash_only.payments == (RetailPayment(PaymentKind.CASH, rub("45.50")),)
    all_card = manual_receipt(
        "K-3", KIOSK, {"BREAD": Decimal(1)}, PRICES, PRODUCTS, vat_rates=RATES, at=NOON,
        card=rub("45.50"),
    )  # fmt: skip
    assert all_card.payments == (RetailPayment(PaymentKind.CARD, rub("45.50")),)


def test_a_hand_entered_report_of_an_unpriced_product_or_of_nothing_is_refused() -> None:
    for pid in ("TEA", "CAVIAR"):  # no retail price; not a product at all
        with pytest.raises(
            RetailError,
            match=rf"^report 'K-1': product '{pid}' is unknown or has no retail price at KIOSK$",
        ):
            manual_receipt(
                "K-1", KIOSK, {pid: Decimal(1)}, PRICES, PRODUCTS, vat_rates=RATES, at=NOON
            )
    with pytest.raises(RetailError, match=r"^report 'K-1' sold nothing"):
        manual_receipt("K-1", KIOSK, {}, PRICES, PRODUCTS, vat_rates=RATES, at=NOON)


def test_a_hand_entered_report_keeps_a_card_part_under_one_rouble() -> None:
    receipt = manual_receipt(
        "K-4", KIOSK, {"BREAD": Decimal(1)}, PRICES, PRODUCTS, vat_rates=RATES, at=NOON,
        card=rub("0.50"),
    )  # fmt: skip
    assert receipt.payments == (
        RetailPayment(PaymentKind.CASH, rub("45.00")),
        RetailPayment(PaymentKind.CARD, rub("0.50")),
    )


def test_the_product_table_s_lines_end_with_a_bare_line_feed() -> None:
    table = product_table(VAN, [BREAD], PRICES, vat_rates=RATES, on=NOON.date())
    assert table.to_csv() == "code;barcode;name;price;vat_rate;unit\nBREAD;;Bread;45.50;22;pcs\n"
