"""Every transition's event and history, the document it keeps, and the full words of each
refusal: what a manager reads in the document's history and on a refused button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest
from tests.unit.orders._fixtures import (
    HEADER,
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
from tests.unit.orders.test_status import BLOCK

from salescore.agreements import Deviation, Severity
from salescore.errors import OrderError, TransitionRefusedError
from salescore.orders import (
    DocumentEvent,
    Order,
    OrderId,
    OrderStatus,
    Quote,
    QuoteId,
    QuoteStatus,
    accept_quote,
    approve_order,
    approve_quote,
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

PRICES = prices(frozen_line("1", "2", "5000.00"))  # 10,000.00 with VAT
CUT = prices(frozen_line("1", "2", "5000.00"), deviations=(price_cut(),))
NEXT_DAY = date(2026, 3, 3)
BEFORE = date(2026, 3, 1)


def sent() -> Quote:
    done, _ = send_quote(price_quote(quote(), PRICES), ORDER_DAY)
    return done


def accepted() -> Quote:
    done, _ = accept_quote(sent(), NEXT_DAY)
    return done


def confirmed() -> Order:
    done, _ = confirm_order(price_order(order(), PRICES), ORDER_DAY, schedule_for(PRICES.with_vat))
    return done


def test_sending_accepting_and_rejecting_a_quote_record_who_did_what_when() -> None:
    priced = price_quote(quote(), PRICES)
    out, send = send_quote(priced, ORDER_DAY, by="ivanova")
    assert send == DocumentEvent("send", ORDER_DAY, "sent", "ivanova", "")
    assert (out.status, out.history, out.prices) == (QuoteStatus.SENT, (send,), PRICES)
    yes, accept = accept_quote(out, NEXT_DAY, by="client")
    assert accept == DocumentEvent("accept", NEXT_DAY, "accepted", "client", "")
    assert (yes.status, yes.history) == (QuoteStatus.ACCEPTED, (send, accept))
    no, reject = reject_quote(out, NEXT_DAY, "too dear", by="client")
    assert reject == DocumentEvent("reject", NEXT_DAY, "rejected", "client", "too dear")
    assert (no.status, no.history) == (QuoteStatus.REJECTED, (send, reject))


def test_a_quote_transition_in_the_wrong_status_says_which_status_allows_it() -> None:
    with pytest.raises(OrderError) as error:
        send_quote(sent(), ORDER_DAY)
    assert str(error.value) == "quote 'KP-1' is sent; only a draft quote can be sent"
    assert error.value.details == {"quote": "KP-1", "status": "sent"}
    with pytest.raises(
        OrderError, match=r"^quote 'KP-1' is draft; only a sent quote can be accepted$"
    ):
        accept_quote(quote(), ORDER_DAY)
    with pytest.raises(
        OrderError, match=r"^quote 'KP-1' is draft; only a sent quote can be rejected$"
    ):
        reject_quote(quote(), ORDER_DAY, "no")
    with pytest.raises(
        OrderError, match=r"^quote 'KP-1' is sent; only a draft quote can be priced$"
    ):
        price_quote(sent(), PRICES)
    with pytest.raises(
        OrderError, match=r"^quote 'KP-1' is sent; only a draft quote can be approved$"
    ):
        approve_quote(sent(), "AP-1")
    with pytest.raises(
        OrderError,
        match=r"^quote 'KP-1' is accepted; only a draft or sent or rejected quote can be revised$",
    ):
        revise_quote(accepted(), QuoteId("KP-2"), NEXT_DAY)
    with pytest.raises(
        OrderError,
        match=r"^quote 'KP-1' is sent; only a accepted quote can be turned into an order$",
    ):
        order_from_quote(sent(), OrderId("TD-1"), NEXT_DAY)


def test_a_quote_event_before_the_quote_date_is_refused() -> None:
    early = (
        "quote 'KP-1' is dated 2026-03-02; an event on 2026-03-01 would come before it: "
        "date the event on or after the document"
    )
    acts: tuple[Callable[[], object], ...] = (
        lambda: send_quote(price_quote(quote(), PRICES), BEFORE),
        lambda: accept_quote(sent(), BEFORE),
        lambda: reject_quote(sent(), BEFORE, "no"),
        lambda: revise_quote(sent(), QuoteId("KP-2"), BEFORE),
        lambda: order_from_quote(accepted(), OrderId("TD-1"), BEFORE),
    )
    for act in acts:
        with pytest.raises(OrderError) as error:
            act()
        assert str(error.value) == early
        assert error.value.details == {"on": BEFORE}


def test_a_quote_awaiting_approval_is_not_sent_until_approved() -> None:
    waiting = price_quote(quote(), CUT)
    with pytest.raises(TransitionRefusedError) as error:
        send_quote(waiting, ORDER_DAY)
    assert str(error.value) == (
        "quote 'KP-1' cannot be sent while deviations await approval: "
        "line 1: price below the reference; start the approval and wait for the approvers"
    )
    assert error.value.guard == "approval"
    approved = approve_quote(waiting, "AP-7")
    assert (approved.approved, approved.approval_id) == (True, "AP-7")
    out, _ = send_quote(approved, ORDER_DAY)
    assert out.status is QuoteStatus.SENT


def test_a_quote_is_valid_up_to_and_including_its_last_day() -> None:
    last_day = quote().valid_until
    out, _ = send_quote(price_quote(quote(), PRICES), last_day)
    assert out.status is QuoteStatus.SENT
    yes, _ = accept_quote(out, last_day)
    assert yes.status is QuoteStatus.ACCEPTED


def test_a_revision_is_a_new_draft_pointing_back_and_the_old_one_is_replaced() -> None:
    old, new, event = revise_quote(sent(), QuoteId("KP-2"), NEXT_DAY, by="ivanova")
    assert event == DocumentEvent("replace", NEXT_DAY, "replaced", "ivanova", "by KP-2")
    assert old.status is QuoteStatus.REPLACED
    assert old.history[-1] == event
    assert (new.id, new.status, new.revision, new.previous_id) == (
        QuoteId("KP-2"),
        QuoteStatus.DRAFT,
        2,
        QuoteId("KP-1"),
    )
    assert (new.header, new.on, new.lines, new.prices) == (HEADER, NEXT_DAY, quote().lines, None)
    assert new.valid_until == quote().valid_until  # kept: still after the revision date
    assert new.history == (DocumentEvent("revise", NEXT_DAY, "draft", "ivanova", "from KP-1"),)
    late = date(2026, 4, 1)
    _, after_expiry, _ = revise_quote(sent(), QuoteId("KP-3"), late)
    assert after_expiry.valid_until == late  # not before its own date
    with pytest.raises(OrderError, match=r"^a revision needs a new id, not 'KP-1' again$"):
        revise_quote(sent(), QuoteId("KP-1"), NEXT_DAY)


def test_an_order_from_a_quote_keeps_its_prices_and_approval() -> None:
    approved = approve_quote(price_quote(quote(), CUT), "AP-7")
    out, _ = send_quote(approved, ORDER_DAY)
    yes, _ = accept_quote(out, NEXT_DAY)
    made, event = order_from_quote(yes, OrderId("TD-1"), NEXT_DAY, by="petrov")
    assert event == DocumentEvent("create from quote", NEXT_DAY, "not_confirmed", "petrov", "KP-1")
    assert (made.id, made.header, made.on, made.lines) == (
        OrderId("TD-1"),
        HEADER,
        NEXT_DAY,
        yes.lines,
    )
    assert (made.prices, made.quote_id, made.approved, made.approval_id) == (
        CUT,
        QuoteId("KP-1"),
        True,
        "AP-7",
    )
    assert made.status is OrderStatus.NOT_CONFIRMED
    assert made.history == (event,)


def test_order_transitions_record_their_events_in_order() -> None:
    done = confirmed()
    ledger = ledger_of(done)
    with pytest.raises(TransitionRefusedError) as error:
        release_for_securing(done, ORDER_DAY, ledger)
    assert error.value.guard == "advance"
    assert str(error.value).startswith(
        "order 'TD-2026-000001' cannot be secured: advance stages are unpaid on 2026-03-02: "
    )
    assert str(error.value).endswith("; record the client's payment first")
    closed, close = close_order(done, NEXT_DAY, by="petrov")
    assert close == DocumentEvent("close", NEXT_DAY, "closed", "petrov", "")
    assert (closed.status, closed.history[-1]) == (OrderStatus.CLOSED, close)
    cancelled, cancel = cancel_order(done, NEXT_DAY, "client went away", by="petrov")
    assert cancel == DocumentEvent("cancel", NEXT_DAY, "cancelled", "petrov", "client went away")
    assert (cancelled.status, cancelled.cancel_reason) == (
        OrderStatus.CANCELLED,
        "client went away",
    )
    assert cancelled.history == (*done.history, cancel)


def test_an_order_transition_in_the_wrong_status_names_the_statuses_that_allow_it() -> None:
    with pytest.raises(OrderError) as error:
        close_order(order(), ORDER_DAY)
    assert str(error.value) == (
        "order 'TD-2026-000001' is not confirmed; only an order that is to pay or to secure "
        "or to ship can be closed"
    )
    assert error.value.details == {"order": "TD-2026-000001", "status": "not_confirmed"}
    closed, _ = close_order(confirmed(), NEXT_DAY)
    with pytest.raises(
        OrderError,
        match=r"^order 'TD-2026-000001' is closed; only an order that is not confirmed or to pay "
        "or to secure or to ship can be cancelled$",
    ):
        cancel_order(closed, NEXT_DAY, "late")
    with pytest.raises(
        OrderError,
        match=r"^order 'TD-2026-000001' is not confirmed; only an order that is to pay can be "
        "released for securing$",
    ):
        release_for_securing(order(), ORDER_DAY, ledger_of(confirmed()))
    with pytest.raises(
        OrderError,
        match=r"^order 'TD-2026-000001' is to pay; only an order that is to secure can be "
        "released for shipment$",
    ):
        release_for_shipment(confirmed(), ORDER_DAY, ledger_of(confirmed()))


def test_an_order_event_before_the_order_date_is_refused() -> None:
    early = (
        "order 'TD-2026-000001' is dated 2026-03-02; an event on 2026-03-01 would come before "
        "it: date the event on or after the document"
    )
    acts: tuple[Callable[[], object], ...] = (
        lambda: close_order(confirmed(), BEFORE),
        lambda: cancel_order(confirmed(), BEFORE, "no"),
        lambda: release_for_securing(confirmed(), BEFORE, ledger_of(confirmed())),
    )
    for act in acts:
        with pytest.raises(OrderError) as error:
            act()
        assert str(error.value) == early


def test_a_cancellation_without_a_reason_is_refused() -> None:
    with pytest.raises(
        OrderError, match=r"^order 'TD-2026-000001': a cancellation needs a reason; say why$"
    ):
        cancel_order(confirmed(), NEXT_DAY, "  ")


def _deviation(line: int, severity: Severity) -> Deviation:
    return attrs.evolve(price_cut(line), severity=severity)


def test_pricing_again_drops_an_earlier_approval() -> None:
    approved = approve_quote(price_quote(quote(), CUT), "AP-7")
    again = price_quote(approved, PRICES)
    assert (again.approved, again.approval_id, again.prices) == (False, None, PRICES)
    done = approve_order(price_order(order(), CUT), "AP-8")
    repriced = price_order(done, PRICES)
    assert (repriced.approved, repriced.approval_id, repriced.prices) == (False, None, PRICES)


def test_confirming_names_every_deviation_and_the_credit_decision_that_holds_it_back() -> None:
    two = prices(
        frozen_line("1", "2", "5000.00"),
        deviations=(_deviation(1, Severity.APPROVAL), _deviation(2, Severity.APPROVAL)),
    )
    schedule = schedule_for(two.with_vat)
    with pytest.raises(TransitionRefusedError) as error:
        confirm_order(price_order(order(), two), ORDER_DAY, schedule)
    assert str(error.value) == (
        "order 'TD-2026-000001' cannot be confirmed while deviations await approval: "
        "line 1: price below the reference; line 2: price below the reference; "
        "start the approval and wait for the approvers"
    )
    blocked = prices(
        frozen_line("1", "2", "5000.00"), deviations=(_deviation(1, Severity.BLOCKING),)
    )
    with pytest.raises(TransitionRefusedError) as error:
        confirm_order(approve_order(price_order(order(), blocked), "AP-1"), ORDER_DAY, schedule)
    assert str(error.value) == (
        "order 'TD-2026-000001' cannot be confirmed: line 1: price below the reference; "
        "no approval can allow this, change the document"
    )
    assert error.value.guard == "blocking deviation"
    with pytest.raises(TransitionRefusedError) as error:
        confirm_order(price_order(order(), PRICES), ORDER_DAY, schedule, credit=BLOCK)
    assert str(error.value) == (
        "order 'TD-2026-000001': the credit decision at the order control point is block: "
        "limit L1: debt 70000.00 > 50000.00; collect the overdue debt or get an authorised "
        "override"
    )
    early = "order 'TD-2026-000001' is dated 2026-03-02; an event on 2026-03-01"
    with pytest.raises(OrderError, match=early):
        confirm_order(price_order(order(), PRICES), BEFORE, schedule)


def test_a_paid_order_is_secured_then_shipped_with_who_and_when() -> None:
    done = confirmed()
    advance = ledger_of(done, (ORDER_DAY, rub("3000.00")))
    secured, secure = release_for_securing(done, NEXT_DAY, advance, by="petrov")
    assert secure == DocumentEvent("secure", NEXT_DAY, "to_secure", "petrov", "")
    assert (secured.status, secured.history[-1]) == (OrderStatus.TO_SECURE, secure)
    paid = ledger_of(done, (ORDER_DAY, rub("3000.00")), (NEXT_DAY, rub("2000.00")))
    shipped, ship = release_for_shipment(secured, NEXT_DAY, paid, by="sidorov")
    assert ship == DocumentEvent("ship", NEXT_DAY, "to_ship", "sidorov", "")
    assert (shipped.status, shipped.history[-1]) == (OrderStatus.TO_SHIP, ship)
    with pytest.raises(TransitionRefusedError) as error:
        release_for_shipment(secured, NEXT_DAY, paid, credit=BLOCK)
    assert str(error.value).startswith(
        "order 'TD-2026-000001': the credit decision at the shipment control point is block: "
    )
    with pytest.raises(OrderError, match="is dated 2026-03-02; an event on 2026-03-01"):
        release_for_shipment(secured, BEFORE, paid)
