"""Shtrih-M v1 codec: golden frames, round trips, checksums, money without float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import InvalidAmountError, ProtocolError
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.codec import ACK, ENQ, NAK, FrameParser, encode_frame

# --- golden frames (DEVICES.md §1.1, bytes pyshtrih 2.0.6 sent) -------------------------------


def test_short_status_frame_equals_the_pyshtrih_golden_vector() -> None:
    frame = encode_frame(codec.ShortStatus(password=1).encode())
    assert frame == bytes.fromhex("02 05 10 01 00 00 00 14")


def test_sale_frame_equals_the_pyshtrih_golden_vector() -> None:
    command = codec.Sale(1, 1000, 4550, 1, (1, 0, 0, 0), "Хлеб")
    golden = bytes.fromhex("02 3c 80 01000000 e803000000 c611000000 01 01000000 d5ebe5e1")
    golden += bytes(36) + bytes.fromhex("bb")
    assert encode_frame(command.encode()) == golden


def test_close_receipt_frame_equals_the_pyshtrih_golden_vector() -> None:
    command = codec.CloseReceipt(1, 30000, 0, 0, 0, 0, (0, 0, 0, 0), "")
    frame = encode_frame(command.encode())
    assert frame[:10] == bytes.fromhex("02 47 85 01000000 307500")
    assert frame[10:-1] == bytes(len(frame) - 11)
    assert frame[-1] == 0x86


def test_a_two_byte_command_is_sent_big_endian() -> None:
    frame = encode_frame(codec.FnFindDocument(30, 7).encode())
    assert frame[:4] == bytes([0x02, 0x0A, 0xFF, 0x0A])
    assert frame[4:8] == (30).to_bytes(4, "little")
    assert frame[8:12] == (7).to_bytes(4, "little")


# --- round trips ----------------------------------------------------------------------------

u1 = st.integers(0, 0xFF)
u2 = st.integers(0, 0xFFFF)
u4 = st.integers(0, 0xFFFF_FFFF)
u5 = st.integers(0, 256**5 - 1)
s2 = st.integers(-0x8000, 0x7FFF)
taxes = st.tuples(u1, u1, u1, u1)
text = st.text(
    alphabet=st.characters(codec="cp1251", exclude_characters="\x00"), max_size=codec.TEXT_WIDTH
).filter(lambda t: len(t.encode("cp1251")) <= codec.TEXT_WIDTH)


def vtext(limit: int) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(codec="cp1251", exclude_characters="\x00"), max_size=limit
    ).filter(lambda t: len(t.encode("cp1251")) <= limit)


_KINDS: dict[str, st.SearchStrategy[Any]] = {
    "u6": st.integers(0, 256**6 - 1),
    "sums16": st.tuples(*[u5] * 16),
    "sums6": st.tuples(*[u5] * 6),
    "vtext128": vtext(128),
    "vtext64": vtext(64),
    "u1": u1,
    "u2": u2,
    "u4": u4,
    "u5": u5,
    "s2": s2,
    "taxes": taxes,
    "text": text,
    "raw": st.binary(max_size=40),
    "lp1": st.binary(max_size=200),
    "raw2": st.binary(min_size=2, max_size=2),
    "raw3": st.binary(min_size=3, max_size=3),
    "raw5": st.binary(min_size=5, max_size=5),
    "raw16": st.binary(min_size=16, max_size=16),
}


_BEYOND_LAYOUT: dict[type[Any], dict[str, st.SearchStrategy[Any]]] = {
    # 0xFF61 gives both lengths before both fields: encoded by hand, not by its layout.
    codec.CheckMarkingCode: {"marking": st.binary(max_size=150), "tlv": st.binary(max_size=90)},
}


def _instances(cls: type[Any]) -> st.SearchStrategy[Any]:
    fields = {name: _KINDS[kind] for name, kind in cls.layout}
    return st.builds(cls, **fields, **_BEYOND_LAYOUT.get(cls, {}))


@pytest.mark.parametrize(
    "cls", [codec.COMMANDS[code] for code in sorted(codec.COMMANDS)], ids=lambda c: c.__name__
)
@settings(max_examples=40)
@given(data=st.data())
def test_every_command_survives_encode_then_decode(cls: type[codec.Command], data: Any) -> None:
    command = data.draw(_instances(cls))
    frame = encode_frame(command.encode())
    parser = FrameParser()
    parser.feed(frame)
    payload = parser.next_event()
    assert isinstance(payload, bytes)
    assert codec.decode_command(payload) == command


_REPLY_CLASSES = sorted(
    {*codec.REPLIES.values(), codec.OperatorReply} - {codec.DeviceTypeReply},
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", _REPLY_CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=40)
@given(data=st.data())
def test_every_reply_survives_encode_then_decode(cls: type[codec.Reply], data: Any) -> None:
    reply = data.draw(_instances(cls))
    code = next((c for c, r in codec.REPLIES.items() if r is cls), 0x80)
    decoded_code, error, decoded = codec.decode_reply(codec.encode_reply(code, 0, reply))
    assert (decoded_code, error) == (code, 0)
    assert decoded == reply


@given(name=text.filter(bool), model=u1)
def test_device_type_reply_survives_encode_then_decode(name: str, model: int) -> None:
    reply = codec.DeviceTypeReply(0, 0, 1, 0, model, 0, name)
    assert codec.decode_reply(codec.encode_reply(0xFC, 0, reply)) == (0xFC, 0, reply)


@given(code=st.sampled_from(sorted(codec.COMMANDS)), error=st.integers(1, 255))
def test_an_error_reply_carries_only_the_code_and_the_error(code: int, error: int) -> None:
    payload = codec.encode_reply(code, error, codec.OperatorReply(1))
    assert codec.decode_reply(payload) == (code, error, None)
    assert len(payload) == (3 if code > 0xFF else 2)


# --- framing --------------------------------------------------------------------------------


@given(payload=st.binary(min_size=1, max_size=255), noise=st.binary(max_size=5))
def test_the_parser_finds_a_frame_after_noise_and_in_any_chunking(
    payload: bytes, noise: bytes
) -> None:
    noise = bytes(b for b in noise if b not in (0x02, ACK, NAK, ENQ))
    stream = noise + encode_frame(payload)
    parser = FrameParser()
    events: list[object] = []
    for byte in stream:
        parser.feed(bytes([byte]))
        while (event := parser.next_event()) is not None:
            events.append(event)
    assert events == [payload]


@given(payload=st.binary(min_size=1, max_size=255), flip=st.integers(1, 255))
def test_a_corrupted_checksum_is_reported_not_returned(payload: bytes, flip: int) -> None:
    frame = bytearray(encode_frame(payload))
    frame[-1] ^= flip
    parser = FrameParser()
    parser.feed(bytes(frame))
    assert isinstance(parser.next_event(), ProtocolError)


def test_the_parser_reports_control_bytes_and_skips_ff_noise() -> None:
    parser = FrameParser()
    parser.feed(bytes([0xFF, 0xFF, ACK, NAK, ENQ]))
    assert [parser.next_event() for _ in range(4)] == [ACK, NAK, ENQ, None]


def test_a_short_command_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="data ended"):
        codec.decode_command(bytes([0x80, 1, 0, 0]))


def test_an_unknown_command_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="unknown"):
        codec.decode_command(bytes([0x77]))


def test_text_is_cp1251_padded_and_unencodable_characters_are_replaced_not_dropped() -> None:
    command = codec.Sale(1, 1000, 100, 1, (0, 0, 0, 0), "Чай ☕")
    data = command.encode()
    assert data[-codec.TEXT_WIDTH :].rstrip(b"\x00") == "Чай ?".encode("cp1251")
    long_name = codec.Sale(1, 1000, 100, 1, (0, 0, 0, 0), "Я" * 60)
    assert len(long_name.encode()) == 1 + 4 + 5 + 5 + 1 + 4 + codec.TEXT_WIDTH


# --- money and quantity ----------------------------------------------------------------------


@given(kopecks=st.integers(0, 256**5 - 1))
def test_kopecks_round_trip_through_decimal(kopecks: int) -> None:
    assert codec.to_kopecks(codec.from_kopecks(kopecks)) == kopecks


@given(thousandths=st.integers(0, 256**5 - 1))
def test_thousandths_round_trip_through_decimal(thousandths: int) -> None:
    assert codec.to_thousandths(codec.from_thousandths(thousandths)) == thousandths


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(InvalidAmountError, match="float"):
        codec.to_kopecks(45.5)  # type: ignore[arg-type]


def test_an_amount_with_more_than_two_decimals_is_refused_not_rounded() -> None:
    with pytest.raises(InvalidAmountError, match="round it first"):
        codec.to_kopecks(Decimal("1.005"))


def test_frames_over_255_bytes_cannot_be_built() -> None:
    with pytest.raises(ProtocolError):
        encode_frame(bytes(256))


def test_reply_layouts_are_attrs_classes() -> None:
    assert all(attrs.has(cls) for cls in codec.REPLIES.values())
