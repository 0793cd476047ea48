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


# --- what a file may hold: encoding, nesting, numbers -------------------------------


def test_a_byte_order_mark_is_skipped_in_text_and_in_bytes() -> None:
    assert Node.parse("\ufeffcount = 2", "f.toml").integer("count") == 2
    assert Node.parse(b"\xef\xbb\xbfcount = 2", "f.toml", EXACT).integer("count") == 2


def test_bytes_that_are_not_utf8_are_named_with_their_line() -> None:
    with pytest.raises(DiscountError) as caught:
        Node.parse('a = 1\nname = "Скидка"\n'.encode("cp1251"), "r.toml", EXACT)
    assert str(caught.value).startswith("r.toml: the file is not UTF-8 text (byte 0xd1 on line 2)")
    assert caught.value.details == {"source": "r.toml", "line": 2, "unreadable": True}


def test_nesting_beyond_the_limit_names_the_key_path_and_the_depth() -> None:
    with pytest.raises(DiscountError) as caught:
        Node.parse("a = " + "[" * 65 + "]" * 65, "r.toml", EXACT)
    assert caught.value.details["path"] == "a" + "[0]" * 63
    assert caught.value.details["depth"] == 64
    Node.parse("a = " + "[" * 63 + "]" * 63, "r.toml", EXACT)  # 64 levels are fine


@pytest.mark.parametrize(
    "text", ["n = 1000000000000000000", "n = -1e18", 'n = "1E+1000"', 'n = "0.0000000000000000001"']
)
def test_numbers_beyond_the_bounds_are_refused_with_the_range(text: str) -> None:
    with pytest.raises(DiscountError, match=r"^r\.toml: n: expected a number below 10\^18 "):
        Node.parse(text, "r.toml", EXACT).decimal("n")


def test_numbers_inside_free_form_values_are_bounded_at_their_own_key_path() -> None:
    root = Node.parse("cond = { name = 'x', limits = [1, 1e30] }", "r.toml", EXACT)
    with pytest.raises(DiscountError) as caught:
        root.plain("cond")
    assert caught.value.details["path"] == "cond.limits[1]"


def test_integers_and_words_can_be_limited_to_what_a_key_allows() -> None:
    root = Node.parse('days = 40000\nby = "parter"', "f.toml")
    with pytest.raises(InvalidInputError, match=r"days: expected an integer from 0 to 36600"):
        root.integer("days", low=0, high=36600)
    with pytest.raises(InvalidInputError, match=r"by: expected one of 'partner', 'manager'"):
        root.one_of(("partner", "manager"), "by")
