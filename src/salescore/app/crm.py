"""The partner dossier (A2) [досье партнера]: everything about one partner in one view.

:func:`partner_dossier` reads, inside the caller's unit of work, the
partner's counterparties, contact persons, agreements, contracts,
commercial proposals (those linked to its deals, and the ones its orders
were made from), sales orders, open debt on a date (per currency), deals,
interactions and claims, and returns them as one frozen
:class:`PartnerDossier`. Its records have one row per item, with the same
columns for every section (``section``, ``id``, ``date``, ``status``,
``amount``, ``currency``, ``detail``), so that one data frame holds them all.

>>> from datetime import date
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.crm import ProcessKind, Stage, open_deal
>>> from salescore.money import Money
>>> from salescore.parties import Partner, PartnerId, PartnerKind
>>> store = MemoryStore()
>>> kind = ProcessKind("B2B", "wholesale", (Stage("qualification"), Stage("proposal")))
>>> with store.unit_of_work() as uow:
...     uow.partners.add(Partner(PartnerId("CAFE"), "Cafe", frozenset({PartnerKind.CLIENT})))
...     deal = open_deal(kind, "D-1", "CAFE", "ivanov", Money(5000, "RUB"), date(2026, 3, 2))
...     uow.deals.add(deal)
...     dossier = partner_dossier(uow, PartnerId("CAFE"), date(2026, 3, 31))
>>> [(r["section"], r["id"], r["amount"]) for r in dossier.to_records()]
[('partner', 'CAFE', None), ('deal', 'D-1', Decimal('5000.00'))]
"""

from __future__ import annotations

from datetime import date

import attrs

from salescore.adapters.repositories import Repositories
from salescore.agreements import Agreement, Contract
from salescore.crm import (
    Claim,
    Deal,
    DealEnvironment,
    DealId,
    DealStatus,
    Forecast,
    Interaction,
    ProcessKindId,
    RepresentativeTask,
    forecast,
    funnel,
    map_environment,
    partner_history,
    record_visit,
)
from salescore.errors import CrmError
from salescore.money import Money
from salescore.orders import FrozenPrices, Order, OrderId, Quote, QuoteId
from salescore.parties import ContactPerson, Counterparty, Partner, PartnerId
from salescore.receivables import SettlementLedger
from salescore.records import Record, html_table

__all__ = [
    "DealExecution",
    "OrderProgress",
    "PartnerDossier",
    "deal_environment",
    "deal_execution",
    "partner_dossier",
    "report_visit",
    "sales_forecast",
]


@attrs.frozen
class PartnerDossier:
    """A partner's dossier on a date.

    Attributes:
        partner: the partner.
        as_of: the date the debt is taken on.
        counterparties, contacts, agreements, contracts: the partner's, by id.
        proposals, orders: its commercial proposals and sales orders, by id.
        debt: open debt minus open credit per currency on ``as_of`` (negative:
            paid ahead); only currencies with settlements appear.
        deals: its deals, by id.
        interactions: its interactions, oldest first.
        claims: its claims, by id.
    """

    partner: Partner
    as_of: date
    counterparties: tuple[Counterparty, ...]
    contacts: tuple[ContactPerson, ...]
    agreements: tuple[Agreement, ...]
    contracts: tuple[Contract, ...]
    proposals: tuple[Quote, ...]
    orders: tuple[Order, ...]
    debt: tuple[Money, ...]
    deals: tuple[Deal, ...]
    interactions: tuple[Interaction, ...]
    claims: tuple[Claim, ...]

    def to_records(self) -> list[Record]:
        """One row per item, sections in the order of the attributes."""
        rows: list[Record] = [_row("partner", self.partner.id, detail=self.partner.name)]
        rows += [_row("counterparty", c.id, detail=c.name) for c in self.counterparties]
        rows += [_row("contact", c.id, detail=f"{c.name} {c.role}".strip()) for c in self.contacts]
        rows += [
            _row("agreement", a.id, a.valid_from, a.status.value, detail=a.name)
            for a in self.agreements
        ]
        rows += [
            _row("contract", c.id, c.signed_on, c.status.value, detail=c.number)
            for c in self.contracts
        ]
        rows += [
            _row("proposal", q.id, q.on, q.status.value, _total(q.prices)) for q in self.proposals
        ]
        rows += [_row("order", o.id, o.on, o.status.value, _total(o.prices)) for o in self.orders]
        rows += [_row("debt", m.currency.code, self.as_of, None, m) for m in self.debt]
        rows += [
            _row("deal", d.id, d.opened, d.status.value, d.amount, f"{d.stage}, {d.manager}")
            for d in self.deals
        ]
        rows += [
            _row("interaction", i.id, i.at.date(), i.kind.value, detail=i.subject)
            for i in self.interactions
        ]
        rows += [
            _row("claim", c.id, c.registered, c.status.value, detail=c.subject) for c in self.claims
        ]
        return rows

    def _repr_html_(self) -> str:
        return html_table(
            self.to_records(), caption=f"dossier of {self.partner.name} on {self.as_of}"
        )


