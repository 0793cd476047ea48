"""Refusals in full words (a credit decision with two breaches, pricing a confirmed order,
a date before the order) and revisions with their own lines and validity date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.unit.orders._fixtures import (
    ORDER_DAY,
    frozen_line,
    order,
    prices,
    quote,
    rub,
    schedule_for,
)
from tests.unit.orders._ledger import ledger_of

from salescore.errors import OrderError, TransitionRefusedError
from salescore.orders import (
    DocumentLine,
    LineId,
    QuoteId,
    confirm_order,
    price_order,
    price_quote,
    release_for_securing,
    release_for_shipment,
    revise_quote,
    send_quote,
)
from salescore.parties import ProductId
from salescore.receivables import CreditDecision, LimitBreach, Verdict

PRICES = prices(frozen_line("1", "2", "5000.00"))  # 10,000.00 with VAT


def test_a_quote_held_back_by_two_credit_limits_names_both() -> None:
    decision = CreditDecision(
        "VOLGA",
        ORDER_DAY,
        Verdict.BLOCK,
        (
            LimitBreach(
                "L1", "partner VOLGA", "debt", "50000.00", "60000.00", "70000.00", Verdict.BLOCK
            ),
            LimitBreach("L2", "partner VOLGA", "overdue days", "10", "12", "12", Verdict.BLOCK),
        ),
    )
    with pytest.raises(TransitionRefusedError) as error:
        send_quote(price_quote(quote(), PRICES), ORDER_DAY, credit=decision)
    assert str(error.value) == (
        "quote 'KP-1': the credit decision at the quote control point is block: "
        "limit L1: debt 70000.00 > 50000.00; limit L2: overdue days 12 > 10; collect the "
        "overdue debt or get an authorised override"
    )
    assert error.value.details["guard"] == "credit at quote"


def test_pricing_a_confirmed_order_is_refused_in_words() -> None:
    priced = price_order(order(), PRICES)
    done, _ = confirm_order(priced, ORDER_DAY, schedule_for(PRICES.with_vat))
    with pytest.raises(OrderError) as error:
        price_order(done, PRICES)
    assert str(error.value) == (
        "order 'TD-2026-000001' is to pay; only an order that is not confirmed can be priced"
    )


def test_releasing_for_shipment_before_the_order_date_names_the_order() -> None:
    done, _ = confirm_order(price_order(order(), PRICES), ORDER_DAY, schedule_for(PRICES.with_vat))
    paid = ledger_of(done, (ORDER_DAY, rub("5000.00")))
    secured, _ = release_for_securing(done, ORDER_DAY, paid)
    with pytest.raises(OrderError) as error:
        release_for_shipment(secured, date(2026, 3, 1), paid)
    assert str(error.value) == (
        "order 'TD-2026-000001' is dated 2026-03-02; an event on 2026-03-01 would come "
        "before it: date the event on or after the document"
    )


def test_a_revision_takes_the_lines_and_validity_date_it_is_given() -> None:
    lines = (DocumentLine(LineId("1"), ProductId("P9"), Decimal(7)),)
    _, new, _ = revise_quote(
        quote(), QuoteId("KP-2"), date(2026, 3, 3), lines=lines, valid_until=date(2026, 3, 31)
    )
    assert new.lines == lines
    assert (new.on, new.valid_until) == (date(2026, 3, 3), date(2026, 3, 31))
    # Without them: the old lines, and the old validity date (or the revision's date if later).
    _, kept, _ = revise_quote(quote(), QuoteId("KP-3"), date(2026, 3, 20))
    assert (kept.lines, kept.valid_until) == (quote().lines, date(2026, 3, 20))
