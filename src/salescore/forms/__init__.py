"""Printed forms (E2): УПД, TORG-12, the invoice [счёт-фактура], the payment
invoice [счёт на оплату] and M-15 as HTML and as PDF from one template set, with
amounts in words; the УКД of a correction and the исправленный УПД of an error fix;
the route sheet [маршрутный лист] of a transport task (HTML).

The figures come from the posted documents (:func:`form_data`,
:func:`payment_invoice_data`); :func:`render_html` only places and escapes them.
Amounts in words and PDF need the ``forms`` extra (``num2words``, ``fpdf2``).
"""

from salescore.forms.html import COLUMNS, render_correction_html, render_html
from salescore.forms.model import (
    Amounts,
    CorrectionFormData,
    CorrectionFormLine,
    FormData,
    FormKind,
    FormLine,
    RateRow,
    Requisites,
    corrected_upd_data,
    correction_form_data,
    form_data,
    payment_invoice_data,
    transfer_form_data,
)
from salescore.forms.pdf import render_correction_pdf, render_pdf
from salescore.forms.route_sheet import (
    RouteSheetData,
    RouteSheetRow,
    render_route_sheet_html,
    route_sheet_data,
)
from salescore.forms.text import render_correction_text, render_text
from salescore.forms.units import NATIONAL_UNITS, NationalUnit, national_unit
from salescore.forms.words import amount_in_words

__all__ = [
    "COLUMNS",
    "NATIONAL_UNITS",
    "Amounts",
    "CorrectionFormData",
    "CorrectionFormLine",
    "FormData",
    "FormKind",
    "FormLine",
    "NationalUnit",
    "RateRow",
    "Requisites",
    "RouteSheetData",
    "RouteSheetRow",
    "amount_in_words",
    "corrected_upd_data",
    "correction_form_data",
    "form_data",
    "national_unit",
    "payment_invoice_data",
    "render_correction_html",
    "render_correction_pdf",
    "render_correction_text",
    "render_html",
    "render_pdf",
    "render_route_sheet_html",
    "render_text",
    "route_sheet_data",
    "transfer_form_data",
]
