"""The repository and unit-of-work contract, held against every storage adapter."""

from __future__ import annotations

import pytest

from salescore.app.stores import Store
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.parties import (
    Counterparty,
    CounterpartyId,
    LegalForm,
    Partner,
    PartnerId,
    PartnerKind,
    Product,
    ProductId,
)
from salescore.tax import VatCategory

ACME = Partner(PartnerId("P1"), "Acme", frozenset({PartnerKind.CLIENT}), attributes={"a": "b"})
ACME_LLC = Counterparty(
    CounterpartyId("C1"), PartnerId("P1"), "Acme LLC", LegalForm.LEGAL_ENTITY, "7707083893"
)


def test_an_added_entity_is_read_back_equal_after_commit(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(ACME)
        uow.products.add(Product(ProductId("X"), "Widget", vat_category=VatCategory.REDUCED))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.partners.get(PartnerId("P1")) == ACME
        assert uow.products.get(ProductId("X")).vat_category is VatCategory.REDUCED


def test_leaving_without_commit_rolls_back(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(ACME)
    with store.unit_of_work() as uow:
        assert uow.partners.find(PartnerId("P1")) is None


def test_an_exception_in_the_middle_leaves_nothing_half_written(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("KEEP"), "Kept"))
        uow.commit()

    def failing_unit_of_work() -> None:
        with store.unit_of_work() as uow:
            uow.partners.add(ACME)
            uow.counterparties.add(ACME_LLC)
            uow.partners.save(Partner(PartnerId("KEEP"), "Renamed"))
            uow.partners.remove(PartnerId("KEEP"))
            uow.partners.add(ACME)  # fails: the id exists in this unit of work
            uow.commit()

    with pytest.raises(ConflictError):
        failing_unit_of_work()
    with store.unit_of_work() as uow:
        assert [p.id for p in uow.partners.all()] == ["KEEP"]
        assert uow.partners.get(PartnerId("KEEP")).name == "Kept"
        assert len(uow.counterparties) == 0


def test_adding_a_known_id_is_a_conflict_and_save_replaces(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(ACME)
        with pytest.raises(ConflictError, match="'P1' already exists"):
            uow.partners.add(ACME)
        uow.partners.save(Partner(PartnerId("P1"), "Acme renamed"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.partners.get(PartnerId("P1")).name == "Acme renamed"
        assert len(uow.partners) == 1


def test_unknown_ids_raise_not_found_naming_the_collection_and_id(store: Store) -> None:
    with store.unit_of_work() as uow:
        with pytest.raises(NotFoundError, match="partners: no entity with id 'NOPE'"):
            uow.partners.get(PartnerId("NOPE"))
        with pytest.raises(NotFoundError):
            uow.partners.remove(PartnerId("NOPE"))
        assert uow.partners.find(PartnerId("NOPE")) is None


def test_all_and_find_by_are_ordered_by_id(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(ACME)
        for cid in ("C3", "C1", "C2"):
            uow.counterparties.add(Counterparty(CounterpartyId(cid), PartnerId("P1"), f"LLC {cid}"))
        uow.counterparties.add(Counterparty(CounterpartyId("C0"), PartnerId("P2"), "Other"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert [c.id for c in uow.counterparties.all()] == ["C0", "C1", "C2", "C3"]
        found = uow.counterparties.find_by("partner_id", PartnerId("P1"))
        assert [c.id for c in found] == ["C1", "C2", "C3"]
        assert uow.partners.find_by("parent_id", None) == [ACME]


def test_find_by_an_undeclared_field_names_the_searchable_ones(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(StorageError, match="partner_id, tax_id"):
        uow.counterparties.find_by("name", "Acme")


def test_removed_entities_are_gone_after_commit(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(ACME)
        uow.commit()
        uow.partners.remove(PartnerId("P1"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert len(uow.partners) == 0


def test_a_repository_refuses_the_wrong_entity_type(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(TypeError, match="keeps Partner"):
        uow.partners.add(ACME_LLC)  # type: ignore[arg-type]


def test_a_unit_of_work_is_unusable_outside_its_block(store: Store) -> None:
    uow = store.unit_of_work()
    with pytest.raises(StorageError, match="not open"):
        uow.partners.all()


def test_work_after_a_commit_or_a_rollback_is_again_all_or_nothing(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("A"), "Committed"))
        uow.commit()
        uow.partners.add(Partner(PartnerId("B"), "Rolled back"))
        uow.rollback()
        uow.partners.add(Partner(PartnerId("C"), "Never committed"))
    with store.unit_of_work() as uow:
        assert [p.id for p in uow.partners.all()] == ["A"]


def test_find_many_gives_the_stored_ones_ordered_by_id_and_leaves_unknown_ids_out(
    store: Store,
) -> None:
    # 1,100 ids: more than one chunk of bound parameters.
    ids = [ProductId(f"P{n:04}") for n in range(1100)]
    with store.unit_of_work() as uow:
        for pid in ids:
            uow.products.add(Product(pid, f"Product {pid}"))
        uow.commit()
    asked = [ids[1099], ProductId("NOPE"), ids[3], *ids[200:900], ids[3]]
    with store.unit_of_work() as uow:
        found = uow.products.find_many(asked)
        none = uow.products.find_many([])
    assert [p.id for p in found] == sorted({ids[1099], ids[3], *ids[200:900]})
    assert found[0] == Product(ids[3], f"Product {ids[3]}")
    assert none == []
