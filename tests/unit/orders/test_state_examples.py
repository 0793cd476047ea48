"""An order's derived state after returns, corrections, partial reserves and odd shipments.

The order: 2 pcs at 5,000.00 with VAT inside, 10,000.00, on 2026-03-02, paid by
the schedule 30 % advance (3,000.00 due 2026-03-02), 20 % prepayment (2,000.00
due 2026-03-05) and 50 % credit (5,000.00 due 2026-03-20). The ledger here
holds the order's actual debt as well (shipments, returns, corrections) and
another order's entries of the same client. Everything is built inside the
tests: mutation testing switches code on after the imports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.unit.orders._fixtures import (
    CALENDAR,
    ORDER_DAY,
    SHIP_DAY,
    frozen_line,
    order,
    price_cut,
    prices,
    rub,
    schedule_for,
)

from salescore.money import Quantity
from salescore.orders import (
    DocumentLine,
    LineId,
    Order,
    OrderStateKind,
    OrderStatus,
    Shipped,
    StagePayment,
    confirm_order,
    derive_state,
    price_order,
    stage_payments,
)
from salescore.parties import PartnerId, ProductId, WarehouseId
from salescore.receivables import (
    DueEvent,
    EntryKind,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    allocate_payments,
    schedule_entries,
)
from salescore.reservation import Bucket, LedgerEntry, Move, Operation, OrderId, SupplyOption

ORDER_ID = OrderId("TD-2026-000001")
OTHER_ID = OrderId("TD-2026-000002")


def confirmed(*lines: DocumentLine, one_stage: bool = False) -> Order:
    frozen = prices(frozen_line("1", "2", "5000.00"))
    schedule = schedule_for(frozen.with_vat)
    if one_stage:  # 100 % credit, 10 days after shipment
        template = PaymentScheduleTemplate(
            "CREDIT", "credit", (ScheduleStage(StageKind.CREDIT, days=10, event=DueEvent.SHIPMENT),)
        )
        schedule = template.generate(frozen.with_vat, ORDER_DAY, SHIP_DAY, CALENDAR)
    draft = order(lines=lines) if lines else order()
    done, _ = confirm_order(price_order(draft, frozen), ORDER_DAY, schedule)
    return done


def ledger(
    done: Order,
    actual: tuple[tuple[EntryKind, date, str], ...] = (),
    payments: tuple[tuple[date, str], ...] = (),
    *,
    planned_on: date = ORDER_DAY,
) -> SettlementLedger:
    """The order's schedule posted on ``planned_on``, its actual debt and payments, and
    another client's order: shipped 1,000.00, corrected up by 500.00 and down by 300.00,
    unpaid."""
    assert done.schedule is not None
    account = SettlementAccount(done.header.partner_id, done.header.currency)
    other = SettlementAccount(PartnerId("OTHER"), done.header.currency)
    entries = schedule_entries(done.schedule, account, done.id, planned_on)
    for n, (kind, on, amount) in enumerate(actual, 1):
        entries.append(
            SettlementEntry(f"{done.id}/{n}", kind, account, done.id, f"D-{n}", on, on, rub(amount))
        )
    for n, (kind, amount) in enumerate(
        [
            (EntryKind.SHIPMENT, "1000.00"),
            (EntryKind.CORRECTION, "500.00"),
            (EntryKind.RETURN, "-300.00"),
        ],
        1,
    ):
        entries.append(
            SettlementEntry(
                f"{OTHER_ID}/{n}", kind, other, OTHER_ID, f"O-{n}", ORDER_DAY, SHIP_DAY, rub(amount)
            )
        )
    paid = [Payment(f"PAY-{i}", account, on, rub(a)) for i, (on, a) in enumerate(payments, 1)]
    return SettlementLedger(entries, paid, allocate_payments(entries, paid))


def paid(stages: tuple[StagePayment, ...]) -> list[str]:
    return [str(s.paid) for s in stages]


SHIPPED = (EntryKind.SHIPMENT, date(2026, 3, 10), "10000.00")


def both_shipped() -> tuple[Shipped, ...]:
    return (Shipped(ORDER_ID, LineId("1"), Decimal(2), date(2026, 3, 10)),)


def returned_one(on: date = date(2026, 3, 12)) -> tuple[Shipped, ...]:
    return (*both_shipped(), Shipped(ORDER_ID, LineId("1"), Decimal(-1), on))


def test_a_return_settles_the_unpaid_credit_stage_as_a_payment_would() -> None:
    # Paid 5,000.00 (advance and prepayment); one of two pieces (5,000.00) comes back on
    # 2026-03-12: the credit stage is settled by it and the order is ready to close.
    done = confirmed()
    books = ledger(
        done,
        (SHIPPED, (EntryKind.RETURN, date(2026, 3, 12), "-5000.00")),
        ((date(2026, 3, 3), "5000.00"),),
    )
    before = derive_state(done, books, (), both_shipped(), on=date(2026, 3, 11))
    assert before.kind is OrderStateKind.WAITING_FOR_PAYMENT
    assert paid(before.stages) == ["3000.00 RUB", "2000.00 RUB", "0.00 RUB"]
    after = derive_state(done, books, (), returned_one(), on=date(2026, 3, 12))
    assert after.kind is OrderStateKind.READY_TO_CLOSE
    assert paid(after.stages) == ["3000.00 RUB", "2000.00 RUB", "5000.00 RUB"]
    assert (after.lines[0].shipped, after.lines[0].returned) == (Decimal(2), Decimal(1))
    assert after.explain().as_text().splitlines()[-1] == (
        "  4. line 1: ordered 2 = reserved 0, missing 0, shipped 2, returned 1"
    )


def test_a_return_larger_than_what_is_left_pays_a_stage_only_up_to_its_amount() -> None:
    # Paid 7,000.00: the credit stage has 2,000.00 of 5,000.00; the 5,000.00 return pays
    # the remaining 3,000.00, no more.
    done = confirmed()
    books = ledger(
        done,
        (SHIPPED, (EntryKind.RETURN, date(2026, 3, 12), "-5000.00")),
        ((date(2026, 3, 3), "7000.00"),),
    )
    state = derive_state(done, books, (), returned_one(), on=date(2026, 3, 12))
    assert paid(state.stages) == ["3000.00 RUB", "2000.00 RUB", "5000.00 RUB"]
    assert [str(s.unpaid) for s in state.stages] == ["0.00 RUB"] * 3


def test_a_return_settles_the_earliest_due_stages_first_until_it_is_spent() -> None:
    # Only the advance paid; the 5,000.00 return pays the prepayment (2,000.00) and then
    # 3,000.00 of the credit stage.
    done = confirmed()
    books = ledger(
        done,
        (SHIPPED, (EntryKind.RETURN, date(2026, 3, 12), "-5000.00")),
        ((date(2026, 3, 2), "3000.00"),),
    )
    assert paid(stage_payments(done, books, date(2026, 3, 12))) == [
        "3000.00 RUB",
        "2000.00 RUB",
        "3000.00 RUB",
    ]
    # The day before the return nothing is settled by it.
    assert paid(stage_payments(done, books, date(2026, 3, 11))) == [
        "3000.00 RUB",
        "0.00 RUB",
        "0.00 RUB",
    ]


def test_a_correction_above_the_schedule_is_taken_off_what_a_return_settles() -> None:
    # Shipped 10,000.00, corrected up by 1,000.00 on 2026-03-11 (11,000.00: 1,000.00 above
    # the schedule), one piece returned (5,000.00): 5,000.00 - 1,000.00 = 4,000.00 settles
    # stages; with 5,000.00 paid, the credit stage has 4,000.00 of 5,000.00.
    done = confirmed()
    books = ledger(
        done,
        (
            SHIPPED,
            (EntryKind.CORRECTION, date(2026, 3, 11), "1000.00"),
            (EntryKind.RETURN, date(2026, 3, 12), "-5000.00"),
        ),
        ((date(2026, 3, 3), "5000.00"),),
    )
    state = derive_state(done, books, (), returned_one(), on=date(2026, 3, 12))
    assert paid(state.stages) == ["3000.00 RUB", "2000.00 RUB", "4000.00 RUB"]
    assert state.kind is OrderStateKind.WAITING_FOR_PAYMENT


def test_a_one_kopeck_correction_down_settles_one_kopeck() -> None:
    done = confirmed()
    books = ledger(
        done,
        (SHIPPED, (EntryKind.CORRECTION, date(2026, 3, 12), "-0.01")),
        ((date(2026, 3, 3), "5000.00"),),
    )
    assert paid(stage_payments(done, books, date(2026, 3, 12))) == [
        "3000.00 RUB",
        "2000.00 RUB",
        "0.01 RUB",
    ]


def test_a_return_settles_a_single_stage_schedule() -> None:
    # 100 % credit: the 5,000.00 return pays half of it.
    done = confirmed(one_stage=True)
    books = ledger(done, (SHIPPED, (EntryKind.RETURN, date(2026, 3, 12), "-5000.00")))
    assert paid(stage_payments(done, books, date(2026, 3, 12))) == ["5000.00 RUB"]


def test_an_order_paid_by_its_stages_still_owes_an_upward_correction_until_it_is_paid() -> None:
    # Paid 10,000.00 by the schedule; a correction adds 1,000.00 on 2026-03-15: not ready to
    # close until that is paid too (the other client's open correction is not this order's).
    done = confirmed()
    correction = (EntryKind.CORRECTION, date(2026, 3, 15), "1000.00")
    owing = ledger(done, (SHIPPED, correction), ((date(2026, 3, 3), "10000.00"),))
    state = derive_state(done, owing, (), both_shipped(), on=date(2026, 3, 16))
    assert state.kind is OrderStateKind.WAITING_FOR_PAYMENT
    assert (state.overdue_days, state.label) == (0, "waiting for payment")
    settled = ledger(
        done,
        (SHIPPED, correction),
        ((date(2026, 3, 3), "10000.00"), (date(2026, 3, 16), "1000.00")),
    )
    assert derive_state(done, settled, (), both_shipped(), on=date(2026, 3, 16)).kind is (
        OrderStateKind.READY_TO_CLOSE
    )


def test_a_stage_posted_to_the_ledger_after_the_date_asked_is_unpaid_on_it() -> None:
    # The schedule reached the ledger on 2026-03-05: on 2026-03-03 nothing of it is paid,
    # so the order waits for its advance.
    done = confirmed()
    books = ledger(done, (), ((date(2026, 3, 5), "3000.00"),), planned_on=date(2026, 3, 5))
    early = derive_state(done, books, on=date(2026, 3, 3))
    assert early.kind is OrderStateKind.WAITING_FOR_ADVANCE
    assert paid(early.stages) == ["0.00 RUB", "0.00 RUB", "0.00 RUB"]
    assert paid(stage_payments(done, books, date(2026, 3, 5))) == [
        "3000.00 RUB",
        "0.00 RUB",
        "0.00 RUB",
    ]


def test_an_order_not_confirmed_closed_or_cancelled_has_the_state_of_its_status() -> None:
    frozen = prices(frozen_line("1", "2", "5000.00"))
    cut = prices(frozen_line("1", "2", "5000.00"), deviations=(price_cut(),))
    books = ledger(confirmed())

    def kind(document: Order) -> OrderStateKind:
        state = derive_state(document, books, on=ORDER_DAY)
        assert state.overdue_days == 0
        return state.kind

    assert kind(order()) is OrderStateKind.NOT_CONFIRMED
    assert kind(price_order(order(), frozen)) is OrderStateKind.NOT_CONFIRMED
    assert kind(price_order(order(), cut)) is OrderStateKind.WAITING_FOR_APPROVAL
    approved = order(prices=cut, approved=True)
    assert kind(approved) is OrderStateKind.NOT_CONFIRMED
    assert kind(order(status=OrderStatus.CLOSED)) is OrderStateKind.CLOSED
    assert kind(order(status=OrderStatus.CANCELLED)) is OrderStateKind.CANCELLED


def test_a_stage_due_today_is_not_overdue_yet() -> None:
    # The credit stage (5,000.00) is due 2026-03-20: waiting on that day, 1 day overdue after.
    done = confirmed()
    books = ledger(done, (SHIPPED,), ((date(2026, 3, 3), "5000.00"),))
    due = derive_state(done, books, (), both_shipped(), on=date(2026, 3, 20))
    assert (due.kind, due.overdue_days) == (OrderStateKind.WAITING_FOR_PAYMENT, 0)
    late = derive_state(done, books, (), both_shipped(), on=date(2026, 3, 21))
    assert (late.kind, late.label) == (OrderStateKind.PAYMENT_OVERDUE, "payment overdue 1 day")


def reserve(quantity: str, on: date, *, release: bool = False) -> LedgerEntry:
    reserved = Bucket.reserved(ORDER_ID, LineId("1"))
    move = Move(
        ProductId("P1"),
        WarehouseId("MAIN"),
        reserved if release else Bucket.free(),
        Bucket.free() if release else reserved,
        Quantity(quantity),
    )
    operation = Operation.RELEASE_EXCESS if release else Operation.RESERVE_FROM_STOCK
    return LedgerEntry(
        1, move, operation, ORDER_ID, datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    )


def test_one_piece_not_reserved_keeps_the_order_waiting_for_securing() -> None:
    # 2 pcs ordered, advance paid; 1 reserved leaves 1 missing.
    done = confirmed()
    books = ledger(done, (), ((date(2026, 3, 2), "3000.00"),))
    state = derive_state(done, books, [reserve("1", date(2026, 3, 3))], on=date(2026, 3, 3))
    assert (state.lines[0].reserved, state.lines[0].missing) == (Decimal(1), Decimal(1))
    assert state.kind is OrderStateKind.WAITING_FOR_SECURING


def test_reserve_released_from_a_line_is_no_longer_counted() -> None:
    # 5 pcs ordered: 3 reserved, then 1 released: 2 reserved, 3 missing.
    line = DocumentLine(LineId("1"), ProductId("P1"), Decimal(5))
    done = confirmed(line)
    moves = [reserve("3", date(2026, 3, 3)), reserve("1", date(2026, 3, 4), release=True)]
    state = derive_state(done, ledger(done), moves, on=date(2026, 3, 4))
    assert (state.lines[0].reserved, state.lines[0].missing) == (Decimal(2), Decimal(3))


def test_shipments_count_by_order_fractions_and_zero_and_returns_by_line() -> None:
    # Line 1 (kg goods): 0.5 shipped, then 0.000 (an empty goods issue); line 2: 1 shipped
    # and returned. Another order's shipment of its line 1 is not this order's.
    done = confirmed(
        DocumentLine(LineId("1"), ProductId("P1"), Decimal("1.5")),
        DocumentLine(LineId("2"), ProductId("P2"), Decimal(1)),
    )
    shipments = (
        Shipped(ORDER_ID, LineId("1"), Decimal("0.5"), date(2026, 3, 10)),
        Shipped(ORDER_ID, LineId("1"), Decimal("0.000"), date(2026, 3, 10)),
        Shipped(OTHER_ID, LineId("1"), Decimal(1), date(2026, 3, 10)),
        Shipped(ORDER_ID, LineId("2"), Decimal(1), date(2026, 3, 10)),
        Shipped(ORDER_ID, LineId("2"), Decimal(-1), date(2026, 3, 11)),
    )
    state = derive_state(done, ledger(done), (), shipments, on=date(2026, 3, 11))
    assert [(x.shipped, x.returned, x.remaining) for x in state.lines] == [
        (Decimal("0.5"), Decimal(0), Decimal("1.0")),
        (Decimal(1), Decimal(1), Decimal(0)),
    ]
    assert state.kind is OrderStateKind.PARTLY_SHIPPED
    assert state.explain().as_text().splitlines()[-2:] == [
        "  4. line 1: ordered 1.5 = reserved 0, missing 1.000, shipped 0.500",
        "  5. line 2: ordered 1 = reserved 0, missing 0, shipped 1, returned 1",
    ]


def test_goods_that_need_no_securing_are_never_missing() -> None:
    # A goods line whose supply is not required and a service line: advance paid, nothing
    # reserved, the order waits for its prepayment, not for securing.
    done = confirmed(
        DocumentLine(LineId("1"), ProductId("P1"), Decimal(2), supply=SupplyOption.NOT_REQUIRED),
        DocumentLine(LineId("2"), ProductId("SETUP"), Decimal(1), is_service=True),
    )
    books = ledger(done, (), ((date(2026, 3, 2), "3000.00"),))
    state = derive_state(done, books, on=date(2026, 3, 3))
    assert [(x.needs_securing, x.missing) for x in state.lines] == [(False, Decimal(0))] * 2
    assert state.kind is OrderStateKind.WAITING_FOR_PREPAYMENT
