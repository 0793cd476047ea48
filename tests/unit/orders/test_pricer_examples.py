"""The sale pricer on a small catalogue built here, with every figure worked by hand.

A kettle at 1,500.00 RUB, tea at 100.10 RUB (in the nomenclature segment TEA,
sold under its own agreement TT) and a mug with no price, all of price type
BASE; client P is in the client segment VIP, client Q in none. Each test
compiles the few discount rules it is about. Orders and pricers are built
inside the tests: what a test module builds at import is built by the
original code, never by a mutant (see docs/contributing/mutation.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    DeviationKind,
    PaymentForm,
    ResolvedTerms,
    Severity,
    Terms,
    TermsQuery,
    create_individual,
)
from salescore.discounts import Combination, DiscountEngine, DiscountGroup, GroupId
from salescore.discounts.rulefile import parse_rule_set
from salescore.errors import FormulaEvaluationError, MissingPriceError, NotFoundError
from salescore.money import Money
from salescore.orders import PricedOrder, SaleOrder, SaleOrderLine, SalePricer
from salescore.parties import (
    ClientSegment,
    NomenclatureSegment,
    Partner,
    PartnerId,
    PriceGroupId,
    Product,
    ProductId,
    SegmentId,
)
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot

BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
KETTLE = Product(ProductId("K-1"), "Kettle", price_group_id=PriceGroupId("APPLIANCES"))
TEA = Product(ProductId("T-1"), "Tea", price_group_id=PriceGroupId("FOOD"))
MUG = Product(ProductId("M-1"), "Mug")
CATALOGUE = (KETTLE, TEA, MUG)
P, Q = PartnerId("P"), PartnerId("Q")
PARTNERS = {P: Partner(P, "Client"), Q: Partner(Q, "Other client")}
TEA_SEGMENT = NomenclatureSegment(SegmentId("TEA"), "Tea", frozenset({TEA.id}))
VIP = ClientSegment(SegmentId("VIP"), "VIP clients", frozenset({P}))
DAY = date(2026, 3, 2)
MSK = timezone(timedelta(hours=3))
EVERYONE = Agreement.typical(
    AgreementId("TA"),
    "Everyone",
    valid_from=date(2026, 1, 1),
    status=AgreementStatus.ACTIVE,
    terms=Terms(price_type_id=BASE.id, manual_discount_limit_percent=7),
)
TEA_TERMS = Agreement.typical(
    AgreementId("TT"),
    "Tea",
    valid_from=date(2026, 1, 1),
    nomenclature_segment_id=TEA_SEGMENT.id,
    status=AgreementStatus.ACTIVE,
    terms=Terms(price_type_id=BASE.id),
)


def snapshot(on: date) -> PricingSnapshot:
    return PricingSnapshot.build(
        [BASE],
        on,
        products=CATALOGUE,
        records=[
            PriceRecord(BASE.id, KETTLE.id, date(2026, 1, 1), Money("1500.00", "RUB")),
            PriceRecord(BASE.id, TEA.id, date(2026, 1, 1), Money("100.10", "RUB")),
        ],
    )


def rules(toml: str, children: str) -> DiscountEngine:
    """The discounts of ``toml`` under one ``multiply`` root listing ``children``."""
    root = f"""
