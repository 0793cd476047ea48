"""Ports of self-service: the password hasher and the repositories it needs."""

from __future__ import annotations

from typing import Protocol, TypeAlias, runtime_checkable

from salescore.ports import Repository
from salescore.selfservice.model import (
    AuditRecord,
    LoginThrottle,
    PurchasePlan,
    Session,
    UserAccount,
)

__all__ = [
    "AuditRepository",
    "LoginThrottleRepository",
    "PasswordHasher",
    "PurchasePlanRepository",
    "SessionRepository",
    "UserRepository",
]


@runtime_checkable
class PasswordHasher(Protocol):
    """Turns passwords into salted hashes and checks a password against one.

    The default adapter is :class:`salescore.adapters.passwords.Argon2PasswordHasher`
    (argon2id). A hash carries its algorithm, parameters and salt, so the
    same password gives a different hash for every user.
    """

    def hash(self, password: str) -> str:
        """A new salted hash of ``password``."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True if ``password`` matches ``password_hash``; False otherwise (never raises
        for a wrong password)."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with weaker parameters than the hasher's own."""
        ...


UserRepository: TypeAlias = Repository[str, UserAccount]
SessionRepository: TypeAlias = Repository[str, Session]
LoginThrottleRepository: TypeAlias = Repository[str, LoginThrottle]
AuditRepository: TypeAlias = Repository[str, AuditRecord]
PurchasePlanRepository: TypeAlias = Repository[str, PurchasePlan]
