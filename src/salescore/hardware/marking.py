"""Marking codes [коды маркировки] as a fiscal register takes them (FFD 1.2), for every driver.

A marked item (Честный ЗНАК) is sold with its marking code: the register's
fiscal storage (ФН) checks the code's crypto tail and, online, asks the
marking system whether the item may leave in that status; the code is then
bound to the receipt line (the FFD 1.2 tags 2000-2115 in the receipt). What
both drivers send and read is defined here once:

* the **planned status** [планируемый статус товара], tag 2003: a piece
  sold (1), a measured quantity sold (2), a piece returned (3), a measured
  quantity returned (4), unchanged (255);
* the **check result** [результат проверки сведений о товаре], tag 2106:
  bit 0 the crypto tail was checked, bit 1 it was valid, bit 2 the marking
  system's status was checked, bit 3 the planned status is correct for it;
* the code itself: as scanned, without the symbology prefix or leading
  FNC1, with its ``GS`` separators — refused when they are missing and the
  split is ambiguous (hazard H8).

>>> GS = "\\x1d"
>>> code = "0104600439931256" + "21JgXJ5.T1lO4Vx" + GS + "91EE06" + GS + "92" + "A" * 44
>>> marking_payload("]d2" + code) == code.encode("ascii")
True
>>> planned_status(sale=True, quantity=Decimal(1), piece=True)
<PlannedStatus.PIECE_SOLD: 1>
>>> result = CheckResult(0b0001)
>>> result.refusal()
'the fiscal storage found the code false (its crypto tail does not match)'
>>> CheckResult(0b1111).refusal() is None
True

Sources (two vendor drivers and public ATOL clients agree on every layout
used here): the Shtrih-M OPOS driver (``shtrih-m/opos``,
``FiscalPrinterDevice.pas``: 0xFF61, 0xFF67, 0xFF69) and JavaPOS driver
(``shtrih-m/javapos_shtrih``, ``FSCheckMC``, ``FSBindMC``, ``FSAcceptMC``,
``SMFiscalPrinterImpl.checkTag2106``); for ATOL the ``imcParams`` and
``itemInfoCheckResult`` fields as public ATOL clients send and read them. Only
piece goods are taken: a measured quantity of a marked item (partial
disposal, tags 1023/1291 in the check) is refused, not guessed.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from salescore.errors import InvalidInputError
from salescore.hardware.codes.gs1 import GS, clean_scan, parse_marking_code

__all__ = [
    "ATOL_PLANNED_STATUS",
    "CheckResult",
    "PlannedStatus",
    "atol_imc",
    "marking_payload",
    "planned_status",
    "show_code",
]


class PlannedStatus(enum.IntEnum):
    """The item's planned status [планируемый статус товара], FFD tag 2003."""

    PIECE_SOLD = 1
    MEASURED_SOLD = 2
    PIECE_RETURNED = 3
    MEASURED_RETURNED = 4
    UNCHANGED = 255


ATOL_PLANNED_STATUS: Final = {
    PlannedStatus.PIECE_SOLD: "itemPieceSold",
    PlannedStatus.MEASURED_SOLD: "itemDryForSale",
    PlannedStatus.PIECE_RETURNED: "itemPieceReturn",
    PlannedStatus.MEASURED_RETURNED: "itemDryReturn",
    PlannedStatus.UNCHANGED: "itemStatusUnchanged",
}
"""ATOL JSON ``imcParams.itemEstimatedStatus`` of each tag 2003 value."""

_MAX_CODE: Final = 245
"""The longest code a Shtrih-M v1 frame carries in 0xFF61 (255 bytes less the command,
password, status, mode and the two lengths); real codes are under 150 bytes."""


def marking_payload(code: str) -> bytes:
    """The bytes of a scanned marking code as registers take them.

    The symbology prefix (``]d2``, ``]C1``, ``]Q3``) and a leading FNC1 are
    dropped; ``<GS>`` written out becomes the ``GS`` byte.

    Raises:
        AmbiguousCodeError: the group separators are missing (hazard H8).
        InvalidInputError: not a marking code (no GTIN or serial, a bad check
            digit, characters outside ASCII, longer than 245 bytes).
    """
    cleaned = clean_scan(code)
    parse_marking_code(cleaned)
    try:
        data = cleaned.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidInputError(
            "a marking code is ASCII (GS1 character set); the scan has other characters: "
            "check the scanner's keyboard layout",
            code=code,
        ) from None
    if len(data) > _MAX_CODE:
        raise InvalidInputError(
            f"a marking code of {len(data)} bytes is longer than registers take ({_MAX_CODE}): "
            "the scan is not one code",
            code=code,
        )
    return data


def atol_imc(code: str) -> str:
    """The code for ATOL's ``imcParams.imc``: :func:`marking_payload` in Base64."""
    return base64.b64encode(marking_payload(code)).decode("ascii")


def planned_status(*, sale: bool, quantity: Decimal, piece: bool) -> PlannedStatus:
    """Tag 2003 of a marked line: sold (a sale) or returned (a sale return), per piece.

    Raises:
        InvalidInputError: a quantity other than one piece; a marking code
            stands for one unit, and partial disposal is not built.
    """
    if not piece or quantity != 1:
        raise InvalidInputError(
            f"a marked line carries one piece (one marking code per unit), got {quantity}"
            + ("" if piece else " measured")
            + ": split the line per unit; measured marked goods (partial disposal) "
            "are not supported",
            quantity=quantity,
        )
    return PlannedStatus.PIECE_SOLD if sale else PlannedStatus.PIECE_RETURNED


@attrs.frozen
class CheckResult:
    """Tag 2106: what the fiscal storage and the marking system said about a code."""

    bits: int

    @classmethod
    def from_atol(cls, result: Mapping[str, object]) -> CheckResult:
        """From ATOL's ``itemInfoCheckResult`` booleans (the same four bits by name)."""
        names = ("imcCheckFlag", "imcCheckResult", "imcStatusInfo", "imcEstimatedStatusCorrect")
        return cls(sum(1 << bit for bit, name in enumerate(names) if result.get(name) is True))

    @property
    def code_checked(self) -> bool:
        """Bit 0: the fiscal storage checked the crypto tail."""
        return bool(self.bits & 0b0001)

    @property
    def code_valid(self) -> bool:
        """Bit 1: the crypto tail was valid."""
        return bool(self.bits & 0b0010)

    @property
    def status_checked(self) -> bool:
        """Bit 2: the marking system (ОИСМ) answered about the item's status."""
        return bool(self.bits & 0b0100)

    @property
    def status_correct(self) -> bool:
        """Bit 3: the planned status is allowed for the item."""
        return bool(self.bits & 0b1000)

    def refusal(self) -> str | None:
        """Why the item may not be sold, or ``None``.

        A check that was not made (offline, no key) is no refusal: the law
        lets a register sell offline and send the codes later.
        """
        if self.code_checked and not self.code_valid:
            return "the fiscal storage found the code false (its crypto tail does not match)"
        if self.status_checked and not self.status_correct:
            return (
                "the marking system refuses the sale (the item is already sold, withdrawn "
                "or blocked)"
            )
        return None


def show_code(code: str) -> str:
    """A code for messages: ``GS`` written as ``<GS>``."""
    return code.replace(GS, "<GS>")
