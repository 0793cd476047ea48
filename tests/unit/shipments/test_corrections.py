"""Corrections of posted shipments [корректировка реализации] through every store.

Hand-computed figures: a CM-100 costs 18,300.00 with 22 % VAT included
(12,000.00 purchase × 1.22 × 1.25; VAT 3,300.00 per unit); three of them 54,900.00 with
VAT 54,900 × 22/122 = 9,900.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import (
    CM,
    actual_entries,
    at,
    cm,
    debt,
    free,
    order_to_ship,
    post,
    rub,
)
from tests.unit.shipments._fixtures import COUNTERPARTY, ORG, PARTNER, shipment, shipment_line

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import InsufficientStockError, ShipmentError
from salescore.money import Money
from salescore.orders import LineId
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    CustomerReturn,
    LineChange,
    ReturnId,
    Settlement,
    ShipmentCorrection,
    ShipmentId,
    ShipRequest,
    corrected_shipment,
    current_figures,
    decide_correction,
    return_line,
    returned_of_shipment_lines,
)
from salescore.tax import VatCategory, russian_vat_rates

CORRECTED = date(2026, 3, 20)
company = timelines.company  # the sample company fixture of the shipment timelines


def shipped_three(store: Store) -> None:
    order_id = order_to_ship(store, [cm(3)])
    post(store, "SH-1", [ShipRequest(order_id, LineId("1"), Decimal(3))])


def correct(
    store: Store,
    number: str,
    *changes: LineChange,
    kind: CorrectionKind = CorrectionKind.AGREEMENT,
    settlement: Settlement | None = None,
) -> None:
    with store.unit_of_work() as uow:
        sc.post_correction(
            uow,
            CorrectionId(number),
            ShipmentId("SH-1"),
            CORRECTED,
            changes,
            kind,
            SAMPLE_CALENDAR,
            at=at(CORRECTED),
            settlement=settlement,
        )
        uow.commit()


def test_a_price_agreed_later_lowers_debt_and_vat_not_stock(company: Store) -> None:
    shipped_three(company)
    assert (free(company), debt(company)) == (Decimal(9), rub("54900.00"))
    correct(company, "KR-1", LineChange("1", price=rub("17000.00")))
    # 3 × 17,000.00 = 51,000.00 (51,000 − 54,900 = −3,900.00);
    # VAT 51,000 × 22/122 = 9,196.72 (was 9,900.00: −703.28)
    with company.unit_of_work() as uow:
        (kr,) = uow.shipment_corrections.of_shipment(ShipmentId("SH-1"))
    assert (kr.with_vat_change, kr.vat_change) == (rub("-3900.00"), rub("-703.28"))
    assert kr.lines[0].vat_rate.code == "22"
    assert (free(company), debt(company)) == (Decimal(9), rub("51000.00"))
    assert [e[1:] for e in actual_entries(company) if e[0].startswith("KR-1")] == [
        ("correction", CORRECTED, rub("-3900.00"))
    ]


def test_an_error_fix_of_the_quantity_brings_goods_back_and_limits_returns(
    company: Store,
) -> None:
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(2)), kind=CorrectionKind.ERROR_FIX)
    # 54,900.00 × 2/3 = 36,600.00; VAT 9,900.00 × 2/3 = 6,600.00
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))
    with company.unit_of_work() as uow:
        now = sc.corrected_shipments(uow, [uow.shipments.get(ShipmentId("SH-1"))])[0]
        with pytest.raises(ShipmentError, match="return above zero and at most 2"):
            sc.post_return(
                uow,
                ReturnId("RT-1"),
                CORRECTED,
                [sc.ReturnItem(ShipmentId("SH-1"), CM, 3)],
                at=at(CORRECTED),
            )
    assert (now.lines[0].quantity, now.lines[0].net, now.lines[0].vat) == (
        Decimal(2),
        rub("36600.00"),
        rub("6600.00"),
    )


def test_over_and_under_delivery_settled_each_way(company: Store) -> None:
    shipped_three(company)
    correct(
        company,
        "KR-1",
        LineChange("1", quantity=Decimal(4)),
        kind=CorrectionKind.OVER_DELIVERY,
        settlement=Settlement.OTHER_INCOME,
    )
    # other income: 18,300.00 more debt in two halves due 10 and 20 days later; no stock
    assert (free(company), debt(company)) == (Decimal(9), rub("73200.00"))
    assert [e[1:] for e in actual_entries(company) if e[0].startswith("KR-1")] == [
        ("correction", date(2026, 3, 30), rub("9150.00")),
        ("correction", date(2026, 4, 9), rub("9150.00")),
    ]
    correct(
        company,
        "KR-2",
        LineChange("1", quantity=Decimal(3)),
        kind=CorrectionKind.UNDER_DELIVERY,
        settlement=Settlement.DECREASE_SALE,
    )
    # decrease the sale: the unit comes back to stock (found at inventory); back to 54,900
    assert (free(company), debt(company)) == (Decimal(10), rub("54900.00"))
    correct(
        company,
        "KR-3",
        LineChange("1", quantity=Decimal(2)),
        kind=CorrectionKind.UNDER_DELIVERY,
        settlement=Settlement.WRITE_OFF,
    )
    # written off: the debt falls, nothing comes back
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))


def test_refused_corrections_name_the_line_and_store_nothing(company: Store) -> None:
    shipped_three(company)
    with company.unit_of_work() as uow:
        sc.post_return(
            uow,
            ReturnId("RT-1"),
            CORRECTED,
            [sc.ReturnItem(ShipmentId("SH-1"), CM, 1)],
            at=at(CORRECTED),
        )
        uow.commit()
    before = (free(company), debt(company))
    with pytest.raises(ShipmentError, match=r"line 1 \(CM-100\).*below zero"):
        correct(company, "KR-1", LineChange("1", quantity=Decimal(-1)))
    with pytest.raises(ShipmentError, match=r"line 1 \(CM-100\).*lower it to 1 at the least"):
        correct(company, "KR-1", LineChange("1", quantity=Decimal(0)))
    with pytest.raises(ShipmentError, match="no line '7'"):
        correct(company, "KR-1", LineChange("7", quantity=Decimal(1)))
    with pytest.raises(ShipmentError, match="settled by"):
        correct(company, "KR-1", LineChange("1", quantity=4), kind=CorrectionKind.OVER_DELIVERY)
    # a sale of 20 over-delivered goods with free stock of 10: the stock move fails
    with pytest.raises(InsufficientStockError):
        correct(
            company,
            "KR-1",
            LineChange("1", quantity=Decimal(23)),
            kind=CorrectionKind.OVER_DELIVERY,
            settlement=Settlement.INCREASE_SALE,
        )
    assert (free(company), debt(company)) == before
    with company.unit_of_work() as uow:
        assert uow.shipment_corrections.find("KR-1") is None


def test_a_two_line_correction_refused_midway_leaves_stock_untouched(company: Store) -> None:
    order_id = order_to_ship(company, [cm(3), cm(2, "2")])
    post(
        company,
        "SH-1",
        [ShipRequest(order_id, LineId("1"), Decimal(3)), ShipRequest(order_id, LineId("2"), 2)],
    )
    before = (free(company), debt(company), actual_entries(company))
    with pytest.raises(InsufficientStockError):  # line 1 moves, line 2 is short
        correct(
            company,
            "KR-1",
            LineChange("1", quantity=Decimal(4)),
            LineChange("2", quantity=Decimal(40)),
            kind=CorrectionKind.OVER_DELIVERY,
            settlement=Settlement.INCREASE_SALE,
        )
    assert (free(company), debt(company), actual_entries(company)) == before


# --- pure decisions ----------------------------------------------------------------

RATES = russian_vat_rates()
RATE_2025 = RATES.rate(VatCategory.GENERAL, date(2025, 12, 20))
SOLD_2025 = shipment(
    "SH-25", date(2025, 12, 20), shipment_line("1", "SO-25", "2", "2400.00", "400.00", rate="20")
)
POSTED_2025 = SOLD_2025.__class__(
    SOLD_2025.id,
    SOLD_2025.partner_id,
    SOLD_2025.counterparty_id,
    SOLD_2025.organization_id,
    SOLD_2025.currency,
    on=SOLD_2025.on,
    lines=[
        shipment_line("1", "SO-25", "2", "2400.00", "400.00", rate=RATE_2025.code),
    ],
    version=1,
)


def test_a_2025_sale_corrected_in_2026_keeps_the_2025_rate() -> None:
    assert RATES.rate(VatCategory.GENERAL, date(2026, 2, 1)).code == "22"
    kr = decide_correction(
        CorrectionId("KR-25"),
        POSTED_2025,
        date(2026, 2, 1),
        [LineChange("1", price=rub("1100.00"))],
        CorrectionKind.AGREEMENT,
    )
    # 2 × 1,100.00 = 2,200.00 with VAT; at 20/120: 366.67 (was 400.00)
    (line,) = kr.lines
    assert (line.vat_rate.code, line.after.net, line.after.vat) == (
        "20",
        rub("2200.00"),
        rub("366.67"),
    )
    assert (kr.vat_change, kr.without_vat_change) == (rub("-33.33"), rub("-166.67"))


def test_an_unposted_shipment_is_not_corrected() -> None:
    with pytest.raises(ShipmentError, match="not posted"):
        decide_correction(
            CorrectionId("K"),
            SOLD_2025,
            date(2026, 1, 1),
            [LineChange("1", quantity=1)],
            CorrectionKind.ERROR_FIX,
        )


_change = st.tuples(
    st.integers(min_value=0, max_value=9),
    st.none()
    | st.integers(min_value=1, max_value=500_000).map(lambda k: Money.from_minor(k, "RUB")),
)


@given(st.lists(_change, min_size=1, max_size=6))
def test_corrections_add_up_to_the_final_figures(changes: list[tuple[int, Money | None]]) -> None:
    """Σ differences = final − original for debt, VAT and without VAT; a line whose
    price was never changed and that comes back to its shipped quantity has exactly
    its shipped figures; a corrected price's VAT is the original rate's VAT of it."""
    done: list[ShipmentCorrection] = []
    for n, (quantity, price) in enumerate(changes):
        try:
            done.append(
                decide_correction(
                    CorrectionId(f"K{n}"),
                    POSTED_2025,
                    date(2026, 1, 1 + n),
                    [LineChange("1", quantity=quantity, price=price)],
                    CorrectionKind.AGREEMENT,
                    earlier=done,
                )
            )
        except ShipmentError as err:  # a change to the same figures is refused, and
            # so is any change once the shipment was corrected to nothing (cancelled)
            if "leave the line out" not in str(err) and "was cancelled" not in str(err):
                raise
    original = POSTED_2025.lines[0]
    final = current_figures(POSTED_2025, done)["1"]
    with_vat = sum((k.with_vat_change for k in done), rub("0.00"))
    vat = sum((k.vat_change for k in done), rub("0.00"))
    assert original.with_vat + with_vat == final.net  # VAT included
    assert original.vat + vat == final.vat
    if final.price is None and final.quantity == original.quantity:
        assert (final.net, final.vat) == (original.net, original.vat)
    if final.price is not None:
        assert final.vat == RATE_2025.vat_of(final.net, included=True)
    now = corrected_shipment(POSTED_2025, done)
    assert (now is None) == (final.quantity == 0)


_step = st.tuples(st.sampled_from(["return", "correct"]), st.integers(min_value=0, max_value=7))


@given(st.lists(_step, min_size=1, max_size=8))
def test_returns_and_corrections_keep_the_money_of_a_line(steps: list[tuple[str, int]]) -> None:
    """For any returns and quantity corrections of one line: the returned quantity never
    exceeds the corrected one, no return has a negative amount or VAT, and returning all
    that is left gives back exactly the corrected line's amount and VAT."""
    sold = attrs.evolve(
        shipment("SH-P", date(2026, 3, 2), shipment_line("1", "SO-P", "7", "6999.93", "1262.28")),
        version=1,
    )
    corrections: list[ShipmentCorrection] = []
    returns: list[CustomerReturn] = []
    for n, (kind, quantity) in enumerate(steps):
        try:
            if kind == "correct":
                corrections.append(
                    decide_correction(
                        CorrectionId(f"K{n}"),
                        sold,
                        date(2026, 3, 3),
                        [LineChange("1", quantity=quantity)],
                        CorrectionKind.AGREEMENT,
                        earlier=corrections,
                        returns=returns,
                    )
                )
            else:
                now = corrected_shipment(sold, corrections)
                if now is None:  # corrected to nothing: nothing can come back
                    continue
                line = return_line(
                    now, "1", Decimal(quantity), "1", returned_of_shipment_lines(returns)
                )
                returns.append(
                    CustomerReturn(
                        ReturnId(f"R{n}"),
                        PARTNER,
                        COUNTERPARTY,
                        ORG,
                        "RUB",
                        on=date(2026, 3, 3),
                        lines=[line],
                    )
                )
                assert not line.net.is_negative()
                assert not line.vat.is_negative()
        except ShipmentError:  # refused: more than left, or a change to nothing
            continue
    current = current_figures(sold, corrections)["1"]
    back = sum((r.lines[0].quantity for r in returns), Decimal(0))
    assert back <= current.quantity
    left = current.quantity - back
    if left > 0:
        now = corrected_shipment(sold, corrections)
        assert now is not None
        last = return_line(now, "1", left, "1", returned_of_shipment_lines(returns))
        assert sum((r.lines[0].net for r in returns), last.net) == current.net
        assert sum((r.lines[0].vat for r in returns), last.vat) == current.vat
        assert not last.vat.is_negative()


