"""Discount conditions: the protocol, the built-ins and the registry (C2, C4, C5, C8).

A condition is a small class with a registry ``name``, a ``parameters``
description, a validating constructor ``from_params`` and
``is_satisfied(ctx)``. Stored rules name it (``"warehouse"``) and give
parameters as plain data; conditions are built when a rule set is compiled,
so a missing parameter is an error at authoring time, not at sale time.

Optional members make a condition faster or better explained:

* ``level = "document"`` — the condition looks only at the sale context and
  document totals, so the engine evaluates it once per document;
* ``index_keys()`` — ``{dimension: values}``: the rule can only hold for
  lines or documents with one of these values (dimensions ``product``,
  ``segment``, ``price_group`` for lines; ``partner``, ``client_segment``,
  ``agreement``, ``card_kind``, ``warehouse``, ``payment_form`` for documents);
  the engine's index uses it;
* ``line_only = True`` — the condition reads nothing but its line's product,
  segments, price group and quantity, so the engine may reuse its verdict
  for lines alike in these;
* ``why(ctx)`` — a sentence saying what was seen (for explanations);
* ``thresholds()`` — quantity or amount tiers (for the what-if helpers).

Plugins register classes under the entry-point group
``salescore.discount_conditions``; salescore registers its built-ins the same way.

>>> from datetime import datetime
>>> from salescore.discounts.sale import DocumentFacts, SaleContext
>>> from salescore.money import Currency
>>> registry = ConditionRegistry.builtins()
>>> cond = registry.build("warehouse", {"warehouses": ["MAIN"]})
>>> facts = DocumentFacts(Currency.of("RUB"), Decimal(0), Decimal(0), {}, {})
>>> ctx = ConditionContext(SaleContext(datetime(2026, 3, 2, 10), warehouse_id="STORE-1"), facts)
>>> cond.is_satisfied(ctx), cond.why(ctx)
(False, 'warehouse is STORE-1')
>>> registry.build("warehouse", {})
Traceback (most recent call last):
...
salescore.errors.DiscountError: condition 'warehouse': missing parameter 'warehouses'; ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Protocol, Self, runtime_checkable

import attrs

from salescore.agreements.model import PaymentForm
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine
from salescore.errors import DiscountError, InvalidInputError
from salescore.money import to_decimal
from salescore.plugins import PluginRegistry

__all__ = [
    "BUILTIN_CONDITIONS",
    "DOCUMENT_DIMENSIONS",
    "GROUP",
    "LINE_DIMENSIONS",
    "MULTI_VALUED_DIMENSIONS",
    "AgreementCondition",
    "CardKindCondition",
    "ClientSegmentCondition",
    "ConditionContext",
    "ConditionRegistry",
    "DiscountCondition",
    "LineQuantityCondition",
    "NomenclatureSegmentCondition",
    "PartnerCondition",
    "PaymentFormCondition",
    "PriceGroupCondition",
    "ProductCondition",
    "SaleTimeCondition",
    "SaleVolumeCondition",
    "Threshold",
    "WarehouseCondition",
    "param_decimal",
    "param_strings",
]

GROUP = "salescore.discount_conditions"
LINE_DIMENSIONS = ("product", "segment", "price_group")
DOCUMENT_DIMENSIONS = (
    "partner",
    "client_segment",
    "agreement",
    "card_kind",
    "warehouse",
    "payment_form",
)
MULTI_VALUED_DIMENSIONS = frozenset({"segment", "client_segment"})
"""Dimensions where a sale shows several values at once (a product in several
segments, a client in several segments): two conditions on one of them may
both hold with different values, so their lists cannot be intersected."""


class ConditionContext(NamedTuple):
    """What a condition may look at: read-only, no repository access.

    A named tuple (immutable, and cheap to build once per line on the bulk
    path) of ``sale``, the sale context (client, agreement, warehouse, moment …);
    ``document``, the document's totals; and ``line``, the line being discounted
    (None for document-level evaluation).
    """

    sale: SaleContext
    document: DocumentFacts
    line: SaleLine | None = None


@attrs.frozen
class Threshold:
    """A tier boundary a condition introduces: ``kind`` reaches ``value``.

    ``kind`` is ``"line_quantity"``, ``"document_amount"``,
    ``"document_quantity"``, ``"segment_amount"`` or ``"segment_quantity"``
    (then ``segment`` names it).
    """

    kind: str
    value: Decimal
    segment: str | None = None


@runtime_checkable
class DiscountCondition(Protocol):
    """The contract of a discount condition (built-in or plugin)."""

    name: ClassVar[str]
    parameters: ClassVar[Mapping[str, str]]

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        """Build from plain parameters; :class:`DiscountError` if they are wrong."""
        ...

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        """True when the condition holds for ``ctx``. Must not raise for any valid sale."""
        ...

    def describe(self) -> str:
        """What the condition asks for, in words (``"warehouse in MAIN"``)."""
        ...


def _validate_condition(obj: object) -> str:
    missing = [
        attr
        for attr in ("name", "parameters", "from_params", "is_satisfied", "describe")
        if not hasattr(obj, attr)
    ]
    if not isinstance(obj, type):
        return f"{obj!r} is not a class"
    if missing:
        return f"{obj.__name__} lacks {', '.join(missing)} (see DiscountCondition)"
    return ""


class ConditionRegistry(PluginRegistry[type[DiscountCondition]]):
    """The discount conditions known to an application, by name.

    Built from installed entry points (:meth:`from_entry_points`), from classes
    (:meth:`of`, for tests) or from the built-ins alone (:meth:`builtins`).
    """

    default_group = GROUP

    def __init__(
        self,
        group: str,
        entries: Mapping[str, Any],
        validate: Any = None,
    ) -> None:
        super().__init__(group, entries, validate or _validate_condition)

    @classmethod
    def builtins(cls) -> ConditionRegistry:
        """A registry of salescore's own conditions, without reading package metadata."""
        return cls.of(*BUILTIN_CONDITIONS)

    def build(self, name: str, params: Mapping[str, Any], path: str = "") -> DiscountCondition:
        """The condition ``name`` built from ``params``.

        Raises:
            PluginLoadError: no condition of that name, or its plugin is broken.
            DiscountError: the parameters are wrong (message names the condition and ``path``).
        """
        cls = self.get(name)
        where = f"{path}: " if path else ""
        try:
            return cls.from_params(params)
        except DiscountError as exc:
            if not where:
                raise
            raise DiscountError(f"{where}{exc}", path=path) from exc
        except Exception as exc:
            raise DiscountError(
                f"{where}condition {name!r} refused its parameters ({type(exc).__name__}: {exc})",
                path=path,
                condition=name,
            ) from exc


