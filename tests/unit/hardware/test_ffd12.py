"""FFD 1.2: Shtrih-M 0xFF46 / 0xFF45 / 0xFF4D / 0xFF0C, correction commands, ATOL JSON tags.

Golden bytes: 0xFF46 and 0xFF45 are written by hand from the vendor's layout
(as transcribed in an independent Go driver for Shtrih: password, operation,
6-byte quantity, price, sum, tax, tax rate, department, 1214, 1212, name;
16 payment sums, rounding, 6 taxes, the 1055 bit, text); 0xFF0C, 0xFF35 and
0xFF36 are the frames pyshtrih 2.0.6 sends.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import DeviceError, InvalidAmountError, InvalidInputError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.atol.client import _receipt_task
from salescore.hardware.fiscal import (
    Correction,
    FiscalWarning,
    MeasureUnit,
    Payment,
    PaymentMethod,
    PaymentSubject,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
    TaxSystem,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.testing.devices import shtrih_rig

SALE = Receipt(
    "ffd-1",
    ReceiptKind.SALE,
    lines=(
        ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
        ReceiptLine(
            "Сыр",
            Decimal("0.347"),
            Decimal("899.90"),
            discount=Decimal("7.74"),
            unit=MeasureUnit.KILOGRAM,
        ),
        ReceiptLine(
            "Доставка",
            Decimal("1"),
            Decimal("150.00"),
            payment_method=PaymentMethod.FULL_PREPAYMENT,
            subject=PaymentSubject.SERVICE,
        ),
    ),
    payments=(
        Payment(PaymentType.ELECTRONIC, Decimal("300.00")),
        Payment(PaymentType.CASH, Decimal("300.00")),
    ),
    tax_system=TaxSystem.SIMPLIFIED_INCOME,
    buyer_contact="+79990001122",
)
"""91.00 + (312.27 - 7.74) + 150.00 = 545.53: 300.00 by card, 245.53 of 300 cash."""


def test_operation_v2_bytes_follow_the_vendor_layout() -> None:
    command = codec.OperationV2(1, 1, 1_000_000, 4550, 4550, codec.NOT_GIVEN, 1, 1, 4, 1, "Хлеб")
    golden = bytes.fromhex(
        "ff46 01000000 01 40420f000000 c611000000 c611000000 ffffffffff 01 01 04 01 d5ebe5e1"
    )
    assert command.encode() == golden
    assert codec.encode_frame(golden)[:2] == bytes([0x02, 36])
    assert codec.decode_command(golden) == command


def test_close_v2_bytes_follow_the_vendor_layout() -> None:
    command = codec.CloseReceiptV2(1, (30000,) + (0,) * 15, 0, (0,) * 6, 1 << 1, "")
    data = command.encode()[2:]
    assert len(data) == 116  # 180 with 64 bytes of text; the text is sent at its length
    assert data[:4] == bytes.fromhex("01000000")
    assert data[4:9] == (30000).to_bytes(5, "little")
    assert data[9:84] == bytes(75)  # payment types 2..16
    assert data[84] == 0  # rounding
    assert data[85:115] == bytes(30)  # six taxes: the device computes
    assert data[115] == 0b10  # 1055: simplified, income


def test_the_driver_sends_a_receipt_with_ffd_12_tags_and_the_device_agrees() -> None:
    with shtrih_rig() as r:
        driver = r.new_driver()
        driver.ffd = "1.2"
        driver.open_shift()
        result = driver.process_check(SALE)
        device = r.simulator.device
        assert result.total == Decimal("545.53")
        assert [d.total for d in device.receipts] == [54553]
        assert device.receipts[0].payments == ((1031, 24553), (1081, 30000))
        sent = [codec.decode_command(p) for p in r.simulator.received]
        lines = [c for c in sent if isinstance(c, codec.OperationV2)]
        assert [(c.payment_method, c.subject) for c in lines] == [(4, 1), (4, 1), (1, 4)]
        cheese = lines[1]
        assert (cheese.amount, cheese.price) == (30453, 87761)  # 877.61 × 0.347 = 304.53
        units = [codec.decode_tlvs(c.tlv) for c in sent if isinstance(c, codec.SendOperationTlv)]
        assert [u[2108] for u in units] == [b"\x00", b"\x0b", b"\x00"]
        contact = [codec.decode_tlvs(c.tlv) for c in sent if isinstance(c, codec.SendTlv)]
        assert contact == [{1008: "+79990001122".encode("cp866")}]
        close = next(c for c in sent if isinstance(c, codec.CloseReceiptV2))
        assert close.tax_system == 0b10
        assert not any(isinstance(c, codec.Sale | codec.CloseReceipt) for c in sent)


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (ShtrihFault.ACK_TO_NAK, 0xFF46),
        (ShtrihFault.LOST_ANSWER, 0xFF45),
        (ShtrihFault.LINK_DOWN_AFTER, 0xFF45),
        (ShtrihFault.POWER_LOSS_AFTER, 0xFF45),
    ],
)
def test_ffd_12_receipts_are_exactly_once_under_faults(fault: ShtrihFault, code: int) -> None:
    with shtrih_rig() as r:
        driver = r.new_driver()
        driver.ffd = "1.2"
        driver.open_shift()
        r.simulator.inject(fault, on=code)
        result = driver.process_check(SALE)
        assert r.simulator.armed == {}
        assert [d.total for d in r.simulator.device.receipts] == [54553]
        assert result.document_number == r.simulator.device.receipts[0].number


def test_a_discounted_line_no_price_can_express_is_refused_before_sending() -> None:
    line = ReceiptLine("Гвозди", Decimal("7.000"), Decimal("1.00"), discount=Decimal("0.04"))
    receipt = Receipt("n-1", ReceiptKind.SALE, (line,), (Payment(PaymentType.CASH, Decimal(7)),))
    with shtrih_rig() as r:
        driver = r.new_driver()
        driver.ffd = "1.2"
        driver.open_shift()
        sent = len(r.simulator.received)
        with pytest.raises(InvalidAmountError, match="split the line"):
            driver.process_check(receipt)
        assert len(r.simulator.received) == sent
        assert r.journal.get("n-1") is None


def test_atol_task_carries_the_ffd_12_values() -> None:
    task = _receipt_task(SALE)
    assert [i["paymentMethod"] for i in task["items"]] == [
        "fullPayment",
        "fullPayment",
        "fullPrepayment",
    ]
    assert [i["paymentObject"] for i in task["items"]] == ["commodity", "commodity", "service"]
    assert [i["measurementUnit"] for i in task["items"]] == ["piece", "kilogram", "piece"]
    assert task["taxationType"] == "usnIncome"
    assert task["clientInfo"] == {"emailOrPhone": "+79990001122"}


def test_correction_and_tlv_frames_equal_what_pyshtrih_sends() -> None:
    pyshtrih = pytest.importorskip("pyshtrih", reason="pyshtrih (dev extra) is not installed")
    from tests.unit.hardware.test_shtrih_interop import pyshtrih_on

    from salescore.hardware.shtrih.simulator import ShtrihSimulator

    del pyshtrih
    simulator = ShtrihSimulator()
    tlv = codec.encode_tlv(1008, b"+79990001122")
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.send_tlv_struct(tlv)
        device.cancel_check()
        device.fs_begin_correction_check()
        device.fs_correction_check(12345, 1)
    seen = {codec.split_code(p)[0]: p for p in simulator.received}
    assert seen[0xFF0C] == codec.SendTlv(30, tlv).encode()
    assert seen[0xFF35] == codec.BeginCorrection(30).encode()
    assert seen[0xFF36] == codec.CorrectionReceipt(30, 12345, 1).encode()
    corrections = [d for d in simulator.device.documents if d.document_type == 31]
    assert [c.total for c in corrections] == [12345]


# --- warnings a POS can show -------------------------------------------------------------------


def test_shtrih_warnings_show_fn_expiry_unsent_documents_and_flags() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        assert r.driver.get_warnings().warnings == ()
        device = r.simulator.device
        device.fn_valid_until = date(2026, 12, 10)  # the last document is of 2026-11-23
        device.unsent_documents = 3
        device.fn_warnings = 0x04
        status = r.driver.get_warnings()
        assert status.warnings == (
            FiscalWarning.FN_MEMORY_FULL,
            FiscalWarning.FN_EXPIRES_SOON,
            FiscalWarning.OFD_UNSENT,
        )
        assert (status.unsent_documents, status.fn_valid_until) == (3, "2026-12-10")


def test_atol_warnings_show_unsent_documents_and_fn_flags() -> None:
    with FakeAtolServer() as server:
        client = AtolTaskClient(server.url, poll_interval=0.01)
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=client)
        assert driver.get_warnings().warnings == ()
        server.unsent_documents = 2
        server.fn_warnings = {"needReplacement": True}
        status = driver.get_warnings()
        assert status.warnings == (FiscalWarning.FN_REPLACE_NOW, FiscalWarning.OFD_UNSENT)
        assert (status.unsent_documents, status.fn_valid_until) == (2, "2027-11-23")


# --- correction receipts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [None, ShtrihFault.ACK_TO_NAK, ShtrihFault.LOST_ANSWER, ShtrihFault.LINK_DOWN_AFTER],
    ids=lambda f: f.value if f else "none",
)
def test_a_correction_receipt_is_made_exactly_once(fault: ShtrihFault | None) -> None:
    correction = Correction("corr-1", ReceiptKind.SALE, Decimal("123.45"))
    with shtrih_rig() as r:
        r.driver.open_shift()
        if fault is not None:
            r.simulator.inject(fault, on=0xFF36)
        result = r.driver.process_correction_check(correction)
        again = r.new_driver().process_correction_check(correction)
        corrections = [d for d in r.simulator.device.documents if d.document_type == 31]
        assert [(d.total, d.calculation_type) for d in corrections] == [(12345, 1)]
        assert result.document_number == corrections[0].number == again.document_number
        assert again.repeated
        assert r.simulator.armed == {}


def test_a_correction_lost_with_the_power_is_cancelled_and_can_be_made_again() -> None:
    correction = Correction("corr-2", ReceiptKind.BUY, Decimal("10.00"))
    with shtrih_rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.POWER_LOSS_BEFORE, on=0xFF36)
        with pytest.raises(DeviceError) as info:
            r.driver.process_correction_check(correction)
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        r.driver.process_correction_check(correction)
        corrections = [d for d in r.simulator.device.documents if d.document_type == 31]
        assert [(d.total, d.calculation_type) for d in corrections] == [(1000, 3)]


def test_a_correction_of_a_return_kind_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="SALE"):
        Correction("c", ReceiptKind.SALE_RETURN, Decimal("1.00"))