def draw_up(store: Store, number: str, *changes: LineChange) -> None:
    with store.unit_of_work() as uow:
        sc.register_correction(
            uow,
            CorrectionId(number),
            ShipmentId("SH-1"),
            CORRECTED,
            changes,
            CorrectionKind.AGREEMENT,
        )
        uow.commit()


def status_of(store: Store, number: str) -> CorrectionStatus:
    with store.unit_of_work() as uow:
        return uow.shipment_corrections.get(number).status


def post_agreed(store: Store, number: str) -> None:
    with store.unit_of_work() as uow:
        sc.post_agreed_correction(uow, CorrectionId(number), SAMPLE_CALENDAR, at=at(CORRECTED))
        uow.commit()


def test_a_correction_passes_not_agreed_agreed_posted(company: Store) -> None:
    shipped_three(company)
    draw_up(company, "KR-1", LineChange("1", price=rub("17000.00")))
    # drawn up: nothing moves, the shipment keeps its figures, no УКД yet
    assert status_of(company, "KR-1") is CorrectionStatus.NOT_AGREED
    assert (free(company), debt(company)) == (Decimal(9), rub("54900.00"))
    with company.unit_of_work() as uow:
        now = sc.corrected_shipments(uow, [uow.shipments.get(ShipmentId("SH-1"))])[0]
    assert now.with_vat == rub("54900.00")
    with pytest.raises(ShipmentError, match="is not agreed: it can be posted only when agreed"):
        post_agreed(company, "KR-1")
    with company.unit_of_work() as uow:
        sc.agree_correction(uow, CorrectionId("KR-1"))
        uow.commit()
    assert status_of(company, "KR-1") is CorrectionStatus.AGREED
    post_agreed(company, "KR-1")
    # as posted at once: 3 × 17,000.00 = 51,000.00, the debt falls by 3,900.00
    assert status_of(company, "KR-1") is CorrectionStatus.POSTED
    assert (free(company), debt(company)) == (Decimal(9), rub("51000.00"))
    with pytest.raises(ShipmentError, match="is posted: it can be posted only when agreed"):
        post_agreed(company, "KR-1")
    assert debt(company) == rub("51000.00")


