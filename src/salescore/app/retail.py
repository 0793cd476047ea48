"""Retail use cases: the cashier's workplace (:class:`CashierDesk`) and the outlet's back office.

A :class:`CashierDesk` is one workplace of an outlet with its fiscal
register. It opens the cash shift (the register's "open shift"), sells,
takes returns within the shift, prints X reports, closes the shift with a Z
report and the retail sales report, and hands the takings over to the
company cash desk.

A sale is recorded in three steps so that the receipt, its stock move and
its fiscal document go together or not at all:

1. one unit of work stores the receipt as *pending* and writes off its goods
   from the store (a sale of more than is free is refused here, inside the
   storage transaction: two workplaces selling the last unit cannot both get
   it, and the loser is told before anything is printed);
2. the register makes the receipt fiscal through its journal, exactly once
   per receipt id (:class:`salescore.hardware.FiscalJournal`);
3. a second unit of work marks the receipt fiscal with its document number.

If the register makes nothing fiscal (the error's ``outcome`` is
``cancelled``), the receipt is cancelled and its goods go back to stock. If
the outcome is unknown (contact lost after "close"), the receipt stays
pending: :meth:`CashierDesk.settle_pending` repeats the same receipt, and the
journal and the fiscal storage decide, so it is never printed twice. A
shift with pending receipts cannot be closed.

The other use cases: :func:`save_outlet`, :func:`issue_card`,
:func:`upload_product_table` and :func:`load_offline_sales` (G3),
:func:`record_manual_sales` (G6), :func:`import_sales_history` and
:func:`analyse_sales` (G7, G8), :func:`analyse_loyalty` (H5).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from salescore.adapters.repositories import Repositories
from salescore.adapters.stores import Store
from salescore.app.discount_rules import load_rule_set
from salescore.app.pricing import load_snapshot
from salescore.discounts import ConditionRegistry, DiscountEngine
from salescore.discounts.sale import SaleContext, SaleLine
from salescore.errors import (
    CashShiftError,
    ConflictError,
    DeviceError,
    InsufficientStockError,
    LoyaltyCardError,
    RetailError,
    RetailImportError,
    SalescoreError,
)
from salescore.hardware.codes.gs1 import parse_marking_code
from salescore.hardware.codes.weight import EmbeddedLayout, decode_embedded
from salescore.hardware.fiscal import (
    MeasureUnit,
    Payment,
    PaymentType,
    Receipt,
    ReceiptOutcome,
    ShiftState,
)
from salescore.hardware.fiscal import ReceiptKind as FiscalKind
from salescore.hardware.fiscal import ReceiptLine as FiscalLine
from salescore.hardware.kinds import FiscalRegister
from salescore.money import Currency, Money, Quantity, to_decimal, total
from salescore.parties import Product, ProductId, WarehouseId
from salescore.ports import Clock
from salescore.reservation import Bucket, Move, Operation
from salescore.retail import (
    CardKind,
    CashShift,
    LoyaltyCard,
    LoyaltyReport,
    OfflineProductTable,
    OfflineSale,
    Outlet,
    OutletId,
    OutletMode,
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptStatus,
    RegisterTotals,
    ReportSource,
    RetailAnalysis,
    RetailPayment,
    RetailReceipt,
    RetailSalesReport,
    TakingsHandover,
    card_turnover,
    cash_in_drawer,
    compose_lines,
    compose_return,
    loyalty_report,
    manual_receipt,
    offline_receipt,
    parse_sales_csv,
    product_table,
    retail_analysis,
    sales_report,
)
from salescore.retail._exact import exact
from salescore.tax import VatRate, VatRateTable, russian_vat_rates

__all__ = [
    "CashierDesk",
    "RetailCatalogue",
    "Scan",
    "analyse_loyalty",
    "analyse_sales",
    "hand_over_report_takings",
    "import_sales_history",
    "issue_card",
    "load_offline_sales",
    "record_manual_sales",
    "save_outlet",
    "to_fiscal",
    "upload_product_table",
]


_MEASURES = {"kg": MeasureUnit.KILOGRAM, "l": MeasureUnit.LITER}
_rate = functools.lru_cache(maxsize=64)(VatRate.parse)
_PAYMENT_TYPES = {PaymentKind.CASH: PaymentType.CASH, PaymentKind.CARD: PaymentType.ELECTRONIC}


def to_fiscal(receipt: RetailReceipt) -> Receipt:
    """The receipt as a fiscal register takes it.

    The receipt discount is already spread into the lines, so each fiscal line
    carries its whole discount and the fiscal receipt none: the register prints
    exactly the sums salescore computed. A return is a return of income
    [возврат прихода].
    """
    lines = tuple(
        FiscalLine(
            x.name,
            x.quantity.value,
            x.unit_price.amount,
            _rate(x.vat_rate),
            discount=x.all_discounts.amount,
            unit=_MEASURES.get(x.quantity.unit.code, MeasureUnit.PIECE),
        )
        for x in receipt.lines
    )
    return Receipt(
        receipt.id,
        FiscalKind.SALE if receipt.kind is ReceiptKind.SALE else FiscalKind.SALE_RETURN,
        lines,
        tuple(Payment(_PAYMENT_TYPES[p.kind], p.amount.amount) for p in receipt.payments),
        cashier=receipt.cashier,
    )


# --- the outlet -------------------------------------------------------------------------


def save_outlet(uow: Repositories, outlet: Outlet) -> None:
    """Save an outlet after checking its store warehouse and retail price type.

    Raises:
        NotFoundError: the warehouse or the price type does not exist.
        RetailError: the warehouse is not a store, or the price type does not
            include VAT (a receipt shows prices with VAT).
    """
    warehouse = uow.warehouses.get(outlet.warehouse_id)
    if not warehouse.is_store:
        raise RetailError(
            f"outlet {outlet.id!r}: warehouse {warehouse.id!r} is not a store "
            "(Warehouse.is_store); sell from a store warehouse",
            outlet=outlet.id,
        )
    price_type = uow.price_types.get(outlet.price_type_id)
    if not price_type.vat_included:
        raise RetailError(
            f"outlet {outlet.id!r}: price type {price_type.id!r} excludes VAT; a retail "
            "price type must include it",
            outlet=outlet.id,
        )
    uow.outlets.save(outlet)


def issue_card(uow: Repositories, card: LoyaltyCard) -> None:
    """Issue a loyalty card.

    Raises:
        NotFoundError: its kind does not exist.
        LoyaltyCardError: the number or the barcode is already issued.
    """
    uow.card_kinds.get(card.kind_id)
    taken = uow.loyalty_cards.find(card.id) or next(
        iter(uow.loyalty_cards.find_by("barcode", card.barcode)), None
    )
    if taken is not None:
        raise LoyaltyCardError(
            f"card number {card.id!r} or barcode {card.barcode!r} is already issued "
            f"(card {taken.id!r})",
            card=card.id,
        )
    uow.loyalty_cards.add(card)


# --- the catalogue a desk sells from --------------------------------------------------------


@attrs.frozen
class Scan:
    """What the cashier scans or keys in.

    Attributes:
        code: a product id, a barcode, a weight barcode or a marking code.
        quantity: how much (``None``: one unit, or the weight in the barcode).
    """

    code: str
    quantity: Decimal | None = None


class RetailCatalogue:
    """The products an outlet sells on one day, with their retail prices.

    Loaded once per day (a snapshot of the outlet's price type): a scan is a
    dictionary lookup. A product is found by id, by its ``barcode`` or
    ``gtin`` attribute, by its ``plu`` attribute in a weight barcode of the
    ``weight_layout``, or by the GTIN of a marking code.
    """

    def __init__(
        self,
        outlet: Outlet,
        on: date,
        products: Iterable[Product],
        prices: Mapping[ProductId, Money],
        weight_layout: EmbeddedLayout | None = None,
        segments: Mapping[ProductId, frozenset[str]] | None = None,
    ) -> None:
        self.outlet = outlet
        self.segments = dict(segments or {})
        self.on = on
        self.products = {p.id: p for p in products}
        self.prices = dict(prices)
        self.weight_layout = weight_layout
        self._codes: dict[str, ProductId] = {}
        self._plu: dict[str, ProductId] = {}
        for p in self.products.values():
            for key in ("barcode", "gtin"):
                if p.attributes.get(key):
                    self._codes[p.attributes[key]] = p.id
            if p.attributes.get("plu"):
                self._plu[p.attributes["plu"]] = p.id

    @classmethod
    def load(
        cls,
        uow: Repositories,
        outlet: Outlet,
        on: date,
        *,
        vat_rates: VatRateTable | None = None,
        weight_layout: EmbeddedLayout | None = None,
    ) -> RetailCatalogue:
        """The catalogue of ``outlet`` on ``on``, priced by its retail price type.

        Raises:
            RetailError: the price type excludes VAT.
        """
        snapshot = load_snapshot(
            uow, on, price_type_ids=[outlet.price_type_id], vat_rates=vat_rates
        )
        if not snapshot.price_type(outlet.price_type_id).vat_included:
            raise RetailError(
                f"outlet {outlet.id!r}: price type {outlet.price_type_id!r} excludes VAT; a "
                "retail price type must include it",
                outlet=outlet.id,
            )
        prices = snapshot.prices(outlet.price_type_id)
        products = uow.products.all()
        segments = uow.nomenclature_segments.all()
        return cls(
            outlet,
            on,
            products,
            prices,
            weight_layout,
            {p.id: frozenset(s.id for s in segments if s.contains(p)) for p in products},
        )

    def _product(self, product_id: ProductId, code: str) -> Product:
        product = self.products.get(product_id)
        if product is None:
            raise RetailError(
                f"{code!r} is no product of the catalogue: check the barcode or key the product",
                code=code,
            )
        return product

    def resolve(self, scan: Scan) -> tuple[Product, Quantity, Money, str]:
        """The product, quantity, retail price and marking code of ``scan``.

        Raises:
            RetailError: an unknown code, a quantity not above zero, or a product
                without a price at the outlet.
        """
        code = scan.code.strip()
        marking = ""
        quantity = scan.quantity
        if quantity is not None and to_decimal(quantity, f"scan {code!r}: quantity") <= 0:
            raise RetailError(
                f"scan {code!r}: quantity {quantity} is not above zero; key how much is sold "
                "(a return is a return receipt)",
                code=code,
            )
        product_id = self._codes.get(code) or (ProductId(code) if code in self.products else None)
        if product_id is None and self.weight_layout is not None and len(code) == 13:
            try:
                embedded = decode_embedded(code, self.weight_layout)
            except SalescoreError:
                embedded = None
            if embedded is not None and embedded.item in self._plu:
                if embedded.weight is None:
                    raise RetailError(
                        f"{code!r} carries a price, not a weight: the desk reads weight "
                        "barcodes only; key the product and its quantity instead",
                        code=code,
                    )
                product_id = self._plu[embedded.item]
                quantity = embedded.weight if quantity is None else quantity
        if product_id is None and (code.startswith("01") and len(code) > 24):
            parsed = parse_marking_code(code)
            product_id = self._codes.get(parsed.gtin) or self._codes.get(parsed.gtin[1:])
            marking = code
        product = self._product(product_id or ProductId(code), code)
        price = self.prices.get(product.id)
        if price is None:
            raise RetailError(
                f"product {product.id!r} has no price of type {self.outlet.price_type_id!r} on "
                f"{self.on}: register a retail price before selling it",
                product=product.id,
            )
        return (
            product,
            Quantity(quantity if quantity is not None else 1, product.unit),
            price,
            marking,
        )


def _number_in(shift: CashShift, receipt_id: str) -> int:
    """The running number of a receipt id the desk gave (``<shift>/R7`` is 7), else 0."""
    head, _, tail = receipt_id.rpartition("/")
    if head != shift.id or not tail[1:].isdigit():
        return 0
    return int(tail[1:])


def _last_number(shift: CashShift, receipts: Iterable[RetailReceipt]) -> int:
    """The highest running number among ``receipts`` of ``shift``."""
    return max((_number_in(shift, r.id) for r in receipts), default=0)


def _engine(uow: Repositories, registry: ConditionRegistry | None) -> DiscountEngine | None:
    rules = load_rule_set(uow)
    if not rules.groups:
        return None
    return DiscountEngine.compile(rules, ConditionRegistry.installed(registry))


# --- the cashier's desk -------------------------------------------------------------------


def _sum_moves(lines: Iterable[tuple[ProductId, Quantity]]) -> dict[ProductId, Quantity]:
    merged: dict[ProductId, Quantity] = {}
    for pid, quantity in lines:
        merged[pid] = merged[pid] + quantity if pid in merged else quantity
    return merged


class CashierDesk:
    """One cashier's workplace of an automated outlet: its shift, receipts and register.

    Args:
        store: where outlets, shifts, receipts and stock are kept.
        outlet_id, workplace_id: the workplace.
        register: its fiscal register (``connect_fiscal(workplace.register, journal)``).
        clock: the time of each operation.
        cashier: who works at the desk.
        vat_rates: the VAT table (the Russian one by default).
        registry: the discount conditions (the installed ones by default).
        weight_layout: the shop's weight-barcode layout, if it sells by weight.
        track_stock: write the goods off the store (and refuse a sale above
            free stock); False for an outlet that keeps no stock in salescore.

    Raises:
        NotFoundError: no such outlet.
        RetailError: the outlet is not automated, or has no such workplace.
    """

    def __init__(
        self,
        store: Store,
        outlet_id: str,
        workplace_id: str,
        register: FiscalRegister,
        *,
        clock: Clock,
        cashier: str = "",
        vat_rates: VatRateTable | None = None,
        registry: ConditionRegistry | None = None,
        weight_layout: EmbeddedLayout | None = None,
        track_stock: bool = True,
    ) -> None:
        self.store = store
        self.register = register
        self.clock = clock
        self.cashier = cashier
        self.vat_rates = vat_rates or russian_vat_rates()
        self.weight_layout = weight_layout
        self.track_stock = track_stock
        self._registry = registry
        with store.unit_of_work(read_only=True) as uow:
            self.outlet = uow.outlets.get(OutletId(outlet_id))
            self._engine = _engine(uow, registry)
            open_shifts = [
                s
                for s in uow.cash_shifts.find_by("workplace_id", workplace_id)
                if s.outlet_id == outlet_id and s.is_open
            ]
            self._seq = (
                _last_number(
                    open_shifts[0], uow.retail_receipts.find_by("shift_id", open_shifts[0].id)
                )
                if open_shifts
                else 0
            )
        if self.outlet.mode is not OutletMode.AUTOMATED:
            raise RetailError(
                f"outlet {outlet_id!r} is {self.outlet.mode.value}: it has no cashier's desk",
                outlet=outlet_id,
            )
        self.workplace = self.outlet.workplace(workplace_id)
        self.currency = Currency.of(self.outlet.currency)
        self.shift: CashShift | None = open_shifts[0] if open_shifts else None
        self._catalogue: RetailCatalogue | None = None

    # --- shift --------------------------------------------------------------------------

    def _require_shift(self) -> CashShift:
        if self.shift is None or not self.shift.is_open:
            raise CashShiftError(
                f"no cash shift is open at {self.outlet.id}/{self.workplace.id}: open one first",
                outlet=self.outlet.id,
                workplace=self.workplace.id,
            )
        return self.shift

    def open_shift(self) -> CashShift:
        """Open the cash shift: the register's "open shift", then the shift record.

        A register whose shift is already open (after a restart) is adopted.

        Raises:
            CashShiftError: a shift is already open at this workplace.
            DeviceError: the register refused.
        """
        if self.shift is not None and self.shift.is_open:
            raise CashShiftError(
                f"shift {self.shift.id!r} is already open at {self.outlet.id}/"
                f"{self.workplace.id}: close it before opening another",
                shift=self.shift.id,
            )
        with self.store.unit_of_work(read_only=True) as uow:
            self._refuse_a_second_shift(uow)
        status = self.register.get_current_status()
        if status.shift_state is ShiftState.CLOSED:
            opened = self.register.open_shift()
            number, document = opened.shift_number, opened.document_number
        else:
            number, document = status.shift_number, None
        now = self.clock.now()
        shift = CashShift(
            f"{self.outlet.id}/{self.workplace.id}/{now:%Y%m%d%H%M%S}/{number}",
            self.outlet.id,
            self.workplace.id,
            now,
            self.cashier,
            number,
            document,
            currency=self.outlet.currency,
        )
        with self.store.unit_of_work() as uow:
            self._refuse_a_second_shift(uow)
            uow.cash_shifts.add(shift)
            uow.commit()
        self.shift, self._seq = shift, 0
        return shift

    def _refuse_a_second_shift(self, uow: Repositories) -> None:
        for other in uow.cash_shifts.find_by("workplace_id", self.workplace.id):
            if other.outlet_id == self.outlet.id and other.is_open:
                raise CashShiftError(
                    f"shift {other.id!r} is already open at {self.outlet.id}/"
                    f"{self.workplace.id} (another desk of this workplace opened it): close "
                    "it before opening another",
                    shift=other.id,
                )

    def catalogue(self) -> RetailCatalogue:
        """Today's catalogue (loaded once a day)."""
        today = self.clock.now().date()
        if self._catalogue is None or self._catalogue.on != today:
            with self.store.unit_of_work(read_only=True) as uow:
                self._catalogue = RetailCatalogue.load(
                    uow,
                    self.outlet,
                    today,
                    vat_rates=self.vat_rates,
                    weight_layout=self.weight_layout,
                )
        return self._catalogue

    # --- selling ------------------------------------------------------------------------

    def _card_tier(self, uow: Repositories, card: str, on: date) -> tuple[LoyaltyCard, str]:
        found = uow.loyalty_cards.find(card) or next(
            iter(uow.loyalty_cards.find_by("barcode", card)), None
        )
        if found is None:
            raise LoyaltyCardError(
                f"no loyalty card with number or barcode {card!r}: sell without it or issue it",
                card=card,
            )
        found.check(on)
        kind: CardKind = uow.card_kinds.get(found.kind_id)
        if not kind.tiers:
            return found, kind.id
        receipts = uow.retail_receipts.find_by("card_number", found.id)
        return found, kind.tier_for(card_turnover(receipts, found.id, *kind.window(on)))

    def _price(
        self,
        scans: Sequence[Scan],
        moment: datetime,
        tier: str | None,
        payment_form: str,
    ) -> list[PricedItem]:
        catalogue = self.catalogue()
        resolved = [catalogue.resolve(s) for s in scans]
        if self._engine is None:
            return [PricedItem(p, q, price, marking_code=m) for p, q, price, m in resolved]
        sale_lines = [
            SaleLine(str(n), p, q, price, catalogue.segments.get(p.id, frozenset()))
            for n, (p, q, price, _) in enumerate(resolved, start=1)
        ]
        context = SaleContext(
            moment,
            card_kind=tier,
            warehouse_id=self.outlet.warehouse_id,
            discount_scope=self.outlet.discount_scope,
            payment_form=payment_form,
        )
        result = self._engine.apply(sale_lines, context)
        return [
            PricedItem(p, q, price, d.discount, d.rule_ids, m)
            for (p, q, price, m), d in zip(resolved, result.lines, strict=True)
        ]

    def _moves(self, receipt: RetailReceipt, back: bool) -> list[Move]:
        warehouse = WarehouseId(self.outlet.warehouse_id)
        free, outside = Bucket.free(), Bucket.outside()
        merged = _sum_moves((x.product_id, x.quantity) for x in receipt.lines)
        return [
            Move(pid, warehouse, outside, free, q)
            if back
            else Move(pid, warehouse, free, outside, q)
            for pid, q in merged.items()
        ]

    def _record(
        self, made: RetailReceipt | Callable[[Repositories], RetailReceipt], back: bool
    ) -> RetailReceipt:
        """Step 1: the receipt (pending) and its stock move, in one unit of work.

        ``made`` is the receipt, or what makes it from the unit of work's figures (a
        return: what its sale has left to return is read in the same unit of work
        that stores it, so two workplaces never return the same goods twice).
        """
        shift = self._require_shift()
        with self.store.unit_of_work() as uow:
            receipt = made if isinstance(made, RetailReceipt) else made(uow)
            uow.cash_shifts.get(receipt.shift_id).require_open()
            uow.retail_receipts.add(receipt)
            if self.track_stock:
                operation = Operation.RETAIL_RETURN if back else Operation.RETAIL_SALE
                moves = self._moves(receipt, back)
                try:
                    uow.stock_ledger.record(moves, operation, receipt.id, receipt.at)
                except InsufficientStockError as exc:
                    details = {k: v for k, v in exc.details.items() if k != "receipt"}
                    raise InsufficientStockError(
                        f"receipt {receipt.id!r}: {details.get('product')} is short at the "
                        f"store: {details.get('asked')} asked, {details.get('free')} free "
                        "(another workplace may have sold it just now); nothing was sold or "
                        "printed: sell less or take the line off",
                        receipt=receipt.id,
                        **details,
                    ) from exc
            uow.commit()
        self._seq = max(self._seq, _number_in(shift, receipt.id))
        return receipt

    def _print(self, receipt: RetailReceipt) -> RetailReceipt:
        """Steps 2 and 3: make the receipt fiscal, then mark it so."""
        try:
            result = self.register.process_check(to_fiscal(receipt))
        except DeviceError as exc:
            if exc.details.get("outcome") is ReceiptOutcome.CANCELLED:
                self._cancel(receipt)
            raise
        except SalescoreError:  # refused before anything reached the device
            self._cancel(receipt)
            raise
        fiscal = attrs.evolve(
            receipt,
            status=ReceiptStatus.FISCAL,
            fiscal_document=result.document_number,
            fiscal_sign=result.fiscal_sign,
        )
        with self.store.unit_of_work() as uow:
            uow.retail_receipts.save(fiscal)
            uow.commit()
        return fiscal

    def _cancel(self, receipt: RetailReceipt) -> None:
        with self.store.unit_of_work() as uow:
            uow.retail_receipts.save(attrs.evolve(receipt, status=ReceiptStatus.CANCELLED))
            if self.track_stock:
                back = receipt.kind is ReceiptKind.SALE
                operation = Operation.RETAIL_RETURN if back else Operation.RETAIL_SALE
                uow.stock_ledger.record(
                    self._moves(receipt, back), operation, f"{receipt.id}/cancel", self.clock.now()
                )
            uow.commit()

    def _next_id(self, shift: CashShift, prefix: str) -> str:
        """The next receipt id of the shift; the number is taken only once the receipt
        is stored (:meth:`_record`), so a refused sale leaves no gap to collide with."""
        return f"{shift.id}/{prefix}{self._seq + 1}"

    def sell(
        self,
        scans: Sequence[Scan | str],
        payments: Sequence[RetailPayment] | Money,
        *,
        receipt_discount: Money | None = None,
        card: str | None = None,
        receipt_id: str | None = None,
    ) -> RetailReceipt:
        """Sell ``scans``: price, discount, VAT, stock write-off, fiscal receipt.

        Args:
            scans: what was scanned (a code alone is one unit).
            payments: the payments, or a sum of cash handed over.
            receipt_discount: a discount on the whole receipt.
            card: a loyalty card's number or barcode.
            receipt_id: the receipt's id (the next of the shift by default).

        Returns:
            The receipt, fiscal (with its document number).

        Raises:
            CashShiftError: no open shift.
            RetailError: an unknown code, payments that do not cover the total.
            LoyaltyCardError: the card cannot be used.
            InsufficientStockError: the store has less free stock than sold;
                nothing was recorded or printed.
            DeviceError: the register failed; its ``outcome`` says whether the
                receipt was cancelled (goods back in stock) or stays pending
                (:meth:`settle_pending`).
        """
        shift = self._require_shift()
        moment = self.clock.now()
        if isinstance(payments, Money):
            payments = [RetailPayment(PaymentKind.CASH, payments)]
        form = "card" if payments and all(p.kind is PaymentKind.CARD for p in payments) else "cash"
        card_id, tier = None, None
        if card is not None:
            with self.store.unit_of_work(read_only=True) as uow:
                found, tier = self._card_tier(uow, card, moment.date())
            card_id = found.id
        items = self._price(
            [Scan(s) if isinstance(s, str) else s for s in scans], moment, tier, form
        )
        lines = compose_lines(
            items, receipt_discount=receipt_discount, vat_rates=self.vat_rates, on=moment.date()
        )
        receipt = RetailReceipt(
            receipt_id or self._next_id(shift, "R"),
            ReceiptKind.SALE,
            self.outlet.id,
            self.workplace.id,
            shift.id,
            moment,
            lines,
            tuple(payments),
            cashier=self.cashier,
            card_number=card_id,
        )
        self._record(receipt, back=False)
        return self._print(receipt)

    def return_goods(
        self, sale_id: str, quantities: Mapping[int, Decimal | int], *, return_id: str | None = None
    ) -> RetailReceipt:
        """A buyer's return [возврат от розничного покупателя]: goods back to stock,
        money back, a return receipt printed in the open shift.

        The sale may be of this shift or of an earlier, closed one of the same
        outlet (the buyer comes back another day): the return mirrors the sale's
        prices, discounts and VAT rates, and counts in the open shift's report.

        Args:
            sale_id: the sale receipt.
            quantities: quantity to return by the sale's line number.

        Raises:
            CashShiftError: no open shift.
            RetailError: the sale is of another outlet, or more than is left to return.
        """
        shift = self._require_shift()
        wanted = {n: Decimal(q) for n, q in quantities.items()}
        at = self.clock.now()

        def compose(uow: Repositories) -> RetailReceipt:
            # The sale and its earlier returns are read where the return is stored (the
            # sale's receipt locked on a store that locks reads for writing).
            sale = uow.retail_receipts.get(sale_id)
            if sale.outlet_id != self.outlet.id:
                raise RetailError(
                    f"sale {sale_id!r} was made at outlet {sale.outlet_id!r}, not at "
                    f"{self.outlet.id!r}: return it where it was sold",
                    receipt=sale_id,
                )
            return compose_return(
                return_id or self._next_id(shift, "V"),
                sale,
                wanted,
                earlier=uow.retail_receipts.find_by("original_id", sale_id),
                shift_id=shift.id,
                at=at,
                cashier=self.cashier,
            )

        return self._print(self._record(compose, back=True))

    def pending(self) -> list[RetailReceipt]:
        """The open shift's receipts the register has not confirmed yet."""
        shift = self._require_shift()
        with self.store.unit_of_work(read_only=True) as uow:
            found = uow.retail_receipts.find_by("shift_id", shift.id)
        return [r for r in found if r.status is ReceiptStatus.PENDING]

    def settle_pending(self) -> list[RetailReceipt]:
        """Repeat each pending receipt at the register (the journal prints it at most once).

        Returns:
            The receipts settled (fiscal now); a receipt the register
            cancelled is cancelled and its goods are back in stock.

        Raises:
            DeviceError: the register is still unreachable; the receipts stay pending.
        """
        settled = []
        for receipt in self.pending():
            try:
                settled.append(self._print(receipt))
            except DeviceError as exc:
                if exc.details.get("outcome") is not ReceiptOutcome.CANCELLED:
                    raise
        return settled

    # --- reports, closing, takings ----------------------------------------------------------

    def _receipts(self, shift_id: str) -> list[RetailReceipt]:
        with self.store.unit_of_work(read_only=True) as uow:
            return uow.retail_receipts.find_by("shift_id", shift_id)

    def x_report(self) -> RetailSalesReport:
        """The X report: the open shift's figures so far (the register prints its own),
        reconciled with the receipts in the register's fiscal storage so far."""
        shift = self._require_shift()
        self.register.print_x_report()
        register = None
        receipts = self._receipts(shift.id)
        if shift.open_document is not None:
            last = self.register.get_current_status().last_document
            register = self.register_totals(shift.open_document + 1, last, receipts)
        return sales_report(
            f"{shift.id}/X",
            outlet_id=self.outlet.id,
            warehouse_id=self.outlet.warehouse_id,
            receipts=receipts,
            currency=self.outlet.currency,
            shift_id=shift.id,
            final=False,
            register=register,
        )

    @exact
    def register_totals(
        self, first: int, last: int, receipts: Sequence[RetailReceipt] = ()
    ) -> RegisterTotals:
        """The register's totals of fiscal documents ``first`` to ``last`` (receipts only),
        read from its fiscal storage.

        A document tells whether it is a sale or a return by its calculation type
        [признак расчета]; where the driver does not read it (ATOL's
        ``getFnDocument`` answer), the kind is that of the receipt in ``receipts``
        that got this document number, and a document no receipt got counts as a
        sale, so that it shows as a difference.
        """
        kinds = {r.fiscal_document: r.kind for r in receipts if r.fiscal_document is not None}
        sales = returns = Decimal("0.00")
        cash: Decimal | None = Decimal("0.00")
        card: Decimal | None = Decimal("0.00")
        count = 0
        for number in range(first, last + 1):
            info = self.register.find_document(number)
            if info is None or info.document_type != 3 or info.total is None:
                continue
            if info.calculation_type:
                sign = 1 if info.calculation_type == 1 else -1
            else:
                sign = -1 if kinds.get(number) is ReceiptKind.RETURN else 1
            count += 1
            if sign > 0:
                sales += info.total
            else:
                returns += info.total
            if info.payments is None or cash is None or card is None:
                cash = card = None
                continue
            split = dict(info.payments)
            cash += sign * split.get(PaymentType.CASH.value, Decimal(0))
            card += sign * split.get(PaymentType.ELECTRONIC.value, Decimal(0))
        return RegisterTotals(sales, returns, cash, card, count)

    def close_shift(self) -> RetailSalesReport:
        """Close the shift with a Z report; the retail sales report, reconciled with the register.

        Raises:
            CashShiftError: no open shift, or receipts still pending (settle them first).
            DeviceError: the register refused the Z report (the shift stays open).
        """
        shift = self._require_shift()
        waiting = self.pending()
        if waiting:
            raise CashShiftError(
                f"shift {shift.id!r} has {len(waiting)} receipt(s) the register has not "
                f"confirmed ({', '.join(r.id for r in waiting)}): settle_pending() first",
                shift=shift.id,
            )
        z = self.register.close_shift()
        receipts = self._receipts(shift.id)
        register = None
        if shift.open_document is not None:
            register = self.register_totals(
                shift.open_document + 1, z.document_number - 1, receipts
            )
        report = sales_report(
            f"{shift.id}/Z",
            outlet_id=self.outlet.id,
            warehouse_id=self.outlet.warehouse_id,
            receipts=receipts,
            currency=self.outlet.currency,
            shift_id=shift.id,
            register=register,
        )
        closed = shift.closed(self.clock.now(), z.document_number)
        with self.store.unit_of_work() as uow:
            uow.cash_shifts.save(closed)
            uow.retail_reports.save(report)
            uow.commit()
        self.shift = closed
        return report

    def hand_over_takings(
        self, amount: Money | None = None, *, cash_desk: str = "main", shift_id: str | None = None
    ) -> TakingsHandover:
        """Hand cash over to the company cash desk [сдача выручки].

        While the shift is open the register records a cash withdrawal
        [выемка]; after the Z report the hand-over is the company's document
        only.

        Args:
            amount: the cash handed over (all the drawer holds by default).
            cash_desk: the company cash desk that takes it.
            shift_id: the shift (this desk's current or last one by default).

        Raises:
            CashShiftError: no shift, or more than the drawer holds.
        """
        shift = self.shift if shift_id is None else None
        with self.store.unit_of_work(read_only=True) as uow:
            if shift is None:
                if shift_id is None:
                    raise CashShiftError("no shift at this desk yet: open one first")
                shift = uow.cash_shifts.get(shift_id)
            receipts = uow.retail_receipts.find_by("shift_id", shift.id)
            earlier = uow.takings.find_by("shift_id", shift.id)
        drawer = cash_in_drawer(receipts, earlier, self.outlet.currency)
        amount = drawer if amount is None else amount
        if amount.amount <= 0 or amount > drawer:
            raise CashShiftError(
                f"shift {shift.id!r}: cannot hand over {amount}; the drawer holds {drawer}",
                shift=shift.id,
                drawer=drawer,
            )
        document = None
        if shift.is_open:
            document = self.register.cash_in_outcome(-amount.amount)
        handover = TakingsHandover(
            f"{shift.id}/T{len(earlier) + 1}",
            shift.id,
            self.outlet.id,
            amount,
            self.clock.now(),
            cash_desk,
            document,
        )
        with self.store.unit_of_work() as uow:
            uow.takings.add(handover)
            uow.commit()
        return handover


# --- offline and non-automated outlets, history, analysis -----------------------------------


def upload_product_table(
    uow: Repositories, outlet_id: str, on: date, *, vat_rates: VatRateTable | None = None
) -> OfflineProductTable:
    """The product table to upload to an offline register of ``outlet_id`` (G3)."""
    outlet = uow.outlets.get(OutletId(outlet_id))
    catalogue = RetailCatalogue.load(uow, outlet, on, vat_rates=vat_rates)
    return product_table(
        outlet,
        list(catalogue.products.values()),
        catalogue.prices,
        vat_rates=vat_rates or russian_vat_rates(),
        on=on,
    )


def _write_off(uow: Repositories, outlet: Outlet, receipts: Iterable[RetailReceipt]) -> None:
    warehouse = WarehouseId(outlet.warehouse_id)
    for receipt in receipts:
        back = receipt.kind is ReceiptKind.RETURN
        moves = [
            Move(pid, warehouse, Bucket.outside(), Bucket.free(), q)
            if back
            else Move(pid, warehouse, Bucket.free(), Bucket.outside(), q)
            for pid, q in _sum_moves((x.product_id, x.quantity) for x in receipt.lines).items()
        ]
        operation = Operation.RETAIL_RETURN if back else Operation.RETAIL_SALE
        uow.stock_ledger.record(moves, operation, receipt.id, receipt.at)


def load_offline_sales(
    uow: Repositories,
    outlet_id: str,
    sales: Sequence[OfflineSale],
    *,
    report_id: str,
    vat_rates: VatRateTable | None = None,
    track_stock: bool = True,
) -> RetailSalesReport:
    """Load an offline register's sales back (G3): receipts, stock write-off, report.

    Idempotent: a sale already loaded (same outlet and sale id) is skipped, so
    loading the same file twice adds nothing; the report covers the sales
    new in this load. The caller commits the unit of work.

    Raises:
        RetailError: the outlet is not offline, or a sale is malformed.
        InsufficientStockError: the store lacks the goods sold (nothing is kept
            if the caller does not commit).
    """
    outlet = uow.outlets.get(OutletId(outlet_id))
    if outlet.mode is not OutletMode.OFFLINE:
        raise RetailError(
            f"outlet {outlet_id!r} is {outlet.mode.value}, not offline", outlet=outlet_id
        )
    ids = {ProductId(x.product_id) for s in sales for x in s.lines}
    products = {p.id: p for p in uow.products.find_many(ids)}
    rates = vat_rates or russian_vat_rates()
    new = []
    for sale in sales:
        receipt = offline_receipt(outlet, sale, products, vat_rates=rates, shift_id=report_id)
        if uow.retail_receipts.find(receipt.id) is None:
            uow.retail_receipts.add(receipt)
            new.append(receipt)
    if track_stock:
        _write_off(uow, outlet, new)
    report = sales_report(
        report_id,
        outlet_id=outlet.id,
        warehouse_id=outlet.warehouse_id,
        receipts=new,
        currency=outlet.currency,
        shift_id=report_id,
        source=ReportSource.OFFLINE,
    )
    if new:
        uow.retail_reports.save(report)
    return report


def record_manual_sales(
    uow: Repositories,
    outlet_id: str,
    sold: Mapping[str, Decimal],
    *,
    report_id: str,
    at: datetime,
    source: ReportSource = ReportSource.MANUAL,
    card: Money | None = None,
    vat_rates: VatRateTable | None = None,
    track_stock: bool = True,
) -> RetailSalesReport:
    """Record a non-automated outlet's sales (G6) at its retail prices on ``at``'s day.

    ``sold`` is a report entered by hand, or
    :func:`salescore.retail.sales_from_inventory` of two inventories (pass
    ``source=ReportSource.INVENTORY``). The goods are written off the store;
    the takings are the revenue (in cash, except ``card``), to be handed over
    with :func:`hand_over_report_takings`. The caller commits.

    Raises:
        RetailError: the outlet is automated, or a product has no retail price.
        ConflictError: a report with this id was already recorded.
    """
    outlet = uow.outlets.get(OutletId(outlet_id))
    if outlet.mode is not OutletMode.NON_AUTOMATED:
        raise RetailError(
            f"outlet {outlet_id!r} is {outlet.mode.value}, not non-automated", outlet=outlet_id
        )
    rates = vat_rates or russian_vat_rates()
    catalogue = RetailCatalogue.load(uow, outlet, at.date(), vat_rates=rates)
    receipt = manual_receipt(
        report_id, outlet, sold, catalogue.prices, catalogue.products, vat_rates=rates, at=at,
        card=card,
    )  # fmt: skip
    if uow.retail_receipts.find(receipt.id) is not None:
        raise ConflictError(f"report {report_id!r} is already recorded", id=report_id)
    uow.retail_receipts.add(receipt)
    if track_stock:
        _write_off(uow, outlet, [receipt])
    report = sales_report(
        report_id,
        outlet_id=outlet.id,
        warehouse_id=outlet.warehouse_id,
        receipts=[receipt],
        currency=outlet.currency,
        shift_id=report_id,
        source=source,
    )
    uow.retail_reports.save(report)
    return report


def hand_over_report_takings(
    uow: Repositories, report_id: str, at: datetime, *, cash_desk: str = "main"
) -> TakingsHandover:
    """Hand over the cash takings of a non-automated or offline report to the cash desk.

    Raises:
        NotFoundError: no such report.
        CashShiftError: its cash is already handed over.
    """
    report = uow.retail_reports.get(report_id)
    cash = report.paid_by(PaymentKind.CASH)
    earlier = uow.takings.find_by("shift_id", report_id)
    left = cash - total((h.amount for h in earlier), cash.currency)
    if left.amount <= 0:
        raise CashShiftError(f"report {report_id!r}: its takings are already handed over")
    handover = TakingsHandover(
        f"{report_id}/T{len(earlier) + 1}", report_id, report.outlet_id, left, at, cash_desk
    )
    uow.takings.add(handover)
    return handover


def import_sales_history(
    uow: Repositories,
    text: str,
    *,
    vat_rates: VatRateTable | None = None,
    currency: str = "RUB",
) -> list[RetailReceipt]:
    """Import retail sales made before go-live from CSV (G7); no stock moves.

    Every line is checked first; with any bad line nothing is imported.
    Receipts already imported are skipped, so importing the same file again
    adds nothing. The caller commits.

    Returns:
        The receipts imported now.

    Raises:
        RetailImportError: bad lines; ``error.issues`` names each by line number.
    """
    outlets = [o.id for o in uow.outlets.all()]
    products = {p.id: p for p in uow.products.all()}
    receipts, issues = parse_sales_csv(
        text,
        outlets=outlets,
        products=products,
        vat_rates=vat_rates or russian_vat_rates(),
        currency=currency,
    )
    if issues:
        listed = "\n".join(f"  {i}" for i in issues)
        raise RetailImportError(
            f"the retail sales file has {len(issues)} bad line(s); nothing was imported:\n{listed}",
            issues=tuple(issues),
        )
    new = [r for r in receipts if uow.retail_receipts.find(r.id) is None]
    for receipt in new:
        uow.retail_receipts.add(receipt)
    return new


def _in_period(receipt: RetailReceipt, start: date, end: date) -> bool:
    return start <= receipt.at.date() <= end


def analyse_sales(
    uow: Repositories,
    by: str,
    start: date,
    end: date,
    *,
    outlet_id: str | None = None,
    currency: str = "RUB",
) -> RetailAnalysis:
    """Retail sales from ``start`` to ``end`` grouped by outlet, product, period, weekday
    or hour (G8): revenue, receipts, average receipt, items per receipt, returns share."""
    receipts = (
        uow.retail_receipts.find_by("outlet_id", outlet_id)
        if outlet_id is not None
        else uow.retail_receipts.all()
    )
    return retail_analysis([r for r in receipts if _in_period(r, start, end)], by, currency)


def analyse_loyalty(uow: Repositories, start: date, end: date) -> LoyaltyReport:
    """Active cards, turnover per card and tier migration from ``start`` to ``end`` (H5)."""
    cards = uow.loyalty_cards.all()
    kinds = {k.id: k for k in uow.card_kinds.all()}
    receipts = [r for r in uow.retail_receipts.all() if r.card_number is not None]
    return loyalty_report(cards, kinds, receipts, start, end)
