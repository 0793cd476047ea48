"""Property: whatever the partners, their documents and the partners a client works
for, the client reads exactly the documents of its partners, and every other one is
"not found" exactly as an identifier that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.selfservice._fixtures import FAST_HASHER, MovingClock

from salescore.adapters.memory import MemoryStore
from salescore.app.selfservice import SelfService
from salescore.crm import Claim
from salescore.errors import NotFoundError
from salescore.money import Money
from salescore.orders import LineId, OrderId
from salescore.parties import (
    ContactId,
    ContactPerson,
    Counterparty,
    CounterpartyId,
    OrganizationId,
    Partner,
    PartnerId,
    ProductId,
    WarehouseId,
)
from salescore.selfservice import Principal, Role
from salescore.shipments import Shipment, ShipmentId, ShipmentLine
from salescore.tax import VatRate

DAY = date(2026, 3, 12)


def _shipment(number: str, partner: str) -> Shipment:
    line = ShipmentLine(
        "1", OrderId(f"O-{number}"), LineId("1"), ProductId("CM"), WarehouseId("W"), Decimal(1),
        False, net=Money("100.00", "RUB"), vat_rate=VatRate.parse("22"), vat_included=True,
        vat=Money("18.03", "RUB"),
    )  # fmt: skip
    return Shipment(
        ShipmentId(number), PartnerId(partner), CounterpartyId(f"{partner}-C"),
        OrganizationId("ORG"), "RUB", on=DAY, lines=[line],
    )  # fmt: skip


# For each partner, how many contacts, claims and shipments it has.
worlds = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), min_size=2, max_size=4
)


@settings(max_examples=40, deadline=None)
@given(world=worlds, data=st.data())
def test_a_client_reaches_exactly_its_partners_documents(
    world: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    store = MemoryStore()
    partners = [f"P{i}" for i in range(len(world))]
    owner: dict[tuple[str, str], str] = {}
    with store.unit_of_work() as uow:
        for partner, (contacts, claims, shipments) in zip(partners, world, strict=True):
            uow.partners.add(Partner(PartnerId(partner), partner))
            uow.counterparties.add(
                Counterparty(CounterpartyId(f"{partner}-C"), PartnerId(partner), "LLC")
            )
            owner["counterparty", f"{partner}-C"] = partner
            for n in range(contacts):
                uow.contacts.add(
                    ContactPerson(ContactId(f"{partner}-K{n}"), PartnerId(partner), "Ann")
                )
                owner["contact", f"{partner}-K{n}"] = partner
            for n in range(claims):
                uow.claims.add(Claim(f"{partner}-CL{n}", partner, DAY, "late", "", DAY))
                owner["claim", f"{partner}-CL{n}"] = partner
            for n in range(shipments):
                uow.shipments.add(_shipment(f"{partner}-S{n}", partner))
                owner["shipment", f"{partner}-S{n}"] = partner
        uow.commit()
    mine = data.draw(st.sets(st.sampled_from(partners), min_size=1), label="client's partners")
    me = Principal("client", Role.CLIENT, frozenset(mine))
    service = SelfService(store, MovingClock(), hasher=FAST_HASHER)
    # One call per kind that names a document by id (the edits write back the same values).
    readers: dict[str, Callable[[str], Any]] = {
        "counterparty": lambda x: service.save_counterparty(me, "LLC", counterparty_id=x),
        "contact": lambda x: service.save_contact(me, "Ann", contact_id=x),
        "claim": lambda x: service.get_claim(me, x),
        "shipment": lambda x: service.get_shipment(me, x),
    }
    for (kind, ident), partner in owner.items():
        if partner in mine:
            assert readers[kind](ident).id == ident
        else:
            with pytest.raises(NotFoundError) as foreign:
                readers[kind](ident)
            with pytest.raises(NotFoundError) as missing:
                readers[kind]("NOPE")
            assert str(foreign.value).replace(ident, "?") == str(missing.value).replace("NOPE", "?")
    expected = {k: sorted(i for (kk, i), p in owner.items() if kk == k and p in mine) for k in
                ("counterparty", "contact", "claim", "shipment")}  # fmt: skip
    assert sorted(c.id for c in service.list_counterparties(me)) == expected["counterparty"]
    assert sorted(c.id for c in service.list_contacts(me)) == expected["contact"]
    assert sorted(c.id for c in service.list_claims(me)) == expected["claim"]
    assert sorted(s.id for s in service.list_shipments(me)) == expected["shipment"]
    assert sorted(p.id for p in service.my_partners(me)) == sorted(mine)
