"""Massa-K Protocol 100 scales: codec, driver and simulator."""

from salescore.hardware.scales.massak.codec import (
    Frame,
    MassaKWeight,
    crc16,
    decode_frame,
    decode_weight,
    encode_frame,
    encode_weight,
)
from salescore.hardware.scales.massak.driver import MassaKScale
from salescore.hardware.scales.massak.simulator import MassaKSimulator, make_simulator

__all__ = [
    "Frame",
    "MassaKScale",
    "MassaKSimulator",
    "MassaKWeight",
    "crc16",
    "decode_frame",
    "decode_weight",
    "encode_frame",
    "encode_weight",
    "make_simulator",
]
