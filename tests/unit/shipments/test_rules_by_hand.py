"""The pure rules of shipments, returns and commission trade on small hand-made documents:
what each function counts, takes and refuses, with every figure worked out by hand.

SH-1 of 10 March 2026 ships 2 CM-100 of order SO-1 for 2,440.00 with 22 % VAT included
(2,440.00 × 22/122 = 440.00); one of them is 1,220.00 with 220.00 VAT.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER, frozen_line, order, prices
from tests.unit.shipments._fixtures import (
    COUNTERPARTY,
    ORG,
    PARTNER,
    customer_return,
    rub,
    shipment,
    shipment_line,
    typed_line,
)

from salescore.errors import ShipmentError
from salescore.orders import DocumentLine, LineId, OrderId, OrderStatus
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import SettlementAccount
from salescore.shipments import (
    AgentLine,
    AgentReturn,
    AgentReturnLine,
    CommissionLine,
    CommissionReport,
    CommissionTransfer,
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    CustomerReturn,
    GoodsIssue,
    GoodsReceipt,
    IssueDiscrepancy,
    IssueId,
    IssueLine,
    LineChange,
    LineExecution,
    LineFigures,
    ReceiptId,
    ReceiptLine,
    ReportLine,
    ReturnId,
    ReturnLine,
    ReturnRequest,
    ReturnRequestStatus,
    Settlement,
    Shipment,
    ShipmentCorrection,
    ShipmentId,
    ShipmentLine,
    ShippedQuantity,
    ShipRequest,
    TransferId,
    agent_lines,
    agree_correction,
    agree_return_request,
    check_still_current,
    complete_return_request,
    decide_correction,
    hand_priced_return_line,
    issue_discrepancies,
    issue_line,
    issue_line_counts,
    line_executions,
    quantities_left,
    receipt_line,
    reject_correction,
    reject_return_request,
    return_line,
    return_lines_of_product,
    returned_of_shipment_lines,
    share,
    ship_line,
    shipped_quantities,
)
from salescore.tax import VatCategory, VatRate, russian_vat_rates

SHIPPED = date(2026, 3, 10)
BACK = date(2026, 3, 20)
RATE = VatRate.parse("22")


def two_of_cm() -> Shipment:
    return shipment("SH-1", SHIPPED, shipment_line("1", "SO-1", "2", "2440.00", "440.00"))


def a_return(number: str, on: date, *lines: ReturnLine) -> CustomerReturn:
    return CustomerReturn(ReturnId(number), PARTNER, COUNTERPARTY, ORG, "RUB", on=on, lines=lines)


# --- lines and their quantities ------------------------------------------------------


def test_a_line_quantity_given_as_a_number_or_text_becomes_a_decimal() -> None:
    line = attrs.evolve(shipment_line("1", "SO-1", "2", "2440.00", "440.00"), quantity=2)
    assert (line.quantity, type(line.quantity)) == (Decimal(2), Decimal)
    assert attrs.evolve(line, quantity="1.5").quantity == Decimal("1.5")
    with pytest.raises(ShipmentError, match=r"^a quantity must be above zero, got 0$"):
        attrs.evolve(line, quantity=0)
    with pytest.raises(ShipmentError, match=r"^a quantity must be above zero, got Decimal\('0'\)$"):
        attrs.evolve(line, quantity=Decimal(0))


def test_a_line_number_used_twice_is_refused_naming_the_kind_of_line() -> None:
    line = shipment_line("1", "SO-1", "2", "2440.00", "440.00")
    with pytest.raises(ShipmentError, match="give every shipment line its own number"):
        shipment("SH-1", SHIPPED, line, line)
    back = return_line(two_of_cm(), "1", Decimal(1), "1", {})
    with pytest.raises(ShipmentError, match="give every return line its own number"):
        a_return("RT-1", BACK, back, back)


def test_a_share_of_a_quantity_of_zero_is_refused_and_half_a_kopeck_rounds_up() -> None:
    with pytest.raises(ShipmentError, match="cannot take a share of a quantity 0"):
        share(rub("100.00"), Decimal(1), Decimal(0))
    # 0.01 / 2 = 0.005 → 0.01; 0.01 / 3 = 0.0033 → 0.00
    assert share(rub("0.01"), Decimal(1), Decimal(2)) == rub("0.01")
    assert share(rub("0.01"), Decimal(1), Decimal(3)) == rub("0.00")


# --- shipping an order line ------------------------------------------------------------

# 3 × 1,220.00 with 22 % VAT included: 3,660.00, VAT 660.00
PRICED = prices(
    frozen_line("1", "3", "1220.00", rate="22"), frozen_line("2", "1", "500.00", rate="22")
)
TO_SHIP = order(
    prices=PRICED,
    status=OrderStatus.TO_SHIP,
    header=attrs.evolve(HEADER, warehouse_id=WarehouseId("MAIN")),
    lines=(
        DocumentLine(LineId("1"), ProductId("P1"), Decimal(3)),
        DocumentLine(LineId("2"), ProductId("P2"), Decimal(1), is_service=True),
    ),
)


def ship(quantity: str, done: LineExecution | None = None, line: str = "1") -> ShipmentLine:
    return ship_line(
        TO_SHIP,
        ShipRequest(TO_SHIP.id, LineId(line), Decimal(quantity)),
        "1",
        done,
        partner_id=HEADER.partner_id,
        counterparty_id=HEADER.counterparty_id,
    )


def test_a_service_line_ships_from_no_warehouse() -> None:
    service = ship("1", line="2")
    assert (service.warehouse_id, service.is_service) == (None, True)
    assert (service.net, service.vat) == (rub("500.00"), rub("90.16"))  # 500 × 22/122 = 90.16
    goods = ship("1")
    assert (goods.warehouse_id, goods.is_service) == ("MAIN", False)


def test_shipping_nothing_or_to_a_client_half_matching_the_order_is_refused() -> None:
    where = "order 'TD-2026-000001' line 1"
    with pytest.raises(ShipmentError, match=f"^{where}: ship a quantity above zero, got 0$"):
        ship("0")
    with pytest.raises(ShipmentError, match="belongs to client VOLGA"):
        ship_line(
            TO_SHIP,
            ShipRequest(TO_SHIP.id, LineId("1"), Decimal(1)),
            "1",
            None,
            partner_id=HEADER.partner_id,
            counterparty_id=COUNTERPARTY,
        )


def test_shipping_more_than_is_left_says_what_came_back_by_returns() -> None:
    first = shipment("SH-1", SHIPPED, attrs.evolve(ship("3"), line_no="1"))
    gone = line_executions([first])[(TO_SHIP.id, "1")]
    with pytest.raises(ShipmentError) as nothing_back:
        ship("1", gone)
    assert str(nothing_back.value) == (
        "order 'TD-2026-000001' line 1: 1 asked, but only 0 of 3 is left to ship "
        "(3 shipped); ship at most 0"
    )
    back = a_return("RT-1", BACK, return_line(first, "1", Decimal(1), "1", {}))
    after = line_executions([first], [back])[(TO_SHIP.id, "1")]
    with pytest.raises(ShipmentError) as one_back:
        ship("1", after)
    assert str(one_back.value) == (
        "order 'TD-2026-000001' line 1: 1 asked, but only 0 of 3 is left to ship "
        "(3 shipped; 1 came back by returns, which do not reopen the order "
        "(exchange them, or make a new order)); ship at most 0"
    )
    with pytest.raises(ShipmentError) as first_time:
        ship("4")
    assert str(first_time.value).endswith("(0 shipped); ship at most 3")


# --- what the shipments and returns executed --------------------------------------------


def executed_documents() -> tuple[list[Shipment], list[CustomerReturn]]:
    sh1 = two_of_cm()
    sh2 = shipment("SH-2", date(2026, 3, 12), shipment_line("1", "SO-1", "1", "1220.00", "220.00"))
    back = a_return(
        "RT-1",
        BACK,
        typed_line("1", order_id=None, order_line_id=None),  # no order line: not counted
        typed_line("2", order_id="SO-1", order_line_id=None),  # no line of it either
        return_line(sh1, "1", Decimal(1), "3", {}),
        typed_line("4", order_id="SO-2", order_line_id="1"),  # an order line never shipped
    )
    # an exchange: RT-2 takes one back and SH-3 gives one in its place; neither counts
    swapped = a_return("RT-2", BACK, return_line(sh2, "1", Decimal(1), "1", {}))
    instead = attrs.evolve(
        shipment("SH-3", BACK, shipment_line("1", "SO-1", "1", "1220.00", "220.00")),
        replaces=ReturnId("RT-2"),
    )
    # the other unit of SH-1's line: the rest of it, 2,440.00 − 1,220.00 and 440.00 − 220.00
    rest = a_return(
        "RT-3",
        BACK,
        return_line(
            sh1, "1", Decimal(1), "1", {("SH-1", "1"): (Decimal(1), rub("1220.00"), rub("220.00"))}
        ),
    )
    return [sh1, sh2, instead], [back, swapped, rest]


def test_line_executions_add_up_shipments_and_returns_per_order_line() -> None:
    shipments, returns = executed_documents()
    assert line_executions(shipments, returns) == {
        ("SO-1", "1"): LineExecution(
            OrderId("SO-1"),
            LineId("1"),
            shipped=Decimal(3),
            returned=Decimal(2),
            shipped_net=rub("3660.00"),
            returned_net=rub("2440.00"),
            shipped_vat=rub("660.00"),
            returned_vat=rub("440.00"),
        ),
        ("SO-2", "1"): LineExecution(
            OrderId("SO-2"),
            LineId("1"),
            returned=Decimal(1),
            returned_net=rub("122.00"),
            returned_vat=rub("22.00"),
        ),
    }


def test_what_the_client_keeps_of_an_order_line_is_shipped_minus_returned() -> None:
    executions = line_executions(*executed_documents())
    # SO-1/1: 3 shipped, 2 returned; SO-2/1: 1 returned of a line never shipped
    assert executions[("SO-1", "1")].net_quantity == Decimal(1)
    assert executions[("SO-2", "1")].net_quantity == Decimal(-1)


def test_shipped_quantities_list_each_line_and_each_return_negative() -> None:
    shipments, returns = executed_documents()
    assert shipped_quantities(shipments, returns) == (
        ShippedQuantity(OrderId("SO-1"), LineId("1"), Decimal(2), SHIPPED, "SH-1"),
        ShippedQuantity(OrderId("SO-1"), LineId("1"), Decimal(1), date(2026, 3, 12), "SH-2"),
        ShippedQuantity(OrderId("SO-1"), LineId("1"), Decimal(-1), BACK, "RT-1"),
        ShippedQuantity(OrderId("SO-2"), LineId("1"), Decimal(-1), BACK, "RT-1"),
        ShippedQuantity(OrderId("SO-1"), LineId("1"), Decimal(-1), BACK, "RT-3"),
    )


def test_returned_of_shipment_lines_skips_hand_priced_lines() -> None:
    sh1 = two_of_cm()
    first = a_return(
        "RT-1",
        BACK,
        typed_line("1", order_id="SO-1", order_line_id="1"),
        attrs.evolve(
            typed_line("2", order_id=None, order_line_id=None), shipment_id=ShipmentId("SH-1")
        ),
        return_line(sh1, "1", Decimal(1), "3", {}),
    )
    second = customer_return("RT-2", BACK, sh1, "1", "1")
    assert returned_of_shipment_lines([first, second]) == {
        ("SH-1", "1"): (Decimal(2), rub("2440.00"), rub("440.00"))
    }


# --- returns ---------------------------------------------------------------------------


def test_a_return_of_nothing_is_refused_naming_the_shipment_line() -> None:
    with pytest.raises(ShipmentError) as caught:
        return_line(two_of_cm(), "1", Decimal(0), "1", {})
    assert str(caught.value) == (
        "shipment 'SH-1' line 1 (CM-100): return a quantity above zero, got 0"
    )


def test_a_return_of_a_product_takes_each_line_in_turn_skipping_lines_returned_already() -> None:
    # CM-100 on lines 1 (1 unit, 1,220.00), 2 (1 unit, already back) and 3 (3 units, 3,660.00)
    sent = shipment(
        "SH-1",
        SHIPPED,
        shipment_line("1", "SO-1", "1", "1220.00", "220.00"),
        shipment_line("2", "SO-1", "1", "1220.00", "220.00"),
        shipment_line("3", "SO-1", "3", "3660.00", "660.00"),
        shipment_line("4", "SO-1", "1", "100.00", "18.03", product="KB-7"),
    )
    earlier = {("SH-1", "2"): (Decimal(1), rub("1220.00"), rub("220.00"))}
    lines = return_lines_of_product(sent, ProductId("CM-100"), Decimal(3), 5, earlier)
    # 1 from line 1, then 2 of line 3's 3: 2,440.00, VAT 660 × 2/3 = 440.00
    assert [(x.line_no, x.shipment_line_no, x.quantity, x.net, x.vat) for x in lines] == [
        ("5", "1", Decimal(1), rub("1220.00"), rub("220.00")),
        ("6", "3", Decimal(2), rub("2440.00"), rub("440.00")),
    ]
    for too_much in (Decimal(5), Decimal(0)):
        with pytest.raises(ShipmentError) as caught:
            return_lines_of_product(sent, ProductId("CM-100"), too_much, 5, earlier)
        assert str(caught.value) == (
            f"shipment 'SH-1': {too_much} of CM-100 to return, but 5 was shipped and 1 already "
            "returned; return above zero and at most 4"
        )


def test_a_returned_service_stays_a_service() -> None:
    sent = shipment(
        "SH-1", SHIPPED, shipment_line("1", "SO-1", "1", "500.00", "90.16", warehouse=None)
    )
    back = return_line(sent, "1", Decimal(1), "1", {})
    assert (back.is_service, back.warehouse_id, back.by_receipt_order) == (True, None, False)


def test_a_hand_priced_return_line_carries_what_was_typed() -> None:
    line = typed_line("7", order_id="SO-2", order_line_id="3")
    assert (line.line_no, line.order_id, line.order_line_id) == ("7", "SO-2", "3")
    assert (line.product_id, line.warehouse_id, line.quantity) == ("KB-7", "MAIN", Decimal(1))
    assert (line.shipment_id, line.shipment_line_no) == (None, None)
    # the typed price includes VAT: 122.00 with it, 100.00 without
    assert (line.vat_included, line.net, line.with_vat, line.without_vat) == (
        True,
        rub("122.00"),
        rub("122.00"),
        rub("100.00"),
    )


def test_a_hand_priced_return_of_nothing_is_refused() -> None:
    with pytest.raises(ShipmentError, match=r"^return line 7: a quantity above zero, got 0$"):
        hand_priced_return_line(
            "7",
            ProductId("KB-7"),
            WarehouseId("MAIN"),
            Decimal(0),
            rub("122.00"),
            sold_on=date(2026, 3, 1),
            category=VatCategory.GENERAL,
            vat_rates=russian_vat_rates(),
        )


# --- return requests -------------------------------------------------------------------


def request() -> ReturnRequest:
    return ReturnRequest(
        "RQ-1", PARTNER, COUNTERPARTY, BACK, ShipmentId("SH-1"),
        [(ProductId("CM-100"), Decimal(1))],
    )  # fmt: skip


def test_a_return_request_out_of_turn_is_refused_naming_both_statuses() -> None:
    with pytest.raises(ShipmentError) as early:
        complete_return_request(request(), ReturnId("RT-1"))
    assert str(early.value) == (
        "return request 'RQ-1' is not agreed: it can be done only when agreed"
    )
    assert early.value.details == {"request": "RQ-1", "status": "not_agreed"}
    with pytest.raises(ShipmentError) as twice:
        agree_return_request(agree_return_request(request()))
    assert str(twice.value) == (
        "return request 'RQ-1' is agreed: it can be agreed only when not agreed"
    )


def test_a_rejected_return_request_keeps_its_reason() -> None:
    rejected = reject_return_request(request(), "the box was opened")
    assert (rejected.status, rejected.reason) == (
        ReturnRequestStatus.REJECTED,
        "the box was opened",
    )


# --- commission trade --------------------------------------------------------------------

AGENT = SettlementAccount("AGENT-1", "RUB", "AGENT-LLC", "ORG-1")


def sold_line(line_no: str, transfer: str, transfer_line: str, quantity: int) -> ReportLine:
    # 18,000.00 a unit with 22 % VAT included: 3,245.90 VAT a unit (12,983.61 / 4, half up)
    return ReportLine(
        line_no, TransferId(transfer), transfer_line, ProductId("CM-100"), Decimal(quantity),
        net=rub("18000.00") * quantity, vat_rate=RATE, vat_included=True,
        vat=rub("3245.90") * quantity,
    )  # fmt: skip


def back_line(transfer: str, transfer_line: str, quantity: int, *, sold: bool) -> AgentReturnLine:
    return AgentReturnLine(
        "1", TransferId(transfer), transfer_line, ProductId("CM-100"), WarehouseId("MAIN"),
        Decimal(quantity), sold=sold, net=rub("18000.00") * quantity, vat_rate=RATE,
        vat_included=True, vat=rub("3245.90") * quantity,
    )  # fmt: skip


def test_agent_lines_count_sales_and_returns_before_and_after_them() -> None:
    sent = CommissionTransfer(
        TransferId("KT-1"),
        AGENT,
        date(2026, 3, 2),
        [
            CommissionLine.priced("1", ProductId("CM-100"), WarehouseId("MAIN"), Decimal(4),
                                  rub("18000.00"), RATE),
            CommissionLine.priced("2", ProductId("KB-7"), WarehouseId("MAIN"), Decimal(2),
                                  rub("1220.00"), RATE),
        ],
    )  # fmt: skip
    assert (sent.lines[0].net, sent.lines[0].vat) == (rub("72000.00"), rub("12983.61"))
    reports = [
        CommissionReport("OK-1", AGENT, BACK, [sold_line("1", "KT-1", "1", 1)], fee=rub("0.00")),
        CommissionReport(
            "OK-2",
            AGENT,
            BACK,
            [sold_line("1", "KT-9", "9", 1), sold_line("2", "KT-1", "1", 2)],
            fee=rub("0.00"),
        ),
    ]
    returns = [
        AgentReturn("VK-1", AGENT, BACK, [back_line("KT-1", "2", 1, sold=False)]),
        AgentReturn(
            "VK-2",
            AGENT,
            BACK,
            [
                back_line("KT-9", "9", 1, sold=True),
                attrs.evolve(back_line("KT-1", "1", 1, sold=True), line_no="2"),
            ],
        ),
        AgentReturn(
            "VK-3",
            AGENT,
            BACK,
            [
                back_line("KT-1", "1", 1, sold=True),
                attrs.evolve(back_line("KT-1", "2", 1, sold=False), line_no="2"),
            ],
        ),
    ]
    found = agent_lines(sent, reports, returns)
    # 4 sent, 3 sold (54,000.00, VAT 9,737.70), 2 of them back (36,000.00, VAT 6,491.80)
    assert found == {
        "1": AgentLine(
            Decimal(4),
            sold=Decimal(3),
            returned_sold=Decimal(2),
            sold_net=rub("54000.00"),
            sold_vat=rub("9737.70"),
            back_net=rub("36000.00"),
            back_vat=rub("6491.80"),
        ),
        "2": AgentLine(Decimal(2), returned_unsold=Decimal(2)),
    }
    assert (found["1"].at_agent, found["2"].at_agent) == (Decimal(1), Decimal(0))


def test_an_agents_fee_from_zero_to_the_whole_sales() -> None:
    sales = [sold_line("1", "KT-1", "1", 1)]
    whole = CommissionReport("OK-1", AGENT, BACK, sales, fee=rub("18000.00"))
    assert whole.owed == rub("0.00")
    for fee in ("-0.01", "18000.01"):
        with pytest.raises(ShipmentError, match=r"must be between zero and the sales 18000\.00"):
            CommissionReport("OK-1", AGENT, BACK, sales, fee=rub(fee))


def test_a_commission_line_quantity_given_as_a_number_becomes_a_decimal() -> None:
    line = CommissionLine.priced(
        "1",
        ProductId("CM-100"),
        WarehouseId("MAIN"),
        2,  # type: ignore[arg-type]
        rub("18000.00"),
        RATE,
    )
    assert (line.quantity, type(line.quantity), line.net) == (Decimal(2), Decimal, rub("36000.00"))
    with pytest.raises(ShipmentError, match=r"^a quantity must be above zero, got 0$"):
        attrs.evolve(line, quantity=0)


# --- corrections -----------------------------------------------------------------------


def posted() -> Shipment:
    # line 1: 3 CM-100 for 3,660.00 (VAT 660.00); line 2: 1 KB-7 for 100.00 (VAT 18.03)
    return attrs.evolve(
        shipment(
            "SH-1",
            SHIPPED,
            shipment_line("1", "SO-1", "3", "3660.00", "660.00"),
            shipment_line("2", "SO-1", "1", "100.00", "18.03", product="KB-7"),
        ),
        version=1,
    )


def correct(
    *changes: LineChange,
    kind: CorrectionKind = CorrectionKind.AGREEMENT,
    number: str = "KR-1",
    **options: Any,
) -> ShipmentCorrection:
    return decide_correction(CorrectionId(number), posted(), BACK, changes, kind, **options)


def test_a_correction_dated_on_the_shipment_day_keeps_its_reason() -> None:
    same_day = decide_correction(
        CorrectionId("KR-1"),
        posted(),
        SHIPPED,
        [LineChange("1", quantity=Decimal(2))],
        CorrectionKind.ERROR_FIX,
        reason="counted twice",
    )
    # 2 of 3: 3,660.00 × 2/3 = 2,440.00, VAT 660.00 × 2/3 = 440.00
    assert same_day.lines[0].after == LineFigures(Decimal(2), rub("2440.00"), rub("440.00"))
    assert same_day.reason == "counted twice"
    assert correct(LineChange("1", quantity=Decimal(2))).reason == ""


@pytest.mark.parametrize(
    ("changes", "kind", "settlement", "message"),
    [
        ((), CorrectionKind.AGREEMENT, None, "correction 'KR-1' of shipment 'SH-1' changes no "
         "line: name at least one line to correct"),
        ((LineChange("1", quantity=Decimal(2)), LineChange("1", quantity=Decimal(1))),
         CorrectionKind.AGREEMENT, None, "correction 'KR-1' of shipment 'SH-1' line 1 (CM-100) "
         "is changed twice: give one change per line"),
        ((LineChange("1", price=rub("0.00")),), CorrectionKind.AGREEMENT, None,
         "correction 'KR-1' of shipment 'SH-1' line 1 (CM-100): a corrected price must be "
         "above zero, got 0.00 RUB"),
        ((LineChange("1", price=rub("1300.00")),), CorrectionKind.OVER_DELIVERY,
         Settlement.INCREASE_SALE, "correction 'KR-1' of shipment 'SH-1' line 1 (CM-100): a "
         "sale of over-delivered goods raises the quantity (from 3); give a larger quantity"),
        ((LineChange("1", price=rub("1000.00")),), CorrectionKind.UNDER_DELIVERY,
         Settlement.DECREASE_SALE, "correction 'KR-1' of shipment 'SH-1' line 1 (CM-100): a "
         "return of under-delivered goods lowers the quantity (from 3); give a smaller quantity"),
    ],
)  # fmt: skip
def test_a_refused_correction_names_itself_and_the_line(
    changes: tuple[LineChange, ...],
    kind: CorrectionKind,
    settlement: Settlement | None,
    message: str,
) -> None:
    with pytest.raises(ShipmentError) as caught:
        correct(*changes, kind=kind, settlement=settlement)
    assert str(caught.value) == message


def returned_from(of: Shipment, number: str, quantity: str) -> CustomerReturn:
    return customer_return(number, BACK, of, "1", quantity)


def test_returns_of_the_line_bound_a_correction_and_other_shipments_returns_do_not() -> None:
    one, another = returned_from(posted(), "RT-1", "1"), returned_from(posted(), "RT-2", "1")
    with pytest.raises(ShipmentError, match="1 of the line came back at its price"):
        correct(LineChange("1", price=rub("1000.00")), returns=[one])
    with pytest.raises(ShipmentError, match=r"\(2 of it came back by returns\); lower it to 2"):
        correct(LineChange("1", quantity=Decimal(1)), returns=[one, another])
    elsewhere = shipment("SH-9", SHIPPED, shipment_line("1", "SO-9", "3", "3660.00", "660.00"))
    lowered = correct(
        LineChange("1", quantity=Decimal(1)), returns=[returned_from(elsewhere, "RT-9", "2")]
    )
    assert lowered.lines[0].after.quantity == Decimal(1)


def test_a_quantity_corrected_after_a_price_correction_keeps_the_corrected_price() -> None:
    priced = correct(LineChange("1", price=rub("1000.00")))
    # 3 × 1,000.00 = 3,000.00, VAT 3,000 × 22/122 = 540.98
    assert priced.lines[0].after == LineFigures(
        Decimal(3), rub("3000.00"), rub("540.98"), rub("1000.00")
    )
    fewer = correct(LineChange("1", quantity=Decimal(2)), number="KR-2", earlier=[priced])
    # 2 × 1,000.00 = 2,000.00, VAT 2,000 × 22/122 = 360.66 (not 2/3 of the shipped 3,660.00)
    assert fewer.lines[0].after == LineFigures(
        Decimal(2), rub("2000.00"), rub("360.66"), rub("1000.00")
    )


def agreed(*changes: LineChange) -> ShipmentCorrection:
    return agree_correction(correct(*changes, status=CorrectionStatus.NOT_AGREED))


def test_an_agreed_correction_is_checked_against_the_returns_since() -> None:
    lower = agreed(LineChange("1", quantity=Decimal(1)))
    shipped = posted()
    check_still_current(lower, shipped, [], [returned_from(shipped, "RT-1", "1")])  # allowed
    with pytest.raises(ShipmentError) as two_back:
        check_still_current(lower, shipped, [], [returned_from(shipped, "RT-1", "2")])
    assert str(two_back.value) == (
        "correction 'KR-1' line 1 (CM-100) would leave 1 at 1220.00 RUB, but 2 came back by "
        "returns since at the old figures: reject it and draw up a new one"
    )
    cheaper = agreed(LineChange("1", price=rub("1000.00")))
    with pytest.raises(ShipmentError, match="1 came back by returns since"):
        check_still_current(cheaper, shipped, [], [returned_from(shipped, "RT-1", "1")])


def test_a_correction_out_of_turn_is_refused_naming_its_status() -> None:
    done = correct(LineChange("1", quantity=Decimal(2)))
    with pytest.raises(ShipmentError) as caught:
        agree_correction(done)
    assert str(caught.value) == "correction 'KR-1' is posted: it can be agreed only when not agreed"
    assert caught.value.details == {"correction": "KR-1", "status": "posted"}
    rejected = reject_correction(agreed(LineChange("1", quantity=Decimal(2))), "not signed")
    assert (rejected.status, rejected.reason) == (CorrectionStatus.REJECTED, "not signed")


def test_a_correction_is_posted_once_stored_in_status_posted() -> None:
    decided = correct(LineChange("1", quantity=Decimal(2)))
    # decided in status posted, but not stored yet (version 0): nothing was posted
    assert (decided.status, decided.version, decided.is_posted) == (
        CorrectionStatus.POSTED,
        0,
        False,
    )
    assert attrs.evolve(decided, version=1).is_posted
    drawn_up = attrs.evolve(agreed(LineChange("1", quantity=Decimal(2))), version=1)
    assert (drawn_up.status, drawn_up.is_posted) == (CorrectionStatus.AGREED, False)


# --- goods issues and receipt orders ------------------------------------------------------


def test_an_issue_line_takes_what_the_order_line_has_left_to_issue() -> None:
    assert issue_line(TO_SHIP, LineId("1"), Decimal(2), "4", Decimal(0)) == IssueLine(
        "4", TO_SHIP.id, LineId("1"), ProductId("P1"), Decimal(2)
    )
    where = "order 'TD-2026-000001' line 1"
    with pytest.raises(ShipmentError) as issued_before:
        issue_line(TO_SHIP, LineId("1"), Decimal(3), "1", Decimal(1))
    assert str(issued_before.value) == (
        f"{where}: 3 to issue, but 1 of 3 is issued already; issue at most 2"
    )
    with pytest.raises(ShipmentError) as shipped_before:
        issue_line(TO_SHIP, LineId("1"), Decimal(2), "1", Decimal(1), Decimal(1))
    assert str(shipped_before.value) == (
        f"{where}: 2 to issue, but 1 of 3 is issued already and 1 left by shipments from an "
        "ordinary warehouse; issue at most 1"
    )
    with pytest.raises(ShipmentError) as not_to_ship:
        issue_line(attrs.evolve(TO_SHIP, status=OrderStatus.TO_PAY), LineId("1"), Decimal(1),
                   "1", Decimal(0))  # fmt: skip
    assert str(not_to_ship.value) == (
        f"{where}: the order is to pay; goods are issued only for an order that is to ship"
    )


def test_issue_and_receipt_documents_refuse_no_lines_and_numbers_used_twice() -> None:
    line = IssueLine("1", OrderId("SO-1"), LineId("1"), ProductId("CM-100"), 2)
    assert (line.quantity, type(line.quantity)) == (Decimal(2), Decimal)
    with pytest.raises(ShipmentError, match=r"^an issued quantity must be above zero, got 0$"):
        attrs.evolve(line, quantity=0)
    with pytest.raises(
        ShipmentError, match=r"^a goods issue has no lines: issue at least one order line$"
    ):
        GoodsIssue(IssueId("RO-1"), WarehouseId("MAIN"), SHIPPED, [])
    with pytest.raises(ShipmentError, match="give every issue line its own number"):
        GoodsIssue(IssueId("RO-1"), WarehouseId("MAIN"), SHIPPED, [line, line])
    back = ReceiptLine("1", ReturnId("RT-1"), "1", OrderId("SO-1"), LineId("1"),
                       ProductId("CM-100"), Decimal(1))  # fmt: skip
    with pytest.raises(
        ShipmentError, match=r"^a receipt order has no lines: receive at least one return line$"
    ):
        GoodsReceipt(ReceiptId("PO-1"), WarehouseId("MAIN"), SHIPPED, [])
    with pytest.raises(ShipmentError, match="give every receipt line its own number"):
        GoodsReceipt(ReceiptId("PO-1"), WarehouseId("MAIN"), SHIPPED, [back, back])


def test_a_receipt_order_names_each_order_of_its_lines_once() -> None:
    def back(line_no: str, order: str) -> ReceiptLine:
        return ReceiptLine(line_no, ReturnId("RT-1"), line_no, OrderId(order), LineId("1"),
                           ProductId("CM-100"), Decimal(1))  # fmt: skip

    lines = [back("1", "SO-2"), back("2", "SO-1"), back("3", "SO-2")]
    receipt = GoodsReceipt(ReceiptId("PO-1"), WarehouseId("MAIN"), SHIPPED, lines)
    assert receipt.order_ids == ("SO-2", "SO-1")


def by_issue(number: str, on: date, *lines: ShipmentLine) -> Shipment:
    return attrs.evolve(shipment(number, on, *lines), by_goods_issue=True)


def of_line(line: ShipmentLine, order_line_id: str) -> ShipmentLine:
    return attrs.evolve(line, order_line_id=LineId(order_line_id))


# SO-1 line 1 (CM-100): 1 shipped from an ordinary warehouse (SH-0); 3 invoiced by SH-1 and
# issued by RO-1, 1 of them returned (RT-1 line 2) and received back (PO-1), then 2 more
# invoiced (SH-2). SO-1 line 3 (KB-7): 2 invoiced, 1 issued, 1 returned. SO-4 line 1 (MILK):
# issued, never invoiced. SO-1 line 2 is a service.
SH0 = shipment("SH-0", date(2026, 3, 9), shipment_line("1", "SO-1", "1", "1220.00", "220.00"))
SH1 = by_issue(
    "SH-1",
    date(2026, 3, 10),
    of_line(shipment_line("1", "SO-1", "1", "500.00", "90.16", product="SRV", warehouse=None), "2"),
    shipment_line("2", "SO-1", "3", "3660.00", "660.00"),
    of_line(shipment_line("3", "SO-1", "2", "244.00", "44.00", product="KB-7"), "3"),
)
SH2 = by_issue("SH-2", date(2026, 3, 14), shipment_line("1", "SO-1", "2", "2440.00", "440.00"))
RO1 = GoodsIssue(
    IssueId("RO-1"), WarehouseId("MAIN"), date(2026, 3, 11),
    [IssueLine("1", OrderId("SO-1"), LineId("1"), ProductId("CM-100"), Decimal(3)),
     IssueLine("2", OrderId("SO-1"), LineId("3"), ProductId("KB-7"), Decimal(1)),
     IssueLine("3", OrderId("SO-4"), LineId("1"), ProductId("MILK"), Decimal(1))],
)  # fmt: skip
RT1 = a_return(
    "RT-1",
    date(2026, 3, 12),
    typed_line("1", order_id="SO-2", order_line_id=None),
    return_line(SH1, "2", Decimal(1), "2", {}),
    return_line(SH1, "3", Decimal(1), "3", {}),
    return_line(SH0, "1", Decimal(1), "4", {}),
)
PO1 = GoodsReceipt(
    ReceiptId("PO-1"), WarehouseId("MAIN"), date(2026, 3, 14),
    [ReceiptLine("1", ReturnId("RT-1"), "2", OrderId("SO-1"), LineId("1"), ProductId("CM-100"),
                 Decimal(1))],
)  # fmt: skip


def counted(
    invoiced: int, issued: int, returned: int, received: int, order: str, line: str, product: str
) -> IssueDiscrepancy:
    return IssueDiscrepancy(
        OrderId(order), LineId(line), ProductId(product), Decimal(invoiced), Decimal(issued),
        returned=Decimal(returned), received=Decimal(received),
    )  # fmt: skip


def test_issue_line_counts_and_discrepancies_per_order_line() -> None:
    counts = issue_line_counts([SH0, SH1, SH2], [RO1], [RT1], [PO1])
    # nothing issued yet: the invoiced lines are counted, each named by its product
    assert issue_line_counts([SH1], [], [], []) == [
        counted(3, 0, 0, 0, "SO-1", "1", "CM-100"),
        counted(2, 0, 0, 0, "SO-1", "3", "KB-7"),
    ]
    assert counts == [
        counted(5, 3, 1, 1, "SO-1", "1", "CM-100"),
        counted(2, 1, 1, 0, "SO-1", "3", "KB-7"),
        counted(0, 1, 0, 0, "SO-4", "1", "MILK"),
    ]
    # SO-1/1: 5 − 1 on paper, 3 − 1 in fact: 2 to issue; SO-4/1: 1 to invoice
    assert [(x.order_id, x.to_issue, x.to_receive, x.to_invoice) for x in counts] == [
        ("SO-1", Decimal(2), Decimal(0), Decimal(0)),
        ("SO-1", Decimal(0), Decimal(0), Decimal(0)),
        ("SO-4", Decimal(0), Decimal(0), Decimal(1)),
    ]
    assert [x.product_id for x in issue_discrepancies([SH0, SH1, SH2], [RO1], [RT1], [PO1])] == [
        "CM-100",
        "MILK",
    ]


def test_goods_issued_beyond_the_invoice_are_to_receive_if_returned_else_to_invoice() -> None:
    # 3 invoiced, 5 issued; 2 of the invoice returned on paper, 1 of them received back: the
    # client keeps 3 − 2 = 1 on paper and holds 5 − 1 = 4; of the 3 more, 2 − 1 = 1 is still
    # to receive (returned, not back yet) and 2 are to invoice (issued, never invoiced)
    gap = counted(3, 5, 2, 1, "SO-1", "1", "CM-100")
    assert (gap.to_issue, gap.to_receive, gap.to_invoice) == (Decimal(0), Decimal(1), Decimal(2))


def left(order: str, line: str, quantity: int, on: date, document: str) -> ShippedQuantity:
    return ShippedQuantity(OrderId(order), LineId(line), Decimal(quantity), on, document)


MARCH_9, MARCH_10, MARCH_11, MARCH_12 = (date(2026, 3, d) for d in (9, 10, 11, 12))
THE_SERVICE_AND_THE_ORDINARY_SHIPMENT = [
    left("SO-1", "1", 1, MARCH_9, "SH-0"),
    left("SO-1", "2", 1, MARCH_10, "SH-1"),
]
ISSUED_AND_RETURNED = [
    left("SO-1", "1", 3, MARCH_11, "RO-1"),
    left("SO-1", "3", 1, MARCH_11, "RO-1"),
    left("SO-4", "1", 1, MARCH_11, "RO-1"),
    left("SO-1", "1", -1, MARCH_12, "RT-1"),
    left("SO-1", "3", -1, MARCH_12, "RT-1"),
    left("SO-1", "1", -1, MARCH_12, "RT-1"),
    # KB-7: 1 returned of the 2 invoiced, 1 never issued: it counts as shipped on paper
    left("SO-1", "3", 1, MARCH_12, "returned"),
]


def test_quantities_left_on_each_day() -> None:
    documents = ([SH0, SH1, SH2], [RO1], [RT1], [PO1])
    # the goods lines of SH-1 leave by RO-1, not by the invoice
    assert quantities_left(*documents, on=MARCH_10) == tuple(THE_SERVICE_AND_THE_ORDINARY_SHIPMENT)
    # 12 March: CM-100 3 invoiced and 3 issued, 1 returned not yet received: nothing unissued
    expected = (*THE_SERVICE_AND_THE_ORDINARY_SHIPMENT, *ISSUED_AND_RETURNED)
    assert quantities_left(*documents, on=MARCH_12) == expected
    # 14 March: CM-100's return received, 2 more invoiced and not issued: still nothing returned
    # unissued (the received unit had left)
    assert quantities_left(*documents, on=date(2026, 3, 14)) == expected
    assert quantities_left(*documents) == expected


def test_a_receipt_order_takes_back_what_was_issued_and_returned() -> None:
    documents: dict[str, Any] = {"shipments": [SH0, SH1], "issues": [RO1], "returns": [RT1]}
    assert receipt_line(RT1, "2", Decimal(1), "5", receipts=[], **documents) == ReceiptLine(
        "5", ReturnId("RT-1"), "2", OrderId("SO-1"), LineId("1"), ProductId("CM-100"), Decimal(1)
    )
    with pytest.raises(ShipmentError) as more_than_returned:
        receipt_line(RT1, "2", Decimal(2), "1", receipts=[], **documents)
    assert str(more_than_returned.value) == (
        "return 'RT-1' line 2 (CM-100): 2 to receive, 1 returned and 0 received already; "
        "receive at most 1"
    )
    refusals = [
        (RT1, "2", [PO1], documents, "return 'RT-1' line 2 (CM-100): 1 to receive, 1 returned "
         "and 1 received already; receive at most 0"),
        (RT1, "3", [], documents, "return 'RT-1' line 3 (KB-7): 1 to receive, but only 0 of "
         "order 'SO-1' line 3 was issued to the client beyond what it keeps; goods that never "
         "left the warehouse do not come back (receive at most 0)"),
        (RT1, "2", [], {"shipments": [], "issues": [], "returns": [RT1]}, "return 'RT-1' line 2 "
         "(CM-100): 1 to receive, but only 0 of order 'SO-1' line 1 was issued to the client "
         "beyond what it keeps; goods that never left the warehouse do not come back (receive "
         "at most 0)"),
        (RT1, "4", [], documents, "return 'RT-1' line 4 (CM-100) came back by the return "
         "itself (an ordinary warehouse): a receipt order takes back goods of order-based "
         "warehouses only"),
        (a_return("RT-2", MARCH_12, attrs.evolve(RT1.lines[1], order_line_id=None)), "2", [],
         documents, "return 'RT-2' line 2 (CM-100) came back by the return itself (an "
         "ordinary warehouse): a receipt order takes back goods of order-based warehouses "
         "only"),
        (RT1, "9", [], documents, "return 'RT-1' line 9 does not exist: name a line of the "
         "return"),
    ]  # fmt: skip
    for document, line_no, receipts, known, message in refusals:
        with pytest.raises(ShipmentError) as caught:
            receipt_line(document, line_no, Decimal(1), "1", receipts=receipts, **known)
        assert str(caught.value) == message
