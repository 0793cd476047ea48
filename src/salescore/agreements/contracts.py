"""Contracts between one of our organizations and a counterparty (A7).

A contract [договор с клиентом] is the legal document behind sales: it binds
one of our organizations to one counterparty, has a number, a date, a
validity period and a status set by hand, and may be linked to the
agreement whose terms it formalizes. It is usable with or without
agreements. When the agreement's settlement procedure is *by contract*,
debts are kept per contract (:func:`settlement_basis`).

>>> from datetime import date
>>> contract = Contract(ContractId("K-1"), "12/2026", date(2026, 1, 10),
...     OrganizationId("ORG-1"), PartnerId("CAFE"), CounterpartyId("CAFE-IE"),
...     valid_from=date(2026, 1, 10), status=ContractStatus.ACTIVE)
>>> contract.is_in_force_on(date(2026, 5, 1))
True
>>> settlement_basis(SettlementProcedure.BY_CONTRACT, order_id="SO-1", contract=contract)
SettlementBasis(kind='contract', id='K-1')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import NewType

import attrs

from salescore.agreements.model import (
    Agreement,
    AgreementId,
    AgreementStatus,
    SettlementProcedure,
    _non_empty,
)
from salescore.errors import AgreementError, AmbiguousAgreementError, Issue
from salescore.parties import (
    Counterparty,
    CounterpartyId,
    Organization,
    OrganizationId,
    PartnerId,
)

__all__ = [
    "Contract",
    "ContractId",
    "ContractStatus",
    "SettlementBasis",
    "check_contract",
    "select_contract",
    "settlement_basis",
]

ContractId = NewType("ContractId", str)


class ContractStatus(enum.Enum):
    """Statuses set by hand [статусы договора]; only an active contract is used for sales."""

    NOT_AGREED = "not_agreed"
    ACTIVE = "active"
    CLOSED = "closed"


@attrs.frozen
class Contract:
    """A contract between our organization and a counterparty [договор].

    Attributes:
        number: the contract's number as printed.
        signed_on: the contract's date.
        organization_id: our organization.
        partner_id: the counterparty's partner (kept to find contracts by client).
        counterparty_id: the other party.
        valid_from, valid_to: the validity period, both days included.
        status: not agreed, active or closed.
        agreement_id: the agreement this contract formalizes, if any.
        settlements_by_contract: debts are kept per contract.
    """

    id: ContractId = attrs.field(validator=_non_empty)
    number: str = attrs.field(validator=_non_empty)
    signed_on: date
    organization_id: OrganizationId
    partner_id: PartnerId
    counterparty_id: CounterpartyId
    valid_from: date
    valid_to: date | None = None
    status: ContractStatus = ContractStatus.NOT_AGREED
    agreement_id: AgreementId | None = None
    settlements_by_contract: bool = True

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise AgreementError(
                f"contract {self.id!r}: valid_to {self.valid_to} is before valid_from "
                f"{self.valid_from}; swap them or leave valid_to empty",
                contract=self.id,
            )

    def is_in_force_on(self, day: date) -> bool:
        """True if the contract is active and valid on ``day``."""
        return (
            self.status is ContractStatus.ACTIVE
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )

    def with_status(self, status: ContractStatus) -> Contract:
        """The contract with a new status; a closed contract stays closed."""
        if self.status is ContractStatus.CLOSED and status is not ContractStatus.CLOSED:
            raise AgreementError(
                f"contract {self.id!r} is closed and cannot become {status.value}; "
                "sign a new contract instead",
                contract=self.id,
            )
        return attrs.evolve(self, status=status)


def check_contract(
    contract: Contract,
    organization: Organization | None,
    counterparty: Counterparty | None,
    agreement: Agreement | None = None,
    base: Agreement | None = None,
) -> list[Issue]:
    """Every problem with the parties of ``contract``; empty when it is consistent.

    Args:
        contract: the contract to check.
        organization: the stored organization ``contract.organization_id``
            names (None if there is none).
        counterparty: the stored counterparty it names (None if none).
        agreement: the linked agreement, if the contract names one.
        base: that agreement's base typical agreement, for an individual one.

    The organization and counterparty must exist, the counterparty must
    belong to the contract's partner, and a linked agreement must be for
    the same partner, counterparty and organization and not closed.
    """
    path = f"contract {contract.id}"
    issues: list[Issue] = []
    if organization is None:
        issues.append(
            Issue(
                "unknown_organization",
                f"organization {contract.organization_id!r} is not one of ours",
                path,
            )
        )
    if counterparty is None:
        issues.append(
            Issue(
                "unknown_counterparty",
                f"counterparty {contract.counterparty_id!r} does not exist",
                path,
            )
        )
    elif counterparty.partner_id != contract.partner_id:
        issues.append(
            Issue(
                "wrong_partner",
                f"counterparty {counterparty.id!r} belongs to partner "
                f"{counterparty.partner_id!r}, not {contract.partner_id!r}",
                path,
            )
        )
    if contract.agreement_id is None:
        return issues
    if agreement is None or agreement.id != contract.agreement_id:
        issues.append(
            Issue("unknown_agreement", f"agreement {contract.agreement_id!r} does not exist", path)
        )
        return issues
    if agreement.status is AgreementStatus.CLOSED:
        issues.append(Issue("closed_agreement", f"{agreement.label} is closed", path))
    if agreement.is_individual and agreement.partner_id != contract.partner_id:
        issues.append(
            Issue(
                "wrong_partner",
                f"{agreement.label} is for partner {agreement.partner_id!r}, "
                f"not {contract.partner_id!r}",
                path,
            )
        )
    if agreement.counterparty_id is not None and agreement.counterparty_id != (
        contract.counterparty_id
    ):
        issues.append(
            Issue(
                "wrong_counterparty",
                f"{agreement.label} is for counterparty {agreement.counterparty_id!r}, "
                f"not {contract.counterparty_id!r}",
                path,
            )
        )
    organization_id = agreement.terms.organization_id
    if organization_id is None and base is not None:
        organization_id = base.terms.organization_id
    if organization_id is not None and organization_id != contract.organization_id:
        issues.append(
            Issue(
                "wrong_organization",
                f"{agreement.label} sells from organization {organization_id!r}, "
                f"not {contract.organization_id!r}",
                path,
            )
        )
    return issues


def select_contract(
    contracts: Iterable[Contract],
    *,
    organization_id: OrganizationId,
    counterparty_id: CounterpartyId,
    on: date,
    agreement_id: AgreementId | None = None,
) -> Contract | None:
    """The contract a sale uses, or None when it needs none.

    Contracts in force on ``on`` between the two parties qualify; one linked
    to ``agreement_id`` wins over an unlinked one, and a contract linked to
    another agreement never qualifies.

    Raises:
        AmbiguousAgreementError: two contracts qualify equally; names both.
    """
    qualified = [
        c
        for c in contracts
        if c.organization_id == organization_id
        and c.counterparty_id == counterparty_id
        and c.is_in_force_on(on)
        and (c.agreement_id is None or c.agreement_id == agreement_id)
    ]
    if not qualified:
        return None
    linked = [c for c in qualified if c.agreement_id is not None]
    best = sorted(linked or qualified, key=lambda c: c.id)
    if len(best) > 1:
        raise AmbiguousAgreementError(
            f"contracts {best[0].id!r} and {best[1].id!r} both apply to counterparty "
            f"{counterparty_id!r} and organization {organization_id!r} on {on.isoformat()}; "
            "close one or link it to an agreement",
            contracts=tuple(c.id for c in best),
        )
    return best[0]


@attrs.frozen
class SettlementBasis:
    """What a debt is kept against: an order, an agreement or a contract."""

    kind: str
    id: str


def settlement_basis(
    procedure: SettlementProcedure,
    *,
    order_id: str,
    agreement_id: AgreementId | None = None,
    contract: Contract | None = None,
) -> SettlementBasis:
    """What the debt of an order is kept against under ``procedure`` [порядок расчетов].

    Raises:
        AgreementError: the procedure needs an agreement or a contract that
            is not given, or the contract keeps no settlements.
    """
    if procedure is SettlementProcedure.BY_ORDER:
        return SettlementBasis("order", order_id)
    if procedure is SettlementProcedure.BY_AGREEMENT:
        if agreement_id is None:
            raise AgreementError(
                f"order {order_id!r}: settlements by agreement need the order's agreement"
            )
        return SettlementBasis("agreement", agreement_id)
    if contract is None or not contract.settlements_by_contract:
        raise AgreementError(
            f"order {order_id!r}: settlements by contract need a contract that keeps "
            "settlements; select one with select_contract",
        )
    return SettlementBasis("contract", contract.id)
