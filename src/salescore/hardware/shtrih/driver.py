"""The Shtrih-M v1 fiscal register driver, shaped after 1C's fiscal driver interface.

:class:`ShtrihDriver` implements :class:`~salescore.hardware.kinds.FiscalRegister`:
``open_shift``, ``process_check``, ``cancel_check``, ``print_x_report``,
``close_shift``, ``cash_in_outcome``, ``get_current_status``,
``open_cash_drawer``, ``find_document`` and ``continue_print``, plus
``recover`` for what was left unfinished by an error or a restart.

**Exactly once.** Before it opens a receipt on the device the driver records
the receipt in a :class:`~salescore.hardware.fiscal.FiscalJournal`; before it
sends "close" it records the fiscal document number the receipt will get (the
fiscal storage's last number + 1). After any error, or when the same receipt
comes again, it reads the device and the fiscal storage and either reports
the receipt as done (the storage has that document with that total), finishes
it (close was sent, the storage does not have it, the receipt is still open),
or cancels it (close was never sent). It never prints a receipt twice.

**Before every document** it reads the state (hazard H3): waiting for
continue-print is continued, paper out raises :class:`~salescore.errors.PaperOutError`,
a shift over 24 hours raises :class:`~salescore.errors.ShiftExpiredError` (only
``close_shift`` is then allowed), and "still printing" (error 0x50) is waited
out within ``busy_timeout``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Final, TypeVar

import attrs

from salescore.errors import (
    DeviceError,
    DeviceTimeoutError,
    PaperOutError,
    ProtocolError,
    ShiftExpiredError,
)
from salescore.hardware.fiscal import (
    FiscalDocumentInfo,
    FiscalJournal,
    FiscalResult,
    FiscalStatus,
    JournalEntry,
    JournalState,
    PaymentType,
    Receipt,
    ShiftReport,
    ShiftState,
    VatRate,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.link import ShtrihLink
from salescore.hardware.transport import Transport

__all__ = ["DEFAULT_TAX_GROUPS", "ERROR_TEXTS", "ShtrihDriver"]

DEFAULT_TAX_GROUPS: Final[Mapping[VatRate, int]] = {
    VatRate.VAT20: 1,
    VatRate.VAT10: 2,
    VatRate.VAT0: 3,
    VatRate.NONE: 4,
    VatRate.VAT120: 5,
    VatRate.VAT110: 6,
}
"""Tax group of each VAT rate in the device's tax table (table 6), as shipped."""

ERROR_TEXTS: Final[Mapping[int, str]] = {
    0x08: "no such data in the fiscal storage",
    0x3D: "the shift is not open: open it first",
    0x45: "payments are less than the receipt total",
    0x46: "not enough cash in the drawer",
    0x49: "this operation is not allowed in a receipt of this kind",
    0x4A: "a receipt is open: close or cancel it first",
    0x4D: "non-cash payments exceed the receipt total",
    0x4E: "the shift is older than 24 hours: close it with a Z report",
    0x50: "the device is still printing the previous command",
    0x55: "no receipt is open",
    0x58: "the device waits for the continue-print command",
    0x5A: "the discount exceeds the receipt's sum",
    0x6B: "no receipt paper: load paper",
    0x73: "the command is not allowed in the device's current mode",
}

_MODE_RECEIPT: Final = 8
_MODE_EXPIRED: Final = 3
_MODE_OPEN: Final = 2
_SUBMODES_PAPER_OUT: Final = (1, 2)
_SUBMODE_CONTINUE: Final = 3
_SUBMODES_PRINTING: Final = (4, 5)
_FD_RECEIPT: Final = 3

_R = TypeVar("_R", bound=codec.Reply)


