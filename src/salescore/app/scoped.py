"""The partner-scoped view of a unit of work: the ONE place self-service scope is enforced.

Self-service operations never see a store's unit of work. They get a
:class:`ScopedRepositories`: the same repositories, by the same names and
types, but each one that holds a partner's documents answers only for the
partners in the principal's :class:`~salescore.selfservice.Scope`:

* a read of another partner's document by id raises the same
  :class:`~salescore.errors.NotFoundError`, with the same message shape, as a
  read of an id that does not exist (:func:`not_found`); lists leave such
  documents out;
* a write of a document of another partner, or over another partner's
  stored document, is refused the same way;
* reference data every client may read (products, warehouses, price types,
  typical agreements, payment schedule templates …) reads through, but
  refuses writes;
* every other repository (users, sessions, audit, credit limits, retail,
  delivery …) refuses any use with :class:`~salescore.errors.AccessDeniedError`.

Because the filter sits below the operations, an operation added later, and
the existing use cases it calls (:func:`salescore.app.orders.create_order`,
:func:`salescore.app.shipments.create_return_request` …), run inside the
scope without knowing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Generic, NoReturn, TypeVar, cast

from salescore.adapters import collections as c
from salescore.adapters.repositories import Backend, Repositories
from salescore.errors import AccessDeniedError, NotFoundError
from salescore.orders import Order, OrderId
from salescore.orders.ports import OrderRepository, QuoteRepository
from salescore.parties import OrganizationId, PartnerId
from salescore.ports import Repository
from salescore.pricing.ports import PriceRegister
from salescore.receivables import (
    Allocation,
    LedgerChanges,
    Measure,
    OpenCreditColumns,
    OpenItemColumns,
    Payment,
    SettlementAccount,
    SettlementEntry,
)
from salescore.receivables.allocation import EntryRow
from salescore.receivables.ports import CreditPosition, SettlementLedgerRepository
from salescore.reservation import LedgerEntry, Move, Operation
from salescore.reservation.ports import StockLedger
from salescore.selfservice import Scope
from salescore.shipments import CustomerReturn, ReturnRequest, Shipment, agent_stock
from salescore.shipments.ports import (
    PostedDocument,
    PostedDocumentRepository,
    PostedKind,
    ReturnRepository,
    ReturnRequestRepository,
    ShipmentRepository,
)

__all__ = ["ScopedRepositories", "not_found"]

T = TypeVar("T")
D = TypeVar("D", bound=PostedDocument)


def not_found(kind: str, id: object) -> NotFoundError:
    """The error for a document that is not in the caller's scope — whether it does
    not exist or belongs to another partner: the two are indistinguishable."""
    return NotFoundError(
        f"{kind} {str(id)!r} is not found among your documents; check the number",
        kind=kind,
        id=str(id),
    )


def _denied(what: str) -> NoReturn:
    raise AccessDeniedError(
        f"self-service cannot use {what}; it is kept for the company's own users",
        what=what,
    )


def _owner_attr(name: str) -> Callable[[Any], str | None]:
    def owner(entity: Any) -> str | None:
        value = getattr(entity, name)
        return None if value is None else str(value)

    return owner


# collection name -> (what the documents are called, how to find their partner)
_OWNED: dict[str, tuple[str, Callable[[Any], str | None]]] = {
    c.PARTNERS.name: ("partner", _owner_attr("id")),
    c.COUNTERPARTIES.name: ("counterparty", _owner_attr("partner_id")),
    c.CONTACTS.name: ("contact", _owner_attr("partner_id")),
    c.BANK_ACCOUNTS.name: ("bank account", _owner_attr("partner_id")),
    c.AGREEMENT_RECORDS.name: ("agreement", _owner_attr("partner_id")),
    c.CONTRACTS.name: ("contract", _owner_attr("partner_id")),
    c.CLAIMS.name: ("claim", _owner_attr("partner_id")),
    c.PURCHASE_PLANS.name: ("purchase plan", _owner_attr("partner_id")),
}
# Documents without an owner in these collections are shared reference data
# (typical agreements), readable by everyone in self-service.
_SHARED_WHEN_UNOWNED = frozenset({c.AGREEMENT_RECORDS.name})
_REFERENCE = frozenset(
    x.name
    for x in (
        c.ORGANIZATIONS,
        c.PRODUCTS,
        c.PRICE_GROUPS,
        c.WAREHOUSES,
        c.CLIENT_SEGMENTS,
        c.NOMENCLATURE_SEGMENTS,
        c.PRICE_TYPES,
        c.SCHEDULE_TEMPLATES,
        c.DISCOUNT_DEFINITIONS,
        c.DISCOUNT_GROUPS,
        c.MANUAL_DISCOUNT_LIMITS,
        c.PROCESS_KINDS,
    )
)
# Written by the use cases self-service runs (an order's approval process).
_PASS_THROUGH = frozenset({c.APPROVALS.name})


class _ScopedDocuments(Generic[T]):
    """A document repository answering only for the scope's partners."""

    def __init__(
        self,
        raw: Repository[Any, T],
        scope: Scope,
        kind: str,
        owner: Callable[[T], str | None],
        *,
        shared_when_unowned: bool = False,
    ) -> None:
        self._raw = raw
        self._scope = scope
        self._kind = kind
        self._owner = owner
        self._shared = shared_when_unowned

    def _visible(self, entity: T) -> bool:
        owner = self._owner(entity)
        if owner is None and self._shared:
            return True
        return self._scope.allows(owner)

    def _check_write(self, entity: T) -> None:
        key = getattr(entity, "id")  # noqa: B009 - every entity has an id
        owner = self._owner(entity)
        if not self._scope.allows(owner):
            raise not_found(self._kind, key)
        stored = self._raw.find(key)
        if stored is not None and not self._scope.allows(self._owner(stored)):
            raise not_found(self._kind, key)

    def add(self, entity: T) -> None:
        self._check_write(entity)
        self._raw.add(entity)

    def save(self, entity: T) -> None:
        self._check_write(entity)
        self._raw.save(entity)

    def get(self, id: Any) -> T:
        found = self.find(id)
        if found is None:
            raise not_found(self._kind, id)
        return found

    def find(self, id: Any) -> T | None:
        found = self._raw.find(id)
        return found if found is not None and self._visible(found) else None

    def all(self) -> list[T]:
        return [x for x in self._raw.all() if self._visible(x)]

    def find_many(self, ids: Iterable[Any]) -> list[T]:
        return [x for x in self._raw.find_many(ids) if self._visible(x)]

    def find_by(self, field: str, value: object, **also: object) -> list[T]:
        return [x for x in self._raw.find_by(field, value, **also) if self._visible(x)]

    def remove(self, id: Any) -> None:
        entity = self.get(id)  # the stored one: no second read to check it
        if not self._scope.allows(self._owner(entity)):  # shared reference data stays
            raise not_found(self._kind, id)
        self._raw.remove(id)

    def __len__(self) -> int:
        return len(self.all())


