"""ATOL JSON task API: our client and atol-client against the fake DTO10 server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import DeviceError, DeviceTimeoutError, InvalidInputError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer, dumps_exact
from salescore.hardware.fiscal import FiscalWarning, JournalState, ReceiptKind, ShiftState
from salescore.hardware.kinds import FiscalRegister
from salescore.testing import FixedClock
from salescore.testing.devices import sample_receipt


def fast_client(url: str, deadline: float = 5.0) -> AtolTaskClient:
    # A generous deadline where a test expects success (a busy CI machine); the tests
    # of timeouts pass their own short one.
    return AtolTaskClient(url, poll_interval=0.01, deadline=deadline, timeout=5.0)


def test_money_is_written_as_exact_json_numbers_and_floats_are_refused() -> None:
    assert (
        dumps_exact({"sum": Decimal("0.10"), "q": Decimal("1.000")}) == '{"sum": 0.10, "q": 1.000}'
    )
    with pytest.raises(InvalidInputError, match="float"):
        dumps_exact({"sum": 0.1})


def test_a_whole_shift_through_the_driver() -> None:
    with FakeAtolServer() as server:
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=fast_client(server.url))
        assert isinstance(driver, FiscalRegister)
        assert driver.open_shift().shift_number == 1
        assert driver.get_current_status().shift_state is ShiftState.OPEN
        sale = driver.process_check(sample_receipt("s-1"))
        driver.process_check(sample_receipt("ret-1", ReceiptKind.SALE_RETURN))
        driver.cash_in_outcome(Decimal("100.00"))
        driver.print_x_report()
        closed = driver.close_shift()
        assert sale.document_number == 2
        assert closed.document_number == 4
        assert [r["total"] for r in server.receipts] == ["400.00", "400.00"]
        info = driver.find_document(2)
        assert info is not None
        assert info.total == Decimal("400.00")
        assert driver.find_document(99) is None


def test_a_repeated_receipt_prints_once() -> None:
    with FakeAtolServer() as server:
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=fast_client(server.url))
        driver.open_shift()
        first = driver.process_check(sample_receipt())
        again = driver.process_check(sample_receipt())
        assert again.repeated
        assert again.document_number == first.document_number
        assert len(server.receipts) == 1


def test_a_dropped_post_response_is_retried_with_the_same_uuid_and_prints_once() -> None:
    with FakeAtolServer() as server:
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=fast_client(server.url))
        driver.open_shift()
        server.fail("post", "drop")
        driver.process_check(sample_receipt())
        assert len(server.receipts) == 1
        # The dropped POST and its retry, answered 409: one uuid.
        assert list(server.receipt_posts.values()) == [2]


def test_a_timeout_keeps_the_uuid_and_the_next_call_polls_the_same_task() -> None:
    with FakeAtolServer() as server:
        journal = MemoryFiscalJournal()
        driver = AtolWebDriver(server.url, journal, client=fast_client(server.url, deadline=0.1))
        driver.open_shift()
        server.stay_pending = True
        with pytest.raises(DeviceTimeoutError, match="same uuid"):
            driver.process_check(sample_receipt())
        entry = journal.get("r-1")
        assert entry is not None
        assert entry.state is JournalState.STARTED
        assert entry.task_id
        server.stay_pending = False
        result = driver.process_check(sample_receipt())
        assert len(server.receipts) == 1
        assert result.document_number == 2
        assert list(server.receipt_posts.values()) == [1]


def test_a_blocked_task_past_the_deadline_is_a_timeout_error() -> None:
    with FakeAtolServer() as server:
        client = fast_client(server.url, deadline=0.1)
        server.blocked = True
        with pytest.raises(DeviceTimeoutError, match="blocked"):
            client.run([{"type": "openShift"}])


def test_a_task_error_maps_to_a_device_error_with_the_code() -> None:
    with FakeAtolServer() as server:
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=fast_client(server.url))
        with pytest.raises(DeviceError, match="157") as info:
            driver.process_check(sample_receipt())
        assert info.value.details["device_code"] == 157
        assert len(server.receipts) == 0


def test_a_reused_uuid_is_refused_with_409() -> None:
    with FakeAtolServer() as server:
        client = fast_client(server.url)
        client.submit("abc", [{"type": "openShift"}])
        status, _ = client._request("POST", "/api/v2/requests", '{"uuid": "abc", "request": []}')
        assert status == 409


def test_an_unreachable_server_is_a_timeout_error() -> None:
    with FakeAtolServer() as server:
        url = server.url
    client = AtolTaskClient(url, poll_interval=0.01, timeout=0.2, post_attempts=2)
    with pytest.raises(DeviceTimeoutError, match="cannot reach"):
        client.submit("x", [{"type": "reportX"}])


# --- interop: atol-client 1.14.6 drives the fake --------------------------------------------


def peer_module() -> Any:
    """atol-client, imported by the interop tests alone (the others need no peer)."""
    return pytest.importorskip("atol", reason="atol-client (dev extra) is not installed")


def position(name: str, price: object, quantity: object, amount: object) -> dict[str, object]:
    """An item as atol-client's users write it: plain JSON numbers."""
    return {
        "type": "position",
        "name": name,
        "price": price,
        "quantity": quantity,
        "amount": amount,
        "tax": {"type": "vat20"},
    }


def peer(url: str) -> Any:
    return peer_module().WebClient(
        f"{url}/api/v2/requests",
        get_status_delay=0.01,
        get_status_timeout=5.0,
        log_fn=lambda *args, **kwargs: None,
    )


