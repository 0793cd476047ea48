"""The quote and order repository contract, held against every storage adapter."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from tests.unit.orders._fixtures import (
    HEADER,
    ORDER_DAY,
    frozen_line,
    order,
    price_cut,
    prices,
    quote,
    schedule_for,
)

from salescore.app.stores import Store
from salescore.errors import ConcurrencyError, ConflictError, NotFoundError, OrderError
from salescore.orders import (
    OrderId,
    OrderStatus,
    QuoteId,
    confirm_order,
    price_order,
    price_quote,
    revise_quote,
    send_quote,
)
from salescore.parties import OrganizationId, PartnerId

PRICES = prices(
    frozen_line("1", "2", "1200.00"),
    frozen_line("2", "3", "333.33", rate="none", included=False),
    deviations=(price_cut(),),
)


def test_an_order_comes_back_with_its_frozen_prices_schedule_and_history(store: Store) -> None:
    confirmed, _ = confirm_order(
        attrs.evolve(price_order(order(), PRICES), approved=True),
        ORDER_DAY,
        schedule_for(PRICES.with_vat),
    )
    with store.unit_of_work() as uow:
        stored = uow.orders.add(confirmed)
        uow.commit()
    assert stored.version == 1
    with store.unit_of_work() as uow:
        back = uow.orders.get(confirmed.id)
    assert back == stored
    assert back.prices is not None
    assert back.prices.with_vat == PRICES.with_vat
    assert back.status is OrderStatus.TO_PAY


def test_an_update_from_a_stale_version_is_refused_naming_both_versions(store: Store) -> None:
    with store.unit_of_work() as uow:
        first = uow.orders.add(order())
        uow.commit()
    with store.unit_of_work() as uow:
        second = uow.orders.update(price_order(first, PRICES))
        uow.commit()
    assert second.version == 2
    with store.unit_of_work() as uow, pytest.raises(ConcurrencyError) as refused:
        uow.orders.update(attrs.evolve(first, basis="deal D-1"))
    assert "version 1" in str(refused.value)
    assert "version 2" in str(refused.value)
    with store.unit_of_work() as uow:
        assert uow.orders.get(first.id) == second


def test_nothing_is_stored_when_the_unit_of_work_is_not_committed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.orders.add(order())
    with store.unit_of_work() as uow:
        assert uow.orders.find(OrderId("TD-2026-000001")) is None
        with pytest.raises(NotFoundError):
            uow.orders.update(order())


def test_order_numbers_run_per_organization_and_year(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.orders.next_id(OrganizationId("TD"), 2026) == "TD-2026-000001"
        uow.orders.add(order())
        assert uow.orders.next_id(OrganizationId("TD"), 2026) == "TD-2026-000002"
        assert uow.orders.next_id(OrganizationId("TD"), 2027) == "TD-2027-000001"
        assert uow.orders.next_id(OrganizationId("SHOP"), 2026) == "SHOP-2026-000001"
        with pytest.raises(ConflictError, match="exists already"):
            uow.orders.add(order())
        assert [o.id for o in uow.orders.of_partner(PartnerId(HEADER.partner_id))] == [
            "TD-2026-000001"
        ]
        assert uow.orders.of_partner(PartnerId("NOBODY")) == []


def test_an_order_number_follows_the_highest_and_never_fills_a_gap(store: Store) -> None:
    # Numbered TD-2026-000001 and -000005 (an order given its number by hand), and ids
    # given by hand that are not numbers: the next number is 000006, not the free 000002.
    taken = ["TD-2026-000001", "TD-2026-000005", "TD-2026-000005-B", "TD-2026-X", "TD-2026-1"]
    with store.unit_of_work() as uow:
        for order_id in taken:
            uow.orders.add(order(id=OrderId(order_id)))
        assert uow.orders.next_id(OrganizationId("TD"), 2026) == "TD-2026-000006"
        assert uow.orders.next_id(OrganizationId("TD"), 2025) == "TD-2025-000001"
        assert uow.orders.next_id(OrganizationId("TD-2026"), 2026) == "TD-2026-2026-000001"


def test_an_order_number_follows_the_highest_past_many_ids_given_by_hand(store: Store) -> None:
    # Forty ids given by hand sort above the highest number: they are all passed over.
    with store.unit_of_work() as uow:
        uow.orders.add(order(id=OrderId("TD-2026-000007")))
        for n in range(40):
            uow.orders.add(order(id=OrderId(f"TD-2026-000007-{n:02}")))
        assert uow.orders.next_id(OrganizationId("TD"), 2026) == "TD-2026-000008"
        uow.orders.add(order(id=OrderId("TD-2026-999999")))
        with pytest.raises(OrderError, match="has used every order number of 2026"):
            uow.orders.next_id(OrganizationId("TD"), 2026)


def test_the_versions_of_a_proposal_are_its_negotiation_history(store: Store) -> None:
    sent, _ = send_quote(price_quote(quote(), attrs.evolve(PRICES, deviations=())), ORDER_DAY)
    with store.unit_of_work() as uow:
        first = uow.quotes.add(sent)
        old, new, _ = revise_quote(first, QuoteId("KP-1/2"), date(2026, 3, 3))
        uow.quotes.update(old)
        old2, third, _ = revise_quote(uow.quotes.add(new), QuoteId("KP-1/3"), date(2026, 3, 4))
        uow.quotes.update(old2)
        uow.quotes.add(third)
        uow.commit()
    with store.unit_of_work() as uow:
        chain = uow.quotes.versions(QuoteId("KP-1/3"))
        assert [(q.id, q.revision, q.status.value) for q in chain] == [
            ("KP-1", 1, "replaced"),
            ("KP-1/2", 2, "replaced"),
            ("KP-1/3", 3, "draft"),
        ]
        assert chain[0].prices is not None
        with pytest.raises(NotFoundError):
            uow.quotes.get(QuoteId("KP-9"))


def test_a_transition_and_a_new_pricing_in_one_unit_of_work_read_back_as_written(
    store: Store,
) -> None:
    # The repository keeps the text of the prices it wrote last and writes it
    # again when an update keeps the same prices: a new pricing must not be
    # taken for them, and what is read back must be what was written.
    cheaper = prices(frozen_line("1", "2", "1100.00"), frozen_line("2", "1", "50.00"))
    with store.unit_of_work() as uow:
        first = uow.orders.add(price_order(order(), PRICES))
        sent = uow.orders.update(attrs.evolve(first, basis="deal D-1"))
        repriced = uow.orders.update(price_order(sent, cheaper))
        noted = uow.orders.update(attrs.evolve(repriced, basis="deal D-2"))
        uow.commit()
    with store.unit_of_work() as uow:
        back = uow.orders.get(first.id)
    assert back == noted
    assert back.prices == cheaper
    assert back.basis == "deal D-2"
    assert back.version == 4
