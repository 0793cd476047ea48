"""Shtrih-M faults of issue 13: held answers, subtotal and change, paper, lost close answers.

Each test fails on a driver that discards a held answer and resends, trusts
the device without comparing its subtotal, annuls a paid receipt when the paper
ends, reports a lost close answer as "not delivered", or matches a fiscal
document by type and total alone.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from salescore.errors import (
    DeviceError,
    FiscalStateUnknownError,
    PaperOutError,
    ProtocolError,
    ReceiptMismatchError,
)
from salescore.hardware.fiscal import (
    JournalEntry,
    JournalState,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.testing.devices import sample_receipt
from salescore.testing.devices import shtrih_rig as rig

# --- 1. the link layer ------------------------------------------------------------------------


@pytest.mark.parametrize("code", [0x8D, 0x80, 0x86, 0x89, 0x85])
def test_an_ack_damaged_into_nak_uses_the_held_answer_and_registers_once(code: int) -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.ACK_TO_NAK, on=code)
        result = r.driver.process_check(sample_receipt())
        assert r.simulator.armed == {}
        times = 2 if code in (0x80, 0x86) else 1  # two lines, each with a discount share
        assert r.simulator.device.executed[code] == times
        assert sum(1 for p in r.simulator.received if p[0] == code) == times  # no resend
        assert r.driver.link.held_answers_used == 1
        assert r.receipts == 1
        assert codec.from_kopecks(r.simulator.device.receipts[0].total) == result.total


def test_the_open_shift_answer_with_the_operator_byte_is_accepted() -> None:
    with rig() as r:
        r.simulator.device.open_shift_answers_operator = True
        assert r.driver.open_shift().shift_number == 1


def test_reply_decoding_ignores_trailing_bytes_and_names_the_command_when_short() -> None:
    assert codec.decode_reply(bytes([0xE0, 0, 1])) == (0xE0, 0, codec.EmptyReply())
    with pytest.raises(ProtocolError, match="0x85") as info:
        codec.decode_reply(bytes([0x85, 0, 1]))
    assert info.value.details["command"] == 0x85
    with pytest.raises(ProtocolError, match=r"reply to 0x80 \(OperatorReply\)"):
        codec.decode_reply(bytes([0x80, 0]))


def test_a_command_still_refuses_trailing_bytes() -> None:
    with pytest.raises(ProtocolError, match="trailing"):
        codec.decode_command(codec.OpenShift(1).encode() + b"\x00")


# --- 2. receipt integrity ----------------------------------------------------------------------


def test_a_line_the_device_registered_twice_annuls_the_receipt_before_close() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.DOUBLE_REGISTRATION, on=0x80)
        with pytest.raises(ReceiptMismatchError, match="subtotal") as info:
            r.driver.process_check(sample_receipt())
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        assert info.value.details["protocol"] == "shtrih-m"
        assert r.receipts == 0
        assert r.simulator.device.executed[0x85] == 0
        assert r.simulator.device.document is None
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.CANCELLED
        r.driver.process_check(sample_receipt())  # rung again: one receipt
        assert r.receipts == 1


def test_a_change_the_device_computed_differently_is_reported_with_the_fiscal_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with rig() as r:
        r.driver.open_shift()
        receipt = sample_receipt()  # 500 cash for 400: change 100
        sent = r.driver._close_command(receipt)
        assert isinstance(sent, codec.CloseReceipt)
        # The device takes 450 in cash (a payment mapped wrongly on the way).
        monkeypatch.setattr(r.driver, "_close_command", lambda _: attrs.evolve(sent, cash=45000))
        with pytest.raises(ReceiptMismatchError, match="change") as info:
            r.driver.process_check(receipt)
        assert info.value.details["outcome"] is ReceiptOutcome.DONE
        assert info.value.details["device_change"] == Decimal("50.00")
        assert r.receipts == 1


def test_paper_out_at_close_waits_for_paper_and_never_annuls_the_paid_receipt() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.PAPER_OUT_AT, on=0x85)  # the operator loads in 0.2 s
        result = r.driver.process_check(sample_receipt())
        assert r.simulator.device.executed[0x88] == 0
        assert r.receipts == 1
        assert result.document_number == 2


def test_paper_that_never_comes_leaves_the_paid_receipt_pending_then_finishes_it() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.paper_reload_delay = None
        r.simulator.inject(ShtrihFault.PAPER_OUT_AT, on=0x85)
        with pytest.raises(PaperOutError, match="never refund") as info:
            r.driver.process_check(sample_receipt())
        assert info.value.details["outcome"] is ReceiptOutcome.PENDING
        assert r.simulator.device.executed[0x88] == 0
        assert r.simulator.device.document is not None  # still open, kept
        r.simulator.device.load_paper()
        result = r.new_driver().process_check(sample_receipt())
        assert result.repeated
        assert r.receipts == 1


def test_paper_out_while_the_closed_receipt_prints_is_waited_for_and_continued() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.PAPER_OUT_AFTER, on=0x85)
        result = r.driver.process_check(sample_receipt())
        assert result.warnings == ()
        assert r.simulator.device.continued == 1
        assert r.receipts == 1


# --- 3. a lost answer to close -------------------------------------------------------------


def test_a_short_outage_after_close_is_resolved_from_the_fiscal_storage() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.LINK_DOWN_AFTER, on=0x85)
        result = r.driver.process_check(sample_receipt())
        assert (result.document_number, result.repeated) == (2, False)
        assert r.receipts == 1


def test_a_long_outage_after_close_is_unknown_never_not_delivered() -> None:
    with rig() as r:
        r.driver.open_shift()
        r.simulator.outage = 2.5  # the cable is out longer than recovery_timeout (1 s)
        r.simulator.inject(ShtrihFault.LINK_DOWN_AFTER, on=0x85)
        with pytest.raises(FiscalStateUnknownError, match="do not refund") as info:
            r.driver.process_check(sample_receipt())
        assert info.value.details["outcome"] is ReceiptOutcome.UNKNOWN
        assert info.value.details.get("delivered") is not False
        entry = r.journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.CLOSING
        assert r.receipts == 1  # it is in the fiscal storage
        import time

        time.sleep(1.6)  # the cable is back
        again = r.new_driver().process_check(sample_receipt())
        assert again.repeated
        assert again.document_number == 2
        assert r.receipts == 1


def test_power_lost_before_close_arrives_cancels_and_says_so() -> None:
    # The close never reached the device and the power cut lost the open receipt.
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.POWER_LOSS_BEFORE, on=0x85)
        with pytest.raises(DeviceError, match="ring it again") as info:
            r.driver.process_check(sample_receipt())
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        assert r.receipts == 0


# --- 4. the journal ----------------------------------------------------------------------------


def card_receipt(receipt_id: str) -> Receipt:
    line = ReceiptLine("Хлеб", Decimal("1"), Decimal("70.00"))
    return Receipt(receipt_id, ReceiptKind.SALE, (line,), (Payment(PaymentType.CASH, Decimal(70)),))


def test_an_unfinished_entry_is_settled_before_the_next_document() -> None:
    with rig() as r:
        r.driver.open_shift()
        a, b = card_receipt("a"), card_receipt("b")
        # "a" was being closed as document 2 when the device lost it (power cycle).
        r.journal.record(
            JournalEntry(
                "a",
                JournalState.CLOSING,
                a.total,
                expected_document=2,
                payments=a.payment_split(),
                not_before="2026-11-23T12:01",
            )
        )
        assert r.driver.process_check(b).document_number == 2
        entry = r.journal.get("a")
        assert entry is not None
        assert entry.state is JournalState.CANCELLED  # settled before "b" was opened
        again = r.driver.process_check(a)
        assert (again.document_number, again.repeated) == (3, False)
        assert r.receipts == 2


def test_a_document_of_the_same_total_but_another_payment_split_is_not_taken_for_ours() -> None:
    with rig() as r:
        r.driver.open_shift()
        device = r.simulator.device
        # Another receipt of the same total, paid by card, took document 2 on the device.
        device.handle(codec.OpenReceipt(1, 0))
        device.handle(codec.Sale(1, 1000, 7000, 1, (1, 0, 0, 0), "Хлеб"))
        device.handle(codec.CloseReceipt(1, 0, 7000, 0, 0, 0, (0, 0, 0, 0), ""))
        mine = card_receipt("mine")
        r.journal.record(
            JournalEntry(
                "mine",
                JournalState.CLOSING,
                mine.total,
                expected_document=2,
                payments=mine.payment_split(),
                not_before="2026-11-23T12:01",
            )
        )
        result = r.driver.process_check(mine)
        assert result.document_number == 3  # not the other receipt's number 2
        assert not result.repeated
        assert r.receipts == 2


def test_the_document_found_carries_its_date_time_and_payment_split() -> None:
    with rig() as r:
        r.driver.open_shift()
        receipt = Receipt(
            "mixed",
            ReceiptKind.SALE,
            (ReceiptLine("Сыр", Decimal("1"), Decimal("300.00")),),
            (
                Payment(PaymentType.ELECTRONIC, Decimal("200.00")),
                Payment(PaymentType.CASH, Decimal(150)),
            ),
        )
        result = r.driver.process_check(receipt)
        info = r.driver.find_document(result.document_number)
        assert info is not None
        assert info.payments == (("cash", Decimal("100.00")), ("electronically", Decimal("200.00")))
        assert info.when == "2026-11-23T12:02"
