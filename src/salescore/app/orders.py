"""Quote and order use cases: price with the sale pricer, freeze, decide, store.

Each function is one step inside the caller's unit of work, as the other
use cases are: it reads what it needs, decides with the pure
:mod:`salescore.orders` context, and stores the result; checks come before
the first write, so a refused step stores nothing (and the caller's unit of
work rolls back on the exception anyway). Prices come from the existing
:class:`~salescore.orders.SalePricer`; this module freezes what it returns
— unit and reference prices, discounts with their rule ids, net, VAT rate
and amount, the explanation — into the document
(:class:`~salescore.orders.FrozenPrices`).

>>> from datetime import date
>>> from decimal import Decimal
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.demo.sample_agreements import load_sample_agreements
>>> from salescore.demo.sample_pricing import load_sample_prices
>>> from salescore.app.sales import load_pricer
>>> from salescore.orders import DocumentHeader, DocumentLine, LineId
>>> from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId
>>> from salescore.agreements import AgreementId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_prices(uow)
...     load_sample_agreements(uow)
...     pricer = load_pricer(uow, [date(2026, 3, 12)])
...     header = DocumentHeader(PartnerId("VOLGA-KZN"), CounterpartyId("KZN-LLC"),
...                             OrganizationId("ORG-1"), AgreementId("IA-VOLGA-KZN"), "RUB")
...     line = DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5))
...     order = create_order(uow, pricer, header, date(2026, 3, 12), [line])
...     uow.commit()
>>> order.id, order.status.value
('ORG-1-2026-000001', 'not_confirmed')
>>> frozen = order.prices.lines[0]
>>> str(frozen.unit_price), str(frozen.net), frozen.vat_rate.code, str(frozen.vat)
('18300.00 RUB', '91500.00 RUB', '22', '16500.00 RUB')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time

import attrs

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    ApprovalId,
    ApprovalNotifier,
    ApprovalPolicy,
    ApprovalStatus,
)
from salescore.app.agreements import start_sale_approval
from salescore.app.receivables import credit_exposures
from salescore.app.sales import PricingSession
from salescore.dates import BusinessCalendar
from salescore.errors import InvalidInputError, OrderError
from salescore.money import Money
from salescore.orders import (
    DocumentEvent,
    DocumentHeader,
    DocumentLine,
    FrozenLine,
    FrozenPrices,
    LineId,
    Order,
    OrderId,
    OrderState,
    OrderStatus,
    PriceDifference,
    PricedOrder,
    Quote,
    QuoteId,
    QuoteStatus,
    SaleOrder,
    SaleOrderLine,
    SalePricer,
    ShippedLine,
    check_lines_in_agreement,
    derive_state,
    price_differences,
    reserve_claims,
    stage_payments,
    vat_rate_for,
)
from salescore.orders import status as transitions
from salescore.parties import SegmentId
from salescore.ports import Clock
from salescore.receivables import (
    ControlPoint,
    CreditDecision,
    CreditExposure,
    CreditLimit,
    EntryKind,
    OrderSchedule,
    PaymentScheduleTemplate,
    ProposedDocument,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    decide_credit,
    post_entries,
    schedule_entries,
    shipment_entries,
)
from salescore.reservation import Bucket, MoveReport, reserve_from_stock
from salescore.reservation import OrderId as ReserveOrderId
from salescore.shipments import corrected_shipment, quantities_left
from salescore.tax import VatRateTable, russian_vat_rates

__all__ = [
    "accept_quote",
    "actual_debt_entries",
    "approve_order",
    "approve_quote",
    "cancel_order",
    "close_order",
    "confirm_order",
    "create_order",
    "create_quote",
    "credit_decision",
    "document_pricer",
    "freeze_prices",
    "order_ledger",
    "order_state",
    "price_document",
    "reprice_order",
    "request_order_approval",
    "request_quote_approval",
    "reserve_order",
    "revise_quote",
    "secure_order",
    "send_quote",
    "settlement_account",
    "ship_order",
    "shipped_of_order",
]


# --- pricing and freezing ---------------------------------------------------------


def freeze_prices(
    priced: PricedOrder, pricer: SalePricer, on: date, vat_rates: VatRateTable
) -> FrozenPrices:
    """The pricer's result as frozen figures with VAT on every line.

    The VAT rate of a line comes from the product's VAT category on ``on``, or
    is none / 0 % when the agreement's taxation says so; whether the price
    includes VAT comes from the line's price type.
    """
    snapshot = pricer.snapshot(on)
    lines = []
    for line in priced.lines:
        price_type = snapshot.price_type(line.price_type_id)
        rate = vat_rate_for(line.product.vat_category, line.resolved.terms.taxation, vat_rates, on)
        lines.append(
            FrozenLine.of(
                LineId(line.line_id),
                line.product.id,
                line.quantity,
                reference_price=line.reference_price,
                unit_price=line.unit_price,
                gross=line.gross,
                discount=line.discount_amount,
                rule_ids=line.rule_ids,
                vat_rate=rate,
                vat_included=price_type.vat_included,
                evidence=line.evidence(),
            )
        )
    currency = lines[0].net.currency
    return FrozenPrices(on, currency, lines, priced.deviations)


def document_pricer(
    uow: Repositories,
    header: DocumentHeader,
    dates: Iterable[date],
    lines: Iterable[DocumentLine],
    *,
    session: PricingSession | None = None,
) -> SalePricer:
    """A pricer loaded with only what a document touches: its client, its agreement, the
    products of ``lines`` and their prices on ``dates`` (see
    :class:`~salescore.app.sales.PricingSession`; keep one ``session`` for many
    documents so the compiled discount rules are reused)."""
    if session is None:
        session = PricingSession()
    return session.load(
        uow,
        dates=dates,
        partner_ids=[header.partner_id],
        product_ids=[x.product_id for x in lines],
        agreement_ids=[header.agreement_id],
    )


def price_document(
    uow: Repositories,
    pricer: SalePricer,
    what: str,
    header: DocumentHeader,
    on: date,
    lines: Sequence[DocumentLine],
    *,
    user: str | None = None,
    vat_rates: VatRateTable | None = None,
) -> FrozenPrices:
    """Price ``lines`` under the header's ONE agreement on ``on`` and freeze the result.

    Raises:
        OrderError: a line's product is outside the agreement's nomenclature
            segment (the error names the lines), or the prices are not in the
            document's currency.
        NotFoundError, AgreementError, MissingPriceError: as the pricer raises them.
    """
    agreement = pricer.book.get(header.agreement_id)
    segment_id = agreement.nomenclature_segment_id
    segment = (
        uow.nomenclature_segments.get(SegmentId(segment_id)) if segment_id is not None else None
    )
    check_lines_in_agreement(what, lines, agreement, pricer.products, segment)
    sale = SaleOrder(
        what,
        header.partner_id,
        datetime.combine(on, time(0)),
        [
            SaleOrderLine(x.line_id, x.product_id, x.quantity, x.manual_discounts, x.price)
            for x in lines
        ],
        agreement_id=header.agreement_id,
        warehouse_id=header.warehouse_id,
        user=user,
    )
    frozen = freeze_prices(pricer.price(sale), pricer, on, vat_rates or russian_vat_rates())
    if frozen.currency != header.currency:
        raise OrderError(
            f"{what}: the agreement prices in {frozen.currency.code}, the document is in "
            f"{header.currency.code}; make the document in the agreement's currency",
            currency=header.currency.code,
        )
    return frozen


# --- credit -----------------------------------------------------------------------


def settlement_account(header: DocumentHeader) -> SettlementAccount:
    """The settlement account [объект расчетов] a document's debt and payments go to:
    its partner, currency, counterparty, organization and contract."""
    return SettlementAccount(
        header.partner_id,
        header.currency,
        header.counterparty_id,
        header.organization_id,
        header.contract_id,
    )


def actual_debt_entries(
    uow: Repositories,
    order: Order,
    document_id: str,
    on: date,
    amount: Money,
    calendar: BusinessCalendar,
    *,
    doing: str,
    refuse: type[InvalidInputError] = OrderError,
    kind: EntryKind | None = None,
) -> list[SettlementEntry]:
    """The actual debt ``document_id`` (a shipment, a correction, a delivery charge)
    creates for ``order``: ``amount`` split over the order's schedule stages from ``on``.

    Raises:
        ``refuse``: the order has no payment schedule (it is not confirmed); the
            message says to confirm it before ``doing``.
    """
    if order.schedule is None:
        raise refuse(
            f"order {order.id!r} has no payment schedule: confirm it before {doing}",
            order=order.id,
        )
    template = uow.schedule_templates.get(order.schedule.template_id)
    entries = shipment_entries(
        template,
        calendar,
        settlement_account(order.header),
        order_id=order.id,
        order_date=order.on,
        shipment_id=f"{document_id}/{order.id}",
        shipped_on=on,
        amount=amount,
    )
    return [
        attrs.evolve(e, document_id=document_id, kind=e.kind if kind is None else kind)
        for e in entries
    ]


def credit_decision(
    uow: Repositories,
    document_id: str,
    header: DocumentHeader,
    amount: Money,
    point: ControlPoint,
    on: date,
    *,
    prepaid: Money | None = None,
) -> CreditDecision:
    """The credit decision on a document at a control point, from the stored ledger and limits.

    The store computes the partner's open items and credits on ``on`` (the
    figures :func:`~salescore.receivables.check_credit` takes from a loaded
    ledger, without loading it), and only when a limit applies to the
    document's account: a client without limits costs no read of its history.
    """
    account = settlement_account(header)
    document = ProposedDocument(document_id, point, account, amount, prepaid)
    limits = _limits_of(uow, account)
    exposures: Callable[[CreditLimit], CreditExposure] | None = None

    def exposure(limit: CreditLimit) -> CreditExposure:
        nonlocal exposures
        if exposures is None:  # read once, for the first limit checked
            exposures = credit_exposures(uow, on, partner_id=header.partner_id)
        return exposures(limit)

    return decide_credit(limits, document, on, exposure)


def _limits_of(uow: Repositories, account: SettlementAccount) -> list[CreditLimit]:
    """The limits set for the account's partner, counterparty or contract, in id order.

    The same limits, in the same order, that :func:`check_credit` would keep
    from all of them: a store with many clients' limits is not read whole.
    """
    found: dict[str, CreditLimit] = {}
    for subject in (account.partner_id, account.counterparty_id, account.contract_id):
        if subject is not None:
            for limit in uow.credit_limits.find_by("subject_id", subject):
                found[limit.id] = limit
    return [found[key] for key in sorted(found)]


# --- quotes -----------------------------------------------------------------------


def create_quote(
    uow: Repositories,
    pricer: SalePricer,
    quote_id: QuoteId,
    header: DocumentHeader,
    on: date,
    valid_until: date,
    lines: Iterable[DocumentLine],
    *,
    by: str | None = None,
    vat_rates: VatRateTable | None = None,
) -> Quote:
    """A priced draft proposal, stored at version 1."""
    created = DocumentEvent("create", on, QuoteStatus.DRAFT.value, by)
    quote = Quote(quote_id, header, on, valid_until, tuple(lines), history=(created,))
    prices = price_document(
        uow, pricer, f"quote {quote_id!r}", header, on, quote.lines, user=by, vat_rates=vat_rates
    )
    return uow.quotes.add(transitions.price_quote(quote, prices))


def revise_quote(
    uow: Repositories,
    pricer: SalePricer,
    quote_id: QuoteId,
    new_id: QuoteId,
    on: date,
    *,
    lines: Iterable[DocumentLine] | None = None,
    valid_until: date | None = None,
    by: str | None = None,
    vat_rates: VatRateTable | None = None,
) -> Quote:
    """A new version made from the stored one, priced on ``on``; the old one is replaced.

    Manual discounts and prices set by hand in ``lines`` are checked against
    the limits by the pricer; what goes beyond them is a deviation that waits
    for approval (:func:`request_quote_approval`).
    """
    old, new, _ = transitions.revise_quote(
        uow.quotes.get(quote_id), new_id, on, lines=lines, valid_until=valid_until, by=by
    )
    prices = price_document(
        uow, pricer, f"quote {new_id!r}", new.header, on, new.lines, user=by, vat_rates=vat_rates
    )
    priced = transitions.price_quote(new, prices)
    uow.quotes.update(old)
    return uow.quotes.add(priced)


def send_quote(uow: Repositories, quote_id: QuoteId, on: date, *, by: str | None = None) -> Quote:
    """Draft → sent, after the credit check at the quote control point."""
    quote = uow.quotes.get(quote_id)
    credit = None
    if quote.prices is not None:
        credit = credit_decision(
            uow, quote.id, quote.header, quote.prices.with_vat, ControlPoint.QUOTE, on
        )
    sent, _ = transitions.send_quote(quote, on, credit=credit, by=by)
    return uow.quotes.update(sent)


def accept_quote(
    uow: Repositories, quote_id: QuoteId, on: date, *, by: str | None = None
) -> tuple[Quote, Order]:
    """Sent → accepted, and a not-confirmed order made from it with the quote's prices."""
    accepted, _ = transitions.accept_quote(uow.quotes.get(quote_id), on, by=by)
    number = uow.orders.next_id(accepted.header.organization_id, on.year)
    order, _ = transitions.order_from_quote(accepted, number, on, by=by)
    return uow.quotes.update(accepted), uow.orders.add(order)


