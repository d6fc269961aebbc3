"""The 855 purchase order acknowledgment writer: envelope, BAK02, one ACK per line, counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.parsers.x12.ack import ControlNumbers
from ingest.parsers.x12.envelope import read_interchanges
from ingest.parsers.x12.model import FunctionalGroup, Interchange, Segment
from ingest.parsers.x12.po_ack import LineAck, LineTerms, OrderAck, PurchaseOrderAck, build_855, line_status

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "documents" / "acme_850_4500200.x12"
NOW = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
NUMBERS = ControlNumbers(41, 42)
ORDER_ID = "0b6f4c2e-5d1a-4f7e-9a3b-2c8d7e6f5a41"


def inbound(text: bytes | None = None) -> tuple[Interchange, FunctionalGroup, list[Segment]]:
    [ic] = read_interchanges(text if text is not None else FIXTURE.read_bytes())
    group = ic.groups[0]
    po1s = [s for s in group.transactions[0].segments if s.tag == "PO1"]
    return ic, group, po1s


def terms(qty: str, uom: str, price: str, item: str | None = None) -> LineTerms:
    return LineTerms(Decimal(qty), uom, Decimal(price), item)


SENT = [
    terms("20", "BX", "12.37", "FAS-10003-ZP"),
    terms("6", "EA", "18.709"),
    terms("5", "BX", "25.45", "FAS-10002-SS"),
]


def build(
    committed: list[LineTerms | None],
    *,
    text: bytes | None = None,
    rejected: bool = False,
    ship: date | None = None,
    numbers: ControlNumbers = NUMBERS,
) -> PurchaseOrderAck:
    ic, group, po1s = inbound(text)
    lines = tuple(
        LineAck(ordered=sent, committed=final, po1=po1, line_number=str(n), ship_date=ship)
        for n, (sent, final, po1) in enumerate(zip(SENT, committed, po1s, strict=True), start=1)
    )
    order = OrderAck("4500200", date(2026, 3, 5), ORDER_ID, lines, rejected=rejected)
    return build_855(ic, group, order, numbers, NOW)


def segments(text: str, element: str = "*", terminator: str = "~") -> list[list[str]]:
    return [s.strip().split(element) for s in text.split(terminator) if s.strip()]


def test_all_lines_accepted_gives_ad_and_ia_with_the_ship_date() -> None:
    ack = build(list(SENT), ship=date(2026, 3, 19))
    segs = segments(ack.text)
    assert ack.acknowledgment_type == "AD" and ack.line_statuses == ("IA", "IA", "IA")
    [bak] = [s for s in segs if s[0] == "BAK"]
    assert bak[:5] == ["BAK", "00", "AD", "4500200", "20260305"]
    assert bak[8] == ORDER_ID.replace("-", "")[:30] and bak[9] == "20260306"
    acks = [s for s in segs if s[0] == "ACK"]
    assert acks[0] == ["ACK", "IA", "20", "BX", "068", "20260319"]
    assert acks[1] == ["ACK", "IA", "6", "EA", "068", "20260319"]
    # the partner's PO1 lines echoed as sent
    third = [s for s in segs if s[0] == "PO1"][2]
    assert third == ["PO1", "3", "5", "BX", "25.45", "", "UP", "081234100025", "VN", "FAS-10002-SS"]


def test_envelope_counts_and_our_control_numbers() -> None:
    segs = segments(build(list(SENT)).text)
    tags = [s[0] for s in segs]
    assert tags[:4] == ["ISA", "GS", "ST", "BAK"] and tags[-4:] == ["CTT", "SE", "GE", "IEA"]
    assert tags.count("PO1") == 3 and tags.count("ACK") == 3
    isa, gs, st = segs[0], segs[1], segs[2]
    assert isa[6].strip() == "NORTHWINDSUP" and isa[8].strip() == "ACMEHW"  # back to the sender
    assert isa[12] == "00401" and isa[13] == "000000041" and isa[14] == "0" and isa[16] == ">"
    assert gs[1:4] == ["PR", "NORTHWINDSUP", "ACMEHW"] and gs[6] == "42" and gs[8] == "004010"
    assert st == ["ST", "855", "0001"]
    se = segs[tags.index("SE")]
    assert se == ["SE", str(tags.index("SE") - tags.index("ST") + 1), "0001"]
    assert segs[tags.index("CTT")] == ["CTT", "3", "31"]
    assert segs[tags.index("GE")] == ["GE", "1", "42"] and segs[-1] == ["IEA", "1", "000000041"]
    assert len(segs[0][0] + "*" + "*".join(segs[0][1:])) == 105  # ISA is fixed width


def test_changes_by_a_clerk_are_reported_per_line() -> None:
    ack = build(
        [
            terms("20", "BX", "12.37", "FAS-10003-ZP"),  # as sent
            terms("8", "EA", "18.709", "HTL-20001"),  # quantity (they named no part of ours)
            terms("5", "BX", "24.00", "FAS-10002-SS"),  # price
        ]
    )
    assert ack.acknowledgment_type == "AC" and ack.line_statuses == ("IA", "IQ", "IP")
    segs = segments(ack.text)
    acks = [s for s in segs if s[0] == "ACK"]
    assert acks[1] == ["ACK", "IQ", "8", "EA"]
    po1s = [s for s in segs if s[0] == "PO1"]
    assert po1s[2][4] == "24" and po1s[1][2] == "6"  # accepted price in PO104; ordered quantity kept


def test_substitution_and_several_changes() -> None:
    ack = build(
        [
            terms("20", "BX", "12.37", "FAS-10004-ZP"),  # another item than their VN
            terms("6", "CA", "18.709"),  # unit changed: a quantity change
            terms("4", "BX", "20", "FAS-10002-ZP"),  # quantity, price and item
        ]
    )
    assert ack.line_statuses == ("IS", "IQ", "IC")
    acks = [s for s in segments(ack.text) if s[0] == "ACK"]
    assert acks[0] == ["ACK", "IS", "20", "BX", "", "", "", "VN", "FAS-10004-ZP"]
    assert acks[2] == ["ACK", "IC", "4", "BX", "", "", "", "VN", "FAS-10002-ZP"]


def test_same_part_written_differently_is_no_substitution() -> None:
    assert line_status(LineAck(SENT[0], terms("20", "BX", "12.370", "fas 10003 zp"))) == "IA"


def test_a_rejected_order_rejects_every_line() -> None:
    ack = build(list(SENT), rejected=True, ship=date(2026, 3, 19))
    assert ack.acknowledgment_type == "RD" and ack.line_statuses == ("IR", "IR", "IR")
    acks = [s for s in segments(ack.text) if s[0] == "ACK"]
    assert acks[0] == ["ACK", "IR", "20", "BX"]  # no ship date for a rejected line


def test_a_rejected_line_in_an_accepted_order() -> None:
    ack = build([SENT[0], None, SENT[2]])
    assert ack.acknowledgment_type == "AC" and ack.line_statuses == ("IA", "IR", "IA")


def test_separators_of_the_partner_are_mirrored() -> None:
    text = FIXTURE.read_bytes().replace(b"*", b"|").replace(b"~", b"!").replace(b"|>!", b"|^!")
    ack = build(list(SENT), text=text)
    segs = segments(ack.text, "|", "!")
    assert segs[0][0] == "ISA" and segs[0][16] == "^" and [s[0] for s in segs][-1] == "IEA"
    assert "*" not in ack.text and "~" not in ack.text


def test_unprintable_separators_are_answered_in_the_common_ones() -> None:
    text = (
        FIXTURE.read_bytes().replace(b"*", b"\x1d").replace(b"~\n", b"\x1c\n").replace(b">\x1c", b"\x1f\x1c")
    )
    ack = build(list(SENT), text=text)
    assert segments(ack.text)[0][0] == "ISA" and "\x1d" not in ack.text


def test_old_versions_write_six_digit_dates() -> None:
    text = FIXTURE.read_bytes().replace(b"004010", b"003040").replace(b"*00401*", b"*00304*")
    segs = segments(build(list(SENT), text=text, ship=date(2026, 3, 19)).text)
    [bak] = [s for s in segs if s[0] == "BAK"]
    assert bak[4] == "260305" and len(bak) == 9  # no BAK09 before 004010
    assert next(s for s in segs if s[0] == "ACK")[5] == "260319"
    assert segs[1][4] == "260306" and segs[1][8] == "003040"


@pytest.mark.parametrize("version", ["005010"])
def test_version_5010_takes_the_whole_order_id(version: str) -> None:
    text = FIXTURE.read_bytes().replace(b"004010", version.encode()).replace(b"*00401*", b"*00501*")
    [bak] = [s for s in segments(build(list(SENT), text=text).text) if s[0] == "BAK"]
    assert bak[8] == ORDER_ID
