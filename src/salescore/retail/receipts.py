"""Retail receipts [чеки ККМ] (G5): lines priced at the outlet, discounts, VAT, payments, returns.

A sale is composed in three pure steps, each computed once, in one place:

1. each scanned item is priced by the outlet's price type and gets the
   automatic and card discounts of the discount engine (the caller passes
   both in as :class:`PricedItem`);
2. a receipt discount [скидка на чек] is spread over the lines by largest
   remainder (:func:`salescore.money.allocate`), weighted by each line's sum
   after its own discount, so the lines add up to the total to the kopeck;
3. each line's VAT is taken out of its final sum at the rate of the
   product's VAT category on the day of sale (:mod:`salescore.tax`).

The golden receipt of the retail issue: 2 × 45.50 and 1.250 kg × 129.90 with a
5.00 receipt discount. The lines are 91.00 and 162.38 (162.375 rounded half
up); 5.00 × 91.00 / 253.38 = 1.7957… and 5.00 × 162.38 / 253.38 = 3.2042…
floor to 1.79 and 3.20, and the kopeck left goes to the larger remainder:
1.80 and 3.20. The total is 253.38 − 5.00 = 248.38; 300.00 cash gives
51.62 change.

>>> from datetime import date
>>> from decimal import Decimal
>>> from salescore.money import KG, Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> from salescore.tax import VatCategory, russian_vat_rates
>>> bread = Product(ProductId("BREAD"), "Bread")
>>> cheese = Product(ProductId("CHEESE"), "Cheese", unit=KG, vat_category=VatCategory.REDUCED)
>>> lines = compose_lines(
...     [PricedItem(bread, Quantity(2), Money("45.50", "RUB")),
...      PricedItem(cheese, Quantity("1.250", KG), Money("129.90", "RUB"))],
...     receipt_discount=Money("5.00", "RUB"),
...     vat_rates=russian_vat_rates(), on=date(2026, 3, 2))
>>> [(str(x.gross.amount), str(x.receipt_discount.amount), str(x.net.amount)) for x in lines]
[('91.00', '1.80', '89.20'), ('162.38', '3.20', '159.18')]

The VAT is 89.20 × 22 / 122 = 16.0852… → 16.09 for the bread (general rate
in 2026) and 159.18 × 10 / 110 = 14.4709… → 14.47 for the cheese (reduced):

>>> [(x.vat_rate, str(x.vat.amount)) for x in lines]
[('22', '16.09'), ('10', '14.47')]
>>> cash = (RetailPayment(PaymentKind.CASH, Money("300.00", "RUB")),)
>>> receipt = RetailReceipt("R-1", ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1",
...                         datetime(2026, 3, 2, 10, 15), lines, cash)
>>> receipt.total, receipt.change
(Money('248.38', 'RUB'), Money('51.62', 'RUB'))
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs

from salescore.errors import RetailError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, allocate, total
from salescore.money._context import decimal_context
from salescore.parties import Product, ProductId
from salescore.records import Record, html_table
from salescore.retail._exact import exact
from salescore.tax import VatLineFigures, VatRate, VatRateTable

__all__ = [
    "PaymentKind",
    "PricedItem",
    "ReceiptKind",
    "ReceiptSource",
    "ReceiptStatus",
    "RetailLine",
    "RetailPayment",
    "RetailReceipt",
    "compose_lines",
    "compose_return",
    "refund_payments",
]


class ReceiptKind(enum.Enum):
    """A sale or a buyer's return [возврат] within the shift."""

    SALE = "sale"
    RETURN = "return"


class ReceiptStatus(enum.Enum):
    """Where a receipt stands with the fiscal register."""

    PENDING = "pending"
    """Recorded with its stock move; the register has not confirmed it yet."""
    FISCAL = "fiscal"
    """Made fiscal (or, for a non-fiscal source, accepted)."""
    CANCELLED = "cancelled"
    """The register made nothing fiscal: the goods went back to stock."""


class ReceiptSource(enum.Enum):
    """Where a receipt came from."""

    REGISTER = "register"
    """Rung at a workplace and printed by its fiscal register."""
    OFFLINE = "offline"
    """Loaded back from a cash register offline [ККМ offline]."""
    IMPORTED = "imported"
    """Imported from the history of sales before go-live (no stock move)."""
    MANUAL = "manual"
    """A non-automated outlet's report, entered by hand or derived from inventories."""


