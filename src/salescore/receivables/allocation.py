"""Payment allocation [распределение оплат]: which debt each payment paid.

A person may allocate a payment by hand, and only to orders
(:class:`~salescore.receivables.ManualAllocation`); everything else is
allocated automatically. The rules, applied to each settlement account and
each measure (planned, actual) separately:

1. Time runs forward. Debt entries become payable on their ``posted_on``
   date; payments are available from ``received_on``; a return or negative
   correction is a credit from its ``posted_on`` date. An allocation is dated
   the day both sides exist, so an allocation never looks into the future and
   a report for a past date sees exactly what was allocated by then.
2. On each date, hand-allocated parts go first, each to its own order's
   entries only, oldest due first. What the order cannot take yet waits as a
   prepayment for that order. A return (or negative correction) also pays
   its own order first; what that order cannot take joins the general credit.
3. Then the remaining credits, oldest first (date, then id), pay the open
   entries of the account oldest due first. Ties are broken by posting date,
   then order id, then entry id — written out, not left to sort stability.
4. Money no debt can take stays as credit (a prepayment or an over-payment)
   and pays later debt as soon as it is posted.

Allocations are a pure function of the entries and payments: re-running it
gives the same allocations (idempotent), and removing a payment then
re-running gives exactly the allocations from before the payment.

>>> from datetime import date
>>> from salescore.money import Money
>>> from salescore.receivables.ledger import (EntryKind, ManualAllocation, Payment,
...     SettlementAccount, SettlementEntry)
>>> acc = SettlementAccount("P1", "RUB")
>>> def ship(id, order, due):
...     return SettlementEntry(id, EntryKind.SHIPMENT, acc, order, id, date(2026, 3, 1), due,
...                            Money("100.00", "RUB"))
>>> entries = [ship("A", "SO-1", date(2026, 3, 10)), ship("B", "SO-2", date(2026, 3, 5))]
>>> pay = Payment("PAY", acc, date(2026, 3, 12), Money("150.00", "RUB"),
...               manual=[ManualAllocation("SO-1", Money("30.00", "RUB"))])
>>> for a in allocate_payments(entries, [pay]):
...     if a.measure.value == "actual":
...         print(a.entry_id, a.amount, "by hand" if a.manual else "auto")
A 30.00 RUB by hand
B 100.00 RUB auto
A 20.00 RUB auto
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Container, Hashable, Iterable, Sequence
from datetime import date

from salescore.errors import SettlementError
from salescore.money import Money
from salescore.receivables.ledger import (
    Allocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
)

__all__ = [
    "AllocationRow",
    "EntryRow",
    "PaymentRow",
    "allocate_payments",
    "allocate_rows",
    "allocations_of_rows",
    "check_payment",
    "payment_row",
    "sweep",
]

_NEVER = 1 << 62

# Compact rows of the bulk engine (plain ints and strings, no Money):
#   item:   (posted_ordinal, due_ordinal, tie_break, order_key, amount_minor)
#   credit: (date_ordinal, tie_break, amount_minor, scope_order_key_or_None, spills)
#   result: (credit_index, item_index, amount_minor, date_ordinal, manual)
# A scoped credit pays only its order; if it ``spills``, what its order cannot
# take on the day it arrives joins the general credit (a return pays its own
# order first, then anything); otherwise it waits for the order (a hand
# allocation). Matches of scoped credits that do not spill are "manual".
Item = tuple[int, int, str, Hashable, int]
Credit = tuple[int, str, int, Hashable | None, bool]
Match = tuple[int, int, int, int, bool]


def sweep(items: Sequence[Item], credits: Sequence[Credit]) -> list[Match]:
    """Allocate ``credits`` to ``items`` forward in time, oldest due first.

    The bulk engine behind :func:`allocate_payments`, over plain tuples of
    integers (minor units, date ordinals) so that millions of rows stay fast.

    >>> items = [(1, 10, "a", "O1", 500), (1, 5, "b", "O2", 300)]
    >>> credits = [(2, "p", 600, None, False), (3, "q", 400, None, False)]
    >>> sweep(items, credits)
    [(0, 1, 300, 2, False), (0, 0, 300, 2, False), (1, 0, 200, 3, False)]
    """
    if all(row[3] is None for row in credits):
        return _sweep_general(items, credits)
    return _sweep_scoped(items, credits)


def _sweep_scoped(items: Sequence[Item], credits: Sequence[Credit]) -> list[Match]:
    """:func:`sweep` in general: credits scoped to an order first pay that order."""
    scoped_orders = {row[3] for row in credits if row[3] is not None}
    item_left = [row[4] for row in items]
    credit_left = [row[2] for row in credits]
    posted_of = [row[0] for row in items]
    item_seq = sorted(range(len(items)), key=posted_of.__getitem__)
    item_days = [posted_of[k] for k in item_seq]
    credit_seq = sorted(range(len(credits)), key=lambda k: (credits[k][0], credits[k][1], k))
    credit_days = [credits[k][0] for k in credit_seq]
    heap: list[tuple[int, int, str, int]] = []
    order_heaps: dict[Hashable, list[tuple[int, int, str, int]]] = {}
    general: deque[int] = deque()
    scoped: dict[Hashable, deque[int]] = defaultdict(deque)
    out: list[Match] = []
    push, pop = heapq.heappush, heapq.heappop
    i = j = 0
    n_items, n_credits = len(items), len(credits)

    manual = [row[3] is not None and not row[4] for row in credits]

    def drain(queue: deque[int], open_heap: list[tuple[int, int, str, int]], day: int) -> None:
        while queue and open_heap:
            k = open_heap[0][3]
            if not item_left[k]:
                pop(open_heap)
                continue
            c = queue[0]
            amount = min(credit_left[c], item_left[k])
            out.append((c, k, amount, day, manual[c]))
            credit_left[c] -= amount
            item_left[k] -= amount
            if not credit_left[c]:
                queue.popleft()
            if not item_left[k]:
                pop(open_heap)

    touched: set[Hashable] = set()
    while i < n_items or j < n_credits:
        day = min(
            item_days[i] if i < n_items else _NEVER,
            credit_days[j] if j < n_credits else _NEVER,
        )
        touched.clear()
        while i < n_items and item_days[i] == day:
            k = item_seq[i]
            posted, due, tie, order, amount = items[k]
            i += 1
            if amount <= 0:
                continue
            key = (due, posted, tie, k)
            push(heap, key)
            if order in scoped_orders:
                push(order_heaps.setdefault(order, []), key)
                touched.add(order)
        while j < n_credits and credit_days[j] == day:
            k = credit_seq[j]
            j += 1
            if credits[k][2] <= 0:
                continue
            scope = credits[k][3]
            if scope is None:
                general.append(k)
            else:
                scoped[scope].append(k)
                touched.add(scope)
        if touched:
            for order in sorted(touched, key=repr):
                waiting = scoped[order]
                if order in order_heaps and waiting:
                    drain(waiting, order_heaps[order], day)
                if any(credits[c][4] for c in waiting):
                    general.extend(c for c in waiting if credits[c][4])
                    scoped[order] = deque(c for c in waiting if not credits[c][4])
        if general and heap:
            drain(general, heap, day)
    return out


def _sweep_general(items: Sequence[Item], credits: Sequence[Credit]) -> list[Match]:
    """:func:`sweep` when no credit is scoped to an order (the common case): one queue
    of credits, one heap of open items, the same matches in the same order."""
    n_items, n_credits = len(items), len(credits)
    item_days = [row[0] for row in items]
    item_seq = sorted(range(n_items), key=item_days.__getitem__)
    item_days.sort()
    credit_seq = sorted(range(n_credits), key=lambda k: (credits[k][0], credits[k][1], k))
    credit_days = [credits[k][0] for k in credit_seq]
    item_left = [row[4] for row in items]
    credit_left = [row[2] for row in credits]
    heap: list[tuple[int, int, str, int]] = []
    queue: deque[int] = deque()
    out: list[Match] = []
    add = out.append
    push, pop = heapq.heappush, heapq.heappop
    i = j = 0
    while i < n_items or j < n_credits:
        day = item_days[i] if i < n_items else _NEVER
        if j < n_credits and credit_days[j] < day:
            day = credit_days[j]
        while i < n_items and item_days[i] == day:
            k = item_seq[i]
            i += 1
            if item_left[k] > 0:
                row = items[k]
                push(heap, (row[1], day, row[2], k))
        while j < n_credits and credit_days[j] == day:
            c = credit_seq[j]
            j += 1
            if credit_left[c] > 0:
                queue.append(c)
        if queue and heap:
            c = queue[0]
            c_left = credit_left[c]
            while True:
                k = heap[0][3]
                k_left = item_left[k]
                if c_left < k_left:
                    add((c, k, c_left, day, False))
                    item_left[k] = k_left - c_left
                    credit_left[c] = 0
                    queue.popleft()
                    if not queue:
                        break
                    c = queue[0]
                    c_left = credit_left[c]
                else:
                    add((c, k, k_left, day, False))
                    item_left[k] = 0
                    pop(heap)
                    c_left -= k_left
                    if not c_left:
                        credit_left[c] = 0
                        queue.popleft()
                        if not queue:
                            break
                        c = queue[0]
                        c_left = credit_left[c]
                    if not heap:
                        credit_left[c] = c_left
                        break
    return out


def check_payment(
    payment: Payment,
    entries: Iterable[SettlementEntry],
    closed_orders: Container[str] = frozenset(),
) -> None:
    """Refuse a payment whose hand allocations name an unknown or closed order.

    Raises:
        SettlementError: an order is closed, or has no settlements on the
            payment's account.
    """
    _check_manual(
        payment, {e.order_id for e in entries if e.account == payment.account}, closed_orders
    )


def _check_manual(payment: Payment, known: Container[str], closed_orders: Container[str]) -> None:
    for n, part in enumerate(payment.manual):
        if part.order_id in closed_orders:
            raise SettlementError(
                f"payment {payment.id!r}, hand allocation {n + 1}: order {part.order_id!r} is "
                "closed and takes no more payments; allocate to an open order or leave it "
                "to automatic allocation",
                payment=payment.id,
                order=part.order_id,
            )
        if part.order_id not in known:
            raise SettlementError(
                f"payment {payment.id!r}, hand allocation {n + 1}: order {part.order_id!r} has "
                f"no settlements on account {payment.account}; check the order id and the "
                "payment's partner, counterparty, organization, contract and currency",
                payment=payment.id,
                order=part.order_id,
            )


def allocate_payments(
    entries: Iterable[SettlementEntry],
    payments: Iterable[Payment],
    *,
    closed_orders: Container[str] = frozenset(),
) -> list[Allocation]:
    """Every allocation, planned and actual, of ``payments`` to ``entries``.

    Args:
        entries: the settlement entries (any accounts).
        payments: the payments (any accounts).
        closed_orders: orders that take no hand allocation.

    Returns:
        Allocations grouped by account, then measure, in allocation order.

    Raises:
        SettlementError: a hand allocation names a closed or unknown order.
    """
    entries = list(entries)
    payments = list(payments)
    orders_of: dict[SettlementAccount, set[str]] = defaultdict(set)
    for e in entries:
        orders_of[e.account].add(e.order_id)
    for payment in payments:
        _check_manual(payment, orders_of.get(payment.account, set()), closed_orders)
    groups: dict[tuple[SettlementAccount, Measure], list[SettlementEntry]] = defaultdict(list)
    for e in entries:
        groups[e.account, e.measure].append(e)
    paid_by: dict[SettlementAccount, list[Payment]] = defaultdict(list)
    for p in payments:
        paid_by[p.account].append(p)
        for measure in Measure:
            groups.setdefault((p.account, measure), [])
    result: list[Allocation] = []
    for (account, measure), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0].key, kv[0][1].value)
    ):
        result.extend(_allocate_account(account, measure, group, paid_by.get(account, [])))
    return result


def _allocate_account(
    account: SettlementAccount,
    measure: Measure,
    entries: list[SettlementEntry],
    payments: list[Payment],
) -> list[Allocation]:
    debts = [e for e in entries if e.amount.is_positive()]
    items: list[Item] = [
        (
            e.posted_on.toordinal(),
            e.due_date.toordinal(),
            e.order_id + "\x00" + e.id,
            e.order_id,
            e.amount.minor_units,
        )
        for e in debts
    ]
    credits: list[Credit] = []
    sources: list[str] = []
    for p in payments:
        day = p.received_on.toordinal()
        general = p.settled.minor_units
        for part in p.manual:
            units = part.amount.minor_units
            credits.append((day, "0" + p.id, units, part.order_id, False))
            sources.append(p.id)
            general -= units
        credits.append((day, "1" + p.id, general, None, False))
        sources.append(p.id)
    if measure is Measure.ACTUAL:
        for e in entries:
            if e.amount.is_negative():
                day = e.posted_on.toordinal()
                credits.append((day, "1" + e.id, -e.amount.minor_units, e.order_id, True))
                sources.append(e.id)
    currency = account.currency
    return [
        Allocation(
            measure,
            sources[c],
            debts[k].id,
            date.fromordinal(day),
            Money.from_minor(units, currency),
            manual,
        )
        for c, k, units, day, manual in sweep(items, credits)
    ]


# --- bulk allocation over plain rows -----------------------------------------------------

EntryRow = tuple[str, Measure, str, int, int, int]
"""A stored entry as :func:`allocate_rows` reads it: (id, measure, order id, posted
ordinal, due ordinal, signed amount in minor units)."""
PaymentRow = tuple[str, int, int, tuple[tuple[str, int], ...]]
"""A stored payment: (id, received ordinal, settled minor units, hand parts as
(order id, minor units))."""
AllocationRow = tuple[Measure, str, str, int, int, bool]
"""An allocation: (measure, source id, entry id, allocated ordinal, minor units, manual)."""


def payment_row(payment: Payment) -> PaymentRow:
    """``payment`` as :func:`allocate_rows` reads it."""
    parts = tuple((m.order_id, m.amount.minor_units) for m in payment.manual)
    return (payment.id, payment.received_on.toordinal(), payment.settled.minor_units, parts)


def allocations_of_rows(
    account: SettlementAccount, rows: Iterable[AllocationRow]
) -> list[Allocation]:
    """The :class:`~salescore.receivables.Allocation` values of ``account``'s plain
    ``rows`` (as :func:`allocate_rows` gives them)."""
    currency = account.currency
    return [
        Allocation(m, source, entry, date.fromordinal(day), Money.from_minor(units, currency), hand)
        for m, source, entry, day, units, hand in rows
    ]


def allocate_rows(
    account: SettlementAccount, entries: Sequence[EntryRow], payments: Sequence[PaymentRow]
) -> list[AllocationRow]:
    """:func:`allocate_payments` of one account over plain rows, no value objects.

    ``entries`` in any order and ``payments`` in receiving order (date, then
    id), as the ledger port lists them; the result is the same allocations in
    the same order (actual, then planned).

    Raises:
        SettlementError: a hand allocation names an order without settlements
            on the account.
    """
    hand = [(pid, parts) for pid, _day, _units, parts in payments if parts]
    orders = {row[2] for row in entries} if hand else set()
    for pid, parts in hand:
        for n, (order, _) in enumerate(parts):
            if order not in orders:
                raise SettlementError(
                    f"payment {pid!r}, hand allocation {n + 1}: order {order!r} has no "
                    f"settlements on account {account}; check the order id and the payment's "
                    "partner, counterparty, organization, contract and currency",
                    payment=pid,
                    order=order,
                )
    out: list[AllocationRow] = []
    debts_of: dict[Measure, list[EntryRow]] = {measure: [] for measure in Measure}
    actual, planned = Measure.ACTUAL, Measure.PLANNED
    add_actual, add_planned = debts_of[actual].append, debts_of[planned].append
    returned = False
    for row in entries:
        if row[5] > 0:
            # Members compared by identity: an enum's hash is a Python-level call.
            measure = row[1]
            if measure is planned:
                add_planned(row)
            elif measure is actual:
                add_actual(row)
            else:
                debts_of[measure].append(row)
        elif row[5]:
            returned = True
    for measure in sorted(Measure, key=lambda m: m.value):
        debts = debts_of[measure]
        if not debts:  # nothing to pay: no credit of this measure is allocated
            continue
        items: list[Item] = [
            (posted, due, order + "\x00" + eid, order, units)
            for eid, _, order, posted, due, units in debts
        ]
        credits: list[Credit] = []
        sources: list[str] = []
        for pid, day, settled, parts in payments:
            general = settled
            for order, units in parts:
                credits.append((day, "0" + pid, units, order, False))
                sources.append(pid)
                general -= units
            credits.append((day, "1" + pid, general, None, False))
            sources.append(pid)
        if measure is Measure.ACTUAL and returned:
            for eid, kind, order, posted, _, units in entries:
                if kind is measure and units < 0:
                    credits.append((posted, "1" + eid, -units, order, True))
                    sources.append(eid)
        out += [
            (measure, sources[c], debts[k][0], day, units, manual)
            for c, k, units, day, manual in sweep(items, credits)
        ]
    return out
