"""Results are values: frozen, compared by their figures, pickled, converted by attrs.asdict.

A result holds no engine: its explanations are rebuilt from the evidence it
carries, so a result read back from a pickle explains itself word for word
as the original did, in a process that never compiled the rule set.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from decimal import Decimal

import attrs
import pytest

from salescore.discounts import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    DocumentResult,
    GroupId,
    LimitId,
    LineDiscount,
    ManualDiscountLimit,
    Mode,
)
from salescore.discounts.stored import evidence_of_parts, evidence_parts, rule_book_of
from salescore.errors import DiscountError
from salescore.parties import ProductId

from .conftest import make_context, make_line


def _rules() -> DiscountRuleSet:
    """A percent, a manual discount with a limit, a document amount and a gift."""
    return DiscountRuleSet(
        [
            Discount(
                DiscountId("MAIN5"),
                "Main warehouse",
                value=5,
                condition=ConditionExpr.leaf("warehouse", warehouses=["MAIN"]),
            ),
            Discount(DiscountId("MANAGER"), "Manager", value=0, mode=Mode.MANUAL),
            Discount(
                DiscountId("DOC100"),
                "Document 100",
                DiscountKind.AMOUNT,
                100,
                basis=AmountBasis.DOCUMENT,
            ),
            Discount(
                DiscountId("CUP"),
                "A cup with a machine",
                DiscountKind.GIFT,
                gift_product_id=ProductId("CUP"),
                buy_quantity=2,
                condition=ConditionExpr.leaf("product", products=["CM-100"]),
            ),
        ],
        [
            DiscountGroup(
                GroupId("ROOT"), "All", Combination.MULTIPLY, ["MAIN5", "MANAGER", "DOC100", "CUP"]
            )
        ],
        [ManualDiscountLimit(LimitId("L1"), Decimal(3), user="ivanova")],
    )


def _result() -> DocumentResult:
    engine = DiscountEngine.compile(_rules())
    lines = [
        make_line("CM-100", 4, "1000.00", line_id="1", manual={"MANAGER": "7"}),
        make_line("GR-10", 3, "333.33", line_id="2"),
    ]
    return engine.apply(lines, make_context(warehouse_id="MAIN", user="ivanova"))


def test_a_document_result_pickles_to_an_equal_value_that_explains_itself_the_same() -> None:
    result = _result()
    assert result.deviations  # every part of a result is exercised
    assert result.gifts
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result
    assert copy.explain() == result.explain()
    first, again = result.lines[0], copy.lines[0]
    assert again.why_not("MAIN5") == first.why_not("MAIN5")
    assert again.why_not("CUP") == first.why_not("CUP")
    assert copy.as_rows() == result.as_rows()


def test_evidence_kept_as_parts_is_made_again_and_explains_itself_the_same() -> None:
    # What storage keeps of a document (salescore.discounts.stored): the rule set, lines,
    # context, per line the numbers of the rules that applied (MAIN5 0, MANAGER 1, DOC100 2,
    # CUP 3 in the compiled index), DOC100's 100.00 spread by amount (4000.00 and 999.99:
    # 80.00 and 20.00) and the excess of line 1's manual 7 % over ivanova's 3 %.
    result = _result()
    first = result.lines[0]
    assert first.evidence is not None
    parts = evidence_parts(first.evidence)
    assert parts.rule_set == _rules()
    assert parts.lines == tuple(first.evidence.lines)
    assert parts.context == first.evidence.context
    assert parts.applicable == ((0, 2, 1, 3), (0, 2))
    assert parts.shares == ({2: Decimal("80.00")}, {2: Decimal("20.00")})
    assert parts.deviations == {0: result.deviations[0]}
    book = rule_book_of(parts.rule_set)
    for again in (evidence_of_parts(parts), evidence_of_parts(parts, book=book)):
        assert evidence_parts(again) == parts
        copies = [attrs.evolve(item, evidence=again) for item in result.lines]
        assert [x.explain() for x in copies] == [x.explain() for x in result.lines]
        assert copies[0].why_not("CUP") == first.why_not("CUP")
        assert copies[1].why_not("MANAGER") == result.lines[1].why_not("MANAGER")
    assert evidence_of_parts(parts, book=book).book is book


def test_evidence_made_again_from_parts_pickles_and_still_explains_itself() -> None:
    result = _result()
    assert result.lines[0].evidence is not None
    again = evidence_of_parts(evidence_parts(result.lines[0].evidence))
    copies = [attrs.evolve(item, evidence=again) for item in result.lines]
    read_back = pickle.loads(pickle.dumps(copies))
    assert [x.explain() for x in read_back] == [x.explain() for x in result.lines]


def test_a_stored_rule_set_whose_condition_is_now_wrong_is_named_by_its_path() -> None:
    # Read back with the conditions of today, a stored rule's parameters may be refused.
    wrong = ConditionExpr.leaf("warehouse", ids=["MAIN"])
    rules = DiscountRuleSet(
        [Discount(DiscountId("OLD"), "Old", value=5, condition=wrong)],
        [DiscountGroup(GroupId("ROOT"), "All", Combination.ADD, ["OLD"])],
    )
    with pytest.raises(DiscountError) as raised:
        rule_book_of(rules)
    assert str(raised.value).startswith(
        "discounts.OLD.condition: condition 'warehouse': unknown parameter(s) ids"
    )


def test_a_pickled_result_explains_itself_in_a_process_that_never_compiled_the_rules() -> None:
    result = _result()
    data = pickle.dumps(result)
    code = (
        "import pickle, sys; r = pickle.loads(sys.stdin.buffer.read()); "
        "sys.stdout.write(r.explain().as_text())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert out == result.explain().as_text()


def test_every_result_type_round_trips_through_attrs_asdict() -> None:
    result = _result()
    line = result.lines[0]
    gift = result.gifts[0]
    excess = result.deviations[0]
    for value in (result, line, gift, excess):
        assert type(value)(**attrs.asdict(value, recurse=False)) == value
        assert pickle.loads(pickle.dumps(value)) == value
    figures = attrs.asdict(result)
    assert figures["lines"][0]["discount_amount"] == line.discount_amount
    assert figures["gifts"][0] == {
        "discount_id": "CUP",
        "product_id": "CUP",
        "quantity": Decimal(2),
        "for_lines": ("1",),
        "reason": gift.reason,
    }
    assert figures["deviations"][0]["kind"] == "manual_discount_over_limit"


def test_results_compare_by_their_figures_and_are_frozen() -> None:
    a, b = _result(), _result()
    assert a is not b
    assert a == b
    assert hash(a.lines[0]) == hash(b.lines[0])
    other = attrs.evolve(a.lines[0], discount_amount=Decimal("1.00"))
    assert other != a.lines[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.lines[0].discount_amount = Decimal(0)  # type: ignore[misc]


def test_a_result_built_by_hand_says_it_cannot_explain_itself() -> None:
    line = LineDiscount("1", Decimal("10.00"), Decimal("1.00"), _result().currency)
    assert line.net.amount == Decimal("9.00")
    with pytest.raises(DiscountError, match="carries no evidence"):
        line.explain()


def test_one_name_one_meaning_old_spellings_still_import_with_a_warning() -> None:
    import salescore.agreements as agreements
    import salescore.discounts as discounts

    with pytest.warns(DeprecationWarning, match="now salescore.discounts.LimitExcess"):
        assert discounts.Deviation is discounts.LimitExcess
    with pytest.warns(DeprecationWarning, match="now salescore.agreements.ProposedLine"):
        assert agreements.SaleLine is agreements.ProposedLine
    assert "Deviation" not in discounts.__all__
    assert "SaleLine" not in agreements.__all__
