"""Marking codes [коды маркировки] on Shtrih-M (FFD 1.2): check, keep, bind — exactly once.

Layouts (golden bytes written by hand, not by our encoder) come from the
vendor's two drivers, which agree byte for byte:

* 0xFF61 — operator password (4), planned status (tag 2003), mode (tag 2102,
  0), the code's length, the TLV list's length, the code as scanned, the TLVs
  (``shtrih-m/opos`` ``FiscalPrinterDevice.FSCheckItemCode``;
  ``shtrih-m/javapos_shtrih`` ``FSCheckMC.encode``). Reply: local check status,
  its reason, the code type (tag 2100), the length of what follows, then the
  storage's answer code and tag 2106.
* 0xFF69 — password, decision (0 reject, 1 accept, 2 empty the buffer)
  (``FSAcceptItemCode``; ``FSAcceptMC``).
* 0xFF67 — password, the code's length, the code (``FSBindItemCode``;
  ``FSBindMC``). Reply: the code type (2 bytes, ``44 4D`` GS1 DataMatrix), the
  DataMatrix kind, the check result when the code was not checked first.

Order: both drivers check the code before the line and bind it after the
line's 0xFF46 on the classic Shtrih-M models (OPOS ``FSSalesReceipt.PrintFSSale``;
JavaPOS ``FSSalesReceipt.printReceiptItem`` unless ``CapOperationTagsFirst``,
which only its CashCore and Shtrih-Mobile models set). The decision reads tag
2106 only (bits: crypto checked, valid, status checked, correct), as JavaPOS's
``checkTag2106`` and ATOL's ``itemInfoCheckResult`` do: the two vendor drivers
name the local-check values differently (OPOS: 1 valid, 2 false; JavaPOS treats
1 as negative), so that byte is never acted on.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest
from tests.unit.hardware.test_atol_fault_matrix import PosKilled, known_end_state
from tests.unit.hardware.test_atol_fault_matrix import client as atol_client
from tests.unit.hardware.test_shtrih_fault_matrix import (
    DEVICE_FAULTS,
    LINK_FAULTS,
    Pos,
    fast_simulator,
)

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import (
    AmbiguousCodeError,
    DeviceError,
    InvalidInputError,
    MarkingCodeRejectedError,
    ProtocolError,
)
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.atol.client import _items
from salescore.hardware.atol.fake import FAULTS, STEPS
from salescore.hardware.fiscal import (
    Correction,
    JournalState,
    MeasureUnit,
    Payment,
    PaymentSubject,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
)
from salescore.hardware.marking import (
    ATOL_PLANNED_STATUS,
    CheckResult,
    PlannedStatus,
    atol_imc,
    marking_payload,
    planned_status,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.testing.devices import Rig, shtrih_rig

GS = "\x1d"
SHOES = "0104600439931256" + "21JgXJ5.T1lO4Vx" + GS + "91EE06" + GS + "92" + "A" * 44
"""A shoe's code: GTIN, serial, key 91, 44-character crypto tail 92 (85 bytes)."""
MILK = "0104650075190012" + "215Tqk'q" + GS + "93dGVz"
"""A dairy code: GTIN, serial, the short 93 tail (no crypto the FN can check)."""

SALE = Receipt(
    "mark-1",
    ReceiptKind.SALE,
    lines=(
        ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
        ReceiptLine("Кроссовки", Decimal("1"), Decimal("4990.00"), marking_code=SHOES),
        ReceiptLine("Молоко", Decimal("1"), Decimal("89.90"), marking_code=MILK),
    ),
    payments=(Payment(PaymentType.ELECTRONIC, Decimal("5170.90")),),
)
"""91.00 + 4990.00 + 89.90 = 5170.90 by card; lines 2 and 3 marked."""
SHOES_ONLY = (Payment(PaymentType.CASH, Decimal("5000.00")),)
"""The shoes alone: 4990.00 paid 5000.00 cash."""


# --- golden bytes ----------------------------------------------------------------------------


