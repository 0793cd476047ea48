"""Authoring-time checks of a discount rule set (C6–C8).

Conflicts are found when rules are written, not when goods are sold: sale
time evaluation never throws on a rule conflict (the combination algebra is
total and deterministic), so a questionable rule set still prices, and
these checks say what to fix.

:func:`check_rule_set` returns every problem as an
:class:`~salescore.errors.Issue` (``error`` or ``warning``):

* structure (errors): duplicate ids, unknown children, a node in two
  groups, cycles, not exactly one root;
* conditions (errors): unknown condition names, wrong or missing parameters,
  plugins that fail to load;
* references (errors): gifts of unknown products, limits of unknown users;
* rules that can never apply (warnings): outside the tree, expired,
  contradictory conditions, shadowed in a ``displace`` group by a rule that
  always applies and wins;
* ambiguity (warning): two children of a ``displace`` group with the same
  priority that can both apply.

>>> from salescore.discounts.model import (Combination, Discount, DiscountGroup,
...     DiscountRuleSet)
>>> rules = DiscountRuleSet(
...     (Discount("A", "A", value=5), Discount("B", "B", value=7)),
...     (DiscountGroup("ROOT", "Root", Combination.DISPLACE, ("A", "B", "NOPE")),))
>>> for issue in check_rule_set(rules):
...     print(issue)
error: groups.ROOT.children[2]: 'NOPE' is neither a discount nor a group [unknown_child]
warning: groups.ROOT: A and B have the same priority 0 and can both apply in displace
  group ROOT; the first declared wins: give them different priorities [ambiguous_priority]
warning: discounts.B: B never applies: A always applies and displaces it in group ROOT [shadowed]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from salescore.discounts.conditions import MULTI_VALUED_DIMENSIONS, ConditionRegistry
from salescore.discounts.model import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountKind,
    DiscountRuleSet,
    Mode,
)
from salescore.errors import Issue, PluginError, SalescoreError

__all__ = ["check_rule_set", "structure_issues"]


def structure_issues(rule_set: DiscountRuleSet) -> list[Issue]:
    """Problems of the tree's shape: ids, children, parents, cycles, the root."""
    issues: list[Issue] = []
    discounts: set[str] = {d.id for d in rule_set.discounts}
    groups: dict[str, DiscountGroup] = {g.id: g for g in rule_set.groups}
    seen: set[str] = set()
    for kind, ids in (
        ("discounts", [d.id for d in rule_set.discounts]),
        ("groups", [g.id for g in rule_set.groups]),
        ("limits", [x.id for x in rule_set.limits]),
    ):
        for ident in ids:
            if ident in seen:
                issues.append(
                    Issue(
                        "duplicate_id",
                        f"id {ident!r} is used twice; every discount, group and limit needs "
                        "its own id",
                        f"{kind}.{ident}",
                    )
                )
            seen.add(ident)
    parents: dict[str, str] = {}
    for group in rule_set.groups:
        for i, child in enumerate(group.children):
            path = f"groups.{group.id}.children[{i}]"
            if child not in discounts and child not in groups:
                issues.append(
                    Issue("unknown_child", f"{child!r} is neither a discount nor a group", path)
                )
                continue
            if child in parents:
                issues.append(
                    Issue(
                        "two_parents",
                        f"{child!r} is already a child of group {parents[child]!r}; "
                        "a rule or group has one place in the tree",
                        path,
                    )
                )
                continue
            parents[child] = group.id
    for group in rule_set.groups:
        # Walk up from each group; coming back to it is a cycle.
        walker, steps = parents.get(group.id), 0
        chain: list[str] = [group.id]
        while walker is not None and steps <= len(groups):
            chain.append(walker)
            if walker == group.id:
                issues.append(
                    Issue(
                        "cycle",
                        f"the groups form a cycle: {' <- '.join(chain)}; a group cannot contain "
                        "itself",
                        f"groups.{group.id}",
                    )
                )
                break
            walker, steps = parents.get(walker), steps + 1
    roots = rule_set.roots()
    if len(roots) != 1 and not any(i.code == "cycle" for i in issues):
        names = ", ".join(g.id for g in roots) or "none"
        issues.append(
            Issue(
                "root",
                f"the tree needs exactly one root group (a group that is no one's child); "
                f"found {names}",
                "groups",
            )
        )
    for discount in rule_set.discounts:
        if discount.id not in parents:
            issues.append(
                Issue(
                    "not_in_tree",
                    f"{discount.id} never applies: no group lists it as a child",
                    f"discounts.{discount.id}",
                    "warning",
                )
            )
    return issues


def _conjuncts(expr: ConditionExpr | None) -> list[ConditionExpr]:
    if expr is None:
        return []
    if expr.op == "cond":
        return [expr]
    if expr.op == "all":
        return [c for child in expr.children for c in _conjuncts(child)]
    return []


def _keys(discount: Discount, built: Mapping[int, Any]) -> tuple[dict[str, frozenset[str]], bool]:
    """Index keys of a discount's conjunction, and whether they contradict.

    On a dimension where a sale shows several values (segments), two
    conditions with no common value can both hold: they do not contradict,
    and the first one's values are kept, as the engine's index does.
    """
    keys: dict[str, frozenset[str]] = {}
    contradiction = False
    for leaf in _conjuncts(discount.condition):
        cond = built.get(id(leaf))
        index_keys = getattr(cond, "index_keys", None)
        if index_keys is None:
            continue
        for dim, values in index_keys().items():
            if dim in keys and dim in MULTI_VALUED_DIMENSIONS:
                continue
            merged = values if dim not in keys else keys[dim] & values
            if not merged:
                contradiction = True
            keys[dim] = merged
    return keys, contradiction


