"""Fiscal receipts (кассовый чек) as a fiscal register takes them, and the exactly-once journal.

A :class:`Receipt` holds lines (name, quantity, price, VAT rate, line
discount), payments by type and an optional receipt-level discount. Before
anything goes to a device, the receipt-level discount is spread into the lines
by largest remainder, so that every line sum the device sees agrees with
price × quantity within its ±1 kopeck rule and the lines add up to the total
exactly (hazard H5). Money and quantities stay :class:`~decimal.Decimal`; floats
are refused.

>>> receipt = Receipt(
...     "r-1",
...     ReceiptKind.SALE,
...     lines=(
...         ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
...         ReceiptLine("Сыр", Decimal("0.347"), Decimal("899.90"), VatRate.parse("10")),
...     ),
...     payments=(Payment(PaymentType.CASH, Decimal("500")),),
...     discount=Decimal("10.00"),
... )
>>> [str(line.gross) for line in receipt.fiscal_lines()]
['91.00', '312.27']
>>> [str(line.discount) for line in receipt.fiscal_lines()]
['2.26', '7.74']
>>> receipt.total, receipt.change
(Decimal('393.27'), Decimal('106.73'))

The journal (:class:`FiscalJournal`) is the port that makes a receipt
fiscal exactly once: the driver records the receipt before it opens it on the
device and the expected fiscal document number before it sends "close"; after
an error or a restart it compares the journal with the fiscal storage.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final, Protocol, TypeVar

import attrs

from salescore.errors import InvalidAmountError, InvalidInputError, TaxError
from salescore.hardware.marking import marking_payload, planned_status
from salescore.money import allocate_units
from salescore.money._context import decimal_context
from salescore.tax import VatRate

T = TypeVar("T")

__all__ = [
    "ATOL_MEASURE_UNITS",
    "ATOL_PAYMENT_METHODS",
    "ATOL_PAYMENT_SUBJECTS",
    "ATOL_TAX_SYSTEMS",
    "ATOL_VAT_NAMES",
    "FFD_VAT_CODES",
    "SHIFT_LIMIT",
    "Correction",
    "CorrectionType",
    "DeviceClock",
    "FiscalDocumentInfo",
    "FiscalJournal",
    "FiscalResult",
    "FiscalStatus",
    "FiscalWarning",
    "JournalEntry",
    "JournalState",
    "MeasureUnit",
    "Payment",
    "PaymentMethod",
    "PaymentSplit",
    "PaymentSubject",
    "PaymentType",
    "Receipt",
    "ReceiptKind",
    "ReceiptLine",
    "ReceiptOutcome",
    "ShiftReport",
    "ShiftState",
    "SystemClock",
    "TaxSystem",
    "shift_deadline",
    "shift_ends_soon",
    "shift_refusal",
    "vat_code",
]

_KOPECK = Decimal("0.01")
_GRAM = Decimal("0.001")

PaymentSplit = tuple[tuple[str, Decimal], ...]
"""Sums by payment type name (``"cash"``, ``"electronically"``, …), sorted, zeros left out."""


class ReceiptKind(enum.IntEnum):
    """Receipt kind (признак расчёта), numbered as Shtrih's open-receipt command."""

    SALE = 0
    """Приход."""
    BUY = 1
    """Расход."""
    SALE_RETURN = 2
    """Возврат прихода."""
    BUY_RETURN = 3
    """Возврат расхода."""


ATOL_VAT_NAMES: Final[Mapping[str, str]] = {
    "22": "vat22",
    "10": "vat10",
    "0": "vat0",
    "none": "none",
    "22/122": "vat122",
    "10/110": "vat110",
    "5": "vat5",
    "7": "vat7",
    "5/105": "vat105",
    "7/107": "vat107",
    "20": "vat20",
    "20/120": "vat120",
}
"""ATOL JSON task API's ``tax.type`` of each VAT rate code (:attr:`VatRate.code`)."""