def test_check_accept_and_bind_frames_follow_both_vendor_layouts() -> None:
    code = SHOES.encode("ascii")
    assert len(code) == 0x55
    check = codec.CheckMarkingCode(30, 1, 0, code)
    assert check.encode() == bytes.fromhex("ff61 1e000000 01 00 55 00") + code
    assert codec.decode_command(check.encode()) == check
    assert codec.encode_frame(check.encode())[:2] == bytes([0x02, 2 + 4 + 4 + 0x55])
    accept = codec.AcceptMarkingCode(30, 1)
    assert accept.encode() == bytes.fromhex("ff69 1e000000 01")
    bind = codec.BindMarkingCode(1, code)
    assert bind.encode() == bytes.fromhex("ff67 01000000 55") + code
    assert codec.decode_command(bind.encode()) == bind


def test_a_partial_disposal_tlv_travels_after_the_code() -> None:
    tlv = codec.encode_tlv(2108, b"\x0b")
    check = codec.CheckMarkingCode(30, 2, 0, b"01", tlv)
    assert check.encode() == bytes.fromhex("ff61 1e000000 02 00 02 05 3031 3c080100 0b")
    assert codec.decode_command(check.encode()) == check


def test_replies_decode_offline_online_and_with_or_without_2106() -> None:
    _, error, offline = codec.decode_reply(bytes.fromhex("ff61 00 01 00 04 00"))
    assert error == 0
    assert isinstance(offline, codec.MarkingCheckReply)
    assert (offline.local_status, offline.code_type, offline.check_result) == (1, 4, None)
    _, _, online = codec.decode_reply(bytes.fromhex("ff61 00 01 00 04 02 00 0f"))
    assert isinstance(online, codec.MarkingCheckReply)
    assert online.check_result == 0x0F
    _, _, accepted = codec.decode_reply(bytes.fromhex("ff69 00 0f"))
    assert isinstance(accepted, codec.AcceptMarkingReply)
    assert accepted.check_result == 0x0F
    _, _, bare = codec.decode_reply(bytes.fromhex("ff69 00"))  # OPOS: error byte only
    assert isinstance(bare, codec.AcceptMarkingReply)
    assert bare.check_result is None
    _, _, bound = codec.decode_reply(bytes.fromhex("ff67 00 444d 03"))
    assert isinstance(bound, codec.BindMarkingReply)
    assert (bound.code_type, bound.datamatrix) == (b"\x44\x4d", 3)


def test_a_check_frame_whose_lengths_lie_is_a_protocol_error() -> None:
    bad = bytes.fromhex("ff61 1e000000 01 00 09 00") + b"0104"
    with pytest.raises(ProtocolError, match="lengths"):
        codec.decode_command(bad)


# --- the shared layouts ----------------------------------------------------------------------


def test_the_payload_drops_the_symbology_prefix_and_keeps_the_separators() -> None:
    assert marking_payload("]d2" + SHOES) == SHOES.encode("ascii")
    assert marking_payload(SHOES.replace(GS, "<GS>")) == SHOES.encode("ascii")
    assert atol_imc(SHOES).startswith("MDEwNDYwMDQzOTkzMTI1Nj")  # Base64 of "0104600439931256"


def test_a_scan_that_lost_its_separators_is_refused_not_guessed() -> None:
    with pytest.raises(AmbiguousCodeError):
        ReceiptLine("Кроссовки", Decimal(1), Decimal("1.00"), marking_code=SHOES.replace(GS, ""))


@pytest.mark.parametrize(
    ("quantity", "unit"), [(Decimal(2), MeasureUnit.PIECE), (Decimal("0.5"), MeasureUnit.LITER)]
)
def test_a_marked_line_is_one_piece(quantity: Decimal, unit: MeasureUnit) -> None:
    with pytest.raises(InvalidInputError, match="one piece"):
        ReceiptLine("Кроссовки", quantity, Decimal("1.00"), unit=unit, marking_code=SHOES)


def test_planned_status_and_the_2106_bits_match_the_ffd_and_atol_names() -> None:
    sold = planned_status(sale=True, quantity=Decimal(1), piece=True)
    back = planned_status(sale=False, quantity=Decimal(1), piece=True)
    assert (int(sold), int(back)) == (1, 3)
    assert ATOL_PLANNED_STATUS[PlannedStatus.PIECE_SOLD] == "itemPieceSold"
    assert ATOL_PLANNED_STATUS[PlannedStatus.UNCHANGED] == "itemStatusUnchanged"
    atol = {
        "imcCheckFlag": True,
        "imcCheckResult": True,
        "imcStatusInfo": True,
        "imcEstimatedStatusCorrect": False,
        "ecrStandAloneFlag": False,
    }
    assert CheckResult.from_atol(atol) == CheckResult(0b0111)
    assert "marking system refuses" in (CheckResult(0b0111).refusal() or "")
    assert CheckResult(0b0000).refusal() is None  # offline, nothing checked: no refusal
    assert CheckResult(0b0011).refusal() is None  # valid, status not asked (offline)