def _total(prices: FrozenPrices | None) -> Money | None:
    """A document's amount with VAT, None until priced."""
    return None if prices is None else prices.with_vat


def _row(
    section: str,
    key: str,
    on: date | None = None,
    status: str | None = None,
    amount: Money | None = None,
    detail: str = "",
) -> Record:
    return {
        "section": section,
        "id": str(key),
        "date": on,
        "status": status,
        "amount": None if amount is None else amount.amount,
        "currency": None if amount is None else amount.currency.code,
        "detail": detail,
    }


def partner_dossier(uow: Repositories, partner_id: PartnerId, as_of: date) -> PartnerDossier:
    """The dossier of ``partner_id`` with its debt on ``as_of``.

    Raises:
        NotFoundError: no such partner.
    """
    partner = uow.partners.get(partner_id)
    deals = tuple(uow.deals.find_by("partner_id", partner_id))
    orders = tuple(uow.orders.of_partner(partner_id))
    quote_ids = sorted(
        {q for d in deals for q in d.proposal_ids}
        | {o.quote_id for o in orders if o.quote_id is not None}
    )
    proposals = tuple(q for q in (uow.quotes.find(QuoteId(k)) for k in quote_ids) if q)
    ledger = SettlementLedger(
        uow.settlements.entries(partner_id=partner_id),
        uow.settlements.payments(partner_id=partner_id),
        uow.settlements.allocations(partner_id=partner_id),
    )
    debt = tuple(
        ledger.balance(as_of, currency=c, partner_id=partner_id) for c in ledger.currencies()
    )
    return PartnerDossier(
        partner,
        as_of,
        tuple(uow.counterparties.find_by("partner_id", partner_id)),
        tuple(uow.contacts.find_by("partner_id", partner_id)),
        tuple(uow.agreements.find_by("partner_id", partner_id)),
        tuple(uow.contracts.find_by("partner_id", partner_id)),
        proposals,
        orders,
        debt,
        deals,
        partner_history(
            uow.interactions.find_by("partner_id", partner_id), partner_id
        ).interactions,
        tuple(uow.claims.find_by("partner_id", partner_id)),
    )


def sales_forecast(
    uow: Repositories,
    kind_id: ProcessKindId,
    *,
    runs: int = 10_000,
    seed: int = 0,
    currency: str | None = None,
) -> Forecast:
    """The forecast of process kind ``kind_id`` from the stored deals and orders (H9).

    Stage probabilities come from the kind's closed deals; the open deals are
    weighted and simulated; the orders of **won** deals that are confirmed but
    not yet closed (to pay, to secure, to ship) are counted as certain, at
    their amount with VAT. Orders of open deals are left out: their deal's
    amount is already in the pipeline.

    Raises:
        NotFoundError: no such process kind.
        CrmError: amounts in several currencies (filter the deals first).
    """
    kind = uow.process_kinds.get(kind_id)
    deals = uow.deals.find_by("kind_id", kind_id)
    committed = []
    for deal in deals:
        if deal.status is not DealStatus.WON:
            continue
        for order_id in deal.order_ids:
            order = uow.orders.find(OrderId(order_id))
            if order is not None and order.status.is_active and order.prices is not None:
                committed.append(order.prices.with_vat)
    return forecast(
        deals, funnel(deals, kind), committed=committed, runs=runs, seed=seed, currency=currency
    )


