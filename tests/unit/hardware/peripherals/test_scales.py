"""Scales: the fault matrix and the sale rule, the same for MT-SICS, Massa-K and CAS."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from salescore.errors import DeviceError, DeviceTimeoutError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.kinds import WeightReading, WeightState
from salescore.hardware.peripheral_sim import DeviceSimulator, Fault
from salescore.hardware.scales import (
    CasScale,
    CasSimulator,
    MassaKScale,
    MassaKSimulator,
    MtSicsScale,
    MtSicsSimulator,
    saleable_weight,
    to_kilograms,
)


def _set_kg(sim: Any, kg: Decimal) -> None:
    sim.weight = int(kg * 1000) if isinstance(sim, MassaKSimulator) else kg


# name -> (simulator class, driver class, index of the reply that carries the weight)
SCALES: dict[str, tuple[Callable[[Transport], Any], Callable[..., Any], int]] = {
    "mtsics": (MtSicsSimulator, MtSicsScale, 0),
    "massak": (MassaKSimulator, MassaKScale, 0),
    "cas": (CasSimulator, CasScale, 1),
}


@pytest.fixture(params=sorted(SCALES))
def scale_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _simulator(kind: str, device: Transport) -> Any:
    sim = SCALES[kind][0](device)
    assert isinstance(sim, DeviceSimulator)
    return sim


def test_every_scale_reads_a_stable_weight_over_every_link(
    scale_kind: str, link: tuple[Transport, Transport]
) -> None:
    host, device = link
    with _simulator(scale_kind, device) as sim:
        _set_kg(sim, Decimal("1.250"))
        reading = SCALES[scale_kind][1](host, timeout=1.0).read_weight()
    assert reading == WeightReading(Decimal("1.250"), "kg", True, WeightState.OK)
    assert saleable_weight(reading) == Decimal("1.250")


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.NO_REPLY, DeviceTimeoutError),
        (Fault.LATE_REPLY, DeviceTimeoutError),
        (Fault.GARBLED_REPLY, ProtocolError),
        (Fault.BAD_CHECKSUM, ProtocolError),
        (Fault.TRUNCATED_REPLY, ProtocolError),
    ],
)
def test_a_link_fault_ends_in_a_clear_error_never_a_wrong_weight_and_the_scale_recovers(
    scale_kind: str, pipe: tuple[Transport, Transport], fault: Fault, error: type[DeviceError]
) -> None:
    host, device = pipe
    with _simulator(scale_kind, device) as sim:
        _set_kg(sim, Decimal("0.740"))
        scale = SCALES[scale_kind][1](host, timeout=0.2)
        sim.inject(fault, after=SCALES[scale_kind][2])
        started = time.monotonic()
        with pytest.raises(error):
            scale.read_weight()
        assert time.monotonic() - started < 1.0
        _set_kg(sim, Decimal("0.750"))
        assert scale.read_weight().value == Decimal("0.750")


def test_a_scale_that_is_off_times_out_quickly(
    scale_kind: str, pipe: tuple[Transport, Transport]
) -> None:
    host, _ = pipe
    started = time.monotonic()
    with pytest.raises(DeviceTimeoutError, match=r"no answer|no reply"):
        SCALES[scale_kind][1](host, timeout=0.1).read_weight()
    assert time.monotonic() - started < 0.5


def test_motion_is_reported_as_unstable_and_never_becomes_a_sale_weight(
    scale_kind: str, pipe: tuple[Transport, Transport]
) -> None:
    host, device = pipe
    with _simulator(scale_kind, device) as sim:
        _set_kg(sim, Decimal("0.500"))
        sim.stable = False
        scale = SCALES[scale_kind][1](host, timeout=1.0)
        reading = scale.read_weight()
        assert reading.value == Decimal("0.500")
        assert not reading.stable
        with pytest.raises(DeviceError, match="not stable"):
            saleable_weight(reading)
        sim.stable = True
        assert scale.read_weight().stable


def test_overload_is_a_state_not_a_number(
    scale_kind: str, pipe: tuple[Transport, Transport]
) -> None:
    host, device = pipe
    with _simulator(scale_kind, device) as sim:
        sim.overload = True
        reading = SCALES[scale_kind][1](host, timeout=1.0).read_weight()
    assert reading.state is WeightState.OVERLOAD
    assert not reading.stable
    with pytest.raises(DeviceError, match="overloaded"):
        saleable_weight(reading)


def test_a_negative_weight_is_read_as_negative_and_refused_for_sale(
    scale_kind: str, pipe: tuple[Transport, Transport]
) -> None:
    host, device = pipe
    with _simulator(scale_kind, device) as sim:
        _set_kg(sim, Decimal("-0.120"))
        reading = SCALES[scale_kind][1](host, timeout=1.0).read_weight()
    assert reading.value == Decimal("-0.120")
    assert reading.stable
    assert reading.state is WeightState.OK
    with pytest.raises(DeviceError, match="not positive"):
        saleable_weight(reading)


def test_underload_on_mt_sics_is_a_state(pipe: tuple[Transport, Transport]) -> None:
    host, device = pipe
    with MtSicsSimulator(device) as sim:
        sim.underload = True
        reading = MtSicsScale(host, timeout=1.0).read_weight()
    assert reading.state is WeightState.UNDERLOAD
    with pytest.raises(DeviceError, match="underload"):
        saleable_weight(reading)


@pytest.mark.parametrize("kind", ["mtsics", "massak"])
def test_tare_makes_the_net_zero_and_a_lighter_load_negative(
    kind: str, pipe: tuple[Transport, Transport]
) -> None:
    host, device = pipe
    with _simulator(kind, device) as sim:
        scale = SCALES[kind][1](host, timeout=1.0)
        _set_kg(sim, Decimal("0.200"))
        scale.tare()
        assert scale.read_weight().value == Decimal("0.000")
        _set_kg(sim, Decimal("0.150"))
        assert scale.read_weight().value == Decimal("-0.050")
        _set_kg(sim, Decimal("0.000"))
        scale.zero()
        assert scale.read_weight().value == Decimal("0.000")


@pytest.mark.parametrize("kind", ["mtsics", "massak"])
def test_tare_of_an_unstable_load_is_refused(kind: str, pipe: tuple[Transport, Transport]) -> None:
    host, device = pipe
    with _simulator(kind, device) as sim:
        _set_kg(sim, Decimal("0.300"))
        sim.stable = False
        with pytest.raises(DeviceError, match=r"unstable|not stable"):
            SCALES[kind][1](host, timeout=1.0).tare()


def test_cas_scales_have_no_remote_zero_or_tare(pipe: tuple[Transport, Transport]) -> None:
    scale = CasScale(pipe[0], timeout=0.1)
    with pytest.raises(DeviceError, match="press ZERO"):
        scale.zero()
    with pytest.raises(DeviceError, match="press TARE"):
        scale.tare()


@pytest.mark.parametrize(
    ("value", "unit", "kilograms"),
    [("1.250", "kg", "1.250"), ("735", "g", "0.735"), ("2", "lb", "0.90718474")],
)
def test_readings_convert_to_kilograms_exactly(value: str, unit: str, kilograms: str) -> None:
    reading = WeightReading(Decimal(value), unit, True, WeightState.OK)
    assert to_kilograms(reading) == Decimal(kilograms)


def test_an_unknown_unit_is_not_guessed() -> None:
    with pytest.raises(DeviceError, match="'oz'"):
        to_kilograms(WeightReading(Decimal(1), "oz", True, WeightState.OK))
