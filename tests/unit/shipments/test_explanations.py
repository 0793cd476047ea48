"""What shipments, returns, corrections and the other documents say about themselves:
explanations and the amounts per VAT rate, worked out by hand.

The shipment SH-1 of 10 March 2026: 2 CM-100 for 2,440.00 with 22 % VAT included
(2,440.00 × 22/122 = 440.00) and a service of 500.00 without VAT.
"""

from __future__ import annotations

from datetime import date

from tests.unit.shipments._fixtures import rub, shipment, shipment_line

from salescore.shipments import vat_summary

SHIPPED = date(2026, 3, 10)


def test_amounts_per_vat_rate_highest_first_and_without_vat_last() -> None:
    document = shipment(
        "SH-1",
        SHIPPED,
        shipment_line("1", "SO-1", "1", "500.00", "0.00", rate="none", warehouse=None),
        shipment_line("2", "SO-1", "3", "300.00", "0.00", rate="0", product="EXPORT"),
        shipment_line("3", "SO-1", "2", "2440.00", "440.00"),
        shipment_line("4", "SO-1", "1", "1100.00", "100.00", rate="10", product="MILK"),
        shipment_line("5", "SO-1", "1", "1220.00", "220.00", product="KB-7"),
    )
    # 22 %: 2,440.00 + 1,220.00 = 3,660.00 with VAT, 440.00 + 220.00 = 660.00 VAT
    assert [(s.rate.code, s.without_vat, s.vat, s.with_vat) for s in vat_summary(document)] == [
        ("22", rub("3000.00"), rub("660.00"), rub("3660.00")),
        ("10", rub("1000.00"), rub("100.00"), rub("1100.00")),
        ("0", rub("300.00"), rub("0.00"), rub("300.00")),
        ("none", rub("500.00"), rub("0.00"), rub("500.00")),
    ]