# --- parameter helpers (also for plugin authors) -------------------------------------------


def _require(cond: str, params: Mapping[str, Any], key: str) -> Any:
    if key not in params or params[key] is None:
        raise DiscountError(
            f"condition {cond!r}: missing parameter {key!r}; give it in the rule's condition",
            condition=cond,
            parameter=key,
        )
    return params[key]


def _unknown(cond: str, params: Mapping[str, Any], allowed: Iterable[str]) -> None:
    extra = sorted(set(params) - set(allowed))
    if extra:
        raise DiscountError(
            f"condition {cond!r}: unknown parameter(s) {', '.join(extra)}; "
            f"it takes {', '.join(sorted(allowed))}",
            condition=cond,
            parameter=extra[0],
        )


def param_strings(cond: str, params: Mapping[str, Any], key: str) -> frozenset[str]:
    """A required non-empty list of strings (a single string is accepted too)."""
    value = _require(cond, params, key)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)) or not items:
        raise DiscountError(
            f"condition {cond!r}: parameter {key!r} must be a non-empty list, got {value!r}",
            condition=cond,
            parameter=key,
        )
    return frozenset(str(item) for item in items)


def param_decimal(
    cond: str, params: Mapping[str, Any], key: str, *, required: bool = True
) -> Decimal | None:
    """A decimal parameter; floats are refused (write ``"5.5"``)."""
    if not required and params.get(key) is None:
        return None
    value = _require(cond, params, key)
    try:
        return to_decimal(value, f"parameter {key!r}")
    except InvalidInputError as exc:
        raise DiscountError(f"condition {cond!r}: {exc}", condition=cond, parameter=key) from exc


