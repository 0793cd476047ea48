"""The Shtrih-M v1 fiscal register driver, shaped after 1C's fiscal driver interface.

:class:`ShtrihDriver` implements :class:`~salescore.hardware.kinds.FiscalRegister`:
``open_shift``, ``process_check``, ``cancel_check``, ``print_x_report``,
``close_shift``, ``cash_in_outcome``, ``get_current_status``,
``open_cash_drawer``, ``find_document`` and ``continue_print``, plus
``recover`` for what was left unfinished by an error or a restart.

**Exactly once.** Before it opens a receipt on the device the driver records
the receipt in a :class:`~salescore.hardware.fiscal.FiscalJournal` with its
total, its payment split and the date-time of the fiscal storage's last
document; before it sends "close" it records the fiscal document number the
receipt will get (the storage's last number + 1). After any error, or when
the same receipt comes again, it reads the device and the fiscal storage and
either reports the receipt as done (the storage's document of that number is
this receipt by date-time, total and payment split), finishes it (close was
sent, the storage does not have it, the receipt is still open), or cancels it
(close was never sent, or the open receipt was lost). It never prints a
receipt twice, and it settles every unfinished entry before any new document.

**Integrity.** Before "close" the device's subtotal (0x89) must equal the
receipt's total: otherwise the receipt is annulled and
:class:`~salescore.errors.ReceiptMismatchError` raised. After "close" the
change the device computed must equal the receipt's.

**Lost answers.** When the answer to "close" is lost (a pulled cable, a power
cut) the receipt's state is unknown: the driver keeps asking the device for
``recovery_timeout`` seconds and settles it from the fiscal storage; if the
device stays away it raises :class:`~salescore.errors.FiscalStateUnknownError`
(never "not delivered"): repeat the call with the same receipt later.

**Paper.** A command refused for lack of paper (0x6B) is repeated once paper
is loaded (waiting up to ``paper_timeout``); a paid receipt is never annulled
for it. Paper that ends while the closed receipt prints is waited for and the
print continued (0xB0).

**Before every document** it reads the state (hazard H3): waiting for
continue-print is continued, paper out raises :class:`~salescore.errors.PaperOutError`,
a shift over 24 hours raises :class:`~salescore.errors.ShiftExpiredError` (only
``close_shift`` is then allowed), and "still printing" (error 0x50) is waited
out within ``busy_timeout``.

Every error a method raises carries ``protocol="shtrih-m"`` and
``device_code`` (the device's error byte, ``None`` for a link failure);
errors of :meth:`ShtrihDriver.process_check` carry ``receipt_id`` and
``outcome`` (a :class:`~salescore.hardware.fiscal.ReceiptOutcome`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final, TypeVar

import attrs

from salescore.errors import (
    DeviceError,
    DeviceTimeoutError,
    FiscalStateUnknownError,
    InvalidAmountError,
    InvalidInputError,
    MarkingCodeRejectedError,
    PaperOutError,
    ProtocolError,
    ReceiptMismatchError,
    ShiftExpiredError,
)
from salescore.hardware.fiscal import (
    Correction,
    DeviceClock,
    FiscalDocumentInfo,
    FiscalJournal,
    FiscalResult,
    FiscalStatus,
    FiscalWarning,
    JournalEntry,
    JournalState,
    MeasureUnit,
    PaymentSplit,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
    ShiftReport,
    ShiftState,
    SystemClock,
    shift_deadline,
    shift_ends_soon,
    shift_refusal,
    vat_code,
)
from salescore.hardware.marking import CheckResult, marking_payload, planned_status, show_code
from salescore.hardware.messages import cashier_message
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.link import PROTOCOL, ShtrihLink
from salescore.hardware.text import fit_bytes, printable, wrap_text
from salescore.hardware.transport import Transport
from salescore.money._context import decimal_context

__all__ = ["DEFAULT_TAX_GROUPS", "ShtrihDriver"]

DEFAULT_TAX_GROUPS: Final[Mapping[str, int]] = {
    "22": 1,
    "10": 2,
    "0": 3,
    "none": 4,
    "22/122": 5,
    "10/110": 6,
}
"""Tax group of each VAT rate code in the device's tax table (table 6), as set up from
2026 (group 1 at 22 %). A rate not in the table (20 % for a return of a 2025 sale,
the simplified 5 % and 7 %) is refused before anything is sent: program a group for
it on the device and pass ``tax_groups``."""

_MODE_RECEIPT: Final = 8
_MODE_EXPIRED: Final = 3
_MODE_OPEN: Final = 2
_SUBMODES_PAPER_OUT: Final = (1, 2)
_SUBMODE_CONTINUE: Final = 3
_SUBMODES_PRINTING: Final = (4, 5)
_FD_SHIFT_OPEN: Final = 2
_SHIFT_SCAN: Final = 64
"""How many fiscal documents back the shift-opening report is looked for."""
_FD_RECEIPT: Final = 3
_FD_CORRECTION: Final = 31
_FN_DOC_CORRECTION: Final = 0x14
"""0xFF01's current document while a correction receipt is open (the vendor's JavaPOS
``FSDocType.FS_DOCTYPE_CORRECTION_RECEIPT``; 0x03 is a receipt)."""
_E_NO_DATA: Final = 0x08
_E_CONTINUE_PRINT: Final = 0x58
_E_BUSY: Final = 0x50
_E_NO_PAPER: Final = 0x6B
_CALCULATION: Final[Mapping[ReceiptKind, int]] = {
    ReceiptKind.SALE: 1,
    ReceiptKind.SALE_RETURN: 2,
    ReceiptKind.BUY: 3,
    ReceiptKind.BUY_RETURN: 4,
}
"""FFD calculation type [признак расчета] (0xFF46's operation) of each receipt kind."""
_KOPECK: Final = Decimal("0.01")
_FN_WARNING_BITS: Final = (
    (0x01, FiscalWarning.FN_REPLACE_NOW),
    (0x02, FiscalWarning.FN_EXPIRES_SOON),
    (0x04, FiscalWarning.FN_MEMORY_FULL),
    (0x08, FiscalWarning.OFD_TIMEOUT),
)
"""FN warning flags of 0xFF01 (as pyshtrih and independent drivers read them)."""
_PAYMENT_TAGS: Final[Mapping[int, str]] = {
    1031: PaymentType.CASH.value,
    1081: PaymentType.ELECTRONIC.value,
    1215: PaymentType.PREPAID.value,
    1216: PaymentType.CREDIT.value,
}
"""FFD tags of the sums by payment type in a receipt."""

_CODE_PAGE: Final = "cp1251"
"""The code page of Shtrih-M text fields (as pyshtrih and the vendor's drivers encode)."""
_NAME_BYTES: Final = 128
"""FFD limit of the item name [наименование предмета расчета], tag 1030, and of 0xFF46's field."""
_NOT_PRINTED: Final = "//"
"""0xFF46 sends a name that starts with ``//`` to the fiscal storage and OFD without
printing it (the vendor's note on "Операция V2", repeated by independent drivers)."""
_RECEIPT_TAPE: Final = 0x02
"""0x17's flag for the receipt tape."""

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
        poll_interval: seconds between two status polls while waiting.
        paper_timeout: how long a command refused for lack of paper waits for paper.
        recovery_timeout: how long a receipt whose "close" answer was lost is
            resolved before :class:`~salescore.errors.FiscalStateUnknownError`.
        ffd: ``"1.05"`` sends lines and close with the classic commands (0x80-0x86,
            0x85); ``"1.2"`` with the tag-carrying 0xFF46 / 0xFF45, the measure unit
            (2108) by 0xFF4D and the buyer's contact (1008) by 0xFF0C.
        tax_groups: tax group per VAT rate code (``"22"``, ``"10/110"``, ``"none"``),
            if the device's table differs.
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
        paper_timeout: float = 120.0,
        recovery_timeout: float = 10.0,
        tax_groups: Mapping[str, int] = DEFAULT_TAX_GROUPS,
        ffd: str = "1.05",
        print_width: int = codec.TEXT_WIDTH,
        clock: DeviceClock | None = None,
        shift_warning: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        if ffd not in ("1.05", "1.2"):
            raise InvalidInputError(f"ffd must be '1.05' or '1.2', got {ffd!r}", ffd=ffd)
        if not 16 <= print_width <= codec.TEXT_WIDTH:
            raise InvalidInputError(
                f"print_width must be 16..{codec.TEXT_WIDTH} characters, got {print_width}",
                print_width=print_width,
            )
        self.print_width = print_width
        self.clock: DeviceClock = clock or SystemClock()
        self.shift_warning = shift_warning
        self._shift_opened: tuple[int, str] | None = None
        """(shift number, opening date-time) of the last shift looked up: one per shift."""
        self.ffd = ffd
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
        self.paper_timeout = paper_timeout
        self.recovery_timeout = recovery_timeout
        self.tax_groups = dict(tax_groups)

    # --- 1C-shaped interface ---------------------------------------------------------------

    def get_current_status(self) -> FiscalStatus:
        """Mode, shift and paper state, with the fiscal storage's last document number."""
        return self._current_status()[0]

    def _current_status(self) -> tuple[FiscalStatus, codec.FnStatusReply]:
        """The status, and the fiscal storage's status (0xFF01) it was built from."""
        status = self._status()
        fn = self._fn_status()
        shift = self._call(codec.FnShiftParams(self.admin_password), codec.FnShiftParamsReply)
        mode = status.mode_number
        if mode == _MODE_EXPIRED:
            shift_state = ShiftState.EXPIRED
        elif shift.shift_open:
            shift_state = ShiftState.OPEN
        else:
            shift_state = ShiftState.CLOSED
        deadline = None
        if shift_state is not ShiftState.CLOSED:
            deadline = self._shift_deadline(shift, fn.last_document)
        current = FiscalStatus(
            shift_state=shift_state,
            shift_number=shift.shift_number,
            receipt_open=mode == _MODE_RECEIPT,
            last_document=fn.last_document,
            paper_out=status.submode in _SUBMODES_PAPER_OUT,
            waiting_continue_print=status.submode == _SUBMODE_CONTINUE,
            mode=mode,
            submode=status.submode,
            paper_near_end=status.paper_near_end,
            shift_deadline=deadline,
        )
        return current, fn

    def _shift_deadline(self, shift: codec.FnShiftParamsReply, last: int) -> str | None:
        """When the open shift reaches 24 hours: its opening report's date-time + 24 h.

        The report is found in the fiscal storage (0xFF0A) going back from the
        number the shift's receipt count points at; it is looked up once per
        shift. ``None`` if it is not found within 64 documents.
        """
        if self._shift_opened is not None and self._shift_opened[0] == shift.shift_number:
            return shift_deadline(self._shift_opened[1])
        number = min(last, last - shift.receipt_number + 2)
        for candidate in range(number, max(0, number - _SHIFT_SCAN), -1):
            info = self._find(candidate, payments=False)
            if info is not None and info.document_type == _FD_SHIFT_OPEN and info.when:
                self._shift_opened = (shift.shift_number, info.when)
                return shift_deadline(info.when)
        return None

    def get_warnings(self) -> FiscalStatus:
        """The status with what a POS should show: fiscal storage expiry and unsent documents.

        Reads the FN's warning flags (0xFF01), its validity date (0xFF03) and the
        documents the OFD has not acknowledged (0xFF3F).
        """
        status = self.get_current_status()
        fn = self._fn_status()
        expiry = self._call(codec.FnExpiry(self.admin_password), codec.FnExpiryReply)
        unsent = self._call(codec.FnUnsent(self.admin_password), codec.FnUnsentReply).count
        warnings = [w for bit, w in _FN_WARNING_BITS if fn.warnings & bit]
        yy, mm, dd = expiry.valid_until
        valid_until = f"{2000 + yy:04d}-{mm:02d}-{dd:02d}"
        now = dt.date.fromisoformat(codec.fn_datetime(fn.datetime)[:10])
        if dt.date.fromisoformat(valid_until) - now <= dt.timedelta(days=30):
            warnings.append(FiscalWarning.FN_EXPIRES_SOON)
        if unsent:
            warnings.append(FiscalWarning.OFD_UNSENT)
        if status.paper_near_end:
            warnings.append(FiscalWarning.PAPER_NEAR_END)
        if shift_ends_soon(status.shift_deadline, self.clock.now(), self.shift_warning):
            warnings.append(FiscalWarning.SHIFT_ENDS_SOON)
        return attrs.evolve(
            status,
            warnings=tuple(dict.fromkeys(warnings)),
            unsent_documents=unsent,
            fn_valid_until=valid_until,
        )

    def open_shift(self) -> ShiftReport:
        """Open a shift (ОткрытьСмену); allowed only when it is closed."""
        status = self._ready_for_document()
        if status.shift_state is ShiftState.EXPIRED:
            raise ShiftExpiredError(
                f"shift {status.shift_number} is older than 24 hours: close it first",
                protocol=PROTOCOL,
                device_code=None,
            )
        if status.shift_state is ShiftState.OPEN:
            raise DeviceError(
                f"shift {status.shift_number} is already open: close it before opening a new one",
                protocol=PROTOCOL,
                device_code=None,
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
        """A fiscal document from the fiscal storage by its number, or ``None``.

        The number, type, fiscal sign, date-time and (receipts) total come from
        0xFF0A; a receipt's payment split from its TLV (0xFF3A/0xFF3B), or is
        ``None`` where the device does not give it.
        """
        return self._find(number, payments=True)

    def _find(self, number: int, *, payments: bool) -> FiscalDocumentInfo | None:
        """A fiscal document by its number; the payment split only if ``payments``."""
        try:
            reply = self._call(
                codec.FnFindDocument(self.admin_password, number), codec.FnDocumentReply
            )
        except DeviceError as exc:
            if exc.details.get("device_code") == _E_NO_DATA:
                return None
            raise
        data = reply.payload
        if len(data) < 13:
            raise ProtocolError(
                f"fiscal document {number}: data too short ({len(data)} bytes)",
                protocol=PROTOCOL,
                command=0xFF0A,
                device_code=None,
            )
        info = FiscalDocumentInfo(
            number=int.from_bytes(data[5:9], "little"),
            document_type=reply.document_type,
            fiscal_sign=int.from_bytes(data[9:13], "little"),
            when=codec.fn_datetime(data[:5]),
        )
        if reply.document_type in (_FD_RECEIPT, _FD_CORRECTION) and len(data) >= 19:
            info = attrs.evolve(
                info,
                calculation_type=data[13],
                total=codec.from_kopecks(int.from_bytes(data[14:19], "little")),
                payments=self._payment_split(number) if payments else None,
            )
        return info

    def cancel_check(self) -> None:
        """Cancel the open receipt (ОтменитьЧек); impossible once it was closed."""
        self._call(codec.CancelReceipt(self.password))
        for entry in self.journal.unfinished():
            if entry.state is JournalState.STARTED:
                self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))

    def process_check(self, receipt: Receipt) -> FiscalResult:
        """Make ``receipt`` fiscal (СформироватьЧек), exactly once per ``receipt_id``.

        Raises:
            PaperOutError, ShiftExpiredError: the device cannot take a receipt now
                (``outcome`` says whether anything is pending).
            ReceiptMismatchError: the device's subtotal differed: the receipt was
                annulled (``outcome`` cancelled); or its change differed after
                close (``outcome`` done: the receipt is fiscal).
            FiscalStateUnknownError: the answer to "close" was lost and the device
                stayed away: repeat the call with the same receipt later.
            DeviceTimeoutError: contact was lost before "close": nothing is fiscal
                (``outcome`` not_fiscal); repeat the call when the device is back.
            DeviceError: the device refused the receipt; it was cancelled.
        """
        return self._guarded(receipt, None)

    def _guarded(self, receipt: Receipt, correction: Correction | None) -> FiscalResult:
        """Run a receipt; every error says where the receipt stands (``outcome``)."""
        try:
            return self._process_check(receipt, correction)
        except DeviceError as exc:
            if "outcome" in exc.details:
                raise
            entry = self.journal.get(receipt.receipt_id)
            if entry is None or entry.state is JournalState.CANCELLED:
                outcome = ReceiptOutcome.CANCELLED
            elif entry.state is JournalState.STARTED:
                outcome = ReceiptOutcome.NOT_FISCAL
            elif entry.state is JournalState.CLOSING:
                outcome = ReceiptOutcome.UNKNOWN
            else:
                outcome = ReceiptOutcome.DONE
            raise self._with_outcome(exc, entry or _placeholder(receipt), outcome) from None

    def _process_check(self, receipt: Receipt, correction: Correction | None) -> FiscalResult:
        entry = self.journal.get(receipt.receipt_id)
        if entry is not None and entry.state is JournalState.DONE:
            return FiscalResult.from_entry(entry, repeated=True)
        if entry is not None and entry.state is not JournalState.CANCELLED:
            outcome = self._settle(entry, receipt)
            if outcome is not None:
                return attrs.evolve(outcome, repeated=True)
        # Refused before anything is sent: a rate the device has no group for, and
        # (FFD 1.2) a discounted line no price can express within ±1 kopeck.
        for line in receipt.fiscal_lines():
            vat_code(line.vat, self.tax_groups, PROTOCOL)
            if self.ffd == "1.2":
                self._operation_v2(receipt, line)
            if line.marking_code is not None:
                self._planned_status(receipt, line)
        # The fiscal storage's status was read by the state check just now: its
        # date-time is the receipt's lower bound (not_before).
        _, fn = self._ready()
        entry = JournalEntry(
            receipt.receipt_id,
            JournalState.STARTED,
            receipt.total,
            change=receipt.change,
            payments=receipt.payment_split(),
            not_before=codec.fn_datetime(fn.datetime),
            document_type=_FD_RECEIPT if correction is None else _FD_CORRECTION,
        )
        # Not forced to disk: lost by a power cut, it leaves at most an open receipt
        # nobody owns, annulled before the next document. "Closing" below is durable.
        self.journal.record(entry, durable=False)
        try:
            notes = self._register_lines(receipt, correction)
            self._check_subtotal(entry, receipt)
            if correction is not None:
                self._check_correction_open(receipt)
        except DeviceError as exc:
            # Close was never sent: nothing is fiscal. Annul now, or (link lost) as
            # soon as the device is back; the outcome says which.
            self._cancel_started(entry)
            raise self._with_outcome(exc, entry) from None
        fn = self._fn_status()
        entry = attrs.evolve(
            entry, state=JournalState.CLOSING, expected_document=fn.last_document + 1
        )
        self.journal.record(entry)
        result = self._close(entry, receipt)
        return attrs.evolve(result, warnings=notes + result.warnings) if notes else result

    def process_correction_check(self, correction: Correction) -> FiscalResult:
        """Make a correction receipt (0xFF35, 0xFF36) exactly once per ``correction_id``.

        Journalled like a receipt: the expected document number is recorded
        before anything is sent, and a lost answer is settled from the fiscal
        storage (a document of type 31 with that number and total).

        With lines (FFD 1.2, ``ffd="1.2"``) it is a receipt of its own: 0x8D
        with the kind + 0x80, the correction type (tag 1173) and its basis
        (tag 1174: the corrected document's date 1178 and number 1179) by
        0xFF0C, one 0xFF46 per line, the subtotal compared, 0xFF45 — with every
        guarantee of :meth:`process_check` (the sequence as the vendor's
        JavaPOS driver sends it).

        Raises:
            InvalidInputError: a correction with lines on an FFD 1.05 driver.
            FiscalStateUnknownError: the answer was lost and the device stayed away.
            ReceiptMismatchError: the device's subtotal differed (annulled).
            DeviceError: the device refused it (``outcome`` cancelled).
        """
        if correction.has_lines:
            if self.ffd != "1.2":
                raise InvalidInputError(
                    f"correction {correction.correction_id!r}: a correction with lines is an "
                    "FFD 1.2 document; this driver sends FFD 1.05 (ffd='1.05'): use "
                    "ffd='1.2' on a register registered for FFD 1.2, or correct the sum only",
                    protocol=PROTOCOL,
                    correction_id=correction.correction_id,
                )
            receipt = Receipt(
                correction.correction_id,
                correction.kind,
                correction.lines,
                correction.payments,
                cashier=correction.cashier,
                tax_system=correction.tax_system,
            )
            return self._guarded(receipt, correction)
        entry = self.journal.get(correction.correction_id)
        if entry is not None and entry.state is JournalState.DONE:
            return FiscalResult.from_entry(entry, repeated=True)
        if entry is not None and entry.state is not JournalState.CANCELLED:
            settled = self._settle(entry, None)
            if settled is not None:
                return attrs.evolve(settled, repeated=True)
        _, fn = self._ready()
        entry = JournalEntry(
            correction.correction_id,
            JournalState.CLOSING,
            correction.total,
            expected_document=fn.last_document + 1,
            not_before=codec.fn_datetime(fn.datetime),
            document_type=_FD_CORRECTION,
        )
        self.journal.record(entry)
        try:
            self._call(codec.BeginCorrection(self.admin_password))
            reply = self._call(
                codec.CorrectionReceipt(
                    self.admin_password,
                    codec.to_kopecks(correction.total),
                    _CALCULATION[correction.kind],
                ),
                codec.CorrectionReply,
            )
        except (DeviceTimeoutError, ProtocolError):
            return self._resolve_lost_close(entry, None)
        except DeviceError as exc:
            info = self._stored(entry)
            if info is not None:
                return self._finish(entry, info)
            self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
            raise self._with_outcome(exc, entry, ReceiptOutcome.CANCELLED) from None
        done = attrs.evolve(
            entry,
            state=JournalState.DONE,
            document_number=reply.document,
            fiscal_sign=reply.fiscal_sign,
        )
        self.journal.record(done)
        return FiscalResult.from_entry(done, repeated=False)

    def recover(self) -> list[FiscalResult]:
        """Settle every unfinished receipt in the journal; returns those found done.

        A receipt whose close was sent but which the fiscal storage does not
        have, and which is still open on the device, needs its payments to be
        finished: this raises :class:`~salescore.errors.DeviceError` naming it;
        pass the receipt to :meth:`process_check` again.
        """
        done: list[FiscalResult] = []
        for entry in self.journal.unfinished():
            outcome = self._settle(entry, None)
            if outcome is not None:
                done.append(outcome)
        self._ready_for_document(allow_expired=True)
        return done

    # --- receipts --------------------------------------------------------------------------

    def _register_lines(
        self, receipt: Receipt, correction: Correction | None = None
    ) -> tuple[str, ...]:
        """Open the receipt and register its lines; warnings about names cut for the FN."""
        if self.ffd == "1.2":
            return self._register_lines_v2(receipt, correction)
        notes: list[str] = []
        self._call(codec.OpenReceipt(self.password, int(receipt.kind)))
        item_command = codec.ITEM_COMMANDS[int(receipt.kind)]
        for number, line in enumerate(receipt.fiscal_lines(), 1):
            taxes = (vat_code(line.vat, self.tax_groups, PROTOCOL), 0, 0, 0)
            first, *rest = self._name_lines(line.name)
            self._call(
                item_command(
                    self.password,
                    codec.to_thousandths(line.quantity),
                    codec.to_kopecks(line.price),
                    line.department,
                    taxes,
                    first,
                )
            )
            if line.discount:
                self._call(
                    codec.Discount(self.password, codec.to_kopecks(line.discount), taxes, "")
                )
            for text in rest:  # the rest of a long name, printed under its line
                self._call(codec.PrintString(self.password, _RECEIPT_TAPE, text))
            if rest:
                notes.append(
                    f"line {number}: the fiscal storage has its name as {first!r} (the 0x80 "
                    f"text field holds {codec.TEXT_WIDTH} bytes; the whole name is printed): "
                    "use ffd='1.2' to register names of up to 128 bytes"
                )
        return tuple(notes)

    def _register_lines_v2(
        self, receipt: Receipt, correction: Correction | None = None
    ) -> tuple[str, ...]:
        """FFD 1.2: open, one 0xFF46 per line (its discount folded into its sum), its unit.

        A name wider than the paper is printed over several lines first (0x17)
        and sent with 0xFF46 behind ``//``, which the device registers without
        printing it. A marked line's code is checked (0xFF61) and kept (0xFF69)
        before its 0xFF46 and bound to it (0xFF67) after, as both vendor
        drivers order it; a code the fiscal storage or the marking system
        refuses stops the receipt (:class:`MarkingCodeRejectedError`).
        A correction opens with kind + 0x80 and sends its tags 1173 and 1174.
        """
        notes: list[str] = []
        kind = int(receipt.kind)
        if correction is not None:
            kind |= codec.CORRECTION_RECEIPT
        if any(line.marking_code is not None for line in receipt.lines):
            self._clear_marking()
        self._call(codec.OpenReceipt(self.password, kind))
        if correction is not None:
            for tlv in _correction_tlvs(correction):
                self._call(codec.SendTlv(self.admin_password, tlv))
        for number, line in enumerate(receipt.fiscal_lines(), 1):
            printed = self._name_lines(line.name)
            if len(printed) > 1:
                for text in printed:
                    self._call(codec.PrintString(self.password, _RECEIPT_TAPE, text))
            if line.marking_code is not None:
                self._check_marking(receipt, line, number)
            operation = self._operation_v2(receipt, line)
            self._call(operation)
            self._call(
                codec.SendOperationTlv(self.password, codec.encode_tlv(2108, bytes([line.unit])))
            )
            if line.marking_code is not None:
                self._call(
                    codec.BindMarkingCode(self.password, marking_payload(line.marking_code)),
                    codec.BindMarkingReply,
                )
            registered = operation.name.removeprefix(_NOT_PRINTED)
            if registered != " ".join(printable(line.name, _CODE_PAGE).split()):
                notes.append(
                    f"line {number}: the fiscal storage has its name as {registered!r} "
                    f"(tag 1030 holds {_NAME_BYTES} bytes; the whole name is printed)"
                )
        if receipt.buyer_contact:
            contact = receipt.buyer_contact.encode("cp866", errors="replace")[:64]
            self._call(codec.SendTlv(self.admin_password, codec.encode_tlv(1008, contact)))
        return tuple(notes)

    def _planned_status(self, receipt: Receipt, line: ReceiptLine) -> int:
        """Tag 2003 of a marked line; refused before anything is sent where it cannot go."""
        where = f"receipt {receipt.receipt_id!r}, line {line.name!r}"
        if self.ffd != "1.2":
            raise InvalidInputError(
                f"{where}: marking codes are sent by FFD 1.2 commands (0xFF61, 0xFF67): "
                "use ffd='1.2' on a register registered for FFD 1.2",
                protocol=PROTOCOL,
            )
        if receipt.kind not in (ReceiptKind.SALE, ReceiptKind.SALE_RETURN):
            raise InvalidInputError(
                f"{where}: a marked item is checked for a sale or a sale return only, not for "
                f"a {receipt.kind.name.lower().replace('_', ' ')}",
                protocol=PROTOCOL,
            )
        return int(
            planned_status(
                sale=receipt.kind is ReceiptKind.SALE,
                quantity=line.quantity,
                piece=line.unit is MeasureUnit.PIECE,
            )
        )

    def _check_marking(self, receipt: Receipt, line: ReceiptLine, number: int) -> None:
        """0xFF61 then 0xFF69: the code is checked and kept, or the receipt stops."""
        assert line.marking_code is not None
        payload = marking_payload(line.marking_code)
        reply = self._call(
            codec.CheckMarkingCode(
                self.admin_password, self._planned_status(receipt, line), 0, payload
            ),
            codec.MarkingCheckReply,
        )
        bits = reply.check_result
        if bits is not None and CheckResult(bits).refusal() is not None:
            self._call(codec.AcceptMarkingCode(self.admin_password, 0), codec.AcceptMarkingReply)
            self._refuse_marking(receipt, line, number, bits)
        kept = self._call(codec.AcceptMarkingCode(self.admin_password, 1), codec.AcceptMarkingReply)
        if bits is None and kept.check_result is not None:
            bits = kept.check_result
            if CheckResult(bits).refusal() is not None:
                self._call(
                    codec.AcceptMarkingCode(self.admin_password, 2), codec.AcceptMarkingReply
                )
                self._refuse_marking(receipt, line, number, bits)

    def _clear_marking(self) -> None:
        """``FF69`` 2: empty the codes kept by an earlier receipt (as OPOS does on every new
        receipt, whatever the device answers)."""
        try:
            self._call(codec.AcceptMarkingCode(self.password, 2), codec.AcceptMarkingReply)
        except DeviceError as exc:
            if exc.details.get("device_code") is None:
                raise  # the link, not the device: the receipt waits

    def _refuse_marking(self, receipt: Receipt, line: ReceiptLine, number: int, bits: int) -> None:
        assert line.marking_code is not None
        raise MarkingCodeRejectedError(
            f"receipt {receipt.receipt_id!r}, line {number} ({line.name!r}): marking code "
            f"{show_code(line.marking_code)!r} refused: {CheckResult(bits).refusal()}; the "
            "receipt is annulled: take the item out of the sale",
            protocol=PROTOCOL,
            device_code=None,
            command=0xFF61,
            receipt_id=receipt.receipt_id,
            line=number,
            marking_code=line.marking_code,
            check_result=bits,
        )

    def _name_lines(self, name: str) -> list[str]:
        """``name`` in CP1251 (transliterated where needed), wrapped at words to the paper."""
        return wrap_text(printable(name, _CODE_PAGE), self.print_width, encoding=_CODE_PAGE)

    def _fiscal_name(self, name: str) -> str:
        """The 0xFF46 name: as printed if it fits one line, else ``//`` and up to 128 bytes."""
        lines = self._name_lines(name)
        if len(lines) == 1:
            return lines[0]
        whole = " ".join(printable(name, _CODE_PAGE).split())
        return _NOT_PRINTED + fit_bytes(whole, _NAME_BYTES - len(_NOT_PRINTED), _CODE_PAGE)

    def _operation_v2(self, receipt: Receipt, line: ReceiptLine) -> codec.OperationV2:
        """A line as 0xFF46: the price adjusted so that price × quantity is the sum ±1 kopeck."""
        price = line.price
        if line.discount:
            with localcontext(decimal_context()):
                price = (line.amount / line.quantity).quantize(_KOPECK, rounding=ROUND_HALF_UP)
                off = abs(price * line.quantity - line.amount)
            if off > _KOPECK:
                raise InvalidAmountError(
                    f"receipt {receipt.receipt_id!r}, line {line.name!r}: its sum "
                    f"{line.amount} after the discount is no price × {line.quantity} within "
                    "the device's ±1 kopeck (FFD 1.2 has no discount operation): split the line",
                    value=line.amount,
                )
        return codec.OperationV2(
            self.password,
            operation=_CALCULATION[receipt.kind],
            quantity=int(line.quantity * 1_000_000),
            price=codec.to_kopecks(price),
            amount=codec.to_kopecks(line.amount),
            tax=codec.NOT_GIVEN,
            tax_group=vat_code(line.vat, self.tax_groups, PROTOCOL),
            department=line.department,
            payment_method=int(line.payment_method),
            subject=int(line.fiscal_subject),
            name=self._fiscal_name(line.name),
        )

    def _check_correction_open(self, receipt: Receipt) -> None:
        """The open document must still be the correction (0xFF01's current document 0x14).

        A correction lost with the power (or annulled on the keypad) is not
        noticed by the lines: a line sent again then opens a plain receipt of
        the same lines and total, which "close" would make fiscal in its place.
        """
        current = self._fn_status().current_document
        if current != _FN_DOC_CORRECTION:
            raise DeviceError(
                f"correction {receipt.receipt_id!r}: the register's open document is not the "
                f"correction (fiscal storage document kind 0x{current:02X}, not 0x14): it was "
                "lost (power cut?) and the lines went into another document, which is "
                "annulled; nothing is fiscal: repeat the correction",
                protocol=PROTOCOL,
                device_code=None,
                command=0xFF01,
                receipt_id=receipt.receipt_id,
                current_document=current,
            )

    def _check_subtotal(self, entry: JournalEntry, receipt: Receipt) -> None:
        """The device's subtotal must be the receipt's total, or nothing is closed."""
        reply = self._call(codec.Subtotal(self.password), codec.SubtotalReply)
        subtotal = codec.from_kopecks(reply.subtotal)
        if subtotal != receipt.total:
            raise ReceiptMismatchError(
                f"receipt {receipt.receipt_id!r}: the device's subtotal is {subtotal}, the "
                f"receipt's total {receipt.total}; the receipt was annulled and nothing is "
                "fiscal: check the device's lines (a line registered twice?) and ring it again",
                protocol=PROTOCOL,
                device_code=None,
                command=0x89,
                receipt_id=receipt.receipt_id,
                device_subtotal=subtotal,
                expected=receipt.total,
            )

    def _close_command(self, receipt: Receipt) -> codec.CloseReceipt | codec.CloseReceiptV2:
        def paid(kind: PaymentType) -> int:
            return codec.to_kopecks(receipt.payment_sum(kind))

        if self.ffd == "1.2":
            sums = [0] * 16
            sums[0], sums[1] = paid(PaymentType.CASH), paid(PaymentType.ELECTRONIC)
            sums[13], sums[14] = paid(PaymentType.PREPAID), paid(PaymentType.CREDIT)
            system = receipt.tax_system
            return codec.CloseReceiptV2(
                self.password,
                payments=tuple(sums),
                rounding=0,
                taxes=(0,) * 6,
                tax_system=0 if system is None else 1 << system,
                text=receipt.cashier,
            )
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
            reply = self._call(self._close_command(receipt), codec.Reply)
            if not isinstance(reply, codec.CloseReceiptReply | codec.CloseReceiptV2Reply):
                raise ProtocolError(
                    f"unexpected reply to close: {reply!r}", protocol=PROTOCOL, device_code=None
                )
        except PaperOutError as exc:
            # Refused for lack of paper and no paper came: the paid receipt stays open.
            raise self._with_outcome(exc, entry, ReceiptOutcome.PENDING) from None
        except (DeviceTimeoutError, ProtocolError):
            return self._resolve_lost_close(entry, receipt if again else None)
        except DeviceError as exc:
            # The device refused this "close". An earlier one may have run (a resend after
            # a power cut that ate the answer is refused with "no receipt open"): the
            # fiscal storage decides before anything is annulled.
            info = self._stored(entry)
            if info is not None:
                return self._finish(entry, info)
            self._cancel_started(entry)
            raise self._with_outcome(exc, entry) from None
        info = self._stored(entry, answered=True)
        if info is None:
            raise DeviceError(
                f"receipt {entry.receipt_id!r}: the device closed it but fiscal document "
                f"{entry.expected_document} is not it; check the fiscal storage by hand",
                protocol=PROTOCOL,
                device_code=None,
                receipt_id=entry.receipt_id,
                outcome=ReceiptOutcome.UNKNOWN,
            )
        result = self._finish(entry, info)
        change = codec.from_kopecks(reply.change)
        if change != receipt.change:
            raise ReceiptMismatchError(
                f"receipt {receipt.receipt_id!r} is fiscal (document {result.document_number}) "
                f"but the device gave change {change}, the receipt {receipt.change}: give the "
                "change the device printed and check the payments",
                protocol=PROTOCOL,
                device_code=None,
                command=0x85,
                receipt_id=receipt.receipt_id,
                outcome=ReceiptOutcome.DONE,
                device_change=change,
                expected=receipt.change,
                document_number=result.document_number,
            )
        return result

    def _resolve_lost_close(self, entry: JournalEntry, receipt: Receipt | None) -> FiscalResult:
        """The answer to "close" was lost: ask the fiscal storage until it tells."""
        deadline = time.monotonic() + self.recovery_timeout
        while True:
            try:
                outcome = self._settle(entry, receipt)
            except (DeviceTimeoutError, ProtocolError):
                if time.monotonic() >= deadline:
                    break
                time.sleep(self.poll_interval)
                continue
            if outcome is None:
                raise DeviceError(
                    f"receipt {entry.receipt_id!r}: the device lost the receipt before "
                    "closing it (power cut?); nothing is fiscal: ring it again",
                    protocol=PROTOCOL,
                    device_code=None,
                    receipt_id=entry.receipt_id,
                    outcome=ReceiptOutcome.CANCELLED,
                )
            return outcome
        raise FiscalStateUnknownError(
            f'receipt {entry.receipt_id!r}: contact was lost after "close" was sent and the '
            f"device did not come back within {self.recovery_timeout} s; the receipt may be in "
            "the fiscal storage (as document {entry.expected_document}): do not refund or ring "
            "it again; when the register is back, repeat process_check with the same receipt",
            protocol=PROTOCOL,
            device_code=None,
            receipt_id=entry.receipt_id,
            outcome=ReceiptOutcome.UNKNOWN,
            expected_document=entry.expected_document,
        )

    def _finish(
        self, entry: JournalEntry, info: FiscalDocumentInfo, *, repeated: bool = False
    ) -> FiscalResult:
        """The receipt is in the fiscal storage: mark it done, then see its print through."""
        done = attrs.evolve(
            entry,
            state=JournalState.DONE,
            document_number=info.number,
            fiscal_sign=info.fiscal_sign,
        )
        # Not forced to disk: lost by a power cut, the durable "closing" entry is
        # settled again from the fiscal storage (the document is there), never resent.
        self.journal.record(done, durable=False)
        warnings = self._see_print_through()
        return attrs.evolve(FiscalResult.from_entry(done, repeated=repeated), warnings=warnings)

    def _see_print_through(self) -> tuple[str, ...]:
        """After close: wait for paper if it ran out, then continue the print."""
        try:
            status = self._status()
            if status.submode in _SUBMODES_PAPER_OUT:
                status = self._wait_for_paper(0x85)
            if status.submode == _SUBMODE_CONTINUE:
                self.continue_print()
        except PaperOutError:
            return (
                "no paper: the receipt is in the fiscal storage but its print stopped; "
                "load paper and the print continues",
            )
        except DeviceError:
            return ()  # the receipt is done; the next document checks the state again
        return ()

    def _stored(self, entry: JournalEntry, *, answered: bool = False) -> FiscalDocumentInfo | None:
        """This receipt's document in the fiscal storage, or ``None`` if it is not there.

        ``answered``: the device answered this receipt's "close" with success, so
        its payment split (read from the document's TLV) need not be compared.
        """
        if entry.expected_document is None:
            return None
        # After a successful "close" the document exists: 0xFF0A alone finds it (or
        # answers "no data" if it is not there). Otherwise ask first whether the
        # storage has reached the number at all.
        if not answered and self._fn_status().last_document < entry.expected_document:
            return None
        info = self._find(entry.expected_document, payments=not answered)
        if info is None or entry.mismatch(info) is not None:
            return None
        return info

    def _settle(self, entry: JournalEntry, receipt: Receipt | None) -> FiscalResult | None:
        """Settle one unfinished entry: a result if it is (now) done, None if cancelled."""
        status = self._status()
        if entry.state is JournalState.CLOSING:
            info = self._stored(entry)
            if info is not None:
                return self._finish(entry, info)
            if status.mode_number == _MODE_RECEIPT:
                if receipt is None:
                    raise DeviceError(
                        f"receipt {entry.receipt_id!r} is open on the device and not in the "
                        "fiscal storage, and its close was sent: pass the receipt to "
                        "process_check again to finish it",
                        protocol=PROTOCOL,
                        device_code=None,
                        receipt_id=entry.receipt_id,
                        outcome=ReceiptOutcome.PENDING,
                    )
                # "Close" never took effect: check the subtotal and send it once more.
                self._check_subtotal(entry, receipt)
                if entry.document_type == _FD_CORRECTION:
                    try:
                        self._check_correction_open(receipt)
                    except DeviceError as exc:
                        if "current_document" not in exc.details:
                            raise
                        # Not the correction: annul it; nothing of the correction is fiscal.
                        self._call(codec.CancelReceipt(self.password))
                        self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
                        return None
                last = self._fn_status().last_document
                entry = attrs.evolve(entry, expected_document=last + 1)
                self.journal.record(entry)
                return self._close(entry, receipt, again=False)
            # Not in the storage, no receipt open: the device lost it. Nothing is fiscal.
            self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
            return None
        if status.mode_number == _MODE_RECEIPT:
            self._call(codec.CancelReceipt(self.password))
        self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
        return None

    def _cancel_started(self, entry: JournalEntry) -> None:
        """Annul the receipt being built; on a lost link the entry stays for later."""
        try:
            if self._status().mode_number == _MODE_RECEIPT:
                self._call(codec.CancelReceipt(self.password))
        except DeviceTimeoutError:
            return  # unknown: the entry stays unfinished until the device is back
        self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))

    def _with_outcome(
        self, exc: DeviceError, entry: JournalEntry, outcome: ReceiptOutcome | None = None
    ) -> DeviceError:
        """``exc`` again, with the receipt and where it stands in its details."""
        if outcome is None:
            current = self.journal.get(entry.receipt_id)
            cancelled = current is not None and current.state is JournalState.CANCELLED
            outcome = ReceiptOutcome.CANCELLED if cancelled else ReceiptOutcome.NOT_FISCAL
        details = {
            "protocol": PROTOCOL,
            "device_code": None,
            **exc.details,
            "receipt_id": entry.receipt_id,
            "outcome": outcome,
        }
        message = str(exc)
        if outcome is ReceiptOutcome.CANCELLED and "ring it again" not in message:
            message += "; nothing is fiscal: ring it again if the sale stands"
        elif outcome is ReceiptOutcome.NOT_FISCAL:
            message += (
                "; nothing is fiscal: the open receipt is annulled when the register is back "
                "(repeat the call with the same receipt then)"
            )
        elif outcome is ReceiptOutcome.PENDING:
            message += (
                "; the paid receipt stays open on the device: load paper and repeat the call "
                "with the same receipt to finish it (never refund it)"
            )
        return type(exc)(message, **details)

    def _payment_split(self, number: int) -> PaymentSplit | None:
        """A receipt's sums by payment type, from its TLV; None if the device has none."""
        try:
            head = self._call(
                codec.FnRequestDocumentTlv(self.admin_password, number), codec.FnDocumentTlvReply
            )
            data = b""
            while len(data) < head.length:
                data += self._call(codec.FnReadTlv(self.admin_password), codec.FnTlvReply).block
        except DeviceError as exc:
            if exc.details.get("device_code") is None:
                raise
            return None  # a device without TLV reading: the split stays unchecked
        tlvs = codec.decode_tlvs(data)
        split = {
            name: codec.from_kopecks(int.from_bytes(tlvs[tag], "little"))
            for tag, name in _PAYMENT_TAGS.items()
            if tag in tlvs and int.from_bytes(tlvs[tag], "little")
        }
        return tuple(sorted(split.items()))

    # --- state checks ----------------------------------------------------------------------

    def _ready_for_document(self, *, allow_expired: bool = False) -> FiscalStatus:
        """Settle the journal, then read the state and clear what can be cleared (H3, H4)."""
        return self._ready(allow_expired=allow_expired)[0]

    def _ready(self, *, allow_expired: bool = False) -> tuple[FiscalStatus, codec.FnStatusReply]:
        """:meth:`_ready_for_document`, with the fiscal storage's status of the last read."""
        for entry in self.journal.unfinished():
            self._settle(entry, None)
        deadline = time.monotonic() + self.busy_timeout
        while True:
            status, fn = self._current_status()
            if status.submode in _SUBMODES_PRINTING:
                self._wait_or_fail(deadline)
                continue
            if status.paper_out:
                raise PaperOutError(
                    "the fiscal register has no paper: load paper, then repeat",
                    protocol=PROTOCOL,
                    device_code=None,
                    submode=status.submode,
                )
            if status.waiting_continue_print:
                self.continue_print()
                continue
            if status.receipt_open:
                # Every journal entry is settled: an open receipt is nobody's, never closed.
                self._call(codec.CancelReceipt(self.password))
                continue
            if status.shift_state is ShiftState.EXPIRED and not allow_expired:
                raise ShiftExpiredError(
                    f"shift {status.shift_number} is older than 24 hours: close it with a "
                    "Z report (close_shift), then open a new one",
                    protocol=PROTOCOL,
                    device_code=None,
                )
            reason = shift_refusal(status.shift_deadline, self.clock.now())
            if reason is not None and not allow_expired:
                raise ShiftExpiredError(
                    f"shift {status.shift_number}: {reason}; the fiscal storage refuses "
                    "documents after it: close the shift with a Z report (close_shift), "
                    "then open a new one",
                    protocol=PROTOCOL,
                    device_code=None,
                    shift_deadline=status.shift_deadline,
                )
            return status, fn

    def _wait_for_paper(self, code: int) -> codec.ShortStatusReply:
        """Poll until paper is loaded (within ``paper_timeout``); the status then."""
        deadline = time.monotonic() + self.paper_timeout
        while True:
            status = self._status()
            if status.submode not in _SUBMODES_PAPER_OUT:
                return status
            if time.monotonic() >= deadline:
                raise PaperOutError(
                    f"the fiscal register has no paper (command 0x{code:02X}); load paper",
                    protocol=PROTOCOL,
                    device_code=_E_NO_PAPER,
                    command=code,
                    submode=status.submode,
                )
            time.sleep(self.poll_interval)

    def _wait_or_fail(self, deadline: float) -> None:
        if time.monotonic() >= deadline:
            raise DeviceTimeoutError(
                f"the device kept printing for more than {self.busy_timeout} s; "
                "check it (paper jam, cover) and repeat",
                protocol=PROTOCOL,
                device_code=_E_BUSY,
            )
        time.sleep(self.poll_interval)

    # --- commands --------------------------------------------------------------------------

    def _status(self) -> codec.ShortStatusReply:
        return self._call(codec.ShortStatus(self.password), codec.ShortStatusReply)

    def _fn_status(self) -> codec.FnStatusReply:
        return self._call(codec.FnStatus(self.admin_password), codec.FnStatusReply)

    def _shift_report(self) -> ShiftReport:
        fn = self._fn_status()
        shift = self._call(codec.FnShiftParams(self.admin_password), codec.FnShiftParamsReply)
        return ShiftReport(shift.shift_number, fn.last_document)

    def _call(
        self,
        command: codec.Command,
        expect: type[_R] | None = None,
        timeout: float | None = None,
    ) -> _R:
        """Send a command and return its reply.

        "Busy" (0x50) is waited out; "no paper" (0x6B) waits for paper and
        "waiting for continue-print" (0x58) continues the print: each refused
        the command without running it, so it is sent again. Other device
        errors raise.
        """
        deadline = time.monotonic() + self.busy_timeout
        while True:
            payload = self.link.exchange(command.encode(), timeout or self.answer_timeout)
            code, error, reply = codec.decode_reply(payload)
            if error == _E_BUSY:
                self._wait_or_fail(deadline)
                continue
            if error == _E_NO_PAPER:
                if self._wait_for_paper(code).submode == _SUBMODE_CONTINUE:
                    self.continue_print()
                continue
            if error == _E_CONTINUE_PRINT and code != codec.ContinuePrint.code:
                self.continue_print()
                continue
            if error:
                raise _device_error(code, error)
            if expect is not None and not isinstance(reply, expect):
                raise ProtocolError(
                    f"unexpected reply to 0x{code:02X}: {reply!r}",
                    protocol=PROTOCOL,
                    command=code,
                    device_code=None,
                )
            return reply  # type: ignore[return-value]


