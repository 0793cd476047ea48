"""Cash shifts [кассовые смены], X and Z figures, the retail sales report and takings (G5, G6).

A :class:`CashShift` is opened at one workplace (the register's fiscal
"open shift"), collects receipts and is closed with a Z report. Its figures
are never kept as running totals: :func:`sales_report` computes them from
the receipts each time (an X report while the shift is open, the retail
sales report [отчет о розничных продажах] at its close), so they cannot
drift from the receipts. The register's own totals (:class:`RegisterTotals`,
read from its fiscal storage) are compared with them; a difference is
listed in :attr:`RetailSalesReport.discrepancies`, never hidden.

The takings [выручка] are handed over to the company cash desk with a
:class:`TakingsHandover`; the cash in the drawer is the cash taken less the
change and the cash paid back on returns, less what was already handed over.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

import attrs

from salescore.errors import CashShiftError
from salescore.money import Currency, Money, total
from salescore.money._context import decimal_context
from salescore.records import Record, html_table
from salescore.retail._exact import exact
from salescore.retail.receipts import PaymentKind, ReceiptKind, RetailReceipt

__all__ = [
    "CashShift",
    "Discrepancy",
    "PaymentTotal",
    "ProductSold",
    "RegisterTotals",
    "ReportSource",
    "RetailSalesReport",
    "ShiftStatus",
    "TakingsHandover",
    "VatTotal",
    "cash_in_drawer",
    "sales_report",
]


class ShiftStatus(enum.Enum):
    """Open (selling) or closed (Z report made)."""

    OPEN = "open"
    CLOSED = "closed"


@attrs.frozen
class CashShift:
    """A cash shift at one workplace of an outlet.

    Attributes:
        id: the shift's id.
        outlet_id, workplace_id: where.
        opened_at: when it was opened.
        cashier: who opened it.
        register_shift: the register's shift number (``None`` without a register).
        open_document: the fiscal document number of the shift opening.
        status: open or closed.
        closed_at: when it was closed.
        close_document: the fiscal document number of the Z report.
        currency: the outlet's currency.
    """

    id: str
    outlet_id: str
    workplace_id: str
    opened_at: datetime
    cashier: str = ""
    register_shift: int | None = None
    open_document: int | None = None
    status: ShiftStatus = ShiftStatus.OPEN
    closed_at: datetime | None = None
    close_document: int | None = None
    currency: str = "RUB"

    @property
    def is_open(self) -> bool:
        """Whether the shift still sells."""
        return self.status is ShiftStatus.OPEN

    def require_open(self) -> None:
        """Raise :class:`~salescore.errors.CashShiftError` unless the shift is open."""
        if not self.is_open:
            raise CashShiftError(
                f"shift {self.id!r} at {self.outlet_id}/{self.workplace_id} is closed "
                f"({self.closed_at}); open a new shift to sell",
                shift=self.id,
            )

    def closed(self, at: datetime, document: int | None) -> CashShift:
        """This shift closed at ``at`` by fiscal document ``document``."""
        self.require_open()
        return attrs.evolve(self, status=ShiftStatus.CLOSED, closed_at=at, close_document=document)


@attrs.frozen
class ProductSold:
    """One product's line of a retail sales report (sales less returns)."""

    product_id: str
    name: str
    unit: str
    sold: Decimal
    returned: Decimal
    revenue: Money

    @property
    def net_quantity(self) -> Decimal:
        """Sold less returned: what left the store's stock."""
        return decimal_context().subtract(self.sold, self.returned)


@attrs.frozen
class PaymentTotal:
    """Takings by one payment kind: what the sales took and the returns paid back."""

    kind: PaymentKind
    sales: Money
    returns: Money

    @property
    def net(self) -> Money:
        """Sales less returns."""
        return self.sales - self.returns


@attrs.frozen
class VatTotal:
    """The VAT of one rate: the sums with VAT and the VAT, sales less returns."""

    rate: str
    amount: Money
    vat: Money


@attrs.frozen
class RegisterTotals:
    """What the fiscal register's storage holds for a shift (read back from it).

    Attributes:
        sales: the receipts' (income) totals.
        returns: the return receipts' (return of income) totals.
        cash: cash kept (sales' cash less change, less cash paid back);
            ``None`` when the register does not tell a receipt's payments.
        card: card payments less card refunds (``None`` likewise).
        receipts: the number of sale and return receipts.
    """

    sales: Decimal
    returns: Decimal
    cash: Decimal | None
    card: Decimal | None
    receipts: int


@attrs.frozen
class Discrepancy:
    """A figure where salescore's receipts and the register disagree."""

    figure: str
    ours: Decimal
    register: Decimal

    def __str__(self) -> str:
        return f"{self.figure}: receipts {self.ours}, register {self.register}"


