"""The history import and the sales analysis on their own: every bad line named, the
receipts read, and the analysis's figures by hand."""

from __future__ import annotations

from tests.unit.retail._fixtures import BREAD, CHEESE, rub

from salescore.errors import Issue
from salescore.retail import (
    RetailReceipt,
    parse_sales_csv,
)
from salescore.tax import russian_vat_rates

RATES = russian_vat_rates()
PRODUCTS = {p.id: p for p in (BREAD, CHEESE)}
HEADER = "outlet,receipt,at,kind,product,quantity,price,amount,payment\n"


def parse(text: str) -> tuple[list[RetailReceipt], list[Issue]]:
    return parse_sales_csv(text, outlets=["SHOP-1"], products=PRODUCTS, vat_rates=RATES)


def codes(text: str) -> list[tuple[str, str]]:
    receipts, issues = parse(text)
    assert receipts == []
    return [(i.path, i.code) for i in issues]


def test_a_weighed_line_charged_at_its_sum_rounded_half_up_is_imported() -> None:
    # 0.500 kg × 45.25 = 22.625: the register charges 22.63 (half up), as a receipt here
    # would; half to even would make the sum 22.62 and refuse the line's amount as above it.
    text = HEADER + "SHOP-1,1,2026-03-02T10:00:00,sale,CHEESE,0.500,45.25,22.63,cash\n"
    receipts, issues = parse(text)
    assert issues == []
    assert [(x.gross, x.net) for x in receipts[0].lines] == [(rub("22.63"), rub("22.63"))]
