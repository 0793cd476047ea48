"""Receivables: payment schedules, settlements, allocation, aging, credit control.

A sale is finished only when it is paid. This context plans payments by day
from each order's schedule (F1), keeps planned and actual debt by order, due
date and settlement document (F2), allocates payments (F3), classifies
overdue debt by depth as of any date (F4), stops clients over their limits
(F5), and produces settlement statements and reconciliation acts (F6).

Orders, contracts and settlement documents are referenced by string ids.
"""

from salescore.receivables.aging import (
    GROUP_FIELDS,
    AgingBucket,
    AgingPolicy,
    AgingReport,
    AgingRow,
    age_columns,
    age_receivables,
)
from salescore.receivables.allocation import allocate_payments, check_payment, sweep
from salescore.receivables.credit import (
    ControlPoint,
    CreditDecision,
    CreditExposure,
    CreditLimit,
    CreditOverride,
    LimitBreach,
    LimitScope,
    ProposedDocument,
    StopListEntry,
    Verdict,
    check_credit,
    credit_exposure,
    override_decision,
    stop_list,
)
from salescore.receivables.ledger import (
    Allocation,
    EntryKind,
    ManualAllocation,
    Measure,
    OpenCredit,
    OpenItem,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    schedule_entries,
    shipment_entries,
)
from salescore.receivables.ports import OrderSchedule
from salescore.receivables.posting import (
    load_ledger,
    post_entries,
    reallocate,
    record_payment,
    reverse_payment,
)
from salescore.receivables.reconciliation import (
    ActLine,
    ActStatus,
    CounterpartyLine,
    ReconciliationAct,
    SettlementStatement,
    StatementLine,
    reconciliation_act,
    settlement_statement,
)
from salescore.receivables.schedule import (
    DayCount,
    DueEvent,
    PaymentSchedule,
    PaymentScheduleTemplate,
    PlannedStage,
    ScheduleStage,
    StageKind,
)

__all__ = [
    "GROUP_FIELDS",
    "ActLine",
    "ActStatus",
    "AgingBucket",
    "AgingPolicy",
    "AgingReport",
    "AgingRow",
    "Allocation",
    "ControlPoint",
    "CounterpartyLine",
    "CreditDecision",
    "CreditExposure",
    "CreditLimit",
    "CreditOverride",
    "DayCount",
    "DueEvent",
    "EntryKind",
    "LimitBreach",
    "LimitScope",
    "ManualAllocation",
    "Measure",
    "OpenCredit",
    "OpenItem",
    "OrderSchedule",
    "Payment",
    "PaymentSchedule",
    "PaymentScheduleTemplate",
    "PlannedStage",
    "ProposedDocument",
    "ReconciliationAct",
    "ScheduleStage",
    "SettlementAccount",
    "SettlementEntry",
    "SettlementLedger",
    "SettlementStatement",
    "StageKind",
    "StatementLine",
    "StopListEntry",
    "Verdict",
    "age_columns",
    "age_receivables",
    "allocate_payments",
    "check_credit",
    "check_payment",
    "credit_exposure",
    "load_ledger",
    "override_decision",
    "post_entries",
    "reallocate",
    "reconciliation_act",
    "record_payment",
    "reverse_payment",
    "schedule_entries",
    "settlement_statement",
    "shipment_entries",
    "stop_list",
    "sweep",
]
