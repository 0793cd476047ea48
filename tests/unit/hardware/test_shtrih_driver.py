"""The Shtrih-M driver against the simulator: shifts, receipts, faults, exactly once."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import DeviceError, DeviceTimeoutError, PaperOutError, ShiftExpiredError
from salescore.hardware.fiscal import (
    JournalEntry,
    JournalState,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ShiftState,
)
from salescore.hardware.kinds import FiscalRegister
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.testing.devices import FAST_TIMEOUTS, sample_receipt
from salescore.testing.devices import shtrih_rig as rig


def test_the_driver_is_a_fiscal_register() -> None:
    with rig() as r:
        assert isinstance(r.driver, FiscalRegister)


@pytest.mark.parametrize("kind", ["pipe", "pty", "tcp"])
def test_a_whole_shift_runs_over_every_transport(kind: str) -> None:
    with rig(kind) as r:
        driver = r.driver
        assert driver.get_current_status().shift_state is ShiftState.CLOSED
        opened = driver.open_shift()
        sale = driver.process_check(sample_receipt("s-1"))
        refund = driver.process_check(sample_receipt("ret-1", ReceiptKind.SALE_RETURN))
        assert driver.cash_in_outcome(Decimal("1000.00")) > 0
        driver.print_x_report()
        closed = driver.close_shift()
        assert (opened.shift_number, closed.shift_number) == (1, 1)
        assert [sale.document_number, refund.document_number] == [2, 3]
        assert sale.total == Decimal("400.00")
        assert sale.change == Decimal("100.00")
        assert [d.calculation_type for d in r.simulator.device.receipts] == [1, 2]
        assert r.simulator.device.cash == 100000
        assert driver.get_current_status().shift_state is ShiftState.CLOSED


def test_the_device_total_equals_the_receipt_total() -> None:
    with rig() as r:
        r.driver.open_shift()
        receipt = sample_receipt()
        r.driver.process_check(receipt)
        assert codec.from_kopecks(r.simulator.device.receipts[0].total) == receipt.total


def test_the_same_receipt_twice_prints_once_and_reports_repeated() -> None:
    with rig() as r:
        r.driver.open_shift()
        first = r.driver.process_check(sample_receipt())
        again = r.driver.process_check(sample_receipt())
        assert r.receipts == 1
        assert again.repeated
        assert not first.repeated
        assert again.document_number == first.document_number


def test_a_found_document_carries_its_total_and_sign() -> None:
    with rig() as r:
        r.driver.open_shift()
        result = r.driver.process_check(sample_receipt())
        info = r.driver.find_document(result.document_number)
        assert info is not None
        assert (info.document_type, info.total, info.fiscal_sign) == (
            3,
            result.total,
            result.fiscal_sign,
        )
        assert r.driver.find_document(99) is None


def test_a_receipt_the_device_refuses_is_cancelled_and_reported() -> None:
    with rig() as r:
        r.driver.open_shift()
        receipt = sample_receipt()
        # Bypass Receipt's own checks to make the device refuse the close (0x45).
        object.__setattr__(receipt, "payments", (Payment(PaymentType.CASH, Decimal("1.00")),))
        with pytest.raises(DeviceError, match="0x45"):
            r.driver.process_check(receipt)
        assert r.receipts == 0
        assert r.simulator.device.document is None
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.CANCELLED


def test_a_slow_shift_opening_gets_its_own_long_timeout() -> None:
    with rig() as r:
        r.simulator.delays[0xE0] = 0.6  # longer than answer_timeout, shorter than long_timeout
        assert r.driver.answer_timeout < 0.6 < r.driver.long_timeout
        assert r.driver.open_shift().shift_number == 1
        assert r.simulator.device.executed[0xE0] == 1


def test_opening_an_open_shift_is_a_clear_error() -> None:
    with rig() as r:
        r.driver.open_shift()
        with pytest.raises(DeviceError, match="already open"):
            r.driver.open_shift()


def test_cash_out_beyond_the_drawer_is_refused() -> None:
    with rig() as r:
        r.driver.open_shift()
        with pytest.raises(DeviceError, match="0x46"):
            r.driver.cash_in_outcome(Decimal("-10.00"))


# --- the fault matrix -------------------------------------------------------------------------

LINK_FAULTS = [
    ShtrihFault.DROPPED_ACK,
    ShtrihFault.GARBLED_ACK,
    ShtrihFault.LATE_ACK,
    ShtrihFault.CORRUPTED_CHECKSUM,
    ShtrihFault.TRUNCATED_FRAME,
    ShtrihFault.BYTE_TIMEOUT,
    ShtrihFault.NOISE,
    ShtrihFault.LOST_FRAME,
]


@pytest.mark.parametrize("code", [0x80, 0x85], ids=["on-sale-line", "on-close"])
@pytest.mark.parametrize("fault", LINK_FAULTS, ids=lambda f: f.value)
def test_a_link_fault_still_gives_exactly_one_receipt(fault: ShtrihFault, code: int) -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(fault, on=code)
        result = r.driver.process_check(sample_receipt())
        assert r.simulator.armed == {}  # the fault did fire
        assert r.receipts == 1
        assert r.simulator.device.executed[0x80] == 2  # two lines, none doubled
        assert r.simulator.device.executed[0x85] == 1
        assert result.document_number == 2
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert r.driver.get_current_status().receipt_open is False


@pytest.mark.parametrize("kind", ["pty", "tcp"])
@pytest.mark.parametrize("fault", [ShtrihFault.GARBLED_ACK, ShtrihFault.CORRUPTED_CHECKSUM])
def test_link_faults_recover_over_real_pty_and_tcp(kind: str, fault: ShtrihFault) -> None:
    with rig(kind) as r:
        r.driver.open_shift()
        r.simulator.inject(fault, on=0x85)
        r.driver.process_check(sample_receipt())
        assert r.simulator.armed == {}
        assert r.receipts == 1


def test_a_lost_ack_is_never_followed_by_a_blind_resend() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.GARBLED_ACK, on=0x85)
        r.driver.process_check(sample_receipt())
        assert sum(1 for p in r.simulator.received if p[0] == 0x85) == 1


def test_a_frame_the_device_naks_is_resent_and_executed_once() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.BYTE_TIMEOUT, on=0x85)
        r.driver.process_check(sample_receipt())
        assert sum(1 for p in r.simulator.received if p[0] == 0x85) == 2
        assert r.simulator.device.executed[0x85] == 1


def test_a_close_lost_on_the_line_is_sent_again_only_after_an_enq_proves_it_never_arrived() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.LOST_FRAME, on=0x85)
        r.driver.process_check(sample_receipt())
        assert r.driver.link.sent_frames == len(r.simulator.received) + 1  # one lost, resent
        assert r.simulator.device.executed[0x85] == 1
        assert r.receipts == 1


def test_a_leftover_answer_at_connect_is_drained() -> None:
    with rig() as r:
        r.simulator.inject(ShtrihFault.LEFTOVER_ANSWER)
        r.driver.open_shift()
        r.driver.process_check(sample_receipt())
        assert r.receipts == 1


def test_a_busy_device_is_waited_out_within_the_bound() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.BUSY)
        started = time.monotonic()
        r.driver.process_check(sample_receipt())
        assert time.monotonic() - started < 1.0
        assert r.receipts == 1


def test_a_device_busy_for_too_long_gives_a_timeout_error() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.device.busy_left = 10**6
        with pytest.raises(DeviceTimeoutError, match="printing"):
            r.driver.process_check(sample_receipt())
        assert r.receipts == 0


def test_paper_out_refuses_the_receipt_until_paper_is_loaded() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.PAPER_OUT)
        with pytest.raises(PaperOutError, match="paper") as refused:
            r.driver.process_check(sample_receipt())
        assert r.receipts == 0
        assert r.journal.get("r-1") is None
        # the cashier reads what to do in Russian; the developer detail stays in the fields
        assert refused.value.cashier_message.startswith("Закончилась бумага")
        assert refused.value.details["protocol"] == "shtrih-m"
        r.simulator.device.load_paper()
        r.driver.process_check(sample_receipt())
        assert r.receipts == 1


def test_paper_out_while_printing_keeps_the_receipt_and_continues_after_loading() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.PAPER_OUT_AFTER_CLOSE)
        first = r.driver.process_check(sample_receipt("r-1"))
        assert r.receipts == 1
        assert not first.repeated
        with pytest.raises(PaperOutError):
            r.driver.process_check(sample_receipt("r-2"))
        r.simulator.device.load_paper()  # now waiting for continue-print (submode 3)
        r.driver.process_check(sample_receipt("r-2"))
        assert r.simulator.device.continued == 1
        assert r.receipts == 2


def test_waiting_for_continue_print_is_continued() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.WAIT_CONTINUE_PRINT)
        r.driver.process_check(sample_receipt())
        assert r.simulator.device.continued == 1
        assert r.simulator.device.submode == 0


def test_power_loss_after_close_is_settled_from_the_fiscal_storage() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.POWER_LOSS_AFTER_CLOSE)
        result = r.driver.process_check(sample_receipt())
        assert r.receipts == 1
        assert result.document_number == 2
        assert not result.repeated
        assert r.simulator.device.continued == 1
        assert r.driver.process_check(sample_receipt()).repeated
        assert r.receipts == 1


def test_an_expired_shift_allows_only_a_z_report() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.SHIFT_EXPIRED)
        assert r.driver.get_current_status().shift_state is ShiftState.EXPIRED
        with pytest.raises(ShiftExpiredError, match="Z report"):
            r.driver.process_check(sample_receipt())
        with pytest.raises(ShiftExpiredError):
            r.driver.open_shift()
        assert r.receipts == 0
        r.driver.close_shift()
        r.driver.open_shift()
        r.driver.process_check(sample_receipt())
        assert r.receipts == 1


def test_a_silent_device_gives_a_timeout_error_quickly() -> None:
    with rig() as r:
        r.simulator.inject(ShtrihFault.NO_REPLY)
        started = time.monotonic()
        with pytest.raises(DeviceTimeoutError, match="no connection"):
            r.driver.open_shift()
        assert time.monotonic() - started < 2.0
        assert r.receipts == 0


def test_a_device_dying_after_close_is_settled_after_restart() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.NO_REPLY, on=0x85)
        with pytest.raises(DeviceTimeoutError):
            r.driver.process_check(sample_receipt())
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.CLOSING
        assert entry.expected_document == 2
        r.simulator.silent = False  # the device is back; the POS restarts
        settled = r.new_driver().recover()
        assert [s.document_number for s in settled] == [2]
        assert r.new_driver().process_check(sample_receipt()).repeated
        assert r.receipts == 1


def test_a_receipt_left_open_before_close_is_cancelled_after_restart() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.NO_REPLY, on=0x80)
        with pytest.raises(DeviceTimeoutError):
            r.driver.process_check(sample_receipt())
        assert r.simulator.device.mode & 0x0F == 8  # the receipt is left open
        r.simulator.silent = False
        assert r.new_driver().recover() == []
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.CANCELLED
        assert r.simulator.device.document is None
        r.new_driver().process_check(sample_receipt())  # the same receipt, now for real
        assert r.receipts == 1


def test_a_sent_close_that_never_reached_the_device_is_finished_not_cancelled() -> None:
    with rig() as r:
        r.driver.open_shift()
        device = r.simulator.device
        receipt = sample_receipt()
        device.handle(codec.OpenReceipt(1, 0))
        for line in receipt.fiscal_lines():
            device.handle(
                codec.Sale(1, int(line.quantity * 1000), int(line.price * 100), 1, (1, 0, 0, 0), "")
            )
            if line.discount:
                device.handle(codec.Discount(1, int(line.discount * 100), (1, 0, 0, 0), ""))
        r.journal.record(
            JournalEntry("r-1", JournalState.CLOSING, receipt.total, expected_document=2)
        )
        with pytest.raises(DeviceError, match="pass the receipt"):
            r.new_driver().recover()
        result = r.new_driver().process_check(receipt)
        assert result.document_number == 2
        assert r.receipts == 1
        assert device.executed[0x88] == 0


def test_a_foreign_open_receipt_is_cancelled_before_a_new_document() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.device.handle(codec.OpenReceipt(1, 0))
        r.driver.process_check(sample_receipt())
        assert r.simulator.device.executed[0x88] == 1
        assert r.receipts == 1


def test_weighed_goods_and_a_receipt_discount_reach_the_device_exactly() -> None:
    with rig() as r:
        r.driver.open_shift()
        receipt = Receipt(
            "w-1",
            ReceiptKind.SALE,
            lines=(ReceiptLine("Яблоки", Decimal("47.800"), Decimal("21.99")),),
            payments=(Payment(PaymentType.ELECTRONIC, Decimal("1051.00")),),
            discount=Decimal("0.12"),
        )
        r.driver.process_check(receipt)
        assert r.simulator.device.receipts[0].total == 105100


class PowerCutJournal(MemoryFiscalJournal):
    """A journal whose writes without ``durable`` are lost by a power cut until the
    next durable write forces them (and everything before it) to disk."""

    def __init__(self) -> None:
        super().__init__()
        self.disk: dict[str, JournalEntry] = {}
        self.writes: list[tuple[JournalState, bool]] = []

    def record(self, entry: JournalEntry, *, durable: bool = True) -> None:
        super().record(entry)
        self.writes.append((entry.state, durable))
        if durable:
            self.disk = {e.receipt_id: e for e in self._entries.values()}

    def after_power_cut(self) -> MemoryFiscalJournal:
        survivor = MemoryFiscalJournal()
        for kept in self.disk.values():
            survivor.record(kept)
        return survivor


def test_a_receipt_forces_only_its_closing_entry_to_disk() -> None:
    journal = PowerCutJournal()
    with rig(journal=journal) as r:
        r.driver.open_shift()
        r.driver.process_check(sample_receipt())
    assert journal.writes == [
        (JournalState.STARTED, False),
        (JournalState.CLOSING, True),
        (JournalState.DONE, False),
    ]


def test_a_power_cut_that_loses_done_leaves_the_receipt_fiscal_once() -> None:
    journal = PowerCutJournal()
    with rig(journal=journal) as r:
        r.driver.open_shift()
        first = r.driver.process_check(sample_receipt())
        survivor = journal.after_power_cut()
        lost = survivor.get("r-1")
        assert lost is not None
        assert lost.state is JournalState.CLOSING  # "done" died with the power
        driver = ShtrihDriver(r.transport, survivor, clock=r.simulator.device, **FAST_TIMEOUTS)
        assert [s.document_number for s in driver.recover()] == [first.document_number]
        again = driver.process_check(sample_receipt())
        assert again.repeated
        assert (again.document_number, again.fiscal_sign) == (
            first.document_number,
            first.fiscal_sign,
        )
        assert r.receipts == 1


def test_a_power_cut_that_loses_started_annuls_the_open_receipt_and_prints_once() -> None:
    journal = PowerCutJournal()
    with rig(journal=journal) as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.NO_REPLY, on=0x80)
        with pytest.raises(DeviceTimeoutError):
            r.driver.process_check(sample_receipt())
        assert r.simulator.device.mode & 0x0F == 8  # the receipt is left open
        survivor = journal.after_power_cut()
        assert survivor.get("r-1") is None  # "started" died with the power
        r.simulator.silent = False
        driver = ShtrihDriver(r.transport, survivor, clock=r.simulator.device, **FAST_TIMEOUTS)
        result = driver.process_check(sample_receipt())
        assert not result.repeated
        assert r.simulator.device.executed[0x88] == 1  # the orphan was annulled first
        assert r.receipts == 1


def test_a_receipt_reads_the_state_once_and_the_fiscal_storage_before_open_and_close() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.driver.process_check(sample_receipt("r-1"))  # the first looks the shift's opening up
        sent = len(r.simulator.received)
        r.driver.process_check(sample_receipt("r-2"))
        codes = [codec.split_code(p)[0] for p in r.simulator.received[sent:]]
    # status, fiscal storage (its date-time bounds the receipt) and shift; open, two lines
    # with their discounts, subtotal; the fiscal storage again (the number journalled before
    # close), close; the document read back for its fiscal sign; the status after the print.
    assert codes == [0x10, 0xFF01, 0xFF40, 0x8D, 0x80, 0x86, 0x80, 0x86, 0x89, 0xFF01, 0x85,
                     0xFF0A, 0x10]  # fmt: skip
