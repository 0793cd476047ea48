"""A quote explained as a manager reads it (worked by hand), and price differences when a
document is priced again."""

from __future__ import annotations

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
from tests.unit.orders.test_transition_examples import NEXT_DAY, PRICES, confirmed, sent

from salescore.errors import OrderError
from salescore.money import Currency
from salescore.orders import (
    OrderId,
    QuoteId,
    accept_quote,
    approve_order,
    approve_quote,
    cancel_order,
    confirm_order,
    derive_state,
    order_from_quote,
    price_differences,
    price_quote,
    reserve_claims,
    revise_quote,
    send_quote,
)
from salescore.parties import ProductId, WarehouseId

# Line 1: 2 x 5,000.00 = 10,000.00 with 20 % VAT inside: 10,000.00 * 20 / 120 = 1,666.67.
# Line 2: 1,000.00 less a manual 100.00 = 900.00, VAT 900.00 * 20 / 120 = 150.00.
# Together 10,900.00 with VAT 1,816.67, so 9,083.33 without.
TWO_LINES = prices(
    frozen_line("1", "2", "5000.00"),
    frozen_line("2", "1", "1000.00", discount="100.00"),
    deviations=(price_cut(),),
)


def test_a_revised_sent_quote_explains_its_version_prices_and_history() -> None:
    _, draft, _ = revise_quote(sent(), QuoteId("KP-2"), NEXT_DAY, by="ivanova")
    out, _ = send_quote(
        approve_quote(price_quote(draft, TWO_LINES), "AP-1"), NEXT_DAY, by="ivanova"
    )
    assert out.explain().as_text() == (
        "quote KP-2 of 2026-03-03\n"
        "  1. status = sent  (valid until 2026-03-16)\n"
        "  2. revision = 2  (of KP-1)\n"
        "  3. total with VAT = 10900.00 RUB\n"
        "     prices as of 2026-03-02\n"
        "       1. line 1 = 10000.00 RUB\n"
        "          line 1: P1, 2 pcs\n"
        "            1. VAT = 1666.67 RUB  (20% of 10000.00 RUB, included in the price)\n"
        "       2. line 2 = 900.00 RUB\n"
        "          line 2: P2, 1 pcs\n"
        "            1. VAT = 150.00 RUB  (20% of 900.00 RUB, included in the price)\n"
        "       3. deviation (approval): line 1: price below the reference\n"
        "       4. amount before discounts = 11000.00 RUB\n"
        "       5. discounts = 100.00 RUB\n"
        "       6. total without VAT = 9083.33 RUB\n"
        "       7. VAT = 1816.67 RUB\n"
        "       8. total with VAT = 10900.00 RUB\n"
        "  4. 2026-03-03 revise = draft  (ivanova from KP-1)\n"
        "  5. 2026-03-03 send = sent  (ivanova)"
    )


def test_a_first_version_quote_has_no_previous_one_and_no_prices_yet() -> None:
    assert sent().explain().as_text().splitlines()[1:3] == [
        "  1. status = sent  (valid until 2026-03-16)",
        "  2. revision = 1",
    ]


def test_price_differences_name_each_changed_line_even_after_a_removed_one() -> None:
    old = prices(
        frozen_line("1", "1", "100.00"),
        frozen_line("2", "1", "200.00"),
        frozen_line("3", "1", "300.00"),
    )
    new = prices(frozen_line("2", "1", "200.00"), frozen_line("3", "1", "330.00"))
    (change,) = price_differences(old, new)
    assert (change.line_id, change.product_id) == ("3", ProductId("P3"))
    assert (str(change.old_unit_price), str(change.new_unit_price)) == ("300.00 RUB", "330.00 RUB")
    assert str(change.net_change) == "30.00 RUB"


def test_an_order_state_explains_each_stage_paid_or_still_to_pay() -> None:
    # 10,000.00: 30 % advance due on the order day, paid; 20 % prepayment due two working days
    # before shipping on 10 March (9 March a holiday): 5 March; 50 % credit 10 days after.
    done = confirmed()
    ledger = ledger_of(done, (date(2026, 3, 3), rub("3000.00")))
    assert derive_state(done, ledger, on=date(2026, 3, 3)).explain().as_text() == (
        "order TD-2026-000001 on 2026-03-03: waiting for securing\n"
        "  1. stage 1 (advance) 3000.00 RUB due 2026-03-02, paid 3000.00 RUB = paid\n"
        "  2. stage 2 (prepayment) 2000.00 RUB due 2026-03-05, paid 0.00 RUB = "
        "2000.00 RUB to pay\n"
        "  3. stage 3 (credit) 5000.00 RUB due 2026-03-20, paid 0.00 RUB = 5000.00 RUB to pay\n"
        "  4. line 1: ordered 2 = reserved 0, missing 2, shipped 0"
    )


def test_a_reserve_claim_carries_product_warehouse_order_date_and_priority() -> None:
    header = attrs.evolve(HEADER, warehouse_id=WarehouseId("MAIN"))
    priced = order(header=header, prices=prices(frozen_line("1", "2", "10.00")))
    (claim,) = reserve_claims(priced, priority=3)
    assert (claim.order_id, claim.line_id, claim.product_id, claim.warehouse_id) == (
        priced.id,
        "1",
        ProductId("P1"),
        WarehouseId("MAIN"),
    )
    assert (claim.order_date, claim.priority) == (ORDER_DAY, 3)


