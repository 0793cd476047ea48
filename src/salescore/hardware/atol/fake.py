"""A fake ATOL DTO10 web server (stdlib ``http.server`` on loopback) for tests.

It keeps tasks by uuid, refuses a repeated uuid with HTTP 409, reports a task
as ``wait`` for a configurable number of polls, then executes it against a
small device model: shift state, fiscal document counter, receipts. Faults:
``drop_next_post_response`` (the task is stored but the connection closes
without an answer), ``stay_pending`` (receipt tasks never finish),
``blocked`` (tasks report ``blocked``), and :meth:`FakeAtolServer.fail`, which
arms one HTTP fault (500, a timeout, a dropped connection, "task unknown") at
one step of the next receipt task: its POST, its first poll, or the poll that
executes it (the fault then hits after the receipt is registered).

>>> with FakeAtolServer() as server:
...     client = AtolTaskClient(server.url, poll_interval=0.01)
...     client.run([{"type": "openShift"}])[0]["fiscalParams"]["shiftNumber"]
1
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final

from salescore.errors import InvalidInputError
from salescore.hardware.atol.client import AtolTaskClient, dumps_exact
from salescore.hardware.codes.gs1 import parse_marking_code

__all__ = ["FAULTS", "STEPS", "AtolTaskClient", "FakeAtolServer"]

FAULTS: Final = ("500", "timeout", "drop", "unknown")
"""HTTP faults :meth:`FakeAtolServer.fail` can arm."""
STEPS: Final = ("post", "poll", "result")
"""Steps of a receipt task a fault can hit."""

_KOPECK = Decimal("0.01")
_RECEIPTS = {"sell": 1, "sellReturn": 2, "buy": 3, "buyReturn": 4}
_CORRECTIONS = {"sellCorrection": 1, "buyCorrection": 3}
_FISCAL = {**_RECEIPTS, **_CORRECTIONS}
_MARKING: Final = frozenset(
    {
        "beginMarkingCodeValidation",
        "getMarkingCodeValidationStatus",
        "acceptMarkingCode",
        "clearMarkingCodeValidationResult",
    }
)
"""Tasks that make a fiscal document (faults and receipt_posts apply to them)."""
_BASE_DATE = re.compile(r"^\d{4}\.\d{2}\.\d{2}$")
_PAYMENT_TAGS: Final = {
    "cash": "1031",
    "electronically": "1081",
    "prepaid": "1215",
    "credit": "1216",
}


def _document_tlv(doc: dict[str, Any]) -> dict[str, Any]:
    """``getFnDocument``'s ``documentTLV``: the document's values keyed by FFD tag number.

    Keyed as public ATOL integrations read it (``1040`` number, ``1012``
    date-time, ``1020`` total, ``1031``/``1081`` payments, ``1055``, ``1173``).
    """
    tlv: dict[str, Any] = {
        "1040": doc["fiscalDocumentNumber"],
        "1077": doc["fiscalDocumentSign"],
        "1012": doc["dateTime"],
    }
    if doc["documentType"] in (3, 31):
        tlv["1054"] = doc["calculationType"]
        tlv["1020"] = doc["total"]
        for name, amount in doc["payments"].items():
            tlv[_PAYMENT_TAGS[name]] = amount
    if "correctionType" in doc:
        tlv["1173"] = 0 if doc["correctionType"] == "self" else 1
        tlv["1174"] = {
            "1178": doc["correctionBaseDate"],
            "1179": doc.get("correctionBaseNumber", ""),
        }
    return tlv


"""``correctionBaseDate`` as ATOL's task validator takes it (``YYYY.MM.DD``)."""


