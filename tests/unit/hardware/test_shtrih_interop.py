"""Interop: pyshtrih 2.0.6, an independent Shtrih-M client, drives our simulator.

Over a real pseudo-terminal (``os.openpty``) and over loopback TCP
(pyserial's ``socket://``). The frames pyshtrih sends are also golden
vectors for our encoder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihFault, ShtrihSimulator, serve_tcp
from salescore.hardware.transport import SerialTransport, open_pty
from salescore.testing.devices import FAST_TIMEOUTS, sample_receipt
from salescore.testing.devices import shtrih_rig as rig

pyshtrih = pytest.importorskip("pyshtrih", reason="pyshtrih (dev extra) is not installed")
serial = pytest.importorskip("serial", reason="pyserial (dev extra) is not installed")


@contextmanager
def pyshtrih_on(kind: str, simulator: ShtrihSimulator) -> Iterator[Any]:
    if kind == "pty":
        master, path, slave_fd = open_pty()
        simulator.start(master)
        device = pyshtrih.ShtrihFR01F(port=path, baudrate=115200, timeout=1)
        try:
            device.connect()
            yield device
        finally:
            device.disconnect()
            simulator.stop()
            master.close()
            os.close(slave_fd)
    else:
        server, port = serve_tcp(simulator)
        url = f"socket://127.0.0.1:{port}"
        device = pyshtrih.ShtrihFR01F(port=url, baudrate=115200, timeout=1)
        # pyshtrih builds serial.Serial() itself; a URL needs serial_for_url.
        device.protocol.serial = serial.serial_for_url(
            url, do_not_open=True, timeout=1, write_timeout=1
        )
        try:
            device.connect()
            yield device
        finally:
            device.disconnect()
            simulator.stop()
            server.close()


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_pyshtrih_runs_a_full_receipt_against_our_simulator(kind: str) -> None:
    simulator = ShtrihSimulator()
    with pyshtrih_on(kind, simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.sale(("Хлеб", 1000, 4550), department_num=1, tax1=1)
        device.sale(("Молоко", 2000, 8990), department_num=1, tax1=2)
        change = device.close_check(30000)
        device.x_report()
        device.z_report()
    assert change["Сдача"] == 30000 - (4550 + 17980)
    receipts = simulator.device.receipts
    assert len(receipts) == 1
    assert receipts[0].total == 4550 + 17980
    assert simulator.device.shift_open is False


def test_pyshtrih_frames_equal_our_encoder_bytes() -> None:
    simulator = ShtrihSimulator()
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(2)
        device.return_sale(("Сыр", 347, 89990), department_num=2, tax1=2)
        device.close_check(31227, payment_type2=0)
        device.income(100000)
        device.outcome(500)
        device.fs_state()
        device.fs_find_document_by_num(2)
        device.fs_shift_params()
        device.continue_print()
    ours = {
        0xE0: codec.OpenShift(1),
        0x8D: codec.OpenReceipt(1, 2),
        0x82: codec.SaleReturn(1, 347, 89990, 2, (2, 0, 0, 0), "Сыр"),
        0x85: codec.CloseReceipt(1, 31227, 0, 0, 0, 0, (0, 0, 0, 0), ""),
        0x50: codec.CashIn(1, 100000),
        0x51: codec.CashOut(1, 500),
        0xFF01: codec.FnStatus(30),
        0xFF0A: codec.FnFindDocument(30, 2),
        0xFF40: codec.FnShiftParams(30),
        0xB0: codec.ContinuePrint(30),
        0x10: codec.ShortStatus(1),
        0xFC: codec.DeviceType(),
    }
    seen = {codec.split_code(payload)[0]: payload for payload in simulator.received}
    for code, command in ours.items():
        assert seen[code] == command.encode(), f"command 0x{code:02X}"


def test_pyshtrih_recovers_from_a_corrupted_answer_checksum() -> None:
    simulator = ShtrihSimulator()
    simulator.inject(ShtrihFault.CORRUPTED_CHECKSUM, on=0x85)
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.sale(("Хлеб", 1000, 4550))
        device.close_check(4550)
    assert simulator.armed == {}
    assert len(simulator.device.receipts) == 1


def test_pyshtrih_resends_blindly_after_a_garbled_ack_which_our_driver_never_does() -> None:
    """Hazard H1, shown on the peer: one garbled ACK makes pyshtrih send the line again."""
    simulator = ShtrihSimulator()
    simulator.inject(ShtrihFault.GARBLED_ACK, on=0x80)
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.sale(("Хлеб", 1000, 4550))
    assert simulator.device.executed[0x80] >= 2


# --- the faults of issue 13 through the peer ---------------------------------------------------


def test_pyshtrih_resends_after_an_ack_damaged_into_nak_where_our_driver_uses_the_held_answer() -> (
    None
):
    """pyshtrih registers the line again; our link fetches the held answer (exactly once)."""
    simulator = ShtrihSimulator()
    simulator.inject(ShtrihFault.ACK_TO_NAK, on=0x80)
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.sale(("Хлеб", 1000, 4550))
    assert simulator.device.executed[0x80] >= 2
    with rig() as r:
        r.driver.open_shift()
        r.simulator.inject(ShtrihFault.ACK_TO_NAK, on=0x80)
        r.driver.process_check(sample_receipt())
        assert r.simulator.device.executed[0x80] == 2  # two lines, each once
        assert r.receipts == 1


@pytest.mark.parametrize(
    "fault", [ShtrihFault.DUPLICATED_ANSWER, ShtrihFault.LATE_ANSWER, ShtrihFault.NAK_GOOD_FRAME]
)
def test_pyshtrih_gets_one_receipt_through_answer_faults_of_our_simulator(
    fault: ShtrihFault,
) -> None:
    simulator = ShtrihSimulator()
    simulator.inject(fault, on=0x80)
    with pyshtrih_on("pty", simulator) as device:
        device.open_shift()
        device.open_check(0)
        device.sale(("Хлеб", 1000, 4550))
        device.close_check(4550)
    assert simulator.armed == {}
    assert [r.total for r in simulator.device.receipts] == [4550]


def test_our_driver_annuls_a_receipt_pyshtrih_left_open_and_prints_its_own_once() -> None:
    """Another program (pyshtrih) dies with a receipt open; our driver takes the register."""
    simulator = ShtrihSimulator()
    master, path, slave_fd = open_pty()
    simulator.start(master)
    try:
        device = pyshtrih.ShtrihFR01F(port=path, baudrate=115200, timeout=1)
        device.connect()
        device.open_shift()
        device.open_check(0)
        device.sale(("Чужой товар", 1000, 99900))
        device.disconnect()  # the other program is gone, its receipt still open
        journal = MemoryFiscalJournal()
        driver = ShtrihDriver(
            SerialTransport(path), journal, clock=simulator.device, **FAST_TIMEOUTS
        )
        result = driver.process_check(sample_receipt())
        assert simulator.device.executed[0x88] == 1
        assert [r.total for r in simulator.device.receipts] == [40000]
        assert result.total == Decimal("400.00")
    finally:
        simulator.stop()
        master.close()
        os.close(slave_fd)