def test_a_quote_may_be_valid_for_its_own_day_only() -> None:
    one_day = quote(valid_until=ORDER_DAY)
    assert not one_day.is_expired(ORDER_DAY)
    assert one_day.is_expired(NEXT_DAY)


def test_an_approved_order_cannot_be_approved_again_once_confirmed() -> None:
    with pytest.raises(
        OrderError,
        match=r"^order 'TD-2026-000001' is to pay; only an order that is not confirmed can be "
        r"approved$",
    ):
        approve_order(confirmed(), "AP-2")


def test_a_document_header_takes_a_currency_code() -> None:
    assert attrs.evolve(HEADER, currency="usd").currency == Currency.of("USD")


def test_a_cancelled_order_from_a_quote_explains_parties_prices_schedule_and_history() -> None:
    # 2 x 5,000.00 with 20 % VAT inside (1,666.67); the schedule splits 10,000.00 30/20/50.
    approved = approve_quote(price_quote(quote(), PRICES), "AP-7")
    out, _ = send_quote(approved, ORDER_DAY)
    yes, _ = accept_quote(out, NEXT_DAY)
    made, _ = order_from_quote(yes, OrderId("TD-1"), NEXT_DAY, by="petrov")
    done, _ = confirm_order(made, NEXT_DAY, schedule_for(PRICES.with_vat), by="petrov")
    gone, _ = cancel_order(done, NEXT_DAY, "client went away", by="petrov")
    stages = "  (template ADV-PRE-CR, calendar RU test)\n"
    assert gone.explain().as_text() == (
        "order TD-1 of 2026-03-03\n"
        "  1. status = cancelled  (client went away)\n"
        "  2. client = VOLGA  (counterparty VOLGA-LLC)\n"
        "  3. agreement = IA-VOLGA  (organization TD)\n"
        "  4. from quote = KP-1\n"
        "  5. total with VAT = 10000.00 RUB\n"
        "     prices as of 2026-03-02\n"
        "       1. line 1 = 10000.00 RUB\n"
        "          line 1: P1, 2 pcs\n"
        "            1. VAT = 1666.67 RUB  (20% of 10000.00 RUB, included in the price)\n"
        "       2. amount before discounts = 10000.00 RUB\n"
        "       3. discounts = 0.00 RUB\n"
        "       4. total without VAT = 8333.33 RUB\n"
        "       5. VAT = 1666.67 RUB\n"
        "       6. total with VAT = 10000.00 RUB\n"
        "  6. payment schedule\n"
        "     payment schedule of 10000.00 RUB\n"
        "       1. stage 1: advance 30%, due on order = 3000.00 RUB on 2026-03-02"
        + stages
        + "       2. stage 2: prepayment 20%, due 2 working day(s) before shipment = "
        "2000.00 RUB on 2026-03-05"
        + stages
        + "       3. stage 3: credit 50%, due 10 calendar day(s) after shipment = "
        "5000.00 RUB on 2026-03-20"
        + stages
        + "  7. 2026-03-03 create from quote = not_confirmed  (petrov KP-1)\n"
        "  8. 2026-03-03 confirm = to_pay  (petrov)\n"
        "  9. 2026-03-03 cancel = cancelled  (petrov client went away)"
    )


def test_frozen_prices_total_their_lines_before_and_after_discounts() -> None:
    # Built here, not at import. 2 x 100.00 = 200.00 less 10.00 = 190.00; 3 x 50.00 = 150.00
    # less nothing: gross 350.00, discounts 10.00, net 190.00 + 150.00 = 340.00.
    frozen = prices(
        frozen_line("1", "2", "100.00", discount="10.00"), frozen_line("2", "3", "50.00")
    )
    assert (frozen.gross, frozen.discount, frozen.net) == (
        rub("350.00"),
        rub("10.00"),
        rub("340.00"),
    )


def test_a_frozen_line_with_vat_on_top_keeps_its_figures_and_explains_its_vat() -> None:
    # Built here, not at import: mutation testing switches code on after the imports.
    # 2 x 100.00 = 200.00, less 10.00 = 190.00; 20 % on top: 38.00.
    line = frozen_line("1", "2", "100.00", discount="10.00", included=False, reference="120.00")
    assert line.explanation.as_text() == (
        "line 1: P1, 2 pcs\n  1. VAT = 38.00 RUB  (20% of 190.00 RUB, on top of the price)"
    )
    assert (line.reference_price, line.gross, line.discount, line.net, line.vat) == (
        rub("120.00"),
        rub("200.00"),
        rub("10.00"),
        rub("190.00"),
        rub("38.00"),
    )
    assert (line.rule_ids, str(line.vat_rate)) == (("MANUAL",), "20%")
    inside = frozen_line("2", "1", "120.00")
    assert inside.explanation.as_text() == (
        "line 2: P2, 1 pcs\n  1. VAT = 20.00 RUB  (20% of 120.00 RUB, included in the price)"
    )