class _MemberCondition:
    """A value of the sale (or line) must be one of the listed ones.

    ``index_exact``: the condition holds exactly when the engine's index
    finds the rule by the seen value, so the engine need not test it again.
    """

    name: ClassVar[str] = ""
    parameters: ClassVar[Mapping[str, str]] = {}
    level: ClassVar[str] = "document"
    dimension: ClassVar[str] = ""
    label: ClassVar[str] = ""
    index_exact: ClassVar[bool] = True
    line_only: ClassVar[bool] = False

    def __init__(self, values: frozenset[str]) -> None:
        self.values = values

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        (key,) = cls.parameters
        _unknown(cls.name, params, cls.parameters)
        return cls(param_strings(cls.name, params, key))

    single: ClassVar[bool] = True
    sale_field: ClassVar[str] = ""
    """The :class:`SaleContext` attribute a document-level condition looks at."""

    def one(self, ctx: ConditionContext) -> str | None:
        """The one value the sale shows for a single-valued dimension."""
        value: str | None = getattr(ctx.sale, self.sale_field)
        return value

    def seen(self, ctx: ConditionContext) -> frozenset[str]:
        """The values the sale shows for this dimension."""
        value = self.one(ctx)
        return frozenset() if value is None else frozenset((value,))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        if self.single:
            return self.one(ctx) in self.values
        return not self.values.isdisjoint(self.seen(ctx))

    def index_keys(self) -> Mapping[str, frozenset[str]]:
        return {self.dimension: self.values}

    def describe(self) -> str:
        return f"{self.label} in {', '.join(sorted(self.values))}"

    def why(self, ctx: ConditionContext) -> str:
        seen = sorted(self.seen(ctx))
        return f"{self.label} is {', '.join(seen) if seen else 'not given'}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.values)})"


class PartnerCondition(_MemberCondition):
    """The client [партнер] is one of ``partners``."""

    name = "partner"
    parameters: ClassVar[Mapping[str, str]] = {"partners": "partner ids"}
    dimension = "partner"
    label = "client"
    sale_field = "partner_id"


class ClientSegmentCondition(_MemberCondition):
    """The client belongs to one of ``segments`` [сегмент партнеров]."""

    name = "client_segment"
    parameters: ClassVar[Mapping[str, str]] = {"segments": "client segment ids"}
    dimension = "client_segment"
    label = "client segment"

    single = False

    def seen(self, ctx: ConditionContext) -> frozenset[str]:
        return frozenset(ctx.sale.client_segment_ids)


class AgreementCondition(_MemberCondition):
    """The applicable agreement is one of ``agreements``."""

    name = "agreement"
    parameters: ClassVar[Mapping[str, str]] = {"agreements": "agreement ids"}
    dimension = "agreement"
    label = "agreement"
    sale_field = "agreement_id"


class CardKindCondition(_MemberCondition):
    """A loyalty card of one of ``kinds`` is shown [вид дисконтной карты]."""

    name = "card_kind"
    parameters: ClassVar[Mapping[str, str]] = {"kinds": "loyalty card kinds"}
    dimension = "card_kind"
    label = "card kind"
    sale_field = "card_kind"


class WarehouseCondition(_MemberCondition):
    """The sale is from one of ``warehouses`` (or stores)."""

    name = "warehouse"
    parameters: ClassVar[Mapping[str, str]] = {"warehouses": "warehouse or store ids"}
    dimension = "warehouse"
    label = "warehouse"
    sale_field = "warehouse_id"


class PaymentFormCondition(_MemberCondition):
    """The payment form is one of ``forms`` [форма оплаты]."""

    name = "payment_form"
    parameters: ClassVar[Mapping[str, str]] = {"forms": "payment forms: cash, noncash, card"}
    dimension = "payment_form"
    label = "payment form"
    sale_field = "payment_form"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        made = super().from_params(params)
        for form in sorted(made.values):
            try:
                PaymentForm.of_sale(form)
            except InvalidInputError as exc:
                raise DiscountError(f"condition {cls.name!r}: {exc}", value=form) from None
        return made


class ProductCondition(_MemberCondition):
    """The line's product is one of ``products``."""

    name = "product"
    parameters: ClassVar[Mapping[str, str]] = {"products": "product ids"}
    level = "line"
    line_only = True
    dimension = "product"
    label = "product"

    def one(self, ctx: ConditionContext) -> str | None:
        return None if ctx.line is None else ctx.line.product.id


class NomenclatureSegmentCondition(_MemberCondition):
    """The line's product is in one of ``segments`` [сегмент номенклатуры]."""

    name = "nomenclature_segment"
    parameters: ClassVar[Mapping[str, str]] = {"segments": "nomenclature segment ids"}
    level = "line"
    line_only = True
    dimension = "segment"
    label = "product segment"

    single = False

    def seen(self, ctx: ConditionContext) -> frozenset[str]:
        return frozenset() if ctx.line is None else frozenset(ctx.line.segment_ids)


