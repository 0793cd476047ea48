"""The rule-set file: discounts, groups and limits written in TOML.

``salescore check FILE`` reads this format. Every table is a list of
entities; decimals may be written as numbers or strings (they are read as
exact decimals, never as binary floats)::

    [[groups]]
    id = "ROOT"
    name = "All discounts"
    combination = "multiply"        # max | min | multiply | add | displace
    children = ["SEASON", "VOLUME"]

    [[discounts]]
    id = "SEASON"
    name = "Spring sale"
    kind = "percent"                # percent | amount | gift | free_units
    value = 5
    priority = 10
    condition = { all = [
        { name = "warehouse", warehouses = ["MAIN"] },
        { any = [ { name = "payment_form", forms = ["cash"] },
                  { name = "card_kind", kinds = ["GOLD"] } ] },
    ] }
    price_groups = { MACHINES = 3 }  # the percent refined for a price group

    [[limits]]
    id = "L-IVANOVA"
    user = "ivanova"                # or: agreement = "AGR-1"
    percent = 7
    price_groups = { MACHINES = 3 }

    [known]                         # optional: what exists, for reference checks
    products = ["CM-100", "GR-10"]
    users = ["ivanova"]

A discount also takes ``basis`` (``unit``, ``line``, ``document``) for
amounts, ``markup = true``, ``manual = true``, ``valid_from``/``valid_to``
dates, and for gifts and free units ``gift_product``, ``gift_quantity``,
``buy_quantity``, ``free_quantity``. A condition leaf is a table with
``name`` and the condition's parameters; ``all``/``any`` take a list,
``not`` one table.

>>> parsed = parse_rule_set('''
... [[groups]]
... id = "ROOT"
... name = "Root"
... children = ["D"]
... [[discounts]]
... id = "D"
... name = "Five"
... value = 5.5
... condition = { name = "warehouse", warehouses = ["MAIN"] }
... ''', "rules.toml")
>>> parsed.rule_set.discounts[0].value, str(parsed.rule_set.discounts[0].condition)
(Decimal('5.5'), "warehouse(warehouses=['MAIN'])")
>>> parse_rule_set('[[discounts]]\\nid = "X"\\nname = "X"\\nkind = "percnt"', "r.toml")
Traceback (most recent call last):
...
salescore.errors.DiscountError: r.toml: discounts[0].kind: 'percnt' is not one of percent, ...
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

from salescore.discounts.model import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountKind,
    DiscountRuleSet,
    ManualDiscountLimit,
    Mode,
)
from salescore.errors import DiscountError, SalescoreError

__all__ = ["ParsedRuleSet", "parse_rule_set", "rule_set_from_data"]

E = TypeVar("E", bound=Enum)

_DISCOUNT_KEYS = {
    "id",
    "name",
    "kind",
    "value",
    "basis",
    "markup",
    "manual",
    "priority",
    "condition",
    "price_groups",
    "gift_product",
    "gift_quantity",
    "buy_quantity",
    "free_quantity",
    "valid_from",
    "valid_to",
}
_GROUP_KEYS = {"id", "name", "combination", "children", "priority"}
_LIMIT_KEYS = {"id", "user", "agreement", "percent", "price_groups"}


@attrs.frozen
class ParsedRuleSet:
    """A rule set read from a file, with the optional lists of known products and users."""

    rule_set: DiscountRuleSet
    known_products: frozenset[str] | None = None
    known_users: frozenset[str] | None = None
    source: str = ""


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> DiscountError:
        return DiscountError(f"{self.source}: {path}: {message}", source=self.source, path=path)

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a table, got {value!r}")
        return value

    def keys(self, table: Mapping[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(
                f"{path}.{extra[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}"
            )

    def need(self, table: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in table:
            raise self.fail(f"{path}.{key}", "missing")
        return table[key]

    def enum(self, kind: type[E], value: Any, path: str) -> E:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            raise self.fail(path, f"{value!r} is not one of {allowed}") from None

    def strings(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, f"must be a list of strings, got {value!r}")
        return list(value)

    def date(self, value: Any, path: str) -> date | None:
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(path, f"{value!r} is not a date (write 2026-03-01)") from None

    def condition(self, value: Any, path: str) -> ConditionExpr:
        table = self.table(value, path)
        ops = [op for op in ("all", "any", "not") if op in table]
        if ops:
            if len(table) != 1:
                raise self.fail(path, f"'{ops[0]}' must be alone in its table")
            op = ops[0]
            if op == "not":
                return ConditionExpr.negate(self.condition(table["not"], f"{path}.not"))
            items = table[op]
            if not isinstance(items, list) or not items:
                raise self.fail(f"{path}.{op}", "must be a non-empty list of conditions")
            children = [self.condition(c, f"{path}.{op}[{i}]") for i, c in enumerate(items)]
            return ConditionExpr(op, children=children)
        name = self.need(table, "name", path)
        params = {k: _plain(v) for k, v in table.items() if k != "name"}
        return ConditionExpr.leaf(str(name), **params)

    def build(self, path: str, factory: Any, **kwargs: Any) -> Any:
        try:
            return factory(**kwargs)
        except SalescoreError as exc:
            raise self.fail(path, str(exc)) from exc

    def discount(self, table: Mapping[str, Any], path: str) -> Discount:
        self.keys(table, _DISCOUNT_KEYS, path)
        kwargs: dict[str, Any] = {
            "id": str(self.need(table, "id", path)),
            "name": str(self.need(table, "name", path)),
            "kind": self.enum(DiscountKind, table.get("kind", "percent"), f"{path}.kind"),
            "basis": self.enum(AmountBasis, table.get("basis", "line"), f"{path}.basis"),
            "markup": bool(table.get("markup", False)),
            "mode": Mode.MANUAL if table.get("manual", False) else Mode.AUTOMATIC,
            "priority": int(table.get("priority", 0)),
            "valid_from": self.date(table.get("valid_from"), f"{path}.valid_from"),
            "valid_to": self.date(table.get("valid_to"), f"{path}.valid_to"),
            "price_group_values": dict(
                self.table(table.get("price_groups", {}), f"{path}.price_groups")
            ),
        }
        for key, field in (
            ("value", "value"),
            ("gift_quantity", "gift_quantity"),
            ("buy_quantity", "buy_quantity"),
            ("free_quantity", "free_quantity"),
        ):
            if key in table:
                kwargs[field] = _plain(table[key])
        if "gift_product" in table:
            kwargs["gift_product_id"] = str(table["gift_product"])
        if "condition" in table:
            kwargs["condition"] = self.condition(table["condition"], f"{path}.condition")
        return self.build(path, Discount, **kwargs)  # type: ignore[no-any-return]

    def group(self, table: Mapping[str, Any], path: str) -> DiscountGroup:
        self.keys(table, _GROUP_KEYS, path)
        return self.build(  # type: ignore[no-any-return]
            path,
            DiscountGroup,
            id=str(self.need(table, "id", path)),
            name=str(self.need(table, "name", path)),
            combination=self.enum(
                Combination, table.get("combination", "max"), f"{path}.combination"
            ),
            children=self.strings(table.get("children", []), f"{path}.children"),
            priority=int(table.get("priority", 0)),
        )

    def limit(self, table: Mapping[str, Any], path: str) -> ManualDiscountLimit:
        self.keys(table, _LIMIT_KEYS, path)
        return self.build(  # type: ignore[no-any-return]
            path,
            ManualDiscountLimit,
            id=str(self.need(table, "id", path)),
            percent=_plain(self.need(table, "percent", path)),
            user=table.get("user"),
            agreement_id=table.get("agreement"),
            price_group_percents=dict(
                self.table(table.get("price_groups", {}), f"{path}.price_groups")
            ),
        )

    def entities(self, data: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise self.fail(key, f"must be an array of tables ([[{key}]])")
        return [self.table(item, f"{key}[{i}]") for i, item in enumerate(items)]


def _plain(value: Any) -> Any:
    # TOML floats were parsed as Decimal; keep other values as they are.
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_rule_set(text: str, source: str = "<rules>") -> ParsedRuleSet:
    """Read a rule set from TOML ``text``; ``source`` names it in error messages.

    Raises:
        DiscountError: the text is not TOML, or a key is missing, unknown or
            wrong; the message names the source and the key path
            (``rules.toml: discounts[2].kind: ...``).
    """
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DiscountError(f"{source}: not valid TOML: {exc}", source=source) from exc
    return rule_set_from_data(data, source)


def rule_set_from_data(data: Mapping[str, Any], source: str = "<rules>") -> ParsedRuleSet:
    """Like :func:`parse_rule_set`, from parsed TOML data (read with ``parse_float=Decimal``)."""
    reader = _Reader(source)
    allowed = {"discounts", "groups", "limits", "known"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise reader.fail(extra[0], f"unknown table; allowed: {', '.join(sorted(allowed))}")
    discounts = [
        reader.discount(t, f"discounts[{i}]")
        for i, t in enumerate(reader.entities(data, "discounts"))
    ]
    groups = [
        reader.group(t, f"groups[{i}]") for i, t in enumerate(reader.entities(data, "groups"))
    ]
    limits = [
        reader.limit(t, f"limits[{i}]") for i, t in enumerate(reader.entities(data, "limits"))
    ]
    known = reader.table(data.get("known", {}), "known")
    products = known.get("products")
    users = known.get("users")
    return ParsedRuleSet(
        DiscountRuleSet(discounts, groups, limits),
        None if products is None else frozenset(reader.strings(products, "known.products")),
        None if users is None else frozenset(reader.strings(users, "known.users")),
        source,
    )
