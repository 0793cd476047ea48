"""The route sheet [маршрутный лист] of a transport task, as HTML: every value escaped,
nothing computed here.

:func:`route_sheet_data` takes its figures from the task (stops in route order,
planned arrivals, weights and volumes) and the vehicle; :func:`render_route_sheet_html`
places them on one page with a column for the client's mark of delivery.

>>> from datetime import date, time
>>> from decimal import Decimal
>>> from salescore.delivery import TaskLine, TaskStop, TransportTask, Vehicle, VehicleId, Place
>>> stop = TaskStop(1, "RTU-1", "VOLGA-KZN", Place("Kazan, 1 Lenin St"), None, time(9, 20),
...                 "Anna", (TaskLine("BOX-100", Decimal(4)),), Decimal(400), Decimal(2))
>>> task = TransportTask("TT-1", date(2026, 3, 5), VehicleId("V1"), starts=time(9),
...                      ends=time(10), stops=[stop], driver="Ivanov")
>>> data = route_sheet_data(task, Vehicle(VehicleId("V1"), "Gazelle", capacity_kg="1000"))
>>> data.title, data.rows[0].goods, data.weight_kg
('Маршрутный лист № TT-1 от 05.03.2026', 'BOX-100 × 4', '400')
>>> "<td>Kazan, 1 Lenin St</td>" in render_route_sheet_html(data)
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from string import Template

import attrs

from salescore.delivery import TransportTask, Vehicle

__all__ = ["RouteSheetData", "RouteSheetRow", "render_route_sheet_html", "route_sheet_data"]


@attrs.frozen
class RouteSheetRow:
    """One stop of the route sheet, as printed."""

    seq: str
    partner: str
    address: str
    contact: str
    window: str
    arrival: str
    document: str
    goods: str
    weight_kg: str
    volume_m3: str


@attrs.frozen
class RouteSheetData:
    """Everything the route sheet prints, as text."""

    title: str
    status: str
    vehicle: str
    capacity: str
    driver: str
    forwarder: str
    departure: str
    back: str
    rows: tuple[RouteSheetRow, ...]
    weight_kg: str
    volume_m3: str
    violations: tuple[str, ...]


def _number(value: object) -> str:
    return f"{value:f}" if value is not None else "—"


def route_sheet_data(
    task: TransportTask,
    vehicle: Vehicle,
    *,
    partner_names: Mapping[str, str] | None = None,
    product_names: Mapping[str, str] | None = None,
) -> RouteSheetData:
    """The route sheet of ``task`` on ``vehicle``; names replace ids where given."""
    partners = partner_names or {}
    products = product_names or {}
    rows = tuple(
        RouteSheetRow(
            str(s.seq),
            partners.get(s.partner_id, s.partner_id),
            s.place.address if s.place else "",
            s.contact,
            str(s.window) if s.window else "",
            f"{s.arrival:%H:%M}",
            s.directive_id + ("" if s.whole else " (часть)"),
            "; ".join(
                f"{products.get(x.product_id, x.product_id)} × {x.quantity:f}" for x in s.lines
            ),
            _number(s.weight_kg),
            _number(s.volume_m3),
        )
        for s in task.stops
    )
    return RouteSheetData(
        f"Маршрутный лист № {task.id} от {task.on:%d.%m.%Y}",
        task.status.value,
        f"{vehicle.name or vehicle.id} ({vehicle.id})",
        f"{_number(vehicle.capacity_kg)} кг, {_number(vehicle.capacity_m3)} м³",
        task.driver,
        task.forwarder,
        f"{task.starts:%H:%M}",
        f"{task.ends:%H:%M}",
        rows,
        _number(task.weight_kg),
        _number(task.volume_m3),
        task.violations,
    )


_PAGE = Template(
    """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>$title</title>
<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse}
td,th{border:1px solid #000;padding:2px 4px}td.n{text-align:right}</style></head>
<body>
<h1>$title</h1>
<table class="crew">
<tr><th>Транспортное средство</th><td>$vehicle</td></tr>
<tr><th>Грузоподъёмность</th><td>$capacity</td></tr>
<tr><th>Водитель</th><td>$driver</td></tr>
<tr><th>Экспедитор</th><td>$forwarder</td></tr>
<tr><th>Выезд / возвращение</th><td>$departure / $back</td></tr>
</table>
<table class="stops">
<thead><tr><th>№</th><th>Клиент</th><th>Адрес</th><th>Контакт</th><th>Желаемое время</th>
<th>Прибытие</th><th>Документ</th><th>Товары</th><th>Вес, кг</th><th>Объём, м³</th>
<th>Отметка о доставке</th></tr></thead>
<tbody>
$rows
</tbody>
<tfoot><tr class="total"><th colspan="8">Итого</th>
<td class="n">$weight</td><td class="n">$volume</td><td></td></tr></tfoot>
</table>
$violations<p class="signatures">Водитель __________ Экспедитор __________
Диспетчер __________</p>
</body>
</html>
"""
)


def render_route_sheet_html(data: RouteSheetData) -> str:
    """The route sheet as one HTML page; every value is escaped."""
    e = html.escape
    cells = [
        (r.seq, r.partner, r.address, r.contact, r.window, r.arrival, r.document, r.goods)
        for r in data.rows
    ]
    rows = "\n".join(
        "<tr>"
        + "".join(f"<td>{e(v)}</td>" for v in texts)
        + f'<td class="n">{e(r.weight_kg)}</td><td class="n">{e(r.volume_m3)}</td><td></td></tr>'
        for texts, r in zip(cells, data.rows, strict=True)
    )
    violations = (
        '<p class="violations">Нарушения желаемого времени: '
        + "; ".join(e(v) for v in data.violations)
        + "</p>\n"
        if data.violations
        else ""
    )
    return _PAGE.substitute(
        title=e(data.title),
        vehicle=e(data.vehicle),
        capacity=e(data.capacity),
        driver=e(data.driver),
        forwarder=e(data.forwarder),
        departure=e(data.departure),
        back=e(data.back),
        rows=rows,
        weight=e(data.weight_kg),
        volume=e(data.volume_m3),
        violations=violations,
    )
