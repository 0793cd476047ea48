"""Money and stock invariants of shipments and returns under any sequence of steps.

A hypothesis state machine creates orders with hand-made frozen prices (VAT 20 %,
22 % or none, included or on top), ships parts of their lines (from an ordinary
or an order-based warehouse), issues goods [расходный ордер], returns parts of
the shipments, receives returned goods [приходный ордер], corrects shipments
(quantity or price), and takes payments, through the application use cases on a
memory store. After every step:

* no stock bucket is negative;
* per order line, returned ≤ shipped ≤ ordered (a return does not reopen the line;
  shipments counted as their corrections left them);
* actual debt = shipped − returned ± corrections − paid (with VAT);
* goods issued and not received back never exceed what was shipped, per line;
* a return's VAT is the VAT of what it returns: a fully returned shipment line
  gives back exactly its VAT, a fully shipped order line bills exactly its
  frozen VAT.

A refused step (over-shipment, over-return, short stock) must leave stock,
debt and documents unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tests.unit.orders._fixtures import HEADER, ORDER_DAY, frozen_line, order, prices

from salescore.adapters.memory import MemoryStore
from salescore.adapters.repositories import Repositories
from salescore.app import shipments as sc
from salescore.dates import BusinessCalendar
from salescore.errors import InsufficientStockError, ShipmentError
from salescore.money import Money, Quantity, total
from salescore.orders import DocumentLine, LineId, Order, OrderId, OrderStatus
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import (
    DueEvent,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    StageKind,
    load_ledger,
    record_payment,
)
from salescore.reservation import receive
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    CustomerReturn,
    IssueId,
    LineChange,
    ReceiptId,
    ReturnId,
    Shipment,
    ShipmentId,
    ShipRequest,
    line_executions,
)

W = WarehouseId("W")
CALENDAR = BusinessCalendar("RU test")
CREDIT = PaymentScheduleTemplate(
    "CR", "credit", (ScheduleStage(StageKind.CREDIT, days=10, event=DueEvent.SHIPMENT),)
)
AT = datetime(2026, 3, 10, 12, tzinfo=UTC)
FAR = date(2027, 1, 1)
PRICES = st.sampled_from(["1200.00", "333.33", "0.01", "18000.00", "999.99", "17.05"])
RATES = st.sampled_from(["20", "22", "10", "none"])


class Shipping(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.orders: list[Order] = []
        self.shipments: list[ShipmentId] = []
        self.paid = Money.zero("RUB")
        self.counter = 0
        with self.store.unit_of_work() as uow:
            uow.schedule_templates.add(CREDIT)
            for p in ("P1", "P2", "P3"):
                receive(uow.stock_ledger, ProductId(p), W, Quantity(8), document="GR", at=AT)
            uow.commit()

    def _next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def _snapshot(self) -> tuple[object, ...]:
        with self.store.unit_of_work() as uow:
            return (
                dict(uow.stock_ledger.balances()),
                load_ledger(uow.settlements).entries,
                len(self._documents(uow)[0]),
                len(self._documents(uow)[1]),
                self._others(uow),
            )

    def _others(self, uow: Repositories) -> tuple[int, int, int]:
        ids = [o.id for o in self.orders]
        return (
            len({i.id for o in ids for i in uow.goods_issues.of_order(o)}),
            len({r.id for o in ids for r in uow.goods_receipts.of_order(o)}),
            len({c.id for o in ids for c in uow.shipment_corrections.of_order(o)}),
        )

    def _documents(self, uow: Repositories) -> tuple[list[Shipment], list[CustomerReturn]]:
        ids = [o.id for o in self.orders]
        shipments = {s.id: s for i in ids for s in uow.shipments.of_order(i)}
        returns = {r.id: r for i in ids for r in uow.customer_returns.of_order(i)}
        return list(shipments.values()), list(returns.values())

    @rule(
        lines=st.lists(
            st.tuples(st.integers(1, 3), st.integers(1, 5), PRICES, RATES, st.booleans()),
            min_size=1,
            max_size=3,
        )
    )
    def create_order(self, lines: list[tuple[int, int, str, str, bool]]) -> None:
        frozen, document_lines = [], []
        for n, (product, quantity, price, rate, included) in enumerate(lines, start=1):
            line = frozen_line(str(n), str(quantity), price, rate=rate, included=included)
            frozen.append(
                type(line).of(
                    line.line_id,
                    ProductId(f"P{product}"),
                    line.quantity,
                    reference_price=line.reference_price,
                    unit_price=line.unit_price,
                    discount=line.discount,
                    rule_ids=(),
                    vat_rate=line.vat_rate,
                    vat_included=included,
                )
            )
            document_lines.append(
                DocumentLine(LineId(str(n)), ProductId(f"P{product}"), Decimal(quantity))
            )
        priced = prices(*frozen)
        schedule = CREDIT.generate(priced.with_vat, ORDER_DAY, ORDER_DAY, CALENDAR)
        made = order(
            id=OrderId(self._next("SO")),
            header=type(HEADER)(
                HEADER.partner_id,
                HEADER.counterparty_id,
                HEADER.organization_id,
                HEADER.agreement_id,
                HEADER.currency,
                W,
            ),
            lines=tuple(document_lines),
            prices=priced,
            schedule=schedule,
            status=OrderStatus.TO_SHIP,
        )
        with self.store.unit_of_work() as uow:
            self.orders.append(uow.orders.add(made))
            uow.commit()

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data())
    def ship(self, data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.orders), min_size=1, max_size=2))
        requests = []
        for o in chosen:
            line = data.draw(st.sampled_from(o.lines))
            requests.append(ShipRequest(o.id, line.line_id, Decimal(data.draw(st.integers(1, 3)))))
        number = ShipmentId(self._next("SH"))
        by_issue = data.draw(st.booleans())
        before = self._snapshot()
        try:
            with self.store.unit_of_work() as uow:
                sc.post_shipment(
                    uow, number, HEADER.partner_id, HEADER.counterparty_id,
                    date(2026, 3, 10), requests, CALENDAR, at=AT, by_goods_issue=by_issue,
                )  # fmt: skip
                uow.commit()
        except (ShipmentError, InsufficientStockError):
            assert self._snapshot() == before
        else:
            self.shipments.append(number)

    @precondition(lambda self: bool(self.shipments))
    @rule(data=st.data())
    def give_back(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(self.shipments))
        with self.store.unit_of_work() as uow:
            shipment = uow.shipments.get(number)
        product = data.draw(st.sampled_from([x.product_id for x in shipment.lines]))
        quantity = Decimal(data.draw(st.integers(1, 3)))
        before = self._snapshot()
        try:
            with self.store.unit_of_work() as uow:
                sc.post_return(
                    uow, ReturnId(self._next("RT")), date(2026, 3, 16),
                    [sc.ReturnItem(number, product, quantity)], at=AT,
                )  # fmt: skip
                uow.commit()
        except ShipmentError:
            assert self._snapshot() == before

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data())
    def issue(self, data: st.DataObject) -> None:
        o = data.draw(st.sampled_from(self.orders))
        line = data.draw(st.sampled_from(o.lines))
        quantity = Decimal(data.draw(st.integers(1, 3)))
        before = self._snapshot()
        try:
            with self.store.unit_of_work() as uow:
                sc.post_goods_issue(
                    uow, IssueId(self._next("RO")), W, date(2026, 3, 11),
                    [ShipRequest(o.id, line.line_id, quantity)], at=AT,
                )  # fmt: skip
                uow.commit()
        except (ShipmentError, InsufficientStockError):
            assert self._snapshot() == before

    @precondition(lambda self: bool(self.shipments))
    @rule(data=st.data())
    def receive_back(self, data: st.DataObject) -> None:
        with self.store.unit_of_work() as uow:
            returns = self._documents(uow)[1]
        lines = [(r.id, x.line_no) for r in returns for x in r.lines if x.by_receipt_order]
        if not lines:
            return
        number, line_no = data.draw(st.sampled_from(lines))
        quantity = Decimal(data.draw(st.integers(1, 2)))
        before = self._snapshot()
        try:
            with self.store.unit_of_work() as uow:
                sc.post_goods_receipt(
                    uow, ReceiptId(self._next("PO")), W, date(2026, 3, 17),
                    [(number, line_no, quantity)], at=AT,
                )  # fmt: skip
                uow.commit()
        except ShipmentError:
            assert self._snapshot() == before

    @precondition(lambda self: bool(self.shipments))
    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(self.shipments))
        with self.store.unit_of_work() as uow:
            shipment = uow.shipments.get(number)
        line = data.draw(st.sampled_from(shipment.lines))
        if data.draw(st.booleans()):  # an error fix lowers what the document says
            quantity = Decimal(data.draw(st.integers(0, int(line.quantity))))
            change = LineChange(line.line_no, quantity=quantity)
        else:
            price = Money.from_minor(data.draw(st.integers(1, 2_000_000)), "RUB")
            change = LineChange(line.line_no, price=price)
        before = self._snapshot()
        try:
            with self.store.unit_of_work() as uow:
                sc.post_correction(
                    uow, CorrectionId(self._next("KR")), number, date(2026, 3, 18), [change],
                    CorrectionKind.ERROR_FIX, CALENDAR, at=AT,
                )  # fmt: skip
                uow.commit()
        except (ShipmentError, InsufficientStockError):
            assert self._snapshot() == before

    @rule(amount=st.integers(1, 5_000_000))
    def pay(self, amount: int) -> None:
        money = Money.from_minor(amount, "RUB")
        account = SettlementAccount(
            HEADER.partner_id, "RUB", HEADER.counterparty_id, HEADER.organization_id
        )
        with self.store.unit_of_work() as uow:
            record_payment(
                uow.settlements, Payment(self._next("PAY"), account, date(2026, 3, 20), money)
            )
            uow.commit()
        self.paid += money

    @invariant()
    def stock_is_never_negative(self) -> None:
        with self.store.unit_of_work() as uow:
            assert all(q.value >= 0 for q in uow.stock_ledger.balances().values())

    @invariant()
    def lines_keep_their_quantities_and_vat(self) -> None:
        with self.store.unit_of_work() as uow:
            stored, returns = self._documents(uow)
            shipments = sc.corrected_shipments(uow, stored)  # as their corrections left them
            corrected = {
                (x.order_id, x.order_line_id)
                for o in self.orders
                for c in uow.shipment_corrections.of_order(o.id)
                for x in c.lines
            }
        done = line_executions(shipments, returns)
        for o in self.orders:
            assert o.prices is not None
            for frozen in o.prices.lines:
                x = done.get((o.id, frozen.line_id))
                if x is None:
                    continue
                assert Decimal(0) <= x.returned <= x.shipped <= frozen.quantity.value
                untouched = (o.id, frozen.line_id) not in corrected
                if untouched and x.shipped == frozen.quantity.value and x.shipped_vat is not None:
                    assert x.shipped_vat == frozen.vat
        for s in shipments:
            for line in s.lines:
                back = [
                    r
                    for d in returns
                    for r in d.lines
                    if (r.shipment_id, r.shipment_line_no) == (s.id, line.line_no)
                ]
                if sum((r.quantity for r in back), Decimal(0)) == line.quantity:
                    assert total((r.vat for r in back), "RUB") == line.vat
                    assert total((r.net for r in back), "RUB") == line.net

    @invariant()
    def debt_is_shipped_minus_returned_plus_corrections_minus_paid(self) -> None:
        with self.store.unit_of_work() as uow:
            shipments, returns = self._documents(uow)
            ledger = load_ledger(uow.settlements)
            corrections = {
                c.id: c for o in self.orders for c in uow.shipment_corrections.of_order(o.id)
            }
        if not ledger.entries and not ledger.payments:
            return
        shipped = total((s.with_vat for s in shipments), "RUB")
        returned = total((r.with_vat for r in returns), "RUB")
        corrected = total((c.with_vat_change for c in corrections.values()), "RUB")
        assert ledger.balance(FAR, currency="RUB") == shipped - returned + corrected - self.paid

    @invariant()
    def goods_out_never_exceed_what_was_invoiced_or_issued(self) -> None:
        with self.store.unit_of_work() as uow:
            ids = [o.id for o in self.orders]
            issues = list({i.id: i for o in ids for i in uow.goods_issues.of_order(o)}.values())
            receipts = list({r.id: r for o in ids for r in uow.goods_receipts.of_order(o)}.values())
        for o in self.orders:
            for line in o.lines:
                issued = sum(
                    (x.quantity for i in issues for x in i.lines
                     if (x.order_id, x.order_line_id) == (o.id, line.line_id)),
                    Decimal(0),
                )  # fmt: skip
                back = sum(
                    (x.quantity for r in receipts for x in r.lines
                     if (x.order_id, x.order_line_id) == (o.id, line.line_id)),
                    Decimal(0),
                )  # fmt: skip
                assert Decimal(0) <= back <= issued <= line.quantity


Shipping.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestShipping = Shipping.TestCase
