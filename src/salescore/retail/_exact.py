"""Run retail functions in the library's decimal context, whatever the caller's.

The retail rules apply it after their definition (``compose_lines = exact(compose_lines)``)
rather than as a decorator: mutmut leaves every decorated function unmutated, and these
functions are where the receipts' and the shifts' figures are computed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import localcontext
from typing import ParamSpec, TypeVar

from salescore.money._context import decimal_context

P = ParamSpec("P")
R = TypeVar("R")


def exact(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with every Decimal operation in salescore's own context: a caller's
    low precision or odd rounding never changes a sum, a quantity or a share."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(decimal_context()):
            return function(*args, **kwargs)

    return wrapper
