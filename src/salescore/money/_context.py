"""The library's own decimal contexts and the bounds on amounts.

All Decimal arithmetic of salescore runs in these contexts, so the caller's
context (its precision, rounding, traps and flags, set with
``decimal.setcontext`` or ``decimal.localcontext``) never changes a result.
Hot paths call the context's methods explicitly (``CTX.add(a, b)``,
``d.quantize(q, rounding, CTX)``): that skips the thread-local context switch
of ``with decimal.localcontext(...)``, which the rest of the library uses.

Amounts are bounded: money and quantities stay below :data:`AMOUNT_LIMIT`
(10^18) in absolute value, with at most 9 decimals, so every sum, difference
and whole multiple of them is exact in 34 digits. Anything beyond is refused
with :class:`~salescore.errors.InvalidAmountError`, never rounded.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from salescore.errors import InvalidAmountError

__all__ = [
    "AMOUNT_DIGITS",
    "AMOUNT_LIMIT",
    "BOUNDED",
    "CTX",
    "DECIMAL_CONTEXT",
    "EXACT",
    "QUANTA",
    "WEIGHT_DIGITS",
    "check_bound",
    "decimal_context",
    "too_large",
]

_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]

AMOUNT_DIGITS = 18
"""Money and quantities are below 10**AMOUNT_DIGITS in absolute value."""

AMOUNT_LIMIT = Decimal(10) ** AMOUNT_DIGITS
"""The bound on amounts: ``abs(amount) < AMOUNT_LIMIT`` (10^18 major units)."""

WEIGHT_DIGITS = 36
"""Allocation weights lie in ``10**-WEIGHT_DIGITS <= abs(w) < 10**WEIGHT_DIGITS`` (or zero)."""

DECIMAL_CONTEXT = decimal.Context(
    prec=34,  # IEEE 754 decimal128: ample for any amount below the bound
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=_TRAPS,
)

CTX = DECIMAL_CONTEXT
"""The library context, for explicit calls: ``CTX.divide(a, b)``."""

BOUNDED = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=AMOUNT_DIGITS - 1,
    traps=_TRAPS,
)
"""Sums of bounded amounts: a result of 10^18 or more overflows (a trapped signal)."""

EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=decimal.MIN_EMIN,
    Emax=decimal.MAX_EMAX,
    traps=_TRAPS,
)
"""Exact products and sums of any finite operands (never divide in it: 1/3 never ends)."""


QUANTA = tuple(Decimal(1).scaleb(-places, CTX) for places in range(10))
"""``QUANTA[n]`` is the smallest step with ``n`` decimals: ``QUANTA[2] == Decimal('0.01')``."""


def decimal_context() -> decimal.Context:
    """A fresh copy of the library context, for ``with localcontext(...)``."""
    return DECIMAL_CONTEXT.copy()


def too_large(value: Decimal) -> bool:
    """True if ``abs(value) >= AMOUNT_LIMIT`` (context-free)."""
    return value.adjusted() >= AMOUNT_DIGITS and not value.is_zero()


def check_bound(value: Decimal, what: str = "amount") -> Decimal:
    """``value`` itself, or :class:`InvalidAmountError` if it is beyond the bound."""
    if too_large(value):
        raise InvalidAmountError(
            f"{what} {value} is beyond what salescore supports: amounts and quantities must "
            f"be below 10^{AMOUNT_DIGITS} in absolute value; split it or check the input",
            value=value,
        )
    return value
