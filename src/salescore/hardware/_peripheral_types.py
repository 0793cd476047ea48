"""Values that peripheral drivers return: printer status and weight readings.

These are the small value types of the device-kind protocols
(``ReceiptPrinter.status()``, ``Scale.read_weight()``). They live in one
module so that they can move, unchanged, to the shared device-kind module.

A weight is a :class:`~decimal.Decimal` with its unit and an explicit
``stable`` flag that comes from the scale's own protocol; overload and
underload are states, never magic numbers:

>>> from decimal import Decimal
>>> reading = WeightReading(Decimal("1.250"), "kg", stable=True, state=WeightState.OK)
>>> reading.value, reading.unit, reading.stable
(Decimal('1.250'), 'kg', True)
>>> WeightReading(1.25, "kg", stable=True, state=WeightState.OK)
Traceback (most recent call last):
...
TypeError: ("'value' must be <class 'decimal.Decimal'> (got 1.25 that is a <class 'float'>)...
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

__all__ = ["PrinterStatus", "WeightReading", "WeightState"]


@attrs.frozen
class PrinterStatus:
    """What a receipt printer reports about itself before and after a job."""

    paper_out: bool
    cover_open: bool
    drawer_open: bool
    online: bool


class WeightState(enum.Enum):
    """Whether the scale can report a weight at all."""

    OK = "ok"
    OVERLOAD = "overload"
    UNDERLOAD = "underload"


@attrs.frozen
class WeightReading:
    """One reading of a scale.

    ``value`` is meaningful only when ``state`` is :attr:`WeightState.OK`;
    it may be negative (a net weight below the tare). ``stable`` is the
    scale's own stability flag: an unstable reading is never a sale weight.
    """

    value: Decimal = attrs.field(validator=attrs.validators.instance_of(Decimal))
    unit: str
    stable: bool
    state: WeightState