class PaymentKind(enum.Enum):
    """How a buyer pays: cash (with change) or card."""

    CASH = "cash"
    CARD = "card"


def _positive_money(instance: object, attribute: attrs.Attribute[Money], value: Money) -> None:
    if value.amount <= 0:
        raise RetailError(f"a {attribute.name} must be positive, got {value}", value=value)


@attrs.frozen
class RetailPayment:
    """A payment of ``amount`` by ``kind``."""

    kind: PaymentKind
    amount: Money = attrs.field(validator=_positive_money)


@attrs.frozen
class PricedItem:
    """An item scanned into a receipt, priced and discounted.

    Attributes:
        product: the product (its name, unit and VAT category).
        quantity: how much (a weight for goods sold by weight).
        unit_price: the outlet's retail price (VAT included).
        discount: the automatic and card discounts of the line (from the
            discount engine), zero for none.
        rule_ids: the discount rules that gave ``discount``.
        marking_code: the marking code [код маркировки] scanned, if any.
    """

    product: Product
    quantity: Quantity
    unit_price: Money
    discount: Money | None = None
    rule_ids: tuple[str, ...] = ()
    marking_code: str = ""


def _round(value: Decimal, currency: Currency) -> Money:
    with localcontext(decimal_context()):
        return Money(value.quantize(currency.quantum, ROUND_HALF_UP), currency)


@attrs.frozen
class RetailLine(VatLineFigures):
    """One line of a retail receipt; every amount is final (VAT included).

    Attributes:
        line_no: the line's number in its receipt (for a return: the number
            of the sold line it returns).
        product_id, name: what was sold.
        quantity: how much.
        unit_price: the price of one unit.
        gross: quantity × unit price, rounded half up to the kopeck.
        discount: the line's own discount (automatic, card).
        receipt_discount: its share of the receipt discount.
        vat_rate: the VAT rate's code (``"22"``, ``"10"``, ``"none"``).
        vat: the VAT in the line's final sum.
        rule_ids: the discount rules behind ``discount``.
        marking_code: the marking code scanned, if any.
    """

    line_no: int
    product_id: ProductId
    name: str
    quantity: Quantity
    unit_price: Money
    gross: Money
    discount: Money
    receipt_discount: Money
    vat_rate: str
    vat: Money
    rule_ids: tuple[str, ...] = ()
    marking_code: str = ""

    def __attrs_post_init__(self) -> None:
        if self.discount.amount < 0 or self.receipt_discount.amount < 0 or self.net.amount < 0:
            raise RetailError(
                f"line {self.line_no} ({self.product_id}): discounts {self.discount} and "
                f"{self.receipt_discount} cannot be negative nor exceed the line's sum "
                f"{self.gross}",
                line=self.line_no,
            )

    @property
    def net(self) -> Money:
        """The line's final sum: gross less both discounts (VAT included)."""
        return self.gross - self.discount - self.receipt_discount

    @property
    def vat_included(self) -> bool:
        """Retail prices include VAT."""
        return True

    @property
    def all_discounts(self) -> Money:
        """The line's own discount and its share of the receipt discount."""
        return self.discount + self.receipt_discount

    def explain(self) -> Explanation:
        """How the line's final sum and VAT were computed, step by step."""
        rate = VatRate.parse(self.vat_rate)
        steps = [
            Step(
                f"{self.quantity} × {self.unit_price.amount}, rounded half up to the kopeck",
                str(self.gross),
                "the outlet's retail price",
            )
        ]
        if not self.discount.is_zero():
            steps.append(Step("the line's discount", f"−{self.discount}", ", ".join(self.rule_ids)))
        if not self.receipt_discount.is_zero():
            steps.append(
                Step(
                    "its share of the receipt discount (largest remainder by the lines' "
                    "sums after their own discounts)",
                    f"−{self.receipt_discount}",
                )
            )
        steps.append(Step("the line's final sum", str(self.net)))
        if rate.percent:
            how = f"{self.net.amount} × {rate.percent} / {100 + rate.percent}, half up"
            steps.append(Step(f"VAT {rate.label} in it: {how}", str(self.vat), "the VAT table"))
        else:
            steps.append(Step(f"VAT {rate.label}", str(self.vat), "the VAT table"))
        return Explanation(f"line {self.line_no}: {self.name}", tuple(steps))


