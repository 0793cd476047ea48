"""VAT rates as effective-dated data, and the VAT of a line."""

from __future__ import annotations

import datetime as dt
import decimal
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.errors import SalescoreError, TaxError
from salescore.money import Currency, Money
from salescore.tax import (
    VatCategory,
    VatLineFigures,
    VatRate,
    VatRateTable,
    VatTotals,
    load_vat_rates,
    russian_vat_rates,
)
from salescore.tax import vat as vat_module

RU = russian_vat_rates()
LOCAL_MIDNIGHT = dt.datetime(2024, 1, 1)  # noqa: DTZ001 - a TOML local date-time


@pytest.mark.parametrize(
    ("category", "on", "code"),
    [
        (VatCategory.GENERAL, date(2025, 12, 31), "20"),
        (VatCategory.GENERAL, date(2026, 1, 1), "22"),
        (VatCategory.GENERAL, date(2026, 12, 4), "22"),
        (VatCategory.REDUCED, date(2026, 6, 1), "10"),
        (VatCategory.ZERO, date(2026, 6, 1), "0"),
        (VatCategory.EXEMPT, date(2026, 6, 1), "none"),
        (VatCategory.SIMPLIFIED_5, date(2025, 3, 1), "5"),
        (VatCategory.SIMPLIFIED_7, date(2026, 3, 1), "7"),
    ],
)
def test_russian_rates_in_force_on_a_date(category: VatCategory, on: date, code: str) -> None:
    assert RU.rate(category, on).code == code


def test_calculated_rates_of_every_positive_rate() -> None:
    assert [VatRate.parse(p).as_calculated().code for p in ("22", "20", "10", "5", "7")] == [
        "22/122",
        "20/120",
        "10/110",
        "5/105",
        "7/107",
    ]
    assert VatRate.parse("0").as_calculated().code == "0"
    assert VatRate.parse("none").as_calculated().code == "none"


def test_a_date_before_the_table_is_refused_with_what_to_do() -> None:
    with pytest.raises(TaxError, match="no 'simplified_5' rate on 2024-12-31: add a period"):
        RU.rate(VatCategory.SIMPLIFIED_5, date(2024, 12, 31))


def test_hand_computed_figures() -> None:
    rub = "RUB"
    # The example: price includes VAT, 20 %, 2 x 1,200.00.
    split = VatRate.parse("20").split(Money("2400.00", rub), included=True)
    assert (split.without_vat, split.vat) == (Money("2000.00", rub), Money("400.00", rub))
    # 22/122 of 100.00 = 18.0327... -> 18.03
    assert VatRate.parse("22/122").vat_of(Money("100.00", rub), included=True) == Money(
        "18.03", rub
    )
    # 22 % on top of 0.05 = 0.011 -> 0.01; 10 % on top of 0.05 = 0.005 -> 0.01 (half up)
    assert VatRate.parse("22").vat_of(Money("0.05", rub), included=False) == Money("0.01", rub)
    assert VatRate.parse("10").vat_of(Money("0.05", rub), included=False) == Money("0.01", rub)
    # a return line: negative amounts round half away from zero too
    assert VatRate.parse("10").vat_of(Money("-0.05", rub), included=False) == Money("-0.01", rub)
    # 5/105 of 1,050.00 = 50.00
    assert VatRate.parse("5/105").vat_of(Money("1050.00", rub), included=True) == Money(
        "50.00", rub
    )


def test_a_calculated_rate_on_an_amount_without_vat_is_refused() -> None:
    with pytest.raises(TaxError, match="use the rate 22 for an amount without VAT"):
        VatRate.parse("22/122").vat_of(Money("100.00", "RUB"), included=False)


@pytest.mark.parametrize("text", ["", "abc", "22/120", "100", "-1", "NaN", "inf"])
def test_bad_rate_codes_are_salescore_errors(text: str) -> None:
    with pytest.raises(TaxError):
        VatRate.parse(text)


def test_labels_for_printed_forms() -> None:
    assert [VatRate.parse(c).label for c in ("22", "22/122", "none")] == [
        "22%",
        "22/122",
        "без НДС",
    ]


_amounts = st.integers(min_value=-(10**15), max_value=10**15).map(
    lambda units: Money.from_minor(units, "RUB")
)
_rates = st.sampled_from(["22", "20", "10", "7", "5", "0", "none"]).map(VatRate.parse)


