"""The EDIFACT reader against every file of the shared corpus (../shared/corpus/edifact).

Expectations are written from the corpus's MANIFEST.md (PO numbers and LIN counts of the ORDERS
messages) and from reading the files; the reason for every rejection is given beside it. The
MANIFEST's "documents" lines are also parsed, to check that every ORDERS message it lists is
either read with its PO number and line count or rejected with a reason named here.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import DOCUMENT_ERROR_KINDS
from ingest.parsers.base import ParseContext, ParseOutcome
from ingest.parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
EDIFACT = CORPUS / "edifact"
FILES = sorted(p.name for p in EDIFACT.iterdir()) if EDIFACT.is_dir() else []

OBOE = [("0123456789123", 3)]
# Files whose every ORDERS message is read: (PO number, LIN count) in file order.
READ: dict[str, list[tuple[str, int]]] = {
    "EDIandXML_OBOE_orders.edi": OBOE,  # UNZ02 00000916 = UNB05 00000000000916 as numbers
    "EDIandXML_OBOE_orders.missingMandatoryElements.edi": OBOE,  # DTM without qualifier: noted
    "EDIandXML_OBOE_orders.newdelimiters.edi": OBOE,  # no UNA: delimiters taken from UNB/UNH, noted
    "EDIandXML_OBOE_orders.withbadunbsegment.edi": OBOE,  # doubled terminators: empty segments skipped
    "EdiFabric_X12.NET_Edifact_PurchaseOrder.txt": OBOE,
    "EdiFabric_X12.NET_Edifact_PurchaseOrderInvalid.txt": OBOE,  # CNT repeated, all consistent
    "EdiFabric_X12.NET_Edifact_PurchaseOrderLINSplit.txt": OBOE,  # release SPL: noted
    "EdiFabric_X12.NET_Edifact_PurchaseOrderWithUna.txt": OBOE,
    "EdiFabric_X12.NET_Edifact_PurchaseOrders.txt": OBOE * 2,
    "OCA_edi_Retail_EDIFACT_ORDERS_sample1.txt": [("1AA1TEST", 3)],
    "OCA_edi_Retail_EDIFACT_ORDERS_sample2.txt": [("1AA1TEST", 3)],
    "OCA_edi_test_orders_-_no_ean_in_LIN_segments.txt": [("467819", 5)],
    "bots-edi_bots-plugins_my_first_plugin_order03.edi": [("ORDT0000000001", 1)],
    "bots-edi_bots-plugins_orders01.edi": [("T0000000004-1", 1), ("T0000000004-2", 1), ("T0000000004-3", 1)],
    "bots-edi_bots-plugins_orders03.edi": [("T0000000015", 1)],  # hard-wrapped at 78 columns
    "bots-edi_bots-plugins_orders96_orders02.edi": [("1-4500094289", 4), ("1-4500094290", 1)],
    "bots-edi_bots-plugins_orders_to_csv_test.edi": [
        ("BGMREF", 4),
        ("1-4500094289", 2),
        ("1-4500094290", 1),
        ("1-4500094291", 1),
    ],
    "bots-edi_bots-plugins_sap_inbound_orders_1.edi": [
        ("4200000064", 2),
        ("4200001051", 1),
        ("4200006016", 1),
        ("4200000063", 1),
        ("4200003095", 3),
        ("4200001051", 1),
        ("4200000064", 2),
        ("4200003095", 3),
        ("4200003091", 1),
        ("4200003091", 1),
        ("4200000063", 1),
        ("4200006016", 1),
    ],
    "canabrook_berrywave-python_orders.edi": [("100001", 2)],
    "hellooops_vscode-edi-support_bug-edifact-escape.edifact": [("K12345", 0)],  # blank UNB sender: noted
    "hellooops_vscode-edi-support_sample-orders-minified.edifact": [("1AA1TEST", 3)],
    "hellooops_vscode-edi-support_sample-orders.edifact": [("1AA1TEST", 3)],
    "hellooops_vscode-edi-support_syntaxVersion4.edifact": [("1AA1TEST", 0)],  # CNT 2:3 lowers confidence
    "php-edifact_edifact_example_order_ok.edi": [("2019265563", 146)],
    "smooks_smooks-edi-cartridge_ORDERS_D.03B_Interchange.txt": [("BKOD99", 4)],
}

ORDERS02 = [
    ("123", 3),
    ("1234", 3),
    ("12345", 3),
    ("123456", 3),
    ("1234567", 3),
    ("12345678", 3),
    ("123456789", 3),
    ("1234567890", 3),
    ("12345678901", 0),
    ("12345678901234", 3),
    ("12345678901234", 3),
    ("123456789012345", 1),
    ("1234567890123456", 1),
    ("12345678901234567", 3),
    ("123456789012", 3),
    ("123456789012345678", 3),
    ("12345567789000", 6),
    ("12345123456", 3),
    ("123456789", 3),
    ("1234567", 3),
    ("123456", 3),
    ("12345", 3),
    ("T", 1),
]

Rejection = tuple[str, str, str]  # kind, words of the message, location
# Files with rejected parts: (orders read, rejections in file order).
REJECTED: dict[str, tuple[list[tuple[str, int]], list[Rejection]]] = {
    # ORDRSP under a file name that says ORDERS
    "BerryWorksSoftware_edireader_ORDERS-D01B-UNOC.edi": (
        [],
        [("edifact_syntax", "message ORDRSP", "UNH 000001")],
    ),
    "BerryWorksSoftware_edireader_ORDERS-D01B-UNOD.edi": (
        [],
        [("edifact_syntax", "message ORDRSP", "UNH 000001")],
    ),
    # generated lorem ipsum (ISO 8859-5): DTM 179 holds text where format 204 wants a date
    "BerryWorksSoftware_edireader_ORDERS-D01B-UNOE.edi": (
        [],
        [("edifact_syntax", "DTM 179: 'Лорем ипсу' is not a valid date", "UNH 000001, segment 26 (DTM)")],
    ),
    "BerryWorksSoftware_edireader_tiny-syntaxVariants-UNOA.edi": (
        [],
        [("edifact_syntax", "message INVOIC (invoice)", "UNH 00000000000117")],
    ),
    # the hellooops file mixes ORDERS and DESADV in its first interchange
    "hellooops_vscode-edi-support_EDIFACT-interchanges.edifact": (
        [("PO1", 0), ("PO3", 0)],
        [("edifact_syntax", "message DESADV (despatch advice)", "UNH 002")],
    ),
    # the 10th message has DTM+7:199708301200:102 (12 digits in format 102)
    "bots-edi_bots-plugins_edifactorder2xml_orders02.edi": (
        ORDERS02,
        [("edifact_syntax", "'199708301200' is not a valid date", "UNH I1L0401110000T, segment 9 (DTM)")],
    ),
    "EDIandXML_OBOE_orders.escape.edi": (
        [],
        [("edifact_syntax", "UNT01 says 27 segments, counted 16", "UNH 17420, segment 16 (UNT)")],
    ),
    "EDIandXML_OBOE_orders.missingMandatorySegments.edi": (
        [],
        [("edifact_syntax", "UNT01 says 30 segments, counted 27", "UNH 000000101, segment 27 (UNT)")],
    ),
    "OCA_edi_test_orders_-_no_PRI_segments.txt": (
        [],
        [("edifact_syntax", "UNT01 says 267 segments, counted 21", "UNH 000011956901, segment 21 (UNT)")],
    ),
    # two lines of #### before the UNB: rejected as the X12 reader rejects text before the ISA
    "bots-edi_bots-plugins_preprocessing_0T0000000004.edi": (
        [],
        [("edifact_syntax", "text before the first UNB", "UNB at byte 132")],
    ),
    "hellooops_vscode-edi-support_sample-invalid-version.edifact": (
        [],
        [("edifact_syntax", "message version 'X'", "UNH 1, segment 1 (UNH)")],
    ),
    # UNZ02 (DAREFNR00001) is not UNB05 (DAREFNR0000001); the message is an ORDRSP besides
    "indice-co_EDI.Net_edifact.ORDRSP-formatted.edi": (
        [],
        [("edifact_syntax", "UNZ02 DAREFNR00001 does not match UNB05", "UNB DAREFNR0000001")],
    ),
    "indice-co_EDI.Net_edifact.ORDRSP.edi": (
        [],
        [("edifact_syntax", "UNZ02 DAREFNR00001 does not match UNB05", "UNB DAREFNR0000001")],
    ),
    # no UNZ: the interchange is truncated
    "nerdocs_pydifact_order.edi": ([], [("edifact_syntax", "has no UNZ trailer", "UNB 807")]),
    "nerdocs_pydifact_order2.edi": ([], [("edifact_syntax", "has no UNZ trailer", "UNB 000000001")]),
    "php-edifact_edifact_example_multiline.edi": ([], [("edifact_syntax", "message IFTMBC", "UNH 0001")]),
    # unreleased ':' in "Sup 1:10 und So 1:6"
    "php-edifact_edifact_example_order_error.edi": (
        [],
        [("edifact_syntax", "IMD03 has 7 components", "UNH 2019265563, segment 359 (IMD)")],
    ),
    "php-edifact_edifact_example_release_character.edi": (
        [],
        [("edifact_syntax", "message PAORES", "UNH 1")],
    ),
    "php-edifact_edifact_example_utf8.edi": ([], [("edifact_syntax", "message DESADV", "UNH 142")]),
    "php-edifact_edifact_example_wrapped.edi": ([], [("edifact_syntax", "message PAORES", "UNH 1")]),
    "smooks_smooks-edi-cartridge_BAD_ORDERS_D.03B_Interchange.txt": (
        [],
        [("edifact_syntax", "UNT01 says 22 segments, counted 57", "UNH SSDD1, segment 57 (UNT)")],
    ),
    "xlate_staedi_orders-with-group.edi": (
        [],
        [("edifact_syntax", "UNT01 says 21 segments, counted 18", "UNH 1, segment 18 (UNT)")],
    ),
}
# UNB05 is "1"; "1234567" is UNB07 (application reference), which UNZ02 repeats
for _name in (
    "auto_detect_no_una.edi",
    "crlf_line_ending_formatted.edi",
    "esc_release_char_before_seg_delimiter_formatted.edi",
    "hash_seg_delimiter_single_line.edi",
    "line_break.edi",
):
    REJECTED[f"DAXaholic_vscode-edifact_sample_{_name}"] = (
        [],
        [("edifact_syntax", "UNZ02 1234567 does not match UNB05 1", "UNB 1")],
    )

# TRADACOMS (STX ... END) is not EDIFACT: not supported, said precisely.
TRADACOMS = {
    "indice-co_EDI.Net_tradacoms.order9.edi",
    "xlate_staedi_tradacoms_order-blocked.edi",
    "xlate_staedi_tradacoms_order-wrong-segment-tag-delimiter.edi",
    "xlate_staedi_tradacoms_order.edi",
}


def _absent() -> None:
    reason = f"no corpus at {EDIFACT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _corpus_present() -> None:
    if not FILES:
        _absent()


@cache
def manifest_orders() -> dict[str, list[tuple[str, int]]]:
    """From MANIFEST.md: the ORDERS messages of each edifact/ file, as (BGM document number, LIN count)."""
    found: dict[str, list[tuple[str, int]]] = {}
    name = None
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            name = line[4:].strip()[len("edifact/") :] if line[4:].startswith("edifact/") else None
        elif name and line.startswith("- documents"):
            docs = line.split(": ", 1)[1].split("; ")
            found[name] = [
                (m[1], int(m[2]))
                for d in docs
                if (m := re.match(r"ORDERS BGM \S+ (.+) (\d+) LIN", d.split(", UNT=")[0]))
            ]
    return found


def outcome_of(name: str) -> ParseOutcome:
    return default_registry().parse((EDIFACT / name).read_bytes(), ParseContext(filename=name))


def test_every_corpus_file_has_an_expectation() -> None:
    assert len(FILES) == 56
    assert set(FILES) == set(READ) | set(REJECTED) | TRADACOMS
    assert not (set(READ) & set(REJECTED))


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(name: str) -> None:
    outcome = outcome_of(name)
    if name in TRADACOMS:
        assert outcome.format is None and not outcome.orders and outcome.error is not None
        assert outcome.error.kind == "unrecognized" and "TRADACOMS is not supported" in outcome.error.message
        return
    assert outcome.format == "edifact" and outcome.error is None
    orders, rejections = (READ[name], []) if name in READ else REJECTED[name]
    assert [(o.po_number, len(o.lines)) for o in outcome.orders] == orders
    got = [(p.error.kind, p.error.message, p.error.location) for p in outcome.rejected]
    assert len(got) == len(rejections), got
    for (kind, message, location), (want_kind, words, want_location) in zip(got, rejections, strict=True):
        assert (kind, location) == (want_kind, want_location) and words in message, (kind, message, location)
    for order in outcome.orders:
        assert order.sender is not None and order.sender.channel == "edi"
        assert order.reference("interchange") and order.reference("message")
        order.model_dump_json()


@pytest.mark.parametrize("name", sorted(READ))
def test_read_files_agree_with_the_manifest(name: str) -> None:
    assert READ[name] == manifest_orders()[name]


def test_every_orders_message_of_the_manifest_is_read_or_rejected_with_a_reason() -> None:
    for name, listed in manifest_orders().items():
        if name in READ:
            continue
        if name in TRADACOMS:
            assert not listed
            continue
        read, rejections = REJECTED[name]
        assert not Counter(read) - Counter(listed), name
        whole = any(location.startswith("UNB") for _kind, _words, location in rejections)
        orders_rejected = [
            r for r in rejections if r[2].startswith("UNH") and not re.match(r"message [A-Z]{6}\b", r[1])
        ]
        assert whole or len(listed) - len(read) == len(orders_rejected), name


def test_the_charsets_of_the_berryworks_files_are_decoded() -> None:
    from ingest.parsers.edifact.envelope import read_interchanges

    unoc = read_interchanges((EDIFACT / "BerryWorksSoftware_edireader_ORDERS-D01B-UNOC.edi").read_bytes())[0]
    unoe = read_interchanges((EDIFACT / "BerryWorksSoftware_edireader_ORDERS-D01B-UNOE.edi").read_bytes())[0]
    assert (unoc.charset, unoe.charset) == ("iso-8859-1", "iso-8859-5")
    assert unoc.messages[0].segments[1].comp(2, 1) == "Lörém ïpsü"
    assert unoe.messages[0].segments[1].comp(2, 1) == "Лорем ипсу"


def test_a_read_order_in_detail() -> None:
    [order] = outcome_of("OCA_edi_Retail_EDIFACT_ORDERS_sample1.txt").orders
    assert order.sender is not None and (order.sender.edi_qualifier, order.sender.edi_id) == (
        "14",
        "5450534000000",
    )
    assert order.buyer is not None and order.buyer.identifiers[0].value == "5450534000017"
    assert order.bill_to is not None and order.bill_to.name == "AMAZON EU SARL"
    assert order.currency == "EUR" and str(order.po_date) == "2023-06-06"
    assert [(str(line.quantity), str(line.unit_price), line.upc) for line in order.lines] == [
        ("5", "27.5", "9783898307529"),
        ("1", "10.87", None),
        ("3", "3.85", None),
    ]
    # the check digits of the last two EANs are wrong: kept as notes for the clerk
    assert "line 2: invalid EAN 9783898307538" in order.notes


# -- random damage to the readable files -----------------------------------------------------------


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    content = (EDIFACT / draw(st.sampled_from(sorted(READ)))).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(content)))
        how = draw(st.sampled_from(["delete", "byte", "service", "truncate"]))
        if how == "truncate":
            content = content[:at]
        elif how == "delete":
            content = content[:at] + content[at + draw(st.integers(1, 40)) :]
        else:
            byte = (
                draw(st.sampled_from([b"?", b"'", b"+", b":", b"\n", b"UNH+", b"UNZ+"]))
                if how == "service"
                else bytes([draw(st.integers(0, 255))])
            )
            content = content[:at] + byte + content[at:]
    return content


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_corpus_files_give_orders_or_our_errors(content: bytes) -> None:
    outcome = default_registry().parse(content, ParseContext(filename="damaged.edi"))
    errors = ([outcome.error] if outcome.error else []) + [part.error for part in outcome.rejected]
    assert all(e.kind in DOCUMENT_ERROR_KINDS and e.message for e in errors)
    for order in outcome.orders:
        order.model_dump_json()
