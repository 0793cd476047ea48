"""Which agreement's terms apply to a sale, and why.

Resolution is a pure function over agreements already loaded from storage:
an :class:`AgreementBook` holds the candidates and the segments they name,
and :meth:`AgreementBook.resolve` picks the one agreement that applies to a
:class:`TermsQuery` (partner, date, product or nomenclature segment,
counterparty, organization).

Precedence, in this order:

1. Only an agreement that is **active** and **valid on the date** applies;
   an individual agreement applies only while its base typical agreement is
   active and valid too (it inherits terms from it).
2. It must be for the client: an individual agreement for this partner, or a
   typical agreement whose client segment contains the partner (a typical
   agreement without a client segment is for every client).
3. It must cover the product: an agreement with a nomenclature segment
   applies only to products of that segment; one without covers every product.
4. A fixed counterparty or organization must match the query's, when the
   query names one.
5. Among those, the most specific wins: **individual over typical**, then a
   **nomenclature segment over none** (the narrower product range), then a
   fixed counterparty over none, then a client segment over "every client".
6. Two equally specific candidates are an :class:`AmbiguousAgreementError`
   that names both; resolution never picks silently.

A query that names its agreement (``agreement_id``, as an order does) skips
the ranking: resolution checks rules 1–4 for that agreement only.

The result, :class:`ResolvedTerms`, carries the effective terms, the source
of every term and an :class:`~salescore.explain.Explanation`.

>>> from datetime import date
>>> from salescore.parties import Partner, PartnerId, ClientSegment, Criterion, WarehouseId
>>> from salescore.agreements.model import (Agreement, AgreementId, AgreementStatus, Terms,
...     create_individual)
>>> segment = ClientSegment(SegmentId("WHOLESALE"), "Wholesale",
...     rule=(Criterion("attributes.channel", frozenset({"wholesale"})),))
>>> typical = Agreement.typical(AgreementId("TA-W"), "Wholesale", valid_from=date(2026, 1, 1),
...     client_segment_id=segment.id, status=AgreementStatus.ACTIVE,
...     terms=Terms(price_type_id="WHOLESALE", warehouse_id=None))
>>> own = create_individual(typical, AgreementId("IA-V"), "Volga", partner_id=PartnerId("V"),
...     valid_from=date(2026, 3, 1), status=AgreementStatus.ACTIVE,
...     terms=Terms(warehouse_id=WarehouseId("MAIN")))
>>> book = AgreementBook([typical, own], client_segments=[segment])
>>> volga = Partner(PartnerId("V"), "Volga", attributes={"channel": "wholesale"})
>>> book.resolve(TermsQuery(volga, date(2026, 2, 1))).agreement.id
'TA-W'
>>> resolved = book.resolve(TermsQuery(volga, date(2026, 3, 1)))
>>> resolved.agreement.id, resolved.terms.price_type_id, resolved.terms.warehouse_id
('IA-V', 'WHOLESALE', 'MAIN')
>>> print(resolved.source("price_type_id").describe())
inherited from typical agreement 'TA-W' by individual agreement 'IA-V'
>>> print(resolved.source("warehouse_id").describe())
filled in by individual agreement 'IA-V'; typical agreement 'TA-W' leaves it open
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import date
from typing import TypeVar

import attrs

from salescore.agreements.model import (
    TERM_LABELS,
    Agreement,
    AgreementId,
    AgreementStatus,
    Terms,
)
from salescore.errors import AgreementError, AmbiguousAgreementError
from salescore.explain import Explanation, Step
from salescore.money import Currency
from salescore.parties import (
    ClientSegment,
    CounterpartyId,
    NomenclatureSegment,
    OrganizationId,
    Partner,
    Product,
    SegmentId,
)
from salescore.records import Record, cell, html_table

__all__ = [
    "AgreementBook",
    "ResolvedTerms",
    "SourceKind",
    "TermSource",
    "TermsQuery",
    "format_term",
]


@attrs.frozen
class TermsQuery:
    """What a sale is: for whom, when, what, by which counterparty and organization.

    Attributes:
        partner: the client.
        on: the date of the sale.
        counterparty_id: the client's counterparty on the documents, if known.
        product: the product sold, to match nomenclature segments by rule or list.
        nomenclature_segment_id: the nomenclature segment sold, instead of a product.
        organization_id: our selling organization, if already chosen.
        agreement_id: the agreement the sale names (an order's agreement);
            resolution then only checks that it applies and explains its terms.
    """

    partner: Partner
    on: date
    counterparty_id: CounterpartyId | None = None
    product: Product | None = None
    nomenclature_segment_id: SegmentId | None = None
    organization_id: OrganizationId | None = None
    agreement_id: AgreementId | None = None

    def describe(self) -> str:
        """A one-line title: partner, date and what is sold."""
        parts = [f"partner {self.partner.id!r} on {self.on.isoformat()}"]
        if self.product is not None:
            parts.append(f"product {self.product.id!r}")
        if self.nomenclature_segment_id is not None:
            parts.append(f"nomenclature segment {self.nomenclature_segment_id!r}")
        if self.counterparty_id is not None:
            parts.append(f"counterparty {self.counterparty_id!r}")
        if self.organization_id is not None:
            parts.append(f"organization {self.organization_id!r}")
        if self.agreement_id is not None:
            parts.append(f"agreement {self.agreement_id!r}")
        return ", ".join(parts)


class SourceKind(enum.Enum):
    """Where an effective term came from."""

    OWN = "own"
    """Set by the applying typical agreement."""
    INHERITED = "inherited"
    """Set by the base typical agreement and kept by the individual one."""
    OVERRIDDEN = "overridden"
    """Set by the base and replaced by the individual agreement."""
    FILLED = "filled"
    """Left open by the base and set by the individual agreement."""
    OPEN = "open"
    """Set by no agreement: the sale chooses it."""


def format_term(value: object) -> str:
    """A term value as short text for explanations and tables.

    >>> format_term(None), format_term(frozenset({"B", "A"})), format_term({"MACHINES": 3})
    ('open', 'A, B', 'MACHINES: 3')
    """
    if value is None:
        return "open"
    if isinstance(value, Currency):
        return value.code
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(str(v) for v in value)) or "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) or "none"
    return str(value)


@attrs.frozen
class TermSource:
    """Where one effective term came from.

    Attributes:
        term: the term's field name (a key of :data:`~salescore.agreements.TERM_LABELS`).
        value: the effective value.
        kind: own, inherited, overridden, filled or open.
        agreement_id: the agreement that set the value (None when open).
        via_id: the other agreement involved: the individual agreement that
            inherits a term, or the base typical agreement that an individual
            one overrides or fills in.
        replaced: the base's value an override replaced.
    """

    term: str
    value: object
    kind: SourceKind
    agreement_id: AgreementId | None = None
    via_id: AgreementId | None = None
    replaced: object = None

    def describe(self) -> str:
        """The source as a phrase: "inherited from typical agreement 'TA-1' by …"."""
        if self.kind is SourceKind.OPEN:
            return "set by no agreement"
        if self.kind is SourceKind.INHERITED:
            return (
                f"inherited from typical agreement {self.agreement_id!r} "
                f"by individual agreement {self.via_id!r}"
            )
        if self.kind is SourceKind.OVERRIDDEN:
            return (
                f"individual agreement {self.agreement_id!r} overrides "
                f"{format_term(self.replaced)} of typical agreement {self.via_id!r}"
            )
        if self.kind is SourceKind.FILLED:
            return (
                f"filled in by individual agreement {self.agreement_id!r}; "
                f"typical agreement {self.via_id!r} leaves it open"
            )
        return f"set by typical agreement {self.agreement_id!r}"


@attrs.frozen
class ResolvedTerms:
    """The terms that apply to a sale, with the source of every term.

    Attributes:
        agreement: the agreement that applies.
        base: its base typical agreement, for an individual agreement.
        terms: the effective terms (the base's, overlaid with the agreement's).
        sources: one :class:`TermSource` per term, in :data:`TERM_LABELS` order.
        explanation: the candidates considered and every term's source.
    """

    agreement: Agreement
    base: Agreement | None
    terms: Terms
    sources: tuple[TermSource, ...]
    explanation: Explanation

    def to_records(self) -> list[Record]:
        """One typed row per term: ``term``, ``label``, ``value``, ``source`` (own,
        inherited, overridden, filled, open), ``agreement_id``, ``via_id``, ``replaced``.

        Values keep their type (a Decimal percent, an int of days); a currency
        is its code, an enum its value, a set or mapping its text.
        """
        return [
            {
                "term": s.term,
                "label": TERM_LABELS[s.term],
                "value": cell(s.value),
                "source": s.kind.value,
                "agreement_id": s.agreement_id,
                "via_id": s.via_id,
                "replaced": cell(s.replaced),
            }
            for s in self.sources
        ]

    def _repr_html_(self) -> str:
        caption = f"terms of {self.agreement.label} ({self.agreement.name})"
        return html_table(self.to_records(), caption=caption)

    def source(self, term: str) -> TermSource:
        """The source of ``term`` (a field name of :class:`Terms`)."""
        for source in self.sources:
            if source.term == term:
                return source
        raise AgreementError(
            f"unknown term {term!r}; use one of {', '.join(TERM_LABELS)}", value=term
        )


def _term_sources(agreement: Agreement, base: Agreement | None) -> tuple[TermSource, ...]:
    sources = []
    for name in TERM_LABELS:
        own = getattr(agreement.terms, name)
        inherited = None if base is None else getattr(base.terms, name)
        if base is None:
            source = (
                TermSource(name, None, SourceKind.OPEN)
                if own is None
                else TermSource(name, own, SourceKind.OWN, agreement.id)
            )
        elif own is None and inherited is None:
            source = TermSource(name, None, SourceKind.OPEN)
        elif own is None:
            source = TermSource(name, inherited, SourceKind.INHERITED, base.id, agreement.id)
        elif inherited is None:
            source = TermSource(name, own, SourceKind.FILLED, agreement.id, base.id)
        else:
            source = TermSource(
                name, own, SourceKind.OVERRIDDEN, agreement.id, base.id, replaced=inherited
            )
        sources.append(source)
    return tuple(sources)


# Specificity: individual > typical, then nomenclature segment > none, then a
# fixed counterparty > none, then a client segment > every client.
_Rank = tuple[bool, bool, bool, bool]


def _rank(agreement: Agreement) -> _Rank:
    return (
        agreement.is_individual,
        agreement.nomenclature_segment_id is not None,
        agreement.counterparty_id is not None,
        agreement.client_segment_id is not None,
    )


def _describe_scope(agreement: Agreement) -> str:
    parts = [agreement.kind.value]
    if agreement.is_individual:
        parts.append(f"for partner {agreement.partner_id!r}")
        parts.append(f"based on {agreement.base_id!r}")
    elif agreement.client_segment_id is not None:
        parts.append(f"for client segment {agreement.client_segment_id!r}")
    else:
        parts.append("for every client")
    if agreement.nomenclature_segment_id is not None:
        parts.append(f"nomenclature segment {agreement.nomenclature_segment_id!r}")
    if agreement.counterparty_id is not None:
        parts.append(f"counterparty {agreement.counterparty_id!r}")
    return ", ".join(parts)


_Segment = TypeVar("_Segment", ClientSegment, NomenclatureSegment)


def _loaded(
    segments: Mapping[SegmentId, _Segment], segment_id: SegmentId, agreement: Agreement, kind: str
) -> _Segment:
    segment = segments.get(segment_id)
    if segment is None:
        raise AgreementError(
            f"{agreement.label} names {kind} segment {segment_id!r}, which is not loaded; "
            f"pass it in {kind}_segments",
            agreement=agreement.id,
            segment=segment_id,
        )
    return segment


class AgreementBook:
    """Agreements and the segments they name, indexed for resolution.

    Build it from what storage returned for one partner (its individual
    agreements, the typical agreements of its segments and their bases), or
    from every agreement at once; the result does not depend on the order of
    ``agreements``.

    Raises:
        AgreementError: two agreements share an id, or an individual
            agreement's base is missing or not typical.
    """

    def __init__(
        self,
        agreements: Iterable[Agreement],
        client_segments: Iterable[ClientSegment] = (),
        nomenclature_segments: Iterable[NomenclatureSegment] = (),
    ) -> None:
        by_id: dict[AgreementId, Agreement] = {}
        for agreement in agreements:
            if agreement.id in by_id and by_id[agreement.id] != agreement:
                raise AgreementError(
                    f"two different agreements have the id {agreement.id!r}; ids must be unique",
                    agreement=agreement.id,
                )
            by_id[agreement.id] = agreement
        for agreement in by_id.values():
            if agreement.base_id is None:
                continue
            base = by_id.get(agreement.base_id)
            if base is None or base.is_individual:
                raise AgreementError(
                    f"{agreement.label}: its base {agreement.base_id!r} is "
                    f"{'missing' if base is None else 'not a typical agreement'}; "
                    "load the base typical agreement with it",
                    agreement=agreement.id,
                    base=agreement.base_id,
                )
        self._agreements = dict(sorted(by_id.items()))
        # Index: a query looks only at its partner's individual agreements and
        # at the typical ones, not at every other client's agreements.
        self._typical = tuple(a for a in self._agreements.values() if not a.is_individual)
        self._individual: dict[str, list[Agreement]] = {}
        for agreement in self._agreements.values():
            if agreement.partner_id is not None:
                self._individual.setdefault(agreement.partner_id, []).append(agreement)
        self._client_segments = {s.id: s for s in client_segments}
        self._nomenclature_segments = {s.id: s for s in nomenclature_segments}
        # The loaded nomenclature segments agreements name: the only thing about
        # a product that resolution looks at is which of them hold it.
        self._covering = tuple(
            self._nomenclature_segments[segment_id]
            for segment_id in sorted(
                {
                    a.nomenclature_segment_id
                    for a in self._agreements.values()
                    if a.nomenclature_segment_id is not None
                }
            )
            if segment_id in self._nomenclature_segments
        )

    @property
    def agreements(self) -> tuple[Agreement, ...]:
        """Every agreement, ordered by id."""
        return tuple(self._agreements.values())

    def get(self, agreement_id: AgreementId) -> Agreement:
        """The agreement with ``agreement_id``."""
        try:
            return self._agreements[agreement_id]
        except KeyError:
            raise AgreementError(
                f"agreement {agreement_id!r} is not in the book; load it first",
                agreement=agreement_id,
            ) from None

    def _is_for_client(
        self, agreement: Agreement, partner: Partner, membership: dict[SegmentId, bool]
    ) -> bool:
        """True if ``agreement`` is for ``partner``; ``membership`` caches segment checks."""
        if agreement.is_individual:
            return agreement.partner_id == partner.id
        segment_id = agreement.client_segment_id
        if segment_id is None:
            return True
        if segment_id not in membership:
            segment = _loaded(self._client_segments, segment_id, agreement, "client")
            membership[segment_id] = segment.contains(partner)
        return membership[segment_id]

    def _rejection(self, agreement: Agreement, query: TermsQuery) -> str | None:
        """Why ``agreement`` does not apply to ``query``, or None if it does."""
        day = query.on
        if agreement.status is not AgreementStatus.ACTIVE:
            return f"status is {agreement.status.value}"
        if not agreement.is_valid_on(day):
            if day < agreement.valid_from:
                return f"valid only from {agreement.valid_from.isoformat()}"
            return f"expired on {agreement.valid_to}"
        base = None if agreement.base_id is None else self._agreements[agreement.base_id]
        if base is not None and not base.is_in_force_on(day):
            return f"its base {base.id!r} is not in force on {day.isoformat()}"
        segment_id = agreement.nomenclature_segment_id
        if segment_id is not None and not self._covers(agreement, segment_id, query):
            return f"covers only nomenclature segment {segment_id!r}"
        if (
            agreement.counterparty_id is not None
            and query.counterparty_id is not None
            and agreement.counterparty_id != query.counterparty_id
        ):
            return f"is for counterparty {agreement.counterparty_id!r}"
        organization = agreement.terms.organization_id
        if organization is None and base is not None:
            organization = base.terms.organization_id
        if (
            organization is not None
            and query.organization_id is not None
            and organization != query.organization_id
        ):
            return f"sells from organization {organization!r}"
        return None

    def _covers(self, agreement: Agreement, segment_id: SegmentId, query: TermsQuery) -> bool:
        if query.nomenclature_segment_id is not None:
            return query.nomenclature_segment_id == segment_id
        if query.product is None:
            return False
        segment = _loaded(self._nomenclature_segments, segment_id, agreement, "nomenclature")
        return segment.contains(query.product)

    def resolve_many(
        self,
        partner: Partner,
        on: date,
        products: Sequence[Product],
        *,
        agreement_id: AgreementId | None = None,
        known: MutableMapping[tuple[SegmentId, ...], ResolvedTerms] | None = None,
    ) -> list[ResolvedTerms]:
        """The terms for each of ``products`` sold to ``partner`` on ``on``, in order.

        Equal to :meth:`resolve` of a :class:`TermsQuery` per product (the
        same terms, sources and explanation, each titled with its product, and
        the same error for the first product no agreement applies to), but
        resolved once per group of products that the same nomenclature
        segments of the book's agreements hold: a document of many lines
        costs about one resolution, not one per line.

        ``known`` keeps those resolutions between calls for the same partner,
        date and ``agreement_id`` on this book (a pricer pricing many orders
        of one client on one day): found ones are reused, new ones added. The
        caller keys and bounds it; the book itself remembers nothing.

        Raises:
            AmbiguousAgreementError, AgreementError: as :meth:`resolve`.
        """
        covering = self._covering
        by_key: MutableMapping[tuple[SegmentId, ...], ResolvedTerms] = (
            {} if known is None else known
        )
        found: list[ResolvedTerms] = []
        for product in products:
            key = tuple(s.id for s in covering if s.contains(product)) if covering else ()
            query = TermsQuery(partner, on, product=product, agreement_id=agreement_id)
            first = by_key.get(key)
            if first is None:
                first = by_key[key] = self.resolve(query)
                found.append(first)
                continue
            subject = f"terms for {query.describe()}"
            if subject == first.explanation.subject:
                found.append(first)  # the same product and query again: the same value
                continue
            explanation = Explanation(subject, first.explanation.steps)
            found.append(
                ResolvedTerms(first.agreement, first.base, first.terms, first.sources, explanation)
            )
        return found

    def resolve(self, query: TermsQuery) -> ResolvedTerms:
        """The terms that apply to ``query``, with their sources.

        Raises:
            AmbiguousAgreementError: two equally specific agreements apply.
            AgreementError: no agreement applies (the message lists why each
                candidate for the client was rejected), or the agreement the
                query names is not for this client.
        """
        steps: list[Step] = []
        applying: list[Agreement] = []
        membership: dict[SegmentId, bool] = {}
        if query.agreement_id is not None:
            named = self.get(query.agreement_id)
            if not self._is_for_client(named, query.partner, membership):
                raise AgreementError(
                    f"{named.label} is not for partner {query.partner.id!r} "
                    f"({_describe_scope(named)}); choose one of the partner's agreements",
                    agreement=named.id,
                    partner=query.partner.id,
                )
            candidates = [named]
        else:
            candidates = sorted(
                (*self._typical, *self._individual.get(query.partner.id, ())), key=lambda a: a.id
            )
        for agreement in candidates:
            if not self._is_for_client(agreement, query.partner, membership):
                continue
            reason = self._rejection(agreement, query)
            if reason is None:
                applying.append(agreement)
            else:
                steps.append(
                    Step(
                        f"candidate {agreement.id}",
                        f"rejected: {reason}",
                        _describe_scope(agreement),
                    )
                )
        if not applying:
            reasons = "; ".join(f"{s.description}: {s.value}" for s in steps) or "no candidates"
            raise AgreementError(
                f"no agreement applies to {query.describe()} ({reasons}); "
                "activate or add an agreement for this client",
                partner=query.partner.id,
                on=query.on,
            )
        best = max(_rank(a) for a in applying)
        winners = [a for a in applying if _rank(a) == best]
        if len(winners) > 1:
            names = " and ".join(repr(a.id) for a in winners)
            raise AmbiguousAgreementError(
                f"{names} apply equally to {query.describe()} "
                f"({'; '.join(_describe_scope(a) for a in winners)}); close one, narrow its "
                "segment or validity, or make an individual agreement",
                agreements=tuple(a.id for a in winners),
                partner=query.partner.id,
                on=query.on,
            )
        chosen = winners[0]
        for agreement in applying:
            if agreement is not chosen:
                steps.append(
                    Step(
                        f"candidate {agreement.id}",
                        f"outranked by {chosen.id}",
                        _describe_scope(agreement),
                    )
                )
        steps.append(Step(f"candidate {chosen.id}", "applies", _describe_scope(chosen)))
        base = None if chosen.base_id is None else self._agreements[chosen.base_id]
        terms = chosen.terms if base is None else base.terms.overlay(chosen.terms)
        sources = _term_sources(chosen, base)
        steps.extend(Step(TERM_LABELS[s.term], format_term(s.value), s.describe()) for s in sources)
        explanation = Explanation(f"terms for {query.describe()}", tuple(steps))
        return ResolvedTerms(chosen, base, terms, sources, explanation)
