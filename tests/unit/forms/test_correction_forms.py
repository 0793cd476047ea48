"""The УКД of a correction, the исправленный УПД of an error fix and the M-15 of a
transfer to a commission agent: hand-computed figures and golden HTML."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.goldens import check_golden
from tests.unit.shipments._fixtures import rub, shipment, shipment_line

from salescore.errors import ShipmentError
from salescore.forms import (
    Amounts,
    FormKind,
    Requisites,
    corrected_upd_data,
    correction_form_data,
    render_correction_html,
    render_html,
    transfer_form_data,
)
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import SettlementAccount
from salescore.shipments import (
    CommissionLine,
    CommissionTransfer,
    CorrectionId,
    CorrectionKind,
    LineChange,
    ShipmentCorrection,
    TransferId,
    decide_correction,
)
from salescore.tax import VatRate

GOLDENS = Path(__file__).parent / "goldens"
SELLER = Requisites("ООО «Кофе & Ко»", "7701234567", "770101001")
BUYER = Requisites('ООО "Волга" <Казань>', "1655000000", "165501001")
NAMES = {"CM-100": "Кофемашина CM-100", "FLT": "Фильтры <10 шт>"}
SOLD = attrs.evolve(
    shipment(
        "SH-7",
        date(2026, 3, 10),
        shipment_line("1", "SO-1", "3", "54000.00", "9737.70"),
        shipment_line("2", "SO-2", "2", "2400.00", "400.00", rate="20", product="FLT"),
    ),
    version=1,
)


def agreed() -> ShipmentCorrection:
    return attrs.evolve(
        decide_correction(
            CorrectionId("KR-1"),
            SOLD,
            date(2026, 3, 20),
            [LineChange("1", price=rub("17000.00")), LineChange("2", quantity=Decimal(3))],
            CorrectionKind.AGREEMENT,
        ),
        version=1,
    )


def test_the_ukd_shows_before_after_increase_and_decrease(update_goldens: bool) -> None:
    data = correction_form_data(agreed(), SOLD, SELLER, BUYER, NAMES)
    first, second = data.lines
    # line 1: 54,000.00 (VAT 9,737.70) → 3 × 17,000.00 = 51,000.00 (VAT 9,196.72)
    assert (first.before, first.after) == (
        Amounts(rub("44262.30"), rub("9737.70"), rub("54000.00")),
        Amounts(rub("41803.28"), rub("9196.72"), rub("51000.00")),
    )
    assert first.decrease == Amounts(rub("2459.02"), rub("540.98"), rub("3000.00"))
    assert first.increase == Amounts(rub("0.00"), rub("0.00"), rub("0.00"))
    # prices without VAT: 44,262.30 / 3 = 14,754.10; 41,803.28 / 3 = 13,934.43
    assert (first.price_before, first.price_after) == (rub("14754.10"), rub("13934.43"))
    # line 2 (a 2025 rate of 20 %): 2 → 3 at 1,200.00: + 1,000.00, VAT + 200.00
    assert (second.vat_rate.code, second.increase) == (
        "20",
        Amounts(rub("1000.00"), rub("200.00"), rub("1200.00")),
    )
    assert (data.increase.with_vat, data.decrease.with_vat) == (rub("1200.00"), rub("3000.00"))
    assert data.in_words == "Одна тысяча восемьсот рублей, ноль копеек"
    assert pickle.loads(pickle.dumps(data)) == data
    page = render_correction_html(data)
    assert "Фильтры &lt;10 шт&gt;" in page
    assert "2\u00a0459.02" in page
    check_golden(GOLDENS / "ukd.html", page, update=update_goldens, test_file=__file__)


def test_an_error_fix_prints_a_corrected_upd_not_a_ukd() -> None:
    fix = attrs.evolve(
        decide_correction(
            CorrectionId("KR-2"),
            SOLD,
            date(2026, 3, 12),
            [LineChange("1", quantity=Decimal(2))],
            CorrectionKind.ERROR_FIX,
        ),
        version=1,
    )
    with pytest.raises(ShipmentError, match="corrected_upd_data"):
        correction_form_data(fix, SOLD, SELLER, BUYER)
    data = corrected_upd_data(SOLD, [fix], SELLER, BUYER, NAMES)
    # 54,000.00 × 2/3 = 36,000.00 + 2,400.00
    assert (data.number, data.with_vat, data.revision) == (
        "SH-7",
        rub("38400.00"),
        "Исправление № 1 от 12.03.2026",
    )
    assert "Исправление № 1 от 12.03.2026" in render_html(data)


def test_an_unposted_correction_or_transfer_is_not_printed() -> None:
    draft = decide_correction(
        CorrectionId("KR-3"),
        SOLD,
        date(2026, 3, 20),
        [LineChange("1", quantity=Decimal(1))],
        CorrectionKind.AGREEMENT,
    )
    with pytest.raises(ShipmentError, match="not posted"):
        correction_form_data(draft, SOLD, SELLER, BUYER)
    with pytest.raises(ShipmentError, match="not posted"):
        transfer_form_data(TRANSFER, SELLER, BUYER)


TRANSFER = CommissionTransfer(
    TransferId("KT-1"),
    SettlementAccount("AGENT-1", "RUB"),
    date(2026, 3, 2),
    [
        CommissionLine.priced(
            "1",
            ProductId("CM-100"),
            WarehouseId("MAIN"),
            Decimal(4),
            rub("18000.00"),
            VatRate.parse("22"),
        )
    ],
)


def test_the_m15_of_a_transfer_to_an_agent(update_goldens: bool) -> None:
    data = transfer_form_data(attrs.evolve(TRANSFER, version=1), SELLER, BUYER, NAMES)
    # 4 × 18,000.00 = 72,000.00; VAT × 22/122 = 12,983.61; price without VAT 14,754.10
    assert (data.kind, data.with_vat, data.vat) == (FormKind.M15, rub("72000.00"), rub("12983.61"))
    assert data.lines[0].price_without_vat == rub("14754.10")
    page = render_html(data)
    check_golden(GOLDENS / "m15.html", page, update=update_goldens, test_file=__file__)
