"""Commission trade [комиссионная торговля]: goods sold through a commission agent.

* A **transfer** [передача на комиссию] moves goods from our warehouse to the
  agent's stock (:func:`agent_stock`): they stay ours, no debt arises. Its
  lines carry the price the agent sells at, with VAT at the rate of the
  transfer date (from the one VAT table).
* The agent's **sales report** [отчет комиссионера о продажах] lists what it
  sold of which transfer line: the goods leave the agent's stock, the agent
  owes the sales at the transfer lines' figures, less its **fee**
  [вознаграждение] — a percent of the sales or a fixed amount, kept back.
* A **return from the agent** [возврат от комиссионера] may come before the
  report (unsold goods: back from the agent's stock, no debt) or after it
  (sold goods a buyer brought back: back into our stock, the debt falls by
  their sales figures; the fee is not given back).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, NewType

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, total
from salescore.parties import PartnerId, ProductId, WarehouseId
from salescore.receivables import SettlementAccount
from salescore.shipments.model import _DocumentLine, share
from salescore.tax import VatRate, VatTotals

__all__ = [
    "AgentLine",
    "AgentReturn",
    "AgentReturnLine",
    "CommissionLine",
    "CommissionReport",
    "CommissionTransfer",
    "ReportLine",
    "TransferId",
    "agent_lines",
    "agent_stock",
    "mirrored_line",
]

TransferId = NewType("TransferId", str)


def agent_stock(agent: PartnerId | str) -> WarehouseId:
    """The stock place of goods at a commission agent (still ours)."""
    return WarehouseId(f"agent:{agent}")


def _quantity(value: object) -> Decimal:
    quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    if not quantity.is_finite() or quantity <= 0:
        raise ShipmentError(f"a quantity must be above zero, got {value!r}", value=str(value))
    return quantity


def _numbered(value: Iterable[Any]) -> tuple[Any, ...]:
    lines = tuple(value)
    if not lines:
        raise ShipmentError("a commission document has no lines: give at least one")
    if len({x.line_no for x in lines}) != len(lines):
        raise ShipmentError("a line number is used twice: give every line its own number")
    return lines


@attrs.frozen
class CommissionLine(_DocumentLine):
    """Goods handed to the agent: from our warehouse, at the price it sells at."""

    line_no: str
    product_id: ProductId
    warehouse_id: WarehouseId
    quantity: Decimal = attrs.field(converter=_quantity)
    net: Money = attrs.field(kw_only=True)
    vat_rate: VatRate = attrs.field(kw_only=True)
    vat_included: bool = attrs.field(default=True, kw_only=True)
    vat: Money = attrs.field(kw_only=True)

    @classmethod
    def priced(
        cls,
        line_no: str,
        product_id: ProductId,
        warehouse_id: WarehouseId,
        quantity: Decimal,
        unit_price: Money,
        vat_rate: VatRate,
    ) -> CommissionLine:
        """A line at ``unit_price`` with VAT included, VAT at ``vat_rate`` (take it from
        :class:`~salescore.tax.VatRateTable` on the transfer date)."""
        if not unit_price.is_positive():
            raise ShipmentError(f"commission line {line_no}: a price above zero, got {unit_price}")
        net = share(unit_price, Decimal(quantity), Decimal(1))
        return cls(
            line_no,
            product_id,
            warehouse_id,
            quantity,
            net=net,
            vat_rate=vat_rate,
            vat=vat_rate.vat_of(net, included=True),
        )


class _AgentDocument(VatTotals):
    __slots__ = ()
    account: SettlementAccount

    @property
    def party_id(self) -> str:
        """The agent."""
        return self.account.partner_id

    @property
    def currency(self) -> Currency:
        """The settlement currency."""
        return self.account.currency


@attrs.frozen
class CommissionTransfer(_AgentDocument):
    """A transfer of goods to a commission agent [передача на комиссию]."""

    id: TransferId
    account: SettlementAccount
    on: date
    lines: tuple[CommissionLine, ...] = attrs.field(converter=_numbered)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def vat_lines(self) -> tuple[CommissionLine, ...]:
        """The lines the VAT totals add up."""
        return self.lines

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """Found as the "shipment" of its reports and returns."""
        return (("", self.id),)

    def line(self, line_no: str) -> CommissionLine:
        """The line ``line_no``."""
        for x in self.lines:
            if x.line_no == line_no:
                return x
        raise ShipmentError(f"transfer {self.id!r} has no line {line_no!r}", transfer=self.id)


@attrs.frozen
class ReportLine(_DocumentLine):
    """Goods of a transfer line the agent sold, at that line's figures."""

    line_no: str
    transfer_id: TransferId
    transfer_line_no: str
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=_quantity)
    net: Money = attrs.field(kw_only=True)
    vat_rate: VatRate = attrs.field(kw_only=True)
    vat_included: bool = attrs.field(kw_only=True)
    vat: Money = attrs.field(kw_only=True)
    buyer: str = attrs.field(default="", kw_only=True)