class ReportSource(enum.Enum):
    """Where a retail sales report's figures come from."""

    SHIFT = "shift"
    """The receipts of a cash shift."""
    OFFLINE = "offline"
    """The sales loaded from an offline register."""
    MANUAL = "manual"
    """A report entered by hand at a non-automated outlet."""
    INVENTORY = "inventory"
    """Sales derived from two inventories (opening + receipts − closing)."""


@attrs.frozen
class RetailSalesReport:
    """The retail sales report [отчет о розничных продажах] of a shift or period.

    Attributes:
        id: the report's id.
        outlet_id: the outlet.
        warehouse_id: the store its goods left (the stock write-off).
        shift_id: the cash shift (``None`` for a report of a period).
        source: shift receipts, offline register, manual or inventory.
        final: False for an X report (the shift goes on), True at close.
        start, end: the period the receipts fall into.
        products: quantities and revenue per product.
        payments: takings per payment kind.
        vat: sums and VAT per rate.
        sales_receipts, return_receipts: how many of each.
        register: the register's own totals, when read.
        discrepancies: where the receipts and the register disagree.
        currency: the report's currency.
    """

    id: str
    outlet_id: str
    warehouse_id: str
    shift_id: str | None
    source: ReportSource
    final: bool
    start: datetime | None
    end: datetime | None
    products: tuple[ProductSold, ...]
    payments: tuple[PaymentTotal, ...]
    vat: tuple[VatTotal, ...]
    sales_receipts: int
    return_receipts: int
    currency: str
    register: RegisterTotals | None = None
    discrepancies: tuple[Discrepancy, ...] = ()

    @property
    def _currency(self) -> Currency:
        return Currency.of(self.currency)

    @property
    def sales(self) -> Money:
        """The sales' totals."""
        return total((p.sales for p in self.payments), self._currency)

    @property
    def returns(self) -> Money:
        """The returns' totals."""
        return total((p.returns for p in self.payments), self._currency)

    @property
    def revenue(self) -> Money:
        """Sales less returns."""
        return self.sales - self.returns

    @property
    def vat_total(self) -> Money:
        """The VAT of all rates."""
        return total((v.vat for v in self.vat), self._currency)

    def paid_by(self, kind: PaymentKind) -> Money:
        """Net takings of one payment kind."""
        return total((p.net for p in self.payments if p.kind is kind), self._currency)

    @property
    def is_balanced(self) -> bool:
        """True when the register was read and agrees with the receipts."""
        return self.register is not None and not self.discrepancies

    def to_records(self) -> list[Record]:
        """One row per product: quantities, revenue; then one per payment kind and VAT rate."""
        rows: list[Record] = [
            {
                "section": "product",
                "key": p.product_id,
                "name": p.name,
                "sold": p.sold,
                "returned": p.returned,
                "unit": p.unit,
                "amount": p.revenue.amount,
                "vat": None,
                "currency": self.currency,
            }
            for p in self.products
        ]
        rows += [
            {
                "section": "payment",
                "key": p.kind.value,
                "name": p.kind.value,
                "sold": None,
                "returned": None,
                "unit": None,
                "amount": p.net.amount,
                "vat": None,
                "currency": self.currency,
            }
            for p in self.payments
        ]
        rows += [
            {
                "section": "vat",
                "key": v.rate,
                "name": f"VAT {v.rate}",
                "sold": None,
                "returned": None,
                "unit": None,
                "amount": v.amount.amount,
                "vat": v.vat.amount,
                "currency": self.currency,
            }
            for v in self.vat
        ]
        return rows

    def _repr_html_(self) -> str:
        state = "balanced" if self.is_balanced else "; ".join(map(str, self.discrepancies))
        kind = "retail sales report" if self.final else "X report"
        caption = f"{kind} {self.id} ({self.outlet_id}): revenue {self.revenue} {state}"
        return html_table(self.to_records(), caption=caption)


def _reconcile(
    payments: Sequence[PaymentTotal], receipts: int, register: RegisterTotals
) -> tuple[Discrepancy, ...]:
    def net(kind: PaymentKind) -> Decimal:
        return sum((p.net.amount for p in payments if p.kind is kind), Decimal("0.00"))

    ours = {
        "sales": sum((p.sales.amount for p in payments), Decimal("0.00")),
        "returns": sum((p.returns.amount for p in payments), Decimal("0.00")),
        "cash": net(PaymentKind.CASH),
        "card": net(PaymentKind.CARD),
        "receipts": Decimal(receipts),
    }
    theirs = {
        "sales": register.sales,
        "returns": register.returns,
        "cash": register.cash,
        "card": register.card,
        "receipts": Decimal(register.receipts),
    }
    return tuple(
        Discrepancy(k, ours[k], value)
        for k, value in theirs.items()
        if value is not None and ours[k] != value
    )