def _request_approval(
    uow: Repositories,
    subject: str,
    prices: FrozenPrices | None,
    approval_id: ApprovalId,
    policy: ApprovalPolicy,
    clock: Clock,
    initiator: str,
    notifier: ApprovalNotifier | None,
    header: DocumentHeader,
) -> None:
    if prices is None or not prices.awaiting_approval:
        raise OrderError(f"{subject} has no deviation awaiting approval; nothing to approve")
    start_sale_approval(
        uow,
        approval_id,
        subject,
        prices.awaiting_approval,
        policy,
        clock,
        initiator,
        agreement_id=header.agreement_id,
        notifier=notifier,
    )


def request_quote_approval(
    uow: Repositories,
    quote_id: QuoteId,
    approval_id: ApprovalId,
    policy: ApprovalPolicy,
    clock: Clock,
    initiator: str,
    *,
    notifier: ApprovalNotifier | None = None,
) -> Quote:
    """Start the approval of the quote's deviations (D6); the quote remembers it."""
    quote = uow.quotes.get(quote_id)
    _request_approval(
        uow,
        f"quote {quote.id}",
        quote.prices,
        approval_id,
        policy,
        clock,
        initiator,
        notifier,
        quote.header,
    )
    return uow.quotes.update(attrs.evolve(quote, approval_id=approval_id))


