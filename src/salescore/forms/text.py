"""Printed forms as plain text for a terminal: the same figures as the HTML, placed
in fixed-width tables (nothing computed)."""

from __future__ import annotations

from salescore.explain import text_table
from salescore.forms.model import Amounts, CorrectionFormData, FormData, Requisites
from salescore.money import Money
from salescore.tax import VatRate

__all__ = ["render_correction_text", "render_text"]


def _amount(value: Money) -> str:
    return f"{value.amount:,.2f}".replace(",", " ")


def _rate(rate: VatRate) -> str:
    return "без НДС" if rate.percent is None else f"{rate.percent}%"


def _party(caption: str, party: Requisites) -> str:
    ids = ", ".join(
        x
        for x in (f"ИНН {party.tax_id}" if party.tax_id else "", party.kpp and f"КПП {party.kpp}")
        if x
    )
    return f"{caption}: {party.name}" + (f", {ids}" if ids else "")


def render_text(data: FormData) -> str:
    """A УПД, TORG-12, invoice, payment invoice or M-15 as text lines."""
    out = [f"{data.kind.value} № {data.number} от {data.on.strftime('%d.%m.%Y')}"]
    if data.revision:
        out.append(data.revision)
    if data.basis:
        out.append(f"Основание: {data.basis}")
    out += [_party("Продавец", data.seller), _party("Покупатель", data.buyer)]
    rows = [
        [str(x.number), x.name, x.unit, f"{x.quantity:f}", _amount(x.price_without_vat),
         _amount(x.without_vat), _rate(x.vat_rate), _amount(x.vat), _amount(x.with_vat)]
        for x in data.lines
    ]  # fmt: skip
    rows += [
        ["", f"в том числе {_rate(r.vat_rate)}", "", "", "", _amount(r.without_vat), "",
         _amount(r.vat), _amount(r.with_vat)]
        for r in data.rates
    ]  # fmt: skip
    rows.append(
        ["", "Итого", "", "", "", _amount(data.without_vat), "", _amount(data.vat),
         _amount(data.with_vat)]
    )  # fmt: skip
    out += text_table(
        ["№", "товар", "ед.", "кол-во", "цена без НДС", "без НДС", "ставка", "НДС", "с НДС"],
        rows,
        right={3, 4, 5, 7, 8},
    )
    out.append(f"Всего к оплате: {_amount(data.with_vat)} ({data.in_words})")
    return "\n".join(out)


def _cells(value: Amounts) -> list[str]:
    return [_amount(value.without_vat), _amount(value.vat), _amount(value.with_vat)]


def render_correction_text(data: CorrectionFormData) -> str:
    """A УКД as text lines: per line А (before), Б (after), В (increase), Г (decrease)."""
    out = [
        f"{data.kind.value} № {data.number} от {data.on.strftime('%d.%m.%Y')}",
        f"К счёту-фактуре (УПД) № {data.shipment_number} от "
        f"{data.shipment_on.strftime('%d.%m.%Y')}",
        _party("Продавец", data.seller),
        _party("Покупатель", data.buyer),
    ]
    rows = []
    for x in data.lines:
        rate = _rate(x.vat_rate)
        rows += [
            [str(x.number), x.name, "А", f"{x.quantity_before:f}", _amount(x.price_before), rate,
             *_cells(x.before)],
            ["", "", "Б", f"{x.quantity_after:f}", _amount(x.price_after), rate, *_cells(x.after)],
            ["", "", "В", "", "", "", *_cells(x.increase)],
            ["", "", "Г", "", "", "", *_cells(x.decrease)],
        ]  # fmt: skip
    rows += [
        ["", "Всего увеличение", "В", "", "", "", *_cells(data.increase)],
        ["", "Всего уменьшение", "Г", "", "", "", *_cells(data.decrease)],
    ]
    out += text_table(
        ["№", "товар", "", "кол-во", "цена без НДС", "ставка", "без НДС", "НДС", "с НДС"],
        rows,
        right={3, 4, 6, 7, 8},
    )
    out.append(f"Изменение стоимости с налогом: {data.in_words}")
    return "\n".join(out)
