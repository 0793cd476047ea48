"""Who may log in to self-service, what each one may see, and what is remembered.

A *principal* is an authenticated user of customer self-service
[личный кабинет клиента]: a client's user sees its partner (or the
several partners it works for), a manager sees the partners it manages, an
administrator sees every partner. The *scope* is the set of partners a
principal may reach; everything self-service reads or writes is filtered by
it below the operations (see :mod:`salescore.app.selfservice`).

>>> client = Principal("anna", Role.CLIENT, frozenset({"CAFE"}))
>>> scope = scope_of(client, [])
>>> scope.allows("CAFE"), scope.allows("VOLGA-KZN"), scope.allows(None)
(True, False, False)
>>> boss = Principal("root", Role.ADMINISTRATOR)
>>> scope_of(boss, []).allows("VOLGA-KZN")
True

Logins are throttled: after ``max_failures`` wrong passwords in a row the
login is locked for ``lockout``, whatever password comes next.

>>> from datetime import UTC, datetime, timedelta
>>> policy = ThrottlePolicy(max_failures=2, lockout=timedelta(minutes=15))
>>> at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
>>> t = record_failure(None, "anna", at, policy)
>>> t.locked_until is None
True
>>> t = record_failure(t, "anna", at, policy)
>>> t.locked_until.isoformat()
'2026-03-02T10:15:00+00:00'
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from salescore.errors import InvalidInputError, LoginThrottledError
from salescore.money import to_decimal
from salescore.parties import Partner, PartnerId

__all__ = [
    "AuditRecord",
    "LoginThrottle",
    "Principal",
    "PurchasePlan",
    "Role",
    "Scope",
    "Session",
    "ThrottlePolicy",
    "UserAccount",
    "check_login_allowed",
    "normalize_login",
    "record_failure",
    "scope_of",
    "token_digest",
]


class Role(enum.Enum):
    """What kind of user a principal is."""

    CLIENT = "client"
    """[клиент]: a user of one or several partners; sees only theirs."""
    MANAGER = "manager"
    """[менеджер]: sees the partners it manages (``Partner.manager``) and those named."""
    ADMINISTRATOR = "administrator"
    """[администратор]: sees every partner."""


def _partner_ids(value: Iterable[str]) -> frozenset[PartnerId]:
    return frozenset(PartnerId(str(x)) for x in value)


def normalize_login(login: str) -> str:
    """The login as it is stored: trimmed and lower-case (``" Anna "`` is ``"anna"``)."""
    return login.strip().lower()


@attrs.frozen
class Principal:
    """An authenticated user, as operations receive it.

    Attributes:
        user_id: the login.
        role: client, manager or administrator.
        partner_ids: the partners named in the user's account.
        manager: for a manager, the name partners carry in ``Partner.manager``.
        session_id: the session it was authenticated by (the token's digest), if any.
    """

    user_id: str
    role: Role
    partner_ids: frozenset[PartnerId] = attrs.field(default=frozenset(), converter=_partner_ids)
    manager: str | None = None
    session_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Scope:
    """The partners a principal may reach; ``partner_ids`` None means every partner."""

    partner_ids: frozenset[PartnerId] | None

    def allows(self, partner_id: str | None) -> bool:
        """True if a document of ``partner_id`` is inside the scope (None never is,
        except for an administrator)."""
        if self.partner_ids is None:
            return True
        return partner_id is not None and partner_id in self.partner_ids

    @property
    def is_everything(self) -> bool:
        """True for an administrator's scope."""
        return self.partner_ids is None


def scope_of(principal: Principal, partners: Iterable[Partner]) -> Scope:
    """The scope of ``principal`` given the stored ``partners`` (read for managers).

    A client's scope is the partners its account names; a manager's adds the
    partners whose ``manager`` is its name; an administrator's is everything.
    """
    if principal.role is Role.ADMINISTRATOR:
        return Scope(None)
    ids = set(principal.partner_ids)
    if principal.role is Role.MANAGER and principal.manager:
        ids.update(p.id for p in partners if p.manager == principal.manager)
    return Scope(frozenset(ids))


@attrs.frozen
class UserAccount:
    """A self-service user as stored: the password only as a salted hash.

    Attributes:
        id: the login (normalized: trimmed, lower-case).
        password_hash: the hash the :class:`~salescore.selfservice.PasswordHasher`
            made (algorithm, parameters and salt included; never the password).
        role: client, manager or administrator.
        partner_ids: the partners a client works for (a manager's own list).
        manager: a manager's name as partners carry it.
        active: False blocks every login of the user.
    """

    id: str
    password_hash: str = attrs.field(repr=False)
    role: Role
    partner_ids: frozenset[PartnerId] = attrs.field(default=frozenset(), converter=_partner_ids)
    manager: str | None = None
    active: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.id or self.id != normalize_login(self.id):
            raise InvalidInputError(
                f"login {self.id!r} must be non-empty, trimmed and lower-case; "
                "pass it through normalize_login",
                value=self.id,
            )
        if self.role is Role.CLIENT and not self.partner_ids:
            raise InvalidInputError(
                f"user {self.id!r} is a client user but names no partner; give the "
                "partners it works for",
                user=self.id,
            )
        if self.role is Role.MANAGER and not (self.manager or self.partner_ids):
            raise InvalidInputError(
                f"user {self.id!r} is a manager with no manager name and no partners; "
                "give the name partners carry in Partner.manager",
                user=self.id,
            )

    def principal(self, session_id: str | None = None) -> Principal:
        """The principal this account authenticates as."""
        return Principal(self.id, self.role, self.partner_ids, self.manager, session_id)


def token_digest(token: str) -> str:
    """The SHA-256 of a session token, hex: sessions are stored by it, never by the token.

    A token is long and random (not a password), so one fast hash keeps a
    stolen database from giving usable tokens.

    >>> token_digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode()).hexdigest()


@attrs.frozen
class Session:
    """A logged-in session, stored by the digest of its token.

    Attributes:
        id: :func:`token_digest` of the token the user holds.
        user_id: whose session it is.
        issued_at, expires_at: when it began and until when it is valid.
        address: where the login came from (as the caller passed it).
        ended: True once logged out or closed by a password change.
    """

    id: str
    user_id: str
    issued_at: datetime
    expires_at: datetime
    address: str = ""
    ended: bool = False

    def is_valid(self, now: datetime) -> bool:
        """True if not ended and not expired at ``now``."""
        return not self.ended and now < self.expires_at


@attrs.frozen
class ThrottlePolicy:
    """How many wrong passwords in a row lock a login, and for how long."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)

    def __attrs_post_init__(self) -> None:
        if self.max_failures < 1 or self.lockout <= timedelta(0):
            raise InvalidInputError(
                "a throttle policy needs at least one failure and a positive lockout",
                max_failures=self.max_failures,
            )


@attrs.frozen
class LoginThrottle:
    """Failed logins in a row for a login name (kept whether the login exists or not,
    so throttling does not tell which logins exist)."""

    id: str
    failures: int
    last_failure: datetime
    locked_until: datetime | None = None


def check_login_allowed(throttle: LoginThrottle | None, now: datetime) -> None:
    """Refuse a login attempt while its login is locked.

    Raises:
        LoginThrottledError: locked until a later moment (``retry_after``).
    """
    if throttle is not None and throttle.locked_until is not None and now < throttle.locked_until:
        raise LoginThrottledError(
            f"too many failed logins in a row: logins are refused until "
            f"{throttle.locked_until.isoformat()}; wait, or ask an administrator",
            retry_after=throttle.locked_until,
        )


def record_failure(
    throttle: LoginThrottle | None, login: str, now: datetime, policy: ThrottlePolicy
) -> LoginThrottle:
    """The throttle after one more failed login; it locks at ``policy.max_failures``.

    A lock that has run out starts the count again.
    """
    failures = 1
    if throttle is not None and not (
        throttle.locked_until is not None and now >= throttle.locked_until
    ):
        failures = throttle.failures + 1
    locked = now + policy.lockout if failures >= policy.max_failures else None
    return LoginThrottle(login, failures, now, locked)


def _details(value: Mapping[str, object]) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()}


