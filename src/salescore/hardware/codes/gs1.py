"""GS1 element strings and marking codes (Честный ЗНАК) from a DataMatrix scan.

A marking code is a GS1 element string: ``01`` + GTIN (14 digits), ``21`` +
serial, then a ``GS`` (0x1D) separator and the tail, e.g. ``91`` key (4) and
``92`` crypto code (44 or 88), or ``93`` + 4 characters for water and dairy.
Variable-length elements end at a ``GS`` — which keyboard-wedge scanners
often drop (hazard H8). AI digits may occur inside the data, so without the
separators the split is ambiguous, and then this module refuses instead of
guessing. A caller who knows the product group's serial length may pass it:
that is knowledge, not a guess.

>>> GS = "\\x1d"
>>> code = "0104600439931256" + "21JgXJ5.T1lO4Vx" + GS + "91EE06" + GS + "92" + "A" * 44
>>> parsed = parse_marking_code(code)
>>> parsed.gtin, parsed.serial, parsed.elements["91"]
('04600439931256', 'JgXJ5.T1lO4Vx', 'EE06')
>>> parse_marking_code(code.replace(GS, ""))
Traceback (most recent call last):
...
salescore.errors.AmbiguousCodeError: ...the group separators (GS) are missing...
>>> parse_marking_code(code.replace(GS, ""), serial_length=13).serial
'JgXJ5.T1lO4Vx'

A short code whose serial could end in a ``93`` element is ambiguous too:

>>> parse_marking_code("0104600439931256" + "21ABCDEFGHIJKLM" + "93dGVz")
Traceback (most recent call last):
...
salescore.errors.AmbiguousCodeError: ...group separators (GS) are missing...
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from salescore.errors import AmbiguousCodeError, InvalidInputError
from salescore.hardware.codes.ean import is_valid_gtin

__all__ = ["GS", "MarkingCode", "clean_scan", "parse_element_string", "parse_marking_code"]

GS = "\x1d"

#: Elements with a fixed length (GS1 General Specifications, "predefined length").
_FIXED = {
    "00": 18,
    "01": 14,
    "02": 14,
    "11": 6,
    "12": 6,
    "13": 6,
    "15": 6,
    "16": 6,
    "17": 6,
    "20": 2,
    "8005": 6,
    "91": 4,
    "93": 4,
}
#: Elements we know with a variable length (and their maximum).
_VARIABLE = {"10": 20, "21": 20, "92": 88, "240": 30, "250": 30, "8008": 12, "94": 90}
#: Elements that need no separator after them even when not last (GS1 predefined-length table).
_NO_SEPARATOR = {"00", "01", "02", "11", "12", "13", "15", "16", "17", "20"}
_SYMBOLOGY_PREFIXES = ("]d2", "]C1", "]Q3")
_FNC1_FORMS = ("\xe8", "<GS>", "\x1d")


def _strip_prefix(code: str) -> str:
    for prefix in _SYMBOLOGY_PREFIXES:
        if code.startswith(prefix):
            code = code[len(prefix) :]
            break
    for fnc1 in _FNC1_FORMS:
        if code.startswith(fnc1):
            code = code[len(fnc1) :]
            break
    return code.replace("<GS>", GS)


def clean_scan(code: str) -> str:
    """``code`` without its symbology prefix and leading FNC1, ``<GS>`` as the GS byte.

    >>> clean_scan("]d2" + "0104600439931256" + "21ABC<GS>93dGVz")
    '010460043993125621ABC\\x1d93dGVz'
    """
    return _strip_prefix(code)


def _ai_at(code: str, pos: int) -> str:
    for size in (2, 3, 4):
        candidate = code[pos : pos + size]
        if candidate in _FIXED or candidate in _VARIABLE:
            return candidate
    raise InvalidInputError(
        f"unknown GS1 application identifier at position {pos}: {code[pos : pos + 4]!r}",
        position=pos,
    )


def parse_element_string(code: str, serial_length: int | None = None) -> dict[str, str]:
    """Split a GS1 element string into ``{AI: value}``.

    Args:
        code: the scanned text (a leading ``]d2`` or FNC1 is dropped; ``<GS>`` counts as GS).
        serial_length: the length of AI ``21`` when the scan has no separators;
            giving it also vouches for the marking layout (``91``/``93`` are 4 characters).

    Raises:
        AmbiguousCodeError: a variable-length element is followed by more data
            without a GS, and ``serial_length`` does not settle it.
        InvalidInputError: unknown identifiers, wrong lengths, a bad GTIN.
    """
    code = _strip_prefix(code)
    elements: dict[str, str] = {}
    pos = 0
    while pos < len(code):
        if code[pos] == GS:
            pos += 1
            continue
        ai = _ai_at(code, pos)
        start = pos + len(ai)
        if ai in _FIXED:
            end = start + _FIXED[ai]
            if end > len(code) or GS in code[start:end]:
                raise InvalidInputError(f"GS1 element {ai} needs {_FIXED[ai]} characters", ai=ai)
            # 91 and 93 are 4 characters by the marking rules, not by GS1's;
            # without a GS after them we trust that only when the caller vouches
            # for the marking layout by giving the serial length.
            unseparated = end < len(code) and code[end] != GS
            if ai not in _NO_SEPARATOR and unseparated and serial_length is None:
                raise AmbiguousCodeError(_missing_gs(ai), ai=ai)
        else:
            separator = code.find(GS, start)
            if separator >= 0:
                end = separator
            elif ai == "21" and serial_length is not None and start + serial_length < len(code):
                end = start + serial_length
            elif _only_tail(code, start, _VARIABLE[ai]) and not (
                GS not in code and _could_hold_more(code[start:])
            ):
                end = len(code)
            else:
                raise AmbiguousCodeError(_missing_gs(ai), ai=ai)
            if not 0 < end - start <= _VARIABLE[ai]:
                raise InvalidInputError(f"GS1 element {ai} has length {end - start}", ai=ai)
        if ai in elements:
            raise InvalidInputError(f"GS1 element {ai} occurs twice", ai=ai)
        elements[ai] = code[start:end]
        pos = end
    if "01" in elements and not is_valid_gtin(elements["01"]):
        raise InvalidInputError(
            f"GTIN {elements['01']} has a wrong check digit", gtin=elements["01"]
        )
    return elements


def _only_tail(code: str, start: int, maximum: int) -> bool:
    # Without a GS the value runs to the end; that is certain only if it fits.
    return len(code) - start <= maximum


#: Elements that follow the serial in marking codes: a serial that ends in one
#: of them (and its data) may be a serial whose GS the scanner ate.
_MARKING_TAILS = ("91", "92", "93", "8005")


def _could_hold_more(value: str) -> bool:
    # A last element without any GS in the scan: if its tail also reads as
    # complete marking elements (e.g. "…93abcd"), the scanner may have eaten a GS.
    for split in range(1, len(value)):
        if not value.startswith(_MARKING_TAILS, split):
            continue
        try:
            parse_element_string(value[split:])
        except InvalidInputError:
            continue
        return True
    return False


def _missing_gs(ai: str) -> str:
    return (
        f"cannot tell where GS1 element {ai} ends: the group separators (GS) are missing "
        "from the scan; configure the scanner to send GS (0x1D), or give the serial length"
    )


@attrs.frozen
class MarkingCode:
    """A marking code: GTIN, serial and the other elements by AI."""

    gtin: str
    serial: str
    elements: Mapping[str, str]


def parse_marking_code(code: str, serial_length: int | None = None) -> MarkingCode:
    """Parse a Честный ЗНАК marking code (``01`` GTIN + ``21`` serial + tail).

    Raises:
        AmbiguousCodeError: the GS separators are missing and the split is not certain.
        InvalidInputError: not a marking code (no GTIN or serial, bad check digit).
    """
    elements = parse_element_string(code, serial_length)
    if "01" not in elements or "21" not in elements:
        raise InvalidInputError(
            f"a marking code needs AI 01 (GTIN) and 21 (serial), got {sorted(elements)}"
        )
    if serial_length is not None and len(elements["21"]) != serial_length:
        raise InvalidInputError(
            f"serial {elements['21']!r} is not {serial_length} characters long",
            serial=elements["21"],
        )
    return MarkingCode(elements["01"], elements["21"], elements)
