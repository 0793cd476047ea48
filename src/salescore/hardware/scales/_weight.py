"""What every scale driver shares: the sale rule for a weight (hazard H7).

Only a stable, positive reading within the scale's range may enter a sale
line. The stable flag comes from the scale's protocol, never from comparing
readings; an overload is a state, not a big number.

>>> from decimal import Decimal
>>> saleable_weight(WeightReading(Decimal("0.352"), "kg", True, WeightState.OK))
Decimal('0.352')
>>> to_kilograms(WeightReading(Decimal("352.5"), "g", True, WeightState.OK))
Decimal('0.3525')
>>> saleable_weight(WeightReading(Decimal("0.352"), "kg", False, WeightState.OK))
Traceback (most recent call last):
...
salescore.errors.DeviceError: the weight 0.352 kg is not stable yet; ...
"""

from __future__ import annotations

from decimal import Decimal

from salescore.errors import DeviceError
from salescore.hardware.kinds import WeightReading, WeightState

__all__ = ["saleable_weight", "to_kilograms"]


def saleable_weight(reading: WeightReading) -> Decimal:
    """The reading's value if it may go into a sale line, else a :class:`DeviceError`."""
    if reading.state is WeightState.OVERLOAD:
        raise DeviceError(
            "the scale is overloaded; remove the load and weigh again", reading=reading
        )
    if reading.state is WeightState.UNDERLOAD:
        raise DeviceError(
            "the scale reads below zero (underload); empty the platform and zero the scale",
            reading=reading,
        )
    if not reading.stable:
        raise DeviceError(
            f"the weight {reading.value} {reading.unit} is not stable yet; "
            "wait until the scale settles and weigh again",
            reading=reading,
        )
    if reading.value <= 0:
        raise DeviceError(
            f"the weight {reading.value} {reading.unit} is not positive; "
            "put the goods on the scale (and check the tare)",
            reading=reading,
        )
    return reading.value


#: Exact factors to kilograms (the pound is defined as exactly 0.45359237 kg).
_TO_KG = {"kg": Decimal(1), "g": Decimal("0.001"), "lb": Decimal("0.45359237")}


def to_kilograms(reading: WeightReading) -> Decimal:
    """The reading's value in kilograms, exactly; an unknown unit is a :class:`DeviceError`."""
    factor = _TO_KG.get(reading.unit)
    if factor is None:
        raise DeviceError(
            f"the scale reports weights in {reading.unit!r}; set it to kg, g or lb",
            reading=reading,
        )
    return reading.value * factor
