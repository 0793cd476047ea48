"""Repositories and hooks the agreements context needs (implemented by the adapters)."""

from __future__ import annotations

from typing import Protocol, TypeAlias

from salescore.agreements.approval import ApprovalEvent, ApprovalId, ApprovalProcess
from salescore.agreements.contracts import Contract, ContractId
from salescore.agreements.model import Agreement, AgreementId
from salescore.ports import Repository

__all__ = [
    "AgreementRepository",
    "ApprovalNotifier",
    "ApprovalRepository",
    "ContractRepository",
]

AgreementRepository: TypeAlias = Repository[AgreementId, Agreement]
ContractRepository: TypeAlias = Repository[ContractId, Contract]
ApprovalRepository: TypeAlias = Repository[ApprovalId, ApprovalProcess]


class ApprovalNotifier(Protocol):
    """Tells people about approval events: a task for them, a process closed.

    The core sends no e-mail; the application plugs in whatever it uses
    (mail, a chat bot, a task list). It is called after the change is
    stored in the unit of work, once per new history event.
    """

    def notify(self, process: ApprovalProcess, event: ApprovalEvent) -> None:
        """Tell the people concerned that ``event`` happened in ``process``."""
        ...
