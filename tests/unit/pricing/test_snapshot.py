"""The pricing snapshot: chains, groups, cycles, failures; bulk prices agree with explanations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import (
    FormulaError,
    FormulaEvaluationError,
    FormulaNameError,
    InvalidInputError,
    MissingPriceError,
    NotFoundError,
)
from salescore.money import Money, Rounding
from salescore.parties import PriceGroupId, Product, ProductId
from salescore.pricing import (
    FormulaFunction,
    FunctionContext,
    FunctionRegistry,
    PriceRecord,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
    RoundingRule,
)
from salescore.tax import VatCategory

ON = date(2026, 3, 2)
BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
MACHINES = PriceGroupId("MACHINES")


def calculated(type_id: str, formula: str | None, **kwargs: object) -> PriceType:
    return PriceType(PriceTypeId(type_id), type_id.title(), "RUB", formula=formula, **kwargs)  # type: ignore[arg-type]


def base_price(product: str, amount: str, day: date = date(2026, 1, 1)) -> PriceRecord:
    return PriceRecord(BASE.id, ProductId(product), day, Money(amount, "RUB"))


def test_a_cycle_is_refused_and_named_in_reference_order() -> None:
    types = [
        BASE,
        calculated("A", "[Base] + [C]"),
        calculated("B", "[A] * 2"),
        calculated("C", "[B] - 1"),
    ]
    with pytest.raises(FormulaError) as caught:
        PricingSnapshot.build(types, ON)
    assert "cycle: [A] -> [C] -> [B] -> [A]" in str(caught.value)
    assert caught.value.details["cycle"] == ("A", "C", "B", "A")


def test_a_formula_referring_to_its_own_type_is_a_cycle() -> None:
    with pytest.raises(FormulaError, match=r"cycle: \[Self\] -> \[Self\]"):
        PricingSnapshot.build([calculated("SELF", "[Self] + 1")], ON)


def test_a_cycle_through_a_price_group_formula_is_refused_too() -> None:
    types = [
        BASE,
        calculated("A", "[Base]", group_formulas={MACHINES: "[B]"}),
        calculated("B", "[A] * 2"),
    ]
    with pytest.raises(FormulaError, match="cycle"):
        PricingSnapshot.build(types, ON)


def test_two_price_types_with_one_name_are_refused() -> None:
    twin = PriceType(PriceTypeId("BASE2"), "Base", "RUB")
    with pytest.raises(InvalidInputError, match="'BASE' and 'BASE2' are both named 'Base'"):
        PricingSnapshot.build([BASE, twin], ON)


def test_a_bad_formula_is_reported_with_its_price_type_and_price_group() -> None:
    types = [BASE, calculated("RETAIL", "[Base]", group_formulas={MACHINES: "[Bsae] * 2"})]
    with pytest.raises(FormulaNameError, match=r"price type 'Retail' \(formula for price group "):
        PricingSnapshot.build(types, ON)


def test_a_price_group_formula_overrides_the_default_and_others_fall_back() -> None:
    types = [BASE, calculated("RETAIL", "[Base] * 2", group_formulas={MACHINES: "[Base] * 3"})]
    products = [
        Product(ProductId("M"), "machine", price_group_id=MACHINES),
        Product(ProductId("F"), "filter", price_group_id=PriceGroupId("OTHER")),
        Product(ProductId("S"), "service"),
    ]
    snapshot = PricingSnapshot.build(
        types,
        ON,
        products=products,
        records=[base_price("M", "10.00"), base_price("F", "10.00"), base_price("S", "10.00")],
    )
    assert snapshot.prices(PriceTypeId("RETAIL")) == {
        "M": Money("30.00", "RUB"),
        "F": Money("20.00", "RUB"),
        "S": Money("20.00", "RUB"),
    }


@given(st.lists(st.sampled_from(["M", "F", "S", "NONE"]), max_size=12))
@settings(max_examples=60)
def test_remembered_bulk_prices_equal_fresh_ones_whatever_was_asked_before(
    asked_before: list[str],
) -> None:
    types = [BASE, calculated("RETAIL", "[Base] * 2", group_formulas={MACHINES: "[Base] * 3"})]
    products = [
        Product(ProductId("M"), "machine", price_group_id=MACHINES),
        Product(ProductId("F"), "filter"),
        Product(ProductId("S"), "service"),
        Product(ProductId("NONE"), "no price"),
    ]
    records = [base_price("M", "10.00"), base_price("F", "7.00"), base_price("S", "1.10")]
    fresh = PricingSnapshot.build(types, ON, products=products, records=records)
    reused = PricingSnapshot.build(types, ON, products=products, records=records)
    reused.prices(PriceTypeId("RETAIL"), [ProductId(p) for p in asked_before])
    every = [ProductId(p) for p in ("S", "NONE", "M", "F", "M")]
    assert reused.prices(PriceTypeId("RETAIL"), every) == fresh.prices(PriceTypeId("RETAIL"))
    assert ProductId("NONE") not in reused.prices(PriceTypeId("RETAIL"), every)
    with pytest.raises(NotFoundError):
        reused.prices(PriceTypeId("RETAIL"), [ProductId("UNKNOWN")])


def test_a_type_with_only_group_formulas_gives_no_price_outside_them() -> None:
    types = [BASE, calculated("RETAIL", None, group_formulas={MACHINES: "[Base] * 3"})]
    products = [Product(ProductId("M"), "m", price_group_id=MACHINES), Product(ProductId("S"), "s")]
    snapshot = PricingSnapshot.build(
        types, ON, products=products, records=[base_price("M", "1.00"), base_price("S", "1.00")]
    )
    assert snapshot.amounts(PriceTypeId("RETAIL")) == {"M": Decimal("3.00")}
    with pytest.raises(MissingPriceError, match="no formula for price group"):
        snapshot.price(ProductId("S"), PriceTypeId("RETAIL"))


def test_division_by_zero_in_bulk_pricing_names_the_formula_and_the_product() -> None:
    types = [BASE, calculated("ODD", "100 / ([Base] - 5)")]
    products = [Product(ProductId("OK"), "ok"), Product(ProductId("BAD"), "bad")]
    snapshot = PricingSnapshot.build(
        types, ON, products=products, records=[base_price("OK", "6.00"), base_price("BAD", "5.00")]
    )
    with pytest.raises(FormulaEvaluationError) as caught:
        snapshot.amounts(PriceTypeId("ODD"))
    assert str(caught.value) == "formula '100 / ([Base] - 5)' for product 'BAD': division by zero"
    with pytest.raises(FormulaEvaluationError, match="for product 'BAD': division by zero"):
        snapshot.explain(ProductId("BAD"), PriceTypeId("ODD"))


def test_a_formula_giving_a_price_below_zero_is_refused_naming_the_formula_and_product() -> None:
    # OK: 600.00 - 500 = 100.00; FREE: 500.00 - 500 = 0.00, a price; LOW: 499.99 - 500 < 0.
    types = [BASE, calculated("NET", "[Base] - 500"), calculated("RETAIL", "[Net] * 2")]
    products = [Product(ProductId(p), p) for p in ("OK", "FREE", "LOW")]
    amounts = {"OK": "600.00", "FREE": "500.00", "LOW": "499.99"}
    records = [base_price(p, a) for p, a in amounts.items()]
    snapshot = PricingSnapshot.build(types, ON, products=products, records=records)
    message = (
        "formula '[Base] - 500' for product 'LOW': the Net price comes out at -0.01, below "
        "zero; a price is zero or more: bound the formula, as in max(..., 0), or check the "
        "prices it reads"
    )
    for ask in (
        lambda: snapshot.amounts(PriceTypeId("NET")),
        lambda: snapshot.prices(PriceTypeId("NET")),
        lambda: snapshot.prices(PriceTypeId("RETAIL"), [ProductId("LOW")]),  # through Net
        lambda: snapshot.price(ProductId("LOW"), PriceTypeId("NET")),
        lambda: snapshot.explain(ProductId("LOW"), PriceTypeId("RETAIL")),
    ):
        with pytest.raises(FormulaEvaluationError) as caught:
            ask()
        assert str(caught.value) == message
        assert caught.value.details == {"formula": "[Base] - 500", "product": "LOW"}
    fine = [ProductId("OK"), ProductId("FREE")]
    assert snapshot.prices(PriceTypeId("RETAIL"), fine) == {
        "OK": Money("200.00", "RUB"),
        "FREE": Money("0.00", "RUB"),
    }
    assert snapshot.price(ProductId("FREE"), PriceTypeId("NET")).amount == Money(0, "RUB")
    bounded = [BASE, calculated("NET", "max([Base] - 500, 0)")]
    again = PricingSnapshot.build(bounded, ON, products=products, records=records)
    assert again.amounts(PriceTypeId("NET"))[ProductId("LOW")] == Decimal("0.00")


def test_the_latest_registered_price_not_after_the_date_counts() -> None:
    snapshot = PricingSnapshot.build(
        [BASE],
        ON,
        products=[Product(ProductId("P"), "p")],
        records=[
            base_price("P", "3.00", date(2026, 3, 1)),
            base_price("P", "1.00", date(2025, 1, 1)),
            base_price("P", "9.00", date(2026, 3, 3)),
        ],
    )
    assert snapshot.price(ProductId("P"), BASE.id).amount == Money("3.00", "RUB")


def test_a_characteristic_uses_its_own_price_and_falls_back_to_the_products() -> None:
    types = [BASE, calculated("DOUBLE", "[Base] * 2")]
    red = PriceRecord(BASE.id, ProductId("P"), date(2026, 1, 1), Money("7.00", "RUB"), "red")
    snapshot = PricingSnapshot.build(
        types, ON, products=[Product(ProductId("P"), "p")], records=[base_price("P", "5.00"), red]
    )
    double = PriceTypeId("DOUBLE")
    assert snapshot.price(ProductId("P"), double, "red").amount == Money("14.00", "RUB")
    assert snapshot.price(ProductId("P"), double, "blue").amount == Money("10.00", "RUB")
    assert "characteristic red" in snapshot.explain(ProductId("P"), double, "red").as_text()


def test_unknown_price_types_and_products_are_named() -> None:
    snapshot = PricingSnapshot.build([BASE], ON, products=[Product(ProductId("P"), "p")])
    with pytest.raises(NotFoundError, match="unknown price type 'NOPE'; known: BASE"):
        snapshot.amounts(PriceTypeId("NOPE"))
    with pytest.raises(NotFoundError, match="product 'Q' was not loaded"):
        snapshot.amounts(BASE.id, [ProductId("Q")])


def test_a_registered_function_is_usable_in_formulas() -> None:
    def markup(_ctx: FunctionContext, value: Decimal, percent: Decimal) -> Decimal:
        return value * (1 + percent / 100)

    functions = FunctionRegistry.default().with_functions(
        FormulaFunction("markup", markup, 2, 2, "value plus percent")
    )
    snapshot = PricingSnapshot.build(
        [BASE, calculated("SALE", "markup([Base], 15)")],
        ON,
        products=[Product(ProductId("P"), "p")],
        records=[base_price("P", "100.00")],
        functions=functions,
    )
    assert snapshot.amounts(PriceTypeId("SALE")) == {"P": Decimal("115.00")}
    with pytest.raises(FormulaNameError, match="'markup' is already registered"):
        functions.with_functions(FormulaFunction("markup", markup, 2, 2))


def test_context_parameters_come_from_the_snapshot_and_vat_rate_from_the_product() -> None:
    snapshot = PricingSnapshot.build(
        [BASE, calculated("Q", "[Base] * currency_rate - quantity + vat_rate")],
        ON,
        products=[
            Product(ProductId("P"), "p", vat_category=VatCategory.REDUCED),
            Product(ProductId("G"), "g"),
        ],
        records=[base_price("P", "2.00"), base_price("G", "2.00")],
        params={"currency_rate": Decimal("90.5"), "quantity": Decimal(3)},
    )
    # 2.00 × 90.5 − 3 + 10 (reduced) = 188.00; + 22 (general in 2026) = 200.00
    assert snapshot.amounts(PriceTypeId("Q")) == {"P": Decimal("188.00"), "G": Decimal("200.00")}


def test_vat_is_removed_when_an_excluding_type_refers_to_an_including_one() -> None:
    net = PriceType(PriceTypeId("NET"), "Net", "RUB", vat_included=False, formula="[Base]")
    snapshot = PricingSnapshot.build(
        [BASE, net],
        ON,
        products=[Product(ProductId("P"), "p")],
        records=[base_price("P", "122.00")],
    )
    # general rate on 2026-03-02 is 22 %: 122.00 / 1.22 = 100.00
    assert snapshot.amounts(net.id) == {"P": Decimal("100.00")}
    assert "[Base] without VAT 22% = 100.00" in snapshot.explain(ProductId("P"), net.id).as_text()


amounts_strategy = st.lists(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(
    amounts=amounts_strategy,
    step=st.sampled_from(["0.01", "0.05", "1", "10"]),
    direction=st.sampled_from([Rounding.HALF_UP, Rounding.CEILING, Rounding.FLOOR]),
    with_ending=st.booleans(),
)
def test_bulk_prices_equal_the_explained_prices_of_every_product(
    amounts: list[Decimal], step: str, direction: Rounding, with_ending: bool
) -> None:
    ending = (Decimal(step) - Decimal("0.01")) if with_ending and Decimal(step) > 1 else None
    rule = RoundingRule(Decimal(step), direction, ending)
    types = [
        BASE,
        PriceType(PriceTypeId("NET"), "Net", "RUB", vat_included=False, formula="[Base] * 1.1"),
        calculated(
            "RETAIL",
            "if([Net] > 500, [Net] * 1.3, [Net] + 100)",
            group_formulas={MACHINES: "max([Net] * 1.2, [Base])"},
            rounding=rule,
        ),
    ]
    products = [
        Product(
            ProductId(f"P{i}"),
            "p",
            price_group_id=MACHINES if i % 2 else None,
            vat_category=list(VatCategory)[i % len(VatCategory)],
        )
        for i in range(len(amounts))
    ]
    snapshot = PricingSnapshot.build(
        types,
        ON,
        products=products,
        records=[base_price(f"P{i}", str(a)) for i, a in enumerate(amounts)],
    )
    bulk = snapshot.prices(PriceTypeId("RETAIL"))
    for product in products:
        single = snapshot.price(product.id, PriceTypeId("RETAIL")).amount
        assert bulk[product.id] == single
        assert str(bulk[product.id].amount) == str(single.amount)
        text = snapshot.explain(product.id, PriceTypeId("RETAIL")).as_text()
        assert text.endswith(f"= {single}")


def test_a_price_too_large_to_round_is_an_evaluation_error_in_bulk_and_in_explanations() -> None:
    huge = calculated("HUGE", "[Base] * 100000000000000000000 * 100000000000000000000")
    snapshot = PricingSnapshot.build(
        [BASE, huge], ON, products=[Product(ProductId("P"), "p")], records=[base_price("P", "1.00")]
    )
    with pytest.raises(FormulaEvaluationError, match="for product 'P': invalid arithmetic"):
        snapshot.amounts(huge.id)
    with pytest.raises(FormulaEvaluationError, match="for product 'P': invalid arithmetic"):
        snapshot.explain(ProductId("P"), huge.id)
