"""Agreement use cases: one call is one step inside the caller's unit of work.

Each function reads what it needs from the unit of work, decides with the
pure agreements context and stores the result. A function that raises has
stored nothing: checks come before the first write, and the caller's unit of
work rolls back on the exception anyway.

>>> from datetime import date
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.demo.sample_agreements import load_sample_agreements
>>> from salescore.parties import PartnerId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_agreements(uow)
...     resolved = resolve_terms(uow, PartnerId("CAFE"), date(2026, 3, 10))
>>> resolved.agreement.id, resolved.terms.warehouse_id
('IA-CAFE', 'STORE-1')
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    ApprovalId,
    ApprovalNotifier,
    ApprovalPolicy,
    ApprovalProcess,
    ApprovalPurpose,
    ApprovalStatus,
    Contract,
    Decision,
    Deviation,
    ResolvedTerms,
    Terms,
    TermsQuery,
    check_contract,
    create_individual,
    load_book,
    start_agreement_approval,
    start_approval,
)
from salescore.errors import AgreementError
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    ProductId,
    SegmentId,
)
from salescore.ports import Clock

if TYPE_CHECKING:
    from salescore.app.sales import PricingSession

__all__ = [
    "add_individual_agreement",
    "decide_approval",
    "register_contract",
    "request_agreement_approval",
    "resolve_terms",
    "set_agreement_status",
    "start_sale_approval",
]


def add_individual_agreement(
    uow: Repositories,
    base_id: AgreementId,
    id: AgreementId,
    name: str,
    *,
    partner_id: PartnerId,
    valid_from: date,
    valid_to: date | None = None,
    counterparty_id: CounterpartyId | None = None,
    terms: Terms | None = None,
    nomenclature_segment_id: SegmentId | None = None,
) -> Agreement:
    """Make and store an individual agreement from the stored typical agreement ``base_id``.

    The new agreement is *not agreed* until its status is set.

    Raises:
        NotFoundError: the base, the partner or the counterparty does not exist.
        AgreementError: the base is closed or not typical, or the counterparty
            belongs to another partner.
    """
    base = uow.agreements.get(base_id)
    uow.partners.get(partner_id)
    if counterparty_id is not None:
        counterparty = uow.counterparties.get(counterparty_id)
        if counterparty.partner_id != partner_id:
            raise AgreementError(
                f"individual agreement {id!r}: counterparty {counterparty_id!r} belongs to "
                f"partner {counterparty.partner_id!r}, not {partner_id!r}",
                agreement=id,
            )
    agreement = create_individual(
        base,
        id,
        name,
        partner_id=partner_id,
        valid_from=valid_from,
        valid_to=valid_to,
        counterparty_id=counterparty_id,
        terms=Terms() if terms is None else terms,
        nomenclature_segment_id=nomenclature_segment_id,
    )
    uow.agreements.add(agreement)
    return agreement


def set_agreement_status(
    uow: Repositories, agreement_id: AgreementId, status: AgreementStatus
) -> Agreement:
    """Set an agreement's status by hand (not agreed, active, closed) and store it."""
    agreement = uow.agreements.get(agreement_id).with_status(status)
    uow.agreements.save(agreement)
    return agreement


def resolve_terms(
    uow: Repositories,
    partner_id: PartnerId,
    on: date,
    *,
    counterparty_id: CounterpartyId | None = None,
    product_id: ProductId | None = None,
    nomenclature_segment_id: SegmentId | None = None,
    organization_id: OrganizationId | None = None,
    agreement_id: AgreementId | None = None,
    session: PricingSession | None = None,
) -> ResolvedTerms:
    """The terms that apply to a sale to ``partner_id`` on ``on``, with their sources.

    Loads the partner's candidate agreements and resolves them in memory
    (see :mod:`salescore.agreements.resolution` for the precedence). With
    ``agreement_id`` (the agreement an order names) it checks that this
    agreement applies and explains its terms. Without ``session`` every call
    reads the partner's candidates and every client segment: to resolve terms
    often, keep a :class:`~salescore.app.sales.PricingSession` and pass it
    (:meth:`PricingSession.resolve_terms
    <salescore.app.sales.PricingSession.resolve_terms>`: the same terms).
    """
    if session is not None:
        return session.resolve_terms(
            uow,
            partner_id,
            on,
            counterparty_id=counterparty_id,
            product_id=product_id,
            nomenclature_segment_id=nomenclature_segment_id,
            organization_id=organization_id,
            agreement_id=agreement_id,
        )
    partner = uow.partners.get(partner_id)
    query = TermsQuery(
        partner,
        on,
        counterparty_id,
        None if product_id is None else uow.products.get(product_id),
        nomenclature_segment_id,
        organization_id,
        agreement_id,
    )
    book = load_book(
        partner,
        uow.agreements,
        uow.client_segments,
        uow.nomenclature_segments,
        also=() if agreement_id is None else (agreement_id,),
    )
    return book.resolve(query)


