"""Cashier-facing messages for device error codes: short, in Russian, saying what to do.

A device error carries the protocol and the device's own error code in its
details (``err.protocol``, ``err.device_code``); the exception's message is
for developers. What the cashier reads comes from here: one short sentence,
what happened and what to do, with no hex codes and no developer terms.
English is available for shops that want it.

>>> cashier_message("shtrih-m", 0x6B)
'Закончилась бумага: вставьте рулон и нажмите «Продолжить»'
>>> cashier_message("shtrih-m", 0x4E, lang="en")
'The shift has run for over 24 hours: close the shift and open a new one'
>>> cashier_message("atol", 44)
'Закончилась бумага: вставьте рулон и нажмите «Продолжить»'
>>> cashier_message("fn", 0x16)
'Смена длится больше 24 часов: закройте смену и откройте новую'

The tables cover every code documented for the Shtrih-M protocol (including
the fiscal storage codes a Shtrih-M register passes on), the fiscal storage
(ФН) itself and ATOL's driver (the ``errorCode`` of its task API). An
undocumented code still gets a message, with the code in decimal for the
supervisor:

>>> cashier_message("atol", 3999)
'Ошибка кассы (код 3999): повторите операцию; если ошибка повторится, позовите администратора'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from salescore.errors import DeviceError, InvalidInputError

__all__ = [
    "LANGUAGES",
    "PROTOCOLS",
    "CashierText",
    "cashier_message",
    "message_for",
    "table",
]

LANGUAGES: Final = ("ru", "en")


@attrs.frozen
class CashierText:
    """One message in Russian and English."""

    ru: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"ru"`` or ``"en"``)."""
        if lang == "ru":
            return self.ru
        if lang == "en":
            return self.en
        raise InvalidInputError(
            f"cashier messages exist in {', '.join(LANGUAGES)}, not {lang!r}", lang=lang
        )


_T = CashierText

# --- shared texts ------------------------------------------------------------------------

