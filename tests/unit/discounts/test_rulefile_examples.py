"""A rule-set file read back field by field (fast examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.discounts import Combination, DiscountKind
from salescore.discounts.rulefile import parse_rule_set, rule_set_from_data
from salescore.errors import DiscountError

RULES = """
[[groups]]
id = "ROOT"
name = "Root"
combination = "displace"
children = ["SPRING", "G"]

[[groups]]
id = "G"
name = "Gifts"
combination = "add"
children = ["GIFT"]
priority = 3

[[discounts]]
id = "SPRING"
name = "Spring"
value = 5
valid_from = 2026-03-01

[[discounts]]
id = "GIFT"
name = "Gift"
kind = "gift"
gift_product = "CM-100"
gift_quantity = 2
buy_quantity = 10

[[limits]]
id = "L"
agreement = "AG-1"
percent = 7

[known]
products = ["CM-100"]
"""


def test_every_field_of_a_rule_file_is_read_and_unwritten_ones_take_their_defaults() -> None:
    parsed = parse_rule_set(RULES, "rules.toml")
    rules = parsed.rule_set
    spring, gift = rules.discounts
    assert (spring.priority, spring.valid_from, spring.valid_to) == (0, date(2026, 3, 1), None)
    assert gift.kind is DiscountKind.GIFT
    assert (gift.gift_quantity, gift.buy_quantity) == (Decimal(2), Decimal(10))
    root, group = rules.groups
    assert (root.combination, root.priority) == (Combination.DISPLACE, 0)
    assert (group.combination, group.priority) == (Combination.ADD, 3)
    (limit,) = rules.limits
    assert (limit.agreement_id, limit.user, limit.percent) == ("AG-1", None, Decimal(7))
    assert parsed.known_products == frozenset({"CM-100"})
    assert parsed.known_users is None  # not listed: users are not checked
    assert parsed.source == "rules.toml"


def test_known_users_are_read_when_listed() -> None:
    parsed = parse_rule_set('[known]\nusers = ["petrov"]\n')
    assert (parsed.known_users, parsed.known_products) == (frozenset({"petrov"}), None)
    assert parsed.source == "<rules>"


def test_errors_of_parsed_data_name_the_default_source_and_the_key_path() -> None:
    data = {"discounts": [{"id": "A", "name": "A", "kind": "nope"}]}
    with pytest.raises(DiscountError, match=r"^<rules>: discounts\[0\]\.kind: ") as caught:
        rule_set_from_data(data)
    assert caught.value.details["path"] == "discounts[0].kind"
    with pytest.raises(DiscountError, match=r"^<rules>: discounts\[0\]\.kind: "):
        parse_rule_set('[[discounts]]\nid = "A"\nname = "A"\nkind = "nope"\n')