@attrs.frozen
class CommissionReport(_AgentDocument):
    """The agent's sales report [отчет комиссионера о продажах] with its fee."""

    id: str
    account: SettlementAccount
    on: date
    lines: tuple[ReportLine, ...] = attrs.field(converter=_numbered)
    fee: Money = attrs.field(kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def vat_lines(self) -> tuple[ReportLine, ...]:
        """The lines the VAT totals add up."""
        return self.lines

    def __attrs_post_init__(self) -> None:
        if self.fee.is_negative() or self.fee > self.with_vat:
            raise ShipmentError(
                f"report {self.id!r}: the fee {self.fee} must be between zero and the sales "
                f"{self.with_vat}",
                report=self.id,
            )

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """(report, transfer) pairs."""
        return tuple(dict.fromkeys((self.id, x.transfer_id) for x in self.lines))

    @property
    def owed(self) -> Money:
        """What the agent owes: the sales with VAT less the fee."""
        return self.with_vat - self.fee

    def explain(self) -> Explanation:
        """Sales, fee and what the agent owes."""
        return Explanation(
            f"commission report {self.id} of {self.on.isoformat()}",
            (
                Step("sales with VAT", str(self.with_vat), f"VAT {self.vat}"),
                Step("agent's fee", str(self.fee)),
                Step("owed by the agent", str(self.owed)),
            ),
        )


@attrs.frozen
class AgentReturnLine(_DocumentLine):
    """Goods of a transfer line back from the agent: unsold, or sold and returned."""

    line_no: str
    transfer_id: TransferId
    transfer_line_no: str
    product_id: ProductId
    warehouse_id: WarehouseId
    quantity: Decimal = attrs.field(converter=_quantity)
    sold: bool = attrs.field(kw_only=True)
    net: Money = attrs.field(kw_only=True)
    vat_rate: VatRate = attrs.field(kw_only=True)
    vat_included: bool = attrs.field(kw_only=True)
    vat: Money = attrs.field(kw_only=True)


@attrs.frozen
class AgentReturn(_AgentDocument):
    """A return from a commission agent [возврат от комиссионера]; ``request_id``: the
    agent's return request it executes, if any."""

    id: str
    account: SettlementAccount
    on: date
    lines: tuple[AgentReturnLine, ...] = attrs.field(converter=_numbered)
    request_id: str | None = attrs.field(default=None, kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def vat_lines(self) -> tuple[AgentReturnLine, ...]:
        """The lines the VAT totals add up."""
        return self.lines

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """("", transfer) pairs."""
        return tuple(dict.fromkeys(("", x.transfer_id) for x in self.lines))

    @property
    def debt_change(self) -> Money:
        """What the agent's debt falls by: the sold goods that came back, with VAT."""
        return total((x.with_vat for x in self.lines if x.sold), self.currency)


@attrs.frozen
class AgentLine:
    """Where the goods of one transfer line are."""

    transferred: Decimal
    sold: Decimal = Decimal(0)
    returned_unsold: Decimal = Decimal(0)
    returned_sold: Decimal = Decimal(0)
    sold_net: Money | None = None
    sold_vat: Money | None = None
    back_net: Money | None = None
    back_vat: Money | None = None

    @property
    def at_agent(self) -> Decimal:
        """Still at the agent, unsold."""
        return self.transferred - self.sold - self.returned_unsold


def _plus(a: Money | None, b: Money) -> Money:
    return b if a is None else a + b


def agent_lines(
    transfer: CommissionTransfer,
    reports: Iterable[CommissionReport] = (),
    returns: Iterable[AgentReturn] = (),
) -> dict[str, AgentLine]:
    """Per transfer line number: transferred, sold, and returned before or after sale."""
    found = {x.line_no: AgentLine(x.quantity) for x in transfer.lines}
    for report in reports:
        for r in report.lines:
            if r.transfer_id == transfer.id:
                was = found[r.transfer_line_no]
                found[r.transfer_line_no] = attrs.evolve(
                    was,
                    sold=was.sold + r.quantity,
                    sold_net=_plus(was.sold_net, r.net),
                    sold_vat=_plus(was.sold_vat, r.vat),
                )
    for document in returns:
        for b in document.lines:
            if b.transfer_id != transfer.id:
                continue
            was = found[b.transfer_line_no]
            if b.sold:
                found[b.transfer_line_no] = attrs.evolve(
                    was,
                    returned_sold=was.returned_sold + b.quantity,
                    back_net=_plus(was.back_net, b.net),
                    back_vat=_plus(was.back_vat, b.vat),
                )
            else:
                found[b.transfer_line_no] = attrs.evolve(
                    was, returned_unsold=was.returned_unsold + b.quantity
                )
    return found


def mirrored_line(
    transfer: CommissionTransfer, transfer_line_no: str, quantity: Decimal
) -> tuple[Money, Money]:
    """Net and VAT of ``quantity`` of a transfer line: its share, half up."""
    line = transfer.line(transfer_line_no)
    return share(line.net, quantity, line.quantity), share(line.vat, quantity, line.quantity)
