"""Input at the limits: every file mistake is a salescore error with the file and the key path.

The cases of issue 12: huge numbers and exponents refused at their key path
with the allowed range (not a ``decimal.Overflow`` later), nesting bounded
(not a ``RecursionError``), a byte-order mark accepted, other encodings
named, dates at the end of the calendar reported where they are written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salescore.app.discount_rules import read_rule_set_file
from salescore.errors import DiscountError, ScenarioError
from salescore.scenario import load, load_receivables
from salescore.scenario.receivables import parse_receivables
from salescore.scenario.sales import parse_sales

SALES = """
currency = "RUB"
[[products]]
id = "CM-100"
[[partners]]
id = "SHOP"
[[price_types]]
id = "BASE"
name = "Base"
rounding = { step = "1", direction = "half_up" }
[[prices]]
price_type = "BASE"
product = "CM-100"
price = "100.00"
from = 2026-01-01
[[agreements]]
id = "TA"
name = "Everyone"
valid_from = 2026-01-01
price_type = "BASE"
manual_limit = "10"
[[groups]]
id = "ROOT"
name = "Root"
children = ["MANAGER"]
[[discounts]]
id = "MANAGER"
name = "By hand"
manual = true
[[orders]]
id = "SO-1"
client = "SHOP"
date = 2026-03-02
lines = [{ product = "CM-100", quantity = "3", manual = { MANAGER = "2" } }]
"""

RECEIVABLES = """
currency = "RUB"
[[templates]]
id = "NET10"
name = "10 days after shipment"
stages = [{ kind = "credit", days = 10, event = "shipment" }]
[[orders]]
id = "SO-1"
partner = "P1"
template = "NET10"
date = 2026-01-09
shipment_date = 2026-01-10
total = "500.00"
"""

RANGE = "expected a number below 10^18 in absolute value with at most 18 decimals"


def sales_error(old: str, new: str) -> ScenarioError:
    text = SALES.replace(old, new)
    assert text != SALES
    with pytest.raises(ScenarioError) as caught:
        parse_sales(text, "case.toml").price()
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('quantity = "3"', 'quantity = "1e29"', "orders[0].lines[0].quantity"),
        ('MANAGER = "2"', 'MANAGER = "1e999999"', "orders[0].lines[0].manual.MANAGER"),
        ('step = "1"', 'step = "1E+1000"', "price_types[0].rounding.step"),
        ('price = "100.00"', 'price = "0.0000000000000000001"', "prices[0].price"),
        ('manual_limit = "10"', 'manual_limit = "-1e40"', "agreements[0].manual_limit"),
    ],
)
def test_a_number_out_of_range_is_refused_at_its_key_path_with_the_range(
    old: str, new: str, path: str
) -> None:
    error = sales_error(old, new)
    assert str(error).startswith(f"case.toml: {path}: {RANGE}, got ")
    assert error.details["path"] == path


def test_amounts_too_large_to_compute_are_reported_at_the_order() -> None:
    huge = "100000000000000000"  # 10^17: within the file's bounds, but 10^17 x 10^17 is not
    text = SALES.replace('quantity = "3"', f'quantity = "{huge}"')
    text = text.replace('price = "100.00"', f'price = "{huge}"')
    with pytest.raises(ScenarioError) as caught:
        parse_sales(text, "case.toml").price()
    assert str(caught.value).startswith("case.toml: orders[0] (SO-1): the amounts are too large")


def test_an_integer_of_thousands_of_digits_is_refused_without_a_traceback() -> None:
    with pytest.raises(ScenarioError, match=r"case\.toml: not valid TOML: .*digits"):
        parse_sales(SALES.replace('"3"', "9" * 5000), "case.toml")


def test_deep_nesting_is_refused_naming_the_file_and_the_depth(tmp_path: Path) -> None:
    deep = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    path = tmp_path / "deep.toml"
    path.write_text(deep + SALES, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"deep\.toml: .*nested deeper than 64 levels"):
        load(path)
    path.write_text('[[groups]]\nid = "G"\nname = "G"\nchildren = ' + "[" * 70 + "]" * 70)
    with pytest.raises(DiscountError) as caught:
        read_rule_set_file(path)
    assert caught.value.details["path"] == "groups[0].children" + "[0]" * 61
    assert caught.value.details["depth"] == 64


def test_a_byte_order_mark_is_skipped_in_scenario_and_rule_files(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SALES.encode())
    assert [o.id for o in load(path).orders] == ["SO-1"]
    path.write_bytes(b"\xef\xbb\xbf" + RECEIVABLES.encode())
    assert [o.id for o in load_receivables(path).orders] == ["SO-1"]
    path.write_bytes(b'\xef\xbb\xbf[[limits]]\nid = "L"\nuser = "ivanova"\npercent = 7\n')
    assert [lim.id for lim in read_rule_set_file(path).rule_set.limits] == ["L"]


def test_a_file_in_another_encoding_is_named_as_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.toml"
    path.write_bytes(SALES.replace("Everyone", "Все клиенты").encode("cp1251"))
    with pytest.raises(ScenarioError) as caught:
        load(path)
    line = SALES.splitlines().index('name = "Everyone"') + 1
    assert str(caught.value) == (
        f"{path}: the file is not UTF-8 text (byte 0xc2 on line {line}); "
        "save it as UTF-8 (a byte-order mark is allowed)"
    )
    with pytest.raises(DiscountError, match="not UTF-8"):
        read_rule_set_file(path)


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("shipment_date = 2026-01-10", "shipment_date = 9999-12-31", "orders[0]"),
        ("days = 10,", "days = 999999999,", "templates[0].stages[0].days: expected an integer"),
    ],
)
def test_a_date_pushed_past_the_calendar_is_reported_where_it_is_written(
    old: str, new: str, path: str
) -> None:
    text = RECEIVABLES.replace(old, new)
    assert text != RECEIVABLES
    with pytest.raises(ScenarioError) as caught:
        parse_receivables(text, "r.toml")
    assert str(caught.value).startswith(f"r.toml: {path}")


def test_an_id_used_twice_is_reported_with_its_key_path() -> None:
    payment = '[[payments]]\nid = "PAY-1"\npartner = "P1"\ndate = 2026-01-20\namount = "10.00"\n'
    with pytest.raises(ScenarioError) as caught:
        parse_receivables(RECEIVABLES + payment + payment, "r.toml")
    assert caught.value.details["path"] == "payments[1].id"
    assert str(caught.value).startswith("r.toml: payments[1].id: the payment id 'PAY-1' is used")
    shipment = '[[shipments]]\nid = "SHIP-1"\norder = "SO-1"\ndate = 2026-01-10\n'
    with pytest.raises(ScenarioError) as caught:
        parse_receivables(RECEIVABLES + shipment + shipment, "r.toml")
    assert caught.value.details["path"] == "shipments"
