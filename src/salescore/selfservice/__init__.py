"""Customer self-service: principals, roles, scope, authentication rules, audit (H10).

The pure rules of a client's login [личный кабинет]: who a user is
(:class:`Principal`, :class:`Role`), which partners it may reach
(:class:`Scope`, :func:`scope_of`), how logins are throttled and sessions
expire, and what an audit record holds. The operations themselves are in
:mod:`salescore.app.selfservice`; the default password hasher (argon2id) is
:mod:`salescore.adapters.passwords`.
"""

from salescore.selfservice.model import (
    AuditRecord,
    LoginThrottle,
    Principal,
    PurchasePlan,
    Role,
    Scope,
    Session,
    ThrottlePolicy,
    UserAccount,
    check_login_allowed,
    normalize_login,
    record_failure,
    scope_of,
    token_digest,
)
from salescore.selfservice.ports import (
    AuditRepository,
    LoginThrottleRepository,
    PasswordHasher,
    PurchasePlanRepository,
    SessionRepository,
    UserRepository,
)

__all__ = [
    "AuditRecord",
    "AuditRepository",
    "LoginThrottle",
    "LoginThrottleRepository",
    "PasswordHasher",
    "Principal",
    "PurchasePlan",
    "PurchasePlanRepository",
    "Role",
    "Scope",
    "Session",
    "SessionRepository",
    "ThrottlePolicy",
    "UserAccount",
    "UserRepository",
    "check_login_allowed",
    "normalize_login",
    "record_failure",
    "scope_of",
    "token_digest",
]