@given(_amounts, _rates, st.booleans())
def test_without_vat_plus_vat_is_with_vat_for_every_rate_and_mode(
    amount: Money, rate: VatRate, included: bool
) -> None:
    split = rate.split(amount, included=included)
    assert split.without_vat + split.vat == split.with_vat
    assert (split.with_vat if included else split.without_vat) == amount
    # the VAT is the exact share rounded to the kopeck: never off by more than half of one
    percent = rate.percent or Decimal(0)
    exact = amount.amount * percent / ((100 + percent) if included else 100)
    assert abs(split.vat.amount - exact) <= Decimal("0.005")


def test_a_table_from_a_file_and_its_mistakes(tmp_path: Path) -> None:
    good = tmp_path / "vat.toml"
    good.write_text(
        '\ufeffcountry = "KZ"\n[[rate]]\ncategory = "general"\nfrom = 2024-01-01\npercent = "12"\n',
        encoding="utf-8",
    )
    table = load_vat_rates(good)
    assert table.rate(VatCategory.GENERAL, date(2026, 1, 1)) == VatRate(Decimal(12))
    bad = tmp_path / "bad.toml"
    bad.write_text('country = "KZ"\n[[rate]]\ncategory = "genral"\nfrom = 2024-01-01\n')
    with pytest.raises(TaxError, match=r"bad.toml: rate\[0\].category: 'genral' is not one of"):
        load_vat_rates(bad)
    with pytest.raises(SalescoreError, match="cannot read"):
        load_vat_rates(tmp_path / "missing.toml")


def test_two_rates_of_one_category_from_one_date_are_refused() -> None:
    with pytest.raises(TaxError, match="two rates of 'general' from 2026-01-01"):
        VatRateTable(
            "RU",
            [
                RU.changes()[-1],
                RU.changes()[-1],
            ],
        )


def test_a_callers_decimal_context_does_not_change_calculated_rates() -> None:
    with decimal.localcontext(prec=2):
        # 100 + 22 in two digits would be 1.2E+2: the code and label stay 22/122
        assert VatRate(Decimal(22), calculated=True).code == "22/122"
        assert VatRate.parse("22/122").label == "22/122"
        assert VatRate.parse("12.5/112.5").code == "12.5/112.5"


def test_a_calculated_rate_of_a_percent_out_of_range_is_an_unknown_rate() -> None:
    # 100 + 10^1000000 is beyond any decimal context: still a salescore error, not Overflow
    for text in ("1e1000000/1", "100/200"):
        with pytest.raises(TaxError, match=f"unknown VAT rate '{text}'"):
            VatRate.parse(text)


def test_the_shipped_table_read_afresh_has_every_category_and_is_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As in a new process: nothing read yet.
    monkeypatch.setattr(vat_module, "_RUSSIA", None)
    table = russian_vat_rates()
    assert table.country == "RU"
    assert table.categories() == frozenset(VatCategory)
    assert table.rate(VatCategory.GENERAL, date(2026, 1, 1)).code == "22"
    assert table.rate(VatCategory.EXEMPT, date(2026, 1, 1)) == VatRate(None)
    assert russian_vat_rates() is table


def test_a_table_names_only_the_categories_it_has() -> None:
    table = load_vat_rates(
        {
            "country": "KZ",
            "rate": [{"category": "general", "from": date(2024, 1, 1), "percent": "12"}],
        }
    )
    assert table.categories() == frozenset({VatCategory.GENERAL})
    with pytest.raises(TaxError, match="KZ VAT table has no 'reduced' rate on 2026-01-01"):
        table.rate(VatCategory.REDUCED, date(2026, 1, 1))


