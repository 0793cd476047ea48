"""What a client does in self-service, on its own documents: printed forms, contacts,
counterparties and bank accounts (validated), return requests, claims, commission sales
reports, purchase plans, the reconciliation act."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from tests.unit.selfservice._fixtures import (
    BIC,
    START,
    Holdings,
    build_world,
    client_service,
    log_in,
)

from salescore.adapters.memory import MemoryStore
from salescore.app.selfservice import SelfService
from salescore.errors import InvalidInputError, NotFoundError, ShipmentError
from salescore.money import PIECE, Money
from salescore.parties import LegalForm, ProductId, WarehouseId
from salescore.reservation import Bucket
from salescore.selfservice import Principal
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    LineChange,
    ReturnRequestStatus,
    ShipmentId,
    agent_stock,
    decide_correction,
)

World = tuple[SelfService, Holdings, Principal, MemoryStore]


@pytest.fixture
def world() -> World:
    store = MemoryStore()
    service = client_service(store, commission_fee_percent=Decimal(10))
    holdings = build_world(store, service)["CAFE"]
    me = log_in(service, "cafe")
    return service, holdings, me, store


def test_printed_forms_of_own_documents_in_each_format(world: World) -> None:
    service, mine, me, _ = world
    pdf = service.get_form(me, mine.shipment)
    assert (pdf.filename, pdf.media_type) == ("upd-SH-2.pdf", "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    html = service.get_form(me, mine.shipment, kind="upd", fmt="html").content.decode()
    assert "Универсальный передаточный документ" in html
    assert "SH-2" in html
    invoice = service.get_form(me, mine.order, kind="payment_invoice", fmt="text")
    assert invoice.content.decode().startswith("Счёт на оплату")
    m15 = service.get_form(me, mine.transfer, kind="m15", fmt="text").content.decode()
    assert "М-15" in m15
    with pytest.raises(InvalidInputError, match="unknown printed form"):
        service.get_form(me, mine.shipment, kind="receipt")
    with pytest.raises(InvalidInputError, match="unknown form format"):
        service.get_form(me, mine.shipment, fmt="docx")


def test_an_error_fix_of_a_shipment_prints_its_corrected_upd(world: World) -> None:
    service, mine, me, store = world
    with store.unit_of_work() as uow:
        shipment = uow.shipments.get(ShipmentId(mine.shipment))
        fix = decide_correction(
            CorrectionId("KR-SS-1"),
            shipment,
            START.date(),
            [LineChange("1", quantity=Decimal(1))],
            CorrectionKind.ERROR_FIX,
        )
        uow.shipment_corrections.add(fix)
        uow.commit()
    corrected = service.get_form(me, mine.shipment, kind="upd", fmt="text").content.decode()
    assert "Исправление № 1" in corrected
    plain = service.get_form(me, mine.shipment, kind="torg12", fmt="text").content.decode()
    assert "Исправление" not in plain


def test_counterparties_are_checked_before_they_are_stored(world: World) -> None:
    service, _, me, _ = world
    with pytest.raises(InvalidInputError, match="check digit"):
        service.save_counterparty(me, "Cafe Two LLC", tax_id="7707083890")
    with pytest.raises(InvalidInputError, match="KPP"):
        service.save_counterparty(me, "Cafe Two LLC", tax_id="7707083893", kpp="77")
    added = service.save_counterparty(me, "Cafe Two LLC", tax_id="7707083893", kpp="770701001")
    assert added.partner_id == "CAFE"
    renamed = service.save_counterparty(
        me, "Cafe Two", counterparty_id=added.id, legal_form=LegalForm.LEGAL_ENTITY
    )
    assert (renamed.id, renamed.tax_id, renamed.kpp) == (added.id, None, None)
    assert added.id in {c.id for c in service.list_counterparties(me)}


def test_bank_accounts_need_a_valid_bic_and_control_key(world: World) -> None:
    service, mine, me, _ = world
    with pytest.raises(InvalidInputError, match="BIC"):
        service.save_bank_account(me, mine.counterparty, "123456789", "40702810938000000001")
    with pytest.raises(InvalidInputError, match="does not match BIC"):
        service.save_bank_account(me, mine.counterparty, BIC, "40702810038000000001")
    with pytest.raises(InvalidInputError, match="correspondent account"):
        service.save_bank_account(
            me, mine.counterparty, BIC, "40702810938000000001",
            correspondent_account="30101810400000000226",
        )  # fmt: skip
    added = service.save_bank_account(
        me, mine.counterparty, BIC, "40702810938000000001",
        correspondent_account="30101810400000000225",
    )  # fmt: skip
    assert {b.id for b in service.list_bank_accounts(me)} == {mine.bank_account, added.id}
    service.remove_bank_account(me, added.id)
    assert [b.id for b in service.list_bank_accounts(me)] == [mine.bank_account]


def test_a_return_request_names_goods_of_the_shipment_up_to_what_left(world: World) -> None:
    service, mine, me, _ = world
    with pytest.raises(InvalidInputError, match="shipped 2 of CM-100"):
        service.request_return(me, mine.shipment, [("CM-100", 3)])
    with pytest.raises(InvalidInputError, match="shipped 0 of CM-300"):
        service.request_return(me, mine.shipment, [("CM-300", 1)])
    request = service.request_return(me, mine.shipment, [("CM-100", 2)], exchange=True)
    stored = service.get_return_request(me, request.id)
    assert (stored.status, stored.shipment_id, stored.exchange, stored.on) == (
        ReturnRequestStatus.NOT_AGREED,
        mine.shipment,
        True,
        START.date(),
    )
    assert service.get_return(me, mine.customer_return).partner_id == "CAFE"


def test_a_claim_goes_to_the_partners_manager_with_a_deadline(world: World) -> None:
    service, mine, me, _ = world
    claim = service.get_claim(me, mine.claim)
    assert (claim.responsible, claim.order_id, claim.deadline) == (
        "petrov",  # the manager of CAFE in the sample company
        mine.order,
        START.date() + timedelta(days=10),
    )
    general = service.register_claim(me, "rude driver")
    assert [c.id for c in service.list_claims(me)] == sorted([claim.id, general.id], reverse=True)
    with pytest.raises(InvalidInputError, match="subject"):
        service.register_claim(me, "  ")


def test_a_commission_sales_report_moves_the_goods_and_makes_the_debt_less_the_fee(
    world: World,
) -> None:
    service, mine, me, store = world
    report = service.report_commission_sales(me, [(mine.transfer, "1", 2)], buyer="a shop")
    # Two at 18,000.00 with VAT: 36,000.00 sold, the agent keeps 10 %.
    assert (report.with_vat, report.fee) == (Money("36000.00", "RUB"), Money("3600.00", "RUB"))
    debt = service.my_debt(me, as_of=date(2026, 12, 31))
    assert [line.debt for line in debt.lines] == [Money("32400.00", "RUB")]
    with store.unit_of_work() as uow:
        left = uow.stock_ledger.balance(
            ProductId("CM-100"), WarehouseId(agent_stock("CAFE")), Bucket.free(), PIECE
        )
    assert left.value == 1
    with pytest.raises(ShipmentError, match="report at most 1"):
        service.report_commission_sales(me, [(mine.transfer, "1", 2)])
    assert [t.id for t in service.list_commission_transfers(me)] == [mine.transfer]


def test_the_reconciliation_act_lists_the_counterpartys_documents(world: World) -> None:
    service, mine, me, _ = world
    report = service.report_commission_sales(me, [(mine.transfer, "1", 1)])
    act = service.reconciliation_act(me, mine.counterparty, date(2026, 3, 1), date(2026, 3, 31))
    # 18,000.00 sold is the agent's debit; the 1,800.00 fee it keeps is a credit.
    assert [(x.document_id, x.debit, x.credit) for x in act.lines] == [
        (report.id, Money("18000.00", "RUB"), Money("1800.00", "RUB"))
    ]
    assert act.closing == Money("16200.00", "RUB")


def test_a_purchase_plan_is_filed_for_known_products(world: World) -> None:
    service, mine, me, _ = world
    with pytest.raises(NotFoundError):
        service.file_purchase_plan(me, date(2026, 4, 1), date(2026, 4, 30), [("NOPE", 1)])
    with pytest.raises(InvalidInputError, match="no lines"):
        service.file_purchase_plan(me, date(2026, 4, 1), date(2026, 4, 30), [])
    with pytest.raises(InvalidInputError, match="before it starts"):
        service.file_purchase_plan(me, date(2026, 4, 30), date(2026, 4, 1), [("CM-100", 1)])
    plan = service.file_purchase_plan(
        me, date(2026, 7, 1), date(2026, 9, 30), [("CM-100", "12.5")], comment="summer"
    )
    assert plan.lines == (("CM-100", Decimal("12.5")),)
    assert {p.id for p in service.list_purchase_plans(me)} == {mine.plan, plan.id}


def test_contacts_are_added_changed_and_removed(world: World) -> None:
    service, mine, me, _ = world
    changed = service.save_contact(me, "Ivan Petrov", contact_id=mine.contact, email="i@cafe.ru")
    assert (changed.email, changed.partner_id) == ("i@cafe.ru", "CAFE")
    service.remove_contact(me, mine.contact)
    assert mine.contact not in {c.id for c in service.list_contacts(me)}
    with pytest.raises(NotFoundError):
        service.remove_contact(me, mine.contact)


def test_an_order_names_its_shipments_for_their_forms(world: World) -> None:
    service, mine, me, _ = world
    view = service.get_order(me, mine.order)
    assert view.shipment_ids == (mine.shipment,)
    assert service.get_form(me, view.shipment_ids[0], fmt="text").content
