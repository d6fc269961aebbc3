"""Letter-number codes ('10K', '5V', 'M6', 'A19'): the same number with another letter is another
product, and must never be committed as ours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.domain.masterdata import Customer, CustomerItem, Product, VendorProfile
from ingest.domain.order import Order, OrderLine, Sender
from ingest.domain.rules import RuleSet
from ingest.matching.catalog import DescriptionIndex
from ingest.matching.codes import code_conflicts, codes
from ingest.matching.describe import describe_line
from ingest.matching.engine import match_order
from ingest.matching.masterdata import InMemoryMasterData

SURE = RuleSet().thresholds.line


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Resistor 10K Ohm 1/4W", {("v", "10", "k")}),
        ("Power Supply 5V 2A", {("v", "5", "v"), ("v", "2", "a")}),
        ("Capacitor 10\u00b5F", {("v", "10", "uf")}),  # the micro sign is a u
        ("Hex Key M6-1.0 x 20mm", {("s", "6", "m"), ("v", "20", "mm")}),
        ("LED Lamp A19 9W E26", {("s", "19", "a"), ("s", "26", "e"), ("v", "9", "w")}),
        ("Power supply 1.5V", {("v", "1.5", "v")}),
        # not codes: sizes apart from their unit, dimensions, fractions, part of a longer code
        ("Stud 2x4 8 ft", set()),
        ('Pipe 1/2" Sch 40', set()),
        ("Pipe 1/2in", set()),
        ("Capacitor X7R 0805", set()),
        ("T-Shirt 2X-Large", set()),
        ("Power Supply 5 Volt", set()),
    ],
)
def test_codes_are_read_whole(text: str, found: set[tuple[str, str, str]]) -> None:
    assert codes(text) == found


@pytest.mark.parametrize(
    ("line", "product", "conflict"),
    [
        ("10M ohm", "Resistor 10K Ohm", ["10m vs 10k"]),
        ("5A 2A", "Power Supply 5V 2A", ["5a vs 5v"]),
        ("fuse 5mA", "Fuse 5A", ["5ma vs 5a"]),
        ("hex key W6", "Hex Key M6", ["w6 vs m6"]),
        ("lamp B19", "LED Lamp A19", ["b19 vs a19"]),
        ("5VAC", "Power Supply 5VDC", ["5vac vs 5vdc"]),
        # the same unit written otherwise, or a product that writes both
        ("5VDC 2A", "Power Supply 5V 2A", []),
        ("5 amps", "Fuse 5A", []),
        ("receptacle 20amp", "Receptacle 20A Duplex", []),
        ("fuse 5amps", "Fuse 5amp", []),
        ("12v 12w lamp", "Lamp 12V 12W", []),
        ("10mm", "Bolt M10 x 10 mm", []),  # the product does not write 10 as a code
        ("M8", "Hex Key M6", []),  # another number: the sizes say so, not the codes
        ("gloves 100pk", "Gloves Nitrile 100ct", []),  # counts of what is packed: the words decide
        ("fuse 5A", "Fuse 250V 5pk", []),
    ],
)
def test_one_number_with_another_letter_contradicts(line: str, product: str, conflict: list[str]) -> None:
    assert code_conflicts(codes(line), codes(product)) == conflict


CATALOG = [
    ("RES-10K", "Resistor 10K Ohm 1/4W 1% Metal Film 100/Pack"),
    ("RES-22K", "Resistor 22K Ohm 1/4W 1% Metal Film 100/Pack"),
    ("PS-5V", "Power Supply 5V 2A DIN Rail"),
    ("PS-12V", "Power Supply 12V 2A DIN Rail"),
    ("HK-M6", "Hex Key M6 Long Arm Black"),
    ("HK-M8", "Hex Key M8 Long Arm Black"),
    ("LAMP-A19", "LED Lamp A19 9W 2700K E26 Dimmable"),
    ("LAMP-A21", "LED Lamp A21 14W 2700K E26 Dimmable"),
]


@pytest.fixture(scope="module")
def index() -> DescriptionIndex:
    return DescriptionIndex(CATALOG)


@pytest.mark.parametrize(
    ("text", "nearest", "reason"),
    [
        ("resistor 10M ohm 1/4w 1% metal film", "RES-10K", "10m vs 10k"),
        ("power supply 5A 2A din rail", "PS-5V", "5a vs 5v"),
        ("hex key W6 long arm black", "HK-M6", "w6 vs m6"),
        ("led lamp B19 9w 2700k e26 dimmable", "LAMP-A19", "b19 vs a19"),
    ],
)
def test_a_line_one_letter_off_is_never_committed(
    text: str, nearest: str, reason: str, index: DescriptionIndex
) -> None:
    match = describe_line(text, index, RuleSet())
    assert match.sku == nearest and match.confidence < SURE
    assert reason in match.reason


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("resistor 10K ohm 1/4w 1% metal film", "RES-10K"),
        ("power supply 5vdc 2a din rail", "PS-5V"),
        ("power supply 5 volt 2 amp din rail", "PS-5V"),
        ("hex key m6 long arm black", "HK-M6"),
    ],
)
def test_a_line_writing_the_same_code_is_committed(text: str, sku: str, index: DescriptionIndex) -> None:
    match = describe_line(text, index, RuleSet())
    assert (match.sku, match.confidence >= SURE) == (sku, True)


def test_a_part_number_for_a_product_whose_code_the_description_contradicts_goes_to_review() -> None:
    data = InMemoryMasterData(
        customers=[Customer(customer_id="C1", name="Acme", email_domains="acme.example")],
        products=[Product(sku=sku, description=d) for sku, d in CATALOG],
        items=[CustomerItem(customer_id="C1", customer_part_number="R-10", sku="RES-10K")],
        vendor=VendorProfile(name="Northwind Industrial Supply", domains=("northwind.example",)),
    )
    lines = [
        OrderLine(quantity=Decimal(1), buyer_part_number="R-10", description="RES 10M OHM 1/4W METAL FILM"),
        OrderLine(quantity=Decimal(1), buyer_part_number="R-10", description="RES 10K OHM 1/4W METAL FILM"),
    ]
    order = Order(po_number="PO1", sender=Sender(channel="email", email="b@acme.example"), lines=lines)
    m = match_order(order, data)
    assert m.lines[0].sku == "RES-10K" and m.lines[0].confidence < SURE
    assert "10m vs 10k" in m.lines[0].reason
    assert m.lines[1].confidence == 1.0