class _ReadOnlyDocuments(Generic[T]):
    """Reference data: reads through, refuses writes."""

    def __init__(self, raw: Repository[Any, T], name: str) -> None:
        self._raw = raw
        self._name = name

    def add(self, entity: T) -> None:
        _denied(f"writing {self._name}")

    def save(self, entity: T) -> None:
        _denied(f"writing {self._name}")

    def remove(self, id: Any) -> None:
        _denied(f"writing {self._name}")

    def get(self, id: Any) -> T:
        return self._raw.get(id)

    def find(self, id: Any) -> T | None:
        return self._raw.find(id)

    def all(self) -> list[T]:
        return self._raw.all()

    def find_many(self, ids: Iterable[Any]) -> list[T]:
        return self._raw.find_many(ids)

    def find_by(self, field: str, value: object, **also: object) -> list[T]:
        return self._raw.find_by(field, value, **also)

    def __len__(self) -> int:
        return len(self._raw)


class _Guard:
    """Refuses every attribute a subclass does not define."""

    _what = "this repository"

    def __getattr__(self, name: str) -> NoReturn:
        _denied(f"{self._what}.{name}")


class _ScopedById(_Guard, Generic[T]):
    """A repository of documents that name their partner: another partner's document
    read by id is not found, and lists leave it out."""

    _noun = "document"

    def __init__(self, raw: Any, scope: Scope) -> None:
        self._raw = raw
        self._scope = scope

    def _owner(self, document: T) -> str | None:
        return cast("str | None", getattr(document, "partner_id"))  # noqa: B009

    def _visible(self, document: T) -> bool:
        return self._scope.allows(self._owner(document))

    def _mine(self, documents: Iterable[T]) -> list[T]:
        return [x for x in documents if self._visible(x)]

    def _check_partner(self, partner_id: str) -> None:
        if not self._scope.allows(partner_id):
            raise not_found("partner", partner_id)

    def _check_write(self, document: T) -> None:
        key = getattr(document, "id")  # noqa: B009 - every document has an id
        stored = self._raw.find(key)
        if not self._visible(document) or (stored is not None and not self._visible(stored)):
            raise not_found(self._noun, key)

    def find(self, document_id: Any) -> T | None:
        found: T | None = self._raw.find(document_id)
        return found if found is not None and self._visible(found) else None

    def get(self, document_id: Any) -> T:
        found = self.find(document_id)
        if found is None:
            raise not_found(self._noun, document_id)
        return found


