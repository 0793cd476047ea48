"""The combination algebra on hand-computed examples (fast companions of the property tests)."""

from __future__ import annotations

from decimal import Decimal

from salescore.discounts.combination import Child, Combination, TraceStep, combine, ordered

D = Decimal


def fixed(child_id: str, amount: str, priority: int = 0) -> Child[None]:
    return Child(child_id, priority, lambda _base: D(amount))


def percent(child_id: str, p: int, priority: int = 0) -> Child[None]:
    return Child(child_id, priority, lambda base: base * p / 100)


def test_multiply_applies_the_higher_priority_child_first() -> None:
    # 80 off first leaves 20, then half of it: 90. Half first leaves 50, then 80 capped: 100.
    amount_then_half = [percent("HALF", 50, priority=1), fixed("80", "80", priority=2)]
    assert combine(Combination.MULTIPLY, D(100), amount_then_half) == D(90)
    half_then_amount = [fixed("80", "80", priority=1), percent("HALF", 50, priority=2)]
    assert combine(Combination.MULTIPLY, D(100), half_then_amount) == D(100)


def test_multiply_with_equal_priorities_keeps_the_declared_order() -> None:
    assert combine(Combination.MULTIPLY, D(100), [fixed("80", "80"), percent("H", 50)]) == D(90)
    assert combine(Combination.MULTIPLY, D(100), [percent("H", 50), fixed("80", "80")]) == D(100)


def test_multiply_traces_the_base_each_child_saw() -> None:
    trace: list[TraceStep] = []
    combine(Combination.MULTIPLY, D(1000), [percent("A", 10), percent("B", 20, 1)], trace)
    assert trace == [
        TraceStep("B", D(1000), D(200), True),
        TraceStep("A", D(800), D(80), True),
    ]


def test_presorted_children_are_taken_in_the_given_order() -> None:
    kids = [fixed("80", "80"), percent("H", 50, priority=9)]
    assert combine(Combination.MULTIPLY, D(100), kids, presorted=True) == D(90)
    assert combine(Combination.DISPLACE, D(100), kids, presorted=True) == D(80)


def test_displace_keeps_only_the_highest_priority_child() -> None:
    kids = [percent("LOW", 30, 1), percent("HIGH", 5, 3), percent("MID", 50, 2)]
    trace: list[TraceStep] = []
    assert combine(Combination.DISPLACE, D(200), kids, trace) == D(10)
    assert trace == [
        TraceStep("LOW", D(200), D(0), False),
        TraceStep("HIGH", D(200), D(10), True),
        TraceStep("MID", D(200), D(0), False),
    ]


def test_displace_between_equal_priorities_takes_the_first_declared() -> None:
    kids = [percent("FIRST", 10, 2), percent("SECOND", 40, 2)]
    assert combine(Combination.DISPLACE, D(100), kids) == D(10)


def test_ordered_sorts_by_priority_then_declared_order() -> None:
    kids = [percent("A", 1, 0), percent("B", 1, 5), percent("C", 1, 0), percent("E", 1, 5)]
    assert [c.id for c in ordered(kids)] == ["B", "E", "A", "C"]


def test_max_prefers_any_discount_to_a_markup_and_min_the_markup() -> None:
    kids = [fixed("MARKUP", "-15"), fixed("DISC", "5")]
    trace: list[TraceStep] = []
    assert combine(Combination.MAX, D(100), kids, trace) == D(5)
    assert [s.used for s in trace] == [False, True]
    trace.clear()
    assert combine(Combination.MIN, D(100), kids, trace) == D(-15)
    assert [s.used for s in trace] == [True, False]


def test_add_uses_every_child_on_the_same_base_and_is_capped_at_the_base() -> None:
    trace: list[TraceStep] = []
    assert combine(Combination.ADD, D(100), [percent("A", 70), percent("B", 60)], trace) == D(100)
    assert trace == [TraceStep("A", D(100), D(70), True), TraceStep("B", D(100), D(60), True)]


def test_markups_are_not_capped_but_a_discount_never_goes_below_zero() -> None:
    assert combine(Combination.ADD, D(100), [fixed("UP", "-250"), fixed("UP2", "-1")]) == D(-251)
    assert combine(Combination.ADD, D(100), [fixed("A", "100"), fixed("B", "0.01")]) == D(100)
    # A base already at zero (or below, after markups elsewhere) gives no discount.
    assert combine(Combination.MAX, D(0), [fixed("A", "5"), fixed("B", "3")]) == D(0)
    assert combine(Combination.MAX, D(-10), [fixed("A", "5"), fixed("B", "3")]) == D(0)
    assert combine(Combination.MULTIPLY, D(-10), [fixed("A", "5"), fixed("B", "3")]) == D(0)


def test_a_single_child_gives_its_own_amount_capped_under_every_rule() -> None:
    for rule in Combination:
        assert combine(rule, D(100), [fixed("A", "30")]) == D(30)
        assert combine(rule, D(100), [fixed("A", "130")]) == D(100)
        assert combine(rule, D(100), [fixed("A", "-30")]) == D(-30)
        trace: list[TraceStep] = []
        assert combine(rule, D(100), [fixed("A", "130")], trace) == D(100)
        assert [(s.id, s.used) for s in trace] == [("A", True)]


def test_no_children_give_no_discount() -> None:
    for rule in Combination:
        assert combine(rule, D(100), []) == D(0)


def test_a_discount_equal_to_the_base_is_kept_whole() -> None:
    assert combine(Combination.MAX, D(100), [fixed("A", "100"), fixed("B", "1")]) == D(100)
    assert combine(Combination.MULTIPLY, D(100), [fixed("A", "100"), fixed("B", "1")]) == D(100)
