"""Retail history and analysis (G7, G8): sales before go-live from CSV, and their analysis.

:func:`parse_sales_csv` reads retail sales made before go-live, one line of
a receipt per CSV row, and checks every row, naming it by its line number;
it returns the receipts or the list of problems (nothing half-read).
Columns (a header line, ``,`` or ``;`` separated)::

    outlet, receipt, at, kind, product, quantity, price, amount, payment

``at`` is an ISO date-time, ``kind`` ``sale`` or ``return``, ``payment``
``cash`` or ``card``; ``amount`` is the line's final sum (its discount is
``quantity × price − amount``). The receipts get ids ``"<outlet>/<receipt>"``,
so importing the same file twice adds nothing the second time.

:func:`retail_analysis` groups receipts by outlet, product, period, weekday
or hour: revenue, receipts, average receipt, items per receipt and the share
of returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

import attrs

from salescore.errors import Issue
from salescore.money import Currency, Money, Quantity
from salescore.money._context import decimal_context
from salescore.parties import Product, ProductId
from salescore.records import Record, html_table
from salescore.retail._exact import exact
from salescore.retail.receipts import (
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptSource,
    ReceiptStatus,
    RetailPayment,
    RetailReceipt,
    compose_lines,
)
from salescore.tax import VatRateTable

__all__ = [
    "ANALYSIS_KEYS",
    "CSV_COLUMNS",
    "AnalysisRow",
    "RetailAnalysis",
    "parse_sales_csv",
    "retail_analysis",
]

CSV_COLUMNS = (
    "outlet",
    "receipt",
    "at",
    "kind",
    "product",
    "quantity",
    "price",
    "amount",
    "payment",
)
"""The columns a retail history CSV has (in any order, a header line first)."""

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@attrs.frozen
class _Row:
    line: int
    outlet: str
    receipt: str
    at: datetime
    kind: ReceiptKind
    product: Product
    quantity: Decimal
    price: Decimal
    amount: Decimal
    payment: PaymentKind


def _gross(quantity: Decimal, price: Decimal, currency: Currency) -> Money:
    """Quantity × price, rounded half up to the kopeck (in the library's context)."""
    with localcontext(decimal_context()):
        return Money.of(quantity * price, currency)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _row(
    number: int,
    raw: Mapping[str, str],
    outlets: frozenset[str],
    products: Mapping[ProductId, Product],
    issues: list[Issue],
) -> _Row | None:
    where = f"line {number}"
    found = len(issues)

    def bad(code: str, message: str) -> None:
        issues.append(Issue(code, message, where))

    outlet = (raw.get("outlet") or "").strip()
    if outlet not in outlets:
        bad("unknown_outlet", f"outlet {outlet!r} is not known; add the outlet first")
    receipt = (raw.get("receipt") or "").strip()
    if not receipt:
        bad("no_receipt", "the receipt number is empty")
    at: datetime | None = None
    try:
        at = datetime.fromisoformat((raw.get("at") or "").strip())
    except ValueError:
        bad("bad_date", f"'at' {raw.get('at')!r} is not a date-time such as 2025-11-03T10:15")
    try:
        kind = ReceiptKind((raw.get("kind") or "sale").strip().lower())
    except ValueError:
        bad("bad_kind", f"'kind' {raw.get('kind')!r} is neither sale nor return")
        kind = ReceiptKind.SALE
    product = products.get(ProductId((raw.get("product") or "").strip()))
    if product is None:
        bad("unknown_product", f"product {raw.get('product')!r} is not known")
    numbers = {}
    for column in ("quantity", "price", "amount"):
        value = _decimal(raw.get(column) or "")
        if value is None or value < 0 or (column == "quantity" and value == 0):
            bad(f"bad_{column}", f"{column} {raw.get(column)!r} is not a positive number")
        numbers[column] = value
    try:
        payment = PaymentKind((raw.get("payment") or "").strip().lower())
    except ValueError:
        bad("bad_payment", f"payment {raw.get('payment')!r} is neither cash nor card")
        payment = PaymentKind.CASH
    q, p, a = numbers["quantity"], numbers["price"], numbers["amount"]
    if q is not None and p is not None and a is not None and q > 0:
        with localcontext(decimal_context()):
            # Half up, as the receipt's line sum (_gross) and a register round it.
            gross = (q * p).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if a > gross:
            bad("amount_above_price", f"amount {a} is above quantity × price {gross}")
        if product is not None and q != round(q, product.unit.scale):
            bad("bad_quantity", f"quantity {q} has more decimals than {product.unit.code} takes")
    if len(issues) > found or at is None or product is None:
        return None
    assert q is not None
    assert p is not None
    assert a is not None
    return _Row(number, outlet, receipt, at, kind, product, q, p, a, payment)


def parse_sales_csv(
    text: str,
    *,
    outlets: Iterable[str],
    products: Mapping[ProductId, Product],
    vat_rates: VatRateTable,
    currency: str = "RUB",
) -> tuple[list[RetailReceipt], list[Issue]]:
    """Retail receipts from a CSV of sales made before go-live, or every problem in it.

    Returns:
        ``(receipts, [])`` when every line is good, ``([], issues)`` otherwise:
        each issue's ``path`` is ``"line N"`` (the header is line 1).
    """
    known = frozenset(outlets)
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        return [], [Issue("missing_columns", f"columns missing: {', '.join(missing)}", "line 1")]
    issues: list[Issue] = []
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = _row(number, raw, known, products, issues)
        if row is not None:
            rows.append(row)
    if not rows and not issues:
        issues.append(Issue("empty", "the file has no sales lines", "line 2"))
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        groups.setdefault((row.outlet, row.receipt), []).append(row)
    cur = Currency.of(currency)
    receipts = []
    for (outlet, receipt_no), group in groups.items():
        first = group[0]
        odd = [r for r in group if r.at != first.at or r.kind is not first.kind]
        for r in odd:
            issues.append(
                Issue(
                    "mixed_receipt",
                    f"receipt {receipt_no!r} of {outlet}: date-time and kind differ from line "
                    f"{first.line}",
                    f"line {r.line}",
                )
            )
        if odd:
            continue
        items = [
            PricedItem(
                r.product,
                Quantity(r.quantity, r.product.unit),
                Money(r.price, cur),
                _gross(r.quantity, r.price, cur) - Money(r.amount, cur),
            )
            for r in group
        ]
        lines = compose_lines(items, vat_rates=vat_rates, on=first.at.date())
        paid: dict[PaymentKind, Money] = {}
        for r, line in zip(group, lines, strict=True):
            paid[r.payment] = paid.get(r.payment, Money.zero(cur)) + line.net
        receipts.append(
            RetailReceipt(
                f"{outlet}/{receipt_no}",
                first.kind,
                outlet,
                "history",
                "history",
                first.at,
                lines,
                tuple(RetailPayment(k, v) for k, v in paid.items() if v.amount > 0),
                status=ReceiptStatus.FISCAL,
                source=ReceiptSource.IMPORTED,
            )
        )
    if issues:
        return [], sorted(issues, key=lambda i: int(i.path.split()[-1]))
    return receipts, []


parse_sales_csv = exact(parse_sales_csv)


ANALYSIS_KEYS = ("outlet", "product", "period", "weekday", "hour")
"""What :func:`retail_analysis` can group by."""


@attrs.frozen
class AnalysisRow:
    """One group's figures.

    Attributes:
        key: the group (outlet id, product id, ``2026-03``, ``Mon``, ``10``).
        revenue: sales less returns.
        receipts: sale receipts with something of the group.
        average_receipt: revenue of sales / receipts.
        items_per_receipt: lines sold / receipts.
        returns_share: returns / sales (0 without sales).
    """

    key: str
    revenue: Decimal
    receipts: int
    average_receipt: Decimal
    items_per_receipt: Decimal
    returns_share: Decimal


@attrs.frozen
class RetailAnalysis:
    """Retail sales grouped by one key, as typed records (and a bar chart in ``plots``)."""

    by: str
    currency: str
    rows: tuple[AnalysisRow, ...]

    def to_records(self) -> list[Record]:
        """One row per group, with the currency."""
        return [{**attrs.asdict(r), "currency": self.currency} for r in self.rows]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"retail sales by {self.by}")