FFD_VAT_CODES: Final[Mapping[str, int]] = {
    "20": 1,
    "10": 2,
    "20/120": 3,
    "10/110": 4,
    "0": 5,
    "none": 6,
    "5": 7,
    "7": 8,
    "5/105": 9,
    "7/107": 10,
    "22": 11,
    "22/122": 12,
}
"""FFD tag 1199 (ставка НДС) of each VAT rate code. Codes 1-6 as the FFD has numbered
them since 2019 (1 and 3 stay 20 % and 20/120, for returns and prepayment offsets of
sales made before 2026), 7-10 the simplified 5 %, 7 %, 5/105, 7/107, and 11 and 12 the
22 % and 22/122 of 2026, added to table 8 of the FFD by the FNS order of 2025-12-08
No. ЕД-7-20/1050@ (in force from 2026-01-05)."""


def vat_code(rate: VatRate, table: Mapping[str, T], protocol: str) -> T:
    """``rate``'s code in ``table``; :class:`~salescore.errors.TaxError` if it has none.

    >>> vat_code(VatRate.parse("22/122"), ATOL_VAT_NAMES, "atol-web")
    'vat122'
    >>> vat_code(VatRate.parse("18"), ATOL_VAT_NAMES, "atol-web")
    Traceback (most recent call last):
    ...
    salescore.errors.TaxError: VAT rate 18% cannot be sent to a atol-web device ...
    """
    try:
        return table[rate.code]
    except KeyError:
        known = ", ".join(sorted(table))
        raise TaxError(
            f"VAT rate {rate.label} cannot be sent to a {protocol} device (it takes {known}): "
            "use a rate the register knows",
            rate=rate.code,
            protocol=protocol,
            device_code=None,
        ) from None


class PaymentMethod(enum.IntEnum):
    """Payment method of a line [признак способа расчета], FFD tag 1214."""

    FULL_PREPAYMENT = 1
    PREPAYMENT = 2
    ADVANCE = 3
    FULL_PAYMENT = 4
    PARTIAL_PAYMENT = 5
    CREDIT = 6
    CREDIT_PAYMENT = 7


class PaymentSubject(enum.IntEnum):
    """What a line sells [признак предмета расчета], FFD tag 1212."""

    COMMODITY = 1
    EXCISE = 2
    JOB = 3
    SERVICE = 4
    PAYMENT = 10
    AGENT_COMMISSION = 11
    COMPOSITE = 12
    ANOTHER = 13
    EXCISE_MARKED = 31
    """An excise item with a marking code (FFD 1.2); a marked excise line is sent so."""
    COMMODITY_MARKED = 33
    """A commodity with a marking code (FFD 1.2); a marked commodity line is sent so."""


class MeasureUnit(enum.IntEnum):
    """Unit of a line's quantity [мера количества], FFD 1.2 tag 2108."""

    PIECE = 0
    GRAM = 10
    KILOGRAM = 11
    TON = 12
    CENTIMETER = 20
    DECIMETER = 21
    METER = 22
    MILLILITER = 40
    LITER = 41
    OTHER = 255


class TaxSystem(enum.IntEnum):
    """The seller's tax system [система налогообложения], FFD tag 1055 (bit number)."""

    GENERAL = 0
    SIMPLIFIED_INCOME = 1
    SIMPLIFIED_INCOME_EXPENSE = 2
    AGRICULTURAL = 4
    PATENT = 5


ATOL_PAYMENT_METHODS: Final[Mapping[PaymentMethod, str]] = {
    PaymentMethod.FULL_PREPAYMENT: "fullPrepayment",
    PaymentMethod.PREPAYMENT: "prepayment",
    PaymentMethod.ADVANCE: "advance",
    PaymentMethod.FULL_PAYMENT: "fullPayment",
    PaymentMethod.PARTIAL_PAYMENT: "partialPayment",
    PaymentMethod.CREDIT: "credit",
    PaymentMethod.CREDIT_PAYMENT: "creditPayment",
}
"""ATOL JSON ``paymentMethod`` of each FFD 1214 value."""

ATOL_PAYMENT_SUBJECTS: Final[Mapping[PaymentSubject, str]] = {
    PaymentSubject.COMMODITY: "commodity",
    PaymentSubject.EXCISE: "excise",
    PaymentSubject.JOB: "job",
    PaymentSubject.SERVICE: "service",
    PaymentSubject.PAYMENT: "payment",
    PaymentSubject.AGENT_COMMISSION: "agentCommission",
    PaymentSubject.COMPOSITE: "composite",
    PaymentSubject.ANOTHER: "another",
    PaymentSubject.EXCISE_MARKED: "exciseWithMarking",
    PaymentSubject.COMMODITY_MARKED: "commodityWithMarking",
}
"""ATOL JSON ``paymentObject`` of each FFD 1212 value."""

