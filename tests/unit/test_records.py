"""salescore.records: typed rows, the one HTML table, and records of agreements, prices and
what-if tables (issue 12, items 3-4)."""

from __future__ import annotations

import enum
import pickle
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from tests.values import assert_is_value, assert_typed_records

from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    PaymentForm,
    ProposedLine,
    ProposedSale,
    Terms,
    TermsQuery,
    check_sale,
    create_individual,
)
from salescore.discounts.engine import DiscountEngine
from salescore.discounts.model import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
)
from salescore.discounts.sale import SaleContext
from salescore.discounts.sale import SaleLine as DiscountLine
from salescore.discounts.whatif import Tier, next_tier, quantity_breaks
from salescore.errors import NotFoundError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity
from salescore.parties import Partner, PartnerId, Product, ProductId, WarehouseId
from salescore.pricing.price_list import StaticStock, build_price_list
from salescore.pricing.price_types import PriceType, PriceTypeId
from salescore.pricing.register import PriceRecord
from salescore.pricing.snapshot import PricingSnapshot
from salescore.records import SupportsRecords, Table, cell, html_table, table

RUB = Currency.of("RUB")


class Colour(enum.Enum):
    RED = "red"


def test_cells_are_typed_values() -> None:
    assert cell(Colour.RED) == "red"
    assert type(cell(PartnerId("P1"))) is str
    assert cell(Decimal("1.50")) == Decimal("1.50")
    assert cell(date(2026, 3, 1)) == date(2026, 3, 1)
    assert cell(datetime(2026, 3, 1, 9, tzinfo=UTC)) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert cell(True) is True
    assert cell(frozenset({"b", "a"})) == "a, b"
    assert cell(RUB) == "RUB"


def test_html_table_escapes_headers_cells_and_caption() -> None:
    shown = html_table([{"<b>": "<script>alert('x')</script>", "n": Decimal("1E+3")}],
                       caption="A & B")  # fmt: skip
    assert "<script>" not in shown
    assert "<th>&lt;b&gt;</th>" in shown
    assert "<td>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</td>" in shown
    assert "<caption>A &amp; B</caption>" in shown
    # Decimals in plain digits, right-aligned.
    assert '<td style="text-align: right">1000</td>' in shown


def test_an_empty_table_keeps_its_header_and_missing_cells_are_empty() -> None:
    assert html_table([], columns=["a", "b"]) == (
        "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody></tbody></table>"
    )
    rows = Table.of([{"a": 1}, {"b": None}]).to_records()
    assert rows == [{"a": 1, "b": None}, {"a": None, "b": None}]


def test_explanation_records_and_table() -> None:
    e = Explanation("price of <Coffee>", (Step("base", "10.00 RUB", "list <A>"),))
    assert e.to_records() == [
        {"step": "1", "description": "base", "value": "10.00 RUB", "source": "list <A>"}
    ]
    assert "<caption>price of &lt;Coffee&gt;</caption>" in e._repr_html_()
    assert isinstance(e, SupportsRecords)
    assert_is_value(e)


# --- agreements ----------------------------------------------------------------------

TYPICAL = Agreement.typical(AgreementId("TA-W"), "Wholesale", valid_from=date(2026, 1, 1),
    status=AgreementStatus.ACTIVE, terms=Terms(price_type_id=PriceTypeId("WHOLESALE"), currency=RUB,
    manual_discount_limit_percent=Decimal(5), payment_form=PaymentForm.NONCASH))  # fmt: skip
OWN = create_individual(TYPICAL, AgreementId("IA-V"), "Volga <LLC>", partner_id=PartnerId("V"),
    valid_from=date(2026, 3, 1), status=AgreementStatus.ACTIVE,
    terms=Terms(warehouse_id=WarehouseId("MAIN")))  # fmt: skip
RESOLVED = AgreementBook([TYPICAL, OWN]).resolve(
    TermsQuery(Partner(PartnerId("V"), "Volga"), date(2026, 3, 2))
)
SALE = ProposedSale(currency=RUB, warehouse_id=WarehouseId("STORE-1"), lines=(
    ProposedLine(ProductId("CM-100"), Decimal(2), Money("900.00", RUB), Money("1000.00", RUB),
             manual_discount_percent=Decimal(7)),))  # fmt: skip
DEVIATIONS = check_sale(SALE, RESOLVED.terms)


def test_resolved_terms_records_keep_term_types_and_sources() -> None:
    rows = {r["term"]: r for r in RESOLVED.to_records()}
    assert rows["price_type_id"]["value"] == "WHOLESALE"
    assert rows["price_type_id"]["source"] == "inherited"
    assert rows["currency"]["value"] == "RUB"
    assert rows["manual_discount_limit_percent"]["value"] == Decimal(5)
    assert rows["warehouse_id"]["source"] == "filled"
    assert rows["warehouse_id"]["agreement_id"] == "IA-V"
    assert rows["payment_form"]["value"] == "noncash"
    assert rows["taxation"]["value"] is None
    assert rows["taxation"]["source"] == "open"
    assert "Volga &lt;LLC&gt;" in RESOLVED._repr_html_()