def _approved_process(uow: Repositories, subject: str, approval_id: str | None) -> str:
    if approval_id is None:
        raise OrderError(f"{subject}: no approval was requested; request one first")
    process = uow.approvals.get(ApprovalId(approval_id))
    if process.status is not ApprovalStatus.APPROVED:
        raise OrderError(
            f"{subject}: approval {approval_id!r} is {process.status.value} "
            f"(waiting for {', '.join(process.pending_approvers) or 'nobody'}); "
            "it approves the document only when every approver agrees",
            approval=approval_id,
        )
    return approval_id


def approve_quote(uow: Repositories, quote_id: QuoteId) -> Quote:
    """Mark the quote approved once its approval process is approved."""
    quote = uow.quotes.get(quote_id)
    approval = _approved_process(uow, f"quote {quote.id!r}", quote.approval_id)
    return uow.quotes.update(transitions.approve_quote(quote, approval))


# --- orders -----------------------------------------------------------------------


def create_order(
    uow: Repositories,
    pricer: SalePricer,
    header: DocumentHeader,
    on: date,
    lines: Iterable[DocumentLine],
    *,
    basis: str | None = None,
    by: str | None = None,
    vat_rates: VatRateTable | None = None,
) -> Order:
    """A priced, not-confirmed order numbered in its organization's year (D5: ``basis``
    names the deal or task it comes from)."""
    number = uow.orders.next_id(header.organization_id, on.year)
    created = DocumentEvent("create", on, OrderStatus.NOT_CONFIRMED.value, by, basis or "")
    order = Order(number, header, on, tuple(lines), basis=basis, history=(created,))
    prices = price_document(
        uow, pricer, f"order {number!r}", header, on, order.lines, user=by, vat_rates=vat_rates
    )
    return uow.orders.add(transitions.price_order(order, prices))