[[groups]]
id = "ROOT"
name = "All discounts"
combination = "multiply"
children = [{children}]
"""
    return DiscountEngine.compile(parse_rule_set(root + toml).rule_set)


def pricer(
    engine: DiscountEngine | None = None,
    agreements: tuple[Agreement, ...] = (EVERYONE, TEA_TERMS),
    **options: Any,
) -> SalePricer:
    return SalePricer(
        partners=PARTNERS,
        products={p.id: p for p in CATALOGUE},
        book=options.pop("book", None)
        or AgreementBook(agreements, nomenclature_segments=[TEA_SEGMENT]),
        snapshot_for=options.pop("snapshot_for", snapshot),
        engine=engine,
        client_segments=options.pop("client_segments", [VIP]),
        nomenclature_segments=options.pop("nomenclature_segments", [TEA_SEGMENT]),
        **options,
    )


def sale(*lines: SaleOrderLine, partner: PartnerId = P, **header: Any) -> SaleOrder:
    moment = header.pop("moment", datetime(2026, 3, 2, 12, tzinfo=MSK))
    return SaleOrder("S-1", partner, moment, lines, **header)


def summary(priced: PricedOrder) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """Per line: agreement, gross, discount, net and the rules that applied."""
    return [
        (x.agreement_id, str(x.gross), str(x.discount_amount), str(x.net), x.rule_ids)
        for x in priced.lines
    ]


CASH_AND_TEA = """
[[discounts]]
id = "CASH"
name = "Cash payment"
value = 2
condition = { name = "payment_form", forms = ["cash"] }

[[discounts]]
id = "TEA-TERMS"
name = "Under the tea agreement"
value = 10
condition = { name = "agreement", agreements = ["TT"] }
"""

MANAGER = """
[[discounts]]
id = "MANAGER"
name = "Manager's discount"
manual = true