class _ScopedOrders(_ScopedById[Order]):
    _what = "orders"
    _noun = "order"
    _raw: OrderRepository

    def _owner(self, document: Order) -> str | None:
        return document.header.partner_id

    def next_id(self, organization_id: OrganizationId, year: int) -> OrderId:
        return self._raw.next_id(organization_id, year)

    def add(self, order: Order) -> Order:
        self._check_write(order)
        return self._raw.add(order)

    def update(self, order: Order) -> Order:
        self._check_write(order)
        return self._raw.update(order)

    def of_partner(self, partner_id: PartnerId) -> list[Order]:
        self._check_partner(partner_id)
        return self._raw.of_partner(partner_id)


class _ScopedShipments(_ScopedById[Shipment]):
    _what = "shipments"
    _noun = "shipment"
    _raw: ShipmentRepository

    def of_order(self, order_id: Any) -> list[Shipment]:
        return self._mine(self._raw.of_order(order_id))

    def of_partner(self, partner_id: PartnerId) -> list[Shipment]:
        self._check_partner(partner_id)
        return self._raw.of_partner(partner_id)


class _ScopedReturns(_ScopedById[CustomerReturn]):
    _what = "client returns"
    _noun = "return"
    _raw: ReturnRepository

    def of_order(self, order_id: Any) -> list[CustomerReturn]:
        return self._mine(self._raw.of_order(order_id))

    def of_shipment(self, shipment_id: Any) -> list[CustomerReturn]:
        return self._mine(self._raw.of_shipment(shipment_id))


class _ScopedReturnRequests(_Guard):
    _what = "return requests"

    def __init__(self, raw: ReturnRequestRepository, scope: Scope) -> None:
        self._raw = raw
        self._scope = scope

    def _stored(self, request_id: str) -> ReturnRequest | None:
        try:
            return self._raw.get(request_id)
        except NotFoundError:
            return None

    def add(self, request: ReturnRequest) -> ReturnRequest:
        stored = self._stored(request.id)
        if not self._scope.allows(request.partner_id) or (
            stored is not None and not self._scope.allows(stored.partner_id)
        ):
            raise not_found("return request", request.id)
        return self._raw.add(request)

    def update(self, request: ReturnRequest) -> ReturnRequest:
        self.get(request.id)
        if not self._scope.allows(request.partner_id):
            raise not_found("return request", request.id)
        return self._raw.update(request)

    def get(self, request_id: str) -> ReturnRequest:
        found = self._stored(request_id)
        if found is None or not self._scope.allows(found.partner_id):
            raise not_found("return request", request_id)
        return found


