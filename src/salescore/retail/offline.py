"""Offline registers and non-automated outlets (G3, G6).

A cash register offline [ККМ offline] sells on its own from a product table
salescore uploads to it (:func:`product_table`: code, barcode, name, retail
price, VAT rate, unit); its sales come back as :class:`OfflineSale` values
and become receipts (:func:`offline_receipt`) with the id
``"<outlet>/<sale id>"``, so loading the same sales twice adds nothing.

A non-automated outlet has no register: its sales come from a report
entered by hand (:func:`manual_receipt`) or from two inventories:
what was there, plus what came in, less what is there now
(:func:`sales_from_inventory`). Opening 100, receipts 20 and closing 70 is 50
sold; at 45.50 that is 2,275.00 of revenue:

>>> from decimal import Decimal, localcontext
>>> sales_from_inventory({"BREAD": Decimal(100)}, {"BREAD": Decimal(20)}, {"BREAD": Decimal(70)})
{'BREAD': Decimal('50')}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, localcontext

import attrs

from salescore.errors import RetailError
from salescore.money import Currency, Money, Quantity, total
from salescore.money._context import decimal_context
from salescore.parties import Product, ProductId
from salescore.records import Record, html_table
from salescore.retail._exact import exact
from salescore.retail.outlets import Outlet
from salescore.retail.receipts import (
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptSource,
    ReceiptStatus,
    RetailLine,
    RetailPayment,
    RetailReceipt,
    compose_lines,
)
from salescore.tax import VatRateTable

__all__ = [
    "OfflineProductTable",
    "OfflineSale",
    "OfflineSaleLine",
    "ProductTableRow",
    "manual_receipt",
    "offline_receipt",
    "product_table",
    "sales_from_inventory",
]


@attrs.frozen
class ProductTableRow:
    """One product as an offline register keeps it."""

    code: str
    barcode: str
    name: str
    price: Decimal
    vat_rate: str
    unit: str


@attrs.frozen
class OfflineProductTable:
    """The product table uploaded to an offline register [выгрузка товаров в ККМ offline]."""

    outlet_id: str
    on: date
    rows: tuple[ProductTableRow, ...]

    def to_records(self) -> list[Record]:
        """One row per product: code, barcode, name, price, VAT rate, unit."""
        return [attrs.asdict(r) for r in self.rows]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"product table of {self.outlet_id}")

    def to_csv(self) -> str:
        """The table as CSV text (``;``-separated, a header line), as registers load it."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "barcode", "name", "price", "vat_rate", "unit"])
        for r in self.rows:
            writer.writerow([r.code, r.barcode, r.name, r.price, r.vat_rate, r.unit])
        return out.getvalue()


def product_table(
    outlet: Outlet,
    products: Sequence[Product],
    prices: Mapping[ProductId, Money],
    *,
    vat_rates: VatRateTable,
    on: date,
) -> OfflineProductTable:
    """The product table of ``outlet`` on ``on``: each product with a retail price.

    Products without a price at the outlet are left out (the register could not
    sell them); the barcode is the product's ``barcode`` attribute, or empty.
    """
    rows = tuple(
        ProductTableRow(
            p.id,
            p.attributes.get("barcode", ""),
            p.name,
            prices[p.id].amount,
            vat_rates.rate(p.vat_category, on).code,
            p.unit.code,
        )
        for p in sorted(products, key=lambda p: p.id)
        if p.id in prices
    )
    return OfflineProductTable(outlet.id, on, rows)


product_table = exact(product_table)


@attrs.frozen
class OfflineSaleLine:
    """A line of a sale an offline register made: quantity, price and final amount."""

    product_id: str
    quantity: Decimal
    price: Decimal
    amount: Decimal


@attrs.frozen
class OfflineSale:
    """A sale (or return) an offline register made, as loaded back from it.

    Attributes:
        sale_id: the register's own number of the sale (unique per outlet).
        at: when.
        lines: what was sold.
        cash, card: how it was paid (net of change).
        kind: sale or return.
        fiscal_document: the register's fiscal document number, if known.
    """

    sale_id: str
    at: datetime
    lines: tuple[OfflineSaleLine, ...]
    cash: Decimal = Decimal("0.00")
    card: Decimal = Decimal("0.00")
    kind: ReceiptKind = ReceiptKind.SALE
    fiscal_document: int | None = None


def _money(value: Decimal, currency: Currency) -> Money:
    return Money(value, currency)


