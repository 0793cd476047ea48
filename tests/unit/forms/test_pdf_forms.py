"""Printed forms as PDF: rendered to PNG with pdftoppm, their text extracted with
pdftotext and compared with the document's figures (poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.unit.shipments.test_forms import BUYER, NAMES, POSTED, SELLER

from salescore.forms import (
    FormData,
    FormKind,
    amount_in_words,
    form_data,
    render_html,
    render_pdf,
)
from salescore.forms._layout import amount_text

POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftoppm, pdftotext) not installed"
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.replace("\u00a0", " ").split())


def _figures(data: FormData) -> list[str]:
    """Every figure a form prints, as the page writes it (thousands by a space)."""
    found = [f"{data.kind.value} № {data.number} от 10.03.2026", data.seller.tax_id]
    for line in data.lines:
        found += [line.name, f"{line.quantity:f}"]
        found += [
            amount_text(m).replace("\u00a0", " ")
            for m in (line.price_without_vat, line.without_vat, line.vat, line.with_vat)
        ]
    for rate in data.rates:
        found += [amount_text(m).replace("\u00a0", " ") for m in (rate.vat, rate.with_vat)]
    found += [amount_text(data.vat).replace("\u00a0", " "), amount_in_words(data.with_vat)]
    return found


def test_a_pdf_starts_as_a_pdf_and_is_the_same_for_the_same_document() -> None:
    data = form_data(FormKind.UPD, POSTED, SELLER, BUYER, NAMES)
    first, again = render_pdf(data), render_pdf(data)
    assert first.startswith(b"%PDF-")
    assert first == again


@needs_poppler
@pytest.mark.parametrize("kind", [FormKind.UPD, FormKind.TORG12, FormKind.INVOICE])
def test_the_pdf_prints_every_figure_of_the_document(kind: FormKind, tmp_path: Path) -> None:
    data = form_data(kind, POSTED, SELLER, BUYER, NAMES)
    text = _text(render_pdf(data), tmp_path)
    for figure in _figures(data):
        assert figure in text, figure
    # the same figures as the HTML page of the same template set
    page = render_html(data).replace("&lt;", "<").replace("&gt;", ">")
    assert all(f.replace(" ", "\u00a0") in page or f in page for f in _figures(data)[2:])
    # 61,400.00 in all; VAT 9,737.70 at 22 % and 400.00 at 20 %
    assert "Всего к оплате: 61 400.00" in text
    assert "В том числе по ставке 22%" in text
    assert "В том числе по ставке 20%" in text


@needs_poppler
def test_the_pdf_renders_to_a_png_page(tmp_path: Path) -> None:
    pdf = tmp_path / "upd.pdf"
    pdf.write_bytes(render_pdf(form_data(FormKind.UPD, POSTED, SELLER, BUYER, NAMES)))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-singlefile", str(pdf), str(tmp_path / "upd")],
        check=True,
    )
    png = (tmp_path / "upd.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    # A4 landscape at 50 dpi: 297 × 210 mm is 584.6 × 413.4 pixels, pdftoppm rounds up
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (585, 414)


@needs_poppler
def test_the_ukd_pdf_prints_before_after_increase_and_decrease(tmp_path: Path) -> None:
    from tests.unit.forms.test_correction_forms import BUYER as TO
    from tests.unit.forms.test_correction_forms import NAMES as CALLED
    from tests.unit.forms.test_correction_forms import SELLER as FROM
    from tests.unit.forms.test_correction_forms import SOLD, agreed

    from salescore.forms import correction_form_data, render_correction_pdf

    data = correction_form_data(agreed(), SOLD, FROM, TO, CALLED)
    text = _text(render_correction_pdf(data), tmp_path)
    # line 1: 54,000.00 → 51,000.00, decrease 3,000.00 (VAT 540.98); line 2 (20 %):
    # increase 1,200.00 (VAT 200.00); the change in words is 1,800.00 (see the HTML test)
    for figure in (
        "Универсальный корректировочный документ № KR-1 от 20.03.2026",
        "К счёту-фактуре (УПД) № SH-7 от 10.03.2026",
        "54 000.00",
        "51 000.00",
        "540.98",
        "3 000.00",
        "1 200.00",
        "200.00",
        "Фильтры <10 шт>",
        "Одна тысяча восемьсот рублей, ноль копеек",
    ):
        assert figure in text, figure
