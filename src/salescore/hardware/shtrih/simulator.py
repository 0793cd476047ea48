"""A Shtrih-M v1 fiscal register simulator with fault injection.

:class:`ShtrihDevice` is the device's state (shift, open receipt, fiscal
storage, cash, paper) and its answers to commands, with no I/O.
:class:`ShtrihSimulator` speaks the link protocol for it over any
:class:`~salescore.hardware.transport.Transport` (an in-memory pipe, a pty, a
TCP connection) and injects faults on the wire or in the device.

The simulator keeps what a test needs to check "exactly once":
:attr:`ShtrihDevice.receipts` lists the receipts registered in the fiscal
storage, and :attr:`ShtrihDevice.executed` counts every executed command.

>>> from salescore.hardware.shtrih.codec import OpenShift, ShortStatus
>>> device = ShtrihDevice()
>>> device.handle(OpenShift(password=1))[0]
0
>>> error, status = device.handle(ShortStatus(password=1))
>>> status.mode_number   # 2: the shift is open and under 24 hours
2
"""

from __future__ import annotations

import datetime as dt
import enum
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Final

import attrs

from salescore.errors import DeviceError, InvalidInputError, ProtocolError
from salescore.hardware.codes.gs1 import parse_marking_code
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.codec import ACK, ENQ, NAK, FrameParser
from salescore.hardware.transport import Transport
from salescore.hardware.transport import serve_tcp as transport_serve_tcp

__all__ = [
    "FiscalDocument",
    "OpenDocument",
    "ShtrihDevice",
    "ShtrihFault",
    "ShtrihSimulator",
    "serve_tcp",
]

# Device error codes (vendor table, as transcribed by pyshtrih and shtrihm-fr).
E_SHIFT_NOT_OPEN: Final = 0x3D
E_PAYMENT_SHORT: Final = 0x45
E_NOT_IN_THIS_RECEIPT: Final = 0x49
E_RECEIPT_OPEN: Final = 0x4A
E_CASHLESS_OVER_TOTAL: Final = 0x4D
E_SHIFT_EXPIRED: Final = 0x4E
E_BUSY: Final = 0x50
E_NO_CASH: Final = 0x46
E_RECEIPT_CLOSED: Final = 0x55
E_CONTINUE_PRINT: Final = 0x58
E_DISCOUNT_TOO_BIG: Final = 0x5A
E_NO_PAPER: Final = 0x6B
E_BAD_MODE: Final = 0x73
E_FN_NO_DATA: Final = 0x08
_LOCAL_FORMAT: Final = 3
"""0xFF61's reason "no AI 91/92 or their format is wrong" (JavaPOS ``FS_LEC_MC_FORMAT_ERROR``)."""

_START: Final = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
"""The simulated device's clock at power-on (its wall time; the FN keeps local time)."""

FD_CORRECTION: Final = 31
"""FFD document type of a correction receipt (чек коррекции)."""

FN_DOC_RECEIPT: Final = 0x03
"""0xFF01's current document: a receipt is open (JavaPOS ``FSDocType.FS_DOCTYPE_RECEIPT``)."""
FN_DOC_CORRECTION: Final = 0x14
"""0xFF01's current document: a correction receipt is open (``FS_DOCTYPE_CORRECTION_RECEIPT``)."""

FD_SHIFT_OPEN: Final = 2
FD_RECEIPT: Final = 3
FD_SHIFT_CLOSE: Final = 5

_PRINTING: Final = frozenset(
    {0x17, 0x8D, 0x80, 0x81, 0x82, 0x83, 0x85, 0x86, 0x88, 0x40, 0x41, 0xFF45, 0xFF46, 0xFF36}
)
_PRINTING_ALL: Final = _PRINTING | {0xE0, 0x50, 0x51}
_CALCULATION_TYPE: Final = {0: 1, 2: 2, 1: 3, 3: 4}
"""FFD "признак расчёта": sale 1, sale return 2, buy 3, buy return 4, by receipt kind."""


