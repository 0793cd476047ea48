"""The partner dossier gathers every section of one partner, and nothing of another."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from tests.unit.crm._fixtures import DAY, KIND, golden_closed, golden_open

from salescore.adapters.memory import MemoryStore
from salescore.agreements import AgreementId
from salescore.app.crm import deal_execution, partner_dossier, sales_forecast
from salescore.app.orders import create_order, create_quote
from salescore.app.sales import load_pricer
from salescore.crm import (
    Claim,
    DealId,
    Interaction,
    InteractionKind,
    ProcessKindId,
    link_order,
    link_proposal,
    open_deal,
)
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.errors import NotFoundError
from salescore.money import Money
from salescore.orders import DocumentHeader, DocumentLine, LineId, OrderStatus, QuoteId
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId
from salescore.receivables import EntryKind, SettlementAccount, SettlementEntry

ON = date(2026, 3, 12)


def test_the_dossier_gathers_a_partners_documents_debt_deals_interactions_and_claims() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        pricer = load_pricer(uow, [ON])
        header = DocumentHeader(
            PartnerId("VOLGA-KZN"), CounterpartyId("KZN-LLC"), OrganizationId("ORG-1"),
            AgreementId("IA-VOLGA-KZN"), "RUB",
        )  # fmt: skip
        line = DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5))
        quote = create_quote(uow, pricer, QuoteId("Q-1"), header, ON, date(2026, 3, 31), [line])
        order = create_order(uow, pricer, header, ON, [line])
        deal = open_deal(KIND, "D-1", "VOLGA-KZN", "ivanov", Money("90000.00", "RUB"), DAY)
        uow.deals.add(link_order(link_order(link_proposal(deal, quote.id), order.id), "SO-404"))
        uow.deals.add(open_deal(KIND, "D-2", "CAFE", "ivanov", Money("1.00", "RUB"), DAY))
        met = datetime(2026, 3, 3, tzinfo=UTC)
        uow.interactions.add(Interaction("I-1", InteractionKind.MEETING, met, "VOLGA-KZN", "terms"))
        uow.claims.add(Claim("CL-1", "VOLGA-KZN", ON, "scratched", "petrov", date(2026, 3, 20)))
        account = SettlementAccount("VOLGA-KZN", "RUB")
        uow.settlements.add_entries([
            SettlementEntry("E-1", EntryKind.SHIPMENT, account, order.id, order.id, ON,
                            date(2026, 3, 22), Money("1500.00", "RUB")),
        ])  # fmt: skip
        dossier = partner_dossier(uow, PartnerId("VOLGA-KZN"), date(2026, 3, 31))
        execution = deal_execution(uow, DealId("D-1"), date(2026, 3, 31))
        with pytest.raises(NotFoundError):
            partner_dossier(uow, PartnerId("NOBODY"), ON)
    sections = {r["section"] for r in dossier.to_records()}
    assert sections >= {"partner", "counterparty", "agreement", "proposal", "order", "debt",
                        "deal", "interaction", "claim"}  # fmt: skip
    assert [d.id for d in dossier.deals] == ["D-1"]
    assert [q.id for q in dossier.proposals] == [quote.id]
    assert [o.id for o in dossier.orders] == [order.id]
    assert dossier.debt == (Money("1500.00", "RUB"),)
    assert all(c.partner_id == "VOLGA-KZN" for c in dossier.counterparties)
    order_row = next(r for r in dossier.to_records() if r["section"] == "order")
    assert order.prices is not None
    assert order_row["amount"] == order.prices.with_vat.amount
    assert pickle.loads(pickle.dumps(dossier)) == dossier
    assert "dossier of" in dossier._repr_html_()
    assert [(r["order"], r["status"], r["open_debt"]) for r in execution.to_records()] == [
        (order.id, "not_confirmed", Decimal("1500.00")),
        ("SO-404", "missing", None),
    ]
    assert pickle.loads(pickle.dumps(execution)) == execution


def test_the_stored_forecast_counts_confirmed_orders_of_won_deals_as_certain() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        pricer = load_pricer(uow, [ON])
        header = DocumentHeader(
            PartnerId("VOLGA-KZN"), CounterpartyId("KZN-LLC"), OrganizationId("ORG-1"),
            AgreementId("IA-VOLGA-KZN"), "RUB",
        )  # fmt: skip
        line = DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5))
        confirmed = create_order(uow, pricer, header, ON, [line])
        uow.orders.update(attrs.evolve(confirmed, status=OrderStatus.TO_PAY))
        draft = create_order(uow, pricer, header, ON, [line])  # not confirmed: not counted
        uow.process_kinds.add(KIND)
        closed = golden_closed()
        closed[0] = link_order(link_order(closed[0], confirmed.id), draft.id)  # a won deal
        open_ones = golden_open()
        open_ones[0] = link_order(open_ones[0], confirmed.id)  # open: already in the pipeline
        for deal in [*closed, *open_ones]:
            uow.deals.add(deal)
        result = sales_forecast(uow, KIND.kind_id, runs=200)
        with pytest.raises(NotFoundError):
            sales_forecast(uow, ProcessKindId("NONE"))
    assert confirmed.prices is not None
    # 5 x 18,300.00 (12,000.00 x 1.22 VAT of 2026 x 1.25) = 91,500.00
    assert result.committed == confirmed.prices.with_vat == Money("91500.00", "RUB")
    assert result.expected == Money("151500.00", "RUB")  # 60,000.00 weighted + 91,500.00
    assert result.p10 >= result.committed
