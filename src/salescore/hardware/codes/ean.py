"""Check digits of EAN-13, EAN-8, UPC-A and GTIN-14 (the GS1 modulo-10 rule).

Digits are weighted 3, 1, 3, 1, … from the right of the payload; the check
digit brings the weighted sum up to a multiple of ten.

>>> gtin_check_digit("460043993125")
'6'
>>> is_valid_gtin("4600439931256"), is_valid_gtin("4600439931257")
(True, False)
>>> complete_gtin("9638507")          # EAN-8 payload
'96385074'
"""

from __future__ import annotations

from salescore.errors import InvalidInputError

__all__ = ["GTIN_LENGTHS", "complete_gtin", "gtin_check_digit", "is_valid_gtin"]

#: Lengths of complete codes: EAN-8, UPC-A (GTIN-12), EAN-13, GTIN-14.
GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(payload: str) -> str:
    """The check digit for ``payload`` (7, 11, 12 or 13 digits).

    Raises:
        InvalidInputError: not digits, or a length no GTIN has.
    """
    if not payload.isascii() or not payload.isdigit() or len(payload) + 1 not in GTIN_LENGTHS:
        raise InvalidInputError(
            f"a GTIN payload is 7, 11, 12 or 13 digits, got {payload!r}", payload=payload
        )
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(payload))
    )
    return str(-total % 10)


def complete_gtin(payload: str) -> str:
    """``payload`` followed by its check digit."""
    return payload + gtin_check_digit(payload)


def is_valid_gtin(code: str) -> bool:
    """Whether ``code`` is 8, 12, 13 or 14 digits with a correct check digit."""
    if not code.isascii() or not code.isdigit() or len(code) not in GTIN_LENGTHS:
        return False
    return gtin_check_digit(code[:-1]) == code[-1]
