"""Bank accounts of counterparties [банковские счета контрагентов] and their checks.

A Russian settlement account [расчетный счет] has 20 digits and is kept at a
bank named by its BIC [БИК], 9 digits starting with ``04``. The account's
ninth digit is a control key computed over the last three digits of the BIC
followed by the 20 account digits (the Bank of Russia's rule of 8 September
1997 N 515): each of the 23 digits is multiplied by the weights 7, 1, 3
repeated, and the sum of the last digits of the products must end in 0. For
a bank's correspondent account at the Bank of Russia [корреспондентский счет,
30101…] the three digits are ``0`` and the BIC's fifth and sixth digits
instead.

>>> check_bic("044525225")
True
>>> check_account_number("40702810038000000001", "044525225")
False
>>> check_account_number("40702810938000000001", "044525225")
True
>>> check_account_number("30101810400000000225", "044525225")
True
"""

from __future__ import annotations

from typing import NewType

import attrs

from salescore._validation import non_empty_text
from salescore.errors import InvalidInputError
from salescore.parties.model import CounterpartyId, PartnerId

__all__ = ["BankAccount", "BankAccountId", "check_account_number", "check_bic"]

BankAccountId = NewType("BankAccountId", str)

_WEIGHTS = ((7, 1, 3) * 8)[:23]
_non_empty = non_empty_text()


def check_bic(bic: str) -> bool:
    """True if ``bic`` is a Russian bank identification code: 9 digits starting with 04."""
    return len(bic) == 9 and bic.isdigit() and bic.isascii() and bic.startswith("04")


def _correspondent(account: str) -> bool:
    # Correspondent accounts of banks at the Bank of Russia (balance account 30101).
    return account.startswith("30101")


def check_account_number(account: str, bic: str) -> bool:
    """True if the 20-digit ``account`` has the right control key for the bank ``bic``."""
    if not (len(account) == 20 and account.isdigit() and account.isascii() and check_bic(bic)):
        return False
    prefix = "0" + bic[4:6] if _correspondent(account) else bic[-3:]
    digits = prefix + account
    return sum(int(d) * w % 10 for d, w in zip(digits, _WEIGHTS, strict=True)) % 10 == 0


@attrs.frozen
class BankAccount:
    """A counterparty's bank account [банковский счет контрагента].

    Attributes:
        id: the record's id.
        partner_id: the partner whose counterparty holds the account.
        counterparty_id: the holder.
        bic: the bank's identification code [БИК], 9 digits.
        number: the settlement account [расчетный счет], 20 digits.
        bank_name: the bank's name as printed on documents.
        correspondent_account: the bank's correspondent account [корр. счет], if given.
        currency: the account's currency code.
    """

    id: BankAccountId = attrs.field(validator=_non_empty)
    partner_id: PartnerId = attrs.field(validator=_non_empty)
    counterparty_id: CounterpartyId = attrs.field(validator=_non_empty)
    bic: str
    number: str
    bank_name: str = ""
    correspondent_account: str | None = None
    currency: str = "RUB"

    def __attrs_post_init__(self) -> None:
        if not check_bic(self.bic):
            raise InvalidInputError(
                f"bank account {self.id!r}: BIC {self.bic!r} must be 9 digits starting "
                "with 04; copy it from the bank's requisites",
                value=self.bic,
            )
        if not check_account_number(self.number, self.bic):
            raise InvalidInputError(
                f"bank account {self.id!r}: account {self.number!r} does not match BIC "
                f"{self.bic!r} (20 digits with a control key); check both numbers",
                value=self.number,
            )
        corr = self.correspondent_account
        if corr is not None and not (_correspondent(corr) and check_account_number(corr, self.bic)):
            raise InvalidInputError(
                f"bank account {self.id!r}: correspondent account {corr!r} is not the "
                f"correspondent account (30101…) of BIC {self.bic!r}; check it",
                value=corr,
            )
