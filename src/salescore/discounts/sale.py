"""What the discount engine is given: sale lines and the sale's context.

These are narrow input values, so that discounts need neither the pricing
nor the agreements context: a :class:`SaleLine` carries its unit price
already set, and a :class:`SaleContext` carries what the applicable
agreement says (its id, its discount scope as a set of rule and group ids,
its manual-discount limit) as plain values.

>>> from decimal import Decimal
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> line = SaleLine("1", Product(ProductId("CM-100"), "Coffee maker"), Quantity(5),
...                 Money("1000.00", "RUB"))
>>> line.amount
Decimal('5000.00')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType
from typing import Any

import attrs

from salescore._validation import percent_0_to_100
from salescore.agreements.model import check_sale_payment_form
from salescore.errors import DiscountError
from salescore.money import Currency, Money, Quantity, to_decimal
from salescore.money._context import decimal_context
from salescore.parties import PartnerId, PriceGroupId, Product, SegmentId, WarehouseId

__all__ = ["DocumentFacts", "SaleContext", "SaleLine"]


def _segments(value: Iterable[str]) -> frozenset[SegmentId]:
    if type(value) is frozenset:
        return value  # SegmentId is a str at run time: nothing to convert
    return frozenset(SegmentId(v) for v in value)


def _scope(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


_NO_CHOICES: Mapping[str, Decimal | None] = MappingProxyType({})


def _manual(value: Mapping[str, Any]) -> Mapping[str, Decimal | None]:
    if not value:
        return _NO_CHOICES  # shared and read-only: most lines choose nothing
    return {str(k): None if v is None else to_decimal(v, "manual value") for k, v in value.items()}


def _manual_choices(value: Mapping[str, Any]) -> Mapping[str, Decimal | None]:
    # A context's own (plain) mapping: a context is built once per document and pickles.
    return {str(k): None if v is None else to_decimal(v, "manual value") for k, v in value.items()}


# The library's context, never the caller's: a line's amount is the same in any program.
_CONTEXT = decimal_context()
_multiply = _CONTEXT.multiply

# By minor units, not by currency: hashing an attrs value costs more than the lookup.
_QUANTA = {units: Decimal(1).scaleb(-units) for units in range(7)}


def _negative(line_id: str, quantity: Quantity, unit_price: Money) -> DiscountError:
    what = f"quantity {quantity}" if quantity.value < 0 else f"unit price {unit_price}"
    return DiscountError(
        f"sale line {line_id!r}: {what} is negative; a sale line sells a quantity of zero "
        "or more at a price of zero or more (a return is a document of its own, a markup "
        "a discount rule with markup=true)",
        line=line_id,
    )


@attrs.frozen(init=False)
class SaleLine:
    """One line of a sale: a product, a quantity and its unit price.

    Attributes:
        line_id: the line's id within its document.
        product: the product sold.
        quantity: how much.
        unit_price: the price of one unit, already set (by the price engine).
        segment_ids: the nomenclature segments the product belongs to.
        manual_discounts: manual discounts chosen for this line: rule id ->
            a typed value (percent or amount), or None for the rule's own value.
        amount: quantity × unit price, rounded half up to minor units.

    Raises:
        DiscountError: a negative quantity or unit price (names the line).
    """

    line_id: str
    product: Product
    quantity: Quantity
    unit_price: Money
    segment_ids: frozenset[SegmentId]
    manual_discounts: Mapping[str, Decimal | None] = attrs.field(hash=False)
    amount: Decimal = attrs.field(init=False, eq=False, repr=False)

    def __init__(
        self,
        line_id: str,
        product: Product,
        quantity: Quantity,
        unit_price: Money,
        segment_ids: Iterable[str] = frozenset(),
        manual_discounts: Mapping[str, Any] | None = None,
    ) -> None:
        # Written by hand, not generated: lines are built by the hundred thousand
        # and a frozen class's generated __init__ sets each slot the slow way.
        if quantity.value < 0 or unit_price.amount < 0:
            raise _negative(line_id, quantity, unit_price)
        exact = _multiply(quantity.value, unit_price.amount)  # the library's context
        _set_line_id(self, line_id)
        _set_product(self, product)
        _set_quantity(self, quantity)
        _set_unit_price(self, unit_price)
        _set_segment_ids(
            self, segment_ids if type(segment_ids) is frozenset else _segments(segment_ids)
        )
        _set_manual(self, _manual(manual_discounts) if manual_discounts else _NO_CHOICES)
        currency = unit_price.currency
        quantum = _QUANTA.get(currency.minor_units) or currency.quantum
        _set_amount(self, exact.quantize(quantum, ROUND_HALF_UP, _CONTEXT))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuilt through the constructor (the shared empty choice map is read-only).
        return (
            SaleLine,
            (
                self.line_id,
                self.product,
                self.quantity,
                self.unit_price,
                self.segment_ids,
                dict(self.manual_discounts),
            ),
        )

    def with_quantity(self, quantity: Decimal | int | str) -> SaleLine:
        """This line with another quantity (same unit)."""
        return attrs.evolve(self, quantity=Quantity(quantity, self.quantity.unit))

    @property
    def price_group_id(self) -> PriceGroupId | None:
        """The product's price group."""
        return self.product.price_group_id

    @property
    def currency(self) -> Currency:
        """The line's currency."""
        return self.unit_price.currency

    @property
    def gross(self) -> Money:
        """Quantity times unit price, rounded to minor units (half up)."""
        return Money(self.amount, self.unit_price.currency)


