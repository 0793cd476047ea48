"""The outlet's back office: non-automated outlets, offline registers, the history import,
loyalty tiers through the discount engine, and the analysis (figures by hand)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.app.retail import (
    CashierDesk,
    Scan,
    analyse_loyalty,
    analyse_sales,
    hand_over_report_takings,
    import_sales_history,
    load_offline_sales,
    record_manual_sales,
    save_outlet,
    upload_product_table,
)
from salescore.demo.sample_retail import (
    SHOP,
    SHOP_PRICE_TYPE,
    load_sample_shop,
    load_sample_shop_rules,
)
from salescore.errors import CashShiftError, LoyaltyCardError, RetailError, RetailImportError
from salescore.money import Money, Quantity
from salescore.parties import ProductId, Warehouse, WarehouseId
from salescore.reservation import receive
from salescore.retail import (
    OfflineSale,
    OfflineSaleLine,
    Outlet,
    OutletId,
    OutletMode,
    ReportSource,
    sales_from_inventory,
)
from salescore.testing import FixedClock
from salescore.testing.devices import shtrih_rig

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
KIOSK = Outlet(
    OutletId("KIOSK"),
    "Kiosk at the station",
    WarehouseId("KIOSK-STORE"),
    SHOP_PRICE_TYPE,
    mode=OutletMode.NON_AUTOMATED,
)
VAN = Outlet(
    OutletId("VAN"), "Shop van", WarehouseId("VAN-STORE"), SHOP_PRICE_TYPE, mode=OutletMode.OFFLINE
)
AT = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        load_sample_shop(uow)
        for outlet in (KIOSK, VAN):
            uow.warehouses.add(Warehouse(outlet.warehouse_id, outlet.name, is_store=True))
            save_outlet(uow, outlet)
        uow.commit()
    return store


def test_a_non_automated_outlet_sells_what_two_inventories_tell(store: MemoryStore) -> None:
    # Opening count 100, receipts 20, closing count 70: 50 sold at 45.50 = 2,275.00.
    sold = sales_from_inventory(
        {"BREAD": Decimal(100)}, {"BREAD": Decimal(20)}, {"BREAD": Decimal(70)}
    )
    assert sold == {"BREAD": Decimal(50)}
    with store.unit_of_work() as uow:
        for quantity in (100, 20):
            receive(
                uow.stock_ledger, ProductId("BREAD"), KIOSK.warehouse_id, Quantity(quantity),
                document=f"in {quantity}", at=AT - timedelta(days=1),
            )  # fmt: skip
        report = record_manual_sales(
            uow, "KIOSK", sold, report_id="KIOSK-2026-03-02", at=AT, source=ReportSource.INVENTORY
        )
        handover = hand_over_report_takings(uow, report.id, AT)
        uow.commit()
    assert report.source is ReportSource.INVENTORY
    assert report.revenue == rub("2275.00")
    assert report.products[0].sold == Decimal(50)
    # VAT 22 % in the price: 2,275.00 × 22 / 122 = 410.2459… → 410.25.
    assert [(v.rate, v.vat) for v in report.vat] == [("22", rub("410.25"))]
    assert handover.amount == rub("2275.00")
    with store.unit_of_work(read_only=True) as uow:
        left = uow.stock_ledger.position(ProductId("BREAD"), KIOSK.warehouse_id).free.value
        with pytest.raises(CashShiftError, match="already handed over"):
            hand_over_report_takings(uow, report.id, AT)
    assert left == Decimal(70)  # the closing count


def test_a_closing_count_above_what_could_be_there_is_refused() -> None:
    with pytest.raises(RetailError, match="recount it"):
        sales_from_inventory({"BREAD": Decimal(10)}, {}, {"BREAD": Decimal(11)})


GOOD_CSV = """outlet,receipt,at,kind,product,quantity,price,amount,payment
SHOP-LENINA,1001,2025-11-03T10:15:00+00:00,sale,BREAD,2,45.50,91.00,cash
SHOP-LENINA,1001,2025-11-03T10:15:00+00:00,sale,TEA,1,249.00,224.10,cash
SHOP-LENINA,1002,2025-11-04T18:40:00+00:00,sale,MILK,3,89.90,269.70,card
SHOP-LENINA,1003,2025-11-04T19:05:00+00:00,return,MILK,1,89.90,89.90,card
"""


def test_history_with_bad_lines_names_each_line_and_imports_nothing(store: MemoryStore) -> None:
    bad = (
        GOOD_CSV
        + "SHOP-LENINA,1004,yesterday,sale,BREAD,1,45.50,45.50,cash\n"
        + "NOWHERE,1005,2025-11-05T10:00:00+00:00,sale,CAVIAR,1,45.50,45.50,cash\n"
        + "SHOP-LENINA,1006,2025-11-05T10:00:00+00:00,sale,BREAD,-1,45.50,45.50,cheque\n"
    )
    with store.unit_of_work() as uow, pytest.raises(RetailImportError) as caught:
        import_sales_history(uow, bad)
    issues = caught.value.details["issues"]
    assert [(i.path, i.code) for i in issues] == [
        ("line 6", "bad_date"),
        ("line 7", "unknown_outlet"),
        ("line 7", "unknown_product"),
        ("line 8", "bad_quantity"),
        ("line 8", "bad_payment"),
    ]
    with store.unit_of_work(read_only=True) as uow:
        assert len(uow.retail_receipts) == 0


def test_history_import_is_idempotent_and_keeps_the_2025_vat(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        first = import_sales_history(uow, GOOD_CSV)
        uow.commit()
    with store.unit_of_work() as uow:
        again = import_sales_history(uow, GOOD_CSV)
        analysis = analyse_sales(uow, "outlet", date(2025, 11, 1), date(2025, 11, 30))
        by_weekday = analyse_sales(uow, "weekday", date(2025, 11, 1), date(2025, 11, 30))
    assert [r.id for r in first] == ["SHOP-LENINA/1001", "SHOP-LENINA/1002", "SHOP-LENINA/1003"]
    assert again == []
    # 2025 sales: bread at the general 20 % of then: 91.00 × 20/120 = 15.17.
    assert (first[0].lines[0].vat_rate, first[0].lines[0].vat) == ("20", rub("15.17"))
    assert first[0].lines[1].discount == rub("24.90")  # 249.00 − 224.10
    (row,) = analysis.rows
    # sales 91.00 + 224.10 + 269.70 = 584.80 in 2 receipts; returns 89.90.
    assert row.revenue == Decimal("494.90")
    assert row.receipts == 2
    assert row.average_receipt == Decimal("292.40")
    assert row.items_per_receipt == Decimal("1.50")
    assert row.returns_share == Decimal("0.1537")  # 89.90 / 584.80
    assert [r.key for r in by_weekday.rows] == ["Mon", "Tue"]


def test_an_offline_register_gets_its_table_and_its_sales_load_once(store: MemoryStore) -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    sale = OfflineSale(
        "77",
        day,
        (
            OfflineSaleLine("BREAD", Decimal(3), Decimal("45.50"), Decimal("136.50")),
            OfflineSaleLine("MILK", Decimal(1), Decimal("89.90"), Decimal("80.90")),
        ),
        cash=Decimal("117.40"),
        card=Decimal("100.00"),
        fiscal_document=12,
    )
    with store.unit_of_work() as uow:
        table = upload_product_table(uow, "VAN", day.date())
        receive(
            uow.stock_ledger, ProductId("BREAD"), VAN.warehouse_id, Quantity(10),
            document="van load", at=day - timedelta(hours=3),
        )  # fmt: skip
        receive(
            uow.stock_ledger, ProductId("MILK"), VAN.warehouse_id, Quantity(10),
            document="van load", at=day - timedelta(hours=3),
        )  # fmt: skip
        first = load_offline_sales(uow, "VAN", [sale], report_id="VAN-1")
        uow.commit()
    with store.unit_of_work() as uow:
        second = load_offline_sales(uow, "VAN", [sale], report_id="VAN-2")
        uow.commit()
        bread = uow.stock_ledger.position(ProductId("BREAD"), VAN.warehouse_id).free.value
    assert [(r.code, r.price, r.vat_rate) for r in table.rows][:2] == [
        ("BREAD", Decimal("45.50"), "22"),
        ("CHEESE", Decimal("129.90"), "10"),
    ]
    assert table.to_csv().splitlines()[1] == "BREAD;4600000000015;Bread;45.50;22;pcs"
    assert first.revenue == rub("217.40")  # 136.50 + 80.90
    assert second.sales_receipts == 0
    assert bread == Decimal(7)


def test_a_club_card_climbs_a_tier_with_its_turnover(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        load_sample_shop_rules(uow)
        uow.commit()
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as rig:
        desk = CashierDesk(store, SHOP.id, "POS-1", rig.driver, clock=clock)
        desk.open_shift()
        # No turnover yet: the card's kind is CLUB, no card discount; tea has its 10 %.
        first = desk.sell([Scan("TEA", Decimal(20))], rub("5000.00"), card="2990000000019")
        # 20 × 249.00 = 4,980.00 less 10 % = 4,482.00.
        assert first.total == rub("4482.00")
        assert first.lines[0].rule_ids == ("TEA-WEEK",)
        clock.advance(timedelta(days=1))
        desk.close_shift()
        desk.open_shift()
        milk = desk.sell([Scan("MILK", Decimal(10))], rub("1000.00"), card="0001")
        # 4,482.00 < 5,000.00: still no tier; 10 × 89.90 = 899.00.
        assert milk.total == rub("899.00")
        clock.advance(timedelta(days=1))
        silver = desk.sell([Scan("MILK", Decimal(10))], rub("1000.00"), card="0001")
        # 4,482.00 + 899.00 = 5,381.00 ≥ 5,000.00: silver, 3 % of 899.00 = 26.97.
        assert silver.total == rub("872.03")
        assert silver.lines[0].rule_ids == ("CLUB-SILVER",)
        desk.close_shift()
    with store.unit_of_work(read_only=True) as uow:
        report = analyse_loyalty(uow, date(2026, 3, 2), date(2026, 3, 4))
    (row,) = report.rows
    assert (row.card_id, row.receipts, row.turnover) == ("0001", 3, Decimal("6253.03"))
    assert [(m.before, m.after) for m in report.migrations] == [("CLUB", "CLUB-SILVER")]
    assert report.active_cards == 1


def test_a_blocked_or_unknown_card_is_refused_before_anything_is_sold(store: MemoryStore) -> None:
    import attrs

    with store.unit_of_work() as uow:
        card = uow.loyalty_cards.get("0001")
        uow.loyalty_cards.save(attrs.evolve(card, blocked=True))
        uow.commit()
    with shtrih_rig() as rig:
        desk = CashierDesk(
            store, SHOP.id, "POS-1", rig.driver, clock=FixedClock(datetime(2026, 3, 2, tzinfo=UTC))
        )
        desk.open_shift()
        with pytest.raises(LoyaltyCardError, match="blocked"):
            desk.sell(["BREAD"], rub("50.00"), card="0001")
        with pytest.raises(LoyaltyCardError, match="no loyalty card"):
            desk.sell(["BREAD"], rub("50.00"), card="9999")
        assert rig.receipts == 0
        assert desk.pending() == []


def test_the_sales_analysis_plots_revenue_per_group(store: MemoryStore) -> None:
    pytest.importorskip("matplotlib")
    from salescore.retail_plots import sales_chart

    with store.unit_of_work() as uow:
        import_sales_history(uow, GOOD_CSV)
        analysis = analyse_sales(uow, "hour", date(2025, 11, 1), date(2025, 11, 30))
    # 10:00 bread and tea 315.10; 18:00 milk 269.70; 19:00 a return of 89.90.
    assert [(r.key, r.revenue) for r in analysis.rows] == [
        ("10", Decimal("315.10")),
        ("18", Decimal("269.70")),
        ("19", Decimal("-89.90")),
    ]
    figure = sales_chart(analysis)
    from matplotlib.patches import Rectangle

    bars = [bar for bar in figure.axes[0].patches if isinstance(bar, Rectangle)]
    heights = [float(round(bar.get_height(), 2)) for bar in bars]
    assert heights == [315.1, 269.7, -89.9]


def test_a_discount_by_product_segment_applies_at_the_outlet_only_in_its_scope(
    store: MemoryStore,
) -> None:
    import attrs

    from salescore.app.discount_rules import save_rule_set
    from salescore.discounts import (
        ConditionExpr,
        Discount,
        DiscountGroup,
        DiscountId,
        DiscountRuleSet,
        GroupId,
    )
    from salescore.parties import NomenclatureSegment, SegmentId

    dairy = Discount(
        DiscountId("DAIRY-7"),
        "Dairy 7 %",
        value=Decimal(7),
        condition=ConditionExpr.leaf("nomenclature_segment", segments=["DAIRY"]),
    )
    other = Discount(DiscountId("ALL-50"), "Half price everywhere", value=Decimal(50))
    with store.unit_of_work() as uow:
        uow.nomenclature_segments.add(
            NomenclatureSegment(SegmentId("DAIRY"), "Dairy", members=frozenset({ProductId("MILK")}))
        )
        save_rule_set(
            uow,
            DiscountRuleSet(
                (dairy, other),
                (DiscountGroup(GroupId("ROOT"), "All", children=("DAIRY-7", "ALL-50")),),
            ),
        )
        # The shop's discount scope takes the dairy rule only.
        save_outlet(uow, attrs.evolve(SHOP, discount_scope={"DAIRY-7"}))
        uow.commit()
    with shtrih_rig() as rig:
        desk = CashierDesk(
            store, SHOP.id, "POS-1", rig.driver, clock=FixedClock(datetime(2026, 3, 2, tzinfo=UTC))
        )
        desk.open_shift()
        sale = desk.sell(["MILK", "BREAD"], rub("200.00"))
    # Milk 89.90 less 7 % (6.293 → 6.29) = 83.61; bread 45.50, out of the scope's rules.
    assert [(x.product_id, x.net) for x in sale.lines] == [
        ("MILK", rub("83.61")),
        ("BREAD", rub("45.50")),
    ]


def test_offline_sales_are_refused_for_another_mode_or_an_unknown_product(
    store: MemoryStore,
) -> None:
    line = OfflineSaleLine("CAVIAR", Decimal(1), Decimal("10.00"), Decimal("10.00"))
    sale = OfflineSale("1", AT, (line,), cash=Decimal("10.00"))
    with store.unit_of_work() as uow:
        with pytest.raises(RetailError, match="not offline"):
            load_offline_sales(uow, "KIOSK", [sale], report_id="K-1")
        with pytest.raises(RetailError, match="unknown product 'CAVIAR'"):
            load_offline_sales(uow, "VAN", [sale], report_id="V-1")
        short = OfflineSale(
            "2",
            AT,
            (OfflineSaleLine("BREAD", Decimal(1), Decimal("45.50"), Decimal("45.50")),),
            cash=Decimal("40.00"),
        )
        with pytest.raises(RetailError, match="offline sale '2' of VAN"):
            load_offline_sales(uow, "VAN", [short], report_id="V-1", track_stock=False)
        assert len(uow.retail_receipts) == 0


def test_a_product_without_a_retail_price_cannot_be_sold(store: MemoryStore) -> None:
    from salescore.parties import Product

    with store.unit_of_work() as uow:
        uow.products.add(Product(ProductId("SALT"), "Salt"))
        uow.commit()
    with shtrih_rig() as rig:
        desk = CashierDesk(
            store, SHOP.id, "POS-1", rig.driver, clock=FixedClock(datetime(2026, 3, 2, tzinfo=UTC))
        )
        desk.open_shift()
        with pytest.raises(RetailError, match="register a retail price"):
            desk.sell(["SALT"], rub("10.00"))
        with pytest.raises(RetailError, match="no product of the catalogue"):
            desk.sell(["4699999999999"], rub("10.00"))
        assert rig.receipts == 0


def test_an_outlet_needs_a_store_warehouse_and_a_price_type_with_vat(store: MemoryStore) -> None:
    import attrs

    from salescore.app.pricing import save_price_type
    from salescore.pricing import PriceType, PriceTypeId

    with store.unit_of_work() as uow:
        uow.warehouses.add(Warehouse(WarehouseId("BACK"), "Back room"))
        save_price_type(uow, PriceType(PriceTypeId("NET"), "Net", "RUB", vat_included=False))
        with pytest.raises(RetailError, match="not a store"):
            save_outlet(uow, attrs.evolve(SHOP, warehouse_id=WarehouseId("BACK")))
        with pytest.raises(RetailError, match="must include it"):
            save_outlet(uow, attrs.evolve(SHOP, price_type_id=PriceTypeId("NET")))
