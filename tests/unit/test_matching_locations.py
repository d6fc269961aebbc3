"""Ship-to locations: ids, store numbers in names, fuzzy names and addresses, ambiguity, the
decision, and a GLN as evidence for the customer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.domain.masterdata import Customer, Product, ShipToLocation
from ingest.domain.order import Identifier, Order, OrderLine, Party, Sender
from ingest.domain.rules import RuleSet
from ingest.matching.decision import decide
from ingest.matching.engine import match_order
from ingest.matching.locations import LocationNumber, number_in_id, numbers_in_text, resolve_ship_to
from ingest.matching.masterdata import InMemoryMasterData

STORE_12 = ShipToLocation(
    customer_id="C1",
    location_id="0012",
    name="Acme Store 12",
    gln="0614141000012",
    address1="1200 Industrial Pkwy",
    city="Portland",
    state="OR",
    postal_code="97210",
)
STORE_15 = ShipToLocation(
    customer_id="C1",
    location_id="0015",
    name="Acme Store 15",
    gln="0614141000159",
    address1="455 NE Broadway",
    city="Portland",
    state="OR",
    postal_code="97232",
)
DC_3 = ShipToLocation(
    customer_id="C1",
    location_id="DC03",
    name="Acme Distribution Center 3",
    address1="9000 N Rivergate Blvd",
    city="Portland",
    postal_code="97203",
)
CLOSED = ShipToLocation(customer_id="C1", location_id="0009", name="Acme Store 9", active="no")
LINCOLN = ShipToLocation(
    customer_id="C5",
    location_id="LIN",
    name="Lincoln Elementary",
    address1="410 Maple St",
    city="Olympia",
    postal_code="98501",
)
JEFFERSON = ShipToLocation(
    customer_id="C5",
    location_id="JEF",
    name="Jefferson Middle School",
    address1="1200 Cedar Ave",
    city="Olympia",
    postal_code="98502",
)
ACME = [STORE_12, STORE_15, DC_3, CLOSED]
SCHOOLS = [LINCOLN, JEFFERSON]


def ship_to(name: str | None = None, ids: tuple[tuple[str, str], ...] = (), **address: str) -> Order:
    party = Party(name=name, identifiers=[Identifier(qualifier=q, value=v) for q, v in ids], **address)
    return Order(po_number="PO1", ship_to=party)


def test_numbers_written_in_names_and_ids() -> None:
    assert numbers_in_text("Acme Hardware Co - Store #0012") == [LocationNumber("store", "12")]
    assert numbers_in_text("ACME DC 0012") == [LocationNumber("dc", "12")]
    assert numbers_in_text("Acme Str 12") == [LocationNumber("store", "12")]
    assert numbers_in_text("Location 12, back door") == [LocationNumber("location", "12")]
    assert numbers_in_text("Store No. 7") == [LocationNumber("store", "7")]
    assert numbers_in_text("Acme #44") == [LocationNumber(None, "44")]
    assert numbers_in_text("Lincoln Elementary") == []
    assert numbers_in_text("12 Main Street") == []
    assert number_in_id("0012") == LocationNumber(None, "12")
    assert number_in_id("STORE12") == LocationNumber("store", "12")
    assert number_in_id("dc-03") == LocationNumber("dc", "3")
    assert number_in_id("ACME12") is None


@pytest.mark.parametrize("value", ["0012", "12", " 0012 ", "0614141000012"])
def test_ship_to_id_is_a_location_number_or_gln(value: str) -> None:
    m = resolve_ship_to(ship_to("ACME STORE 12", (("92", value),)), "C1", ACME)
    assert m is not None and m.location_id == "0012" and m.confidence == 1.0
    assert "is location 0012 Acme Store 12, Portland" in m.reason


def test_an_id_naming_a_store_number() -> None:
    m = resolve_ship_to(ship_to("Acme", (("92", "STORE15"),)), "C1", ACME)
    assert m is not None and (m.location_id, m.confidence) == ("0015", 0.97)
    assert m.reason == "ship-to id STORE15 names store 15: location 0015 Acme Store 15, Portland"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Hardware - Store #12", "0012"),
        ("ACME STR 15", "0015"),
        ("Acme DC 3", "DC03"),
        ("Acme Hardware Distribution Centre 03", "DC03"),
        ("Location 15", "0015"),
    ],
)
def test_a_store_number_written_in_the_name(name: str, expected: str) -> None:
    m = resolve_ship_to(ship_to(name), "C1", ACME)
    assert m is not None and m.location_id == expected, m
    assert m.confidence >= 0.95
    assert "names" in m.reason


def test_a_store_number_with_another_postal_code_is_doubtful() -> None:
    m = resolve_ship_to(ship_to("Acme Store 12", postal_code="97232"), "C1", ACME)
    assert m is not None
    assert m.location_id is None or m.confidence < 0.8
    assert "97232" in m.reason


def test_the_name_and_address_fuzzily_with_the_postal_code_deciding() -> None:
    m = resolve_ship_to(
        ship_to("Lincoln Elementry School", address1="410 Maple Street", city="Olympia", postal_code="98501"),
        "C5",
        SCHOOLS,
    )
    assert m is not None and m.location_id == "LIN" and m.confidence >= 0.9
    assert "410 Maple St" in m.reason


def test_an_address_alone_finds_the_location() -> None:
    m = resolve_ship_to(
        ship_to("Receiving", address1="1200 Cedar Avenue", postal_code="98502"), "C5", SCHOOLS
    )
    assert m is not None and m.location_id == "JEF" and m.confidence >= 0.85


def test_two_locations_of_the_same_name_are_told_apart_by_postal_code() -> None:
    north = LINCOLN.model_copy(
        update={"location_id": "LIN-N", "postal_code": "98506", "address1": "9 Oak St"}
    )
    m = resolve_ship_to(ship_to("Lincoln Elementary", postal_code="98506"), "C5", [LINCOLN, north])
    assert m is not None and m.location_id == "LIN-N"
    unsure = resolve_ship_to(ship_to("Lincoln Elementary"), "C5", [LINCOLN, north])
    assert unsure is not None and unsure.location_id is None
    assert unsure.reason.startswith("ambiguous") and {c.key for c in unsure.candidates} >= {"LIN", "LIN-N"}


def test_an_id_and_a_name_that_disagree_are_ambiguous() -> None:
    m = resolve_ship_to(ship_to("Acme Store 15", (("92", "0012"),)), "C1", ACME)
    assert m is not None and m.location_id is None and "ambiguous" in m.reason


def test_an_unknown_ship_to_is_not_resolved() -> None:
    m = resolve_ship_to(ship_to("Acme Store 77", (("92", "0077"),)), "C1", ACME)
    assert m is not None and m.location_id is None and m.confidence == 0.0
    assert m.reason == "ship-to 'Acme Store 77' (id 92/0077) is none of C1's 4 ship-to locations on file"


def test_an_inactive_location_is_not_resolved() -> None:
    m = resolve_ship_to(ship_to("Acme Store 9"), "C1", ACME)
    assert m is not None and m.location_id is None and "inactive" in m.reason


def test_nothing_to_resolve_without_locations_customer_or_ship_to() -> None:
    assert resolve_ship_to(ship_to("Acme Store 12"), "C1", []) is None
    assert resolve_ship_to(ship_to("Acme Store 12"), None, ACME) is None
    assert resolve_ship_to(Order(po_number="PO1"), "C1", ACME) is None


@pytest.fixture
def data() -> InMemoryMasterData:
    return InMemoryMasterData(
        customers=[
            Customer(customer_id="C1", name="Acme Hardware", email_domains="acme.example"),
            Customer(customer_id="C2", name="Blue Ridge Builders", email_domains="brb.example"),
            Customer(customer_id="C5", name="Evergreen Schools"),
        ],
        products=[Product(sku="FAS-100", description="Hex bolt", uom="EA")],
        locations=[*ACME, *SCHOOLS],
    )


def order(**kw: object) -> Order:
    base: dict[str, object] = {
        "po_number": "PO1",
        "lines": [OrderLine(quantity=Decimal(1), vendor_part_number="FAS-100")],
        "sender": Sender(channel="email", email="buyer@acme.example"),
    }
    base.update(kw)
    return Order(**base)


def test_a_resolved_location_lets_the_order_commit(data: InMemoryMasterData) -> None:
    o = order(ship_to=Party(name="Acme Store #12", identifiers=[Identifier(qualifier="92", value="0012")]))
    m = match_order(o, data)
    assert m.ship_to is not None and m.ship_to.location_id == "0012"
    assert decide(o, m, RuleSet()).commit


def test_an_unresolved_ship_to_sends_the_order_to_review(data: InMemoryMasterData) -> None:
    o = order(ship_to=Party(name="Acme Store 77"))
    d = decide(o, match_order(o, data), RuleSet())
    assert not d.commit
    assert d.reasons == ("ship-to: ship-to 'Acme Store 77' is none of C1's 4 ship-to locations on file",)


def test_a_doubtful_location_is_a_mandatory_field_doubt(data: InMemoryMasterData) -> None:
    o = order(ship_to=Party(name="Acme Store", address1="455 NE Broadway Ave", postal_code="97299"))
    m = match_order(o, data)
    assert m.ship_to is not None
    d = decide(o, m, RuleSet())
    assert not d.commit and any(r.startswith("ship-to:") for r in d.reasons)


def test_a_customer_without_locations_takes_the_ship_to_as_written(data: InMemoryMasterData) -> None:
    o = order(sender=Sender(channel="email", email="buyer@brb.example"), ship_to=Party(name="Job Site 77"))
    m = match_order(o, data)
    assert m.customer.customer_id == "C2" and m.ship_to is None
    assert decide(o, m, RuleSet()).commit


def test_a_gln_of_one_customers_location_is_evidence_for_that_customer(data: InMemoryMasterData) -> None:
    o = order(sender=None, ship_to=Party(identifiers=[Identifier(qualifier="UL", value="0614141000159")]))
    m = match_order(o, data)
    assert m.customer.customer_id == "C1" and m.customer.confidence == 0.9
    assert m.customer.reason == "ship-to GLN 0614141000159 is ship-to location 0015 of C1"
    assert m.ship_to is not None and m.ship_to.location_id == "0015"
    d = decide(o, m, RuleSet())
    assert not d.commit and d.reasons[0].startswith("customer: ship-to GLN")  # a place alone never commits


def test_a_gln_does_not_outweigh_stronger_evidence(data: InMemoryMasterData) -> None:
    o = order(
        ship_to=Party(name="Acme Store 12", identifiers=[Identifier(qualifier="UL", value="0614141000012")])
    )
    m = match_order(o, data)
    assert (m.customer.customer_id, m.customer.confidence) == ("C1", 0.97)
    assert "email domain" in m.customer.reason


def test_a_gln_shared_by_two_customers_says_nothing(data: InMemoryMasterData) -> None:
    shared = STORE_12.model_copy(update={"customer_id": "C2", "location_id": "X"})
    view = InMemoryMasterData(
        customers=[Customer(customer_id="C1", name="Acme"), Customer(customer_id="C2", name="Blue")],
        locations=[STORE_12, shared],
    )
    o = order(sender=None, ship_to=Party(identifiers=[Identifier(qualifier="UL", value="0614141000012")]))
    assert match_order(o, view).customer.customer_id is None
