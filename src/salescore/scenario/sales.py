"""Sales scenario files: a catalogue, prices, agreements, discounts and orders, priced end to end.

A sales scenario describes in TOML everything needed to price orders: the
products and clients, the price types with their formulas, registered
prices, typical and individual agreements, the discount tree with its
limits (in the format of :mod:`salescore.discounts.rulefile`) and one or
more orders. :func:`load` reads it into a :class:`Scenario`;
:meth:`Scenario.price` prices every order through
:class:`salescore.orders.SalePricer` (agreement → price type → prices →
discounts → deviations), and ``salescore price FILE`` prints the same
(:func:`render_sales`, :func:`sales_json`). The format is described on the
"Scenario files" guide page. Amounts are strings (``"12.50"``), never floats.

>>> text = '''
... currency = "RUB"
... [[products]]
... id = "CM-100"
... name = "Coffee maker"
... [[partners]]
... id = "SHOP"
... name = "Corner shop"
... [[price_types]]
... id = "BASE"
... name = "Base"
... [[price_types]]
... id = "RETAIL"
... name = "Retail"
... formula = "[Base] * 1.5"
... [[prices]]
... price_type = "BASE"
... product = "CM-100"
... price = "1000.00"
... from = 2026-01-01
... [[agreements]]
... id = "TA-ALL"
... name = "Everyone"
... valid_from = 2026-01-01
... price_type = "RETAIL"
... [[groups]]
... id = "ROOT"
... name = "All discounts"
... children = ["SPRING"]
... [[discounts]]
... id = "SPRING"
... name = "Spring sale"
... value = "10"
... [[orders]]
... id = "SO-1"
... client = "SHOP"
... date = 2026-03-02
... lines = [{ product = "CM-100", quantity = "2" }]
... '''
>>> scenario = parse_sales(text, "example.toml")
>>> [str(line.net) for order in scenario.price() for line in order.lines]
['2700.00 RUB']
>>> parse_sales(text.replace('quantity = "2"', 'quantity = 2.5'), "example.toml")
Traceback (most recent call last):
...
salescore.errors.ScenarioError: example.toml: orders[0].lines[0].quantity: ... got 2.5 (a float...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    PaymentForm,
    Terms,
    create_individual,
)
from salescore.discounts import ConditionRegistry, DiscountEngine, check_rule_set
from salescore.discounts.rulefile import rule_set_from_node
from salescore.errors import FormulaError, InvalidInputError, Issue, NotFoundError, ScenarioError
from salescore.money import KG, LITRE, PIECE, Currency, Money, Rounding, Unit
from salescore.orders import PricedOrder, SaleOrder, SaleOrderLine, SalePricer
from salescore.parties import (
    ClientSegment,
    NomenclatureSegment,
    Partner,
    PartnerId,
    PriceGroupId,
    Product,
    ProductId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot, RoundingRule
from salescore.scenario._toml import Node, at, columns, read_scenario
from salescore.tax import VatCategory

__all__ = [
    "Company",
    "Scenario",
    "load",
    "parse_sales",
    "read_company",
    "render_sales",
    "sales_json",
]

_TOP_KEYS = (
    "description",
    "currency",
    "products",
    "partners",
    "price_types",
    "prices",
    "agreements",
    "discounts",
    "groups",
    "limits",
    "orders",
    "expected",
)
_RULE_KEYS = ("discounts", "groups", "limits")
_UNITS: Mapping[str, Unit] = {u.code: u for u in (PIECE, KG, LITRE)}
_ROUNDING = {r.name.lower(): r for r in Rounding}


@attrs.frozen
class Scenario:
    """A sales scenario file read into values: a pricer and the orders to price.

    Attributes:
        file: the file name, for messages.
        description: the file's description.
        pricer: prices orders from the file's catalogue, prices, agreements and rules.
        orders: the orders of the file, in file order.
        warnings: the rule-set warnings of the file's discounts (an expired
            rule, a rule that never applies), as ``salescore check`` gives them.
    """

    file: str
    description: str
    pricer: SalePricer = attrs.field(eq=False, repr=False)
    orders: tuple[SaleOrder, ...]
    warnings: tuple[Issue, ...] = ()

    def price(self) -> list[PricedOrder]:
        """Every order priced end to end (what ``salescore price`` prints).

        Raises:
            ScenarioError: an order cannot be priced (no agreement applies, a
                product has no price of the agreement's price type …); the
                message names the file and the order (``orders[1]``) and says why.
        """
        priced = []
        for number, order in enumerate(self.orders):
            try:
                priced.append(self.pricer.price(order))
            except (InvalidInputError, NotFoundError) as exc:
                where = f"orders[{number}]"
                raise ScenarioError(
                    f"{self.file}: {where} ({order.id}): {exc}", file=self.file, path=where
                ) from exc
            except ArithmeticError as exc:  # decimal overflow of huge quantities times prices
                where = f"orders[{number}]"
                raise ScenarioError(
                    f"{self.file}: {where} ({order.id}): the amounts are too large to compute "
                    f"exactly ({type(exc).__name__}); check the quantities, prices and discounts",
                    file=self.file,
                    path=where,
                ) from exc
        return priced


def load(path: str | Path, *, registry: ConditionRegistry | None = None) -> Scenario:
    """Read the sales scenario file at ``path``.

    Receivables scenario files (payment schedules, aging) have their own
    loader, :func:`salescore.scenario.receivables.load_receivables`.

    Discount conditions come from ``registry``; by default, every condition
    installed (built-ins and plugins), exactly as ``salescore price`` finds them
    (:meth:`~salescore.plugins.PluginRegistry.installed`).

    Raises:
        ScenarioError: the file cannot be read or is malformed; the message
            names the file, the key path and what was expected.
    """
    return _build(read_scenario(path), ConditionRegistry.installed(registry))


def parse_sales(
    text: str, file: str = "<scenario>", *, registry: ConditionRegistry | None = None
) -> Scenario:
    """Like :func:`load`, from TOML ``text`` (``file`` names it in errors)."""
    return _build(Node.parse(text, file), ConditionRegistry.installed(registry))


# --- reading ----------------------------------------------------------------------------


def _ref(node: Node, key: str, known: Mapping[Any, Any], what: str) -> str:
    value = node.text(key)
    if value not in known:
        choices = ", ".join(sorted(known)) or "none defined"
        raise node.child(key).error(f"the id of one of the {what} ({choices})")
    return value


def _percents(node: Node, key: str) -> dict[PriceGroupId, Decimal]:
    return {PriceGroupId(name): value.decimal() for name, value in node.mapping(key).items()}


_VAT_BY_OLD_RATE = {
    "20": VatCategory.GENERAL,
    "22": VatCategory.GENERAL,
    "10": VatCategory.REDUCED,
    "0": VatCategory.ZERO,
    "5": VatCategory.SIMPLIFIED_5,
    "7": VatCategory.SIMPLIFIED_7,
}
"""The category to write instead of an old ``vat_rate`` percent (for the error message)."""


def _product(node: Node) -> Product:
    if node.has("vat_rate"):
        old = node.value.get("vat_rate")
        hint = _VAT_BY_OLD_RATE.get(str(old).strip().removesuffix("%").strip())
        instead = f'vat = "{hint.value}"' if hint is not None else "`vat`"
        raise node.failure(
            f"the key `vat_rate` is no longer read: write the VAT category as {instead} "
            "(one of "
            + ", ".join(repr(c.value) for c in VatCategory)
            + "); the percent comes from the VAT table on the document's date "
            "(general: 20 % until 2025-12-31, 22 % from 2026-01-01)",
            "vat_rate",
        )
    node.check_keys("id", "name", "price_group", "unit", "vat", "segments")
    unit_name = node.text("unit", "pcs")
    if unit_name not in _UNITS:
        raise node.child("unit").error("one of " + ", ".join(repr(u) for u in _UNITS))
    with at(node):
        return Product(
            ProductId(node.text("id")),
            node.text("name", node.text("id")),
            unit=_UNITS[unit_name],
            price_group_id=None
            if not node.has("price_group")
            else PriceGroupId(node.text("price_group")),
            vat_category=node.choice(VatCategory, "vat", VatCategory.GENERAL),
        )


def _segments(node: Node) -> list[str]:
    return [item.text() for item in node.array("segments")]


def _price_type(node: Node, currency: Currency | None) -> PriceType:
    node.check_keys(
        "id", "name", "currency", "vat_included", "formula", "group_formulas", "rounding"
    )
    rounding = RoundingRule()
    if node.has("rounding"):
        spec = node.child("rounding")
        spec.check_keys("step", "direction", "ending")
        direction = spec.text("direction", "half_up").lower()
        if direction not in _ROUNDING:
            raise spec.child("direction").error("one of " + ", ".join(_ROUNDING))
        with at(spec):
            rounding = RoundingRule(
                spec.decimal("step", "0.01"),
                _ROUNDING[direction],
                spec.decimal("ending") if spec.has("ending") else None,
            )
    code = node.text("currency") if node.has("currency") else None
    if code is None and currency is None:
        raise node.error("a currency (here or at the top of the file)", "currency")
    with at(node):
        return PriceType(
            PriceTypeId(node.text("id")),
            node.text("name"),
            Currency.of(code) if code is not None else currency,  # type: ignore[arg-type]
            vat_included=node.boolean("vat_included", True),
            rounding=rounding,
            formula=node.opt_str("formula"),
            group_formulas={k: v.text() for k, v in node.mapping("group_formulas").items()},
        )


def _terms(node: Node, types: Mapping[str, PriceType]) -> Terms:
    payment_form = None
    if node.has("payment_form"):
        payment_form = node.choice(PaymentForm, "payment_form")
    scope = None
    if node.has("discount_scope"):
        scope = frozenset(item.text() for item in node.child("discount_scope").items())
    with at(node):
        return Terms(
            price_type_id=PriceTypeId(_ref(node, "price_type", types, "price types"))
            if node.has("price_type")
            else None,
            discount_scope=scope,
            manual_discount_limit_percent=node.decimal("manual_limit")
            if node.has("manual_limit")
            else None,
            manual_discount_limits_by_price_group=_percents(node, "manual_limits")
            if node.has("manual_limits")
            else None,
            manual_markup_limit_percent=node.decimal("manual_markup_limit")
            if node.has("manual_markup_limit")
            else None,
            manual_markup_limits_by_price_group=_percents(node, "manual_markup_limits")
            if node.has("manual_markup_limits")
            else None,
            currency=Currency.of(node.text("currency")) if node.has("currency") else None,
            payment_form=payment_form,
            warehouse_id=WarehouseId(node.text("warehouse")) if node.has("warehouse") else None,
        )


_AGREEMENT_KEYS = (
    "id",
    "name",
    "base",
    "partner",
    "client_segment",
    "nomenclature_segment",
    "valid_from",
    "valid_to",
    "status",
    "price_type",
    "discount_scope",
    "manual_limit",
    "manual_limits",
    "manual_markup_limit",
    "manual_markup_limits",
    "currency",
    "payment_form",
    "warehouse",
)


def _agreements(
    nodes: Sequence[Node],
    types: Mapping[Any, PriceType],
    partners: Mapping[Any, Partner],
) -> list[Agreement]:
    typical: dict[str, Agreement] = {}
    found: list[Agreement] = []
    for node in nodes:  # typical ones first: individual ones name them
        node.check_keys(*_AGREEMENT_KEYS)
        if node.has("base"):
            continue
        if node.has("partner"):
            raise node.error("no partner on a typical agreement (give 'base' too)", "partner")
        with at(node):
            agreement = Agreement.typical(
                AgreementId(node.text("id")),
                node.text("name", node.text("id")),
                valid_from=node.day("valid_from"),
                valid_to=node.day("valid_to") if node.has("valid_to") else None,
                client_segment_id=SegmentId(node.text("client_segment"))
                if node.has("client_segment")
                else None,
                nomenclature_segment_id=SegmentId(node.text("nomenclature_segment"))
                if node.has("nomenclature_segment")
                else None,
                terms=_terms(node, types),
                status=node.choice(AgreementStatus, "status", "active"),
            )
        typical[agreement.id] = agreement
        found.append(agreement)
    for node in nodes:
        if not node.has("base"):
            continue
        base = typical[_ref(node, "base", typical, "typical agreements")]
        if node.has("client_segment"):
            raise node.error(
                "no client_segment on an individual agreement (it serves its partner"
                " only; put the segment on the typical agreement it is based on)",
                "client_segment",
            )
        with at(node):
            found.append(
                create_individual(
                    base,
                    AgreementId(node.text("id")),
                    node.text("name", node.text("id")),
                    partner_id=PartnerId(_ref(node, "partner", partners, "partners")),
                    valid_from=node.day("valid_from"),
                    valid_to=node.day("valid_to") if node.has("valid_to") else None,
                    terms=_terms(node, types),
                    nomenclature_segment_id=SegmentId(node.text("nomenclature_segment"))
                    if node.has("nomenclature_segment")
                    else None,
                    status=node.choice(AgreementStatus, "status", "active"),
                )
            )
    return found


def _manual(node: Node, key: str, manual_ids: frozenset[str]) -> dict[str, Decimal | None]:
    chosen = node.mapping(key)
    for name, value in chosen.items():
        if name not in manual_ids:
            known = ", ".join(sorted(manual_ids)) or "none in this file"
            raise value.error(f"the id of a manual discount ({known})")
    return {name: value.decimal() for name, value in chosen.items()}


def _payment_form(node: Node) -> str | None:
    form = node.opt_str("payment_form")
    if form is not None:
        with at(node.child("payment_form")):
            PaymentForm.of_sale(form)
    return form


def _moment(node: Node) -> datetime:
    value = node.child("date").value
    if isinstance(value, datetime):
        return value
    return datetime.combine(node.day("date"), time())


def _order(
    node: Node,
    products: Mapping[Any, Product],
    partners: Mapping[Any, Partner],
    agreements: Mapping[Any, Agreement],
    currency: Currency | None,
    manual_ids: frozenset[str],
) -> SaleOrder:
    node.check_keys(
        "id", "client", "date", "agreement", "warehouse", "card", "payment_form", "user", "manual",
        "lines",
    )  # fmt: skip
    lines = []
    for number, line in enumerate(node.array("lines", required=True), 1):
        line.check_keys("id", "product", "quantity", "price", "manual")
        product = products[ProductId(_ref(line, "product", products, "products"))]
        price = None
        if line.has("price"):
            if currency is None:
                raise line.error(
                    "a currency at the top of the file for prices set by hand", "price"
                )
            price = Money(line.decimal("price"), currency)
        with at(line):
            lines.append(
                SaleOrderLine(
                    line.text("id", str(number)),
                    product.id,
                    line.decimal("quantity"),
                    _manual(line, "manual", manual_ids),
                    price,
                )
            )
    if not lines:
        raise node.child("lines").error("at least one line")
    return SaleOrder(
        node.text("id"),
        PartnerId(_ref(node, "client", partners, "partners")),
        _moment(node),
        tuple(lines),
        agreement_id=AgreementId(_ref(node, "agreement", agreements, "agreements"))
        if node.has("agreement")
        else None,
        warehouse_id=WarehouseId(node.text("warehouse")) if node.has("warehouse") else None,
        card_kind=node.opt_str("card"),
        payment_form=_payment_form(node),
        user=node.opt_str("user"),
        manual_discounts=_manual(node, "manual", manual_ids),
    )


def _unique(items: Sequence[Any], nodes: Sequence[Node], what: str) -> dict[Any, Any]:
    found: dict[Any, Any] = {}
    for item, node in zip(items, nodes, strict=True):
        if item.id in found:
            raise node.child("id").error(f"an id not used by another of the {what}")
        found[item.id] = item
    return found


@attrs.frozen
class Company:
    """The company sections of a sales scenario file, read into values.

    The order scenarios (:mod:`salescore.scenario.orders`) read the same
    sections with the same code.

    Attributes:
        currency: the file's top-level currency, if any.
        products: the catalogue by id.
        partners: the clients by id.
        agreements: every agreement by id.
        nomenclature_segments: the product segments the file names.
        manual_ids: ids of the manual discounts of the rule set.
        pricer: prices orders from the catalogue, prices, agreements and rules.
        warnings: the rule-set warnings of the file's discounts.
    """

    currency: Currency | None
    products: Mapping[ProductId, Product]
    partners: Mapping[PartnerId, Partner]
    agreements: Mapping[AgreementId, Agreement]
    nomenclature_segments: tuple[NomenclatureSegment, ...]
    manual_ids: frozenset[str]
    pricer: SalePricer = attrs.field(eq=False, repr=False)
    warnings: tuple[Issue, ...] = ()


def read_company(root: Node, registry: ConditionRegistry) -> Company:
    """The company sections of ``root``: currency, products, partners, price types, prices,
    agreements and discount rules (``discounts``, ``groups``, ``limits``).

    Raises:
        ScenarioError: naming the file, the key path and what was expected.
    """
    currency = None
    if root.has("currency"):
        with at(root.child("currency")):
            currency = Currency.of(root.text("currency"))

    product_nodes = root.array("products", required=True)
    products: dict[ProductId, Product] = _unique(
        [_product(n) for n in product_nodes], product_nodes, "products"
    )
    partner_nodes = root.array("partners", required=True)
    for node in partner_nodes:
        node.check_keys("id", "name", "segments")
    with at(root):
        partner_list = [
            Partner(PartnerId(n.text("id")), n.text("name", n.text("id"))) for n in partner_nodes
        ]
    partners: dict[PartnerId, Partner] = _unique(partner_list, partner_nodes, "partners")
    client_segments = _segment_list(partner_nodes, ClientSegment)
    nomenclature_segments = _segment_list(product_nodes, NomenclatureSegment)

    type_nodes = root.array("price_types", required=True)
    types: dict[str, PriceType] = _unique(
        [_price_type(n, currency) for n in type_nodes], type_nodes, "price types"
    )
    try:
        PricingSnapshot.build(types.values(), date.min)  # check every formula now
    except FormulaError as exc:
        raise ScenarioError(
            f"{root.file}: price_types: {exc}", file=root.file, path="price_types"
        ) from exc
    records = []
    for node in root.array("prices"):
        node.check_keys("price_type", "product", "price", "from")
        price_type = types[_ref(node, "price_type", types, "price types")]
        product = products[ProductId(_ref(node, "product", products, "products"))]
        with at(node):
            records.append(
                PriceRecord(
                    price_type.id,
                    product.id,
                    node.day("from"),
                    Money(node.decimal("price"), price_type.currency),
                )
            )

    agreements = {a.id: a for a in _agreements(root.array("agreements"), types, partners)}
    with at(root.child("agreements", [])):
        book = AgreementBook(agreements.values(), client_segments, nomenclature_segments)

    engine = None
    manual_ids: frozenset[str] = frozenset()
    warnings: list[Issue] = []
    if any(root.has(key) for key in _RULE_KEYS):
        # The same nodes, so the same key paths, ScenarioError and refusal of floats.
        rule_set = rule_set_from_node(root).rule_set
        for issue in check_rule_set(rule_set, registry, known_products=set(products)):
            if issue.severity == "error":
                raise ScenarioError(
                    f"{root.file}: {issue.path}: {issue.message}", file=root.file, path=issue.path
                )
            warnings.append(issue)
        with at(root):
            engine = DiscountEngine.compile(rule_set, registry)
        manual_ids = frozenset(d.id for d in rule_set.discounts if d.is_manual)

    type_list = list(types.values())
    product_list = list(products.values())

    def snapshot_for(on: date) -> PricingSnapshot:
        return PricingSnapshot.build(type_list, on, records=records, products=product_list)

    pricer = SalePricer(
        partners=partners,
        products=products,
        book=book,
        snapshot_for=snapshot_for,
        engine=engine,
        client_segments=client_segments,
        nomenclature_segments=nomenclature_segments,
    )
    return Company(
        currency,
        products,
        partners,
        agreements,
        tuple(nomenclature_segments),
        manual_ids,
        pricer,
        tuple(warnings),
    )


def _build(root: Node, registry: ConditionRegistry) -> Scenario:
    if root.has("templates") or root.has("calendars"):
        raise ScenarioError(
            f"{root.file}: this is a receivables scenario (it has templates or calendars); "
            "read it with 'salescore schedule' or 'salescore aging' "
            "(salescore.scenario.receivables.load_receivables)",
            file=root.file,
        )
    if root.has("events") or root.has("quotes"):
        raise ScenarioError(
            f"{root.file}: this is an orders scenario (it has quotes or events); "
            "replay it with 'salescore orders' (salescore.scenario.orders.load_orders)",
            file=root.file,
        )
    root.check_keys(*_TOP_KEYS)
    company = read_company(root, registry)
    orders = [
        _order(n, company.products, company.partners, company.agreements, company.currency,
               company.manual_ids)
        for n in root.array("orders", required=True)
    ]  # fmt: skip
    description = root.text("description") if root.has("description") else ""
    return Scenario(root.file, description, company.pricer, tuple(orders), company.warnings)


def _segment_list(nodes: Sequence[Node], kind: Any) -> list[Any]:
    members: dict[str, list[str]] = {}
    for node in nodes:
        for segment in _segments(node):
            members.setdefault(segment, []).append(node.text("id"))
    return [kind(SegmentId(s), s, members=frozenset(ids)) for s, ids in members.items()]


# --- output -----------------------------------------------------------------------------


def render_sales(orders: Sequence[PricedOrder]) -> str:
    """Each priced order as text: a table of lines, totals, gifts, deviations, explanations."""
    out: list[str] = []
    for priced in orders:
        order = priced.order
        out.append(
            f"order {order.id}  client {order.partner_id}  {order.moment.isoformat(' ')}"
            + (f"  warehouse {order.warehouse_id}" if order.warehouse_id else "")
            + (f"  card {order.card_kind}" if order.card_kind else "")
            + (f"  payment {order.payment_form}" if order.payment_form else "")
        )
        rows = [
            [x.line_id, x.product.id, str(x.quantity), x.agreement_id, x.price_type_id,
             str(x.unit_price.amount), str(x.gross.amount), str(x.discount_amount.amount),
             str(x.net.amount), ", ".join(x.rule_ids)]
            for x in priced.lines
        ]  # fmt: skip
        headers = ["line", "product", "quantity", "agreement", "price type", "unit price",
                   "amount", "discount", "net", "discounts"]  # fmt: skip
        out.extend(columns(headers, rows, {5, 6, 7, 8}, "  "))
        out.append(f"  total {priced.gross} - discounts {priced.discount} = {priced.net}")
        for gift in priced.gifts:
            out.append(
                f"  gift: {gift.quantity} x {gift.product_id} ({gift.discount_id}: {gift.reason})"
            )
        for deviation in priced.deviations:
            out.append(f"  deviation ({deviation.severity.value}): {deviation.message}")
        for line in priced.lines:
            out.append("")
            out.append(line.explain().as_text())
        out.append("")
    return "\n".join(out).rstrip("\n")


def _explanation(line: Any) -> dict[str, Any]:
    explanation = line.explain()
    return {"subject": explanation.subject, "steps": explanation.as_rows()}


def sales_json(orders: Sequence[PricedOrder]) -> dict[str, Any]:
    """The priced orders as JSON-ready data; every amount and quantity is a string."""
    result = []
    for priced in orders:
        order = priced.order
        result.append(
            {
                "id": order.id,
                "client": order.partner_id,
                "moment": order.moment.isoformat(),
                "currency": priced.currency.code,
                "lines": [
                    {
                        "id": x.line_id,
                        "product": x.product.id,
                        "quantity": str(x.quantity.value),
                        "unit": x.quantity.unit.code,
                        "agreement": x.agreement_id,
                        "price_type": x.price_type_id,
                        "reference_price": str(x.reference_price.amount),
                        "unit_price": str(x.unit_price.amount),
                        "amount": str(x.gross.amount),
                        "discount": str(x.discount_amount.amount),
                        "net": str(x.net.amount),
                        "discounts": list(x.rule_ids),
                        "explanation": _explanation(x),
                    }
                    for x in priced.lines
                ],
                "gifts": [
                    {
                        "discount": g.discount_id,
                        "product": g.product_id,
                        "quantity": str(g.quantity),
                        "reason": g.reason,
                    }
                    for g in priced.gifts
                ],
                "deviations": [
                    {
                        "kind": d.kind.value,
                        "severity": d.severity.value,
                        "message": d.message,
                        "line": d.line,
                        "product": d.product_id,
                        "expected": d.expected,
                        "actual": d.actual,
                        "amount": None if d.amount is None else str(d.amount.amount),
                    }
                    for d in priced.deviations
                ],
                "totals": {
                    "amount": str(priced.gross.amount),
                    "discount": str(priced.discount.amount),
                    "net": str(priced.net.amount),
                },
                "needs_approval": priced.needs_approval,
            }
        )
    return {"orders": result}