def _keys(receipt: RetailReceipt, by: str, product: str) -> str:
    if by == "outlet":
        return receipt.outlet_id
    if by == "product":
        return product
    if by == "period":
        return receipt.at.strftime("%Y-%m")
    if by == "weekday":
        return _WEEKDAYS[receipt.at.weekday()]
    return f"{receipt.at.hour:02d}"


def retail_analysis(
    receipts: Sequence[RetailReceipt], by: str, currency: str = "RUB"
) -> RetailAnalysis:
    """Revenue, receipts, average receipt, items per receipt and returns share by ``by``.

    Args:
        by: one of :data:`ANALYSIS_KEYS`; ``period`` groups by month.

    Raises:
        ValueError (an :class:`~salescore.errors.InvalidInputError`): an unknown key.
    """
    from salescore.errors import InvalidInputError

    if by not in ANALYSIS_KEYS:
        raise InvalidInputError(
            f"cannot group retail sales by {by!r}; choose one of {', '.join(ANALYSIS_KEYS)}",
            by=by,
        )
    with localcontext(decimal_context()):
        return _analysis(receipts, by, currency)


retail_analysis = exact(retail_analysis)


def _analysis(receipts: Sequence[RetailReceipt], by: str, currency: str) -> RetailAnalysis:
    cents = Decimal("0.01")
    sales: dict[str, Decimal] = {}
    returns: dict[str, Decimal] = {}
    receipt_ids: dict[str, set[str]] = {}
    items: dict[str, int] = {}
    for receipt in receipts:
        if not receipt.counts:
            continue
        for line in receipt.lines:
            key = _keys(receipt, by, line.product_id)
            if receipt.kind is ReceiptKind.SALE:
                sales[key] = sales.get(key, Decimal(0)) + line.net.amount
                receipt_ids.setdefault(key, set()).add(receipt.id)
                items[key] = items.get(key, 0) + 1
            else:
                returns[key] = returns.get(key, Decimal(0)) + line.net.amount
    rows = []
    for key in sorted(
        {*sales, *returns}, key=lambda k: (by == "weekday" and _WEEKDAYS.index(k), k)
    ):
        sold = sales.get(key, Decimal(0))
        back = returns.get(key, Decimal(0))
        count = len(receipt_ids.get(key, ()))
        rows.append(
            AnalysisRow(
                key,
                sold - back,
                count,
                (sold / count).quantize(cents) if count else Decimal("0.00"),
                (Decimal(items.get(key, 0)) / count).quantize(cents) if count else Decimal(0),
                (back / sold).quantize(Decimal("0.0001")) if sold else Decimal(0),
            )
        )
    return RetailAnalysis(by, currency, tuple(rows))