class ShtrihFault(enum.Enum):
    """Faults a test can inject; each fires once unless stated otherwise."""

    DROPPED_ACK = "dropped_ack"
    """The device executes the command but its ACK is lost."""
    GARBLED_ACK = "garbled_ack"
    """The ACK arrives damaged (0x86)."""
    LATE_ACK = "late_ack"
    """The ACK comes after the host's control timeout."""
    CORRUPTED_CHECKSUM = "corrupted_checksum"
    """The answer frame's LRC is wrong."""
    TRUNCATED_FRAME = "truncated_frame"
    """The answer frame stops short."""
    BYTE_TIMEOUT = "byte_timeout"
    """The command frame's last byte is lost: the device's byte timeout expires, it NAKs."""
    LOST_FRAME = "lost_frame"
    """The command frame is lost on the line: the device never sees it."""
    NOISE = "noise"
    """``0xFF`` noise bytes come before the control byte."""
    LEFTOVER_ANSWER = "leftover_answer"
    """An unread answer from an earlier session waits at connect."""
    BUSY = "busy"
    """The device is still printing: two commands get error 0x50."""
    PAPER_OUT = "paper_out"
    """No paper: printing commands get error 0x6B until :meth:`ShtrihDevice.load_paper`."""
    PAPER_OUT_AFTER_CLOSE = "paper_out_after_close"
    """Paper ends while the closed receipt prints (submode 2, then 3 once loaded)."""
    WAIT_CONTINUE_PRINT = "wait_continue_print"
    """After the receipt closes the device waits for continue-print (submode 3)."""
    POWER_LOSS_AFTER_CLOSE = "power_loss_after_close"
    """Power fails after the receipt is in the fiscal storage, before the answer."""
    SHIFT_EXPIRED = "shift_expired"
    """The open shift is older than 24 hours (mode 3): only a Z report helps."""
    NO_REPLY = "no_reply"
    """The device is silent (switched off); armed ``on`` a command, it executes that
    command and then falls silent until :attr:`ShtrihSimulator.silent` is cleared."""
    # --- host -> device ---------------------------------------------------------------
    GARBLED_FRAME = "garbled_frame"
    """The command frame arrives damaged (bad LRC): the device answers NAK, runs nothing."""
    NAK_GOOD_FRAME = "nak_good_frame"
    """The device answers a good frame with NAK and runs nothing."""
    DUPLICATED_FRAME = "duplicated_frame"
    """The command frame arrives twice in a row, and the device runs both (the worst
    case: v1 frames carry no sequence number to tell a repeat from a new command)."""
    DELAYED_FRAME = "delayed_frame"
    """The command frame reaches the device after the host's control timeout."""
    # --- device -> host ---------------------------------------------------------------
    ACK_TO_NAK = "ack_to_nak"
    """A good ACK is damaged into NAK on the line: the device runs the command."""
    LOST_ANSWER = "lost_answer"
    """The answer frame is lost on the line; the device holds it until asked by ENQ."""
    DUPLICATED_ANSWER = "duplicated_answer"
    """The answer frame arrives twice."""
    LATE_ANSWER = "late_answer"
    """The answer comes after the host's answer timeout (``late_answer_delay``)."""
    # --- device and power -------------------------------------------------------------
    POWER_LOSS_BEFORE = "power_loss_before"
    """Power fails as the frame arrives: the command does not run, an open receipt is
    lost, and the device is dead for :attr:`ShtrihSimulator.outage` seconds."""
    POWER_LOSS_AFTER = "power_loss_after"
    """The command runs, then power fails before the answer: the answer and an open
    receipt are lost (a closed one is in the fiscal storage); dead for ``outage`` s."""
    LINK_DOWN_BEFORE = "link_down_before"
    """The cable is pulled as the frame is sent: nothing passes for ``outage`` seconds."""
    LINK_DOWN_AFTER = "link_down_after"
    """The command runs, then the cable is pulled for ``outage`` seconds; the device
    keeps its answer and gives it on the first ENQ after."""
    PAPER_OUT_AT = "paper_out_at"
    """Paper ends as the command arrives: it is refused with 0x6B; the operator loads
    paper after :attr:`ShtrihSimulator.paper_reload_delay` seconds."""
    PAPER_OUT_AFTER = "paper_out_after"
    """The command runs, then paper ends while it prints (submode 2; 3 once loaded)."""
    PAPER_NEAR_END = "paper_near_end"
    """The paper-near-end sensor trips: the device goes on working."""
    SHIFT_EXPIRES = "shift_expires"
    """The shift's 24 hours pass as the command arrives (mid-receipt: lines and close
    are refused with 0x4E)."""
    DOUBLE_REGISTRATION = "double_registration"
    """The device runs the command twice (a device that took a repeated frame as new):
    the receipt's subtotal no longer matches."""


@attrs.frozen
class FiscalDocument:
    """A document in the simulated fiscal storage (ФН)."""

    number: int
    document_type: int
    shift: int
    total: int = 0
    calculation_type: int = 0
    fiscal_sign: int = 0
    when: dt.datetime = attrs.field(factory=lambda: _START)
    payments: tuple[tuple[int, int], ...] = ()
    """Sums by FFD payment tag (1031 cash, 1081 electronic, 1215 prepaid, 1216 credit)."""
    items: tuple[str, ...] = ()
    """The item names (tag 1030) of a receipt's lines, as registered."""
    marking_codes: tuple[tuple[int, str], ...] = ()
    """(line index, marking code) bound to the receipt's lines (0xFF67), in order."""
    extra_tlv: bytes = b""
    """TLVs sent for the document (0xFF0C): a correction's 1173 and 1174, a buyer's 1008."""

    def datetime_bytes(self) -> bytes:
        """YY MM DD hh mm, as the FN sends date-time."""
        w = self.when
        return bytes([w.year - 2000, w.month, w.day, w.hour, w.minute])

    def tlv(self) -> bytes:
        """The receipt's TLVs as 0xFF3B gives them."""
        stamp = int(self.when.timestamp())
        data = (
            codec.encode_tlv(1012, stamp.to_bytes(4, "little"))
            + codec.encode_tlv(1040, self.number.to_bytes(4, "little"))
            + codec.encode_tlv(1077, self.fiscal_sign.to_bytes(6, "big"))
        )
        if self.document_type in (FD_RECEIPT, FD_CORRECTION) and self.payments:
            data += codec.encode_tlv(1054, bytes([self.calculation_type]))
            data += codec.encode_tlv(1020, codec.vln(self.total))
            for tag, amount in self.payments:
                data += codec.encode_tlv(tag, codec.vln(amount))
        return data + self.extra_tlv


@attrs.define
class OpenDocument:
    """The receipt being built: kind, line sums in kopecks and the TLVs sent for it."""

    kind: int
    line_sums: list[int] = attrs.Factory(list)
    discounts: int = 0
    tlvs: list[bytes] = attrs.Factory(list)
    """TLVs for the receipt (0xFF0C) and for its lines (0xFF4D), in order."""
    lines_v2: list[codec.OperationV2] = attrs.Factory(list)
    names: list[str] = attrs.Factory(list)
    """The item names registered for the lines (tag 1030)."""
    correction: bool = False
    """A correction receipt with lines (0x8D with kind + 0x80, FFD 1.2)."""
    codes: dict[bytes, int] = attrs.Factory(dict)
    """Marking codes bound (0xFF67) to the line of that index; binding one again is a no-op."""

    @property
    def total(self) -> int:
        """Sum of the lines after discounts."""
        return sum(self.line_sums) - self.discounts


_FN_NUMBER: Final = b"9999078900001234"


