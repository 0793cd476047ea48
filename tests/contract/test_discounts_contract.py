"""Discount definitions, groups and limits stored alike by every adapter."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.app.discount_rules import load_rule_set, save_rule_set
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_discounts import sample_rule_set
from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    LimitId,
    ManualDiscountLimit,
)
from salescore.errors import DiscountError, IssuesError
from salescore.parties import ProductId


def test_a_saved_rule_set_reads_back_equal(store: Store) -> None:
    rules = sample_rule_set()
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        save_rule_set(uow, rules)
        uow.commit()
    with store.unit_of_work() as uow:
        loaded = load_rule_set(uow)
    assert sorted(loaded.discounts, key=lambda d: d.id) == sorted(
        rules.discounts, key=lambda d: d.id
    )
    assert sorted(loaded.groups, key=lambda g: g.id) == sorted(rules.groups, key=lambda g: g.id)
    assert set(loaded.limits) == set(rules.limits)
    assert loaded.root.id == "ROOT"


def test_conditions_dates_and_refinements_survive_storage(store: Store) -> None:
    condition = ConditionExpr.all_of(
        ConditionExpr.leaf("sale_time", date_from=date(2026, 3, 1), time_from="09:00"),
        ConditionExpr.negate(ConditionExpr.leaf("line_quantity", min="2.5")),
    )
    discount = Discount(
        DiscountId("D"),
        "D",
        value="7.5",
        condition=condition,
        price_group_values={"MACHINES": "2.25"},
        valid_to=date(2026, 12, 31),
    )
    with store.unit_of_work() as uow:
        uow.discounts.add(discount)
        uow.manual_discount_limits.add(ManualDiscountLimit(LimitId("L"), 5, agreement_id="A1"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.discounts.get(DiscountId("D")) == discount
        assert [x.id for x in uow.manual_discount_limits.find_by("agreement_id", "A1")] == ["L"]


def _broken(kind: str) -> DiscountRuleSet:
    if kind == "cycle":
        return DiscountRuleSet(
            [Discount(DiscountId("D"), "D", value=5)],
            [
                DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["D"]),
                DiscountGroup(GroupId("A"), "A", Combination.MAX, ["B"]),
                DiscountGroup(GroupId("B"), "B", Combination.MAX, ["A"]),
            ],
        )
    if kind == "unknown_child":
        return DiscountRuleSet(
            [Discount(DiscountId("D"), "D", value=5)],
            [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["D", "GHOST"])],
        )
    if kind == "missing_parameter":
        return DiscountRuleSet(
            [Discount(DiscountId("D"), "D", value=5, condition=ConditionExpr.leaf("warehouse"))],
            [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["D"])],
        )
    gift = Discount(
        DiscountId("G"),
        "Gift",
        DiscountKind.GIFT,
        gift_product_id=ProductId("UNKNOWN"),
        buy_quantity=3,
    )
    return DiscountRuleSet([gift], [DiscountGroup(GroupId("ROOT"), "Root", children=["G"])])


EXPECTED_CODE = {
    "cycle": "cycle",
    "unknown_child": "unknown_child",
    "missing_parameter": "bad_condition",
    "unknown_gift": "unknown_product",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_CODE))
def test_a_broken_rule_set_is_refused_and_nothing_is_stored(store: Store, kind: str) -> None:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        save_rule_set(uow, sample_rule_set())
        uow.commit()

    def save_broken() -> None:
        with store.unit_of_work() as uow:
            save_rule_set(uow, _broken(kind))
            uow.commit()

    with pytest.raises(IssuesError) as caught:
        save_broken()
    codes = {i.code for i in caught.value.details["issues"] if i.severity == "error"}
    assert codes == {EXPECTED_CODE[kind]}
    with store.unit_of_work() as uow:
        assert load_rule_set(uow) == sample_rule_set_as_stored()


def sample_rule_set_as_stored() -> DiscountRuleSet:
    """The sample rule set in the order storage gives it back."""
    rules = sample_rule_set()
    by_id = {g.id: g for g in rules.groups}
    return DiscountRuleSet(
        sorted(rules.discounts, key=lambda d: d.id),
        [
            by_id[GroupId("ROOT")],
            *sorted((g for g in rules.groups if g.id != "ROOT"), key=lambda g: g.id),
        ],
        sorted(rules.limits, key=lambda x: x.id),
    )


def test_a_failed_unit_of_work_leaves_no_discount_behind(store: Store) -> None:
    def failing_unit_of_work() -> None:
        with store.unit_of_work() as uow:
            uow.discounts.add(Discount(DiscountId("D"), "D", value=5))
            uow.discount_groups.add(DiscountGroup(GroupId("ROOT"), "Root", children=["D"]))
            raise DiscountError("something went wrong later in the same unit of work")

    with pytest.raises(DiscountError):
        failing_unit_of_work()
    with store.unit_of_work() as uow:
        assert len(uow.discounts) == 0
        assert len(uow.discount_groups) == 0