[[limits]]
id = "L-IVANOVA"
user = "ivanova"
percent = 5
"""


def test_lines_under_two_agreements_are_discounted_and_checked_each_under_its_own() -> None:
    # Kettle (agreement TA): 2 x 1500.00 = 3000.00, cash 2 % = 60.00, net 2940.00.
    # Tea (agreement TT, its segment): 10 x 90.00 by hand = 900.00; cash 2 % = 18.00, then
    # the TT discount 10 % of the remaining 882.00 = 88.20: 106.20, net 793.80.
    # Below its reference 100.10 by 10.10 x 10 = 101.00, on line 2 of the order (the
    # first line of TT's document).
    engine = rules(CASH_AND_TEA, '"CASH", "TEA-TERMS"')
    priced = pricer(engine).price(
        sale(
            SaleOrderLine("1", KETTLE.id, Decimal(2)),
            SaleOrderLine("2", TEA.id, Decimal(10), price=Money("90.00", "RUB")),
            payment_form="cash",
        )
    )
    assert summary(priced) == [
        ("TA", "3000.00 RUB", "60.00 RUB", "2940.00 RUB", ("CASH",)),
        ("TT", "900.00 RUB", "106.20 RUB", "793.80 RUB", ("CASH", "TEA-TERMS")),
    ]
    [deviation] = priced.deviations
    assert (deviation.kind, deviation.line, deviation.product_id) == (
        DeviationKind.PRICE_BELOW_REFERENCE,
        2,
        TEA.id,
    )
    assert deviation.message == (
        "line 2 (T-1): price 90.00 RUB is below the reference price 100.10 RUB (by 101.00 RUB)"
    )
    assert deviation.amount == Money("101.00", "RUB")


def test_renumbering_a_line_leaves_a_product_id_that_reads_like_a_line_alone() -> None:
    # The tea's id contains "line 1 (": only the line reference at the start is renumbered.
    odd = Product(ProductId("line 1 (loose tea)"), "Loose tea")
    segment = NomenclatureSegment(SegmentId("TEA"), "Tea", frozenset({odd.id}))
    priced = SalePricer(
        partners=PARTNERS,
        products={KETTLE.id: KETTLE, odd.id: odd},
        book=AgreementBook([EVERYONE, TEA_TERMS], nomenclature_segments=[segment]),
        snapshot_for=lambda on: PricingSnapshot.build(
            [BASE],
            on,
            products=[KETTLE, odd],
            records=[
                PriceRecord(BASE.id, KETTLE.id, date(2026, 1, 1), Money("1500.00", "RUB")),
                PriceRecord(BASE.id, odd.id, date(2026, 1, 1), Money("10.00", "RUB")),
            ],
        ),
    ).price(
        sale(
            SaleOrderLine("1", KETTLE.id, Decimal(1)),
            SaleOrderLine("2", odd.id, Decimal(3), price=Money("9.00", "RUB")),
        )
    )
    [deviation] = priced.deviations
    assert deviation.line == 2
    assert deviation.message == (
        "line 2 (line 1 (loose tea)): price 9.00 RUB is below the reference price 10.00 RUB "
        "(by 3.00 RUB)"
    )


def test_a_manual_discount_above_the_managers_limit_is_a_deviation_with_its_cost() -> None:
    # 12 % typed on 2 x 1500.00 = 3000.00: ivanova's own limit 5 % is tighter than the
    # agreement's 7 %; the 7 points above it cost 3000.00 x 7 / 100 = 210.00.
    engine = rules(MANAGER, '"MANAGER"')
    order = sale(SaleOrderLine("1", KETTLE.id, Decimal(2), {"MANAGER": "12"}), user="ivanova")
    priced = pricer(engine).price(order)
    assert summary(priced) == [("TA", "3000.00 RUB", "360.00 RUB", "2640.00 RUB", ("MANAGER",))]
    [deviation] = priced.deviations
    assert deviation.kind is DeviationKind.DISCOUNT_ABOVE_LIMIT
    assert deviation.severity is Severity.APPROVAL
    assert (deviation.line, deviation.product_id) == (1, KETTLE.id)
    assert (deviation.expected, deviation.actual) == ("5%", "12.00%")
    assert deviation.amount == Money("210.00", "RUB")
    assert priced.needs_approval
    assert not priced.is_blocked


def test_a_manager_without_a_limit_of_their_own_is_held_to_the_agreements() -> None:
    # The same 12 % entered by petrov (no stored limit): the agreement's 7 % applies,
    # 5 points above it cost 3000.00 x 5 / 100 = 150.00.
    engine = rules(MANAGER, '"MANAGER"')
    order = sale(SaleOrderLine("1", KETTLE.id, Decimal(2), {"MANAGER": "12"}), user="petrov")
    [deviation] = pricer(engine).price(order).deviations
    assert (deviation.expected, deviation.actual) == ("7%", "12.00%")
    assert deviation.amount == Money("150.00", "RUB")


def test_the_severities_given_to_the_pricer_apply_to_every_deviation_kind_they_name() -> None:
    # Line 1: 12 % typed, above ivanova's 5 %; line 2: a kettle at 1400.00 by hand, below
    # its reference 1500.00.
    engine = rules(MANAGER, '"MANAGER"')
    order = sale(
        SaleOrderLine("1", KETTLE.id, Decimal(2), {"MANAGER": "12"}),
        SaleOrderLine("2", KETTLE.id, Decimal(1), price=Money("1400.00", "RUB")),
        user="ivanova",
    )
    strict = pricer(engine, severities={DeviationKind.DISCOUNT_ABOVE_LIMIT: Severity.BLOCKING})
    priced = strict.price(order)
    assert [(d.kind, d.severity) for d in priced.deviations] == [
        (DeviationKind.DISCOUNT_ABOVE_LIMIT, Severity.BLOCKING),
        (DeviationKind.PRICE_BELOW_REFERENCE, Severity.APPROVAL),
    ]
    assert priced.is_blocked
    # Kinds the mapping does not name keep their default severity.
    lenient = pricer(engine, severities={DeviationKind.PRICE_BELOW_REFERENCE: Severity.WARNING})
    assert [(d.kind, d.severity) for d in lenient.price(order).deviations] == [
        (DeviationKind.DISCOUNT_ABOVE_LIMIT, Severity.APPROVAL),
        (DeviationKind.PRICE_BELOW_REFERENCE, Severity.WARNING),
    ]


def test_header_terms_the_sale_departs_from_follow_the_line_deviations() -> None:
    # The agreement asks for non-cash payment in US dollars; the sale is paid cash and
    # priced in roubles (the price type's currency), and line 1 is below its reference.
    strict = Agreement.typical(
        AgreementId("TS"),
        "Strict",
        valid_from=date(2026, 1, 1),
        status=AgreementStatus.ACTIVE,
        terms=Terms(price_type_id=BASE.id, currency="USD", payment_form=PaymentForm.NONCASH),
    )
    order = sale(
        SaleOrderLine("1", KETTLE.id, Decimal(1), price=Money("1450.00", "RUB")),
        payment_form="cash",
    )
    deviations = pricer(agreements=(strict,)).price(order).deviations
    assert [(d.kind, d.line, d.expected, d.actual) for d in deviations] == [
        (DeviationKind.PRICE_BELOW_REFERENCE, 1, "1500.00 RUB", "1450.00 RUB"),
        (DeviationKind.CURRENCY_CHANGED, None, "USD", "RUB"),
        (DeviationKind.PAYMENT_FORM_CHANGED, None, "noncash", "cash"),
    ]


def test_a_manual_discount_chosen_without_a_value_gives_the_rules_own() -> None:
    # LOYAL is a manual 5 %: chosen with None it gives 5 % of 1500.00 = 75.00; chosen with 3,
    # 3 % of 100.10 x 10 = 1001.00 is 30.03.
    engine = rules(
        """