def test_deviations_as_one_table_with_decimal_amounts() -> None:
    frame = pd.DataFrame(table(DEVIATIONS, "deviations").to_records())
    assert list(frame["kind"]) == [
        "price_below_reference", "discount_above_limit", "warehouse_changed"]  # fmt: skip
    # (1000.00 - 900.00) * 2 = 200.00; 900.00 * 2 * (7 - 5) / 100 = 36.00.
    assert frame["amount"].dropna().sum() == Decimal("236.00")
    assert list(frame["line"].dropna()) == [1, 1]


# --- prices and what-if ----------------------------------------------------------------

BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
RETAIL = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB", formula="[Base] * 1.5")
SNAPSHOT = PricingSnapshot.build(
    [BASE, RETAIL], date(2026, 3, 1),
    products=[Product(ProductId("A"), "Filter <x>"), Product(ProductId("B"), "Descaler")],
    records=[PriceRecord(BASE.id, ProductId("A"), date(2026, 1, 1), Money("10.05", "RUB"))],
)  # fmt: skip
PRICES = build_price_list(SNAPSHOT, [ProductId("A"), ProductId("B")], [BASE.id, RETAIL.id],
    stock=StaticStock({(WarehouseId("MAIN"), ProductId("A")): Quantity("25")}),
    warehouse_ids=[WarehouseId("MAIN")])  # fmt: skip
Q10, Q50 = DiscountId("Q10"), DiscountId("Q50")
ENGINE = DiscountEngine.compile(
    DiscountRuleSet(
        [
            Discount(
                Q10, "10+ units", value=5, condition=ConditionExpr.leaf("line_quantity", min=10)
            ),
            Discount(
                Q50, "50+ units", value=12, condition=ConditionExpr.leaf("line_quantity", min=50)
            ),
        ],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, [Q10, Q50])],
    )
)
GRINDER = DiscountLine("1", Product(ProductId("GR-10"), "Grinder"), Quantity(1), Money(200, "RUB"))
CONTEXT = SaleContext(datetime(2026, 3, 2, 10, tzinfo=UTC))
BREAKS = quantity_breaks(ENGINE, GRINDER, CONTEXT)


def test_price_list_records_are_decimals_or_none() -> None:
    assert PRICES.to_records() == [
        {"product": "A", "name": "Filter <x>", "unit": "pcs", "Base, RUB": Decimal("10.05"),
         "Retail, RUB": Decimal("15.08"), "stock": Decimal("25")},
        {"product": "B", "name": "Descaler", "unit": "pcs", "Base, RUB": None,
         "Retail, RUB": None, "stock": Decimal(0)},
    ]  # fmt: skip
    assert "<td>Filter &lt;x&gt;</td>" in PRICES._repr_html_()


def test_an_unpickled_price_list_is_equal_and_says_how_to_explain_a_cell() -> None:
    copy = pickle.loads(pickle.dumps(PRICES))
    assert copy == PRICES
    assert PRICES.explain(ProductId("A"), RETAIL.id).subject
    with pytest.raises(NotFoundError, match="unpickled without its pricing snapshot"):
        copy.explain(ProductId("A"), RETAIL.id)


def test_break_table_records() -> None:
    rows = BREAKS.to_records()
    figures = [(r["quantity"], r["unit_price"], r["discount_percent"], r["line_amount"])
               for r in rows]  # fmt: skip
    assert figures == [
        (Decimal(1), Decimal("200.00"), Decimal("0.00"), Decimal("200.00")),
        (Decimal(10), Decimal("190.00"), Decimal("5.00"), Decimal("1900.00")),
        (Decimal(50), Decimal("176.00"), Decimal("12.00"), Decimal("8800.00")),
    ]
    assert {r["currency"] for r in rows} == {"RUB"}
    suggestions = table(next_tier(ENGINE, [GRINDER.with_quantity(8)], CONTEXT)).to_records()
    assert [r["discount_gain"] for r in suggestions] == [Decimal("100.00"), Decimal("1200.00")]


@pytest.mark.parametrize(
    "value",
    [RESOLVED, DEVIATIONS[0], PRICES, BREAKS, BREAKS.tiers[0],
     next_tier(ENGINE, [GRINDER.with_quantity(8)], CONTEXT)[0], table(DEVIATIONS, "deviations")],
    ids=lambda v: type(v).__name__,
)  # fmt: skip
def test_results_are_values_with_typed_records(value: object) -> None:
    assert_is_value(value)
    if not isinstance(value, Tier):
        assert_typed_records(value)