def compose_lines(
    items: Sequence[PricedItem],
    *,
    receipt_discount: Money | None = None,
    vat_rates: VatRateTable,
    on: date,
) -> tuple[RetailLine, ...]:
    """The lines of a sale: gross, own discount, receipt-discount share, VAT.

    Args:
        items: the priced and discounted items, in scan order.
        receipt_discount: a discount on the whole receipt, spread over the
            lines by largest remainder weighted by their sums after their own
            discounts.
        vat_rates: the VAT table; each product's category gives its rate on ``on``.
        on: the day of sale.

    Raises:
        RetailError: no items, items in two currencies, or a receipt discount
            above the lines' sum.
        TaxError: the VAT table has no rate of a product's category on ``on``.
    """
    if not items:
        raise RetailError("a receipt needs at least one line: scan a product first")
    currency = items[0].unit_price.currency
    grosses: list[Money] = []
    owns: list[Money] = []
    for item in items:
        if item.unit_price.currency != currency:
            raise RetailError(
                f"{item.product.id} is priced in {item.unit_price.currency.code}, the receipt "
                f"in {currency.code}: one receipt takes one currency",
                product=item.product.id,
            )
        with localcontext(decimal_context()):
            gross = _round(item.quantity.value * item.unit_price.amount, currency)
        grosses.append(gross)
        owns.append(item.discount or Money.zero(currency))
    after_own = [g - d for g, d in zip(grosses, owns, strict=True)]
    shares: Sequence[Money]
    if receipt_discount is None or receipt_discount.is_zero():
        shares = [Money.zero(currency)] * len(items)
    else:
        base = total(after_own, currency)
        if receipt_discount.amount < 0 or receipt_discount > base:
            raise RetailError(
                f"a receipt discount of {receipt_discount} must be between 0 and the lines' "
                f"sum {base}",
                discount=receipt_discount,
            )
        shares = allocate(receipt_discount, [a.amount for a in after_own])
    lines = []
    for number, (item, gross, own, share) in enumerate(
        zip(items, grosses, owns, shares, strict=True), start=1
    ):
        rate = vat_rates.rate(item.product.vat_category, on)
        net = gross - own - share
        lines.append(
            RetailLine(
                number,
                item.product.id,
                item.product.name,
                item.quantity,
                item.unit_price,
                gross,
                own,
                share,
                rate.code,
                rate.vat_of(net, included=True),
                item.rule_ids,
                item.marking_code,
            )
        )
    return tuple(lines)


compose_lines = exact(compose_lines)