[[discounts]]
id = "LOYAL"
name = "Loyal client"
manual = true
value = 5
""",
        '"LOYAL"',
    )
    priced = pricer(engine).price(
        sale(
            SaleOrderLine("1", KETTLE.id, Decimal(1), {"LOYAL": None}),
            SaleOrderLine("2", TEA.id, Decimal(10), {"LOYAL": 3}),
        )
    )
    assert summary(priced) == [
        ("TA", "1500.00 RUB", "75.00 RUB", "1425.00 RUB", ("LOYAL",)),
        ("TT", "1001.00 RUB", "30.03 RUB", "970.97 RUB", ("LOYAL",)),
    ]


def test_a_manual_discount_chosen_for_the_whole_order_applies_to_every_line() -> None:
    # 4 % of 3000.00 = 120.00 and of 1001.00 = 40.04.
    engine = rules(MANAGER, '"MANAGER"')
    order = sale(
        SaleOrderLine("1", KETTLE.id, Decimal(2)),
        SaleOrderLine("2", TEA.id, Decimal(10)),
        manual_discounts={"MANAGER": "4"},
    )
    assert summary(pricer(engine).price(order)) == [
        ("TA", "3000.00 RUB", "120.00 RUB", "2880.00 RUB", ("MANAGER",)),
        ("TT", "1001.00 RUB", "40.04 RUB", "960.96 RUB", ("MANAGER",)),
    ]


def test_discounts_for_a_client_and_for_its_segment_apply_to_that_client_only() -> None:
    # P: 1 % for P, then 3 % for VIP clients of what remains: 1500.00 x 0.99 x 0.97 =
    # 1440.45 (discount 59.55). Q is neither.
    engine = rules(
        """
[[discounts]]
id = "PERSONAL"
name = "For P"
value = 1
condition = { name = "partner", partners = ["P"] }