@attrs.frozen
class AuditRecord:
    """One self-service action, remembered: who, when, what, from where.

    Attributes:
        id: sortable by time (the moment, the writing service's sequence, a random tail).
        at: when.
        user_id, role: who.
        action: what kind of action (``place_order``, ``edit_contact``, ``login`` …).
        subject: the document it touched (``order ORG-1-2026-000001``), or ``""``.
        partner_id: the partner whose data changed, if any.
        address: where from (the address the embedding application passed).
        details: what changed, as text.
    """

    id: str
    at: datetime
    user_id: str
    role: str
    action: str
    subject: str = ""
    partner_id: str | None = None
    address: str = ""
    details: Mapping[str, str] = attrs.field(factory=dict, converter=_details, hash=False)


def _plan_lines(value: Iterable[tuple[str, object]]) -> tuple[tuple[str, Decimal], ...]:
    lines = []
    for product, quantity in value:
        number = to_decimal(quantity, "quantity")
        if number <= 0:
            raise InvalidInputError(
                f"a purchase plan line of {product!r} has quantity {number}; plan a "
                "positive quantity or leave the product out",
                product=product,
            )
        lines.append((str(product), number))
    return tuple(lines)


@attrs.frozen
class PurchasePlan:
    """A client's purchase plan for a period, filed in self-service [план закупок
    клиента]; to the company it is the supplier's sales plan [план продаж].

    Attributes:
        id: the plan's number.
        partner_id: the client.
        start, end: the period planned, both days included.
        lines: (product id, quantity in the product's unit).
        filed_on: when it was filed.
        comment: the client's note.
    """

    id: str
    partner_id: PartnerId
    start: date
    end: date
    lines: tuple[tuple[str, Decimal], ...] = attrs.field(converter=_plan_lines)
    filed_on: date
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInputError(
                f"purchase plan {self.id!r}: the period ends ({self.end}) before it starts "
                f"({self.start}); swap the dates",
                plan=self.id,
            )
        if not self.lines:
            raise InvalidInputError(
                f"purchase plan {self.id!r} has no lines; plan at least one product",
                plan=self.id,
            )
        products = [p for p, _ in self.lines]
        if len(set(products)) != len(products):
            raise InvalidInputError(
                f"purchase plan {self.id!r} names a product twice; give one line per product",
                plan=self.id,
            )
