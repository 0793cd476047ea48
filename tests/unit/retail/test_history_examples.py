"""The history import and the sales analysis on their own: every bad line named, the
receipts read, and the analysis's figures by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest
from tests.unit.retail._fixtures import BREAD, CHEESE, golden_receipt, rub

from salescore.errors import InvalidInputError, Issue
from salescore.retail import (
    AnalysisRow,
    PaymentKind,
    ReceiptKind,
    ReceiptSource,
    ReceiptStatus,
    RetailPayment,
    RetailReceipt,
    compose_return,
    parse_sales_csv,
    retail_analysis,
)
from salescore.tax import russian_vat_rates

RATES = russian_vat_rates()
PRODUCTS = {p.id: p for p in (BREAD, CHEESE)}
HEADER = "outlet,receipt,at,kind,product,quantity,price,amount,payment\n"


def parse(text: str) -> tuple[list[RetailReceipt], list[Issue]]:
    return parse_sales_csv(text, outlets=["SHOP-1"], products=PRODUCTS, vat_rates=RATES)


def codes(text: str) -> list[tuple[str, str]]:
    receipts, issues = parse(text)
    assert receipts == []
    return [(i.path, i.code) for i in issues]


def test_a_semicolon_file_with_decimal_commas_is_read_into_fiscal_receipts() -> None:
    text = (
        "\ufeffoutlet;receipt;at;kind;product;quantity;price;amount;payment\n"
        "SHOP-1;1;2026-03-02T10:15:00+00:00;sale;BREAD;2;45,50;91,00;cash\n"
        "SHOP-1;1;2026-03-02T10:15:00+00:00;sale;CHEESE;1,250;129,90;150,00;card\n"
        "SHOP-1;2;2026-03-03T18:40:00+00:00; RETURN ;BREAD;1;45,50;45,50; CARD \n"
    )
    receipts, issues = parse(text)
    assert issues == []
    first, second = receipts
    assert (first.id, first.kind, first.outlet_id, first.workplace_id, first.shift_id) == (
        "SHOP-1/1",
        ReceiptKind.SALE,
        "SHOP-1",
        "history",
        "history",
    )
    assert (first.status, first.source) == (ReceiptStatus.FISCAL, ReceiptSource.IMPORTED)
    assert first.at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    # Cheese: 1.250 × 129.90 = 162.375 → 162.38 less 150.00 charged: 12.38 of discount.
    assert [(x.gross, x.discount, x.net) for x in first.lines] == [
        (rub("91.00"), rub("0.00"), rub("91.00")),
        (rub("162.38"), rub("12.38"), rub("150.00")),
    ]
    assert first.payments == (
        RetailPayment(PaymentKind.CASH, rub("91.00")),
        RetailPayment(PaymentKind.CARD, rub("150.00")),
    )
    assert (second.kind, second.payments) == (
        ReceiptKind.RETURN,
        (RetailPayment(PaymentKind.CARD, rub("45.50")),),
    )


def test_a_line_without_a_kind_is_a_sale() -> None:
    receipts, issues = parse(HEADER + "SHOP-1,1,2026-03-02T10:15:00,,BREAD,1,45.50,45.50,cash\n")
    assert issues == []
    assert receipts[0].kind is ReceiptKind.SALE


def test_every_bad_column_of_every_line_is_named() -> None:
    text = HEADER + (
        "SHOP-1,,2026-03-02T10:00:00,swap,BREAD,0,45.50,45.50,cash\n"  # line 2
        "SHOP-1,2,2026-03-02T10:00:00,sale,BREAD,1,-1,abc,cash\n"  # line 3
        "SHOP-1,3,2026-03-02T10:00:00,sale,BREAD,1.5,45.50,45.50,cash\n"  # line 4
        "SHOP-1,4,2026-03-02T10:00:00,sale,BREAD,2,45.50,91.01,cash\n"  # line 5
        "SHOP-1,5,2026-03-02T10:00:00,sale,BREAD,1,Infinity,NaN,cash\n"  # line 6
        "SHOP-1,6,2026-03-02T10:00:00,sale,BREAD,-2,45.50,0,cash\n"  # line 7
    )
    assert codes(text) == [
        ("line 2", "no_receipt"),
        ("line 2", "bad_kind"),
        ("line 2", "bad_quantity"),
        ("line 3", "bad_price"),
        ("line 3", "bad_amount"),
        ("line 4", "bad_quantity"),
        ("line 5", "amount_above_price"),
        ("line 6", "bad_price"),
        ("line 6", "bad_amount"),
        ("line 7", "bad_quantity"),
    ]
    _, issues = parse(text)
    assert issues[6].message == "amount 91.01 is above quantity × price 91.00"
    assert issues[5].message == "quantity 1.5 has more decimals than pcs takes"
    assert issues[1].message == "'kind' 'swap' is neither sale nor return"


def test_an_amount_of_zero_and_of_exactly_the_sum_are_good() -> None:
    text = HEADER + (
        "SHOP-1,1,2026-03-02T10:00:00,sale,BREAD,2,45.50,91.00,cash\n"
        "SHOP-1,1,2026-03-02T10:00:00,sale,CHEESE,0.125,0.20,0.03,cash\n"
        "SHOP-1,2,2026-03-02T11:00:00,sale,BREAD,1,45.50,0,cash\n"
    )
    receipts, issues = parse(text)
    assert issues == []
    # 0.125 × 0.20 = 0.025 → 0.03 (half up), so 0.03 is not above it.
    assert [x.net for x in receipts[0].lines] == [rub("91.00"), rub("0.03")]
    # A free line: nothing was paid, so the receipt has no payment.
    assert (receipts[1].total, receipts[1].payments) == (rub("0.00"), ())


def test_lines_of_one_receipt_at_another_time_or_of_another_kind_are_named() -> None:
    text = HEADER + (
        "SHOP-1,1,2026-03-02T10:00:00,sale,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,1,2026-03-02T10:05:00,sale,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,1,2026-03-02T10:00:00,return,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,2,2026-03-02T11:00:00,sale,BREAD,1,45.50,45.50,cash\n"
    )
    _, issues = parse(text)
    assert issues == [
        Issue(
            "mixed_receipt",
            "receipt '1' of SHOP-1: date-time and kind differ from line 2",
            "line 3",
        ),
        Issue(
            "mixed_receipt",
            "receipt '1' of SHOP-1: date-time and kind differ from line 2",
            "line 4",
        ),
    ]


def test_issues_are_sorted_by_line_number_not_as_text() -> None:
    text = HEADER + "".join(
        f"SHOP-1,{n},2026-03-02T10:00:00,sale,BREAD,1,45.50,45.50,cash\n" for n in range(1, 9)
    )
    text += "SHOP-1,9,never,sale,BREAD,1,45.50,45.50,cash\n"  # line 10
    text += "SHOP-1,1,2026-03-02T10:01:00,sale,BREAD,1,45.50,45.50,cash\n"  # line 11
    text += "SHOP-1,10,2026-03-02T10:00:00,sale,BREAD,1,45.50,45.50,bank\n"  # line 12
    assert codes(text) == [
        ("line 10", "bad_date"),
        ("line 11", "mixed_receipt"),
        ("line 12", "bad_payment"),
    ]


def test_a_file_missing_columns_or_lines_is_refused_as_a_whole() -> None:
    assert parse("outlet,receipt,at,product,quantity,price\n1,2,3,4,5,6\n") == (
        [],
        [Issue("missing_columns", "columns missing: kind, amount, payment", "line 1")],
    )
    assert parse(HEADER) == ([], [Issue("empty", "the file has no sales lines", "line 2")])
    assert parse("") == (
        [],
        [
            Issue(
                "missing_columns", f"columns missing: {HEADER.strip().replace(',', ', ')}", "line 1"
            )
        ],
    )


def receipts_for_analysis() -> list[RetailReceipt]:
    """Monday 2 March 2026, 10:15: the golden sale at SHOP-1 (bread 89.20, cheese 159.18);
    11:00 the same day, one bread back (44.60); Tuesday 3 March, 18:40, the golden sale at
    SHOP-2; a cancelled sale that counts nowhere."""
    first = golden_receipt("R-1")
    back = compose_return(
        "V-1", first, {1: Decimal(1)}, shift_id="S-1", at=datetime(2026, 3, 2, 11, tzinfo=UTC)
    )
    second = attrs.evolve(
        golden_receipt("R-2"), outlet_id="SHOP-2", at=datetime(2026, 3, 3, 18, 40, tzinfo=UTC)
    )
    cancelled = attrs.evolve(golden_receipt("R-3"), status=ReceiptStatus.CANCELLED)
    return [first, back, second, cancelled]


def test_the_analysis_by_product_gives_revenue_receipts_averages_and_returns() -> None:
    analysis = retail_analysis(receipts_for_analysis(), "product")
    assert (analysis.by, analysis.currency) == ("product", "RUB")
    # Bread: sold 89.20 twice (178.40), 44.60 back: revenue 133.80, 2 receipts, average
    # 89.20, one line per receipt, returns 44.60 / 178.40 = 0.25.
    assert analysis.rows == (
        AnalysisRow(
            "BREAD", Decimal("133.80"), 2, Decimal("89.20"), Decimal("1.00"), Decimal("0.2500")
        ),
        AnalysisRow("CHEESE", Decimal("318.36"), 2, Decimal("159.18"), Decimal("1.00"), Decimal(0)),
    )
    assert analysis.to_records()[0] == {
        "key": "BREAD",
        "revenue": Decimal("133.80"),
        "receipts": 2,
        "average_receipt": Decimal("89.20"),
        "items_per_receipt": Decimal("1.00"),
        "returns_share": Decimal("0.2500"),
        "currency": "RUB",
    }
    assert "retail sales by product" in analysis._repr_html_()


def test_the_analysis_by_outlet_period_weekday_and_hour() -> None:
    found = receipts_for_analysis()
    by_outlet = retail_analysis(found, "outlet")
    # SHOP-1: 248.38 − 44.60 = 203.78, 1 receipt of 2 lines, returns 44.60 / 248.38 = 0.17956…
    assert by_outlet.rows == (
        AnalysisRow(
            "SHOP-1", Decimal("203.78"), 1, Decimal("248.38"), Decimal("2.00"), Decimal("0.1796")
        ),
        AnalysisRow("SHOP-2", Decimal("248.38"), 1, Decimal("248.38"), Decimal("2.00"), Decimal(0)),
    )
    assert [(r.key, r.revenue) for r in retail_analysis(found, "period").rows] == [
        ("2026-03", Decimal("452.16"))
    ]
    assert [(r.key, r.revenue) for r in retail_analysis(found, "weekday").rows] == [
        ("Mon", Decimal("203.78")),
        ("Tue", Decimal("248.38")),
    ]
    assert [(r.key, r.revenue) for r in retail_analysis(found, "hour").rows] == [
        ("10", Decimal("248.38")),
        ("11", Decimal("-44.60")),
        ("18", Decimal("248.38")),
    ]


def test_weekdays_come_in_the_week_s_order_not_the_alphabet_s() -> None:
    # Sunday 8, Monday 2, Friday 6 March 2026.
    days = [8, 2, 6]
    found = [
        attrs.evolve(golden_receipt(f"R-{d}"), at=datetime(2026, 3, d, 10, tzinfo=UTC))
        for d in days
    ]
    assert [r.key for r in retail_analysis(found, "weekday").rows] == ["Mon", "Fri", "Sun"]


def test_a_group_with_returns_only_has_no_averages() -> None:
    first = golden_receipt("R-1")
    back = compose_return(
        "V-1", first, {1: Decimal(1)}, shift_id="S-1", at=datetime(2026, 3, 2, 11, tzinfo=UTC)
    )
    (row,) = retail_analysis([back], "hour").rows
    assert row == AnalysisRow("11", Decimal("-44.60"), 0, Decimal("0.00"), Decimal(0), Decimal(0))


def test_an_unknown_grouping_is_refused_naming_the_ones_there_are() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"^cannot group retail sales by 'day'; choose one of outlet, product, period, "
        r"weekday, hour$",
    ):
        retail_analysis([], "day")


def test_a_weighed_line_charged_at_its_sum_rounded_half_up_is_imported() -> None:
    # 0.500 kg × 45.25 = 22.625: the register charges 22.63 (half up), as a receipt here
    # would; half to even would make the sum 22.62 and refuse the line's amount as above it.
    text = HEADER + "SHOP-1,1,2026-03-02T10:00:00,sale,CHEESE,0.500,45.25,22.63,cash\n"
    receipts, issues = parse(text)
    assert issues == []
    assert [(x.gross, x.net) for x in receipts[0].lines] == [(rub("22.63"), rub("22.63"))]


def test_each_bad_line_s_issue_quotes_what_the_file_says() -> None:
    text = HEADER + (
        ",,2026-03-02T10:00:00,sale,CAVIAR,0,45.50,45.50,cheque\n"  # line 2
        "SHOP-9,1,at ten,sale,BREAD,1,45.50,45.50,cash\n"  # line 3
    )
    _, issues = parse(text)
    assert [(i.path, i.message) for i in issues] == [
        ("line 2", "outlet '' is not known; add the outlet first"),
        ("line 2", "the receipt number is empty"),
        ("line 2", "product 'CAVIAR' is not known"),
        ("line 2", "quantity '0' is not a positive number"),
        ("line 2", "payment 'cheque' is neither cash nor card"),
        ("line 3", "outlet 'SHOP-9' is not known; add the outlet first"),
        ("line 3", "'at' 'at ten' is not a date-time such as 2025-11-03T10:15"),
    ]


def test_a_weighed_line_under_one_unit_is_checked_against_its_sum_too() -> None:
    # 0.500 kg × 45.25 = 22.63 (half up): 22.64 is above it.
    text = HEADER + "SHOP-1,1,2026-03-02T10:00:00,sale,CHEESE,0.500,45.25,22.64,cash\n"
    assert codes(text) == [("line 2", "amount_above_price")]


def test_a_payment_under_one_rouble_is_kept() -> None:
    text = HEADER + (
        "SHOP-1,1,2026-03-02T10:00:00,sale,BREAD,1,45.50,45.00,cash\n"
        "SHOP-1,1,2026-03-02T10:00:00,sale,BREAD,1,0.50,0.50,card\n"
    )
    receipts, issues = parse(text)
    assert issues == []
    assert receipts[0].payments == (
        RetailPayment(PaymentKind.CASH, rub("45.00")),
        RetailPayment(PaymentKind.CARD, rub("0.50")),
    )


def test_every_mixed_receipt_is_named_not_only_the_first() -> None:
    text = HEADER + (
        "SHOP-1,1,2026-03-02T10:00:00,sale,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,1,2026-03-02T10:05:00,sale,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,2,2026-03-02T11:00:00,sale,BREAD,1,45.50,45.50,cash\n"
        "SHOP-1,2,2026-03-02T11:00:00,return,BREAD,1,45.50,45.50,cash\n"
    )
    assert codes(text) == [("line 3", "mixed_receipt"), ("line 5", "mixed_receipt")]


def test_a_file_with_as_many_semicolons_as_commas_is_read_as_comma_separated() -> None:
    # The header's 8 commas and the line's 8 against the receipt number's 16 semicolons: a
    # tie, read as commas.
    number = ";".join("ABCDEFGHIJKLMNOPQ")  # 16 semicolons
    text = HEADER + f"SHOP-1,{number},2026-03-02T10:00:00,sale,BREAD,1,45.50,45.50,cash\n"
    receipts, issues = parse(text)
    assert issues == []
    assert [r.id for r in receipts] == [f"SHOP-1/{number}"]


def test_a_cancelled_receipt_before_the_others_does_not_stop_the_analysis() -> None:
    found = receipts_for_analysis()
    found.insert(0, found.pop())  # the cancelled sale first
    assert [(r.key, r.revenue) for r in retail_analysis(found, "outlet").rows] == [
        ("SHOP-1", Decimal("203.78")),
        ("SHOP-2", Decimal("248.38")),
    ]


def test_a_group_s_returns_add_up_over_their_lines() -> None:
    first = golden_receipt("R-1")
    back = compose_return(
        "V-1", first, {1: Decimal(2), 2: Decimal("1.250")}, shift_id="S-1",
        at=datetime(2026, 3, 2, 11, tzinfo=UTC),
    )  # fmt: skip
    (row,) = retail_analysis([first, back], "outlet").rows
    # Everything came back: 89.20 + 159.18 = 248.38 of 248.38 sold.
    assert (row.revenue, row.returns_share) == (Decimal("0.00"), Decimal("1.0000"))
