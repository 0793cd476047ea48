"""Loading the agreements that can apply to one partner, for in-memory resolution.

Resolution is pure (:mod:`salescore.agreements.resolution`); this module is
the only place that reads repositories for it. It loads the partner's
individual agreements, the typical agreements of every client segment the
partner belongs to (and those for every client), the bases of the individual
agreements, and the segments they name.
"""

from __future__ import annotations

from collections.abc import Iterable

from salescore.agreements.model import Agreement, AgreementId, AgreementKind
from salescore.agreements.ports import AgreementRepository
from salescore.agreements.resolution import AgreementBook
from salescore.parties import Partner
from salescore.parties.ports import ClientSegmentRepository, NomenclatureSegmentRepository

__all__ = ["load_book"]


def load_book(
    partner: Partner,
    agreements: AgreementRepository,
    client_segments: ClientSegmentRepository,
    nomenclature_segments: NomenclatureSegmentRepository,
    also: Iterable[AgreementId] = (),
) -> AgreementBook:
    """An :class:`AgreementBook` with every agreement that can apply to ``partner``.

    Closed and expired agreements are loaded too, so that the explanation
    can say why they were passed over. ``also`` names further agreements to
    load (an order's agreement, to check it even if it is another client's).

    Raises:
        NotFoundError: an agreement named in ``also`` or a base does not exist.
    """
    every_segment = client_segments.all()
    segments = [s for s in every_segment if s.contains(partner)]
    found: dict[str, Agreement] = {}
    for agreement in agreements.find_by("partner_id", partner.id):
        found[agreement.id] = agreement
    for segment_id in [s.id for s in segments] + [None]:
        # Typical ones only, filtered by the store: every individual agreement
        # of every client has no client segment.
        for agreement in agreements.find_by(
            "client_segment_id", segment_id, kind=AgreementKind.TYPICAL
        ):
            found[agreement.id] = agreement
    for agreement_id in also:
        found[agreement_id] = agreements.get(agreement_id)
    for agreement in list(found.values()):
        if agreement.base_id is not None and agreement.base_id not in found:
            found[agreement.base_id] = agreements.get(agreement.base_id)
    return AgreementBook(found.values(), every_segment, nomenclature_segments.all())
