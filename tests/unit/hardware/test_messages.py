"""Cashier messages: every documented code has a short Russian and English text that says
what to do, with no hex codes, no developer terms and no English in the Russian set."""

from __future__ import annotations

import re

import pytest

from salescore.errors import (
    DeviceError,
    DeviceTimeoutError,
    InvalidInputError,
    PaperOutError,
    ProtocolError,
    ShiftExpiredError,
)
from salescore.hardware.messages import PROTOCOLS, cashier_message, message_for, table

# ATOL: the error constants of the driver's public header libfptr10.h
# (LIBFPTR_ERROR_CONNECTION_DISABLED = 1 … EXCISABLE_COMMODITY_WITHOUT_EXCISE = 265;
# marking 401-421; web 501-505; RPC 601-603; 400, 499, 500, 599, 600 and 699 are the
# bounds of the groups, not errors).
ATOL_CODES = {*range(1, 266), *range(401, 422), *range(501, 506), *range(601, 604)}

# The Shtrih-M "errors worth handling" of DEVICES.md §1.1 and what the cashier must hear.
DEVICES_MD = {
    0x3D: "Смена не открыта",
    0x45: "Оплата меньше суммы чека",
    0x4A: "Открыт незавершённый чек",
    0x4E: "больше 24 часов",
    0x50: "ещё печатает",
    0x58: "«Продолжить»",
    0x73: "недоступна",
}


def _pyshtrih_tables() -> tuple[set[int], set[int]]:
    excepts = pytest.importorskip("pyshtrih.excepts", reason="pyshtrih (dev extra) is missing")
    return set(excepts.Error.codes) - {0}, set(excepts.Error.fs_codes) - {0}


_ALL = [
    pytest.param(protocol, code, id=f"{protocol}-{code}")
    for protocol in PROTOCOLS
    for code in table(protocol)
]


# --- completeness ------------------------------------------------------------------------


def test_every_shtrih_m_register_code_has_a_message() -> None:
    register, _ = _pyshtrih_tables()
    assert register - set(table("shtrih-m")) == set()


def test_every_fiscal_storage_code_has_a_message_in_both_tables() -> None:
    _, storage = _pyshtrih_tables()
    assert storage - set(table("fn")) == set()
    assert storage - set(table("shtrih-m")) == set()


def test_every_atol_driver_code_has_a_message() -> None:
    assert set(table("atol")) == ATOL_CODES


# --- what the texts are like ---------------------------------------------------------------


@pytest.mark.parametrize(("protocol", "code"), _ALL)
def test_each_text_is_short_actionable_and_free_of_codes(protocol: str, code: int) -> None:
    ru, en = cashier_message(protocol, code), cashier_message(protocol, code, lang="en")
    for text in (ru, en):
        what, _, action = text.partition(": ")
        assert what, text
        assert action, f"{protocol} {code}: no action after the colon: {text!r}"
        assert len(text) <= 120, text
        assert "0x" not in text.lower()
        assert not re.search(r"\b[0-9A-F]{2}h\b", text), text
        assert set(re.findall(r"\d+", text)) <= {"24"}, text
    assert not re.search(r"[A-Za-z]", ru), f"English in the Russian text: {ru!r}"
    assert not re.search(r"[А-Яа-яЁё]", en), f"Russian in the English text: {en!r}"
    for word in ("байт", "кадр", "протокол", "драйвер", "исключени", "регистр "):
        assert word not in ru.lower(), ru
    for word in ("byte", "frame", "protocol", "driver", "exception", "register "):
        assert word not in en.lower(), en


@pytest.mark.parametrize(("code", "words"), sorted(DEVICES_MD.items()))
def test_the_errors_devices_md_names_get_their_own_meaning(code: int, words: str) -> None:
    assert words in cashier_message("shtrih-m", code)


def test_paper_out_reads_as_the_issue_asks() -> None:
    assert cashier_message("shtrih-m", 0x6B) == (
        "Закончилась бумага: вставьте рулон и нажмите «Продолжить»"
    )
    assert cashier_message("atol", 44) == cashier_message("shtrih-m", 0x6B)
    assert cashier_message("shtrih-m", 0x6B, lang="en").startswith("Out of paper")


def test_a_register_with_fiscal_storage_reads_low_codes_as_storage_codes() -> None:
    # 0x16 meant "shift not open" on old fiscal-memory registers; the storage says > 24 h
    assert cashier_message("shtrih-m", 0x16) == cashier_message("fn", 0x16)
    assert "24 часов" in cashier_message("shtrih-m", 0x16)
    assert "Смена не открыта" in cashier_message("shtrih-m", 0x3D)


def test_an_undocumented_code_still_gets_a_message_with_the_decimal_code() -> None:
    text = cashier_message("shtrih-m", 0xFE)
    assert "254" in text
    assert "0x" not in text
    assert "администратора" in text


def test_unknown_language_or_protocol_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="ru, en"):
        cashier_message("atol", 44, lang="de")
    with pytest.raises(InvalidInputError, match="known: shtrih-m, fn, atol"):
        cashier_message("epson", 1)


def test_protocol_names_the_drivers_use_are_accepted() -> None:
    assert cashier_message("atol-web", 44) == cashier_message("atol", 44)
    assert cashier_message("SHTRIH-M", 0x6B) == cashier_message("shtrih-m", 0x6B)


# --- DeviceError.cashier_message -------------------------------------------------------------


def test_a_device_error_gives_the_cashier_text_and_keeps_the_developer_detail() -> None:
    err = DeviceError(
        "Shtrih-M command 0x85 (close receipt): error 0x45", protocol="shtrih-m", device_code=0x45
    )
    assert err.cashier_message == "Оплата меньше суммы чека: примите недостающую сумму"
    assert message_for(err, "en") == "The payment is less than the receipt total: take the rest"
    assert "0x45" in str(err)
    assert err.device_code == 0x45  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PaperOutError("no paper", protocol="shtrih-m", device_code=None), "бумага"),
        (ShiftExpiredError(), "24 часов"),
        (DeviceTimeoutError("no answer in 2.5 s", protocol="shtrih-m", device_code=None), "связи"),
        (ProtocolError("bad LRC"), "Помехи"),
        (DeviceError("scale refused", protocol="mt-sics", device_code=3), "оборудования"),
    ],
)
def test_an_error_without_a_device_code_gets_a_message_by_its_kind(
    error: DeviceError, words: str
) -> None:
    assert words in error.cashier_message
    assert not re.search(r"[A-Za-z]", error.cashier_message)


def test_kinds_are_found_by_their_stable_code_also_for_subclasses() -> None:
    class FiscalStateUnknownError(DeviceTimeoutError):
        code = "fiscal_state_unknown"

    class CloseTimeoutError(DeviceTimeoutError):
        pass

    unknown = FiscalStateUnknownError("no answer to close", protocol="shtrih-m", device_code=0x50)
    assert "Неизвестно, пробит ли чек" in unknown.cashier_message
    assert "do not ring it up again" in message_for(unknown, "en")
    assert CloseTimeoutError("no answer").cashier_message == DeviceTimeoutError().cashier_message