def test_a_marked_commodity_is_sent_as_a_marked_subject() -> None:
    line = ReceiptLine("Кроссовки", Decimal(1), Decimal("1.00"), marking_code=SHOES)
    assert line.fiscal_subject is PaymentSubject.COMMODITY_MARKED
    plain = ReceiptLine("Хлеб", Decimal(1), Decimal("1.00"))
    assert plain.fiscal_subject is PaymentSubject.COMMODITY


# --- the driver against the simulator ---------------------------------------------------------


def _sent(r: Rig) -> list[codec.Command]:
    return [codec.decode_command(p) for p in r.simulator.received]


def test_a_marked_sale_checks_keeps_registers_and_binds_each_code_in_that_order() -> None:
    with shtrih_rig(ffd="1.2") as r:
        r.driver.open_shift()
        result = r.driver.process_check(SALE)
        device = r.simulator.device
        [receipt] = device.receipts
        assert receipt.total == 517090
        assert result.document_number == receipt.number
        assert receipt.marking_codes == ((1, SHOES), (2, MILK))
        flow = [
            c.code
            for c in _sent(r)
            if c.code in (0xFF61, 0xFF69, 0xFF46, 0xFF4D, 0xFF67, 0xFF45, 0x8D)
        ]
        assert flow == [
            0xFF69,  # 2: the codes kept by an earlier receipt are emptied (OPOS does so)
            0x8D,
            *(0xFF46, 0xFF4D),
            *(0xFF61, 0xFF69, 0xFF46, 0xFF4D, 0xFF67),
            *(0xFF61, 0xFF69, 0xFF46, 0xFF4D, 0xFF67),
            0xFF45,
        ]
        checks = [c for c in _sent(r) if isinstance(c, codec.CheckMarkingCode)]
        assert [(c.planned_status, c.mode, c.tlv) for c in checks] == [(1, 0, b""), (1, 0, b"")]
        subjects = [c.subject for c in _sent(r) if isinstance(c, codec.OperationV2)]
        assert subjects == [1, 33, 33]
        assert SHOES in device.sold_codes


def test_a_false_code_cancels_the_receipt_before_close() -> None:
    with shtrih_rig(ffd="1.2") as r:
        r.simulator.device.false_codes.add(SHOES)
        r.driver.open_shift()
        with pytest.raises(MarkingCodeRejectedError) as info:
            r.driver.process_check(SALE)
        exc = info.value
        assert exc.details["outcome"] is ReceiptOutcome.CANCELLED
        assert exc.details["line"] == 2
        assert exc.details["check_result"] == 0b1101
        assert "уберите товар" in exc.cashier_message
        assert r.simulator.device.receipts == []
        assert r.simulator.device.document is None
        entry = r.journal.get("mark-1")
        assert entry is not None
        assert entry.state is JournalState.CANCELLED
        decisions = [c.decision for c in _sent(r) if isinstance(c, codec.AcceptMarkingCode)]
        assert decisions == [2, 0]  # emptied before the receipt, then the false code dropped
        assert not any(isinstance(c, codec.BindMarkingCode) for c in _sent(r))


def test_a_code_already_sold_is_refused_and_its_return_is_taken() -> None:
    with shtrih_rig(ffd="1.2") as r:
        r.driver.open_shift()
        r.driver.process_check(SALE)
        again = Receipt("mark-2", ReceiptKind.SALE, SALE.lines[1:2], SHOES_ONLY)
        with pytest.raises(MarkingCodeRejectedError, match="already sold"):
            r.driver.process_check(again)
        back = Receipt("mark-3", ReceiptKind.SALE_RETURN, SALE.lines[1:2], SHOES_ONLY)
        r.driver.process_check(back)
        checks = [c for c in _sent(r) if isinstance(c, codec.CheckMarkingCode)]
        assert checks[-1].planned_status == 3
        assert SHOES not in r.simulator.device.sold_codes
        assert len(r.simulator.device.receipts) == 2