@attrs.frozen
class OrderProgress:
    """One order of a deal: its status, amount and what is still owed on it."""

    order_id: str
    status: str
    amount: Money | None
    """The amount with VAT (None until priced)."""
    open_debt: Money | None
    """Unpaid debt on the order on the date (None: no debt posted in that currency)."""


@attrs.frozen
class DealExecution:
    """Monitoring of a deal's execution [контроль исполнения сделки]: its orders and payments."""

    deal: Deal
    as_of: date
    orders: tuple[OrderProgress, ...]
    missing: tuple[str, ...]
    """Linked order ids that are not stored."""

    def to_records(self) -> list[Record]:
        """One row per linked order (missing ones with status "missing")."""
        rows: list[Record] = [
            {
                "deal": self.deal.id,
                "order": o.order_id,
                "status": o.status,
                "amount": None if o.amount is None else o.amount.amount,
                "open_debt": None if o.open_debt is None else o.open_debt.amount,
                "currency": None if o.amount is None else o.amount.currency.code,
            }
            for o in self.orders
        ]
        rows += [
            {"deal": self.deal.id, "order": m, "status": "missing", "amount": None,
             "open_debt": None, "currency": None}
            for m in self.missing
        ]  # fmt: skip
        return rows

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"execution of deal {self.deal.id}")


def deal_execution(uow: Repositories, deal_id: DealId, as_of: date) -> DealExecution:
    """The orders linked to deal ``deal_id``, their statuses and their open debt on ``as_of``.

    Raises:
        NotFoundError: no such deal.
    """
    deal = uow.deals.get(deal_id)
    ledger = SettlementLedger(
        uow.settlements.entries(partner_id=deal.partner_id),
        uow.settlements.payments(partner_id=deal.partner_id),
        uow.settlements.allocations(partner_id=deal.partner_id),
    )
    open_items = ledger.open_items(as_of)
    progress, missing = [], []
    for order_id in deal.order_ids:
        order = uow.orders.find(OrderId(order_id))
        if order is None:
            missing.append(order_id)
            continue
        owed = [i.open for i in open_items if i.entry.order_id == order_id]
        debt = None
        for item in owed:
            debt = item if debt is None else debt + item
        progress.append(OrderProgress(order.id, order.status.value, _total(order.prices), debt))
    return DealExecution(deal, as_of, tuple(progress), tuple(missing))


def deal_environment(uow: Repositories, deal_id: DealId) -> DealEnvironment:
    """Deal ``deal_id``'s environment with the stored partner relations among its client
    and participants.

    Raises:
        NotFoundError: no such deal.
    """
    deal = uow.deals.get(deal_id)
    members = [deal.partner_id, *(p.partner_id for p in deal.environment)]
    relations = {r.id: r for m in members for r in uow.relations.find_by("from_partner", m)}
    return map_environment(deal, relations.values())


def report_visit(
    uow: Repositories,
    task_id: str,
    partner_id: str,
    on: date,
    result: str,
    *,
    order_id: str | None = None,
) -> RepresentativeTask:
    """Record the visit to ``partner_id`` on representative's task ``task_id`` and store it.

    An order taken at the visit is made first (:func:`salescore.app.orders.create_order`,
    with ``basis`` naming the task) and passed as ``order_id``; it must be stored and be the
    visited client's.

    Raises:
        NotFoundError: no such task.
        CrmError: no such order, an order of another client, or a visit that cannot be
            recorded (see :func:`salescore.crm.record_visit`).
    """
    task = uow.representative_tasks.get(task_id)
    if order_id is not None:
        order = uow.orders.find(OrderId(order_id))
        if order is None:
            raise CrmError(
                f"order {order_id!r} taken on task {task_id!r} is not stored: create the order "
                "first, then record the visit",
                task=task_id,
                order=order_id,
            )
        if order.header.partner_id != partner_id:
            raise CrmError(
                f"order {order_id!r} is {order.header.partner_id!r}'s, not {partner_id!r}'s: "
                "record the order taken from the visited client",
                task=task_id,
                order=order_id,
            )
    task = record_visit(task, partner_id, on, result, order_id=order_id)
    uow.representative_tasks.save(task)
    return task
