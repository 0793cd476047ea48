"""Issue 13's fault matrix for Shtrih-M: one full receipt under every fault, at every step.

The receipt: open a shift, three lines (one with its own discount, and a
receipt discount spread into all), a mixed cash and card payment, close. Each
fault of :class:`ShtrihFault` is armed on each command of that flow, with and
without the POS being killed right after it sent that command (a new driver
then takes over the same journal). The POS below does what a cashier's
program does with each known end state, and the test asserts: exactly one
receipt in the simulated fiscal storage, its total and payment split are the
sale's, the journal says done with that document's number, and every error
the caller saw named where the receipt stood (``outcome``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest

from salescore.errors import DeviceError, DeviceTimeoutError, PaperOutError, ShiftExpiredError
from salescore.hardware.fiscal import (
    FiscalResult,
    JournalState,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
    ShiftState,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihFault, ShtrihSimulator
from salescore.hardware.transport import Transport
from salescore.tax import VatRate
from salescore.testing.devices import Rig, shtrih_rig

T = TypeVar("T")

SALE = Receipt(
    "sale-13",
    ReceiptKind.SALE,
    lines=(
        ReceiptLine("Хлеб", Decimal("2"), Decimal("45.50")),
        ReceiptLine("Сыр", Decimal("0.347"), Decimal("899.90"), VatRate.parse("10")),
        ReceiptLine("Молоко", Decimal("1"), Decimal("89.90"), discount=Decimal("9.90")),
    ),
    payments=(
        Payment(PaymentType.ELECTRONIC, Decimal("300.00")),
        Payment(PaymentType.CASH, Decimal("200.00")),
    ),
    discount=Decimal("3.27"),
)
"""91.00 + 312.27 + 80.00 - 3.27 = 480.00: 300.00 by card, 180.00 of the 200.00 cash."""

LINK_FAULTS = [
    ShtrihFault.GARBLED_FRAME,
    ShtrihFault.NAK_GOOD_FRAME,
    ShtrihFault.LOST_FRAME,
    ShtrihFault.DUPLICATED_FRAME,
    ShtrihFault.DELAYED_FRAME,
    ShtrihFault.BYTE_TIMEOUT,
    ShtrihFault.DROPPED_ACK,
    ShtrihFault.GARBLED_ACK,
    ShtrihFault.LATE_ACK,
    ShtrihFault.ACK_TO_NAK,
    ShtrihFault.NOISE,
    ShtrihFault.CORRUPTED_CHECKSUM,
    ShtrihFault.TRUNCATED_FRAME,
    ShtrihFault.LOST_ANSWER,
    ShtrihFault.DUPLICATED_ANSWER,
    ShtrihFault.LATE_ANSWER,
]
DEVICE_FAULTS = [
    ShtrihFault.BUSY,
    ShtrihFault.PAPER_OUT_AT,
    ShtrihFault.PAPER_OUT_AFTER,
    ShtrihFault.PAPER_NEAR_END,
    ShtrihFault.POWER_LOSS_BEFORE,
    ShtrihFault.POWER_LOSS_AFTER,
    ShtrihFault.LINK_DOWN_BEFORE,
    ShtrihFault.LINK_DOWN_AFTER,
    ShtrihFault.SHIFT_EXPIRES,
    ShtrihFault.DOUBLE_REGISTRATION,
]
STEPS = {"open-shift": 0xE0, "open": 0x8D, "line": 0x80, "discount": 0x86, "close": 0x85}


class PosKilled(BaseException):
    """The POS process dies: nothing after this point of the driver runs."""


class Killer:
    """The POS's end of the line; kills the POS right after it sent command ``code``."""

    def __init__(self, inner: Transport, code: int | None) -> None:
        self.inner = inner
        self.code = code

    def write(self, data: bytes) -> None:
        self.inner.write(data)
        is_frame = self.code is not None and len(data) > 3 and data[0] == codec.STX
        if is_frame and codec.split_code(data[2:-1])[0] == self.code:
            self.code = None
            raise PosKilled

    def read(self, size: int, timeout: float) -> bytes:
        return self.inner.read(size, timeout)

    def read_exactly(self, size: int, timeout: float) -> bytes:
        return self.inner.read_exactly(size, timeout)

    def reset_input(self) -> None:
        self.inner.reset_input()

    def close(self) -> None:
        self.inner.close()