def test_offline_the_fiscal_storage_alone_decides() -> None:
    with shtrih_rig(ffd="1.2") as r:
        r.simulator.device.marking_online = False
        r.driver.open_shift()
        r.driver.process_check(SALE)
        assert len(r.simulator.device.receipts) == 1
        r.simulator.device.false_codes.add(SHOES)
        again = Receipt("mark-2", ReceiptKind.SALE, SALE.lines[1:2], SHOES_ONLY)
        with pytest.raises(MarkingCodeRejectedError, match="crypto tail"):
            r.driver.process_check(again)  # 2106 comes with 0xFF69's answer


def test_an_ffd_105_driver_refuses_a_marked_line_before_sending() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        sent = len(r.simulator.received)
        with pytest.raises(InvalidInputError, match=r"ffd='1\.2'"):
            r.driver.process_check(SALE)
        assert len(r.simulator.received) == sent
        assert r.journal.get("mark-1") is None


def test_a_marked_buy_is_refused_before_sending() -> None:
    buy = Receipt("mark-b", ReceiptKind.BUY, SALE.lines[1:2], SHOES_ONLY)
    with shtrih_rig(ffd="1.2") as r:
        r.driver.open_shift()
        with pytest.raises(InvalidInputError, match="sale or a sale return"):
            r.driver.process_check(buy)
        assert r.journal.get("mark-b") is None


# --- exactly once under every fault, on every marking command -------------------------------

MARK_STEPS = {"check": 0xFF61, "accept": 0xFF69, "bind": 0xFF67}
MARK_CASES = [(f, s) for f in LINK_FAULTS + DEVICE_FAULTS for s in MARK_STEPS]


def _run_marked(fault: ShtrihFault, code: int, *, kill: bool) -> None:
    with shtrih_rig(ffd="1.2") as r:
        sim = fast_simulator(r)
        sim.inject(fault, on=code)
        pos = Pos(r, code if kill else None)
        result = pos.sell(SALE)
        assert sim.armed == {}, "the fault never fired"
        [receipt] = sim.device.receipts
        assert receipt.total == 517090 == codec.to_kopecks(result.total)
        assert receipt.marking_codes == ((1, SHOES), (2, MILK))
        entry = r.journal.get(SALE.receipt_id)
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == receipt.number
        assert r.journal.unfinished() == []
        assert sim.device.document is None


@pytest.mark.parametrize(
    ("fault", "step"), MARK_CASES, ids=[f"{f.value}@{s}" for f, s in MARK_CASES]
)
def test_one_marked_receipt_under_every_fault(fault: ShtrihFault, step: str) -> None:
    _run_marked(fault, MARK_STEPS[step], kill=False)


@pytest.mark.parametrize("step", MARK_STEPS)
def test_one_marked_receipt_when_the_pos_is_killed_after_a_marking_command(step: str) -> None:
    _run_marked(ShtrihFault.PAPER_NEAR_END, MARK_STEPS[step], kill=True)


# --- ATOL: imcParams and the validation tasks ------------------------------------------------
#
# Field and task names as public ATOL integrations send them (not as our fake invents them):
# a position's imcParams {imcType "auto", imc Base64, itemEstimatedStatus "itemPieceSold" ...,
# imcModeProcessing 0}; paymentObject "commodityWithMarking" (tag 1212 = 33); the tasks
# beginMarkingCodeValidation {params}, getMarkingCodeValidationStatus {ready,
# onlineValidation.itemInfoCheckResult {imcCheckFlag, imcCheckResult, imcStatusInfo,
# imcEstimatedStatusCorrect, ecrStandAloneFlag}}, acceptMarkingCode and
# clearMarkingCodeValidationResult (a published POS product's AtolWebRequestsDriver; a Go
# and a Dart client with the same itemEstimatedStatus names and their tag 2003 numbers).


def test_an_atol_position_carries_the_marking_code_as_integrations_send_it() -> None:
    [item] = _items(SALE.lines[1:2], ReceiptKind.SALE)
    assert item["paymentObject"] == "commodityWithMarking"
    assert item["imcParams"] == {
        "imcType": "auto",
        "imc": base64.b64encode(SHOES.encode("ascii")).decode("ascii"),
        "itemEstimatedStatus": "itemPieceSold",
        "imcModeProcessing": 0,
    }
    [back] = _items(SALE.lines[1:2], ReceiptKind.SALE_RETURN)
    assert back["imcParams"]["itemEstimatedStatus"] == "itemPieceReturn"
    with pytest.raises(InvalidInputError, match="sale or a sale return"):
        _items(SALE.lines[1:2], ReceiptKind.BUY)


