from __future__ import annotations

from datetime import UTC, datetime

from ingest.parsers.x12.ack import ControlNumbers, build_acknowledgment
from ingest.parsers.x12.model import (
    FunctionalGroup,
    Interchange,
    Issue,
    Segment,
    SegmentError,
    Separators,
    TransactionSet,
)

NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
NUMBERS = ControlNumbers(interchange=42, group=7)
SEPS = Separators(element="*", component=">", segment="~", repetition="^")


def ts(control: str, issues: list[Issue] | None = None, tid: str = "850") -> TransactionSet:
    return TransactionSet(id=tid, control_number=control, segments=[], issues=issues or [])


def group(
    *sets: TransactionSet, issues: list[Issue] | None = None, fid: str = "PO", version: str = "004010"
) -> FunctionalGroup:
    ge = Segment("GE", (str(len(sets)), "17"), 99)
    return FunctionalGroup(
        fid,
        "BUYERAPP",
        "OURAPP",
        "20260304",
        "0930",
        "17",
        "X",
        version,
        Segment("GS", (), 1),
        ge,
        list(sets),
        issues or [],
    )


def interchange(
    *groups: FunctionalGroup,
    ack_requested: bool = False,
    issues: list[Issue] | None = None,
    seps: Separators = SEPS,
    version: str = "00401",
) -> Interchange:
    return Interchange(
        "ZZ",
        "ACMEHW         ",
        "ZZ",
        "NORTHWIND      ",
        "260304",
        "0930",
        version,
        "000000123",
        ack_requested,
        "P",
        seps,
        Segment("ISA", (), 0),
        Segment("IEA", (), 100),
        list(groups),
        issues or [],
    )


def segments(text: str) -> list[list[str]]:
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def test_all_accepted() -> None:
    ack = build_acknowledgment(interchange(group(ts("0001"), ts("0002"))), NUMBERS, NOW)
    assert ack is not None and ack.kind == "997" and (ack.accepted, ack.rejected) == (2, 0)
    segs = segments(ack.text)
    isa = segs[0]
    assert isa[6].strip() == "NORTHWIND" and isa[8].strip() == "ACMEHW" and isa[13] == "000000042"
    assert len(ack.text.split("~")[0]) == 105  # the ISA is fixed-width
    assert ["GS", "FA", "OURAPP", "BUYERAPP", "20260304", "0930", "7", "X", "004010"] in segs
    assert ["AK1", "PO", "17"] in segs
    assert ["AK2", "850", "0001"] in segs and ["AK5", "A"] in segs
    assert ["AK9", "A", "2", "2", "2"] in segs
    st = segs.index(["ST", "997", "0001"])
    se = next(s for s in segs if s[0] == "SE")
    assert int(se[1]) == segs.index(se) - st + 1 and se[2] == "0001"
    assert segs[-2] == ["GE", "1", "7"] and segs[-1] == ["IEA", "1", "000000042"]


def test_partially_accepted_with_segment_and_element_errors() -> None:
    bad = Issue(
        "x12_syntax",
        "PO102 is not a number",
        "ST 0002, segment 5 (PO1)",
        "transaction",
        ak5_code="5",
        segment_error=SegmentError("PO1", 5, "8", element_position=2, element_code="6", element_value="1x0"),
    )
    ack = build_acknowledgment(interchange(group(ts("0001"), ts("0002", [bad]))), NUMBERS, NOW)
    assert ack is not None and (ack.accepted, ack.rejected) == (1, 1)
    segs = segments(ack.text)
    assert ["AK3", "PO1", "5", "", "8"] in segs
    assert ["AK4", "2", "", "6", "1x0"] in segs
    assert ["AK5", "R", "5"] in segs
    assert ["AK9", "P", "2", "2", "1"] in segs


def test_group_error_rejects_the_group() -> None:
    g = group(
        ts("0001"), issues=[Issue("x12_control_number", "GE02 differs", "GS 17", "group", ak9_code="4")]
    )
    ack = build_acknowledgment(interchange(g), NUMBERS, NOW)
    assert ack is not None and ["AK9", "R", "1", "1", "0", "4"] in segments(ack.text)


def test_ta1_when_asked_and_when_the_interchange_is_broken() -> None:
    ack = build_acknowledgment(interchange(group(ts("0001")), ack_requested=True), NUMBERS, NOW)
    assert ack is not None and ["TA1", "000000123", "260304", "0930", "A", "000"] in segments(ack.text)
    broken = interchange(
        group(ts("0001")), issues=[Issue("x12_control_number", "IEA02", "ISA 000000123", "interchange")]
    )
    ack = build_acknowledgment(broken, NUMBERS, NOW)
    assert ack is not None and ack.kind == "TA1"
    segs = segments(ack.text)
    assert ["TA1", "000000123", "260304", "0930", "R", "001"] in segs
    assert not any(s[0] in ("GS", "ST") for s in segs) and segs[-1] == ["IEA", "0", "000000042"]


def test_acknowledgments_are_not_acknowledged() -> None:
    assert build_acknowledgment(interchange(group(ts("0001", tid="997"), fid="FA")), NUMBERS, NOW) is None


def test_5010_names_the_version_in_ak1_and_odd_separators_are_replaced() -> None:
    seps = Separators(element="\x1d", component="\x1f", segment="\x1c")
    ack = build_acknowledgment(
        interchange(group(ts("0001"), version="005010X220"), seps=seps, version="00501"), NUMBERS, NOW
    )
    assert ack is not None
    segs = segments(ack.text)
    assert ["AK1", "PO", "17", "005010X220"] in segs
    assert segs[0][11] == "^" and segs[0][12] == "00501"