def test_a_rejected_correction_posts_nothing_and_a_stale_one_is_refused(company: Store) -> None:
    shipped_three(company)
    draw_up(company, "KR-1", LineChange("1", price=rub("17000.00")))
    draw_up(company, "KR-2", LineChange("1", price=rub("17500.00")))
    with company.unit_of_work() as uow:
        sc.reject_correction(uow, CorrectionId("KR-1"), "the client did not sign")
        sc.agree_correction(uow, CorrectionId("KR-2"))
        uow.commit()
    assert status_of(company, "KR-1") is CorrectionStatus.REJECTED
    with company.unit_of_work() as uow, pytest.raises(ShipmentError, match="is rejected"):
        sc.agree_correction(uow, CorrectionId("KR-1"))
    # another correction is posted first: KR-2 was drawn up from 54,900.00
    correct(company, "KR-3", LineChange("1", price=rub("18000.00")))
    with pytest.raises(ShipmentError, match="draw up a new one"):
        post_agreed(company, "KR-2")
    assert status_of(company, "KR-2") is CorrectionStatus.AGREED
    # 3 × 18,000.00 = 54,000.00: only KR-3 moved the debt
    assert debt(company) == rub("54000.00")


def test_a_correction_of_a_cancelled_shipment_is_refused(company: Store) -> None:
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(0)), kind=CorrectionKind.ERROR_FIX)
    # the error fix cancels the shipment: the goods are back, the debt is gone
    assert (free(company), debt(company)) == (Decimal(12), rub("0.00"))
    with pytest.raises(ShipmentError, match="the shipment was cancelled"):
        correct(
            company, "KR-2", LineChange("1", quantity=Decimal(1)), kind=CorrectionKind.ERROR_FIX
        )
    with company.unit_of_work() as uow:
        assert uow.shipment_corrections.find("KR-2") is None
    assert (free(company), debt(company)) == (Decimal(12), rub("0.00"))