PAPER_OUT = _T(
    "Закончилась бумага: вставьте рулон и нажмите «Продолжить»",
    "Out of paper: load a new roll and press Continue",
)
JOURNAL_PAPER_OUT = _T(
    "Закончилась контрольная лента: вставьте рулон и нажмите «Продолжить»",
    "The journal roll has run out: load a new roll and press Continue",
)
COVER_OPEN = _T(
    "Открыта крышка принтера: закройте её и повторите",
    "The printer cover is open: close it and try again",
)
PRINTER_FAULT = _T(
    "Сбой принтера кассы: выключите и включите кассу; если не помогло, позовите администратора",
    "The till's printer failed: switch the till off and on; if that does not help, "
    "call your supervisor",
)
CUTTER = _T(
    "Заело отрезчик бумаги: откройте крышку, уберите обрывки бумаги и повторите",
    "The paper cutter is jammed: open the cover, clear the paper and try again",
)
OVERHEAT = _T(
    "Перегрелась печатающая головка: подождите пару минут и повторите",
    "The print head is too hot: wait a couple of minutes and try again",
)
STILL_PRINTING = _T(
    "Касса ещё печатает: дождитесь окончания печати и повторите",
    "The till is still printing: wait until it finishes and try again",
)
CONTINUE_PRINT = _T(
    "Печать прервана: проверьте бумагу и нажмите «Продолжить»",
    "Printing stopped: check the paper and press Continue",
)
SHIFT_CLOSED = _T(
    "Смена не открыта: откройте смену и повторите",
    "The shift is not open: open the shift and try again",
)
SHIFT_OPEN = _T(
    "Смена уже открыта: продолжайте работу",
    "The shift is already open: carry on",
)
SHIFT_24H = _T(
    "Смена длится больше 24 часов: закройте смену и откройте новую",
    "The shift has run for over 24 hours: close the shift and open a new one",
)
CLOSE_SHIFT = _T(
    "Нужно закрыть смену: закройте смену и повторите",
    "The shift must be closed first: close the shift and try again",
)
SHIFT_FULL = _T(
    "Счётчики смены переполнены: закройте смену и откройте новую",
    "The shift's counters are full: close the shift and open a new one",
)
RECEIPT_OPEN = _T(
    "Открыт незавершённый чек: завершите или отмените его",
    "An unfinished receipt is open: finish or cancel it",
)
RECEIPT_CLOSED = _T(
    "Чек уже закрыт: начните новый чек",
    "The receipt is already closed: start a new receipt",
)
WRONG_RECEIPT_KIND = _T(
    "В чеке этого вида так нельзя: отмените чек и начните чек нужного вида",
    "Not possible on this kind of receipt: cancel it and start the right kind",
)
UNDERPAID = _T(
    "Оплата меньше суммы чека: примите недостающую сумму",
    "The payment is less than the receipt total: take the rest",
)
CASHLESS_TOO_MUCH = _T(
    "Оплата картой больше суммы чека: исправьте сумму безналичной оплаты",
    "The card payment is more than the receipt total: correct the card amount",
)
NO_CASH = _T(
    "В кассе не хватает наличных: уменьшите сумму выдачи",
    "Not enough cash in the till: pay out a smaller amount",
)
DISCOUNT_TOO_BIG = _T(
    "Скидка больше суммы чека: уменьшите скидку",
    "The discount is more than the receipt total: reduce the discount",
)
TOO_LARGE = _T(
    "Слишком большая сумма или количество: проверьте цену и количество",
    "The amount or quantity is too large: check the price and quantity",
)
BAD_TOTAL = _T(
    "Итог чека получился нулевым или отрицательным: проверьте позиции и скидки",
    "The receipt total is zero or negative: check the lines and discounts",
)
RECEIPT_FULL = _T(
    "В чеке слишком много позиций: закройте этот чек и продолжите в новом",
    "Too many lines on this receipt: close it and go on with a new one",
)
STORNO = _T(
    "Нельзя сторнировать больше, чем пробито: проверьте количество",
    "Cannot void more than was rung up: check the quantity",
)
ITEM_NOT_FOUND = _T(
    "Товар не найден в кассе: проверьте код товара",
    "The item is not in the till: check the item code",
)
BAD_DATE = _T(
    "На кассе неверные дата или время: позовите администратора, чтобы их исправить",
    "The till's date or time is wrong: call your supervisor to correct them",
)
CONFIRM_DATE = _T(
    "Касса просит подтвердить дату и время: позовите администратора",
    "The till asks to confirm its date and time: call your supervisor",
)
PASSWORD = _T(
    "Неверный пароль кассира: войдите в кассу заново",
    "Wrong cashier password: log in to the till again",
)
OTHER_OPERATOR = _T(
    "Документ открыт другим кассиром: завершите его под тем кассиром",
    "Another cashier opened this document: finish it as that cashier",
)
NOT_NOW = _T(
    "Сейчас эта операция недоступна: завершите текущее действие и повторите",
    "This operation is not available now: finish the current step and try again",
)
NOT_SUPPORTED = _T(
    "Эта касса не поддерживает такую операцию: позовите администратора",
    "This till does not support the operation: call your supervisor",
)
PROGRAM = _T(
    "Касса не приняла команду программы: позовите администратора",
    "The till rejected the program's command: call your supervisor",
)
SETTINGS = _T(
    "Неверная настройка кассы: позовите администратора",
    "A till setting is wrong: call your supervisor",
)
SERVICE = _T(
    "Неисправность кассы: обратитесь в сервисный центр",
    "The till is faulty: contact the service centre",
)
RESTART = _T(
    "Касса ждёт перезапуска: выключите и снова включите её",
    "The till needs a restart: switch it off and on again",
)
POWER = _T(
    "Сбой питания кассы: проверьте блок питания и повторите",
    "The till's power supply failed: check the power adapter and try again",
)
BATTERY = _T(
    "Разряжен аккумулятор кассы: подключите кассу к сети",
    "The till's battery is low: plug the till in",
)
NO_LINK = _T(
    "Нет связи с кассой: проверьте кабель и питание кассы и повторите",
    "No connection to the till: check its cable and power and try again",
)
BUSY = _T(
    "Касса занята: подождите немного и повторите",
    "The till is busy: wait a moment and try again",
)
NO_DATA = _T(
    "В кассе нет запрошенных данных: проверьте номер документа",
    "The till has no such data: check the document number",
)
NOT_REGISTERED = _T(
    "Касса не зарегистрирована в налоговой: позовите администратора",
    "The till is not registered with the tax service: call your supervisor",
)
LICENSE = _T(
    "На кассе нет нужной лицензии: позовите администратора",
    "The till lacks a licence for this: call your supervisor",
)
FN_FAULT = _T(
    "Неисправен фискальный накопитель: обратитесь в сервисный центр",
    "The fiscal storage is faulty: contact the service centre",
)
FN_MISSING = _T(
    "Касса не видит фискальный накопитель: обратитесь в сервисный центр",
    "The till cannot find its fiscal storage: contact the service centre",
)
FN_EXPIRED = _T(
    "Срок службы фискального накопителя истёк: нужна замена, обратитесь в сервисный центр",
    "The fiscal storage has expired: it must be replaced, contact the service centre",
)
FN_FULL = _T(
    "Память фискального накопителя заполнена: нужна замена, обратитесь в сервисный центр",
    "The fiscal storage is full: it must be replaced, contact the service centre",
)
FN_STATE = _T(
    "Фискальный накопитель не готов к этой операции: позовите администратора",
    "The fiscal storage is not ready for this operation: call your supervisor",
)
OFD_OVERDUE = _T(
    "Чеки давно не отправлялись в налоговую: проверьте интернет на кассе и позовите администратора",
    "Receipts have not reached the tax service for too long: check the till's internet "
    "and call your supervisor",
)
OFD_REJECTED = _T(
    "Оператор фискальных данных не принял документ: позовите администратора",
    "The fiscal data operator rejected a document: call your supervisor",
)
NO_INTERNET = _T(
    "Нет связи с оператором фискальных данных: проверьте интернет на кассе и повторите",
    "No connection to the fiscal data operator: check the till's internet and try again",
)
MARKING = _T(
    "Код маркировки не принят: отсканируйте его ещё раз или отложите товар",
    "The marking code was not accepted: scan it again or set the item aside",
)
MARKING_SERVER = _T(
    "Нет связи с сервисом проверки маркировки: проверьте интернет и повторите",
    "No connection to the marking check service: check the internet and try again",
)
EKLZ = _T(
    "Ошибка защищённой ленты (ЭКЛЗ): обратитесь в сервисный центр",
    "The secure journal (EKLZ) failed: contact the service centre",
)
BILL_ACCEPTOR = _T(
    "Ошибка купюроприёмника: проверьте его и позовите администратора",
    "The banknote acceptor failed: check it and call your supervisor",
)
SLIP = _T(
    "Нет подкладного документа: вставьте документ и повторите",
    "No slip document in the printer: insert it and try again",
)
TAX_AMOUNT = _T(
    "Сумма налога не сходится с чеком: позовите администратора",
    "The tax amount does not match the receipt: call your supervisor",
)
REPORT_INTERRUPTED = _T(
    "Печать отчёта прервана: проверьте бумагу и повторите отчёт",
    "The report was interrupted: check the paper and print the report again",
)
CANCELLED = _T(
    "Документ отменён: начните его заново",
    "The document was cancelled: start it again",
)
DEPARTMENT = _T(
    "Неверный отдел (секция) товара: позовите администратора",
    "The item's department is wrong: call your supervisor",
)
RETURN_DENIED = _T(
    "Возврат этого товара невозможен: позовите администратора",
    "This item cannot be returned: call your supervisor",
)
RESTORED = _T(
    "Касса восстановила память после сбоя: проверьте последний чек и продолжайте",
    "The till restored its memory after a failure: check the last receipt and carry on",
)
RECEIPT_TOTAL_MISMATCH = _T(
    "Итог чека не сходится с кассой: отмените чек и пробейте его заново",
    "The receipt total does not match the till: cancel the receipt and ring it up again",
)