def offline_receipt(
    outlet: Outlet,
    sale: OfflineSale,
    products: Mapping[ProductId, Product],
    *,
    vat_rates: VatRateTable,
    shift_id: str,
) -> RetailReceipt:
    """The receipt of an offline register's sale: id ``"<outlet>/<sale id>"``, already fiscal.

    Each line's discount is its sum at the register's price less the amount
    the register charged; the VAT is taken out at the product's rate on the
    sale's day.

    Raises:
        RetailError: an unknown product, or payments that differ from the lines' sum.
    """
    cur = Currency.of(outlet.currency)
    items = []
    for line in sale.lines:
        product = products.get(ProductId(line.product_id))
        if product is None:
            raise RetailError(
                f"offline sale {sale.sale_id!r} of {outlet.id}: unknown product "
                f"{line.product_id!r}",
                sale=sale.sale_id,
            )
        quantity = Quantity(line.quantity, product.unit)
        with localcontext(decimal_context()):
            gross = Money.of(line.quantity * line.price, cur)
        items.append(
            PricedItem(product, quantity, Money(line.price, cur), gross - Money(line.amount, cur))
        )
    lines = compose_lines(items, vat_rates=vat_rates, on=sale.at.date())
    payments = tuple(
        RetailPayment(kind, _money(amount, cur))
        for kind, amount in ((PaymentKind.CASH, sale.cash), (PaymentKind.CARD, sale.card))
        if amount
    )
    try:
        return RetailReceipt(
            f"{outlet.id}/{sale.sale_id}",
            sale.kind,
            outlet.id,
            "offline",
            shift_id,
            sale.at,
            lines,
            payments,
            status=ReceiptStatus.FISCAL,
            source=ReceiptSource.OFFLINE,
            fiscal_document=sale.fiscal_document,
        )
    except RetailError as exc:
        raise RetailError(
            f"offline sale {sale.sale_id!r} of {outlet.id}: {exc}", sale=sale.sale_id
        ) from exc


offline_receipt = exact(offline_receipt)


def sales_from_inventory(
    opening: Mapping[str, Decimal],
    received: Mapping[str, Decimal],
    closing: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    """What was sold between two inventories: opening + received − closing, per product.

    Products with nothing sold are left out.

    Raises:
        RetailError: a product with more at the closing count than it could
            have had (a negative sale): recount, or record the missing receipt.
    """
    sold: dict[str, Decimal] = {}
    for product in sorted({*opening, *received, *closing}):
        had = opening.get(product, Decimal(0)) + received.get(product, Decimal(0))
        left = closing.get(product, Decimal(0))
        if left > had:
            raise RetailError(
                f"product {product!r}: closing count {left} is above opening plus receipts "
                f"{had}; recount it or record the receipt that brought the rest",
                product=product,
            )
        if had - left:
            sold[product] = had - left
    return sold


sales_from_inventory = exact(sales_from_inventory)


def manual_receipt(
    report_id: str,
    outlet: Outlet,
    sold: Mapping[str, Decimal],
    prices: Mapping[ProductId, Money],
    products: Mapping[ProductId, Product],
    *,
    vat_rates: VatRateTable,
    at: datetime,
    card: Money | None = None,
) -> RetailReceipt:
    """The sales of a non-automated outlet as one receipt, at the outlet's prices.

    ``sold`` comes from a report entered by hand or from
    :func:`sales_from_inventory`; the takings are the lines' total, paid in
    cash except what ``card`` says.

    Raises:
        RetailError: an unknown product, a product without a retail price, or
            nothing sold.
    """
    items = []
    for pid, quantity in sorted(sold.items()):
        product = products.get(ProductId(pid))
        price = prices.get(ProductId(pid))
        if product is None or price is None:
            raise RetailError(
                f"report {report_id!r}: product {pid!r} is unknown or has no retail price at "
                f"{outlet.id}",
                product=pid,
            )
        items.append(PricedItem(product, Quantity(quantity, product.unit), price))
    if not items:
        raise RetailError(f"report {report_id!r} sold nothing: there is nothing to record")
    lines: tuple[RetailLine, ...] = compose_lines(items, vat_rates=vat_rates, on=at.date())
    amount = total((x.net for x in lines), lines[0].net.currency)
    card_part = card or Money.zero(amount.currency)
    payments = tuple(
        RetailPayment(kind, value)
        for kind, value in ((PaymentKind.CASH, amount - card_part), (PaymentKind.CARD, card_part))
        if value.amount > 0
    )
    return RetailReceipt(
        report_id,
        ReceiptKind.SALE,
        outlet.id,
        "manual",
        report_id,
        at,
        lines,
        payments,
        status=ReceiptStatus.FISCAL,
        source=ReceiptSource.MANUAL,
    )


manual_receipt = exact(manual_receipt)