def test_a_raise_beyond_what_the_order_line_has_left_is_refused(company: Store) -> None:
    # 3 ordered and shipped; lowered to 2 by an error fix; the 1 left shipped again in SH-2.
    # Raising SH-1 back to 3 would ship 4 of 3 ordered (found by the shipping state machine).
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(2)), kind=CorrectionKind.ERROR_FIX)
    with company.unit_of_work() as uow:
        (order_id,) = {x.order_id for x in uow.shipments.get(ShipmentId("SH-1")).lines}
    post(company, "SH-2", [ShipRequest(order_id, LineId("1"), Decimal(1))])
    before = (free(company), debt(company))
    with pytest.raises(ShipmentError) as caught:
        correct(company, "KR-2", LineChange("1", quantity=Decimal(3)),
                kind=CorrectionKind.ERROR_FIX)  # fmt: skip
    assert str(caught.value) == (
        f"correction 'KR-2', shipment 'SH-1' line 1: the quantity would go from 2 to 3, 1 "
        f"more, but order {order_id!r} line 1 has only 0 of 3 left to ship; raise it by at "
        "most 0, or post goods the client got beyond the order as an over-delivery"
    )
    assert caught.value.details == {"order": order_id, "line": "1", "left": "0"}
    assert (free(company), debt(company)) == before  # nothing posted