def register_contract(uow: Repositories, contract: Contract) -> Contract:
    """Check a contract's parties and store it.

    Raises:
        AgreementError: the parties are wrong (unknown organization or
            counterparty, a counterparty of another partner, a linked
            agreement for other parties or closed); ``issues`` lists them all.
    """
    agreement = (
        None if contract.agreement_id is None else uow.agreements.find(contract.agreement_id)
    )
    base = (
        None
        if agreement is None or agreement.base_id is None
        else uow.agreements.find(agreement.base_id)
    )
    issues = check_contract(
        contract,
        uow.organizations.find(contract.organization_id),
        uow.counterparties.find(contract.counterparty_id),
        agreement,
        base,
    )
    if issues:
        raise AgreementError(
            f"contract {contract.id!r} cannot be registered: "
            + "; ".join(issue.message for issue in issues),
            contract=contract.id,
            issues=tuple(issues),
        )
    uow.contracts.add(contract)
    return contract


def _notify(
    notifier: ApprovalNotifier | None, before: ApprovalProcess | None, after: ApprovalProcess
) -> None:
    if notifier is None:
        return
    seen = 0 if before is None else len(before.history)
    for event in after.history[seen:]:
        notifier.notify(after, event)


def start_sale_approval(
    uow: Repositories,
    id: ApprovalId,
    subject: str,
    deviations: tuple[Deviation, ...],
    policy: ApprovalPolicy,
    clock: Clock,
    initiator: str,
    *,
    agreement_id: AgreementId | None = None,
    notifier: ApprovalNotifier | None = None,
) -> ApprovalProcess:
    """Start and store the approval of a sale's deviations; notify about its first events."""
    process = start_approval(
        id, subject, deviations, policy, clock.now(), initiator, agreement_id=agreement_id
    )
    uow.approvals.add(process)
    _notify(notifier, None, process)
    return process


def request_agreement_approval(
    uow: Repositories,
    id: ApprovalId,
    agreement_id: AgreementId,
    approvers: tuple[str, ...],
    clock: Clock,
    initiator: str,
    *,
    notifier: ApprovalNotifier | None = None,
) -> ApprovalProcess:
    """Start and store the approval of a not agreed agreement (A5).

    When every approver approves, :func:`decide_approval` makes the agreement active.
    """
    process = start_agreement_approval(
        id, uow.agreements.get(agreement_id), approvers, clock.now(), initiator
    )
    uow.approvals.add(process)
    _notify(notifier, None, process)
    return process


def decide_approval(
    uow: Repositories,
    approval_id: ApprovalId,
    approver: str,
    decision: Decision,
    clock: Clock,
    comment: str = "",
    *,
    notifier: ApprovalNotifier | None = None,
) -> ApprovalProcess:
    """Record ``approver``'s decision, store the process and notify about the new events.

    When the approval of an agreement is approved, the agreement becomes
    active in the same unit of work.

    Raises:
        ApprovalError: the approver was not asked, has decided already, or
            the process is closed; nothing is stored.
        AgreementError: an approved agreement was closed in the meantime.
    """
    before = uow.approvals.get(approval_id)
    after = before.decide(approver, decision, clock.now(), comment)
    if (
        after.purpose is ApprovalPurpose.AGREEMENT
        and after.status is ApprovalStatus.APPROVED
        and after.agreement_id is not None
    ):
        set_agreement_status(uow, after.agreement_id, AgreementStatus.ACTIVE)
    uow.approvals.save(after)
    _notify(notifier, before, after)
    return after
