"""Massa-K Protocol 100: the CRC from published wire frames (H9), frame round trips, error codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.kinds import WeightState
from salescore.hardware.scales.massak import (
    MassaKScale,
    MassaKSimulator,
    MassaKWeight,
    crc16,
    decode_frame,
    decode_weight,
    encode_frame,
    encode_weight,
)
from salescore.hardware.scales.massak.codec import CMD_ERROR, Frame, parse_weight

# Wire frames published by independent clients (DEVICES.md §3.3; VladStandard/WeightService
# CmdQueries.cs): each one pins the CRC algorithm.
PUBLISHED_FRAMES = [
    "f8 55 ce 01 00 23 23 00",  # CMD_GET_MASSA
    "f8 55 ce 08 00 92 01 00 00 00 00 00 00 b5 ef",  # CMD_TCP_GET_SYS
    "f8 55 ce 06 00 55 07 2c 01 00 00 44 1f",  # save registration number
]


@pytest.mark.parametrize("frame", PUBLISHED_FRAMES)
def test_the_crc_matches_every_published_wire_frame(frame: str) -> None:
    raw = bytes.fromhex(frame)
    body = raw[5:-2]
    assert crc16(body).to_bytes(2, "little") == raw[-2:]
    assert encode_frame(body[0], body[1:]) == raw
    assert decode_frame(raw) == Frame(body[0], body[1:])


def _xmodem(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def test_the_crc_is_not_plain_xmodem_which_some_clients_assume() -> None:
    assert _xmodem(b"\x23") != crc16(b"\x23")


def test_a_frame_with_a_bad_crc_is_refused() -> None:
    raw = bytearray(bytes.fromhex(PUBLISHED_FRAMES[1]))
    raw[-1] ^= 0x01
    with pytest.raises(ProtocolError, match="CRC"):
        decode_frame(bytes(raw))


@settings(deadline=None)
@given(st.integers(0, 255), st.binary(max_size=64))
def test_any_frame_round_trips(command: int, data: bytes) -> None:
    assert decode_frame(encode_frame(command, data)) == Frame(command, data)


@settings(deadline=None)
@given(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(0, 4),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.integers(-(2**31), 2**31 - 1),
)
def test_a_weight_answer_round_trips(
    weight: int, division: int, stable: bool, net: bool, zero: bool, tare: int | None
) -> None:
    answer = MassaKWeight(weight, division, stable, net, zero, tare)
    assert parse_weight(decode_frame(encode_weight(answer))) == answer


@pytest.mark.parametrize(
    ("division", "expected"),
    [(0, "0.2035"), (1, "2.035"), (2, "20.35"), (3, "203.5"), (4, "2035")],
)
def test_the_division_code_scales_the_weight_exactly(division: int, expected: str) -> None:
    reading = decode_weight(decode_frame(encode_weight(MassaKWeight(2035, division, True))))
    assert reading.value == Decimal(expected)
    assert reading.unit == "kg"


def test_an_unknown_division_code_is_a_protocol_error(pipe: tuple[Transport, Transport]) -> None:
    host, device = pipe
    with MassaKSimulator(device, division=7) as sim:
        sim.weight = 100
        with pytest.raises(ProtocolError, match="division code 7"):
            MassaKScale(host, timeout=1.0).read_weight()


def test_the_overload_error_code_is_an_overload_state_and_others_are_device_errors() -> None:
    assert decode_weight(Frame(CMD_ERROR, b"\x08")).state is WeightState.OVERLOAD
    with pytest.raises(DeviceError, match="no connection with the weighing module"):
        decode_weight(Frame(CMD_ERROR, b"\x17"))