class ShtrihDriver:
    """Drive one Shtrih-M fiscal register over ``transport``.

    Args:
        transport: the byte stream (serial port, TCP 7778, pty, pipe).
        journal: where receipts in flight are recorded (SQLite in production).
        password: the cashier's operator password (default 1).
        admin_password: the administrator's password (default 30), for reports.
        control_timeout: seconds for ACK/NAK (link layer).
        byte_timeout: seconds between bytes of an answer (link layer).
        answer_timeout: seconds for an ordinary command's answer.
        long_timeout: seconds for opening and closing a shift, which can take
            20-30 s while the device talks to its OFD (hazard H4).
        busy_timeout: how long "still printing" is waited out.
        tax_groups: tax group per VAT rate, if the device's table differs.
    """

    name: Final = "shtrih-m"

    def __init__(
        self,
        transport: Transport,
        journal: FiscalJournal,
        *,
        password: int = 1,
        admin_password: int = 30,
        control_timeout: float = 0.5,
        byte_timeout: float = 0.2,
        answer_timeout: float = 5.0,
        long_timeout: float = 40.0,
        busy_timeout: float = 10.0,
        poll_interval: float = 0.05,
        tax_groups: Mapping[VatRate, int] = DEFAULT_TAX_GROUPS,
    ) -> None:
        self.link = ShtrihLink(
            transport, control_timeout=control_timeout, byte_timeout=byte_timeout
        )
        self.journal = journal
        self.password = password
        self.admin_password = admin_password
        self.answer_timeout = answer_timeout
        self.long_timeout = long_timeout
        self.busy_timeout = busy_timeout
        self.poll_interval = poll_interval
        self.tax_groups = dict(tax_groups)

    # --- 1C-shaped interface ---------------------------------------------------------------

    def get_current_status(self) -> FiscalStatus:
        """Mode, shift and paper state, with the fiscal storage's last document number."""
        status = self._status()
        fn = self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)
        shift = self._call(codec.FnShiftParams(self.admin_password), codec.FnShiftParamsReply)
        mode = status.mode_number
        if mode == _MODE_EXPIRED:
            shift_state = ShiftState.EXPIRED
        elif shift.shift_open:
            shift_state = ShiftState.OPEN
        else:
            shift_state = ShiftState.CLOSED
        return FiscalStatus(
            shift_state=shift_state,
            shift_number=shift.shift_number,
            receipt_open=mode == _MODE_RECEIPT,
            last_document=fn.last_document,
            paper_out=status.submode in _SUBMODES_PAPER_OUT,
            waiting_continue_print=status.submode == _SUBMODE_CONTINUE,
            mode=mode,
            submode=status.submode,
        )

    def open_shift(self) -> ShiftReport:
        """Open a shift (ОткрытьСмену); allowed only when it is closed."""
        status = self._ready_for_document()
        if status.shift_state is ShiftState.EXPIRED:
            raise ShiftExpiredError(
                f"shift {status.shift_number} is older than 24 hours: close it first"
            )
        if status.shift_state is ShiftState.OPEN:
            raise DeviceError(
                f"shift {status.shift_number} is already open: close it before opening a new one",
                shift=status.shift_number,
            )
        self._call(codec.OpenShift(self.password), timeout=self.long_timeout)
        return self._shift_report()

    def close_shift(self) -> ShiftReport:
        """Close the shift with a Z report (ЗакрытьСмену); also an expired one."""
        self._ready_for_document(allow_expired=True)
        self._call(codec.ZReport(self.admin_password), timeout=self.long_timeout)
        return self._shift_report()

    def print_x_report(self) -> None:
        """Print an X report (ПечатьОтчетаБезГашения): totals so far, shift stays open."""
        self._ready_for_document(allow_expired=True)
        self._call(codec.XReport(self.admin_password), timeout=self.long_timeout)

    def cash_in_outcome(self, amount: Decimal) -> int:
        """Cash in (positive, внесение) or out (negative, выплата); returns the document number."""
        self._ready_for_document()
        kopecks = codec.to_kopecks(abs(amount))
        command: codec.CashIn | codec.CashOut = (
            codec.CashIn(self.password, kopecks)
            if amount >= 0
            else codec.CashOut(self.password, kopecks)
        )
        return self._call(command, codec.CashReply).document

    def open_cash_drawer(self) -> None:
        """Pulse the cash drawer (ОткрытьДенежныйЯщик)."""
        self._call(codec.OpenDrawer(self.password, 0))

    def continue_print(self) -> None:
        """Continue printing after paper was loaded (ПродолжитьПечать)."""
        self._call(codec.ContinuePrint(self.admin_password), timeout=self.long_timeout)

    def find_document(self, number: int) -> FiscalDocumentInfo | None:
        """A fiscal document from the fiscal storage by its number, or ``None``."""
        try:
            reply = self._call(
                codec.FnFindDocument(self.admin_password, number), codec.FnDocumentReply
            )
        except DeviceError as exc:
            if exc.details.get("device_code") == 0x08:
                return None
            raise
        data = reply.payload
        if len(data) < 13:
            raise ProtocolError(f"fiscal document {number}: data too short ({len(data)} bytes)")
        sign = int.from_bytes(data[9:13], "little")
        if reply.document_type == _FD_RECEIPT and len(data) >= 19:
            return FiscalDocumentInfo(
                number=int.from_bytes(data[5:9], "little"),
                document_type=reply.document_type,
                fiscal_sign=sign,
                calculation_type=data[13],
                total=codec.from_kopecks(int.from_bytes(data[14:19], "little")),
            )
        return FiscalDocumentInfo(
            number=int.from_bytes(data[5:9], "little"),
            document_type=reply.document_type,
            fiscal_sign=sign,
        )

    def cancel_check(self) -> None:
        """Cancel the open receipt (ОтменитьЧек); impossible once it was closed."""
        self._call(codec.CancelReceipt(self.password))
        for entry in self.journal.unfinished():
            if entry.state is JournalState.STARTED:
                self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))

    def process_check(self, receipt: Receipt) -> FiscalResult:
        """Make ``receipt`` fiscal (СформироватьЧек), exactly once per ``receipt_id``.

        Raises:
            PaperOutError, ShiftExpiredError: the device cannot take a receipt now.
            DeviceTimeoutError: contact was lost and the outcome could not be read;
                the journal keeps the receipt unfinished: call :meth:`recover`
                (or this method again) when the device is back.
            DeviceError: the device refused the receipt; it was cancelled.
        """
        entry = self.journal.get(receipt.receipt_id)
        if entry is not None and entry.state is JournalState.DONE:
            return FiscalResult.from_entry(entry, repeated=True)
        if entry is not None and entry.state is not JournalState.CANCELLED:
            outcome = self._recover_entry(entry, receipt)
            if outcome is not None:
                return outcome
        self._ready_for_document()
        total = receipt.total
        entry = JournalEntry(receipt.receipt_id, JournalState.STARTED, total, change=receipt.change)
        self.journal.record(entry)
        try:
            self._register_lines(receipt)
        except DeviceError:
            self._cancel_started(entry)
            raise
        fn = self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)
        entry = attrs.evolve(
            entry, state=JournalState.CLOSING, expected_document=fn.last_document + 1
        )
        self.journal.record(entry)
        return self._close(entry, receipt)

    def recover(self) -> list[FiscalResult]:
        """Settle every unfinished receipt in the journal; returns those found done.

        A receipt whose close was sent but which the fiscal storage does not
        have, and which is still open on the device, needs its payments to be
        finished: this raises :class:`~salescore.errors.DeviceError` naming it;
        pass the receipt to :meth:`process_check` again.
        """
        done: list[FiscalResult] = []
        for entry in self.journal.unfinished():
            outcome = self._recover_entry(entry, None)
            if outcome is not None:
                done.append(outcome)
        self._ready_for_document(allow_expired=True)
        return done

    # --- receipts --------------------------------------------------------------------------

    def _register_lines(self, receipt: Receipt) -> None:
        self._call(codec.OpenReceipt(self.password, int(receipt.kind)))
        item_command = codec.ITEM_COMMANDS[int(receipt.kind)]
        for line in receipt.fiscal_lines():
            taxes = (self.tax_groups[line.vat], 0, 0, 0)
            self._call(
                item_command(
                    self.password,
                    codec.to_thousandths(line.quantity),
                    codec.to_kopecks(line.price),
                    line.department,
                    taxes,
                    line.name,
                )
            )
            if line.discount:
                self._call(
                    codec.Discount(self.password, codec.to_kopecks(line.discount), taxes, "")
                )

    def _close_command(self, receipt: Receipt) -> codec.CloseReceipt:
        def paid(kind: PaymentType) -> int:
            return codec.to_kopecks(receipt.payment_sum(kind))

        return codec.CloseReceipt(
            self.password,
            cash=paid(PaymentType.CASH),
            payment2=paid(PaymentType.ELECTRONIC),
            payment3=paid(PaymentType.PREPAID),
            payment4=paid(PaymentType.CREDIT),
            discount=0,
            taxes=(0, 0, 0, 0),
            text=receipt.cashier,
        )

    def _close(self, entry: JournalEntry, receipt: Receipt, *, again: bool = True) -> FiscalResult:
        """Send "close"; after a link error settle from the fiscal storage.

        When the storage proves the close never arrived and the receipt is
        still open, the close is sent once more (``again``), never more.
        """
        try:
            self._call(self._close_command(receipt), codec.CloseReceiptReply)
        except DeviceError as exc:
            if "device_code" in exc.details and not self._in_storage(entry):
                # The device refused the close: nothing is fiscal; cancel and report.
                self._cancel_started(entry)
                raise
            outcome = self._recover_entry(entry, receipt if again else None)
            if outcome is None:
                raise
            return outcome
        return self._finish(entry)

    def _finish(self, entry: JournalEntry) -> FiscalResult:
        """The receipt is in the fiscal storage: read its number and sign, mark it done."""
        number = entry.expected_document
        info = self.find_document(number) if number is not None else None
        if info is None or info.document_type != _FD_RECEIPT:
            last = self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)
            raise DeviceError(
                f"receipt {entry.receipt_id!r}: the device closed it but fiscal document "
                f"{number} is not a receipt (last document {last.last_document}); "
                "check the fiscal storage by hand",
                receipt_id=entry.receipt_id,
            )
        done = attrs.evolve(
            entry,
            state=JournalState.DONE,
            document_number=info.number,
            fiscal_sign=info.fiscal_sign,
        )
        self.journal.record(done)
        self._continue_if_waiting()
        return FiscalResult.from_entry(done, repeated=False)

    def _in_storage(self, entry: JournalEntry) -> bool:
        if entry.expected_document is None:
            return False
        fn = self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)
        return fn.last_document >= entry.expected_document

    def _recover_entry(self, entry: JournalEntry, receipt: Receipt | None) -> FiscalResult | None:
        """Settle one unfinished entry; a result if it is (now) done, None if cancelled."""
        status = self._status()
        if entry.state is JournalState.CLOSING and self._in_storage(entry):
            assert entry.expected_document is not None
            info = self.find_document(entry.expected_document)
            if info is None or info.document_type != _FD_RECEIPT or info.total != entry.total:
                raise DeviceError(
                    f"receipt {entry.receipt_id!r}: fiscal document {entry.expected_document} "
                    f"is not this receipt (found {info}); check the fiscal storage by hand",
                    receipt_id=entry.receipt_id,
                )
            return self._finish(entry)
        if status.mode_number == _MODE_RECEIPT:
            if entry.state is JournalState.STARTED:
                self._cancel_started(entry)
                return None
            if receipt is None:
                raise DeviceError(
                    f"receipt {entry.receipt_id!r} is open on the device and not in the fiscal "
                    "storage, and its close was sent: pass the receipt to process_check "
                    "again to finish it",
                    receipt_id=entry.receipt_id,
                )
            # Close was sent but never reached the fiscal storage: send it again.
            return self._close(entry, receipt, again=False)
        # No receipt open and none in the fiscal storage: nothing became fiscal.
        self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
        return None

    def _cancel_started(self, entry: JournalEntry) -> None:
        try:
            if self._status().mode_number == _MODE_RECEIPT:
                self._call(codec.CancelReceipt(self.password))
        except DeviceTimeoutError:
            return  # unknown: the entry stays unfinished for recover()
        self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))

    # --- state checks ----------------------------------------------------------------------

    def _ready_for_document(self, *, allow_expired: bool = False) -> FiscalStatus:
        """Read the state before a document and clear what can be cleared (H3, H4)."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            status = self.get_current_status()
            if status.submode in _SUBMODES_PRINTING:
                self._wait_or_fail(deadline)
                continue
            if status.paper_out:
                raise PaperOutError(
                    "the fiscal register has no paper: load paper, then repeat",
                    submode=status.submode,
                )
            if status.waiting_continue_print:
                self.continue_print()
                continue
            if status.receipt_open:
                self._settle_open_receipt()
                continue
            if status.shift_state is ShiftState.EXPIRED and not allow_expired:
                raise ShiftExpiredError(
                    f"shift {status.shift_number} is older than 24 hours: close it with a "
                    "Z report (close_shift), then open a new one"
                )
            return status

    def _settle_open_receipt(self) -> None:
        unfinished = self.journal.unfinished()
        for entry in unfinished:
            self._recover_entry(entry, None)
        if self._status().mode_number == _MODE_RECEIPT:
            # Not ours (or already settled above): never closed, so it is safe to cancel.
            self._call(codec.CancelReceipt(self.password))

    def _continue_if_waiting(self) -> None:
        try:
            status = self._status()
        except DeviceError:
            return  # the receipt is done; the next document checks the state again
        if status.submode == _SUBMODE_CONTINUE:
            self.continue_print()

    def _wait_or_fail(self, deadline: float) -> None:
        if time.monotonic() >= deadline:
            raise DeviceTimeoutError(
                f"the device kept printing for more than {self.busy_timeout} s; "
                "check it (paper jam, cover) and repeat"
            )
        time.sleep(self.poll_interval)

    # --- commands --------------------------------------------------------------------------

    def _status(self) -> codec.ShortStatusReply:
        return self._call(codec.ShortStatus(self.password), codec.ShortStatusReply)

    def _shift_report(self) -> ShiftReport:
        fn = self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)
        shift = self._call(codec.FnShiftParams(self.admin_password), codec.FnShiftParamsReply)
        return ShiftReport(shift.shift_number, fn.last_document)

    def _call(
        self,
        command: codec.Command,
        expect: type[_R] | None = None,
        timeout: float | None = None,
    ) -> _R:
        """Send a command; wait out "busy" (0x50, not executed) and raise on other errors."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            payload = self.link.exchange(command.encode(), timeout or self.answer_timeout)
            code, error, reply = codec.decode_reply(payload)
            if error == 0x50:
                self._wait_or_fail(deadline)
                continue
            if error:
                raise _device_error(code, error)
            if expect is not None and not isinstance(reply, expect):
                raise ProtocolError(f"unexpected reply to 0x{code:02X}: {reply!r}", command=code)
            return reply  # type: ignore[return-value]


def _device_error(code: int, error: int) -> DeviceError:
    text = ERROR_TEXTS.get(error, "see the device's error table")
    message = f"Shtrih-M command 0x{code:02X} failed with error 0x{error:02X}: {text}"
    if error == 0x4E:
        return ShiftExpiredError(message, command=code, device_code=error)
    if error == 0x6B:
        return PaperOutError(message, command=code, device_code=error)
    return DeviceError(message, command=code, device_code=error)
