"""Discount engine throughput, against a hand-written floor, and its scaling with rule count.

Run alone: ``python benchmarks/bench_discounts.py``. Prints ``metric NAME VALUE`` lines:

* ``discount_lines_per_s`` — 100,000 order lines (5,000 documents of 20 lines) through
  1,000 rules in a three-level tree (root ``multiply`` -> 4 groups -> 42 groups -> rules),
  pricing included: each line arrives as data without a price; inside the timing each
  document's unit prices come from a real :class:`~salescore.pricing.PricingSnapshot`
  (one bulk call per document through a price type chain: a registered base price ->
  ``[Base] * 1.25`` -> ``[List] * 0.9``, each rounded to kopecks; each timed run builds
  a fresh snapshot for the day, which computes a product's price once and remembers it
  for the run, as the floor below does) and each line becomes a priced ``SaleLine``
  (quantity x unit price, rounded);
* ``discount_slowdown_vs_handwritten`` — the engine's time over a hand-written function
  doing only the arithmetic those prices and rules amount to (dictionary look-ups and
  Decimal arithmetic, the price chain and the tree's shape written out);
* ``rule_scaling_10k_vs_10`` — per-line cost with 10,000 rules over the cost with 10
  rules, each line reached by exactly one rule in both cases;
* ``rule_scaling_all_kinds_10k_vs_10`` — the same with rules of every built-in condition
  kind (product, nomenclature segment, price group, line quantity, warehouse, card kind,
  payment form, sale volume, sale time, client segment), 10 / 1,000 / 10,000 of them,
  ten reaching every line and several applying to it (per-line cost with 10,000 rules
  over the cost with 10; goal at most 1.5);
* ``rule_compile_10k_s`` — the time to compile those 10,000 rules (goal under 1 s).

The 1,000 rules are percents (by product, segment, price group with quantity tiers,
client segment x warehouse), so the engine folds each line's plan into one factor at
compile time; trees with amount rules are evaluated group by group and run slower.

Times are the best of seven runs taken round-robin (see :func:`timed`) with
the cyclic garbage collector paused, as :mod:`timeit` does; the throughput with
it running is printed as a comment line.
The engine of ``discount_lines_per_s`` has served 100,000 *other* lines of the same
catalogue first (another random draw of documents), as a long-running process has:
its caches (what each product's index keys reach, the verdicts per quantity, the
combination plans) hold what earlier orders taught them, not the timed lines
themselves. ``discount_lines_per_s_cold`` is the same run on a freshly compiled
engine each time, every cache empty.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from _timing import best_times, peak_rss_mib

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
    SaleContext,
    SaleLine,
)
from salescore.money import Money, Quantity
from salescore.parties import PartnerId, PriceGroupId, Product, ProductId, SegmentId, WarehouseId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot

# An order line as it arrives: id, product, quantity, segments (no price yet).
RawLine = tuple[str, Product, Quantity, frozenset[SegmentId]]
Document = tuple[Sequence[RawLine], SaleContext]
MOMENT = datetime(2026, 3, 12, 11, 30, tzinfo=timezone(timedelta(hours=3)))
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
LIST_FACTOR = Decimal("1.25")
SALE_FACTOR = Decimal("0.9")
BASE, LIST, SALE = PriceTypeId("BASE"), PriceTypeId("LIST"), PriceTypeId("SALE")

PRODUCTS = 1000
SEGMENTS = 200
PRICE_GROUPS = 10
TIERS = 10
WAREHOUSES = 5
CLIENT_SEGMENTS = 20


def leaf(name: str, **params: object) -> ConditionExpr:
    return ConditionExpr.leaf(name, **params)


def group(ident: str, combination: Combination, children: list[str]) -> DiscountGroup:
    return DiscountGroup(GroupId(ident), ident, combination, children)


def thousand_rules() -> tuple[DiscountRuleSet, dict[str, dict[object, Decimal]]]:
    """The rule set and, for the hand-written floor, the same percents as plain tables."""
    discounts: list[Discount] = []
    groups: list[DiscountGroup] = []
    tables: dict[str, dict[object, Decimal]] = {"product": {}, "segment": {}, "tier": {}, "doc": {}}

    def add(ident: str, value: Decimal, condition: ConditionExpr, priority: int = 0) -> str:
        discounts.append(
            Discount(DiscountId(ident), ident, value=value, condition=condition, priority=priority)
        )
        return ident

    # M1: 600 product rules in 10 displace groups (max at the middle level).
    m1 = []
    for g in range(10):
        kids = []
        for k in range(60):
            p = g * 60 + k
            value = Decimal(p % 7 + 1)
            tables["product"][f"P{p}"] = value
            kids.append(add(f"PROD-{p}", value, leaf("product", products=[f"P{p}"])))
        groups.append(group(f"M1-{g}", Combination.DISPLACE, kids))
        m1.append(f"M1-{g}")
    groups.append(group("M1", Combination.MAX, m1))
    # M2: 200 segment rules in 5 max groups, summed.
    m2 = []
    for g in range(5):
        kids = []
        for k in range(40):
            s = g * 40 + k
            value = Decimal(s % 3 + 1)
            tables["segment"][f"S{s}"] = value
            kids.append(add(f"SEG-{s}", value, leaf("nomenclature_segment", segments=[f"S{s}"])))
        groups.append(group(f"M2-{g}", Combination.MAX, kids))
        m2.append(f"M2-{g}")
    groups.append(group("M2", Combination.ADD, m2))
    # M3: quantity tiers per price group: the highest reached tier displaces the others.
    m3 = []
    for g in range(PRICE_GROUPS):
        kids = []
        for tier in range(1, TIERS + 1):
            value = Decimal(tier) / 2
            tables["tier"][(f"G{g}", tier)] = value
            condition = ConditionExpr.all_of(
                leaf("price_group", price_groups=[f"G{g}"]), leaf("line_quantity", min=tier * 3)
            )
            kids.append(add(f"TIER-{g}-{tier}", value, condition, priority=tier))
        groups.append(group(f"M3-{g}", Combination.DISPLACE, kids))
        m3.append(f"M3-{g}")
    groups.append(group("M3", Combination.MAX, m3))
    # M4: client segment x warehouse, document-level.
    m4 = []
    for g in range(5):
        kids = []
        for k in range(20):
            i = g * 20 + k
            wh, cs = f"W{i % WAREHOUSES}", f"C{i // WAREHOUSES}"
            value = Decimal(i % 4 + 1)
            tables["doc"][(wh, cs)] = value
            condition = ConditionExpr.all_of(
                leaf("warehouse", warehouses=[wh]), leaf("client_segment", segments=[cs])
            )
            kids.append(add(f"DOC-{i}", value, condition))
        groups.append(group(f"M4-{g}", Combination.MAX, kids))
        m4.append(f"M4-{g}")
    groups.append(group("M4", Combination.MAX, m4))
    root = group("ROOT", Combination.MULTIPLY, ["M1", "M2", "M3", "M4"])
    return DiscountRuleSet(discounts, [root, *groups]), tables


def catalogue(products: int) -> list[Product]:
    return [
        Product(ProductId(f"P{p}"), f"Product {p}", price_group_id=PriceGroupId(f"G{p % 10}"))
        for p in range(products)
    ]


def base_prices(products: int, seed: int = 5) -> dict[ProductId, Decimal]:
    rng = random.Random(seed)
    return {ProductId(f"P{p}"): Decimal(rng.randint(100, 500_000)) / 100 for p in range(products)}


def snapshot_factory(products: int) -> Callable[[], PricingSnapshot]:
    """Builds the day's snapshot: three price types in a chain, the base prices registered,
    the others calculated. Data is prepared once; compiling and indexing is in the call."""
    types = [
        PriceType(BASE, "Base", "RUB"),
        PriceType(LIST, "List", "RUB", formula=f"[Base] * {LIST_FACTOR}"),
        PriceType(SALE, "Sale", "RUB", formula=f"[List] * {SALE_FACTOR}"),
    ]
    records = [
        PriceRecord(BASE, pid, date(2026, 1, 1), Money(amount, "RUB"))
        for pid, amount in base_prices(products).items()
    ]
    items = catalogue(products)
    return lambda: PricingSnapshot.build(types, MOMENT.date(), records=records, products=items)


def make_documents(count: int, per_doc: int, products: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    items = catalogue(products)
    documents: list[Document] = []
    for _ in range(count):
        lines: list[RawLine] = []
        for n in range(per_doc):
            p = rng.randrange(products)
            segments = frozenset({SegmentId(f"S{p % SEGMENTS}")})
            lines.append((str(n), items[p], Quantity(rng.randint(1, 40)), segments))
        context = SaleContext(
            MOMENT,
            partner_id=PartnerId("CLIENT"),
            client_segment_ids=frozenset({SegmentId(f"C{rng.randrange(CLIENT_SEGMENTS)}")}),
            warehouse_id=WarehouseId(f"W{rng.randrange(WAREHOUSES)}"),
        )
        documents.append((lines, context))
    return documents


def handwritten(
    tables: dict[str, dict[object, Decimal]], base_price: dict[ProductId, Decimal]
) -> Callable[[list[Document]], list[Decimal]]:
    """The arithmetic the price chain and the 1,000 rules amount to, written out by hand."""
    product, segment, tier, doc = (
        tables["product"],
        tables["segment"],
        tables["tier"],
        tables["doc"],
    )

    def run(documents: list[Document]) -> list[Decimal]:
        # Like the snapshot, the floor computes a product's price once for the day.
        price_of: dict[ProductId, Decimal] = {}
        out = []
        for lines, context in documents:
            (cs,) = context.client_segment_ids
            doc_pct = doc.get((context.warehouse_id, cs))
            for _, item, quantity, segments in lines:
                qty = quantity.value
                price = price_of.get(item.id)
                if price is None:
                    listed = (base_price[item.id] * LIST_FACTOR).quantize(CENT, ROUND_HALF_UP)
                    price = price_of[item.id] = (listed * SALE_FACTOR).quantize(CENT, ROUND_HALF_UP)
                base = (qty * price).quantize(CENT, ROUND_HALF_UP)
                cur = base
                pct = product.get(item.id)
                if pct:
                    cur -= cur * pct / HUNDRED
                pct = Decimal(0)
                for seg in segments:
                    pct += segment.get(seg, Decimal(0))
                if pct:
                    cur -= cur * pct / HUNDRED
                reached = min(int(qty) // 3, TIERS)
                if reached:
                    cur -= cur * tier[(item.price_group_id, reached)] / HUNDRED
                if doc_pct:
                    cur -= cur * doc_pct / HUNDRED
                out.append((base - cur).quantize(CENT, ROUND_HALF_UP))
        return out

    return run


def engine_run(
    engine: DiscountEngine, day_snapshot: Callable[[], PricingSnapshot]
) -> Callable[[list[Document]], list[Decimal]]:
    def run(documents: list[Document]) -> list[Decimal]:
        # A fresh snapshot for the run (the day's prices, nothing remembered from an
        # earlier run); unit prices come from it, one bulk call per document; line
        # amounts (quantity x unit price, rounded) are computed in SaleLine.
        prices = day_snapshot()
        priced = []
        for lines, context in documents:
            unit = prices.prices(SALE, [item.id for _, item, _, _ in lines])
            priced.append(
                (
                    [SaleLine(n, item, qty, unit[item.id], segs) for n, item, qty, segs in lines],
                    context,
                )
            )
        return [x.discount_amount for r in engine.apply_many(priced) for x in r.lines]

    return run


ROUNDS = 7


def timed(
    funcs: Sequence[Callable[[list[Document]], object]],
    documents: list[Document],
    warm_up: list[Document] | None = None,
    gc_running: Collection[int] = (),
) -> list[float]:
    """Each function run once untimed on ``warm_up`` (the timed documents when not
    given), then the best of :data:`ROUNDS` rounds on ``documents``, taken
    round-robin with the garbage collector paused (:func:`_timing.best_times`;
    this machine has slow spells of tens of seconds, which round-robin rounds
    spread over every figure alike)."""
    for func in funcs:
        func(documents if warm_up is None else warm_up)
    calls = [functools.partial(func, documents) for func in funcs]
    return best_times(calls, ROUNDS, gc_running=gc_running)


def scaling_engine(rules: int) -> DiscountEngine:
    discounts = [
        Discount(
            DiscountId(f"R{i}"),
            f"R{i}",
            value=Decimal(i % 9 + 1),
            condition=leaf("product", products=[f"P{i}"]),
        )
        for i in range(rules)
    ]
    root = group("ROOT", Combination.MAX, [d.id for d in discounts])
    return DiscountEngine.compile(DiscountRuleSet(discounts, [root]))


KINDS = 10  # condition kinds per block of rules


def all_kinds_rule_set(rules: int) -> DiscountRuleSet:
    """``rules`` rules in blocks of ten, one of each condition kind per block.

    Block ``j`` keys its rules by values of its own (products ``P{10j}``..``P{10j+9}``,
    warehouse ``W{2j}``/``W{2j+1}``, card kind ``K{j}`` …), so the documents below, which
    use block 0's values, reach the same ten rules whatever the size of the rule set.
    Conditions that index nothing (quantity, volume, time, payment form) ride on a key.
    """
    discounts: list[Discount] = []
    by_kind: list[list[str]] = [[] for _ in range(KINDS)]
    for i in range(rules):
        kind, j = i % KINDS, i // KINDS
        products = [f"P{10 * j + t}" for t in range(10)]
        # Block 0 lists the catalogue's price groups G0..G9; later blocks their own.
        price_groups = [f"G{t}" for t in range(10)] if j == 0 else [f"G{j}-0", f"G{j}-1"]
        conditions = [
            leaf("product", products=products),
            leaf("nomenclature_segment", segments=[f"S{5 * j + t}" for t in range(5)]),
            leaf("price_group", price_groups=price_groups),
            ConditionExpr.all_of(leaf("product", products=products), leaf("line_quantity", min=5)),
            leaf("warehouse", warehouses=[f"W{2 * j}", f"W{2 * j + 1}"]),
            leaf("card_kind", kinds=[f"K{j}"]),
            ConditionExpr.all_of(
                leaf("warehouse", warehouses=[f"W{2 * j}"]),
                leaf("payment_form", forms=["cash", "card"]),
            ),
            ConditionExpr.all_of(
                leaf("client_segment", segments=[f"C{j}"]),
                leaf("sale_volume", min_amount="50000"),
            ),
            ConditionExpr.all_of(
                leaf("agreement", agreements=[f"A{j}"]),
                leaf("sale_time", time_from="09:00", time_to="18:00"),
            ),
            leaf("client_segment", segments=[f"C{j}", f"CC{j}"]),
        ]
        ident = f"K{kind}-{j}"
        value = Decimal(i % 7 + 1) / 2
        discounts.append(
            Discount(DiscountId(ident), ident, value=value, condition=conditions[kind])
        )
        by_kind[kind].append(ident)
    kinds = [group(f"KIND-{k}", Combination.MAX, ids) for k, ids in enumerate(by_kind) if ids]
    root = group("ROOT", Combination.MULTIPLY, [g.id for g in kinds])
    return DiscountRuleSet(discounts, [root, *kinds])


def all_kinds_documents(count: int, per_doc: int, seed: int = 13) -> list[Document]:
    """Documents over block 0's values: products P0..P9, segments S0..S4, warehouses
    W0/W1, card K0 or none, cash or card, client segment C0, agreement A0."""
    rng = random.Random(seed)
    items = catalogue(10)
    documents: list[Document] = []
    for _ in range(count):
        lines: list[RawLine] = []
        for n in range(per_doc):
            p = rng.randrange(10)
            segments = frozenset({SegmentId(f"S{p % 5}")})
            lines.append((str(n), items[p], Quantity(rng.randint(1, 12)), segments))
        context = SaleContext(
            MOMENT,
            partner_id=PartnerId("CLIENT"),
            client_segment_ids=frozenset({SegmentId("C0")}),
            agreement_id="A0",
            warehouse_id=WarehouseId(f"W{rng.randrange(2)}"),
            card_kind=rng.choice(["K0", None]),
            payment_form=rng.choice(["cash", "card", "noncash"]),
        )
        documents.append((lines, context))
    return documents


def cold_run(
    rule_set: DiscountRuleSet, day_snapshot: Callable[[], PricingSnapshot], runs: int
) -> Callable[[list[Document]], list[Decimal]]:
    """Each call on its own freshly compiled engine (compiled before the timing)."""
    engines = [DiscountEngine.compile(rule_set) for _ in range(runs)]

    def run(documents: list[Document]) -> list[Decimal]:
        return engine_run(engines.pop(), day_snapshot)(documents)

    return run


def main() -> None:
    rule_set, tables = thousand_rules()
    engine = DiscountEngine.compile(rule_set)
    documents = make_documents(5000, 20, PRODUCTS)
    earlier = make_documents(5000, 20, PRODUCTS, seed=8)  # orders served before
    lines = sum(len(d[0]) for d in documents)
    day_snapshot = snapshot_factory(PRODUCTS)
    by_engine = engine_run(engine, day_snapshot)
    by_hand = handwritten(tables, base_prices(PRODUCTS))
    check = DiscountEngine.compile(rule_set)
    expected = by_hand(documents)
    assert engine_run(check, day_snapshot)(documents) == expected, "the floor must agree"
    cold = cold_run(rule_set, day_snapshot, ROUNDS + 1)  # one more for the untimed run
    engine_time, hand_time, cold_time, with_gc = timed(
        [by_engine, by_hand, cold, by_engine], documents, warm_up=earlier, gc_running={3}
    )
    assert by_engine(documents) == expected, "a warm engine must compute the same figures"
    print(
        f"# {lines} lines, {engine.rule_count()} rules: engine {engine_time:.2f} s, "
        f"hand-written {hand_time:.2f} s, cold engine {cold_time:.2f} s"
    )
    print(f"# with the garbage collector running: {lines / with_gc:.0f} lines/s")
    print(f"metric discount_lines_per_s {lines / engine_time:.0f}")
    print(f"metric discount_lines_per_s_cold {lines / cold_time:.0f}")
    print(f"metric discount_slowdown_vs_handwritten {engine_time / hand_time:.2f}")

    # The same lines (products P0..P9) against 10 rules and against 10,000 rules:
    # each line is reached by exactly one rule in both engines.
    docs = make_documents(1000, 20, 10, seed=11)
    prices = snapshot_factory(10)
    small, large = (engine_run(scaling_engine(n), prices) for n in (10, 10_000))
    times = timed([small, large], docs)
    per_line = {10: times[0] / 20_000, 10_000: times[1] / 20_000}
    print(
        f"# per line: 10 rules {per_line[10] * 1e6:.1f} us, "
        f"10,000 rules {per_line[10_000] * 1e6:.1f} us"
    )
    print(f"metric rule_scaling_10k_vs_10 {per_line[10_000] / per_line[10]:.2f}")

    # Every condition kind: 10, 1,000 and 10,000 rules; the same ten reach each line.
    sizes = (10, 1_000, 10_000)
    rule_sets = {n: all_kinds_rule_set(n) for n in sizes}
    compiled = [functools.partial(DiscountEngine.compile, rule_sets[10_000])]
    (compile_s,) = best_times(compiled, 3)
    engines = {n: DiscountEngine.compile(rule_sets[n]) for n in sizes}
    kinds_docs = all_kinds_documents(1000, 20)
    kinds_lines = sum(len(d[0]) for d in kinds_docs)
    kinds_prices = snapshot_factory(10)
    runs = {n: engine_run(engines[n], kinds_prices) for n in sizes}
    figures = {n: runs[n](kinds_docs) for n in sizes}
    assert figures[10] == figures[1_000] == figures[10_000], "the same ten rules apply"
    assert any(figures[10]), "some discounts apply"
    kinds_times = timed([runs[n] for n in sizes], kinds_docs)
    kinds_per_line = {n: t / kinds_lines for n, t in zip(sizes, kinds_times, strict=True)}
    applied = sum(
        len(x.rule_ids)
        for r in engines[10].apply_many(
            [
                (
                    [
                        SaleLine(n, item, qty, Money("100.00", "RUB"), segs)
                        for n, item, qty, segs in lines
                    ],
                    context,
                )
                for lines, context in kinds_docs
            ]
        )
        for x in r.lines
    )
    print(
        "# all kinds, per line: "
        + ", ".join(f"{n:,} rules {kinds_per_line[n] * 1e6:.1f} us" for n in sizes)
        + f"; {applied / kinds_lines:.1f} rules apply per line; "
        f"compiling 10,000 rules {compile_s:.2f} s"
    )
    ratio = kinds_per_line[10_000] / kinds_per_line[10]
    print(f"metric rule_scaling_all_kinds_10k_vs_10 {ratio:.2f}")
    print(f"metric rule_compile_10k_s {compile_s:.2f}")
    print(f"metric peak_rss_mib_discounts {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
