"""Shtrih-M short-status paper flags, read as the vendor and pyshtrih read them.

Bit 1 of the flags is the receipt roll's near-end sensor and bit 7 its
optical paper sensor, both **set when all is well**: "Bit 1 - Receipt station
low paper (0 - yes, 1 - no)", "Bit 7 - Receipt station out-of-paper (0 - no
paper, 1 - paper in printing mechanism)" in the vendor's OPOS driver
(``shtrih-m/opos``, ``Source/SmFiscalPrinter/Units/PrinterTypes.pas``,
``TPrinterFlags``); pyshtrih 2.0.6's ``handle_fr_flags`` names bit 1 "Рулон
чековой ленты" and bit 7 "Оптический датчик чековой ленты". (The simulator
used to set bit 11 for near end, which both sources call the cash drawer.)
"""

from __future__ import annotations

import pytest

from salescore.hardware.fiscal import FiscalWarning
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.simulator import ShtrihDevice, ShtrihFault
from salescore.testing.devices import sample_receipt, shtrih_rig


def _flags(device: ShtrihDevice) -> int:
    error, reply = device.handle(codec.ShortStatus(1))
    assert error == 0
    assert isinstance(reply, codec.ShortStatusReply)
    return reply.flags


def test_the_bits_are_where_pyshtrih_reads_them() -> None:
    functions = pytest.importorskip("pyshtrih.handlers.functions")
    device = ShtrihDevice()
    fine = functions.handle_fr_flags(_flags(device))
    assert fine["Рулон чековой ленты"] == 1
    assert fine["Оптический датчик чековой ленты"] == 1
    assert fine["Денежный ящик"] == 0
    device.paper_near_end = True
    near = functions.handle_fr_flags(_flags(device))
    assert near["Рулон чековой ленты"] == 0
    assert near["Денежный ящик"] == 0
    device.paper = False
    assert functions.handle_fr_flags(_flags(device))["Оптический датчик чековой ленты"] == 0


def test_reply_decoding_follows_the_vendor_bits() -> None:
    def reply(flags: int) -> codec.ShortStatusReply:
        return codec.ShortStatusReply(operator=1, flags=flags, mode=2, submode=0, operations_low=0)

    assert not reply(0x0082).paper_near_end
    assert reply(0x0080).paper_near_end  # bit 1 clear: the roll nears its end
    assert not reply(0x0882).paper_near_end  # bit 11 is the drawer, not paper


def test_paper_near_end_is_a_warning_and_the_sale_goes_on() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        assert FiscalWarning.PAPER_NEAR_END not in r.driver.get_warnings().warnings
        r.simulator.inject(ShtrihFault.PAPER_NEAR_END, on=0x8D)
        r.driver.process_check(sample_receipt())
        status = r.driver.get_warnings()
        assert status.paper_near_end
        assert FiscalWarning.PAPER_NEAR_END in status.warnings
        assert len(r.simulator.device.receipts) == 1
