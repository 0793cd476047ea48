"""Commission use cases on small examples: what a report may sell, the agent's fee, the
buyer, taken numbers, one agent per document, and returns of sold goods line by line.

As in ``test_commission.py``: 12 CM-100 at MAIN, sent to the agent at 18,000.00 a unit
with 22 % VAT included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import CM, MAIN, at, rub
from tests.unit.shipments.test_commission import AGENT, DAY, RATE, items, owed, stock, transfer

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.errors import ShipmentError
from salescore.money import KG, Money, Quantity
from salescore.parties import CounterpartyId, PartnerId, ProductId
from salescore.receivables import SettlementAccount
from salescore.reservation import Bucket
from salescore.shipments import (
    AgentReturn,
    CommissionLine,
    CommissionReport,
    CommissionTransfer,
    ReturnRequest,
    TransferId,
    agent_stock,
)

company = timelines.company
REPORTED = date(2026, 3, 20)


def report(
    store: Store,
    quantities: list[int],
    number: str = "OK-1",
    *,
    fee: Money | None = None,
    fee_percent: Decimal | None = None,
) -> CommissionReport:
    """A report of KT-1's line 1, one item per quantity; no fee unless one is given."""
    wanted = [sc.AgentItem(TransferId("KT-1"), "1", Decimal(q)) for q in quantities]
    if fee is None and fee_percent is None:
        fee = rub("0.00")
    with store.unit_of_work() as uow:
        done = sc.post_commission_report(
            uow, number, REPORTED, wanted, at=at(DAY), fee=fee, fee_percent=fee_percent
        )
        uow.commit()
    return done


def test_a_report_sells_at_most_what_is_at_the_agent_summed_over_its_items(
    company: Store,
) -> None:
    transfer(company, 4)
    # 3 + 2 of the same line: the second item finds only 1 left at the agent
    with pytest.raises(ShipmentError, match="has 1 at the agent, 2 reported sold"):
        report(company, [3, 2])
    report(company, [2, 2])  # all four: allowed
    assert (stock(company), owed(company)) == ((Decimal(8), Decimal(0)), rub("72000.00"))
    with pytest.raises(ShipmentError, match="has 0 at the agent, 1 reported sold"):
        report(company, [1], "OK-2")


def test_the_fee_is_a_fixed_amount_or_a_percent_of_zero_too(company: Store) -> None:
    transfer(company, 4)
    fixed = report(company, [2], "OK-1", fee=rub("500.00"))
    # 2 × 18,000.00 = 36,000.00 less the fee of 500.00
    assert (fixed.fee, owed(company)) == (rub("500.00"), rub("35500.00"))
    nothing = report(company, [1], "OK-2", fee_percent=Decimal(0))
    assert (nothing.fee, owed(company)) == (rub("0.00"), rub("53500.00"))


def test_each_report_line_names_the_buyer_given(company: Store) -> None:
    transfer(company, 4)
    with company.unit_of_work() as uow:
        named = sc.post_commission_report(
            uow, "OK-1", REPORTED, items(1), at=at(DAY), fee=rub("0.00"), buyer="Ivanov I. I."
        )
        unnamed = sc.post_commission_report(
            uow, "OK-2", REPORTED, items(1), at=at(DAY), fee=rub("0.00")
        )
        uow.commit()
    assert [x.buyer for x in named.lines] == ["Ivanov I. I."]
    assert [x.buyer for x in unnamed.lines] == [""]


def test_one_report_or_return_is_of_one_agent(company: Store) -> None:
    transfer(company, 2)
    other = SettlementAccount("AGENT-2", "RUB", "AGENT-2-LLC", "ORG-1")
    line = CommissionLine.priced("1", CM, MAIN, Decimal(1), rub("18000.00"), RATE)
    with company.unit_of_work() as uow:
        sc.post_commission_transfer(
            uow, CommissionTransfer(TransferId("KT-2"), other, DAY, [line]), at=at(DAY)
        )
        uow.commit()
    both = [*items(1), sc.AgentItem(TransferId("KT-2"), "1", Decimal(1))]
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="commission report 'OK-1' names transfers to 2 agents"),
    ):
        sc.post_commission_report(uow, "OK-1", REPORTED, both, at=at(DAY), fee=rub("0.00"))
    with (
        company.unit_of_work() as uow,
        pytest.raises(
            ShipmentError, match="return from the agent 'VK-1' names transfers to 2 agents"
        ),
    ):
        sc.post_agent_return(uow, "VK-1", REPORTED, both, sold=False, at=at(DAY))


def sold_back(store: Store, number: str, quantities: list[int]) -> AgentReturn:
    wanted = [sc.AgentItem(TransferId("KT-1"), "1", Decimal(q)) for q in quantities]
    with store.unit_of_work() as uow:
        done = sc.post_agent_return(uow, number, REPORTED, wanted, sold=True, at=at(DAY))
        uow.commit()
    return done


def test_the_last_sold_units_returned_take_the_rest_of_the_reported_vat(company: Store) -> None:
    # 7 sent and sold: 126,000.00 with VAT 126,000 × 22/122 = 22,721.31. Each unit back
    # mirrors 1/7 of it, 3,245.90 (3,245.901 rounded); six such leave 22,721.31 − 6 ×
    # 3,245.90 = 3,245.91 for the last, so the VAT returned adds up to the VAT reported.
    transfer(company, 7)
    sold = report(company, [7])
    assert (sold.with_vat, sold.vat) == (rub("126000.00"), rub("22721.31"))
    six = sold_back(company, "VK-1", [1] * 6)
    assert [x.vat for x in six.lines] == [rub("3245.90")] * 6
    last = sold_back(company, "VK-2", [1])
    (line,) = last.lines
    # its sum is the rest of the reported sum too: 126,000.00 − 6 × 18,000.00 (VAT included)
    assert (line.vat, line.net, line.with_vat) == (rub("3245.91"), rub("18000.00"), rub("18000.00"))
    assert owed(company) == rub("0.00")


