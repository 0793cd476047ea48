"""A client with a long history: its credit decision and an order's state, from an SQLite file.

Run alone: ``python benchmarks/bench_credit.py``. An SQLite store holds 200
clients; one of them, the order's client, has 20,000 shipments and 4,000
payments (allocated as posting allocates them), the others 100 shipments
each. The client has a partner limit (debt and overdue days) and a contract
limit. Prints ``metric NAME VALUE`` lines:

* ``credit_decision_ms_20k`` — :func:`salescore.app.orders.credit_decision`
  for one order, what confirming, sending or shipping a document calls: the
  store computes the client's open items and credits on the date, the limits
  are checked on them (best of five, median of 20 calls each);
* ``credit_replay_ms_20k`` — the baseline, how the decision was taken before:
  the client's whole ledger loaded as value objects
  (:func:`salescore.receivables.load_ledger`) and replayed by
  :func:`salescore.receivables.check_credit`; the two decisions are compared;
* ``credit_decision_speedup_20k`` — the baseline's time over the decision's;
* ``credit_decision_ms_small`` — the same decision for a client with 100
  shipments (how the cost grows with the client's history, not the store's);
* ``order_state_ms_20k`` — :func:`salescore.app.orders.order_state` of one of
  the client's orders (five shipments), which reads the order's part of the
  ledger by the order index (:func:`salescore.app.orders.order_ledger`), as
  securing and releasing an order for shipment do;
* ``order_state_replay_ms_20k`` — the baseline, the same state derived from
  the client's whole ledger (:func:`salescore.receivables.load_ledger`), how
  it was read before; the two states are compared;
* ``order_state_speedup_20k`` — the baseline's time over ``order_state``'s;
* ``credit_stop_list_ms`` — :func:`salescore.app.receivables.credit_stop_list`,
  the stop list of the 400 stored limits (the store's open items and credits
  of the whole ledger, summed per subject);
* ``credit_stop_list_replay_ms`` — the baseline: :func:`salescore.receivables.stop_list`
  over the whole ledger loaded (the lists are compared), and
  ``credit_stop_list_speedup``.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from _timing import peak_rss_mib

from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId, ContractId
from salescore.app.orders import credit_decision, order_state, settlement_account, shipped_of_order
from salescore.app.receivables import credit_stop_list, import_settlements
from salescore.money import Money
from salescore.orders import DocumentHeader, DocumentLine, LineId, Order, OrderId, derive_state
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.receivables import (
    ControlPoint,
    CreditDecision,
    CreditLimit,
    EntryKind,
    LimitScope,
    Payment,
    ProposedDocument,
    SettlementEntry,
    check_credit,
    load_ledger,
    stop_list,
)
from salescore.reservation import OrderId as ReserveOrderId

CLIENTS = 200
BIG = 20_000
SMALL = 100
START = date(2024, 1, 1)
ON = date(2026, 3, 2)


def header(partner: str) -> DocumentHeader:
    return DocumentHeader(
        PartnerId(partner),
        CounterpartyId(f"{partner}-LLC"),
        OrganizationId("ORG-1"),
        AgreementId("A"),
        "RUB",
        WarehouseId("MAIN"),
        contract_id=ContractId(f"K-{partner}"),
    )


def build(path: Path) -> None:
    rng = random.Random(11)
    entries: list[SettlementEntry] = []
    payments: list[Payment] = []
    for n in range(CLIENTS):
        partner = f"C{n:03d}"
        account = settlement_account(header(partner))
        count = BIG if n == 0 else SMALL
        owed = 0
        for k in range(count):
            posted = START + timedelta(rng.randrange((ON - START).days))
            units = rng.randint(1_000, 500_000)
            owed += units
            entries.append(
                SettlementEntry(
                    f"{partner}-S{k}",
                    EntryKind.SHIPMENT,
                    account,
                    f"{partner}-SO{k // 5}",
                    f"{partner}-SH{k}",
                    posted,
                    posted + timedelta(rng.choice((0, 14, 30))),
                    Money.from_minor(units, "RUB"),
                )
            )
        for k in range(count // 5):  # most of the debt paid
            day = START + timedelta(rng.randrange((ON - START).days))
            units = owed * 9 // 10 // (count // 5)
            payments.append(
                Payment(f"{partner}-P{k}", account, day, Money.from_minor(units, "RUB"))
            )
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        import_settlements(uow, entries, payments)
        for n in range(CLIENTS):
            partner = f"C{n:03d}"
            uow.credit_limits.add(
                CreditLimit(f"P-{partner}", LimitScope.PARTNER, partner, "RUB",
                            max_debt=Money("50000000.00", "RUB"), max_overdue_days=45)
            )  # fmt: skip
            uow.credit_limits.add(
                CreditLimit(f"K-{partner}", LimitScope.CONTRACT, f"K-{partner}", "RUB",
                            max_overdue_days=90)
            )  # fmt: skip
        uow.orders.add(client_order())
        uow.commit()
    store.close()


def client_order() -> Order:
    """The big client's order whose five shipments are in the ledger (``C000-SO7``)."""
    line = DocumentLine(LineId("1"), ProductId("P"), 1)
    return Order(OrderId("C000-SO7"), header("C000"), START, (line,))