def reprice_order(
    uow: Repositories,
    pricer: SalePricer,
    order_id: OrderId,
    on: date,
    *,
    apply: bool = False,
    by: str | None = None,
    vat_rates: VatRateTable | None = None,
) -> tuple[PriceDifference, ...]:
    """What would change, line by line, if the order were priced on ``on``.

    A confirmed order keeps its frozen prices: this only shows the differences
    so a person can decide. With ``apply=True`` a not-confirmed order takes the
    new prices (its approval starts over); a confirmed one is refused.

    Raises:
        OrderError: the order is not priced, or ``apply`` on a confirmed order.
    """
    order = uow.orders.get(order_id)
    if order.prices is None:
        raise OrderError(f"order {order_id!r} is not priced; nothing to compare", order=order_id)
    fresh = price_document(
        uow,
        pricer,
        f"order {order_id!r}",
        order.header,
        on,
        order.lines,
        user=by,
        vat_rates=vat_rates,
    )
    differences = price_differences(order.prices, fresh)
    if apply:
        uow.orders.update(transitions.price_order(order, fresh))
    return differences


def request_order_approval(
    uow: Repositories,
    order_id: OrderId,
    approval_id: ApprovalId,
    policy: ApprovalPolicy,
    clock: Clock,
    initiator: str,
    *,
    notifier: ApprovalNotifier | None = None,
) -> Order:
    """Start the approval of the order's deviations (D6); the order remembers it."""
    order = uow.orders.get(order_id)
    _request_approval(
        uow,
        f"order {order.id}",
        order.prices,
        approval_id,
        policy,
        clock,
        initiator,
        notifier,
        order.header,
    )
    return uow.orders.update(attrs.evolve(order, approval_id=approval_id))


