"""A small sample company for the demo, the docs and notebook experiments.

>>> from salescore.adapters.memory import MemoryStore
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     uow.commit()
...     len(uow.partners), len(uow.products)
(6, 6)
"""

from __future__ import annotations

from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.money import KG, PIECE
from salescore.parties import (
    ClientSegment,
    ContactId,
    ContactPerson,
    Counterparty,
    CounterpartyId,
    Criterion,
    LegalForm,
    NomenclatureSegment,
    Organization,
    OrganizationId,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerRelation,
    PriceGroup,
    PriceGroupId,
    Product,
    ProductId,
    RelationKind,
    SegmentId,
    Warehouse,
    WarehouseId,
)

__all__ = ["load_sample_company"]

CLIENT = frozenset({PartnerKind.CLIENT})


def load_sample_company(uow: Repositories) -> None:
    """Add the sample company's parties, segments, products and warehouses to ``uow``."""
    org = OrganizationId("ORG-1")
    uow.organizations.add(Organization(org, "Torgovy Dom LLC", "7701081233", "770101001"))
    uow.organizations.add(Organization(OrganizationId("ORG-2"), "TD Retail LLC", "7812041236"))

    uow.partners.add(
        Partner(
            PartnerId("HOLD"),
            "Volga Holding",
            CLIENT,
            manager="ivanova",
            attributes={"channel": "wholesale", "region": "Volga"},
        )
    )
    uow.partners.add(
        Partner(
            PartnerId("VOLGA-KZN"),
            "Volga Kazan",
            CLIENT,
            parent_id=PartnerId("HOLD"),
            manager="ivanova",
            attributes={"channel": "wholesale", "region": "Volga"},
        )
    )
    uow.partners.add(
        Partner(
            PartnerId("CAFE"),
            "Cafe Aroma",
            CLIENT,
            manager="petrov",
            attributes={"channel": "horeca", "region": "Moscow"},
        )
    )
    uow.partners.add(
        Partner(
            PartnerId("CHAIN"),
            "Kofemania chain",
            CLIENT,
            manager="petrov",
            attributes={"channel": "retail_chain", "region": "Moscow"},
        )
    )
    uow.partners.add(
        Partner(PartnerId("BEANS"), "Bean Importers", frozenset({PartnerKind.SUPPLIER}))
    )
    uow.partners.add(
        Partner(PartnerId("RIVAL"), "Coffee Rival", frozenset({PartnerKind.COMPETITOR}))
    )

    counterparties = [
        Counterparty(
            CounterpartyId("HOLD-LLC"),
            PartnerId("HOLD"),
            "Volga Holding LLC",
            LegalForm.LEGAL_ENTITY,
            "5027031238",
            "502701001",
        ),
        Counterparty(
            CounterpartyId("KZN-LLC"),
            PartnerId("VOLGA-KZN"),
            "Volga Kazan LLC",
            LegalForm.LEGAL_ENTITY,
            "5406011235",
            "540601001",
        ),
        Counterparty(
            CounterpartyId("CAFE-IE"),
            PartnerId("CAFE"),
            "IE Smirnova A. V.",
            LegalForm.INDIVIDUAL_ENTREPRENEUR,
            "500100732259",
        ),
        Counterparty(
            CounterpartyId("CHAIN-LLC"),
            PartnerId("CHAIN"),
            "Kofemania LLC",
            LegalForm.LEGAL_ENTITY,
            "6658011235",
            "665801001",
        ),
        Counterparty(
            CounterpartyId("BEANS-LLC"),
            PartnerId("BEANS"),
            "Bean Importers LLC",
            LegalForm.LEGAL_ENTITY,
            "7715021234",
            "771501001",
        ),
    ]
    for counterparty in counterparties:
        uow.counterparties.add(counterparty)

    uow.contacts.add(
        ContactPerson(
            ContactId("K1"),
            PartnerId("VOLGA-KZN"),
            "Rustam Gaynullin",
            "purchasing manager",
            "+7 843 000-00-01",
        )
    )
    uow.contacts.add(ContactPerson(ContactId("K2"), PartnerId("CAFE"), "Anna Smirnova", "owner"))
    uow.relations.add(
        PartnerRelation("R1", PartnerId("HOLD"), PartnerId("VOLGA-KZN"), RelationKind.HOLDING)
    )
    uow.relations.add(
        PartnerRelation("R2", PartnerId("RIVAL"), PartnerId("CHAIN"), RelationKind.COMPETITOR_OF)
    )

    uow.client_segments.add(
        ClientSegment(
            SegmentId("WHOLESALE"),
            "Wholesale",
            rule=(Criterion("attributes.channel", frozenset({"wholesale"})),),
        )
    )
    uow.client_segments.add(
        ClientSegment(
            SegmentId("RETAIL-CHAINS"), "Retail chains", members=frozenset({PartnerId("CHAIN")})
        )
    )
    uow.client_segments.add(
        ClientSegment(
            SegmentId("HORECA"),
            "Cafes and restaurants",
            rule=(Criterion("attributes.channel", frozenset({"horeca"})),),
        )
    )

    uow.price_groups.add(PriceGroup(PriceGroupId("MACHINES"), "Coffee machines"))
    uow.price_groups.add(PriceGroup(PriceGroupId("CONSUMABLES"), "Consumables"))

    products = [
        Product(
            ProductId("CM-100"),
            "Coffee maker CM-100",
            "CM100",
            PIECE,
            PriceGroupId("MACHINES"),
            weight_kg=Decimal("4.2"),
            volume_m3=Decimal("0.03"),
            category="coffee_machines",
        ),
        Product(
            ProductId("CM-300"),
            "Coffee maker CM-300 Pro",
            "CM300",
            PIECE,
            PriceGroupId("MACHINES"),
            weight_kg=Decimal("9.8"),
            volume_m3=Decimal("0.06"),
            category="coffee_machines",
        ),
        Product(
            ProductId("GR-10"),
            "Coffee grinder GR-10",
            "GR10",
            PIECE,
            PriceGroupId("MACHINES"),
            weight_kg=Decimal("1.9"),
            volume_m3=Decimal("0.01"),
            category="grinders",
        ),
        Product(
            ProductId("BEANS-ARABICA"),
            "Arabica beans",
            "ARB",
            KG,
            PriceGroupId("CONSUMABLES"),
            weight_kg=Decimal(1),
            category="coffee",
        ),
        Product(
            ProductId("FILTERS"),
            "Paper filters (100 pcs)",
            "FLT",
            PIECE,
            PriceGroupId("CONSUMABLES"),
            weight_kg=Decimal("0.2"),
            category="consumables",
        ),
        Product(
            ProductId("SETUP"),
            "Machine setup",
            "SRV1",
            PIECE,
            None,
            is_service=True,
            category="services",
        ),
    ]
    for product in products:
        uow.products.add(product)
    uow.nomenclature_segments.add(
        NomenclatureSegment(
            SegmentId("MACHINES"),
            "Machines",
            rule=(Criterion("category", frozenset({"coffee_machines", "grinders"})),),
        )
    )
    uow.nomenclature_segments.add(
        NomenclatureSegment(
            SegmentId("COFFEE"), "Coffee", members=frozenset({ProductId("BEANS-ARABICA")})
        )
    )

    uow.warehouses.add(Warehouse(WarehouseId("MAIN"), "Main warehouse", org))
    uow.warehouses.add(
        Warehouse(
            WarehouseId("STORE-1"), "Store on Tverskaya", OrganizationId("ORG-2"), is_store=True
        )
    )
