"""Our drivers satisfy the device-kind protocols structurally (checked by mypy and at run time)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import DeviceTimeoutError
from salescore.hardware import Transport, pipe_pair
from salescore.hardware.codes import LineScanner
from salescore.hardware.escpos import EscPosPrinter
from salescore.hardware.kinds import BarcodeScanner, LabelPrinter, ReceiptPrinter, Scale
from salescore.hardware.labels import ZplPrinter
from salescore.hardware.scales import CasScale, MassaKScale, MtSicsScale
from salescore.hardware.scales.cas import CasSimulator


def test_each_driver_is_its_device_kind() -> None:
    host: Transport = pipe_pair()[0]
    printer: ReceiptPrinter = EscPosPrinter(host)
    scales: list[Scale] = [MtSicsScale(host), MassaKScale(host), CasScale(host)]
    label_printer: LabelPrinter = ZplPrinter(host)
    scanner: BarcodeScanner = LineScanner(host)
    assert isinstance(printer, ReceiptPrinter)
    assert all(isinstance(scale, Scale) for scale in scales)
    assert isinstance(label_printer, LabelPrinter)
    assert isinstance(scanner, BarcodeScanner)


def test_a_request_the_simulated_device_cannot_answer_is_recorded_not_fatal() -> None:
    host, device = pipe_pair()
    with CasSimulator(device) as sim:
        sim.weight = Decimal("123.456")  # does not fit the 6-character field
        with pytest.raises(DeviceTimeoutError, match="no weight frame"):
            CasScale(host, timeout=0.2).read_weight()
        sim.weight = Decimal("1.000")
        assert CasScale(host, timeout=1.0).read_weight().value == Decimal("1.000")
    assert len(sim.failures) == 1
