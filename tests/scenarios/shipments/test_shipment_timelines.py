"""Golden timelines of shipments and returns on the sample company, through every store.

Figures are worked out by hand in the comments. The sample's wholesale price of
a CM-100 coffee maker is 18,000.00 with VAT; VAT is 22 % in 2026, included in
the price: 18,000 × 22/122 = 3,245.90 per unit. Orders here are paid on credit
(10 days after the shipment), so an order is released for shipment at once.
A refused step leaves stock, debt and documents as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salescore.agreements import (
    AgreementId,
    ApprovalId,
    ApprovalPolicy,
    ApprovalRule,
    ContractId,
    Decision,
)
from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.agreements import decide_approval
from salescore.app.pricing import register_price
from salescore.app.sales import load_pricer
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import PURCHASE, load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.demo.sample_reservation import load_sample_stock
from salescore.errors import InsufficientStockError, NotFoundError, ShipmentError
from salescore.money import Money, Quantity
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    LineId,
    OrderId,
    OrderStateKind,
    SalePricer,
)
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.pricing import PriceRecord
from salescore.receivables import (
    DueEvent,
    EntryKind,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    StageKind,
    load_ledger,
    record_payment,
)
from salescore.reservation import Bucket, receive
from salescore.shipments import (
    ReturnId,
    ReturnRequest,
    ReturnRequestStatus,
    ShipmentId,
    ShipRequest,
    hand_priced_return_line,
)
from salescore.tax import VatCategory, russian_vat_rates
from salescore.testing import FixedClock

KZN = DocumentHeader(
    PartnerId("VOLGA-KZN"),
    CounterpartyId("KZN-LLC"),
    OrganizationId("ORG-1"),
    AgreementId("IA-VOLGA-KZN"),
    "RUB",
    WarehouseId("MAIN"),
    ContractId("K-KZN-1"),
)
CAFE = DocumentHeader(
    PartnerId("CAFE"),
    CounterpartyId("CAFE-IE"),
    OrganizationId("ORG-1"),
    AgreementId("IA-CAFE"),
    "RUB",
    WarehouseId("STORE-1"),
)
POLICY = ApprovalPolicy((ApprovalRule("price cuts", ("head_of_sales",)),))
CM, MAIN, STORE = ProductId("CM-100"), WarehouseId("MAIN"), WarehouseId("STORE-1")
# 50 % ten days after shipment, the rest twenty days after it.
CREDIT = PaymentScheduleTemplate(
    "CR10-CR20",
    "credit in two halves",
    (
        ScheduleStage(StageKind.CREDIT, Decimal(50), days=10, event=DueEvent.SHIPMENT),
        ScheduleStage(StageKind.CREDIT, days=20, event=DueEvent.SHIPMENT),
    ),
)
ORDERED, SHIP_DAY = date(2026, 3, 2), date(2026, 3, 10)


def rub(text: str) -> Money:
    return Money(text, "RUB")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def load_company(store: Store) -> Store:
    """The sample company, 12 CM-100 at MAIN and the credit template, in ``store``."""
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        load_sample_stock(uow)  # 12 CM-100 at MAIN
        uow.schedule_templates.add(CREDIT)
        uow.commit()
    return store


@pytest.fixture
def company(store: Store) -> Store:
    return load_company(store)


def pricer(store: Store) -> SalePricer:
    with store.unit_of_work() as uow:
        return load_pricer(uow, [ORDERED])


def order_to_ship(
    store: Store, lines: list[DocumentLine], header: DocumentHeader = KZN, reserve: bool = True
) -> OrderId:
    p = pricer(store)
    with store.unit_of_work() as uow:
        order = uc.create_order(uow, p, header, ORDERED, lines)
        assert order.prices is not None
        if order.prices.awaiting_approval:  # a price cut: the head of sales agrees
            approval = ApprovalId(f"AP-{order.id}")
            clock = FixedClock.on(ORDERED)
            uc.request_order_approval(uow, order.id, approval, POLICY, clock, "ivanova")
            decide_approval(uow, approval, "head_of_sales", Decision.APPROVE, clock)
            uc.approve_order(uow, order.id)
        uc.confirm_order(uow, p, order.id, ORDERED, SAMPLE_CALENDAR, template=CREDIT)
        uc.secure_order(uow, order.id, ORDERED)
        if reserve:
            uc.reserve_order(uow, order.id, at(ORDERED))
        uc.ship_order(uow, order.id, ORDERED)
        uow.commit()
    return order.id


def cm(quantity: int, line_id: str = "1") -> DocumentLine:
    return DocumentLine(LineId(line_id), CM, Decimal(quantity))


def post(store: Store, number: str, requests: list[ShipRequest], day: date = SHIP_DAY) -> None:
    with store.unit_of_work() as uow:
        sc.post_shipment(
            uow,
            ShipmentId(number),
            KZN.partner_id,
            KZN.counterparty_id,
            day,
            requests,
            SAMPLE_CALENDAR,
            at=at(day),
        )
        uow.commit()


def free(store: Store, warehouse: WarehouseId = MAIN) -> Decimal:
    with store.unit_of_work() as uow:
        return uow.stock_ledger.balance(CM, warehouse, Bucket.free(), Quantity(1).unit).value


def debt(store: Store, on: date = date(2026, 4, 30)) -> Money:
    with store.unit_of_work() as uow:
        return load_ledger(uow.settlements, partner_id="VOLGA-KZN").balance(on)


def state(store: Store, order_id: OrderId, day: date = SHIP_DAY) -> str:
    with store.unit_of_work() as uow:
        return uc.order_state(uow, order_id, day).label


def actual_entries(store: Store) -> list[tuple[str, str, date, Money]]:
    with store.unit_of_work() as uow:
        entries = uow.settlements.entries(partner_id="VOLGA-KZN")
    return [
        (e.id, e.kind.value, e.due_date, e.amount)
        for e in sorted(entries, key=lambda e: e.id)
        if e.kind is not EntryKind.SCHEDULE
    ]


def test_a_partial_shipment_then_the_rest(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])  # 3 reserved; 9 free
    assert free(company) == 9
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(1))])
    # 1 of 3: the reserve goes first, free stock is untouched
    assert free(company) == 9
    assert state(company, order_id) == "partly shipped"
    # 3 × 18,300.00 (12,000 × 1.22 × 1.25) = 54,900.00, VAT 54,900 × 22/122 = 9,900.00;
    # 1/3 = 18,300.00, VAT 3,300.00; halves of 9,150.00 due 20 and 30 March
    assert actual_entries(company) == [
        (f"SH-1/{order_id}/1", "shipment", date(2026, 3, 20), rub("9150.00")),
        (f"SH-1/{order_id}/2", "shipment", date(2026, 3, 30), rub("9150.00")),
    ]
    post(company, "SH-2", [ShipRequest(order_id, LineId("1"), Decimal(2))], date(2026, 3, 12))
    assert state(company, order_id, date(2026, 3, 12)) == "waiting for payment"
    with company.unit_of_work() as uow:
        first, second = uow.shipments.of_order(order_id)
        order = uow.orders.get(order_id)
    assert order.prices is not None
    # the two shipments add up to the frozen order line to the kopeck
    assert first.vat + second.vat == order.prices.vat == rub("9900.00")
    assert (first.vat, second.vat) == (rub("3300.00"), rub("6600.00"))
    assert first.with_vat + second.with_vat == rub("54900.00") == debt(company)
    assert free(company) == 9


def test_one_shipment_from_two_orders_and_two_warehouses(company: Store) -> None:
    with company.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, STORE, Quantity(5), document="GR-9", at=at(ORDERED))
        uow.commit()
    first = order_to_ship(company, [cm(2)])  # reserves 2 at MAIN
    second = order_to_ship(company, [cm(4)], reserve=False)
    post(
        company,
        "SH-1",
        [
            ShipRequest(first, LineId("1"), Decimal(2)),
            ShipRequest(second, LineId("1"), Decimal(1), MAIN),
            ShipRequest(second, LineId("1"), Decimal(3), STORE),
        ],
    )
    # MAIN: 12 - 2 reserved - 1 free = 9 free; STORE-1: 5 - 3 = 2
    assert (free(company), free(company, STORE)) == (Decimal(9), Decimal(2))
    with company.unit_of_work() as uow:
        shipment = uow.shipments.get(ShipmentId("SH-1"))
    assert shipment.order_ids == (first, second)
    assert [(x.line_no, x.warehouse_id, x.with_vat) for x in shipment.lines] == [
        ("1", MAIN, rub("36600.00")),
        ("2", MAIN, rub("18300.00")),
        ("3", STORE, rub("54900.00")),
    ]
    # each order's debt is split over its own stages: 2 × 18,300 = 36,600 and
    # 4 × 18,300 = 73,200 in halves
    assert [(i, a) for i, _, _, a in actual_entries(company)] == [
        (f"SH-1/{first}/1", rub("18300.00")),
        (f"SH-1/{first}/2", rub("18300.00")),
        (f"SH-1/{second}/1", rub("36600.00")),
        (f"SH-1/{second}/2", rub("36600.00")),
    ]
    assert state(company, first) == state(company, second) == "waiting for payment"


def test_a_line_shipped_in_full_from_another_warehouse_frees_its_reserve(company: Store) -> None:
    with company.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, STORE, Quantity(5), document="GR-9", at=at(ORDERED))
        uow.commit()
    order_id = order_to_ship(company, [cm(2)])  # reserves 2 at MAIN: 10 free
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(1), STORE)])
    assert (free(company), free(company, STORE)) == (Decimal(10), Decimal(4))
    post(company, "SH-2", [ShipRequest(order_id, LineId("1"), Decimal(1), STORE)])
    with company.unit_of_work() as uow:
        held = uow.stock_ledger.balance(
            CM, MAIN, Bucket.reserved(order_id, LineId("1")), Quantity(1).unit
        )
    assert (free(company), free(company, STORE), held.value) == (
        Decimal(12),
        Decimal(3),
        Decimal(0),
    )


def test_an_over_shipment_is_refused_naming_what_is_left(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])
    before = (free(company), debt(company), actual_entries(company))
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match=r"only 1 of 3 is left to ship"),
    ):
        sc.post_shipment(
            uow,
            ShipmentId("SH-2"),
            KZN.partner_id,
            KZN.counterparty_id,
            SHIP_DAY,
            [ShipRequest(order_id, LineId("1"), Decimal(2))],
            SAMPLE_CALENDAR,
            at=at(SHIP_DAY),
        )
    assert (free(company), debt(company), actual_entries(company)) == before
    with company.unit_of_work() as uow:
        assert uow.shipments.find(ShipmentId("SH-2")) is None


def test_a_shipment_for_another_clients_order_is_refused(company: Store) -> None:
    cafe_order = order_to_ship(company, [cm(1)], header=CAFE)
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="belongs to client"):
        sc.post_shipment(
            uow,
            ShipmentId("SH-1"),
            KZN.partner_id,
            KZN.counterparty_id,
            SHIP_DAY,
            [ShipRequest(cafe_order, LineId("1"), Decimal(1))],
            SAMPLE_CALENDAR,
            at=at(SHIP_DAY),
        )


def test_short_stock_stores_nothing(company: Store) -> None:
    order_id = order_to_ship(company, [cm(20)], reserve=False)
    with company.unit_of_work() as uow, pytest.raises(InsufficientStockError):
        sc.post_shipment(
            uow,
            ShipmentId("SH-1"),
            KZN.partner_id,
            KZN.counterparty_id,
            SHIP_DAY,
            [ShipRequest(order_id, LineId("1"), Decimal(13))],
            SAMPLE_CALENDAR,
            at=at(SHIP_DAY),
        )
    assert (free(company), debt(company)) == (Decimal(12), rub("0.00"))
    with company.unit_of_work() as uow:
        assert uow.shipments.of_order(order_id) == []


def test_a_service_line_posts_debt_and_moves_no_stock(company: Store) -> None:
    setup = DocumentLine(LineId("2"), ProductId("SETUP"), Decimal(1), is_service=True)
    order_id = order_to_ship(company, [cm(1), setup])
    post(company, "SH-1", [ShipRequest(order_id, LineId("2"), Decimal(1))])
    with company.unit_of_work() as uow:
        (line,) = uow.shipments.get(ShipmentId("SH-1")).lines
        reserved = uow.stock_ledger.balance(
            CM, MAIN, Bucket.reserved(order_id, LineId("1")), Quantity(1).unit
        )
    assert (line.is_service, line.warehouse_id) == (True, None)
    assert (free(company), reserved.value) == (Decimal(11), Decimal(1))
    assert debt(company) == line.with_vat
    assert line.with_vat.is_positive()
    assert state(company, order_id) == "partly shipped"


def returned(store: Store, number: str, quantity: int, shipment: str = "SH-1") -> None:
    with store.unit_of_work() as uow:
        sc.post_return(
            uow,
            ReturnId(number),
            date(2026, 3, 16),
            [sc.ReturnItem(ShipmentId(shipment), CM, Decimal(quantity))],
            at=at(date(2026, 3, 16)),
        )
        uow.commit()


def test_a_client_return_at_the_original_discounted_price_after_a_price_increase(
    company: Store,
) -> None:
    # 3 at 17,100.00 (a price set by hand, 5 % below 18,000.00): 51,300.00
    order_id = order_to_ship(
        company, [DocumentLine(LineId("1"), CM, Decimal(3), price=rub("17100.00"))]
    )
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(3))])
    with company.unit_of_work() as uow:
        # purchase 13,000.00 from 12 March: today's price would be 19,500.00
        register_price(uow, PriceRecord(PURCHASE, CM, date(2026, 3, 12), rub("13000.00")))
        uow.commit()
    returned(company, "RT-1", 1)
    with company.unit_of_work() as uow:
        document = uow.customer_returns.get(ReturnId("RT-1"))
    # 51,300 × 1/3 = 17,100.00; VAT 51,300 × 22/122 = 9,250.82, a third is 3,083.61
    assert (document.with_vat, document.vat) == (rub("17100.00"), rub("3083.61"))
    assert free(company) == 10  # 12 - 3 + 1
    assert debt(company) == rub("34200.00")
    assert actual_entries(company)[0] == (
        f"RT-1/{order_id}",
        "return",
        date(2026, 3, 16),
        rub("-17100.00"),
    )
    # a return does not reopen the order (1C): shipped 3 in full, 1 returned, nothing
    # missing; the return's 17,100.00 settles the first planned stage (51,300 / 2 =
    # 25,650.00, due 12 March) in part: 8,550.00 of it is overdue
    with company.unit_of_work() as uow:
        after = uc.order_state(uow, order_id, date(2026, 3, 16))
    (line,) = after.lines
    assert (line.shipped, line.returned, line.remaining, line.missing) == tuple(
        map(Decimal, (3, 1, 0, 0))
    )
    assert [s.unpaid for s in after.stages] == [rub("8550.00"), rub("25650.00")]
    assert after.label == "payment overdue 4 days"
    assert "shipped 3, returned 1" in after.explain().as_text()


def test_a_return_above_what_was_shipped_is_refused(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3)])
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])
    returned(company, "RT-1", 1)
    before = (free(company), debt(company))
    with pytest.raises(ShipmentError, match=r"2 was shipped and 1 already returned"):
        returned(company, "RT-2", 2)
    with pytest.raises(ShipmentError, match="shipped no CM-300"), company.unit_of_work() as uow:
        sc.post_return(
            uow,
            ReturnId("RT-3"),
            date(2026, 3, 16),
            [sc.ReturnItem(ShipmentId("SH-1"), ProductId("CM-300"), Decimal(1))],
            at=at(date(2026, 3, 16)),
        )
    with pytest.raises(NotFoundError):
        returned(company, "RT-4", 1, shipment="SH-404")
    assert (free(company), debt(company)) == before
    with company.unit_of_work() as uow:
        assert [r.id for r in uow.customer_returns.of_order(order_id)] == ["RT-1"]


def test_an_exchange_on_an_agreed_request_leaves_the_debt_unchanged(company: Store) -> None:
    order_id = order_to_ship(company, [cm(2)])
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(2))])
    request = ReturnRequest(
        "RQ-1",
        KZN.partner_id,
        KZN.counterparty_id,
        date(2026, 3, 15),
        ShipmentId("SH-1"),
        ((CM, Decimal(1)),),
        exchange=True,
    )
    with company.unit_of_work() as uow:
        sc.create_return_request(uow, request)
        uow.commit()
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="agree it first"):
        sc.exchange(
            uow,
            ReturnId("RT-1"),
            ShipmentId("SH-2"),
            date(2026, 3, 16),
            [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(1))],
            SAMPLE_CALENDAR,
            at=at(date(2026, 3, 16)),
            request_id="RQ-1",
        )
    with company.unit_of_work() as uow:
        sc.agree_return_request(uow, "RQ-1")
        uow.commit()
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="agreed 1 of CM-100"):
        sc.post_return(
            uow,
            ReturnId("RT-1"),
            date(2026, 3, 16),
            [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(2))],
            at=at(date(2026, 3, 16)),
            request_id="RQ-1",
        )
    before = (free(company), debt(company))
    with company.unit_of_work() as uow:
        back, again = sc.exchange(
            uow,
            ReturnId("RT-1"),
            ShipmentId("SH-2"),
            date(2026, 3, 16),
            [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(1))],
            SAMPLE_CALENDAR,
            at=at(date(2026, 3, 16)),
            request_id="RQ-1",
        )
        uow.commit()
    # one CM-100 at 18,300.00; VAT 18,300 × 22/122 = 3,300.00
    assert (back.with_vat, again.with_vat) == (rub("18300.00"), rub("18300.00"))
    assert (back.vat, again.vat) == (rub("3300.00"), rub("3300.00"))
    assert again.replaces == "RT-1"
    assert (free(company), debt(company)) == before
    # everything is with the client again; the planned stage fell due on 12 March
    assert state(company, order_id, date(2026, 3, 16)) == "payment overdue 4 days"
    with company.unit_of_work() as uow:
        done = uow.return_requests.get("RQ-1")
    assert (done.status, done.return_id) == (ReturnRequestStatus.DONE, "RT-1")
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="is done"):
        sc.reject_return_request(uow, "RQ-1", "too late")


def test_orders_state_kinds_follow_the_shipments(company: Store) -> None:
    order_id = order_to_ship(company, [cm(2)])
    assert state(company, order_id) == OrderStateKind.READY_TO_SHIP.value


def test_goods_sold_in_2025_come_back_at_a_hand_typed_price_with_20_percent(
    company: Store,
) -> None:
    account = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1", "K-KZN-1")
    line = hand_priced_return_line(
        "1",
        CM,
        MAIN,
        Decimal(1),
        rub("15000.00"),
        sold_on=date(2025, 12, 20),
        category=VatCategory.GENERAL,
        vat_rates=russian_vat_rates(),
    )
    with company.unit_of_work() as uow:
        document = sc.post_return_without_shipment(
            uow,
            ReturnId("RT-1"),
            account,
            OrganizationId("ORG-1"),
            date(2026, 3, 16),
            [line],
            at=at(date(2026, 3, 16)),
        )
        uow.commit()
    # 15,000.00 × 20/120 = 2,500.00: the VAT of the 2025 sale, not 22 %
    assert (document.vat, document.lines[0].vat_rate.code) == (rub("2500.00"), "20")
    assert free(company) == Decimal(13)
    assert debt(company) == rub("-15000.00")


def test_after_a_return_paying_what_is_left_makes_the_order_ready_to_close(
    company: Store,
) -> None:
    order_id = order_to_ship(company, [cm(3)])
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(3))])
    returned(company, "RT-1", 1)
    # shipped 3 × 18,300.00 = 54,900.00, returned 18,300.00: 36,600.00 is owed
    assert debt(company) == rub("36600.00")
    account = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1", "K-KZN-1")
    with company.unit_of_work() as uow:
        record_payment(
            uow.settlements, Payment("PAY-1", account, date(2026, 3, 18), rub("36600.00"))
        )
        uow.commit()
    assert debt(company) == rub("0.00")
    # planned 27,450.00 + 27,450.00: the payment settles the first and 9,150.00 of the
    # second, the return's 18,300.00 the rest; nothing is missing, nothing to ship
    assert state(company, order_id, date(2026, 3, 18)) == "ready to close"
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="do not reopen"):
        sc.post_shipment(
            uow,
            ShipmentId("SH-2"),
            KZN.partner_id,
            KZN.counterparty_id,
            date(2026, 3, 18),
            [ShipRequest(order_id, LineId("1"), Decimal(1))],
            SAMPLE_CALENDAR,
            at=at(date(2026, 3, 18)),
        )
