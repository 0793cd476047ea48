"""The receivables storage contract, held against every storage adapter."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresSettlementLedger, PostgresStore
from salescore.adapters.postgres.aging import age_in_database
from salescore.adapters.postgres.testing import fresh_database
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId, ContractId
from salescore.app.orders import credit_decision
from salescore.app.receivables import (
    age_receivables_from_store,
    credit_stop_list,
    import_settlements,
    reallocate_all,
)
from salescore.app.stores import Store
from salescore.dates import BusinessCalendar, RollConvention
from salescore.errors import ConflictError, InvalidInputError, NotFoundError, SettlementError
from salescore.money import Currency, Money
from salescore.orders import DocumentHeader
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, WarehouseId
from salescore.receivables import (
    GROUP_FIELDS,
    AgingCache,
    AgingPolicy,
    Allocation,
    ControlPoint,
    CreditLimit,
    CreditOverride,
    DayCount,
    DueEvent,
    EntryKind,
    LedgerChanges,
    LimitScope,
    ManualAllocation,
    Measure,
    OrderSchedule,
    Payment,
    PaymentScheduleTemplate,
    ProposedDocument,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    StageKind,
    Verdict,
    age_receivables,
    age_store,
    allocate_payments,
    check_credit,
    load_ledger,
    post_entries,
    record_payment,
    stop_list,
)

ACC = SettlementAccount("CAFE", "RUB", "CAFE-LLC", "ORG-1", "K-1")
OTHER = SettlementAccount("VOLGA", "RUB")
TEMPLATE = PaymentScheduleTemplate(
    "ADV30",
    "30% advance, rest in 14 working days",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(StageKind.CREDIT, None, 14, DayCount.WORKING, DueEvent.SHIPMENT),
    ),
    RollConvention.FOLLOWING,
    "ru",
)


def entry(eid: str, acc: SettlementAccount = ACC, amount: str = "100.00") -> SettlementEntry:
    return SettlementEntry(
        eid,
        EntryKind.SHIPMENT,
        acc,
        "SO-1" if acc == ACC else "SO-9",
        eid,
        date(2026, 3, 2),
        date(2026, 3, 16),
        Money(amount, "RUB"),
        "petrov",
    )


def test_templates_schedules_limits_and_overrides_are_read_back_equal(store: Store) -> None:
    schedule = TEMPLATE.generate(
        Money("1000.00", "RUB"), date(2026, 3, 2), date(2026, 3, 4), BusinessCalendar()
    )
    limit = CreditLimit("L1", LimitScope.PARTNER, "CAFE", "RUB", Money("500.00", "RUB"), 30,
                        None, Money("0.01", "RUB"), Verdict.HOLD,
                        frozenset({ControlPoint.ORDER}))  # fmt: skip
    override = CreditOverride(
        "SO-3@x",
        "SO-3",
        Verdict.BLOCK,
        "cfo",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        "wire sent",
        ("debt",),
    )
    with store.unit_of_work() as uow:
        uow.schedule_templates.add(TEMPLATE)
        uow.order_schedules.add(OrderSchedule("SO-1", schedule))
        uow.credit_limits.add(limit)
        uow.credit_overrides.add(override)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.schedule_templates.get("ADV30") == TEMPLATE
        assert uow.order_schedules.get("SO-1").schedule == schedule
        assert uow.credit_limits.find_by("subject_id", "CAFE") == [limit]
        assert uow.credit_overrides.find_by("document_id", "SO-3") == [override]


def test_entries_payments_and_allocations_are_read_back_equal(store: Store) -> None:
    usd = Payment("PAY-USD", ACC, date(2026, 3, 3), Money("1.50", "USD"), Decimal("90.5"),
                  (ManualAllocation("SO-1", Money("100.00", "RUB")),))  # fmt: skip
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1"), entry("E2"), entry("E9", OTHER)])
        record_payment(uow.settlements, usd)
        uow.commit()
    with store.unit_of_work() as uow:
        assert [e.id for e in uow.settlements.entries()] == ["E1", "E2", "E9"]
        assert uow.settlements.entries(account=ACC) == [entry("E1"), entry("E2")]
        assert uow.settlements.entries(partner_id="VOLGA") == [entry("E9", OTHER)]
        assert uow.settlements.payment("PAY-USD") == usd
        assert uow.settlements.payments(partner_id="CAFE") == [usd]
        allocations = uow.settlements.allocations(partner_id="CAFE")
        assert [(a.measure, a.entry_id, a.amount, a.manual) for a in allocations] == [
            (Measure.ACTUAL, "E1", Money("100.00", "RUB"), True),
            (Measure.ACTUAL, "E2", Money("35.75", "RUB"), False),
        ]
        assert uow.settlements.allocations(partner_id="VOLGA") == []


def test_a_partner_is_told_apart_from_partners_whose_ids_begin_alike(store: Store) -> None:
    # SQLite finds a partner's rows as the account keys that begin with its id and the
    # separator; ids that are prefixes of one another, or hold the separator, stay apart.
    partners = ["CAFE", "CAFE2", "CAF", "CAFE\x1fX", "CAFE "]
    accounts = [SettlementAccount(p, "RUB") for p in partners]
    accounts.append(SettlementAccount("CAFE", "USD", "CAFE-LLC"))
    with store.unit_of_work() as uow:
        for n, acc in enumerate(accounts):
            money = Money(10 + n, acc.currency)
            post_entries(uow.settlements, [
                SettlementEntry(f"E{n}", EntryKind.SHIPMENT, acc, f"SO-{n}", f"SH-{n}",
                                date(2026, 3, 2), date(2026, 3, 16), money),
            ])  # fmt: skip
            record_payment(uow.settlements, Payment(f"P{n}", acc, date(2026, 3, 3), money))
        uow.commit()
    with store.unit_of_work() as uow:
        for partner in partners:
            owned = {f"E{n}" for n, acc in enumerate(accounts) if acc.partner_id == partner}
            paid = {f"P{n}" for n, acc in enumerate(accounts) if acc.partner_id == partner}
            found = uow.settlements.allocations(partner_id=partner)
            assert {a.entry_id for a in found} == owned, partner
            assert {a.source_id for a in found} == paid, partner
            assert {e.id for e in uow.settlements.entries(partner_id=partner)} == owned
            assert {p.id for p in uow.settlements.payments(partner_id=partner)} == paid


def test_a_duplicate_entry_or_payment_id_is_a_conflict(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1")])
        uow.commit()
        with pytest.raises(ConflictError):
            uow.settlements.add_entries([entry("E2"), entry("E1")])
        assert [e.id for e in uow.settlements.entries()] == ["E1"]  # the batch left nothing
        payment = Payment("P", ACC, date(2026, 3, 3), Money("1.00", "RUB"))
        uow.settlements.add_payment(payment)
        with pytest.raises(ConflictError):
            uow.settlements.add_payment(payment)


def test_an_unknown_payment_is_not_found(store: Store) -> None:
    with store.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            uow.settlements.payment("NOPE")
        with pytest.raises(NotFoundError):
            uow.settlements.remove_payment("NOPE")


def test_a_custom_currency_keeps_its_minor_units(store: Store) -> None:
    token = Currency("XTS", 3)
    acc = SettlementAccount("LAB", token)
    special = SettlementEntry("X1", EntryKind.SHIPMENT, acc, "SO-X", "X1", date(2026, 1, 1),
                              date(2026, 1, 2), Money("1.234", token))  # fmt: skip
    with store.unit_of_work() as uow:
        uow.settlements.add_entries([special])
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.settlements.entries() == [special]


def test_a_failed_unit_of_work_leaves_nothing_of_the_ledger(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("KEEP")])
        uow.commit()
        before = load_ledger(uow.settlements)

    def failing() -> None:
        with store.unit_of_work() as uow:
            post_entries(uow.settlements, [entry("E2")])
            record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 5), Money(50, "RUB")))
            uow.schedule_templates.add(TEMPLATE)
            record_payment(  # fails: SO-1 is closed
                uow.settlements,
                Payment("P2", ACC, date(2026, 3, 6), Money(10, "RUB"),
                        manual=(ManualAllocation("SO-1", Money(10, "RUB")),)),
                closed_orders={"SO-1"},
            )  # fmt: skip
            uow.commit()

    with pytest.raises(SettlementError):
        failing()
    with store.unit_of_work() as uow:
        after = load_ledger(uow.settlements)
        assert (after.entries, after.payments, after.allocations) == (
            before.entries, before.payments, before.allocations
        )  # fmt: skip
        assert uow.schedule_templates.all() == []


def test_many_payments_are_stored_together_or_not_at_all(store: Store) -> None:
    paid = [Payment(f"P{n}", ACC, date(2026, 3, n + 1), Money("10.00", "RUB")) for n in range(3)]
    with store.unit_of_work() as uow:
        uow.settlements.add_payments(paid[:1])
        with pytest.raises(ConflictError):
            uow.settlements.add_payments([paid[1], paid[0], paid[2]])
        assert uow.settlements.payments() == paid[:1]
        with pytest.raises(ConflictError):
            uow.settlements.add_payments([paid[1], paid[1]])
        uow.settlements.add_payments(paid[1:])
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.settlements.payments() == paid
        assert uow.settlements.allocations() == []  # stored unallocated: reallocate_all next


def test_importing_a_ledger_allocates_as_posting_it_batch_by_batch(store: Store) -> None:
    entries = [entry(f"E{n}", ACC if n % 3 else OTHER, f"{100 + n}.00") for n in range(9)]
    entries.append(SettlementEntry("R1", EntryKind.RETURN, ACC, "SO-1", "R1", date(2026, 3, 5),
                                   date(2026, 3, 5), Money("-40.00", "RUB")))  # fmt: skip
    payments = [
        Payment("P1", ACC, date(2026, 3, 10), Money("250.00", "RUB"),
                manual=(ManualAllocation("SO-1", Money("20.00", "RUB")),)),
        Payment("P2", OTHER, date(2026, 3, 12), Money("150.00", "RUB")),
        Payment("P3", ACC, date(2026, 3, 20), Money("1.50", "USD"), Decimal("90.5")),
    ]  # fmt: skip
    posted = MemoryStore()
    with posted.unit_of_work() as uow:
        post_entries(uow.settlements, entries)
        for payment in payments:
            record_payment(uow.settlements, payment)
        expected = load_ledger(uow.settlements)
    assert len({a.source_id for a in expected.allocations}) == 4  # three payments, a return
    with store.unit_of_work() as uow:
        assert import_settlements(uow, entries, payments) == len(expected.allocations)
        uow.commit()
    with store.unit_of_work() as uow:
        got = load_ledger(uow.settlements)
    assert got.entries == expected.entries
    assert got.payments == expected.payments
    assert sorted(got.allocations, key=repr) == sorted(expected.allocations, key=repr)


def test_an_import_giving_an_entry_id_twice_is_refused_and_stores_nothing(store: Store) -> None:
    # Two entries E2 in one import: neither is kept (one would hide the other's amount).
    entries = [entry("E1"), entry("E2"), entry("E2", amount="70.00")]
    with store.unit_of_work() as uow:
        with pytest.raises(ConflictError, match="entry id 'E2' is given twice"):
            import_settlements(uow, entries)
        assert uow.settlements.entries() == []
        assert import_settlements(uow, entries[:2]) == 0  # no payment: nothing to allocate
        assert [e.id for e in uow.settlements.entries()] == ["E1", "E2"]


# --- aging computed by the storage ------------------------------------------------------

STORES = ("memory", "sqlite-memory", "sqlite-file")
DAY0 = date(2026, 3, 1)
MANAGERS = ("petrov", None)


def _open(kind: str, folder: str) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite-memory":
        return SqliteStore(":memory:")
    return SqliteStore(Path(folder) / f"aging-{uuid.uuid4().hex}.sqlite")


@st.composite
def stored_ledgers(
    draw: st.DrawFn, accounts: Sequence[SettlementAccount] = (ACC, OTHER)
) -> tuple[list[SettlementEntry], list[Payment]]:
    """Two accounts (or ``accounts``): shipments, schedule stages, returns, payments (some
    by hand, one in USD)."""
    entries: list[SettlementEntry] = []
    for n in range(draw(st.integers(0, 14))):
        acc = draw(st.sampled_from(accounts))
        order = f"SO-{acc.partner_id}-{draw(st.integers(1, 3))}"
        posted = draw(st.integers(0, 60))
        kind = draw(st.sampled_from([EntryKind.SHIPMENT, EntryKind.SCHEDULE]))
        amount = Money.from_minor(draw(st.integers(1, 100_000)), "RUB")
        due = DAY0 + timedelta(posted + draw(st.integers(-5, 120)))
        entries.append(SettlementEntry(f"E{n}", kind, acc, order, f"D{n}",
                                       DAY0 + timedelta(posted), due, amount,
                                       draw(st.sampled_from(MANAGERS))))  # fmt: skip
        if kind is EntryKind.SHIPMENT and draw(st.booleans()):
            back = Money.from_minor(draw(st.integers(1, amount.minor_units)), "RUB")
            day = DAY0 + timedelta(posted + draw(st.integers(0, 20)))
            entries.append(SettlementEntry(f"R{n}", EntryKind.RETURN, acc, order, f"R{n}", day,
                                           day, -back))  # fmt: skip
    payments = []
    for n in range(draw(st.integers(0, 6))):
        acc = draw(st.sampled_from(accounts))
        orders = sorted({e.order_id for e in entries if e.account == acc})
        units = draw(st.integers(1, 150_000))
        manual: tuple[ManualAllocation, ...] = ()
        if draw(st.booleans()) and orders:
            share = Money.from_minor(draw(st.integers(1, units)), "RUB")
            manual = (ManualAllocation(draw(st.sampled_from(orders)), share),)
        day = DAY0 + timedelta(draw(st.integers(0, 90)))
        if not manual and draw(st.integers(0, 4)) == 0:
            payments.append(Payment(f"P{n}", acc, day, Money.from_minor(units, "USD"),
                                    Decimal("90.37")))  # fmt: skip
        else:
            payments.append(Payment(f"P{n}", acc, day, Money.from_minor(units, "RUB"),
                                    manual=manual))  # fmt: skip
    return entries, payments


def _fill(store: Store, entries: list[SettlementEntry], payments: list[Payment]) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, entries)
        for payment in payments:
            record_payment(uow.settlements, payment)
        uow.commit()


AGING_POLICIES = (
    AgingPolicy.default(),
    AgingPolicy.from_bounds((7, 45)),
    AgingPolicy.from_bounds((5, 20), DayCount.WORKING),
)
CALENDAR = BusinessCalendar("test", holidays=frozenset({date(2026, 3, 9), date(2026, 5, 1)}))


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=25, deadline=None)
@given(
    case=stored_ledgers(),
    first=st.integers(-5, 200),
    shift=st.one_of(st.integers(-3, 3), st.integers(-90, 90)),
    fields=st.lists(st.sampled_from(GROUP_FIELDS), max_size=3, unique=True),
    measure=st.sampled_from(Measure),
    policy=st.sampled_from(AGING_POLICIES),
)
def test_aging_from_the_store_equals_aging_the_loaded_ledger_on_any_two_dates(
    kind: str,
    case: tuple[list[SettlementEntry], list[Payment]],
    first: int,
    shift: int,
    fields: list[str],
    measure: Measure,
    policy: AgingPolicy,
) -> None:
    entries, payments = case
    segments = {"CAFE": "horeca"}
    options = {"policy": policy, "group_by": fields, "measure": measure, "calendar": CALENDAR,
               "segments": segments}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        store = _open(kind, folder)
        _fill(store, entries, payments)
        cache = AgingCache(reuse_share=float("inf"))  # always start from the cached date
        with store.unit_of_work() as uow:
            ledger = load_ledger(uow.settlements)
            # Each date after the first starts from the cached one (the same date again too,
            # and the next day, where only the rows that changed are built again).
            for offset in (first, first + shift, first, first, first + 1):
                on = DAY0 + timedelta(offset)
                expected = age_receivables(ledger, on, **options)  # type: ignore[arg-type]
                got = age_receivables_from_store(uow, on, cache=cache, **options)  # type: ignore[arg-type]
                assert got == expected
        if isinstance(store, SqliteStore):
            store.close()


# --- the credit decision from the store's columns ---------------------------------------

# CAFE's second account: another counterparty, no contract; and a document in dollars
# (its limits in dollars find no debt).
CAFE_IE = SettlementAccount("CAFE", "RUB", "CAFE-IE", "ORG-1")
CAFE_USD = SettlementAccount("CAFE", "USD", "CAFE-LLC", "ORG-1", "K-1")


@st.composite
def credit_limits(draw: st.DrawFn) -> list[CreditLimit]:
    """CAFE's limits by partner, counterparty and contract (some in dollars), and VOLGA's."""
    subjects = [
        (LimitScope.PARTNER, "CAFE"),
        (LimitScope.PARTNER, "VOLGA"),
        (LimitScope.COUNTERPARTY, "CAFE-LLC"),
        (LimitScope.COUNTERPARTY, "CAFE-IE"),
        (LimitScope.CONTRACT, "K-1"),
        (LimitScope.CONTRACT, "K-2"),
    ]
    limits = []
    for n in range(draw(st.integers(1, 4))):
        scope, subject = draw(st.sampled_from(subjects))
        code = draw(st.sampled_from(["RUB", "RUB", "USD"]))

        def amount(high: int, code: str = code) -> Money | None:
            units = draw(st.one_of(st.none(), st.integers(0, high)))
            return None if units is None else Money.from_minor(units, code)

        days = draw(st.one_of(st.none(), st.integers(0, 90)))
        debt, overdue = amount(400_000), amount(200_000)
        if debt is None and overdue is None and days is None:
            days = 0
        limits.append(
            CreditLimit(
                f"L{n}",
                scope,
                subject,
                code,
                max_debt=debt,
                max_overdue_days=days,
                max_overdue_amount=overdue,
                tolerance=amount(500),
                on_breach=draw(st.sampled_from([Verdict.WARN, Verdict.HOLD, Verdict.BLOCK])),
            )
        )
    return limits


def _column_rows(repo: Any, on: date, measure: Measure, partner: str | None) -> list[Any]:
    """Open items and credits on ``on`` as sorted rows (group, due, units), of ``partner``."""
    fields = ("partner", "counterparty", "contract", "order")
    items = repo.open_item_columns(on, measure, fields, partner_id=partner)
    credits = repo.open_credit_columns(on, measure, fields, partner_id=partner)
    rows = [
        (items.groups[k], due, units)
        for k, due, units in zip(items.keys, items.due_ordinals, items.open_units, strict=True)
    ]
    rows += [
        (key, None, units) for key, units in zip(credits.keys, credits.open_units, strict=True)
    ]
    return sorted(rows, key=repr)


# A ledger of CAFE's two accounts and VOLGA's, limits, and the day of the check.
CREDIT_CASES = {
    "case": stored_ledgers((ACC, OTHER, CAFE_IE)),
    "limits": credit_limits(),
    "day": st.integers(-5, 200),
}


def _order_reads(store: Store, case: Any) -> None:
    """An order's entries and the allocations to them, alone and with its partner, are the
    whole ledger's rows of that order, in the same order."""
    entries, payments = case
    _fill(store, entries, payments)
    with store.unit_of_work() as uow:
        repo = uow.settlements
        every, allocations = repo.entries(), repo.allocations()
        order_of = {e.id: e.order_id for e in every}
        partner_of = {e.id: e.account.partner_id for e in every}
        for order in sorted({e.order_id for e in entries} | {"SO-NONE"}):
            mine = [e for e in every if e.order_id == order]
            to_mine = [a for a in allocations if order_of[a.entry_id] == order]
            assert repo.entries(order_id=order) == mine
            assert repo.allocations(order_id=order) == to_mine
            for partner in ("CAFE", "VOLGA"):
                assert repo.entries(partner_id=partner, order_id=order) == [
                    e for e in mine if e.account.partner_id == partner
                ]
                assert repo.allocations(partner_id=partner, order_id=order) == [
                    a for a in to_mine if partner_of[a.entry_id] == partner
                ]


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=20, deadline=None)
@given(case=stored_ledgers((ACC, OTHER, CAFE_IE)))
def test_an_orders_entries_and_allocations_are_the_ledgers_rows_of_that_order(
    kind: str, case: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = _open(kind, folder)
        _order_reads(store, case)
        if isinstance(store, SqliteStore):
            store.close()


def _credit_check(store: Store, case: Any, limits: list[CreditLimit], day: int) -> None:
    """The decision ``credit_decision`` takes from the store's columns is the decision
    ``check_credit`` takes from the partner's loaded ledger, for each of CAFE's accounts;
    the store's stop list is ``stop_list`` of the whole loaded ledger."""
    entries, payments = case
    _fill(store, entries, payments)
    on = DAY0 + timedelta(day)
    with store.unit_of_work() as uow:
        for limit in limits:
            uow.credit_limits.add(limit)
        ledger = load_ledger(uow.settlements, partner_id="CAFE")
        # The partner's columns are the whole ledger's rows of that partner.
        for partner in ("CAFE", "VOLGA", "NOBODY"):
            for measure in Measure:
                mine = _column_rows(uow.settlements, on, measure, partner)
                every = _column_rows(uow.settlements, on, measure, None)
                assert mine == [r for r in every if r[0][0][0] == partner]
        for account in (ACC, CAFE_IE, CAFE_USD):
            header = DocumentHeader(
                PartnerId(account.partner_id),
                CounterpartyId(account.counterparty_id or ""),
                OrganizationId(account.organization_id or ""),
                AgreementId("A"),
                account.currency.code,
                WarehouseId("MAIN"),
                contract_id=None
                if account.contract_id is None
                else ContractId(account.contract_id),
            )
            amount = Money.from_minor(70_000, account.currency)
            document = ProposedDocument("SO-NEW", ControlPoint.ORDER, account, amount)
            expected = check_credit(ledger, limits, document, on)
            got = credit_decision(uow, "SO-NEW", header, amount, ControlPoint.ORDER, on)
            assert got == expected
        # The stop list of every stored limit, from the whole ledger's columns.
        assert credit_stop_list(uow, on) == stop_list(load_ledger(uow.settlements), limits, on)


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=25, deadline=None)
@given(**CREDIT_CASES)
def test_a_credit_decision_from_the_store_equals_checking_the_loaded_ledger(
    kind: str, case: Any, limits: list[CreditLimit], day: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = _open(kind, folder)
        _credit_check(store, case, limits, day)
        if isinstance(store, SqliteStore):
            store.close()


@pytest.fixture(scope="module")
def aging_store(postgres_server: str) -> Iterator[PostgresStore]:
    """A PostgreSQL store of its own for the aging examples (emptied by each)."""
    pg_store = PostgresStore(fresh_database(postgres_server, "aging"), min_size=1, max_size=2)
    yield pg_store
    pg_store.close()


@settings(max_examples=40, deadline=None)
@given(
    case=stored_ledgers(),
    first=st.integers(-5, 200),
    shift=st.one_of(st.integers(-3, 3), st.integers(-90, 90)),
    fields=st.lists(st.sampled_from(GROUP_FIELDS), max_size=3, unique=True),
    measure=st.sampled_from(Measure),
    policy=st.sampled_from(AGING_POLICIES),
)
def test_aging_in_postgresql_equals_the_python_path_and_the_loaded_ledger(
    aging_store: PostgresStore,
    case: tuple[list[SettlementEntry], list[Payment]],
    first: int,
    shift: int,
    fields: list[str],
    measure: Measure,
    policy: AgingPolicy,
) -> None:
    entries, payments = case
    options: dict[str, Any] = {"policy": policy, "group_by": fields, "measure": measure,
                               "calendar": CALENDAR, "segments": {"CAFE": "horeca"}}  # fmt: skip
    with aging_store.unit_of_work() as uow:
        uow.connection.execute(
            "TRUNCATE settlement_allocations, settlement_entries, settlement_payments"
        )
        uow.commit()
    _fill(aging_store, entries, payments)
    cache = AgingCache(reuse_share=float("inf"))  # the second date starts from the first
    with aging_store.unit_of_work(read_only=True) as uow:
        ledger = load_ledger(uow.settlements)
        for offset in (first, first + shift):
            on = DAY0 + timedelta(offset)
            expected = age_receivables(ledger, on, **options)
            in_sql = age_in_database(cast(PostgresSettlementLedger, uow.settlements), on, **options)
            assert in_sql == expected
            python = age_receivables_from_store(
                uow, on, in_database=False, cache=AgingCache(), **options
            )
            assert python == expected
            assert age_receivables_from_store(uow, on, cache=cache, **options) == expected


@settings(max_examples=15, deadline=None)
@given(**CREDIT_CASES)
def test_a_credit_decision_from_postgresql_equals_checking_the_loaded_ledger(
    aging_store: PostgresStore, case: Any, limits: list[CreditLimit], day: int
) -> None:
    with aging_store.unit_of_work() as uow:
        uow.connection.execute(
            "TRUNCATE settlement_allocations, settlement_entries, settlement_payments, "
            "credit_limits"
        )
        uow.commit()
    _credit_check(aging_store, case, limits, day)


@settings(max_examples=10, deadline=None)
@given(case=stored_ledgers((ACC, OTHER, CAFE_IE)))
def test_an_orders_entries_and_allocations_in_postgresql_are_the_ledgers_rows_of_that_order(
    aging_store: PostgresStore, case: Any
) -> None:
    with aging_store.unit_of_work() as uow:
        uow.connection.execute(
            "TRUNCATE settlement_allocations, settlement_entries, settlement_payments"
        )
        uow.commit()
    _order_reads(aging_store, case)


def test_postgresql_ages_in_the_database_by_default_and_other_stores_refuse_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[object] = []
    original = PostgresSettlementLedger.open_item_columns

    def spy(self: PostgresSettlementLedger, *args: Any) -> Any:
        read.append(args)
        return original(self, *args)

    monkeypatch.setattr(PostgresSettlementLedger, "open_item_columns", spy)
    pg_store = PostgresStore(postgres_url, min_size=1)
    try:
        _fill(pg_store, [entry("E1"), entry("E2", OTHER, "70.00")], [])
        with pg_store.unit_of_work(read_only=True) as uow:
            report = age_receivables_from_store(uow, date(2026, 4, 20), cache=AgingCache())
            assert read == []  # no item was read into Python
            assert [(r["partner"], r["31-60"]) for r in report.rows()] == [
                ("CAFE", "100.00"),
                ("VOLGA", "70.00"),
            ]
            assert (
                age_receivables_from_store(
                    uow, date(2026, 4, 20), cache=AgingCache(), in_database=False
                )
                == report
            )
            assert len(read) == 1
    finally:
        pg_store.close()
    with (
        MemoryStore().unit_of_work() as memory,
        pytest.raises(InvalidInputError, match="PostgreSQL"),
    ):
        age_receivables_from_store(memory, date(2026, 4, 20), in_database=True)


def test_postgresql_reports_from_the_stores_cache_until_any_process_writes(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    summed: list[date] = []
    original = PostgresSettlementLedger.open_group_sums

    def spy(self: PostgresSettlementLedger, *args: Any) -> Any:
        summed.append(args[0])
        return original(self, *args)

    monkeypatch.setattr(PostgresSettlementLedger, "open_group_sums", spy)
    mine, other = PostgresStore(postgres_url, min_size=1), PostgresStore(postgres_url, min_size=1)
    on = date(2026, 4, 20)
    try:
        _fill(mine, [entry("E1")], [])
        with mine.unit_of_work(read_only=True) as uow:
            report = age_receivables_from_store(uow, on)  # the store's own cache
            assert age_receivables_from_store(uow, on) == report
            assert summed == [on]  # the second report came from the cache
        with other.unit_of_work() as uow:  # another process writes
            post_entries(uow.settlements, [entry("E2")])
            uow.commit()
        with mine.unit_of_work(read_only=True) as uow:
            again = age_receivables_from_store(uow, on)
        assert summed == [on, on]
        assert [r["31-60"] for r in report.rows()] == ["100.00"]
        assert [r["31-60"] for r in again.rows()] == ["200.00"]
    finally:
        mine.close()
        other.close()


class _Counting:
    """A ledger repository that records which reads asked for changes only."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[LedgerChanges | None] = []

    def version(self) -> str:
        return str(self.inner.version())

    def open_item_columns(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(args[3] if len(args) > 3 else None)
        return self.inner.open_item_columns(*args, **kwargs)

    def open_credit_columns(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.open_credit_columns(*args, **kwargs)


def test_a_second_date_reads_only_what_changed_and_a_write_starts_afresh(store: Store) -> None:
    entries = [
        SettlementEntry(f"E{n}", EntryKind.SHIPMENT, ACC, "SO-1", f"S{n}", DAY0 + timedelta(n),
                        DAY0 + timedelta(n + 10), Money("100.00", "RUB"))
        for n in range(40)
    ]  # fmt: skip
    _fill(store, entries, [Payment("P1", ACC, DAY0 + timedelta(20), Money("250.00", "RUB"))])
    cache = AgingCache(reuse_share=1.0)
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        ledger = load_ledger(uow.settlements)
        for day in (30, 31, 29):
            on = DAY0 + timedelta(day)
            assert age_store(source, on, cache=cache) == age_receivables(ledger, on)
        assert source.calls[0] is None  # the first date reads everything
        # 1 April starts from 31 March's items at hand: it reads only the rows posted or
        # allocated in between, on both dates, and moves the items due where a bucket
        # edge moved without reading them again.
        between = LedgerChanges(date(2026, 3, 31), date(2026, 4, 1))
        assert source.calls[1:3] == [between, between]
        # 30 March starts from 1 April, whose items were not all read: the items due
        # where an edge moved are read again too (two days' worth at each edge: due
        # 30-31 December, 29-30 January, 28 February-1 March and 30-31 March).
        moved = [
            (date(2025, 12, 30), date(2025, 12, 31)),
            (date(2026, 1, 29), date(2026, 1, 30)),
            (date(2026, 2, 28), date(2026, 3, 1)),
            (date(2026, 3, 30), date(2026, 3, 31)),
        ]
        changes = LedgerChanges(
            date(2026, 3, 30),
            date(2026, 4, 1),
            tuple((a.toordinal(), b.toordinal()) for a, b in moved),
        )
        assert source.calls[3:] == [changes, changes]
        post_entries(uow.settlements, [entry("NEW")])
        on = DAY0 + timedelta(31)
        assert age_store(source, on, cache=cache) == age_receivables(
            load_ledger(uow.settlements), on
        )
        assert source.calls[-1] is None  # the write gave the ledger a new version


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=20, deadline=None)
@given(case=stored_ledgers())
def test_reallocating_the_whole_store_gives_the_allocations_of_each_account(
    kind: str, case: tuple[list[SettlementEntry], list[Payment]]
) -> None:
    entries, payments = case
    with tempfile.TemporaryDirectory() as folder:
        store = _open(kind, folder)
        _fill(store, entries, payments)  # each write reallocated its account
        with store.unit_of_work() as uow:
            expected = uow.settlements.allocations()
            uow.settlements.replace_allocations(ACC, [])
            uow.settlements.replace_allocations(OTHER, [])
            assert reallocate_all(uow) == len(expected)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.settlements.allocations() == expected
            assert expected == allocate_payments(entries, payments)
        if isinstance(store, SqliteStore):
            store.close()


def test_reallocating_the_store_with_a_bad_hand_allocation_changes_nothing(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1"), entry("E9", OTHER)])
        record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 5), Money(50, "RUB")))
        uow.commit()
        before = uow.settlements.allocations()
        assert before  # P1 paid E1
        lost = Payment("P2", OTHER, date(2026, 3, 6), Money(10, "RUB"),
                       manual=(ManualAllocation("SO-404", Money(10, "RUB")),))  # fmt: skip
        uow.settlements.add_payment(lost)  # stored without the check record_payment makes
        with pytest.raises(
            SettlementError, match=r"'SO-404' has no settlements on account VOLGA/-/-/- RUB;"
        ):
            reallocate_all(uow)
        assert uow.settlements.allocations() == before


def test_allocations_naming_an_entry_of_another_account_are_refused(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1"), entry("E9", OTHER)])
        record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 5), Money(50, "RUB")))
        uow.commit()
        before = uow.settlements.allocations()
        for wrong in ("E9", "E404"):  # VOLGA's entry; no entry at all
            stray = Allocation(Measure.ACTUAL, "P1", wrong, date(2026, 3, 5), Money(50, "RUB"))
            with pytest.raises(SettlementError, match=f"entry '{wrong}'.*not an entry of account"):
                uow.settlements.replace_allocations(ACC, [stray])
            assert uow.settlements.allocations() == before  # nothing replaced
        own = Allocation(Measure.ACTUAL, "P1", "E1", date(2026, 3, 5), Money(20, "RUB"))
        uow.settlements.replace_allocations(ACC, [own])
        assert uow.settlements.allocations(account=ACC) == [own]


def _allocation_indexes(store: SqliteStore) -> list[tuple[str, str]]:
    with store.unit_of_work(immediate=False) as uow:
        return sorted(
            uow.connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'settlement_allocations' AND sql IS NOT NULL"
            ).fetchall()
        )


def test_reallocating_an_sqlite_store_keeps_its_allocation_indexes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ledger.sqlite")
    indexes = _allocation_indexes(store)
    assert len(indexes) == 4  # account, entry, source, date
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1"), entry("E9", OTHER)])
        record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 5), Money(50, "RUB")))
        uow.commit()
        assert reallocate_all(uow) == 1  # P1 pays E1
        uow.commit()
    assert _allocation_indexes(store) == indexes
    with store.unit_of_work() as uow:
        lost = Payment("P2", OTHER, date(2026, 3, 6), Money(10, "RUB"),
                       manual=(ManualAllocation("SO-404", Money(10, "RUB")),))  # fmt: skip
        uow.settlements.add_payment(lost)
        with pytest.raises(SettlementError):
            reallocate_all(uow)
        uow.commit()  # the failed step undid itself, indexes included
    assert _allocation_indexes(store) == indexes
    store.close()


# --- posting new debt without reading the account's history ------------------------------


def test_the_credit_position_sums_an_accounts_credits_and_allocations(store: Store) -> None:
    stage = SettlementEntry("S1", EntryKind.SCHEDULE, ACC, "SO-1", "SO-1", date(2026, 3, 2),
                            date(2026, 3, 10), Money("200.00", "RUB"))  # fmt: skip
    back = SettlementEntry("R1", EntryKind.RETURN, ACC, "SO-1", "R1", date(2026, 3, 5),
                           date(2026, 3, 5), Money("-40.00", "RUB"))  # fmt: skip
    with store.unit_of_work() as uow:
        empty = uow.settlements.credit_position(ACC)  # nothing received, nothing to spend
        assert (empty.unspent(Measure.PLANNED), empty.unspent(Measure.ACTUAL)) == (0, 0)
        assert empty.last_allocated_on(Measure.ACTUAL) is None
        post_entries(uow.settlements, [entry("E1"), stage, back, entry("E9", OTHER)])
        record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 10),
                                                Money("250.00", "RUB")))  # fmt: skip
        record_payment(uow.settlements, Payment("P2", ACC, date(2026, 3, 20), Money("1.50", "USD"),
                                                Decimal("90.5")))  # fmt: skip
        record_payment(uow.settlements, Payment("P9", OTHER, date(2026, 3, 25),
                                                Money("99.00", "RUB")))  # fmt: skip
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.settlements.credit_position(ACC)
    # Actual: the return pays 40.00 of E1 on 03-05, P1 the other 60.00 on 03-10 (190.00
    # of P1 left). Planned: P1 pays the 200.00 stage on 03-10 (50.00 left). P2 (135.75
    # RUB) is left in both.
    assert (position.paid, position.returned) == (250_00 + 135_75, 40_00)
    assert (position.allocated_planned, position.allocated_actual) == (200_00, 100_00)
    assert position.last_allocated_on(Measure.PLANNED) == date(2026, 3, 10)
    assert position.last_allocated_on(Measure.ACTUAL) == date(2026, 3, 10)
    assert (position.unspent(Measure.PLANNED), position.unspent(Measure.ACTUAL)) == (
        50_00 + 135_75,
        190_00 + 135_75,
    )


@st.composite
def posting_orders(draw: st.DrawFn) -> list[SettlementEntry | Payment]:
    """A stored ledger's entries and payments in a random order of posting (a payment
    allocated by hand comes after the entries of its order)."""
    entries, payments = draw(stored_ledgers())
    events: list[SettlementEntry | Payment] = draw(st.permutations([*entries, *payments]))
    by_hand = [e for e in events if isinstance(e, Payment) and e.manual]
    return [e for e in events if e not in by_hand] + by_hand


@pytest.mark.parametrize("kind", STORES)
@settings(max_examples=30, deadline=None)
@given(events=posting_orders())
def test_posting_in_any_order_keeps_the_allocations_of_a_full_recompute(
    kind: str, events: list[SettlementEntry | Payment]
) -> None:
    entries: list[SettlementEntry] = []
    payments: list[Payment] = []
    with tempfile.TemporaryDirectory() as folder:
        store = _open(kind, folder)
        with store.unit_of_work() as uow:
            for event in events:
                if isinstance(event, Payment):
                    record_payment(uow.settlements, event)
                    payments.append(event)
                else:
                    post_entries(uow.settlements, [event])
                    entries.append(event)
                assert uow.settlements.allocations() == allocate_payments(entries, payments)
        if isinstance(store, SqliteStore):
            store.close()