@attrs.define
class ShtrihDevice:
    """The fiscal register's state and command semantics, without any I/O.

    ``handle`` returns ``(error, reply)``: the device's error byte and, when it
    is zero, the reply data.
    """

    shift_open: bool = False
    shift_expired: bool = False
    shift_number: int = 0
    receipt_number: int = 0
    document: OpenDocument | None = None
    documents: list[FiscalDocument] = attrs.Factory(list)
    running_number: int = 0
    cash: int = 0
    paper: bool = True
    submode: int = 0
    busy_left: int = 0
    drawer_pulses: int = 0
    continued: int = 0
    printed: list[str] = attrs.Factory(list)
    tape: list[str] = attrs.Factory(list)
    """Text lines printed on the receipt tape: item names and 0x17 lines."""
    executed: Counter[int] = attrs.Factory(Counter)
    close_fault: ShtrihFault | None = None
    clock: dt.datetime = _START
    """The device's clock; each fiscal document takes a minute."""
    paper_near_end: bool = False
    power_cycles: int = 0
    correction_open: bool = False
    fn_warnings: int = 0
    """FN warning flags (bit 0 replace in 3 days, 1 in 30 days, 2 memory 90 %, 3 OFD timeout)."""
    fn_valid_until: dt.date = dt.date(2027, 11, 23)
    unsent_documents: int = 0
    """Documents the OFD has not acknowledged (the simulator has no OFD: set by tests)."""
    open_shift_answers_operator: bool = False
    """Answer 0xE0 with the operator's number, as some models do (others send nothing)."""
    false_codes: set[str] = attrs.Factory(set)
    """Marking codes whose crypto tail the fiscal storage finds false (counterfeits)."""
    sold_codes: set[str] = attrs.Factory(set)
    """Marking codes the marking system knows as already sold (a sale of them is refused;
    a sale return is allowed). A code sold in a receipt joins them; a returned one leaves."""
    marking_online: bool = True
    """The marking system answers checks (tag 2106 bits 2-3); offline only the FN checks."""
    _checked: tuple[bytes, int, int] | None = None
    """The code of the last 0xFF61, its tag 2106 bits and planned status."""
    _accepted: dict[bytes, int] = attrs.Factory(dict)
    """Codes kept by 0xFF69 for the receipt being built, with their planned status."""
    _tlv_left: bytes = b""

    @property
    def receipts(self) -> list[FiscalDocument]:
        """Receipts registered in the fiscal storage."""
        return [doc for doc in self.documents if doc.document_type == FD_RECEIPT]

    @property
    def mode(self) -> int:
        """The mode byte: 8 + kind<<4 with a receipt open, else 2/3/4 by shift."""
        if self.document is not None:
            return 8 | (self.document.kind << 4)
        if not self.shift_open:
            return 4
        return 3 if self.shift_expired else 2

    def now(self) -> dt.datetime:
        """The device's clock: pass the device as the driver's ``clock`` in tests."""
        return self.clock

    def load_paper(self) -> None:
        """The operator loads paper; an interrupted document then waits for continue-print."""
        self.paper = True
        self.submode = 3 if self.submode == 2 else 0

    def power_cycle(self) -> None:
        """Power fails and comes back: an open receipt is lost (annulled), the FN keeps all."""
        self.power_cycles += 1
        self.correction_open = False
        self._checked = None
        self._accepted.clear()
        if self.document is not None:
            self.document = None
            self.printed.append("receipt lost at power-off")

    def _register(
        self,
        document_type: int,
        total: int = 0,
        calculation_type: int = 0,
        payments: tuple[tuple[int, int], ...] = (),
        items: tuple[str, ...] = (),
        document: OpenDocument | None = None,
    ) -> None:
        number = len(self.documents) + 1
        codes: tuple[tuple[int, str], ...] = ()
        extra = b""
        if document is not None:
            codes = tuple((line, code.decode("ascii")) for code, line in document.codes.items())
            # The document's own TLVs (0xFF0C), not the lines' measure units (2108).
            extra = b"".join(tlv for tlv in document.tlvs if tlv[:2] != b"\x3c\x08")
        self.clock += dt.timedelta(minutes=1)
        self.documents.append(
            FiscalDocument(
                number,
                document_type,
                self.shift_number,
                total,
                calculation_type,
                fiscal_sign=(number * 2654435761) % 2**32,
                when=self.clock,
                payments=payments,
                items=items,
                marking_codes=codes,
                extra_tlv=extra,
            )
        )
        self.running_number += 1
        if document is not None:
            for _line, code in codes:
                if document.kind == 0:
                    self.sold_codes.add(code)
                elif document.kind == 2:
                    self.sold_codes.discard(code)
            self._accepted.clear()

    def handle(self, command: codec.Command) -> tuple[int, codec.Reply | None]:
        """Execute one command as the device would."""
        code = command.code
        if isinstance(command, codec.ShortStatus):
            return 0, self._status()
        if self.busy_left > 0:
            self.busy_left -= 1
            return E_BUSY, None
        if code in _PRINTING_ALL:
            if not self.paper:
                return E_NO_PAPER, None
            if self.submode == 3:
                return E_CONTINUE_PRINT, None
        self.executed[code] += 1
        handler = _HANDLERS.get(type(command))
        if handler is None:
            if isinstance(command, codec.ItemOperation):
                return self._item(command)
            return E_BAD_MODE, None
        return handler(self, command)

    def _status(self) -> codec.ShortStatusReply:
        submode = self.submode
        if self.busy_left > 0:
            self.busy_left -= 1
            submode = 5
        elif not self.paper and submode == 0:
            submode = 1
        operations = len(self.document.line_sums) if self.document else 0
        return codec.ShortStatusReply(
            operator=1,
            flags=(codec.FLAG_RECEIPT_PAPER if self.paper else 0)
            | (0 if self.paper_near_end else codec.FLAG_RECEIPT_ROLL),
            mode=self.mode,
            submode=submode,
            operations_low=operations & 0xFF,
            operations_high=operations >> 8,
        )

    def _shift_ready(self) -> int:
        if not self.shift_open:
            return E_SHIFT_NOT_OPEN
        if self.shift_expired:
            return E_SHIFT_EXPIRED
        return 0

    def _device_type(self, command: codec.DeviceType) -> tuple[int, codec.Reply | None]:
        return 0, codec.DeviceTypeReply(0, 0, 1, 0, 250, 0, "ШТРИХ-М-01Ф (симулятор)")

    def _open_shift(self, command: codec.OpenShift) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        if self.shift_open:
            return E_SHIFT_EXPIRED if self.shift_expired else E_BAD_MODE, None
        self.shift_open, self.shift_expired = True, False
        self.shift_number += 1
        self.receipt_number = 0
        self._register(FD_SHIFT_OPEN)
        self.printed.append(f"shift {self.shift_number} opened")
        if self.open_shift_answers_operator:
            return 0, codec.OperatorReply(1)
        return 0, codec.EmptyReply()

    def _open_receipt(self, command: codec.OpenReceipt) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        if error := self._shift_ready():
            return error, None
        kind = command.kind & ~codec.CORRECTION_RECEIPT
        if kind not in codec.ITEM_COMMANDS:
            return E_BAD_MODE, None
        self.document = OpenDocument(kind, correction=bool(command.kind & codec.CORRECTION_RECEIPT))
        return 0, codec.OperatorReply(1)

    def _item(self, command: codec.ItemOperation) -> tuple[int, codec.Reply | None]:
        kind = next(k for k, cls in codec.ITEM_COMMANDS.items() if cls.code == command.code)
        if self.document is None:
            if error := self._shift_ready():
                return error, None
            self.document = OpenDocument(kind)
        elif self.document.kind != kind:
            return E_NOT_IN_THIS_RECEIPT, None
        elif self.shift_expired:
            return E_SHIFT_EXPIRED, None
        # The device rounds price × quantity half up to the kopeck (hazard H5).
        line_sum = (command.price * command.quantity + 500) // 1000
        self.document.line_sums.append(line_sum)
        self.document.names.append(command.text)
        self.tape.append(command.text)
        return 0, codec.OperatorReply(1)

    def _print_string(self, command: codec.PrintString) -> tuple[int, codec.Reply | None]:
        if command.flags & 0x02:
            self.tape.append(command.text)
        return 0, codec.OperatorReply(1)

    def _discount(self, command: codec.Discount) -> tuple[int, codec.Reply | None]:
        if self.document is None or not self.document.line_sums:
            return E_RECEIPT_CLOSED, None
        if command.amount > self.document.total:
            return E_DISCOUNT_TOO_BIG, None
        self.document.discounts += command.amount
        return 0, codec.OperatorReply(1)

    def _close(self, command: codec.CloseReceipt) -> tuple[int, codec.Reply | None]:
        document = self.document
        if document is None:
            return E_RECEIPT_CLOSED, None
        if document.correction or document.codes:
            return E_BAD_MODE, None  # FFD 1.2 documents close by 0xFF45 only
        if self.shift_expired:
            return E_SHIFT_EXPIRED, None
        total = document.total
        if command.discount:
            total -= (total * command.discount + 5000) // 10000
        cashless = command.payment2 + command.payment3 + command.payment4
        paid = command.cash + cashless
        if paid < total:
            return E_PAYMENT_SHORT, None
        if cashless > total:
            return E_CASHLESS_OVER_TOTAL, None
        change = paid - total
        self.receipt_number += 1
        split = (
            (1031, command.cash - change),
            (1081, command.payment2),
            (1215, command.payment3),
            (1216, command.payment4),
        )
        self._register(
            FD_RECEIPT,
            total,
            _CALCULATION_TYPE[document.kind],
            tuple((tag, amount) for tag, amount in split if amount),
            tuple(document.names),
        )
        self.cash += (command.cash - change) * (1 if document.kind in (0, 3) else -1)
        self.document = None
        self.printed.append(f"receipt {self.receipt_number}: {total / 100:.2f}")
        if self.close_fault is ShtrihFault.PAPER_OUT_AFTER_CLOSE:
            self.paper, self.submode = False, 2
        elif self.close_fault in (
            ShtrihFault.WAIT_CONTINUE_PRINT,
            ShtrihFault.POWER_LOSS_AFTER_CLOSE,
        ):
            self.submode = 3
        self.close_fault = None
        return 0, codec.CloseReceiptReply(1, change)

    def _subtotal(self, command: codec.Subtotal) -> tuple[int, codec.Reply | None]:
        if self.document is None:
            return E_RECEIPT_CLOSED, None
        return 0, codec.SubtotalReply(1, self.document.total)

    def _fn_tlv_request(
        self, command: codec.FnRequestDocumentTlv
    ) -> tuple[int, codec.Reply | None]:
        if not 1 <= command.number <= len(self.documents):
            return E_FN_NO_DATA, None
        doc = self.documents[command.number - 1]
        self._tlv_left = doc.tlv()
        return 0, codec.FnDocumentTlvReply(doc.document_type, len(self._tlv_left))

    def _fn_tlv_read(self, command: codec.FnReadTlv) -> tuple[int, codec.Reply | None]:
        if not self._tlv_left:
            return E_FN_NO_DATA, None
        size = 4 + int.from_bytes(self._tlv_left[2:4], "little")
        block, self._tlv_left = self._tlv_left[:size], self._tlv_left[size:]
        return 0, codec.FnTlvReply(block)

    def _operation_v2(self, command: codec.OperationV2) -> tuple[int, codec.Reply | None]:
        kind = {1: 0, 2: 2, 3: 1, 4: 3}.get(command.operation)
        if kind is None:
            return E_BAD_MODE, None
        if self.document is None:
            if error := self._shift_ready():
                return error, None
            self.document = OpenDocument(kind)
        elif self.document.kind != kind:
            return E_NOT_IN_THIS_RECEIPT, None
        elif self.shift_expired:
            return E_SHIFT_EXPIRED, None
        exact = (command.price * command.quantity + 500_000) // 1_000_000
        if command.amount == codec.NOT_GIVEN:
            line_sum = exact
        elif abs(command.amount - exact) > 1:  # the device's ±1 kopeck rule (hazard H5)
            return E_BAD_MODE, None
        else:
            line_sum = command.amount
        self.document.line_sums.append(line_sum)
        self.document.lines_v2.append(command)
        if command.name.startswith("//"):  # registered, not printed (the vendor's rule)
            self.document.names.append(command.name[2:])
        else:
            self.document.names.append(command.name)
            self.tape.append(command.name)
        return 0, codec.EmptyReply()

    def _send_tlv(
        self, command: codec.SendTlv | codec.SendOperationTlv
    ) -> tuple[int, codec.Reply | None]:
        if self.document is None:
            return E_RECEIPT_CLOSED, None
        codec.decode_tlvs(command.tlv)  # a malformed TLV is refused like a bad command
        self.document.tlvs.append(command.tlv)
        return 0, codec.EmptyReply()

    def _close_v2(self, command: codec.CloseReceiptV2) -> tuple[int, codec.Reply | None]:
        document = self.document
        if document is None:
            return E_RECEIPT_CLOSED, None
        if self.shift_expired:
            return E_SHIFT_EXPIRED, None
        total = document.total
        cash, cashless = command.payments[0], sum(command.payments[1:])
        if cash + cashless < total:
            return E_PAYMENT_SHORT, None
        if cashless > total:
            return E_CASHLESS_OVER_TOTAL, None
        change = cash + cashless - total
        self.receipt_number += 1
        split: tuple[tuple[int, int], ...] = (
            (1031, cash - change),
            (1081, command.payments[1]),
            (1215, command.payments[13]),
            (1216, command.payments[14]),
        )
        self._register(
            FD_CORRECTION if document.correction else FD_RECEIPT,
            total,
            _CALCULATION_TYPE[document.kind],
            tuple((tag, amount) for tag, amount in split if amount),
            tuple(document.names),
            document,
        )
        self.cash += (cash - change) * (1 if document.kind in (0, 3) else -1)
        self.document = None
        what = "correction" if document.correction else "receipt"
        self.printed.append(f"{what} {self.receipt_number}: {total / 100:.2f}")
        doc = self.documents[-1]
        return 0, codec.CloseReceiptV2Reply(change, doc.number, doc.fiscal_sign)

    def _begin_correction(self, command: codec.BeginCorrection) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        if error := self._shift_ready():
            return error, None
        self.correction_open = True
        return 0, codec.EmptyReply()

    def _correction(self, command: codec.CorrectionReceipt) -> tuple[int, codec.Reply | None]:
        if not self.correction_open:
            return E_BAD_MODE, None
        self.correction_open = False
        self.receipt_number += 1
        self._register(FD_CORRECTION, command.total, command.kind)
        self.printed.append(f"correction {self.receipt_number}: {command.total / 100:.2f}")
        doc = self.documents[-1]
        return 0, codec.CorrectionReply(self.receipt_number, doc.number, doc.fiscal_sign)

    def _check_marking(self, command: codec.CheckMarkingCode) -> tuple[int, codec.Reply | None]:
        """0xFF61: the FN checks the crypto tail (91/92), the marking system the status."""
        try:
            parsed = parse_marking_code(command.marking.decode("ascii"))
        except (InvalidInputError, UnicodeDecodeError):
            self._checked = None
            return 0, codec.MarkingCheckReply(0, _LOCAL_FORMAT, 0, b"")
        code = command.marking.decode("ascii")
        tail = parsed.elements.get("92", "")
        if not tail:  # a short code (93): nothing the FN can check
            bits, local, reason, kind = 0, 0, _LOCAL_FORMAT, 5
        else:
            valid = code not in self.false_codes
            bits, local, reason = 0b01 | (0b10 if valid else 0), (1 if valid else 2), 0
            kind = 2 if len(tail) == 88 else 4
        extra = b""
        if self.marking_online:
            selling = command.planned_status in (1, 2)
            correct = (code in self.sold_codes) != selling
            bits |= 0b0100 | (0b1000 if correct else 0)
            extra = bytes([0, bits])
        self._checked = (command.marking, bits, command.planned_status)
        return 0, codec.MarkingCheckReply(local, reason, kind, extra)

    def _accept_marking(self, command: codec.AcceptMarkingCode) -> tuple[int, codec.Reply | None]:
        """0xFF69: keep the checked code for the receipt (1), drop it (0), empty all (2)."""
        if command.decision == 2:
            self._checked = None
            self._accepted.clear()
            return 0, codec.AcceptMarkingReply()
        if self._checked is None or command.decision not in (0, 1):
            return E_BAD_MODE, None
        code, bits, status = self._checked
        if command.decision == 1:
            self._accepted[code] = status
        else:
            self._accepted.pop(code, None)
        return 0, codec.AcceptMarkingReply(bytes([bits]))

    def _bind_marking(self, command: codec.BindMarkingCode) -> tuple[int, codec.Reply | None]:
        """0xFF67: bind a kept code to the last line; binding it again changes nothing."""
        document = self.document
        if document is None or not document.lines_v2:
            return E_RECEIPT_CLOSED, None
        if command.marking not in self._accepted:
            return E_BAD_MODE, None  # the simulator asks for 0xFF61 and 0xFF69 first
        document.codes.setdefault(command.marking, len(document.lines_v2) - 1)
        return 0, codec.BindMarkingReply(b"\x44\x4d", 0)

    def _fn_expiry(self, command: codec.FnExpiry) -> tuple[int, codec.Reply | None]:
        until = self.fn_valid_until
        return 0, codec.FnExpiryReply(bytes([until.year - 2000, until.month, until.day]), 11, 1)

    def _fn_unsent(self, command: codec.FnUnsent) -> tuple[int, codec.Reply | None]:
        return 0, codec.FnUnsentReply(self.unsent_documents)

    def _cancel(self, command: codec.CancelReceipt) -> tuple[int, codec.Reply | None]:
        if self.document is None:
            return E_RECEIPT_CLOSED, None
        self.document = None
        self.printed.append("receipt cancelled")
        return 0, codec.OperatorReply(1)

    def _x_report(self, command: codec.XReport) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        self.running_number += 1
        self.printed.append(f"X report: shift {self.shift_number}, cash {self.cash / 100:.2f}")
        return 0, codec.OperatorReply(30)

    def _z_report(self, command: codec.ZReport) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        if not self.shift_open:
            return E_SHIFT_NOT_OPEN, None
        self._register(FD_SHIFT_CLOSE)
        self.printed.append(f"Z report: shift {self.shift_number} closed")
        self.shift_open = self.shift_expired = False
        return 0, codec.OperatorReply(30)

    def _cash(self, command: codec.CashIn | codec.CashOut) -> tuple[int, codec.Reply | None]:
        if self.document is not None:
            return E_RECEIPT_OPEN, None
        if error := self._shift_ready():
            return error, None
        if isinstance(command, codec.CashOut):
            if command.amount > self.cash:
                return E_NO_CASH, None
            self.cash -= command.amount
        else:
            self.cash += command.amount
        self.running_number += 1
        return 0, codec.CashReply(1, self.running_number)

    def _continue(self, command: codec.ContinuePrint) -> tuple[int, codec.Reply | None]:
        if not self.paper:
            return E_NO_PAPER, None
        if self.submode == 3:
            self.continued += 1
        self.submode = 0
        return 0, codec.OperatorReply(30)

    def _drawer(self, command: codec.OpenDrawer) -> tuple[int, codec.Reply | None]:
        self.drawer_pulses += 1
        return 0, codec.OperatorReply(1)

    def _fn_status(self, command: codec.FnStatus) -> tuple[int, codec.Reply | None]:
        return 0, codec.FnStatusReply(
            life_state=3,
            current_document=(
                0
                if self.document is None
                else FN_DOC_CORRECTION
                if self.document.correction
                else FN_DOC_RECEIPT
            ),
            document_data=0,
            shift_open=int(self.shift_open),
            warnings=self.fn_warnings,
            datetime=(
                self.documents[-1].datetime_bytes()
                if self.documents
                else FiscalDocument(0, 0, 0, when=self.clock).datetime_bytes()
            ),
            fn_number=_FN_NUMBER,
            last_document=len(self.documents),
        )

    def _fn_find(self, command: codec.FnFindDocument) -> tuple[int, codec.Reply | None]:
        if not 1 <= command.number <= len(self.documents):
            return E_FN_NO_DATA, None
        doc = self.documents[command.number - 1]
        if doc.document_type in (FD_RECEIPT, FD_CORRECTION):
            data = codec.receipt_document_data(
                doc.datetime_bytes(), doc.number, doc.fiscal_sign, doc.calculation_type, doc.total
            )
        else:
            data = (
                doc.datetime_bytes()
                + doc.number.to_bytes(4, "little")
                + doc.fiscal_sign.to_bytes(4, "little")
                + doc.shift.to_bytes(2, "little")
            )
        return 0, codec.FnDocumentReply(doc.document_type, 1, data)

    def _fn_shift(self, command: codec.FnShiftParams) -> tuple[int, codec.Reply | None]:
        return 0, codec.FnShiftParamsReply(
            int(self.shift_open), self.shift_number, self.receipt_number + 1
        )


