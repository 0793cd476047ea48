"""Commission trade through every store: transfer, sales report with the fee, returns
before and after the report. 12 CM-100 at MAIN; the agent sells at 18,000.00 with
22 % VAT included (the rate of 2 March 2026 from the VAT table)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import CM, MAIN, at, rub

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.errors import InsufficientStockError, NotFoundError, ShipmentError
from salescore.money import Money, Quantity
from salescore.parties import CounterpartyId, PartnerId
from salescore.receivables import SettlementAccount, load_ledger
from salescore.reservation import Bucket
from salescore.shipments import (
    CommissionLine,
    CommissionTransfer,
    ReturnId,
    ReturnRequest,
    ReturnRequestStatus,
    TransferId,
    agent_stock,
)
from salescore.tax import VatCategory, russian_vat_rates

company = timelines.company
AGENT = SettlementAccount("AGENT-1", "RUB", "AGENT-LLC", "ORG-1")
DAY = date(2026, 3, 2)
RATE = russian_vat_rates().rate(VatCategory.GENERAL, DAY)


def stock(store: Store) -> tuple[Decimal, Decimal]:
    unit = Quantity(1).unit
    with store.unit_of_work() as uow:
        ours = uow.stock_ledger.balance(CM, MAIN, Bucket.free(), unit).value
        there = uow.stock_ledger.balance(CM, agent_stock("AGENT-1"), Bucket.free(), unit).value
    return ours, there


def owed(store: Store) -> Money:
    with store.unit_of_work() as uow:
        return load_ledger(uow.settlements, partner_id="AGENT-1").balance(
            date(2026, 12, 31), currency="RUB"
        )


def transfer(store: Store, quantity: int) -> CommissionTransfer:
    line = CommissionLine.priced("1", CM, MAIN, Decimal(quantity), rub("18000.00"), RATE)
    with store.unit_of_work() as uow:
        stored = sc.post_commission_transfer(
            uow, CommissionTransfer(TransferId("KT-1"), AGENT, DAY, [line]), at=at(DAY)
        )
        uow.commit()
    return stored


def items(quantity: int) -> list[sc.AgentItem]:
    return [sc.AgentItem(TransferId("KT-1"), "1", Decimal(quantity))]


def test_transfer_report_and_returns_before_and_after_it(company: Store) -> None:
    sent = transfer(company, 4)
    # 4 × 18,000.00 = 72,000.00; VAT 72,000 × 22/122 = 12,983.61; still ours, no debt
    assert (sent.with_vat, sent.vat) == (rub("72000.00"), rub("12983.61"))
    assert (stock(company), owed(company)) == ((Decimal(8), Decimal(4)), rub("0.00"))
    with company.unit_of_work() as uow:
        report = sc.post_commission_report(
            uow, "OK-1", date(2026, 3, 20), items(3), at=at(DAY), fee_percent=Decimal(10)
        )
        uow.commit()
    # 3 of 4: 54,000.00, VAT 12,983.61 × 3/4 = 9,737.71; fee 10 % = 5,400.00
    assert (report.with_vat, report.vat, report.fee) == (
        rub("54000.00"),
        rub("9737.71"),
        rub("5400.00"),
    )
    assert (stock(company), owed(company)) == ((Decimal(8), Decimal(1)), rub("48600.00"))
    with company.unit_of_work() as uow:
        unsold = sc.post_agent_return(
            uow, "VK-1", date(2026, 3, 21), items(1), sold=False, at=at(DAY)
        )
        sold = sc.post_agent_return(uow, "VK-2", date(2026, 3, 22), items(1), sold=True, at=at(DAY))
        uow.commit()
    # the unsold unit: no debt; a sold one a buyer brought back: 18,000.00 less debt
    assert (unsold.debt_change, sold.debt_change) == (rub("0.00"), rub("18000.00"))
    assert (stock(company), owed(company)) == ((Decimal(10), Decimal(0)), rub("30600.00"))


def test_refused_agent_documents_change_nothing(company: Store) -> None:
    transfer(company, 2)
    line = CommissionLine.priced("1", CM, MAIN, Decimal(11), rub("18000.00"), RATE)
    too_many = CommissionTransfer(TransferId("KT-2"), AGENT, DAY, [line])
    with pytest.raises(InsufficientStockError), company.unit_of_work() as uow:
        sc.post_commission_transfer(uow, too_many, at=at(DAY))
    with pytest.raises(ShipmentError, match="report at most 2"), company.unit_of_work() as uow:
        sc.post_commission_report(uow, "OK-1", DAY, items(3), at=at(DAY), fee=rub("0.00"))
    with pytest.raises(ShipmentError, match="return at most 0"), company.unit_of_work() as uow:
        sc.post_agent_return(uow, "VK-1", DAY, items(1), sold=True, at=at(DAY))
    assert (stock(company), owed(company)) == ((Decimal(10), Decimal(2)), rub("0.00"))
    with company.unit_of_work() as uow:
        assert uow.commission_transfers.find("KT-2") is None
        assert [t.id for t in uow.commission_transfers.of_party("AGENT-1")] == ["KT-1"]


def agent_request(number: str, quantity: int, *, sold: bool) -> ReturnRequest:
    return ReturnRequest(
        number,
        PartnerId("AGENT-1"),
        CounterpartyId("AGENT-LLC"),
        DAY,
        None,
        ((CM, Decimal(quantity)),),
        transfer_id="KT-1",
        sold=sold,
    )


def test_an_agent_returns_goods_on_its_agreed_requests(company: Store) -> None:
    transfer(company, 4)
    with company.unit_of_work() as uow:
        sc.post_commission_report(
            uow, "OK-1", date(2026, 3, 20), items(2), at=at(DAY), fee=rub("0.00")
        )
        sc.create_return_request(uow, agent_request("RQ-1", 1, sold=False))
        sc.create_return_request(uow, agent_request("RQ-2", 1, sold=True))
        uow.commit()
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="agree it first"):
        sc.post_agent_return(
            uow, "VK-1", date(2026, 3, 21), items(1), sold=False, at=at(DAY), request_id="RQ-1"
        )
    with company.unit_of_work() as uow:
        sc.agree_return_request(uow, "RQ-1")
        sc.agree_return_request(uow, "RQ-2")
        uow.commit()
    refusals = [
        (items(2), False, "RQ-1", "agreed 1 of CM-100"),
        (items(1), True, "RQ-1", "agreed a return of unsold goods"),
    ]
    for wanted, sold, number, message in refusals:
        with company.unit_of_work() as uow, pytest.raises(ShipmentError, match=message):
            sc.post_agent_return(
                uow, "VK-1", date(2026, 3, 21), wanted, sold=sold, at=at(DAY), request_id=number
            )
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="post_agent_return"):
        sc.post_return(uow, ReturnId("RT-1"), DAY, [], at=at(DAY), request_id="RQ-2")
    # 4 sent, 2 sold (36,000.00 owed): one unsold and one sold unit come back
    assert (stock(company), owed(company)) == ((Decimal(8), Decimal(2)), rub("36000.00"))
    with company.unit_of_work() as uow:
        sc.post_agent_return(
            uow, "VK-1", date(2026, 3, 21), items(1), sold=False, at=at(DAY), request_id="RQ-1"
        )
        back = sc.post_agent_return(
            uow, "VK-2", date(2026, 3, 22), items(1), sold=True, at=at(DAY), request_id="RQ-2"
        )
        uow.commit()
    assert (stock(company), owed(company)) == ((Decimal(10), Decimal(1)), rub("18000.00"))
    assert back.request_id == "RQ-2"
    with company.unit_of_work() as uow:
        done = [uow.return_requests.get(n) for n in ("RQ-1", "RQ-2")]
    assert [(r.status, r.return_id) for r in done] == [
        (ReturnRequestStatus.DONE, "VK-1"),
        (ReturnRequestStatus.DONE, "VK-2"),
    ]


def test_an_agent_request_names_the_agents_own_transfer(company: Store) -> None:
    transfer(company, 1)
    other = ReturnRequest(
        "RQ-1",
        PartnerId("VOLGA-KZN"),
        CounterpartyId("KZN-LLC"),
        DAY,
        None,
        ((CM, Decimal(1)),),
        transfer_id="KT-1",
    )
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="went to agent"):
        sc.create_return_request(uow, other)
    with pytest.raises(ShipmentError, match="names no shipment"):
        attrs.evolve(agent_request("RQ-2", 1, sold=False), exchange=True)
    with company.unit_of_work() as uow, pytest.raises(NotFoundError):
        uow.return_requests.get("RQ-1")
