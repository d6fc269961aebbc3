"""How a description line is read against each candidate: its abbreviations, misspellings and other
word forms, the words naming the kind of product, and the variant words it leaves out or replaces.
A line one attribute away from what we stock must never reach the commit threshold; a line that
says everything its own way must."""

from __future__ import annotations

import pytest

from ingest.domain.rules import RuleSet
from ingest.matching.catalog import DescriptionIndex
from ingest.matching.catalog_words import heads_and_tails
from ingest.matching.describe import describe_line
from ingest.matching.descriptions import tokens
from ingest.matching.line_words import same_stem, shortens, spelled_out

SURE = RuleSet().thresholds.line

CATALOG = [
    # only Plain retaining rings are stocked: 'Plain' is shared by every sibling
    ("RR-E34", 'Retaining Ring E-Style 3/4" Spring Steel Plain 25/Pack'),
    ("RR-E58", 'Retaining Ring E-Style 5/8" Spring Steel Plain 25/Pack'),
    ("RR-I34", 'Retaining Ring Internal 3/4" Spring Steel Plain 25/Pack'),
    ("RR-I12", 'Retaining Ring Internal 1/2" Beryllium Copper Plain 25/Pack'),
    # only tee-handle ball valves
    ("BV-1", 'Ball Valve 1-1/2" Brass Press Tee Handle'),
    ("BV-2", 'Ball Valve 1-1/2" PVC Threaded Tee Handle'),
    ("BV-3", 'Ball Valve 1" Brass Press Tee Handle'),
    # galvanized fittings only
    ("MAL-1", 'Malleable Iron Fitting Coupling 3/8" Galvanized Class 150'),
    ("MAL-2", 'Malleable Iron Fitting Coupling 3/4" Galvanized Class 150'),
    ("MAL-3", 'Malleable Iron Fitting Street Elbow 3/4" Galvanized Class 150'),
    # cleaners in two sizes
    ("CLN-1G", "Cleaner Purosan Glass Cleaner 1 Gallon Lavender 12/Case"),
    ("CLN-5G", "Cleaner Purosan Glass Cleaner 5 Gallon Pail Lavender 12/Case"),
    ("CLN-APC", "Cleaner Purosan All-Purpose Cleaner 1 Gallon Lemon 12/Case"),
    # supply lines with two connections
    ("SUP-33", 'Supply Line 20" 3/8 Comp x 3/8 Comp PVC'),
    ("SUP-37", 'Supply Line 20" 3/8 Comp x 7/8 Ballcock PVC'),
    # screws in finishes, and slotted screws making 'std' read as 'slotted' across the catalog
    ("SET-BO", 'Set Screw #10-24 x 1/2" Cup Point Black Oxide Domestic 100/Box'),
    ("SET-ZP", 'Set Screw #10-24 x 1/2" Cup Point Zinc Plated Domestic 100/Box'),
    ("MS-S1", 'Machine Screw Round Head Slotted #4-40 x 1/2" Zinc Plated 100/Box'),
    ("MS-S2", 'Machine Screw Flat Head Slotted #6-32 x 1/2" Zinc Plated 100/Box'),
    ("MS-S3", 'Machine Screw Pan Head Slotted #8-32 x 1/2" Zinc Plated 100/Box'),
    ("SKT-STD", 'Socket 1/2 in Drive 1-1/8" Standard 6-Point'),
    ("SKT-DP", 'Socket 1/2 in Drive 1-1/4" Deep 6-Point'),
    # only sanitizer in foam
    ("SOAP-FS", "Hand Soap Foam Sanitizer 1200 ml Refill Citrus 4/Case"),
    ("SOAP-GS", "Hand Soap Gel Sanitizer 1200 ml Refill Citrus 4/Case"),
    # lamps of both types
    ("T8-AB", "LED T8 Tube 2 ft 15W 4000K Type A+B 25/Case"),
    ("T8-B4", "LED T8 Tube 4 ft 15W 4000K Type B 25/Case"),
    ("WIRE-14", "THHN Wire 14 AWG Stranded Black 500 ft Spool"),
    ("WIRE-12", "THHN Wire 12 AWG Stranded Black 500 ft Spool"),
    ("TUBE", 'Heat Shrink Tubing 1/2" 2:1 White 25 ft Spool'),
    ("TUBE-15", 'Heat Shrink Tubing 1-1/2" 2:1 White 25 ft Spool'),
    ("MOP-C", "Wet Mop Head Cut-End Cotton 32 oz 5 in Headband 12/Case"),
    ("MOP-B", "Wet Mop Head Cut-End Blend 32 oz 5 in Headband 12/Case"),
    ("TS-2", "T-Shirt Long Sleeve White 2X-Large"),
    ("TS-3", "T-Shirt Long Sleeve White 3X-Large"),
]


