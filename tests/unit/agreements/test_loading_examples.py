"""Loading a partner's book, by example: what is loaded, what is left in the store."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.memory.store import MemoryUnitOfWork
from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    create_individual,
    load_book,
)
from salescore.errors import NotFoundError
from salescore.parties import ClientSegment, Partner, PartnerId, SegmentId

JAN = date(2026, 1, 1)
VOLGA = Partner(PartnerId("V"), "Volga")
CAFE = Partner(PartnerId("CAFE"), "Cafe")


def stored(uow: MemoryUnitOfWork) -> None:
    every = Agreement.typical(
        AgreementId("TA-ALL"), "Everyone", valid_from=JAN, status=AgreementStatus.ACTIVE
    )
    wholesale = Agreement.typical(
        AgreementId("TA-W"),
        "Wholesale",
        valid_from=JAN,
        client_segment_id=SegmentId("W"),
        status=AgreementStatus.ACTIVE,
    )
    volga = create_individual(
        wholesale, AgreementId("IA-V"), "Volga", partner_id=VOLGA.id, valid_from=JAN
    )
    cafe = create_individual(
        every, AgreementId("IA-CAFE"), "Cafe", partner_id=CAFE.id, valid_from=JAN
    )
    for agreement in (every, wholesale, volga, cafe):
        uow.agreements.add(agreement)
    uow.client_segments.add(
        ClientSegment(SegmentId("W"), "Wholesale", members=frozenset({VOLGA.id}))
    )


def ids(book_agreements: tuple[Agreement, ...]) -> list[str]:
    return [a.id for a in book_agreements]


def test_a_partners_book_holds_its_own_and_the_typical_agreements_not_another_clients() -> None:
    with MemoryStore().unit_of_work() as uow:
        stored(uow)
        book = load_book(VOLGA, uow.agreements, uow.client_segments, uow.nomenclature_segments)
    # Cafe's individual agreement has no client segment either, but it is not Volga's.
    assert ids(book.agreements) == ["IA-V", "TA-ALL", "TA-W"]


def test_an_agreement_named_also_is_loaded_even_if_it_is_another_clients() -> None:
    with MemoryStore().unit_of_work() as uow:
        stored(uow)
        book = load_book(
            VOLGA,
            uow.agreements,
            uow.client_segments,
            uow.nomenclature_segments,
            also=(AgreementId("IA-CAFE"),),
        )
    assert ids(book.agreements) == ["IA-CAFE", "IA-V", "TA-ALL", "TA-W"]
    assert book.get(AgreementId("IA-CAFE")).partner_id == CAFE.id


def test_an_agreement_named_also_that_is_not_stored_is_not_found() -> None:
    with MemoryStore().unit_of_work() as uow:
        stored(uow)
        with pytest.raises(NotFoundError, match="IA-GONE"):
            load_book(
                VOLGA,
                uow.agreements,
                uow.client_segments,
                uow.nomenclature_segments,
                also=(AgreementId("IA-GONE"),),
            )


def test_an_individual_agreements_base_is_loaded_though_the_partner_left_its_segment() -> None:
    # Volga's individual agreement is made from the wholesale one, but Volga is no longer
    # in the wholesale segment: the typical agreement is loaded as the base all the same,
    # so the individual agreement's inherited terms can be resolved.
    with MemoryStore().unit_of_work() as uow:
        stored(uow)
        uow.client_segments.save(
            ClientSegment(SegmentId("W"), "Wholesale", members=frozenset({CAFE.id}))
        )
        book = load_book(VOLGA, uow.agreements, uow.client_segments, uow.nomenclature_segments)
    assert ids(book.agreements) == ["IA-V", "TA-ALL", "TA-W"]
    assert book.get(AgreementId("TA-W")).client_segment_id == SegmentId("W")
