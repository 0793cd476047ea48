"""Which orders give up their reserve first when a more urgent order takes it.

When an order reserves by taking from other orders without naming them, a
*donor policy* picks the donors and their order. The default,
:class:`LatestShipmentFirst`, is written out here so that a clerk can tell
why an order lost its goods:

1. Never the taker's own order; never a line supplied *separately*
   [обособленно] (such a reserve moves only when its order is named).
2. Never an order more important than the taker (higher ``priority``).
3. Only orders that ship strictly later than the taker, unless
   ``only_later_shipments`` is False.
4. Among the rest: the latest planned shipment gives first, then the newest
   order (latest order date), then the lower priority, then order and line
   id, so the choice never depends on storage order.

>>> from datetime import date
>>> from salescore.money import Quantity
>>> from salescore.parties import ProductId, WarehouseId
>>> from salescore.reservation.model import Holding, LineId, OrderId, ReserveClaim
>>> def claim(order, ships, ordered, priority=0):
...     return ReserveClaim(OrderId(order), LineId("1"), ProductId("CM-100"),
...         WarehouseId("MAIN"), Quantity(5), ships, ordered, priority)
>>> urgent = claim("SO-9", date(2026, 3, 2), date(2026, 3, 1))
>>> holders = [
...     Holding(claim("SO-1", date(2026, 3, 20), date(2026, 2, 1)), Quantity(5)),
...     Holding(claim("SO-2", date(2026, 3, 20), date(2026, 2, 5)), Quantity(5)),
...     Holding(claim("SO-3", date(2026, 3, 30), date(2026, 1, 5)), Quantity(5)),
...     Holding(claim("SO-4", date(2026, 3, 1), date(2026, 1, 5)), Quantity(5)),
...     Holding(claim("SO-5", date(2026, 4, 1), date(2026, 1, 5), priority=1), Quantity(5)),
... ]
>>> [h.claim.order_id for h in LatestShipmentFirst().rank(urgent, holders)]
['SO-3', 'SO-2', 'SO-1']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from salescore.reservation.model import Holding, ReserveClaim, SupplyOption

__all__ = ["DonorPolicy", "LatestShipmentFirst"]


class DonorPolicy(Protocol):
    """Chooses which reserves a taker may take, and in which order."""

    def rank(self, taker: ReserveClaim, holdings: Sequence[Holding]) -> list[Holding]:
        """The holdings that may give to ``taker``, the first to give first."""
        ...


@attrs.frozen
class LatestShipmentFirst:
    """The default donor policy (see the module text for the rules).

    Attributes:
        only_later_shipments: take only from orders shipping after the taker.
    """

    only_later_shipments: bool = True

    def is_eligible(self, taker: ReserveClaim, holding: Holding) -> bool:
        """True if ``holding`` may give reserve to ``taker`` under this policy."""
        donor = holding.claim
        return (
            donor.order_id != taker.order_id
            and donor.supply is not SupplyOption.SEPARATE
            and donor.priority <= taker.priority
            and (not self.only_later_shipments or donor.planned_shipment > taker.planned_shipment)
        )

    def rank(self, taker: ReserveClaim, holdings: Sequence[Holding]) -> list[Holding]:
        """The eligible holdings, latest shipment first, then newest order, lowest priority."""
        eligible = [h for h in holdings if self.is_eligible(taker, h)]
        return sorted(
            eligible,
            key=lambda h: (
                -h.claim.planned_shipment.toordinal(),
                -h.claim.order_date.toordinal(),
                h.claim.priority,
                h.claim.order_id,
                h.claim.line_id,
            ),
        )