def approve_order(uow: Repositories, order_id: OrderId) -> Order:
    """Mark the order approved once its approval process is approved."""
    order = uow.orders.get(order_id)
    approval = _approved_process(uow, f"order {order.id!r}", order.approval_id)
    return uow.orders.update(transitions.approve_order(order, approval))


def _template(
    uow: Repositories, pricer: SalePricer, order: Order, on: date
) -> PaymentScheduleTemplate:
    partner = pricer.partners.get(order.header.partner_id)
    product = pricer.products.get(order.lines[0].product_id)
    if partner is None or product is None:
        raise OrderError(
            f"order {order.id!r}: its client or first product is not loaded in the pricer",
            order=order.id,
        )
    terms = pricer.resolve_terms(partner, on, product, order.header.agreement_id).terms
    if terms.payment_schedule_id is None:
        raise OrderError(
            f"order {order.id!r}: agreement {order.header.agreement_id!r} names no payment "
            "schedule; set one in the agreement or pass the template",
            order=order.id,
        )
    return uow.schedule_templates.get(terms.payment_schedule_id)


def confirm_order(
    uow: Repositories,
    pricer: SalePricer,
    order_id: OrderId,
    on: date,
    calendar: BusinessCalendar,
    *,
    template: PaymentScheduleTemplate | None = None,
    by: str | None = None,
) -> Order:
    """Not confirmed → to pay: freeze the prices, fix the schedule, post the planned debt.

    The order keeps the prices it holds (from its pricing or from its quote).
    The schedule comes from ``template`` or the agreement's payment schedule,
    its stages counting back from the earliest planned shipment. The credit
    decision at the order control point is taken on the order's total with VAT.
    """
    order = uow.orders.get(order_id)
    if order.prices is None:
        raise OrderError(f"order {order_id!r} is not priced: price it before confirming")
    chosen = template if template is not None else _template(uow, pricer, order, on)
    amount = order.prices.with_vat
    schedule = chosen.generate(amount, order.on, order.first_shipment, calendar)
    credit = credit_decision(uow, order.id, order.header, amount, ControlPoint.ORDER, on)
    confirmed, _ = transitions.confirm_order(order, on, schedule, credit=credit, by=by)
    stored = uow.orders.update(confirmed)
    # The planned debt is registered when the order is confirmed, not before.
    post_entries(
        uow.settlements, schedule_entries(schedule, settlement_account(order.header), order.id, on)
    )
    uow.order_schedules.save(OrderSchedule(order.id, schedule))
    return stored


def order_ledger(uow: Repositories, order: Order) -> SettlementLedger:
    """The order's part of the stored settlement ledger: its entries (stages, shipments,
    returns, corrections) and the allocations to them.

    What the order's stage payments and state are computed from
    (:func:`~salescore.orders.stage_payments`, :func:`~salescore.orders.derive_state`),
    read by the order's index: the client's other debts and its payments are not in
    it, so its open credits are not the client's (use
    :func:`~salescore.receivables.load_ledger` for those).
    """
    repo, partner = uow.settlements, order.header.partner_id
    return SettlementLedger(
        repo.entries(partner_id=partner, order_id=order.id),
        (),
        repo.allocations(partner_id=partner, order_id=order.id),
    )