def test_a_table_from_parsed_data_with_an_exempt_category() -> None:
    table = load_vat_rates(
        {
            "country": "KZ",
            "rate": [
                {"category": "exempt", "from": date(2024, 1, 1)},
                {"category": "general", "from": date(2024, 1, 1), "percent": "12"},
            ],
        }
    )
    assert table.country == "KZ"
    assert table.rate(VatCategory.EXEMPT, date(2024, 1, 1)).code == "none"
    assert [(p.category, p.valid_from, p.rate.code) for p in table.changes()] == [
        (VatCategory.EXEMPT, date(2024, 1, 1), "none"),
        (VatCategory.GENERAL, date(2024, 1, 1), "12"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rate": []}, 'VAT table: expected country = "XX" and [[rate]] tables'),
        ({"country": "KZ"}, 'VAT table: expected country = "XX" and [[rate]] tables'),
        ({"country": "KZ", "rate": ["general"]}, "VAT table: rate[0] must be a table"),
        (
            {
                "country": "KZ",
                "rate": [{"category": "general", "from": date(2024, 1, 1), "rate": "12"}],
            },
            "VAT table: rate[0]: unknown keys ['rate']; use category, from, percent",
        ),
        (
            {"country": "KZ", "rate": [{"category": "standard", "from": date(2024, 1, 1)}]},
            "VAT table: rate[0].category: 'standard' is not one of general, reduced, zero, "
            "exempt, simplified_5, simplified_7",
        ),
        (
            {"country": "KZ", "rate": [{"category": "general", "from": "2024-01-01"}]},
            "VAT table: rate[0].from: expected a date such as 2026-01-01, got '2024-01-01'",
        ),
        (
            {"country": "KZ", "rate": [{"category": "general", "from": LOCAL_MIDNIGHT}]},
            "VAT table: rate[0].from: expected a date such as 2026-01-01, "
            "got datetime.datetime(2024, 1, 1, 0, 0)",
        ),
        (
            {
                "country": "KZ",
                "rate": [{"category": "general", "from": date(2024, 1, 1), "percent": 12}],
            },
            'VAT table: rate[0].percent: write the percent as a string, e.g. "22"',
        ),
    ],
)
def test_mistakes_in_parsed_table_data_are_named(data: dict[str, object], message: str) -> None:
    with pytest.raises(TaxError) as caught:
        load_vat_rates(data)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", ["none", "None", "without", "без НДС", "exempt", " Exempt "])
def test_every_spelling_of_without_vat(text: str) -> None:
    assert VatRate.parse(text) == VatRate(None)
    assert VatRate.parse(text).label == "без НДС"


@pytest.mark.parametrize("text", ["22%", "22 %", " 22% "])
def test_a_percent_sign_after_the_rate_is_allowed(text: str) -> None:
    assert VatRate.parse(text) == VatRate(Decimal(22))


@pytest.mark.parametrize("value", [22, 22.0, "22", Decimal("NaN"), Decimal("Infinity")])
def test_a_percent_that_is_not_a_finite_decimal_is_refused(value: object) -> None:
    with pytest.raises(TaxError, match=r"a VAT percent must be a Decimal in 0\.\.99"):
        VatRate(value)


def test_a_callers_decimal_context_does_not_change_rates_or_vat() -> None:
    with decimal.localcontext(prec=1):
        assert VatRate(Decimal("22.0")).code == "22"  # 22 has two digits
    with decimal.localcontext(prec=2):
        assert VatRate(Decimal("12.50")).percent == Decimal("12.5")  # not 12 or 13
        # 22/122 of 1,000.00 = 180.3278... -> 180.33
        vat = VatRate.parse("22/122").vat_of(Money("1000.00", "RUB"), included=True)
    assert vat == Money("180.33", "RUB")


def test_a_calculated_rate_of_zero_percent_is_refused_as_such() -> None:
    # 0/100 is well formed, but 0 % has no calculated rate: the error says so
    with pytest.raises(TaxError, match="a calculated VAT rate needs a positive percent, got 0"):
        VatRate.parse("0/100")


def test_a_documents_vat_totals_add_lines_with_vat_included_and_on_top() -> None:
    # Classes built here, not at import (mutation testing switches code on after imports).
    @attrs.frozen
    class Line(VatLineFigures):
        net: Money
        vat: Money
        vat_included: bool

    @attrs.frozen
    class Document(VatTotals):
        currency: Currency
        vat_lines: tuple[Line, ...]

    # 1200.00 with 20 % VAT included: 200.00 VAT, 1000.00 without, 1200.00 to pay.
    # 500.00 with 20 % VAT on top: 100.00 VAT, 500.00 without, 600.00 to pay.
    inside = Line(Money("1200.00", "RUB"), Money("200.00", "RUB"), True)
    on_top = Line(Money("500.00", "RUB"), Money("100.00", "RUB"), False)
    assert (on_top.without_vat, on_top.with_vat) == (Money("500.00", "RUB"), Money("600.00", "RUB"))
    document = Document(Currency.of("RUB"), (inside, on_top))
    assert (document.vat, document.without_vat, document.with_vat) == (
        Money("300.00", "RUB"),
        Money("1500.00", "RUB"),
        Money("1800.00", "RUB"),
    )