def sales_report(
    report_id: str,
    *,
    outlet_id: str,
    warehouse_id: str,
    receipts: Iterable[RetailReceipt],
    currency: str,
    shift_id: str | None = None,
    source: ReportSource = ReportSource.SHIFT,
    final: bool = True,
    register: RegisterTotals | None = None,
) -> RetailSalesReport:
    """The retail sales report of ``receipts`` (cancelled ones left out).

    Receipts still pending at the register count: their goods have left the
    stock and their money is in the drawer or on its way; the register's
    totals will show whether they became fiscal.

    Args:
        register: the register's totals for the same receipts, to reconcile with.

    Raises:
        CashShiftError: a receipt in another currency.
    """
    cur = Currency.of(currency)
    zero = Money.zero(cur)
    counted = [r for r in receipts if r.counts]
    products: dict[str, list[object]] = {}
    pays = {k: [zero, zero] for k in PaymentKind}
    vats: dict[str, list[Money]] = {}
    start = min((r.at for r in counted), default=None)
    end = max((r.at for r in counted), default=None)
    for receipt in counted:
        if receipt.currency != cur:
            raise CashShiftError(
                f"receipt {receipt.id!r} is in {receipt.currency.code}, the report in {currency}",
                receipt=receipt.id,
            )
        ret = receipt.kind is ReceiptKind.RETURN
        for line in receipt.lines:
            row = products.setdefault(
                line.product_id,
                [line.name, line.quantity.unit.code, Decimal(0), Decimal(0), zero],
            )
            if ret:
                row[3] = row[3] + line.quantity.value  # type: ignore[operator]
                row[4] = row[4] - line.net  # type: ignore[operator]
            else:
                row[2] = row[2] + line.quantity.value  # type: ignore[operator]
                row[4] = row[4] + line.net  # type: ignore[operator]
            amount_vat = vats.setdefault(line.vat_rate, [zero, zero])
            amount_vat[0] += line.net * receipt.sign
            amount_vat[1] += line.vat * receipt.sign
        for kind in PaymentKind:
            pays[kind][1 if ret else 0] += receipt.paid_by(kind)
    payments = tuple(
        PaymentTotal(k, s, r) for k, (s, r) in pays.items() if not (s.is_zero() and r.is_zero())
    )
    sales_count = sum(1 for r in counted if r.kind is ReceiptKind.SALE)
    returns_count = len(counted) - sales_count
    return RetailSalesReport(
        report_id,
        outlet_id,
        warehouse_id,
        shift_id,
        source,
        final,
        start,
        end,
        tuple(
            ProductSold(pid, str(v[0]), str(v[1]), v[2], v[3], v[4])  # type: ignore[arg-type]
            for pid, v in sorted(products.items())
        ),
        payments,
        tuple(VatTotal(rate, a, v) for rate, (a, v) in sorted(vats.items())),
        sales_count,
        returns_count,
        currency,
        register,
        () if register is None else _reconcile(payments, len(counted), register),
    )


sales_report = exact(sales_report)


@attrs.frozen
class TakingsHandover:
    """Takings [выручка] handed from a shift's drawer to the company cash desk.

    Attributes:
        id: the document's id.
        shift_id, outlet_id: whose drawer.
        amount: the cash handed over.
        at: when.
        cash_desk: the company cash desk that takes it.
        register_document: the register's cash-out document number, if any.
    """

    id: str
    shift_id: str
    outlet_id: str
    amount: Money
    at: datetime
    cash_desk: str = "main"
    register_document: int | None = None

    def to_records(self) -> list[Record]:
        """One row: id, shift, outlet, amount, currency, when, cash desk."""
        return [
            {
                "id": self.id,
                "shift_id": self.shift_id,
                "outlet_id": self.outlet_id,
                "amount": self.amount.amount,
                "currency": self.amount.currency.code,
                "at": self.at,
                "cash_desk": self.cash_desk,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"takings hand-over {self.id}")


def cash_in_drawer(
    receipts: Iterable[RetailReceipt], handovers: Iterable[TakingsHandover], currency: str
) -> Money:
    """Cash the drawer holds from receipts: cash kept by sales, less cash paid back,
    less what was handed over (pending receipts count: their cash was taken)."""
    cur = Currency.of(currency)
    kept = total(
        (r.paid_by(PaymentKind.CASH) * r.sign for r in receipts if r.counts),
        cur,
    )
    return kept - total((h.amount for h in handovers), cur)


cash_in_drawer = exact(cash_in_drawer)
