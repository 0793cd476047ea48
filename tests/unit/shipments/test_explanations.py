"""What shipments, returns, corrections and the other documents say about themselves:
explanations and the amounts per VAT rate, worked out by hand.

The shipment SH-1 of 10 March 2026: 2 CM-100 for 2,440.00 with 22 % VAT included
(2,440.00 × 22/122 = 440.00) and a service of 500.00 without VAT.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
from tests.unit.shipments._fixtures import (
    COUNTERPARTY,
    ORG,
    PARTNER,
    rub,
    shipment,
    shipment_line,
    typed_line,
)

from salescore.orders import LineId, OrderId
from salescore.parties import CounterpartyId, PartnerId, ProductId, WarehouseId
from salescore.receivables import SettlementAccount
from salescore.shipments import (
    CommissionReport,
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    CustomerReturn,
    GoodsIssue,
    GoodsReceipt,
    IssueId,
    IssueLine,
    LineChange,
    ReceiptId,
    ReceiptLine,
    ReportLine,
    ReturnId,
    ReturnRequest,
    ReturnRequestStatus,
    Shipment,
    ShipmentId,
    ShipmentLine,
    TransferId,
    decide_correction,
    return_line,
    vat_summary,
)
from salescore.tax import VatRate

SHIPPED = date(2026, 3, 10)


def two_lines() -> Shipment:
    return shipment(
        "SH-1",
        SHIPPED,
        shipment_line("1", "SO-1", "2", "2440.00", "440.00"),
        shipment_line(
            "2", "SO-2", "1", "500.00", "0.00", rate="none", product="SRV", warehouse=None
        ),
    )


def test_a_shipment_explains_each_line_and_its_totals() -> None:
    assert two_lines().explain().as_text() == (
        "shipment SH-1 of 2026-03-10\n"
        "  1. line 1: 2 CM-100 = 2440.00 RUB  (order SO-1/1, from MAIN, VAT 22% 440.00 RUB)\n"
        "  2. line 2: 1 SRV = 500.00 RUB  (order SO-2/1, service, VAT без НДС 0.00 RUB)\n"
        "  3. VAT = 440.00 RUB\n"
        "  4. total with VAT = 2940.00 RUB"
    )


def test_a_return_explains_the_lines_it_mirrors_and_the_hand_priced_ones() -> None:
    # one of the two CM-100: 2,440.00 / 2 = 1,220.00, VAT 440.00 / 2 = 220.00;
    # a hand-typed 122.00 of 1 March 2026: 22 %, VAT 122.00 × 22/122 = 22.00
    mirrored = return_line(two_lines(), "1", Decimal(1), "1", {})
    typed = typed_line("2")
    back = CustomerReturn(
        ReturnId("RT-1"), PARTNER, COUNTERPARTY, ORG, "RUB", on=date(2026, 3, 20),
        lines=[mirrored, typed],
    )  # fmt: skip
    assert back.shipment_ids == ("SH-1",)
    assert back.explain().as_text() == (
        "return RT-1 of 2026-03-20\n"
        "  1. line 1: 1 CM-100 = 1220.00 RUB  (mirrors shipment SH-1/1, VAT 22% 220.00 RUB)\n"
        "  2. line 2: 1 KB-7 = 122.00 RUB  (hand-typed price, VAT 22% 22.00 RUB)\n"
        "  3. VAT = 242.00 RUB\n"
        "  4. total with VAT = 1342.00 RUB"
    )


def posted_with_a_line_without_vat_on_top() -> Shipment:
    # line 2: 4 KB-7 for 1,000.00 without VAT, 22 % on top: VAT 220.00, 1,220.00 with it
    on_top = ShipmentLine(
        "2", OrderId("SO-1"), LineId("2"), ProductId("KB-7"), WarehouseId("MAIN"), Decimal(4),
        net=rub("1000.00"), vat_rate=VatRate.parse("22"), vat_included=False, vat=rub("220.00"),
    )  # fmt: skip
    first = shipment_line("1", "SO-1", "2", "2440.00", "440.00")
    return attrs.evolve(shipment("SH-1", SHIPPED, first, on_top), version=1)


def test_a_correction_explains_each_line_before_and_after_and_the_differences() -> None:
    correction = decide_correction(
        CorrectionId("KR-1"),
        posted_with_a_line_without_vat_on_top(),
        date(2026, 3, 20),
        [LineChange("1", price=rub("1000.00")), LineChange("2", quantity=Decimal(3))],
        CorrectionKind.AGREEMENT,
    )
    # line 1: 2 × 1,000.00 = 2,000.00 with VAT, VAT 2,000 × 22/122 = 360.655… → 360.66;
    # line 2: 3 of 4: 750.00 and VAT 165.00 on top, 915.00 with it (was 1,220.00)
    first, second = correction.lines
    assert (second.without_vat_before, second.without_vat_after) == (rub("1000.00"), rub("750.00"))
    assert (second.with_vat_before, second.with_vat_after) == (rub("1220.00"), rub("915.00"))
    assert (first.without_vat_change, second.without_vat_change) == (
        rub("-360.66"),  # 2,000.00 - 360.66 = 1,639.34 after, 2,000.00 before
        rub("-250.00"),
    )
    assert (correction.with_vat_change, correction.vat_change, correction.without_vat_change) == (
        rub("-745.00"),  # -440.00 - 305.00
        rub("-134.34"),  # -79.34 - 55.00
        rub("-610.66"),
    )
    assert correction.explain().as_text() == (
        "correction KR-1 (agreement) of shipment SH-1 on 2026-03-20\n"
        "  1. line 1: CM-100 = -440.00 RUB  "
        "(2 → 2, 2440.00 RUB → 2000.00 RUB, VAT 22% 440.00 RUB → 360.66 RUB)\n"
        "  2. line 2: KB-7 = -305.00 RUB  "
        "(4 → 3, 1220.00 RUB → 915.00 RUB, VAT 22% 220.00 RUB → 165.00 RUB)\n"
        "  3. VAT difference = -134.34 RUB\n"
        "  4. debt difference = -745.00 RUB"
    )


def test_a_correction_not_yet_agreed_says_so() -> None:
    drawn_up = decide_correction(
        CorrectionId("KR-2"),
        posted_with_a_line_without_vat_on_top(),
        date(2026, 3, 20),
        [LineChange("2", quantity=Decimal(3))],
        CorrectionKind.ERROR_FIX,
        status=CorrectionStatus.NOT_AGREED,
    )
    assert drawn_up.explain().subject == (
        "correction KR-2 (error_fix) of shipment SH-1 on 2026-03-20: not agreed"
    )


def test_a_commission_report_explains_sales_fee_and_what_the_agent_owes() -> None:
    # 3 × 18,000.00 = 54,000.00, VAT 54,000 × 22/122 = 9,737.704… → 9,737.70; fee 5,400.00
    sold = ReportLine(
        "1", TransferId("KT-1"), "1", ProductId("CM-100"), Decimal(3),
        net=rub("54000.00"), vat_rate=VatRate.parse("22"), vat_included=True, vat=rub("9737.70"),
    )  # fmt: skip
    account = SettlementAccount("AGENT-1", "RUB", "AGENT-LLC", "ORG-1")
    report = CommissionReport("OK-1", account, date(2026, 3, 20), [sold], fee=rub("5400.00"))
    assert report.explain().as_text() == (
        "commission report OK-1 of 2026-03-20\n"
        "  1. sales with VAT = 54000.00 RUB  (VAT 9737.70 RUB)\n"
        "  2. agent's fee = 5400.00 RUB\n"
        "  3. owed by the agent = 48600.00 RUB"
    )


def test_goods_issues_and_receipt_orders_explain_their_lines() -> None:
    issued = GoodsIssue(
        IssueId("RO-1"), WarehouseId("MAIN"), SHIPPED,
        [IssueLine("1", OrderId("SO-1"), LineId("1"), ProductId("CM-100"), Decimal("2.5"))],
    )  # fmt: skip
    assert issued.explain().as_text() == (
        "goods issue RO-1 from MAIN on 2026-03-10\n  1. line 1: CM-100 = 2.5  (order SO-1)"
    )
    received = GoodsReceipt(
        ReceiptId("PO-1"), WarehouseId("MAIN"), date(2026, 3, 12),
        [ReceiptLine("1", ReturnId("RT-1"), "2", OrderId("SO-1"), LineId("1"),
                     ProductId("CM-100"), Decimal(1))],
    )  # fmt: skip
    assert received.explain().as_text() == (
        "receipt order PO-1 into MAIN on 2026-03-12\n"
        "  1. line 1: CM-100 = 1  (return RT-1/2, order SO-1)"
    )


def test_a_return_request_says_where_it_stands_and_whose_it_is() -> None:
    client = ReturnRequest(
        "RQ-1", PARTNER, COUNTERPARTY, date(2026, 3, 15), ShipmentId("SH-1"),
        [(ProductId("CM-100"), Decimal(1))],
    )  # fmt: skip
    agent = ReturnRequest(
        "RQ-2", PartnerId("AGENT-1"), CounterpartyId("AGENT-LLC"), date(2026, 3, 15), None,
        [(ProductId("CM-100"), Decimal(1))], status=ReturnRequestStatus.AGREED,
        transfer_id="KT-1",
    )  # fmt: skip
    assert client.explain().subject == "return request RQ-1 of 2026-03-15: not agreed"
    assert agent.explain().subject == (
        "return request RQ-2 from the agent (transfer KT-1) of 2026-03-15: agreed"
    )


def test_amounts_per_vat_rate_highest_first_and_without_vat_last() -> None:
    document = shipment(
        "SH-1",
        SHIPPED,
        shipment_line("1", "SO-1", "1", "500.00", "0.00", rate="none", warehouse=None),
        shipment_line("2", "SO-1", "3", "300.00", "0.00", rate="0", product="EXPORT"),
        shipment_line("3", "SO-1", "2", "2440.00", "440.00"),
        shipment_line("4", "SO-1", "1", "1100.00", "100.00", rate="10", product="MILK"),
        shipment_line("5", "SO-1", "1", "1220.00", "220.00", product="KB-7"),
    )
    # 22 %: 2,440.00 + 1,220.00 = 3,660.00 with VAT, 440.00 + 220.00 = 660.00 VAT
    assert [(s.rate.code, s.without_vat, s.vat, s.with_vat) for s in vat_summary(document)] == [
        ("22", rub("3000.00"), rub("660.00"), rub("3660.00")),
        ("10", rub("1000.00"), rub("100.00"), rub("1100.00")),
        ("0", rub("300.00"), rub("0.00"), rub("300.00")),
        ("none", rub("500.00"), rub("0.00"), rub("500.00")),
    ]