[[discounts]]
id = "VIP"
name = "VIP clients"
value = 3
condition = { name = "client_segment", segments = ["VIP"] }
""",
        '"PERSONAL", "VIP"',
    )
    kettle = SaleOrderLine("1", KETTLE.id, Decimal(1))
    priced = pricer(engine)
    assert summary(priced.price(sale(kettle))) == [
        ("TA", "1500.00 RUB", "59.55 RUB", "1440.45 RUB", ("PERSONAL", "VIP"))
    ]
    assert summary(priced.price(sale(kettle, partner=Q))) == [
        ("TA", "1500.00 RUB", "0.00 RUB", "1500.00 RUB", ())
    ]


def test_an_unknown_client_is_refused_naming_the_order_and_the_client() -> None:
    order = sale(SaleOrderLine("1", KETTLE.id, Decimal(1)), partner=PartnerId("NOBODY"))
    with pytest.raises(NotFoundError) as error:
        pricer().price(order)
    assert str(error.value) == ("order 'S-1': client 'NOBODY' is not known; add the partner first")
    assert error.value.details == {"order": "S-1", "partner": "NOBODY"}


def test_a_product_without_a_price_of_the_agreements_price_type_is_named() -> None:
    order = sale(SaleOrderLine("1", KETTLE.id, Decimal(1)), SaleOrderLine("2", MUG.id, Decimal(1)))
    with pytest.raises(MissingPriceError) as error:
        pricer().price(order)
    assert str(error.value) == (
        "no Base price of product 'M-1' on 2026-03-02: no registered Base price in force on "
        "2026-03-02: register one in the price register"
    )
    assert error.value.details == {"product": "M-1", "price_type": "BASE"}


def _with_individual() -> SalePricer:
    """A pricer where P has an individual agreement IA-P beside the typical TA."""
    individual = create_individual(
        EVERYONE,
        AgreementId("IA-P"),
        "P, individual",
        partner_id=P,
        valid_from=date(2026, 1, 1),
        status=AgreementStatus.ACTIVE,
    )
    return pricer(agreements=(EVERYONE, TEA_TERMS, individual))


def test_an_order_naming_an_agreement_is_sold_under_it_and_remembered_apart() -> None:
    # P has an individual agreement (more specific than the typical TA, so chosen when the
    # order names none); an order naming TA that day is sold under TA.
    priced = _with_individual()
    kettle = SaleOrderLine("1", KETTLE.id, Decimal(1))
    named = sale(kettle, agreement_id=AgreementId("TA"))
    assert [x.agreement_id for x in priced.price(named).lines] == ["TA"]
    assert [x.agreement_id for x in priced.price(sale(kettle)).lines] == ["IA-P"]
    assert [x.agreement_id for x in priced.price(named).lines] == ["TA"]
    assert priced.cached_resolutions() == [(P, DAY, None), (P, DAY, "TA")]


def test_terms_asked_again_for_an_order_naming_an_agreement_are_that_agreements() -> None:
    # Confirming an order that names TA asks for its terms again: TA's, not the individual
    # IA-P chosen (and kept) for the same client and day when no agreement is named.
    priced = _with_individual()
    priced.price(sale(SaleOrderLine("1", KETTLE.id, Decimal(1))))  # IA-P kept for P that day
    client = PARTNERS[P]
    assert priced.resolve_terms(client, DAY, KETTLE, AgreementId("TA")).agreement.id == "TA"
    assert priced.resolve_terms(client, DAY, KETTLE, None).agreement.id == "IA-P"


class CountingBook(AgreementBook):
    """An agreement book that records every resolution it makes."""

    def __init__(self, agreements: tuple[Agreement, ...]) -> None:
        super().__init__(agreements, nomenclature_segments=[TEA_SEGMENT])
        self.resolved: list[tuple[PartnerId, date, ProductId | None]] = []

    def resolve(self, query: TermsQuery) -> ResolvedTerms:
        product = None if query.product is None else query.product.id
        self.resolved.append((query.partner.id, query.on, product))
        return super().resolve(query)


def test_a_clients_agreements_are_resolved_once_a_day_per_group_of_products() -> None:
    book = CountingBook((EVERYONE, TEA_TERMS))
    priced = pricer(book=book)
    kettle, tea = SaleOrderLine("1", KETTLE.id, Decimal(1)), SaleOrderLine("2", TEA.id, Decimal(1))
    priced.price(sale(kettle, tea))
    priced.price(sale(kettle))  # the same client and day: resolved already
    priced.price(sale(tea, kettle))
    assert book.resolved == [(P, DAY, KETTLE.id), (P, DAY, TEA.id)]
    priced.price(sale(kettle, partner=Q))
    priced.price(sale(kettle, moment=datetime(2026, 3, 3, 9, tzinfo=MSK)))
    assert book.resolved[2:] == [(Q, DAY, KETTLE.id), (P, date(2026, 3, 3), KETTLE.id)]


def test_terms_asked_again_after_pricing_are_the_books_and_resolved_no_more() -> None:
    # Confirming an order asks for the terms its pricing resolved: the pricer answers
    # with the book's own resolution (for another product of the same group, titled
    # with that product) and asks the book again only for a new day.
    book = CountingBook((EVERYONE, TEA_TERMS))
    priced = pricer(book=book)
    priced.price(sale(SaleOrderLine("1", KETTLE.id, Decimal(1))))
    client = PARTNERS[P]
    again = priced.resolve_terms(client, DAY, MUG, None)
    assert book.resolved == [(P, DAY, KETTLE.id)]
    plain = AgreementBook((EVERYONE, TEA_TERMS), nomenclature_segments=[TEA_SEGMENT])
    assert again == plain.resolve(TermsQuery(client, DAY, product=MUG))
    assert again.explanation.subject.endswith("product 'M-1'")
    tea = priced.resolve_terms(client, DAY, TEA, None)
    assert tea.agreement.id == TEA_TERMS.id
    later = date(2026, 3, 3)
    assert priced.resolve_terms(client, later, KETTLE, None).agreement.id == EVERYONE.id
    assert book.resolved[1:] == [(P, DAY, TEA.id), (P, later, KETTLE.id)]


def test_the_segments_of_a_product_and_a_client_are_worked_out_once_per_pricer() -> None:
    asked: Counter[str] = Counter()

    class CountedProducts(NomenclatureSegment):
        def contains(self, product: Product) -> bool:
            asked[product.id] += 1
            return super().contains(product)

    class CountedClients(ClientSegment):
        def contains(self, partner: Partner) -> bool:
            asked[partner.id] += 1
            return super().contains(partner)

    engine = rules(
        """
