"""Long item names on a Shtrih-M register: wrapped over print lines, registered in full.

Sources of the expected behaviour (not written by us):

* 0x17 "print string" is password, flags (bit 0 control tape, bit 1 receipt
  tape), then the text padded to 40 bytes: the frame pyshtrih 2.0.6's
  ``print_string`` sends, compared byte for byte below.
* 0xFF46's name field holds 0-128 bytes, and "a string that starts with ``//``
  is sent to the OFD server but not printed": the vendor's note on "Операция
  V2", repeated in independent drivers (the Go driver ``dmmartynyuk/kkm-shtrih``
  and the Java ``ShtrihOperation`` class), so a name wrapped by the host is not
  printed a second time.
* FFD: the item name [наименование предмета расчета], tag 1030, is at most 128
  characters.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.errors import InvalidInputError
from salescore.hardware.fiscal import Payment, PaymentType, Receipt, ReceiptKind, ReceiptLine
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.text import fit_bytes, wrap_text
from salescore.testing.devices import FAST_TIMEOUTS, shtrih_rig

LONG = "Молоко ультрапастеризованное «Домик в деревне» 3,2% 950 г"
"""57 characters, one byte each in CP1251 (which has «»): too long for a 40-byte line."""


def _receipt(name: str, receipt_id: str = "names-1") -> Receipt:
    return Receipt(
        receipt_id,
        ReceiptKind.SALE,
        lines=(ReceiptLine(name, Decimal("1"), Decimal("99.90")),),
        payments=(Payment(PaymentType.CASH, Decimal("100.00")),),
    )


def test_print_string_frame_equals_what_pyshtrih_sends() -> None:
    pytest.importorskip("pyshtrih", reason="pyshtrih (dev extra) is not installed")
    from tests.unit.hardware.test_shtrih_interop import pyshtrih_on

    from salescore.hardware.shtrih.simulator import ShtrihSimulator

    simulator = ShtrihSimulator()
    with pyshtrih_on("pty", simulator) as device:
        device.print_string("Молоко 3,2%", control_tape=False, cash_tape=True)
    sent = [p for p in simulator.received if p[0] == 0x17]
    assert sent == [codec.PrintString(1, 0x02, "Молоко 3,2%").encode()]
    assert sent[0][:6] == bytes([0x17, 1, 0, 0, 0, 0x02])
    assert sent[0][6:17] == "Молоко 3,2%".encode("cp1251")
    assert len(sent[0]) == 6 + 40
    assert simulator.device.tape == ["Молоко 3,2%"]


def test_a_long_name_is_wrapped_at_words_and_its_first_line_registered_under_ffd_105() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        result = r.driver.process_check(_receipt(LONG))
        device = r.simulator.device
        assert device.tape == [
            "Молоко ультрапастеризованное «Домик в",
            "деревне» 3,2% 950 г",
        ]
        assert device.receipts[0].items == ("Молоко ультрапастеризованное «Домик в",)
        assert len(result.warnings) == 1
        assert "ffd='1.2'" in result.warnings[0]


def test_under_ffd_12_the_name_is_printed_wrapped_and_registered_whole_without_reprinting() -> None:
    with shtrih_rig() as r:
        driver = ShtrihDriver(
            r.transport, r.journal, ffd="1.2", clock=r.simulator.device, **FAST_TIMEOUTS
        )
        driver.open_shift()
        result = driver.process_check(_receipt(LONG))
        device = r.simulator.device
        assert device.tape == ["Молоко ультрапастеризованное «Домик в", "деревне» 3,2% 950 г"]
        assert device.receipts[0].items == (LONG,)
        sent = [codec.decode_command(p) for p in r.simulator.received]
        operation = next(c for c in sent if isinstance(c, codec.OperationV2))
        assert operation.name == "//" + LONG
        assert result.warnings == ()


def test_a_short_name_goes_as_it_is_and_nothing_extra_is_printed() -> None:
    with shtrih_rig() as r:
        driver = ShtrihDriver(
            r.transport, r.journal, ffd="1.2", clock=r.simulator.device, **FAST_TIMEOUTS
        )
        driver.open_shift()
        driver.process_check(_receipt("Хлеб"))
        assert r.simulator.device.tape == ["Хлеб"]
        assert r.simulator.device.receipts[0].items == ("Хлеб",)
        assert not any(p[0] == 0x17 for p in r.simulator.received)


def test_a_name_over_128_bytes_is_cut_for_the_fiscal_storage_only_with_a_warning() -> None:
    name = " ".join(["Сыр"] * 40)  # 159 characters, one byte each in CP1251
    with shtrih_rig() as r:
        driver = ShtrihDriver(
            r.transport, r.journal, ffd="1.2", clock=r.simulator.device, **FAST_TIMEOUTS
        )
        driver.open_shift()
        result = driver.process_check(_receipt(name))
        device = r.simulator.device
        assert " ".join(device.tape) == name  # the paper shows all of it
        registered = device.receipts[0].items[0]
        assert registered == name[:126]
        assert len(registered.encode("cp1251")) == 126
        assert "tag 1030" in result.warnings[0]


def test_characters_cp1251_lacks_are_transliterated_not_replaced() -> None:
    with shtrih_rig() as r:
        r.driver.open_shift()
        r.driver.process_check(_receipt("Кофе — 150 ₽"))
        assert r.simulator.device.tape == ["Кофе — 150 руб."]


def test_the_print_width_is_checked() -> None:
    with shtrih_rig() as r, pytest.raises(InvalidInputError, match="print_width"):
        ShtrihDriver(r.transport, r.journal, print_width=41)


words = st.lists(
    st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяABC€«»", min_size=1, max_size=30),
    min_size=1,
    max_size=12,
)


@given(words, st.integers(4, 40), st.sampled_from(["utf-8", "cp1251", None]))
def test_wrapping_keeps_every_character_in_order_and_each_line_fits(
    parts: list[str], width: int, encoding: str | None
) -> None:
    text = " ".join(parts)
    lines = wrap_text(text, width, encoding=encoding)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        size = len(line) if encoding is None else len(line.encode(encoding))
        assert size <= width
    # a word that fits a line is never split
    for word in parts:
        fits = (len(word) if encoding is None else len(word.encode(encoding))) <= width
        if fits:
            assert any(word in line.split(" ") for line in lines)


def test_fit_bytes_never_cuts_inside_a_character() -> None:
    assert fit_bytes("ёж", 3, "utf-8") == "ё"  # ё is 2 bytes, ж would make 4
    assert fit_bytes("ёж", 4, "utf-8") == "ёж"
    assert fit_bytes("ёж", 1, "cp1251") == "ё"
