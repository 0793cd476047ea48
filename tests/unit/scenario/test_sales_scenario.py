"""Sales scenario files and the ``price`` command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.agreements import DeviationKind, Severity
from salescore.cli import main
from salescore.errors import ScenarioError
from salescore.scenario import load, load_receivables
from salescore.scenario.sales import parse_sales, render_sales

GOLDENS = Path(__file__).parents[2] / "scenarios"
WHOLESALE = GOLDENS / "sales" / "wholesale_individual_agreement.toml"
OVER_LIMIT = GOLDENS / "sales" / "manual_discount_over_limit.toml"

BASE = """
currency = "RUB"
[[products]]
id = "CM-100"
[[partners]]
id = "SHOP"
[[price_types]]
id = "BASE"
name = "Base"
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
[[orders]]
id = "SO-1"
client = "SHOP"
date = 2026-03-02
lines = [{ product = "CM-100", quantity = "3" }]
"""


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_sales(text, "case.toml")
    return str(caught.value)


def test_price_command_prints_lines_totals_and_explanations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["price", str(WHOLESALE)]) == 0
    out = capsys.readouterr().out
    # figures by hand in the scenario file's header comment
    assert "total 100270.00 RUB - discounts 20368.21 RUB = 79901.79 RUB" in out
    assert "formula [Purchase] * 1.25 = 12200.00" in out
    assert "candidate IA-VOLGA = applies" in out


def test_price_json_gives_amounts_as_strings_and_the_same_figures_as_python(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["price", str(WHOLESALE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    priced = load(WHOLESALE).price()
    assert [o["id"] for o in data["orders"]] == ["SO-1", "SO-2"]
    first = data["orders"][0]
    assert first["totals"] == {
        "amount": str(priced[0].gross.amount),
        "discount": str(priced[0].discount.amount),
        "net": str(priced[0].net.amount),
    }
    line = first["lines"][0]
    assert (line["unit_price"], line["net"], line["agreement"]) == (
        "12200.00",
        "44476.32",
        "IA-VOLGA",
    )
    assert line["explanation"]["steps"][0]["value"] == "IA-VOLGA"

    def floats(value: object) -> list[float]:
        if isinstance(value, float):
            return [value]
        if isinstance(value, dict):
            return [f for v in value.values() for f in floats(v)]
        if isinstance(value, list):
            return [f for v in value for f in floats(v)]
        return []

    assert floats(data) == []


def test_a_manual_discount_over_its_limit_is_an_agreements_deviation_for_approval() -> None:
    (priced,) = load(OVER_LIMIT).price()
    kinds = [(d.kind, d.line, d.severity) for d in priced.deviations]
    assert kinds == [
        (DeviationKind.DISCOUNT_ABOVE_LIMIT, 1, Severity.APPROVAL),
        (DeviationKind.PRICE_BELOW_REFERENCE, 2, Severity.APPROVAL),
        (DeviationKind.WAREHOUSE_CHANGED, None, Severity.APPROVAL),
    ]
    over = priced.deviations[0]
    # 6% typed, 3% allowed on machines: 3% of 24000.00 above the limit.
    assert (over.expected, over.actual, str(over.amount)) == ("3%", "6.00%", "720.00 RUB")
    assert priced.needs_approval


def test_price_command_reports_a_malformed_file_with_its_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE.replace('quantity = "3"', "quantity = 3.5"), encoding="utf-8")
    assert main(["price", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: orders[0].lines[0].quantity: expected a decimal" in err
    assert "(a float: write it in quotes)" in err


def test_unknown_references_are_named_with_what_exists() -> None:
    assert "orders[0].lines[0].product: expected the id of one of the products (CM-100)" in (
        error_of(BASE.replace('product = "CM-100", quantity', 'product = "CM-200", quantity'))
    )
    assert "agreements[0].price_type: expected the id of one of the price types (BASE)" in (
        error_of(BASE.replace('price_type = "BASE"\n[[orders]]', 'price_type = "X"\n[[orders]]'))
    )
    text = BASE.replace("date = 2026-03-02", 'date = 2026-03-02\nagreement = "IA-NONE"')
    assert "orders[0].agreement: expected the id of one of the agreements (TA)" in error_of(text)


def test_missing_and_unknown_keys_and_bad_formulas_are_reported() -> None:
    assert "case.toml: orders[0].client: expected a non-empty string, got nothing" in error_of(
        BASE.replace('client = "SHOP"\n', "")
    )
    assert "case.toml: orders[0].lines[0].qty: unknown key" in error_of(
        BASE.replace('quantity = "3"', 'qty = "3"')
    )
    assert "case.toml: price_types: " in error_of(
        BASE.replace('name = "Base"', 'name = "Base"\nformula = "[Nope] * 2"')
    )


def test_discount_rules_in_a_scenario_are_checked_with_their_key_paths() -> None:
    rules = (
        '\n[[groups]]\nid = "ROOT"\nname = "Root"\nchildren = ["D"]\n'
        '[[discounts]]\nid = "D"\nname = "D"\n'
    )
    assert (
        'case.toml: discounts[0].value: expected a decimal amount as a string such as "12.50", '
        "got 5.5 (a float: write it in quotes)"
    ) in error_of(BASE + rules + "value = 5.5\n")
    assert (
        "case.toml: discounts[0].kind: expected one of 'percent', 'amount', 'gift', "
        "'free_units', got 'percnt'"
    ) in error_of(BASE + rules + 'kind = "percnt"\n')
    assert "case.toml: discounts[0].colour: unknown key; expected one of id, name, " in error_of(
        BASE + rules + 'colour = "red"\n'
    )
    assert "case.toml: discounts[0]: discount 'D': a percent must be in 0..100" in error_of(
        BASE + rules + 'value = "150"\n'
    )
    gift = 'kind = "gift"\ngift_product = "NOPE"\ngift_quantity = 1\nbuy_quantity = 1\n'
    assert "NOPE" in error_of(BASE + rules + gift)


FLOAT = "(a float: write it in quotes)"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (BASE.replace('price = "100.00"', "price = 12.5"), "prices[0].price"),
        (BASE + '[[discounts]]\nid = "D"\nname = "D"\nvalue = 12.5\n', "discounts[0].value"),
        (
            BASE + '[[discounts]]\nid = "D"\nname = "D"\nprice_groups = { MACHINES = 2.5 }\n',
            "discounts[0].price_groups.MACHINES",
        ),
        (
            BASE + '[[discounts]]\nid = "D"\nname = "D"\n'
            'condition = { all = [{ name = "line_quantity", min = 2.5 }] }\n',
            "discounts[0].condition.all[0].min",
        ),
        (
            BASE + '[[limits]]\nid = "L"\nuser = "ivanova"\npercent = 7.5\n',
            "limits[0].percent",
        ),
        (BASE + '[[groups]]\nid = "G"\nname = "G"\npriority = 1.5\n', "groups[0].priority"),
    ],
)
def test_a_scenario_refuses_floats_also_in_its_discount_tables(text: str, path: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_sales(text, "case.toml")
    assert str(caught.value).startswith(f"case.toml: {path}: expected ")
    assert str(caught.value).endswith(FLOAT)
    assert caught.value.details == {"file": "case.toml", "path": path}


def test_a_payment_form_outside_the_vocabulary_is_named_with_its_key_path() -> None:
    text = BASE.replace("date = 2026-03-02", 'date = 2026-03-02\npayment_form = "bitcoin"')
    assert "orders[0].payment_form: unknown payment form 'bitcoin'" in error_of(text)


def test_a_manual_discount_id_that_is_not_a_manual_rule_is_refused() -> None:
    text = BASE.replace('quantity = "3"', 'quantity = "3", manual = { MANGER = "4" }')
    assert "orders[0].lines[0].manual.MANGER: expected the id of a manual discount" in (
        error_of(text)
    )


def test_each_loader_names_the_other_for_the_wrong_kind_of_file() -> None:
    with pytest.raises(ScenarioError, match=r"sales scenario .*salescore price"):
        load_receivables(WHOLESALE)


def test_load_refuses_a_receivables_file_and_names_its_loader() -> None:
    path = GOLDENS / "receivables" / "advance_and_credit_over_new_year.toml"
    with pytest.raises(ScenarioError, match=r"receivables scenario .*load_receivables"):
        load(path)
    assert load_receivables(path).orders


def test_a_scenario_without_discount_rules_prices_at_the_price_type() -> None:
    (priced,) = parse_sales(BASE, "case.toml").price()
    assert str(priced.net) == "300.00 RUB"
    assert "no discount applies" in render_sales([priced])


SPREAD = GOLDENS / "sales" / "document_discount_spread.toml"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=4, max_size=4))
def test_a_document_discount_is_spread_exactly_and_totals_add_up(quantities: list[int]) -> None:
    scenario = load(SPREAD)
    (template,) = scenario.orders
    lines = [
        attrs.evolve(line, quantity=Decimal(q))
        for line, q in zip(template.lines, quantities, strict=True)
    ]
    priced = scenario.pricer.price(attrs.evolve(template, lines=lines))
    coffee = [x for x in priced.lines if x.product.id != "MUG"]
    # Every coffee line costs 1000 or more, so the whole 1000.00 is given, to the kopeck.
    assert sum(x.discount_amount.amount for x in coffee) == Decimal("1000.00")
    for line in priced.lines:
        assert line.net == line.gross - line.discount_amount
    assert priced.net == priced.gross - priced.discount
    assert priced.gross.amount == sum(x.gross.amount for x in priced.lines)


def test_lines_under_different_agreements_are_discounted_as_separate_documents() -> None:
    text = BASE.replace(
        "[[partners]]",
        '[[products]]\nid = "BEANS"\nsegments = ["COFFEE"]\n'
        '[[prices]]\nprice_type = "BASE"\nproduct = "BEANS"\nprice = "50.00"\nfrom = 2026-01-01\n'
        '[[agreements]]\nid = "TA-COFFEE"\nname = "Coffee"\nvalid_from = 2026-01-01\n'
        'nomenclature_segment = "COFFEE"\nprice_type = "BASE"\nmanual_limit = "1"\n'
        "[[partners]]",
        1,
    ).replace(
        'lines = [{ product = "CM-100", quantity = "3" }]',
        'lines = [{ product = "CM-100", quantity = "3" }, { product = "BEANS", quantity = "2" }]',
    )
    (priced,) = parse_sales(text, "case.toml").price()
    assert [x.agreement_id for x in priced.lines] == ["TA", "TA-COFFEE"]
    assert str(priced.net) == "400.00 RUB"
    assert "candidate TA-COFFEE = rejected: covers only nomenclature segment 'COFFEE'" in (
        priced.lines[0].explain().as_text()
    )


def test_an_order_that_cannot_be_priced_names_the_file_and_the_order() -> None:
    text = BASE.replace(
        "valid_from = 2026-01-01\nprice_type", "valid_from = 2026-06-01\nprice_type"
    )
    scenario = parse_sales(text, "case.toml")
    with pytest.raises(
        ScenarioError, match=r"case.toml: orders\[0\] \(SO-1\): no agreement applies"
    ):
        scenario.price()


def test_a_client_segment_on_an_individual_agreement_is_refused_not_ignored() -> None:
    individual = (
        '\n[[agreements]]\nid = "IA"\nbase = "TA"\npartner = "SHOP"\n'
        'valid_from = 2026-01-01\nclient_segment = "WHOLESALE"\n'
    )
    text = BASE.replace("[[orders]]", individual + "[[orders]]")
    assert (
        "case.toml: agreements[1].client_segment: expected no client_segment on an individual"
        " agreement"
    ) in error_of(text)
    accepted = parse_sales(text.replace('client_segment = "WHOLESALE"\n', ""), "case.toml")
    assert [str(order.net) for order in accepted.price()] == ["300.00 RUB"]
