from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.domain.masterdata import Customer, CustomerItem, Product, VendorProfile
from ingest.domain.order import Identifier, Order, OrderLine, Party, Sender
from ingest.domain.rules import RuleSet
from ingest.matching.decision import decide
from ingest.matching.engine import match_order
from ingest.matching.masterdata import InMemoryMasterData
from ingest.matching.names import name_key


@pytest.fixture
def data() -> InMemoryMasterData:
    return InMemoryMasterData(
        customers=[
            Customer(
                customer_id="C1",
                name="Acme Hardware Co.",
                email_domains="acme.example",
                edi_qualifier="ZZ",
                edi_id="ACMEHW",
            ),
            Customer(customer_id="C2", name="Blue Ridge Builders", email_domains="brb.example;gmail.com"),
            Customer(customer_id="C3", name="Twin Corp", email_domains="twins.example"),
            Customer(customer_id="C4", name="Twin Corporation", email_domains="twins.example"),
        ],
        products=[
            Product(sku="FAS-100", description="Hex bolt", upc="036000291452", uom="EA"),
            Product(sku="TOOL-7", description="Hammer", upc="4006381333931"),
            Product(sku="TOOL-8", description="Hammer"),
        ],
        items=[CustomerItem(customer_id="C1", customer_part_number="77-1", sku="TOOL-7")],
        vendor=VendorProfile(
            name="Northwind Industrial Supply", domains=("northwind.example",), edi_id="NWIND"
        ),
    )


def order(**kw: object) -> Order:
    base: dict[str, object] = {
        "po_number": "PO1",
        "lines": [OrderLine(quantity=Decimal(1), vendor_part_number="FAS-100")],
    }
    base.update(kw)
    return Order(**base)  # type: ignore[arg-type]


def test_customer_by_edi_sender(data: InMemoryMasterData) -> None:
    m = match_order(order(sender=Sender(channel="edi", edi_qualifier="ZZ", edi_id="acmehw ")), data)
    assert (m.customer.customer_id, m.customer.confidence) == ("C1", 1.0)
    assert "EDI sender" in m.customer.reason


def test_customer_by_number_on_document(data: InMemoryMasterData) -> None:
    m = match_order(order(buyer=Party(identifiers=[Identifier(qualifier="91", value="C2")])), data)
    assert m.customer.customer_id == "C2" and m.customer.confidence == 1.0
    assert "customer number C2" in m.customer.reason


def test_customer_by_email_domain_but_not_free_mail(data: InMemoryMasterData) -> None:
    m = match_order(order(sender=Sender(channel="email", email="jo@ACME.example")), data)
    assert m.customer.customer_id == "C1" and "email domain acme.example" in m.customer.reason
    m = match_order(order(sender=Sender(channel="email", email="someone@gmail.com")), data)
    assert m.customer.customer_id is None


def test_domain_shared_by_two_customers_is_ambiguous(data: InMemoryMasterData) -> None:
    m = match_order(order(sender=Sender(channel="email", email="a@twins.example")), data)
    assert m.customer.confidence < 0.95


def test_name_alone_is_not_enough_to_commit(data: InMemoryMasterData) -> None:
    m = match_order(order(buyer=Party(name="ACME HARDWARE CO")), data)
    assert m.customer.customer_id == "C1" and m.customer.confidence < 0.95


def test_our_own_name_is_never_the_customer(data: InMemoryMasterData) -> None:
    m = match_order(order(buyer=Party(name="Northwind Industrial Supply")), data)
    assert m.customer.customer_id is None


def test_conflicting_customer_evidence_lowers_confidence(data: InMemoryMasterData) -> None:
    m = match_order(
        order(
            sender=Sender(channel="email", email="x@acme.example"),
            buyer=Party(identifiers=[Identifier(qualifier="91", value="C2")]),
        ),
        data,
    )
    assert m.customer.confidence <= 0.5 and "conflicting" in m.customer.reason


def test_line_cascade(data: InMemoryMasterData) -> None:
    lines = [
        OrderLine(quantity=Decimal(1), buyer_part_number="77-1"),
        OrderLine(quantity=Decimal(1), vendor_part_number="FAS-100"),
        OrderLine(quantity=Decimal(1), vendor_part_number="fas 100"),
        OrderLine(quantity=Decimal(1), upc="0036000291452"),
        OrderLine(quantity=Decimal(1), buyer_part_number="TOOL-8"),
        OrderLine(quantity=Decimal(1), vendor_part_number="NOPE"),
        OrderLine(quantity=Decimal(1), vendor_part_number="FAS-100", upc="4006381333931"),
    ]
    m = match_order(order(sender=Sender(channel="edi", edi_id="ACMEHW"), lines=lines), data)
    got = [(lm.sku, lm.confidence) for lm in m.lines]
    assert got[0] == ("TOOL-7", 1.0) and "cross-reference" in m.lines[0].reason
    assert got[1] == ("FAS-100", 1.0)
    assert got[2] == ("FAS-100", 0.97)
    assert got[3] == ("FAS-100", 1.0) and "UPC" in m.lines[3].reason
    assert got[4] == ("TOOL-8", 0.9)
    assert got[5] == (None, 0.0) and "NOPE" in m.lines[5].reason
    assert got[6][1] < 0.5 and "conflicting" in m.lines[6].reason


