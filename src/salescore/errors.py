"""The whole exception tree of salescore, in one place.

Every error the library raises derives from :class:`SalescoreError`, so an
application can catch the library's failures with one ``except`` clause and
still tell them apart by class or by the stable :attr:`SalescoreError.code`.
Each class that is also a builtin kind of failure inherits that builtin too
(``InvalidInputError`` is a ``ValueError``, ``NotFoundError`` a ``LookupError``),
so generic code keeps working.

Messages say what was wrong, where, and what to do:

>>> from salescore.errors import CurrencyMismatchError, SalescoreError
>>> err = CurrencyMismatchError("cannot add RUB to USD", left="RUB", right="USD")
>>> isinstance(err, SalescoreError), isinstance(err, ValueError), err.code
(True, True, 'currency_mismatch')
>>> str(err)
'cannot add RUB to USD'

Where many problems can be found at once (checking a rule set, loading a
scenario file) the checks return a list of :class:`Issue` values instead of
raising at the first one; :func:`raise_for_issues` turns such a list into an
:class:`IssuesError` for callers who prefer an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

__all__ = [
    "AccessDeniedError",
    "AgreementError",
    "AmbiguousAgreementError",
    "AmbiguousCodeError",
    "ApprovalError",
    "AuthenticationError",
    "CargoRestrictionError",
    "CashShiftError",
    "ConcurrencyError",
    "ConflictError",
    "CreditLimitExceededError",
    "CrmError",
    "CurrencyMismatchError",
    "DeliveryError",
    "DeviceError",
    "DeviceTimeoutError",
    "DiscountError",
    "DiscountLimitExceededError",
    "DuplicatePluginError",
    "FiscalStateUnknownError",
    "FormulaError",
    "FormulaEvaluationError",
    "FormulaLimitError",
    "FormulaNameError",
    "FormulaSyntaxError",
    "InsufficientStockError",
    "InvalidAmountError",
    "InvalidInputError",
    "Issue",
    "IssuesError",
    "LoginThrottledError",
    "LoyaltyCardError",
    "MarkingCodeRejectedError",
    "MissingExtraError",
    "MissingMeasureError",
    "MissingPriceError",
    "NotFoundError",
    "OrderError",
    "PaperOutError",
    "PluginError",
    "PluginLoadError",
    "ProtocolError",
    "ReceiptMismatchError",
    "RetailError",
    "RetailImportError",
    "RuleViolationError",
    "SalescoreError",
    "ScenarioError",
    "ScheduleError",
    "SchemaVersionError",
    "SessionExpiredError",
    "SettlementError",
    "ShiftExpiredError",
    "ShipmentError",
    "StorageError",
    "TaxError",
    "TransitionRefusedError",
    "UnitOfWorkError",
    "UnknownPluginError",
    "UnpostedDirectiveError",
    "VehicleBookedError",
    "raise_for_issues",
]


class SalescoreError(Exception):
    """Root of every error salescore raises.

    Args:
        message: what was wrong, where, and what to do; defaults to the class's
            :attr:`message`.
        **details: the offending values, kept as attributes (``err.currency``,
            ``err.product``) so that callers need not parse the message.
    """

    code: ClassVar[str] = "salescore_error"
    message: ClassVar[str] = "salescore failed."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.details: Mapping[str, Any] = dict(details)
        for key, value in details.items():
            setattr(self, key, value)
        super().__init__(message or self.message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


# --- invalid input -------------------------------------------------------------


class InvalidInputError(SalescoreError, ValueError):
    """A value given to the library is malformed or out of range."""

    code = "invalid_input"
    message = "The input is invalid."


class AmbiguousCodeError(InvalidInputError):
    """A scanned code can be read more than one way (e.g. a marking code without GS)."""

    code = "ambiguous_code"
    message = "The scanned code is ambiguous."


class InvalidAmountError(InvalidInputError):
    """An amount cannot be money: a float, a non-number, or too many decimals."""

    code = "invalid_amount"
    message = "The amount is invalid."


class CurrencyMismatchError(InvalidInputError):
    """Two amounts in different currencies met in arithmetic or comparison."""

    code = "currency_mismatch"
    message = "Amounts in different currencies cannot be combined."


class FormulaError(InvalidInputError):
    """A price formula is wrong: its text, its names, its size or its evaluation."""

    code = "formula_error"
    message = "The formula is invalid."


class FormulaSyntaxError(FormulaError):
    """The formula text does not parse; carries ``line``, ``column`` and ``context``."""

    code = "formula_syntax"


class FormulaNameError(FormulaError):
    """The formula names a price type, parameter or function that does not exist."""

    code = "formula_name"


class FormulaLimitError(FormulaError):
    """The formula is longer or deeper than the documented limits allow."""

    code = "formula_limit"


class FormulaEvaluationError(FormulaError):
    """The formula failed while computing a price (division by zero, missing price)."""

    code = "formula_evaluation"


class MissingPriceError(FormulaEvaluationError):
    """A price cannot be computed because a price or data it needs is not registered."""

    code = "missing_price"


class AgreementError(InvalidInputError):
    """An agreement or contract is inconsistent, or cannot be used as asked."""

    code = "agreement_error"


class AmbiguousAgreementError(AgreementError):
    """Two equally specific agreements apply; the message names both."""

    code = "ambiguous_agreement"


class ApprovalError(InvalidInputError):
    """An approval decision is not allowed (not asked, already decided, closed)."""

    code = "approval_error"


class DiscountError(InvalidInputError):
    """A discount definition, group tree or limit is inconsistent."""

    code = "discount_error"


class ScheduleError(InvalidInputError):
    """A payment schedule template or due-date rule is inconsistent or can never be met."""

    code = "schedule_error"


class SettlementError(InvalidInputError):
    """A payment, settlement entry or allocation cannot be accepted (currency, closed order)."""

    code = "settlement_error"


class TaxError(InvalidInputError):
    """A tax rate or a tax table is wrong, or has no rate for a date."""

    code = "tax_error"
    message = "The tax rate is invalid."


class OrderError(InvalidInputError):
    """A quote or sales order cannot be built or changed as asked (dates, lines, status)."""

    code = "order_error"
    message = "The order cannot be changed as asked."


class ShipmentError(InvalidInputError):
    """A shipment, return or return request cannot be made as asked (client, quantities)."""

    code = "shipment_error"
    message = "The shipment or return cannot be made as asked."


class CrmError(InvalidInputError):
    """A sales process, deal, interaction, claim or analysis of the CRM is asked
    something it cannot do (unknown stage, closed deal, task of another stage)."""

    code = "crm_error"
    message = "The CRM operation is not possible as asked."


class RetailError(InvalidInputError):
    """A retail operation cannot be done as asked: an outlet, a workplace, a receipt
    or a payment that does not fit (unknown workplace, payment short of the total,
    a return above what was sold)."""

    code = "retail_error"
    message = "The retail operation is not possible as asked."


class CashShiftError(RetailError):
    """A cash shift is not in the state the operation needs (no open shift, a shift
    already open at the workplace, receipts still waiting for the register)."""

    code = "cash_shift_error"
    message = "The cash shift is not in the state this operation needs."


class LoyaltyCardError(RetailError):
    """A loyalty card cannot be used: unknown, blocked, not yet or no longer valid."""

    code = "loyalty_card_error"
    message = "The loyalty card cannot be used."


class RetailImportError(RetailError):
    """Retail sales to import have bad lines; ``issues`` names each by its line number,
    and nothing was imported."""

    code = "retail_import_error"
    message = "The retail sales file has bad lines; nothing was imported."


class DeliveryError(InvalidInputError):
    """A delivery method, vehicle, transport task or delivery charge is not possible as
    asked (a carrier without a carrier, a task status change out of order)."""

    code = "delivery_error"
    message = "The delivery operation is not possible as asked."


class MissingMeasureError(DeliveryError):
    """A product in a capacity-bound plan has no weight (or volume): names the product
    (``product``) and the measure (``measure``); set ``Product.weight_kg`` or
    ``Product.volume_m3`` and plan again."""

    code = "missing_measure"
    message = "A product has no weight or volume to plan by."

    product: str
    measure: str


class CargoRestrictionError(DeliveryError):
    """No vehicle of the plan may carry a directive's cargo class: names the directive
    (``directive``) and the class (``cargo``); add a vehicle that carries it."""

    code = "cargo_restriction"
    message = "No vehicle may carry this cargo."

    directive: str
    cargo: tuple[str, ...]


class UnpostedDirectiveError(DeliveryError):
    """A delivery directive names a shipment or goods issue that is not posted
    (``document``); post it first."""

    code = "unposted_directive"
    message = "The delivery directive's document is not posted."

    document: str


class ScenarioError(InvalidInputError):
    """A scenario file is malformed; names the file, the key path and what was expected."""

    code = "scenario_error"


# --- business rules ------------------------------------------------------------


class RuleViolationError(SalescoreError):
    """The input is well formed, but a business rule forbids the operation."""

    code = "rule_violation"
    message = "A business rule forbids this operation."


class InsufficientStockError(RuleViolationError):
    """A reserve or shipment asks for more than is free; names product, warehouse, asked, free."""

    code = "insufficient_stock"
    message = "Not enough free stock."


class CreditLimitExceededError(RuleViolationError):
    """A document would take a partner over a credit limit."""

    code = "credit_limit_exceeded"
    message = "The credit limit would be exceeded."


class DiscountLimitExceededError(RuleViolationError):
    """A manual discount is above the manager's or the agreement's limit, and the
    configuration refuses it (instead of asking for approval)."""

    code = "discount_limit_exceeded"
    message = "The manual discount is above its limit."


class TransitionRefusedError(RuleViolationError):
    """A status change of a quote or order is refused by a guard; names the guard
    (``guard``) and the figures that hold it back (``figures``)."""

    code = "transition_refused"
    message = "The status change is refused."

    guard: str
    figures: tuple[str, ...]


class VehicleBookedError(RuleViolationError):
    """A transport task would use a vehicle another task holds at the same time: names
    the vehicle (``vehicle``), the day (``on``) and the other task (``task``)."""

    code = "vehicle_booked"
    message = "The vehicle is booked at that time."

    vehicle: str
    task: str


# --- storage -------------------------------------------------------------------


class NotFoundError(SalescoreError, LookupError):
    """A repository has no entity with the given id."""

    code = "not_found"
    message = "Not found."


class ConflictError(SalescoreError):
    """An entity with the same id already exists."""

    code = "conflict"
    message = "Already exists."


class ConcurrencyError(SalescoreError):
    """Another unit of work changed the same data first; retry the operation."""

    code = "concurrency"
    message = "The data was changed concurrently."


class StorageError(SalescoreError):
    """The storage cannot be used: not a database, corrupted, or unreachable."""

    code = "storage_error"
    message = "The storage cannot be used."


class UnitOfWorkError(StorageError):
    """A unit of work was misused: opened inside another, or written to while read-only."""

    code = "unit_of_work"
    message = "The unit of work cannot do that."


class SchemaVersionError(StorageError):
    """The stored schema is newer than this version of salescore understands."""

    code = "schema_version"


# --- optional parts ------------------------------------------------------------


class MissingExtraError(SalescoreError, ImportError):
    """A feature needs an optional extra that is not installed; names the extra."""

    code = "missing_extra"
    message = "An optional part of salescore is not installed."


# --- self-service access -------------------------------------------------------


class AuthenticationError(SalescoreError):
    """A login or a session token is not accepted.

    A wrong login and a wrong password give the same error and message, so the
    answer does not tell whether a login exists.
    """

    code = "authentication_failed"
    message = "The login or password is wrong, or the session is not valid."


class LoginThrottledError(AuthenticationError):
    """Too many failed logins in a row: logins are refused until ``retry_after``."""

    code = "login_throttled"
    message = "Too many failed logins; try again later."


class SessionExpiredError(AuthenticationError):
    """The session token has expired or was ended: log in again."""

    code = "session_expired"
    message = "The session has expired; log in again."


class AccessDeniedError(SalescoreError, PermissionError):
    """The principal's role may not do this kind of operation at all.

    Never raised for another partner's document: that is a
    :class:`NotFoundError`, the same as for a document that does not exist.
    """

    code = "access_denied"
    message = "This role may not do that."


# --- plugins -------------------------------------------------------------------


class PluginError(SalescoreError):
    """A plugin (entry point) is broken."""

    code = "plugin_error"
    message = "A plugin failed."


class PluginLoadError(PluginError):
    """A plugin could not be imported or is not what its group expects; names it."""

    code = "plugin_load"


class UnknownPluginError(PluginLoadError, NotFoundError):
    """No plugin of that name is installed in the group; the message lists the known ones."""

    code = "unknown_plugin"


class DuplicatePluginError(PluginError):
    """Two plugins claim the same name in one group."""

    code = "duplicate_plugin"


# --- devices -------------------------------------------------------------------


class DeviceError(SalescoreError):
    """A device (fiscal register, scale, printer, scanner) failed or refused.

    The message is for developers; :attr:`cashier_message` is what a cashier
    should read, chosen by the ``protocol`` and ``device_code`` details.
    """

    code = "device_error"
    message = "The device reported an error."

    @property
    def cashier_message(self) -> str:
        """A short Russian message for the cashier: what happened and what to do.

        English and the tables: :mod:`salescore.hardware.messages`.
        """
        from salescore.hardware.messages import message_for  # the tables live with devices

        return message_for(self)


class ProtocolError(DeviceError):
    """The device's bytes do not follow its protocol (checksum, framing, length)."""

    code = "protocol_error"


