"""What the engine is given, as a caller builds it: a line's manual values and a
document's totals (``salescore.discounts.sale``)."""

from __future__ import annotations

import copy
from decimal import Context, Decimal, localcontext

import pytest

from salescore.discounts import DocumentFacts, SaleLine
from salescore.errors import DiscountError, InvalidInputError
from salescore.money import Money, Quantity
from salescore.parties import Product, ProductId, SegmentId

from .conftest import make_context, make_line

KITCHEN = SegmentId("KITCHEN")


def test_a_float_manual_value_on_a_line_is_refused_and_named() -> None:
    with pytest.raises(InvalidInputError, match=r"^manual value cannot be built from a float"):
        make_line("X", manual={"M": 1.5})


def test_a_negative_quantity_is_refused_and_the_line_named() -> None:
    # Before, -2 × 1,000.00 went through the engine as a line of -2,000.00 with no
    # discount: a return priced as a sale.
    with pytest.raises(DiscountError) as caught:
        make_line("X", -2, "1000.00", line_id="7")
    assert str(caught.value) == (
        "sale line '7': quantity -2 pcs is negative; a sale line sells a quantity of zero or "
        "more at a price of zero or more (a return is a document of its own, a markup a "
        "discount rule with markup=true)"
    )
    assert caught.value.details["line"] == "7"


def test_a_negative_unit_price_is_refused_and_the_line_named() -> None:
    with pytest.raises(DiscountError, match=r"^sale line '3': unit price -0\.01 RUB is negative;"):
        make_line("X", 2, "-0.01", line_id="3")
    with pytest.raises(DiscountError, match=r"^sale line '3': quantity -1 pcs is negative;"):
        make_line("X", -1, "-5.00", line_id="3")  # both negative: a positive amount, refused
    for quantity in (0, "0.5"):  # a quantity not negative names the price, whatever its size
        with pytest.raises(DiscountError, match=r"^sale line '3': unit price -5\.00 RUB is"):
            make_line("X", quantity, "-5.00", line_id="3", kg=True)


def test_a_line_of_zero_quantity_or_a_free_unit_is_accepted() -> None:
    assert make_line("X", 0, "1000.00").amount == 0
    assert make_line("X", 3, "0.00").amount == 0
    assert make_line("X", 1, "1000.00").with_quantity(2).amount == Decimal("2000.00")
    with pytest.raises(DiscountError, match="quantity -1 pcs is negative"):
        make_line("X", 1, "1000.00").with_quantity(-1)


def test_a_document_in_a_currency_equal_to_its_lines_but_another_object_is_accepted() -> None:
    # A currency read back from storage is equal to the lines' one, not the same object.
    lines = [make_line("X", 2, "100.00")]
    stored = copy.deepcopy(lines[0].currency)
    assert stored is not lines[0].currency
    facts = DocumentFacts.of(lines, stored)
    assert facts.amount == Decimal("200.00")


def test_document_totals_per_segment_sum_the_lines_of_each_segment() -> None:
    # KITCHEN: 2 × 100.00 + 1 × 50.00 = 250.00 over 3 units; HALL: 1 × 50.00 over 1 unit.
    lines = [
        make_line("A", 2, "100.00", line_id="1", segments=["KITCHEN"]),
        make_line("B", 1, "50.00", line_id="2", segments=["KITCHEN", "HALL"]),
    ]
    facts = DocumentFacts.of(lines)
    assert dict(facts.segment_amount) == {"KITCHEN": Decimal("250.00"), "HALL": Decimal("50.00")}
    assert dict(facts.segment_quantity) == {"KITCHEN": Decimal(3), "HALL": Decimal(1)}
    assert facts.amount == Decimal("250.00")
    assert (
        repr(facts) == "DocumentFacts(RUB, amount=250.00, quantity=3, segments=['HALL', 'KITCHEN'])"
    )


def test_document_totals_are_exact_under_a_callers_low_precision_context() -> None:
    # 1,234.56 + 1.00 = 1,235.56; a caller's 3-digit context would make it 1.24E+3.
    lines = [make_line("A", 1, "1234.56", line_id="1", segments=["S"]), make_line("B", 1, "1.00")]
    with localcontext(Context(prec=3)):
        facts = DocumentFacts.of(lines)
        assert facts.amount == Decimal("1235.56")
        assert facts.segment_amount[SegmentId("S")] == Decimal("1234.56")


def test_document_facts_built_from_lines_equal_the_same_figures_given_directly() -> None:
    lines = [make_line("A", 2, "100.00", segments=["KITCHEN"])]
    of_lines = DocumentFacts.of(lines)
    currency = lines[0].currency
    same = DocumentFacts(
        currency, Decimal("200.00"), Decimal(2), {KITCHEN: Decimal("200.00")}, {KITCHEN: Decimal(2)}
    )
    other = DocumentFacts(
        currency,
        Decimal("200.00"),
        Decimal(2),
        {SegmentId("HALL"): Decimal("200.00")},
        {SegmentId("HALL"): Decimal(2)},
    )
    assert of_lines == same
    assert of_lines != other
    assert of_lines != "200.00"


def test_a_line_amount_is_rounded_half_up_to_minor_units() -> None:
    # 0.5 kg at 1.01 = 0.505: half up to 0.51 (half to even would give 0.50).
    assert make_line("X", "0.5", "1.01", kg=True).amount == Decimal("0.51")


def test_segments_given_as_a_list_are_kept_as_a_set_and_a_segment_listed_twice_counts_once() -> (
    None
):
    line = SaleLine(
        "1",
        Product(ProductId("A"), "A"),
        Quantity(2),
        Money("100.00", "RUB"),
        ["KITCHEN", "KITCHEN"],
    )
    assert line.segment_ids == frozenset({"KITCHEN"})
    assert dict(DocumentFacts.of([line]).segment_quantity) == {"KITCHEN": Decimal(2)}


def test_a_float_manual_value_for_the_document_is_refused_and_named() -> None:
    with pytest.raises(InvalidInputError, match=r"^manual value cannot be built from a float"):
        make_context(manual_discounts={"M": 1.5})
