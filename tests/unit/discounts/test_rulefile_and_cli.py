"""The rule-set file format and ``salescore check``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from salescore.app.discount_rules import check_rule_set_file
from salescore.cli import main
from salescore.discounts.rulefile import parse_rule_set, rule_set_from_data
from salescore.errors import DiscountError
from salescore.parties import PriceGroupId

SAMPLE = Path(__file__).parents[3] / "src" / "salescore" / "demo" / "sample_discounts.toml"


def test_the_sample_rule_set_file_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SAMPLE)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 error(s), 0 warning(s)")


def test_check_prints_every_issue_with_file_and_key_path_and_fails_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
[[groups]]
id = "ROOT"
name = "Root"
combination = "displace"
children = ["A", "B", "GIFT", "NOPE"]

[[discounts]]
id = "A"
name = "A"
value = 5
valid_to = 2025-12-31

[[discounts]]
id = "B"
name = "B"
value = 5

[[discounts]]
id = "GIFT"
name = "Gift"
kind = "gift"
gift_product = "UNKNOWN"
buy_quantity = 2
priority = -1

[known]
products = ["CM-100"]
"""
    )
    assert main(["check", str(rules), "--as-of", "2026-01-01"]) == 1
    out = capsys.readouterr().out
    assert f"{rules}: error: groups.ROOT.children[3]: 'NOPE' is neither" in out
    assert f"{rules}: error: discounts.GIFT.gift_product_id: the gift product 'UNKNOWN'" in out
    assert "warning: discounts.A: A never applies: it expired before 2026-01-01" in out
    assert "2 error(s)" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[discounts]]\nname = 'X'",
            r"^r\.toml: discounts\[0\]\.id: expected a non-empty string, got nothing$",
        ),
        (
            "[[discounts]]\nid = 'X'\nname = 'X'\ncolour = 1",
            r"^r\.toml: discounts\[0\]\.colour: unknown key; expected one of id, name, kind, ",
        ),
        (
            "[[groups]]\nid = 'G'\nname = 'G'\ncombination = 'avg'",
            r"^r\.toml: groups\[0\]\.combination: expected one of 'max', 'min', 'multiply', "
            r"'add', 'displace', got 'avg'$",
        ),
        (
            "[[discounts]]\nid = 'X'\nname = 'X'\nvalue = 150",
            r"^r\.toml: discounts\[0\]: discount 'X': a percent must be in 0\.\.100, got 150$",
        ),
        (
            "[[discounts]]\nid = 'X'\nname = 'X'\nvalue = 'five'",
            r"^r\.toml: discounts\[0\]\.value: expected a decimal number such as 12\.50 or "
            r"\"12\.50\", got 'five'$",
        ),
        (
            "[[discounts]]\nid='X'\nname='X'\ncondition={all=[{name='a'}], any=[{name='b'}]}",
            r"^r\.toml: discounts\[0\]\.condition: 'all' must be alone in its table$",
        ),
        (
            "[[discounts]]\nid='X'\nname='X'\ncondition={not={any=[]}}",
            r"^r\.toml: discounts\[0\]\.condition\.not\.any: expected a non-empty array of "
            r"conditions, got an empty array$",
        ),
        (
            "[[discounts]]\nid='X'\nname='X'\ncondition={all=[{warehouses=['MAIN']}]}",
            r"^r\.toml: discounts\[0\]\.condition\.all\[0\]\.name: expected a non-empty string, "
            r"got nothing$",
        ),
        (
            "[[limits]]\nid = 'L'\nuser = 'ivanova'",
            r"^r\.toml: limits\[0\]\.percent: expected a decimal number .*, got nothing$",
        ),
        (
            "[known]\nproducts = 'CM-100'",
            r"^r\.toml: known\.products: expected an array, got 'CM-100'$",
        ),
        (
            "[known]\nprodutcs = ['CM-100']",
            r"^r\.toml: known\.produtcs: unknown key; expected one of products, users$",
        ),
        ("[[discounts]\n", r"^r\.toml: not valid TOML"),
        (
            "[prices]\na = 1",
            r"^r\.toml: prices: unknown key; expected one of discounts, groups, limits, known$",
        ),
    ],
)
def test_a_bad_file_names_the_file_and_the_key_path(text: str, message: str) -> None:
    with pytest.raises(DiscountError, match=message) as caught:
        parse_rule_set(text, "r.toml")
    assert caught.value.details["source"] == "r.toml"


def test_a_rule_file_error_carries_its_key_path_in_its_details() -> None:
    text = "[[discounts]]\nid = 'A'\nname = 'A'\n[[discounts]]\nid = 'B'\nname = 'B'\nkind = 'x'"
    with pytest.raises(DiscountError) as caught:
        parse_rule_set(text, "rules.toml")
    assert caught.value.details == {"source": "rules.toml", "path": "discounts[1].kind"}
    with pytest.raises(DiscountError) as caught:
        parse_rule_set("[[discounts]]\nid = 'X'\nname = 'X'\nvalue = 150", "rules.toml")
    assert caught.value.details == {"source": "rules.toml", "path": "discounts[0]"}


def test_a_rule_file_reads_numbers_with_a_fraction_as_exact_decimals() -> None:
    parsed = parse_rule_set(
        """
[[discounts]]
id = "D"
name = "D"
value = 5.5
price_groups = { MACHINES = 0.1 }
condition = { name = "line_quantity", min = 2.5 }

[[limits]]
id = "L"
user = "ivanova"
percent = 7.25
""",
        "rules.toml",
    )
    (discount,) = parsed.rule_set.discounts
    assert discount.value == Decimal("5.5")
    assert str(discount.value) == "5.5"  # exactly as written, no binary float on the way
    assert discount.price_group_values == {"MACHINES": Decimal("0.1")}
    assert discount.condition is not None
    assert discount.condition.params == {"min": "2.5"}
    assert parsed.rule_set.limits[0].percent == Decimal("7.25")


def test_rule_set_from_data_refuses_binary_floats_at_their_key_path() -> None:
    data = {"discounts": [{"id": "D", "name": "D", "value": 5.5}]}
    with pytest.raises(
        DiscountError, match=r"^<rules>: discounts\[0\]\.value: .*got 5\.5 \(a float"
    ):
        rule_set_from_data(data)


def test_a_missing_file_is_one_clear_issue(tmp_path: Path) -> None:
    (issue,) = check_rule_set_file(tmp_path / "absent.toml")
    assert issue.code == "bad_file"
    assert issue.message.startswith("cannot be read")  # the caller prints the file name


def test_check_names_a_broken_file_once_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from salescore.cli import main

    broken = tmp_path / "broken.toml"
    broken.write_text("[[discounts]\n", encoding="utf-8")
    assert main(["check", str(broken)]) == 2  # unreadable input
    first = capsys.readouterr().err.splitlines()[0]
    assert first.count(str(broken)) == 1
    assert "not valid TOML" in first


def test_a_limit_file_sets_manual_markup_limits_beside_discount_limits() -> None:
    text = (
        '[[groups]]\nid = "R"\nname = "R"\n'
        '[[limits]]\nid = "L"\nuser = "ivanova"\npercent = 7\n'
        'markup_percent = "10"\nmarkup_price_groups = { MACHINES = 5 }\n'
    )
    (limit,) = parse_rule_set(text, "r.toml").rule_set.limits
    assert limit.markup_percent_for(None) == Decimal(10)
    assert limit.markup_percent_for(PriceGroupId("MACHINES")) == Decimal(5)
    assert limit.percent_for(None) == Decimal(7)