class DeviceTimeoutError(DeviceError, TimeoutError):
    """The device did not answer in time."""

    code = "device_timeout"


class FiscalStateUnknownError(DeviceTimeoutError):
    """Contact was lost after a receipt's "close" was sent: it may be fiscal or not.

    Neither refund nor ring the sale again: when the register is back, repeat
    the same call with the same receipt (or recover the journal); the fiscal
    storage's last documents decide.
    """

    code = "fiscal_state_unknown"


class ReceiptMismatchError(DeviceError):
    """The device's receipt (subtotal or change) differs from the receipt being printed."""

    code = "receipt_mismatch"


class PaperOutError(DeviceError):
    """The printer of a device has no paper: load paper, then go on."""

    code = "paper_out"
    message = "The device has no paper: load paper and repeat."


class MarkingCodeRejectedError(DeviceError):
    """The register's fiscal storage or the marking system refused an item's marking code.

    Nothing is fiscal: the receipt was annulled before close. Take the item out
    of the sale (it may be counterfeit, already sold or withdrawn).
    """

    code = "marking_code_rejected"
    message = "The marking code was refused: the item may not be sold."


class ShiftExpiredError(DeviceError):
    """The fiscal shift is open longer than 24 hours: only a Z report (close shift) helps."""

    code = "shift_expired"
    message = "The shift is older than 24 hours: close it with a Z report, then open a new one."