_HANDLERS: Final[dict[type, Callable[..., tuple[int, codec.Reply | None]]]] = {
    codec.DeviceType: ShtrihDevice._device_type,
    codec.OpenShift: ShtrihDevice._open_shift,
    codec.OpenReceipt: ShtrihDevice._open_receipt,
    codec.Discount: ShtrihDevice._discount,
    codec.CloseReceipt: ShtrihDevice._close,
    codec.CancelReceipt: ShtrihDevice._cancel,
    codec.XReport: ShtrihDevice._x_report,
    codec.ZReport: ShtrihDevice._z_report,
    codec.CashIn: ShtrihDevice._cash,
    codec.CashOut: ShtrihDevice._cash,
    codec.ContinuePrint: ShtrihDevice._continue,
    codec.OpenDrawer: ShtrihDevice._drawer,
    codec.PrintString: ShtrihDevice._print_string,
    codec.FnStatus: ShtrihDevice._fn_status,
    codec.FnFindDocument: ShtrihDevice._fn_find,
    codec.FnShiftParams: ShtrihDevice._fn_shift,
    codec.Subtotal: ShtrihDevice._subtotal,
    codec.FnRequestDocumentTlv: ShtrihDevice._fn_tlv_request,
    codec.FnReadTlv: ShtrihDevice._fn_tlv_read,
    codec.FnExpiry: ShtrihDevice._fn_expiry,
    codec.FnUnsent: ShtrihDevice._fn_unsent,
    codec.OperationV2: ShtrihDevice._operation_v2,
    codec.CloseReceiptV2: ShtrihDevice._close_v2,
    codec.SendTlv: ShtrihDevice._send_tlv,
    codec.SendOperationTlv: ShtrihDevice._send_tlv,
    codec.BeginCorrection: ShtrihDevice._begin_correction,
    codec.CorrectionReceipt: ShtrihDevice._correction,
    codec.CheckMarkingCode: ShtrihDevice._check_marking,
    codec.AcceptMarkingCode: ShtrihDevice._accept_marking,
    codec.BindMarkingCode: ShtrihDevice._bind_marking,
}

