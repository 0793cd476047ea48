"""The library's own decimal context.

All Decimal arithmetic of salescore runs in this context (through
``decimal.localcontext``), so the caller's global context never changes a
result and an invalid operation or a division by zero always raises.
"""

from __future__ import annotations

import decimal

__all__ = ["DECIMAL_CONTEXT", "decimal_context"]

DECIMAL_CONTEXT = decimal.Context(
    prec=34,  # IEEE 754 decimal128: ample for any amount a sales system meets
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def decimal_context() -> decimal.Context:
    """A fresh copy of the library context, for ``with localcontext(...)``."""
    return DECIMAL_CONTEXT.copy()