class _ScopedPosted(_ScopedById[D]):
    _raw: PostedDocumentRepository[D]

    def __init__(self, raw: PostedDocumentRepository[D], scope: Scope, kind: PostedKind[D]) -> None:
        super().__init__(raw, scope)
        self._noun = kind.noun
        self._what = kind.name

    def _owner(self, document: D) -> str | None:
        return document.party_id

    def add(self, document: D) -> D:
        self._check_write(document)
        return self._raw.add(document)

    def update(self, document: D) -> D:
        self.get(document.id)
        if not self._visible(document):
            raise not_found(self._noun, document.id)
        return self._raw.update(document)

    def of_order(self, order_id: str) -> list[D]:
        return self._mine(self._raw.of_order(order_id))

    def of_shipment(self, shipment_id: str) -> list[D]:
        return self._mine(self._raw.of_shipment(shipment_id))

    def of_party(self, party_id: str) -> list[D]:
        self._check_partner(party_id)
        return self._raw.of_party(party_id)


class _ScopedLedger(_Guard):
    """The settlement ledger, read-only, of the scope's partners only."""

    _what = "the settlement ledger"

    def __init__(self, raw: SettlementLedgerRepository, scope: Scope) -> None:
        self._raw = raw
        self._scope = scope

    def _partners(self, partner_id: str | None, account: SettlementAccount | None) -> None:
        for pid in (partner_id, account.partner_id if account is not None else None):
            if pid is not None and not self._scope.allows(pid):
                raise not_found("partner", pid)
        if partner_id is None and account is None and not self._scope.is_everything:
            _denied("the whole settlement ledger (name a partner)")

    def entries(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[SettlementEntry]:
        self._partners(partner_id, account)
        return self._raw.entries(partner_id=partner_id, account=account, order_id=order_id)

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        self._partners(partner_id, account)
        return self._raw.payments(partner_id=partner_id, account=account)

    def allocations(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[Allocation]:
        self._partners(partner_id, account)
        return self._raw.allocations(partner_id=partner_id, account=account, order_id=order_id)

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        entries = list(entries)
        for e in entries:
            self._partners(e.account.partner_id, e.account)
        self._raw.add_entries(entries)

    def credit_position(self, account: SettlementAccount) -> CreditPosition:
        self._partners(account.partner_id, account)
        return self._raw.credit_position(account)

    def open_rows(self, account: SettlementAccount) -> list[EntryRow]:
        self._partners(account.partner_id, account)
        return self._raw.open_rows(account)

    def add_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._partners(account.partner_id, account)
        self._raw.add_allocations(account, allocations)

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._partners(account.partner_id, account)
        self._raw.replace_allocations(account, allocations)

    def version(self) -> str:
        return self._raw.version()

    def open_item_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenItemColumns:
        self._partners(partner_id, None)
        return self._raw.open_item_columns(as_of, measure, fields, changes, partner_id=partner_id)

    def open_credit_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenCreditColumns:
        self._partners(partner_id, None)
        return self._raw.open_credit_columns(as_of, measure, fields, changes, partner_id=partner_id)


class _ScopedStock(_Guard):
    """Stock levels read through; reservation history only of the scope's orders."""

    _what = "the stock ledger"

    def __init__(self, raw: StockLedger, orders: _ScopedOrders, scope: Scope) -> None:
        self._raw = raw
        self._orders = orders
        self._agent_stocks = frozenset(agent_stock(p) for p in scope.partner_ids or ())

    def balance(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.balance(*args, **kwargs)

    def unit_of(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.unit_of(*args, **kwargs)

    def entries(self, *, order_id: Any = None, **kwargs: Any) -> Any:
        if order_id is None:
            _denied("the stock ledger's history without an order")
        self._orders.get(OrderId(str(order_id)))
        return self._raw.entries(order_id=order_id, **kwargs)

    def record(
        self, moves: Sequence[Move], operation: Operation, document: str, at: datetime
    ) -> tuple[LedgerEntry, ...]:
        # Self-service moves goods only out of the stock its own commission agents
        # hold (a sales report); anything else is the company's business.
        for move in moves:
            if move.warehouse_id not in self._agent_stocks:
                _denied(f"moving stock of warehouse {move.warehouse_id}")
        return self._raw.record(moves, operation, document, at)


class _ReadOnlyPrices(_Guard):
    _what = "the price register"

    def __init__(self, raw: PriceRegister) -> None:
        self._raw = raw

    def price_as_of(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.price_as_of(*args, **kwargs)

    def prices_as_of(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.prices_as_of(*args, **kwargs)

    def history(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.history(*args, **kwargs)

    def records_between(self, *args: Any, **kwargs: Any) -> Any:
        return self._raw.records_between(*args, **kwargs)


class _ScopedBackend:
    """Builds the scoped repositories from the store's own unit of work."""

    def __init__(self, raw: Repositories, backend: Backend, scope: Scope) -> None:
        self._raw = raw
        self._backend = backend
        self._scope = scope

    def documents(self, collection: c.Collection[T]) -> Repository[Any, T]:
        raw = self._backend.documents(collection)
        owned = _OWNED.get(collection.name)
        if owned is not None:
            kind, owner = owned
            shared = collection.name in _SHARED_WHEN_UNOWNED
            return _ScopedDocuments(raw, self._scope, kind, owner, shared_when_unowned=shared)
        if collection.name in _REFERENCE:
            return _ReadOnlyDocuments(raw, collection.name)
        if collection.name in _PASS_THROUGH:
            return raw
        _denied(collection.name)

    def open_price_register(self) -> PriceRegister:
        return cast(PriceRegister, _ReadOnlyPrices(self._raw.price_register))

    def reference_revision(self) -> str:
        # A random token of the shared reference data: it tells nothing of any partner.
        return self._backend.reference_revision()

    def open_settlement_ledger(self) -> SettlementLedgerRepository:
        return cast(SettlementLedgerRepository, _ScopedLedger(self._raw.settlements, self._scope))

    def open_stock_ledger(self) -> StockLedger:
        orders = _ScopedOrders(self._raw.orders, self._scope)
        return cast(StockLedger, _ScopedStock(self._raw.stock_ledger, orders, self._scope))

    def open_quotes(self) -> QuoteRepository:
        _denied("quotes")

    def open_orders(self) -> OrderRepository:
        return _ScopedOrders(self._raw.orders, self._scope)

    def open_shipments(self) -> ShipmentRepository:
        return _ScopedShipments(self._raw.shipments, self._scope)

    def open_customer_returns(self) -> ReturnRepository:
        return cast(ReturnRepository, _ScopedReturns(self._raw.customer_returns, self._scope))

    def open_return_requests(self) -> ReturnRequestRepository:
        return _ScopedReturnRequests(self._raw.return_requests, self._scope)

    def open_posted(self, kind: PostedKind[D]) -> PostedDocumentRepository[D]:
        # The unit of work's own repository of the kind (its attribute has the kind's name).
        raw = cast(PostedDocumentRepository[D], getattr(self._raw, kind.name))
        return _ScopedPosted(raw, self._scope, kind)


class ScopedRepositories(Repositories):
    """The repositories of a unit of work, seen through a principal's scope.

    Args:
        uow: the store's unit of work (it is also the backend of its repositories,
            see :class:`~salescore.adapters.stores.UnitOfWork`).
        scope: the partners the principal may reach.
    """

    def __init__(self, uow: Repositories, scope: Scope) -> None:
        super().__init__(_ScopedBackend(uow, cast(Backend, uow), scope))
        self.scope = scope
