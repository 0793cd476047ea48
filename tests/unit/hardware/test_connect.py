"""connect_fiscal: the driver follows from the register's URL."""

from __future__ import annotations

import os

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import InvalidInputError
from salescore.hardware.atol import AtolWebDriver
from salescore.hardware.connect import connect_fiscal
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihSimulator
from salescore.hardware.transport import open_pty
from salescore.testing.devices import FAST_TIMEOUTS


def test_a_serial_url_drives_a_shtrih_register_on_that_port() -> None:
    pytest.importorskip("serial", reason="pyserial (hardware extra) is not installed")
    simulator = ShtrihSimulator()
    master, path, slave_fd = open_pty()
    simulator.start(master)
    try:
        register = connect_fiscal(
            f"serial://{path}?baudrate=9600",
            MemoryFiscalJournal(),
            clock=simulator.device,
            **FAST_TIMEOUTS,
        )
        assert isinstance(register, ShtrihDriver)
        assert register.open_shift().shift_number == 1
        register.link.transport.close()
    finally:
        simulator.stop()
        master.close()
        os.close(slave_fd)


def test_an_http_url_is_atol_and_nothing_is_contacted_yet() -> None:
    register = connect_fiscal("http://192.0.2.1:16732", MemoryFiscalJournal())
    assert isinstance(register, AtolWebDriver)


@pytest.mark.parametrize(
    "url", ["ftp://kassa", "tcp://host-without-port", "serial://", "serial:///dev/x?baudrate=fast"]
)
def test_an_unknown_or_incomplete_url_is_refused_with_the_forms_it_takes(url: str) -> None:
    with pytest.raises(InvalidInputError, match=r"serial:///dev/ttyUSB0|baudrate"):
        connect_fiscal(url, MemoryFiscalJournal())
