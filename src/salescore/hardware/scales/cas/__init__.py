"""CAS ECR (ENQ/DC1) POS scales: codec, driver and simulator."""

from salescore.hardware.scales.cas.codec import (
    BccRange,
    bcc,
    decode_weight_frame,
    encode_weight_frame,
)
from salescore.hardware.scales.cas.driver import CasScale
from salescore.hardware.scales.cas.simulator import CasSimulator, make_simulator

__all__ = [
    "BccRange",
    "CasScale",
    "CasSimulator",
    "bcc",
    "decode_weight_frame",
    "encode_weight_frame",
    "make_simulator",
]