_UNKNOWN = _T(
    "Ошибка кассы (код {code}): повторите операцию; если ошибка повторится, "
    "позовите администратора",
    "Till error (code {code}): try again; if it happens again, call your supervisor",
)

# --- the fiscal storage (ФН) ----------------------------------------------------------------

_FN: dict[int, CashierText] = {
    0x01: PROGRAM,
    0x02: FN_STATE,
    0x03: FN_FAULT,
    0x04: FN_FAULT,
    0x05: FN_EXPIRED,
    0x06: FN_FULL,
    0x07: BAD_DATE,
    0x08: NO_DATA,
    0x09: PROGRAM,
    0x10: RECEIPT_FULL,
    0x11: NO_INTERNET,
    0x12: FN_EXPIRED,
    0x14: FN_FULL,
    0x15: OFD_OVERDUE,
    0x16: SHIFT_24H,
    0x17: BAD_DATE,
    0x20: OFD_REJECTED,
}

# --- Shtrih-M: codes of the register; FN codes take their FN meaning -----------------------

_SHTRIH_OWN: dict[int, CashierText] = {
    **dict.fromkeys((0x01, 0x02, 0x03, 0x0B, 0x1C, 0x1D, 0x1F, 0x26, 0x27, 0x2A), FN_FAULT),
    **dict.fromkeys((0x04, 0x07, 0x09, 0x0A, 0x33, 0x36, 0x7E), PROGRAM),
    0x05: NO_DATA,
    0x06: BUSY,
    0x08: NOT_SUPPORTED,
    **dict.fromkeys((0x0C, 0x0D, 0x3A, 0x3B, 0x3E, 0x3F, 0x47, 0x4C), SHIFT_FULL),
    **dict.fromkeys((0x51, 0x52, 0x53, 0x54, 0x6F, 0x85, 0x86, 0x87, 0x88, 0x89), SHIFT_FULL),
    0x11: LICENSE,
    **dict.fromkeys((0x12, 0x1B, 0x2F, 0x78, 0x79, 0x7A, 0xB5, 0xB9, 0xBA, 0xBF), SERVICE),
    **dict.fromkeys((0x13, 0x22, 0x7C, 0x7D, 0xBB, 0xBC, 0xBD, 0xCF), BAD_DATE),
    **dict.fromkeys((0x14, 0x1A, 0x24, 0x70), FN_FULL),
    0x15: SHIFT_OPEN,
    0x16: SHIFT_CLOSED,
    **dict.fromkeys((0x17, 0x18, 0x19, 0x25, 0x34, 0x56, 0xB7, 0xD1), NO_DATA),
    **dict.fromkeys((0x1E, 0x23, 0x28, 0x29, 0x8F, 0xB4, 0xB8), NOT_REGISTERED),
    **dict.fromkeys((0x20, 0x84), TOO_LARGE),
    **dict.fromkeys((0x21, 0x65, 0x68, 0x6D), NO_CASH),
    0x2B: NOT_NOW,
    **dict.fromkeys((0x2C, 0x32, 0x96), CLOSE_SHIFT),
    0x2D: STORNO,
    0x2E: NO_CASH,
    0x30: SERVICE,
    0x31: FN_FAULT,
    **dict.fromkeys((0x35, 0x5D, 0x90, 0x91, 0x92), SETTINGS),
    0x37: NOT_SUPPORTED,
    **dict.fromkeys((0x38, 0x39, 0x74, 0x7B, 0xCE, 0xD5), SERVICE),
    0x3C: EKLZ,
    0x3D: SHIFT_CLOSED,
    **dict.fromkeys((0x40, 0x5B, 0x8A, 0x8B), DISCOUNT_TOO_BIG),
    **dict.fromkeys((0x41, 0x42, 0x43, 0x44, 0x48, 0x60, 0x61, 0x62, 0x7F), TOO_LARGE),
    **dict.fromkeys((0x66, 0x69, 0x6E), TOO_LARGE),
    0x45: UNDERPAID,
    0x46: NO_CASH,
    0x49: WRONG_RECEIPT_KIND,
    0x4A: RECEIPT_OPEN,
    0x4B: RECEIPT_FULL,
    0x4D: CASHLESS_TOO_MUCH,
    0x4E: SHIFT_24H,
    0x4F: PASSWORD,
    0x50: STILL_PRINTING,
    0x55: RECEIPT_CLOSED,
    0x57: EKLZ,
    0x58: CONTINUE_PRINT,
    0x59: OTHER_OPERATOR,
    0x5A: DISCOUNT_TOO_BIG,
    0x5C: POWER,
    0x5E: NOT_NOW,
    **dict.fromkeys((0x5F, 0x8C, 0x8D, 0x8E), BAD_TOTAL),
    0x63: DEPARTMENT,
    **dict.fromkeys((0x64, 0x67, 0x80, 0x81, 0x82, 0x83), FN_MISSING),
    0x6A: POWER,
    0x6B: PAPER_OUT,
    0x6C: JOURNAL_PAPER_OUT,
    0x71: CUTTER,
    0x72: NOT_NOW,
    0x73: NOT_NOW,
    0x75: POWER,
    **dict.fromkeys((0x76, 0x77, 0xC8), PRINTER_FAULT),
    0x93: RESTORED,
    0x94: RECEIPT_FULL,
    0x95: EKLZ,
    0x9B: NOT_NOW,
    0x9C: ITEM_NOT_FOUND,
    **dict.fromkeys((0x9D, 0x9E), SETTINGS),
    **dict.fromkeys((0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9), EKLZ),
    **dict.fromkeys((0xAA, 0xAF, 0xB0, 0xB1, 0xB2, 0xB6, 0xC1, 0xC3, 0xCC, 0xCD), EKLZ),
    0xBE: NOT_NOW,
    0xC0: CONFIRM_DATE,
    0xC2: POWER,
    0xC4: CLOSE_SHIFT,
    **dict.fromkeys((0xC5, 0xC6), SLIP),
    0xC7: SETTINGS,
    0xC9: OVERHEAT,
    0xCA: OVERHEAT,
    0xCB: RECEIPT_TOTAL_MISMATCH,
    0xD0: REPORT_INTERRUPTED,
    **dict.fromkeys((0xE0, 0xE1, 0xE2, 0xE3, 0xE4), BILL_ACCEPTOR),
}
# A register with a fiscal storage reports the storage's errors under the storage's codes,
# which reuse numbers the old fiscal-memory registers gave other meanings.
_SHTRIH: dict[int, CashierText] = {**_SHTRIH_OWN, **_FN}

