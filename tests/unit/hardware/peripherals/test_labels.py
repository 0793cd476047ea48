"""ZPL labels: golden labels, escaping, templates (G2), the printer driver against the simulator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import DeviceError, DeviceTimeoutError, InvalidInputError, ProtocolError
from salescore.hardware import Transport
from salescore.hardware.codes import GS, EmbeddedLayout, encode_embedded
from salescore.hardware.labels import (
    PRICE_TAG_58X40,
    WEIGHT_LABEL_58X60,
    LabelTemplate,
    TextElement,
    ZplLabel,
    ZplPrinter,
    ZplSimulator,
    ZplStatus,
    parse_zpl,
)
from salescore.hardware.labels.printer import encode_host_status, parse_host_status
from salescore.hardware.labels.zpl import field_text
from salescore.hardware.peripheral_sim import Fault
from salescore.money import Money, Rounding

# --- golden labels (ZPL II Programming Guide command syntax) -----------------------------------


def test_a_text_and_ean13_label_is_the_expected_zpl() -> None:
    label = ZplLabel(width=464, length=320)
    label.text(50, 50, "Hello", height=50, width=50)
    label.ean13(100, 100, "4006381333931", height=100)
    label.quantity(3)
    assert label.build() == (
        b"^XA^CI28^PW464^LL320"
        b"^FO50,50^A0N,50,50^FH^FDHello^FS"
        b"^FO100,100^BY2^BEN,100,Y,N^FD400638133393^FS"
        b"^PQ3^XZ"
    )


def test_every_label_selects_utf8_so_cyrillic_survives() -> None:
    label = ZplLabel()
    label.text(0, 0, "Сыр")
    data = label.build()
    assert data.startswith(b"^XA^CI28")
    assert "Сыр".encode() in data


def test_a_marking_code_datamatrix_uses_fnc1_for_start_and_separators() -> None:
    label = ZplLabel()
    label.datamatrix(10, 10, f"0104600439931256{'21'}ABC{GS}93dGVz")
    assert b"^BXN,5,200,,,,~^FD~10104600439931256" + b"21ABC~193dGVz^FS" in label.build()


def test_datamatrix_data_outside_the_gs1_character_set_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="cannot contain"):
        ZplLabel().datamatrix(0, 0, "01^XZ")


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_field_text_survives_escaping_and_cannot_break_the_label(text: str) -> None:
    label = ZplLabel()
    label.text(0, 0, text)
    commands = parse_zpl(label.build())
    assert [c.command for c in commands] == ["^XA", "^CI", "^FO", "^A0", "^FH", "^FD", "^FS", "^XZ"]
    field = next(c for c in commands if c.command == "^FD")
    assert field_text(field.params, hex_escapes=True) == text


def test_an_ean13_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="check digit"):
        ZplLabel().ean13(0, 0, "4006381333932")


# --- templates (G2) ----------------------------------------------------------------------------


def test_a_price_tag_renders_name_price_and_barcode() -> None:
    zpl = PRICE_TAG_58X40.render(
        {
            "name": "Молоко 3,2%",
            "price": Money("89.9", "RUB"),
            "unit": "шт",
            "barcode": "4600439931256",
        }
    )
    commands = parse_zpl(zpl)
    fields = [field_text(c.params, True) for c in commands if c.command == "^FD"]
    assert fields == ["Молоко 3,2%", "89,90 ₽/шт", "460043993125"]


def test_a_weight_label_carries_the_weight_barcode_of_the_same_weight() -> None:
    weight, price = Decimal("0.735"), Money("499.00", "RUB")
    total = price.multiply(weight, Rounding.HALF_UP)
    barcode = encode_embedded("00042", weight, EmbeddedLayout.parse("21IIIIIWWWWWC"))
    zpl = WEIGHT_LABEL_58X60.render(
        {
            "name": "Сыр российский",
            "weight": weight,
            "price_per_kg": price,
            "total": total,
            "packed": "23.11.2026",
            "barcode": barcode,
        }
    )
    assert "Вес: 0,735 кг".encode() in zpl
    assert "Сумма: 366,77 ₽".encode() in zpl  # 499.00 x 0.735 = 366.765, half up
    assert barcode[:12].encode() in zpl


def test_a_float_value_is_refused() -> None:
    values: dict[str, object] = {"name": "x", "price": 1.5, "unit": "шт", "barcode": "1"}
    with pytest.raises(InvalidInputError, match=r"float|Decimal"):
        PRICE_TAG_58X40.render(values)  # type: ignore[arg-type]


def test_a_template_placeholder_must_be_a_plain_name() -> None:
    template = LabelTemplate("bad", 100, 100, (TextElement(0, 0, "{item.__class__}"),))
    with pytest.raises(InvalidInputError, match="plain value name"):
        template.render({"item": "x"})


# --- printer and simulator ----------------------------------------------------------------------


@settings(deadline=None)
@given(st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_host_status_round_trips(paper: bool, paused: bool, head: bool, ribbon: bool) -> None:
    status = ZplStatus(paper, paused, head, ribbon)
    assert parse_host_status(encode_host_status(status)) == status


def test_labels_print_over_every_link(link: tuple[Transport, Transport]) -> None:
    host, device = link
    with ZplSimulator(device) as sim:
        printer = ZplPrinter(host, timeout=1.0)
        printer.print_label(
            PRICE_TAG_58X40.render(
                {
                    "name": "Хлеб",
                    "price": Decimal("45.50"),
                    "unit": "шт",
                    "barcode": "4600439931256",
                },
                copies=2,
            )
        )
        assert sim.wait_printed(1)
    assert sim.printed[0].texts == ["Хлеб", "45,50 ₽/шт"]
    assert sim.printed[0].barcodes == ["460043993125"]
    assert sim.printed[0].copies == 2


@pytest.mark.parametrize("problem", ["paper_out", "head_open", "paused", "ribbon_out"])
def test_no_label_is_sent_to_a_printer_that_cannot_print(
    pipe: tuple[Transport, Transport], problem: str
) -> None:
    host, device = pipe
    with ZplSimulator(device) as sim:
        setattr(sim, problem, True)
        with pytest.raises(DeviceError, match=problem.replace("_", " ")):
            ZplPrinter(host, timeout=1.0).print_label(ZplLabel().build())
    assert sim.printed == []


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.NO_REPLY, DeviceTimeoutError),
        (Fault.LATE_REPLY, DeviceTimeoutError),
        (Fault.GARBLED_REPLY, ProtocolError),
        (Fault.TRUNCATED_REPLY, ProtocolError),
    ],
)
def test_a_status_fault_prints_nothing_and_the_next_label_prints_once(
    pipe: tuple[Transport, Transport], fault: Fault, error: type[DeviceError]
) -> None:
    host, device = pipe
    with ZplSimulator(device) as sim:
        printer = ZplPrinter(host, timeout=0.2)
        sim.inject(fault)
        with pytest.raises(error):
            printer.print_label(ZplLabel().build())
        printer.print_label(ZplLabel().build())
        assert sim.wait_printed(1)
    assert len(sim.printed) == 1


def test_data_that_is_not_zpl_is_refused() -> None:
    from salescore.hardware import pipe_pair

    with pytest.raises(InvalidInputError, match="ZPL"):
        ZplPrinter(pipe_pair()[0]).print_label(b"hello")


def test_a_label_without_ci28_prints_cyrillic_as_garbage_on_the_simulator(
    pipe: tuple[Transport, Transport],
) -> None:
    host, device = pipe
    raw = "^XA^FO10,10^A0N,30,0^FDСыр^FS^XZ".encode()  # what a library without ^CI28 sends
    with ZplSimulator(device) as sim:
        ZplPrinter(host, timeout=1.0).print_label(raw)
        assert sim.wait_printed(1)
    assert not sim.printed[0].utf8
    assert sim.printed[0].texts != ["Сыр"]
