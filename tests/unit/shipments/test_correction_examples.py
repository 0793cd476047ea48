"""Corrections drawn up, agreed and posted later, on small examples: what the posting
moves, what a correction keeps, and what a return since changes. SH-1 ships 3 CM-100 at
18,300.00 (54,900.00 with VAT) from MAIN, which keeps 9 free."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import (
    CM,
    actual_entries,
    at,
    cm,
    debt,
    free,
    order_to_ship,
    post,
    rub,
)
from tests.unit.shipments.test_corrections import (
    CORRECTED,
    correct,
    draw_up,
    post_agreed,
    shipped_three,
)

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import ShipmentError
from salescore.orders import LineId
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    LineChange,
    ReturnId,
    Settlement,
    ShipmentId,
    ShipRequest,
)

company = timelines.company


def agree(store: Store, number: str) -> None:
    with store.unit_of_work() as uow:
        sc.agree_correction(uow, CorrectionId(number))
        uow.commit()


def return_one(store: Store) -> None:
    with store.unit_of_work() as uow:
        sc.post_return(
            uow,
            ReturnId("RT-1"),
            CORRECTED,
            [sc.ReturnItem(ShipmentId("SH-1"), CM, 1)],
            at=at(CORRECTED),
        )
        uow.commit()


def test_an_agreed_raise_moves_stock_and_debt_when_it_is_posted(company: Store) -> None:
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(2)), kind=CorrectionKind.ERROR_FIX)
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))
    draw_up(company, "KR-2", LineChange("1", quantity=Decimal(3)))
    agree(company, "KR-2")
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))  # not yet
    post_agreed(company, "KR-2")
    # the unit leaves again and 18,300.00 more is owed, in the order's two stages
    assert (free(company), debt(company)) == (Decimal(9), rub("54900.00"))
    assert [e[1:] for e in actual_entries(company) if e[0].startswith("KR-2")] == [
        ("correction", date(2026, 3, 30), rub("9150.00")),
        ("correction", date(2026, 4, 9), rub("9150.00")),
    ]


def test_a_correction_drawn_up_keeps_its_reason_and_settlement(company: Store) -> None:
    shipped_three(company)
    with company.unit_of_work() as uow:
        named = sc.register_correction(
            uow,
            CorrectionId("KR-1"),
            ShipmentId("SH-1"),
            CORRECTED,
            [LineChange("1", quantity=Decimal(4))],
            CorrectionKind.OVER_DELIVERY,
            settlement=Settlement.OTHER_INCOME,
            reason="the client kept a fourth unit",
        )
        plain = sc.register_correction(
            uow,
            CorrectionId("KR-2"),
            ShipmentId("SH-1"),
            CORRECTED,
            [LineChange("1", price=rub("17000.00"))],
            CorrectionKind.AGREEMENT,
        )
        uow.commit()
    with company.unit_of_work() as uow:
        stored = [uow.shipment_corrections.get(n) for n in ("KR-1", "KR-2")]
    assert [(c.settlement, c.reason) for c in stored] == [
        (named.settlement, "the client kept a fourth unit"),
        (plain.settlement, ""),
    ]
    assert named.settlement is Settlement.OTHER_INCOME
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="correction 'KR-1' exists already"),
    ):
        sc.register_correction(
            uow,
            CorrectionId("KR-1"),
            ShipmentId("SH-1"),
            CORRECTED,
            [LineChange("1", price=rub("17500.00"))],
            CorrectionKind.AGREEMENT,
        )


def test_a_return_counts_for_corrections_drawn_up_or_agreed_before_it(company: Store) -> None:
    shipped_three(company)
    draw_up(company, "KR-1", LineChange("1", price=rub("17000.00")))
    agree(company, "KR-1")
    return_one(company)  # 1 of 3 back: KR-1 was drawn up from 3 units
    with pytest.raises(ShipmentError, match="draw up a new one"):
        post_agreed(company, "KR-1")
    # the returned unit came back already: the quantity goes down to 1 at the least
    with pytest.raises(
        ShipmentError, match=r"1 of it came back by returns\); lower it to 1 at the least"
    ):
        draw_up(company, "KR-2", LineChange("1", quantity=Decimal(0)))
    # 54,900.00 less the unit returned, 18,300.00
    assert debt(company) == rub("36600.00")


def test_a_correction_of_two_orders_moves_the_debt_of_each(company: Store) -> None:
    first = order_to_ship(company, [cm(3)])
    second = order_to_ship(company, [cm(2)])
    post(company, "SH-1", [ShipRequest(first, LineId("1"), 1), ShipRequest(second, LineId("1"), 1)])
    assert debt(company) == rub("36600.00")  # 2 × 18,300.00
    # the first order's line goes down by 1, the second's up by 1 (it has 1 left)
    with company.unit_of_work() as uow:
        sc.post_correction(
            uow,
            CorrectionId("KR-1"),
            ShipmentId("SH-1"),
            CORRECTED,
            [LineChange("1", quantity=Decimal(0)), LineChange("2", quantity=Decimal(2))],
            CorrectionKind.ERROR_FIX,
            SAMPLE_CALENDAR,
            at=at(CORRECTED),
            reason="lines swapped",
        )
        uow.commit()
    entries = [e[1:] for e in actual_entries(company) if e[0].startswith("KR-1")]
    assert sorted(entries, key=lambda e: e[1]) == [
        ("correction", CORRECTED, rub("-18300.00")),
        ("correction", date(2026, 3, 30), rub("9150.00")),
        ("correction", date(2026, 4, 9), rub("9150.00")),
    ]
    assert debt(company) == rub("36600.00")
    with company.unit_of_work() as uow:
        assert uow.shipment_corrections.get("KR-1").reason == "lines swapped"
    with pytest.raises(ShipmentError, match="correction 'KR-1' exists already"):
        correct(company, "KR-1", LineChange("1", price=rub("17000.00")))


def test_the_rest_of_a_line_repriced_by_a_correction_ships_at_the_order_price(
    company: Store,
) -> None:
    order_id = order_to_ship(company, [cm(3)])
    post(company, "SH-1", [ShipRequest(order_id, LineId("1"), 1)])
    with company.unit_of_work() as uow:
        sc.post_correction(
            uow,
            CorrectionId("KR-1"),
            ShipmentId("SH-1"),
            CORRECTED,
            [LineChange("1", price=rub("17000.00"))],
            CorrectionKind.AGREEMENT,
            SAMPLE_CALENDAR,
            at=at(CORRECTED),
        )
        uow.commit()
    post(company, "SH-2", [ShipRequest(order_id, LineId("1"), 2)], CORRECTED)
    with company.unit_of_work() as uow:
        rest = uow.shipments.get(ShipmentId("SH-2"))
        repriced = uow.shipment_corrections.get(CorrectionId("KR-1"))
    # 2 × 18,300.00, not the order's 54,900.00 less the 17,000.00 SH-1 now stands at
    assert (rest.with_vat, rest.vat) == (rub("36600.00"), rub("6600.00"))
    assert repriced.reason == ""  # posted without one
    assert debt(company) == rub("53600.00")  # 17,000.00 + 36,600.00


def test_a_correction_moves_the_stock_of_a_line_after_one_repriced_only(company: Store) -> None:
    first = order_to_ship(company, [cm(3)])
    second = order_to_ship(company, [cm(2)])
    post(company, "SH-1", [ShipRequest(first, LineId("1"), 1), ShipRequest(second, LineId("1"), 1)])
    before = free(company)
    # line 1 only repriced (no stock moves), line 2 up by 1 from free stock
    correct(
        company,
        "KR-1",
        LineChange("1", price=rub("17000.00")),
        LineChange("2", quantity=Decimal(2)),
        kind=CorrectionKind.ERROR_FIX,
    )
    assert free(company) == before - 1
    assert debt(company) == rub("53600.00")  # 17,000.00 + 2 × 18,300.00
