"""Turning frozen domain values into JSON documents and back, driven by type hints.

Storage adapters keep entities as JSON text. Amounts are decimal strings,
never binary floats, so a stored price is read back to the last digit.

>>> from salescore.money import Money
>>> text = dumps(Money("12.30", "RUB"))
>>> text
'{"amount": "12.30", "currency": "RUB"}'
>>> loads(text, Money)
Money('12.30', 'RUB')
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from salescore.adapters.frozen_prices import FROZEN_PRICES_FORMAT, register_frozen_prices
from salescore.errors import StorageError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, Unit

__all__ = ["FROZEN_PRICES_FORMAT", "converter", "dumps", "dumps_with", "loads", "to_plain"]

T = TypeVar("T")


def _sorted_list(items: Iterable[Any]) -> list[Any]:
    # JSON wants lists, and stored text must not depend on hash order, so sets
    # become lists sorted by the text of their (already plain) items.
    return sorted(items, key=repr)


converter = cattrs.Converter(
    forbid_extra_keys=False,
    unstruct_collection_overrides={
        AbstractSet: _sorted_list,
        frozenset: _sorted_list,
        set: _sorted_list,
    },
)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda value, _type: Decimal(str(value)))
converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(date, lambda value, _type: date.fromisoformat(value))
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(datetime, lambda value, _type: datetime.fromisoformat(value))
converter.register_unstructure_hook(time, time.isoformat)
converter.register_structure_hook(time, lambda value, _type: time.fromisoformat(value))


def _currency_out(currency: Currency) -> Any:
    try:
        known = Currency.of(currency.code)
        if known is currency or known == currency:
            return currency.code
    except ValueError:
        pass
    return {"code": currency.code, "minor_units": currency.minor_units}


def _currency_in(value: Any, _type: object) -> Currency:
    if isinstance(value, str):
        return Currency.of(value)
    return Currency(value["code"], int(value["minor_units"]))


converter.register_unstructure_hook(Currency, _currency_out)
converter.register_structure_hook(Currency, _currency_in)
converter.register_unstructure_hook(
    Money, lambda m: {"amount": str(m.amount), "currency": _currency_out(m.currency)}
)
converter.register_structure_hook(
    Money, lambda v, _t: Money(v["amount"], _currency_in(v["currency"], Currency))
)
converter.register_unstructure_hook(
    Quantity, lambda q: {"value": str(q.value), "unit": converter.unstructure(q.unit)}
)
converter.register_structure_hook(
    Quantity, lambda v, _t: Quantity(v["value"], converter.structure(v["unit"], Unit))
)


# Explanations are the bulk of a priced document (tens of steps per line): a
# direct walk gives the same plain data as cattrs' generated code, faster.
def _explanation_out(explanation: Explanation) -> dict[str, Any]:
    return {
        "subject": explanation.subject,
        "steps": [
            {
                "description": step.description,
                "value": step.value,
                "source": step.source,
                "detail": None if step.detail is None else _explanation_out(step.detail),
            }
            for step in explanation.steps
        ],
    }


def _step_in(value: Any) -> Step:
    detail = value.get("detail")
    return Step(
        value["description"],
        value.get("value", ""),
        value.get("source", ""),
        None if detail is None else _explanation_in(detail, Explanation),
    )


def _explanation_in(value: Any, _type: object) -> Explanation:
    return Explanation(value["subject"], tuple(_step_in(s) for s in value.get("steps", ())))


converter.register_unstructure_hook(Explanation, _explanation_out)
converter.register_structure_hook(Explanation, _explanation_in)
# Frozen prices of quotes and orders have their own storage format (versioned).
register_frozen_prices(converter, _explanation_out, _explanation_in)


def to_plain(value: object) -> Any:
    """``value`` as plain JSON-ready data (dicts, lists, strings, numbers; sets as
    sorted lists)."""
    return converter.unstructure(value)


# One encoder for every text written: json.dumps builds a new encoder on each call
# whose options differ from the defaults, and an order writes dozens of fields.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def dumps(value: object) -> str:
    """``value`` as compact, key-sorted JSON text."""
    return _encode(to_plain(value))


def dumps_with(value: object, encoded: dict[str, str]) -> str:
    """:func:`dumps` of ``value`` whose fields named in ``encoded`` are already
    JSON text (as :func:`dumps` wrote them): the same text, without encoding
    those fields again.

    ``value`` must unstructure to a mapping; its fields in ``encoded`` are
    left out of the walk (pass the value with them emptied, for instance
    ``None``, so they are not unstructured for nothing).
    """
    plain = to_plain(value)
    parts = []
    for key in sorted({*plain, *encoded}):
        text = encoded.get(key)
        if text is None:
            text = _encode(plain[key])
        parts.append(f"{_encode(key)}: {text}")
    return "{" + ", ".join(parts) + "}"


def _storage_error_in(exc: BaseException) -> StorageError | None:
    """The :class:`StorageError` a hook raised, inside cattrs' exception groups."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _storage_error_in(inner)
            if found is not None:
                return found
    return None


def loads(text: str | bytes, kind: type[T]) -> T:
    """A ``kind`` value from JSON text written by :func:`dumps`.

    Raises:
        StorageError: the text is not a valid ``kind`` (corrupted or foreign data).
    """
    try:
        return converter.structure(json.loads(text), kind)
    except Exception as exc:  # cattrs raises many kinds; all mean "corrupted"
        known = _storage_error_in(exc)
        if known is not None:  # a hook said what is wrong: say it
            raise known from exc
        raise StorageError(
            f"stored {kind.__name__} cannot be read ({type(exc).__name__}: {exc}); "
            "the storage is corrupted or was written by other software",
            kind=kind.__name__,
        ) from exc
