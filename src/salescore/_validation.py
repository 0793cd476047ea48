"""Attribute validators shared by the contexts' frozen values."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from salescore.errors import InvalidInputError
from salescore.money import to_decimal

__all__ = ["non_empty_text", "percent_0_to_100"]

Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def non_empty_text(error: type[InvalidInputError] = InvalidInputError) -> Validator:
    """An attrs validator: the field is a string with something besides spaces.

    ``error`` is the context's own error class (``AgreementError`` …), so callers
    can still tell the failures of one context from another's.

    >>> @attrs.frozen
    ... class Thing:
    ...     id: str = attrs.field(validator=non_empty_text())
    >>> Thing(" ")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: Thing.id must be a non-empty string, got ' '
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise error(
                f"{type(instance).__name__}.{attribute.name} must be a non-empty string, "
                f"got {value!r}",
                value=value,
            )

    return check


def percent_0_to_100(
    value: object,
    what: str,
    error: type[InvalidInputError] = InvalidInputError,
    *,
    name: str = "percent",
    advice: str = "",
    **details: object,
) -> Decimal:
    """``value`` as a percent from 0 to 100, or ``error`` saying ``what`` must be one.

    ``name`` is what a value that is no decimal number at all (a float, garbage) is
    called in its error; ``advice`` ends the message of a percent out of range.

    >>> percent_0_to_100("7.5", "a limit")
    Decimal('7.5')
    >>> percent_0_to_100(-1, "a limit")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: a limit must be a percent in 0..100, got -1
    """
    percent = to_decimal(value, name)
    if not Decimal(0) <= percent <= Decimal(100):
        raise error(
            f"{what} must be a percent in 0..100, got {percent}{advice}", value=percent, **details
        )
    return percent
