"""No client reaches another partner's data: for every operation and every kind of
identifier a client can send, another partner's identifier gives the same
"not found" as an identifier that does not exist — never the data, never a
different error.

The suite is checked for completeness: every public operation of
:class:`~salescore.app.selfservice.SelfService` that takes a principal must be
in :data:`PROBES` (or named in :data:`NO_IDENTIFIER`), so an operation added
later without a probe fails this file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from tests.unit.selfservice._fixtures import (
    BIC,
    Holdings,
    MovingClock,
    build_world,
    client_service,
    log_in,
)

from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.errors import NotFoundError
from salescore.parties import PartnerId
from salescore.selfservice import Principal

Call = Callable[[SelfService, Principal, str], Any]

MISSING = "NO-SUCH-ID-0000"

# (operation, identifier kind, the call with that identifier; the rest is valid)
PROBES: list[tuple[str, str, Call]] = [
    ("get_order", "order", lambda s, p, x: s.get_order(p, x)),
    ("get_form", "order", lambda s, p, x: s.get_form(p, x, kind="payment_invoice", fmt="text")),
    ("register_claim", "order", lambda s, p, x: s.register_claim(p, "broken", order_id=x)),
    ("get_shipment", "shipment", lambda s, p, x: s.get_shipment(p, x)),
    ("get_form", "shipment", lambda s, p, x: s.get_form(p, x, kind="upd", fmt="html")),
    ("get_form", "shipment", lambda s, p, x: s.get_form(p, x, kind="torg12", fmt="text")),
    ("get_form", "shipment", lambda s, p, x: s.get_form(p, x, kind="invoice", fmt="text")),
    ("request_return", "shipment", lambda s, p, x: s.request_return(p, x, [("CM-100", 1)])),
    ("get_return", "return", lambda s, p, x: s.get_return(p, x)),
    ("get_return_request", "return_request", lambda s, p, x: s.get_return_request(p, x)),
    ("get_claim", "claim", lambda s, p, x: s.get_claim(p, x)),
    ("save_counterparty", "counterparty",
     lambda s, p, x: s.save_counterparty(p, "Renamed LLC", counterparty_id=x)),
    ("save_bank_account", "counterparty",
     lambda s, p, x: s.save_bank_account(p, x, BIC, "40702810938000000001")),
    ("reconciliation_act", "counterparty",
     lambda s, p, x: s.reconciliation_act(p, x, date(2026, 1, 1), date(2026, 12, 31))),
    ("save_contact", "contact", lambda s, p, x: s.save_contact(p, "Renamed", contact_id=x)),
    ("remove_contact", "contact", lambda s, p, x: s.remove_contact(p, x)),
    ("save_bank_account", "bank_account",
     lambda s, p, x: s.save_bank_account(p, "OWN", BIC, "40702810938000000001",
                                         bank_account_id=x)),
    ("remove_bank_account", "bank_account", lambda s, p, x: s.remove_bank_account(p, x)),
    ("place_order", "agreement", lambda s, p, x: s.place_order(p, x, [("CM-100", 1)])),
    ("place_order", "counterparty",
     lambda s, p, x: s.place_order(p, "OWN-AGREEMENT", [("CM-100", 1)], counterparty_id=x)),
    ("get_form", "transfer", lambda s, p, x: s.get_form(p, x, kind="m15", fmt="text")),
    ("report_commission_sales", "transfer",
     lambda s, p, x: s.report_commission_sales(p, [(x, "1", 1)])),
    ("list_orders", "partner", lambda s, p, x: s.list_orders(p, partner_id=x)),
    ("my_debt", "partner", lambda s, p, x: s.my_debt(p, partner_id=x)),
    ("list_agreements", "partner", lambda s, p, x: s.list_agreements(p, partner_id=x)),
    ("list_contacts", "partner", lambda s, p, x: s.list_contacts(p, partner_id=x)),
    ("list_counterparties", "partner", lambda s, p, x: s.list_counterparties(p, partner_id=x)),
    ("list_bank_accounts", "partner", lambda s, p, x: s.list_bank_accounts(p, partner_id=x)),
    ("list_shipments", "partner", lambda s, p, x: s.list_shipments(p, partner_id=x)),
    ("list_claims", "partner", lambda s, p, x: s.list_claims(p, partner_id=x)),
    ("list_commission_transfers", "partner",
     lambda s, p, x: s.list_commission_transfers(p, partner_id=x)),
    ("list_purchase_plans", "partner", lambda s, p, x: s.list_purchase_plans(p, partner_id=x)),
    ("save_contact", "partner", lambda s, p, x: s.save_contact(p, "New", partner_id=x)),
    ("save_counterparty", "partner", lambda s, p, x: s.save_counterparty(p, "New", partner_id=x)),
    ("register_claim", "partner", lambda s, p, x: s.register_claim(p, "broken", partner_id=x)),
    ("file_purchase_plan", "partner",
     lambda s, p, x: s.file_purchase_plan(p, date(2026, 4, 1), date(2026, 4, 30),
                                          [("CM-100", 1)], partner_id=x)),
]  # fmt: skip

# Operations of a principal that take no identifier of a document or partner: they
# only ever list what is in scope (checked in test_orders / test_operations).
NO_IDENTIFIER = {"my_partners", "change_password", "audit_trail"}

FIELD = {
    "order": "order",
    "shipment": "shipment",
    "return": "customer_return",
    "return_request": "return_request",
    "claim": "claim",
    "counterparty": "counterparty",
    "contact": "contact",
    "bank_account": "bank_account",
    "agreement": "agreement",
    "transfer": "transfer",
    "partner": "partner",
}


@pytest.fixture
def world(store: Store) -> tuple[SelfService, dict[str, Holdings], MovingClock]:
    clock = MovingClock()
    service = client_service(store, clock)
    return service, build_world(store, service), clock


def _snapshot(store: Store) -> dict[str, object]:
    with store.unit_of_work() as uow:
        return {
            "orders": [uow.orders.of_partner(PartnerId(p)) for p in ("VOLGA-KZN", "CAFE")],
            "contacts": uow.contacts.all(),
            "counterparties": uow.counterparties.all(),
            "bank_accounts": uow.bank_accounts.all(),
            "claims": uow.claims.all(),
            "plans": uow.purchase_plans.all(),
            "reports": [uow.commission_reports.of_party(p) for p in ("VOLGA-KZN", "CAFE")],
        }


def test_every_operation_of_a_principal_is_probed() -> None:
    operations = {
        name
        for name, member in inspect.getmembers(SelfService, inspect.isfunction)
        if not name.startswith("_") and "principal" in inspect.signature(member).parameters
    }
    probed = {name for name, _, _ in PROBES}
    assert operations - probed - NO_IDENTIFIER == set()
    assert probed <= operations


@pytest.mark.parametrize(
    ("operation", "kind", "call"), PROBES, ids=[f"{o}-{k}" for o, k, _ in PROBES]
)
def test_another_partners_identifier_is_not_found_like_a_missing_one(
    world: tuple[SelfService, dict[str, Holdings], MovingClock],
    store: Store,
    operation: str,
    kind: str,
    call: Call,
) -> None:
    service, holdings, _ = world
    me = log_in(service, "cafe")
    mine, theirs = holdings["CAFE"], holdings["VOLGA-KZN"]
    foreign = str(getattr(theirs, FIELD[kind]))

    def probe(x: str) -> NotFoundError:
        with pytest.raises(NotFoundError) as caught:
            _with_own(call, mine)(service, me, x)
        return caught.value

    before = _snapshot(store)
    foreign_error = probe(foreign)
    missing_error = probe(MISSING)
    assert _snapshot(store) == before  # nothing of anybody's was written
    assert type(foreign_error) is type(missing_error)
    assert str(foreign_error).replace(foreign, "<id>") == str(missing_error).replace(
        MISSING, "<id>"
    )
    assert foreign_error.details.keys() == missing_error.details.keys()


def _with_own(call: Call, mine: Holdings) -> Call:
    """The probe with the "OWN…" placeholders (the other arguments) naming the
    principal's own documents."""

    def run(s: SelfService, p: Principal, x: str) -> Any:
        return call(_OwnNames(s, mine), p, x)  # type: ignore[arg-type]

    return run


class _OwnNames:
    """Passes every call through, putting the principal's own ids for "OWN…" arguments."""

    def __init__(self, service: SelfService, mine: Holdings) -> None:
        self._service = service
        self._own = {"OWN": mine.counterparty, "OWN-AGREEMENT": mine.agreement}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._service, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(self._own.get(a, a) if isinstance(a, str) else a for a in args)
            return method(*args, **kwargs)

        return call


@pytest.mark.parametrize(
    ("operation", "kind", "call"), PROBES, ids=[f"{o}-{k}" for o, k, _ in PROBES]
)
def test_the_same_call_with_the_principals_own_identifier_is_not_refused_as_not_found(
    world: tuple[SelfService, dict[str, Holdings], MovingClock],
    operation: str,
    kind: str,
    call: Call,
) -> None:
    service, holdings, _ = world
    me = log_in(service, "cafe")
    mine = holdings["CAFE"]
    own = str(getattr(mine, FIELD[kind]))
    try:
        _with_own(call, mine)(service, me, own)
    except NotFoundError as err:  # pragma: no cover - the failure message
        pytest.fail(f"{operation} refused the principal's own {kind} {own}: {err}")
