"""Quote and order transitions and their guards."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.orders._fixtures import (
    ORDER_DAY,
    frozen_line,
    order,
    price_cut,
    prices,
    quote,
    rub,
    schedule_for,
)
from tests.unit.orders._ledger import ledger_of

from salescore.errors import OrderError, TransitionRefusedError
from salescore.orders import (
    Order,
    OrderId,
    OrderStatus,
    QuoteId,
    QuoteStatus,
    accept_quote,
    approve_order,
    cancel_order,
    close_order,
    confirm_order,
    order_from_quote,
    price_order,
    price_quote,
    reject_quote,
    release_for_securing,
    release_for_shipment,
    revise_quote,
    send_quote,
)
from salescore.receivables import (
    ControlPoint,
    CreditDecision,
    LimitBreach,
    Verdict,
)

PRICES = prices(frozen_line("1", "2", "5000.00"))  # 10,000.00 with VAT
BLOCK = CreditDecision(
    "X",
    ORDER_DAY,
    Verdict.BLOCK,
    (
        LimitBreach(
            "L1", "partner VOLGA", "debt", "50000.00", "60000.00", "70000.00", Verdict.BLOCK
        ),
    ),
)


def confirmed() -> Order:
    priced = price_order(order(), PRICES)
    done, _ = confirm_order(priced, ORDER_DAY, schedule_for(PRICES.with_vat))
    return done


def test_confirming_freezes_prices_and_the_schedule_and_moves_to_pay() -> None:
    done, event = confirm_order(
        price_order(order(), PRICES), ORDER_DAY, schedule_for(PRICES.with_vat), by="petrov"
    )
    assert done.status is OrderStatus.TO_PAY
    assert done.prices == PRICES
    assert done.schedule is not None
    assert done.schedule.total == rub("10000.00")
    assert (event.action, event.status, event.by) == ("confirm", "to_pay", "petrov")
    assert done.history == (event,)


def test_confirming_twice_is_an_error() -> None:
    with pytest.raises(OrderError, match="confirmed already"):
        confirm_order(confirmed(), ORDER_DAY, schedule_for(PRICES.with_vat))


def test_an_unpriced_order_cannot_be_confirmed() -> None:
    with pytest.raises(OrderError, match="not priced"):
        confirm_order(order(), ORDER_DAY, schedule_for(PRICES.with_vat))


def test_an_event_dated_before_the_order_is_refused() -> None:
    with pytest.raises(OrderError, match="before it"):
        confirm_order(price_order(order(), PRICES), date(2026, 3, 1), schedule_for(PRICES.with_vat))


def test_a_schedule_of_another_total_is_refused() -> None:
    with pytest.raises(OrderError, match="generate the schedule"):
        confirm_order(price_order(order(), PRICES), ORDER_DAY, schedule_for(rub("9999.99")))


def test_deviations_awaiting_approval_refuse_confirmation_until_approved() -> None:
    cut = prices(frozen_line("1", "2", "5000.00"), deviations=(price_cut(),))
    priced = price_order(order(), cut)
    with pytest.raises(TransitionRefusedError) as refused:
        confirm_order(priced, ORDER_DAY, schedule_for(cut.with_vat))
    assert refused.value.guard == "approval"
    assert refused.value.figures == ("approval: line 1: price below the reference",)
    done, _ = confirm_order(approve_order(priced, "AP-1"), ORDER_DAY, schedule_for(cut.with_vat))
    assert done.status is OrderStatus.TO_PAY
    assert done.approval_id == "AP-1"


def test_a_credit_block_at_the_order_control_point_refuses_confirmation() -> None:
    with pytest.raises(TransitionRefusedError, match="order control point is block") as refused:
        confirm_order(
            price_order(order(), PRICES), ORDER_DAY, schedule_for(PRICES.with_vat), credit=BLOCK
        )
    assert refused.value.guard == f"credit at {ControlPoint.ORDER.value}"
    assert "debt 70000.00 > 50000.00" in str(refused.value)


def test_unpaid_advance_refuses_securing_naming_the_stage() -> None:
    done = confirmed()
    with pytest.raises(TransitionRefusedError) as refused:
        release_for_securing(
            done, date(2026, 3, 3), ledger_of(done, (date(2026, 3, 3), rub("1000.00")))
        )
    assert refused.value.guard == "advance"
    assert refused.value.figures == (
        "stage 1 (advance) 3000.00 RUB due 2026-03-02, paid 1000.00 RUB",
    )


def test_paid_advance_allows_securing_but_unpaid_prepayment_refuses_shipment() -> None:
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("3000.00")))
    secured, _ = release_for_securing(done, date(2026, 3, 3), ledger)
    assert secured.status is OrderStatus.TO_SECURE
    with pytest.raises(TransitionRefusedError) as refused:
        release_for_shipment(secured, date(2026, 3, 4), ledger)
    assert refused.value.guard == "prepayment"
    assert refused.value.figures == (
        "stage 2 (prepayment) 2000.00 RUB due 2026-03-05, paid 0.00 RUB",
    )


def test_a_credit_block_at_shipment_refuses_shipping_even_when_prepaid() -> None:
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("5000.00")))
    secured, _ = release_for_securing(done, date(2026, 3, 3), ledger)
    with pytest.raises(TransitionRefusedError) as refused:
        release_for_shipment(secured, date(2026, 3, 5), ledger, credit=BLOCK)
    assert refused.value.guard == "credit at shipment"
    shipped, _ = release_for_shipment(secured, date(2026, 3, 5), ledger)
    closed, _ = close_order(shipped, date(2026, 3, 31))
    assert [e.status for e in closed.history] == ["to_pay", "to_secure", "to_ship", "closed"]


def test_skipping_a_status_is_an_error() -> None:
    done = confirmed()
    with pytest.raises(OrderError, match="only an order that is to secure"):
        release_for_shipment(done, ORDER_DAY, ledger_of(done))


def test_cancel_needs_a_reason_and_a_closed_order_cannot_be_cancelled() -> None:
    with pytest.raises(OrderError, match="needs a reason"):
        cancel_order(order(), ORDER_DAY, " ")
    cancelled, event = cancel_order(confirmed(), ORDER_DAY, "client went elsewhere")
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.cancel_reason == event.note == "client went elsewhere"
    with pytest.raises(OrderError, match="is cancelled"):
        cancel_order(cancelled, ORDER_DAY, "again")


def test_a_quote_is_sent_accepted_and_becomes_an_order_keeping_its_prices() -> None:
    draft = price_quote(quote(), PRICES)
    sent, _ = send_quote(draft, ORDER_DAY)
    accepted, _ = accept_quote(sent, date(2026, 3, 4))
    made, event = order_from_quote(accepted, OrderId("TD-2026-000007"), date(2026, 3, 4))
    assert accepted.status is QuoteStatus.ACCEPTED
    assert made.prices == PRICES
    assert made.quote_id == "KP-1"
    assert made.status is OrderStatus.NOT_CONFIRMED
    assert event.note == "KP-1"


def test_an_expired_proposal_cannot_be_sent_or_accepted() -> None:
    sent, _ = send_quote(price_quote(quote(), PRICES), ORDER_DAY)
    with pytest.raises(OrderError, match="expired on 2026-03-16"):
        accept_quote(sent, date(2026, 3, 17))
    with pytest.raises(OrderError, match="expired"):
        send_quote(price_quote(quote(), PRICES), date(2026, 3, 17))


def test_a_quote_with_deviations_is_not_sent_before_approval() -> None:
    draft = price_quote(
        quote(), prices(frozen_line("1", "2", "5000.00"), deviations=(price_cut(),))
    )
    with pytest.raises(TransitionRefusedError, match="await approval"):
        send_quote(draft, ORDER_DAY)


def test_a_credit_block_at_the_quote_control_point_refuses_sending() -> None:
    with pytest.raises(TransitionRefusedError) as refused:
        send_quote(price_quote(quote(), PRICES), ORDER_DAY, credit=BLOCK)
    assert refused.value.guard == "credit at quote"


def test_a_revision_replaces_the_old_version_and_chains_to_it() -> None:
    sent, _ = send_quote(price_quote(quote(), PRICES), ORDER_DAY)
    rejected, _ = reject_quote(sent, date(2026, 3, 3), "too expensive")
    old, new, event = revise_quote(rejected, QuoteId("KP-1/2"), date(2026, 3, 4))
    assert old.status is QuoteStatus.REPLACED
    assert event.note == "by KP-1/2"
    assert (new.revision, new.previous_id, new.status) == (2, "KP-1", QuoteStatus.DRAFT)
    assert new.prices is None
    assert new.lines == sent.lines
    with pytest.raises(OrderError, match="only a draft or sent or rejected quote"):
        revise_quote(old, QuoteId("KP-1/3"), date(2026, 3, 4))


def test_a_confirmed_order_explains_its_prices_schedule_and_history() -> None:
    text = confirmed().explain().as_text()
    assert "status = to pay" in text
    assert "total with VAT = 10000.00 RUB" in text
    assert "stage 2: prepayment 20%, due 2 working day(s) before shipment" in text
    assert "2026-03-02 confirm = to_pay" in text


def test_a_revised_quote_explains_its_version_and_history() -> None:
    sent, _ = send_quote(price_quote(quote(), PRICES), ORDER_DAY, by="petrov")
    _, new, _ = revise_quote(sent, QuoteId("KP-1/2"), date(2026, 3, 3), by="petrov")
    text = price_quote(new, PRICES).explain().as_text()
    assert "revision = 2  (of KP-1)" in text
    assert "2026-03-03 revise = draft  (petrov from KP-1)" in text
    assert "total with VAT = 10000.00 RUB" in text
