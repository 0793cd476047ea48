"""Delivery charges both ways: what the client pays us, and what we owe carriers.

* A :class:`DeliveryCharge` bills the client for delivering a shipment; it
  posts actual debt on the order's settlement account (the application's
  :func:`salescore.app.delivery.bill_delivery`), so it raises the client's
  receivable as a shipment does.
* A :class:`CarrierCharge` is what a carrier bills us; it is a payable.
  :class:`PayablesLedger` is the minimal payables ledger [расчеты с
  перевозчиками]: charges raise what we owe a carrier, :class:`CarrierPayment`
  values lower it (oldest due charge first), all in exact money.

>>> from datetime import date
>>> from salescore.money import Money
>>> c = CarrierCharge("CC-1", CarrierId("TK"), date(2026, 3, 5), Money("2400.00", "RUB"),
...                   due=date(2026, 3, 20), task_id="TT-1")
>>> p = CarrierPayment("PO-1", CarrierId("TK"), date(2026, 3, 10), Money("1000.00", "RUB"))
>>> ledger = PayablesLedger([c], [p])
>>> tk = CarrierId("TK")
>>> ledger.owed(tk, "RUB", date(2026, 3, 9)), ledger.owed(tk, "RUB", date(2026, 3, 31))
(Money('2400.00', 'RUB'), Money('1400.00', 'RUB'))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from salescore.delivery.model import CarrierId
from salescore.errors import DeliveryError
from salescore.money import Currency, Money, total
from salescore.records import Record, html_table

__all__ = ["CarrierCharge", "CarrierPayment", "DeliveryCharge", "PayableItem", "PayablesLedger"]


def _positive(instance: object, attribute: attrs.Attribute[Money], value: Money) -> None:
    if not value.is_positive():
        raise DeliveryError(
            f"{attribute.name} must be above zero, got {value}: a charge of nothing is no charge"
        )


@attrs.frozen
class DeliveryCharge:
    """A delivery charge billed to the client [стоимость доставки] for a shipment.

    Attributes:
        id: the charge document's number (its settlement document).
        shipment_id: the shipment delivered.
        order_id: the order whose settlement account is charged.
        on: the date the debt arises.
        amount: with VAT, in the order's currency.
        version: the stored version.
    """

    id: str
    shipment_id: str
    order_id: str
    on: date
    amount: Money = attrs.field(validator=_positive)
    version: int = attrs.field(default=0, kw_only=True)


@attrs.frozen
class CarrierCharge:
    """What a carrier bills us for a delivery (a payable).

    Attributes:
        id: the carrier's invoice or our record number.
        carrier_id: the carrier (a partner id).
        on: the date the payable arises.
        amount: the charge, in its currency.
        due: when we are to pay it.
        task_id, shipment_id: what it was for (either or both).
        version: the stored version.
    """

    id: str
    carrier_id: CarrierId
    on: date
    amount: Money = attrs.field(validator=_positive)
    due: date = attrs.field(kw_only=True)
    task_id: str = attrs.field(default="", kw_only=True)
    shipment_id: str = attrs.field(default="", kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.due < self.on:
            raise DeliveryError(
                f"carrier charge {self.id!r} is due {self.due.isoformat()}, before it arises "
                f"on {self.on.isoformat()}: give a later due date"
            )


@attrs.frozen
class CarrierPayment:
    """A payment we made to a carrier."""

    id: str
    carrier_id: CarrierId
    on: date
    amount: Money = attrs.field(validator=_positive)
    version: int = attrs.field(default=0, kw_only=True)


@attrs.frozen
class PayableItem:
    """What is still owed on one carrier charge as of a date."""

    charge_id: str
    carrier_id: CarrierId
    due: date
    charged: Money
    paid: Money

    @property
    def owed(self) -> Money:
        """Charged less paid."""
        return self.charged - self.paid


def _charges(value: Iterable[CarrierCharge]) -> tuple[CarrierCharge, ...]:
    return tuple(value)


def _payments(value: Iterable[CarrierPayment]) -> tuple[CarrierPayment, ...]:
    return tuple(value)


@attrs.frozen
class PayablesLedger:
    """Carrier charges and payments; answers what we owe as of a date."""

    charges: tuple[CarrierCharge, ...] = attrs.field(converter=_charges)
    payments: tuple[CarrierPayment, ...] = attrs.field(converter=_payments)

    def items(self, as_of: date) -> tuple[PayableItem, ...]:
        """Each charge posted by ``as_of`` with what is paid of it: payments up to
        ``as_of`` go to the carrier's charges by due date, then number (a payment
        beyond every charge is an advance, kept by :meth:`advance`)."""
        found: list[PayableItem] = []
        keys = sorted(
            {(c.carrier_id, c.amount.currency.code) for c in self.charges if c.on <= as_of}
        )
        for carrier, code in keys:
            charges = sorted(
                (
                    c
                    for c in self.charges
                    if c.carrier_id == carrier and c.amount.currency.code == code and c.on <= as_of
                ),
                key=lambda c: (c.due, c.id),
            )
            pool = self._paid(carrier, code, as_of)
            for charge in charges:
                paid = charge.amount if pool.minor_units >= charge.amount.minor_units else pool
                pool = pool - paid
                found.append(PayableItem(charge.id, carrier, charge.due, charge.amount, paid))
        return tuple(found)

    def _paid(self, carrier: CarrierId, code: str, as_of: date) -> Money:
        return total(
            (
                p.amount
                for p in self.payments
                if p.carrier_id == carrier and p.amount.currency.code == code and p.on <= as_of
            ),
            Currency.of(code),
        )

    def owed(self, carrier_id: CarrierId, currency: Currency | str, as_of: date) -> Money:
        """What we owe ``carrier_id`` as of ``as_of`` (charges less payments; an
        overpayment shows as a negative amount)."""
        code = currency.code if isinstance(currency, Currency) else currency
        cur = currency if isinstance(currency, Currency) else Currency.of(code)
        charged = total(
            (
                c.amount
                for c in self.charges
                if c.carrier_id == carrier_id and c.amount.currency.code == code and c.on <= as_of
            ),
            cur,
        )
        return charged - self._paid(carrier_id, code, as_of)

    def advance(self, carrier_id: CarrierId, currency: Currency | str, as_of: date) -> Money:
        """What we paid ``carrier_id`` beyond its charges (zero if nothing)."""
        owed = self.owed(carrier_id, currency, as_of)
        return -owed if owed.is_negative() else Money.zero(owed.currency)

    def to_records(self) -> list[Record]:
        """One row per charge with what is paid and owed of it, everything counted."""
        return [
            {
                "carrier": i.carrier_id,
                "charge": i.charge_id,
                "due": i.due,
                "charged": i.charged.amount,
                "paid": i.paid.amount,
                "owed": i.owed.amount,
                "currency": i.charged.currency.code,
            }
            for i in self.items(date.max)
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="payables to carriers")