def test_a_raise_within_what_the_order_line_has_left_is_posted(company: Store) -> None:
    # Lowered from 3 to 1, then raised back to 2: 1 more of the 2 left.
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(1)), kind=CorrectionKind.ERROR_FIX)
    correct(company, "KR-2", LineChange("1", quantity=Decimal(2)), kind=CorrectionKind.ERROR_FIX)
    # 54,900.00 × 2/3 = 36,600.00
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))


def test_an_agreed_raise_is_checked_again_when_it_is_posted(company: Store) -> None:
    # Drawn up while 1 was left (3 lowered to 2); SH-2 ships that 1 before it is posted.
    shipped_three(company)
    correct(company, "KR-1", LineChange("1", quantity=Decimal(2)), kind=CorrectionKind.ERROR_FIX)
    draw_up(company, "KR-2", LineChange("1", quantity=Decimal(3)))
    with company.unit_of_work() as uow:
        sc.agree_correction(uow, CorrectionId("KR-2"))
        uow.commit()
        (order_id,) = {x.order_id for x in uow.shipments.get(ShipmentId("SH-1")).lines}
    post(company, "SH-2", [ShipRequest(order_id, LineId("1"), Decimal(1))])
    with pytest.raises(ShipmentError, match=r"has only 0 of 3 left to ship; raise it by at most"):
        post_agreed(company, "KR-2")
    assert status_of(company, "KR-2") is CorrectionStatus.AGREED


def test_the_corrected_shipment_is_the_shipment_itself_until_a_line_changes() -> None:
    # line 1: 3 CM-100 for 3,660.00 (VAT 660.00); line 2: 1 KB-7 for 100.00 (VAT 18.03)
    shipped = attrs.evolve(
        shipment(
            "SH-1",
            date(2026, 3, 10),
            shipment_line("1", "SO-1", "3", "3660.00", "660.00"),
            shipment_line("2", "SO-1", "1", "100.00", "18.03", product="KB-7"),
        ),
        version=1,
    )
    assert corrected_shipment(shipped, []) is shipped

    def correct(*changes: LineChange) -> ShipmentCorrection:
        return decide_correction(
            CorrectionId("KR-1"), shipped, CORRECTED, changes, CorrectionKind.ERROR_FIX
        )

    left = corrected_shipment(shipped, [correct(LineChange("2", quantity=Decimal(0)))])
    assert left is not None
    assert left.lines == (shipped.lines[0],)
    assert left.lines[0] is shipped.lines[0]
    # 2 of 3: 2,440.00, VAT 440.00
    fewer = corrected_shipment(shipped, [correct(LineChange("1", quantity=Decimal(2)))])
    assert fewer is not None
    assert [(x.quantity, x.net, x.vat) for x in fewer.lines] == [
        (Decimal(2), rub("2440.00"), rub("440.00")),
        (Decimal(1), rub("100.00"), rub("18.03")),
    ]
    nothing = correct(LineChange("1", quantity=Decimal(0)), LineChange("2", quantity=Decimal(0)))
    assert corrected_shipment(shipped, [nothing]) is None
