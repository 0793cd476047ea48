"""Application services for discount rule sets: check, store, load, read files.

A rule set is checked before it is stored, inside the caller's unit of work:
a rule set with an error (a cycle, an unknown child, a gift of a product
that is not in the catalogue, a condition with missing parameters) raises
and leaves nothing written.

>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.discounts import Combination, Discount, DiscountGroup, DiscountRuleSet
>>> store = MemoryStore()
>>> rules = DiscountRuleSet([Discount("D", "Five", value=5)],
...                         [DiscountGroup("ROOT", "Root", Combination.MAX, ["D"])])
>>> with store.unit_of_work() as uow:
...     warnings = save_rule_set(uow, rules)
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     load_rule_set(uow) == rules
True
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from salescore.adapters.repositories import Repositories
from salescore.discounts import (
    ConditionRegistry,
    DiscountRuleSet,
    check_rule_set,
)
from salescore.discounts.rulefile import ParsedRuleSet, parse_rule_set
from salescore.errors import DiscountError, Issue, raise_for_issues

__all__ = ["check_rule_set_file", "load_rule_set", "read_rule_set_file", "save_rule_set"]


def save_rule_set(
    uow: Repositories,
    rule_set: DiscountRuleSet,
    registry: ConditionRegistry | None = None,
) -> list[Issue]:
    """Check ``rule_set`` and store it in place of the stored one.

    Gifts are checked against the products stored in ``uow``.

    Returns:
        The warnings found (errors raise).

    Raises:
        IssuesError: the rule set has errors; nothing is written.
    """
    known_products = {p.id for p in uow.products.all()}
    issues = check_rule_set(
        rule_set, ConditionRegistry.installed(registry), known_products=known_products
    )
    raise_for_issues(issues, "the discount rule set")
    for discount in uow.discounts.all():
        uow.discounts.remove(discount.id)
    for group in uow.discount_groups.all():
        uow.discount_groups.remove(group.id)
    for limit in uow.manual_discount_limits.all():
        uow.manual_discount_limits.remove(limit.id)
    for discount in rule_set.discounts:
        uow.discounts.add(discount)
    for group in rule_set.groups:
        uow.discount_groups.add(group)
    for limit in rule_set.limits:
        uow.manual_discount_limits.add(limit)
    return issues


def load_rule_set(uow: Repositories) -> DiscountRuleSet:
    """The stored rule set (discounts and limits ordered by id; groups keep their children)."""
    groups = uow.discount_groups.all()
    root = DiscountRuleSet((), groups).roots()
    # Keep the root first so the stored order reads top-down.
    ordered = root + [g for g in groups if g not in root]
    return DiscountRuleSet(uow.discounts.all(), ordered, uow.manual_discount_limits.all())


def read_rule_set_file(path: str | Path) -> ParsedRuleSet:
    """Read a TOML rule-set file (see :mod:`salescore.discounts.rulefile`).

    Raises:
        DiscountError: the file cannot be read or is wrong; names the file and key path.
    """
    file = Path(path)
    try:
        text = file.read_bytes()
    except OSError as exc:
        raise DiscountError(
            f"{file}: cannot be read ({exc.strerror or exc}); check the path",
            source=str(file),
            unreadable=True,
        ) from exc
    return parse_rule_set(text, str(file))


def check_rule_set_file(
    path: str | Path,
    registry: ConditionRegistry | None = None,
    as_of: date | None = None,
) -> list[Issue]:
    """Every problem of a rule-set file; a file that cannot be parsed gives one error issue."""
    try:
        parsed = read_rule_set_file(path)
    except DiscountError as exc:
        # Callers print issues after the file name: keep it out of the message.
        return [Issue("bad_file", str(exc).removeprefix(f"{path}: "))]
    return check_rule_set(
        parsed.rule_set,
        ConditionRegistry.installed(registry),
        known_products=parsed.known_products,
        known_users=parsed.known_users,
        as_of=as_of,
    )
