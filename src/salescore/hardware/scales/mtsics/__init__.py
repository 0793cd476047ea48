"""Mettler Toledo MT-SICS scales: codec, driver and simulator."""

from salescore.hardware.scales.mtsics.codec import (
    MtSicsReply,
    encode_command,
    encode_weight_reply,
    parse_reply,
    weight_reading,
)
from salescore.hardware.scales.mtsics.driver import MtSicsScale
from salescore.hardware.scales.mtsics.simulator import MtSicsSimulator, make_simulator

__all__ = [
    "MtSicsReply",
    "MtSicsScale",
    "MtSicsSimulator",
    "encode_command",
    "encode_weight_reply",
    "make_simulator",
    "parse_reply",
    "weight_reading",
]
