"""Snapshot prices as of a date, worked out by hand: which rule and which VAT each product
gets, the bulk path against the one-by-one path, and the refusals a user reads."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import attrs
import pytest

from salescore.errors import FormulaEvaluationError, InvalidInputError, TaxError
from salescore.money import Money
from salescore.parties import PartnerId, PartnerKind, Product, ProductId
from salescore.pricing import (
    CompiledPriceTypes,
    PriceRecord,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
)
from salescore.pricing.formula.functions import FormulaFunction, FunctionContext, FunctionRegistry
from salescore.tax import VatCategory

BEFORE_SIMPLIFIED = date(2024, 6, 1)  # the simplified 5 % exists from 2025-01-01


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
SIMPLE = Product(ProductId("S5"), "simplified", vat_category=VatCategory.SIMPLIFIED_5)
GENERAL = Product(ProductId("GEN"), "general")


def test_vat_rate_of_a_category_without_a_rate_on_the_date_is_refused_naming_the_product() -> None:
    # Same VAT mode (nothing converted), but the formula reads the product's rate.
    marked = PriceType(PriceTypeId("MARKED"), "Marked", "RUB", formula="[Base] + vat_rate")
    records = [
        PriceRecord(BASE.id, p.id, date(2024, 1, 1), rub("100.00")) for p in (SIMPLE, GENERAL)
    ]
    snapshot = PricingSnapshot.build(
        [BASE, marked], BEFORE_SIMPLIFIED, products=[SIMPLE, GENERAL], records=records
    )
    # 2024: general VAT 20 %, so 100.00 + 20 = 120.00.
    assert snapshot.prices(marked.id, [GENERAL.id]) == {GENERAL.id: rub("120.00")}
    with pytest.raises(TaxError, match=r"product 'S5'.*no 'simplified_5' rate on 2024-06-01"):
        snapshot.prices(marked.id)
    with pytest.raises(TaxError, match=r"product 'S5'.*no 'simplified_5' rate on 2024-06-01"):
        snapshot.price(SIMPLE.id, marked.id)


ON = date(2026, 3, 2)  # general VAT 22 %
CUP = Product(ProductId("CUP"), "Cup")
MUG = Product(ProductId("MUG"), "Mug")
PURCHASE = PriceType(PriceTypeId("PURCHASE"), "Purchase", "RUB", vat_included=False)
RETAIL = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB")
REBATE = PriceType(PriceTypeId("REBATE"), "Rebate", "RUB", vat_included=False)
RIVAL = PriceType(PriceTypeId("RIVAL"), "Rival", "RUB", partner_id=PartnerId("RIVAL"))
SUPPLIER = PriceType(
    PriceTypeId("SUPPLIER"), "Supplier", "RUB", vat_included=False, partner_id=PartnerId("SUP")
)
KINDS = {
    PartnerId("RIVAL"): frozenset({PartnerKind.COMPETITOR}),
    PartnerId("SUP"): frozenset({PartnerKind.SUPPLIER}),
}


def calculated(name: str, formula: str, *, vat_included: bool = True) -> PriceType:
    return PriceType(
        PriceTypeId(name.upper()), name, "RUB", vat_included=vat_included, formula=formula
    )


def registered(
    type_: PriceType, product: Product, amount: str, since: date = date(2024, 1, 1)
) -> PriceRecord:
    return PriceRecord(type_.id, product.id, since, rub(amount))


def both_ways(snapshot: PricingSnapshot, type_id: PriceTypeId, product: Product) -> Money:
    """The bulk price, checked against the one-by-one explained price."""
    bulk = snapshot.prices(type_id)[product.id]
    assert snapshot.price(product.id, type_id).amount == bulk
    return bulk


def test_registered_amounts_of_named_products_leave_out_those_without_a_price() -> None:
    snapshot = PricingSnapshot.build(
        [PURCHASE], ON, products=[CUP, MUG], records=[registered(PURCHASE, CUP, "100.00")]
    )
    assert snapshot.amounts(PURCHASE.id, [MUG.id, CUP.id]) == {CUP.id: Decimal("100.00")}
    assert snapshot.amounts(PURCHASE.id, [MUG.id]) == {}


def test_vat_is_added_in_the_librarys_precision_whatever_the_callers() -> None:
    gross = calculated("Gross", "[Purchase]")
    # 1234.56 × 1.22 = 1506.1632, rounded half up to 1506.16 (at two digits of
    # precision the rate would be 1.2 and the price 1.5E+3).
    with decimal.localcontext(decimal.Context(prec=2, rounding=decimal.ROUND_DOWN)):
        snapshot = PricingSnapshot.build(
            [PURCHASE, gross], ON, products=[CUP], records=[registered(PURCHASE, CUP, "1234.56")]
        )
        assert snapshot.price(CUP.id, gross.id).amount == rub("1506.16")
        text = snapshot.explain(CUP.id, gross.id).as_text()
    assert snapshot.prices(gross.id) == {CUP.id: rub("1506.16")}
    assert "2. [Purchase] with VAT 22% = 1506.1632  (Purchase excludes VAT" in text


def test_vat_is_taken_out_of_one_of_two_references_before_the_formula() -> None:
    net = calculated("Net", "[Retail] - [Rebate]", vat_included=False)
    snapshot = PricingSnapshot.build(
        [RETAIL, REBATE, net],
        ON,
        products=[CUP],
        records=[registered(RETAIL, CUP, "1220.00"), registered(REBATE, CUP, "10.00")],
    )
    # 1220.00 / 1.22 = 1000.00, less the rebate (already without VAT) 10.00 = 990.00.
    assert both_ways(snapshot, net.id, CUP) == rub("990.00")


def test_a_parameter_of_the_snapshot_prices_a_one_reference_formula() -> None:
    times = calculated("Times", "[Purchase] * quantity", vat_included=False)
    snapshot = PricingSnapshot.build(
        [PURCHASE, times],
        ON,
        products=[CUP],
        records=[registered(PURCHASE, CUP, "100.00")],
        params={"quantity": Decimal(3)},
    )
    assert both_ways(snapshot, times.id, CUP) == rub("300.00")


def test_a_one_reference_formula_with_market_data_prices_each_product_by_its_own_data() -> None:
    capped = calculated("Capped", "min([Retail], min_market_price())")
    snapshot = PricingSnapshot.build(
        [RETAIL, RIVAL, capped],
        ON,
        products=[CUP, MUG],
        records=[registered(RETAIL, CUP, "120.00"), registered(RETAIL, MUG, "80.00")],
        market_records=[
            PriceRecord(RIVAL.id, CUP.id, date(2026, 2, 1), rub("99.00")),
            PriceRecord(RIVAL.id, MUG.id, date(2026, 2, 1), rub("95.00")),
        ],
        partner_kinds=KINDS,
    )
    assert snapshot.prices(capped.id) == {CUP.id: rub("99.00"), MUG.id: rub("80.00")}
    assert both_ways(snapshot, capped.id, CUP) == rub("99.00")


def test_a_market_record_of_a_price_type_not_in_the_snapshot_is_ignored() -> None:
    market = calculated("Market", "min_market_price()")
    snapshot = PricingSnapshot.build(
        [RIVAL, market],
        ON,
        products=[CUP],
        market_records=[
            PriceRecord(PriceTypeId("ELSEWHERE"), CUP.id, date(2026, 2, 1), rub("1.00")),
            PriceRecord(RIVAL.id, CUP.id, date(2026, 2, 1), rub("99.00")),
        ],
        partner_kinds=KINDS,
    )
    assert both_ways(snapshot, market.id, CUP) == rub("99.00")


def _season(ctx: FunctionContext) -> Decimal:
    return Decimal(2) if ctx.on.month == 3 else Decimal(1)


def _vat_seen(ctx: FunctionContext) -> Decimal:
    return ctx.vat_rate


SEASONAL = FunctionRegistry.default().with_functions(
    FormulaFunction("season", _season, 0, 0), FormulaFunction("vat_seen", _vat_seen, 0, 0)
)


def test_a_custom_function_sees_the_pricing_date_in_bulk_and_one_by_one() -> None:
    plain = calculated("Plain", "[Retail] * season()")
    gross = calculated("Gross", "[Purchase] * season()")
    snapshot = PricingSnapshot.build(
        [RETAIL, PURCHASE, plain, gross],
        ON,  # March: the season doubles
        products=[CUP],
        records=[registered(RETAIL, CUP, "100.00"), registered(PURCHASE, CUP, "100.00")],
        functions=SEASONAL,
    )
    assert both_ways(snapshot, plain.id, CUP) == rub("200.00")
    # 100.00 × 1.22 = 122.00, doubled: 244.00.
    assert both_ways(snapshot, gross.id, CUP) == rub("244.00")


def test_a_function_without_data_gets_the_same_context_in_bulk_and_one_by_one() -> None:
    # A function not marked as using data sees no product's VAT rate, either way.
    marked = calculated("Marked", "[Retail] + [Rebate] + vat_seen()")
    snapshot = PricingSnapshot.build(
        [RETAIL, REBATE, marked],
        ON,
        products=[CUP],
        records=[registered(RETAIL, CUP, "100.00"), registered(REBATE, CUP, "0.00")],
        functions=SEASONAL,
    )
    assert both_ways(snapshot, marked.id, CUP) == rub("100.00")


def test_a_category_without_a_rate_is_not_asked_for_when_nothing_needs_it() -> None:
    # Two references of the same VAT mode, no data function, no vat_rate: nothing
    # reads the VAT of the simplified 5 %, which has no rate in 2024.
    total = PriceType(PriceTypeId("TOTAL"), "Total", "RUB", formula="[Base] + [Extra]")
    extra = PriceType(PriceTypeId("EXTRA"), "Extra", "RUB")
    snapshot = PricingSnapshot.build(
        [BASE, extra, total],
        BEFORE_SIMPLIFIED,
        products=[SIMPLE],
        records=[registered(BASE, SIMPLE, "100.00"), registered(extra, SIMPLE, "5.00")],
    )
    assert snapshot.prices(total.id) == {SIMPLE.id: rub("105.00")}
    assert snapshot.price(SIMPLE.id, total.id).amount == rub("105.00")
    assert snapshot.explain(SIMPLE.id, total.id).as_text().endswith("= 105.00 RUB")


def _spread(ctx: FunctionContext, value: Decimal, parts: Decimal) -> Decimal:
    SEEN.append((ctx.product_id, ctx.formula, ctx.vat_rate))
    return value / parts


SEEN: list[tuple[str, str, Decimal]] = []
SPREAD = FunctionRegistry.default().with_functions(
    FormulaFunction("spread", _spread, 2, 2, uses_data=True)
)


def test_a_data_function_sees_product_formula_and_rate_and_is_listed_as_market_data() -> None:
    half = calculated("Half", "spread([Retail], 2)")
    snapshot = PricingSnapshot.build(
        [RETAIL, half],
        ON,
        products=[CUP],
        records=[registered(RETAIL, CUP, "100.00")],
        functions=SPREAD,
    )
    SEEN.clear()
    assert both_ways(snapshot, half.id, CUP) == rub("50.00")
    assert [("CUP", "spread([Retail], 2)", Decimal(22))] * 2 == SEEN
    steps = snapshot.explain(CUP.id, half.id).steps
    # A call without a description of its own is said to use market data.
    assert [(s.description, s.value, s.source) for s in steps[1:2]] == [
        ("spread(100.00, 2)", "50.00", "market data")
    ]


def test_a_data_function_without_data_ends_the_explanation_after_the_references() -> None:
    capped = calculated("Capped", "min([Retail], min_market_price())")
    snapshot = PricingSnapshot.build(
        [RETAIL, RIVAL, capped], ON, products=[CUP], records=[registered(RETAIL, CUP, "120.00")]
    )
    steps = snapshot.explain(CUP.id, capped.id).steps
    assert [s.description for s in steps] == [
        "[Retail]",
        "no price: no competitor or supplier price of product 'CUP' in RUB up to 2026-03-02: "
        "register market prices",
    ]


def test_an_average_over_days_is_described_with_the_prices_of_those_days_only() -> None:
    average = calculated("Average", "avg_purchase_price(7)", vat_included=False)
    snapshot = PricingSnapshot.build(
        [SUPPLIER, average],
        ON,
        products=[CUP],
        market_records=[
            PriceRecord(SUPPLIER.id, CUP.id, date(2026, 2, 10), rub("80.00")),  # 20 days before
            PriceRecord(SUPPLIER.id, CUP.id, date(2026, 2, 25), rub("100.00")),  # 5 days before
        ],
        partner_kinds=KINDS,
    )
    expected = "mean of 1 supplier price(s): 100.00 from SUP on 2026-02-25"
    assert both_ways(snapshot, average.id, CUP) == rub("100.00")
    assert snapshot.explain(CUP.id, average.id).steps[0].source == expected
    # The description is worked out in the library's precision, not the caller's.
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert snapshot.explain(CUP.id, average.id).steps[0].source == expected


def test_a_price_too_large_to_round_is_refused_in_words_naming_formula_and_product() -> None:
    formula = "[Retail] * 100000000000000000000 * 100000000000000000000"
    huge = calculated("Huge", formula)
    snapshot = PricingSnapshot.build(
        [RETAIL, huge], ON, products=[CUP], records=[registered(RETAIL, CUP, "1.00")]
    )
    # 1.00 × 10^40 has 43 digits with its kopecks: more than the 34 of the library's precision.
    message = (
        f"formula {formula!r} for product 'CUP': invalid arithmetic (InvalidOperation): "
        "the value is undefined or too large to round to its step"
    )
    for attempt in (lambda: snapshot.prices(huge.id), lambda: snapshot.price(CUP.id, huge.id)):
        with pytest.raises(FormulaEvaluationError) as error:
            attempt()
        assert str(error.value) == message


def _market_count(ctx: FunctionContext) -> Decimal:
    return Decimal(len(ctx.market.market_prices(ctx.product_id)))


def test_a_data_function_sees_the_market_prices_up_to_the_date_only() -> None:
    counted = calculated("Counted", "market_count()")
    snapshot = PricingSnapshot.build(
        [RIVAL, counted],
        ON,
        products=[CUP],
        market_records=[
            PriceRecord(RIVAL.id, CUP.id, date(2026, 2, 1), rub("99.00")),
            PriceRecord(RIVAL.id, CUP.id, ON, rub("98.00")),  # on the date: counts
            PriceRecord(RIVAL.id, CUP.id, date(2026, 3, 3), rub("97.00")),  # after: does not
        ],
        partner_kinds=KINDS,
        functions=FunctionRegistry.default().with_functions(
            FormulaFunction("market_count", _market_count, 0, 0, uses_data=True)
        ),
    )
    assert both_ways(snapshot, counted.id, CUP) == rub("2.00")


def test_a_figure_of_31_digits_is_explained_as_given_without_kopecks_added() -> None:
    # A parameter of 10^30 (31 digits) is shown whole; one of 10^29 gets two decimals,
    # as every smaller figure does (a VAT step of 1000.00 × 1.22 shows 1220.00).
    scaled = calculated("Scaled", "[Retail] + quantity * 0")
    shown = {}
    for quantity in ("1E+30", "1E+29"):
        snapshot = PricingSnapshot.build(
            [RETAIL, scaled],
            ON,
            products=[CUP],
            records=[registered(RETAIL, CUP, "100.00")],
            params={"quantity": Decimal(quantity)},
        )
        step = snapshot.explain(CUP.id, scaled.id).steps[1]
        assert step.description == "parameter quantity"
        shown[quantity] = step.value
    assert shown == {"1E+30": "1" + "0" * 30, "1E+29": "1" + "0" * 29 + ".00"}


def test_price_types_compiled_once_build_snapshots_that_price_as_the_types_themselves() -> None:
    # Retail includes VAT and reads Purchase, which excludes it; quantity is 3: the cup
    # 100.00 * 1.22 (VAT 22 % in 2026) * 1.5 + 3 * 2 = 189.00, the mug 0 + 3 * 2 = 6.00.
    retail = attrs.evolve(RETAIL, formula="[Purchase] * 1.5 + quantity * 2")
    records = [
        PriceRecord(PURCHASE.id, CUP.id, date(2026, 1, 1), rub("100.00")),
        PriceRecord(PURCHASE.id, MUG.id, date(2026, 1, 1), rub("0.00")),
    ]
    params = {"quantity": Decimal(3)}
    compiled = CompiledPriceTypes.compile([PURCHASE, retail], params=params)
    assert list(compiled.types) == [PURCHASE.id, RETAIL.id]
    assert list(compiled.order) == [PURCHASE.id, RETAIL.id]
    for day in (ON, date(2026, 3, 3)):
        once = PricingSnapshot.build(compiled, day, records=records, products=[CUP, MUG])
        each = PricingSnapshot.build(
            [PURCHASE, retail], day, records=records, products=[CUP, MUG], params=params
        )
        assert once.prices(RETAIL.id) == each.prices(RETAIL.id)
        assert once.prices(RETAIL.id) == {CUP.id: rub("189.00"), MUG.id: rub("6.00")}
        assert once.explain(CUP.id, RETAIL.id) == each.explain(CUP.id, RETAIL.id)


def test_compiled_price_types_refuse_functions_or_parameters_given_again() -> None:
    compiled = CompiledPriceTypes.compile([PURCHASE])
    with pytest.raises(InvalidInputError, match="compiled already carry their functions"):
        PricingSnapshot.build(compiled, ON, params={"quantity": Decimal(1)})
    with pytest.raises(InvalidInputError, match="compiled already carry their functions"):
        PricingSnapshot.build(compiled, ON, functions=FunctionRegistry.default())