class PriceGroupCondition(_MemberCondition):
    """The line's product is in one of ``price_groups`` [ценовая группа]."""

    name = "price_group"
    parameters: ClassVar[Mapping[str, str]] = {"price_groups": "price group ids"}
    level = "line"
    line_only = True
    dimension = "price_group"
    label = "price group"

    def one(self, ctx: ConditionContext) -> str | None:
        return None if ctx.line is None else ctx.line.price_group_id


class LineQuantityCondition:
    """The line's quantity is at least ``min`` (and below ``max``, if given)."""

    name: ClassVar[str] = "line_quantity"
    parameters: ClassVar[Mapping[str, str]] = {
        "min": "smallest quantity (inclusive)",
        "max": "optional: quantity from which it no longer holds (exclusive)",
    }
    level: ClassVar[str] = "line"
    line_only: ClassVar[bool] = True

    def __init__(self, minimum: Decimal, maximum: Decimal | None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        _unknown(cls.name, params, cls.parameters)
        minimum = param_decimal(cls.name, params, "min")
        maximum = param_decimal(cls.name, params, "max", required=False)
        assert minimum is not None
        if maximum is not None and maximum <= minimum:
            raise DiscountError(
                f"condition 'line_quantity': max {maximum} must be above min {minimum}",
                condition=cls.name,
            )
        return cls(minimum, maximum)

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        if ctx.line is None:
            return False
        qty = ctx.line.quantity.value
        return qty >= self.minimum and (self.maximum is None or qty < self.maximum)

    def describe(self) -> str:
        upper = f" and below {self.maximum}" if self.maximum is not None else ""
        return f"line quantity at least {self.minimum}{upper}"

    def why(self, ctx: ConditionContext) -> str:
        return "no line" if ctx.line is None else f"line quantity is {ctx.line.quantity.value}"

    def thresholds(self) -> Iterable[Threshold]:
        yield Threshold("line_quantity", self.minimum)


class SaleVolumeCondition:
    """One-time sale volume [разовый объем продаж]: document or segment total reaches a minimum.

    Parameters: exactly one of ``min_amount`` and ``min_quantity``; ``per``
    is ``"document"`` (default) or ``"segment"``, then ``segment`` names the
    nomenclature segment whose lines are summed.
    """

    name: ClassVar[str] = "sale_volume"
    parameters: ClassVar[Mapping[str, str]] = {
        "min_amount": "document (or segment) amount before discounts, at least",
        "min_quantity": "document (or segment) quantity, at least",
        "per": "document (default) or segment",
        "segment": "nomenclature segment id, when per = segment",
    }
    level: ClassVar[str] = "document"

    def __init__(self, measure: str, minimum: Decimal, segment: str | None) -> None:
        self.measure = measure
        self.minimum = minimum
        self.segment = segment

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        _unknown(cls.name, params, cls.parameters)
        amount = param_decimal(cls.name, params, "min_amount", required=False)
        quantity = param_decimal(cls.name, params, "min_quantity", required=False)
        if (amount is None) == (quantity is None):
            raise DiscountError(
                "condition 'sale_volume': give exactly one of min_amount and min_quantity",
                condition=cls.name,
                parameter="min_amount",
            )
        per = str(params.get("per", "document"))
        if per not in ("document", "segment"):
            raise DiscountError(
                f"condition 'sale_volume': per must be 'document' or 'segment', got {per!r}",
                condition=cls.name,
                parameter="per",
            )
        segment = None
        if per == "segment":
            segment = str(_require(cls.name, params, "segment"))
        measure = "amount" if amount is not None else "quantity"
        minimum = amount if amount is not None else quantity
        assert minimum is not None
        return cls(measure, minimum, segment)

    def total(self, facts: DocumentFacts) -> Decimal:
        """The document's (or segment's) amount or quantity."""
        if self.segment is None:
            return facts.amount if self.measure == "amount" else facts.quantity
        table = facts.segment_amount if self.measure == "amount" else facts.segment_quantity
        return table.get(self.segment, Decimal(0))  # type: ignore[call-overload,no-any-return]

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        return self.total(ctx.document) >= self.minimum

    def _what(self) -> str:
        where = "document" if self.segment is None else f"segment {self.segment}"
        return f"{where} {self.measure}"

    def describe(self) -> str:
        return f"{self._what()} at least {self.minimum}"

    def why(self, ctx: ConditionContext) -> str:
        return f"{self._what()} is {self.total(ctx.document)}"

    def thresholds(self) -> Iterable[Threshold]:
        kind = ("document_" if self.segment is None else "segment_") + self.measure
        yield Threshold(kind, self.minimum, self.segment)


_WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def _as_date(cond: str, key: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DiscountError(
            f"condition {cond!r}: {key} {value!r} is not a date (write 2026-03-01)",
            condition=cond,
            parameter=key,
        ) from None


def _as_time(cond: str, key: str, value: Any) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise DiscountError(
            f"condition {cond!r}: {key} {value!r} is not a time of day (write 09:00)",
            condition=cond,
            parameter=key,
        ) from None


class SaleTimeCondition:
    """Time of sale: a date range, weekdays and/or hours of the day.

    Parameters (at least one): ``date_from``/``date_to`` (inclusive dates),
    ``weekdays`` (``["sat", "sun"]`` or ISO numbers 1–7), ``time_from``/
    ``time_to`` (``"09:00"``, half-open: from inclusive, to exclusive).
    """

    name: ClassVar[str] = "sale_time"
    parameters: ClassVar[Mapping[str, str]] = {
        "date_from": "first date (inclusive)",
        "date_to": "last date (inclusive)",
        "weekdays": "days of week: mon..sun or 1..7",
        "time_from": "time of day from (inclusive)",
        "time_to": "time of day to (exclusive)",
    }
    level: ClassVar[str] = "document"

    def __init__(
        self,
        date_from: date | None,
        date_to: date | None,
        weekdays: frozenset[int] | None,
        time_from: time | None,
        time_to: time | None,
    ) -> None:
        self.date_from = date_from
        self.date_to = date_to
        self.weekdays = weekdays
        self.time_from = time_from
        self.time_to = time_to

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        name = cls.name
        _unknown(name, params, cls.parameters)
        if not any(params.get(k) is not None for k in cls.parameters):
            raise DiscountError(
                f"condition {name!r}: missing parameters: give at least one of "
                f"{', '.join(cls.parameters)}",
                condition=name,
                parameter="date_from",
            )

        def opt(key: str, parse: Any) -> Any:
            value = params.get(key)
            return None if value is None else parse(name, key, value)

        date_from, date_to = opt("date_from", _as_date), opt("date_to", _as_date)
        if date_from and date_to and date_from > date_to:
            raise DiscountError(
                f"condition {name!r}: date_from {date_from} is after date_to {date_to}",
                condition=name,
                parameter="date_from",
            )
        weekdays = None
        if params.get("weekdays") is not None:
            days = set()
            for item in param_strings(name, params, "weekdays"):
                day = _WEEKDAYS.get(item.lower()[:3]) or (int(item) if item.isdigit() else 0)
                if not 1 <= day <= 7:
                    raise DiscountError(
                        f"condition {name!r}: weekday {item!r} is not mon..sun or 1..7",
                        condition=name,
                        parameter="weekdays",
                    )
                days.add(day)
            weekdays = frozenset(days)
        return cls(
            date_from, date_to, weekdays, opt("time_from", _as_time), opt("time_to", _as_time)
        )

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        moment = ctx.sale.moment
        day = moment.date()
        if self.date_from is not None and day < self.date_from:
            return False
        if self.date_to is not None and day > self.date_to:
            return False
        if self.weekdays is not None and day.isoweekday() not in self.weekdays:
            return False
        clock = moment.time().replace(tzinfo=None)
        if self.time_from is not None and clock < self.time_from:
            return False
        return not (self.time_to is not None and clock >= self.time_to)

    def describe(self) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"dates {self.date_from or '…'}..{self.date_to or '…'}")
        if self.weekdays:
            parts.append("weekdays " + ",".join(str(d) for d in sorted(self.weekdays)))
        if self.time_from or self.time_to:
            parts.append(f"hours {self.time_from or '00:00'}–{self.time_to or '24:00'}")
        return "sale time: " + "; ".join(parts)

    def why(self, ctx: ConditionContext) -> str:
        moment = ctx.sale.moment
        return f"sold {moment:%Y-%m-%d %H:%M}, weekday {moment.isoweekday()}"

    def is_expired(self, as_of: date) -> bool:
        """True when the date range ended before ``as_of``."""
        return self.date_to is not None and self.date_to < as_of


BUILTIN_CONDITIONS: tuple[type[DiscountCondition], ...] = (
    PartnerCondition,
    ClientSegmentCondition,
    AgreementCondition,
    CardKindCondition,
    WarehouseCondition,
    PaymentFormCondition,
    ProductCondition,
    NomenclatureSegmentCondition,
    PriceGroupCondition,
    LineQuantityCondition,
    SaleVolumeCondition,
    SaleTimeCondition,
)