[[discounts]]
id = "VIP-TEA"
name = "Tea for VIP clients"
value = 10
condition = { all = [
    { name = "client_segment", segments = ["VIP"] },
    { name = "nomenclature_segment", segments = ["TEA"] },
] }
""",
        '"VIP-TEA"',
    )
    priced = pricer(
        engine,
        client_segments=[CountedClients(VIP.id, VIP.name, VIP.members)],
        nomenclature_segments=[CountedProducts(TEA_SEGMENT.id, "Tea", TEA_SEGMENT.members)],
    )
    tea = SaleOrderLine("1", TEA.id, Decimal(10))
    kettle = SaleOrderLine("2", KETTLE.id, Decimal(1))
    for _ in range(3):
        # 10 % of 1001.00 = 100.10 on the tea only.
        assert summary(priced.price(sale(tea, kettle))) == [
            ("TT", "1001.00 RUB", "100.10 RUB", "900.90 RUB", ("VIP-TEA",)),
            ("TA", "1500.00 RUB", "0.00 RUB", "1500.00 RUB", ()),
        ]
    assert asked == {"P": 1, "T-1": 1, "K-1": 1}


def test_a_pricer_keeps_the_snapshots_of_the_most_recently_used_dates() -> None:
    built: list[date] = []

    def snapshot_for(on: date) -> PricingSnapshot:
        built.append(on)
        return snapshot(on)

    kettle = SaleOrderLine("1", KETTLE.id, Decimal(1))

    def on(day: int) -> SaleOrder:
        return sale(kettle, moment=datetime(2026, 3, day, 12, tzinfo=MSK))

    one = pricer(snapshot_for=snapshot_for, snapshot_cache_size=1)
    for day in (2, 3, 3):
        one.price(on(day))
    assert one.cached_snapshot_dates() == [date(2026, 3, 3)]
    assert built == [date(2026, 3, 2), date(2026, 3, 3)]
    built.clear()
    two = pricer(snapshot_for=snapshot_for, snapshot_cache_size=2)
    for day in (2, 3, 2, 4):  # the 3rd is the least recently used when the 4th comes
        two.price(on(day))
    assert two.cached_snapshot_dates() == [date(2026, 3, 2), date(2026, 3, 4)]
    two.price(on(2))
    assert built == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]


def test_an_order_explains_its_lines_gifts_and_totals() -> None:
    # 10 x 100.10 = 1001.00 of tea, no discount; one mug for every 10 bought.
    engine = rules(
        """
