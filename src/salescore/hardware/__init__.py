"""Devices: sans-IO protocol codecs, drivers, simulators and transports.

Codecs turn bytes into frames and back and hold no I/O; drivers run the
dialogue with a device over a :class:`~salescore.hardware.transport.Transport`;
simulators play the device over any transport, with fault injection, so that
every driver is tested without hardware.
"""

from salescore.hardware.transport import (
    PipeTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    pipe_pair,
)

__all__ = ["PipeTransport", "SerialTransport", "TcpTransport", "Transport", "pipe_pair"]