@attrs.frozen
class RetailReceipt:
    """A retail receipt: a sale, or a return of goods of an earlier sale.

    Attributes:
        id: the receipt's id, also its idempotency key at the fiscal register.
        kind: sale or return.
        outlet_id, workplace_id, shift_id: where and in which cash shift.
        at: when.
        lines: the lines (final amounts).
        payments: how the buyer paid (a sale) or was paid back (a return).
        cashier: who rang it.
        card_number: the loyalty card shown, if any.
        status: pending, fiscal or cancelled.
        source: rung at a register, loaded from an offline register, imported.
        fiscal_document, fiscal_sign: the register's document number and sign.
        original_id: for a return, the sale it returns goods of.

    Raises:
        RetailError: no lines, payments short of the total, card payments above
            it, or a return paid back more than its total.
    """

    id: str
    kind: ReceiptKind
    outlet_id: str
    workplace_id: str
    shift_id: str
    at: datetime
    lines: tuple[RetailLine, ...] = attrs.field(converter=tuple[RetailLine, ...])
    payments: tuple[RetailPayment, ...] = attrs.field(converter=tuple[RetailPayment, ...])
    cashier: str = ""
    card_number: str | None = None
    status: ReceiptStatus = ReceiptStatus.PENDING
    source: ReceiptSource = ReceiptSource.REGISTER
    fiscal_document: int | None = None
    fiscal_sign: int | None = None
    original_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.id:
            raise RetailError("a receipt needs an id (its idempotency key at the register)")
        if not self.lines:
            raise RetailError(f"receipt {self.id!r} has no lines")
        currency = self.currency
        paid = total((p.amount for p in self.payments), currency)
        card = total((p.amount for p in self.payments if p.kind is PaymentKind.CARD), currency)
        if paid < self.total:
            raise RetailError(
                f"receipt {self.id!r}: payments {paid} are less than the total {self.total}; "
                f"take {self.total - paid} more",
                receipt=self.id,
                paid=paid,
                total=self.total,
            )
        if card > self.total:
            raise RetailError(
                f"receipt {self.id!r}: card payments {card} exceed the total {self.total}; "
                "only cash can give change",
                receipt=self.id,
            )
        if self.kind is ReceiptKind.RETURN and paid != self.total:
            raise RetailError(
                f"return {self.id!r} pays back {paid}, not its total {self.total}",
                receipt=self.id,
            )

    @property
    def currency(self) -> Currency:
        """The receipt's currency."""
        return self.lines[0].gross.currency

    @property
    def total(self) -> Money:
        """The sum to pay (or to pay back): the lines' final sums."""
        return total((x.net for x in self.lines), self.currency)

    @property
    def gross(self) -> Money:
        """The lines' sums before discounts."""
        return total((x.gross for x in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        """Every discount of the receipt (lines' own and the receipt discount)."""
        return total((x.all_discounts for x in self.lines), self.currency)

    @property
    def paid(self) -> Money:
        """Everything handed over (cash before change, card)."""
        return total((p.amount for p in self.payments), self.currency)

    @property
    def change(self) -> Money:
        """Cash given back [сдача]."""
        return self.paid - self.total

    def paid_by(self, kind: PaymentKind) -> Money:
        """What stays paid by ``kind``: cash less the change, card as paid."""
        paid = total((p.amount for p in self.payments if p.kind is kind), self.currency)
        return paid - self.change if kind is PaymentKind.CASH else paid

    @property
    def vat(self) -> Money:
        """The receipt's VAT: the sum of its lines' VAT."""
        return total((x.vat for x in self.lines), self.currency)

    def vat_by_rate(self) -> dict[str, tuple[Money, Money]]:
        """Per VAT rate code: (sum with VAT, VAT)."""
        found: dict[str, tuple[Money, Money]] = {}
        for line in self.lines:
            amount, vat = found.get(line.vat_rate, (Money.zero(self.currency),) * 2)
            found[line.vat_rate] = (amount + line.net, vat + line.vat)
        return found

    @property
    def sign(self) -> int:
        """1 for a sale, -1 for a return: how the receipt counts in totals."""
        return 1 if self.kind is ReceiptKind.SALE else -1

    @property
    def counts(self) -> bool:
        """Whether the receipt counts in the shift's figures (not cancelled)."""
        return self.status is not ReceiptStatus.CANCELLED

    def explain(self) -> Explanation:
        """Each line's computation, then the total, the payments and the change."""
        steps = [Step(x.name, str(x.net), detail=x.explain()) for x in self.lines]
        steps.append(Step("total", str(self.total)))
        steps += [Step(f"paid by {p.kind.value}", str(p.amount)) for p in self.payments]
        if not self.change.is_zero():
            steps.append(Step("change", str(self.change)))
        return Explanation(f"{self.kind.value} {self.id}", tuple(steps))

    def to_records(self) -> list[Record]:
        """One row per line: receipt, kind, status, line, product, quantity, amounts, VAT."""
        return [
            {
                "receipt": self.id,
                "kind": self.kind.value,
                "status": self.status.value,
                "at": self.at,
                "line": x.line_no,
                "product_id": x.product_id,
                "quantity": x.quantity.value,
                "unit": x.quantity.unit.code,
                "price": x.unit_price.amount,
                "gross": x.gross.amount,
                "discount": x.discount.amount,
                "receipt_discount": x.receipt_discount.amount,
                "net": x.net.amount,
                "vat_rate": x.vat_rate,
                "vat": x.vat.amount,
                "currency": self.currency.code,
            }
            for x in self.lines
        ]

    def _repr_html_(self) -> str:
        caption = f"{self.kind.value} {self.id}: {self.total} ({self.status.value})"
        return html_table(self.to_records(), caption=caption)


def _share(amount: Money, part: Decimal, whole: Decimal) -> Money:
    with localcontext(decimal_context()):
        return _round(amount.amount * part / whole, amount.currency)


def compose_return(
    return_id: str,
    sale: RetailReceipt,
    quantities: Mapping[int, Decimal],
    *,
    earlier: Sequence[RetailReceipt] = (),
    shift_id: str,
    at: datetime,
    cashier: str = "",
) -> RetailReceipt:
    """A return [возврат] of goods of ``sale``: each line at what the buyer paid for it.

    A line's refund is its final sum in proportion to the quantity returned,
    counted cumulatively over every return of the sale (``earlier``), so that
    returning the whole line in parts pays back exactly its final sum. The
    VAT is the sale's rate (a return of a 2025 sale keeps its 20 %). The
    money goes back the way it came: card first, up to what the card paid and
    was not yet paid back, the rest in cash.

    Args:
        return_id: the return receipt's id.
        sale: the sale receipt.
        quantities: quantity to return by the sale's line number.
        earlier: the sale's earlier returns (cancelled ones are ignored).
        shift_id: the shift the return is made in.
        at: when.
        cashier: who makes it.

    Raises:
        RetailError: the receipt is not a sale, a line it does not have, or more
            than is left to return of a line.
    """
    if sale.kind is not ReceiptKind.SALE or sale.status is ReceiptStatus.CANCELLED:
        raise RetailError(
            f"receipt {sale.id!r} is not a sale that counts: only goods sold can be returned",
            receipt=sale.id,
        )
    counted = [r for r in earlier if r.counts and r.original_id == sale.id]
    by_no = {x.line_no: x for x in sale.lines}
    lines = []
    for line_no, asked in sorted(quantities.items()):
        line = by_no.get(line_no)
        if line is None:
            raise RetailError(
                f"sale {sale.id!r} has no line {line_no}; its lines: {', '.join(map(str, by_no))}",
                receipt=sale.id,
                line=line_no,
            )
        before = [x for r in counted for x in r.lines if x.line_no == line_no]
        returned = sum((x.quantity.value for x in before), Decimal(0))
        asked_q = Quantity(asked, line.quantity.unit)
        if asked_q.value <= 0 or returned + asked_q.value > line.quantity.value:
            raise RetailError(
                f"sale {sale.id!r} line {line_no} ({line.product_id}): {asked} cannot be "
                f"returned; sold {line.quantity.value}, returned {returned}, left "
                f"{line.quantity.value - returned}",
                receipt=sale.id,
                line=line_no,
                left=line.quantity.value - returned,
            )
        currency = line.gross.currency
        refunded = total((x.net for x in before), currency)
        cumulative = returned + asked_q.value
        refund = _share(line.net, cumulative, line.quantity.value) - refunded
        with localcontext(decimal_context()):
            gross = _round(asked_q.value * line.unit_price.amount, currency)
        refund = min(refund, gross)  # a kopeck of rounding never pays back more than the sum
        discounts = gross - refund
        receipt_part = min(
            discounts, _share(line.receipt_discount, asked_q.value, line.quantity.value)
        )
        lines.append(
            RetailLine(
                line_no,
                line.product_id,
                line.name,
                asked_q,
                line.unit_price,
                gross,
                discounts - receipt_part,
                receipt_part,
                line.vat_rate,
                VatRate.parse(line.vat_rate).vat_of(refund, included=True),
                line.rule_ids,
                line.marking_code,
            )
        )
    if not lines:
        raise RetailError(f"a return of {sale.id!r} needs at least one line to return")
    refund_total = total((x.net for x in lines), sale.currency)
    payments = refund_payments(sale, counted, refund_total)
    return RetailReceipt(
        return_id,
        ReceiptKind.RETURN,
        sale.outlet_id,
        sale.workplace_id,
        shift_id,
        at,
        tuple(lines),
        payments,
        cashier=cashier,
        card_number=sale.card_number,
        original_id=sale.id,
    )


compose_return = exact(compose_return)


def refund_payments(
    sale: RetailReceipt, earlier: Sequence[RetailReceipt], refund: Money
) -> tuple[RetailPayment, ...]:
    """How ``refund`` goes back: card first (up to what the card paid and was not paid
    back by ``earlier`` returns), the rest in cash."""
    currency = sale.currency
    card_left = sale.paid_by(PaymentKind.CARD) - total(
        (r.paid_by(PaymentKind.CARD) for r in earlier), currency
    )
    card = min(refund, card_left) if card_left.amount > 0 else Money.zero(currency)
    cash = refund - card
    payments = []
    if card.amount > 0:
        payments.append(RetailPayment(PaymentKind.CARD, card))
    if cash.amount > 0:
        payments.append(RetailPayment(PaymentKind.CASH, cash))
    return tuple(payments)


refund_payments = exact(refund_payments)
