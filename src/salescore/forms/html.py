"""Printed forms as HTML from one template set: every value escaped, nothing computed.

One page layout serves the four forms; a form only changes its title, the
caption of its parties and which columns it prints (:data:`COLUMNS`).
"""

from __future__ import annotations

import html
from string import Template

from salescore.forms._layout import (
    CAPTIONS,
    COLUMNS,
    MONEY_COLUMNS,
    amount_text,
    cell_text,
    party_text,
    rate_text,
)
from salescore.forms.model import (
    Amounts,
    CorrectionFormData,
    CorrectionFormLine,
    FormData,
    FormLine,
    RateRow,
)
from salescore.money import Money

__all__ = ["COLUMNS", "render_correction_html", "render_html"]

_PAGE = Template(
    """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>$title № $number от $date</title>
<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse}
td,th{border:1px solid #000;padding:2px 4px}td.n{text-align:right}</style></head>
<body>
<h1>$title № $number от $date</h1>
$revision$basis<table class="parties">
<tr><th>$seller_caption</th><td>$seller</td></tr>
<tr><th>$buyer_caption</th><td>$buyer</td></tr>
</table>
<table class="lines">
<thead><tr>$head</tr></thead>
<tbody>
$rows
</tbody>
<tfoot>
$rates<tr class="total"><th colspan="$span">Итого</th>$totals</tr>
</tfoot>
</table>
<p class="words">Всего к оплате: $with_vat ($in_words)</p>
</body>
</html>
"""
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _amount(value: Money) -> str:
    return _e(amount_text(value))


def _rate(line: FormLine | RateRow | CorrectionFormLine) -> str:
    return _e(rate_text(line))


def _cell(line: FormLine, column: str) -> str:
    text = _e(cell_text(line, column))
    numeric = column in (*MONEY_COLUMNS, "quantity")
    return f'<td class="n">{text}</td>' if numeric else f"<td>{text}</td>"


def _party(requisites: object) -> str:
    return _e(party_text(requisites))


def _summary(columns: tuple[str, ...], row: RateRow, first: int) -> str:
    cells = []
    for column in columns[first:]:
        if column in ("without_vat", "vat", "with_vat"):
            cells.append(f'<td class="n">{_amount(getattr(row, column))}</td>')
        elif column == "rate":
            cells.append(f"<td>{_rate(row)}</td>")
        else:
            cells.append("<td></td>")
    return "".join(cells)


def render_html(data: FormData) -> str:
    """The form as a standalone HTML page (UTF-8), its values escaped."""
    columns = COLUMNS[data.kind]
    keys = tuple(k for _, k in columns)
    first = next(i for i, k in enumerate(keys) if k in ("without_vat", "rate", "vat", "with_vat"))
    rows = "\n".join(
        "<tr><td>" + str(x.number) + "</td>" + "".join(_cell(x, k) for k in keys) + "</tr>"
        for x in data.lines
    )
    rates = "".join(
        f'<tr class="rate"><th colspan="{first + 1}">В том числе по ставке {_rate(r)}</th>'
        + _summary(keys, r, first)
        + "</tr>\n"
        for r in data.rates
    )
    totals = RateRow(data.rates[0].vat_rate, data.without_vat, data.vat, data.with_vat)
    seller_caption, buyer_caption = CAPTIONS[data.kind]
    return _PAGE.substitute(
        title=_e(data.kind.value),
        number=_e(data.number),
        date=_e(data.on.strftime("%d.%m.%Y")),
        basis=f'<p class="basis">Основание: {_e(data.basis)}</p>\n' if data.basis else "",
        revision=f'<p class="revision">{_e(data.revision)}</p>\n' if data.revision else "",
        seller_caption=seller_caption,
        buyer_caption=buyer_caption,
        seller=_party(data.seller),
        buyer=_party(data.buyer),
        head="<th>№</th>" + "".join(f"<th>{_e(title)}</th>" for title, _ in columns),
        rows=rows,
        rates=rates,
        span=first + 1,
        totals=_summary(keys, totals, first).replace(f"<td>{_rate(totals)}</td>", "<td></td>"),
        with_vat=_amount(data.with_vat),
        in_words=_e(data.in_words),
    )


_CORRECTION_PAGE = Template(
    """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>$title № $number от $date</title>
<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse}
td,th{border:1px solid #000;padding:2px 4px}td.n{text-align:right}</style></head>
<body>
<h1>$title № $number от $date</h1>
<p class="basis">К счёту-фактуре (УПД) № $shipment от $shipment_date</p>
<table class="parties">
<tr><th>Продавец</th><td>$seller</td></tr>
<tr><th>Покупатель</th><td>$buyer</td></tr>
</table>
<table class="lines">
<thead><tr><th>№</th><th>Наименование товара</th><th>Ед. изм.</th><th></th><th>Количество</th>
<th>Цена без НДС</th><th>Стоимость без НДС</th><th>Налоговая ставка</th><th>Сумма налога</th>
<th>Стоимость с налогом</th></tr></thead>
<tbody>
$rows
</tbody>
<tfoot>
<tr class="increase"><th colspan="6">Всего увеличение (сумма строк В)</th>$increase</tr>
<tr class="decrease"><th colspan="6">Всего уменьшение (сумма строк Г)</th>$decrease</tr>
</tfoot>
</table>
<p class="words">Изменение стоимости с налогом: $in_words</p>
</body>
</html>
"""
)


def _amounts(value: Amounts, rate: str = "") -> str:
    return (
        f'<td class="n">{_amount(value.without_vat)}</td><td>{rate}</td>'
        f'<td class="n">{_amount(value.vat)}</td><td class="n">{_amount(value.with_vat)}</td>'
    )


def render_correction_html(data: CorrectionFormData) -> str:
    """The УКД as a standalone HTML page: per line rows А (before), Б (after),
    В (increase) and Г (decrease), then the totals of В and Г; values escaped."""
    rows = []
    for x in data.lines:
        rate = _rate(x)
        head = f"<td>{x.number}</td><td>{_e(x.name)}</td><td>{_e(x.unit)}</td>"
        blank = "<td></td><td></td><td></td>"
        rows += [
            f'<tr class="before">{head}<td>А</td><td class="n">{_e(f"{x.quantity_before:f}")}'
            f'</td><td class="n">{_amount(x.price_before)}</td>{_amounts(x.before, rate)}</tr>',
            f'<tr class="after">{blank}<td>Б</td><td class="n">{_e(f"{x.quantity_after:f}")}'
            f'</td><td class="n">{_amount(x.price_after)}</td>{_amounts(x.after, rate)}</tr>',
            f'<tr class="increase">{blank}<td>В</td><td></td><td></td>{_amounts(x.increase)}</tr>',
            f'<tr class="decrease">{blank}<td>Г</td><td></td><td></td>{_amounts(x.decrease)}</tr>',
        ]
    return _CORRECTION_PAGE.substitute(
        title=_e(data.kind.value),
        number=_e(data.number),
        date=_e(data.on.strftime("%d.%m.%Y")),
        shipment=_e(data.shipment_number),
        shipment_date=_e(data.shipment_on.strftime("%d.%m.%Y")),
        seller=_party(data.seller),
        buyer=_party(data.buyer),
        rows="\n".join(rows),
        increase=_amounts(data.increase),
        decrease=_amounts(data.decrease),
        in_words=_e(data.in_words),
    )