# --- ATOL (driver error codes, the errorCode of the task API) -------------------------------

_ATOL: dict[int, CashierText] = {
    **dict.fromkeys((1, 2, 3, 4, 241), NO_LINK),
    **dict.fromkeys((5, 6, 7, 8, 13, 14, 15, 26, 27, 125, 163, 170, 229, 250), PROGRAM),
    **dict.fromkeys((9, 10, 62, 74, 75, 76, 102, 103, 143, 144, 145, 146, 149), SETTINGS),
    **dict.fromkeys((152, 153, 154, 164, 184, 186, 187, 190, 191, 192, 197, 213), SETTINGS),
    **dict.fromkeys((233, 234, 236, 237, 238, 239, 240, 251, 412), SETTINGS),
    11: NOT_SUPPORTED,
    12: NOT_NOW,
    **dict.fromkeys((16, 17, 61, 63, 124, 168, 169, 194, 227, 231), TOO_LARGE),
    18: SHIFT_FULL,
    **dict.fromkeys((19, 20, 21, 22, 31, 58, 97, 126, 129, 131), NOT_NOW),
    23: DISCOUNT_TOO_BIG,
    **dict.fromkeys((24, 25, 38, 43), ITEM_NOT_FOUND),
    **dict.fromkeys((28, 29, 35), CONFIRM_DATE),
    **dict.fromkeys((30, 93, 123, 232), NO_DATA),
    **dict.fromkeys((32, 151, 173, 174, 175, 176), REPORT_INTERRUPTED),
    33: SETTINGS,
    34: NOT_NOW,
    **dict.fromkeys((36, 77, 122, 142, 198, 218), BAD_DATE),
    37: NOT_NOW,
    39: TOO_LARGE,
    40: RECEIPT_FULL,
    41: STORNO,
    42: STORNO,
    44: PAPER_OUT,
    45: COVER_OPEN,
    46: PRINTER_FAULT,
    47: PRINTER_FAULT,
    48: WRONG_RECEIPT_KIND,
    49: SETTINGS,
    50: SERVICE,
    **dict.fromkeys((51, 156, 220, 222), SETTINGS),
    52: CASHLESS_TOO_MUCH,
    53: RETURN_DENIED,
    54: TOO_LARGE,
    55: BUSY,
    56: NO_INTERNET,
    57: DISCOUNT_TOO_BIG,
    59: DEPARTMENT,
    60: SETTINGS,
    **dict.fromkeys((64, 67, 69), WRONG_RECEIPT_KIND),
    65: FN_FULL,
    66: UNDERPAID,
    68: SHIFT_24H,
    70: FN_FULL,
    71: PASSWORD,
    72: BUSY,
    73: SHIFT_CLOSED,
    78: STORNO,
    79: UNDERPAID,
    80: NO_CASH,
    **dict.fromkeys((81, 201), RECEIPT_CLOSED),
    **dict.fromkeys((82, 200, 203), RECEIPT_OPEN),
    83: CLOSE_SHIFT,
    **dict.fromkeys((84, 85, 86, 87, 88, 90, 91, 113, 130), SERVICE),
    **dict.fromkeys((89, 92, 225), NOT_REGISTERED),
    **dict.fromkeys((94, 96, 189, 202, 245, 246, 247, 248), LICENSE),
    95: CLOSE_SHIFT,
    98: NOT_NOW,
    **dict.fromkeys((99, 100, 101, 109, 110, 111, 112), SETTINGS),
    104: FN_FAULT,
    105: SERVICE,
    106: CLOSE_SHIFT,
    **dict.fromkeys((107, 108), NO_LINK),
    114: OVERHEAT,
    **dict.fromkeys((115, 116, 118, 119, 133, 134, 140, 159, 162), FN_FAULT),
    178: BUSY,
    117: FN_STATE,
    120: FN_EXPIRED,
    121: FN_FULL,
    127: CLOSE_SHIFT,
    128: TAX_AMOUNT,
    132: BATTERY,
    135: NO_INTERNET,
    136: FN_EXPIRED,
    137: FN_FULL,
    138: OFD_REJECTED,
    139: OFD_OVERDUE,
    141: SHIFT_24H,
    147: NOT_NOW,
    **dict.fromkeys((148, 158, 160, 161, 167, 195, 215, 216, 217, 219), PROGRAM),
    150: CUTTER,
    155: SETTINGS,
    157: PROGRAM,
    165: SERVICE,
    166: FN_MISSING,
    171: PROGRAM,
    172: PASSWORD,
    177: CONTINUE_PRINT,
    **dict.fromkeys((179, 180, 181, 182, 185, 204, 206, 207, 208, 209, 210, 242), SERVICE),
    183: SETTINGS,
    188: RESTART,
    193: ITEM_NOT_FOUND,
    196: PASSWORD,
    199: SERVICE,
    205: PROGRAM,
    **dict.fromkeys((211, 212, 226), RESTART),
    214: NO_INTERNET,
    221: BUSY,
    223: PROGRAM,
    224: FN_FULL,
    228: MARKING,
    230: SERVICE,
    235: PROGRAM,
    243: TAX_AMOUNT,
    244: MARKING,
    249: CANCELLED,
    **dict.fromkeys((252, 253, 254, 255, 256, 257, 258), SETTINGS),
    **dict.fromkeys((259, 260, 261, 262, 263), BUSY),
    264: SERVICE,
    265: MARKING,
    401: BUSY,
    402: MARKING_SERVER,
    403: MARKING,
    **dict.fromkeys((404, 405, 409, 416, 420, 421), MARKING),
    **dict.fromkeys((406, 407, 414), MARKING),
    408: RECEIPT_FULL,
    410: NOT_NOW,
    411: NO_INTERNET,
    413: NOT_SUPPORTED,
    415: NO_DATA,
    417: OFD_OVERDUE,
    **dict.fromkeys((418, 419), MARKING_SERVER),
    **dict.fromkeys((501, 503, 504), PROGRAM),
    502: NOT_NOW,
    505: NO_LINK,
    601: BUSY,
    602: SETTINGS,
    603: NO_LINK,
}

