"""The shipment, return and return request repository contract, held against every adapter."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from tests.unit.shipments._fixtures import customer_return, shipment, shipment_line

from salescore.app.stores import Store
from salescore.errors import ConcurrencyError, ConflictError, NotFoundError
from salescore.orders import OrderId
from salescore.parties import CounterpartyId, PartnerId, ProductId
from salescore.shipments import (
    ReturnId,
    ReturnRequest,
    ShipmentId,
    agree_return_request,
    vat_summary,
)

SH1 = shipment(
    "SH-1",
    date(2026, 3, 10),
    shipment_line("1", "SO-1", "3", "54000.00", "9737.70"),
    shipment_line("2", "SO-2", "1", "1200.00", "200.00", rate="20"),
    shipment_line("3", "SO-2", "1", "5000.00", "901.64", product="SETUP", warehouse=None),
)
SH0 = shipment("SH-0", date(2026, 3, 9), shipment_line("1", "SO-1", "1", "18000.00", "3245.90"))
OTHER = shipment(
    "SH-9", date(2026, 3, 1), shipment_line("1", "SO-9", "1", "10.00", "1.80"), partner="CAFE"
)


def test_a_shipment_comes_back_whole_and_is_found_by_order_and_client(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.shipments.add(SH1)
        for document in (SH0, OTHER):
            uow.shipments.add(document)
        uow.commit()
    assert stored.version == 1
    with store.unit_of_work() as uow:
        back = uow.shipments.get(ShipmentId("SH-1"))
        by_order = [s.id for s in uow.shipments.of_order(OrderId("SO-1"))]
        by_client = [s.id for s in uow.shipments.of_partner(PartnerId("VOLGA-KZN"))]
        missing = uow.shipments.find(ShipmentId("SH-404"))
    assert back == stored
    assert pickle.loads(pickle.dumps(back)) == back
    assert [(s.rate.code, s.vat) for s in vat_summary(back)] == [
        ("22", back.lines[0].vat + back.lines[2].vat),
        ("20", back.lines[1].vat),
    ]
    assert (by_order, by_client, missing) == (["SH-0", "SH-1"], ["SH-0", "SH-1"], None)


def test_a_number_is_stored_once_and_a_rolled_back_shipment_is_gone(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.shipments.add(SH1)
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(ConflictError, match="SH-1"):
        uow.shipments.add(SH1)
    with store.unit_of_work() as uow:
        uow.shipments.add(SH0)  # not committed
    with store.unit_of_work() as uow:
        assert uow.shipments.find(ShipmentId("SH-0")) is None
        with pytest.raises(NotFoundError, match="SH-0"):
            uow.shipments.get(ShipmentId("SH-0"))


def test_returns_are_found_by_shipment_and_order(store: Store) -> None:
    later = customer_return("RT-2", date(2026, 3, 17), SH1, "1", "1")
    first = customer_return("RT-1", date(2026, 3, 16), SH1, "1", "1")
    of_other = customer_return("RT-9", date(2026, 3, 2), OTHER, "1", "1")
    with store.unit_of_work() as uow:
        for document in (later, first, of_other):
            uow.customer_returns.add(document)
        uow.commit()
    with store.unit_of_work() as uow:
        back = uow.customer_returns.get(ReturnId("RT-1"))
        by_shipment = [r.id for r in uow.customer_returns.of_shipment(ShipmentId("SH-1"))]
        by_order = [r.id for r in uow.customer_returns.of_order(OrderId("SO-1"))]
        none = uow.customer_returns.of_order(OrderId("SO-2"))
        with pytest.raises(ConflictError):
            uow.customer_returns.add(first)
    assert (back.lines, back.version) == (first.lines, 1)
    assert (by_shipment, by_order, none) == (["RT-1", "RT-2"], ["RT-1", "RT-2"], [])


def test_a_return_request_changes_status_with_optimistic_versions(store: Store) -> None:
    request = ReturnRequest(
        "RQ-1",
        PartnerId("VOLGA-KZN"),
        CounterpartyId("KZN-LLC"),
        date(2026, 3, 15),
        ShipmentId("SH-1"),
        ((ProductId("CM-100"), Decimal(1)),),
    )
    with store.unit_of_work() as uow:
        stored = uow.return_requests.add(request)
        uow.commit()
    with store.unit_of_work() as uow:
        agreed = uow.return_requests.update(agree_return_request(stored))
        uow.commit()
    assert agreed.version == 2
    with store.unit_of_work() as uow:
        assert uow.return_requests.get("RQ-1") == agreed
        with pytest.raises(ConcurrencyError, match="version 1"):
            uow.return_requests.update(stored)
        with pytest.raises(NotFoundError):
            uow.return_requests.get("RQ-404")
