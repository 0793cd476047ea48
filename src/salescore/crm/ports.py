"""Repositories the CRM context needs (implemented by the storage adapters).

Process kinds, deals, interactions and claims are stored as documents under
their ids; deals are searchable by partner, process kind, manager and
status, interactions by partner and deal, claims by partner and status,
representatives' tasks by representative, day and status.
"""

from __future__ import annotations

from typing import TypeAlias

from salescore.crm.interactions import Claim, Interaction
from salescore.crm.model import Deal, DealId, ProcessKind, ProcessKindId
from salescore.crm.representatives import RepresentativeTask
from salescore.ports import Repository

__all__ = [
    "ClaimRepository",
    "DealRepository",
    "InteractionRepository",
    "ProcessKindRepository",
    "RepresentativeTaskRepository",
]

ProcessKindRepository: TypeAlias = Repository[ProcessKindId, ProcessKind]
DealRepository: TypeAlias = Repository[DealId, Deal]
InteractionRepository: TypeAlias = Repository[str, Interaction]
ClaimRepository: TypeAlias = Repository[str, Claim]
RepresentativeTaskRepository: TypeAlias = Repository[str, RepresentativeTask]
