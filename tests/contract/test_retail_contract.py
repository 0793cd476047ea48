"""The retail repository contract (outlets, shifts, receipts, reports, takings, cards),
held against every storage adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
from tests.unit.retail._fixtures import OPENED, SHOP, golden_receipt, rub

from salescore.app.stores import Store
from salescore.retail import (
    CardKind,
    CashShift,
    LoyaltyCard,
    ReceiptStatus,
    ShiftStatus,
    TakingsHandover,
    TurnoverTier,
    sales_report,
)


def test_outlets_shifts_and_receipts_are_read_back_equal_and_found(store: Store) -> None:
    shift = CashShift("S-1", "SHOP-1", "POS-1", OPENED, "anna", 1, 1)
    receipt = golden_receipt()
    with store.unit_of_work() as uow:
        uow.outlets.add(SHOP)
        uow.cash_shifts.add(shift)
        uow.retail_receipts.add(receipt)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.outlets.get(SHOP.id) == SHOP
        assert uow.cash_shifts.find_by("status", ShiftStatus.OPEN) == [shift]
        assert uow.cash_shifts.find_by("workplace_id", "POS-1") == [shift]
        assert uow.retail_receipts.get("R-1") == receipt
        assert uow.retail_receipts.find_by("shift_id", "S-1") == [receipt]
        assert uow.retail_receipts.find_by("card_number", "0001") == [receipt]
        assert uow.retail_receipts.find_by("status", ReceiptStatus.PENDING) == [receipt]
        assert uow.retail_receipts.find_by("original_id", None) == [receipt]


def test_reports_takings_and_cards_are_read_back_equal(store: Store) -> None:
    report = sales_report(
        "Z-1",
        outlet_id="SHOP-1",
        warehouse_id="STORE-1",
        receipts=[golden_receipt()],
        currency="RUB",
        shift_id="S-1",
    )
    handover = TakingsHandover(
        "T-1", "S-1", "SHOP-1", rub("248.38"), datetime(2026, 3, 2, 20, tzinfo=UTC)
    )
    kind = CardKind("CLUB", "Club", (TurnoverTier(Decimal(10000), "CLUB-5"),))
    card = LoyaltyCard("0001", "2000000000015", "CLUB", "Anna", valid_until=date(2026, 12, 31))
    with store.unit_of_work() as uow:
        uow.retail_reports.add(report)
        uow.takings.add(handover)
        uow.card_kinds.add(kind)
        uow.loyalty_cards.add(card)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.retail_reports.find_by("shift_id", "S-1") == [report]
        assert uow.takings.find_by("shift_id", "S-1") == [handover]
        assert uow.card_kinds.get("CLUB") == kind
        assert uow.loyalty_cards.find_by("barcode", "2000000000015") == [card]


def test_a_failed_unit_of_work_keeps_no_receipt(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.retail_receipts.add(golden_receipt())
        uow.cash_shifts.add(CashShift("S-1", "SHOP-1", "POS-1", OPENED))
    with store.unit_of_work() as uow:
        assert len(uow.retail_receipts) == 0
        uow.retail_receipts.add(golden_receipt())
        uow.retail_receipts.save(attrs.evolve(golden_receipt(), status=ReceiptStatus.FISCAL))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.retail_receipts.get("R-1").status is ReceiptStatus.FISCAL