[[discounts]]
id = "MUG"
name = "A mug with tea"
kind = "gift"
gift_product = "M-1"
gift_quantity = 1
buy_quantity = 10
condition = { name = "product", products = ["T-1"] }
""",
        '"MUG"',
    )
    priced = pricer(engine).price(sale(SaleOrderLine("1", TEA.id, Decimal(10))))
    explanation = priced.explain()
    assert [(s.description, s.value, s.source) for s in explanation.steps] == [
        ("line 1", "1001.00 RUB", ""),
        ("gift: A mug with tea: 10 bought, gift of 1 x M-1 for every 10 bought", "1 x M-1", ""),
        ("amount before discounts", "1001.00 RUB", ""),
        ("discounts", "0.00 RUB", ""),
        ("amount after discounts", "1001.00 RUB", ""),
    ]
    assert explanation.steps[0].detail == priced.lines[0].explain()


def test_a_pricer_given_no_rules_discounts_nothing_under_one_empty_group() -> None:
    plain = pricer()
    priced = plain.price(sale(SaleOrderLine("1", KETTLE.id, Decimal(2))))
    assert summary(priced) == [("TA", "3000.00 RUB", "0.00 RUB", "3000.00 RUB", ())]
    assert plain.engine.rule_count() == 0
    assert plain.engine.rule_set.groups == (
        DiscountGroup(GroupId("ROOT"), "No discounts", Combination.MAX),
    )


def test_a_formula_that_fails_for_another_product_does_not_stop_an_order() -> None:
    # RETAIL = [BASE] / [COST] * 100: 1500.00 / 750.00 x 100 = 200.00 for the kettle; the
    # tea's cost is registered as 0.00, so its retail price divides by zero.
    cost = PriceType(PriceTypeId("COST"), "Cost", "RUB")
    retail = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB", formula="[Base] / [Cost] * 100")

    def snapshot_for(on: date) -> PricingSnapshot:
        return PricingSnapshot.build(
            [BASE, cost, retail],
            on,
            products=CATALOGUE,
            records=[
                PriceRecord(BASE.id, KETTLE.id, date(2026, 1, 1), Money("1500.00", "RUB")),
                PriceRecord(cost.id, KETTLE.id, date(2026, 1, 1), Money("750.00", "RUB")),
                PriceRecord(BASE.id, TEA.id, date(2026, 1, 1), Money("100.10", "RUB")),
                PriceRecord(cost.id, TEA.id, date(2026, 1, 1), Money("0.00", "RUB")),
            ],
        )

    shop = Agreement.typical(
        AgreementId("TR"),
        "Retail",
        valid_from=date(2026, 1, 1),
        status=AgreementStatus.ACTIVE,
        terms=Terms(price_type_id=retail.id),
    )
    retail_pricer = pricer(agreements=(shop,), snapshot_for=snapshot_for)
    priced = retail_pricer.price(sale(SaleOrderLine("1", KETTLE.id, Decimal(2))))
    assert summary(priced) == [("TR", "400.00 RUB", "0.00 RUB", "400.00 RUB", ())]
    with pytest.raises(FormulaEvaluationError, match="for product 'T-1': division by zero"):
        retail_pricer.price(sale(SaleOrderLine("1", TEA.id, Decimal(1))))