# A slot's own setter bypasses the frozen class's __setattr__ (which refuses).
(
    _set_line_id,
    _set_product,
    _set_quantity,
    _set_unit_price,
    _set_segment_ids,
    _set_manual,
    _set_amount,
) = (getattr(SaleLine, a.name).__set__ for a in attrs.fields(SaleLine))


def _limit_of(value: object, name: str) -> Decimal | None:
    """A manual limit, a percent in 0..100 (None: no limit)."""
    if value is None:
        return None
    return percent_0_to_100(
        value,
        name,
        DiscountError,
        name=name,
        advice=": a limit below 0 would refuse every manual discount, even 0 %",
        field=name,
    )


def _limits_of(value: Mapping[Any, object], name: str) -> Mapping[PriceGroupId, Decimal]:
    """Manual limits per price group, each a percent in 0..100."""
    return {PriceGroupId(str(k)): _limit_of(v, name) or Decimal(0) for k, v in value.items()}


def _manual_limit(value: object) -> Decimal | None:
    return _limit_of(value, "manual_limit_percent")


def _manual_limits(value: Mapping[Any, object]) -> Mapping[PriceGroupId, Decimal]:
    return _limits_of(value, "manual_limit_by_price_group")


def _markup_limit(value: object) -> Decimal | None:
    return _limit_of(value, "manual_markup_limit_percent")


def _markup_limits(value: Mapping[Any, object]) -> Mapping[PriceGroupId, Decimal]:
    return _limits_of(value, "manual_markup_limit_by_price_group")


@attrs.frozen
class SaleContext:
    """Who buys, where, when and how: what document-level conditions look at.

    Attributes:
        moment: the moment of sale (timezone as the caller keeps it).
        partner_id: the client.
        client_segment_ids: the client segments the partner belongs to.
        agreement_id: the applicable agreement [соглашение].
        discount_scope: the agreement's discounts: ids of rules and groups
            that may apply (a rule applies if it or a group above it is in
            the scope); None means every rule.
        manual_limit_percent: the agreement's manual-discount limit, if any.
        manual_limit_by_price_group: its refinements per price group.
        card_kind: the loyalty card kind shown, if any.
        warehouse_id: the warehouse or store selling.
        payment_form: ``"cash"``, ``"noncash"`` or ``"card"``
            (:class:`~salescore.agreements.PaymentForm` values).
        user: the manager entering the sale (for manual limits).
        manual_discounts: manual discounts chosen for the whole document.
        manual_markup_limit_percent: the agreement's manual-markup limit, if any.
        manual_markup_limit_by_price_group: its refinements per price group.
    """

    moment: datetime
    partner_id: PartnerId | None = None
    client_segment_ids: frozenset[SegmentId] = attrs.field(default=frozenset(), converter=_segments)
    agreement_id: str | None = None
    discount_scope: frozenset[str] | None = attrs.field(default=None, converter=_scope)
    manual_limit_percent: Decimal | None = attrs.field(default=None, converter=_manual_limit)
    manual_limit_by_price_group: Mapping[PriceGroupId, Decimal] = attrs.field(
        factory=dict, converter=_manual_limits, hash=False
    )
    card_kind: str | None = None
    warehouse_id: WarehouseId | None = None
    payment_form: str | None = attrs.field(default=None, validator=check_sale_payment_form)
    user: str | None = None
    manual_discounts: Mapping[str, Decimal | None] = attrs.field(
        factory=dict, converter=_manual_choices, hash=False
    )
    manual_markup_limit_percent: Decimal | None = attrs.field(default=None, converter=_markup_limit)
    manual_markup_limit_by_price_group: Mapping[PriceGroupId, Decimal] = attrs.field(
        factory=dict, converter=_markup_limits, hash=False
    )


