"""Attribute validators shared by the contexts' frozen values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from salescore.errors import InvalidInputError

__all__ = ["non_empty_text"]

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
