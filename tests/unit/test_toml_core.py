"""The one TOML reader (salescore._toml): a policy decides the error class and the numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore._toml import Node, Policy
from salescore.errors import DiscountError, InvalidInputError, SalescoreError, ScenarioError

EXACT = Policy(DiscountError, file_key="source", exact_numbers=True)
TEXT = 'value = 5.5\ncount = 2\n[[items]]\nid = "A"\nfactor = { low = "0.25", high = [1, 1.5] }\n'


def test_a_node_raises_its_policys_error_with_the_file_and_the_key_path() -> None:
    node = Node.parse(TEXT, "rules.toml", EXACT).array("items")[0]
    with pytest.raises(DiscountError) as caught:
        node.integer("id")
    assert str(caught.value) == "rules.toml: items[0].id: expected an integer, got 'A'"
    assert caught.value.details == {"source": "rules.toml", "path": "items[0].id"}


def test_the_default_policy_raises_invalid_input_naming_the_file() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Node.parse(TEXT, "f.toml").text("missing")
    assert str(caught.value) == "f.toml: missing: expected a non-empty string, got nothing"
    assert caught.value.details == {"file": "f.toml", "path": "missing"}


def test_invalid_toml_is_the_policys_error_naming_the_file() -> None:
    with pytest.raises(DiscountError, match=r"^r\.toml: not valid TOML") as caught:
        Node.parse("a = [", "r.toml", EXACT)
    assert caught.value.details == {"source": "r.toml", "unreadable": True}


def test_exact_numbers_are_decimals_as_written() -> None:
    root = Node.parse(TEXT, "rules.toml", EXACT)
    assert root.decimal("value") == Decimal("5.5")
    assert str(root.decimal("value")) == "5.5"
    assert root.integer("count") == 2
    assert root.array("items")[0].plain("factor") == {
        "low": "0.25",
        "high": [1, Decimal("1.5")],
    }


def test_without_exact_numbers_a_float_is_refused_wherever_it_is() -> None:
    root = Node.parse(TEXT, "s.toml", Policy(ScenarioError))
    with pytest.raises(ScenarioError) as caught:
        root.decimal("value")
    assert str(caught.value) == (
        's.toml: value: expected a decimal amount as a string such as "12.50", '
        "got 5.5 (a float: write it in quotes)"
    )
    with pytest.raises(ScenarioError) as caught:
        root.array("items")[0].plain("factor")
    assert caught.value.details == {"file": "s.toml", "path": "items[0].factor.high[1]"}
    assert str(caught.value).endswith("got 1.5 (a float: write it in quotes)")


def test_decimal_takes_strings_integers_and_decimals_and_names_what_it_wants() -> None:
    root = Node("f.toml", "", {"a": "12.50", "b": 3, "c": Decimal("0.1"), "d": True}, policy=EXACT)
    assert [root.decimal(k) for k in "abc"] == [Decimal("12.50"), Decimal(3), Decimal("0.1")]
    with pytest.raises(DiscountError) as caught:
        root.decimal("d")
    assert str(caught.value) == (
        'f.toml: d: expected a decimal number such as 12.50 or "12.50", got True'
    )


def test_unknown_keys_are_named_with_the_allowed_ones() -> None:
    root = Node.parse('colour = "red"', "f.toml", EXACT)
    with pytest.raises(DiscountError) as caught:
        root.check_keys("id", "name")
    assert str(caught.value) == "f.toml: colour: unknown key; expected one of id, name"
    assert caught.value.details["path"] == "colour"


def test_located_puts_an_error_from_the_block_at_the_key_path() -> None:
    item = Node.parse(TEXT, "r.toml", EXACT).array("items")[0]
    with pytest.raises(DiscountError) as caught, item.located():
        raise SalescoreError("a percent must be in 0..100")
    assert str(caught.value) == "r.toml: items[0]: a percent must be in 0..100"
    assert caught.value.details == {"source": "r.toml", "path": "items[0]"}
    # An error a node raised inside the block already names its place: kept as it is.
    with pytest.raises(DiscountError) as caught, item.located():
        item.decimal("id")
    assert caught.value.details["path"] == "items[0].id"
    # Errors outside ``catch`` go through.
    with pytest.raises(SalescoreError, match=r"^closed$"), item.located(InvalidInputError):
        raise SalescoreError("closed")


def test_children_keep_the_class_and_the_policy_of_their_parent() -> None:
    class Custom(Node):
        pass

    root = Custom.parse(TEXT, "r.toml", EXACT)
    item = root.array("items")[0]
    assert type(item) is Custom
    assert item.policy is EXACT
    assert type(item.child("factor").child("low")) is Custom
