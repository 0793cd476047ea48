"""ESC/POS: golden frames, python-escpos interop, tokeniser properties, driver against simulator."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import DeviceError, DeviceTimeoutError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.escpos import (
    ASCII_ONLY,
    EPSON_PC866,
    EscPosParser,
    EscPosPrinter,
    EscPosSimulator,
    decode_status,
    encode_text,
    parse,
)
from salescore.hardware.escpos.codec import (
    Alignment,
    StatusRequest,
    align,
    bold,
    cut,
    encode_status,
    feed,
    initialize,
    pulse_drawer,
    select_code_page,
    status_request,
)
from salescore.hardware.kinds import PrinterStatus
from salescore.hardware.peripheral_sim import Fault
from salescore.hardware.text import printable

RECEIPT = [
    "ООО «Ромашка»",
    "Хлеб бородинский   1 x 45,50",
    "Итого: 45,50 — спасибо!",
    "Total 45.50",
]

# --- golden frames (DEVICES.md §2) -------------------------------------------------------


def test_commands_encode_to_the_documented_bytes() -> None:
    assert initialize() == bytes.fromhex("1b40")
    assert select_code_page(17) == bytes.fromhex("1b7411")
    assert status_request(StatusRequest.PRINTER) == bytes.fromhex("100401")
    assert status_request(StatusRequest.PAPER) == bytes.fromhex("100404")
    assert cut() == bytes.fromhex("1b6406") + bytes.fromhex("1d5600")
    assert pulse_drawer() == bytes.fromhex("1b7000") + bytes([50, 50])
    assert align(Alignment.CENTER) == bytes.fromhex("1b6101")
    assert bold(True) == bytes.fromhex("1b4501")


def test_pc866_is_code_page_17_on_epson_profiles() -> None:
    assert EPSON_PC866.code_page.number == 0x11
    assert EPSON_PC866.code_page.codec == "cp866"


def test_status_bytes_observed_on_real_firmware_decode_to_the_right_state() -> None:
    assert decode_status(0x12, 0x12, 0x12, EPSON_PC866) == PrinterStatus(False, False, False, True)
    paper_out = decode_status(0x1A, 0x32, 0x7E, EPSON_PC866)
    assert paper_out.paper_out
    assert not paper_out.online
    assert not paper_out.cover_open
    cover_open = decode_status(0x1A, 0x16, 0x12, EPSON_PC866)
    assert cover_open.cover_open
    assert not cover_open.online
    assert not cover_open.paper_out


def test_a_byte_that_is_not_a_status_answer_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="fixed bits"):
        decode_status(0xFF, 0x12, 0x12, EPSON_PC866)


# --- text and code pages (H6) -----------------------------------------------------------------


def test_cyrillic_goes_out_in_cp866() -> None:
    assert encode_text("Хлеб", EPSON_PC866) == "Хлеб".encode("cp866")


def test_characters_outside_the_code_page_become_a_visible_replacement() -> None:
    assert encode_text("Хлеб", ASCII_ONLY) == b"????"
    assert encode_text("a☺b", EPSON_PC866) == b"a?b"


def test_control_characters_in_text_cannot_inject_commands() -> None:
    assert encode_text("x\x1bp\x00\x19", EPSON_PC866) == b"x?p??"


_INVISIBLE = {"\u200b", "\u00ad"}  # zero-width space and soft hyphen print as nothing


@settings(deadline=None)
@given(st.text(max_size=60))
def test_no_character_is_ever_dropped(text: str) -> None:
    for profile in (EPSON_PC866, ASCII_ONLY):
        for char in set(text) - _INVISIBLE:
            assert encode_text(char, profile), char
        assert encode_text(text, profile) == b"".join(encode_text(c, profile) for c in text)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("Хлеб молоко ЁЖЗ№ 0123456789,.-x"), max_size=60))
def test_encoded_text_decodes_back_to_the_same_text(text: str) -> None:
    assert encode_text(text, EPSON_PC866).decode("cp866") == text


# --- tokeniser ----------------------------------------------------------------------------------

_PIECES = {
    "ESC @": initialize(),
    "ESC t": select_code_page(17),
    "ESC a": align(Alignment.RIGHT),
    "ESC E": bold(False),
    "ESC d": feed(3),
    "GS V": bytes.fromhex("1d5600"),
    "ESC p": pulse_drawer(5),
    "DLE EOT": status_request(StatusRequest.OFFLINE_CAUSE),
    "LF": b"\n",
    "text": "Сумма 10,00".encode("cp866"),
}


@settings(deadline=None, max_examples=100)
@given(
    st.lists(st.sampled_from(sorted(_PIECES)), max_size=25),
    st.lists(st.integers(1, 7), min_size=1, max_size=10),
)
def test_a_stream_tokenises_to_its_commands_however_it_is_chunked(
    names: list[str], chunk_sizes: list[int]
) -> None:
    stream = b"".join(_PIECES[name] for name in names)
    parser = EscPosParser()
    tokens = []
    pos = 0
    for index in range(len(stream)):
        size = chunk_sizes[index % len(chunk_sizes)]
        tokens += parser.feed(stream[pos : pos + size])
        pos += size
        if pos >= len(stream):
            break
    parser.close()
    merged = [t.name for t in parse(stream)]
    expected: list[str] = []
    for name in names:  # adjacent text pieces merge into one token
        if not (name == "text" and expected and expected[-1] == "text"):
            expected.append(name)
    assert merged == expected
    assert b"".join(t.params for t in tokens if t.name == "text") == b"".join(
        _PIECES[n] for n in names if n == "text"
    )


def test_an_unknown_command_is_reported_with_its_offset() -> None:
    with pytest.raises(ProtocolError, match=r"unknown command ESC 0x01 at offset 2"):
        parse(b"ab\x1b\x01")


def test_a_stream_ending_inside_a_command_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="ends inside a command"):
        parse(b"\x1bp\x00")


@settings(deadline=None)
@given(st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_status_bytes_round_trip(
    paper_out: bool, cover_open: bool, drawer: bool, online: bool
) -> None:
    status = PrinterStatus(paper_out, cover_open, drawer, online)
    assert decode_status(*encode_status(status, EPSON_PC866), profile=EPSON_PC866) == status


# --- interop with python-escpos -----------------------------------------------------------------


def _dummy() -> object:
    printer = pytest.importorskip(
        "escpos.printer", reason="python-escpos (dev extra) is not installed"
    )
    return printer.Dummy()


def test_our_receipt_bytes_equal_python_escpos_for_the_same_receipt(
    pipe: tuple[Transport, Transport],
) -> None:
    dummy = _dummy()
    dummy.hw("INIT")  # type: ignore[attr-defined]
    dummy.charcode("CP866")  # type: ignore[attr-defined]
    for line in RECEIPT:  # python-escpos does not transliterate: give it our spelling
        dummy.textln(printable(line, "cp866"))  # type: ignore[attr-defined]
    dummy.cut()  # type: ignore[attr-defined]
    dummy.cashdraw(2)  # type: ignore[attr-defined]
    expected: bytes = dummy.output  # type: ignore[attr-defined]

    host, device = pipe
    printer = EscPosPrinter(host, check_status=False)
    printer.print_receipt(RECEIPT)
    printer.cut()
    printer.open_drawer()
    assert device.read_exactly(len(expected) + 1, timeout=0.2) == expected


def test_python_escpos_output_with_styles_barcodes_qr_and_images_is_accepted() -> None:
    dummy = _dummy()
    dummy.hw("INIT")  # type: ignore[attr-defined]
    dummy.set(align="center", bold=True, double_height=True, double_width=True)  # type: ignore[attr-defined]
    dummy.textln("Кассовый чек")  # type: ignore[attr-defined]
    dummy.set_with_default()  # type: ignore[attr-defined]
    dummy.textln("Молоко 2 x 89,90")  # type: ignore[attr-defined]
    dummy.barcode("4006381333931", "EAN13")  # type: ignore[attr-defined]
    dummy.qr("https://check.ofd.ru/rec/1", native=True)  # type: ignore[attr-defined]
    dummy.qr("t=20261123T1900&s=179.80", native=False)  # type: ignore[attr-defined]
    dummy.line_spacing(30)  # type: ignore[attr-defined]
    dummy.ln(2)  # type: ignore[attr-defined]
    dummy.cut(mode="PART")  # type: ignore[attr-defined]
    dummy.cashdraw(5)  # type: ignore[attr-defined]
    stream: bytes = dummy.output  # type: ignore[attr-defined]

    names = {token.name for token in parse(stream)}
    assert {"ESC @", "ESC a", "ESC E", "GS k", "GS (", "GS v", "GS V", "ESC p"} <= names
    # fed in 3-byte chunks, the simulated printer reads the same text back
    from salescore.hardware import pipe_pair

    _, device = pipe_pair()
    sim = EscPosSimulator(device)
    for start in range(0, len(stream), 3):
        sim.handle(stream[start : start + 3])
    assert not sim.errors
    assert "Кассовый чек" in sim.paper
    assert "Молоко 2 x 89,90" in sim.paper
    assert sim.cuts == 1
    assert sim.drawer_pulses == 1


# --- driver against the simulator ---------------------------------------------------------------


def test_a_receipt_prints_cuts_and_opens_the_drawer_over_every_link(
    link: tuple[Transport, Transport],
) -> None:
    host, device = link
    with EscPosSimulator(device) as sim:
        printer = EscPosPrinter(host, timeout=1.0)
        assert printer.status() == PrinterStatus(False, False, False, True)
        printer.print_receipt(RECEIPT)
        printer.cut()
        printer.open_drawer()
        assert printer.status().drawer_open
        assert sim.wait_until(lambda: sim.cuts == 1)
    assert sim.paper == [encode_text(line, EPSON_PC866).decode("cp866") for line in RECEIPT]
    assert sim.paper[1] == "Хлеб бородинский   1 x 45,50"
    assert sim.cuts == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.NO_REPLY, DeviceTimeoutError),
        (Fault.LATE_REPLY, DeviceTimeoutError),
        (Fault.GARBLED_REPLY, ProtocolError),
        (Fault.BAD_CHECKSUM, ProtocolError),
    ],
)
def test_a_link_fault_on_status_is_a_clear_error_and_the_next_status_is_right(
    pipe: tuple[Transport, Transport], fault: Fault, error: type[DeviceError]
) -> None:
    host, device = pipe
    with EscPosSimulator(device) as sim:
        printer = EscPosPrinter(host, timeout=0.2)
        sim.inject(fault)
        started = time.monotonic()
        with pytest.raises(error):
            printer.status()
        assert time.monotonic() - started < 1.0
        sim.paper_out = True
        assert printer.status().paper_out


@pytest.mark.parametrize("problem", ["paper_out", "cover_open"])
def test_no_receipt_is_sent_to_a_printer_that_cannot_print(
    pipe: tuple[Transport, Transport], problem: str
) -> None:
    host, device = pipe
    with EscPosSimulator(device) as sim:
        setattr(sim, problem, True)
        printer = EscPosPrinter(host, timeout=1.0)
        with pytest.raises(DeviceError, match=problem.replace("_", " ")):
            printer.print_receipt(["Хлеб"])
        assert not any(t.name == "text" for t in sim.tokens)
        setattr(sim, problem, False)
        printer.print_receipt(["Хлеб"])
        assert sim.wait_until(lambda: sim.paper == ["Хлеб"])
    assert sim.paper == ["Хлеб"]
