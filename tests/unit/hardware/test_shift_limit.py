"""The 24-hour shift limit: warned ahead of time, a sale after it refused before anything is sent.

The rule (54-ФЗ and the FFD): a shift may stay open 24 hours from its
opening report; after that the fiscal storage takes no receipt until a Z
report closes the shift. The Shtrih-M driver reads the opening report's
date-time from the fiscal storage (0xFF0A, document type 2); the clock is
injected, so no test sleeps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import ShiftExpiredError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.fiscal import FiscalWarning, ReceiptOutcome, shift_deadline
from salescore.testing import FixedClock
from salescore.testing.devices import sample_receipt, shtrih_rig


def test_the_deadline_is_the_opening_report_plus_24_hours() -> None:
    assert shift_deadline("2026-12-31T23:30") == "2027-01-01T23:30"


def test_shtrih_warns_an_hour_ahead_then_refuses_a_sale_after_the_limit() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        opened = r.simulator.device.documents[-1].when.replace(tzinfo=None)
        clock = FixedClock(opened + dt.timedelta(hours=22, minutes=59))
        driver = r.new_driver()
        driver.clock = clock
        status = driver.get_warnings()
        assert status.shift_deadline == (opened + dt.timedelta(hours=24)).isoformat(
            timespec="minutes"
        )
        assert FiscalWarning.SHIFT_ENDS_SOON not in status.warnings
        driver.process_check(sample_receipt("before"))
        clock.advance(dt.timedelta(minutes=2))  # 23:01 after opening: within the hour
        assert FiscalWarning.SHIFT_ENDS_SOON in driver.get_warnings().warnings
        clock.advance(dt.timedelta(minutes=59))  # the last minute: a receipt would close after it
        with pytest.raises(ShiftExpiredError, match="close_shift") as info:
            driver.process_check(sample_receipt("after"))
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        assert [d.total for d in r.simulator.device.receipts] == [40000]
        assert r.simulator.device.executed[0x8D] == 1  # the refused sale opened nothing
        report = driver.close_shift()  # a Z report is still allowed
        assert report.shift_number == 1
        driver.open_shift()
        assert driver.process_check(sample_receipt("after")).total == Decimal("400.00")


def test_the_lead_is_configurable_and_survives_a_restart() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        for n in range(3):
            r.driver.process_check(sample_receipt(f"r-{n}"))
        opened = r.simulator.device.documents[0].when.replace(tzinfo=None)
        driver = r.new_driver()  # a new driver finds the opening report behind the receipts
        driver.clock = FixedClock(opened + dt.timedelta(hours=20))
        driver.shift_warning = dt.timedelta(hours=4)
        assert FiscalWarning.SHIFT_ENDS_SOON in driver.get_warnings().warnings
        driver.shift_warning = dt.timedelta(hours=3)
        assert FiscalWarning.SHIFT_ENDS_SOON not in driver.get_warnings().warnings


def test_no_deadline_without_an_open_shift() -> None:
    with shtrih_rig() as r:
        assert r.driver.get_current_status().shift_deadline is None


def test_atol_reads_the_deadline_warns_and_refuses() -> None:
    with FakeAtolServer() as server:
        client = AtolTaskClient(server.url, poll_interval=0.01)
        clock = FixedClock(server.clock)
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=client, clock=clock)
        driver.open_shift()
        clock.advance(dt.timedelta(hours=23, minutes=30))
        status = driver.get_warnings()
        assert status.shift_deadline == (server.clock + dt.timedelta(hours=24)).isoformat(
            timespec="minutes"
        )
        assert FiscalWarning.SHIFT_ENDS_SOON in status.warnings
        driver.process_check(sample_receipt("a-1"))
        clock.advance(dt.timedelta(minutes=30))
        with pytest.raises(ShiftExpiredError) as info:
            driver.process_check(sample_receipt("a-2"))
        assert info.value.details["outcome"] is ReceiptOutcome.CANCELLED
        assert len(server.receipt_posts) == 1
