"""FFD 1.2 correction receipts [чек коррекции] with lines: the ATOL task, exactly once.

Field names of the ATOL JSON task (not ours): ``sellCorrection`` /
``buyCorrection``, ``correctionType`` ``"self"`` or ``"instruction"`` (FFD tag
1173: 0 on one's own initiative, 1 by order of the tax authority),
``correctionBaseDate`` as ``YYYY.MM.DD`` (tag 1178), ``correctionBaseNumber``
(tag 1179), then ``items`` and ``payments`` as in a receipt. They come from
ATOL's JSON task description as quoted in independent integrations (an ATOL
task validator, ``validateNewCorrection``, which accepts only "self" and
"instruction" and checks the date against a ``YYYY.MM.DD`` pattern; Go and 1C
clients whose ``TCorrectionCheck`` carries the same fields); atol-client 1.14.6
sends ``sellCorrection`` / ``buyCorrection``.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from tests.unit.hardware.test_shtrih_fault_matrix import (
    DEVICE_FAULTS,
    LINK_FAULTS,
    Pos,
    fast_simulator,
    known_end_state,
)

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import DeviceError, InvalidAmountError, InvalidInputError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.atol.client import _correction_task
from salescore.hardware.atol.fake import FAULTS, STEPS
from salescore.hardware.fiscal import (
    Correction,
    CorrectionType,
    JournalState,
    Payment,
    PaymentMethod,
    PaymentType,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.tax import VatRate
from salescore.testing.devices import Rig, shtrih_rig

FIX = Correction(
    "corr-13",
    ReceiptKind.SALE,
    Decimal("245.50"),
    lines=(
        ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
        ReceiptLine(
            "Доставка",
            Decimal("1"),
            Decimal("154.50"),
            VatRate.parse("10"),
            payment_method=PaymentMethod.FULL_PREPAYMENT,
        ),
    ),
    payments=(Payment(PaymentType.CASH, Decimal("300.00")),),
    correction_type=CorrectionType.BY_ORDER,
    base_date=dt.date(2026, 3, 2),
    base_number="АБ-17",
)
"""91.00 + 154.50 = 245.50, paid 300.00 in cash: 54.50 change."""


def test_the_task_carries_the_basis_items_and_payments() -> None:
    task = _correction_task(FIX)
    assert task["type"] == "sellCorrection"
    assert task["correctionType"] == "instruction"
    assert task["correctionBaseDate"] == "2026.03.02"
    assert task["correctionBaseNumber"] == "АБ-17"
    assert [i["tax"]["type"] for i in task["items"]] == ["vat22", "vat10"]
    assert [i["paymentMethod"] for i in task["items"]] == ["fullPayment", "fullPrepayment"]
    assert task["payments"] == [{"type": "cash", "sum": Decimal("300.00")}]
    assert task["total"] == Decimal("245.50")
    buy = Correction(
        "c-b", ReceiptKind.BUY, FIX.total, FIX.lines, FIX.payments, base_date=dt.date(2026, 1, 5)
    )
    assert _correction_task(buy)["type"] == "buyCorrection"
    assert _correction_task(buy)["correctionType"] == "self"


def test_a_correction_with_lines_is_checked_before_anything_is_sent() -> None:
    with pytest.raises(InvalidAmountError, match="not the sum of its lines"):
        Correction(
            "c",
            ReceiptKind.SALE,
            Decimal("1.00"),
            FIX.lines,
            FIX.payments,
            base_date=dt.date(2026, 1, 5),
        )
    with pytest.raises(InvalidInputError, match="base_date"):
        Correction("c", ReceiptKind.SALE, FIX.total, FIX.lines, FIX.payments)
    with pytest.raises(InvalidAmountError, match="less than the total"):
        Correction(
            "c",
            ReceiptKind.SALE,
            FIX.total,
            FIX.lines,
            (Payment(PaymentType.CASH, Decimal("1.00")),),
            base_date=dt.date(2026, 1, 5),
        )
    with pytest.raises(InvalidInputError, match="lines"):
        _correction_task(Correction("c", ReceiptKind.SALE, Decimal("1.00")))


def _client(url: str) -> AtolTaskClient:
    return AtolTaskClient(url, poll_interval=0.01, deadline=1.5, timeout=0.25, post_attempts=2)


CASES = [(step, kind) for step in STEPS for kind in FAULTS]


@pytest.mark.parametrize(("step", "kind"), CASES, ids=[f"{k}@{s}" for s, k in CASES])
def test_one_correction_under_every_http_fault(step: str, kind: str) -> None:
    with FakeAtolServer() as server:
        server.slow_delay = 0.4
        journal = MemoryFiscalJournal()
        AtolWebDriver(server.url, journal, client=_client(server.url)).open_shift()
        server.fail(step, kind)
        result = None
        outcomes: list[ReceiptOutcome] = []
        for _ in range(6):
            driver = AtolWebDriver(server.url, journal, client=_client(server.url))
            try:
                result = driver.process_correction_check(FIX)
                break
            except DeviceError as exc:
                outcomes.append(exc.details["outcome"])
        assert result is not None
        assert set(outcomes) <= {ReceiptOutcome.UNKNOWN}  # the only right end before done
        assert server.faults == {}
        corrections = [d for d in server.documents if d["documentType"] == 31]
        assert len(corrections) == 1
        doc = corrections[0]
        assert (Decimal(doc["total"]), doc["payments"]) == (Decimal("245.50"), {"cash": "245.50"})
        assert doc["correctionBaseDate"] == "2026.03.02"
        assert len(server.receipt_posts) == 1
        entry = journal.get("corr-13")
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == doc["fiscalDocumentNumber"] == result.document_number
        assert result.change == Decimal("54.50")
        again = AtolWebDriver(server.url, journal, client=_client(server.url))
        assert again.process_correction_check(FIX).repeated


def test_the_fake_refuses_a_base_date_atol_would_refuse() -> None:
    with FakeAtolServer() as server:
        server.shift_open = True
        bad = {**_correction_task(FIX), "correctionBaseDate": "02.03.2026"}
        result = server._execute(bad)
        assert result["status"] == "error"


def test_an_ffd_105_shtrih_driver_refuses_a_correction_with_lines() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        sent = len(r.simulator.received)
        with pytest.raises(InvalidInputError, match=r"FFD 1\.2 document"):
            r.driver.process_correction_check(FIX)
        assert r.journal.get("corr-13") is None
        assert len(r.simulator.received) == sent


# --- Shtrih-M, FFD 1.2: the correction receipt with lines ------------------------------------
#
# The sequence is the vendor's JavaPOS driver's (shtrih-m/javapos_shtrih, since 2021-11-03,
# "Added correction receipt support"): 0x8D with the receipt type + 0x80
# (PrinterConst.SMFP_RECTYPE_CORRECTION_SALE = 0x80 ... _RETBUY = 0x83), the document's
# TLVs by 0xFF0C right after opening (SMFiscalPrinterImpl.openReceipt -> writeTLVItems),
# the lines by 0xFF46 with the ordinary operation (FSSalesReceipt.printReceiptItem maps
# CORRECTION_SALE to printSale), and 0xFF45. Tag 1174 is the STLV of 1178 (UnixTime) and
# 1179 (string), as the FFD's tag table and both vendor drivers' TLV tables type them.


def _correction_commands(r: Rig) -> list[codec.Command]:
    return [codec.decode_command(p) for p in r.simulator.received]


def test_shtrih_sends_a_correction_with_lines_as_the_vendor_driver_does() -> None:
    with shtrih_rig(ffd="1.2") as r:
        r.driver.open_shift()
        result = r.driver.process_correction_check(FIX)
        sent = _correction_commands(r)
        opened = next(c for c in sent if isinstance(c, codec.OpenReceipt))
        assert opened.kind == 0x80
        tags = [c.tlv for c in sent if isinstance(c, codec.SendTlv)]
        basis = codec.encode_tlv(1178, (1772409600).to_bytes(4, "little"))  # 2026-03-02 00:00
        basis += codec.encode_tlv(1179, "АБ-17".encode("cp866"))
        correction_type = bytes.fromhex("9504 0100 01")  # tag 1173 = 0x0495, 1 byte: 1
        assert tags == [correction_type, codec.encode_tlv(1174, basis)]
        assert [c.code for c in sent if c.code in (0x8D, 0xFF0C, 0xFF46, 0xFF45)] == [
            0x8D,
            0xFF0C,
            0xFF0C,
            0xFF46,
            0xFF46,
            0xFF45,
        ]
        [doc] = [d for d in r.simulator.device.documents if d.document_type == 31]
        assert (doc.total, doc.calculation_type, doc.payments) == (24550, 1, ((1031, 24550),))
        assert doc.items == ("Хлеб", "Доставка")
        assert codec.decode_tlvs(doc.extra_tlv)[1173] == b"\x01"
        assert r.simulator.device.receipts == []
        assert result.document_number == doc.number
        assert result.change == Decimal("54.50")
        entry = r.journal.get("corr-13")
        assert entry is not None
        assert (entry.state, entry.document_type) == (JournalState.DONE, 31)
        again = r.new_driver().process_correction_check(FIX)
        assert again.repeated
        assert again.document_number == doc.number


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (ShtrihFault.ACK_TO_NAK, 0xFF46),
        (ShtrihFault.DUPLICATED_FRAME, 0xFF46),
        (ShtrihFault.LOST_ANSWER, 0xFF0C),
        (ShtrihFault.LOST_ANSWER, 0xFF45),
        (ShtrihFault.LINK_DOWN_AFTER, 0xFF45),
        (ShtrihFault.POWER_LOSS_AFTER, 0xFF45),
        (ShtrihFault.POWER_LOSS_BEFORE, 0xFF46),
        (ShtrihFault.PAPER_OUT_AT, 0xFF45),
    ],
    ids=lambda v: v.value if isinstance(v, ShtrihFault) else f"{v:04X}",
)
def test_a_shtrih_correction_with_lines_is_fiscal_exactly_once(
    fault: ShtrihFault, code: int
) -> None:
    with shtrih_rig(ffd="1.2") as r:
        sim = fast_simulator(r)
        r.driver.open_shift()
        sim.inject(fault, on=code)
        result = None
        outcomes = []
        for _ in range(4):  # the POS repeats the call with the same correction
            try:
                result = r.new_driver().process_correction_check(FIX)
                break
            except DeviceError as exc:
                outcomes.append(exc.details["outcome"])
                time.sleep(0.3)
        assert result is not None
        assert all(isinstance(o, ReceiptOutcome) for o in outcomes)
        assert sim.armed == {}
        corrections = [d for d in sim.device.documents if d.document_type == 31]
        assert [d.total for d in corrections] == [24550]
        assert result.document_number == corrections[0].number
        assert sim.device.document is None


def test_the_opening_and_tag_frames_equal_what_pyshtrih_sends_for_them() -> None:
    pytest.importorskip("pyshtrih", reason="pyshtrih (dev extra) is not installed")
    from tests.unit.hardware.test_shtrih_interop import pyshtrih_on

    from salescore.hardware.shtrih.driver import _correction_tlvs
    from salescore.hardware.shtrih.simulator import ShtrihSimulator

    simulator = ShtrihSimulator()
    kind_tag, basis_tag = _correction_tlvs(FIX)
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0x80)  # pyshtrih has no correction with lines: its 0x8D and 0xFF0C
        opened = simulator.device.document
        device.send_tlv_struct(kind_tag)
        device.send_tlv_struct(basis_tag)
        device.cancel_check()
        password = device.password
    assert opened is not None
    assert opened.correction
    frames = [p for p in simulator.received if codec.split_code(p)[0] in (0x8D, 0xFF0C)]
    assert frames == [
        codec.OpenReceipt(password, 0x80).encode(),
        codec.SendTlv(30, kind_tag).encode(),
        codec.SendTlv(30, basis_tag).encode(),
    ]


CORRECTION_STEPS = {"open": 0x8D, "tags": 0xFF0C, "line": 0xFF46, "close": 0xFF45}
CORRECTION_CASES = [(f, s) for f in LINK_FAULTS + DEVICE_FAULTS for s in CORRECTION_STEPS]
CORRECTION_KILLS = [(None, s) for s in CORRECTION_STEPS] + [
    (f, s) for f in (ShtrihFault.LOST_ANSWER, ShtrihFault.POWER_LOSS_AFTER) for s in ("close",)
]


def _correct_under(fault: ShtrihFault, code: int, *, kill: bool) -> None:
    with shtrih_rig(ffd="1.2") as r:
        sim = fast_simulator(r)
        sim.inject(fault, on=code)
        pos = Pos(r, code if kill else None)

        def once() -> object:
            pos.ensure_shift()
            try:
                return pos.driver.process_correction_check(FIX)
            except DeviceError as exc:
                known_end_state(exc)  # every error names where the correction stands
                raise

        result = pos.retrying(once)
        assert sim.armed == {}, "the fault never fired"
        corrections = [d for d in sim.device.documents if d.document_type == 31]
        assert [(d.total, d.payments) for d in corrections] == [(24550, ((1031, 24550),))]
        assert sim.device.receipts == []
        entry = r.journal.get(FIX.correction_id)
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == corrections[0].number
        assert getattr(result, "document_number", None) == corrections[0].number
        assert r.journal.unfinished() == []
        assert sim.device.document is None


@pytest.mark.parametrize(
    ("fault", "step"), CORRECTION_CASES, ids=[f"{f.value}@{s}" for f, s in CORRECTION_CASES]
)
def test_one_shtrih_correction_under_every_fault(fault: ShtrihFault, step: str) -> None:
    _correct_under(fault, CORRECTION_STEPS[step], kill=False)


@pytest.mark.parametrize(
    ("fault", "step"),
    CORRECTION_KILLS,
    ids=[f"{f.value if f else 'none'}@{s}" for f, s in CORRECTION_KILLS],
)
def test_one_shtrih_correction_when_the_pos_is_killed(fault: ShtrihFault | None, step: str) -> None:
    _correct_under(fault or ShtrihFault.PAPER_NEAR_END, CORRECTION_STEPS[step], kill=True)


def test_a_closing_correction_found_as_a_plain_receipt_after_a_restart_is_not_closed() -> None:
    from salescore.hardware.fiscal import JournalEntry
    from salescore.hardware.shtrih.simulator import OpenDocument

    with shtrih_rig(ffd="1.2") as r:
        r.driver.open_shift()
        device = r.simulator.device
        # The POS died after "close" was sent; the register has a plain receipt of the
        # correction's lines and total open (the correction was lost, a line went again).
        r.journal.record(
            JournalEntry(
                FIX.correction_id,
                JournalState.CLOSING,
                FIX.total,
                change=FIX.change,
                payments=FIX.payment_split(),
                expected_document=len(device.documents) + 1,
                document_type=31,
            )
        )
        device.document = OpenDocument(0, line_sums=[24550], names=["Хлеб", "Доставка"])
        result = r.new_driver().process_correction_check(FIX)
        assert device.receipts == []
        corrections = [d for d in device.documents if d.document_type == 31]
        assert [d.number for d in corrections] == [result.document_number]
        assert "receipt cancelled" in device.printed
