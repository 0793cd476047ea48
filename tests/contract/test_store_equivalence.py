"""The same use cases give the same results on every store, step by step.

A hypothesis state machine seeds two or three stores with the same sample
company (parties, prices, discounts, agreements, settlements, stock), then
applies one random sequence of application use cases to each of them:
orders are created (priced by a pricer loaded from the store, some with a
price cut by hand), confirmed on the agreement's or a given schedule, sent
for approval, decided and approved, paid and released for securing and for
shipment, cancelled or closed (a driver rule takes an order several steps
along its way, so sequences reach shipping); order lines are reserved from
stock, their reserves released (in excess or all) or reassigned from other
orders; goods arrive; shipments, returns and corrections are posted;
payments are recorded (several in a row, some allocated to an order by hand)
and reversed; every account is reallocated (``reallocate_all``); aging
reports are asked for as of some date. The stores are :class:`MemoryStore`
and an :class:`SqliteStore` on a temporary file, and PostgreSQL as a third
when its server is available (``SALESCORE_REQUIRE_POSTGRES`` makes its
absence a failure).

After every step:

* each use case returned equal values on every store (orders, move
  reports with their ledger entries, shipments, returns, corrections,
  allocations, aging reports and counts are frozen values: ``==``);
* a step refused on one store is refused on every store with the same
  error type and message, and leaves every store as it was;
* the stores read back the same: stock balances, reserves and the stock
  ledger's entries; every order, its derived state, its shipments, returns
  and corrections; approvals; the settlement ledger's entries, payments
  and allocations of every account; the aging report of the day (actual
  debt) and of a fixed later date (planned debt).
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import attrs
import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.conftest import empty_postgres_database
from tests.unit.orders._fixtures import TEMPLATE as THREE_KINDS

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresStore
from salescore.adapters.repositories import Repositories
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId, ApprovalId, ApprovalStatus, Decision
from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.agreements import decide_approval
from salescore.app.discount_rules import save_rule_set
from salescore.app.receivables import age_receivables_from_store, reallocate_all
from salescore.app.sales import load_pricer
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import (
    SAMPLE_APPROVAL_POLICY,
    VOLGA_KZN_HEADER,
    load_sample_agreements,
)
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR, load_sample_receivables
from salescore.demo.sample_reservation import load_sample_stock
from salescore.errors import SalescoreError
from salescore.money import KG, Money, Quantity
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    LineId,
    Order,
    OrderId,
    OrderStatus,
    SalePricer,
    reserve_claims,
)
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.receivables import (
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    record_payment,
    reverse_payment,
)
from salescore.reservation import OrderId as ReserveOrderId
from salescore.reservation import receive, release_all, release_excess, reserve_from_orders
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    LineChange,
    ReturnId,
    ShipmentId,
    ShipRequest,
)
from salescore.testing import FixedClock

T = TypeVar("T")

KZN = VOLGA_KZN_HEADER  # individual agreement, NET-30, contract K-KZN-1, MAIN
HOLD = DocumentHeader(  # the typical wholesale agreement: 50 % advance, MAIN
    PartnerId("HOLD"),
    CounterpartyId("HOLD-LLC"),
    OrganizationId("ORG-1"),
    AgreementId("TA-WHOLESALE"),
    "RUB",
    WarehouseId("MAIN"),
)
CAFE = DocumentHeader(  # NET-7 at the store STORE-1, a credit limit it breaks (overdue)
    PartnerId("CAFE"),
    CounterpartyId("CAFE-IE"),
    OrganizationId("ORG-2"),
    AgreementId("IA-CAFE"),
    "RUB",
    WarehouseId("STORE-1"),
)
HEADERS = {"KZN": KZN, "HOLD": HOLD, "CAFE": CAFE}
# product -> (hand prices below and above its reference, quantities)
PRODUCTS = {
    "CM-100": (("17000.00", "19000.00"), ("1", "2", "3")),
    "CM-300": (("45000.00", "50000.00"), ("1", "2")),
    "GR-10": (("6500.00", "7000.00"), ("1", "2", "4")),
    "BEANS-ARABICA": (("1700.00", "1900.00"), ("2.5", "5", "10")),
    "FILTERS": (("150.00", "170.00"), ("10", "40")),
}
WAREHOUSES = ("MAIN", "STORE-1")
ACCOUNTS = (
    uc.settlement_account(KZN),
    uc.settlement_account(HOLD),
    uc.settlement_account(CAFE),
    SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1"),  # the sample's SO-1004
    SettlementAccount("CAFE", "RUB", "CAFE-IE", "ORG-1"),  # the sample's overdue SO-1002
    SettlementAccount("CHAIN", "RUB", "CHAIN-LLC", "ORG-1"),
)
SAMPLE_ORDERS = {  # the sample's orders and their accounts
    "SO-1001": ACCOUNTS[1],
    "SO-1002": ACCOUNTS[4],
    "SO-1003": ACCOUNTS[5],
    "SO-1004": ACCOUNTS[3],
    "SO-1005": ACCOUNTS[1],
}
FIRST_DAY = date(2026, 3, 2)
LAST_DAY = date(2026, 3, 27)
AGING_ON = date(2026, 4, 30)
# THREE_KINDS: 30 % advance, 20 % prepayment 2 working days before the shipment, the rest
# on credit (the orders examples' template), beside the sample company's own.
TEMPLATES = (None, THREE_KINDS.id, "NET-7", "PREPAY-50-NET-14")


def seed(store: Store) -> Store:
    """The sample company, its prices, discounts, agreements, settlements and stock."""
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        save_rule_set(uow, sample_rule_set())
        load_sample_agreements(uow)
        load_sample_receivables(uow)
        load_sample_stock(uow)
        uow.schedule_templates.add(THREE_KINDS)
        uow.commit()
    return store


Opener = tuple[str, Callable[[], Store]]
"""A store's name and what opens a new one holding the seed."""


