"""Pricing an order from what it touches gives what pricing it from the whole store gives.

(And a session's kept terms are the use case's: :meth:`PricingSession.resolve_terms
<salescore.app.sales.PricingSession.resolve_terms>` against
:func:`~salescore.app.agreements.resolve_terms`, at the end.)

:class:`~salescore.app.sales.PricingSession` reads the order's partner, its
products, their prices, the partner's agreements and the rules; the full
path (:func:`~salescore.app.sales.load_pricer`) reads everything. Random
orders (known and unknown clients and products, named agreements of this
client and of others, hand prices, manual discounts, cards, payment forms,
dates before and after price changes) are priced both ways on the memory
and the SQLite store, over a catalogue larger than the orders: the priced
lines, their explanations and the frozen figures with VAT are equal, and an
order refused one way is refused the other way with the same message.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId, AgreementStatus, Terms
from salescore.app.agreements import (
    add_individual_agreement,
    resolve_terms,
    set_agreement_status,
)
from salescore.app.discount_rules import save_rule_set
from salescore.app.orders import freeze_prices
from salescore.app.pricing import register_price, save_price_type
from salescore.app.sales import PricingSession, load_pricer, price_order
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import (
    AVERAGE_PURCHASE,
    MARKET,
    PURCHASE,
    RIVAL_LIST,
    SUPPLIER_LIST,
    WHOLESALE,
    load_sample_prices,
)
from salescore.discounts import (
    Combination,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
)
from salescore.errors import SalescoreError
from salescore.money import Money
from salescore.orders import SaleOrder, SaleOrderLine, SalePricer
from salescore.parties import OrganizationId, PartnerId, Product, ProductId, WarehouseId
from salescore.pricing import CompiledPriceTypes, PriceRecord
from salescore.tax import russian_vat_rates

MSK = timezone(timedelta(hours=3))
EXTRA = [ProductId(f"EXTRA-{i:02}") for i in range(40)]
# Clients that are sold to come more often than those refused.
PARTNERS = ["VOLGA-KZN", "HOLD", "CAFE", "CHAIN", "HOLD", "VOLGA-KZN", "BEANS", "NOBODY"]
KNOWN = ["CM-100", "CM-300", "GR-10", "BEANS-ARABICA", "FILTERS", "SETUP", *EXTRA[:3]]
PRODUCTS = [*KNOWN, *KNOWN, "NOPE"]
AGREEMENTS = [None, None, None, "IA-VOLGA-KZN", "IA-CAFE", "IA-HOLD", "TA-WHOLESALE", "TA-MISSING"]
DATES = [date(2025, 6, 1), date(2026, 1, 15), date(2026, 3, 12), date(2026, 6, 30)]


def _fill(store: Store) -> Store:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        save_rule_set(uow, sample_rule_set())
        # Agreements selling at prices computed from partner prices (market data).
        for base, new, partner, price_type in (
            ("TA-WHOLESALE", "IA-HOLD", "HOLD", MARKET),
            ("TA-WHOLESALE", "IA-CHAIN", "CHAIN", AVERAGE_PURCHASE),
        ):
            add_individual_agreement(
                uow,
                AgreementId(base),
                AgreementId(new),
                f"{partner}, individual",
                partner_id=PartnerId(partner),
                valid_from=date(2026, 1, 1),
                terms=Terms(price_type_id=price_type),
            )
            set_agreement_status(uow, AgreementId(new), AgreementStatus.ACTIVE)
        # More catalogue than any order touches: the full path sees it, the targeted does not.
        for i, pid in enumerate(EXTRA):
            uow.products.add(Product(pid, f"Extra {i}"))
            if i % 4:  # every fourth has no purchase price
                register_price(
                    uow, PriceRecord(PURCHASE, pid, date(2026, 1, 1), Money(100 + i, "RUB"))
                )
        for n, pid in enumerate(
            [*map(ProductId, ["CM-100", "CM-300", "GR-10", "FILTERS"]), *EXTRA]
        ):
            for price_type, day in ((RIVAL_LIST, 5), (SUPPLIER_LIST, 20)):
                if (n + day) % 3:
                    record = PriceRecord(price_type, pid, date(2026, 1, day), Money(90 + n, "RUB"))
                    register_price(uow, record)
        uow.commit()
    return store


@cache
def _store(kind: str) -> Store:
    return _fill(MemoryStore() if kind == "memory" else SqliteStore(":memory:"))


@st.composite
def orders(draw: st.DrawFn) -> SaleOrder:
    count = draw(st.integers(1, 5))
    lines = []
    for number in range(1, count + 1):
        manual = draw(
            st.one_of(
                st.just({}),
                st.builds(lambda v: {"MANAGER": v}, st.sampled_from(["1", "4", "15", None])),
            )
        )
        price = draw(st.one_of(st.none(), st.integers(1, 30_000).map(lambda v: Money(v, "RUB"))))
        lines.append(
            SaleOrderLine(
                str(number),
                ProductId(draw(st.sampled_from(PRODUCTS))),
                draw(st.decimals(Decimal("0.5"), Decimal(400), places=1)),
                manual,
                price,
            )
        )
    agreement = draw(st.sampled_from(AGREEMENTS))
    return SaleOrder(
        "SO-P",
        PartnerId(draw(st.sampled_from(PARTNERS))),
        datetime.combine(draw(st.sampled_from(DATES)), time(10, tzinfo=MSK)),
        lines,
        agreement_id=None if agreement is None else AgreementId(agreement),
        warehouse_id=draw(st.sampled_from([None, WarehouseId("MAIN"), WarehouseId("STORE-1")])),
        card_kind=draw(st.sampled_from([None, "GOLD"])),
        payment_form=draw(st.sampled_from([None, "cash", "noncash", "card"])),
        user=draw(st.sampled_from([None, "ivanova", "petrov"])),
    )


def _outcome(pricer: SalePricer | Exception, order: SaleOrder) -> tuple[object, ...]:
    """What a user gets: the priced order, its explanation and its frozen figures, or the error."""
    try:
        if isinstance(pricer, Exception):
            raise pricer
        priced = pricer.price(order)
        frozen = freeze_prices(priced, pricer, order.on, russian_vat_rates())
    except SalescoreError as exc:
        return type(exc).__name__, str(exc)
    return priced, priced.explain(), frozen


def _load(load: object) -> SalePricer | Exception:
    try:
        return load()  # type: ignore[operator,no-any-return]
    except SalescoreError as exc:
        return exc


@pytest.mark.slow  # 200 orders priced twice on two stores: seconds (fast examples beside it)
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=orders())
def test_an_order_priced_from_what_it_touches_equals_it_priced_from_the_whole_store(
    kind: str, order: SaleOrder
) -> None:
    store = _store(kind)
    with store.unit_of_work(read_only=True) as uow:
        full = _outcome(_load(lambda: load_pricer(uow, [order.on])), order)
        targeted = _outcome(_load(lambda: PricingSession().pricer(uow, [order])), order)
    assert targeted == full


def test_the_targeted_pricer_holds_only_the_order_s_products_and_partner() -> None:
    store = _store("sqlite")
    order = SaleOrder(
        "SO-1",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 10, tzinfo=MSK),
        [
            SaleOrderLine("1", ProductId("CM-100"), Decimal(2)),
            SaleOrderLine("2", EXTRA[1], Decimal(3)),
        ],
    )
    with store.unit_of_work(read_only=True) as uow:
        pricer = PricingSession().pricer(uow, [order])
        priced = price_order(uow, order)
    assert sorted(pricer.products) == ["CM-100", "EXTRA-01"]
    assert list(pricer.partners) == ["VOLGA-KZN"]
    assert sorted(pricer.snapshot(order.on).prices(PURCHASE)) == ["CM-100", "EXTRA-01"]
    # EXTRA-01: purchase 101.00 without VAT; the agreement's wholesale = purchase with VAT 22 %
    # in 2026 (123.22) * 1.25 = 154.025 -> 154.03, 3 units = 462.09 before discounts.
    assert str(priced.lines[1].unit_price) == "154.03 RUB"


def _one_extra() -> SaleOrder:
    """One unit of EXTRA-02 (purchase 102.00) for the sample client on 2026-03-12."""
    return SaleOrder(
        "SO-1",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 10, tzinfo=MSK),
        [SaleOrderLine("1", EXTRA[2], 1)],
    )


def test_a_session_sees_a_price_registered_after_its_first_order() -> None:
    store = _fill(SqliteStore(":memory:"))
    session = PricingSession()
    order = _one_extra()
    with store.unit_of_work() as uow:
        before = session.price(uow, order).lines[0].reference_price
        register_price(uow, PriceRecord(PURCHASE, EXTRA[2], date(2026, 3, 1), Money(200, "RUB")))
        uow.commit()
    with store.unit_of_work() as uow:
        after = session.price(uow, order).lines[0].reference_price
    # 102.00 and 200.00 purchase, with VAT 22 % (2026) and * 1.25: 102 * 1.22 * 1.25 = 155.55
    # and 200 * 1.22 * 1.25 = 305.00.
    assert (str(before), str(after)) == ("155.55 RUB", "305.00 RUB")


def test_a_session_compiles_the_rules_once_and_again_when_they_change() -> None:
    store = _fill(SqliteStore(":memory:"))
    session = PricingSession()
    order = SaleOrder(
        "SO-1",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 10, tzinfo=MSK),
        [SaleOrderLine("1", ProductId("CM-100"), 5)],
    )
    with store.unit_of_work() as uow:
        first = session.pricer(uow, [order])
        second = session.pricer(uow, [order])
        rules_before = session.price(uow, order).lines[0].rule_ids
        save_rule_set(
            uow,
            DiscountRuleSet(
                [Discount(DiscountId("TEN"), "Ten percent", value=10)],
                [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["TEN"])],
            ),
        )
        uow.commit()
    with store.unit_of_work() as uow:
        third = session.pricer(uow, [order])
        rules_after = session.price(uow, order).lines[0].rule_ids
    assert second.engine is first.engine
    assert third.engine is not first.engine
    assert rules_before != ("TEN",)
    assert rules_after == ("TEN",)


def test_a_session_compiles_the_price_types_once_and_again_when_one_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[int] = []
    original = CompiledPriceTypes.compile

    def counting(*args: Any, **options: Any) -> CompiledPriceTypes:
        compiled.append(1)
        return original(*args, **options)

    monkeypatch.setattr(CompiledPriceTypes, "compile", counting)
    store = _fill(SqliteStore(":memory:"))
    compiled.clear()  # filling the store checked each price type it saved
    session = PricingSession()
    order = _one_extra()
    with store.unit_of_work() as uow:
        before = session.price(uow, order).lines[0].reference_price
        again = session.price(uow, order).lines[0].reference_price
        assert len(compiled) == 1
        wholesale = uow.price_types.get(WHOLESALE)
        save_price_type(uow, attrs.evolve(wholesale, formula="[Закупочная] * 2"))
        uow.commit()
    compiled.clear()  # saving checked the new formula with the others
    with store.unit_of_work() as uow:
        after = session.price(uow, order).lines[0].reference_price
    # 102.00 purchase without VAT, with VAT 22 % (2026): * 1.25 = 155.55, then * 2 = 248.88.
    assert (str(before), str(again), str(after)) == ("155.55 RUB", "155.55 RUB", "248.88 RUB")
    assert len(compiled) == 1


def _terms(resolve: Any, *args: Any, **kwargs: Any) -> object:
    """What a user reads of resolved terms: the agreement, terms, explanation, or the error."""
    try:
        found = resolve(*args, **kwargs)
    except SalescoreError as exc:
        return type(exc).__name__, str(exc)
    return found, found.explanation.as_text()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calls=st.lists(
        st.tuples(
            st.sampled_from(PARTNERS),
            st.sampled_from(DATES),
            st.sampled_from([None, *PRODUCTS]),
            st.sampled_from(AGREEMENTS),
            st.sampled_from([None, "ORG-1", "ORG-2"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_session_resolves_terms_as_the_use_case_does(
    kind: str, calls: list[tuple[str, date, str | None, str | None, str | None]]
) -> None:
    session = PricingSession()  # one session for the calls: the second of a client is kept
    with _store(kind).unit_of_work(read_only=True) as uow:
        for partner, on, product, agreement, organization in calls:
            given_as: dict[str, Any] = {
                "product_id": None if product is None else ProductId(product),
                "agreement_id": None if agreement is None else AgreementId(agreement),
                "organization_id": None if organization is None else OrganizationId(organization),
            }
            expected = _terms(resolve_terms, uow, PartnerId(partner), on, **given_as)
            kept = _terms(resolve_terms, uow, PartnerId(partner), on, session=session, **given_as)
            assert kept == expected


def test_a_session_resolves_terms_with_an_agreement_closed_after_its_first_call() -> None:
    store = _fill(MemoryStore())
    session = PricingSession()
    with store.unit_of_work() as uow:
        first = session.resolve_terms(uow, PartnerId("CAFE"), date(2026, 3, 12))
        set_agreement_status(uow, AgreementId("IA-CAFE"), AgreementStatus.CLOSED)
        after = session.resolve_terms(uow, PartnerId("CAFE"), date(2026, 3, 12))
    assert (first.agreement.id, after.agreement.id) == ("IA-CAFE", "TA-HORECA")
