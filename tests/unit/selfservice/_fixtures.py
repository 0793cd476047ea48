"""A sample company in a store, two client users and a service with a clock tests move."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs

from salescore.adapters.passwords import Argon2PasswordHasher
from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.selfservice import Principal, Role, ThrottlePolicy

START = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
# Low argon2 costs: the tests check behaviour, not the work factor.
FAST_HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024)


@attrs.define
class MovingClock:
    """A clock a test moves forward."""

    moment: datetime = START

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def advance(self, by: timedelta) -> None:
        self.moment += by


def load_company(store: Store) -> None:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        uow.commit()


def make_service(store: Store, clock: MovingClock, **options: object) -> SelfService:
    options.setdefault("throttle", ThrottlePolicy(max_failures=3, lockout=timedelta(minutes=15)))
    return SelfService(store, clock, hasher=FAST_HASHER, **options)  # type: ignore[arg-type]


def add_clients(service: SelfService) -> None:
    """``kzn`` works for VOLGA-KZN, ``cafe`` for CAFE."""
    service.add_user("kzn", PASSWORD, Role.CLIENT, partner_ids=["VOLGA-KZN"])
    service.add_user("cafe", PASSWORD, Role.CLIENT, partner_ids=["CAFE"])


def client_service(
    store: Store, clock: MovingClock | None = None, **options: object
) -> SelfService:
    """The sample company loaded into ``store``, and a service with the two client users."""
    load_company(store)
    service = make_service(store, clock if clock is not None else MovingClock(), **options)
    add_clients(service)
    return service


def log_in(service: SelfService, login: str) -> Principal:
    """The principal of a fresh session of ``login`` (every test user has ``PASSWORD``)."""
    return service.authenticate(service.login(login, PASSWORD).token)


@attrs.frozen
class Holdings:
    """One partner's documents of every kind a client can name."""

    partner: str
    counterparty: str
    contact: str
    bank_account: str
    agreement: str
    order: str
    shipment: str
    customer_return: str
    return_request: str
    claim: str
    transfer: str
    plan: str


# A valid account at Sberbank Moscow (BIC 044525225) for each client.
ACCOUNTS = {"VOLGA-KZN": "40702810938000000001", "CAFE": "40817810738000000002"}
BIC = "044525225"


def build_world(store: Store, service: SelfService) -> dict[str, Holdings]:
    """Every kind of document for VOLGA-KZN (user ``kzn``) and CAFE (user ``cafe``)."""
    from decimal import Decimal

    from salescore.app.shipments import post_commission_transfer
    from salescore.money import Money, Quantity
    from salescore.orders import LineId, OrderId
    from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
    from salescore.receivables import SettlementAccount
    from salescore.reservation import receive
    from salescore.shipments import (
        CommissionLine,
        CommissionTransfer,
        CustomerReturn,
        ReturnId,
        Shipment,
        ShipmentId,
        ShipmentLine,
        TransferId,
        return_line,
    )
    from salescore.tax import VatCategory, VatRate, russian_vat_rates

    world = {}
    setups = {
        "VOLGA-KZN": ("kzn", "KZN-LLC", "IA-VOLGA-KZN", "ORG-1"),
        "CAFE": ("cafe", "CAFE-IE", "IA-CAFE", "ORG-2"),
    }
    rate = russian_vat_rates().rate(VatCategory.GENERAL, START.date())
    for n, (partner, (login, cp, agreement, org)) in enumerate(setups.items(), start=1):
        me = log_in(service, login)
        order = service.place_order(me, agreement, [("CM-100", 2)]).order
        line = ShipmentLine(
            "1",
            OrderId(order.id),
            LineId("1"),
            ProductId("CM-100"),
            WarehouseId("MAIN"),
            Decimal(2),
            False,
            net=Money("36600.00", "RUB"),
            vat_rate=VatRate.parse("22"),
            vat_included=True,
            vat=Money("6600.00", "RUB"),
        )
        shipment = Shipment(
            ShipmentId(f"SH-{n}"),
            PartnerId(partner),
            CounterpartyId(cp),
            OrganizationId(org),
            "RUB",
            on=START.date(),
            lines=[line],
        )
        account = SettlementAccount(partner, "RUB", cp, org)
        with store.unit_of_work() as uow:
            stored = uow.shipments.add(shipment)
            back = return_line(stored, "1", Decimal(1), "1", {})
            uow.customer_returns.add(
                CustomerReturn(
                    ReturnId(f"RT-{n}"),
                    stored.partner_id,
                    stored.counterparty_id,
                    OrganizationId(org),
                    "RUB",
                    on=START.date(),
                    lines=[back],
                )
            )
            receive(
                uow.stock_ledger,
                ProductId("CM-100"),
                WarehouseId("MAIN"),
                Quantity(5),
                document=f"IN-{n}",
                at=START,
            )
            consigned = CommissionLine.priced(
                "1",
                ProductId("CM-100"),
                WarehouseId("MAIN"),
                Decimal(3),
                Money("18000.00", "RUB"),
                rate,
            )
            post_commission_transfer(
                uow,
                CommissionTransfer(TransferId(f"KT-{n}"), account, START.date(), [consigned]),
                at=START,
            )
            uow.commit()
        contact = service.save_contact(
            me, "Ivan Petrov", partner_id=partner, phone="+7 900 0000000"
        )
        bank = service.save_bank_account(me, cp, BIC, ACCOUNTS[partner], bank_name="Sberbank")
        request = service.request_return(me, f"SH-{n}", [("CM-100", 1)], reason="damaged")
        claim = service.register_claim(me, "late delivery", order_id=order.id)
        plan = service.file_purchase_plan(
            me, date(2026, 4, 1), date(2026, 6, 30), [("CM-100", 10)], partner_id=partner
        )
        world[partner] = Holdings(
            partner,
            cp,
            contact.id,
            bank.id,
            agreement,
            order.id,
            f"SH-{n}",
            f"RT-{n}",
            request.id,
            claim.id,
            f"KT-{n}",
            plan.id,
        )
    return world
