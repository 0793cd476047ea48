"""Open a fiscal register from one URL: the driver follows from the address.

=====================================  ============================================
URL                                    driver
=====================================  ============================================
``serial:///dev/ttyUSB0?baudrate=N``   Shtrih-M protocol v1 on a serial port
``tcp://192.168.1.50:7778``            Shtrih-M protocol v1 over TCP (its LAN port)
``http://127.0.0.1:16732``             ATOL's JSON task API (the DTO10 web server)
=====================================  ============================================

Keyword options go to the driver (``ffd="1.2"``, ``clock=...``,
``shift_warning=...``, the Shtrih-M timeouts).

>>> from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
>>> connect_fiscal("ftp://kassa", MemoryFiscalJournal())
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: fiscal register URL 'ftp://kassa' ...
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from salescore.errors import InvalidInputError
from salescore.hardware.fiscal import FiscalJournal
from salescore.hardware.kinds import FiscalRegister

__all__ = ["connect_fiscal"]

_HELP = (
    "use serial:///dev/ttyUSB0 (Shtrih-M on a serial port), tcp://host:7778 (Shtrih-M over "
    "TCP) or http://host:16732 (ATOL's web server)"
)


def connect_fiscal(url: str, journal: FiscalJournal, **options: Any) -> FiscalRegister:
    """The fiscal register at ``url``, its receipts journalled in ``journal``.

    Raises:
        InvalidInputError: a URL of no known kind, or without a host, port or path.
        DeviceError: the port or host cannot be opened.
    """
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname:
        from salescore.hardware.atol.client import AtolWebDriver

        return AtolWebDriver(url, journal, **options)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        from salescore.hardware.shtrih.driver import ShtrihDriver
        from salescore.hardware.transport import TcpTransport

        return ShtrihDriver(TcpTransport(parts.hostname, parts.port), journal, **options)
    if parts.scheme == "serial" and parts.path:
        from salescore.hardware.shtrih.driver import ShtrihDriver
        from salescore.hardware.transport import SerialTransport

        query = parse_qs(parts.query)
        try:
            baudrate = int(query.get("baudrate", ["115200"])[0])
        except ValueError:
            raise InvalidInputError(
                f"fiscal register URL {url!r}: baudrate must be a number", url=url
            ) from None
        return ShtrihDriver(SerialTransport(parts.path, baudrate=baudrate), journal, **options)
    raise InvalidInputError(
        f"fiscal register URL {url!r} is not one salescore knows: {_HELP}", url=url
    )
