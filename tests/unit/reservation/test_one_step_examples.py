"""reserve_from_stock with a ledger that reserves in one step (OneStepReserve): what the
operation makes of each answer the ledger may give (fast, memory ledger underneath).

PostgreSQL's ledger answers from one server statement; these examples hold the
operation's side of the port on its own, with answers given by hand.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from tests.unit.reservation._fixtures import AT, CM, MAIN, held, line

from salescore.errors import InvalidInputError
from salescore.money import Quantity
from salescore.reservation import (
    Bucket,
    LedgerEntry,
    Move,
    Operation,
    ReserveClaim,
    StockLedger,
    SupplyOption,
    reserve_from_stock,
)


class _OneStep:
    """A stock ledger offering ``reserve_line``, answering ``answer(raw, claim, ...)``."""

    def __init__(self, raw: StockLedger, answer: Any) -> None:
        self._raw = raw
        self._answer = answer
        self.asked: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def reserve_line(
        self, claim: ReserveClaim, quantity: Quantity | None, document: str, at: Any
    ) -> tuple[Quantity, LedgerEntry | None] | None:
        self.asked.append((claim, quantity, document, at))
        return cast(tuple[Quantity, LedgerEntry | None] | None, self._answer(self._raw, claim))


def test_a_ledger_that_cannot_take_the_step_at_once_gets_the_steps_one_by_one(
    ledger: StockLedger,
) -> None:
    one = _OneStep(ledger, lambda raw, claim: None)
    so1 = line("SO-1", 4)
    report = reserve_from_stock(cast(StockLedger, one), so1, document="SO-1", at=AT)
    assert one.asked == [(so1, None, "SO-1", AT)]
    assert held(ledger, so1) == Quantity(4)
    assert (
        report.as_text() == "reserve_from_stock (SO-1)\n  1. 4 CM-100@MAIN: free -> reserve SO-1/1"
    )


def test_a_step_taken_by_the_ledger_is_reported_and_not_taken_again(ledger: StockLedger) -> None:
    def reserve(raw: StockLedger, claim: ReserveClaim) -> tuple[Quantity, LedgerEntry]:
        move = Move(CM, MAIN, Bucket.free(), claim.bucket, Quantity(3))
        (entry,) = raw.record([move], Operation.RESERVE_FROM_STOCK, "SO-1", AT)
        raw.save_claim(claim)
        return Quantity(1), entry

    one = _OneStep(ledger, reserve)
    so1 = line("SO-1", 4)
    report = reserve_from_stock(cast(StockLedger, one), so1, document="SO-1", at=AT)
    assert held(ledger, so1) == Quantity(3)  # the ledger's step only, not four more
    assert [(e.document, e.operation) for e in report.entries] == [
        ("SO-1", Operation.RESERVE_FROM_STOCK)
    ]
    assert report.as_text() == (
        "reserve_from_stock (SO-1)\n  1. 3 CM-100@MAIN: free -> reserve SO-1/1"
    )


def test_the_one_step_ledger_is_asked_for_the_quantity_the_caller_gave(
    ledger: StockLedger,
) -> None:
    one = _OneStep(ledger, lambda raw, claim: None)
    so1 = line("SO-1", 4)
    reserve_from_stock(cast(StockLedger, one), so1, Quantity(2), document="SO-1", at=AT)
    assert one.asked == [(so1, Quantity(2), "SO-1", AT)]
    assert held(ledger, so1) == Quantity(2)


def test_a_line_lacking_nothing_moves_nothing_through_the_one_step_ledger(
    ledger: StockLedger,
) -> None:
    one = _OneStep(ledger, lambda raw, claim: (Quantity(4), None))
    report = reserve_from_stock(cast(StockLedger, one), line("SO-1", 4), document="D", at=AT)
    assert report.as_text() == "reserve_from_stock (D)\n  nothing moved"
    assert ledger.position(CM, MAIN).free == Quantity(10)


def test_asking_the_one_step_ledger_for_more_than_the_line_lacks_is_refused_and_named(
    ledger: StockLedger,
) -> None:
    one = _OneStep(ledger, lambda raw, claim: (Quantity(3), None))
    with pytest.raises(InvalidInputError) as refused:
        reserve_from_stock(
            cast(StockLedger, one), line("SO-1", 4), Quantity(2), document="D", at=AT
        )
    assert str(refused.value) == (
        "order SO-1 line 1 needs 4 pcs of CM-100 and holds 3 pcs: reserving 2 pcs more "
        "would exceed its need; reserve at most 1 pcs"
    )


def test_a_line_needing_no_stock_is_refused_before_the_ledger_is_asked(
    ledger: StockLedger,
) -> None:
    one = _OneStep(ledger, lambda raw, claim: None)
    claim = line("SO-1", 4, supply=SupplyOption.NOT_REQUIRED)
    with pytest.raises(InvalidInputError, match="needs no stock"):
        reserve_from_stock(cast(StockLedger, one), claim, document="D", at=AT)
    assert one.asked == []
