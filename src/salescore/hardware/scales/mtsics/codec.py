"""MT-SICS (Mettler Toledo Standard Interface Command Set): lines of ASCII, sans-IO.

A command is upper-case ASCII ended by CR LF (``SI\\r\\n``). A reply repeats
the command and adds a status: for weights ``S`` (stable) or ``D``
(dynamic) with value and unit, ``+`` overload, ``-`` underload, ``I`` "cannot
execute now". ``ES``, ``ET`` and ``EL`` are syntax, transmission and logic
errors.

>>> encode_command("SI")
b'SI\\r\\n'
>>> reply = parse_reply(b"S D      1.234 g\\r\\n")
>>> reply.command, reply.status, reply.fields
('S', 'D', ('1.234', 'g'))
>>> weight_reading(reply)
WeightReading(value=Decimal('1.234'), unit='g', stable=False, state=<WeightState.OK: 'ok'>)
>>> encode_weight_reply("S", weight_reading(parse_reply(b"S S 0.350 kg\\r\\n")))
b'S S      0.350 kg\\r\\n'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import attrs

from salescore.errors import DeviceError, InvalidInputError, ProtocolError
from salescore.hardware.kinds import WeightReading, WeightState

__all__ = [
    "CRLF",
    "MtSicsReply",
    "encode_command",
    "encode_reply",
    "encode_weight_reply",
    "parse_reply",
    "weight_reading",
]

CRLF = b"\r\n"
_ERRORS = {
    "ES": "syntax error: the scale did not recognise the command",
    "ET": "transmission error: the scale received a damaged command",
    "EL": "logical error: the command cannot be executed now",
}


@attrs.frozen
class MtSicsReply:
    """One reply line: the command it answers, its status and the remaining fields."""

    command: str
    status: str
    fields: tuple[str, ...] = ()


def encode_command(command: str, *params: str) -> bytes:
    """A command line; parameters are separated by spaces."""
    text = " ".join((command, *params))
    if not text.isascii() or "\r" in text or "\n" in text:
        raise InvalidInputError(f"MT-SICS command must be one line of ASCII, got {text!r}")
    return text.encode("ascii") + CRLF


def _split(text: str) -> list[str]:
    # Fields are separated by spaces; quoted strings ("Mettler Toledo") stay whole.
    fields: list[str] = []
    current = ""
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            current += char
        elif char == " " and not quoted:
            if current:
                fields.append(current)
            current = ""
        else:
            current += char
    if quoted:
        raise ProtocolError(f"MT-SICS reply has an unclosed quote: {text!r}")
    if current:
        fields.append(current)
    return fields


def parse_reply(line: bytes) -> MtSicsReply:
    """Parse one reply line (with or without its CR LF).

    Raises:
        ProtocolError: not ASCII, empty, or an ``ES``/``ET`` error reply.
        DeviceError: an ``EL`` (logical error) reply.
    """
    try:
        text = line.removesuffix(CRLF).decode("ascii")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"MT-SICS reply is not ASCII: {line!r}; noise on the line?", data=line
        ) from exc
    if not text.isprintable():
        raise ProtocolError(f"MT-SICS reply has control characters: {line!r}", data=line)
    fields = _split(text)
    if not fields:
        raise ProtocolError("MT-SICS reply is empty", data=line)
    if fields[0] in _ERRORS and len(fields) == 1:
        error = DeviceError if fields[0] == "EL" else ProtocolError
        raise error(f"MT-SICS scale: {_ERRORS[fields[0]]} ({fields[0]})", data=line)
    if len(fields) < 2:
        raise ProtocolError(f"MT-SICS reply has no status: {text!r}", data=line)
    return MtSicsReply(fields[0], fields[1], tuple(fields[2:]))


def weight_reading(reply: MtSicsReply, unit: str = "kg") -> WeightReading:
    """The weight in a ``S``/``SI`` reply; ``+``/``-`` become overload/underload states.

    ``unit`` is reported with overload and underload, whose replies carry none.

    Raises:
        DeviceError: status ``I`` (the scale cannot give a weight now).
        ProtocolError: an unknown status or a value that is not a number.
    """
    if reply.status == "+":
        return WeightReading(Decimal(0), unit, stable=False, state=WeightState.OVERLOAD)
    if reply.status == "-":
        return WeightReading(Decimal(0), unit, stable=False, state=WeightState.UNDERLOAD)
    if reply.status == "I":
        raise DeviceError(
            "MT-SICS scale is busy or could not reach stability in time (S I); weigh again",
        )
    if reply.status not in ("S", "D") or len(reply.fields) != 2:
        raise ProtocolError(f"MT-SICS weight reply not understood: {reply}", reply=reply)
    value, reply_unit = reply.fields
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ProtocolError(f"MT-SICS weight {value!r} is not a number", reply=reply) from exc
    if not number.is_finite():
        raise ProtocolError(f"MT-SICS weight {value!r} is not a number", reply=reply)
    return WeightReading(number, reply_unit, stable=reply.status == "S", state=WeightState.OK)


def encode_reply(command: str, status: str, *fields: str) -> bytes:
    """A reply line as a device sends it (used by the simulator)."""
    return " ".join((command, status, *fields)).encode("ascii") + CRLF


def encode_weight_reply(command: str, reading: WeightReading) -> bytes:
    """A weight reply: value right-aligned in 10 characters, as the manual shows."""
    if reading.state is WeightState.OVERLOAD:
        return encode_reply(command, "+")
    if reading.state is WeightState.UNDERLOAD:
        return encode_reply(command, "-")
    status = "S" if reading.stable else "D"
    return f"{command} {status} {reading.value:>10} {reading.unit}".encode("ascii") + CRLF
