"""The sample company's discounts and a sample order, for the demo and the docs.

>>> from salescore.discounts import DiscountEngine
>>> engine = DiscountEngine.compile(sample_rule_set())
>>> lines, context = sample_order()
>>> result = engine.apply(lines, context)
>>> [(x.line_id, str(x.discount_amount)) for x in result.lines]
[('1', '16252.80'), ('2', '1750.78'), ('3', '2995.74')]
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from importlib.resources import files

from salescore.discounts import DiscountRuleSet, SaleContext, SaleLine
from salescore.discounts.rulefile import parse_rule_set
from salescore.money import KG, PIECE, Money, Quantity
from salescore.parties import (
    PartnerId,
    PriceGroupId,
    Product,
    ProductId,
    SegmentId,
    WarehouseId,
)

__all__ = ["SAMPLE_RULES_FILE", "sample_order", "sample_rule_set"]

SAMPLE_RULES_FILE = "sample_discounts.toml"
MSK = timezone(timedelta(hours=3), "MSK")


def sample_rule_set() -> DiscountRuleSet:
    """The sample rule set (``salescore/demo/sample_discounts.toml``)."""
    text = files("salescore.demo").joinpath(SAMPLE_RULES_FILE).read_text(encoding="utf-8")
    return parse_rule_set(text, SAMPLE_RULES_FILE).rule_set


def _product(pid: str, name: str, group: str, kg: bool = False) -> Product:
    return Product(
        ProductId(pid), name, unit=KG if kg else PIECE, price_group_id=PriceGroupId(group)
    )


def sample_order() -> tuple[list[SaleLine], SaleContext]:
    """An order of Volga Kazan (wholesale) in March 2026: machines, grinders and beans.

    Manager ivanova types a 4% manual discount on the grinders, above her 3%
    limit for machines, so the line needs approval.
    """
    rub = "RUB"
    machines = frozenset({SegmentId("MACHINES")})
    lines = [
        SaleLine(
            "1",
            _product("CM-100", "Coffee maker CM-100", "MACHINES"),
            Quantity(5),
            Money("12000.00", rub),
            machines,
        ),
        SaleLine(
            "2",
            _product("GR-10", "Coffee grinder GR-10", "MACHINES"),
            Quantity(4),
            Money("3500.00", rub),
            machines,
            manual_discounts={"MANAGER": Decimal(4)},
        ),
        SaleLine(
            "3",
            _product("BEANS-ARABICA", "Arabica beans", "CONSUMABLES", kg=True),
            Quantity("25.5", KG),
            Money("1200.00", rub),
            frozenset({SegmentId("COFFEE")}),
        ),
    ]
    context = SaleContext(
        moment=datetime(2026, 3, 12, 11, 30, tzinfo=MSK),
        partner_id=PartnerId("VOLGA-KZN"),
        client_segment_ids=frozenset({SegmentId("WHOLESALE")}),
        agreement_id="IA-VOLGA-KZN",
        warehouse_id=WarehouseId("MAIN"),
        payment_form="noncash",
        user="ivanova",
    )
    return lines, context
