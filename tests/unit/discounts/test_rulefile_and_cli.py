"""The rule-set file format and ``salescore check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from salescore.app.discount_rules import check_rule_set_file
from salescore.cli import main
from salescore.discounts.rulefile import parse_rule_set
from salescore.errors import DiscountError

SAMPLE = Path(__file__).parents[3] / "src" / "salescore" / "app" / "sample_discounts.toml"


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
        ("[[discounts]]\nname = 'X'", r"r.toml: discounts\[0\].id: missing"),
        ("[[discounts]]\nid = 'X'\nname = 'X'\ncolour = 1", r"discounts\[0\].colour: unknown key"),
        (
            "[[groups]]\nid = 'G'\nname = 'G'\ncombination = 'avg'",
            r"groups\[0\].combination: 'avg'",
        ),
        (
            "[[discounts]]\nid = 'X'\nname = 'X'\nvalue = 150",
            r"discounts\[0\]: discount 'X': a percent",
        ),
        (
            "[[discounts]]\nid='X'\nname='X'\ncondition={all=[{name='a'}], any=[{name='b'}]}",
            r"discounts\[0\].condition: 'all' must be alone",
        ),
        ("[[discounts]\n", r"r.toml: not valid TOML"),
        ("[prices]\na = 1", r"r.toml: prices: unknown table"),
    ],
)
def test_a_bad_file_names_the_file_and_the_key_path(text: str, message: str) -> None:
    with pytest.raises(DiscountError, match=message):
        parse_rule_set(text, "r.toml")


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
    assert main(["check", str(broken)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.count(str(broken)) == 1
    assert "not valid TOML" in first