def median_ms(func: Callable[[], object], calls: int = 20, rounds: int = 5) -> float:
    """The best over ``rounds`` of the median of ``calls`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        best = min(best, statistics.median(times))
    return best * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credit.sqlite"
        build(path)
        store = SqliteStore(path)
        amount = Money("100000.00", "RUB")
        with store.unit_of_work(immediate=False) as uow:

            def decide(partner: str) -> CreditDecision:
                return credit_decision(
                    uow, "SO-NEW", header(partner), amount, ControlPoint.ORDER, ON
                )

            def replay(partner: str) -> CreditDecision:
                document = ProposedDocument(
                    "SO-NEW", ControlPoint.ORDER, settlement_account(header(partner)), amount
                )
                limits = [
                    uow.credit_limits.get(f"K-{partner}"),
                    uow.credit_limits.get(f"P-{partner}"),
                ]
                ledger = load_ledger(uow.settlements, partner_id=partner)
                return check_credit(ledger, limits, document, ON)

            if decide("C000") != replay("C000"):
                raise SystemExit("the store's decision differs from the replayed ledger's")
            big = median_ms(lambda: decide("C000"))
            baseline = median_ms(lambda: replay("C000"), calls=3, rounds=3)
            small = median_ms(lambda: decide("C001"))

            order = client_order()

            def state_by_replay() -> object:
                ledger = load_ledger(uow.settlements, partner_id="C000")
                reserves = uow.stock_ledger.entries(order_id=ReserveOrderId(order.id))
                shipped = shipped_of_order(uow, order.id, ON)
                return derive_state(order, ledger, reserves, shipped, on=ON)

            if order_state(uow, order.id, ON) != state_by_replay():
                raise SystemExit("the order's state differs from the replayed ledger's")
            state = median_ms(lambda: order_state(uow, order.id, ON))
            state_baseline = median_ms(state_by_replay, calls=3, rounds=3)

            def stop_by_replay() -> object:
                return stop_list(load_ledger(uow.settlements), uow.credit_limits.all(), ON)

            if credit_stop_list(uow, ON) != stop_by_replay():
                raise SystemExit("the store's stop list differs from the replayed ledger's")
            stop = median_ms(lambda: credit_stop_list(uow, ON), calls=5, rounds=3)
            stop_baseline = median_ms(stop_by_replay, calls=1, rounds=3)
        store.close()
    print(f"metric credit_decision_ms_20k {big:.2f}")
    print(f"metric credit_replay_ms_20k {baseline:.1f}")
    print(f"metric credit_decision_speedup_20k {baseline / big:.1f}")
    print(f"metric credit_decision_ms_small {small:.2f}")
    print(f"metric order_state_ms_20k {state:.2f}")
    print(f"metric order_state_replay_ms_20k {state_baseline:.1f}")
    print(f"metric order_state_speedup_20k {state_baseline / state:.1f}")
    print(f"metric credit_stop_list_ms {stop:.1f}")
    print(f"metric credit_stop_list_replay_ms {stop_baseline:.1f}")
    print(f"metric credit_stop_list_speedup {stop_baseline / stop:.1f}")
    print(f"metric peak_rss_mib_credit {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