def test_cross_reference_is_per_customer(data: InMemoryMasterData) -> None:
    line = OrderLine(quantity=Decimal(1), buyer_part_number="77-1")
    m = match_order(order(sender=Sender(channel="email", email="a@brb.example"), lines=[line]), data)
    assert m.lines[0].sku is None


def test_decision_commits_only_when_everything_is_sure(data: InMemoryMasterData) -> None:
    rules = RuleSet()
    good = order(sender=Sender(channel="edi", edi_id="ACMEHW"))
    assert decide(good, match_order(good, data), rules).commit

    no_po = order(po_number=None, sender=Sender(channel="edi", edi_id="ACMEHW"))
    d = decide(no_po, match_order(no_po, data), rules)
    assert not d.commit and "PO number missing" in d.reasons

    unknown = order()
    d = decide(unknown, match_order(unknown, data), rules)
    assert not d.commit and any(r.startswith("customer:") for r in d.reasons)

    zero = order(
        sender=Sender(channel="edi", edi_id="ACMEHW"),
        lines=[OrderLine(quantity=Decimal(0), vendor_part_number="FAS-100")],
    )
    d = decide(zero, match_order(zero, data), rules)
    assert not d.commit and d.line_decisions == ("review",)

    dup = decide(good, match_order(good, data), rules, duplicate_of="order-1")
    assert not dup.commit and any("already received" in r for r in dup.reasons)

    change = order(purpose="change", sender=Sender(channel="edi", edi_id="ACMEHW"))
    assert not decide(change, match_order(change, data), rules).commit

    unsure = order(
        sender=Sender(channel="edi", edi_id="ACMEHW"),
        lines=[OrderLine(quantity=Decimal(1), vendor_part_number="FAS-100", confidence={"quantity": 0.0})],
    )
    d = decide(unsure, match_order(unsure, data), rules)
    assert not d.commit and any("quantity read with low confidence" in r for r in d.reasons)

    empty = order(sender=Sender(channel="edi", edi_id="ACMEHW"), lines=[])
    assert "the order has no lines" in decide(empty, match_order(empty, data), rules).reasons


def test_name_key() -> None:
    assert name_key("The Acme Hardware Co., Inc.") == "ACME HARDWARE"
    assert name_key("Smith & Sons GmbH") == "SMITH AND SONS"


def test_an_identifier_for_a_product_the_description_contradicts_goes_to_review() -> None:
    """The customer's part number is cross-referenced to a 7/64" bit, but the line describes a
    15/32" one: whichever is meant, a clerk must say."""
    data = InMemoryMasterData(
        customers=[Customer(customer_id="C1", name="Acme", email_domains="acme.example")],
        products=[
            Product(sku="DB-7", description='Drill Bit 7/64" Titanium Nitride Coated Taper Length 1/Pack'),
            Product(sku="DB-15", description='Drill Bit 15/32" HSS Black Oxide Taper Length 1/Pack'),
        ],
        items=[CustomerItem(customer_id="C1", customer_part_number="4822", sku="DB-7")],
        vendor=VendorProfile(name="Northwind Industrial Supply", domains=("northwind.example",)),
    )
    sender = Sender(channel="email", email="buyer@acme.example")
    described = OrderLine(
        quantity=Decimal(1),
        buyer_part_number="4822",
        description="DRILL 15/32IN HSS BLACK OXIDE TAPER LENGTH 1 PER PK",
    )
    agreeing = OrderLine(quantity=Decimal(1), buyer_part_number="4822", description="drill bit 7/64 tin 1/pk")
    m = match_order(order(sender=sender, lines=[described, agreeing]), data)
    assert m.lines[0].sku == "DB-7"
    assert m.lines[0].confidence < RuleSet().thresholds.line
    assert "description says otherwise" in m.lines[0].reason
    assert m.lines[1].confidence == 1.0


def test_a_customer_part_number_that_happens_to_be_our_sku_gives_way_to_the_description() -> None:
    data = InMemoryMasterData(
        customers=[Customer(customer_id="C1", name="Acme", email_domains="acme.example")],
        products=[
            Product(sku="0004228", description="THHN Wire 12 AWG Stranded Gray 2500 ft Reel"),
            Product(sku="FAS-5", description='Hex Cap Screw 5/8"-18 x 1/2" Full Thread Grade 5 Black Oxide'),
            Product(sku="FAS-8", description='Hex Cap Screw 5/8"-18 x 1" Full Thread Grade 5 Zinc Plated'),
        ],
        vendor=VendorProfile(name="Northwind Industrial Supply", domains=("northwind.example",)),
    )
    line = OrderLine(
        quantity=Decimal(1),
        buyer_part_number="04228",
        description='HEX CAP SCR 5/8"-18X1/2" FULL THREAD GRADE 5 BLK OXIDE',
    )
    m = match_order(order(sender=Sender(channel="email", email="b@acme.example"), lines=[line]), data)
    assert m.lines[0].sku == "FAS-5"
    assert "which the description contradicts" in m.lines[0].reason
    assert "0004228" in {c.key for c in m.lines[0].candidates}
