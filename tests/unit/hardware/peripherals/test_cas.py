"""CAS ECR: the 15-byte weight frame, both BCC ranges (H9), the busy poll."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.kinds import WeightReading, WeightState
from salescore.hardware.scales.cas import (
    BccRange,
    CasScale,
    CasSimulator,
    decode_weight_frame,
    encode_weight_frame,
)

# SOH STX STA SIGN W W . W W W U1 U2 BCC ETX EOT, BCC over STA..U2 (AP-1 / r_keeper)
STABLE_1250 = b"\x01\x02S 01.250kg" + bytes([0x67]) + b"\x03\x04"


def test_the_weight_frame_has_the_documented_layout() -> None:
    reading = WeightReading(Decimal("1.250"), "kg", True, WeightState.OK)
    assert encode_weight_frame(reading) == STABLE_1250
    xor = 0
    for byte in b"S 01.250kg":
        xor ^= byte
    assert STABLE_1250[12] == xor


def test_status_sign_and_overflow_fields_decode() -> None:
    unstable = encode_weight_frame(WeightReading(Decimal("-0.125"), "kg", False, WeightState.OK))
    assert unstable[2:10] == b"U-00.125"
    assert decode_weight_frame(unstable).value == Decimal("-0.125")
    overload = encode_weight_frame(WeightReading(Decimal(0), "kg", False, WeightState.OVERLOAD))
    assert decode_weight_frame(overload).state is WeightState.OVERLOAD


def test_the_data_range_equals_the_soh_to_etx_formula_another_client_uses() -> None:
    head = STABLE_1250[:12]
    xor = 0x03  # ETX
    for byte in head:
        xor ^= byte
    assert xor == STABLE_1250[12]


def test_overflow_in_the_status_byte_is_an_overload() -> None:
    head = b"\x01\x02F --.---kg"
    xor = 0
    for byte in head[2:]:
        xor ^= byte
    assert decode_weight_frame(head + bytes([xor]) + b"\x03\x04").state is WeightState.OVERLOAD


def test_a_frame_checked_with_the_other_bcc_range_is_refused_not_misread() -> None:
    ohaus = encode_weight_frame(
        WeightReading(Decimal("1.250"), "kg", True, WeightState.OK), BccRange.ALL_BUT_STX_ETX
    )
    assert decode_weight_frame(ohaus, BccRange.ALL_BUT_STX_ETX).value == Decimal("1.250")
    with pytest.raises(ProtocolError, match="check character"):
        decode_weight_frame(ohaus, BccRange.DATA)


@pytest.mark.parametrize(
    "frame",
    [
        b"\x01\x02X 01.250kg" + bytes([0x6C]) + b"\x03\x04",  # unknown status
        b"\x01\x02S 01.250kg",  # truncated
        b"\x02\x01S 01.250kgg\x03\x04",  # SOH/STX swapped
    ],
)
def test_malformed_frames_are_protocol_errors(frame: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_weight_frame(frame)


@settings(deadline=None)
@given(
    st.decimals(min_value=Decimal("-99.999"), max_value=Decimal("99.999"), places=3),
    st.booleans(),
    st.sampled_from(list(BccRange)),
)
def test_a_weight_frame_round_trips(value: Decimal, stable: bool, bcc_range: BccRange) -> None:
    reading = WeightReading(value, "kg", stable, WeightState.OK)
    assert decode_weight_frame(encode_weight_frame(reading, bcc_range), bcc_range) == reading


def test_a_busy_scale_is_polled_a_bounded_number_of_times(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    with CasSimulator(device) as sim:
        sim.weight = Decimal("0.300")
        sim.busy_polls = 2
        assert CasScale(host, timeout=0.3, busy_retries=3).read_weight().value == Decimal("0.300")
        sim.busy_polls = 10
        with pytest.raises(DeviceError, match="stayed busy"):
            CasScale(host, timeout=0.3, busy_retries=3).read_weight()
        assert sim.busy_polls == 6