_TABLES: Mapping[str, Mapping[int, CashierText]] = MappingProxyType(
    {
        "shtrih-m": MappingProxyType(_SHTRIH),
        "fn": MappingProxyType(_FN),
        "atol": MappingProxyType(_ATOL),
    }
)
_ALIASES = {"shtrih": "shtrih-m", "atol-web": "atol", "atol-dto10": "atol", "fs": "fn"}

#: The protocols with a message table.
PROTOCOLS: Final = tuple(_TABLES)


def _protocol(protocol: str) -> str:
    name = _ALIASES.get(protocol.lower(), protocol.lower())
    if name not in _TABLES:
        raise InvalidInputError(
            f"no cashier messages for protocol {protocol!r}; known: {', '.join(PROTOCOLS)}",
            protocol=protocol,
        )
    return name


def table(protocol: str) -> Mapping[int, CashierText]:
    """Every documented code of ``protocol`` and its message (read-only)."""
    return _TABLES[_protocol(protocol)]


def cashier_message(protocol: str, code: int, lang: str = "ru") -> str:
    """The message for device error ``code`` of ``protocol`` (``"shtrih-m"``, ``"fn"``,
    ``"atol"``) in ``lang`` (``"ru"`` or ``"en"``).

    Raises:
        InvalidInputError: an unknown protocol or language.
    """
    text = _TABLES[_protocol(protocol)].get(code)
    if text is None:
        return _UNKNOWN.get(lang).format(code=code)
    return text.get(lang)


