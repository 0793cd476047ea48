"""Shipment and return lines take frozen figures: hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER, frozen_line, order, prices
from tests.unit.shipments._fixtures import rub, shipment

from salescore.errors import ShipmentError
from salescore.orders import LineId, OrderStatus
from salescore.parties import CounterpartyId, PartnerId, ProductId, WarehouseId
from salescore.shipments import (
    LineExecution,
    ReturnId,
    ReturnRequest,
    ReturnRequestStatus,
    ShipmentId,
    ShipmentLine,
    ShipRequest,
    agree_return_request,
    complete_return_request,
    hand_priced_return_line,
    line_executions,
    reject_return_request,
    return_lines_of_product,
    share,
    ship_line,
)
from salescore.tax import VatCategory, russian_vat_rates

# 3 × 999.99 on top of the price at 22 %: net 2,999.97, VAT 2,999.97 × 0.22 = 659.9934 → 659.99
PRICED = prices(frozen_line("1", "3", "999.99", rate="22", included=False))
ORDER = order(
    prices=PRICED,
    status=OrderStatus.TO_SHIP,
    header=attrs.evolve(HEADER, warehouse_id=WarehouseId("MAIN")),
)


def ship(quantity: int, number: str, done: LineExecution | None = None) -> ShipmentLine:
    return ship_line(
        ORDER,
        ShipRequest(ORDER.id, LineId("1"), Decimal(quantity)),
        "1",
        done,
        partner_id=HEADER.partner_id,
        counterparty_id=HEADER.counterparty_id,
    )


def test_the_last_shipment_of_a_line_takes_what_is_left_to_the_kopeck() -> None:
    shipped, done = [], None
    for n in range(3):
        line = ship(1, f"SH-{n}", done)
        shipped.append(line)
        done = line_executions([shipment(f"SH-{n}", date(2026, 3, 10), x) for x in shipped])[
            (ORDER.id, "1")
        ]
    # 659.99 / 3 = 219.9967 → 220.00 twice, then 659.99 − 440.00 = 219.99
    assert [x.vat for x in shipped] == [rub("220.00"), rub("220.00"), rub("219.99")]
    assert [x.net for x in shipped] == [rub("999.99")] * 3
    assert PRICED.lines[0].vat == rub("659.99")


def test_a_lines_unit_price_is_its_amount_with_vat_per_unit_half_up() -> None:
    line = ship(3, "SH-1")
    # 2,999.97 + 659.99 = 3,659.96 with VAT; / 3 = 1,219.9866... → 1,219.99
    assert (line.with_vat, line.unit_price) == (rub("3659.96"), rub("1219.99"))
    # 1,000.01 for 2: 500.005 → 500.01 (half up, not to even)
    halves = attrs.evolve(line, quantity=Decimal(2), net=rub("819.68"), vat=rub("180.33"))
    assert (halves.with_vat, halves.unit_price) == (rub("1000.01"), rub("500.01"))
    sent = shipment("SH-1", date(2026, 3, 10), line)
    (back,) = return_lines_of_product(sent, ProductId("P1"), Decimal(1), 1, {})
    # one unit back: 999.99 + 220.00
    assert back.unit_price == rub("1219.99")


def test_shipping_more_than_is_left_names_what_is_left() -> None:
    first = ship(2, "SH-1")
    done = line_executions([shipment("SH-1", date(2026, 3, 10), first)])[(ORDER.id, "1")]
    with pytest.raises(ShipmentError, match=r"2 asked, but only 1 of 3 is left to ship") as err:
        ship(2, "SH-2", done)
    assert err.value.details["left"] == "1"


def test_another_clients_order_and_an_order_not_to_ship_are_refused() -> None:
    with pytest.raises(ShipmentError, match="belongs to client VOLGA"):
        ship_line(
            ORDER,
            ShipRequest(ORDER.id, LineId("1"), Decimal(1)),
            "1",
            None,
            partner_id=PartnerId("CAFE"),
            counterparty_id=CounterpartyId("CAFE-IE"),
        )
    with pytest.raises(ShipmentError, match="the order is to pay"):
        ship_line(
            attrs.evolve(ORDER, status=OrderStatus.TO_PAY),
            ShipRequest(ORDER.id, LineId("1"), Decimal(1)),
            "1",
            None,
            partner_id=HEADER.partner_id,
            counterparty_id=HEADER.counterparty_id,
        )


def test_returns_mirror_the_shipment_line_and_a_full_return_gives_back_its_vat() -> None:
    sent = shipment("SH-1", date(2026, 3, 10), ship(3, "SH-1"))
    (first,) = return_lines_of_product(sent, ProductId("P1"), Decimal(1), 1, {})
    # 659.99 / 3 → 220.00; the rest of the line then gives back 439.99
    assert (first.net, first.vat, first.vat_rate.code) == (rub("999.99"), rub("220.00"), "22")
    so_far = {("SH-1", "1"): (first.quantity, first.net, first.vat)}
    (rest,) = return_lines_of_product(sent, ProductId("P1"), Decimal(2), 2, so_far)
    assert (rest.net, rest.vat) == (rub("1999.98"), rub("439.99"))
    assert first.vat + rest.vat == sent.lines[0].vat


def test_a_return_above_what_was_shipped_or_of_a_product_never_shipped_is_refused() -> None:
    sent = shipment("SH-1", date(2026, 3, 10), ship(2, "SH-1"))
    with pytest.raises(ShipmentError, match="2 was shipped and 0 already returned"):
        return_lines_of_product(sent, ProductId("P1"), Decimal(3), 1, {})
    with pytest.raises(ShipmentError, match="shipped no P9"):
        return_lines_of_product(sent, ProductId("P9"), Decimal(1), 1, {})


def test_a_hand_priced_return_of_a_2025_sale_keeps_20_percent() -> None:
    args = (
        "1",
        ProductId("CM-100"),
        WarehouseId("MAIN"),
        Decimal(2),
        rub("1200.00"),
    )
    table = russian_vat_rates()
    old = hand_priced_return_line(
        *args, sold_on=date(2025, 12, 30), category=VatCategory.GENERAL, vat_rates=table
    )
    new = hand_priced_return_line(
        *args, sold_on=date(2026, 1, 5), category=VatCategory.GENERAL, vat_rates=table
    )
    # 2,400.00 × 20/120 = 400.00; × 22/122 = 432.786… → 432.79
    assert (old.vat_rate.code, old.vat) == ("20", rub("400.00"))
    assert (new.vat_rate.code, new.vat) == ("22", rub("432.79"))


def test_share_is_exact_and_ignores_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert share(rub("100000.00"), Decimal(1), Decimal(3)) == rub("33333.33")
        assert share(rub("0.05"), Decimal(1), Decimal(2)) == rub("0.03")
        assert share(rub("-0.05"), Decimal(1), Decimal(2)) == rub("-0.03")


def test_a_return_request_goes_not_agreed_agreed_done_or_rejected() -> None:
    request = ReturnRequest(
        "RQ-1", HEADER.partner_id, HEADER.counterparty_id, date(2026, 3, 15),
        ShipmentId("SH-1"), [(ProductId("P1"), Decimal(1))],
    )  # fmt: skip
    assert request.status is ReturnRequestStatus.NOT_AGREED
    with pytest.raises(ShipmentError, match="only when agreed"):
        complete_return_request(request, ReturnId("RT-1"))
    agreed = agree_return_request(request)
    done = complete_return_request(agreed, ReturnId("RT-1"))
    assert (done.status, done.return_id) == (ReturnRequestStatus.DONE, "RT-1")
    with pytest.raises(ShipmentError, match="give the reason"):
        reject_return_request(agreed, " ")
    assert reject_return_request(agreed, "opened").status is ReturnRequestStatus.REJECTED
    with pytest.raises(ShipmentError, match="is done"):
        reject_return_request(done, "late")
