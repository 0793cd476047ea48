"""The posted-document repository (corrections, goods issues, commission documents)
held to one behaviour on every store."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.unit.shipments._fixtures import rub, shipment, shipment_line

from salescore.app.stores import Store
from salescore.errors import ConcurrencyError, ConflictError, NotFoundError
from salescore.orders import LineId, OrderId
from salescore.parties import ProductId, WarehouseId
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    GoodsIssue,
    GoodsReceipt,
    IssueId,
    IssueLine,
    LineChange,
    ReceiptId,
    ReceiptLine,
    ReturnId,
    ShipmentCorrection,
    decide_correction,
)

CM = ProductId("CM-100")
SOLD = attrs.evolve(
    shipment(
        "SH-1",
        date(2026, 3, 10),
        shipment_line("1", "SO-1", "3", "54000.00", "9737.70"),
        shipment_line("2", "SO-2", "1", "1200.00", "200.00", rate="20"),
    ),
    version=1,
)


def correction(number: str, day: int) -> ShipmentCorrection:
    return decide_correction(
        CorrectionId(number),
        SOLD,
        date(2026, 3, day),
        [LineChange("1", price=rub("17000.00")), LineChange("2", quantity=Decimal(0))],
        CorrectionKind.AGREEMENT,
    )


def issue(number: str, day: int, order: str) -> GoodsIssue:
    line = IssueLine("1", OrderId(order), LineId("1"), ProductId("CM-100"), Decimal(2))
    return GoodsIssue(IssueId(number), WarehouseId("MAIN"), date(2026, 3, day), [line])


def test_posted_documents_come_back_whole_and_are_found_by_each_key(store: Store) -> None:
    later, first = correction("KR-2", 21), correction("KR-1", 20)
    with store.unit_of_work() as uow:
        stored = uow.shipment_corrections.add(later)
        uow.shipment_corrections.add(first)
        for document in (issue("RO-2", 12, "SO-1"), issue("RO-1", 11, "SO-2")):
            uow.goods_issues.add(document)
        uow.commit()
    assert stored.version == 1
    with store.unit_of_work() as uow:
        back = uow.shipment_corrections.get("KR-2")
        by_shipment = [c.id for c in uow.shipment_corrections.of_shipment("SH-1")]
        by_order = [c.id for c in uow.shipment_corrections.of_order("SO-2")]
        by_client = [c.id for c in uow.shipment_corrections.of_party("VOLGA-KZN")]
        issues = [i.id for i in uow.goods_issues.of_party("MAIN")]
        of_order = [i.id for i in uow.goods_issues.of_order("SO-1")]
        missing = (uow.goods_issues.find("KR-1"), uow.shipment_corrections.of_shipment(""))
    assert back == stored
    assert pickle.loads(pickle.dumps(back)) == back
    assert (by_shipment, by_order, by_client) == (["KR-1", "KR-2"],) * 3
    assert (issues, of_order, missing) == (["RO-1", "RO-2"], ["RO-2"], (None, []))


def test_a_number_is_stored_once_per_kind_and_a_rollback_keeps_nothing(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.goods_issues.add(issue("RO-1", 11, "SO-1"))
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(ConflictError, match="RO-1"):
        uow.goods_issues.add(issue("RO-1", 12, "SO-2"))
    with store.unit_of_work() as uow:
        uow.goods_issues.add(issue("RO-2", 12, "SO-2"))  # not committed
    with store.unit_of_work() as uow:
        assert uow.goods_issues.find("RO-2") is None
        assert uow.commission_transfers.find("RO-1") is None  # another kind
        with pytest.raises(NotFoundError, match="no goods issue 'RO-2'"):
            uow.goods_issues.get("RO-2")


def test_a_status_changes_with_optimistic_versions_and_receipts_are_found(store: Store) -> None:
    drawn = attrs.evolve(correction("KR-1", 20), status=CorrectionStatus.NOT_AGREED)
    receipt = GoodsReceipt(
        ReceiptId("PO-1"),
        WarehouseId("MAIN"),
        date(2026, 3, 21),
        [ReceiptLine("1", ReturnId("RT-1"), "1", OrderId("SO-1"), LineId("1"), CM, Decimal(1))],
    )
    with store.unit_of_work() as uow:
        stored = uow.shipment_corrections.add(drawn)
        uow.goods_receipts.add(receipt)
        uow.commit()
    with store.unit_of_work() as uow:
        agreed = uow.shipment_corrections.update(
            attrs.evolve(stored, status=CorrectionStatus.AGREED)
        )
        uow.commit()
    assert agreed.version == 2
    with store.unit_of_work() as uow:
        back = uow.shipment_corrections.get("KR-1")
        with pytest.raises(ConcurrencyError):
            uow.shipment_corrections.update(attrs.evolve(stored, reason="stale"))
        with pytest.raises(NotFoundError, match="no correction 'KR-9'"):
            uow.shipment_corrections.update(attrs.evolve(stored, id=CorrectionId("KR-9")))
        receipts = (
            [r.id for r in uow.goods_receipts.of_order("SO-1")],
            [r.id for r in uow.goods_receipts.of_shipment("RT-1")],
            [r.id for r in uow.goods_receipts.of_party("MAIN")],
        )
    assert (back.status, back.version, back) == (CorrectionStatus.AGREED, 2, agreed)
    assert receipts == (["PO-1"],) * 3