def message_for(error: DeviceError, lang: str = "ru") -> str:
    """The cashier's message for a device error, from its ``protocol`` and ``device_code``.

    A receipt whose fate is unknown (contact lost after "close") or that the
    device totals differently gets its own message whatever the code. An
    error without a device code (or of a protocol with no table) gets a
    message by its kind — the stable ``code`` of its class or of the nearest
    class above it: no link, paper out, shift expired, a garbled line.
    """
    kinds = [getattr(cls, "code", None) for cls in type(error).__mro__]
    for kind in kinds:
        if kind in _OVERRIDING:
            return _OVERRIDING[kind].get(lang)
    details = error.details
    protocol, code = details.get("protocol"), details.get("device_code")
    known = isinstance(protocol, str) and protocol.lower() in (*_TABLES, *_ALIASES)
    if known and isinstance(protocol, str) and isinstance(code, int):
        return cashier_message(protocol, code, lang)
    text = next((_BY_KIND[kind] for kind in kinds if kind in _BY_KIND), _GENERIC)
    return text.get(lang)


_GENERIC = _T(
    "Ошибка оборудования: повторите операцию; если ошибка повторится, позовите администратора",
    "Device error: try again; if it happens again, call your supervisor",
)
# Keyed by the stable ``code`` of the error classes (salescore.errors).
_OVERRIDING: dict[str, CashierText] = {
    "fiscal_state_unknown": _T(
        "Неизвестно, пробит ли чек: не пробивайте его снова и не возвращайте деньги, "
        "позовите администратора",
        "It is not known whether the receipt went through: do not ring it up again or refund, "
        "call your supervisor",
    ),
    "receipt_mismatch": RECEIPT_TOTAL_MISMATCH,
    "marking_code_rejected": _T(
        "Код маркировки не принят: уберите товар из чека, чек отменён — пробейте продажу без него",
        "The marking code was refused: take the item out, the receipt was cancelled — ring "
        "the sale again without it",
    ),
}
_BY_KIND: dict[str, CashierText] = {
    "paper_out": PAPER_OUT,
    "shift_expired": SHIFT_24H,
    "device_timeout": NO_LINK,
    "protocol_error": _T(
        "Помехи на линии связи с устройством: повторите операцию",
        "The line to the device is noisy: try again",
    ),
}