def _correction_tlvs(correction: Correction) -> tuple[bytes, bytes]:
    """Tag 1173 (correction type) and STLV 1174 (basis: date 1178, number 1179)."""
    assert correction.base_date is not None  # a correction with lines has one
    midnight = dt.datetime.combine(correction.base_date, dt.time(), tzinfo=dt.UTC)
    basis = codec.encode_tlv(1178, int(midnight.timestamp()).to_bytes(4, "little"))
    basis += codec.encode_tlv(1179, correction.base_number.encode("cp866", errors="replace"))
    return (
        codec.encode_tlv(1173, bytes([int(correction.correction_type)])),
        codec.encode_tlv(1174, basis),
    )


def _placeholder(receipt: Receipt) -> JournalEntry:
    """A journal entry for a receipt that never got one (refused before it was recorded)."""
    return JournalEntry(receipt.receipt_id, JournalState.CANCELLED, receipt.total)


def _device_error(code: int, error: int) -> DeviceError:
    text = cashier_message(PROTOCOL, error, lang="en")  # one table: salescore.hardware.messages
    message = f"Shtrih-M command 0x{code:02X} failed with error 0x{error:02X}: {text}"
    details = {"protocol": PROTOCOL, "command": code, "device_code": error}
    if error == 0x4E:
        return ShiftExpiredError(message, **details)
    if error == _E_NO_PAPER:
        return PaperOutError(message, **details)
    return DeviceError(message, **details)
