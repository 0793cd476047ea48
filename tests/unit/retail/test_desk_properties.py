"""Money, stock and fiscal invariants of the cashier's desk under any sequence of steps.

A hypothesis state machine opens and closes cash shifts, sells baskets of the
sample shop's goods (pieces and weighed goods, with or without a receipt
discount, paid in cash, by card or both), returns parts of any earlier sale
(of this shift or of a closed one), hands cash over and asks X reports, on the
Shtrih-M simulator through the desk of a memory store. The shop has no
automatic discounts, so each sale's sum is computed here by hand: quantity ×
price rounded half up to the kopeck, less the receipt discount. After every
step:

* the store's stock of each product is the opening stock less what was sold
  plus what came back;
* the drawer holds the cash kept by sales less the cash paid back and handed
  over, the refunds split card first as the model computes them;
* no line is refunded more than it was paid, no return line more than its
  quantity × price (a fiscal line carries no markup), and a line returned whole
  in one return is refunded exactly its final sum; returned in parts, at most
  a kopeck per part short of it (each part's refund is capped by its own
  quantity × price, rounded);
* the register's fiscal storage agrees with the receipts (X and Z reports
  balanced), and the Z report's revenue is the shift's sales less its returns.

A refused step (short stock, a return of more than is left, a hand-over of
more than the drawer holds) must leave stock, receipts, the register and the
drawer unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from salescore.adapters.memory import MemoryStore
from salescore.app.retail import CashierDesk, Scan
from salescore.demo.sample_retail import PRICES, SHOP, SHOP_STORE, load_sample_shop
from salescore.errors import CashShiftError, InsufficientStockError, RetailError
from salescore.money import Money
from salescore.parties import ProductId
from salescore.retail import PaymentKind, RetailPayment, RetailReceipt, cash_in_drawer
from salescore.testing import FixedClock
from salescore.testing.devices import shtrih_rig

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

CENT = Decimal("0.01")
OPENING = {
    "BREAD": Decimal(100),
    "CHEESE": Decimal("20.000"),
    "MILK": Decimal(60),
    "TEA": Decimal(30),
    "JUICE": Decimal("40.000"),
}
WEIGHED = {"CHEESE", "JUICE"}


def rub(amount: Decimal) -> Money:
    return Money(amount, "RUB")


def quantities(product: str) -> st.SearchStrategy[Decimal]:
    if product in WEIGHED:
        return st.integers(1, 6_000).map(lambda g: Decimal(g).scaleb(-3))
    return st.integers(1, 12).map(Decimal)


baskets = st.lists(
    st.sampled_from(sorted(OPENING)).flatmap(lambda p: st.tuples(st.just(p), quantities(p))),
    min_size=1,
    max_size=4,
)


class Desk(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        with self.store.unit_of_work() as uow:
            load_sample_shop(uow)
            uow.commit()
        self._rig = shtrih_rig()
        self.rig = self._rig.__enter__()
        self.clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        self.desk = CashierDesk(
            self.store, SHOP.id, "POS-1", self.rig.driver, clock=self.clock, cashier="anna"
        )
        self.stock = dict(OPENING)
        self.sales: list[RetailReceipt] = []
        # per (sale id, line no): quantity returned and money refunded so far
        self.returned: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        self.refunded: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        self.parts: dict[tuple[str, int], int] = defaultdict(int)
        self.card_refunded: dict[str, Decimal] = defaultdict(Decimal)
        self.drawer = Decimal("0.00")
        self.revenue = Decimal("0.00")  # the open shift's sales less its returns

    def teardown(self) -> None:
        self._rig.__exit__(None, None, None)

    @property
    def open(self) -> bool:
        return self.desk.shift is not None and self.desk.shift.is_open

    def tick(self) -> None:
        self.clock.advance(timedelta(minutes=7))

    def unchanged_after(self, refused: type[Exception], step: Callable[[], object]) -> None:
        receipts, drawer = self.rig.receipts, self.stored_drawer()
        with pytest.raises(refused):
            step()
        assert self.rig.receipts == receipts
        assert self.stored_drawer() == drawer
        self.check_stock()

    # --- steps --------------------------------------------------------------------------

    @initialize()
    def first_shift(self) -> None:
        self.open_shift()

    @precondition(lambda self: not self.open)
    @rule()
    def open_shift(self) -> None:
        self.tick()
        self.desk.open_shift()
        self.drawer = Decimal("0.00")
        self.revenue = Decimal("0.00")

    @precondition(lambda self: self.open)
    @rule(
        basket=baskets,
        discount_percent=st.sampled_from([0, 0, 3, 50]),
        card_part=st.sampled_from([None, Decimal(0), Decimal("0.5"), Decimal(1)]),
        tip=st.sampled_from([Decimal("0.00"), Decimal("0.40"), Decimal("500.00")]),
    )
    def sell(
        self,
        basket: list[tuple[str, Decimal]],
        discount_percent: int,
        card_part: Decimal | None,
        tip: Decimal,
    ) -> None:
        self.tick()
        gross = sum(
            ((q * PRICES[ProductId(p)].amount).quantize(CENT, ROUND_HALF_UP) for p, q in basket),
            Decimal("0.00"),
        )
        discount = (gross * discount_percent / 100).quantize(CENT, ROUND_HALF_UP)
        due = gross - discount
        wanted: dict[str, Decimal] = defaultdict(Decimal)
        for product, q in basket:
            wanted[product] += q
        scans = [Scan(p, q) for p, q in basket]
        receipt_discount = rub(discount) if discount else None
        if card_part is None:  # a sum of cash handed over
            payments: list[RetailPayment] | Money = rub(due + tip)
            card = Decimal("0.00")
        else:
            card = (due * card_part).quantize(CENT, ROUND_HALF_UP)
            payments = [RetailPayment(PaymentKind.CARD, rub(card))] if card else []
            if due - card or not payments:
                payments.append(RetailPayment(PaymentKind.CASH, rub(due - card + tip)))
        if any(q > self.stock[p] for p, q in wanted.items()):
            self.unchanged_after(
                InsufficientStockError,
                lambda: self.desk.sell(scans, payments, receipt_discount=receipt_discount),
            )
            return
        sale = self.desk.sell(scans, payments, receipt_discount=receipt_discount)
        assert sale.total == rub(due)
        assert sale.paid_by(PaymentKind.CARD) == rub(card)
        assert sale.paid_by(PaymentKind.CASH) == rub(due - card)
        for product, q in wanted.items():
            self.stock[product] -= q
        self.sales.append(sale)
        self.drawer += due - card
        self.revenue += due

    @precondition(lambda self: self.open and self.sales)
    @rule(data=st.data())
    def return_goods(self, data: st.DataObject) -> None:
        self.tick()
        started = [
            (sale, line)
            for sale in self.sales
            for line in sale.lines
            if 0 < self.returned[sale.id, line.line_no] < line.quantity.value
        ]
        go_on: bool = data.draw(st.booleans())
        if started and go_on:  # go on with a line returned in part
            sale, line = data.draw(st.sampled_from(started))
        else:
            sale = data.draw(st.sampled_from(self.sales))
            line = data.draw(st.sampled_from(sale.lines))
        key = (sale.id, line.line_no)
        left = line.quantity.value - self.returned[key]
        step = Decimal(1).scaleb(line.quantity.value.as_tuple().exponent)  # type: ignore[arg-type]
        if left == 0 or data.draw(st.integers(0, 9)) == 0:  # now and then: more than is left
            asked = left + step
            self.unchanged_after(
                RetailError, lambda: self.desk.return_goods(sale.id, {line.line_no: asked})
            )
            return
        asked = data.draw(st.sampled_from([left, step, max(step, (left / 2).quantize(step))]))
        back = self.desk.return_goods(sale.id, {line.line_no: asked})
        (returned_line,) = back.lines
        refund = returned_line.net.amount
        assert back.total == rub(refund)
        self.returned[key] += asked
        self.refunded[key] += refund
        self.parts[key] += 1
        assert Decimal(0) <= self.refunded[key] <= line.net.amount
        assert refund <= returned_line.gross.amount  # a fiscal line carries no markup
        if self.returned[key] == line.quantity.value:
            # A line returned whole pays back its final sum. Returned in parts, each part
            # pays back at most its quantity × price rounded (no markup), and that can
            # fall a kopeck short of the part's share: at most a kopeck per part is lost.
            short = line.net.amount - self.refunded[key]
            if self.parts[key] == 1:
                assert short == 0, "a whole line pays back its sum"
            assert short <= CENT * self.parts[key]
        # card first, up to what the card paid and was not paid back yet
        card_left = sale.paid_by(PaymentKind.CARD).amount - self.card_refunded[sale.id]
        card = min(refund, card_left)
        assert back.paid_by(PaymentKind.CARD) == rub(card)
        assert back.paid_by(PaymentKind.CASH) == rub(refund - card)
        self.card_refunded[sale.id] += card
        self.stock[line.product_id] += asked
        self.drawer -= refund - card
        self.revenue -= refund

    @precondition(lambda self: self.open)
    @rule(part=st.sampled_from([Decimal("0.25"), Decimal(1), None]))
    def hand_over(self, part: Decimal | None) -> None:
        self.tick()
        if part is None or self.drawer <= 0:  # more than the drawer holds, or nothing
            over = rub(max(self.drawer, Decimal(0)) + CENT)
            self.unchanged_after(CashShiftError, lambda: self.desk.hand_over_takings(over))
            return
        amount = max(CENT, (self.drawer * part).quantize(CENT))
        handover = self.desk.hand_over_takings(rub(amount))
        assert handover.amount == rub(amount)
        self.drawer -= amount

    @precondition(lambda self: self.open)
    @rule()
    def x_report(self) -> None:
        report = self.desk.x_report()
        assert report.is_balanced, report.discrepancies
        assert report.revenue == rub(self.revenue)

    @precondition(lambda self: self.open)
    @rule()
    def close_shift(self) -> None:
        self.tick()
        report = self.desk.close_shift()
        assert report.is_balanced, report.discrepancies
        assert report.discrepancies == ()
        assert report.revenue == rub(self.revenue)

    # --- invariants ---------------------------------------------------------------------

    def stored_drawer(self) -> Money:
        shift = self.desk.shift
        if shift is None:
            return rub(Decimal("0.00"))
        with self.store.unit_of_work(read_only=True) as uow:
            receipts = uow.retail_receipts.find_by("shift_id", shift.id)
            handovers = uow.takings.find_by("shift_id", shift.id)
        return cash_in_drawer(receipts, handovers, "RUB")

    @invariant()
    def check_stock(self) -> None:
        with self.store.unit_of_work(read_only=True) as uow:
            for product, expected in self.stock.items():
                position = uow.stock_ledger.position(ProductId(product), SHOP_STORE)
                assert position.free.value == expected, product

    @invariant()
    def check_drawer(self) -> None:
        if self.desk.shift is not None:
            assert self.stored_drawer() == rub(self.drawer)


TestDesk = Desk.TestCase
TestDesk.settings = settings(
    max_examples=40,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
