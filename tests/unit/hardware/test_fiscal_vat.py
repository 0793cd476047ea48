"""VAT rates on fiscal receipts: salescore.tax rates mapped to each protocol's codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import TaxError
from salescore.hardware.atol import AtolTaskClient, AtolWebDriver, FakeAtolServer
from salescore.hardware.atol.client import _receipt_task
from salescore.hardware.fiscal import (
    ATOL_VAT_NAMES,
    FFD_VAT_CODES,
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
)
from salescore.hardware.shtrih import codec
from salescore.tax import VatCategory, VatRate, russian_vat_rates
from salescore.testing.devices import shtrih_rig


def receipt_at(*codes: str) -> Receipt:
    lines = tuple(
        ReceiptLine(f"item {code}", Decimal(1), Decimal("100.00"), VatRate.parse(code))
        for code in codes
    )
    total = Decimal(100 * len(codes))
    return Receipt("v-1", ReceiptKind.SALE, lines, (Payment(PaymentType.CASH, total),))


def test_every_rate_of_the_russian_table_has_an_ffd_and_an_atol_code() -> None:
    table = russian_vat_rates()
    for period in table.changes():
        for rate in (period.rate, period.rate.as_calculated()):
            assert rate.code in FFD_VAT_CODES
            assert rate.code in ATOL_VAT_NAMES
    assert table.rate(VatCategory.GENERAL, date(2026, 1, 1)).code == "22"


def test_atol_gets_the_json_names_of_2026_rates() -> None:
    task = _receipt_task(receipt_at("22", "22/122", "5", "7", "5/105", "7/107", "20", "none"))
    names = [item["tax"]["type"] for item in task["items"]]
    assert names == ["vat22", "vat122", "vat5", "vat7", "vat105", "vat107", "vat20", "none"]


def test_the_line_default_is_the_general_rate_of_2026() -> None:
    assert ReceiptLine("x", Decimal(1), Decimal("1.00")).vat == VatRate.parse("22")


def test_shtrih_sends_22_percent_in_tax_group_1() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        r.driver.process_check(receipt_at("22", "10"))
        sales = [codec.decode_command(p) for p in r.simulator.received if p[0] == 0x80]
        assert [s.taxes[0] for s in sales] == [1, 2]  # type: ignore[attr-defined]


def test_a_rate_the_register_has_no_group_for_is_refused_before_anything_is_sent() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        sent = len(r.simulator.received)
        with pytest.raises(TaxError, match="20%") as info:
            r.driver.process_check(receipt_at("22", "20"))
        assert info.value.details["protocol"] == "shtrih-m"
        assert len(r.simulator.received) == sent
        assert r.journal.get("v-1") is None


def test_a_20_percent_return_goes_to_the_group_the_shop_programmed() -> None:
    with shtrih_rig() as r:
        r.driver.tax_groups["20"] = 5
        r.driver.open_shift()
        r.driver.process_check(receipt_at("20"))
        assert r.receipts == 1


def test_atol_refuses_an_unknown_rate_before_posting() -> None:
    with FakeAtolServer() as server:
        client = AtolTaskClient(server.url, poll_interval=0.01)
        driver = AtolWebDriver(server.url, MemoryFiscalJournal(), client=client)
        driver.open_shift()
        with pytest.raises(TaxError, match="18%"):
            driver.process_check(receipt_at("18"))
        assert server.receipt_posts == {}


def test_ffd_tag_1199_codes_of_the_2026_rates() -> None:
    """Tag 1199 [ставка НДС]: 11 is 22 % and 12 is 22/122; 1 and 3 stay 20 % and 20/120.

    Source: the FNS order of 2025-12-08 No. ЕД-7-20/1050@ (in force from
    2026-01-05) added to table 8 of the FFD "11 – ставка НДС 22%" and "12 –
    ставка НДС расч. 22/122" (reported by klerk.ru, news 674683, 2026-01-06);
    codes 1-6 are the FFD's table since 2019, 7-10 the simplified 5 %, 7 %,
    5/105, 7/107.
    """
    assert FFD_VAT_CODES["22"] == 11
    assert FFD_VAT_CODES["22/122"] == 12
    assert (FFD_VAT_CODES["20"], FFD_VAT_CODES["20/120"]) == (1, 3)
    assert (FFD_VAT_CODES["10"], FFD_VAT_CODES["10/110"]) == (2, 4)
    assert (FFD_VAT_CODES["0"], FFD_VAT_CODES["none"]) == (5, 6)
    assert len(set(FFD_VAT_CODES.values())) == len(FFD_VAT_CODES)
