"""Pricing: compiled formulas against hand-written Python and simpleeval; a 3-level chain in bulk.

Run alone: ``python benchmarks/bench_pricing.py``. Prints ``metric NAME VALUE`` lines:

* ``formula_slowdown_vs_python``: time of the compiled formula / time of a
  hand-written Python function doing the same Decimal arithmetic (goal <= 1.5);
* ``formula_speedup_vs_simpleeval``: time of simpleeval (given the parsed
  expression, its fastest mode) / time of the compiled formula (goal >= 10);
* ``chain_prices_per_s``: retail prices (Money) per second for 100,000 products
  through purchase -> wholesale (VAT added) -> retail (per price group, .99
  endings) on one date, from a built snapshot (goal >= 100,000);
* ``chain_snapshot_build_s``: seconds to compile the chain and index the
  100,000 registered prices (once per date).

What a user calls, from stored data: ``chain_store_prices_per_s`` is
:func:`salescore.app.pricing.load_snapshot` on an SQLite file holding the same
price types, products and purchase prices (20,000 products), then every retail
price, in one timing; ``chain_store_vs_snapshot`` is that rate over the
in-memory snapshot's (``chain_prices_per_s``) of the same run;
``peak_rss_mib_pricing`` the process's peak memory.
"""

from __future__ import annotations

import decimal
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from _timing import best_of, best_times, peak_rss_mib
from simpleeval import SimpleEval

from salescore.adapters.sqlite import SqliteStore
from salescore.app.pricing import load_snapshot
from salescore.money import Money, Rounding
from salescore.money._context import decimal_context
from salescore.parties import PriceGroupId, Product, ProductId
from salescore.pricing import (
    FormulaSchema,
    FunctionContext,
    PriceRecord,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
    RoundingRule,
    compile_formula,
)

FORMULA = "if([Purchase] > 1000, [Purchase] * 1.25, [Purchase] * 1.4 + 50) * 0.95"
SIMPLEEVAL_FORMULA = "(purchase * a if purchase > t else purchase * b + c) * d"
T, A, B, C, D = (Decimal(x) for x in ("1000", "1.25", "1.4", "50", "0.95"))


def hand_written(purchase: Decimal) -> Decimal:
    """The formula written by hand over the same Decimal constants."""
    return (purchase * A if purchase > T else purchase * B + C) * D


def formula_metrics() -> None:
    compiled = compile_formula(FORMULA, FormulaSchema(frozenset({"Purchase"})))
    function = compiled.function
    ctx = FunctionContext()
    no_params: tuple[Decimal, ...] = ()
    purchases = [Decimal(f"{i * 7 % 2000}.{i % 100:02d}") for i in range(2_000)]
    evaluator = SimpleEval(names={"a": A, "b": B, "c": C, "d": D, "t": T})
    parsed = evaluator.parse(SIMPLEEVAL_FORMULA)

    def run_compiled() -> None:
        for value in purchases:
            function((value,), no_params, ctx)

    def run_hand() -> None:
        for value in purchases:
            hand_written(value)

    def run_simpleeval() -> None:
        names = evaluator.names
        for value in purchases:
            names["purchase"] = value
            evaluator.eval(SIMPLEEVAL_FORMULA, previously_parsed=parsed)

    with decimal.localcontext(decimal_context()):
        for value in purchases[:50]:  # the three compute the same numbers
            evaluator.names["purchase"] = value
            expected = hand_written(value)
            assert function((value,), no_params, ctx) == expected
            assert evaluator.eval(SIMPLEEVAL_FORMULA, previously_parsed=parsed) == expected
        compiled_s, hand_s, simple_s = best_times(
            [run_compiled, run_hand, run_simpleeval], rounds=9
        )
    evaluations = len(purchases)
    print(f"metric formula_evals_per_s {evaluations / compiled_s:.0f}")
    print(f"metric hand_written_evals_per_s {evaluations / hand_s:.0f}")
    print(f"metric simpleeval_evals_per_s {evaluations / simple_s:.0f}")
    print(f"metric formula_slowdown_vs_python {compiled_s / hand_s:.2f}")
    print(f"metric formula_speedup_vs_simpleeval {simple_s / compiled_s:.1f}")


def chain_metrics(count: int = 100_000, stored: int = 20_000) -> None:
    on = date(2026, 3, 2)
    machines = PriceGroupId("MACHINES")
    types = [
        PriceType(PriceTypeId("PURCHASE"), "Purchase", "RUB", vat_included=False),
        PriceType(PriceTypeId("WHOLESALE"), "Wholesale", "RUB", formula="[Purchase] * 1.25"),
        PriceType(
            PriceTypeId("RETAIL"),
            "Retail",
            "RUB",
            formula="[Wholesale] * 1.3",
            group_formulas={
                machines: "if([Wholesale] > 20000, [Wholesale] * 1.15, [Wholesale] * 1.2)"
            },
            rounding=RoundingRule(Decimal(1), Rounding.CEILING, Decimal("0.99")),
        ),
    ]
    products = [
        Product(ProductId(f"P{i:06d}"), f"Product {i}", price_group_id=machines if i % 3 else None)
        for i in range(count)
    ]
    records = [
        PriceRecord(
            PriceTypeId("PURCHASE"),
            p.id,
            date(2026, 1, 1 + i % 28),
            Money(Decimal(100 + i % 30_000) + Decimal(i % 100) / 100, "RUB"),
        )
        for i, p in enumerate(products)
    ]
    start = time.perf_counter()
    snapshot = PricingSnapshot.build(types, on, records=records, products=products)
    build_s = time.perf_counter() - start
    retail = PriceTypeId("RETAIL")
    prices: dict[ProductId, Money] = {}

    def run() -> None:
        prices.update(snapshot.prices(retail))

    chain_s = best_of(run, rounds=3)
    assert len(prices) == count
    sample = products[7].id
    assert prices[sample] == snapshot.price(sample, retail).amount
    print(f"metric chain_prices_per_s {count / chain_s:.0f}")
    print(f"metric chain_snapshot_build_s {build_s:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "prices.sqlite")
        with store.unit_of_work() as uow:
            for price_type in types:
                uow.price_types.add(price_type)
            for product, record in zip(products[:stored], records[:stored], strict=True):
                uow.products.add(product)
                uow.price_register.register(record)
            uow.commit()
        from_store: dict[ProductId, Money] = {}

        def run_from_store() -> None:
            with store.unit_of_work(immediate=False) as uow:
                from_store.update(load_snapshot(uow, on).prices(retail))

        store_s = best_of(run_from_store, rounds=3)
        store.close()
    assert len(from_store) == stored
    assert from_store[sample] == prices[sample]
    print(f"metric chain_store_prices_per_s {stored / store_s:.0f}")
    print(f"metric chain_store_vs_snapshot {(stored / store_s) / (count / chain_s):.2f}")


def main() -> None:
    formula_metrics()
    chain_metrics()
    print(f"metric peak_rss_mib_pricing {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
