"""The demo's discounts section: store the sample rule set, price a sample order, explain it.

The section ends with the same order priced through the whole chain
(:func:`salescore.app.sales.price_order`): agreement -> price type -> prices -> discounts.
"""

from __future__ import annotations

from salescore.adapters.repositories import Repositories
from salescore.app.discount_rules import load_rule_set, save_rule_set
from salescore.app.sales import price_order
from salescore.demo.sample_discounts import sample_order, sample_rule_set
from salescore.discounts import DiscountEngine
from salescore.discounts.whatif import next_tier, quantity_breaks
from salescore.explain import text_table
from salescore.orders import PricedOrder, SaleOrder, SaleOrderLine
from salescore.parties import PartnerId

__all__ = ["discounts_section"]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    return "\n".join(text_table(headers, rows))


def discounts_section(uow: Repositories) -> str:
    """Store the sample discount tree, apply it to a sample order, explain line 1."""
    save_rule_set(uow, sample_rule_set())
    engine = DiscountEngine.compile(load_rule_set(uow))
    lines, context = sample_order()
    result = engine.apply(lines, context)
    out = ["== Discounts [скидки и наценки] =="]
    out.append(
        f"{engine.rule_count()} discounts in a tree rooted at 'multiply'; order of "
        f"{context.partner_id} on {context.moment:%Y-%m-%d}, manager {context.user}:"
    )
    rows = [
        [
            x.line_id,
            lines[i].product.id,
            str(lines[i].quantity),
            str(x.gross_amount),
            str(x.discount_amount),
            str(x.percent),
            str(x.net.amount),
        ]
        for i, x in enumerate(result.lines)
    ]
    out.append(_table(["line", "product", "qty", "amount", "discount", "%", "net"], rows))
    out.append(f"Document: {result.gross} - {result.discount} = {result.net}")
    for gift in result.gifts:
        out.append(f"Gift: {gift.quantity} x {gift.product_id} ({gift.reason})")
    for deviation in result.deviations:
        out.append(f"Needs approval: {deviation.message}")
    out.append("")
    out.append(result.lines[0].explain().as_text())
    out.append("")
    out.append(result.lines[0].why_not("CARD-GOLD").as_text())
    out.append("")
    out.append(f"Quantity breaks of {lines[0].product.id} for this client:")
    out.append(str(quantity_breaks(engine, lines[0], context)))
    suggestions = next_tier(engine, lines[1:2], context)
    if suggestions:
        out.append(f"Next tier: {suggestions[0].description}, saves {suggestions[0].discount_gain}")
    order = SaleOrder(
        "SO-DEMO",
        context.partner_id or PartnerId("VOLGA-KZN"),
        context.moment,
        [
            SaleOrderLine(x.line_id, x.product.id, x.quantity.value, x.manual_discounts)
            for x in lines
        ],
        payment_form="noncash",
        user=context.user,
    )
    out.append("")
    out.append(_whole_chain(price_order(uow, order)))
    return "\n".join(out)


def _whole_chain(priced: PricedOrder) -> str:
    """The order priced end to end: a table, the deviations, line 1's explanation."""
    out = [
        "The same order through the whole chain (agreement -> price type -> discounts), "
        "prices from the price register:"
    ]
    rows = [
        [x.line_id, x.product.id, x.agreement_id, x.price_type_id, str(x.unit_price.amount),
         str(x.gross.amount), str(x.discount_amount.amount), str(x.net.amount)]
        for x in priced.lines
    ]  # fmt: skip
    headers = ["line", "product", "agreement", "price type", "price", "amount", "discount", "net"]
    out.append(_table(headers, rows))
    out.append(f"Document: {priced.gross} - {priced.discount} = {priced.net}")
    for deviation in priced.deviations:
        out.append(f"Deviation ({deviation.severity.value}): {deviation.message}")
    out.append("")
    out.append(priced.lines[0].explain().as_text())
    return "\n".join(out)
