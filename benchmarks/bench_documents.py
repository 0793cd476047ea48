"""Shipments and returns posted per second from stored orders on a SQLite file.

Each shipment is one unit of work shipping a stored order of ten lines (the
order, its frozen prices and its schedule are stored beforehand); every tenth
shipment then gets a return of one unit. The baseline does the same stock moves
(``reservation.ship``) and the same debt entries (``receivables.post_entries``
of ``shipment_entries``) directly through the ledgers, one unit of work per
shipment, on a fresh file: ``shipment_overhead_vs_ledgers`` is the library's
time over the baseline's (the goal is at most 2). A correction of one line of
every tenth shipment is timed too.

Run alone: ``python benchmarks/bench_documents.py [shipments]`` (1,000 by
default; the issue's figure is 10,000). Prints ``metric NAME VALUE`` lines.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import attrs
from _timing import peak_rss_mib, settle_disk

from salescore.adapters.sqlite import SqliteStore
from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.orders import settlement_account
from salescore.app.sales import load_pricer
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import VOLGA_KZN_HEADER, load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.money import Quantity, total
from salescore.orders import DocumentLine, LineId, Order, OrderId, reserve_claims
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import (
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
    post_entries,
    shipment_entries,
)
from salescore.reservation import SupplyOption, receive, ship
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    LineChange,
    ReturnId,
    ShipmentId,
    ShipRequest,
)

AT = datetime(2026, 3, 10, 12, tzinfo=UTC)
ORDERED, SHIP_DAY = date(2026, 3, 2), date(2026, 3, 10)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")
LINES = 10
HEADER = VOLGA_KZN_HEADER
CREDIT = PaymentScheduleTemplate(
    "CR10-CR20",
    "credit in two halves",
    (
        ScheduleStage(StageKind.CREDIT, Decimal(50), days=10, event=DueEvent.SHIPMENT),
        ScheduleStage(StageKind.CREDIT, days=20, event=DueEvent.SHIPMENT),
    ),
)


def prepare(path: Path, count: int) -> list[Order]:
    """A file with the sample company, stock for every line, and ``count`` orders to ship."""
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        uow.schedule_templates.add(CREDIT)
        receive(uow.stock_ledger, CM, MAIN, Quantity(count * LINES), document="GR-1", at=AT)
        pricer = load_pricer(uow, [ORDERED])
        lines = [DocumentLine(LineId(str(n)), CM, Decimal(1)) for n in range(1, LINES + 1)]
        model = uc.create_order(uow, pricer, HEADER, ORDERED, lines)
        uc.confirm_order(uow, pricer, model.id, ORDERED, SAMPLE_CALENDAR, template=CREDIT)
        uc.secure_order(uow, model.id, ORDERED)
        model = uc.ship_order(uow, model.id, ORDERED)
        orders = [model]
        for n in range(1, count):
            copy = attrs.evolve(model, id=OrderId(f"{model.id}-{n}"), version=0)
            orders.append(uow.orders.add(copy))
        uow.commit()
    store.close()
    return orders


def post_documents(path: Path, orders: list[Order]) -> tuple[float, float, float]:
    """Seconds to post a shipment of every order, a return of every tenth, and a
    correction of every tenth."""
    store = SqliteStore(path)
    settle_disk()
    start = time.perf_counter()
    for n, order in enumerate(orders):
        with store.unit_of_work() as uow:
            sc.post_shipment(
                uow,
                ShipmentId(f"SH-{n}"),
                HEADER.partner_id,
                HEADER.counterparty_id,
                SHIP_DAY,
                [ShipRequest(order.id, LineId(str(k)), Decimal(1)) for k in range(1, LINES + 1)],
                SAMPLE_CALENDAR,
                at=AT,
            )
            uow.commit()
    shipped = time.perf_counter() - start
    settle_disk()
    start = time.perf_counter()
    for n in range(0, len(orders), 10):
        with store.unit_of_work() as uow:
            item = sc.ReturnItem(ShipmentId(f"SH-{n}"), CM, Decimal(1))
            sc.post_return(uow, ReturnId(f"RT-{n}"), SHIP_DAY, [item], at=AT)
            uow.commit()
    returned = time.perf_counter() - start
    settle_disk()
    start = time.perf_counter()
    for n in range(1, len(orders), 10):
        with store.unit_of_work() as uow:
            sc.post_correction(
                uow,
                CorrectionId(f"KR-{n}"),
                ShipmentId(f"SH-{n}"),
                SHIP_DAY,
                [LineChange("2", quantity=Decimal(0))],
                CorrectionKind.ERROR_FIX,
                SAMPLE_CALENDAR,
                at=AT,
            )
            uow.commit()
    corrected = time.perf_counter() - start
    store.close()
    return shipped, returned, corrected


def post_through_ledgers(path: Path, orders: list[Order]) -> float:
    """Seconds to make the same stock moves and debt entries directly."""
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        template = uow.schedule_templates.get(CREDIT.id)
    settle_disk()
    start = time.perf_counter()
    for n, order in enumerate(orders):
        assert order.prices is not None
        with store.unit_of_work() as uow:
            for claim in reserve_claims(order):
                if claim.supply is SupplyOption.NOT_REQUIRED:
                    claim = attrs.evolve(claim, supply=SupplyOption.FROM_STOCK)
                ship(uow.stock_ledger, claim, claim.quantity, document=f"SH-{n}", at=AT)
            amount = total(
                (x.with_vat for x in order.prices.lines),
                order.header.currency,
            )
            entries = shipment_entries(
                template,
                SAMPLE_CALENDAR,
                settlement_account(order.header),
                order_id=order.id,
                order_date=order.on,
                shipment_id=f"SH-{n}/{order.id}",
                shipped_on=SHIP_DAY,
                amount=amount,
            )
            post_entries(uow.settlements, entries)
            uow.commit()
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    with tempfile.TemporaryDirectory() as tmp:
        library, baseline = Path(tmp) / "documents.sqlite", Path(tmp) / "ledgers.sqlite"
        orders = prepare(library, count)
        prepare(baseline, count)
        shipped, returned, corrected = post_documents(library, orders)
        direct = post_through_ledgers(baseline, orders)
    returns = len(range(0, count, 10))
    corrections = len(range(1, count, 10))
    print(f"metric shipments {count}")
    print(f"metric shipment_lines {LINES}")
    print(f"metric shipments_per_s {count / shipped:.1f}")
    print(f"metric ledger_postings_per_s {count / direct:.1f}")
    print(f"metric shipment_overhead_vs_ledgers {shipped / direct:.2f}")
    print(f"metric returns_per_s {returns / returned:.1f}")
    print(f"metric corrections_per_s {corrections / corrected:.1f}")
    print(f"metric peak_rss_mib_documents {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
