"""The sample company ready for customer self-service: users, and a shipped order.

:func:`load_selfservice_demo` fills a store with the sample company, its
prices and agreements, gives each sample client a login, and ships Volga
Kazan one order through the real use cases (confirmed, secured, reserved,
shipped), so its УПД can be printed. A web shell starts from it:

>>> from datetime import UTC, datetime
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.adapters.passwords import Argon2PasswordHasher
>>> from salescore.app.selfservice import SelfService
>>> from salescore.testing import FixedClock
>>> store = MemoryStore()
>>> service = SelfService(store, FixedClock(datetime(2026, 3, 12, 9, 0, tzinfo=UTC)),
...                       hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024))
>>> demo = load_selfservice_demo(store, service)
>>> me = service.authenticate(service.login("kzn", DEMO_PASSWORD).token)
>>> [(o.id, o.status) for o in service.list_orders(me)]
[('ORG-1-2026-000001', 'to_ship')]
>>> service.get_form(me, demo.shipment_id, kind="upd", fmt="text").content.decode()[:35]
'Универсальный передаточный документ'
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs

from salescore.app import shipments as sc
from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.demo.demo_shipping import order_to_ship
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import VOLGA_KZN_HEADER, load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.orders import LineId, OrderId
from salescore.parties import ProductId
from salescore.receivables import DueEvent, PaymentScheduleTemplate, ScheduleStage, StageKind
from salescore.selfservice import Role
from salescore.shipments import ShipmentId, ShipRequest

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "SelfServiceDemo", "load_selfservice_demo"]

DEMO_PASSWORD = "demo password 2026"
"""The password of every demo user (a demo only: real users choose their own)."""

DEMO_USERS: dict[str, tuple[Role, tuple[str, ...], str | None]] = {
    "kzn": (Role.CLIENT, ("VOLGA-KZN",), None),
    "cafe": (Role.CLIENT, ("CAFE",), None),
    "petrov": (Role.MANAGER, (), "petrov"),
    "admin": (Role.ADMINISTRATOR, (), None),
}
"""login -> (role, partners, manager name)."""

ORDERED, SHIPPED = date(2026, 3, 2), date(2026, 3, 10)
_CREDIT = PaymentScheduleTemplate(
    "SELF-CR14",
    "credit, 14 days after shipment",
    (ScheduleStage(StageKind.CREDIT, days=14, event=DueEvent.SHIPMENT),),
)


@attrs.frozen
class SelfServiceDemo:
    """What the demo made: the shipped order and its shipment."""

    order_id: OrderId
    shipment_id: ShipmentId


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def load_selfservice_demo(store: Store, service: SelfService) -> SelfServiceDemo:
    """Fill an empty ``store`` with the sample company, the demo users and a shipped order."""
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        uow.schedule_templates.add(_CREDIT)
        order = order_to_ship(
            uow,
            VOLGA_KZN_HEADER,
            ProductId("CM-100"),
            Decimal(4),
            ORDERED,
            _CREDIT,
            receipt="PT-1",
            received=Decimal(20),
        )
        shipment = sc.post_shipment(
            uow,
            ShipmentId("RTU-SS-0001"),
            VOLGA_KZN_HEADER.partner_id,
            VOLGA_KZN_HEADER.counterparty_id,
            SHIPPED,
            [ShipRequest(order.id, LineId("1"), Decimal(4))],
            SAMPLE_CALENDAR,
            at=_at(SHIPPED),
        )
        uow.commit()
    for login, (role, partners, manager) in DEMO_USERS.items():
        service.add_user(login, DEMO_PASSWORD, role, partner_ids=partners, manager=manager)
    return SelfServiceDemo(order.id, shipment.id)
