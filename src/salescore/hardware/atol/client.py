"""ATOL's JSON task API: a client with the task uuid as idempotency key, and a driver.

ATOL's driver (DTO10) runs a web server, by default on port 16732. A task is
posted as ``POST /api/v2/requests`` with ``{"uuid": ..., "request": [task]}``
and its result read with ``GET /api/v2/requests/<uuid>``:
``{"results": [{"status", "errorCode", "errorDescription", "result"}]}``.
The server refuses a second POST with the same uuid (HTTP 409), so a uuid kept
before the first POST makes a retried request safe (hazard H2): after a
dropped connection the client posts again with the same uuid, takes the 409 as
"already there" and polls the one task.

Money goes out as JSON numbers with exactly 2 decimals, quantities with 3,
written from :class:`~decimal.Decimal` (never through float), and answers are
parsed with ``parse_float=Decimal``.

>>> dumps_exact({"price": Decimal("45.5").quantize(Decimal("0.01")), "quantity": 2})
'{"price": 45.50, "quantity": 2}'

The result fields read come from independent ATOL integrations, not from our
fake server: ``getShiftStatus`` → ``shiftStatus.state``, ``number`` and
``expiredTime`` (the moment the shift's 24 hours end), ``getFnStatus`` →
``fnStatus.fiscalDocumentNumber`` (the last fiscal document) and
``fnStatus.warnings``, ``getFnInfo`` → ``fnInfo.validityDate``,
``ofdExchangeStatus`` → ``status.notSentCount`` (a POS product's ATOL web
driver, decompiled and published; ``fiscalDocumentNumber`` also in three more
public clients), and ``getFnDocument`` → ``documentTLV`` keyed by FFD tag
number (``1040``, ``1012``, ``1020``, ``1031``, ``1081``, ``1055``: a Qt
integration that rebuilds correction receipts from it).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from salescore.errors import (
    DeviceError,
    DeviceTimeoutError,
    FiscalStateUnknownError,
    InvalidInputError,
    MarkingCodeRejectedError,
    ProtocolError,
    ReceiptMismatchError,
    ShiftExpiredError,
)
from salescore.hardware.fiscal import (
    ATOL_MEASURE_UNITS,
    ATOL_PAYMENT_METHODS,
    ATOL_PAYMENT_SUBJECTS,
    ATOL_TAX_SYSTEMS,
    ATOL_VAT_NAMES,
    Correction,
    CorrectionType,
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
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
    ShiftReport,
    ShiftState,
    SystemClock,
    shift_ends_soon,
    shift_refusal,
    vat_code,
)
from salescore.hardware.marking import (
    ATOL_PLANNED_STATUS,
    CheckResult,
    atol_imc,
    planned_status,
    show_code,
)

__all__ = ["PENDING", "PROTOCOL", "AtolTaskClient", "AtolWebDriver", "TaskSettled", "dumps_exact"]

PROTOCOL: Final = "atol-web"
"""The ``protocol`` detail of every error the ATOL client and driver raise."""

PENDING: Final = frozenset({"wait", "inProgress", "blocked"})
"""Statuses of a task not finished yet (atol-client knows ``wait`` and ``blocked``)."""

_RECEIPT_TASKS: Final = {
    ReceiptKind.SALE: "sell",
    ReceiptKind.SALE_RETURN: "sellReturn",
    ReceiptKind.BUY: "buy",
    ReceiptKind.BUY_RETURN: "buyReturn",
}
_SHIFT_STATES: Final = {
    "closed": ShiftState.CLOSED,
    "opened": ShiftState.OPEN,
    "expired": ShiftState.EXPIRED,
}
_KOPECK = Decimal("0.01")
_FD_RECEIPT: Final = 3
_FD_CORRECTION: Final = 31
_CORRECTION_TASKS: Final = {ReceiptKind.SALE: "sellCorrection", ReceiptKind.BUY: "buyCorrection"}
_CORRECTION_TYPES: Final = {CorrectionType.SELF: "self", CorrectionType.BY_ORDER: "instruction"}
"""ATOL's ``correctionType`` of each FFD 1173 value, as ATOL's JSON task validator takes it."""
_ATOL_WARNINGS: Final = (
    ("needReplacement", FiscalWarning.FN_REPLACE_NOW),
    ("resourceExhausted", FiscalWarning.FN_EXPIRES_SOON),
    ("memoryOverflow", FiscalWarning.FN_MEMORY_FULL),
    ("ofdTimeout", FiscalWarning.OFD_TIMEOUT),
)


def dumps_exact(value: object) -> str:
    """JSON with Decimals written as exact numbers (``json`` would need float)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInputError(f"cannot send {value} as a JSON number")
        return format(value, "f")
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k))}: {dumps_exact(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps_exact(v) for v in value) + "]"
    if isinstance(value, float):
        raise InvalidInputError(f"refusing to send float {value!r}: use Decimal")
    return json.dumps(value, ensure_ascii=False)


class AtolTaskClient:
    """Posts tasks and polls their results, with a deadline.

    A task ends only on a definitive answer of the server: every result
    ``ready`` (success) or one in another final status (the device refused:
    :class:`~salescore.errors.DeviceError` with ``definitive=True``). A
    timeout, a dropped connection or an HTTP 5xx is retried with the same uuid
    until ``deadline``; a task the server does not know ("task unknown",
    HTTP 404) is posted again with the same uuid.

    Args:
        base_url: the DTO10 web server, e.g. ``http://127.0.0.1:16732``.
        timeout: seconds for one HTTP exchange.
        poll_interval: seconds between two result polls.
        deadline: seconds a task may stay pending or unreachable before
            :class:`DeviceTimeoutError`.
        post_attempts: how often a POST is tried when the connection drops.
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:16732",
        *,
        timeout: float = 5.0,
        poll_interval: float = 0.2,
        deadline: float = 30.0,
        post_attempts: int = 3,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise InvalidInputError(f"ATOL web server URL must be http://host:port, got {base_url}")
        self.host = parts.hostname
        self.port = parts.port or 16732
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.deadline = deadline
        self.post_attempts = post_attempts

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            headers = {"Content-Type": "application/json; charset=utf-8"} if body else {}
            conn.request(method, path, body=body.encode() if body else None, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        data: Any = None
        if raw:
            try:
                data = json.loads(raw, parse_float=Decimal)
            except ValueError as exc:
                raise ProtocolError(
                    f"ATOL answered {method} {path} with non-JSON",
                    protocol=PROTOCOL,
                    device_code=None,
                ) from exc
        return response.status, data

    def submit(self, task_id: str, tasks: Sequence[Mapping[str, Any]]) -> None:
        """Post ``tasks`` under ``task_id``; a 409 (already posted) counts as success.

        Raises:
            DeviceTimeoutError: no answer after ``post_attempts`` tries, or HTTP 5xx
                each time: the task may or may not be queued (ask with the same uuid).
            DeviceError: the server refused the request itself (HTTP 4xx).
        """
        body = dumps_exact({"uuid": task_id, "request": list(tasks)})
        last: object = None
        for _ in range(self.post_attempts):
            try:
                status, data = self._request("POST", "/api/v2/requests", body)
            except (OSError, http.client.HTTPException) as exc:
                last = exc  # the POST may have arrived: retry with the same uuid
                time.sleep(self.poll_interval)
                continue
            if status in (200, 201, 409):
                return
            if status >= 500:
                last = f"HTTP {status}"
                time.sleep(self.poll_interval)
                continue
            raise DeviceError(
                f"ATOL refused task {task_id} with HTTP {status}: {data}",
                protocol=PROTOCOL,
                device_code=None,
                task_id=task_id,
                http_status=status,
            )
        raise DeviceTimeoutError(
            f"cannot reach the ATOL web server at {self.host}:{self.port}: {last}; "
            f"task {task_id} may or may not be queued: ask again with the same uuid",
            protocol=PROTOCOL,
            device_code=None,
            task_id=task_id,
        )

    def results(self, task_id: str) -> list[dict[str, Any]] | None:
        """The task's results, or ``None`` if the server does not know the uuid.

        Raises:
            DeviceTimeoutError: no answer, or HTTP 5xx: ask again (nothing ended).
            ProtocolError: an answer that is not a task's results.
        """
        try:
            status, data = self._request("GET", f"/api/v2/requests/{task_id}")
        except (OSError, http.client.HTTPException) as exc:
            raise DeviceTimeoutError(
                f"cannot read task {task_id} from the ATOL web server: {exc}",
                protocol=PROTOCOL,
                device_code=None,
                task_id=task_id,
            ) from exc
        if status == 404:
            return None
        if status >= 500:
            raise DeviceTimeoutError(
                f"the ATOL web server answered task {task_id} with HTTP {status}: ask again",
                protocol=PROTOCOL,
                device_code=None,
                task_id=task_id,
                http_status=status,
            )
        if status != 200 or not isinstance(data, dict) or "results" not in data:
            raise ProtocolError(
                f"ATOL answered task {task_id} with HTTP {status}: {data}",
                protocol=PROTOCOL,
                device_code=None,
                task_id=task_id,
            )
        results: list[dict[str, Any]] = data["results"]
        return results

    def wait(
        self,
        task_id: str,
        tasks: Sequence[Mapping[str, Any]] | None = None,
        *,
        before_resubmit: Callable[[], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Poll until the task ends; post ``tasks`` again (same uuid) if it is unknown.

        ``before_resubmit`` is asked before a task the server does not know is
        posted again; when it returns False the task is not posted (the caller
        found its effect elsewhere) and :class:`TaskSettled` is raised.

        Raises:
            DeviceError: the task ended in failure (``definitive=True``), or the
                server does not know it and ``tasks`` were not given.
            DeviceTimeoutError: no end within ``deadline`` (pending, unreachable).
        """
        give_up = time.monotonic() + self.deadline
        last = "no answer"
        while True:
            try:
                results = self.results(task_id)
            except DeviceTimeoutError as exc:
                results, last = [], str(exc)
            if results is None:
                if tasks is None:
                    raise DeviceError(
                        f"the ATOL server does not know task {task_id}",
                        protocol=PROTOCOL,
                        device_code=None,
                        task_id=task_id,
                    )
                if before_resubmit is not None and not before_resubmit():
                    raise TaskSettled(task_id)
                try:
                    self.submit(task_id, tasks)
                except DeviceTimeoutError as exc:
                    last = str(exc)
                results = []
            statuses = [r.get("status") for r in results]
            if results and not any(s in PENDING for s in statuses):
                break
            if results:
                last = f"still {', '.join(map(str, statuses))} (device busy or blocked)"
            if time.monotonic() >= give_up:
                raise DeviceTimeoutError(
                    f"ATOL task {task_id}: {last} after {self.deadline} s: ask again later "
                    "with the same uuid; do not post a new task",
                    protocol=PROTOCOL,
                    device_code=None,
                    task_id=task_id,
                    statuses=statuses,
                )
            time.sleep(self.poll_interval)
        for result in results:
            if result.get("status") != "ready":
                raise DeviceError(
                    f"ATOL task {task_id} ended {result.get('status')}: "
                    f"{result.get('errorDescription') or 'no description'} "
                    f"(error {result.get('errorCode')})",
                    protocol=PROTOCOL,
                    task_id=task_id,
                    status=result.get("status"),
                    device_code=result.get("errorCode"),
                    definitive=True,
                )
        return results

    def run(self, tasks: Sequence[Mapping[str, Any]], task_id: str | None = None) -> list[Any]:
        """Submit and wait; returns each task's ``result``."""
        task_id = task_id or uuid.uuid4().hex
        self.submit(task_id, tasks)
        return [r.get("result") for r in self.wait(task_id, tasks)]


def _wall(value: object) -> str | None:
    """ATOL's ``expiredTime`` (ISO 8601, with its offset) as local ``YYYY-MM-DDTHH:MM``."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


_PAYMENT_TAGS: Final = (
    ("1031", "cash"),
    ("1081", "electronically"),
    ("1215", "prepaid"),
    ("1216", "credit"),
)


def _document_info(number: int, tlv: Mapping[str, Any]) -> FiscalDocumentInfo:
    """A document from ``getFnDocument``'s ``documentTLV`` (values keyed by FFD tag number).

    Its type is not a tag of its own there: a document with a calculation
    type (1054) is a receipt (3), one that also has a correction type (1173)
    a correction receipt (31) — the FFD makes 1173 a correction's own tag.

    >>> info = _document_info(7, {"1040": 7, "1077": "3061", "1054": 1, "1020": 70.5,
    ...     "1031": 20.5, "1081": 50, "1012": "2026-11-23T12:01:00+03:00"})
    >>> info.document_type, info.total, info.payments
    (3, Decimal('70.5'), (('cash', Decimal('20.5')), ('electronically', Decimal('50'))))
    """
    document_type = (31 if "1173" in tlv else 3) if "1054" in tlv else 0
    total = tlv.get("1020")
    payments = None
    if document_type:
        payments = tuple(
            sorted(
                (name, Decimal(str(tlv[tag])))
                for tag, name in _PAYMENT_TAGS
                if tag in tlv and Decimal(str(tlv[tag]))
            )
        )
    when = tlv.get("1012")
    return FiscalDocumentInfo(
        number=int(tlv.get("1040", number)),
        document_type=document_type,
        fiscal_sign=int(tlv.get("1077", 0)),
        total=None if total is None else Decimal(str(total)),
        when=None if when is None else _wall(when),
        payments=payments,
    )


class TaskSettled(Exception):  # noqa: N818 - a signal between client and driver, not an error
    """A task the server forgot was not posted again: its effect was found elsewhere."""


def _imc_params(line: ReceiptLine, kind: ReceiptKind | None) -> dict[str, Any]:
    """A marked line's ``imcParams``: the code (Base64), ``auto`` type, planned status.

    Raises:
        InvalidInputError: a marked line outside a sale or a sale return.
    """
    assert line.marking_code is not None
    if kind not in (ReceiptKind.SALE, ReceiptKind.SALE_RETURN):
        raise InvalidInputError(
            f"line {line.name!r}: a marked item is sent in a sale or a sale return only",
            protocol=PROTOCOL,
        )
    status = planned_status(
        sale=kind is ReceiptKind.SALE,
        quantity=line.quantity,
        piece=line.unit is MeasureUnit.PIECE,
    )
    return {
        "imcType": "auto",
        "imc": atol_imc(line.marking_code),
        "itemEstimatedStatus": ATOL_PLANNED_STATUS[status],
        "imcModeProcessing": 0,
    }


def _items(lines: Sequence[ReceiptLine], kind: ReceiptKind | None = None) -> list[dict[str, Any]]:
    """ATOL ``position`` items of receipt lines (VAT, 1214, 1212, 2108, ``imcParams``)."""
    items = []
    for line in lines:
        item: dict[str, Any] = {
            "type": "position",
            "name": line.name,
            "price": line.price.quantize(_KOPECK),
            "quantity": line.quantity.quantize(Decimal("0.001")),
            "amount": line.amount.quantize(_KOPECK),
            "tax": {"type": vat_code(line.vat, ATOL_VAT_NAMES, PROTOCOL)},
            "paymentMethod": ATOL_PAYMENT_METHODS[line.payment_method],
            "paymentObject": ATOL_PAYMENT_SUBJECTS[line.fiscal_subject],
            "measurementUnit": ATOL_MEASURE_UNITS[line.unit],
        }
        if line.discount:
            item["infoDiscountAmount"] = line.discount.quantize(_KOPECK)
        if line.marking_code is not None:
            item["imcParams"] = _imc_params(line, kind)
        items.append(item)
    return items


def _receipt_task(receipt: Receipt) -> dict[str, Any]:
    task: dict[str, Any] = {
        "type": _RECEIPT_TASKS[receipt.kind],
        "items": _items(receipt.fiscal_lines(), receipt.kind),
        "payments": [
            {"type": p.type.value, "sum": p.amount.quantize(_KOPECK)} for p in receipt.payments
        ],
        "total": receipt.total.quantize(_KOPECK),
    }
    if receipt.cashier:
        task["operator"] = {"name": receipt.cashier}
    if receipt.tax_system is not None:
        task["taxationType"] = ATOL_TAX_SYSTEMS[receipt.tax_system]
    if receipt.buyer_contact:
        task["clientInfo"] = {"emailOrPhone": receipt.buyer_contact}
    return task


def _correction_task(correction: Correction) -> dict[str, Any]:
    """An FFD 1.2 correction task: receipt items and payments plus its basis (1173, 1178, 1179).

    Field names as in ATOL's JSON task description (``correctionType``
    ``self``/``instruction``, ``correctionBaseDate`` ``YYYY.MM.DD``,
    ``correctionBaseNumber``), repeated by independent integrations.
    """
    if not correction.has_lines or correction.base_date is None:
        raise InvalidInputError(
            f"correction {correction.correction_id!r}: an ATOL correction receipt needs its "
            "lines, payments and base_date (FFD 1.2)",
            protocol=PROTOCOL,
        )
    task: dict[str, Any] = {
        "type": _CORRECTION_TASKS[correction.kind],
        "correctionType": _CORRECTION_TYPES[correction.correction_type],
        "correctionBaseDate": correction.base_date.strftime("%Y.%m.%d"),
        "correctionBaseNumber": correction.base_number,
        "items": _items(correction.lines),
        "payments": [
            {"type": p.type.value, "sum": p.amount.quantize(_KOPECK)} for p in correction.payments
        ],
        "total": correction.total.quantize(_KOPECK),
    }
    if correction.cashier:
        task["operator"] = {"name": correction.cashier}
    if correction.tax_system is not None:
        task["taxationType"] = ATOL_TAX_SYSTEMS[correction.tax_system]
    return task


class AtolWebDriver:
    """A :class:`~salescore.hardware.kinds.FiscalRegister` over ATOL's JSON task API.

    A receipt's task uuid is recorded in the journal before the first POST;
    a repeated :meth:`process_check` (after a timeout, a crash) asks for the
    same task instead of posting a new one, so the device prints once.
    """

    name: Final = "atol-web"

    def __init__(
        self,
        base_url: str,
        journal: FiscalJournal,
        *,
        client: AtolTaskClient | None = None,
        clock: DeviceClock | None = None,
        shift_warning: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        self.client = client or AtolTaskClient(base_url)
        self.journal = journal
        self.clock: DeviceClock = clock or SystemClock()
        """What time it is (the POS computer's local clock if not given)."""
        self.shift_warning = shift_warning
        """How long before the shift's 24 hours :meth:`get_warnings` warns."""

    def _one(self, task: Mapping[str, Any]) -> Any:
        """Run one task (a fresh uuid: reads and shift tasks are not receipts)."""
        return self.client.run([task])[0]

    def get_current_status(self) -> FiscalStatus:
        """Shift state, number and end (``getShiftStatus``), last document (``getFnStatus``).

        ``shiftStatus.state``/``number``/``expiredTime`` and
        ``fnStatus.fiscalDocumentNumber`` as independent ATOL integrations read
        them (module notes).
        """
        shift = (self._one({"type": "getShiftStatus"}) or {}).get("shiftStatus", {})
        state = _SHIFT_STATES.get(shift.get("state", "closed"), ShiftState.CLOSED)
        return FiscalStatus(
            shift_state=state,
            shift_number=int(shift.get("number", 0)),
            receipt_open=False,
            last_document=self._last_document(),
            paper_out=False,
            waiting_continue_print=False,
            shift_deadline=None if state is ShiftState.CLOSED else _wall(shift.get("expiredTime")),
        )

    def get_warnings(self) -> FiscalStatus:
        """The status with what a POS should show (``getFnStatus``, ``getFnInfo``,
        ``ofdExchangeStatus``).

        Fields read: ``fnStatus.warnings`` (``needReplacement``,
        ``resourceExhausted``, ``memoryOverflow``, ``ofdTimeout``),
        ``fnInfo.validityDate`` and ``status.notSentCount``, as a shipping POS
        product's ATOL driver reads them (module notes); an absent field gives
        no warning.
        """
        status = self.get_current_status()
        fn = (self._one({"type": "getFnInfo"}) or {}).get("fnInfo", {})
        fn_status = (self._one({"type": "getFnStatus"}) or {}).get("fnStatus", {})
        ofd = (self._one({"type": "ofdExchangeStatus"}) or {}).get("status", {})
        flags = fn_status.get("warnings") or {}
        warnings = [w for key, w in _ATOL_WARNINGS if flags.get(key)]
        unsent = int(ofd.get("notSentCount", 0))
        if unsent:
            warnings.append(FiscalWarning.OFD_UNSENT)
        if shift_ends_soon(status.shift_deadline, self.clock.now(), self.shift_warning):
            warnings.append(FiscalWarning.SHIFT_ENDS_SOON)
        valid = fn.get("validityDate")
        return attrs.evolve(
            status,
            warnings=tuple(dict.fromkeys(warnings)),
            unsent_documents=unsent,
            fn_valid_until=None if valid is None else str(valid)[:10],
        )

    def _shift(self, task_type: str) -> ShiftReport:
        result = self._one({"type": task_type}) or {}
        params = result.get("fiscalParams", {})
        return ShiftReport(
            int(params.get("shiftNumber", 0)), int(params.get("fiscalDocumentNumber", 0))
        )

    def open_shift(self) -> ShiftReport:
        """``openShift``."""
        return self._shift("openShift")

    def close_shift(self) -> ShiftReport:
        """``closeShift`` (Z report)."""
        return self._shift("closeShift")

    def print_x_report(self) -> None:
        """``reportX``."""
        self._one({"type": "reportX"})

    def cash_in_outcome(self, amount: Decimal) -> int:
        """``cashIn`` / ``cashOut`` with ``cashSum``; ATOL returns no document number (0)."""
        task = "cashIn" if amount >= 0 else "cashOut"
        self._one({"type": task, "cashSum": abs(amount).quantize(_KOPECK)})
        return 0

    def open_cash_drawer(self) -> None:
        """``openCashDrawer``."""
        self._one({"type": "openCashDrawer"})

    def continue_print(self) -> None:
        """``continuePrint``."""
        self._one({"type": "continuePrint"})

    def cancel_check(self) -> None:
        """A task-based receipt is never left open: there is nothing to cancel."""

    def find_document(self, number: int) -> FiscalDocumentInfo | None:
        """``getFnDocument`` by ``fiscalDocumentNumber``; ``None`` if the FN has no such one."""
        try:
            result = self._one({"type": "getFnDocument", "fiscalDocumentNumber": number})
        except DeviceError as exc:
            if exc.details.get("definitive"):
                return None
            raise
        return _document_info(number, (result or {}).get("documentTLV") or {})

    def process_check(self, receipt: Receipt) -> FiscalResult:
        """Post the receipt once per ``receipt_id`` and return its fiscal parameters.

        The task uuid is minted once per journal entry and kept until the server
        gives a definitive answer. Before a new receipt every unfinished entry
        is settled. A task the server does not know is posted again with the
        same uuid, unless the fiscal storage already has the receipt.

        Raises:
            FiscalStateUnknownError: no definitive answer within the client's
                deadline (``outcome`` unknown): repeat the call with the same
                receipt; never ring it again.
            DeviceError: the device refused the receipt (``outcome`` cancelled).
        """
        task = _receipt_task(receipt)  # a rate the device cannot take: refused before sending
        entry = self.journal.get(receipt.receipt_id)
        if any(line.marking_code for line in receipt.lines) and (
            entry is None or entry.state is JournalState.CANCELLED or entry.task_id is None
        ):
            task = self._validate_marking(receipt, task)
        return self._fiscal_task(
            receipt.receipt_id,
            task,
            receipt.total,
            receipt.change,
            receipt.payment_split(),
            _FD_RECEIPT,
        )

    def process_correction_check(self, correction: Correction) -> FiscalResult:
        """A correction receipt [чек коррекции] (``sellCorrection`` / ``buyCorrection``).

        Exactly once per ``correction_id``, journalled like a receipt (one task
        uuid for the life of the entry; a document of type 31 with the
        expected number, total and payment split settles a lost answer). Only
        the FFD 1.2 form with lines is sent (``items``, ``payments``,
        ``correctionType``, ``correctionBaseDate`` ``YYYY.MM.DD``,
        ``correctionBaseNumber``).

        Raises:
            InvalidInputError: a correction without lines.
            FiscalStateUnknownError, DeviceError: as :meth:`process_check`.
        """
        task = _correction_task(correction)
        return self._fiscal_task(
            correction.correction_id,
            task,
            correction.total,
            correction.change,
            correction.payment_split(),
            _FD_CORRECTION,
        )

    def _validate_marking(self, receipt: Receipt, task: dict[str, Any]) -> dict[str, Any]:
        """Check each marked line's code on the register before the receipt is posted.

        ``clearMarkingCodeValidationResult`` first (codes left by a receipt
        that never came), then per code ``beginMarkingCodeValidation`` and
        ``getMarkingCodeValidationStatus`` until ``ready``; a refused code
        stops the sale (:class:`MarkingCodeRejectedError`, nothing posted), an
        accepted one is kept (``acceptMarkingCode``) and its check result goes
        with its position (``imcParams.itemInfoCheckResult``).
        """
        self._one({"type": "clearMarkingCodeValidationResult"})
        items = [dict(item) for item in task["items"]]
        for number, item in enumerate(items, 1):
            params = item.get("imcParams")
            if params is None:
                continue
            begun = self._one({"type": "beginMarkingCodeValidation", "params": params}) or {}
            bits = CheckResult(0b11 if begun.get("fmCheckResult") else 0b01)
            check = bits if begun.get("fmCheck") else CheckResult(0)
            status = self._marking_status()
            online = (status.get("onlineValidation") or {}).get("itemInfoCheckResult")
            if online:
                check = CheckResult(CheckResult.from_atol(online).bits | check.bits)
            reason = check.refusal()
            if reason is not None:
                self._one({"type": "clearMarkingCodeValidationResult"})
                line = receipt.fiscal_lines()[number - 1]
                raise MarkingCodeRejectedError(
                    f"receipt {receipt.receipt_id!r}, line {number} ({line.name!r}): marking "
                    f"code {show_code(line.marking_code or '')!r} refused: {reason}; nothing "
                    "was posted: take the item out of the sale",
                    protocol=PROTOCOL,
                    device_code=None,
                    receipt_id=receipt.receipt_id,
                    line=number,
                    marking_code=line.marking_code,
                    check_result=check.bits,
                    outcome=ReceiptOutcome.CANCELLED,
                )
            self._one({"type": "acceptMarkingCode"})
            if online:
                item["imcParams"] = {**params, "itemInfoCheckResult": online}
        return {**task, "items": items}

    def _marking_status(self) -> dict[str, Any]:
        """``getMarkingCodeValidationStatus`` polled until ``ready`` (the client's deadline)."""
        deadline = time.monotonic() + self.client.timeout
        while True:
            status = self._one({"type": "getMarkingCodeValidationStatus"}) or {}
            if status.get("ready"):
                return dict(status)
            if time.monotonic() >= deadline:
                raise DeviceTimeoutError(
                    "the register did not finish checking a marking code in time; nothing "
                    "was posted: repeat the sale",
                    protocol=PROTOCOL,
                    device_code=None,
                )
            time.sleep(self.client.poll_interval)

    def _fiscal_task(
        self,
        key: str,
        task: Mapping[str, Any],
        total: Decimal,
        change: Decimal,
        payments: PaymentSplit,
        document_type: int,
    ) -> FiscalResult:
        """Run a receipt-making task exactly once per ``key`` through the journal."""
        entry = self.journal.get(key)
        if entry is not None and entry.state is JournalState.DONE:
            return FiscalResult.from_entry(entry, repeated=True)
        fresh = entry is None or entry.state is JournalState.CANCELLED or entry.task_id is None
        if fresh:
            for other in self.journal.unfinished():
                if other.receipt_id != key:
                    self._settle(other)
            self._refuse_after_shift_limit(key)
            last = self._last_document()
            entry = JournalEntry(
                key,
                JournalState.STARTED,
                total,
                change=change,
                task_id=uuid.uuid4().hex,
                expected_document=last + 1,
                payments=payments,
                document_type=document_type,
            )
            self.journal.record(entry)  # the uuid is durable before the first POST
        assert entry is not None
        assert entry.task_id is not None
        first_post = [fresh]

        def may_post() -> bool:
            if first_post[0]:
                first_post[0] = False
                return True
            return self._stored(entry) is None

        try:
            results = self.client.wait(entry.task_id, [task], before_resubmit=may_post)
        except TaskSettled:
            info = self._stored(entry)
            assert info is not None
            return self._done(entry, info.number, info.fiscal_sign, repeated=not fresh)
        except DeviceTimeoutError as exc:
            raise FiscalStateUnknownError(
                f"receipt {key!r}: no definitive answer from the ATOL server "
                f"({exc}); the receipt may be fiscal: do not refund or ring it again; repeat "
                "process_check with the same receipt (the same task uuid is asked for)",
                **{**exc.details, "receipt_id": key},
                outcome=ReceiptOutcome.UNKNOWN,
            ) from None
        except DeviceError as exc:
            if not exc.details.get("definitive"):
                raise type(exc)(
                    str(exc),
                    **{**exc.details, "receipt_id": key},
                    outcome=ReceiptOutcome.UNKNOWN,
                ) from None
            self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
            raise type(exc)(
                f"{exc}; nothing is fiscal: ring it again if the sale stands",
                **{**exc.details, "receipt_id": key},
                outcome=ReceiptOutcome.CANCELLED,
            ) from None
        params = (results[0].get("result") or {}).get("fiscalParams", {})
        result = self._done(
            entry,
            int(params.get("fiscalDocumentNumber", 0)),
            int(params.get("fiscalDocumentSign", 0)),
            repeated=False,
        )
        device_total = params.get("total")
        if device_total is not None and Decimal(str(device_total)) != total:
            raise ReceiptMismatchError(
                f"receipt {key!r} is fiscal (document {result.document_number}) "
                f"but the register's total is {device_total}, the receipt's {total}: make a "
                "correction receipt for the difference",
                protocol=PROTOCOL,
                device_code=None,
                receipt_id=key,
                outcome=ReceiptOutcome.DONE,
                device_total=Decimal(str(device_total)),
                expected=total,
                document_number=result.document_number,
            )
        return result

    def _refuse_after_shift_limit(self, receipt_id: str) -> None:
        """A receipt that would fall after the shift's 24 hours is refused before any POST."""
        status = self.get_current_status()
        reason = shift_refusal(status.shift_deadline, self.clock.now())
        if reason is not None:
            raise ShiftExpiredError(
                f"receipt {receipt_id!r}: shift {status.shift_number}: {reason}; the fiscal "
                "storage refuses receipts after it: close the shift with a Z report "
                "(close_shift), then open a new one; nothing is fiscal",
                protocol=PROTOCOL,
                device_code=None,
                receipt_id=receipt_id,
                outcome=ReceiptOutcome.CANCELLED,
                shift_deadline=status.shift_deadline,
            )

    def recover(self) -> list[FiscalResult]:
        """Settle every unfinished receipt in the journal; returns those found done."""
        done = []
        for entry in self.journal.unfinished():
            result = self._settle(entry)
            if result is not None:
                done.append(result)
        return done

    def _settle(self, entry: JournalEntry) -> FiscalResult | None:
        """Ask for an unfinished entry's task (never posting it): done, cancelled or raise."""
        assert entry.task_id is not None
        try:
            results = self.client.wait(entry.task_id)
        except DeviceError as exc:
            if exc.details.get("definitive"):
                self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
                return None
            if isinstance(exc, DeviceTimeoutError):
                raise FiscalStateUnknownError(
                    f"receipt {entry.receipt_id!r} is still unsettled ({exc}): settle it "
                    "(process_check with that receipt, or recover()) before a new receipt",
                    **{**exc.details, "receipt_id": entry.receipt_id},
                    outcome=ReceiptOutcome.UNKNOWN,
                ) from None
            # The server does not know the task: the fiscal storage decides.
            info = self._stored(entry)
            if info is None:
                self.journal.record(attrs.evolve(entry, state=JournalState.CANCELLED))
                return None
            return self._done(entry, info.number, info.fiscal_sign, repeated=True)
        params = (results[0].get("result") or {}).get("fiscalParams", {})
        return self._done(
            entry,
            int(params.get("fiscalDocumentNumber", 0)),
            int(params.get("fiscalDocumentSign", 0)),
            repeated=True,
        )

    def _last_document(self) -> int:
        """The fiscal storage's last document number (``getFnStatus``)."""
        fn = (self._one({"type": "getFnStatus"}) or {}).get("fnStatus", {})
        return int(fn.get("fiscalDocumentNumber", 0))

    def _stored(self, entry: JournalEntry) -> FiscalDocumentInfo | None:
        """The entry's receipt in the fiscal storage (by number, total, payments), or None."""
        if entry.expected_document is None or self._last_document() < entry.expected_document:
            return None
        info = self.find_document(entry.expected_document)
        if info is None or entry.mismatch(info) is not None:
            return None
        return info

    def _done(self, entry: JournalEntry, number: int, sign: int, *, repeated: bool) -> FiscalResult:
        done = attrs.evolve(
            entry, state=JournalState.DONE, document_number=number, fiscal_sign=sign
        )
        self.journal.record(done)
        return FiscalResult.from_entry(done, repeated=repeated)
