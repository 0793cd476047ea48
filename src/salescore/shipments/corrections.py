"""Corrections of posted shipments [корректировка реализации] (E3).

A posted shipment is never changed: a later **correction** states, per
shipment line, the figures before and after — quantity, amount, VAT — and
posts only the difference to stock, debt and VAT. The original shipment stays
as it was, even in a closed period; the correction is dated when it is made.

The VAT of a corrected line keeps the **rate of the original shipment line**
(the rate :mod:`salescore.tax` fixed by the shipment's date): a 2025 sale at
20 % corrected in 2026 stays at 20 %. A new price gives the line's new amount
in the order's VAT mode and its VAT from that rate; a quantity change without
a new price takes the line's share, as a return does.

Four operations (:class:`CorrectionKind`), from the seed:

* an error fix [исправление ошибок] and a correction by agreement
  [корректировка по согласованию сторон] change quantity or price; a quantity
  change moves stock by the difference;
* a sale of over-delivered goods [реализация перепоставленного товара] raises
  the quantity, settled by increasing the sale (the goods leave our stock,
  counted at inventory) or by other income (no stock moves);
* a return of under-delivered goods [возврат недопоставленного товара] lowers
  it, settled by decreasing the sale (the goods come back, to be found at
  inventory) or by a write-off to expenses (nothing comes back).

A correction may be posted at once, or pass through **statuses**
(:class:`CorrectionStatus`): drawn up and not agreed with the client, agreed
(the client signed), posted — or rejected. Only a posted correction moves
stock, debt and VAT and changes the shipment's current figures; a correction
is posted only if the figures it was drawn up against are still the current
ones.

>>> CorrectionKind.AGREEMENT.tax_document
'корректировочный'
>>> Settlement.WRITE_OFF.moves_stock, Settlement.DECREASE_SALE.moves_stock
(False, True)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NewType

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, as_currency, total
from salescore.orders import LineId, OrderId
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.shipments.model import (
    CustomerReturn,
    Shipment,
    ShipmentId,
    ShipmentLine,
    share,
)
from salescore.tax import VatRate

__all__ = [
    "CorrectionId",
    "CorrectionKind",
    "CorrectionLine",
    "CorrectionStatus",
    "LineChange",
    "LineFigures",
    "Settlement",
    "ShipmentCorrection",
    "agree_correction",
    "check_still_current",
    "corrected_shipment",
    "current_figures",
    "decide_correction",
    "mark_posted",
    "reject_correction",
]

CorrectionId = NewType("CorrectionId", str)


class CorrectionKind(enum.Enum):
    """The operation of a correction [вид операции корректировки реализации]."""

    ERROR_FIX = "error_fix"
    """[исправление ошибок]: the shipment was wrong; an исправленный document is printed."""
    AGREEMENT = "agreement"
    """[корректировка по согласованию сторон]: a later change agreed with the client (УКД)."""
    OVER_DELIVERY = "over_delivery"
    """[реализация перепоставленного товара]: the client got more than the document says."""
    UNDER_DELIVERY = "under_delivery"
    """[возврат недопоставленного товара]: the client got less than the document says."""

    @property
    def tax_document(self) -> str:
        """The tax document it gives: исправительный for an error fix, else корректировочный."""
        return "исправительный" if self is CorrectionKind.ERROR_FIX else "корректировочный"


class CorrectionStatus(enum.Enum):
    """Where a correction stands [статус корректировки реализации]."""

    NOT_AGREED = "not_agreed"
    """[не согласована]: drawn up, waiting for the client; nothing is posted."""
    AGREED = "agreed"
    """[согласована]: the client agreed; to be posted."""
    POSTED = "posted"
    """[проведена]: stock, debt and VAT moved by the differences."""
    REJECTED = "rejected"
    """[отклонена]: the client or the company refused it; nothing is posted."""


class Settlement(enum.Enum):
    """How a delivery discrepancy is settled [способ отражения расхождений]."""

    INCREASE_SALE = "increase_sale"
    """[увеличить реализацию, учесть при инвентаризации]: debt up, the goods leave stock."""
    OTHER_INCOME = "other_income"
    """[отразить на прочих доходах]: debt up, no stock moves."""
    DECREASE_SALE = "decrease_sale"
    """[уменьшить реализацию, учесть при инвентаризации]: debt down, the goods come back."""
    WRITE_OFF = "write_off"
    """[списать на расходы]: debt down, the goods are written off (nothing comes back)."""

    @property
    def moves_stock(self) -> bool:
        """True when the quantity difference moves stock."""
        return self in (Settlement.INCREASE_SALE, Settlement.DECREASE_SALE)


_ALLOWED = {
    CorrectionKind.OVER_DELIVERY: (Settlement.INCREASE_SALE, Settlement.OTHER_INCOME),
    CorrectionKind.UNDER_DELIVERY: (Settlement.DECREASE_SALE, Settlement.WRITE_OFF),
}


def _optional_decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@attrs.frozen
class LineChange:
    """What a correction changes on one shipment line.

    Attributes:
        line_no: the shipment line.
        quantity: the quantity after the correction (None: unchanged).
        price: the unit price after it, in the line's VAT mode (None: unchanged).
    """

    line_no: str
    quantity: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    price: Money | None = None


@attrs.frozen
class LineFigures:
    """A shipment line's figures at some point: quantity, amount (VAT mode of the line), VAT,
    and the unit price a correction set (None: the shipment's own price)."""

    quantity: Decimal
    net: Money
    vat: Money
    price: Money | None = None


@attrs.frozen
class CorrectionLine:
    """One corrected shipment line: before and after, and the difference.

    Attributes:
        line_no: the shipment line it corrects.
        order_id, order_line_id, product_id, warehouse_id, is_service: of that line.
        vat_rate, vat_included: the original line's rate and VAT mode (kept).
        before, after: the figures before and after the correction.
    """

    line_no: str
    order_id: OrderId
    order_line_id: LineId
    product_id: ProductId
    warehouse_id: WarehouseId | None
    is_service: bool
    vat_rate: VatRate
    vat_included: bool
    before: LineFigures
    after: LineFigures

    def _without(self, figures: LineFigures) -> Money:
        return figures.net - figures.vat if self.vat_included else figures.net

    def _with(self, figures: LineFigures) -> Money:
        return figures.net if self.vat_included else figures.net + figures.vat

    @property
    def without_vat_before(self) -> Money:
        """The amount without VAT before."""
        return self._without(self.before)

    @property
    def without_vat_after(self) -> Money:
        """The amount without VAT after."""
        return self._without(self.after)

    @property
    def with_vat_before(self) -> Money:
        """The amount with VAT before."""
        return self._with(self.before)

    @property
    def with_vat_after(self) -> Money:
        """The amount with VAT after."""
        return self._with(self.after)

    @property
    def quantity_change(self) -> Decimal:
        """After minus before (negative: fewer)."""
        return self.after.quantity - self.before.quantity

    @property
    def vat_change(self) -> Money:
        """The VAT difference (after minus before)."""
        return self.after.vat - self.before.vat

    @property
    def without_vat_change(self) -> Money:
        """The difference of the amount without VAT."""
        return self.without_vat_after - self.without_vat_before

    @property
    def with_vat_change(self) -> Money:
        """The difference of the amount with VAT: what the debt moves by."""
        return self.with_vat_after - self.with_vat_before


def _lines(value: Iterable[CorrectionLine]) -> tuple[CorrectionLine, ...]:
    lines = tuple(value)
    if len({x.line_no for x in lines}) != len(lines):
        raise ShipmentError("a shipment line is corrected twice in one correction: merge them")
    return lines


@attrs.frozen
class ShipmentCorrection:
    """A correction of a posted shipment [корректировка реализации], dated ``on``.

    Attributes:
        id: the document number.
        shipment_id: the shipment it corrects (which stays untouched).
        partner_id, counterparty_id, organization_id, currency: of the shipment.
        on: the correction date (its debt, stock and VAT differences are dated then).
        kind: the operation; settlement: how a discrepancy is settled (over- and
            under-delivery only).
        lines: the corrected lines.
        reason: why (for a rejected one: why it was rejected).
        status: see :class:`CorrectionStatus` (posted when made by
            :func:`salescore.app.shipments.post_correction` in one step).
        version: the stored version.
    """

    id: CorrectionId
    shipment_id: ShipmentId
    partner_id: PartnerId
    counterparty_id: CounterpartyId
    organization_id: OrganizationId
    currency: Currency = attrs.field(converter=as_currency)
    on: date = attrs.field(kw_only=True)
    kind: CorrectionKind = attrs.field(kw_only=True)
    settlement: Settlement | None = attrs.field(default=None, kw_only=True)
    lines: tuple[CorrectionLine, ...] = attrs.field(kw_only=True, converter=_lines)
    reason: str = attrs.field(default="", kw_only=True)
    status: CorrectionStatus = attrs.field(default=CorrectionStatus.POSTED, kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def is_posted(self) -> bool:
        """True when its differences were posted (stored and in status posted)."""
        return self.version > 0 and self.status is CorrectionStatus.POSTED

    @property
    def party_id(self) -> str:
        """The client (the key its documents are listed by)."""
        return self.partner_id

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """(order, shipment) pairs it is found by."""
        return tuple((o, self.shipment_id) for o in self.order_ids)

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders of the corrected lines."""
        return tuple(dict.fromkeys(x.order_id for x in self.lines))

    @property
    def moves_stock(self) -> bool:
        """True when the quantity differences move stock (not for a write-off or other income)."""
        return self.settlement is None or self.settlement.moves_stock

    def _sum(self, values: Iterable[Money]) -> Money:
        return total(values, self.currency)

    @property
    def with_vat_change(self) -> Money:
        """What the client's debt moves by (negative: down)."""
        return self._sum(x.with_vat_change for x in self.lines)

    @property
    def vat_change(self) -> Money:
        """What the VAT moves by."""
        return self._sum(x.vat_change for x in self.lines)

    @property
    def without_vat_change(self) -> Money:
        """What the amount without VAT moves by."""
        return self._sum(x.without_vat_change for x in self.lines)

    def explain(self) -> Explanation:
        """Each line before → after, then the debt and VAT differences."""
        steps = [
            Step(
                f"line {x.line_no}: {x.product_id}",
                str(x.with_vat_change),
                f"{x.before.quantity:f} → {x.after.quantity:f}, "
                f"{x.with_vat_before} → {x.with_vat_after}, VAT {x.vat_rate.label} "
                f"{x.before.vat} → {x.after.vat}",
            )
            for x in self.lines
        ]
        steps += [
            Step("VAT difference", str(self.vat_change)),
            Step("debt difference", str(self.with_vat_change)),
        ]
        return Explanation(
            f"correction {self.id} ({self.kind.value}) of shipment {self.shipment_id} "
            f"on {self.on.isoformat()}"
            + (
                ""
                if self.status is CorrectionStatus.POSTED
                else f": {self.status.value.replace('_', ' ')}"
            ),
            tuple(steps),
        )


def current_figures(
    shipment: Shipment, corrections: Iterable[ShipmentCorrection]
) -> dict[str, LineFigures]:
    """Per shipment line number: its figures after every posted correction of
    ``corrections`` (drawn-up, agreed and rejected ones change nothing)."""
    found = {x.line_no: LineFigures(x.quantity, x.net, x.vat) for x in shipment.lines}
    for correction in sorted(corrections, key=lambda c: (c.on, c.id)):
        if (
            correction.shipment_id != shipment.id
            or correction.status is not CorrectionStatus.POSTED
        ):
            continue
        for x in correction.lines:
            found[x.line_no] = x.after
    return found


def corrected_shipment(
    shipment: Shipment, corrections: Iterable[ShipmentCorrection]
) -> Shipment | None:
    """The shipment as its corrections left it (lines corrected to nothing dropped);
    None when nothing is left, the shipment itself when nothing changed. Returns and
    further shipments count from it."""
    figures = current_figures(shipment, corrections)
    lines = [
        x
        if (now.quantity, now.net, now.vat) == (x.quantity, x.net, x.vat)
        else attrs.evolve(x, quantity=now.quantity, net=now.net, vat=now.vat)
        for x in shipment.lines
        if (now := figures[x.line_no]).quantity > 0
    ]
    if not lines:
        return None
    if all(a is b for a, b in zip(lines, shipment.lines, strict=False)) and len(lines) == len(
        shipment.lines
    ):
        return shipment
    return attrs.evolve(shipment, lines=lines)


def _returned(returns: Iterable[CustomerReturn], shipment_id: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for document in returns:
        for r in document.lines:
            if r.shipment_id == shipment_id and r.shipment_line_no is not None:
                found[r.shipment_line_no] = found.get(r.shipment_line_no, Decimal(0)) + r.quantity
    return found


def _after(
    shipment: Shipment,
    original: ShipmentLine,
    before: LineFigures,
    change: LineChange,
    where: str,
) -> LineFigures:
    quantity = before.quantity if change.quantity is None else change.quantity
    if change.price is not None:
        if change.price.currency != shipment.currency:
            raise ShipmentError(
                f"{where}: the price is in {change.price.currency.code}, the shipment in "
                f"{shipment.currency.code}: give the price in the shipment's currency",
                shipment=shipment.id,
                line=change.line_no,
            )
        if not change.price.is_positive():
            raise ShipmentError(
                f"{where}: a corrected price must be above zero, got {change.price}",
                shipment=shipment.id,
                line=change.line_no,
            )
    elif quantity == before.quantity:
        return before
    price = change.price or before.price
    if price is not None:  # a corrected price: amount and VAT from it, at the original rate
        net = share(price, quantity, Decimal(1))
        vat = original.vat_rate.vat_of(net, included=original.vat_included)
        return LineFigures(quantity, net, vat, price)
    # the shipment's own price: the share of the original line, as a return takes it
    return LineFigures(
        quantity,
        share(original.net, quantity, original.quantity),
        share(original.vat, quantity, original.quantity),
    )


def decide_correction(
    correction_id: CorrectionId,
    shipment: Shipment,
    on: date,
    changes: Sequence[LineChange],
    kind: CorrectionKind,
    *,
    settlement: Settlement | None = None,
    earlier: Iterable[ShipmentCorrection] = (),
    returns: Iterable[CustomerReturn] = (),
    reason: str = "",
    status: CorrectionStatus = CorrectionStatus.POSTED,
) -> ShipmentCorrection:
    """The correction of ``shipment`` by ``changes``, after the ``earlier`` corrections
    and the ``returns`` of its goods.

    ``status``: posted (the caller posts it now) or not agreed (drawn up, to be
    agreed and posted later).

    Raises:
        ShipmentError: the shipment is not posted or was cancelled (corrected to
            nothing), the date is before it, no change, a line changed twice or
            unknown, a quantity below zero or below what was returned (the
            correction would take back more than was shipped and kept), a price
            change of a line with returns, a change that changes nothing, or a
            settlement that does not fit the operation (each message names the line).
    """
    name = f"correction {correction_id!r} of shipment {shipment.id!r}"
    if shipment.version == 0:
        raise ShipmentError(
            f"{name}: the shipment is not posted; post it before correcting it",
            shipment=shipment.id,
        )
    if on < shipment.on:
        raise ShipmentError(
            f"{name} is dated {on}, before the shipment ({shipment.on}): date it on or after",
            shipment=shipment.id,
        )
    if not changes:
        raise ShipmentError(f"{name} changes no line: name at least one line to correct")
    allowed = _ALLOWED.get(kind)
    if allowed is None and settlement is not None:
        raise ShipmentError(
            f"{name}: the operation {kind.value.replace('_', ' ')} has no discrepancy settlement; "
            "leave the settlement out",
        )
    if allowed is not None and settlement not in allowed:
        raise ShipmentError(
            f"{name}: the operation {kind.value.replace('_', ' ')} is settled by "
            f"{' or '.join(s.value.replace('_', ' ') for s in allowed)}; choose one",
        )
    earlier = list(earlier)
    figures = current_figures(shipment, earlier)
    if all(f.quantity == 0 for f in figures.values()):
        raise ShipmentError(
            f"{name}: the shipment was cancelled (corrected to nothing by an earlier "
            "correction); nothing is left to correct — ship anew instead",
            shipment=shipment.id,
        )
    returned = _returned(returns, shipment.id)
    lines: list[CorrectionLine] = []
    seen: set[str] = set()
    for change in changes:
        original = shipment.line(change.line_no)
        where = f"{name} line {change.line_no} ({original.product_id})"
        if change.line_no in seen:
            raise ShipmentError(f"{where} is changed twice: give one change per line")
        seen.add(change.line_no)
        before = figures[change.line_no]
        back = returned.get(change.line_no, Decimal(0))
        if change.quantity is not None and change.quantity < 0:
            raise ShipmentError(
                f"{where}: the quantity after the correction would be {change.quantity:f}, "
                "below zero; give a quantity of zero or more",
                shipment=shipment.id,
                line=change.line_no,
            )
        if change.quantity is not None and change.quantity < back:
            raise ShipmentError(
                f"{where}: the correction lowers the quantity from {before.quantity:f} to "
                f"{change.quantity:f}, more than was shipped and kept ({back:f} of it came "
                f"back by returns); lower it to {back:f} at the least",
                shipment=shipment.id,
                line=change.line_no,
                least=str(back),
            )
        if change.price is not None and back > 0:
            raise ShipmentError(
                f"{where}: {back:f} of the line came back at its price; a price correction "
                "would not match those returns: correct the quantity only, or return and "
                "reship",
                shipment=shipment.id,
                line=change.line_no,
            )
        after = _after(shipment, original, before, change, where)
        if (after.quantity, after.net, after.vat) == (before.quantity, before.net, before.vat):
            raise ShipmentError(
                f"{where}: the change leaves quantity {before.quantity:f} and amount "
                f"{before.net} as they are; leave the line out",
                shipment=shipment.id,
                line=change.line_no,
            )
        if kind is CorrectionKind.OVER_DELIVERY and after.quantity <= before.quantity:
            raise ShipmentError(
                f"{where}: a sale of over-delivered goods raises the quantity "
                f"(from {before.quantity:f}); give a larger quantity",
                line=change.line_no,
            )
        if kind is CorrectionKind.UNDER_DELIVERY and after.quantity >= before.quantity:
            raise ShipmentError(
                f"{where}: a return of under-delivered goods lowers the quantity "
                f"(from {before.quantity:f}); give a smaller quantity",
                line=change.line_no,
            )
        lines.append(
            CorrectionLine(
                change.line_no,
                original.order_id,
                original.order_line_id,
                original.product_id,
                original.warehouse_id,
                original.is_service,
                original.vat_rate,
                original.vat_included,
                before,
                after,
            )
        )
    return ShipmentCorrection(
        correction_id,
        shipment.id,
        shipment.partner_id,
        shipment.counterparty_id,
        shipment.organization_id,
        shipment.currency,
        on=on,
        kind=kind,
        settlement=settlement,
        lines=lines,
        reason=reason,
        status=status,
    )


def _refused(correction: ShipmentCorrection, action: str, allowed: str) -> ShipmentError:
    return ShipmentError(
        f"correction {correction.id!r} is {correction.status.value.replace('_', ' ')}: "
        f"it can be {action} only when {allowed}",
        correction=correction.id,
        status=correction.status.value,
    )


def agree_correction(correction: ShipmentCorrection) -> ShipmentCorrection:
    """Not agreed → agreed (the client signed)."""
    if correction.status is not CorrectionStatus.NOT_AGREED:
        raise _refused(correction, "agreed", "not agreed")
    return attrs.evolve(correction, status=CorrectionStatus.AGREED)


def reject_correction(correction: ShipmentCorrection, reason: str) -> ShipmentCorrection:
    """Not agreed or agreed → rejected, with a reason; nothing was posted."""
    if correction.status not in (CorrectionStatus.NOT_AGREED, CorrectionStatus.AGREED):
        raise _refused(correction, "rejected", "not agreed or agreed")
    if not reason.strip():
        raise ShipmentError(f"correction {correction.id!r}: give the reason it is rejected")
    return attrs.evolve(correction, status=CorrectionStatus.REJECTED, reason=reason)


def check_still_current(
    correction: ShipmentCorrection,
    shipment: Shipment,
    corrections: Iterable[ShipmentCorrection],
    returns: Iterable[CustomerReturn] = (),
) -> None:
    """Refuse to post an agreed correction whose lines no longer start from the
    shipment's current figures (another correction was posted since), or that
    would take back goods that came back by returns since.

    Raises:
        ShipmentError: it is not agreed, or a line changed since (named).
    """
    if correction.status is not CorrectionStatus.AGREED:
        raise _refused(correction, "posted", "agreed")
    figures = current_figures(shipment, corrections)
    returned = _returned(returns, shipment.id)
    for x in correction.lines:
        now = figures[x.line_no]
        if (now.quantity, now.net, now.vat) != (x.before.quantity, x.before.net, x.before.vat):
            raise ShipmentError(
                f"correction {correction.id!r} line {x.line_no} ({x.product_id}) was drawn up "
                f"from quantity {x.before.quantity:f} and amount {x.before.net}; the line is now "
                f"{now.quantity:f} and {now.net}: reject it and draw up a new one",
                correction=correction.id,
                line=x.line_no,
            )
        back = returned.get(x.line_no, Decimal(0))
        if x.after.quantity < back or (back > 0 and x.after.price is not None):
            raise ShipmentError(
                f"correction {correction.id!r} line {x.line_no} ({x.product_id}) would leave "
                f"{x.after.quantity:f} at {x.after.net}, but {back:f} came back by returns since "
                "at the old figures: reject it "
                "and draw up a new one",
                correction=correction.id,
                line=x.line_no,
            )


def mark_posted(correction: ShipmentCorrection) -> ShipmentCorrection:
    """Agreed → posted (after :func:`check_still_current`)."""
    if correction.status is not CorrectionStatus.AGREED:
        raise _refused(correction, "posted", "agreed")
    return attrs.evolve(correction, status=CorrectionStatus.POSTED)
