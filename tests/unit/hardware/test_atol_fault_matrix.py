"""Issue 13's fault matrix for the ATOL JSON task API: one receipt under every HTTP fault.

Each fault (HTTP 500, a timeout, a dropped connection, "task unknown") is armed
at each step of the receipt task (its POST, its first poll, the poll on which
it runs), with and without the POS being killed right after the POST. The POS
repeats the call with the same receipt after an "unknown" outcome, as it
must. Asserted: one receipt in the fake's fiscal storage with the sale's total
and payment split, one task uuid for the sale, the journal done with that
document, and every error naming the receipt's outcome.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import DeviceError, FiscalStateUnknownError, ReceiptMismatchError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.atol.fake import FAULTS, STEPS
from salescore.hardware.fiscal import (
    FiscalResult,
    JournalState,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ReceiptOutcome,
)
from salescore.tax import VatRate

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


class PosKilled(BaseException):
    """The POS process dies."""


class KillingClient(AtolTaskClient):
    """A client whose POS dies right after the receipt's POST went out (answered or not)."""

    kill = False

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, Any]:
        try:
            return super()._request(method, path, body)
        finally:
            if self.kill and method == "POST" and body and '"sell"' in body:
                self.kill = False
                raise PosKilled


def client(url: str) -> KillingClient:
    return KillingClient(url, poll_interval=0.01, deadline=1.5, timeout=0.25, post_attempts=2)


def known_end_state(exc: DeviceError) -> ReceiptOutcome:
    """The outcome an error names; under these faults only "unknown" (ask again) is right."""
    outcome = exc.details["outcome"]
    assert outcome is ReceiptOutcome.UNKNOWN, exc
    assert exc.details["protocol"] == "atol-web"
    assert "device_code" in exc.details
    return outcome


def sell(server: FakeAtolServer, journal: MemoryFiscalJournal, *, kill: bool) -> FiscalResult:
    seen: list[object] = []
    first = client(server.url)
    first.kill = kill
    driver = AtolWebDriver(server.url, journal, client=first)
    for _ in range(6):
        try:
            return driver.process_check(SALE)
        except PosKilled:
            seen.append("restart")
            driver = AtolWebDriver(server.url, journal, client=client(server.url))
        except DeviceError as exc:
            seen.append(known_end_state(exc))
    raise AssertionError(f"no end after 6 tries: {seen}")


CASES = [(step, kind, kill) for step in STEPS for kind in FAULTS for kill in (False, True)]


@pytest.mark.parametrize(
    ("step", "kind", "kill"),
    CASES,
    ids=[f"{k}@{s}{'-killed' if kill else ''}" for s, k, kill in CASES],
)
def test_one_receipt_under_every_http_fault(step: str, kind: str, kill: bool) -> None:
    with FakeAtolServer() as server:
        server.slow_delay = 0.4
        journal = MemoryFiscalJournal()
        AtolWebDriver(server.url, journal, client=client(server.url)).open_shift()
        server.fail(step, kind)
        result = sell(server, journal, kill=kill)
        assert server.faults == {}, "the fault never fired"
        assert len(server.receipts) == 1
        doc = server.receipts[0]
        assert Decimal(doc["total"]) == SALE.total == result.total
        assert doc["payments"] == {"cash": "180.00", "electronically": "300.00"}
        assert len(server.receipt_posts) == 1  # one uuid for the sale, whatever happened
        entry = journal.get(SALE.receipt_id)
        assert entry is not None
        assert entry.state is JournalState.DONE
        assert entry.document_number == doc["fiscalDocumentNumber"] == result.document_number
        assert journal.unfinished() == []


def test_one_http_500_while_polling_neither_cancels_nor_mints_a_new_uuid() -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=client(server.url))
        driver.open_shift()
        server.fail("poll", "500")
        driver.process_check(SALE)
        assert len(server.receipts) == 1
        assert list(server.receipt_posts.values()) == [1]


def test_a_server_gone_for_good_is_unknown_and_keeps_the_uuid() -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=client(server.url))
        driver.open_shift()
        server.stay_pending = True
        with pytest.raises(FiscalStateUnknownError, match="do not refund") as info:
            driver.process_check(SALE)
        assert info.value.details["outcome"] is ReceiptOutcome.UNKNOWN
        entry = journal.get(SALE.receipt_id)
        assert entry is not None
        uuid = entry.task_id
        server.stay_pending = False
        driver.process_check(SALE)
        done = journal.get(SALE.receipt_id)
        assert done is not None
        assert done.task_id == uuid
        assert len(server.receipts) == 1


def test_a_refused_receipt_is_cancelled_and_its_next_try_gets_a_new_uuid() -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=client(server.url))
        with pytest.raises(DeviceError, match="ring it again") as info:
            driver.process_check(SALE)  # no shift open: a definitive refusal
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        driver.open_shift()
        driver.process_check(SALE)
        assert len(server.receipt_posts) == 2
        assert len(server.receipts) == 1


def test_a_register_total_that_differs_from_the_receipt_is_reported_as_fiscal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=client(server.url))
        driver.open_shift()
        registered = server._register

        def drop_a_kopeck(document_type: int, **extra: Any) -> dict[str, Any]:
            if "total" in extra:
                extra["total"] = str(Decimal(extra["total"]) - Decimal("0.01"))
            return registered(document_type, **extra)

        monkeypatch.setattr(server, "_register", drop_a_kopeck)
        with pytest.raises(ReceiptMismatchError, match="correction") as info:
            driver.process_check(SALE)
        assert info.value.details["outcome"] is ReceiptOutcome.DONE
        entry = journal.get(SALE.receipt_id)
        assert entry is not None
        assert entry.state is JournalState.DONE  # it is fiscal: never printed again
        assert driver.process_check(SALE).repeated
        assert len(server.receipts) == 1
