"""Price types [виды цен] and their rounding rules (B1).

A price type is a named kind of price: purchase, wholesale, retail, a
supplier's price list, a competitor's observed prices. It has a currency,
says whether its prices include VAT, and rounds every price it gives by its
:class:`RoundingRule`. Its prices are either *registered* by hand in the
price register, or *calculated* by a formula over other price types; a
formula may be refined per price group [ценовая группа] and falls back to
the type's default formula.

>>> from decimal import Decimal
>>> from salescore.money import Currency, Rounding
>>> rule = RoundingRule(Decimal(10), Rounding.CEILING, ending=Decimal("9.99"))
>>> rule.apply(Decimal("1234.50"))
Decimal('1239.99')
>>> rule.describe()
'rounded up to a step of 10 with the ending 9.99'
>>> retail = PriceType(PriceTypeId("RETAIL"), "Retail", Currency.of("RUB"),
...                    formula="[Wholesale] * 1.3",
...                    group_formulas={PriceGroupId("MACHINES"): "[Wholesale] * 1.2"},
...                    rounding=rule)
>>> retail.is_calculated, retail.formula_for(PriceGroupId("MACHINES"))
(True, '[Wholesale] * 1.2')
>>> retail.formula_for(None)
'[Wholesale] * 1.3'
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NewType

import attrs

from salescore._validation import non_empty_text
from salescore.errors import InvalidInputError
from salescore.money import Currency, Rounding, decimal_places, to_decimal
from salescore.money._context import CTX, decimal_context
from salescore.parties import PartnerId, PriceGroupId

__all__ = ["PriceType", "PriceTypeId", "RoundingRule"]

PriceTypeId = NewType("PriceTypeId", str)

_DIRECTION_WORDS = {
    Rounding.HALF_UP: "rounded half up",
    Rounding.HALF_EVEN: "rounded half to even",
    Rounding.HALF_DOWN: "rounded half down",
    Rounding.UP: "rounded away from zero",
    Rounding.DOWN: "rounded towards zero",
    Rounding.CEILING: "rounded up",
    Rounding.FLOOR: "rounded down",
}


def _positive_step(value: object) -> Decimal:
    step = to_decimal(value, "rounding step")
    if not step > 0:
        raise InvalidInputError(f"rounding step must be positive, got {step}", value=step)
    return step


def _optional_ending(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "price ending")


@attrs.frozen
class RoundingRule:
    """How a price type rounds its prices.

    A price becomes the multiple of ``step`` plus ``ending`` that ``direction``
    chooses: ``round_to_step(x - ending, step, direction) + ending``. So with a
    step of 1, the ending 0.99 and ``Rounding.CEILING`` every price becomes the
    smallest ``N.99`` not below it. With an ending, a price above zero never
    rounds below zero: below the first such price (the ending itself) it becomes
    the ending, and zero stays zero (a free item).

    Attributes:
        step: 0.01, 0.05, 1, 10 …
        direction: a :class:`~salescore.money.Rounding`; ``CEILING`` is "up",
            ``FLOOR`` "down", ``HALF_UP`` commercial rounding.
        ending: an optional ending below ``step`` (0.99, 9.99, 9).
    """

    step: Decimal = attrs.field(default=Decimal("0.01"), converter=_positive_step)
    direction: Rounding = Rounding.HALF_UP
    ending: Decimal | None = attrs.field(default=None, converter=_optional_ending)

    def __attrs_post_init__(self) -> None:
        if self.ending is not None and not Decimal(0) <= self.ending < self.step:
            raise InvalidInputError(
                f"price ending {self.ending} must be at least 0 and below the step {self.step}",
                value=self.ending,
            )

    def apply(self, value: Decimal) -> Decimal:
        """``value`` rounded by this rule (in the library's decimal context)."""
        with decimal.localcontext(decimal_context()):
            return self.rounder()(value)

    def rounder(self) -> Callable[[Decimal], Decimal]:
        """A fast function applying this rule.

        Making it does not depend on the caller's decimal context; call the function it
        returns inside the library's decimal context.
        """
        step, mode, ending = self.step, self.direction.value, self.ending
        # quantize() is the fast path, but it only rounds to powers of ten up to 1. It rounds
        # to the exponent of its argument: a step written 0.10 is quantized as 0.1.
        if self.is_power_of_ten():
            exponent = step.normalize(CTX)

            def base(value: Decimal) -> Decimal:
                return value.quantize(exponent, mode)

        else:

            def base(value: Decimal) -> Decimal:
                return (value / step).to_integral_value(mode) * step

        if ending is None:
            return base

        def with_ending(value: Decimal) -> Decimal:
            if not value:
                return value  # zero stays zero (PriceType.rounder does the same)
            rounded = base(value - ending) + ending
            return ending if rounded < 0 < value else rounded

        return with_ending

    def is_power_of_ten(self) -> bool:
        """True for steps 1, 0.1, 0.01 …, which round with one ``quantize``."""
        return self.step <= 1 and self.step.normalize(CTX).as_tuple().digits == (1,)

    def describe(self) -> str:
        """The rule in words, for explanations."""
        words = f"{_DIRECTION_WORDS[self.direction]} to a step of {self.step}"
        if self.ending is not None:
            words += f" with the ending {self.ending}"
        return words

    def check_currency(self, currency: Currency, owner: str) -> None:
        """Refuse a step or ending finer than ``currency``'s minor units."""
        quantum = currency.quantum
        for what, value in (("step", self.step), ("ending", self.ending)):
            if value is not None and decimal_places(value) > currency.minor_units:
                raise InvalidInputError(
                    f"{owner}: rounding {what} {value} is finer than {currency.code} allows "
                    f"({quantum}); use a multiple of {quantum}",
                    value=value,
                )


def _then_quantize(
    rule: Callable[[Decimal], Decimal], quantum: Decimal
) -> Callable[[Decimal], Decimal]:
    def rounded(value: Decimal) -> Decimal:
        return rule(value).quantize(quantum)

    return rounded


def _str_map(value: Mapping[Any, str]) -> dict[PriceGroupId, str]:
    return {PriceGroupId(str(k)): str(v) for k, v in value.items()}


_non_empty_text = non_empty_text()


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _non_empty_text(instance, attribute, value)
    text = str(value)  # a string: checked just above
    if attribute.name == "name" and ("[" in text or "]" in text or "\n" in text):
        raise InvalidInputError(
            f"price type name {text!r} cannot contain brackets or line breaks: formulas "
            "refer to it as [name]",
            value=text,
        )


def _currency(value: Currency | str) -> Currency:
    return value if isinstance(value, Currency) else Currency.of(value)


@attrs.frozen
class PriceType:
    """A kind of price [вид цен].

    Attributes:
        id: stable id (agreements refer to it).
        name: the name formulas use in brackets, e.g. ``[Закупочная]``; unique.
        currency: the currency of its prices.
        vat_included: True if its prices include VAT. A formula over a type with
            the other setting gets that price converted with the product's VAT rate.
        rounding: how every price of this type is rounded.
        formula: the default formula; None for a registered (base) type.
        group_formulas: formulas that replace the default for a price group.
        partner_id: set for a supplier's or competitor's price type [вид цен
            партнера]: prices registered under it feed ``avg_purchase_price`` and
            ``min_market_price``.
    """

    id: PriceTypeId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    currency: Currency = attrs.field(converter=_currency)
    vat_included: bool = True
    rounding: RoundingRule = attrs.field(factory=RoundingRule)
    formula: str | None = None
    group_formulas: Mapping[PriceGroupId, str] = attrs.field(
        factory=dict, converter=_str_map, hash=False
    )
    partner_id: PartnerId | None = None

    def __attrs_post_init__(self) -> None:
        self.rounding.check_currency(self.currency, f"price type {self.name!r}")
        if self.partner_id is not None and self.is_calculated:
            raise InvalidInputError(
                f"price type {self.name!r} belongs to partner {self.partner_id!r}: a partner's "
                "prices are registered, not calculated; remove the formula"
            )

    def rounder(self) -> Callable[[Decimal], Decimal]:
        """The rounding rule, then the currency's minor units as the exponent.

        The result is a whole number of minor units written with exactly the
        currency's decimals (``1240.00``, not ``1.24E+3``). Making it does not depend on
        the caller's decimal context; call the function it returns inside the library's.
        """
        # One closure per case: this runs once per price in bulk pricing.
        quantum = self.currency.quantum
        mode, ending = self.rounding.direction.value, self.rounding.ending
        step = self.rounding.step.normalize(CTX)  # quantize's exponent: 0.10 rounds to 0.1
        if not self.rounding.is_power_of_ten():
            # quantum is a power of ten (minor units 0..8), so it is not this step
            return _then_quantize(self.rounding.rounder(), quantum)
        if ending is None:
            if step == quantum:
                return self.rounding.rounder()

            def stepped(value: Decimal) -> Decimal:
                return value.quantize(step, mode).quantize(quantum)

            return stepped

        def with_ending(value: Decimal) -> Decimal:
            if not value:
                return value.quantize(quantum)  # zero stays zero (RoundingRule.rounder too)
            rounded = (value - ending).quantize(step, mode) + ending
            return (ending if rounded < 0 < value else rounded).quantize(quantum)

        return with_ending

    @property
    def is_calculated(self) -> bool:
        """True if prices of this type come from a formula, not from the register."""
        return self.formula is not None or bool(self.group_formulas)

    def formula_for(self, price_group: PriceGroupId | None) -> str | None:
        """The formula for a product of ``price_group``: the group's, else the default."""
        if price_group is not None:
            found = self.group_formulas.get(price_group)
            if found is not None:
                return found
        return self.formula