class _Recording(AtolTaskClient):
    """Keeps the type of every task posted."""

    def __init__(self, url: str) -> None:
        super().__init__(url, poll_interval=0.01, deadline=1.5, timeout=0.25, post_attempts=2)
        self.types: list[str] = []

    def submit(self, task_id: str, tasks: Sequence[Mapping[str, Any]]) -> None:
        self.types += [str(t["type"]) for t in tasks]
        super().submit(task_id, tasks)


def test_atol_checks_and_keeps_each_code_then_posts_the_receipt_once() -> None:
    with FakeAtolServer() as server:
        recording = _Recording(server.url)
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=recording)
        driver.open_shift()
        result = driver.process_check(SALE)
        [doc] = server.receipts
        assert doc["markingCodes"] == [SHOES, MILK]
        assert Decimal(doc["total"]) == result.total == Decimal("5170.90")
        marking = [t for t in recording.types if "Marking" in t or t == "sell"]
        each = ["beginMarkingCodeValidation", "getMarkingCodeValidationStatus", "acceptMarkingCode"]
        assert marking == ["clearMarkingCodeValidationResult", *each, *each, "sell"]
        again = AtolWebDriver(server.url, driver.journal, client=_Recording(server.url))
        assert again.process_check(SALE).repeated  # done: no validation, no post


def test_atol_refuses_a_false_or_sold_code_before_posting() -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=_Recording(server.url))
        driver.open_shift()
        server.false_codes.add(SHOES)
        with pytest.raises(MarkingCodeRejectedError, match="crypto tail") as info:
            driver.process_check(SALE)
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        assert server.receipts == []
        assert not server.receipt_posts
        assert journal.get("mark-1") is None
        server.false_codes.clear()
        driver.process_check(SALE)
        again = Receipt("mark-2", ReceiptKind.SALE, SALE.lines[1:2], SHOES_ONLY)
        with pytest.raises(MarkingCodeRejectedError, match="already sold"):
            driver.process_check(again)
        back = Receipt("mark-3", ReceiptKind.SALE_RETURN, SALE.lines[1:2], SHOES_ONLY)
        driver.process_check(back)
        assert SHOES not in server.sold_codes


ATOL_CASES = [(step, kind, kill) for step in STEPS for kind in FAULTS for kill in (False, True)]


@pytest.mark.parametrize(
    ("step", "kind", "kill"),
    ATOL_CASES,
    ids=[f"{k}@{s}{'-killed' if kill else ''}" for s, k, kill in ATOL_CASES],
)
def test_one_marked_atol_receipt_under_every_http_fault(step: str, kind: str, kill: bool) -> None:
    with FakeAtolServer() as server:
        server.slow_delay = 0.4
        journal = MemoryFiscalJournal()
        AtolWebDriver(server.url, journal, client=atol_client(server.url)).open_shift()
        server.fail(step, kind)
        first = atol_client(server.url)
        first.kill = kill
        driver = AtolWebDriver(server.url, journal, client=first)
        result = None
        for _ in range(6):
            try:
                result = driver.process_check(SALE)
                break
            except PosKilled:
                driver = AtolWebDriver(server.url, journal, client=atol_client(server.url))
            except DeviceError as exc:
                known_end_state(exc)
        assert result is not None
        assert server.faults == {}, "the fault never fired"
        [doc] = server.receipts
        assert doc["markingCodes"] == [SHOES, MILK]
        assert len(server.receipt_posts) == 1
        entry = journal.get(SALE.receipt_id)
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == doc["fiscalDocumentNumber"] == result.document_number


def test_a_correction_with_marked_lines_is_refused_as_not_supported() -> None:
    with pytest.raises(InvalidInputError, match="not supported"):
        Correction(
            "corr-m",
            ReceiptKind.SALE,
            Decimal("4990.00"),
            lines=SALE.lines[1:2],
            payments=SHOES_ONLY,
            base_date=dt.date(2026, 3, 2),
        )