def secure_order(uow: Repositories, order_id: OrderId, on: date, *, by: str | None = None) -> Order:
    """To pay → to secure, once every advance stage is paid."""
    order = uow.orders.get(order_id)
    ledger = order_ledger(uow, order)
    secured, _ = transitions.release_for_securing(order, on, ledger, by=by)
    return uow.orders.update(secured)


def ship_order(uow: Repositories, order_id: OrderId, on: date, *, by: str | None = None) -> Order:
    """To secure → to ship, once prepayments are paid and credit control allows it."""
    order = uow.orders.get(order_id)
    ledger = order_ledger(uow, order)
    credit = None
    if order.prices is not None:  # an order that is not priced is refused by its status
        paid = sum(
            (s.paid for s in stage_payments(order, ledger, on)), Money.zero(order.header.currency)
        )
        credit = credit_decision(
            uow,
            order.id,
            order.header,
            order.prices.with_vat,
            ControlPoint.SHIPMENT,
            on,
            prepaid=paid,
        )
    released, _ = transitions.release_for_shipment(order, on, ledger, credit=credit, by=by)
    return uow.orders.update(released)


def close_order(uow: Repositories, order_id: OrderId, on: date, *, by: str | None = None) -> Order:
    """An active order → closed."""
    closed, _ = transitions.close_order(uow.orders.get(order_id), on, by=by)
    return uow.orders.update(closed)


def cancel_order(
    uow: Repositories, order_id: OrderId, on: date, reason: str, *, by: str | None = None
) -> Order:
    """Cancel an order that is not closed, with a reason."""
    cancelled, _ = transitions.cancel_order(uow.orders.get(order_id), on, reason, by=by)
    return uow.orders.update(cancelled)


def reserve_order(uow: Repositories, order_id: OrderId, at: datetime) -> list[MoveReport]:
    """Reserve from free stock what each line still lacks, as far as free stock goes.

    Goods are secured only once the order is *to secure* or *to ship* (its
    advances paid). A line for which nothing is free keeps waiting; the
    derived state shows what is missing.

    Raises:
        OrderError: the order is not to secure or to ship, or names no warehouse.
    """
    order = uow.orders.get(order_id)
    if order.status not in (OrderStatus.TO_SECURE, OrderStatus.TO_SHIP):
        raise OrderError(
            f"order {order.id!r} is {order.status.value.replace('_', ' ')}: goods are secured "
            "only for an order that is to secure or to ship (its advance paid)",
            order=order.id,
        )
    ledger = uow.stock_ledger
    reports = []
    for claim in reserve_claims(order):
        held = ledger.balance(claim.product_id, claim.warehouse_id, claim.bucket, claim.unit)
        free = ledger.balance(claim.product_id, claim.warehouse_id, Bucket.free(), claim.unit)
        wanted = min(claim.quantity - held, free, key=lambda q: q.value)
        if wanted.value > 0:
            reports.append(reserve_from_stock(ledger, claim, wanted, document=order.id, at=at))
    return reports


def shipped_of_order(uow: Repositories, order_id: OrderId, on: date) -> tuple[ShippedLine, ...]:
    """What left for the order by ``on``, as the derived state counts it: the stored
    shipments as their corrections left them, the goods issues of order-based
    warehouses (a shipment posted ``by_goods_issue`` counts once its goods are
    issued), and the returns as returned (see :func:`salescore.shipments.quantities_left`)."""
    found = []
    for shipment in uow.shipments.of_order(order_id):
        corrections = uow.shipment_corrections.of_shipment(shipment.id)
        now = corrected_shipment(shipment, corrections) if corrections else shipment
        if now is not None:
            found.append(now)
    return quantities_left(
        found,
        uow.goods_issues.of_order(order_id),
        uow.customer_returns.of_order(order_id),
        uow.goods_receipts.of_order(order_id),
        on=on,
    )


def order_state(
    uow: Repositories,
    order_id: OrderId,
    on: date,
    shipments: Iterable[ShippedLine] | None = None,
) -> OrderState:
    """The derived state of a stored order on ``on`` from the stored ledgers.

    What left counts the stored shipments, goods issues and returns
    (:func:`shipped_of_order`) unless ``shipments`` is given.
    """
    order = uow.orders.get(order_id)
    if shipments is None:
        shipments = shipped_of_order(uow, order_id, on)
    ledger = order_ledger(uow, order)
    reserves = uow.stock_ledger.entries(order_id=ReserveOrderId(order.id))
    return derive_state(order, ledger, reserves, shipments, on=on)