class FakeAtolServer:
    """The fake server; a context manager that serves on ``127.0.0.1`` and a free port."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, pending_polls: int = 1) -> None:
        self.pending_polls = pending_polls
        self.tasks: dict[str, dict[str, Any]] = {}
        self.posts = 0
        self.shift_open = False
        self.shift_number = 0
        self.clock = dt.datetime.now().replace(second=0, microsecond=0)  # noqa: DTZ005
        """The register's clock (local wall time), set at start; tests move it."""
        self.shift_opened: dt.datetime | None = None
        self.documents: list[dict[str, Any]] = []
        self.cash = Decimal("0.00")
        self.drop_next_post_response = False
        self.stay_pending = False
        self.blocked = False
        self.fn_warnings: dict[str, bool] = {}
        """``getFnStatus`` warnings (``needReplacement``, ``memoryOverflow``, ...)."""
        self.unsent_documents = 0
        self.false_codes: set[str] = set()
        """Marking codes whose crypto tail the fiscal storage finds false."""
        self.sold_codes: set[str] = set()
        """Marking codes the marking system knows as sold (a sale of them is refused)."""
        self.marking_online = True
        """The marking system answers (``onlineValidation``); offline only the FN checks."""
        self._validating: tuple[str, int] | None = None
        self._accepted: set[str] = set()
        self.slow_delay = 0.5
        """How long a ``timeout`` fault holds its answer (longer than the client's timeout)."""
        self.receipt_posts: Counter[str] = Counter()
        """POSTs of receipt tasks by uuid (a repeated uuid is answered 409)."""
        self.faults: dict[str, str] = {}
        """Armed faults: step (``post``, ``poll``, ``result``) to kind (:data:`FAULTS`)."""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def fail(self, step: str, kind: str) -> None:
        """Arm fault ``kind`` (``500``, ``timeout``, ``drop``, ``unknown``) at ``step``.

        ``step`` is ``post`` (the receipt's POST: a 500 is answered before the
        task is stored, a timeout or a drop after, "unknown" answers 201 but
        loses the task), ``poll`` (its first poll, before it runs; "unknown"
        forgets it) or ``result`` (the poll on which it runs: the fault hits
        after the receipt is in the fiscal storage; "unknown" forgets the task).
        """
        if step not in STEPS or kind not in FAULTS:
            raise ValueError(f"step must be one of {STEPS}, kind one of {FAULTS}")
        with self._lock:
            self.faults[step] = kind

    def _take(self, step: str, receipt: bool) -> str | None:
        if not receipt:
            return None
        return self.faults.pop(step, None)

    @property
    def url(self) -> str:
        """``http://<host>:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def receipts(self) -> list[dict[str, Any]]:
        """Receipts registered (one per executed sell/buy/return task)."""
        return [d for d in self.documents if d["documentType"] == 3]

    def __enter__(self) -> FakeAtolServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def now(self) -> dt.datetime:
        """The register's clock: pass the server as the driver's ``clock`` in tests."""
        return self.clock

    # --- device model --------------------------------------------------------------------

    def _register(self, document_type: int, **extra: Any) -> dict[str, Any]:
        number = len(self.documents) + 1
        doc = {
            "documentType": document_type,
            "fiscalDocumentNumber": number,
            "fiscalDocumentSign": str((number * 2654435761) % 2**32),
            "shiftNumber": self.shift_number,
            "dateTime": self.clock.isoformat(timespec="seconds") + "+03:00",
            **extra,
        }
        self.documents.append(doc)
        return doc

    def _execute(self, task: dict[str, Any]) -> dict[str, Any]:
        kind = task.get("type")
        if kind == "openShift":
            if self.shift_open:
                return _error(156, "Смена открыта - операция невозможна")
            self.shift_open, self.shift_number = True, self.shift_number + 1
            self.shift_opened = self.clock
            return _ready({"fiscalParams": self._register(2)})
        if kind == "closeShift":
            if not self.shift_open:
                return _error(157, "Смена не открыта - операция невозможна")
            doc = self._register(5)
            self.shift_open = False
            return _ready({"fiscalParams": doc})
        if kind in _FISCAL:
            return self._receipt(task)
        if kind == "getShiftStatus":
            state = "opened" if self.shift_open else "closed"
            status: dict[str, Any] = {"state": state, "number": self.shift_number}
            if self.shift_open and self.shift_opened is not None:
                expires = self.shift_opened + dt.timedelta(hours=24)
                status["expiredTime"] = expires.isoformat(timespec="seconds") + "+03:00"
            return _ready({"shiftStatus": status})
        if kind in _MARKING:
            return self._marking(kind, task)
        if kind == "getFnStatus":
            receipts = sum(1 for d in self.documents if d["documentType"] in (3, 31))
            status = {
                "fiscalDocumentNumber": len(self.documents),
                "fiscalReceiptNumber": receipts,
                "warnings": dict(self.fn_warnings),
            }
            return _ready({"fnStatus": status})
        if kind == "getFnInfo":
            return _ready({"fnInfo": {"validityDate": "2027-11-23T00:00:00+03:00"}})
        if kind == "ofdExchangeStatus":
            return _ready({"status": {"notSentCount": self.unsent_documents}})
        if kind == "getFnDocument":
            number = int(task.get("fiscalDocumentNumber", 0))
            if not 1 <= number <= len(self.documents):
                return _error(168, "Документ не найден")
            return _ready({"documentTLV": _document_tlv(self.documents[number - 1])})
        if kind in ("cashIn", "cashOut"):
            if not self.shift_open:
                return _error(157, "Смена не открыта - операция невозможна")
            amount = Decimal(str(task["cashSum"]))
            self.cash += amount if kind == "cashIn" else -amount
            return _ready(None)
        if kind in ("reportX", "continuePrint", "openCashDrawer"):
            return _ready(None)
        return _error(1, f"unknown task type {kind!r}")

    def _marking(self, kind: str, task: dict[str, Any]) -> dict[str, Any]:
        """The marking-code check tasks, played on the FFD 1.2 rules (tag 2106 bits)."""
        if kind == "clearMarkingCodeValidationResult":
            self._validating, self._accepted = None, set()
            return _ready(None)
        if kind == "beginMarkingCodeValidation":
            params = task.get("params") or {}
            try:
                code = base64.b64decode(str(params.get("imc", "")), validate=True).decode("ascii")
                parsed = parse_marking_code(code)
            except (ValueError, InvalidInputError):
                return _error(2, "Неверный формат кода маркировки")
            checked = "92" in parsed.elements
            valid = checked and code not in self.false_codes
            selling = params.get("itemEstimatedStatus") in ("itemPieceSold", "itemDryForSale")
            self._validating = (code, int(selling) + 2 * int(code in self.sold_codes))
            return _ready({"fmCheck": checked, "fmCheckResult": valid})
        if kind == "getMarkingCodeValidationStatus":
            if self._validating is None:
                return _error(2, "Проверка кода маркировки не начата")
            code, flags = self._validating
            status: dict[str, Any] = {"ready": True, "sentImcRequest": self.marking_online}
            if self.marking_online:
                selling, sold = bool(flags & 1), bool(flags & 2)
                status["onlineValidation"] = {
                    "itemInfoCheckResult": {
                        "imcCheckFlag": "92" in parse_marking_code(code).elements,
                        "imcCheckResult": code not in self.false_codes,
                        "imcStatusInfo": True,
                        "imcEstimatedStatusCorrect": sold != selling,
                        "ecrStandAloneFlag": False,
                    }
                }
            return _ready(status)
        # acceptMarkingCode
        if self._validating is None:
            return _error(2, "Проверка кода маркировки не начата")
        self._accepted.add(self._validating[0])
        return _ready(None)

    def _receipt(self, task: dict[str, Any]) -> dict[str, Any]:
        if not self.shift_open:
            return _error(157, "Смена не открыта - операция невозможна")
        codes = []
        for item in task.get("items", []):
            imc = (item.get("imcParams") or {}).get("imc")
            if imc is not None:
                code = base64.b64decode(str(imc)).decode("ascii")
                if code not in self._accepted:
                    return _error(2, "Код маркировки не проверен")
                codes.append(code)
        correction: dict[str, Any] = {}
        if task["type"] in _CORRECTIONS:
            if task.get("correctionType", "self") not in ("self", "instruction"):
                return _error(2, "Неверное значение correctionType")
            if not _BASE_DATE.match(str(task.get("correctionBaseDate", ""))):
                return _error(2, "Неверное значение correctionBaseDate")
            correction = {
                key: task[key]
                for key in ("correctionType", "correctionBaseDate", "correctionBaseNumber")
                if key in task
            }
        total = Decimal("0.00")
        for item in task.get("items", []):
            if item.get("type") != "position":
                continue
            price, quantity = Decimal(str(item["price"])), Decimal(str(item["quantity"]))
            amount = Decimal(str(item["amount"]))
            discount = Decimal(str(item.get("infoDiscountAmount", "0")))
            exact = (price * quantity).quantize(_KOPECK, rounding=ROUND_HALF_UP)
            # The device's rule: the line sum agrees with price x quantity within 1 kopeck.
            if abs(exact - discount - amount) > _KOPECK:
                return _error(
                    33, f"Сумма позиции {amount} не равна цене на количество ({exact - discount})"
                )
            total += amount
        paid = sum((Decimal(str(p["sum"])) for p in task.get("payments", [])), Decimal("0.00"))
        if paid < total:
            return _error(44, "Сумма оплаты меньше итога чека")
        split: dict[str, Decimal] = {}
        cashless = Decimal("0.00")
        for p in task.get("payments", []):
            amount = Decimal(str(p["sum"]))
            split[p["type"]] = split.get(p["type"], Decimal("0.00")) + amount
            if p["type"] != "cash":
                cashless += amount
        if "cash" in split:
            split["cash"] = total - cashless
        doc = self._register(
            31 if correction else 3,
            total=str(total),
            calculationType=_FISCAL[task["type"]],
            payments={k: str(v) for k, v in sorted(split.items()) if v},
            markingCodes=codes,
            **correction,
        )
        for code in codes:
            if task["type"] == "sell":
                self.sold_codes.add(code)
            elif task["type"] == "sellReturn":
                self.sold_codes.discard(code)
        self._accepted = set()
        return _ready({"fiscalParams": doc})

    # --- HTTP ----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _send(self, status: int, body: Any = None) -> None:
                raw = dumps_exact(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _fault(self, kind: str | None) -> bool:
                """Play ``kind``; True when the answer must not be sent."""
                if kind == "timeout":
                    time.sleep(fake.slow_delay)
                    return False
                if kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return True
                if kind == "500":
                    self._send(500, {"error": "internal server error"})
                    return True
                return False

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/api/v2/requests":
                    self._send(404)
                    return
                size = int(self.headers.get("Content-Length", 0))
                try:
                    body = json.loads(self.rfile.read(size), parse_float=Decimal)
                    task_id = str(body["uuid"])
                    request = body["request"]
                except (ValueError, KeyError, TypeError):
                    self._send(400, {"error": "bad request"})
                    return
                tasks = request if isinstance(request, list) else [request]
                receipt = any(t.get("type") in _FISCAL for t in tasks)
                with fake._lock:
                    fake.posts += 1
                    if receipt:
                        fake.receipt_posts[task_id] += 1
                    kind = fake._take("post", receipt)
                    if kind == "500":
                        self._send(500, {"error": "internal server error"})
                        return
                    if task_id in fake.tasks:
                        self._send(409, {"error": f"task {task_id} exists"})
                        return
                    if kind != "unknown":
                        fake.tasks[task_id] = {"tasks": tasks, "polls": 0, "results": None}
                    drop = fake.drop_next_post_response
                    fake.drop_next_post_response = False
                if drop or self._fault(kind):
                    self.close_connection = True
                    self.connection.close()
                    return
                self._send(201, {"uuid": task_id})

            def do_GET(self) -> None:
                prefix = "/api/v2/requests/"
                if not self.path.startswith(prefix):
                    self._send(404)
                    return
                task_id = self.path[len(prefix) :]
                kind: str | None = None
                with fake._lock:
                    entry = fake.tasks.get(task_id)
                    if entry is None:
                        self._send(404, {"error": "not found"})
                        return
                    receipt = any(t.get("type") in _FISCAL for t in entry["tasks"])
                    entry["polls"] += 1
                    body: Any
                    if entry["results"] is None:
                        if entry["polls"] == 1:
                            kind = fake._take("poll", receipt)
                            if kind == "unknown":
                                del fake.tasks[task_id]
                                self._send(404, {"error": "not found"})
                                return
                        if (
                            (fake.stay_pending and receipt)
                            or fake.blocked
                            or entry["polls"] <= fake.pending_polls
                        ):
                            status = "blocked" if fake.blocked else "wait"
                            pending = [
                                {
                                    "status": status,
                                    "errorCode": 0,
                                    "errorDescription": "",
                                    "result": None,
                                }
                                for _ in entry["tasks"]
                            ]
                            body = {"results": pending}
                        else:
                            entry["results"] = [fake._execute(task) for task in entry["tasks"]]
                            kind = kind or fake._take("result", receipt)
                            if kind == "unknown":
                                del fake.tasks[task_id]
                                self._send(404, {"error": "not found"})
                                return
                            body = {"results": entry["results"]}
                    else:
                        body = {"results": entry["results"]}
                if self._fault(kind):
                    return
                self._send(200, body)

        return Handler


def _ready(result: Any) -> dict[str, Any]:
    return {"status": "ready", "errorCode": 0, "errorDescription": "", "result": result}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"status": "error", "errorCode": code, "errorDescription": description, "result": None}