@pytest.fixture(scope="module")
def index() -> DescriptionIndex:
    return DescriptionIndex(CATALOG)


def sure(text: str, index: DescriptionIndex) -> str | None:
    """The SKU the line commits to, or None when it needs a clerk."""
    match = describe_line(text, index, RuleSet())
    return match.sku if match.confidence >= SURE else None


@pytest.mark.parametrize(
    "text",
    [
        "valve ball 1 1/2 inch brass Press lever",  # 'lever' for 'Tee Handle'
        "snap ring E-Style phosphate 3/4 Spring Steel",  # 'phosphate' for 'Plain'
        "PVC ball valve 1-1/2 slip tee handle",  # 'slip' for 'Threaded'
        "Malleable Iron Fitting coupling 3/8in black class 150",  # a colour for 'Galvanized'
        "hand soap foam soap 1200 ml refill citrus",  # the kind's word again, for 'Sanitizer'
        "led t8 tube 4 ft 15w 4000k type a+b",  # 'A+B' is not 'B'
        "tube led t8 2 ft 15w 4000k type b",  # 'B' is not 'A+B'
    ],
)
def test_a_line_one_attribute_off_is_never_committed(text: str, index: DescriptionIndex) -> None:
    assert sure(text, index) is None


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("snap ring E-Style 3/4 Spring Steel Plain", "RR-E34"),  # 'snap' names the kind
        ("set scr #10-24 x 1/2 cup pt bo domestic", "SET-BO"),  # initials: black oxide
        ("SKT 1/2 IN DRIVE 1-1/8IN STD 6-POINT", "SKT-STD"),  # 'std' is this socket's 'standard'
        ("THHN WIRE 14 ga STRD BLACK 500 FT SPOOL", "WIRE-14"),  # '14 ga' says '14 AWG'
        ('heat shrink tubing 2:1 1/2" 25 ft spool white', "TUBE"),  # 2:1 then 1/2, not 1-1/2
        ("MOP HEAD CUT-END BLEDN 32 OZ 5 IN HEADBAND", "MOP-B"),  # one transposition in five letters
        ("t-shirt long sleeve wht 2x", "TS-2"),  # apparel 2X is XXL
    ],
)
def test_a_line_saying_everything_its_own_way_is_committed(
    text: str, sku: str, index: DescriptionIndex
) -> None:
    assert sure(text, index) == sku


def test_a_size_the_line_leaves_out_is_in_doubt(index: DescriptionIndex) -> None:
    match = describe_line("cleaning chemical Purosan glass cleaner Lavender cs/12", index, RuleSet())
    assert match.confidence < SURE
    assert match.sku in {"CLN-1G", "CLN-5G"}
    one_connection = describe_line("Supply Line 20 inch pvc", index, RuleSet())
    assert one_connection.confidence < SURE


def test_the_reason_says_why_a_match_is_not_sure(index: DescriptionIndex) -> None:
    match = describe_line("Purosan glass cleaner lavender 12/case", index, RuleSet())
    assert match.confidence < SURE
    assert "does not say" in match.reason or "ambiguous" in match.reason or "close" in match.reason


def test_words_read_as_another_products_do_not_make_siblings_unlike() -> None:
    """'hd' may be initials of 'Hot Dip' but here it is 'head': the galvanized screw must not win
    over its stainless sibling that the line cannot tell apart."""
    index = DescriptionIndex(
        [
            ("HDG", 'Hex Cap Screw 1"-8 x 1/2" Partial Thread Grade 8 Hot-Dip Galvanized Domestic'),
            ("SS", 'Hex Cap Screw 1"-8 x 1/2" Partial Thread Grade 8 18-8 Stainless Steel Domestic'),
            ("ZP", 'Hex Cap Screw 1"-8 x 1" Partial Thread Grade 8 Zinc Plated Domestic'),
        ]
    )
    assert sure("hex hd cap screw 1-8x.5 in partial thd Grade 8 Domestic", index) is None


