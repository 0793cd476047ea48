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
from salescore.money._context import AMOUNT_DIGITS, BOUNDED, CTX, EXACT, QUANTA, check_bound
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
            f"{'money' if what == 'amount' else what} cannot be built from a float ({value!r}): "
            f"pass a Decimal, an int or a string such as '{value!r}'",
            value=value,
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip(), CTX)  # exact; CTX only traps a malformed string
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


_bounded_add = BOUNDED.add
_bounded_subtract = BOUNDED.subtract
_bounded_multiply = BOUNDED.multiply
_exact_multiply = EXACT.multiply


@attrs.frozen(order=False, repr=False, weakref_slot=False)
class Money:
    """An exact amount of one currency, always whole minor units.

    Amounts are bounded: ``abs(amount) < 10**18`` major units (see
    :data:`AMOUNT_LIMIT`); beyond that every operation raises
    :class:`~salescore.errors.InvalidAmountError` rather than round. All
    arithmetic runs in the library's decimal context, whatever the caller's.

    Args:
        amount: a Decimal, int or decimal string; more digits than the currency
            has minor units is an error (round first with :meth:`of`).
        currency: a :class:`Currency` or an ISO code string.
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: Currency = attrs.field(converter=_as_currency)

    def __attrs_post_init__(self) -> None:
        amount = check_bound(self.amount)
        exact = amount.quantize(QUANTA[self.currency.minor_units], decimal.ROUND_DOWN, CTX)
        if exact != amount:
            raise InvalidAmountError(
                f"{amount} has more decimals than {self.currency.code} allows "
                f"({self.currency.minor_units}): round it with "
                "Money.of(amount, currency, rounding)",
                value=amount,
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
        value = check_bound(to_decimal(amount))
        return cls(value.quantize(QUANTA[cur.minor_units], rounding._value_, CTX), cur)

    @classmethod
    def _exact(cls, amount: Decimal, currency: Currency) -> Money:
        # Amounts already in whole minor units of ``currency`` (rounded results,
        # stored amounts): skip the converters and the decimals check, keep the bound.
        if amount.adjusted() >= AMOUNT_DIGITS and not amount.is_zero():
            check_bound(amount)
        return _make(amount, currency)

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        """Zero in ``currency``."""
        return cls(0, currency)

    @classmethod
    def from_minor(cls, units: int, currency: Currency | str) -> Money:
        """Money from a whole number of minor units: ``from_minor(150, RUB)`` is 1.50."""
        cur = currency if currency.__class__ is Currency else _as_currency(currency)
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidAmountError(
                f"minor units must be an int, got {type(units).__name__}", value=units
            )
        amount = Decimal(units).scaleb(-cur.minor_units, EXACT)
        if amount.adjusted() >= AMOUNT_DIGITS and units:
            check_bound(amount)
        return _make(amount, cur)

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units (kopecks)."""
        return int(self.amount.scaleb(self.currency.minor_units, CTX))

    # --- arithmetic ------------------------------------------------------------

    def _same(self, other: Money, verb: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(
                f"cannot {verb} {other.currency.code} to {self.currency.code}: "
                "convert one amount first",
                left=self.currency.code,
                right=other.currency.code,
            )

    def _beyond(self, verb: str, other: object) -> InvalidAmountError:
        return InvalidAmountError(
            f"{verb} {self} and {other} gives an amount beyond what salescore supports: "
            f"amounts must be below 10^{AMOUNT_DIGITS} in absolute value; split the amounts",
            value=self.amount,
        )

    def __add__(self, other: Money) -> Money:
        if other.__class__ is not Money and not isinstance(other, Money):
            return NotImplemented
        cur = self.currency
        if other.currency is not cur and other.currency != cur:
            self._same(other, "add")
        try:
            amount = _bounded_add(self.amount, other.amount)
        except decimal.Overflow:
            raise self._beyond("adding", other) from None
        money = _Blank()
        money.amount = amount
        money.currency = cur
        money.__class__ = Money  # type: ignore[assignment]
        return money  # type: ignore[return-value]

    def __sub__(self, other: Money) -> Money:
        if other.__class__ is not Money and not isinstance(other, Money):
            return NotImplemented
        cur = self.currency
        if other.currency is not cur and other.currency != cur:
            self._same(other, "subtract")
        try:
            amount = _bounded_subtract(self.amount, other.amount)
        except decimal.Overflow:
            raise self._beyond("subtracting", other) from None
        money = _Blank()
        money.amount = amount
        money.currency = cur
        money.__class__ = Money  # type: ignore[assignment]
        return money  # type: ignore[return-value]

    def __neg__(self) -> Money:
        return _make(BOUNDED.minus(self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return _make(BOUNDED.abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        # Only whole factors keep money exact; a Decimal factor needs a rounding
        # decision, which multiply() makes explicit.
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        try:
            amount = _bounded_multiply(self.amount, factor)
        except decimal.Overflow:
            raise self._beyond("multiplying", factor) from None
        return _make(amount, self.currency)

    __rmul__ = __mul__

    def multiply(self, factor: AmountLike, rounding: Rounding) -> Money:
        """``self × factor`` rounded to minor units with ``rounding``.

        The product is exact before the one rounding, whatever the digits of
        ``factor``.
        """
        if factor.__class__ is not Decimal or not factor.is_finite():
            factor = to_decimal(factor, "factor")
        cur = self.currency
        try:
            # Exact product, then one rounding; quantizing in BOUNDED refuses a
            # result of 10^18 or more (InvalidOperation), so no check is needed.
            amount = _exact_multiply(self.amount, factor).quantize(
                QUANTA[cur.minor_units], rounding._value_, BOUNDED
            )
        except (decimal.Overflow, decimal.InvalidOperation):
            raise self._beyond("multiplying", factor) from None
        money = _Blank()
        money.amount = amount
        money.currency = cur
        money.__class__ = Money  # type: ignore[assignment]
        return money  # type: ignore[return-value]

    def ratio(self, other: Money) -> Decimal:
        """``self / other`` as an exact-as-possible Decimal (same currency)."""
        self._same(other, "divide")
        try:
            return CTX.divide(self.amount, other.amount)
        except (decimal.DivisionByZero, decimal.InvalidOperation):
            raise InvalidAmountError(f"cannot divide {self} by zero", value=self.amount) from None

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
        with decimal.localcontext(CTX):  # babel rounds in the current context
            return str(format_currency(self.amount, self.currency.code, locale=locale))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Money, (str(self.amount), self.currency))


class _Blank:
    # Money's layout without its frozen ``__setattr__``. Built, filled and then
    # given the class Money, it is a Money at half the cost of
    # ``object.__new__(Money)`` and two ``object.__setattr__`` calls: the
    # results of Money's arithmetic are made this way. (Money has no weakref
    # slot so that the two layouts agree.)
    __slots__ = ("amount", "currency")
    amount: Decimal
    currency: Currency


def _make(amount: Decimal, currency: Currency) -> Money:
    # Money from an amount known to be valid: whole minor units of ``currency``
    # and within the bound.
    money = _Blank()
    money.amount = amount
    money.currency = currency
    money.__class__ = Money  # type: ignore[assignment]
    return money  # type: ignore[return-value]


def total(items: Iterable[Money], currency: Currency | str) -> Money:
    """The sum of ``items``, which must all be in ``currency``; zero when empty.

    >>> total([Money(1, "RUB"), Money("2.50", "RUB")], "RUB")
    Money('3.50', 'RUB')
    """
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result
