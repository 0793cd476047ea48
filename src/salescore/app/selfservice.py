"""Customer self-service: the facade a web shell embeds (H10).

:class:`SelfService` is built once per process from a store and a clock.
A user logs in with a password (:meth:`SelfService.login`) and gets a
session token; each request turns its token into a
:class:`~salescore.selfservice.Principal` (:meth:`SelfService.authenticate`)
and calls an operation with it. Every operation runs in its own unit of work
seen through the principal's scope (:mod:`salescore.app.scoped`): another
partner's order, shipment, claim or counterparty is *not found*, exactly as
an id that does not exist. Every change, and every login, is written to the
audit collection in the same unit of work, with who, when, what and the
address the caller passed.

>>> from datetime import UTC, datetime
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.adapters.passwords import Argon2PasswordHasher
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.selfservice import Role
>>> from salescore.testing import FixedClock
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     uow.commit()
>>> clock = FixedClock(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
>>> service = SelfService(store, clock, hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024))
>>> service.add_user("anna@cafe", "long enough secret", Role.CLIENT, partner_ids=["CAFE"])
>>> session = service.login("anna@cafe", "long enough secret", address="203.0.113.5")
>>> me = service.authenticate(session.token)
>>> [p.id for p in service.my_partners(me)]
['CAFE']
>>> service.get_order(me, "ORG-1-2026-000001")
Traceback (most recent call last):
...
salescore.errors.NotFoundError: order 'ORG-1-2026-000001' is not found among your documents; ...
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from salescore.adapters.passwords import Argon2PasswordHasher
from salescore.adapters.repositories import Repositories
from salescore.adapters.stores import Store
from salescore.agreements import Agreement, AgreementId, ApprovalId, ApprovalPolicy, TermsQuery
from salescore.app.orders import create_order, order_state, request_order_approval
from salescore.app.sales import PricingSession
from salescore.app.scoped import ScopedRepositories, not_found
from salescore.app.shipments import AgentItem, create_return_request, post_commission_report
from salescore.crm import Claim
from salescore.dates import Period
from salescore.errors import (
    AccessDeniedError,
    AuthenticationError,
    InvalidInputError,
    OrderError,
    SessionExpiredError,
)
from salescore.forms import (
    FormData,
    FormKind,
    Requisites,
    corrected_upd_data,
    form_data,
    payment_invoice_data,
    render_html,
    render_pdf,
    render_text,
    transfer_form_data,
)
from salescore.money import Money, Unit
from salescore.orders import DocumentHeader, DocumentLine, LineId, Order, OrderId, OrderState
from salescore.parties import (
    BankAccount,
    BankAccountId,
    ContactId,
    ContactPerson,
    Counterparty,
    CounterpartyId,
    LegalForm,
    OrganizationId,
    Partner,
    PartnerId,
    ProductId,
    WarehouseId,
)
from salescore.ports import Clock
from salescore.receivables import ReconciliationAct, load_ledger, reconciliation_act
from salescore.records import Record, html_table
from salescore.selfservice import (
    AuditRecord,
    PasswordHasher,
    Principal,
    PurchasePlan,
    Role,
    Session,
    ThrottlePolicy,
    UserAccount,
    check_login_allowed,
    normalize_login,
    record_failure,
    scope_of,
    token_digest,
)
from salescore.shipments import (
    CommissionReport,
    CommissionTransfer,
    CorrectionKind,
    CustomerReturn,
    ReturnId,
    ReturnRequest,
    Shipment,
    ShipmentId,
    TransferId,
)
from salescore.tax import VatRateTable

__all__ = [
    "DebtLine",
    "DebtSummary",
    "LoginResult",
    "OrderSummary",
    "OrderView",
    "PrintedForm",
    "SelfService",
]

MIN_PASSWORD_LENGTH = 10


@attrs.frozen
class LoginResult:
    """What a successful login gives: the token to hand to the browser (shown once,
    stored only as its digest), the principal and when the session ends."""

    token: str = attrs.field(repr=False)
    principal: Principal
    expires_at: datetime


@attrs.frozen
class OrderSummary:
    """One order in a client's list."""

    id: OrderId
    partner_id: PartnerId
    on: date
    status: str
    total: Money | None
    awaiting_approval: bool

    def to_records(self) -> list[Record]:
        """One typed row (see :mod:`salescore.records`)."""
        return [
            {
                "order": self.id,
                "partner": self.partner_id,
                "date": self.on,
                "status": self.status,
                "total": None if self.total is None else self.total.amount,
                "currency": None if self.total is None else self.total.currency.code,
                "awaiting_approval": self.awaiting_approval,
            }
        ]


@attrs.frozen
class OrderView:
    """An order as its client sees it: the document, its derived state, and the
    shipments made for it (whose printed forms the client can download)."""

    order: Order
    state: OrderState
    shipment_ids: tuple[ShipmentId, ...] = ()

    @property
    def id(self) -> OrderId:
        """The order number."""
        return self.order.id

    def to_records(self) -> list[Record]:
        """One row per line: product, quantity, price, amounts, and the state."""
        rows: list[Record] = []
        for line in self.order.prices.lines if self.order.prices is not None else ():
            rows.append(
                {
                    "order": self.order.id,
                    "state": self.state.label,
                    "line": line.line_id,
                    "product": line.product_id,
                    "quantity": line.quantity.value,
                    "unit_price": line.unit_price.amount,
                    "discount": line.discount.amount,
                    "net": line.net.amount,
                    "vat": line.vat.amount,
                    "currency": line.net.currency.code,
                }
            )
        return rows

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"order {self.order.id}: {self.state.label}")


