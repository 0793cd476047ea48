"""Money: an exact amount in one currency.

A :class:`Money` is always a whole number of minor units (kopecks, cents), is
immutable and hashable, and does arithmetic only with money of the same
currency. Floats are refused: they cannot hold 0.10 exactly.

>>> from decimal import Decimal
>>> rub = Currency.of("RUB")
>>> price = Money("1234.5", rub)
>>> price
Money('1234.50', 'RUB')
>>> price + Money(10, rub)
Money('1244.50', 'RUB')
>>> price * 3
Money('3703.50', 'RUB')
>>> price.multiply(Decimal("0.15"), Rounding.HALF_UP)
Money('185.18', 'RUB')
>>> price.format("ru_RU") == "1\\xa0234,50\\xa0₽"
True
>>> price + Money(1, Currency.of("USD"))
Traceback (most recent call last):
...
salescore.errors.CurrencyMismatchError: cannot add USD to RUB: convert one amount first
>>> Money(0.1, rub)
Traceback (most recent call last):
...
salescore.errors.InvalidAmountError: money cannot be built from a float (0.1): pass a Decimal, ...
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from babel.numbers import format_currency

from salescore.errors import CurrencyMismatchError, InvalidAmountError
from salescore.money._context import decimal_context
from salescore.money.currency import Currency
from salescore.money.rounding import Rounding

__all__ = ["Money", "to_decimal", "total"]

AmountLike = Decimal | int | str


def to_decimal(value: object, what: str = "amount") -> Decimal:
    """Turn ``value`` into a finite Decimal, refusing floats and garbage.

    >>> to_decimal("12.50"), to_decimal(3)
    (Decimal('12.50'), Decimal('3'))
    >>> to_decimal("12,5")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidAmountError: amount '12,5' is not a decimal number: ...
    """
    if isinstance(value, bool):
        raise InvalidAmountError(f"{what} cannot be a bool ({value!r})", value=value)
    if isinstance(value, float):
        raise InvalidAmountError(
            f"{what.replace('amount', 'money')} cannot be built from a float ({value!r}): "
            f"pass a Decimal, an int or a string such as '{value!r}'",
            value=value,
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise InvalidAmountError(
                f"{what} {value!r} is not a decimal number: write it like '12.50'", value=value
            ) from None
    else:
        raise InvalidAmountError(
            f"{what} must be a Decimal, int or str, got {type(value).__name__}", value=value
        )
    if not result.is_finite():
        raise InvalidAmountError(f"{what} must be finite, got {value!r}", value=value)
    return result


def _amount(value: AmountLike) -> Decimal:
    # Typed narrowly so that type checkers reject Money(0.1, ...) before run time.
    return to_decimal(value)


def _as_currency(value: Currency | str) -> Currency:
    return value if isinstance(value, Currency) else Currency.of(str(value))


@attrs.frozen(order=False, repr=False)
class Money:
    """An exact amount of one currency, always whole minor units.

    Args:
        amount: a Decimal, int or decimal string; more digits than the currency
            has minor units is an error (round first with :meth:`of`).
        currency: a :class:`Currency` or an ISO code string.
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: Currency = attrs.field(converter=_as_currency)

    def __attrs_post_init__(self) -> None:
        quantum = self.currency.quantum
        with decimal.localcontext(decimal_context()):
            exact = self.amount.quantize(quantum, rounding=decimal.ROUND_DOWN)
        if exact != self.amount:
            raise InvalidAmountError(
                f"{self.amount} has more decimals than {self.currency.code} allows "
                f"({self.currency.minor_units}): round it with "
                "Money.of(amount, currency, rounding)",
                value=self.amount,
            )
        object.__setattr__(self, "amount", exact)

    # --- construction ----------------------------------------------------------

    @classmethod
    def of(
        cls,
        amount: AmountLike,
        currency: Currency | str,
        rounding: Rounding = Rounding.HALF_UP,
    ) -> Money:
        """Money from any exact amount, rounded to minor units with ``rounding``.

        >>> Money.of("10.005", "RUB"), Money.of("10.005", "RUB", Rounding.DOWN)
        (Money('10.01', 'RUB'), Money('10.00', 'RUB'))
        """
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        value = to_decimal(amount)
        with decimal.localcontext(decimal_context()):
            return cls(value.quantize(cur.quantum, rounding=rounding.value), cur)

    @classmethod
    def _exact(cls, amount: Decimal, currency: Currency) -> Money:
        # Results of exact operations on valid Money (sums, negation, whole
        # multiples) are valid by construction: skip the converters and checks.
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        """Zero in ``currency``."""
        return cls(0, currency)

    @classmethod
    def from_minor(cls, units: int, currency: Currency | str) -> Money:
        """Money from a whole number of minor units: ``from_minor(150, RUB)`` is 1.50."""
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        return cls(Decimal(units).scaleb(-cur.minor_units), cur)

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units (kopecks)."""
        return int(self.amount.scaleb(self.currency.minor_units))

    # --- arithmetic ------------------------------------------------------------

    def _same(self, other: Money, verb: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(
                f"cannot {verb} {other.currency.code} to {self.currency.code}: "
                "convert one amount first",
                left=self.currency.code,
                right=other.currency.code,
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if self.currency != other.currency:
            self._same(other, "add")
        return Money._exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if self.currency != other.currency:
            self._same(other, "subtract")
        return Money._exact(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._exact(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._exact(abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        # Only whole factors keep money exact; a Decimal factor needs a rounding
        # decision, which multiply() makes explicit.
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money._exact(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def multiply(self, factor: AmountLike, rounding: Rounding) -> Money:
        """``self × factor`` rounded to minor units with ``rounding``."""
        value = to_decimal(factor, "factor")
        with decimal.localcontext(decimal_context()):
            product = self.amount * value
        return Money.of(product, self.currency, rounding)

    def ratio(self, other: Money) -> Decimal:
        """``self / other`` as an exact-as-possible Decimal (same currency)."""
        self._same(other, "divide")
        with decimal.localcontext(decimal_context()):
            try:
                return self.amount / other.amount
            except (decimal.DivisionByZero, decimal.InvalidOperation):
                raise InvalidAmountError(
                    f"cannot divide {self} by zero", value=self.amount
                ) from None

    # --- comparison ------------------------------------------------------------

    def _cmp(self, other: object) -> tuple[Decimal, Decimal]:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, "compare")
        return self.amount, other.amount

    def __lt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a >= b

    def is_zero(self) -> bool:
        """True for zero of any currency."""
        return self.amount == 0

    def is_positive(self) -> bool:
        """True above zero."""
        return self.amount > 0

    def is_negative(self) -> bool:
        """True below zero."""
        return self.amount < 0

    # --- presentation ----------------------------------------------------------

    def format(self, locale: str) -> str:
        """Format for people in ``locale`` (always explicit: the core reads no locale)."""
        return str(format_currency(self.amount, self.currency.code, locale=locale))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Money, (str(self.amount), self.currency))


def total(items: Iterable[Money], currency: Currency | str) -> Money:
    """The sum of ``items``, which must all be in ``currency``; zero when empty.

    >>> total([Money(1, "RUB"), Money("2.50", "RUB")], "RUB")
    Money('3.50', 'RUB')
    """
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result