_CLOSE_FAULTS: Final = frozenset(
    {
        ShtrihFault.PAPER_OUT_AFTER_CLOSE,
        ShtrihFault.WAIT_CONTINUE_PRINT,
        ShtrihFault.POWER_LOSS_AFTER_CLOSE,
    }
)


class ShtrihSimulator:
    """Serves a :class:`ShtrihDevice` over transports, with injected faults.

    Args:
        device: the state to serve (a fresh device if omitted).
        byte_timeout: the device's own byte timeout inside an incoming frame.
        late_ack_delay: how late a :attr:`ShtrihFault.LATE_ACK` (or a delayed frame) comes.
        late_answer_delay: how late a :attr:`ShtrihFault.LATE_ANSWER` comes.
        outage: seconds a power loss or a pulled cable lasts.
        paper_reload_delay: seconds until the (simulated) operator loads paper after
            :attr:`ShtrihFault.PAPER_OUT_AT` / ``PAPER_OUT_AFTER``; ``None``: never.

    Use :meth:`inject` to arm a fault, :meth:`start` to serve one transport in
    a background thread, :meth:`stop` to end it.
    """

    def __init__(
        self,
        device: ShtrihDevice | None = None,
        *,
        byte_timeout: float = 0.05,
        late_ack_delay: float = 0.3,
        late_answer_delay: float = 0.6,
        outage: float = 0.3,
        paper_reload_delay: float | None = 0.2,
    ) -> None:
        self.device = device or ShtrihDevice()
        self.byte_timeout = byte_timeout
        self.late_ack_delay = late_ack_delay
        self.late_answer_delay = late_answer_delay
        self.outage = outage
        self.paper_reload_delay = paper_reload_delay
        self.silent = False
        self.delays: dict[int, float] = {}
        """Seconds a command takes before its answer, by code (opening a shift: 20-30 s)."""
        self.received: list[bytes] = []
        """Every command payload received, in order (resends included)."""
        self._armed: dict[ShtrihFault, int | None] = {}
        self._pending: bytes | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- control ---------------------------------------------------------------------------

    def inject(self, fault: ShtrihFault, on: int | None = None) -> None:
        """Arm ``fault`` for the next command (or the next command with code ``on``)."""
        with self._lock:
            device = self.device
            if fault is ShtrihFault.NO_REPLY and on is None:
                self.silent = True
            elif fault is ShtrihFault.PAPER_OUT and on is None:
                device.paper = False
            elif fault is ShtrihFault.SHIFT_EXPIRED:
                if not device.shift_open:
                    device.shift_open = True
                    device.shift_number += 1
                    device._register(FD_SHIFT_OPEN)
                device.shift_expired = True
            elif fault is ShtrihFault.BUSY and on is None:
                device.busy_left = 2
            elif fault is ShtrihFault.LEFTOVER_ANSWER:
                self._pending = codec.encode_frame(codec.encode_reply(0x10, 0, device._status()))
            elif fault in _CLOSE_FAULTS:
                self._armed[fault] = 0x85
            else:
                self._armed[fault] = on

    @property
    def armed(self) -> dict[ShtrihFault, int | None]:
        """Faults armed by :meth:`inject` that have not fired yet, with their command code."""
        with self._lock:
            return dict(self._armed)

    def start(self, transport: Transport) -> threading.Thread:
        """Serve ``transport`` in a daemon thread until :meth:`stop` or the link closes."""
        thread = threading.Thread(
            target=self.serve, args=(transport,), name="shtrih-simulator", daemon=True
        )
        self._threads.append(thread)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop every serving thread."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)

    def _reload_paper_later(self) -> None:
        if self.paper_reload_delay is None:
            return

        def load() -> None:
            with self._lock:
                self.device.load_paper()

        timer = threading.Timer(self.paper_reload_delay, load)
        timer.daemon = True
        timer.start()

    # --- serving ---------------------------------------------------------------------------

    def serve(self, transport: Transport) -> None:
        """The device side of the link, until stopped or the transport fails."""
        parser = FrameParser()
        last_byte = time.monotonic()
        try:
            while not self._stop.is_set():
                chunk = transport.read(256, 0.01)
                now = time.monotonic()
                if now < self._down_until:
                    parser.clear()
                    continue  # the cable is out or the device is off: nothing passes
                if chunk:
                    last_byte = now
                    if self.silent:
                        continue
                    parser.feed(chunk)
                elif parser.partial and now - last_byte > self.byte_timeout:
                    parser.clear()
                    transport.write(bytes([NAK]))
                    continue
                while (event := parser.next_event()) is not None:
                    self._on_event(transport, event)
        except DeviceError:
            return

    def _take(self, fault: ShtrihFault, code: int) -> bool:
        if fault not in self._armed:  # faults are armed before the frame comes: no lock needed
            return False
        with self._lock:
            if fault in self._armed and self._armed[fault] in (None, code):
                del self._armed[fault]
                return True
            return False

    def _on_event(self, transport: Transport, event: int | bytes | ProtocolError) -> None:
        if isinstance(event, ProtocolError):
            transport.write(bytes([NAK]))
            return
        if isinstance(event, int):
            if event == ENQ:
                if self._pending is not None:
                    transport.write(bytes([ACK]) + self._pending)
                else:
                    transport.write(bytes([NAK]))
            elif event == ACK:
                self._pending = None
            return  # NAK: the host wants the answer again and will ENQ.
        self._on_frame(transport, event)

    def _go_down(self, power: bool) -> None:
        self._down_until = time.monotonic() + self.outage
        if power:
            with self._lock:
                self.device.power_cycle()
            self._pending = None

    def _on_frame(self, transport: Transport, payload: bytes) -> None:
        try:
            code, _ = codec.split_code(payload)
        except ProtocolError:
            transport.write(bytes([NAK]))
            return
        self.received.append(payload)
        if self._take(ShtrihFault.DUPLICATED_FRAME, code):
            self._on_frame(transport, payload)
            self._on_frame(transport, payload)
            return
        if self._take(ShtrihFault.POWER_LOSS_BEFORE, code):
            self._go_down(power=True)
            return
        if self._take(ShtrihFault.LINK_DOWN_BEFORE, code):
            self._go_down(power=False)
            return
        if self._take(ShtrihFault.LOST_FRAME, code):
            self.received.pop()
            return
        if self._take(ShtrihFault.DELAYED_FRAME, code):
            time.sleep(self.late_ack_delay)
        if self._take(ShtrihFault.NO_REPLY, code):
            self._execute(payload, code)  # done inside; then the device falls silent
            self.silent = True
            return
        if any(
            self._take(fault, code)
            for fault in (
                ShtrihFault.BYTE_TIMEOUT,
                ShtrihFault.GARBLED_FRAME,
                ShtrihFault.NAK_GOOD_FRAME,
            )
        ):
            transport.write(bytes([NAK]))  # damaged (or refused) on arrival: nothing runs
            return
        if self._take(ShtrihFault.NOISE, code):
            transport.write(b"\xff\xff")
        if self._take(ShtrihFault.DROPPED_ACK, code):
            pass
        elif self._take(ShtrihFault.GARBLED_ACK, code):
            transport.write(bytes([ACK | 0x80]))
        elif self._take(ShtrihFault.ACK_TO_NAK, code):
            transport.write(bytes([NAK]))
        elif self._take(ShtrihFault.LATE_ACK, code):
            time.sleep(self.late_ack_delay)
            transport.write(bytes([ACK]))
        else:
            transport.write(bytes([ACK]))
        answer = self._execute(payload, code)
        if code in self.delays:
            time.sleep(self.delays[code])
        frame = codec.encode_frame(answer)
        self._pending = frame
        if self._take(ShtrihFault.POWER_LOSS_AFTER_CLOSE, code):
            self._pending = None  # the answer died with the power; the FN kept the receipt
            return
        if self._take(ShtrihFault.POWER_LOSS_AFTER, code):
            self._go_down(power=True)
            return
        if self._take(ShtrihFault.LINK_DOWN_AFTER, code):
            self._go_down(power=False)
            return
        if self._take(ShtrihFault.LOST_ANSWER, code):
            return
        if self._take(ShtrihFault.LATE_ANSWER, code):
            time.sleep(self.late_answer_delay)
        if self._take(ShtrihFault.CORRUPTED_CHECKSUM, code):
            transport.write(frame[:-1] + bytes([frame[-1] ^ 0x5A]))
        elif self._take(ShtrihFault.TRUNCATED_FRAME, code):
            transport.write(frame[: len(frame) // 2])
        elif self._take(ShtrihFault.DUPLICATED_ANSWER, code):
            transport.write(frame + frame)
        else:
            transport.write(frame)

    def _execute(self, payload: bytes, code: int) -> bytes:
        try:
            command = codec.decode_command(payload)
        except ProtocolError:
            return codec.encode_reply(code, E_BAD_MODE)
        reload = False
        with self._lock:
            device = self.device
            for fault in _CLOSE_FAULTS:
                if code == 0x85 and self._armed.get(fault, -1) == 0x85:
                    device.close_fault = fault
                    if fault is not ShtrihFault.POWER_LOSS_AFTER_CLOSE:
                        del self._armed[fault]
            taken = self._armed_on(code)
            if ShtrihFault.SHIFT_EXPIRES in taken and device.shift_open:
                device.shift_expired = True
            if ShtrihFault.PAPER_NEAR_END in taken:
                device.paper_near_end = True
            if ShtrihFault.BUSY in taken:
                device.busy_left = 1
            if ShtrihFault.PAPER_OUT_AT in taken or ShtrihFault.PAPER_OUT in taken:
                device.paper, device.submode = False, 1
                reload = ShtrihFault.PAPER_OUT_AT in taken
            error, reply = device.handle(command)
            if ShtrihFault.DOUBLE_REGISTRATION in taken and not error:
                error, reply = device.handle(command)
            if ShtrihFault.PAPER_OUT_AFTER in taken and not error:
                device.paper, device.submode = False, 2
                reload = True
        if reload:
            self._reload_paper_later()
        return codec.encode_reply(code, error, reply)

    def _armed_on(self, code: int) -> set[ShtrihFault]:
        """Device-state faults armed for ``code`` (taken; the lock is held)."""
        kinds = (
            ShtrihFault.SHIFT_EXPIRES,
            ShtrihFault.PAPER_NEAR_END,
            ShtrihFault.PAPER_OUT_AT,
            ShtrihFault.PAPER_OUT_AFTER,
            ShtrihFault.DOUBLE_REGISTRATION,
            ShtrihFault.BUSY,
            ShtrihFault.PAPER_OUT,
        )
        taken = {f for f in kinds if f in self._armed and self._armed[f] in (None, code)}
        for fault in taken:
            del self._armed[fault]
        return taken


def serve_tcp(
    simulator: ShtrihSimulator, host: str = "127.0.0.1", port: int = 0
) -> tuple[socket.socket, int]:
    """Serve ``simulator`` on ``host:port`` (0 picks a free port), one client at a time.

    Returns the listening socket (close it to stop accepting) and the port.
    """
    return transport_serve_tcp(simulator.serve, simulator._stop, host, port)