ATOL_MEASURE_UNITS: Final[Mapping[MeasureUnit, str]] = {
    MeasureUnit.PIECE: "piece",
    MeasureUnit.GRAM: "gram",
    MeasureUnit.KILOGRAM: "kilogram",
    MeasureUnit.TON: "ton",
    MeasureUnit.CENTIMETER: "centimeter",
    MeasureUnit.DECIMETER: "decimeter",
    MeasureUnit.METER: "meter",
    MeasureUnit.MILLILITER: "milliliter",
    MeasureUnit.LITER: "liter",
    MeasureUnit.OTHER: "otherUnits",
}
"""ATOL JSON ``measurementUnit`` (FFD 1.2) of each FFD 2108 value."""

ATOL_TAX_SYSTEMS: Final[Mapping[TaxSystem, str]] = {
    TaxSystem.GENERAL: "osn",
    TaxSystem.SIMPLIFIED_INCOME: "usnIncome",
    TaxSystem.SIMPLIFIED_INCOME_EXPENSE: "usnIncomeOutcome",
    TaxSystem.AGRICULTURAL: "esn",
    TaxSystem.PATENT: "patent",
}
"""ATOL JSON ``taxationType`` of each FFD 1055 value."""


class PaymentType(enum.Enum):
    """Payment type (вид оплаты)."""

    CASH = "cash"
    ELECTRONIC = "electronically"
    PREPAID = "prepaid"
    CREDIT = "credit"


class ShiftState(enum.IntEnum):
    """Shift state, numbered as 1C's driver interface numbers it."""

    CLOSED = 1
    OPEN = 2
    EXPIRED = 3
    """Open for more than 24 hours: only a Z report (close shift) is possible."""


