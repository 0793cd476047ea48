"""MT-SICS: golden lines from the manual, round trips, and mt-sics-emulator as the device."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import DeviceError, ProtocolError
from salescore.hardware import FdTransport
from salescore.hardware.kinds import WeightReading, WeightState
from salescore.hardware.scales.mtsics import (
    MtSicsScale,
    encode_command,
    encode_weight_reply,
    parse_reply,
    weight_reading,
)

# --- golden lines (MT-SICS manual; InstrumentKit's tests) ----------------------------------


def test_commands_are_upper_case_ascii_ended_by_cr_lf() -> None:
    assert encode_command("S") == b"S\r\n"
    assert encode_command("SI") == b"SI\r\n"
    assert encode_command("Z") == b"Z\r\n"
    assert encode_command("TA", "0.250", "kg") == b"TA 0.250 kg\r\n"


def test_documented_replies_parse_to_the_documented_readings() -> None:
    assert weight_reading(parse_reply(b"S D 1.234 g\r\n")) == WeightReading(
        Decimal("1.234"), "g", False, WeightState.OK
    )
    assert weight_reading(parse_reply(b"S S     100.00 g\r\n")).stable
    assert weight_reading(parse_reply(b"S +\r\n")).state is WeightState.OVERLOAD
    assert weight_reading(parse_reply(b"S -\r\n")).state is WeightState.UNDERLOAD
    with pytest.raises(DeviceError, match="S I"):
        weight_reading(parse_reply(b"S I\r\n"))


@pytest.mark.parametrize(
    ("line", "error"),
    [(b"ES\r\n", ProtocolError), (b"ET\r\n", ProtocolError), (b"EL\r\n", DeviceError)],
)
def test_error_replies_are_device_errors(line: bytes, error: type[DeviceError]) -> None:
    with pytest.raises(error, match="MT-SICS scale"):
        parse_reply(line)


def test_inquiry_replies_keep_quoted_strings_whole() -> None:
    assert parse_reply(b'I2 A "Mettler Toledo XS204"\r\n').fields == ('"Mettler Toledo XS204"',)


_weights = st.decimals(min_value=Decimal("-99999.999"), max_value=Decimal("99999.999"), places=3)


@settings(deadline=None)
@given(_weights, st.booleans(), st.sampled_from(["kg", "g", "lb"]))
def test_a_weight_reply_round_trips(value: Decimal, stable: bool, unit: str) -> None:
    reading = WeightReading(value, unit, stable, WeightState.OK)
    assert weight_reading(parse_reply(encode_weight_reply("S", reading))) == reading


@settings(deadline=None)
@given(st.sampled_from([WeightState.OVERLOAD, WeightState.UNDERLOAD]))
def test_range_states_round_trip(state: WeightState) -> None:
    reading = WeightReading(Decimal(0), "kg", False, state)
    assert weight_reading(parse_reply(encode_weight_reply("S", reading))) == reading


# --- mt-sics-emulator as the device over a real pty ---------------------------------------------


class Emulator:
    """mt-sics-emulator's own serial transport serving the slave side of a pty."""

    def __init__(self, slave_path: str) -> None:
        from mtsics.core.state import ScaleState
        from mtsics.profiles import load
        from mtsics.protocol.engine import MTSICSEngine
        from mtsics.transport.serial import SerialConfig, SerialTransport

        # 35 kg capacity, 0.005 kg graduation: three decimals in kilograms
        self.state = ScaleState(config=load("ohaus-ranger7000"))
        engine = MTSICSEngine(self.state)
        self.transport = SerialTransport(
            engine, simulator=None, cfg=SerialConfig(port=slave_path, read_timeout=0.02)
        )
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self._ready.wait(5), "the emulator did not open the pty"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.transport.open())
        self._ready.set()
        self.loop.run_until_complete(self.transport.serve_forever())

    def weigh(self, kg: float, stable: bool = True) -> None:
        # The emulator keeps weights as floats internally; ours never are.
        self.state.set_weight(kg, stable=stable)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.transport.close(), self.loop).result(5)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def emulated() -> Iterator[tuple[MtSicsScale, Any]]:
    pytest.importorskip("mtsics", reason="mt-sics-emulator (dev extra) is not installed")
    master, slave = os.openpty()
    emulator = Emulator(os.ttyname(slave))
    host = FdTransport(master)
    try:
        yield MtSicsScale(host, timeout=1.0), emulator
    finally:
        emulator.close()
        os.close(slave)
        host.close()


def test_the_emulator_as_device_reports_stable_dynamic_and_range_states(
    emulated: tuple[MtSicsScale, Any],
) -> None:
    scale, emulator = emulated
    emulator.weigh(1.25)
    assert scale.read_weight() == WeightReading(Decimal("1.250"), "kg", True, WeightState.OK)
    emulator.weigh(2.5, stable=False)
    reading = scale.read_weight()
    assert (reading.value, reading.stable) == (Decimal("2.500"), False)
    emulator.weigh(40.0)
    assert scale.read_weight().state is WeightState.OVERLOAD
    emulator.weigh(-1.0)
    assert scale.read_weight().state is WeightState.UNDERLOAD


def test_the_emulator_zeroes_and_tares_and_reports_a_negative_net(
    emulated: tuple[MtSicsScale, Any],
) -> None:
    scale, emulator = emulated
    emulator.weigh(0.1)
    scale.zero()
    assert scale.read_weight().value == Decimal("0.000")
    emulator.weigh(1.1)
    scale.tare()
    emulator.weigh(0.6)
    assert scale.read_weight().value == Decimal("-0.500")
    emulator.weigh(0.9, stable=False)
    with pytest.raises(DeviceError, match="refused to tare"):
        scale.tare()


def test_our_weight_line_is_byte_identical_to_the_emulators_but_for_its_si_prefix() -> None:
    pytest.importorskip("mtsics", reason="mt-sics-emulator (dev extra) is not installed")
    from mtsics.core.state import ScaleState
    from mtsics.profiles import load
    from mtsics.protocol.engine import MTSICSEngine

    state = ScaleState(config=load("ohaus-ranger7000"))
    state.set_weight(12.345, stable=True)
    theirs = MTSICSEngine(state).handle("SI").encode("ascii")
    ours = encode_weight_reply("SI", WeightReading(Decimal("12.345"), "kg", True, WeightState.OK))
    assert ours == theirs == b"SI S     12.345 kg\r\n"
