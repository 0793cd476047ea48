"""Agreements (A4–A7, D6): typical and individual terms of sale, which terms
apply and why, deviations of a sale from them, their approval, and contracts.

``ProposedLine`` was called ``SaleLine`` here; that name now means only
:class:`salescore.discounts.SaleLine`. The old spelling still imports, with a
:class:`DeprecationWarning`.
"""

import warnings
from typing import Any

from salescore.agreements.approval import (
    ApprovalEvent,
    ApprovalId,
    ApprovalPolicy,
    ApprovalProcess,
    ApprovalPurpose,
    ApprovalRule,
    ApprovalStatus,
    ApprovalTask,
    Decision,
    start_agreement_approval,
    start_approval,
)
from salescore.agreements.compliance import (
    DEFAULT_SEVERITIES,
    Deviation,
    DeviationKind,
    ProposedLine,
    ProposedSale,
    Severity,
    check_sale,
    needs_approval,
)
from salescore.agreements.contracts import (
    Contract,
    ContractId,
    ContractStatus,
    SettlementBasis,
    check_contract,
    select_contract,
    settlement_basis,
)
from salescore.agreements.loading import load_book
from salescore.agreements.model import (
    TERM_LABELS,
    Agreement,
    AgreementId,
    AgreementKind,
    AgreementStatus,
    PaymentForm,
    SettlementProcedure,
    Taxation,
    Terms,
    create_individual,
)
from salescore.agreements.ports import (
    AgreementRepository,
    ApprovalNotifier,
    ApprovalRepository,
    ContractRepository,
)
from salescore.agreements.resolution import (
    AgreementBook,
    ResolvedTerms,
    SourceKind,
    TermSource,
    TermsQuery,
    format_term,
)

__all__ = [
    "DEFAULT_SEVERITIES",
    "TERM_LABELS",
    "Agreement",
    "AgreementBook",
    "AgreementId",
    "AgreementKind",
    "AgreementRepository",
    "AgreementStatus",
    "ApprovalEvent",
    "ApprovalId",
    "ApprovalNotifier",
    "ApprovalPolicy",
    "ApprovalProcess",
    "ApprovalPurpose",
    "ApprovalRepository",
    "ApprovalRule",
    "ApprovalStatus",
    "ApprovalTask",
    "Contract",
    "ContractId",
    "ContractRepository",
    "ContractStatus",
    "Decision",
    "Deviation",
    "DeviationKind",
    "PaymentForm",
    "ProposedLine",
    "ProposedSale",
    "ResolvedTerms",
    "SettlementBasis",
    "SettlementProcedure",
    "Severity",
    "SourceKind",
    "Taxation",
    "TermSource",
    "Terms",
    "TermsQuery",
    "check_contract",
    "check_sale",
    "create_individual",
    "format_term",
    "load_book",
    "needs_approval",
    "select_contract",
    "settlement_basis",
    "start_agreement_approval",
    "start_approval",
]


def __getattr__(name: str) -> Any:
    if name == "SaleLine":
        warnings.warn(
            "salescore.agreements.SaleLine is now salescore.agreements.ProposedLine "
            "(SaleLine means salescore.discounts.SaleLine); import ProposedLine",
            DeprecationWarning,
            stacklevel=2,
        )
        return ProposedLine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
