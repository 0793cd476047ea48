"""Retail: receipts per second through the cashier's desk on SQLite, and what each part costs.

Run alone: ``python benchmarks/bench_retail.py``. Prints ``metric NAME VALUE`` lines.

The whole path of a 5-line receipt: scan lookup, the outlet's retail price,
the discount engine (tea week, card tiers), the receipt discount, VAT per
line, the pending receipt and its stock write-off in one SQLite unit of work,
the fiscal journal (SQLite) and the Shtrih-M simulator over an in-memory pipe,
then the receipt marked fiscal. Measured in the same run, doing the same
work in part:

* ``engine_receipts_per_s``: the discount engine alone on the same 5 lines;
  ``receipt_overhead_vs_engine`` is how many times longer the whole path takes;
* ``register_receipts_per_s``: the same fiscal receipts through the driver and
  simulator alone (journal in SQLite too): the ceiling the desk works under;
  ``register_frames_per_receipt`` is how many Shtrih-M commands one receipt
  sends (each an ``ENQ``/``NAK`` probe, the frame, its ``ACK``, the answer and
  the host's ``ACK``: the simulator runs in its own thread behind an
  in-memory pipe, as a device would, and models no wire time), and
  ``register_cpu_ms_per_receipt`` the processor time of driver and simulator
  together (the rest of the register's time is the two threads waiting for
  each other, and the journal's ``fsync``);
* ``journal_write_ms``: one durable write of the SQLite fiscal journal on the
  benchmark's disk (write-ahead log, ``synchronous = FULL``: one ``fsync``).
  A receipt makes three writes, but only "closing" (before "close" is sent)
  is forced to disk; "started" and "done" ride on the next forced write. On
  a disk with slow ``fsync`` this write bounds the receipts per second;
* ``desk_receipts_per_s_without_device``: the desk with a register that answers
  at once (no device, no journal): the desk's own share of the work.

``BENCH_DIR`` names the directory for the files (the system's temporary
directory by default; ``/dev/shm`` takes the disk out of the figures). The
first line printed names it.

The goal of the retail issue is 200 receipts per second of 5 lines.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from _timing import settle_disk

from salescore.adapters.sqlite import SqliteStore
from salescore.adapters.sqlite.fiscal_journal import SqliteFiscalJournal
from salescore.app.retail import CashierDesk, Scan, to_fiscal
from salescore.demo.sample_retail import (
    SHOP,
    SHOP_STORE,
    load_sample_shop,
    load_sample_shop_rules,
)
from salescore.discounts.sale import SaleContext, SaleLine
from salescore.hardware.fiscal import (
    FiscalDocumentInfo,
    FiscalResult,
    FiscalStatus,
    JournalEntry,
    JournalState,
    Receipt,
    ShiftReport,
    ShiftState,
)
from salescore.money import KG, LITRE, Money, Quantity
from salescore.parties import ProductId
from salescore.reservation import receive
from salescore.testing import FixedClock
from salescore.testing.devices import shtrih_rig

RECEIPTS = 150


class InstantRegister:
    """A register that makes every receipt fiscal at once (no device, no journal): what
    the desk alone can do, for ``desk_receipts_per_s_without_device``."""

    def __init__(self) -> None:
        self.number = 0
        self.shift = ShiftState.CLOSED

    def get_current_status(self) -> FiscalStatus:
        return FiscalStatus(self.shift, 1, False, self.number, False, False)

    def open_shift(self) -> ShiftReport:
        self.number += 1
        self.shift = ShiftState.OPEN
        return ShiftReport(1, self.number)

    def process_check(self, receipt: Receipt) -> FiscalResult:
        self.number += 1
        return FiscalResult(
            receipt.receipt_id, self.number, self.number, receipt.total, receipt.change
        )

    def close_shift(self) -> ShiftReport:
        self.number += 1
        self.shift = ShiftState.CLOSED
        return ShiftReport(1, self.number)

    def get_warnings(self) -> FiscalStatus:
        return self.get_current_status()

    def cancel_check(self) -> None:
        pass

    def print_x_report(self) -> None:
        pass

    def cash_in_outcome(self, amount: Decimal) -> int:
        self.number += 1
        return self.number

    def open_cash_drawer(self) -> None:
        pass

    def continue_print(self) -> None:
        pass

    def find_document(self, number: int) -> FiscalDocumentInfo | None:
        return None


SCANS = [
    Scan("4600000000015", Decimal(2)),  # bread by barcode
    Scan("CHEESE", Decimal("0.750")),
    Scan("4600000000022"),  # milk
    Scan("TEA"),  # 10 % tea week
    Scan("JUICE", Decimal("1.000")),
]


def main() -> None:
    import os

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        print(f"# SQLite files (store and fiscal journal) in {Path(tmp).parent}")
        path = Path(tmp) / "shop.sqlite"
        store = SqliteStore(path)
        with store.unit_of_work() as uow:
            load_sample_shop(uow, stock=False)
            load_sample_shop_rules(uow)
            for product, quantity in [
                ("BREAD", Quantity(1_000_000)),
                ("CHEESE", Quantity(100_000, KG)),
                ("MILK", Quantity(1_000_000)),
                ("TEA", Quantity(1_000_000)),
                ("JUICE", Quantity(100_000, LITRE)),
            ]:
                receive(
                    uow.stock_ledger, ProductId(product), SHOP_STORE, quantity,
                    document="bench stock", at=datetime(2026, 3, 1, tzinfo=UTC),
                )  # fmt: skip
            uow.commit()
        clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        journal = SqliteFiscalJournal(Path(tmp) / "journal.sqlite")
        with shtrih_rig(journal=journal) as rig:
            desk = CashierDesk(store, SHOP.id, "POS-1", rig.driver, clock=clock)
            desk.open_shift()
            cash = Money("2000.00", "RUB")
            first = desk.sell(SCANS, cash, receipt_discount=Money("5.00", "RUB"))  # warm-up
            settle_disk()
            start = time.perf_counter()
            for _ in range(RECEIPTS):
                desk.sell(SCANS, cash, receipt_discount=Money("5.00", "RUB"))
            whole = (time.perf_counter() - start) / RECEIPTS
            report = desk.close_shift()
        journal.close()

        # One durable journal write on this disk (a receipt makes three, one of them durable).
        journal = SqliteFiscalJournal(Path(tmp) / "journal-writes.sqlite")
        settle_disk()
        start = time.perf_counter()
        for i in range(50):
            journal.record(JournalEntry(f"w-{i}", JournalState.STARTED, Decimal("1.00")))
        journal_write = (time.perf_counter() - start) / 50
        journal.close()

        # The register alone: the same fiscal receipt, new ids, a journal file of its own.
        journal = SqliteFiscalJournal(Path(tmp) / "journal-alone.sqlite")
        with shtrih_rig(journal=journal) as rig:
            rig.driver.open_shift()
            fiscal = to_fiscal(first)
            sent = rig.driver.link.sent_frames
            settle_disk()
            start, cpu = time.perf_counter(), time.process_time()
            for i in range(RECEIPTS):
                rig.driver.process_check(
                    type(fiscal)(f"alone-{i}", fiscal.kind, fiscal.lines, fiscal.payments)
                )
            register = (time.perf_counter() - start) / RECEIPTS
            register_cpu = (time.process_time() - cpu) / RECEIPTS
            frames = (rig.driver.link.sent_frames - sent) / RECEIPTS
        journal.close()

        # The desk alone: the same receipts with a register that answers at once.
        desk_alone = CashierDesk(
            store,
            SHOP.id,
            "POS-2",
            InstantRegister(),
            clock=clock,
        )
        desk_alone.open_shift()
        desk_alone.sell(SCANS, cash)
        settle_disk()
        start = time.perf_counter()
        for _ in range(RECEIPTS):
            desk_alone.sell(SCANS, cash, receipt_discount=Money("5.00", "RUB"))
        own = (time.perf_counter() - start) / RECEIPTS

        # The discount engine alone on the same lines.
        catalogue = desk.catalogue()
        resolved = [catalogue.resolve(s) for s in SCANS]
        lines = [SaleLine(str(n), p, q, price) for n, (p, q, price, _) in enumerate(resolved, 1)]
        context = SaleContext(
            clock.now(), warehouse_id=SHOP_STORE, payment_form="cash", card_kind=None
        )
        engine = desk._engine
        assert engine is not None
        settle_disk()
        start = time.perf_counter()
        for _ in range(RECEIPTS * 20):
            engine.apply(lines, context)
        alone = (time.perf_counter() - start) / (RECEIPTS * 20)
        store.close()

    assert report.is_balanced, report.discrepancies
    assert report.sales_receipts == RECEIPTS + 1
    print(f"metric receipts_per_s {1 / whole:.1f}")
    print(f"metric engine_receipts_per_s {1 / alone:.0f}")
    print(f"metric receipt_overhead_vs_engine {whole / alone:.1f}")
    print(f"metric register_receipts_per_s {1 / register:.1f}")
    print(f"metric register_frames_per_receipt {frames:.1f}")
    print(f"metric register_cpu_ms_per_receipt {register_cpu * 1000:.2f}")
    print(f"metric journal_write_ms {journal_write * 1000:.2f}")
    print(f"metric desk_receipts_per_s_without_device {1 / own:.1f}")
    print(f"metric desk_ms_per_receipt_without_device {own * 1000:.2f}")


if __name__ == "__main__":
    main()