def _require_decimal(value: object, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidAmountError(
            f"{what} must be a finite Decimal, got {type(value).__name__} {value!r}; "
            "floats are refused so that no kopeck is lost",
            value=value,
        )
    return value


def _money(value: Decimal, what: str) -> Decimal:
    value = _require_decimal(value, what)
    if value != value.quantize(_KOPECK, rounding=ROUND_HALF_UP):
        raise InvalidAmountError(
            f"{what} {value} must be a whole number of kopecks (round it to 0.01 first)",
            value=value,
        )
    return value


def _payment_split(payments: Sequence[Payment], change: Decimal) -> PaymentSplit:
    """Sums by payment type, cash less ``change``, zeros left out, sorted."""
    split: dict[str, Decimal] = {}
    for kind in PaymentType:
        paid = sum((p.amount for p in payments if p.type is kind), Decimal("0.00"))
        if kind is PaymentType.CASH:
            paid -= change
        if paid:
            split[kind.value] = paid
    return tuple(sorted(split.items()))


@attrs.frozen
class ReceiptLine:
    """One line: ``quantity`` (up to 3 decimals) × ``price`` (kopecks), less ``discount``.

    Raises:
        InvalidAmountError: for floats, more decimals than the device takes,
            a quantity that is not positive, a negative price, or a discount
            above the line's sum.
    """

    name: str
    quantity: Decimal
    price: Decimal
    vat: VatRate = attrs.field(factory=lambda: VatRate.parse("22"))
    """The line's rate (:class:`salescore.tax.VatRate`); the general 22 % if not given."""
    discount: Decimal = Decimal("0.00")
    department: int = 1
    payment_method: PaymentMethod = PaymentMethod.FULL_PAYMENT
    """FFD 1214 (sent by FFD 1.2 drivers)."""
    subject: PaymentSubject = PaymentSubject.COMMODITY
    """FFD 1212 (sent by FFD 1.2 drivers)."""
    unit: MeasureUnit = MeasureUnit.PIECE
    """FFD 2108 (sent by FFD 1.2 drivers)."""
    marking_code: str | None = None
    """The item's marking code [код маркировки] as scanned (with its ``GS`` separators),
    checked and bound to the line by FFD 1.2 drivers; one piece per marked line."""

    def __attrs_post_init__(self) -> None:
        _require_decimal(self.quantity, f"line {self.name!r}: quantity")
        if self.marking_code is not None:
            try:
                marking_payload(self.marking_code)
                planned_status(
                    sale=True, quantity=self.quantity, piece=self.unit is MeasureUnit.PIECE
                )
            except InvalidInputError as exc:
                raise type(exc)(f"line {self.name!r}: {exc}", **exc.details) from None
        if self.quantity <= 0 or self.quantity != self.quantity.quantize(_GRAM):
            raise InvalidAmountError(
                f"line {self.name!r}: quantity {self.quantity} must be positive with at "
                "most 3 decimals",
                value=self.quantity,
            )
        _money(self.price, f"line {self.name!r}: price")
        _money(self.discount, f"line {self.name!r}: discount")
        if self.price < 0 or self.discount < 0:
            raise InvalidAmountError(
                f"line {self.name!r}: price and discount cannot be negative", value=self.price
            )
        if self.discount > self.gross:
            raise InvalidAmountError(
                f"line {self.name!r}: discount {self.discount} exceeds the line sum {self.gross}",
                value=self.discount,
            )

    @property
    def gross(self) -> Decimal:
        """Price × quantity rounded half up to the kopeck, as the device computes it."""
        with localcontext(decimal_context()):
            return (self.price * self.quantity).quantize(_KOPECK, rounding=ROUND_HALF_UP)

    @property
    def amount(self) -> Decimal:
        """The line's sum after its discount."""
        return self.gross - self.discount

    @property
    def fiscal_subject(self) -> PaymentSubject:
        """Tag 1212 as sent: a marked commodity or excise line says it is marked (33, 31)."""
        if self.marking_code is not None:
            if self.subject is PaymentSubject.COMMODITY:
                return PaymentSubject.COMMODITY_MARKED
            if self.subject is PaymentSubject.EXCISE:
                return PaymentSubject.EXCISE_MARKED
        return self.subject


@attrs.frozen
class Payment:
    """A payment of ``amount`` by ``type``."""

    type: PaymentType
    amount: Decimal

    def __attrs_post_init__(self) -> None:
        _money(self.amount, f"{self.type.value} payment")
        if self.amount <= 0:
            raise InvalidAmountError(
                f"{self.type.value} payment must be positive, got {self.amount}",
                value=self.amount,
            )


@attrs.frozen
class Receipt:
    """A receipt to make fiscal, identified by ``receipt_id`` (the idempotency key).

    ``discount`` is a receipt-level discount, spread into the lines by
    :meth:`fiscal_lines`. Payments must cover the total; only cash may exceed
    it (the excess is change).
    """

    receipt_id: str
    kind: ReceiptKind
    lines: tuple[ReceiptLine, ...]
    payments: tuple[Payment, ...]
    discount: Decimal = Decimal("0.00")
    cashier: str = ""
    tax_system: TaxSystem | None = None
    """FFD 1055; ``None``: the one the register is registered with."""
    buyer_contact: str = ""
    """FFD 1008: the buyer's phone or e-mail, for an electronic copy."""

    def __attrs_post_init__(self) -> None:
        where = f"receipt {self.receipt_id!r}"
        if not self.receipt_id:
            raise InvalidInputError("a receipt needs a receipt_id (its idempotency key)")
        if not self.lines:
            raise InvalidInputError(f"{where} has no lines")
        _money(self.discount, f"{where}: discount")
        net = sum((line.amount for line in self.lines), Decimal("0.00"))
        if not Decimal(0) <= self.discount <= net:
            raise InvalidAmountError(
                f"{where}: discount {self.discount} must be between 0 and the lines' sum {net}",
                value=self.discount,
            )
        paid = sum((p.amount for p in self.payments), Decimal("0.00"))
        cashless = sum(
            (p.amount for p in self.payments if p.type is not PaymentType.CASH), Decimal("0.00")
        )
        if paid < self.total:
            raise InvalidAmountError(
                f"{where}: payments {paid} are less than the total {self.total}", value=paid
            )
        if cashless > self.total:
            raise InvalidAmountError(
                f"{where}: non-cash payments {cashless} exceed the total {self.total}; "
                "only cash can give change",
                value=cashless,
            )

    def fiscal_lines(self) -> tuple[ReceiptLine, ...]:
        """Lines with the receipt discount spread in (largest remainder, by line sum)."""
        if not self.discount:
            return self.lines
        weights = [int(line.amount / _KOPECK) for line in self.lines]
        shares = allocate_units(int(self.discount / _KOPECK), weights)
        return tuple(
            attrs.evolve(line, discount=line.discount + Decimal(share).scaleb(-2))
            for line, share in zip(self.lines, shares, strict=True)
        )

    @property
    def total(self) -> Decimal:
        """The sum to pay: lines after their discounts and the receipt discount."""
        return sum((line.amount for line in self.lines), Decimal("0.00")) - self.discount

    @property
    def change(self) -> Decimal:
        """Cash to give back."""
        return sum((p.amount for p in self.payments), Decimal("0.00")) - self.total

    def payment_sum(self, payment_type: PaymentType) -> Decimal:
        """The total paid by one payment type."""
        return sum((p.amount for p in self.payments if p.type is payment_type), Decimal("0.00"))

    def payment_split(self) -> PaymentSplit:
        """What the fiscal storage records per payment type: cash less change, the rest as paid.

        >>> line = ReceiptLine("x", Decimal(1), Decimal("70.00"))
        >>> Receipt("r", ReceiptKind.SALE, (line,), (
        ...     Payment(PaymentType.ELECTRONIC, Decimal("50.00")),
        ...     Payment(PaymentType.CASH, Decimal("100.00")),
        ... )).payment_split()
        (('cash', Decimal('20.00')), ('electronically', Decimal('50.00')))
        """
        return _payment_split(self.payments, self.change)


class FiscalWarning(enum.Enum):
    """Something a POS should show before it becomes a refusal (a value, not an error)."""

    FN_EXPIRES_SOON = "fn_expires_soon"
    """The fiscal storage's validity ends within 30 days: order a new one."""
    FN_REPLACE_NOW = "fn_replace_now"
    """The fiscal storage must be replaced within 3 days."""
    FN_MEMORY_FULL = "fn_memory_full"
    """The fiscal storage's archive is 90 % full."""
    OFD_UNSENT = "ofd_unsent"
    """Documents wait to be sent to the fiscal data operator (OFD): check the network."""
    OFD_TIMEOUT = "ofd_timeout"
    """The OFD has not answered in time: the register will block after 30 days."""
    PAPER_NEAR_END = "paper_near_end"
    """The receipt roll nears its end: have a new roll at hand."""
    SHIFT_ENDS_SOON = "shift_ends_soon"
    """The shift reaches its 24 hours soon (``FiscalStatus.shift_deadline``): close it
    with a Z report and open a new one before then; after it no sale is possible."""


class CorrectionType(enum.IntEnum):
    """Why a correction receipt is made [тип коррекции], FFD tag 1173."""

    SELF = 0
    """On the seller's own initiative (самостоятельно); ATOL ``"self"``."""
    BY_ORDER = 1
    """By order of the tax authority (по предписанию); ATOL ``"instruction"``."""


@attrs.frozen
class Correction:
    """A correction receipt [чек коррекции]: a sum that should have been made fiscal.

    ``correction_id`` is its idempotency key, as ``receipt_id`` is a receipt's;
    ``kind`` is :attr:`ReceiptKind.SALE` for an income correction and
    :attr:`ReceiptKind.BUY` for an expense one. The FFD 1.2 form also has
    ``lines`` (each with its VAT rate, payment method and subject), the
    ``payments``, the ``correction_type`` (tag 1173) and the corrected
    document's date (``base_date``, tag 1178) and number (``base_number``,
    tag 1179); with lines, ``total`` must be their sum.

    >>> from salescore.tax import VatRate
    >>> fix = Correction(
    ...     "corr-7", ReceiptKind.SALE, Decimal("150.00"),
    ...     lines=(ReceiptLine("Доставка", Decimal(1), Decimal("150.00"), VatRate.parse("22")),),
    ...     payments=(Payment(PaymentType.CASH, Decimal("150.00")),),
    ...     base_date=dt.date(2026, 3, 2), base_number="17",
    ... )
    >>> fix.correction_type, fix.has_lines
    (<CorrectionType.SELF: 0>, True)

    Raises:
        InvalidAmountError: a total that is not a positive whole number of kopecks,
            or not the sum of the lines, or payments short of it.
        InvalidInputError: an empty id, a return kind, lines without a basis date,
            or marked lines (marking codes in a correction are not supported).
    """

    correction_id: str
    kind: ReceiptKind
    total: Decimal
    lines: tuple[ReceiptLine, ...] = ()
    payments: tuple[Payment, ...] = ()
    correction_type: CorrectionType = CorrectionType.SELF
    base_date: dt.date | None = None
    """The corrected document's (or the tax authority's order's) date, tag 1178."""
    base_number: str = ""
    """The corrected document's (or the order's) number, tag 1179."""
    tax_system: TaxSystem | None = None
    cashier: str = ""

    def __attrs_post_init__(self) -> None:
        where = f"correction {self.correction_id!r}"
        if not self.correction_id:
            raise InvalidInputError("a correction needs a correction_id (its idempotency key)")
        if self.kind not in (ReceiptKind.SALE, ReceiptKind.BUY):
            raise InvalidInputError(
                f"{where}: kind must be SALE (income) or BUY (expense), got {self.kind.name}"
            )
        _money(self.total, f"{where}: total")
        if self.total <= 0:
            raise InvalidAmountError(f"{where}: total must be positive", value=self.total)
        if not self.lines:
            return
        if self.base_date is None:
            raise InvalidInputError(
                f"{where}: a correction with lines needs base_date, the date of the document "
                "it corrects (tag 1178)"
            )
        marked = [line.name for line in self.lines if line.marking_code is not None]
        if marked:
            raise InvalidInputError(
                f"{where}: lines {marked} carry marking codes; marking codes in a correction "
                "receipt are not supported: correct them without the codes, or make a return "
                "and a new sale",
                lines=marked,
            )
        if len(self.base_number) > 32:
            raise InvalidInputError(
                f"{where}: base_number takes at most 32 characters (tag 1179)",
                value=self.base_number,
            )
        net = sum((line.amount for line in self.lines), Decimal("0.00"))
        if net != self.total:
            raise InvalidAmountError(
                f"{where}: total {self.total} is not the sum of its lines {net}", value=self.total
            )
        paid = sum((p.amount for p in self.payments), Decimal("0.00"))
        if paid < self.total:
            raise InvalidAmountError(
                f"{where}: payments {paid} are less than the total {self.total}", value=paid
            )

    @property
    def has_lines(self) -> bool:
        """Whether this is the FFD 1.2 form with item lines."""
        return bool(self.lines)

    @property
    def change(self) -> Decimal:
        """Cash given back (payments beyond the total)."""
        if not self.payments:
            return Decimal("0.00")
        return sum((p.amount for p in self.payments), Decimal("0.00")) - self.total

    def payment_split(self) -> PaymentSplit:
        """Sums by payment type as the fiscal storage records them (cash less change)."""
        return _payment_split(self.payments, self.change)


@attrs.frozen
class FiscalStatus:
    """What the device says about itself (1C ``GetCurrentStatus``)."""

    shift_state: ShiftState
    shift_number: int
    receipt_open: bool
    last_document: int
    paper_out: bool
    waiting_continue_print: bool
    mode: int = 0
    submode: int = 0
    warnings: tuple[FiscalWarning, ...] = ()
    """What to show the cashier (fiscal storage expiry, unsent OFD documents, ...)."""
    unsent_documents: int = 0
    """Documents the OFD has not acknowledged yet."""
    fn_valid_until: str | None = None
    """The fiscal storage's validity date, ``YYYY-MM-DD``, when the device tells it."""
    paper_near_end: bool = False
    """The receipt roll nears its end (the device goes on printing)."""
    shift_deadline: str | None = None
    """When the open shift reaches 24 hours, ``YYYY-MM-DDTHH:MM`` in the register's
    local time; ``None`` when no shift is open or the device does not tell."""


@attrs.frozen
class ShiftReport:
    """Result of opening or closing a shift: the shift and its fiscal document number."""

    shift_number: int
    document_number: int


@attrs.frozen
class FiscalResult:
    """A receipt made fiscal: its fiscal document number (ФД) and fiscal sign (ФП).

    ``repeated`` is true when the receipt had already been made fiscal earlier
    (found in the journal or the fiscal storage) and nothing was printed now.
    """

    receipt_id: str
    document_number: int
    fiscal_sign: int
    total: Decimal
    change: Decimal
    repeated: bool = False
    warnings: tuple[str, ...] = ()
    """What the POS should show although the receipt is fiscal (paper out while printing)."""

    @classmethod
    def from_entry(cls, entry: JournalEntry, *, repeated: bool) -> FiscalResult:
        """The result recorded in a journal entry in state ``DONE``."""
        return cls(
            receipt_id=entry.receipt_id,
            document_number=entry.document_number or 0,
            fiscal_sign=entry.fiscal_sign or 0,
            total=entry.total,
            change=entry.change,
            repeated=repeated,
        )


@attrs.frozen
class FiscalDocumentInfo:
    """A fiscal document read back from the fiscal storage by its number."""

    number: int
    document_type: int
    """3 receipt, 2 shift opening, 5 shift closing (FFD document types)."""
    fiscal_sign: int
    calculation_type: int = 0
    total: Decimal | None = None
    when: str | None = None
    """The document's date and time as the fiscal storage keeps it, ``YYYY-MM-DDTHH:MM``."""
    payments: PaymentSplit | None = None
    """Sums by payment type, when the device reports them (``None``: not read)."""


class ReceiptOutcome(enum.Enum):
    """Where a receipt stands when :meth:`process_check` raises: the ``outcome`` detail.

    Every error a fiscal driver raises from ``process_check`` carries one, so a
    POS never has to guess whether the sale is in the fiscal storage.
    """

    CANCELLED = "cancelled"
    """Nothing was made fiscal (the receipt was annulled or never closed): the sale
    may be rung again."""
    NOT_FISCAL = "not_fiscal"
    """Nothing was made fiscal, but the device holds the open receipt until it is
    reachable again (it is then annulled): repeat the call to settle it."""
    PENDING = "pending"
    """The paid receipt waits on the device (no paper): never refund; load paper and
    repeat the call with the same receipt to finish it."""
    UNKNOWN = "unknown"
    """"Close" was sent and its answer lost: the receipt may be fiscal. Never refund
    or ring again; repeat the call with the same receipt when the device is back."""
    DONE = "done"
    """The receipt is fiscal, but something about it needs attention (see the message)."""


class JournalState(enum.Enum):
    """Where a receipt stands on its way to the fiscal storage."""

    STARTED = "started"
    """Being built on the device; "close" not sent yet: cancelling is allowed."""
    CLOSING = "closing"
    """"Close" is about to be or was sent: the fiscal storage decides."""
    DONE = "done"
    CANCELLED = "cancelled"


@attrs.frozen
class JournalEntry:
    """The journal's record of one receipt."""

    receipt_id: str
    state: JournalState
    total: Decimal
    expected_document: int | None = None
    document_number: int | None = None
    fiscal_sign: int | None = None
    change: Decimal = Decimal("0.00")
    task_id: str | None = None
    """For task-based devices (ATOL): the task uuid, the idempotency key of the request."""
    payments: PaymentSplit = ()
    """The receipt's sums by payment type (:meth:`Receipt.payment_split`)."""
    not_before: str | None = None
    """Date-time of the fiscal storage's last document before this receipt: its own
    date-time cannot be earlier (``YYYY-MM-DDTHH:MM``)."""

    document_type: int = 3
    """The FFD document type the entry makes: 3 a receipt, 31 a correction receipt."""

    def mismatch(self, info: FiscalDocumentInfo) -> str | None:
        """Why fiscal document ``info`` is not this receipt, or ``None`` if it is.

        A document is this receipt when it is a receipt, it is the number that
        followed the storage's last document when "close" was sent, it is not
        older than that last document, and its total and payment split are the
        receipt's. Type and total alone are not enough: the next sale of the
        same sum would pass for this one.

        >>> entry = JournalEntry("r-1", JournalState.CLOSING, Decimal("70.00"),
        ...     expected_document=5, payments=(("cash", Decimal("70.00")),),
        ...     not_before="2026-11-23T12:00")
        >>> info = FiscalDocumentInfo(5, 3, 1, 1, Decimal("70.00"), "2026-11-23T12:01",
        ...     (("cash", Decimal("70.00")),))
        >>> entry.mismatch(info) is None
        True
        >>> entry.mismatch(attrs.evolve(info, payments=(("electronically", Decimal("70.00")),)))
        "payments (('electronically', Decimal('70.00')),), not (('cash', Decimal('70.00')),)"
        """
        if info.document_type != self.document_type:
            return f"document type {info.document_type}, not {self.document_type}"
        if self.expected_document is not None and info.number != self.expected_document:
            return f"number {info.number}, not {self.expected_document}"
        if info.total is not None and info.total != self.total:
            return f"total {info.total}, not {self.total}"
        if self.not_before and info.when and info.when < self.not_before:
            return f"dated {info.when}, before the last document before it ({self.not_before})"
        if info.payments is not None and self.payments and info.payments != self.payments:
            return f"payments {info.payments}, not {self.payments}"
        return None


SHIFT_LIMIT: Final = dt.timedelta(hours=24)
"""A fiscal shift may stay open 24 hours (54-ФЗ, FFD): after that only a Z report."""
_MINUTE: Final = dt.timedelta(minutes=1)


class DeviceClock(Protocol):
    """Tells the current moment; any ``salescore.ports.Clock`` fits (``FixedClock`` in tests)."""

    def now(self) -> dt.datetime:
        """The current moment (aware or naive local time)."""
        ...


class SystemClock:
    """The POS computer's local wall clock (the default of the fiscal drivers)."""

    def now(self) -> dt.datetime:
        """The local time now, naive, as the register's clock keeps it."""
        return dt.datetime.now()  # noqa: DTZ005 - the FN keeps local wall time


def _wall(moment: dt.datetime) -> dt.datetime:
    """A moment as naive wall time of its own zone (the fiscal storage keeps local time)."""
    return moment.replace(tzinfo=None)


def shift_deadline(opened: str) -> str:
    """When a shift opened at ``opened`` (``YYYY-MM-DDTHH:MM``) reaches 24 hours.

    >>> shift_deadline("2026-11-23T12:01")
    '2026-11-24T12:01'
    """
    return (dt.datetime.fromisoformat(opened) + SHIFT_LIMIT).isoformat(timespec="minutes")


def shift_ends_soon(deadline: str | None, now: dt.datetime, lead: dt.timedelta) -> bool:
    """Whether ``now`` is within ``lead`` of the shift's ``deadline`` (or past it)."""
    if deadline is None:
        return False
    return _wall(now) >= dt.datetime.fromisoformat(deadline) - lead


def shift_refusal(deadline: str | None, now: dt.datetime) -> str | None:
    """Why no fiscal document may start at ``now``: the shift reaches 24 hours, or None.

    The fiscal storage keeps minutes, so the last minute before the deadline is
    refused too: a receipt started then would close after it.

    >>> shift_refusal("2026-11-24T12:01", dt.datetime(2026, 11, 24, 11, 59)) is None
    True
    >>> shift_refusal("2026-11-24T12:01", dt.datetime(2026, 11, 24, 12, 0))
    'the shift reaches 24 hours at 2026-11-24T12:01 (now 2026-11-24T12:00)'
    """
    if not shift_ends_soon(deadline, now, _MINUTE):
        return None
    when = _wall(now).isoformat(timespec="minutes")
    return f"the shift reaches 24 hours at {deadline} (now {when})"


class FiscalJournal(Protocol):
    """Durable record of receipts in flight; a write must be durable when it returns.

    A driver may pass ``durable=False`` for an entry the fiscal storage can
    re-derive if it is lost (a Shtrih-M receipt's "started" and "done"): such
    a write must be visible at once and survive a crash of the program, and
    may be lost by a power cut only until the next durable write returns.
    """

    def get(self, receipt_id: str) -> JournalEntry | None:
        """The entry for ``receipt_id``, or ``None``."""
        ...

    def record(self, entry: JournalEntry, *, durable: bool = True) -> None:
        """Insert or replace the entry for ``entry.receipt_id``.

        ``durable=False``: the write need not be forced to disk now (see the class).
        """
        ...

    def unfinished(self) -> Sequence[JournalEntry]:
        """Entries still ``STARTED`` or ``CLOSING``, oldest first."""
        ...
