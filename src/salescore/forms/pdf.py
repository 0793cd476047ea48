"""Printed forms as PDF, from the same template set as the HTML ones.

The PDF places the texts of :mod:`salescore.forms._layout` (the columns of each
form, the captions of its parties, the text of every cell) on an A4 landscape
page with the ``fpdf2`` library (the ``forms`` extra); it computes no figure.
Cyrillic text is set in DejaVu Sans, shipped with salescore as a subset of the
Latin and Cyrillic letters (``forms/fonts``, Bitstream Vera licence).

The result is the document's bytes; writing them to a file is the caller's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from salescore.errors import MissingExtraError
from salescore.forms._layout import (
    CAPTIONS,
    COLUMNS,
    MONEY_COLUMNS,
    amount_text,
    cell_text,
    party_text,
    rate_text,
)
from salescore.forms.model import Amounts, CorrectionFormData, FormData, RateRow

__all__ = ["render_correction_pdf", "render_pdf"]

_FONT = "DejaVu"
_WIDTHS = {
    "name": 56.0,
    "unit_code": 12.0,
    "unit": 14.0,
    "quantity": 26.0,
    "price": 30.0,
    "without_vat": 32.0,
    "rate": 22.0,
    "vat": 30.0,
    "with_vat": 34.0,
}
_NUMBER = 10.0


def _fpdf() -> Any:
    try:
        from fpdf import FPDF
    except ImportError as exc:  # pragma: no cover - the forms extra is installed in dev
        raise MissingExtraError(
            "printed forms as PDF need the fpdf2 library: pip install 'salescore[forms]'",
            extra="forms",
        ) from exc
    return FPDF


def _page(title: str, on: date) -> Any:
    pdf = _fpdf()(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("salescore")
    # the document's date, not the clock: the same document gives the same bytes
    pdf.set_creation_date(datetime(on.year, on.month, on.day, tzinfo=UTC))
    fonts = resources.files("salescore.forms") / "fonts"
    with (
        resources.as_file(fonts / "DejaVuSans-forms.ttf") as regular,
        resources.as_file(fonts / "DejaVuSans-Bold-forms.ttf") as bold,
    ):
        pdf.add_font(_FONT, "", str(regular))
        pdf.add_font(_FONT, "B", str(bold))
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 9)
    return pdf


def _line(pdf: Any, text: str, *, bold: bool = False) -> None:
    pdf.set_font(_FONT, "B" if bold else "", 9)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 9)


def _summary(keys: tuple[str, ...], row: RateRow, first: int, *, rate: bool) -> list[str]:
    cells = []
    for key in keys[first:]:
        if key in ("without_vat", "vat", "with_vat"):
            cells.append(amount_text(getattr(row, key)))
        elif key == "rate" and rate:
            cells.append(rate_text(row))
        else:
            cells.append("")
    return cells


def render_pdf(data: FormData) -> bytes:
    """The form as a one-document PDF: the same title, parties, columns, lines, rows
    per VAT rate, totals and amount in words as :func:`~salescore.forms.render_html`.

    Raises:
        MissingExtraError: the ``forms`` extra (fpdf2) is not installed.
    """
    pdf = _page(f"{data.kind.value} № {data.number} от {data.on.strftime('%d.%m.%Y')}", data.on)
    if data.revision:
        _line(pdf, data.revision)
    if data.basis:
        _line(pdf, f"Основание: {data.basis}")
    seller_caption, buyer_caption = CAPTIONS[data.kind]
    _line(pdf, f"{seller_caption}: {party_text(data.seller)}")
    _line(pdf, f"{buyer_caption}: {party_text(data.buyer)}")
    pdf.ln(2)
    columns = COLUMNS[data.kind]
    keys = tuple(k for _, k in columns)
    first = next(i for i, k in enumerate(keys) if k in ("without_vat", "rate", "vat", "with_vat"))
    align = ["RIGHT"] + ["RIGHT" if k in (*MONEY_COLUMNS, "quantity") else "LEFT" for k in keys]
    widths = (_NUMBER, *(_WIDTHS[k] for k in keys))
    with pdf.table(
        col_widths=widths,
        text_align=tuple(align),
        width=sum(widths),
        align="LEFT",
        line_height=5,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        head.cell("№")
        for title, _ in columns:
            head.cell(title)
        for x in data.lines:
            row = table.row()
            row.cell(str(x.number))
            for key in keys:
                row.cell(cell_text(x, key))
        for rate in data.rates:
            row = table.row()
            row.cell(f"В том числе по ставке {rate_text(rate)}", colspan=first + 1, align="LEFT")
            for text in _summary(keys, rate, first, rate=True):
                row.cell(text)
        totals = RateRow(data.rates[0].vat_rate, data.without_vat, data.vat, data.with_vat)
        row = table.row()
        row.cell("Итого", colspan=first + 1, align="LEFT")
        for text in _summary(keys, totals, first, rate=False):
            row.cell(text)
    pdf.ln(2)
    _line(pdf, f"Всего к оплате: {amount_text(data.with_vat)} ({data.in_words})", bold=True)
    return bytes(pdf.output())


def _amount_cells(value: Amounts, rate: str = "") -> list[str]:
    return [
        amount_text(value.without_vat),
        rate,
        amount_text(value.vat),
        amount_text(value.with_vat),
    ]


def render_correction_pdf(data: CorrectionFormData) -> bytes:
    """The УКД as PDF: per line the rows А (before), Б (after), В (increase) and
    Г (decrease), then the totals of В and Г, as
    :func:`~salescore.forms.render_correction_html` prints them.

    Raises:
        MissingExtraError: the ``forms`` extra (fpdf2) is not installed.
    """
    pdf = _page(f"{data.kind.value} № {data.number} от {data.on.strftime('%d.%m.%Y')}", data.on)
    shipped = data.shipment_on.strftime("%d.%m.%Y")
    _line(pdf, f"К счёту-фактуре (УПД) № {data.shipment_number} от {shipped}")
    _line(pdf, f"Продавец: {party_text(data.seller)}")
    _line(pdf, f"Покупатель: {party_text(data.buyer)}")
    pdf.ln(2)
    titles = (
        "№",
        "Наименование товара",
        "Ед. изм.",
        "",
        "Количество",
        "Цена без НДС",
        "Стоимость без НДС",
        "Налоговая ставка",
        "Сумма налога",
        "Стоимость с налогом",
    )
    widths = (_NUMBER, 54.0, 16.0, 8.0, 26.0, 28.0, 32.0, 22.0, 30.0, 34.0)
    align = ("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "RIGHT")
    with pdf.table(
        col_widths=widths,
        text_align=align,
        width=sum(widths),
        align="LEFT",
        line_height=5,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        for title in titles:
            head.cell(title)
        for x in data.lines:
            rate = rate_text(x)
            rows = (
                (str(x.number), x.name, x.unit, "А", f"{x.quantity_before:f}",
                 amount_text(x.price_before), *_amount_cells(x.before, rate)),
                ("", "", "", "Б", f"{x.quantity_after:f}",
                 amount_text(x.price_after), *_amount_cells(x.after, rate)),
                ("", "", "", "В", "", "", *_amount_cells(x.increase)),
                ("", "", "", "Г", "", "", *_amount_cells(x.decrease)),
            )  # fmt: skip
            for cells in rows:
                row = table.row()
                for text in cells:
                    row.cell(text)
        for caption, value in (
            ("Всего увеличение (сумма строк В)", data.increase),
            ("Всего уменьшение (сумма строк Г)", data.decrease),
        ):
            row = table.row()
            row.cell(caption, colspan=6, align="LEFT")
            for text in _amount_cells(value):
                row.cell(text)
    pdf.ln(2)
    _line(pdf, f"Изменение стоимости с налогом: {data.in_words}", bold=True)
    return bytes(pdf.output())
