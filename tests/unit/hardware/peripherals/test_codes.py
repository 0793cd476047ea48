"""Codes: check digits against two oracles, weight EAN-13, GS1 marking codes, scanners."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import AmbiguousCodeError, InvalidInputError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.codes import (
    GS,
    EmbeddedLayout,
    LineScanner,
    ScannerSimulator,
    complete_gtin,
    decode_embedded,
    encode_embedded,
    gtin_check_digit,
    is_valid_gtin,
    parse_element_string,
    parse_marking_code,
)


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


# --- check digits against two independent oracles ----------------------------------------


@settings(deadline=None, max_examples=200)
@given(
    st.sampled_from([(12, "EAN13"), (7, "EAN8"), (11, "UPCA")]).flatmap(
        lambda kind: st.tuples(_digits(kind[0]), st.just(kind[1]))
    )
)
def test_check_digits_agree_with_python_barcode_and_stdnum(case: tuple[str, str]) -> None:
    barcode = pytest.importorskip("barcode", reason="python-barcode (dev extra) is not installed")
    ean = pytest.importorskip("stdnum.ean", reason="python-stdnum (dev extra) is not installed")
    payload, symbology = case
    assert complete_gtin(payload) == getattr(barcode, symbology)(payload).get_fullcode()
    assert gtin_check_digit(payload) == ean.calc_check_digit(payload)


@settings(deadline=None, max_examples=200)
@given(st.sampled_from([8, 12, 13, 14]).flatmap(_digits))
def test_validity_agrees_with_stdnum(code: str) -> None:
    ean = pytest.importorskip("stdnum.ean", reason="python-stdnum (dev extra) is not installed")
    assert is_valid_gtin(code) == ean.is_valid(code)


@pytest.mark.parametrize("payload", ["12345", "46004399312a", "", "１２３４５６７８９０１２"])
def test_payloads_of_no_gtin_length_or_non_digits_are_refused(payload: str) -> None:
    with pytest.raises(InvalidInputError, match="GTIN payload"):
        gtin_check_digit(payload)


# --- weight and price EAN-13 -----------------------------------------------------------------


def test_the_documented_weight_code_decodes() -> None:
    code = decode_embedded("2100123012503", EmbeddedLayout.parse("21IIIIIWWWWWC"))
    assert (code.item, code.weight, code.price) == ("00123", Decimal("1.250"), None)


@settings(deadline=None)
@given(
    st.sampled_from(["21IIIIIWWWWWC", "23IIIIIPPPPPC", "27IIIIIIWWWWC", "29IIIIWWWWWWC"]),
    st.data(),
)
def test_embedded_codes_round_trip_exactly(pattern: str, data: st.DataObject) -> None:
    layout = EmbeddedLayout.parse(pattern)
    item = data.draw(_digits(layout.item_digits))
    units = data.draw(st.integers(0, 10**layout.value_digits - 1))
    value = Decimal(units).scaleb(-layout.decimals)
    code = encode_embedded(item, value, layout)
    assert len(code) == 13
    assert is_valid_gtin(code)
    decoded = decode_embedded(code, layout)
    assert decoded.item == item
    assert (decoded.weight if layout.value_kind == "W" else decoded.price) == value


def test_a_value_with_more_decimals_than_the_layout_is_refused_not_rounded() -> None:
    with pytest.raises(InvalidInputError, match="does not fit"):
        encode_embedded("00123", Decimal("1.2505"), EmbeddedLayout.parse("21IIIIIWWWWWC"))


def test_a_float_weight_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="Decimal"):
        encode_embedded("00123", 1.25, EmbeddedLayout.parse("21IIIIIWWWWWC"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "message"),
    [("2100123012504", "check digit"), ("2200123012500", "prefix"), ("210012301250", "EAN-13")],
)
def test_wrong_weight_codes_are_refused(code: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        decode_embedded(code, EmbeddedLayout.parse("21IIIIIWWWWWC"))


def test_a_malformed_layout_pattern_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="pattern"):
        EmbeddedLayout.parse("19IIIIIWWWWWC")


# --- GS1 marking codes (H8) ----------------------------------------------------------------------

GTIN = "04600439931256"
SHOES = f"01{GTIN}21JgXJ5.T1lO4Vx{GS}91EE06{GS}92" + "dGVzdA" * 7 + "AB"
WATER = f"01{GTIN}215NqVt8fJpbqA.{GS}93dGVz"


def test_a_marking_code_with_gs_separators_parses() -> None:
    code = parse_marking_code(SHOES)
    assert (code.gtin, code.serial) == (GTIN, "JgXJ5.T1lO4Vx")
    assert code.elements["91"] == "EE06"
    assert len(code.elements["92"]) == 44
    assert parse_marking_code(WATER).elements["93"] == "dGVz"


@pytest.mark.parametrize("prefix", ["]d2", "\x1d", "\xe8"])
def test_symbology_identifier_and_leading_fnc1_are_ignored(prefix: str) -> None:
    assert parse_marking_code(prefix + SHOES).serial == "JgXJ5.T1lO4Vx"


@pytest.mark.parametrize("code", [SHOES, WATER])
def test_a_marking_code_without_gs_is_rejected_as_ambiguous(code: str) -> None:
    with pytest.raises(AmbiguousCodeError, match="GS"):
        parse_marking_code(code.replace(GS, ""))


@pytest.mark.parametrize("code", [SHOES, WATER])
def test_with_the_known_serial_length_a_code_without_gs_parses_the_same(code: str) -> None:
    assert parse_marking_code(code.replace(GS, ""), serial_length=13) == parse_marking_code(code)


def test_a_plain_gtin_and_serial_without_a_tail_needs_no_separator() -> None:
    assert parse_element_string(f"01{GTIN}21ABC123") == {"01": GTIN, "21": "ABC123"}
    assert parse_element_string(f"01{GTIN}21AB10XYZ17") == {"01": GTIN, "21": "AB10XYZ17"}


def test_a_marking_code_with_a_wrong_gtin_check_digit_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="check digit"):
        parse_marking_code(SHOES.replace(GTIN, GTIN[:-1] + "7"))


@settings(deadline=None)
@given(
    st.text(
        alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789.",
        min_size=13,
        max_size=13,
    ),
    st.text(alphabet="ABCDEFabcdef0123456789", min_size=4, max_size=4),
)
def test_any_water_code_either_parses_right_or_is_refused_when_gs_is_lost(
    serial: str, tail: str
) -> None:
    code = f"01{GTIN}21{serial}{GS}93{tail}"
    assert parse_marking_code(code).serial == serial
    try:
        parsed = parse_marking_code(code.replace(GS, ""))
    except InvalidInputError:
        return
    assert parsed.serial == serial  # accepted only if it is the one right reading


# --- the line-framed scanner reader (G9) ---------------------------------------------------------


def test_scans_are_framed_on_the_suffix_over_every_link(link: tuple[Transport, Transport]) -> None:
    host, device = link
    scanner_sim = ScannerSimulator(device)
    reader = LineScanner(host)
    scanner_sim.scan("4600439931256")
    scanner_sim.scan(SHOES)
    assert reader.read_code(0.5) == "4600439931256"
    assert reader.read_code(0.5) == SHOES
    assert reader.read_code(0.02) is None


def test_a_cr_lf_scanner_works_with_a_cr_suffix(pipe: tuple[Transport, Transport]) -> None:
    host, device = pipe
    device.write(b"123\r\n456\r\n")
    reader = LineScanner(host)
    assert [reader.read_code(0.1), reader.read_code(0.1)] == ["123", "456"]


def test_a_scan_cut_off_mid_line_is_reported_and_the_next_scan_is_clean(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    scanner_sim = ScannerSimulator(device)
    reader = LineScanner(host)
    scanner_sim.scan("4600439931256", truncate=True)
    with pytest.raises(ProtocolError, match="cut off"):
        reader.read_code(0.05)
    scanner_sim.scan("4600439931256")
    assert reader.read_code(0.2) == "4600439931256"


def test_garbled_bytes_from_wrong_line_settings_are_a_protocol_error(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    ScannerSimulator(device).scan("46004399", garble=True)
    with pytest.raises(ProtocolError, match="non-ASCII"):
        LineScanner(host).read_code(0.2)


def test_a_keyboard_wedge_that_drops_gs_yields_a_code_that_is_refused(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    ScannerSimulator(device).scan(SHOES, drop_gs=True)
    scanned = LineScanner(host).read_code(0.2)
    assert scanned is not None
    with pytest.raises(AmbiguousCodeError):
        parse_marking_code(scanned)


def test_the_scanner_simulator_scans_typed_lines_with_gs_markers(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    ScannerSimulator(device).serve_forever(["4600439931256\n", "\n", f"01{GTIN}21ABC<GS>93dGVz\n"])
    reader = LineScanner(host)
    assert reader.read_code(0.5) == "4600439931256"
    assert reader.read_code(0.5) == f"01{GTIN}21ABC{GS}93dGVz"
