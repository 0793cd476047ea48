"""salescore: embeddable sales rules, from partners and prices to payments and devices.

The top level re-exports the core values and errors; everything else is
imported from its own context (``salescore.parties``, ``salescore.pricing`` …).

>>> from salescore import Money, allocate
>>> allocate(Money("10.00", "RUB"), [1, 2])
(Money('3.33', 'RUB'), Money('6.67', 'RUB'))
"""

from importlib.metadata import PackageNotFoundError, version

from salescore.dates import BusinessCalendar, Period, RollConvention
from salescore.errors import (
    ConcurrencyError,
    ConflictError,
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidInputError,
    Issue,
    NotFoundError,
    RuleViolationError,
    SalescoreError,
    StorageError,
)
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, Rounding, Unit, allocate, total

try:
    __version__ = version("salescore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "BusinessCalendar",
    "ConcurrencyError",
    "ConflictError",
    "Currency",
    "CurrencyMismatchError",
    "Explanation",
    "InvalidAmountError",
    "InvalidInputError",
    "Issue",
    "Money",
    "NotFoundError",
    "Period",
    "Quantity",
    "RollConvention",
    "Rounding",
    "RuleViolationError",
    "SalescoreError",
    "Step",
    "StorageError",
    "Unit",
    "__version__",
    "allocate",
    "total",
]
