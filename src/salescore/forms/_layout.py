"""The one template set of the printed forms: which columns each form prints, the
captions of its parties, and the text of every cell. The HTML and PDF renderers
both place these texts; neither computes a figure.
"""

from __future__ import annotations

from salescore.forms.model import CorrectionFormLine, FormKind, FormLine, RateRow
from salescore.money import Money

__all__ = [
    "CAPTIONS",
    "COLUMNS",
    "MONEY_COLUMNS",
    "amount_text",
    "cell_text",
    "party_text",
    "rate_text",
]

# (column title, what it shows) per form: "name", "unit_code", "unit", "quantity", "price",
# "without_vat", "rate", "vat", "with_vat".
COLUMNS: dict[FormKind, tuple[tuple[str, str], ...]] = {
    FormKind.UPD: (
        ("Наименование товара", "name"),
        ("Код ед.", "unit_code"),
        ("Ед. изм.", "unit"),
        ("Количество", "quantity"),
        ("Цена без НДС", "price"),
        ("Стоимость без НДС", "without_vat"),
        ("Налоговая ставка", "rate"),
        ("Сумма налога", "vat"),
        ("Стоимость с налогом", "with_vat"),
    ),
    FormKind.TORG12: (
        ("Товар", "name"),
        ("Код ед.", "unit_code"),
        ("Ед. изм.", "unit"),
        ("Количество", "quantity"),
        ("Цена без НДС", "price"),
        ("Сумма без НДС", "without_vat"),
        ("Ставка НДС", "rate"),
        ("Сумма НДС", "vat"),
        ("Сумма с НДС", "with_vat"),
    ),
    FormKind.INVOICE: (
        ("Наименование товара", "name"),
        ("Код ед.", "unit_code"),
        ("Ед. изм.", "unit"),
        ("Количество", "quantity"),
        ("Цена за единицу", "price"),
        ("Стоимость без налога", "without_vat"),
        ("Налоговая ставка", "rate"),
        ("Сумма налога", "vat"),
        ("Стоимость с налогом", "with_vat"),
    ),
    FormKind.M15: (
        ("Материальные ценности", "name"),
        ("Ед. изм.", "unit"),
        ("Количество", "quantity"),
        ("Цена без НДС", "price"),
        ("Сумма без НДС", "without_vat"),
        ("Ставка НДС", "rate"),
        ("Сумма НДС", "vat"),
        ("Всего с НДС", "with_vat"),
    ),
    FormKind.PAYMENT_INVOICE: (
        ("Товары (работы, услуги)", "name"),
        ("Кол-во", "quantity"),
        ("Ед.", "unit"),
        ("Цена без НДС", "price"),
        ("НДС", "rate"),
        ("Сумма НДС", "vat"),
        ("Сумма", "with_vat"),
    ),
}

CAPTIONS: dict[FormKind, tuple[str, str]] = {
    FormKind.UPD: ("Продавец", "Покупатель"),
    FormKind.TORG12: ("Поставщик", "Плательщик"),
    FormKind.INVOICE: ("Продавец", "Покупатель"),
    FormKind.PAYMENT_INVOICE: ("Поставщик", "Покупатель"),
    FormKind.M15: ("Отправитель", "Получатель"),
}
"""The captions of the two parties per form."""

MONEY_COLUMNS = ("price", "without_vat", "vat", "with_vat")
"""The columns that print amounts (right-aligned)."""


def amount_text(value: Money) -> str:
    """``12 345.67`` with a no-break space between thousands."""
    return f"{value.amount:,.2f}".replace(",", "\u00a0")


def rate_text(line: FormLine | RateRow | CorrectionFormLine) -> str:
    """``22%`` or ``без НДС``."""
    return "без НДС" if line.vat_rate.percent is None else f"{line.vat_rate.percent}%"


def cell_text(line: FormLine, column: str) -> str:
    """The text of one cell of a printed line."""
    values = {
        "name": line.name,
        "unit_code": line.unit_code,
        "unit": line.unit,
        "quantity": f"{line.quantity:f}",
        "price": amount_text(line.price_without_vat),
        "without_vat": amount_text(line.without_vat),
        "rate": rate_text(line),
        "vat": amount_text(line.vat),
        "with_vat": amount_text(line.with_vat),
    }
    return values[column]


def party_text(requisites: object) -> str:
    """``Name, ИНН 1234567890, КПП 123401001`` (ИНН and КПП when known)."""
    name, tax_id, kpp = (getattr(requisites, k) for k in ("name", "tax_id", "kpp"))
    parts = [str(name)]
    if tax_id:
        parts.append(f"ИНН {tax_id}")
    if kpp:
        parts.append(f"КПП {kpp}")
    return ", ".join(parts)
