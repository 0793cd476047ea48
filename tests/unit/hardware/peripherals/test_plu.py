"""Label-printing scales offline: PLU records, table checks, CSV files and label barcodes (G4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.goldens import check_golden

from salescore.app.plu import PluAssignment, plu_table
from salescore.errors import InvalidAmountError, InvalidInputError, IssuesError
from salescore.hardware.codes import EmbeddedLayout, decode_embedded
from salescore.hardware.plu import (
    GENERIC_CSV,
    SHTRIH_PRINT_CSV,
    PluRecord,
    PluTable,
    ScaleProfile,
    SoldBy,
    check_label_barcode,
    from_csv,
    label_barcode,
    label_price,
    to_csv,
)
from salescore.money import KG, LITRE, Money
from salescore.parties import Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot

WEIGHT = EmbeddedLayout.parse("21IIIIIWWWWWC")
PRICE = EmbeddedLayout.parse("23IIIIPPPPPPC")
GOLDEN = Path(__file__).parents[3] / "scenarios" / "hardware" / "plu_shtrih_print.csv"


def _record(plu: int = 1, item: str = "00123", **changes: Any) -> PluRecord:
    record = PluRecord(plu, item, "Сыр Российский", Decimal("689.90"), WEIGHT, shelf_life_days=30)
    return attrs.evolve(record, **changes)


def _codes(table: PluTable, profile: ScaleProfile = SHTRIH_PRINT_CSV) -> list[str]:
    return [issue.code for issue in table.issues(profile)]


# --- records refuse wrong types at once ---------------------------------------------------


@pytest.mark.parametrize("price", [689.9, Decimal("689.905"), Decimal("NaN"), True, "689.90"])
def test_a_record_refuses_a_price_that_is_not_whole_kopecks(price: object) -> None:
    with pytest.raises(InvalidAmountError, match="whole kopecks"):
        PluRecord(1, "123", "Сыр", price, WEIGHT)  # type: ignore[arg-type]


def test_a_price_is_kept_with_two_decimals() -> None:
    assert str(PluRecord(1, "123", "Сыр", Decimal("45.5"), WEIGHT).price) == "45.50"
    assert str(PluRecord(1, "123", "Сыр", Decimal(45), WEIGHT).price) == "45.00"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"item_code": "12a"}, "item code must be digits"),
        ({"item_code": ""}, "item code must be digits"),
        ({"item_code": "１２３"}, "item code must be digits"),
        ({"plu": True}, "plu must be whole numbers"),
        ({"shelf_life_days": Decimal("3")}, "shelf_life_days must be whole"),
        ({"group": "7"}, "group must be whole"),
        ({"layout": "21IIIIIWWWWWC"}, "layout must be an EmbeddedLayout"),
    ],
)
def test_a_record_refuses_values_of_the_wrong_form(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _record(**changes)


# --- the table reports every problem at once ----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"plu": 0}, "plu_out_of_range"),
        ({"plu": 4001}, "plu_out_of_range"),
        ({"item_code": "123456"}, "item_code_does_not_fit_barcode"),
        ({"name": "Сыр Российский выдержанный 45%"}, "name_too_long"),
        ({"name": "  "}, "name_empty"),
        ({"name": "Сыр\nРоссийский"}, "name_control_character"),
        ({"price": Decimal("0")}, "price_not_positive"),
        ({"price": Decimal("-1.00")}, "price_not_positive"),
        (
            {"layout": PRICE, "item_code": "0123", "price": Decimal("666.67")},
            "price_does_not_fit_barcode",
        ),
        (
            {
                "layout": PRICE,
                "item_code": "123",
                "sold_by": SoldBy.PIECE,
                "price": Decimal("10000"),
            },
            "price_does_not_fit_barcode",
        ),
        ({"sold_by": SoldBy.PIECE}, "piece_goods_with_weight_layout"),
        ({"shelf_life_days": -1}, "shelf_life_out_of_range"),
        ({"shelf_life_days": 1000}, "shelf_life_out_of_range"),
        ({"label": 0}, "label_out_of_range"),
        ({"group": -2}, "group_out_of_range"),
    ],
)
def test_each_problem_of_a_record_is_an_issue(changes: dict[str, Any], code: str) -> None:
    assert _codes(PluTable([_record(**changes)])) == [code]


def test_a_well_formed_table_has_no_issues() -> None:
    table = PluTable(
        [
            _record(),
            _record(2, "124", layout=PRICE, price=Decimal("666.66")),
            _record(3, "125", layout=PRICE, sold_by=SoldBy.PIECE, price=Decimal("9999.99")),
        ]
    )
    assert table.issues(SHTRIH_PRINT_CSV) == []
    table.raise_for_issues(SHTRIH_PRINT_CSV)


def test_a_weight_field_too_short_for_the_scale_capacity_is_an_issue() -> None:
    grams4 = EmbeddedLayout.parse("21IIIIIIWWWWC")  # at most 9.999 kg
    table = PluTable([_record(layout=grams4)])
    assert _codes(table) == ["weight_does_not_fit_barcode"]
    assert _codes(table, attrs.evolve(SHTRIH_PRINT_CSV, max_weight=Decimal("6"))) == []


def test_duplicate_plu_numbers_and_item_codes_are_reported_against_the_first_use() -> None:
    table = PluTable([_record(1, "123"), _record(2, "00123"), _record(1, "124")])
    issues = table.issues(SHTRIH_PRINT_CSV)
    assert [(issue.path, issue.code) for issue in issues] == [
        ("records[1]", "duplicate_item_code"),
        ("records[2]", "duplicate_plu"),
    ]
    assert "records[0]" in issues[0].message
    assert "records[0]" in issues[1].message


def test_the_same_item_code_under_another_prefix_is_another_product() -> None:
    other = EmbeddedLayout.parse("22IIIIIWWWWWC")
    assert _codes(PluTable([_record(1, "123"), _record(2, "123", layout=other)])) == []


def test_every_problem_of_the_table_is_reported_not_only_the_first() -> None:
    table = PluTable(
        [
            _record(5000, name="x" * 40, price=Decimal("0")),
            _record(2, "124"),
            _record(2, "124", label=100),
        ]
    )
    assert _codes(table) == [
        "plu_out_of_range",
        "name_too_long",
        "price_not_positive",
        "label_out_of_range",
        "duplicate_plu",
        "duplicate_item_code",
    ]
    with pytest.raises(IssuesError, match="6 error") as raised:
        table.raise_for_issues(SHTRIH_PRINT_CSV)
    assert len(raised.value.details["issues"]) == 6


def test_limits_come_from_the_profile() -> None:
    table = PluTable([_record(9000, name="Сыр Российский выдержанный 45%")])
    assert _codes(table, SHTRIH_PRINT_CSV) == ["plu_out_of_range", "name_too_long"]
    assert _codes(table, GENERIC_CSV) == []


def test_a_table_holds_only_records() -> None:
    with pytest.raises(InvalidInputError, match=r"records\[1\] is str"):
        PluTable([_record(), "PLU 2"])  # type: ignore[list-item]


# --- profiles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"columns": GENERIC_CSV.columns[:-1]}, "exactly once"),
        ({"headers": ("a", "b")}, "one title per column"),
        ({"separator": ","}, "must differ"),
        ({"decimal_separator": ";"}, "decimal separator must be"),
        ({"encoding": "no-such-codec"}, "must be a codec"),
        ({"sold_by_codes": ("1", "1")}, "two different"),
        ({"max_weight": 15.0}, "positive Decimal"),
    ],
)
def test_a_profile_refuses_an_impossible_file_shape(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        attrs.evolve(SHTRIH_PRINT_CSV, **changes)


# --- CSV export and import ----------------------------------------------------------------


def _golden_table() -> PluTable:
    return PluTable(
        [
            _record(),
            _record(2, "124", name='Колбаса "Докторская"; ГОСТ', price=Decimal("549.00"), group=3),
            _record(
                3,
                "0125",
                name="Хлеб №1",
                layout=PRICE,
                sold_by=SoldBy.PIECE,
                price=Decimal("45.50"),
                shelf_life_days=2,
                label=2,
            ),
            _record(4, "126", name="Кофе ☕ молотый", price=Decimal("1299.99"), group=12),
        ]
    )


def test_the_shtrih_print_file_of_a_small_table_matches_the_golden_file(
    update_goldens: bool,
) -> None:
    data = to_csv(_golden_table(), SHTRIH_PRINT_CSV)
    check_golden(GOLDEN, data, update=update_goldens, test_file=__file__, encoding="cp1251")


def test_export_is_deterministic_and_uses_crlf_lines() -> None:
    first = to_csv(_golden_table(), SHTRIH_PRINT_CSV)
    assert first == to_csv(_golden_table(), SHTRIH_PRINT_CSV)
    assert first.count(b"\r\n") == 5
    assert b"\n" not in first.replace(b"\r\n", b"")


def test_a_character_outside_the_code_page_is_replaced_visibly_and_warned_about() -> None:
    table = PluTable([_record(name="Кофе ☕ молотый")])
    [issue] = table.issues(SHTRIH_PRINT_CSV)
    assert (issue.code, issue.severity) == ("name_not_encodable", "warning")
    assert "☕" in issue.message
    row = to_csv(table, SHTRIH_PRINT_CSV).decode("cp1251").splitlines()[1]
    assert ";Кофе ? молотый;" in row
    assert from_csv(to_csv(table, GENERIC_CSV), GENERIC_CSV) == table


def test_a_table_with_errors_is_never_exported() -> None:
    with pytest.raises(IssuesError, match="duplicate_plu"):
        to_csv(PluTable([_record(), _record(1, "124")]), SHTRIH_PRINT_CSV)


def test_the_generic_file_is_utf8_with_a_decimal_point() -> None:
    text = to_csv(_golden_table(), GENERIC_CSV).decode("utf-8").splitlines()
    assert text[0] == "plu,item_code,name,price,sold_by,shelf_life_days,layout,label,group"
    assert text[3] == "3,0125,Хлеб №1,45.50,pc,2,23IIIIPPPPPPC,2,"


def test_a_layout_with_other_decimals_survives_the_file() -> None:
    roubles = EmbeddedLayout.parse("23IIIIPPPPPPC", decimals=0)
    table = PluTable([_record(item_code="0123", layout=roubles)])
    data = to_csv(table, GENERIC_CSV)
    assert b",23IIIIPPPPPPC/0," in data
    assert from_csv(data, GENERIC_CSV) == table


def _header(profile: ScaleProfile) -> str:
    assert profile.headers is not None
    return profile.separator.join(profile.headers)


def test_every_unreadable_cell_is_reported_with_its_line_and_column() -> None:
    lines = [
        _header(SHTRIH_PRINT_CSV),
        "1;123;Сыр;689.90;1;30;21IIIIIWWWWWC;1;",
        "2;12a;Хлеб;45,50;3;2;21IIIIIXWWWWC;1;x",
        "3;124;Колбаса;549,00;1;30",
    ]
    data = "\r\n".join(lines).encode("cp1251")
    with pytest.raises(IssuesError) as raised:
        from_csv(data, SHTRIH_PRINT_CSV)
    assert [(issue.path, issue.code) for issue in raised.value.details["issues"]] == [
        ("line 2, Цена", "unreadable_cell"),
        ("line 3, Код товара", "unreadable_cell"),
        ("line 3, Тип товара", "unreadable_cell"),
        ("line 3, Формат штрихкода", "unreadable_cell"),
        ("line 3, Группа", "unreadable_cell"),
        ("line 4", "wrong_column_count"),
    ]
    assert "45,50" in raised.value.details["issues"][0].message


def test_a_file_with_another_header_is_refused_naming_the_expected_one() -> None:
    data = "PLU;Код;Имя\r\n1;123;Сыр\r\n".encode("cp1251")
    with pytest.raises(InvalidInputError, match="header row must be 'Номер PLU;Код товара"):
        from_csv(data, SHTRIH_PRINT_CSV)


def test_a_file_in_another_code_page_is_refused() -> None:
    data = (_header(SHTRIH_PRINT_CSV) + "\r\n").encode("cp866") + b"\x98"
    with pytest.raises(InvalidInputError, match="not cp1251"):
        from_csv(data, SHTRIH_PRINT_CSV)


def test_a_utf8_file_saved_by_excel_with_a_byte_order_mark_is_read() -> None:
    table = PluTable([_record()])
    assert from_csv(b"\xef\xbb\xbf" + to_csv(table, GENERIC_CSV), GENERIC_CSV) == table


def test_a_name_with_an_unclosed_quote_is_refused_with_its_line() -> None:
    data = (_header(SHTRIH_PRINT_CSV) + '\r\n1;123;"Сыр;689,90;1;30;21IIIIIWWWWWC;1;\r\n').encode(
        "cp1251"
    )
    with pytest.raises(InvalidInputError, match=r"line \d.*quotes"):
        from_csv(data, SHTRIH_PRINT_CSV)


def test_a_file_without_a_header_row_reads_by_column_order() -> None:
    headless = attrs.evolve(SHTRIH_PRINT_CSV, headers=None)
    table = PluTable([_record()])
    data = to_csv(table, headless)
    assert data.startswith(b"1;00123;")
    assert from_csv(data, headless) == table


_CP1251_TEXT = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя" + (
    "abcXYZ0123456789 .,;:-+%№«»\"'/()"
)


@st.composite
def _tables(draw: st.DrawFn, profile: ScaleProfile) -> PluTable:
    size = draw(st.integers(0, 6))
    plus = draw(
        st.lists(st.integers(1, profile.max_plu), min_size=size, max_size=size, unique=True)
    )
    items = draw(st.lists(st.integers(0, 9999), min_size=size, max_size=size, unique=True))
    records = []
    for plu, item in zip(plus, items, strict=True):
        sold_by = draw(st.sampled_from(SoldBy))
        layout = PRICE if sold_by is SoldBy.PIECE else draw(st.sampled_from([WEIGHT, PRICE]))
        top = 999_999 if sold_by is SoldBy.PIECE else (66_666 if layout is PRICE else 10**8)
        records.append(
            PluRecord(
                plu,
                str(item).zfill(draw(st.integers(len(str(item)), 4))),
                draw(
                    st.text(_CP1251_TEXT, min_size=1, max_size=profile.name_length).filter(
                        str.strip
                    )
                ),
                Decimal(draw(st.integers(1, top))).scaleb(-2),
                layout,
                sold_by,
                draw(st.integers(0, profile.max_shelf_life_days)),
                draw(st.integers(1, profile.max_label)),
                draw(st.none() | st.integers(0, 999)),
            )
        )
    return PluTable(records)


@settings(deadline=None, max_examples=100)
@given(
    st.sampled_from([SHTRIH_PRINT_CSV, GENERIC_CSV]).flatmap(
        lambda p: st.tuples(st.just(p), _tables(p))
    )
)
def test_a_table_survives_the_file_round_trip_exactly(case: tuple[ScaleProfile, PluTable]) -> None:
    profile, table = case
    assert table.issues(profile) == []
    data = to_csv(table, profile)
    assert from_csv(data, profile) == table
    assert to_csv(from_csv(data, profile), profile) == data


# --- the barcode the scale prints ---------------------------------------------------------


@settings(deadline=None, max_examples=200)
@given(
    st.integers(1, 99999).map(str),
    st.integers(1, 10**6).map(lambda kopecks: Decimal(kopecks).scaleb(-2)),
    st.integers(1, 99_999).map(lambda grams: Decimal(grams).scaleb(-3)),
)
def test_a_weight_label_decodes_to_the_item_and_the_weight(
    item: str, price: Decimal, weight: Decimal
) -> None:
    record = PluRecord(7, item, "Сыр", price, WEIGHT)
    code = label_barcode(record, weight)
    decoded = decode_embedded(code, WEIGHT)
    assert (int(decoded.item), decoded.weight, decoded.price) == (int(item), weight, None)
    assert check_label_barcode(record, code, weight) == []


@settings(deadline=None, max_examples=200)
@given(
    st.integers(1, 9999).map(str),
    st.integers(1, 100_000).map(lambda kopecks: Decimal(kopecks).scaleb(-2)),
    st.integers(1, 15_000).map(lambda grams: Decimal(grams).scaleb(-3)),
)
def test_a_price_label_decodes_to_the_item_and_the_price_rounded_half_up(
    item: str, price: Decimal, weight: Decimal
) -> None:
    record = PluRecord(7, item, "Сыр", price, PRICE)
    exact = price * weight
    try:
        code = label_barcode(record, weight)
    except InvalidInputError:
        assert exact >= Decimal("9999.995")  # only a total the field cannot hold is refused
        return
    decoded = decode_embedded(code, PRICE)
    assert decoded.item == item.zfill(4)
    assert decoded.weight is None
    assert decoded.price == label_price(record, weight)
    assert abs(decoded.price - exact) <= Decimal("0.005")
    assert check_label_barcode(record, code, weight) == []


def test_a_piece_label_carries_the_price_of_the_count() -> None:
    bread = _record(3, "125", layout=PRICE, sold_by=SoldBy.PIECE, price=Decimal("45.50"))
    assert decode_embedded(label_barcode(bread, 3), PRICE).price == Decimal("136.50")
    with pytest.raises(InvalidInputError, match="not a whole count"):
        label_barcode(bread, Decimal("1.5"))


def test_a_label_that_differs_from_the_table_is_caught() -> None:
    cheese = _record()
    printed = label_barcode(cheese, Decimal("0.347"))
    assert [i.code for i in check_label_barcode(cheese, printed, Decimal("0.348"))] == [
        "barcode_weight_mismatch"
    ]
    repriced = attrs.evolve(cheese, layout=PRICE, item_code="0123")
    price_code = label_barcode(attrs.evolve(repriced, price=Decimal("689.80")), Decimal("0.347"))
    assert [i.code for i in check_label_barcode(repriced, price_code, Decimal("0.347"))] == [
        "barcode_price_mismatch"
    ]
    assert [i.code for i in check_label_barcode(cheese, "2100123003472", Decimal("0.347"))] == [
        "barcode_unreadable"
    ]


@pytest.mark.parametrize("quantity", [0.347, Decimal("0"), Decimal("-1"), Decimal("0.3475")])
def test_a_label_for_an_impossible_weight_is_refused(quantity: object) -> None:
    with pytest.raises(InvalidInputError):
        label_barcode(_record(), quantity)  # type: ignore[arg-type]


def test_piece_goods_with_a_weight_layout_get_no_label() -> None:
    with pytest.raises(InvalidInputError, match="price layout"):
        label_barcode(_record(sold_by=SoldBy.PIECE), 1)


# --- building the table from products and prices (app) ------------------------------------


def test_products_and_a_price_type_make_a_plu_table_reporting_every_unfit_product() -> None:
    retail = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB")
    cheese = Product(ProductId("CHEESE"), "Сыр Российский", unit=KG)
    bread = Product(ProductId("BREAD"), "Хлеб бородинский")
    milk = Product(ProductId("MILK"), "Молоко разливное", unit=LITRE)
    ham = Product(ProductId("HAM"), "Ветчина", unit=KG)
    products = [cheese, bread, milk, ham]
    snapshot = PricingSnapshot.build(
        [retail],
        date(2026, 3, 1),
        products=products,
        records=[
            PriceRecord(retail.id, product.id, date(2026, 2, 1), Money(amount, "RUB"))
            for product, amount in ((cheese, "689.90"), (bread, "45.50"), (milk, "80"))
        ],
    )
    assignments = [
        PluAssignment(1, cheese.id, "123", shelf_life_days=30, name="Сыр"),
        PluAssignment(2, bread.id, "124", shelf_life_days=3),
    ]
    table = plu_table(assignments, products, snapshot, retail.id, WEIGHT, PRICE)
    assert [(r.name, r.price, r.sold_by, r.layout) for r in table] == [
        ("Сыр", Decimal("689.90"), SoldBy.WEIGHT, WEIGHT),
        ("Хлеб бородинский", Decimal("45.50"), SoldBy.PIECE, PRICE),
    ]
    wrong = [
        *assignments,
        PluAssignment(3, milk.id, "125"),
        PluAssignment(4, ham.id, "126"),
        PluAssignment(5, ProductId("NONE"), "127"),
    ]
    with pytest.raises(IssuesError) as raised:
        plu_table(wrong, products, snapshot, retail.id, WEIGHT)
    assert [(i.path, i.code) for i in raised.value.details["issues"]] == [
        ("PLU 2", "no_piece_layout"),
        ("PLU 3", "unit_not_for_scale"),
        ("PLU 4", "no_price"),
        ("PLU 5", "unknown_product"),
    ]
