"""A quote explained as a manager reads it (worked by hand), and price differences when a
document is priced again."""

from __future__ import annotations

from tests.unit.orders._fixtures import frozen_line, price_cut, prices
from tests.unit.orders.test_transition_examples import NEXT_DAY, sent

from salescore.orders import (
    QuoteId,
    approve_quote,
    price_differences,
    price_quote,
    revise_quote,
    send_quote,
)
from salescore.parties import ProductId

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
