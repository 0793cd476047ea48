"""Roles reach what they should (clients of several partners, managers, administrators),
the scoped view refuses the company's own data, and every change is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.unit.selfservice._fixtures import (
    PASSWORD,
    START,
    MovingClock,
    client_service,
    log_in,
)

from salescore.app.scoped import ScopedRepositories
from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.errors import (
    AccessDeniedError,
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
)
from salescore.money import Money
from salescore.parties import PartnerId, Product, ProductId
from salescore.receivables import EntryKind, Measure, SettlementAccount, SettlementEntry
from salescore.selfservice import Role, Scope


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def service(store: Store, clock: MovingClock) -> SelfService:
    service = client_service(store, clock)
    service.add_user("group", PASSWORD, Role.CLIENT, partner_ids=["VOLGA-KZN", "CAFE"])
    service.add_user("petrov", PASSWORD, Role.MANAGER, manager="petrov")
    service.add_user("root", PASSWORD, Role.ADMINISTRATOR)
    return service


def _partners(service: SelfService, login: str) -> list[str]:
    return [p.id for p in service.my_partners(log_in(service, login))]


def test_each_role_sees_its_partners(service: SelfService) -> None:
    assert _partners(service, "kzn") == ["VOLGA-KZN"]
    assert _partners(service, "group") == ["CAFE", "VOLGA-KZN"]
    assert _partners(service, "petrov") == ["CAFE", "CHAIN"]  # Partner.manager == "petrov"
    assert _partners(service, "root") == ["BEANS", "CAFE", "CHAIN", "HOLD", "RIVAL", "VOLGA-KZN"]


def test_a_client_of_several_partners_sees_the_orders_of_each(service: SelfService) -> None:
    kzn = service.place_order(log_in(service, "kzn"), "IA-VOLGA-KZN", [("CM-100", 1)])
    cafe = service.place_order(log_in(service, "cafe"), "IA-CAFE", [("CM-100", 1)])
    group = log_in(service, "group")
    assert {o.id for o in service.list_orders(group)} == {kzn.id, cafe.id}
    assert [o.id for o in service.list_orders(group, partner_id="CAFE")] == [cafe.id]
    with pytest.raises(InvalidInputError, match="say which one"):
        service.register_claim(group, "late")  # two partners: which one?
    assert service.register_claim(group, "late", partner_id="CAFE").partner_id == "CAFE"


def test_a_manager_follows_the_orders_of_its_partners_only(service: SelfService) -> None:
    kzn = service.place_order(log_in(service, "kzn"), "IA-VOLGA-KZN", [("CM-100", 1)])
    cafe = service.place_order(log_in(service, "cafe"), "IA-CAFE", [("CM-100", 1)])
    petrov = log_in(service, "petrov")
    assert [o.id for o in service.list_orders(petrov)] == [cafe.id]
    assert service.get_order(petrov, cafe.id).order == cafe.order
    root = log_in(service, "root")
    assert {o.id for o in service.list_orders(root)} == {kzn.id, cafe.id}


def test_the_scoped_view_refuses_the_companys_own_data(store: Store, service: SelfService) -> None:
    with store.unit_of_work() as uow:
        view = ScopedRepositories(uow, Scope(frozenset({PartnerId("CAFE")})))
        assert view.products.get(ProductId("CM-100")).id == "CM-100"  # reference data reads
        with pytest.raises(AccessDeniedError):
            view.products.save(Product(ProductId("X"), "free coffee"))
        for forbidden in ("users", "sessions", "audit", "credit_limits", "quotes", "outlets"):
            with pytest.raises(AccessDeniedError):
                getattr(view, forbidden).all()
        with pytest.raises(AccessDeniedError):
            view.settlements.entries()  # the whole ledger: name a partner
        on, actual = date(2026, 3, 2), Measure.ACTUAL
        uow.settlements.add_entries(  # a debt of CAFE's and one of another partner's
            SettlementEntry(
                f"E-{p}",
                EntryKind.SHIPMENT,
                SettlementAccount(p, "RUB"),
                "SO",
                "SH",
                on,
                on,
                Money("10.00", "RUB"),
            )
            for p in ("CAFE", "VOLGA-KZN")
        )
        for columns in (view.settlements.open_item_columns, view.settlements.open_credit_columns):
            with pytest.raises(AccessDeniedError):
                columns(on, actual, ["partner"])  # the whole ledger's open items
            with pytest.raises(NotFoundError):
                columns(on, actual, ["partner"], partner_id="VOLGA-KZN")
        items = view.settlements.open_item_columns(on, actual, ["partner"], partner_id="CAFE")
        assert {values for values, _ in items.groups} == {("CAFE",)}
        assert items == uow.settlements.open_item_columns(
            on, actual, ["partner"], partner_id="CAFE"
        )
        with pytest.raises(AccessDeniedError):
            view.settlements.add_payment(None)  # type: ignore[arg-type]


def test_only_an_administrator_reads_the_audit_trail(service: SelfService) -> None:
    with pytest.raises(AccessDeniedError):
        service.audit_trail(log_in(service, "petrov"))
    assert service.audit_trail(log_in(service, "root"))


def test_every_change_is_audited_with_who_when_what_and_from_where(
    service: SelfService, clock: MovingClock
) -> None:
    cafe = log_in(service, "cafe")
    clock.advance(timedelta(minutes=5))
    contact = service.save_contact(cafe, "Olga", partner_id="CAFE", address="198.51.100.7")
    service.save_contact(
        cafe, "Olga", contact_id=contact.id, phone="+7 900 1234567", address="198.51.100.7"
    )
    with pytest.raises(AuthenticationError):
        service.login("cafe", "not the password", address="192.0.2.1")
    trail = service.audit_trail(log_in(service, "root"))
    added, changed = [r for r in trail if r.action == "save_contact"]
    assert (added.user_id, added.role, added.at, added.partner_id, added.address) == (
        "cafe",
        "client",
        START + timedelta(minutes=5),
        "CAFE",
        "198.51.100.7",
    )
    assert added.subject == changed.subject == f"contact {contact.id}"
    assert changed.details == {"phone": "'' -> '+7 900 1234567'"}
    failed = next(r for r in trail if r.action == "login_failed")
    assert (failed.user_id, failed.address) == ("cafe", "192.0.2.1")
    assert [r.action for r in trail].count("login") == 2  # cafe, then root
    assert trail == sorted(trail, key=lambda r: r.id)  # ids sort by time


def test_a_refused_change_leaves_no_audit_record(service: SelfService) -> None:
    cafe = log_in(service, "cafe")
    with pytest.raises(InvalidInputError, match="INN"):
        service.save_counterparty(cafe, "Bad LLC", partner_id="CAFE", tax_id="7707083890")
    assert not [r for r in service.audit_trail(log_in(service, "root")) if r.partner_id == "CAFE"]
