"""Scales for weighed goods: MT-SICS, Massa-K Protocol 100 and CAS ECR.

Every driver returns a :class:`~salescore.hardware.kinds.WeightReading`
(a Decimal with unit, the scale's own stable flag, and overload/underload as
states); :func:`saleable_weight` applies the sale rule.
"""

from salescore.hardware.scales._weight import saleable_weight, to_kilograms
from salescore.hardware.scales.cas import CasScale, CasSimulator
from salescore.hardware.scales.massak import MassaKScale, MassaKSimulator
from salescore.hardware.scales.mtsics import MtSicsScale, MtSicsSimulator

__all__ = [
    "CasScale",
    "CasSimulator",
    "MassaKScale",
    "MassaKSimulator",
    "MtSicsScale",
    "MtSicsSimulator",
    "saleable_weight",
    "to_kilograms",
]
