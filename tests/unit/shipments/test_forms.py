"""Printed forms: amounts in words, VAT per rate, escaping, golden HTML."""

from __future__ import annotations

from datetime import date
from decimal import localcontext
from pathlib import Path

import attrs
import pytest
from tests.goldens import check_golden
from tests.unit.orders._fixtures import frozen_line, order, prices
from tests.unit.shipments._fixtures import rub, shipment, shipment_line

from salescore.errors import InvalidInputError, ShipmentError
from salescore.forms import (
    FormKind,
    Requisites,
    amount_in_words,
    form_data,
    payment_invoice_data,
    render_html,
)
from salescore.money import KG, Money, Unit

GOLDENS = Path(__file__).parent / "goldens"
SELLER = Requisites("ООО «Кофе & Ко»", "7701234567", "770101001")
BUYER = Requisites('ООО "Волга" <Казань>', "1655000000", "165501001")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.00", "Ноль рублей, ноль копеек"),
        ("1.01", "Один рубль, одна копейка"),
        ("21.00", "Двадцать один рубль, ноль копеек"),
        ("1000000.00", "Один миллион рублей, ноль копеек"),
        (
            "2512345.67",
            "Два миллиона пятьсот двенадцать тысяч триста сорок пять рублей, "
            "шестьдесят семь копеек",
        ),
        ("22.02", "Двадцать два рубля, две копейки"),
        ("5.05", "Пять рублей, пять копеек"),
    ],
)
def test_amounts_in_russian_words(amount: str, words: str) -> None:
    with localcontext() as ctx:
        ctx.prec = 3  # a hostile caller's context changes nothing
        assert amount_in_words(Money(amount, "RUB")) == words


def test_words_are_written_for_roubles_only() -> None:
    with pytest.raises(InvalidInputError, match="roubles"):
        amount_in_words(Money("1.00", "USD"))


# A 2026 sale at 22 % and a line of a 2025 order at 20 %, and a service without VAT.
POSTED = attrs.evolve(
    shipment(
        "SH-1",
        date(2026, 3, 10),
        shipment_line("1", "SO-1", "3", "54000.00", "9737.70"),
        shipment_line("2", "SO-0", "2", "2400.00", "400.00", rate="20", product="CM-300"),
        shipment_line("3", "SO-1", "1", "5000.00", "0.00", rate="none", warehouse=None),
    ),
    version=1,
)
NAMES = {"CM-100": "Кофемашина CM-100", "CM-300": "Кофемашина <CM-300>"}


def test_vat_is_printed_per_rate_from_the_document_figures() -> None:
    data = form_data(FormKind.UPD, POSTED, SELLER, BUYER, NAMES)
    assert [(r.vat_rate.code, r.without_vat, r.vat, r.with_vat) for r in data.rates] == [
        ("22", rub("44262.30"), rub("9737.70"), rub("54000.00")),
        ("20", rub("2000.00"), rub("400.00"), rub("2400.00")),
        ("none", rub("5000.00"), rub("0.00"), rub("5000.00")),
    ]
    assert (
        (data.vat, data.with_vat)
        == (POSTED.vat, POSTED.with_vat)
        == (
            rub("10137.70"),
            rub("61400.00"),
        )
    )
    # price without VAT: 44,262.30 / 3 = 14,754.10
    assert data.lines[0].price_without_vat == rub("14754.10")
    assert data.in_words == "Шестьдесят одна тысяча четыреста рублей, ноль копеек"


@pytest.mark.parametrize("kind", [FormKind.UPD, FormKind.TORG12, FormKind.INVOICE])
def test_forms_of_a_shipment_match_their_golden_html(kind: FormKind, update_goldens: bool) -> None:
    page = render_html(form_data(kind, POSTED, SELLER, BUYER, NAMES))
    assert "<CM-300>" not in page
    assert "Кофемашина &lt;CM-300&gt;" in page
    assert "ООО &quot;Волга&quot; &lt;Казань&gt;" in page
    assert "9\u00a0737.70" in page
    check_golden(
        GOLDENS / f"{kind.name.lower()}.html", page, update=update_goldens, test_file=__file__
    )


def test_a_payment_invoice_of_an_order_matches_its_golden_html(update_goldens: bool) -> None:
    priced = order(prices=prices(frozen_line("1", "2", "1200.00", rate="22")))
    data = payment_invoice_data(priced, SELLER, BUYER, {"P1": "Фильтры"})
    # 2,400.00 including 22 %: 2,400 × 22/122 = 432.79
    assert (data.with_vat, data.vat) == (rub("2400.00"), rub("432.79"))
    check_golden(
        GOLDENS / "payment_invoice.html",
        render_html(data),
        update=update_goldens,
        test_file=__file__,
    )


def test_a_form_of_an_unposted_document_is_refused() -> None:
    with pytest.raises(ShipmentError, match="is not posted"):
        form_data(FormKind.UPD, attrs.evolve(POSTED, version=0), SELLER, BUYER)
    with pytest.raises(ShipmentError, match="not priced"):
        payment_invoice_data(order(), SELLER, BUYER)


def test_units_print_as_national_symbols_with_their_okei_codes() -> None:
    weighed = attrs.evolve(
        shipment("SH-2", date(2026, 3, 10), shipment_line("1", "SO-1", "1.25", "250.00", "45.08")),
        version=1,
    )
    by_kg = form_data(FormKind.UPD, weighed, SELLER, BUYER, units={"CM-100": KG})
    assert [(x.unit_code, x.unit) for x in by_kg.lines] == [("166", "кг")]
    assert "<td>166</td><td>кг</td>" in render_html(by_kg)
    pieces = form_data(FormKind.TORG12, POSTED, SELLER, BUYER)
    assert {(x.unit_code, x.unit) for x in pieces.lines} == {("796", "шт")}
    own = form_data(FormKind.INVOICE, weighed, SELLER, BUYER, units={"CM-100": Unit("bag")})
    assert [(x.unit_code, x.unit) for x in own.lines] == [("", "bag")]