def _can_both_apply(a: Mapping[str, frozenset[str]], b: Mapping[str, frozenset[str]]) -> bool:
    # A product in two segments meets conditions on either: only one-valued dimensions exclude.
    return all(a[dim] & b[dim] for dim in set(a) & set(b) if dim not in MULTI_VALUED_DIMENSIONS)


def _always(discount: Discount) -> bool:
    return (
        discount.condition is None
        and discount.mode is Mode.AUTOMATIC
        and discount.valid_from is None
        and discount.valid_to is None
    )


def check_rule_set(
    rule_set: DiscountRuleSet,
    registry: ConditionRegistry | None = None,
    *,
    known_products: Collection[str] | None = None,
    known_users: Collection[str] | None = None,
    as_of: date | None = None,
) -> list[Issue]:
    """Every problem of ``rule_set``; empty when it is clean.

    Args:
        registry: the conditions known (built-ins when omitted).
        known_products: product ids that exist; gifts of others are errors.
        known_users: user names that exist; limits of others are errors.
        as_of: the date from which rules that ended before it are reported as expired.
    """
    registry = registry if registry is not None else ConditionRegistry.builtins()
    issues = structure_issues(rule_set)
    built: dict[int, Any] = {}
    keys: dict[str, dict[str, frozenset[str]]] = {}
    for discount in rule_set.discounts:
        path = f"discounts.{discount.id}"
        if discount.condition is not None:
            issues += _build_conditions(discount.condition, registry, f"{path}.condition", built)
        rule_keys, contradiction = _keys(discount, built)
        keys[discount.id] = rule_keys
        if contradiction:
            issues.append(
                Issue(
                    "never_applies",
                    f"{discount.id} never applies: its conditions contradict each other "
                    "(two conditions on the same dimension with no common value)",
                    path,
                    "warning",
                )
            )
        if as_of is not None and _expired(discount, built, as_of):
            issues.append(
                Issue(
                    "never_applies",
                    f"{discount.id} never applies: it expired before {as_of}",
                    path,
                    "warning",
                )
            )
        if (
            discount.kind is DiscountKind.GIFT
            and known_products is not None
            and discount.gift_product_id not in known_products
        ):
            issues.append(
                Issue(
                    "unknown_product",
                    f"the gift product {discount.gift_product_id!r} does not exist; "
                    "add it to the catalogue or fix the id",
                    f"{path}.gift_product_id",
                )
            )
    if known_users is not None:
        for limit in rule_set.limits:
            if limit.user is not None and limit.user not in known_users:
                issues.append(
                    Issue(
                        "unknown_user",
                        f"limit {limit.id} is for user {limit.user!r}, who does not exist",
                        f"limits.{limit.id}.user",
                    )
                )
    issues += _displace_issues(rule_set, keys)
    return issues


def _build_conditions(
    expr: ConditionExpr, registry: ConditionRegistry, path: str, built: dict[int, Any]
) -> list[Issue]:
    if expr.op != "cond":
        issues: list[Issue] = []
        for i, child in enumerate(expr.children):
            issues += _build_conditions(child, registry, f"{path}.{expr.op}[{i}]", built)
        return issues
    try:
        built[id(expr)] = registry.build(expr.name, expr.params)
    except PluginError as exc:
        return [Issue("plugin_load", str(exc), path)]
    except SalescoreError as exc:
        return [Issue("bad_condition", str(exc), path)]
    return []


def _expired(discount: Discount, built: Mapping[int, Any], as_of: date) -> bool:
    if discount.valid_to is not None and discount.valid_to < as_of:
        return True
    for leaf in _conjuncts(discount.condition):
        is_expired = getattr(built.get(id(leaf)), "is_expired", None)
        if is_expired is not None and is_expired(as_of):
            return True
    return False


def _displace_issues(
    rule_set: DiscountRuleSet, keys: Mapping[str, Mapping[str, frozenset[str]]]
) -> Iterable[Issue]:
    discounts: dict[str, Discount] = {d.id: d for d in rule_set.discounts}
    groups: dict[str, DiscountGroup] = {g.id: g for g in rule_set.groups}
    for group in rule_set.groups:
        if group.combination is not Combination.DISPLACE:
            continue
        children = [c for c in group.children if c in discounts or c in groups]

        def priority(child: str) -> int:
            node = discounts.get(child) or groups[child]
            return node.priority

        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                if priority(a) != priority(b):
                    continue
                if _can_both_apply(keys.get(a, {}), keys.get(b, {})):
                    yield Issue(
                        "ambiguous_priority",
                        f"{a} and {b} have the same priority {priority(a)} and can both apply "
                        f"in displace group {group.id}; the first declared wins: give them "
                        "different priorities",
                        f"groups.{group.id}",
                        "warning",
                    )
        ranked = sorted(enumerate(children), key=lambda ic: (-priority(ic[1]), ic[0]))
        for rank, (_, child) in enumerate(ranked):
            discount = discounts.get(child)
            if discount is not None and _always(discount):
                for _, loser in ranked[rank + 1 :]:
                    yield Issue(
                        "shadowed",
                        f"{loser} never applies: {child} always applies and displaces it "
                        f"in group {group.id}",
                        f"discounts.{loser}" if loser in discounts else f"groups.{loser}",
                        "warning",
                    )
                break
