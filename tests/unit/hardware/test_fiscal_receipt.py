"""Fiscal receipts: line sums, discounts and totals agree to the kopeck (hazard H5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.errors import InvalidAmountError, InvalidInputError
from salescore.hardware.fiscal import (
    Payment,
    PaymentType,
    Receipt,
    ReceiptKind,
    ReceiptLine,
)
from salescore.hardware.shtrih import codec
from salescore.hardware.shtrih.driver import ShtrihDriver
from salescore.hardware.shtrih.simulator import ShtrihDevice
from salescore.hardware.transport import pipe_pair

KOPECK = Decimal("0.01")

prices = st.integers(0, 10_000_000).map(lambda k: Decimal(k).scaleb(-2))
weights = st.integers(1, 100_000).map(lambda g: Decimal(g).scaleb(-3))


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    lines = []
    for i in range(draw(st.integers(1, 6))):
        line = ReceiptLine(f"item {i}", draw(weights), draw(prices))
        discount = draw(st.integers(0, int(line.gross / KOPECK)))
        lines.append(
            ReceiptLine(line.name, line.quantity, line.price, discount=Decimal(discount).scaleb(-2))
        )
    net = sum((line.amount for line in lines), Decimal("0.00"))
    receipt_discount = Decimal(draw(st.integers(0, int(net / KOPECK)))).scaleb(-2)
    total = net - receipt_discount
    payments = (Payment(PaymentType.CASH, total + Decimal("1.00")),)
    return Receipt("r", ReceiptKind.SALE, tuple(lines), payments, discount=receipt_discount)


@settings(max_examples=150)
@given(receipt=receipts())
def test_line_sums_less_discounts_equal_the_receipt_total(receipt: Receipt) -> None:
    lines = receipt.fiscal_lines()
    assert sum((line.gross - line.discount for line in lines), Decimal(0)) == receipt.total
    for line in lines:
        assert abs(line.gross - line.price * line.quantity) <= KOPECK  # the device's ±1 kopeck
        assert Decimal(0) <= line.discount <= line.gross


@settings(max_examples=100)
@given(receipt=receipts())
def test_the_device_model_computes_the_same_total_from_the_wire_integers(receipt: Receipt) -> None:
    device = ShtrihDevice(shift_open=True, shift_number=1)
    device.handle(codec.OpenReceipt(1, 0))
    for line in receipt.fiscal_lines():
        error, _ = device.handle(
            codec.Sale(
                1,
                codec.to_thousandths(line.quantity),
                codec.to_kopecks(line.price),
                1,
                (1, 0, 0, 0),
                line.name,
            )
        )
        assert error == 0
        if line.discount:
            assert (
                device.handle(codec.Discount(1, codec.to_kopecks(line.discount), (1, 0, 0, 0), ""))[
                    0
                ]
                == 0
            )
    assert device.document is not None
    assert codec.from_kopecks(device.document.total) == receipt.total


@given(receipt=receipts())
def test_the_receipt_discount_is_spread_without_losing_a_kopeck(receipt: Receipt) -> None:
    spread = sum(
        (
            a.discount - b.discount
            for a, b in zip(receipt.fiscal_lines(), receipt.lines, strict=True)
        ),
        Decimal(0),
    )
    assert spread == receipt.discount


def test_a_float_price_is_refused() -> None:
    with pytest.raises(InvalidAmountError, match="float"):
        ReceiptLine("x", Decimal(1), 1.5)  # type: ignore[arg-type]


def test_a_quantity_finer_than_a_gram_is_refused() -> None:
    with pytest.raises(InvalidAmountError, match="3 decimals"):
        ReceiptLine("x", Decimal("0.0005"), Decimal("1.00"))


def test_underpayment_is_refused_before_the_device() -> None:
    line = ReceiptLine("x", Decimal(1), Decimal("10.00"))
    with pytest.raises(InvalidAmountError, match="less than the total"):
        Receipt("r", ReceiptKind.SALE, (line,), (Payment(PaymentType.CASH, Decimal("9.99")),))


def test_card_payment_above_the_total_is_refused() -> None:
    line = ReceiptLine("x", Decimal(1), Decimal("10.00"))
    with pytest.raises(InvalidAmountError, match="only cash"):
        Receipt("r", ReceiptKind.SALE, (line,), (Payment(PaymentType.ELECTRONIC, Decimal("11")),))


def test_a_receipt_without_an_id_is_refused() -> None:
    line = ReceiptLine("x", Decimal(1), Decimal("10.00"))
    with pytest.raises(InvalidInputError, match="receipt_id"):
        Receipt("", ReceiptKind.SALE, (line,), (Payment(PaymentType.CASH, Decimal("10")),))


@st.composite
def paid_receipts(draw: st.DrawFn) -> Receipt:
    receipt = draw(receipts())
    card = Decimal(draw(st.integers(0, int(receipt.total / KOPECK)))).scaleb(-2)
    cash = receipt.total - card + Decimal(draw(st.integers(0, 50_000))).scaleb(-2)
    payments = tuple(
        Payment(kind, amount)
        for kind, amount in ((PaymentType.ELECTRONIC, card), (PaymentType.CASH, cash))
        if amount > 0
    )
    return Receipt("r", ReceiptKind.SALE, receipt.lines, payments, discount=receipt.discount)


@settings(max_examples=150)
@given(receipt=paid_receipts())
def test_the_payment_split_the_fiscal_storage_records_adds_up_to_the_total(
    receipt: Receipt,
) -> None:
    split = dict(receipt.payment_split())
    assert sum(split.values(), Decimal(0)) == receipt.total
    assert split.get("electronically", Decimal(0)) == receipt.payment_sum(PaymentType.ELECTRONIC)
    assert all(amount > 0 for amount in split.values())


@settings(max_examples=150)
@given(receipt=receipts())
def test_ffd_12_lines_keep_the_devices_one_kopeck_rule_or_are_refused(receipt: Receipt) -> None:
    host, _ = pipe_pair()
    driver = ShtrihDriver(host, MemoryFiscalJournal(), ffd="1.2")
    total = Decimal(0)
    for line in receipt.fiscal_lines():
        try:
            command = driver._operation_v2(receipt, line)
        except InvalidAmountError:
            assert line.discount  # only a folded discount can be inexpressible
            return
        price = codec.from_kopecks(command.price)
        amount = codec.from_kopecks(command.amount)
        assert abs(price * line.quantity - amount) <= KOPECK
        assert command.quantity == line.quantity * 1_000_000
        total += amount
    assert total == receipt.total