def test_heads_are_the_words_naming_the_kind() -> None:
    lists = [tokens(d) for _, d in CATALOG]
    heads, tails = heads_and_tails(lists)
    by_sku = {sku: (head, tail) for (sku, _), head, tail in zip(CATALOG, heads, tails, strict=True)}
    assert by_sku["RR-E34"][0] == {"retaining", "ring"}
    assert by_sku["BV-1"][0] == {"ball", "valve"}
    assert "plain" in by_sku["RR-E34"][1]
    assert by_sku["SOAP-FS"][1][:2] == ("foam", "sanitizer")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("sch", "schedule", True), ("hd", "head", True), ("w", "watt", True), ("hd", "dh", False)],
)
def test_shortens(a: str, b: str, expected: bool) -> None:
    assert shortens(a, b) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("zip", "zipper", True),
        ("tube", "tubing", True),
        ("stub", "stubby", True),
        ("tooth", "toothline", False),
        ("internal", "external", False),
        ("dimmable", "nondimmable", False),
    ],
)
def test_same_stem(a: str, b: str, expected: bool) -> None:
    assert same_stem(a, b) is expected


def test_spelled_out_reads_initials_then_beginnings() -> None:
    words = ("set", "screw", "cup", "point", "black", "oxide", "ivory")
    assert spelled_out({"bo", "iv", "yz"}, words) == {"bo": ("black", "oxide"), "iv": ("ivory",)}


MORE = [
    ("EP-FC", "Earplugs Foam Corded NRR 33 200/Box"),
    ("EP-FU", "Earplugs Foam Uncorded NRR 33 200/Box"),
    ("RSP-V", "Respirator N95 with Valve Small 20/Box"),
    ("RSP-R", "Respirator R95 Small 20/Box"),
    ("TAP-H", 'Tap 5/16"-24 Spiral Point HSS'),
    ("TAP-T", 'Tap 5/16"-24 Spiral Point HSS TiN Coated'),
    ("PT-2", 'Packing Tape Tapeco 2" x 110 yd 3.0 mil Clear 36/Case'),
    ("PT-3", 'Packing Tape Tapeco 3" x 110 yd 2.0 mil Clear 36/Case'),
    ("LUG", "Compression Lug 1-Hole Long Barrel 4 AWG 3/8 in Stud Insulated 10/Box"),
]


@pytest.fixture(scope="module")
def more() -> DescriptionIndex:
    return DescriptionIndex(MORE)


@pytest.mark.parametrize(
    "text",
    [
        "Earplugs Reusable Corded NRR 33 200 per box",  # only foam is stocked
        "RESPIRATOR SM 20/BOX N95",  # what comes 'with' it is a choice the line does not make
        "tap 5/16-24 spiral point",  # the plain tap, or the coated one: the line says neither
        "BOX TAPE TAPECO 3 INX110 YDS 3.0-MIL CLR",  # 3 mil is the 2 inch tape's
    ],
)
def test_more_lines_one_attribute_off_are_never_committed(text: str, more: DescriptionIndex) -> None:
    assert sure(text, more) is None


def test_a_number_after_a_number_sign_is_no_mixed_fraction(more: DescriptionIndex) -> None:
    assert tokens("lug #4 3/8 in stud")[1:3] == ["4", "0.375"]
    assert tokens("Grade 30 5/16")[1:] == ["30", "0.3125"]
    assert tokens("pipe 2 1/2")[1:] == ["2.5"]
    assert sure("compression lug 1-hole long barrel #4 3/8 in stud insulated", more) == "LUG"


def test_labelled_sizes_keep_their_order() -> None:
    index = DescriptionIndex(
        [
            ("PN-3630", "Work Pants Regular Fit Charcoal Waist 36 x Inseam 30"),
            ("PN-3232", "Work Pants Regular Fit Charcoal Waist 32 x Inseam 32"),
        ]
    )
    match = describe_line("WORK PANTS WAIST 30 X INSEAM 36 REGULAR FIT CHAR", index, RuleSet())
    assert match.confidence < SURE
    assert "30 x 36 vs 36 x 30" in match.reason
    assert sure("work pants regular fit charcoal waist 36 x inseam 30", index) == "PN-3630"