@attrs.frozen
class DebtLine:
    """A partner's debt in one currency on a date.

    Attributes:
        debt: open debt (shipped or due, not paid).
        overdue: the part of ``debt`` past its due date.
        credit: money paid and not yet set against debt (advances).
        balance: ``debt - credit`` (negative: the client paid ahead).
    """

    partner_id: PartnerId
    debt: Money
    overdue: Money
    credit: Money
    balance: Money


@attrs.frozen
class DebtSummary:
    """A principal's debt [задолженность] by partner and currency on a date."""

    as_of: date
    lines: tuple[DebtLine, ...]

    def to_records(self) -> list[Record]:
        """One typed row per partner and currency."""
        return [
            {
                "partner": x.partner_id,
                "currency": x.debt.currency.code,
                "debt": x.debt.amount,
                "overdue": x.overdue.amount,
                "credit": x.credit.amount,
                "balance": x.balance.amount,
                "as_of": self.as_of,
            }
            for x in self.lines
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"debt on {self.as_of.isoformat()}")


@attrs.frozen
class PrintedForm:
    """A printed form ready to send: file name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes = attrs.field(repr=False)


_FORM_ALIASES = {
    "upd": FormKind.UPD,
    "torg12": FormKind.TORG12,
    "invoice": FormKind.INVOICE,
    "payment_invoice": FormKind.PAYMENT_INVOICE,
    "m15": FormKind.M15,
}
_FORM_NAMES = {v: k for k, v in _FORM_ALIASES.items()} | {FormKind.UKD: "ukd"}
_RENDERERS: dict[str, tuple[str, Callable[[FormData], str | bytes]]] = {
    "pdf": ("application/pdf", render_pdf),
    "html": ("text/html; charset=utf-8", render_html),
    "text": ("text/plain; charset=utf-8", render_text),
}


def _form_kind(kind: FormKind | str) -> FormKind:
    if isinstance(kind, FormKind):
        return kind
    try:
        return _FORM_ALIASES[kind.lower()]
    except KeyError:
        raise InvalidInputError(
            f"unknown printed form {kind!r}: use one of {', '.join(_FORM_ALIASES)}",
            value=kind,
        ) from None


def _order_view(view: ScopedRepositories, order: Order, on: date) -> OrderView:
    shipments = tuple(x.id for x in view.shipments.of_order(order.id))
    return OrderView(order, order_state(view, order.id, on), shipments)


def _partners(view: ScopedRepositories, partner_id: str | None) -> list[Partner]:
    """The partner named (not found unless in scope), or every partner of the scope, by id.

    A client's or manager's partners are read by their ids, not by a scan of
    every partner the company has.
    """
    if partner_id is not None:
        return [view.partners.get(PartnerId(partner_id))]
    ids = view.scope.partner_ids
    return view.partners.all() if ids is None else view.partners.find_many(ids)


def _labels(
    view: ScopedRepositories, product_ids: Sequence[ProductId]
) -> tuple[dict[str, str], dict[str, Unit]]:
    """The printed name and the unit of measure of each product of a form."""
    products = view.products.find_many(product_ids)
    return {p.id: p.name for p in products}, {p.id: p.unit for p in products}


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class SelfService:
    """Customer self-service over a store: authentication, scoped operations, audit.

    Args:
        store: where everything is kept (memory, SQLite, PostgreSQL).
        clock: the time of logins, sessions, documents and audit records.
        hasher: the password hasher (argon2id by default; needs the
            ``selfservice`` extra).
        throttle: failed logins in a row before a login is locked, and for how long.
        session_ttl: how long a session lasts from its login.
        approval_policy: who approves an order's deviations; without it an
            order that needs approval waits for the company's managers to start one.
        pricing: the pricing session (kept for its compiled discount rules).
        vat_rates: the VAT table (the Russian one by default).
        new_token: makes session tokens (random, URL-safe, 256 bits by default).
        claim_deadline: how long the company has to close a claim a client registers.
        commission_fee_percent: the commission agents' fee, a percent of their sales
            with VAT (agreements do not carry a fee yet).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        hasher: PasswordHasher | None = None,
        throttle: ThrottlePolicy | None = None,
        session_ttl: timedelta = timedelta(hours=8),
        approval_policy: ApprovalPolicy | None = None,
        pricing: PricingSession | None = None,
        vat_rates: VatRateTable | None = None,
        new_token: Callable[[], str] = _new_token,
        claim_deadline: timedelta = timedelta(days=10),
        commission_fee_percent: Decimal = Decimal(0),
    ) -> None:
        self._store = store
        self._clock = clock
        self._hasher = hasher if hasher is not None else Argon2PasswordHasher()
        self._throttle = throttle if throttle is not None else ThrottlePolicy()
        self._ttl = session_ttl
        self._policy = approval_policy
        self._pricing = pricing if pricing is not None else PricingSession()
        self._vat_rates = vat_rates
        self._new_token = new_token
        self._claim_deadline = claim_deadline
        self._audit_seq = itertools.count(1)
        self._commission_fee = commission_fee_percent
        # A hash to verify against when the login does not exist, so a wrong login
        # costs the same time as a wrong password.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))

    # --- audit ------------------------------------------------------------------

    def _audit(
        self,
        uow: Repositories,
        principal: Principal | None,
        action: str,
        *,
        user_id: str | None = None,
        subject: str = "",
        partner_id: str | None = None,
        address: str = "",
        details: Mapping[str, object] | None = None,
    ) -> None:
        at = self._clock.now()
        record = AuditRecord(
            # Sorts by time, then by the order this service wrote them (a clock may
            # repeat a moment), then a random tail that keeps other processes' apart.
            f"{at.strftime('%Y%m%dT%H%M%S.%f')}-{next(self._audit_seq):09d}-{secrets.token_hex(4)}",
            at,
            principal.user_id if principal is not None else (user_id or ""),
            principal.role.value if principal is not None else "",
            action,
            subject,
            partner_id,
            address,
            dict(details or {}),
        )
        uow.audit.add(record)

    # --- users and authentication -------------------------------------------------

    def add_user(
        self,
        login: str,
        password: str,
        role: Role,
        *,
        partner_ids: Sequence[str] = (),
        manager: str | None = None,
        by: str = "system",
        address: str = "",
    ) -> None:
        """Create a user (a back-office call of the embedding application, not of a client).

        Raises:
            InvalidInputError: the password is shorter than 10 characters, or the
                account is incomplete (a client with no partner).
            ConflictError: the login exists.
            NotFoundError: a named partner does not exist.
        """
        _check_password(password)
        account = UserAccount(
            normalize_login(login),
            self._hasher.hash(password),
            role,
            frozenset(PartnerId(p) for p in partner_ids),
            manager,
        )
        with self._store.unit_of_work() as uow:
            for pid in sorted(account.partner_ids):
                uow.partners.get(pid)
            uow.users.add(account)
            self._audit(
                uow,
                None,
                "add_user",
                user_id=by,
                subject=f"user {account.id}",
                address=address,
                details={"role": role.value, "partners": ",".join(sorted(account.partner_ids))},
            )
            uow.commit()

    def login(self, login: str, password: str, *, address: str = "") -> LoginResult:
        """Check a password and open a session.

        A wrong login and a wrong password give the same error. After
        ``throttle.max_failures`` failures in a row the login is locked for
        ``throttle.lockout``, whatever password comes (existing or not).

        Raises:
            AuthenticationError: wrong login or password, or the user is blocked.
            LoginThrottledError: too many failures in a row; ``retry_after`` says until when.
        """
        name = normalize_login(login)
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            throttle = uow.login_throttles.find(name)
            check_login_allowed(throttle, now)
            account = uow.users.find(name)
            ok = self._hasher.verify(
                account.password_hash if account is not None else self._dummy_hash, password
            )
            if account is None or not ok or not account.active:
                uow.login_throttles.save(record_failure(throttle, name, now, self._throttle))
                self._audit(uow, None, "login_failed", user_id=name, address=address)
                uow.commit()
                raise AuthenticationError(
                    "wrong login or password; check both and try again", login=name
                )
            if throttle is not None:
                uow.login_throttles.remove(name)
            if self._hasher.needs_rehash(account.password_hash):
                account = attrs.evolve(account, password_hash=self._hasher.hash(password))
                uow.users.save(account)
            token = self._new_token()
            session = Session(token_digest(token), account.id, now, now + self._ttl, address)
            uow.sessions.add(session)
            principal = account.principal(session.id)
            self._audit(uow, principal, "login", address=address)
            uow.commit()
        return LoginResult(token, principal, session.expires_at)

    def authenticate(self, token: str) -> Principal:
        """The principal a session token stands for.

        Raises:
            AuthenticationError: the token is unknown, or its user is blocked.
            SessionExpiredError: the session has expired or was ended.
        """
        now = self._clock.now()
        with self._store.unit_of_work(read_only=True) as uow:
            session = uow.sessions.find(token_digest(token))
            account = uow.users.find(session.user_id) if session is not None else None
        if session is None or account is None or not account.active:
            raise AuthenticationError("the session token is not valid; log in", token="…")
        if not session.is_valid(now):
            raise SessionExpiredError(
                f"the session ended at {min(session.expires_at, now).isoformat()}; log in again"
                if not session.ended
                else "the session was ended; log in again",
                expired_at=session.expires_at,
            )
        return account.principal(session.id)

    def logout(self, token: str, *, address: str = "") -> None:
        """End the session of ``token`` (an unknown or ended token is left as it is)."""
        with self._store.unit_of_work() as uow:
            session = uow.sessions.find(token_digest(token))
            if session is None or session.ended:
                return
            uow.sessions.save(attrs.evolve(session, ended=True))
            self._audit(uow, None, "logout", user_id=session.user_id, address=address)
            uow.commit()

    def purge_sessions(self, *, kept: timedelta = timedelta(days=30)) -> int:
        """Remove the sessions that expired more than ``kept`` ago; their number.

        Every login stores a session, so without this the store grows by one a login
        for ever. Run it now and then (a daily job). A session logged out or ended
        by a password change goes once its time to live is over, plus ``kept``.
        Until it goes, its token is refused as expired
        (:class:`~salescore.errors.SessionExpiredError`); afterwards as unknown
        (:class:`~salescore.errors.AuthenticationError`). The audit records the
        purge.

        Raises:
            InvalidInputError: ``kept`` is negative.
        """
        if kept < timedelta(0):
            raise InvalidInputError(
                f"kept must be zero or more, got {kept}: how long expired sessions stay",
                kept=kept,
            )
        limit = self._clock.now() - kept
        with self._store.unit_of_work() as uow:
            gone = [s.id for s in uow.sessions.all() if s.expires_at <= limit]
            for session_id in gone:
                uow.sessions.remove(session_id)
            if gone:
                self._audit(uow, None, "sessions_purged", details={"count": str(len(gone))})
            uow.commit()
        return len(gone)

    def change_password(
        self, principal: Principal, old: str, new: str, *, address: str = ""
    ) -> None:
        """Change the principal's password; every other session of the user ends.

        Raises:
            AuthenticationError: ``old`` is not the current password.
            InvalidInputError: ``new`` is shorter than 10 characters or equals ``old``.
        """
        _check_password(new)
        if new == old:
            raise InvalidInputError("the new password is the old one; choose another")
        with self._store.unit_of_work() as uow:
            account = uow.users.get(principal.user_id)
            if not self._hasher.verify(account.password_hash, old):
                raise AuthenticationError("the current password is wrong; check it")
            uow.users.save(attrs.evolve(account, password_hash=self._hasher.hash(new)))
            for session in uow.sessions.find_by("user_id", account.id):
                if session.id != principal.session_id and not session.ended:
                    uow.sessions.save(attrs.evolve(session, ended=True))
            self._audit(uow, principal, "change_password", address=address)
            uow.commit()

    # --- the scoped unit of work --------------------------------------------------

    @contextmanager
    def _scoped(
        self, principal: Principal, *, write: bool = False
    ) -> Iterator[tuple[ScopedRepositories, Repositories]]:
        """A unit of work seen through ``principal``'s scope, and the raw one for audit.

        Managers' scopes read the partners they manage at the time of the call.
        """
        with self._store.unit_of_work(read_only=not write) as uow:
            partners: list[Partner] = []
            if principal.role is Role.MANAGER and principal.manager:
                # Partners are not indexed by manager: read them all (a manager's
                # request costs a scan of the partners).
                partners = uow.partners.all()
            view = ScopedRepositories(uow, scope_of(principal, partners))
            yield view, uow
            if write:
                uow.commit()

    # --- reading --------------------------------------------------------------------

    def my_partners(self, principal: Principal) -> list[Partner]:
        """The partners the principal works for, by id."""
        with self._scoped(principal) as (view, _):
            return _partners(view, None)

    def list_orders(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[OrderSummary]:
        """The principal's orders (of one of its partners, or all of them), newest first.

        Raises:
            NotFoundError: ``partner_id`` is not one of the principal's partners.
        """
        with self._scoped(principal) as (view, _):
            orders = [o for p in _partners(view, partner_id) for o in view.orders.of_partner(p.id)]
        orders.sort(key=lambda o: (o.on, o.id), reverse=True)
        return [
            OrderSummary(
                o.id,
                o.header.partner_id,
                o.on,
                o.status.value,
                o.prices.with_vat if o.prices is not None else None,
                bool(o.prices is not None and o.prices.awaiting_approval and not o.approved),
            )
            for o in orders
        ]

    def get_order(self, principal: Principal, order_id: str) -> OrderView:
        """One of the principal's orders with its derived state today.

        Raises:
            NotFoundError: no such order among the principal's (another partner's
                order gives the same error).
        """
        with self._scoped(principal) as (view, _):
            order = view.orders.get(OrderId(order_id))
            return _order_view(view, order, self._clock.today())

    def my_debt(
        self, principal: Principal, *, partner_id: str | None = None, as_of: date | None = None
    ) -> DebtSummary:
        """The principal's debt by partner and currency (today unless ``as_of``)."""
        on = as_of if as_of is not None else self._clock.today()
        lines = []
        with self._scoped(principal) as (view, _):
            for partner in _partners(view, partner_id):
                ledger = load_ledger(view.settlements, partner_id=partner.id)
                items = ledger.open_items(on)
                credits = ledger.open_credits(on)
                for currency in ledger.currencies():
                    zero = Money.zero(currency)
                    mine = [i for i in items if i.entry.account.currency == currency]
                    debt = sum((i.open for i in mine), zero)
                    overdue = sum((i.open for i in mine if i.entry.due_date < on), zero)
                    credit = sum((x.open for x in credits if x.account.currency == currency), zero)
                    lines.append(DebtLine(partner.id, debt, overdue, credit, debt - credit))
        return DebtSummary(on, tuple(lines))

    # --- orders ---------------------------------------------------------------------

    def place_order(
        self,
        principal: Principal,
        agreement_id: str,
        lines: Sequence[tuple[str, Decimal | int | str]],
        *,
        counterparty_id: str | None = None,
        warehouse_id: str | None = None,
        address: str = "",
    ) -> OrderView:
        """Place an order under one of the partner's own agreements, dated today.

        The order is priced and discounted by the agreement, its lines checked
        against the agreement's products, and stored not confirmed; when its
        prices deviate from the agreement in a way that needs approval and the
        service has an approval policy, the approval process is started.

        Args:
            agreement_id: the client's individual agreement [соглашение].
            lines: (product id, quantity) pairs.
            counterparty_id: the client's legal entity; the agreement's by default.
            warehouse_id: where the goods are to come from; the agreement's by
                default. Another warehouse than the agreement's is a deviation that
                needs approval.

        Raises:
            NotFoundError: the agreement, counterparty or a product is not the
                principal's (or does not exist).
            OrderError, AgreementError, MissingPriceError: the order cannot be made.
        """
        if not lines:
            raise InvalidInputError("an order needs at least one line; add a product")
        on = self._clock.today()
        with self._scoped(principal, write=True) as (view, raw):
            agreement = view.agreements.get(AgreementId(agreement_id))
            if agreement.partner_id is None:  # a typical agreement is nobody's own
                raise not_found("agreement", agreement_id)
            partner_id = agreement.partner_id
            cp_id = counterparty_id or agreement.counterparty_id
            if cp_id is None:
                raise OrderError(
                    f"agreement {agreement_id!r} names no counterparty: say which of your "
                    "legal entities buys",
                    agreement=agreement_id,
                )
            counterparty = view.counterparties.get(CounterpartyId(cp_id))
            if counterparty.partner_id != partner_id:
                raise not_found("counterparty", cp_id)
            doc_lines = [
                DocumentLine(LineId(str(n)), ProductId(p), Decimal(str(q)))
                for n, (p, q) in enumerate(lines, start=1)
            ]
            pricer = self._pricing.load(
                view,
                dates=[on],
                partner_ids=[partner_id],
                product_ids=[x.product_id for x in doc_lines],
                agreement_ids=[agreement.id],
            )
            for line in doc_lines:  # the pricer leaves unknown products out
                if line.product_id not in pricer.products:
                    view.products.get(line.product_id)  # raises the store's NotFoundError
            partner = view.partners.get(partner_id)
            terms = pricer.book.resolve(
                TermsQuery(
                    partner,
                    on,
                    product=pricer.products[doc_lines[0].product_id],
                    agreement_id=agreement.id,
                )
            ).terms
            contracts = [
                k
                for k in view.contracts.find_by("agreement_id", agreement.id)
                if k.counterparty_id == counterparty.id
            ]
            contract = contracts[0] if contracts else None
            organization = terms.organization_id or (
                contract.organization_id if contract is not None else None
            )
            if organization is None or terms.currency is None:
                raise OrderError(
                    f"agreement {agreement_id!r} names no selling organization or currency; "
                    "ask the company to complete it",
                    agreement=agreement_id,
                )
            header = DocumentHeader(
                partner_id,
                CounterpartyId(counterparty.id),
                organization,
                agreement.id,
                terms.currency,
                view.warehouses.get(WarehouseId(warehouse_id)).id
                if warehouse_id is not None
                else terms.warehouse_id,
                contract.id if contract is not None else None,
            )
            order = create_order(
                view, pricer, header, on, doc_lines, by=principal.user_id, vat_rates=self._vat_rates
            )
            if (
                self._policy is not None
                and order.prices is not None
                and order.prices.awaiting_approval
            ):
                order = request_order_approval(
                    view,
                    order.id,
                    ApprovalId(f"{order.id}/approval"),
                    self._policy,
                    self._clock,
                    principal.user_id,
                )
            self._audit(
                raw,
                principal,
                "place_order",
                subject=f"order {order.id}",
                partner_id=partner_id,
                address=address,
                details={
                    "agreement": agreement.id,
                    "lines": "; ".join(f"{x.product_id} x {x.quantity}" for x in doc_lines),
                },
            )
            return _order_view(view, order, on)

    # --- helpers ----------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{self._clock.today():%Y%m%d}-{secrets.token_hex(4).upper()}"

    @staticmethod
    def _one_partner(view: ScopedRepositories, partner_id: str | None, what: str) -> Partner:
        partners = _partners(view, partner_id)
        if len(partners) != 1:
            raise InvalidInputError(
                f"{what}: you work for {len(partners)} partners; say which one (partner_id)"
            )
        return partners[0]

    # --- contacts, counterparties, bank accounts -----------------------------------

    def list_agreements(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[Agreement]:
        """The partners' own (individual) agreements, by id."""
        with self._scoped(principal) as (view, _):
            return [
                a
                for p in _partners(view, partner_id)
                for a in view.agreements.find_by("partner_id", p.id)
            ]

    def list_contacts(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[ContactPerson]:
        """The partners' contact persons [контактные лица], by id."""
        with self._scoped(principal) as (view, _):
            return [
                x
                for p in _partners(view, partner_id)
                for x in view.contacts.find_by("partner_id", p.id)
            ]

    def save_contact(
        self,
        principal: Principal,
        name: str,
        *,
        partner_id: str | None = None,
        contact_id: str | None = None,
        role: str = "",
        phone: str = "",
        email: str = "",
        address: str = "",
    ) -> ContactPerson:
        """Add a contact person (no ``contact_id``) or change one (its partner stays).

        Raises:
            NotFoundError: the contact or partner is not the principal's.
        """
        with self._scoped(principal, write=True) as (view, raw):
            before: ContactPerson | None = None
            if contact_id is not None:
                before = view.contacts.get(contact_id)
                owner = before.partner_id
            else:
                owner = self._one_partner(view, partner_id, "a new contact").id
            contact = ContactPerson(
                ContactId(contact_id or self._new_id("CT")), owner, name, role, phone, email
            )
            view.contacts.save(contact)
            self._audit_change(raw, principal, "save_contact", "contact", before, contact, address)
            return contact

    def remove_contact(self, principal: Principal, contact_id: str, *, address: str = "") -> None:
        """Delete one of the partners' contact persons."""
        with self._scoped(principal, write=True) as (view, raw):
            before = view.contacts.get(contact_id)
            view.contacts.remove(contact_id)
            self._audit_change(raw, principal, "remove_contact", "contact", before, None, address)

    def list_counterparties(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[Counterparty]:
        """The partners' counterparties [контрагенты], by id."""
        with self._scoped(principal) as (view, _):
            return [
                x
                for p in _partners(view, partner_id)
                for x in view.counterparties.find_by("partner_id", p.id)
            ]

    def save_counterparty(
        self,
        principal: Principal,
        name: str,
        *,
        partner_id: str | None = None,
        counterparty_id: str | None = None,
        legal_form: LegalForm = LegalForm.LEGAL_ENTITY,
        tax_id: str | None = None,
        kpp: str | None = None,
        country: str = "RU",
        address: str = "",
    ) -> Counterparty:
        """Add a counterparty (no ``counterparty_id``) or change one; the INN's check
        digits and the KPP's form are checked for a Russian one.

        Raises:
            InvalidInputError: a wrong INN or KPP.
            NotFoundError: the counterparty or partner is not the principal's.
        """
        with self._scoped(principal, write=True) as (view, raw):
            before: Counterparty | None = None
            if counterparty_id is not None:
                before = view.counterparties.get(CounterpartyId(counterparty_id))
                owner = before.partner_id
            else:
                owner = self._one_partner(view, partner_id, "a new counterparty").id
            counterparty = Counterparty(
                CounterpartyId(counterparty_id or self._new_id("CP")),
                owner,
                name,
                legal_form,
                tax_id,
                kpp,
                country,
            )
            view.counterparties.save(counterparty)
            self._audit_change(
                raw, principal, "save_counterparty", "counterparty", before, counterparty, address
            )
            return counterparty

    def list_bank_accounts(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[BankAccount]:
        """The bank accounts of the partners' counterparties, by id."""
        with self._scoped(principal) as (view, _):
            return [
                x
                for p in _partners(view, partner_id)
                for x in view.bank_accounts.find_by("partner_id", p.id)
            ]

    def save_bank_account(
        self,
        principal: Principal,
        counterparty_id: str,
        bic: str,
        number: str,
        *,
        bank_account_id: str | None = None,
        bank_name: str = "",
        correspondent_account: str | None = None,
        currency: str = "RUB",
        address: str = "",
    ) -> BankAccount:
        """Add a bank account of a counterparty (no ``bank_account_id``) or change one; the
        BIC and the account's control key are checked.

        Raises:
            InvalidInputError: a wrong BIC, account or correspondent account.
            NotFoundError: the account or counterparty is not the principal's.
        """
        with self._scoped(principal, write=True) as (view, raw):
            before: BankAccount | None = None
            if bank_account_id is not None:
                before = view.bank_accounts.get(BankAccountId(bank_account_id))
            holder = view.counterparties.get(CounterpartyId(counterparty_id))
            if before is not None and before.partner_id != holder.partner_id:
                raise not_found("counterparty", counterparty_id)
            account = BankAccount(
                BankAccountId(bank_account_id or self._new_id("BA")),
                holder.partner_id,
                holder.id,
                bic,
                number,
                bank_name,
                correspondent_account,
                currency,
            )
            view.bank_accounts.save(account)
            self._audit_change(
                raw, principal, "save_bank_account", "bank account", before, account, address
            )
            return account

    def remove_bank_account(
        self, principal: Principal, bank_account_id: str, *, address: str = ""
    ) -> None:
        """Delete a bank account of one of the partners' counterparties."""
        with self._scoped(principal, write=True) as (view, raw):
            before = view.bank_accounts.get(BankAccountId(bank_account_id))
            view.bank_accounts.remove(before.id)
            self._audit_change(
                raw, principal, "remove_bank_account", "bank account", before, None, address
            )

    def _audit_change(
        self,
        raw: Repositories,
        principal: Principal,
        action: str,
        kind: str,
        before: Any,
        after: Any,
        address: str,
    ) -> None:
        old = attrs.asdict(before, recurse=False) if before is not None else {}
        new = attrs.asdict(after, recurse=False) if after is not None else {}
        changed = {
            k: f"{old.get(k)!r} -> {new.get(k)!r}"
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        }
        subject = after if after is not None else before
        self._audit(
            raw,
            principal,
            action,
            subject=f"{kind} {subject.id}",
            partner_id=str(subject.partner_id),
            address=address,
            details=changed,
        )

    # --- shipments, returns, printed forms ------------------------------------------

    def list_shipments(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[Shipment]:
        """The partners' posted shipments [реализации], newest first."""
        with self._scoped(principal) as (view, _):
            found = [
                x for p in _partners(view, partner_id) for x in view.shipments.of_partner(p.id)
            ]
        return sorted(found, key=lambda x: (x.on, x.id), reverse=True)

    def get_shipment(self, principal: Principal, shipment_id: str) -> Shipment:
        """One of the partners' shipments (not found if another partner's)."""
        with self._scoped(principal) as (view, _):
            return view.shipments.get(ShipmentId(shipment_id))

    def get_return(self, principal: Principal, return_id: str) -> CustomerReturn:
        """One of the partners' posted returns [возврат товаров от клиента]."""
        with self._scoped(principal) as (view, _):
            return view.customer_returns.get(ReturnId(return_id))

    def get_form(
        self,
        principal: Principal,
        document_id: str,
        *,
        kind: FormKind | str = FormKind.UPD,
        fmt: str = "pdf",
    ) -> PrintedForm:
        """A printed form of one of the partners' documents.

        Args:
            document_id: a shipment for a УПД, TORG-12 or VAT invoice (the
                corrected УПД when error fixes were posted); an order for a payment
                invoice; a commission transfer for an M-15.
            kind: a :class:`~salescore.forms.FormKind` or its short name
                (``upd``, ``torg12``, ``invoice``, ``payment_invoice``, ``m15``).
            fmt: ``pdf`` (needs the ``forms`` extra), ``html`` or ``text``.

        Raises:
            NotFoundError: the document is not the principal's.
            InvalidInputError: an unknown kind or format.
        """
        form_kind = _form_kind(kind)
        if fmt not in _RENDERERS:
            raise InvalidInputError(
                f"unknown form format {fmt!r}: use one of {', '.join(sorted(_RENDERERS))}"
            )
        with self._scoped(principal) as (view, _):
            if form_kind is FormKind.PAYMENT_INVOICE:
                order = view.orders.get(OrderId(document_id))
                seller = Requisites.of(view.organizations.get(order.header.organization_id))
                buyer = Requisites.of(view.counterparties.get(order.header.counterparty_id))
                names, _ = _labels(view, [x.product_id for x in order.lines])
                data = payment_invoice_data(order, seller, buyer, names)
            elif form_kind is FormKind.M15:
                transfer = view.commission_transfers.get(document_id)
                org_id, cp_id = transfer.account.organization_id, transfer.account.counterparty_id
                seller = (
                    Requisites.of(view.organizations.get(OrganizationId(org_id)))
                    if org_id
                    else Requisites("")
                )
                buyer = (
                    Requisites.of(view.counterparties.get(CounterpartyId(cp_id)))
                    if cp_id
                    else Requisites(view.partners.get(PartnerId(transfer.account.partner_id)).name)
                )
                names, units = _labels(view, [x.product_id for x in transfer.lines])
                data = transfer_form_data(transfer, seller, buyer, names, units=units)
            elif form_kind is FormKind.UKD:
                raise InvalidInputError(
                    "a УКД is printed from a correction; self-service prints the corrected "
                    "УПД of a shipment instead (kind 'upd')"
                )
            else:
                shipment = view.shipments.get(ShipmentId(document_id))
                seller = Requisites.of(view.organizations.get(shipment.organization_id))
                buyer = Requisites.of(view.counterparties.get(shipment.counterparty_id))
                names, units = _labels(view, [x.product_id for x in shipment.lines])
                corrections = view.shipment_corrections.of_shipment(shipment.id)
                fixed = any(c.kind is CorrectionKind.ERROR_FIX and c.is_posted for c in corrections)
                if form_kind is FormKind.UPD and fixed:
                    data = corrected_upd_data(
                        shipment, corrections, seller, buyer, names, units=units
                    )
                else:
                    data = form_data(form_kind, shipment, seller, buyer, names, units=units)
        media_type, render = _RENDERERS[fmt]
        content = render(data)
        body = content if isinstance(content, bytes) else content.encode()
        return PrintedForm(
            f"{_FORM_NAMES[form_kind]}-{data.number}.{fmt}".replace("/", "-"), media_type, body
        )

    def request_return(
        self,
        principal: Principal,
        shipment_id: str,
        items: Sequence[tuple[str, Decimal | int | str]],
        *,
        reason: str = "",
        exchange: bool = False,
        address: str = "",
    ) -> ReturnRequest:
        """Ask to return goods of one of the partners' shipments [заявка на возврат]; the
        request waits for the company to agree it.

        Raises:
            NotFoundError: the shipment is not the principal's.
            InvalidInputError: a product not on the shipment, or more than it shipped.
        """
        with self._scoped(principal, write=True) as (view, raw):
            shipment = view.shipments.get(ShipmentId(shipment_id))
            shipped: dict[str, Decimal] = {}
            for line in shipment.lines:
                shipped[line.product_id] = shipped.get(line.product_id, Decimal(0)) + Decimal(
                    line.quantity
                )
            wanted = [(ProductId(p), Decimal(str(q))) for p, q in items]
            if not wanted:
                raise InvalidInputError("a return request needs at least one product")
            for product, quantity in wanted:
                if quantity <= 0 or quantity > shipped.get(product, Decimal(0)):
                    raise InvalidInputError(
                        f"shipment {shipment.id!r} shipped {shipped.get(product, Decimal(0)):f} "
                        f"of {product}; ask to return a positive quantity up to that",
                        product=product,
                    )
            request = ReturnRequest(
                self._new_id("RR"),
                shipment.partner_id,
                shipment.counterparty_id,
                self._clock.today(),
                shipment.id,
                tuple(wanted),
                exchange,
                reason=reason,
            )
            stored = create_return_request(view, request)
            self._audit(
                raw,
                principal,
                "request_return",
                subject=f"return request {stored.id}",
                partner_id=stored.partner_id,
                address=address,
                details={
                    "shipment": shipment.id,
                    "items": "; ".join(f"{p} x {q:f}" for p, q in wanted),
                    "exchange": exchange,
                },
            )
            return stored

    def get_return_request(self, principal: Principal, request_id: str) -> ReturnRequest:
        """One of the partners' return requests, with its status."""
        with self._scoped(principal) as (view, _):
            return view.return_requests.get(request_id)

    # --- claims -----------------------------------------------------------------------

    def register_claim(
        self,
        principal: Principal,
        subject: str,
        *,
        partner_id: str | None = None,
        order_id: str | None = None,
        address: str = "",
    ) -> Claim:
        """Register a claim [претензия], about an order or in general; the partner's
        manager handles it, by the service's claim deadline.

        Raises:
            NotFoundError: the order or partner is not the principal's.
        """
        if not subject.strip():
            raise InvalidInputError("a claim needs a subject: say what went wrong")
        today = self._clock.today()
        with self._scoped(principal, write=True) as (view, raw):
            if order_id is not None:
                order = view.orders.get(OrderId(order_id))
                if partner_id is not None and partner_id != order.header.partner_id:
                    raise not_found("order", order_id)
                partner = view.partners.get(order.header.partner_id)
            else:
                partner = self._one_partner(view, partner_id, "a claim")
            claim = Claim(
                self._new_id("CL"),
                partner.id,
                today,
                subject,
                partner.manager or "",
                today + self._claim_deadline,
                order_id=order_id,
            )
            view.claims.add(claim)
            self._audit(
                raw,
                principal,
                "register_claim",
                subject=f"claim {claim.id}",
                partner_id=partner.id,
                address=address,
                details={"subject": subject, "order": order_id or ""},
            )
            return claim

    def list_claims(self, principal: Principal, *, partner_id: str | None = None) -> list[Claim]:
        """The partners' claims with their status, newest first."""
        with self._scoped(principal) as (view, _):
            found = [
                x
                for p in _partners(view, partner_id)
                for x in view.claims.find_by("partner_id", p.id)
            ]
        return sorted(found, key=lambda x: (x.registered, x.id), reverse=True)

    def get_claim(self, principal: Principal, claim_id: str) -> Claim:
        """One of the partners' claims."""
        with self._scoped(principal) as (view, _):
            return view.claims.get(claim_id)

    # --- commission trade and purchase plans --------------------------------------------

    def list_commission_transfers(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[CommissionTransfer]:
        """Goods handed to the partners as commission agents [передачи на комиссию]."""
        with self._scoped(principal) as (view, _):
            return [
                x
                for p in _partners(view, partner_id)
                for x in view.commission_transfers.of_party(p.id)
            ]

    def report_commission_sales(
        self,
        principal: Principal,
        items: Sequence[tuple[str, str, Decimal | int | str]],
        *,
        buyer: str = "",
        address: str = "",
    ) -> CommissionReport:
        """Report sales of consigned goods [отчет комиссионера о продажах]: the goods leave
        the agent's stock and the agent owes their sales figures less its fee (the
        service's ``commission_fee_percent``).

        Args:
            items: (transfer id, transfer line number, quantity sold).

        Raises:
            NotFoundError: a transfer is not the principal's.
            ShipmentError: more reported than is at the agent, or transfers of two agents.
        """
        with self._scoped(principal, write=True) as (view, raw):
            agent_items = [AgentItem(TransferId(t), str(n), Decimal(str(q))) for t, n, q in items]
            report = post_commission_report(
                view,
                self._new_id("CR"),
                self._clock.today(),
                agent_items,
                at=self._clock.now(),
                fee_percent=self._commission_fee,
                buyer=buyer,
            )
            self._audit(
                raw,
                principal,
                "report_commission_sales",
                subject=f"commission report {report.id}",
                partner_id=report.party_id,
                address=address,
                details={
                    "items": "; ".join(f"{t}/{n} x {q}" for t, n, q in items),
                    "sales": report.with_vat,
                },
            )
            return report

    def file_purchase_plan(
        self,
        principal: Principal,
        start: date,
        end: date,
        lines: Sequence[tuple[str, Decimal | int | str]],
        *,
        partner_id: str | None = None,
        comment: str = "",
        address: str = "",
    ) -> PurchasePlan:
        """File the client's purchase plan for a period [план закупок], which is the
        company's sales plan for that client.

        Raises:
            NotFoundError: the partner or a product is unknown to the principal.
            InvalidInputError: an empty plan, a product twice, a wrong period.
        """
        with self._scoped(principal, write=True) as (view, raw):
            partner = self._one_partner(view, partner_id, "a purchase plan")
            for product, _ in lines:
                view.products.get(ProductId(product))
            plan = PurchasePlan(
                self._new_id("PP"),
                partner.id,
                start,
                end,
                lines,
                self._clock.today(),
                comment,
            )
            view.purchase_plans.add(plan)
            self._audit(
                raw,
                principal,
                "file_purchase_plan",
                subject=f"purchase plan {plan.id}",
                partner_id=partner.id,
                address=address,
                details={"period": f"{start}..{end}", "lines": len(plan.lines)},
            )
            return plan

    def list_purchase_plans(
        self, principal: Principal, *, partner_id: str | None = None
    ) -> list[PurchasePlan]:
        """The partners' filed purchase plans, by id."""
        with self._scoped(principal) as (view, _):
            return [
                x
                for p in _partners(view, partner_id)
                for x in view.purchase_plans.find_by("partner_id", p.id)
            ]

    # --- reconciliation ---------------------------------------------------------------

    def reconciliation_act(
        self,
        principal: Principal,
        counterparty_id: str,
        start: date,
        end: date,
        *,
        organization_id: str | None = None,
        currency: str = "RUB",
    ) -> ReconciliationAct:
        """The reconciliation act [акт сверки] of one of the partners' counterparties with
        our organization for a period.

        Raises:
            NotFoundError: the counterparty is not the principal's.
            InvalidInputError: the counterparty settles with several of our
                organizations and none is named.
        """
        with self._scoped(principal) as (view, _):
            counterparty = view.counterparties.get(CounterpartyId(counterparty_id))
            ledger = load_ledger(view.settlements, partner_id=counterparty.partner_id)
        if organization_id is None:
            found = {
                e.account.organization_id
                for e in ledger.entries
                if e.account.counterparty_id == counterparty.id
            } | {
                p.account.organization_id
                for p in ledger.payments
                if p.account.counterparty_id == counterparty.id
            }
            if len(found) > 1:
                raise InvalidInputError(
                    f"counterparty {counterparty.id!r} settles with "
                    f"{', '.join(sorted(str(x) for x in found))}: name the organization",
                )
            organization_id = str(next(iter(found))) if found else ""
        return reconciliation_act(
            ledger, organization_id, counterparty.id, Period(start, end), currency
        )

    # --- administration -------------------------------------------------------------

    def audit_trail(self, principal: Principal) -> list[AuditRecord]:
        """Every audit record, oldest first (administrators only).

        Raises:
            AccessDeniedError: the principal is not an administrator.
        """
        if principal.role is not Role.ADMINISTRATOR:
            raise AccessDeniedError("only an administrator reads the audit trail")
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.audit.all()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters; choose a longer one "
            "(a phrase of several words is easy to remember)"
        )