class DocumentFacts:
    """Totals of one document: what volume conditions compare.

    Built from lines with :meth:`of`, the totals are summed when first asked
    for and then kept, so a rule set whose conditions never look at them
    never pays for them. Built directly, they are the given figures.

    Attributes:
        currency: the document currency.

    >>> from salescore.money import Money, Quantity
    >>> from salescore.parties import Product, ProductId
    >>> lines = [SaleLine(str(n), Product(ProductId("CM-100"), "Coffee maker"), Quantity(n),
    ...                   Money("1000.00", "RUB"), {"KITCHEN"}) for n in (1, 2)]
    >>> facts = DocumentFacts.of(lines)
    >>> facts.amount, facts.quantity, dict(facts.segment_quantity)
    (Decimal('3000.00'), Decimal('3'), {'KITCHEN': Decimal('3')})
    """

    __slots__ = (
        "_amount",
        "_lines",
        "_quantity",
        "_segment_amount",
        "_segment_quantity",
        "currency",
    )

    def __init__(
        self,
        currency: Currency,
        amount: Decimal,
        quantity: Decimal,
        segment_amount: Mapping[SegmentId, Decimal],
        segment_quantity: Mapping[SegmentId, Decimal],
    ) -> None:
        self.currency = currency
        self._lines: Sequence[SaleLine] = ()
        self._amount: Decimal | None = amount
        self._quantity = quantity
        self._segment_amount = segment_amount
        self._segment_quantity = segment_quantity

    @classmethod
    def of(cls, lines: Sequence[SaleLine], currency: Currency | None = None) -> DocumentFacts:
        """The facts of ``lines``, all in one currency (checked now; totals on first use).

        Raises:
            DiscountError: no lines and no ``currency``, or a line in another currency.
        """
        if currency is None:
            if not lines:
                raise DiscountError("a document with no lines needs an explicit currency")
            currency = lines[0].currency
        for line in lines:
            line_currency = line.unit_price.currency
            if line_currency is not currency and line_currency != currency:
                raise DiscountError(
                    f"line {line.line_id!r} is in {line.unit_price.currency.code}, the document "
                    f"in {currency.code}: convert prices before discounting",
                    line=line.line_id,
                )
        facts = cls(currency, Decimal(0), Decimal(0), {}, {})
        facts._lines = lines
        facts._amount = None  # summed on first use
        return facts

    def _sum(self) -> Decimal:
        amount = Decimal(0)
        quantity = Decimal(0)
        seg_amount: dict[SegmentId, Decimal] = {}
        seg_quantity: dict[SegmentId, Decimal] = {}
        with localcontext(decimal_context()):
            for line in self._lines:
                amount += line.amount
                quantity += line.quantity.value
                for seg in line.segment_ids:
                    seg_amount[seg] = seg_amount.get(seg, Decimal(0)) + line.amount
                    seg_quantity[seg] = seg_quantity.get(seg, Decimal(0)) + line.quantity.value
        self._quantity = quantity
        self._segment_amount = seg_amount
        self._segment_quantity = seg_quantity
        self._amount = amount
        return amount

    @property
    def amount(self) -> Decimal:
        """The sum of line amounts before discounts."""
        amount = self._amount
        return self._sum() if amount is None else amount

    @property
    def quantity(self) -> Decimal:
        """The sum of line quantities (in any units: a count of goods)."""
        if self._amount is None:
            self._sum()
        return self._quantity

    @property
    def segment_amount(self) -> Mapping[SegmentId, Decimal]:
        """The sum of line amounts per nomenclature segment."""
        if self._amount is None:
            self._sum()
        return self._segment_amount

    @property
    def segment_quantity(self) -> Mapping[SegmentId, Decimal]:
        """The sum of line quantities per nomenclature segment."""
        if self._amount is None:
            self._sum()
        return self._segment_quantity

    def _figures(self) -> tuple[object, ...]:
        return (
            self.currency,
            self.amount,
            self.quantity,
            dict(self.segment_amount),
            dict(self.segment_quantity),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentFacts):
            return NotImplemented
        return self._figures() == other._figures()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"DocumentFacts({self.currency.code}, amount={self.amount}, "
            f"quantity={self.quantity}, segments={sorted(self.segment_amount)})"
        )
