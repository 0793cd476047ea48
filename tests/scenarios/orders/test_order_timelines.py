"""Golden timelines of quotes and orders on the sample company, through every store.

Each timeline is a dated sequence of use cases; the figures are worked out by
hand in the comments (the sample's wholesale price of a CM-100 coffee maker is
12,000.00 purchase × 1.2 VAT × 1.25 = 18,000.00 with VAT; the general VAT rate
is 22 % in 2026). A refused step must leave the stored documents as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest

from salescore.agreements import (
    AgreementId,
    ApprovalId,
    ApprovalPolicy,
    ApprovalRule,
    ContractId,
    Decision,
    DeviationKind,
)
from salescore.app import orders as uc
from salescore.app.agreements import decide_approval
from salescore.app.discount_rules import save_rule_set
from salescore.app.pricing import register_price
from salescore.app.sales import load_pricer
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import PURCHASE, load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR, load_sample_receivables
from salescore.demo.sample_reservation import load_sample_stock
from salescore.errors import NotFoundError, OrderError, TransitionRefusedError
from salescore.money import Money, Quantity
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    LineId,
    OrderId,
    OrderStatus,
    QuoteId,
    QuoteStatus,
    SalePricer,
    Shipped,
    reserve_claims,
)
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    ProductId,
    WarehouseId,
)
from salescore.pricing import PriceRecord
from salescore.receivables import (
    ControlPoint,
    CreditLimit,
    DayCount,
    DueEvent,
    LimitScope,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    StageKind,
    record_payment,
)
from salescore.reservation import ship
from salescore.tax import VatCategory
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
KZN_ACCOUNT = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1", "K-KZN-1")
CM = ProductId("CM-100")
POLICY = ApprovalPolicy((ApprovalRule("price cuts", ("head_of_sales",)),))
# 30 % advance on the order date, 20 % prepayment 2 working days before the
# shipment, 50 % on credit 10 calendar days after it.
THREE_KINDS = PaymentScheduleTemplate(
    "ADV30-PRE20-CR50",
    "30 % advance, 20 % prepayment, 50 % credit",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(
            StageKind.PREPAYMENT,
            Decimal(20),
            days=2,
            day_count=DayCount.WORKING,
            event=DueEvent.BEFORE_SHIPMENT,
        ),
        ScheduleStage(StageKind.CREDIT, days=10, event=DueEvent.SHIPMENT),
    ),
)


def rub(text: str) -> Money:
    return Money(text, "RUB")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def line(quantity: int, *, price: str | None = None, ship_on: date | None = None) -> DocumentLine:
    return DocumentLine(
        LineId("1"),
        CM,
        Decimal(quantity),
        planned_shipment=ship_on,
        price=None if price is None else rub(price),
    )


@pytest.fixture
def company(store: Store) -> Store:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        load_sample_receivables(uow)
        load_sample_stock(uow)
        uow.schedule_templates.add(THREE_KINDS)
        uow.commit()
    return store


def pricer(store: Store, *days: date) -> SalePricer:
    with store.unit_of_work() as uow:
        return load_pricer(uow, days)


def approve(store: Store, approval: str, day: date) -> None:
    with store.unit_of_work() as uow:
        decide_approval(
            uow, ApprovalId(approval), "head_of_sales", Decision.APPROVE, FixedClock.on(day)
        )
        uow.commit()


def test_a_proposal_negotiated_over_three_versions_is_accepted(company: Store) -> None:
    days = [date(2026, 3, d) for d in (2, 3, 4, 5)]
    p = pricer(company, *days)
    with company.unit_of_work() as uow:
        v1 = uc.create_quote(uow, p, QuoteId("KP-7"), KZN, days[0], date(2026, 3, 13), [line(5)])
        uc.send_quote(uow, v1.id, days[0])
        uow.commit()
    # wholesale CM-100 = purchase 12,000.00 × 1.22 (general VAT in 2026) × 1.25 = 18,300.00
    # v1: 5 × 18,300.00 = 91,500.00 with VAT; 91,500 × 22/122 = 16,500.00; 75,000.00 without
    assert v1.prices is not None
    assert (v1.prices.with_vat, v1.prices.vat, v1.prices.without_vat) == (
        rub("91500.00"),
        rub("16500.00"),
        rub("75000.00"),
    )
    with company.unit_of_work() as uow:
        # the client asks for 17,500.00: a price below the reference waits for approval
        v2 = uc.revise_quote(
            uow, p, v1.id, QuoteId("KP-7/2"), days[1], lines=[line(5, price="17500.00")]
        )
        uow.commit()
    assert v2.prices is not None
    (cut,) = v2.prices.deviations
    # 5 × (18,300.00 − 17,500.00) = 4,000.00
    assert (cut.kind, cut.amount) == (DeviationKind.PRICE_BELOW_REFERENCE, rub("4000.00"))
    with company.unit_of_work() as uow, pytest.raises(TransitionRefusedError) as refused:
        uc.send_quote(uow, v2.id, days[1])
    assert refused.value.guard == "approval"
    with company.unit_of_work() as uow:
        uc.request_quote_approval(
            uow, v2.id, ApprovalId("AP-KP-7/2"), POLICY, FixedClock.on(days[1]), "ivanova"
        )
        uow.commit()
    approve(company, "AP-KP-7/2", days[1])
    with company.unit_of_work() as uow:
        uc.approve_quote(uow, v2.id)
        uc.send_quote(uow, v2.id, days[1])
        # then the client wants ten at that price: a third version, approved again
        v3 = uc.revise_quote(
            uow, p, v2.id, QuoteId("KP-7/3"), days[2], lines=[line(10, price="17500.00")]
        )
        uc.request_quote_approval(
            uow, v3.id, ApprovalId("AP-KP-7/3"), POLICY, FixedClock.on(days[2]), "ivanova"
        )
        uow.commit()
    approve(company, "AP-KP-7/3", days[2])
    with company.unit_of_work() as uow:
        uc.approve_quote(uow, v3.id)
        uc.send_quote(uow, v3.id, days[2])
        accepted, order = uc.accept_quote(uow, v3.id, days[3])
        uow.commit()
    # v3: 10 × 17,500.00 = 175,000.00; VAT 175,000 × 22/122 = 31,557.38
    assert order.prices == accepted.prices
    assert order.prices is not None
    assert (order.prices.with_vat, order.prices.vat) == (rub("175000.00"), rub("31557.38"))
    assert (order.id, order.quote_id, order.approved) == ("ORG-1-2026-000001", "KP-7/3", True)
    with company.unit_of_work() as uow:
        history = [(q.id, q.revision, q.status) for q in uow.quotes.versions(v3.id)]
    assert history == [
        ("KP-7", 1, QuoteStatus.REPLACED),
        ("KP-7/2", 2, QuoteStatus.REPLACED),
        ("KP-7/3", 3, QuoteStatus.ACCEPTED),
    ]


def test_an_order_keeps_its_prices_after_a_price_change(company: Store) -> None:
    ordered, changed, later = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 6)
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        order = uc.create_order(uow, p, KZN, ordered, [line(2, ship_on=date(2026, 3, 10))])
        uc.confirm_order(uow, p, order.id, ordered, SAMPLE_CALENDAR)
        # purchase 13,000.00 from 5 March: wholesale 13,000 × 1.22 × 1.25 = 19,825.00
        register_price(uow, PriceRecord(PURCHASE, CM, changed, rub("13000.00")))
        uow.commit()
    p_later = pricer(company, later)
    with company.unit_of_work() as uow:
        (diff,) = uc.reprice_order(uow, p_later, order.id, later)
        stored = uow.orders.get(order.id)
    assert (diff.old_unit_price, diff.new_unit_price) == (rub("18300.00"), rub("19825.00"))
    assert (diff.old_net, diff.new_net, diff.net_change) == (
        rub("36600.00"),
        rub("39650.00"),
        rub("3050.00"),
    )
    # 36,600 × 22/122 = 300 × 22 = 6,600.00; 39,650 × 22/122 = 325 × 22 = 7,150.00
    assert (diff.old_vat, diff.new_vat) == (rub("6600.00"), rub("7150.00"))
    assert stored.prices == order.prices
    assert stored.status is OrderStatus.TO_PAY


def test_an_accepted_proposal_keeps_its_prices_when_confirmed_after_a_price_change(
    company: Store,
) -> None:
    p = pricer(company, date(2026, 3, 2), date(2026, 3, 6))
    with company.unit_of_work() as uow:
        quote = uc.create_quote(
            uow, p, QuoteId("KP-8"), KZN, date(2026, 3, 2), date(2026, 3, 9), [line(1)]
        )
        uc.send_quote(uow, quote.id, date(2026, 3, 2))
        _, order = uc.accept_quote(uow, quote.id, date(2026, 3, 3))
        register_price(uow, PriceRecord(PURCHASE, CM, date(2026, 3, 4), rub("13000.00")))
        confirmed = uc.confirm_order(uow, p, order.id, date(2026, 3, 6), SAMPLE_CALENDAR)
        uow.commit()
    assert confirmed.prices == quote.prices
    assert confirmed.prices is not None
    assert confirmed.prices.lines[0].unit_price == rub("18300.00")


def test_an_order_walks_every_status_with_advance_prepayment_and_credit_across_a_holiday(
    company: Store,
) -> None:
    ordered, ship_day = date(2026, 3, 2), date(2026, 3, 10)  # Monday; Tuesday after the 9th
    order_id = OrderId("ORG-1-2026-000001")
    timeline: list[str] = []
    p = pricer(company, ordered)

    def note(day: date, shipped: tuple[Shipped, ...] = ()) -> None:
        with company.unit_of_work() as uow:
            state = uc.order_state(uow, order_id, day, shipped)
            status = uow.orders.get(order_id).status.value
        timeline.append(f"{day} {status}: {state.label}")

    def pay(day: date, amount: str, number: int) -> None:
        with company.unit_of_work() as uow:
            record_payment(uow.settlements, Payment(f"PAY-{number}", KZN_ACCOUNT, day, rub(amount)))
            uow.commit()

    with company.unit_of_work() as uow:
        order = uc.create_order(uow, p, KZN, ordered, [line(2, ship_on=ship_day)])
        confirmed = uc.confirm_order(
            uow, p, order.id, ordered, SAMPLE_CALENDAR, template=THREE_KINDS
        )
        uow.commit()
    # 2 × 18,300.00 = 36,600.00: 30 % = 10,980.00 now, 20 % = 7,320.00 two working days
    # before Tue 10 March with Mon 9 March a holiday (so Thu 5 March), 50 % = 18,300.00
    # ten days after shipment (20 March).
    assert confirmed.schedule is not None
    assert [(s.kind.value, s.due_date, s.amount) for s in confirmed.schedule.stages] == [
        ("advance", date(2026, 3, 2), rub("10980.00")),
        ("prepayment", date(2026, 3, 5), rub("7320.00")),
        ("credit", date(2026, 3, 20), rub("18300.00")),
    ]
    note(ordered)
    with company.unit_of_work() as uow, pytest.raises(OrderError, match="advance paid"):
        uc.reserve_order(uow, order_id, at(ordered))
    pay(date(2026, 3, 3), "10980.00", 1)
    with company.unit_of_work() as uow:
        uc.secure_order(uow, order.id, date(2026, 3, 3))
        uow.commit()
    note(date(2026, 3, 3))
    with company.unit_of_work() as uow:
        (report,) = uc.reserve_order(uow, order.id, at(date(2026, 3, 4)))
        uow.commit()
    assert [str(m.quantity) for m in report.moves] == ["2 pcs"]
    note(date(2026, 3, 4))
    pay(date(2026, 3, 5), "7320.00", 2)
    note(date(2026, 3, 5))
    with company.unit_of_work() as uow:
        uc.ship_order(uow, order.id, date(2026, 3, 5))
        uow.commit()
    note(date(2026, 3, 5))
    first = (Shipped(order_id, LineId("1"), Decimal(1), ship_day, "SHIP-1"),)
    with company.unit_of_work() as uow:
        (claim,) = reserve_claims(uow.orders.get(order_id))
        ship(uow.stock_ledger, claim, Quantity(2), document="SHIP-1", at=at(ship_day))
        uow.commit()
    note(ship_day, first)
    both = (*first, Shipped(order_id, LineId("1"), Decimal(1), ship_day, "SHIP-1"))
    note(ship_day, both)
    note(date(2026, 3, 25), both)
    pay(date(2026, 3, 26), "18300.00", 3)
    note(date(2026, 3, 26), both)
    with company.unit_of_work() as uow:
        uc.close_order(uow, order.id, date(2026, 3, 26))
        uow.commit()
    note(date(2026, 3, 26), both)
    assert timeline == [
        "2026-03-02 to_pay: waiting for advance",
        "2026-03-03 to_secure: waiting for securing",
        "2026-03-04 to_secure: waiting for prepayment",
        "2026-03-05 to_secure: secured",
        "2026-03-05 to_ship: ready to ship",
        "2026-03-10 to_ship: partly shipped",
        "2026-03-10 to_ship: waiting for payment",
        "2026-03-25 to_ship: payment overdue 5 days",
        "2026-03-26 to_ship: ready to close",
        "2026-03-26 closed: closed",
    ]
    with company.unit_of_work() as uow:
        history = uow.orders.get(order.id).history
    assert [(e.action, e.on.day, e.status) for e in history] == [
        ("create", 2, "not_confirmed"),
        ("confirm", 2, "to_pay"),
        ("secure", 3, "to_secure"),
        ("ship", 5, "to_ship"),
        ("close", 26, "closed"),
    ]


def test_each_guard_refuses_its_transition_and_stores_nothing(company: Store) -> None:
    ordered = date(2026, 3, 2)
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        cut = uc.create_order(uow, p, KZN, ordered, [line(1, price="17000.00")])
        plain = uc.create_order(uow, p, KZN, ordered, [line(1, ship_on=date(2026, 3, 10))])
        uow.commit()
    refusals: dict[str, str] = {}

    def attempt(step: object, order_id: OrderId) -> None:
        with company.unit_of_work() as uow:
            before = uow.orders.get(order_id)
            with pytest.raises(TransitionRefusedError) as refused:
                step(uow)  # type: ignore[operator]
            refusals[refused.value.guard] = str(refused.value)
        with company.unit_of_work() as uow:
            assert uow.orders.get(order_id) == before

    attempt(lambda uow: uc.confirm_order(uow, p, cut.id, ordered, SAMPLE_CALENDAR), cut.id)
    with company.unit_of_work() as uow:
        uc.confirm_order(uow, p, plain.id, ordered, SAMPLE_CALENDAR, template=THREE_KINDS)
        uow.commit()
    attempt(lambda uow: uc.secure_order(uow, plain.id, ordered), plain.id)
    with company.unit_of_work() as uow:
        record_payment(uow.settlements, Payment("PAY-A", KZN_ACCOUNT, ordered, rub("5490.00")))
        uc.secure_order(uow, plain.id, ordered)
        uow.commit()
    attempt(lambda uow: uc.ship_order(uow, plain.id, date(2026, 3, 4)), plain.id)
    assert sorted(refusals) == ["advance", "approval", "prepayment"]
    # 1 × 18,300.00: advance 30 % = 5,490.00, prepayment 20 % = 3,660.00 due 5 March
    assert (
        "stage 2 (prepayment) 3660.00 RUB due 2026-03-05, paid 0.00 RUB" in refusals["prepayment"]
    )
    assert "price 17000.00 RUB is below the reference price 18300.00 RUB" in refusals["approval"]
    with company.unit_of_work() as uow, pytest.raises(OrderError, match="confirmed already"):
        uc.confirm_order(uow, p, plain.id, ordered, SAMPLE_CALENDAR, template=THREE_KINDS)


def test_a_price_below_the_reference_is_confirmed_once_approved(company: Store) -> None:
    ordered = date(2026, 3, 2)
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        order = uc.create_order(uow, p, KZN, ordered, [line(1, price="17000.00")])
        uc.request_order_approval(
            uow, order.id, ApprovalId("AP-1"), POLICY, FixedClock.on(ordered), "ivanova"
        )
        with pytest.raises(OrderError, match="approval 'AP-1' is pending"):
            uc.approve_order(uow, order.id)
        uow.commit()
    approve(company, "AP-1", ordered)
    with company.unit_of_work() as uow:
        uc.approve_order(uow, order.id)
        confirmed = uc.confirm_order(uow, p, order.id, ordered, SAMPLE_CALENDAR)
        uow.commit()
    assert (confirmed.status, confirmed.approval_id) == (OrderStatus.TO_PAY, "AP-1")
    assert confirmed.prices is not None
    assert confirmed.prices.lines[0].unit_price == rub("17000.00")


def test_credit_control_blocks_an_order_and_a_shipment(company: Store) -> None:
    ordered = date(2026, 3, 2)
    cafe = DocumentHeader(
        PartnerId("CAFE"),
        CounterpartyId("CAFE-IE"),
        OrganizationId("ORG-2"),
        AgreementId("IA-CAFE"),
        "RUB",
        WarehouseId("STORE-1"),
    )
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        # Cafe Aroma's 18,400.00 was due on 20 January: 41 days overdue > 30 allowed
        order = uc.create_order(
            uow, p, cafe, ordered, [DocumentLine(LineId("1"), ProductId("GR-10"), Decimal(1))]
        )
        with pytest.raises(TransitionRefusedError, match="overdue days 41 > 30") as refused:
            uc.confirm_order(uow, p, order.id, ordered, SAMPLE_CALENDAR)
        assert refused.value.guard == "credit at order"
        # Volga Kazan owes 45,000.50 due 5 March; its limit allows 10 overdue days at shipment
        uow.credit_limits.add(
            CreditLimit(
                "L-KZN",
                LimitScope.PARTNER,
                "VOLGA-KZN",
                "RUB",
                max_overdue_days=10,
                control_points=frozenset({ControlPoint.SHIPMENT}),
            )
        )
        kzn = uc.create_order(uow, p, KZN, ordered, [line(1, ship_on=date(2026, 3, 16))])
        uc.confirm_order(uow, p, kzn.id, ordered, SAMPLE_CALENDAR)  # NET-30: no advance
        uc.secure_order(uow, kzn.id, date(2026, 3, 3))
        uow.commit()
    with company.unit_of_work() as uow, pytest.raises(TransitionRefusedError) as blocked:
        uc.ship_order(uow, kzn.id, date(2026, 3, 16))
    assert blocked.value.guard == "credit at shipment"
    assert "overdue days 11 > 10" in str(blocked.value)
    with company.unit_of_work() as uow:
        old = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1")
        record_payment(uow.settlements, Payment("PAY-KZN", old, date(2026, 3, 16), rub("45000.50")))
        shipped = uc.ship_order(uow, kzn.id, date(2026, 3, 16))
        uow.commit()
    assert shipped.status is OrderStatus.TO_SHIP


def test_a_line_outside_the_agreement_is_refused_naming_it_and_nothing_is_stored(
    company: Store,
) -> None:
    ordered = date(2026, 3, 2)
    coffee = DocumentHeader(
        PartnerId("VOLGA-KZN"),
        CounterpartyId("KZN-LLC"),
        OrganizationId("ORG-1"),
        AgreementId("TA-WHOLESALE-COFFEE"),
        "RUB",
    )
    beans = DocumentLine(LineId("1"), ProductId("BEANS-ARABICA"), Decimal(2))
    machine = DocumentLine(LineId("2"), CM, Decimal(1))
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        with pytest.raises(OrderError, match=r"line 2 \(CM-100\) is outside agreement") as bad:
            uc.create_order(uow, p, coffee, ordered, [beans, machine])
        assert bad.value.details["lines"] == ("2",)
        assert uow.orders.next_id(OrganizationId("ORG-1"), 2026) == "ORG-1-2026-000001"
        order = uc.create_order(uow, p, coffee, ordered, [beans])
    assert order.prices is not None
    assert order.prices.lines[0].product_id == "BEANS-ARABICA"


def test_an_unknown_product_is_an_error_and_nothing_is_stored(company: Store) -> None:
    p = pricer(company, date(2026, 3, 2))
    ghost = DocumentLine(LineId("1"), ProductId("GHOST"), Decimal(1))
    with company.unit_of_work() as uow:
        with pytest.raises(NotFoundError, match="'GHOST' is not in the catalogue"):
            uc.create_order(uow, p, KZN, date(2026, 3, 2), [ghost])
        assert uow.orders.find(OrderId("ORG-1-2026-000001")) is None


def test_an_expired_proposal_is_not_accepted_and_stays_sent(company: Store) -> None:
    p = pricer(company, date(2026, 3, 2))
    with company.unit_of_work() as uow:
        quote = uc.create_quote(
            uow, p, QuoteId("KP-9"), KZN, date(2026, 3, 2), date(2026, 3, 6), [line(1)]
        )
        sent = uc.send_quote(uow, quote.id, date(2026, 3, 2))
        uow.commit()
    with company.unit_of_work() as uow:
        with pytest.raises(OrderError, match="expired on 2026-03-06"):
            uc.accept_quote(uow, quote.id, date(2026, 3, 7))
        assert uow.quotes.get(quote.id) == sent
        assert uow.orders.find(OrderId("ORG-1-2026-000001")) is None


def test_a_reduced_rate_product_is_taxed_at_10_percent_on_the_order_date(company: Store) -> None:
    with company.unit_of_work() as uow:
        beans = uow.products.get(ProductId("BEANS-ARABICA"))
        uow.products.save(attrs.evolve(beans, vat_category=VatCategory.REDUCED))
        uow.commit()
    p = pricer(company, date(2026, 3, 2))
    kg = DocumentLine(LineId("1"), ProductId("BEANS-ARABICA"), Decimal(2))
    with company.unit_of_work() as uow:
        order = uc.create_order(uow, p, KZN, date(2026, 3, 2), [kg])
    assert order.prices is not None
    frozen = order.prices.lines[0]
    # price includes VAT: VAT = net × 10/110, half up
    assert frozen.vat_rate.code == "10"
    assert frozen.vat_included
    # 2 kg at 1,817.20 = 3,634.40; 3,634.40 × 10/110 = 330.40
    assert (frozen.net, frozen.vat) == (rub("3634.40"), rub("330.40"))
    assert order.prices.without_vat + order.prices.vat == order.prices.with_vat


def test_re_pricing_is_applied_to_a_not_confirmed_order_only(company: Store) -> None:
    ordered, later = date(2026, 3, 2), date(2026, 3, 6)
    p = pricer(company, ordered)
    with company.unit_of_work() as uow:
        draft = uc.create_order(uow, p, KZN, ordered, [line(1)])
        confirmed = uc.create_order(uow, p, KZN, ordered, [line(1)])
        uc.confirm_order(uow, p, confirmed.id, ordered, SAMPLE_CALENDAR)
        register_price(uow, PriceRecord(PURCHASE, CM, date(2026, 3, 5), rub("13000.00")))
        uow.commit()
    p_later = pricer(company, later)
    with company.unit_of_work() as uow:
        (diff,) = uc.reprice_order(uow, p_later, draft.id, later, apply=True)
        with pytest.raises(OrderError, match="only an order that is not confirmed can be priced"):
            uc.reprice_order(uow, p_later, confirmed.id, later, apply=True)
        uow.commit()
    with company.unit_of_work() as uow:
        repriced = uow.orders.get(draft.id)
        kept = uow.orders.get(confirmed.id)
    # 13,000.00 × 1.22 × 1.25 = 19,825.00; kept: 12,000.00 × 1.22 × 1.25 = 18,300.00
    assert diff.new_unit_price == rub("19825.00")
    assert repriced.prices is not None
    assert repriced.prices.lines[0].unit_price == rub("19825.00")
    assert kept.prices is not None
    assert kept.prices.lines[0].unit_price == rub("18300.00")


def test_a_manual_discount_above_its_limit_in_a_revision_waits_for_approval(
    company: Store,
) -> None:
    with company.unit_of_work() as uow:
        save_rule_set(uow, sample_rule_set())
        uow.commit()
    p = pricer(company, date(2026, 3, 2), date(2026, 3, 3))
    generous = DocumentLine(LineId("1"), CM, Decimal(5), manual_discounts={"MANAGER": Decimal(8)})
    with company.unit_of_work() as uow:
        first = uc.create_quote(
            uow, p, QuoteId("KP-3"), KZN, date(2026, 3, 2), date(2026, 3, 13), [line(5)]
        )
        second = uc.revise_quote(
            uow, p, first.id, QuoteId("KP-3/2"), date(2026, 3, 3), lines=[generous], by="ivanova"
        )
        uow.commit()
    assert first.prices is not None
    assert second.prices is not None
    assert first.prices.deviations == ()
    assert "MANAGER" in second.prices.lines[0].rule_ids
    (excess,) = second.prices.deviations
    assert excess.kind is DeviationKind.DISCOUNT_ABOVE_LIMIT
    assert "above the limit 3% of agreement IA-VOLGA-KZN" in excess.message
    assert "VAT" in second.prices.lines[0].explanation.as_text()
    with (
        company.unit_of_work() as uow,
        pytest.raises(TransitionRefusedError, match="await approval"),
    ):
        uc.send_quote(uow, second.id, date(2026, 3, 3))
    with company.unit_of_work() as uow:
        uc.request_quote_approval(
            uow,
            second.id,
            ApprovalId("AP-KP-3"),
            POLICY,
            FixedClock.on(date(2026, 3, 3)),
            "ivanova",
        )
        uow.commit()
    approve(company, "AP-KP-3", date(2026, 3, 3))
    with company.unit_of_work() as uow:
        uc.approve_quote(uow, second.id)
        sent = uc.send_quote(uow, second.id, date(2026, 3, 3))
        uow.commit()
    assert sent.status is QuoteStatus.SENT


def test_skipping_a_status_through_the_use_cases_is_an_error(company: Store) -> None:
    p = pricer(company, date(2026, 3, 2))
    with company.unit_of_work() as uow:
        order = uc.create_order(uow, p, KZN, date(2026, 3, 2), [line(1)])
        with pytest.raises(OrderError, match="only an order that is to secure can be released"):
            uc.ship_order(uow, order.id, date(2026, 3, 2))
        with pytest.raises(OrderError, match="only an order that is to pay can be released"):
            uc.secure_order(uow, order.id, date(2026, 3, 2))
        with pytest.raises(OrderError, match="only an order that is to pay or to secure or"):
            uc.close_order(uow, order.id, date(2026, 3, 2))
        assert uow.orders.get(order.id) == order