def test_a_return_from_the_agent_counts_its_own_earlier_items(company: Store) -> None:
    transfer(company, 4)
    report(company, [2])  # 2 sold, 2 still at the agent
    refusals = [
        (True, "2 to return, 1 is sold and not yet returned; return at most 1"),
        (False, "2 to return, 1 is at the agent; return at most 1"),
    ]
    for sold, message in refusals:
        wanted = [sc.AgentItem(TransferId("KT-1"), "1", Decimal(q)) for q in (1, 2)]
        with company.unit_of_work() as uow, pytest.raises(ShipmentError, match=message):
            sc.post_agent_return(uow, "VK-1", REPORTED, wanted, sold=sold, at=at(DAY))
    assert (stock(company), owed(company)) == ((Decimal(8), Decimal(2)), rub("36000.00"))


def test_each_commission_document_number_is_used_once(company: Store) -> None:
    transfer(company, 4)
    report(company, [2])
    sold_back(company, "VK-1", [1])
    line = CommissionLine.priced("1", CM, MAIN, Decimal(1), rub("18000.00"), RATE)
    again = CommissionTransfer(TransferId("KT-1"), AGENT, DAY, [line])
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="commission transfer 'KT-1' exists already"),
    ):
        sc.post_commission_transfer(uow, again, at=at(DAY))
    with pytest.raises(ShipmentError, match="commission report 'OK-1' exists already"):
        report(company, [1])
    with pytest.raises(ShipmentError, match="return from the agent 'VK-1' exists already"):
        sold_back(company, "VK-1", [1])
    # 4 sent, 2 sold, 1 of them back: 7 here, 2 at the agent, 18,000.00 owed
    assert (stock(company), owed(company)) == ((Decimal(9), Decimal(2)), rub("18000.00"))


def agent_agreed(
    store: Store,
    number: str,
    quantities: list[int],
    *,
    transfer_id: str | None = None,
    sold: bool = False,
) -> None:
    """An agreed request of AGENT-1 for CM-100, one item per quantity."""
    request = ReturnRequest(
        number,
        PartnerId("AGENT-1"),
        CounterpartyId("AGENT-LLC"),
        DAY,
        None,
        tuple((CM, Decimal(q)) for q in quantities),
        transfer_id=transfer_id,
        sold=sold,
    )
    with store.unit_of_work() as uow:
        sc.create_return_request(uow, request)
        sc.agree_return_request(uow, number)
        uow.commit()


def test_an_agent_returns_on_its_own_request_at_most_what_was_agreed(company: Store) -> None:
    transfer(company, 4)
    report(company, [2])  # 2 sold, 2 still at the agent
    agent_agreed(company, "RQ-1", [1], transfer_id="KT-1", sold=True)
    agent_agreed(company, "RQ-2", [1], transfer_id="KT-1")
    agent_agreed(company, "RQ-3", [1])  # the agent's, as a client: not an agent's request
    agent_agreed(company, "RQ-4", [1, 1], transfer_id="KT-1")  # 2 in two items
    refusals = [
        ([1], False, "RQ-1", "agreed a return of sold goods \\(after the report\\)"),
        ([1], False, "RQ-3", "return request 'RQ-3' is not agent AGENT-1's request"),
        ([1, 1], False, "RQ-2", "agreed 1 of CM-100, the return takes 2"),
    ]
    for quantities, sold, request, message in refusals:
        wanted = [sc.AgentItem(TransferId("KT-1"), "1", Decimal(q)) for q in quantities]
        with company.unit_of_work() as uow, pytest.raises(ShipmentError, match=message):
            sc.post_agent_return(
                uow, "VK-1", REPORTED, wanted, sold=sold, at=at(DAY), request_id=request
            )
    with company.unit_of_work() as uow:
        sc.post_agent_return(
            uow, "VK-1", REPORTED, items(2), sold=False, at=at(DAY), request_id="RQ-4"
        )
        uow.commit()
    assert (stock(company), owed(company)) == ((Decimal(10), Decimal(0)), rub("36000.00"))


def test_weighed_goods_go_to_the_agent_and_back_in_their_own_unit(company: Store) -> None:
    # 50 kg of BEANS-ARABICA at MAIN; 2.5 kg to the agent at 1,200.00 a kg
    beans = ProductId("BEANS-ARABICA")
    line = CommissionLine.priced("1", beans, MAIN, Decimal("2.5"), rub("1200.00"), RATE)
    with company.unit_of_work() as uow:
        sc.post_commission_transfer(
            uow, CommissionTransfer(TransferId("KT-1"), AGENT, DAY, [line]), at=at(DAY)
        )
        sc.post_commission_report(
            uow, "OK-1", REPORTED, items_of("1.0"), at=at(DAY), fee=rub("0.00")
        )
        sc.post_agent_return(uow, "VK-1", REPORTED, items_of("0.5"), sold=False, at=at(DAY))
        uow.commit()
    with company.unit_of_work() as uow:
        here = uow.stock_ledger.balance(beans, MAIN, Bucket.free(), KG)
        there = uow.stock_ledger.balance(beans, agent_stock("AGENT-1"), Bucket.free(), KG)
    # 50 − 2.5 + 0.5 at MAIN; 2.5 − 1.0 sold − 0.5 back at the agent
    assert (here, there) == (Quantity("48.0", KG), Quantity("1.0", KG))


def items_of(quantity: str) -> list[sc.AgentItem]:
    return [sc.AgentItem(TransferId("KT-1"), "1", Decimal(quantity))]