def test_atol_client_opens_a_shift_and_sells_against_our_fake() -> None:
    with FakeAtolServer() as server:
        client = peer(server.url)
        client.open_shift()
        client.sell(
            items=[position("Хлеб", 45.5, 2, 91.0)],
            payments=[{"type": "cash", "sum": 100}],
        )
        assert len(server.receipts) == 1
        assert server.receipts[0]["total"] == "91.00"


def test_atol_client_sees_an_underpaid_receipt_as_a_task_error() -> None:
    with FakeAtolServer() as server:
        client = peer(server.url)
        client.open_shift()
        with pytest.raises(peer_module().errors.TaskError):
            client.sell(
                items=[position("x", 10, 1, 10)],
                payments=[{"type": "cash", "sum": 5}],
            )
        assert server.receipts == []


def test_atol_client_mints_a_new_uuid_per_call_so_a_naive_retry_duplicates() -> None:
    """Hazard H2 on the peer; our driver keeps the uuid in the journal instead."""
    with FakeAtolServer() as server:
        client = peer(server.url)
        client.open_shift()
        for _ in range(2):
            client.sell(items=[position("x", 10, 1, 10)], payments=[{"type": "cash", "sum": 10}])
        assert len(server.receipts) == 2


@pytest.mark.parametrize("kind", ["500", "drop", "unknown"])
def test_atol_client_raises_after_the_receipt_is_fiscal_so_a_retry_doubles_it(kind: str) -> None:
    """The fake's fault after the receipt ran: the peer sees an error, its retry a new uuid.

    Our driver under the same fault (the ATOL fault matrix) ends with one receipt.
    """
    with FakeAtolServer() as server:
        client = peer(server.url)
        client.open_shift()
        server.fail("result", kind)
        sale = {"items": [position("x", 10, 1, 10)], "payments": [{"type": "cash", "sum": 10}]}
        requests = pytest.importorskip("requests")
        errors = (requests.RequestException, peer_module().errors.TaskNotFound)
        with pytest.raises(errors):
            client.sell(**sale)
        assert len(server.receipts) == 1  # fiscal, though the caller saw an error
        client.sell(**sale)
        assert len(server.receipts) == 2
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=fast_client(server.url))
        server.fail("result", kind)
        driver.process_check(sample_receipt())
        assert len(server.receipts) == 3  # ours: exactly one more


# --- the result fields, as independent ATOL integrations read them ------------------------
#
# Canned answers shaped as public ATOL integrations parse them (not as our fake serves
# them): getShiftStatus.shiftStatus {state, documentsCount, expiredTime, number} and
# getFnStatus.fnStatus {fiscalDocumentNumber, fiscalReceiptNumber, warnings {memoryOverflow,
# needReplacement, ofdTimeout, resourceExhausted, criticalError}}, getFnInfo.fnInfo
# {serial, validityDate, ...}, ofdExchangeStatus.status {notSentCount, ...} — a published
# decompilation of a POS product's AtolWebRequestsDriver; fnStatus.fiscalDocumentNumber is
# also what three other public clients read for "the last fiscal document"; getFnDocument's
# documentTLV keyed by tag numbers as a Qt integration reads it ("1040", "1012", "1020",
# "1031", "1081", "1055").

_ANSWERS: dict[str, dict[str, object]] = {
    "getShiftStatus": {
        "shiftStatus": {
            "state": "opened",
            "documentsCount": 3,
            "expiredTime": "2026-11-24T09:15:00+03:00",
            "number": 41,
        }
    },
    "getFnStatus": {
        "fnStatus": {
            "fiscalDocumentNumber": 118,
            "fiscalReceiptNumber": 97,
            "warnings": {
                "memoryOverflow": False,
                "needReplacement": True,
                "ofdTimeout": False,
                "resourceExhausted": False,
                "criticalError": False,
            },
        }
    },
    "getFnInfo": {
        "fnInfo": {"serial": "9999078900001234", "validityDate": "2027-03-01T00:00:00+03:00"}
    },
    "ofdExchangeStatus": {"status": {"notSentCount": 2, "notSentFirstDocNumber": 117}},
    "getFnDocument": {
        "documentTLV": {
            "1040": 118,
            "1077": "2654435761",
            "1012": "2026-11-23T12:05:00+03:00",
            "1054": 1,
            "1055": 1,
            "1020": 480.0,
            "1031": 180.0,
            "1081": 300.0,
        }
    },
}


class _CannedClient:
    """Answers each task type with the canned result (reads only: nothing is posted)."""

    def run(self, tasks: list[dict[str, object]], task_id: str | None = None) -> list[object]:
        return [_ANSWERS[str(task["type"])] for task in tasks]


def test_the_driver_reads_the_fields_independent_atol_integrations_read() -> None:
    driver = AtolWebDriver(
        "http://atol.invalid",
        MemoryFiscalJournal(),
        client=_CannedClient(),  # type: ignore[arg-type]
        clock=FixedClock(dt.datetime(2026, 11, 24, 8, 30)),  # noqa: DTZ001 - local wall time
    )
    status = driver.get_warnings()
    assert status.shift_number == 41
    assert status.shift_deadline == "2026-11-24T09:15"
    assert status.last_document == 118
    assert status.unsent_documents == 2
    assert status.fn_valid_until == "2027-03-01"
    assert set(status.warnings) == {
        FiscalWarning.FN_REPLACE_NOW,
        FiscalWarning.OFD_UNSENT,
        FiscalWarning.SHIFT_ENDS_SOON,
    }
    doc = driver.find_document(118)
    assert doc is not None
    assert (doc.number, doc.document_type, doc.fiscal_sign) == (118, 3, 2654435761)
    assert doc.total == Decimal("480.0")
    assert doc.payments == (("cash", Decimal("180.0")), ("electronically", Decimal("300.0")))
    assert doc.when == "2026-11-23T12:05"
