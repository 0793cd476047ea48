"""Amounts in Russian words [сумма прописью], from the ``num2words`` library.

``num2words`` (the ``forms`` extra) spells numbers in many languages and
knows Russian grammar: the case and number of "рубль" and "копейка" after
each numeral, "одна копейка" but "один рубль". It is given the amount in
minor units (an integer), so the caller's decimal context never changes the
words.
"""

from __future__ import annotations

from typing import Any

from salescore.errors import InvalidInputError, MissingExtraError
from salescore.money import Money

__all__ = ["amount_in_words"]


def _num2words() -> Any:
    try:
        from num2words import num2words
    except ImportError as exc:  # pragma: no cover - the forms extra is installed in dev
        raise MissingExtraError(
            "amounts in words need the num2words library: pip install 'salescore[forms]'",
            extra="forms",
        ) from exc
    return num2words


def amount_in_words(amount: Money) -> str:
    """The amount in Russian words, capitalised, as printed forms write it.

    >>> amount_in_words(Money("2512345.67", "RUB"))
    'Два миллиона пятьсот двенадцать тысяч триста сорок пять рублей, шестьдесят семь копеек'

    Raises:
        InvalidInputError: the amount is not in roubles (the forms print roubles).
    """
    if amount.currency.code != "RUB" or amount.currency.minor_units != 2:
        raise InvalidInputError(
            f"amounts in words are written for roubles, got {amount.currency.code}: "
            "convert the amount to RUB for a Russian form",
            currency=amount.currency.code,
        )
    text = str(_num2words()(amount.minor_units, lang="ru", to="currency", currency="RUB"))
    return text[:1].upper() + text[1:]