class Pos:
    """A cashier's program: it restarts when killed and reacts to each known end state."""

    def __init__(self, rig: Rig, kill_on: int | None) -> None:
        self.rig = rig
        self.driver = rig.driver
        self.driver.link.transport = Killer(rig.transport, kill_on)
        self.seen: list[object] = []

    def restart(self) -> None:
        self.seen.append("restart")
        self.driver = self.rig.new_driver()

    def retrying(self, action: Callable[[], T]) -> T:
        for _ in range(8):
            try:
                return action()
            except PosKilled:
                self.restart()
            except DeviceError as exc:
                self.react(exc)
        raise AssertionError(f"no end after 8 tries: {self.seen}")

    def react(self, exc: DeviceError) -> None:
        outcome = exc.details.get("outcome")
        self.seen.append(outcome or type(exc).__name__)
        assert "protocol" in exc.details, exc.details
        assert "device_code" in exc.details, exc.details
        if isinstance(exc, ShiftExpiredError):
            self.retrying(self.driver.close_shift)
            self.retrying(self.driver.open_shift)
        elif isinstance(exc, PaperOutError):
            time.sleep(0.25)  # the operator loads paper
        elif isinstance(exc, DeviceTimeoutError):
            time.sleep(0.1)  # wait for the register to come back

    def ensure_shift(self) -> None:
        def open_if_needed() -> None:
            state = self.driver.get_current_status().shift_state
            if state is ShiftState.EXPIRED:
                self.driver.close_shift()
            if state is not ShiftState.OPEN:
                self.driver.open_shift()

        self.retrying(open_if_needed)

    def sell(self, receipt: Receipt) -> FiscalResult:
        def once() -> FiscalResult:
            self.ensure_shift()
            try:
                return self.driver.process_check(receipt)
            except DeviceError as exc:
                known_end_state(exc)
                raise

        return self.retrying(once)


def known_end_state(exc: DeviceError) -> ReceiptOutcome:
    """Every error of process_check names where the receipt stands."""
    outcome = exc.details["outcome"]
    assert isinstance(outcome, ReceiptOutcome), exc.details
    return outcome


def fast_simulator(r: Rig) -> ShtrihSimulator:
    sim = r.simulator
    sim.late_ack_delay = 0.2  # beyond control_timeout 0.15
    sim.late_answer_delay = 0.45  # beyond answer_timeout 0.4
    sim.outage = 0.25
    sim.paper_reload_delay = 0.1
    return sim


def run(fault: ShtrihFault, code: int, *, kill: bool) -> None:
    with shtrih_rig() as r:
        sim = fast_simulator(r)
        sim.inject(fault, on=code)
        pos = Pos(r, code if kill else None)
        result = pos.sell(SALE)
        assert sim.armed == {}, "the fault never fired"
        receipts = sim.device.receipts
        assert len(receipts) == 1, (pos.seen, sim.device.printed)
        assert codec.from_kopecks(receipts[0].total) == SALE.total == result.total
        assert receipts[0].payments == ((1031, 18000), (1081, 30000))
        entry = r.journal.get(SALE.receipt_id)
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == receipts[0].number == result.document_number
        assert r.journal.unfinished() == []
        for seen in pos.seen:
            assert seen == "restart" or isinstance(seen, ReceiptOutcome | str), seen
        assert isinstance(pos.driver, ShtrihDriver)
        assert sim.device.document is None


CASES = [(fault, step) for fault in LINK_FAULTS + DEVICE_FAULTS for step in STEPS]


@pytest.mark.parametrize(("fault", "step"), CASES, ids=[f"{f.value}@{s}" for f, s in CASES])
def test_one_receipt_under_every_fault(fault: ShtrihFault, step: str) -> None:
    run(fault, STEPS[step], kill=False)


KILL_CASES = [
    (fault, step) for fault in LINK_FAULTS + DEVICE_FAULTS for step in ("line", "close")
] + [(None, step) for step in STEPS]


@pytest.mark.parametrize(
    ("fault", "step"), KILL_CASES, ids=[f"{f.value if f else 'none'}@{s}" for f, s in KILL_CASES]
)
def test_one_receipt_when_the_pos_is_killed_and_restarted(
    fault: ShtrihFault | None, step: str
) -> None:
    run(fault or ShtrihFault.PAPER_NEAR_END, STEPS[step], kill=True)
