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
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from salescore.errors import StorageError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, Unit
from salescore.orders.model import FrozenLine, FrozenPrices, LazyExplanation

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
        if Currency.of(currency.code) == currency:
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
# A frozen order line keeps its explanation behind a LazyExplanation (built when
# first read): stored as the explanation itself, under its own name.
converter.register_unstructure_hook(LazyExplanation, lambda lazy: _explanation_out(lazy.get()))
converter.register_structure_hook(
    LazyExplanation, lambda value, _type: LazyExplanation(_explanation_in(value, Explanation))
)
converter.register_structure_hook(
    LazyExplanation,
    lambda value, _type: (
        value
        if isinstance(value, LazyExplanation)
        else LazyExplanation(_explanation_in(value, Explanation))
    ),
)
converter.register_unstructure_hook(
    FrozenLine,
    make_dict_unstructure_fn(FrozenLine, converter, explained=override(rename="explanation")),
)
converter.register_structure_hook(
    FrozenLine,
    make_dict_structure_fn(FrozenLine, converter, explained=override(rename="explanation")),
)


FROZEN_PRICES_FORMAT = 2
"""The storage format of :class:`~salescore.orders.FrozenPrices` written now.

Format 1 (no ``format`` key) kept every line's explanation as a nested
tree of steps. Format 2 keeps the explanations of a document once, as
tables shared by its lines: ``strings``, ``steps`` (description, value,
source as string numbers, and the detail's explanation number or -1),
``lists`` (the step numbers of one explanation) and ``nodes`` (subject and
list number); a line names its explanation by number. What the lines share
(the agreement's terms, the discount conditions checked once per document,
repeated texts) is stored once, and a line read back builds its
explanation only when it is asked for. Both formats are read.
"""


class _ExplanationTables:
    """Explanations written as numbered tables; a value walked twice is written once."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.steps: list[list[int]] = []
        self.lists: list[list[int]] = []
        self.nodes: list[list[int]] = []
        self._string_ids: dict[str, int] = {}
        # By identity: the values walked are held by the document during the walk.
        self._step_ids: dict[int, int] = {}
        self._list_ids: dict[int, int] = {}
        self._node_ids: dict[int, int] = {}

    def string(self, text: str) -> int:
        found = self._string_ids.get(text)
        if found is None:
            found = self._string_ids[text] = len(self.strings)
            self.strings.append(text)
        return found

    def node(self, explanation: Explanation) -> int:
        found = self._node_ids.get(id(explanation))
        if found is None:
            entry = [self.string(explanation.subject), self.step_list(explanation.steps)]
            found = self._node_ids[id(explanation)] = len(self.nodes)
            self.nodes.append(entry)
        return found

    def step_list(self, steps: tuple[Step, ...]) -> int:
        found = self._list_ids.get(id(steps))
        if found is None:
            entry = [self.step(s) for s in steps]
            found = self._list_ids[id(steps)] = len(self.lists)
            self.lists.append(entry)
        return found

    def step(self, step: Step) -> int:
        found = self._step_ids.get(id(step))
        if found is None:
            string = self.string
            detail = step.detail
            entry = [
                string(step.description),
                string(step.value),
                string(step.source),
                -1 if detail is None else self.node(detail),
            ]
            found = self._step_ids[id(step)] = len(self.steps)
            self.steps.append(entry)
        return found

    def plain(self) -> dict[str, Any]:
        return {
            "strings": self.strings,
            "steps": self.steps,
            "lists": self.lists,
            "nodes": self.nodes,
        }


class _ExplanationReader:
    """Explanations read back from :class:`_ExplanationTables`, each built once when asked."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self._strings: list[str] = tables["strings"]
        self._steps: list[list[int]] = tables["steps"]
        self._lists: list[list[int]] = tables["lists"]
        self._nodes: list[list[int]] = tables["nodes"]
        self._built: dict[int, Explanation] = {}
        self._built_steps: dict[int, Step] = {}
        self._built_lists: dict[int, tuple[Step, ...]] = {}

    def node(self, number: int) -> Explanation:
        found = self._built.get(number)
        if found is None:
            subject, steps = self._nodes[number]
            found = self._built[number] = Explanation(
                self._strings[subject], self._step_list(steps)
            )
        return found

    def _step_list(self, number: int) -> tuple[Step, ...]:
        found = self._built_lists.get(number)
        if found is None:
            found = self._built_lists[number] = tuple(self._step(n) for n in self._lists[number])
        return found

    def _step(self, number: int) -> Step:
        found = self._built_steps.get(number)
        if found is None:
            strings = self._strings
            description, value, source, detail = self._steps[number]
            found = self._built_steps[number] = Step(
                strings[description],
                strings[value],
                strings[source],
                None if detail < 0 else self.node(detail),
            )
        return found

    def lazy(self, number: int) -> LazyExplanation:
        """The explanation ``number``, built when first read."""
        return LazyExplanation(None, lambda: self.node(number))


_prices_out_fields = make_dict_unstructure_fn(FrozenPrices, converter, lines=override(omit=True))
_prices_in_format_1 = make_dict_structure_fn(FrozenPrices, converter)
_line_out_fields = make_dict_unstructure_fn(FrozenLine, converter, explained=override(omit=True))


def _frozen_prices_out(prices: FrozenPrices) -> dict[str, Any]:
    plain = _prices_out_fields(prices)
    tables = _ExplanationTables()
    lines = []
    for line in prices.lines:
        item = _line_out_fields(line)
        item["explanation"] = tables.node(line.explanation)
        lines.append(item)
    plain["lines"] = lines
    plain["explanations"] = tables.plain()
    plain["format"] = FROZEN_PRICES_FORMAT
    return plain


def _frozen_prices_in(value: Any, _type: object) -> FrozenPrices:
    form = value.get("format", 1)
    if form == 1:
        return _prices_in_format_1(value, FrozenPrices)
    if form != FROZEN_PRICES_FORMAT:
        raise StorageError(
            f"frozen prices are in storage format {form!r}; this salescore reads formats 1 "
            f"and {FROZEN_PRICES_FORMAT}: read them with the salescore that wrote them or a "
            "newer one",
            format=form,
        )
    reader = _ExplanationReader(value["explanations"])
    lines = [
        {**line, "explanation": reader.lazy(int(line["explanation"]))} for line in value["lines"]
    ]
    return _prices_in_format_1({**value, "lines": lines}, FrozenPrices)


converter.register_unstructure_hook(FrozenPrices, _frozen_prices_out)
converter.register_structure_hook(FrozenPrices, _frozen_prices_in)


def to_plain(value: object) -> Any:
    """``value`` as plain JSON-ready data (dicts, lists, strings, numbers; sets as
    sorted lists)."""
    return converter.unstructure(value)


def dumps(value: object) -> str:
    """``value`` as compact, key-sorted JSON text."""
    return json.dumps(to_plain(value), ensure_ascii=False, sort_keys=True)


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
            text = json.dumps(plain[key], ensure_ascii=False, sort_keys=True)
        parts.append(f"{json.dumps(key, ensure_ascii=False)}: {text}")
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
