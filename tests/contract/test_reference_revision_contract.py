"""The reference revision: a token every write to the reference data renews, on every store.

A pricing session keeps the clients, agreements, segments, price types and
compiled discount rules it read under this token, so the token must move
whenever they change, whoever changes them: this unit of work, another
one, another store object on the same database, another process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

import attrs
import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresStore
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId
from salescore.app.discount_rules import save_rule_set
from salescore.app.sales import PricingSession
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import RETAIL, WHOLESALE, load_sample_prices
from salescore.money import Money
from salescore.orders import PricedOrder, SaleOrder, SaleOrderLine
from salescore.parties import ClientSegment, Partner, PartnerId, Product, ProductId, SegmentId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId

ORDER = SaleOrder(
    "SO-1",
    PartnerId("VOLGA-KZN"),
    datetime(2026, 3, 12, 11, 30),  # noqa: DTZ001 - a local moment of sale, as orders have
    (SaleOrderLine("1", ProductId("CM-100"), Decimal(5)),),
    agreement_id=AgreementId("IA-VOLGA-KZN"),
)


@contextmanager
def another_store_object(store: Store) -> Iterator[Store]:
    """A second store object on the same database (its own connections); the memory
    store and in-memory SQLite have no other way in than the object itself."""
    other: Store
    if isinstance(store, PostgresStore):
        other = PostgresStore(store.url, min_size=1)
    elif isinstance(store, SqliteStore) and store.path != ":memory:":
        other = SqliteStore(store.path)
    else:
        yield store
        return
    try:
        yield other
    finally:
        other.close()


def token(store: Store) -> str:
    with store.unit_of_work(read_only=True) as uow:
        return uow.reference_revision()


def sample(store: Store) -> None:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        save_rule_set(uow, sample_rule_set())
        uow.commit()


def test_the_token_stays_while_nothing_is_written(store: Store) -> None:
    sample(store)
    first = token(store)
    assert token(store) == first
    with store.unit_of_work() as uow:
        uow.partners.all()
        uow.agreements.all()
        assert uow.reference_revision() == first


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda uow: uow.partners.add(Partner(PartnerId("NEW"), "New")), id="partner"),
        pytest.param(
            lambda uow: uow.client_segments.save(ClientSegment(SegmentId("S"), "S")), id="segment"
        ),
        pytest.param(
            lambda uow: uow.agreements.remove(AgreementId("IA-VOLGA-KZN")), id="agreement"
        ),
        pytest.param(
            lambda uow: uow.price_types.save(PriceType(PriceTypeId("X"), "X", "RUB")),
            id="price type",
        ),
        pytest.param(lambda uow: save_rule_set(uow, sample_rule_set()), id="discount rules"),
    ],
)
def test_a_write_to_the_reference_data_renews_the_token_at_once_and_for_good(
    store: Store, write: object
) -> None:
    sample(store)
    before = token(store)
    with store.unit_of_work() as uow:
        write(uow)  # type: ignore[operator]
        inside = uow.reference_revision()
        assert inside != before  # the writer's own next order sees its change
        uow.commit()
    after = token(store)
    assert after != before
    assert token(store) == after


def test_a_rolled_back_write_never_leaves_its_token_behind(store: Store) -> None:
    sample(store)
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("NEW"), "New"))
        undone = uow.reference_revision()
    assert token(store) != undone
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("NEW"), "Newer"))
        uow.commit()
    assert token(store) != undone


def test_products_prices_and_orders_leave_the_token_alone(store: Store) -> None:
    sample(store)
    before = token(store)
    with store.unit_of_work() as uow:
        uow.products.add(Product(ProductId("NEW"), "New product"))
        uow.price_register.register(
            PriceRecord(WHOLESALE, ProductId("NEW"), ORDER.on, Money("10.00", "RUB"))
        )
        uow.commit()
    assert token(store) == before


def test_a_write_through_another_store_object_is_seen(store: Store) -> None:
    sample(store)
    before = token(store)
    with another_store_object(store) as other, other.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("NEW"), "New"))
        uow.commit()
    assert token(store) != before


def priced(store: Store, session: PricingSession) -> PricedOrder:
    with store.unit_of_work(read_only=True) as uow:
        return session.price(uow, ORDER)


def test_a_kept_session_sees_what_another_store_object_changed(store: Store) -> None:
    sample(store)
    session = PricingSession()
    line = priced(store, session).lines[0]
    assert (line.price_type_id, str(line.unit_price)) == ("WHOLESALE", "18300.00 RUB")
    assert priced(store, session).lines[0] == line  # kept: the same figures

    with another_store_object(store) as other, other.unit_of_work() as uow:
        wholesale = uow.price_types.get(WHOLESALE)
        uow.price_types.save(attrs.evolve(wholesale, formula="[Закупочная] * 1.5"))
        uow.commit()
    line = priced(store, session).lines[0]
    assert str(line.unit_price) == "21960.00 RUB"  # 14640.00 x 1.5

    with another_store_object(store) as other, other.unit_of_work() as uow:
        rules = sample_rule_set()
        spring = next(d for d in rules.discounts if d.id == "SPRING")
        bigger = [attrs.evolve(d, value=Decimal(50)) if d is spring else d for d in rules.discounts]
        save_rule_set(uow, attrs.evolve(rules, discounts=bigger))
        uow.commit()
    cheaper = priced(store, session).lines[0]
    assert "SPRING" in cheaper.rule_ids
    assert cheaper.discount_amount > line.discount_amount

    with another_store_object(store) as other, other.unit_of_work() as uow:
        agreement = uow.agreements.get(AgreementId("IA-VOLGA-KZN"))
        terms = attrs.evolve(agreement.terms, price_type_id=RETAIL)
        uow.agreements.save(attrs.evolve(agreement, terms=terms))
        uow.commit()
    assert priced(store, session).lines[0].price_type_id == "RETAIL"


def test_a_session_used_with_two_stores_keeps_neither_for_the_other() -> None:
    first, second = MemoryStore(), MemoryStore()
    sample(first)
    sample(second)
    with second.unit_of_work() as uow:
        wholesale = uow.price_types.get(WHOLESALE)
        uow.price_types.save(attrs.evolve(wholesale, formula="[Закупочная] * 1.5"))
        uow.commit()
    session = PricingSession()
    assert str(priced(first, session).lines[0].unit_price) == "18300.00 RUB"
    assert str(priced(second, session).lines[0].unit_price) == "21960.00 RUB"
    assert str(priced(first, session).lines[0].unit_price) == "18300.00 RUB"
