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
    markup_percent = 10             # optional: the largest manual markup [наценка]
    markup_price_groups = { MACHINES = 5 }

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

The file is read by the shared TOML reader (:mod:`salescore._toml`): a
mistake is a :class:`~salescore.errors.DiscountError` naming the source and
the key path, which its details also hold (``source``, ``path``):

>>> parse_rule_set('[[discounts]]\\nid = "X"\\nname = "X"\\nkind = "percnt"', "r.toml")
Traceback (most recent call last):
...
salescore.errors.DiscountError: r.toml: discounts[0].kind: expected one of ... got 'percnt'
>>> try:
...     parse_rule_set('[[limits]]\\nid = "L"\\nuser = "ivanova"', "r.toml")
... except DiscountError as exc:
...     print(exc)
...     print(exc.details)
r.toml: limits[0].percent: expected a decimal number such as 12.50 or "12.50", got nothing
{'source': 'r.toml', 'path': 'limits[0].percent'}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from salescore._toml import Node, Policy
from salescore.discounts.model import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    LimitId,
    ManualDiscountLimit,
    Mode,
)
from salescore.errors import DiscountError

__all__ = ["ParsedRuleSet", "parse_rule_set", "rule_set_from_data", "rule_set_from_node"]

_RULES = Policy(DiscountError, file_key="source", exact_numbers=True)
_TABLES = ("discounts", "groups", "limits", "known")
_DISCOUNT_KEYS = (
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
)
_GROUP_KEYS = ("id", "name", "combination", "children", "priority")
_LIMIT_KEYS = (
    "id",
    "user",
    "agreement",
    "percent",
    "price_groups",
    "markup_percent",
    "markup_price_groups",
)
_OPERATORS = ("all", "any", "not")


@attrs.frozen
class ParsedRuleSet:
    """A rule set read from a file, with the optional lists of known products and users."""

    rule_set: DiscountRuleSet
    known_products: frozenset[str] | None = None
    known_users: frozenset[str] | None = None
    source: str = ""


def parse_rule_set(text: str | bytes, source: str = "<rules>") -> ParsedRuleSet:
    """Read a rule set from TOML ``text`` (or UTF-8 bytes); ``source`` names it in errors.

    Numbers with a fraction (``value = 5.5``) are read as exact decimals.

    Raises:
        DiscountError: the text is not TOML, or a key is missing, unknown or
            wrong; the message names the source and the key path
            (``rules.toml: discounts[2].kind: ...``), and so do the error's
            details (``source``, ``path``).
    """
    return _rule_file(Node.parse(text, source, _RULES))


def rule_set_from_data(data: Mapping[str, Any], source: str = "<rules>") -> ParsedRuleSet:
    """Like :func:`parse_rule_set`, from parsed TOML data (read with ``parse_float=Decimal``).

    Decimals are taken as they are; a binary float is refused at its key path.
    """
    return _rule_file(Node(source, "", data, policy=_RULES))


def rule_set_from_node(root: Node) -> ParsedRuleSet:
    """The rule tables (``discounts``, ``groups``, ``limits``, ``known``) of the table ``root``.

    For files that hold a rule set among tables of their own, such as sales
    scenario files: other keys of ``root`` are left to the caller, and the
    node's policy decides the error raised and whether numbers with a
    fraction are accepted (:mod:`salescore._toml`).

    Raises:
        SalescoreError: of the class of ``root``'s policy, naming the file and
            the key path.
    """
    known = root.child("known", {})
    known.check_keys("products", "users")
    return ParsedRuleSet(
        DiscountRuleSet(
            [_discount(node) for node in root.array("discounts")],
            [_group(node) for node in root.array("groups")],
            [_limit(node) for node in root.array("limits")],
        ),
        frozenset(_strings(known, "products")) if known.has("products") else None,
        frozenset(_strings(known, "users")) if known.has("users") else None,
        root.file,
    )


def _rule_file(root: Node) -> ParsedRuleSet:
    root.check_keys(*_TABLES)
    return rule_set_from_node(root)


def _strings(node: Node, key: str) -> list[str]:
    return [item.text() for item in node.array(key)]


def _decimals(node: Node, key: str) -> dict[str, Decimal]:
    return {name: value.decimal() for name, value in node.mapping(key).items()}


def _condition(node: Node) -> ConditionExpr:
    ops = [op for op in _OPERATORS if node.has(op)]
    if ops:
        op = ops[0]
        if len(node.names()) != 1:
            raise node.failure(f"'{op}' must be alone in its table")
        if op == "not":
            return ConditionExpr.negate(_condition(node.child("not")))
        items = node.child(op)
        if not isinstance(items.value, list) or not items.value:
            raise items.error("a non-empty array of conditions")
        return ConditionExpr(op, children=[_condition(item) for item in items.items()])
    name = node.text("name")
    params = {key: node.plain(key) for key in node.names() if key != "name"}
    with node.located():
        return ConditionExpr.leaf(name, **params)


def _discount(node: Node) -> Discount:
    node.check_keys(*_DISCOUNT_KEYS)
    kwargs: dict[str, Any] = {
        "id": node.text("id"),
        "name": node.text("name"),
        "kind": node.choice(DiscountKind, "kind", "percent"),
        "basis": node.choice(AmountBasis, "basis", "line"),
        "markup": node.boolean("markup", False),
        "mode": Mode.MANUAL if node.boolean("manual", False) else Mode.AUTOMATIC,
        "priority": node.integer("priority", 0),
        "valid_from": node.day("valid_from") if node.has("valid_from") else None,
        "valid_to": node.day("valid_to") if node.has("valid_to") else None,
        "price_group_values": _decimals(node, "price_groups"),
    }
    for key in ("value", "gift_quantity", "buy_quantity", "free_quantity"):
        if node.has(key):
            kwargs[key] = node.decimal(key)
    if node.has("gift_product"):
        kwargs["gift_product_id"] = node.text("gift_product")
    if node.has("condition"):
        kwargs["condition"] = _condition(node.child("condition"))
    with node.located():
        return Discount(**kwargs)


def _group(node: Node) -> DiscountGroup:
    node.check_keys(*_GROUP_KEYS)
    id_, name = GroupId(node.text("id")), node.text("name")
    combination = node.choice(Combination, "combination", "max")
    children, priority = _strings(node, "children"), node.integer("priority", 0)
    with node.located():
        return DiscountGroup(id_, name, combination, children, priority)


def _limit(node: Node) -> ManualDiscountLimit:
    node.check_keys(*_LIMIT_KEYS)
    id_, percent = LimitId(node.text("id")), node.decimal("percent")
    user, agreement = node.opt_str("user"), node.opt_str("agreement")
    percents = _decimals(node, "price_groups")
    markup = node.decimal("markup_percent") if node.has("markup_percent") else None
    markups = _decimals(node, "markup_price_groups")
    with node.located():
        return ManualDiscountLimit(id_, percent, user, agreement, percents, markup, markups)