class StoreEquivalence(RuleBasedStateMachine):
    """One sequence of use cases on every store of ``openers``, compared after each step
    (a test runs a subclass naming its stores: :func:`on_stores`)."""

    openers: Sequence[Opener] = ()

    def __init__(self) -> None:
        super().__init__()
        self.stores = [(kind, opener()) for kind, opener in self.openers]
        self.pricers: dict[str, SalePricer] = {}
        for kind, store in self.stores:
            with store.unit_of_work() as uow:
                days = (
                    FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)
                )
                self.pricers[kind] = load_pricer(uow, days)
        self.current = self.stores[0][0]
        self.today = FIRST_DAY
        self.numbers = itertools.count(1)
        self.orders: list[OrderId] = []
        self.approvals: list[ApprovalId] = []
        self.shipments: list[ShipmentId] = []
        self.payments: list[str] = []
        self.seen: list[tuple[object, ...]] = []
        self._stores_read_back_the_same("seeding")

    def teardown(self) -> None:
        for _, store in self.stores:
            store.close()

    # --- running a step on every store ----------------------------------------------

    def _next(self, prefix: str) -> str:
        return f"{prefix}-{next(self.numbers)}"

    @property
    def at(self) -> datetime:
        return datetime(self.today.year, self.today.month, self.today.day, 12, tzinfo=UTC)

    def _pricer(self) -> SalePricer:
        """The pricer loaded from the store the step runs on."""
        return self.pricers[self.current]

    def _each(
        self,
        what: str,
        step: Callable[[Repositories], T],
        keep: Callable[[T], object] | None = None,
    ) -> T | None:
        """Run ``step`` in a unit of work of every store and commit; the value it returned
        (the same on every store), or None when every store refused it alike. ``keep``
        notes what the step made (before the stores are read back)."""
        outcomes: list[tuple[str, object]] = []
        for kind, store in self.stores:
            self.current = kind
            try:
                with store.unit_of_work() as uow:
                    result: object = step(uow)
                    uow.commit()
            except SalescoreError as refused:
                result = refused
            outcomes.append((kind, result))
        first_kind, first = outcomes[0]
        for kind, other in outcomes[1:]:
            if isinstance(first, SalescoreError) or isinstance(other, SalescoreError):
                assert (type(other), str(other)) == (type(first), str(first)), (
                    f"{what}: {first_kind} gave {first!r}, {kind} gave {other!r}"
                )
            else:
                assert other == first, f"{what}: {first_kind} returned {first!r}, {kind} {other!r}"
        if isinstance(first, SalescoreError):
            now = self._read_backs()
            for (kind, _), before, after in zip(self.stores, self.seen, now, strict=True):
                assert after == before, f"{what} was refused ({first}) but changed {kind}"
            return None
        done: T = first  # type: ignore[assignment]
        if keep is not None:
            keep(done)
        self._stores_read_back_the_same(what)
        return done

    def _order(self, order_id: OrderId) -> Order:
        """The order as the stores keep it (they agree: checked after every step)."""
        with self.stores[0][1].unit_of_work() as uow:
            return uow.orders.get(order_id)

    # --- read-backs -------------------------------------------------------------------

    def _read_backs(self) -> list[tuple[object, ...]]:
        return [self._read_back(store) for _, store in self.stores]

    def _read_back(self, store: Store) -> tuple[object, ...]:
        with store.unit_of_work() as uow:
            stock = uow.stock_ledger
            return (
                dict(stock.balances()),
                stock.holdings(),
                stock.entries(),
                [uow.orders.get(i) for i in self.orders],
                [uc.order_state(uow, i, self.today) for i in self.orders],
                [uow.shipments.of_order(i) for i in self.orders],
                [uow.customer_returns.of_order(i) for i in self.orders],
                [uow.shipment_corrections.of_order(i) for i in self.orders],
                [uow.approvals.get(i) for i in self.approvals],
                uow.settlements.entries(),
                uow.settlements.payments(),
                {a.key: uow.settlements.allocations(account=a) for a in ACCOUNTS},
                uow.settlements.allocations(),
                age_receivables_from_store(uow, self.today),
                age_receivables_from_store(uow, AGING_ON, measure=Measure.PLANNED),
                self._filtered(uow),
            )

    def _filtered(self, uow: Repositories) -> dict[str, object]:
        """What the stores' filtered queries read, by query: each filter alone, per
        warehouse, product, order, partner and account (a filter a store ignored reads
        more)."""
        stock, settlements = uow.stock_ledger, uow.settlements
        read: dict[str, object] = {}
        for warehouse in map(WarehouseId, WAREHOUSES):
            read[f"holdings at {warehouse}"] = stock.holdings(warehouse_id=warehouse)
            read[f"stock entries at {warehouse}"] = stock.entries(warehouse_id=warehouse)
            for product in map(ProductId, PRODUCTS):
                read[f"position of {product} at {warehouse}"] = stock.position(product, warehouse)
        for product in map(ProductId, PRODUCTS):
            read[f"holdings of {product}"] = stock.holdings(product_id=product)
            read[f"stock entries of {product}"] = stock.entries(product_id=product)
        for order in self.orders:
            read[f"holdings of {order}"] = stock.holdings(order_id=order)
            read[f"stock entries of {order}"] = stock.entries(order_id=order)
        for account in ACCOUNTS:
            read[f"entries of {account}"] = settlements.entries(account=account)
            read[f"payments of {account}"] = settlements.payments(account=account)
            read[f"credit position of {account}"] = settlements.credit_position(account)
            read[f"open rows of {account}"] = sorted(  # in no promised order
                settlements.open_rows(account), key=lambda row: (row[0], row[1].value)
            )
        for partner in sorted({a.partner_id for a in ACCOUNTS}):
            read[f"entries of {partner}"] = settlements.entries(partner_id=partner)
            read[f"payments of {partner}"] = settlements.payments(partner_id=partner)
            read[f"allocations of {partner}"] = settlements.allocations(partner_id=partner)
        return read

    def _stores_read_back_the_same(self, after: str) -> None:
        """Every store reads back what the first one does (and what they read is kept
        as the state a refused step must leave)."""
        now = self._read_backs()
        names = (
            "balances", "reserves", "stock entries", "orders", "order states", "shipments",
            "returns", "corrections", "approvals", "settlement entries", "payments",
            "allocations by account", "allocations", "aging today", "planned aging",
            "filtered reads",
        )  # fmt: skip
        (first_kind, _), first = self.stores[0], now[0]
        for (kind, _), other in zip(self.stores[1:], now[1:], strict=True):
            for name, a, b in zip(names, first, other, strict=True):
                if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
                    # Name the one query that differs, not the whole dictionary.
                    name, a, b = next(((q, a[q], b[q]) for q in a if a[q] != b[q]), (name, a, b))
                assert b == a, f"after {after}, {name}: {first_kind} reads {a!r}, {kind} {b!r}"
        self.seen = now

    # --- orders -----------------------------------------------------------------------

    ORDER = st.tuples(
        st.sampled_from(sorted(HEADERS)),
        st.lists(
            st.tuples(
                st.sampled_from(sorted(PRODUCTS)),
                st.integers(0, 2),  # which quantity
                st.integers(0, 4),  # a hand price below (0) or above (1) the reference, or none
                st.integers(0, 6),  # ships in so many days
            ),
            min_size=1,
            max_size=3,
        ),
    )

    @initialize(order=ORDER, data=st.data(), stages=st.integers(0, 8))
    def first_order(
        self, order: tuple[str, list[tuple[str, int, int, int]]], data: st.DataObject, stages: int
    ) -> None:
        """An order to begin with, taken ``stages`` steps along (often as far as shipping)."""
        self._create(*order)
        if self.orders:
            self._along(data, self.orders[0], stages)

    @rule(order=ORDER)
    def create_order(self, order: tuple[str, list[tuple[str, int, int, int]]]) -> None:
        self._create(*order)

    def _create(self, client: str, lines: list[tuple[str, int, int, int]]) -> None:
        header = HEADERS[client]
        document_lines = []
        for n, (product, quantity, price, ship_in) in enumerate(lines, start=1):
            prices, quantities = PRODUCTS[product]
            document_lines.append(
                DocumentLine(
                    LineId(str(n)),
                    ProductId(product),
                    Decimal(quantities[quantity % len(quantities)]),
                    planned_shipment=self.today + timedelta(days=ship_in),
                    price=Money(prices[price], "RUB") if price < len(prices) else None,
                )
            )
        today = self.today
        self._each(
            f"create an order of {client}: {document_lines}",
            lambda uow: uc.create_order(
                uow, self._pricer(), header, today, document_lines, by="ivanova"
            ),
            lambda made: self.orders.append(made.id),
        )

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), stages=st.integers(1, 6))
    def take_an_order_along(self, data: st.DataObject, stages: int) -> None:
        """Take an order ``stages`` steps along its way, each the use case its status
        calls for: approval asked, decided and taken; confirmation; the order paid by
        hand and released for securing; reserved; released for shipment; a line shipped."""
        self._along(data, data.draw(st.sampled_from(self.orders)), stages)

    def _along(self, data: st.DataObject, order_id: OrderId, stages: int) -> None:
        for _ in range(stages):
            order = self._order(order_id)
            if order.status is OrderStatus.NOT_CONFIRMED:
                self._towards_confirmation(data, order)
            elif order.status is OrderStatus.TO_PAY:
                self._pay_and_secure(data, order)
            elif order.status is OrderStatus.TO_SECURE:
                if data.draw(st.booleans()):
                    self._each(f"reserve {order_id}", self._reserve(order_id))
                self._move(order_id, "release")
            elif order.status is OrderStatus.TO_SHIP:
                assert order.prices is not None
                line = data.draw(st.sampled_from(order.prices.lines))
                quantity = line.quantity.value if data.draw(st.booleans()) else Decimal(1)
                self._ship([(order_id, line.line_id, quantity)], by_goods_issue=False)
            else:
                return

    def _towards_confirmation(self, data: st.DataObject, order: Order) -> None:
        asks = order.prices is not None and bool(order.prices.awaiting_approval)
        if not asks or order.approved:
            self._confirm(order.id, data.draw(st.sampled_from(TEMPLATES)))
            return
        if order.approval_id is None:
            self._request_approval(order.id)
            return
        with self.stores[0][1].unit_of_work() as uow:
            process = uow.approvals.get(ApprovalId(order.approval_id))
        if process.status is ApprovalStatus.APPROVED:
            self._move(order.id, "approve")
        elif process.status is ApprovalStatus.PENDING:
            for approver in process.pending_approvers:
                self._decide(process.id, approver, Decision.APPROVE)
        else:
            self._request_approval(order.id)

    def _pay_and_secure(self, data: st.DataObject, order: Order) -> None:
        assert order.prices is not None
        share = data.draw(st.sampled_from([Decimal(1), Decimal("0.5")]))
        amount = Money.of(order.prices.with_vat.amount * share, "RUB")
        payment = Payment(
            self._next("PAY"),
            uc.settlement_account(order.header),
            self.today,
            amount,
            manual=(ManualAllocation(order.id, amount),),
        )
        today = self.today

        def step(uow: Repositories) -> object:
            return record_payment(uow.settlements, payment), uc.secure_order(uow, order.id, today)

        self._each(
            f"pay {payment} and secure {order.id}", step, lambda _: self.payments.append(payment.id)
        )

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), template=st.sampled_from(TEMPLATES))
    def confirm(self, data: st.DataObject, template: str | None) -> None:
        self._confirm(data.draw(st.sampled_from(self.orders)), template)

    def _confirm(self, order_id: OrderId, template: str | None) -> None:
        today = self.today

        def step(uow: Repositories) -> object:
            chosen = None if template is None else uow.schedule_templates.get(template)
            return uc.confirm_order(
                uow, self._pricer(), order_id, today, SAMPLE_CALENDAR, template=chosen
            )

        self._each(f"confirm {order_id} on {template or 'its agreement'}", step)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data())
    def request_approval(self, data: st.DataObject) -> None:
        self._request_approval(data.draw(st.sampled_from(self.orders)))

    def _request_approval(self, order_id: OrderId) -> None:
        approval = ApprovalId(self._next("AP"))
        clock = FixedClock.on(self.today)
        self._each(
            f"request approval {approval} of {order_id}",
            lambda uow: uc.request_order_approval(
                uow, order_id, approval, SAMPLE_APPROVAL_POLICY, clock, "ivanova"
            ),
            lambda _: self.approvals.append(approval),
        )

    @precondition(lambda self: bool(self.approvals))
    @rule(
        data=st.data(),
        approver=st.sampled_from(["head_of_sales", "cfo", "ivanova"]),
        decision=st.sampled_from(Decision),
    )
    def decide(self, data: st.DataObject, approver: str, decision: Decision) -> None:
        self._decide(data.draw(st.sampled_from(self.approvals)), approver, decision)

    def _decide(self, approval: ApprovalId, approver: str, decision: Decision) -> None:
        clock = FixedClock.on(self.today)
        self._each(
            f"{approver} decides {decision.value} on {approval}",
            lambda uow: decide_approval(uow, approval, approver, decision, clock),
        )

    @precondition(lambda self: bool(self.orders))
    @rule(
        data=st.data(),
        action=st.sampled_from(["approve", "secure", "release", "close", "cancel"]),
    )
    def move_order(self, data: st.DataObject, action: str) -> None:
        self._move(data.draw(st.sampled_from(self.orders)), action)

    def _move(self, order_id: OrderId, action: str) -> None:
        today = self.today
        steps: dict[str, Callable[[Repositories], object]] = {
            "approve": lambda uow: uc.approve_order(uow, order_id),
            "secure": lambda uow: uc.secure_order(uow, order_id, today),
            "release": lambda uow: uc.ship_order(uow, order_id, today),
            "close": lambda uow: uc.close_order(uow, order_id, today),
            "cancel": lambda uow: uc.cancel_order(uow, order_id, today, "the client changed"),
        }
        self._each(f"{action} {order_id}", steps[action])

    @rule(days=st.integers(1, 4))
    def next_day(self, days: int) -> None:
        self.today = min(self.today + timedelta(days=days), LAST_DAY)
        self._stores_read_back_the_same(f"moving to {self.today}")  # order states move

    # --- stock and reserves -----------------------------------------------------------

    @rule(
        product=st.sampled_from(sorted(PRODUCTS)),
        warehouse=st.sampled_from(WAREHOUSES),
        quantity=st.integers(1, 6),
        expected=st.booleans(),
    )
    def goods_arrive(self, product: str, warehouse: str, quantity: int, expected: bool) -> None:
        amount = Quantity(quantity, KG) if product == "BEANS-ARABICA" else Quantity(quantity)
        document, at = self._next("GR"), self.at
        self._each(
            f"receive {quantity} {product} at {warehouse}",
            lambda uow: receive(
                uow.stock_ledger,
                ProductId(product),
                WarehouseId(warehouse),
                amount,
                document=document,
                at=at,
                expected_on=date(2026, 3, 16) if expected else None,
            ),
        )

    def _reserve(self, order_id: OrderId) -> Callable[[Repositories], object]:
        at = self.at
        return lambda uow: uc.reserve_order(uow, order_id, at)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), how=st.sampled_from(["reserve", "excess", "all", "reassign"]))
    def change_reserves(self, data: st.DataObject, how: str) -> None:
        """Reserve an order from free stock, drop its reserve above what its lines need
        (they need at most ``keep`` now) or all of it, or reserve a line by taking from
        other orders (named ones, or as the policy ranks them)."""
        order_id = data.draw(st.sampled_from(self.orders))
        document, at = self._next(how.upper()[:2]), self.at
        if how == "reserve":
            self._each(f"reserve {order_id}", self._reserve(order_id))
        elif how == "excess":
            keep = data.draw(st.integers(0, 2))

            def excess(uow: Repositories) -> object:
                claims = [
                    attrs.evolve(c, quantity=Quantity(min(c.quantity.value, Decimal(keep)), c.unit))
                    for c in reserve_claims(uow.orders.get(order_id))
                ]
                return release_excess(uow.stock_ledger, claims, document=document, at=at)

            self._each(f"release the reserve of {order_id} above {keep}", excess)
        elif how == "all":
            self._each(
                f"release all of {order_id}",
                lambda uow: release_all(
                    uow.stock_ledger, ReserveOrderId(order_id), document=document, at=at
                ),
            )
        else:
            line = data.draw(st.integers(0, 2))
            free_first = data.draw(st.booleans())
            donors = (
                [ReserveOrderId(d) for d in data.draw(st.lists(st.sampled_from(self.orders)))]
                if data.draw(st.booleans())
                else None
            )

            def reassign(uow: Repositories) -> object:
                claims = reserve_claims(uow.orders.get(order_id))
                claim = claims[line % len(claims)]
                return reserve_from_orders(
                    uow.stock_ledger,
                    claim,
                    document=document,
                    at=at,
                    donors=donors,
                    use_free_first=free_first,
                )

            self._each(f"reassign a reserve to {order_id} line {line} from {donors}", reassign)

    # --- shipments, returns, corrections ----------------------------------------------

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), by_goods_issue=st.booleans())
    def ship(self, data: st.DataObject, by_goods_issue: bool) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.orders), min_size=1, max_size=2))
        wanted = [
            (o, LineId(str(data.draw(st.integers(1, 3)))), Decimal(data.draw(st.integers(1, 3))))
            for o in chosen
        ]
        self._ship(wanted, by_goods_issue=by_goods_issue)

    def _ship(self, wanted: list[tuple[OrderId, LineId, Decimal]], *, by_goods_issue: bool) -> None:
        number = ShipmentId(self._next("SH"))
        today, at = self.today, self.at

        def step(uow: Repositories) -> object:
            header = uow.orders.get(wanted[0][0]).header
            requests = [ShipRequest(o, line, quantity) for o, line, quantity in wanted]
            return sc.post_shipment(
                uow, number, header.partner_id, header.counterparty_id, today, requests,
                SAMPLE_CALENDAR, at=at, by_goods_issue=by_goods_issue,
            )  # fmt: skip

        self._each(f"ship {number}: {wanted}", step, lambda _: self.shipments.append(number))

    @precondition(lambda self: bool(self.shipments))
    @rule(data=st.data(), line=st.integers(0, 2), quantity=st.integers(1, 3))
    def give_back(self, data: st.DataObject, line: int, quantity: int) -> None:
        shipment_id = data.draw(st.sampled_from(self.shipments))
        number = ReturnId(self._next("RT"))
        today, at = self.today, self.at

        def step(uow: Repositories) -> object:
            shipped = uow.shipments.get(shipment_id)
            product = shipped.lines[line % len(shipped.lines)].product_id
            item = sc.ReturnItem(shipment_id, product, Decimal(quantity))
            return sc.post_return(uow, number, today, [item], at=at, reason="damaged")

        self._each(f"return {quantity} of {shipment_id} line {line}", step)

    @precondition(lambda self: bool(self.shipments))
    @rule(
        data=st.data(),
        line=st.integers(0, 2),
        quantity=st.one_of(st.none(), st.integers(0, 4)),
        price=st.one_of(st.none(), st.integers(1, 5_000_000)),
        kind=st.sampled_from(CorrectionKind),
    )
    def correct(
        self,
        data: st.DataObject,
        line: int,
        quantity: int | None,
        price: int | None,
        kind: CorrectionKind,
    ) -> None:
        shipment_id = data.draw(st.sampled_from(self.shipments))
        number = CorrectionId(self._next("KR"))
        today, at = self.today, self.at

        def step(uow: Repositories) -> object:
            shipped = uow.shipments.get(shipment_id)
            line_no = shipped.lines[line % len(shipped.lines)].line_no
            change = LineChange(
                line_no,
                quantity=None if quantity is None else Decimal(quantity),
                price=None if price is None else Money.from_minor(price, "RUB"),
            )
            return sc.post_correction(
                uow, number, shipment_id, today, [change], kind, SAMPLE_CALENDAR, at=at
            )

        self._each(f"correct {shipment_id} ({kind.value}, {quantity}, {price})", step)

    # --- receivables ------------------------------------------------------------------

    @rule(
        data=st.data(),
        payments=st.lists(
            st.tuples(
                st.sampled_from(ACCOUNTS),
                st.integers(1, 8_000_000),  # kopecks
                st.integers(0, 10),  # received so many days ago
                st.sampled_from([0, 0, 0, 30, 100]),  # % allocated by hand to an order
            ),
            min_size=1,
            max_size=3,
        ),
    )
    def pay(
        self, data: st.DataObject, payments: list[tuple[SettlementAccount, int, int, int]]
    ) -> None:
        """Payments one after another, some in part or in whole allocated by hand to an
        order of the account (or now and then of another one, which is refused)."""
        for account, amount, days_back, by_hand in payments:
            manual: tuple[ManualAllocation, ...] = ()
            if by_hand:
                own = [o for o, a in SAMPLE_ORDERS.items() if a == account] + [
                    o
                    for o in self.orders
                    if uc.settlement_account(self._order(o).header) == account
                ]
                anyone = [*SAMPLE_ORDERS, *self.orders]
                order_id = data.draw(st.sampled_from(own if own and by_hand > 30 else anyone))
                part = Money.from_minor(max(1, amount * by_hand // 100), "RUB")
                manual = (ManualAllocation(order_id, part),)
            payment = Payment(
                self._next("PAY"),
                account,
                self.today - timedelta(days=days_back),
                Money.from_minor(amount, "RUB"),
                manual=manual,
            )
            self._record(payment)

    def _record(self, payment: Payment) -> None:
        self._each(
            f"record {payment}",
            lambda uow: record_payment(uow.settlements, payment),
            lambda _: self.payments.append(payment.id),
        )

    @precondition(lambda self: bool(self.payments))
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(self.payments))
        self._each(
            f"reverse {payment_id}",
            lambda uow: reverse_payment(uow.settlements, payment_id),
            lambda _: self.payments.remove(payment_id),
        )

    @rule()
    def reallocate_every_account(self) -> None:
        self._each("reallocate all", reallocate_all)

    @rule(
        days=st.one_of(st.integers(-10, 0), st.integers(-40, 90)),
        group_by=st.sampled_from([("partner",), ("partner", "order"), ("manager",)]),
        measure=st.sampled_from(Measure),
    )
    def age(self, days: int, group_by: tuple[str, ...], measure: Measure) -> None:
        as_of = self.today + timedelta(days=days)
        self._each(
            f"aging on {as_of} by {group_by} ({measure.value})",
            lambda uow: age_receivables_from_store(uow, as_of, group_by=group_by, measure=measure),
        )


SETTINGS = settings(
    max_examples=20,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def on_stores(*openers: Opener) -> type[StoreEquivalence]:
    """The machine on these stores; the first is the one the others are compared with."""

    class OnStores(StoreEquivalence):
        pass

    OnStores.openers = openers
    return OnStores


@contextlib.contextmanager
def seeded_sqlite() -> Iterator[Callable[[], Store]]:
    """Opens a new SQLite store on a copy of one file seeded once."""
    with tempfile.TemporaryDirectory(prefix="salescore-equivalence-") as folder:
        template = Path(folder) / "seed.sqlite"
        seed(SqliteStore(template)).close()
        numbers = itertools.count(1)

        def opened() -> Store:
            path = Path(folder) / f"store-{next(numbers)}.sqlite"
            shutil.copyfile(template, path)
            return SqliteStore(path)

        yield opened


def seeded_memory() -> Store:
    return seed(MemoryStore())


class TestMemoryAndSqlite:
    def test_the_same_use_cases_give_the_same_results(self) -> None:
        with seeded_sqlite() as sqlite:
            machine = on_stores(("memory", seeded_memory), ("sqlite", sqlite))
            run_state_machine_as_test(machine, settings=SETTINGS)


class TestMemorySqliteAndPostgres:
    def test_the_same_use_cases_give_the_same_results(self, postgres_server: str) -> None:
        def postgres() -> Store:
            return seed(PostgresStore(empty_postgres_database(postgres_server), min_size=1))

        with seeded_sqlite() as sqlite:
            machine = on_stores(
                ("memory", seeded_memory), ("sqlite", sqlite), ("postgresql", postgres)
            )
            run_state_machine_as_test(
                machine, settings=settings(SETTINGS, max_examples=3, stateful_step_count=20)
            )