# --- problems as data ----------------------------------------------------------


@attrs.frozen
class Issue:
    """One problem found by a check that reports every problem, not only the first.

    Attributes:
        code: stable machine-readable kind, e.g. ``"unknown_product"``.
        message: what is wrong and what to do.
        path: where: a key path in a file, an entity id, a rule name.
        severity: ``"error"`` or ``"warning"``.
    """

    code: str
    message: str
    path: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.severity}: {where}{self.message} [{self.code}]"


class IssuesError(InvalidInputError):
    """Raised by :func:`raise_for_issues`; ``issues`` holds every problem found."""

    code = "issues"


def raise_for_issues(issues: Iterable[Issue], what: str = "input") -> None:
    """Raise :class:`IssuesError` if any issue has severity ``"error"``.

    >>> raise_for_issues([Issue("w", "odd but fine", severity="warning")])
    >>> raise_for_issues([Issue("bad", "no price type", path="agreements[0]")], "agreements")
    Traceback (most recent call last):
    ...
    salescore.errors.IssuesError: agreements has 1 error(s):
      error: agreements[0]: no price type [bad]
    """
    found = list(issues)
    errors = [issue for issue in found if issue.severity == "error"]
    if errors:
        lines = "\n".join(f"  {issue}" for issue in errors)
        raise IssuesError(f"{what} has {len(errors)} error(s):\n{lines}", issues=tuple(found))
