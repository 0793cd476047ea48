"""Printed forms (E2): УПД, TORG-12, the invoice [счёт-фактура] and the payment
invoice [счёт на оплату] as HTML from one template set, with amounts in words.

The figures come from the posted documents (:func:`form_data`,
:func:`payment_invoice_data`); :func:`render_html` only places and escapes them.
Amounts in words need the ``forms`` extra (``num2words``).
"""

from salescore.forms.html import COLUMNS, render_html
from salescore.forms.model import (
    FormData,
    FormKind,
    FormLine,
    RateRow,
    Requisites,
    form_data,
    payment_invoice_data,
)
from salescore.forms.words import amount_in_words

__all__ = [
    "COLUMNS",
    "FormData",
    "FormKind",
    "FormLine",
    "RateRow",
    "Requisites",
    "amount_in_words",
    "form_data",
    "payment_invoice_data",
    "render_html",
]
