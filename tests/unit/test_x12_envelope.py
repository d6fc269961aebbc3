"""The X12 envelope reader: separators, structure, and every check, one broken thing at a time.

Interchanges are built here with correct counts and control numbers (``interchange``), written
with the separators under test (``render``), and then broken in exactly one place.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ingest.errors import DocumentError
from ingest.parsers.x12.envelope import read_interchanges
from ingest.parsers.x12.model import Interchange, Issue, Separators

PO = ("BEG*00*SA*PO-1**20240131", "PO1*1*10*EA*2.50**VP*X1", "CTT*1")


def isa(
    control: str = "000000123", version: str = "00401", e: str = "*", c: str = ">", rep: str = "U"
) -> str:
    fields = ["00", " " * 10, "00", " " * 10, "ZZ", "BUYER".ljust(15), "ZZ", "SELLER".ljust(15)]
    fields += ["240131", "1200", rep, version, control, "1", "P", c]
    return "ISA" + "".join(e + f for f in fields)


def transaction(cn: str = "0001", body: Sequence[str] = PO, tid: str = "850") -> list[str]:
    segments = [f"ST*{tid}*{cn}", *body]
    return [*segments, f"SE*{len(segments) + 1}*{cn}"]


def group(*sets: list[str], cn: str = "17") -> list[str]:
    inner = [s for ts in sets for s in ts]
    return [f"GS*PO*BUYER*SELLER*20240131*1200*{cn}*X*004010", *inner, f"GE*{len(sets)}*{cn}"]


def interchange(*groups: list[str], control: str = "000000123", **isa_kw: str) -> list[str]:
    inner = [s for g in groups for s in g]
    return [isa(control, **isa_kw), *inner, f"IEA*{len(groups)}*{control}"]


def standard() -> list[str]:
    return interchange(group(transaction("0001"), transaction("0002")))


def render(segments: Sequence[str], e: str = "*", t: str = "~", after: str = "", final: bool = True) -> bytes:
    """Join segments (written with '*'; the ISA carries its own separators) with ``t`` + ``after``."""
    rest = [s.replace("*", e) for s in segments[1:]]
    end = t + after
    return (end.join([segments[0], *rest]) + (end if final else "")).encode("latin-1")


def replace(segments: list[str], old: str, new: str | None) -> list[str]:
    """The segments with the one equal to ``old`` replaced (or removed when ``new`` is None)."""
    assert segments.count(old) == 1, old
    at = segments.index(old)
    return segments[:at] + ([] if new is None else [new]) + segments[at + 1 :]


def read_one(content: bytes) -> Interchange:
    interchanges = read_interchanges(content)
    assert len(interchanges) == 1
    return interchanges[0]


def all_issues(ic: Interchange) -> list[Issue]:
    found = list(ic.issues)
    for g in ic.groups:
        found += g.issues
        for ts in g.transactions:
            found += ts.issues
    return found


def only_issue(ic: Interchange) -> Issue:
    issues = all_issues(ic)
    assert len(issues) == 1, issues
    return issues[0]


# -- a good interchange ------------------------------------------------------------------------


def test_a_good_interchange_reads_without_issues() -> None:
    ic = read_one(render(standard()))
    assert all_issues(ic) == []
    assert (ic.sender_qualifier, ic.sender_id, ic.receiver_id) == ("ZZ", "BUYER", "SELLER")
    assert (ic.version, ic.control_number, ic.ack_requested, ic.usage) == ("00401", "000000123", True, "P")
    assert ic.separators == Separators("*", ">", "~", None)
    assert ic.isa.elements[15] == ">" and ic.iea is not None and ic.iea.el(2) == "000000123"
    (g,) = ic.groups
    assert (g.functional_id, g.control_number, g.version, g.ge is not None) == ("PO", "17", "004010", True)
    assert [(ts.id, ts.control_number) for ts in g.transactions] == [("850", "0001"), ("850", "0002")]
    assert [s.tag for s in g.transactions[0].segments] == ["ST", "BEG", "PO1", "CTT", "SE"]


def test_segments_carry_index_in_interchange_and_position_in_set() -> None:
    ic = read_one(render(standard()))
    first, second = ic.groups[0].transactions
    assert ic.isa.index == 0 and ic.groups[0].gs.index == 1
    assert [(s.index, s.position) for s in first.segments] == [(2, 1), (3, 2), (4, 3), (5, 4), (6, 5)]
    assert [(s.index, s.position) for s in second.segments] == [(7, 1), (8, 2), (9, 3), (10, 4), (11, 5)]
    assert ic.groups[0].ge is not None and ic.groups[0].ge.index == 12
    assert ic.iea is not None and (ic.iea.index, ic.iea.position) == (13, 0)
    assert first.segments[2].elements == ("1", "10", "EA", "2.50", "", "VP", "X1")


@pytest.mark.parametrize(
    ("e", "c", "t", "after", "segment"),
    [
        ("*", ">", "~", "", "~"),
        ("*", ">", "~", "\n", "~"),
        ("*", ">", "~", "\r\n", "~"),
        ("*", ">", "~", " ", "~"),
        ("|", ">", "~", "", "~"),
        ("^", "|", "~", "", "~"),
        ("~", "<", "$", "", "$"),  # the Chrysler 824: ~ separates elements
        ("\x1d", "@", "\x1c", "", "\x1c"),
        ("\x7f", ">", "\x15", "", "\x15"),
        ("*", ":", "\x15", "\r\n", "\x15"),
        ("*", ">", "\n", "", "\n"),
        ("*", ">", "\r\n", "", "\n"),
        ("*", ">", " \r\n", "", "\n"),  # space, then the line break
        ("*", ">", "\r", "", "\r"),
    ],
)
def test_separators_come_from_the_isa(e: str, c: str, t: str, after: str, segment: str) -> None:
    ic = read_one(render(interchange(group(transaction()), e=e, c=c), e=e, t=t, after=after))
    assert ic.separators == Separators(e, c, segment, None)
    assert all_issues(ic) == []
    assert [s.tag for s in ic.groups[0].transactions[0].segments] == ["ST", "BEG", "PO1", "CTT", "SE"]


def test_repetition_separator_from_isa11_from_version_00402() -> None:
    v5 = read_one(render(interchange(group(transaction()), version="00501", rep="^")))
    v4 = read_one(render(interchange(group(transaction()), version="00401")))
    assert (v5.separators.repetition, v4.separators.repetition) == ("^", None)


@pytest.mark.parametrize(
    "version",
    ["00200", "00204", "00300", "00302", "00304", "00305", "00306", "00400", "00401", "00402", "00403",
     "00404", "00405", "00406", "00501"],
)  # fmt: skip
def test_versions_00200_to_00501_are_read(version: str) -> None:
    assert all_issues(read_one(render(interchange(group(transaction()), version=version)))) == []


@pytest.mark.parametrize("version", ["00100", "00000", "00040", "0040A"])
def test_unknown_version_raises_when_nothing_else_is_readable(version: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_interchanges(render(interchange(group(transaction()), version=version)))
    assert caught.value.kind == "x12_envelope" and caught.value.location == "ISA at byte 0"
    assert "ISA12" in caught.value.message


def test_bom_blank_lines_and_padding_are_tolerated() -> None:
    body = render(standard(), after="\r\n")
    ic = read_one(b"\xef\xbb\xbf\r\n\n  " + body + b"\r\n\r\n   \x00\x00\x1a")
    assert all_issues(ic) == [] and ic.offset == 8


def test_bytes_that_are_not_utf8_never_fail() -> None:
    segments = transaction(body=("BEG*00*SA*PO-\xff\xe9**20240131", "CTT*0"))
    ic = read_one(render(interchange(group(segments))))
    assert ic.groups[0].transactions[0].segments[1].el(3) == "PO-\xff\xe9"


def test_a_file_without_a_final_terminator_keeps_its_last_segment() -> None:
    ic = read_one(render(standard(), final=False))
    assert all_issues(ic) == [] and ic.iea is not None


def test_an_empty_segment_is_skipped_without_an_issue() -> None:
    content = render(standard()).replace(b"~PO1", b"~~PO1", 1).replace(b"~GE", b"~~~GE")
    ic = read_one(content)
    assert all_issues(ic) == []
    assert [s.position for s in ic.groups[0].transactions[0].segments] == [1, 2, 3, 4, 5]


# -- layouts: wrapping, line ends, EBCDIC, odd terminators ----------------------------------------


def _wrap(content: bytes, width: int, newline: bytes) -> bytes:
    return newline.join(content[i : i + width] for i in range(0, len(content), width))


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_hard_wrapped_file_reads_like_the_unwrapped_one(newline: bytes) -> None:
    plain = render(standard())
    wrapped = read_one(_wrap(plain, 80, newline))
    expected = read_one(plain)
    assert all_issues(wrapped) == [] and wrapped.separators == expected.separators
    assert wrapped.groups[0].transactions == expected.groups[0].transactions


def test_a_line_break_missing_its_terminator_still_ends_the_segment() -> None:
    content = render(standard(), after="\r\n").replace(b"VP*X1~", b"VP*X1", 1)
    ic = read_one(content)
    assert all_issues(ic) == []
    assert [s.tag for s in ic.groups[0].transactions[0].segments] == ["ST", "BEG", "PO1", "CTT", "SE"]


def test_indented_segments_are_read() -> None:
    content = render(standard(), after="\n    ")
    assert all_issues(read_one(content)) == []


def test_ebcdic_with_80_byte_records() -> None:
    text = "".join((s + "\x85").ljust(80) for s in standard())
    ic = read_one(text.encode("cp037"))
    assert ic.separators == Separators("*", ">", "\x85", None)
    assert all_issues(ic) == [] and len(ic.groups[0].transactions) == 2


def test_a_multibyte_utf8_terminator() -> None:
    ic = read_one("…\n".join(standard()).encode("utf-8"))
    assert ic.separators.segment == "…" and all_issues(ic) == []


def test_isa16_left_out_before_a_line_break() -> None:
    segments = standard()
    segments[0] = segments[0][:-1]  # drop ">": the terminator then sits where ISA16 belongs
    ic = read_one(render(segments, after="\n"))
    assert ic.separators == Separators("*", "", "~", None) and ic.isa.elements[15] == ""
    assert all_issues(ic) == []


def test_padding_miscounted_with_non_ascii_spaces_is_accepted() -> None:
    segments = standard()
    segments[0] = segments[0].replace("*SELLER         *", "*SELLER \xa0 \xa0 *")
    ic = read_one("~\n".join(segments).encode("utf-8"))
    assert ic.receiver_id.startswith("SELLER ") and all_issues(ic) == []


# -- several interchanges ------------------------------------------------------------------------


def test_concatenated_interchanges_keep_their_own_separators() -> None:
    first = render(interchange(group(transaction()), control="000000001"), after="\r\n")
    second = render(
        interchange(group(transaction()), control="000000002", e="|", c="^"), e="|", t="\x15", after="\n"
    )
    third = render(interchange(group(transaction()), control="000000003"), t="\n")
    found = read_interchanges(first + second + b"\xef\xbb\xbf" + third)
    assert [ic.control_number for ic in found] == ["000000001", "000000002", "000000003"]
    assert [ic.separators.element + ic.separators.segment for ic in found] == ["*~", "|\x15", "*\n"]
    assert [ic.offset for ic in found] == [0, len(first), len(first) + len(second) + 3]
    assert all(all_issues(ic) == [] for ic in found)


def test_a_broken_interchange_after_a_good_one_is_recorded_not_raised() -> None:
    good = render(standard(), after="\n")
    trimmed = b"ISA*00**00**ZZ*BUYER*ZZ*SELLER*240131*1200*U*00401*000000124*0*P*>~GS*PO~IEA*1*000000124~"
    good_ic, broken = read_interchanges(good + trimmed)
    assert all_issues(good_ic) == []
    issue = only_issue(broken)
    assert (issue.kind, issue.level) == ("x12_envelope", "interchange")
    assert issue.location == f"ISA at byte {len(good)}"
    assert broken.groups == []


def test_a_missing_iea_before_the_next_isa_truncates_only_the_first() -> None:
    first = render(replace(standard(), "IEA*1*000000123", None))
    second = render(interchange(group(transaction()), control="000000124"))
    one, two = read_interchanges(first + second)
    issue = only_issue(one)
    assert (issue.kind, issue.level, issue.location) == ("x12_truncated", "interchange", "ISA 000000123")
    assert all_issues(two) == []


# -- unreadable files -----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \r\n\t", b"\xef\xbb\xbf\n"])
def test_empty_content(content: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        read_interchanges(content)
    assert caught.value.kind == "empty"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"Hello, this is not EDI at all.", "no ISA"),
        (b"ISA 00*          *00*          *ZZ*S              *ZZ*R              *240131*1100*U*00401*"
         b"000000001*0*P*>~", "element separator"),
        (b"ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240131*1100*U*00401*000011111*0*P*`~", "ISA02"),
        (b"ISA*00*          *00*", "16 are needed"),
    ],
)  # fmt: skip
def test_unreadable_isa_raises(content: bytes, words: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_interchanges(content)
    assert caught.value.kind == "x12_envelope" and words in caught.value.message


# -- interchange checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("IEA*1*000000123", "IEA*1*000000999", "x12_control_number"),
        ("IEA*1*000000123", "IEA*2*000000123", "x12_segment_count"),
        ("IEA*1*000000123", None, "x12_truncated"),
    ],
)
def test_interchange_trailer_checks(old: str, new: str | None, kind: str) -> None:
    issue = only_issue(read_one(render(replace(standard(), old, new))))
    assert (issue.kind, issue.level, issue.location) == (kind, "interchange", "ISA 000000123")
    assert issue.ak5_code is None and issue.ak9_code is None


def test_control_numbers_and_counts_compare_as_numbers() -> None:
    segments = replace(standard(), "IEA*1*000000123", "IEA*0000000001*123")
    segments = replace(segments, "SE*5*0002", "SE*0000000005*0002")
    assert all_issues(read_one(render(segments))) == []


# -- group checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "kind", "ak9"),
    [
        ("GE*2*17", "GE*2*18", "x12_control_number", "4"),
        ("GE*2*17", "GE*3*17", "x12_segment_count", "5"),
        ("GE*2*17", "GE*x*17", "x12_segment_count", "5"),
        ("GE*2*17", None, "x12_truncated", "3"),
    ],
)
def test_group_trailer_checks(old: str, new: str | None, kind: str, ak9: str) -> None:
    issue = only_issue(read_one(render(replace(standard(), old, new))))
    assert (issue.kind, issue.level, issue.location, issue.ak9_code) == (kind, "group", "GS 17", ak9)


def test_a_missing_ge_before_the_next_gs() -> None:
    segments = interchange(group(transaction(), cn="17"), group(transaction(), cn="18"))
    ic = read_one(render(replace(segments, "GE*1*17", None)))
    issue = only_issue(ic)
    assert (issue.kind, issue.location, issue.ak9_code) == ("x12_truncated", "GS 17", "3")
    assert [len(g.transactions) for g in ic.groups] == [1, 1]


# -- transaction set checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "kind", "ak5", "location", "words"),
    [
        ("SE*5*0001", "SE*5*0009", "x12_control_number", "3", "ST 0001, segment 5 (SE)", "SE02 0009"),
        ("SE*5*0001", "SE*4*0001", "x12_segment_count", "4", "ST 0001, segment 5 (SE)",
         "SE01 says 4 segments, counted 5"),
        ("SE*5*0001", "SE**0001", "x12_segment_count", "4", "ST 0001, segment 5 (SE)", "SE01 says nothing"),
        ("SE*5*0001", None, "x12_truncated", "2", "ST 0001, segment 4 (CTT)", "no SE trailer"),
    ],
)  # fmt: skip
def test_transaction_trailer_checks(
    old: str, new: str | None, kind: str, ak5: str, location: str, words: str
) -> None:
    ic = read_one(render(replace(standard(), old, new)))
    issue = only_issue(ic)
    assert (issue.kind, issue.level, issue.location, issue.ak5_code) == (kind, "transaction", location, ak5)
    assert words in issue.message
    assert ic.groups[0].transactions[0].issues == [issue]


def test_a_missing_se_at_the_end_of_the_group() -> None:
    ic = read_one(render(replace(standard(), "SE*5*0002", None)))
    issue = only_issue(ic)
    assert (issue.kind, issue.location, issue.ak5_code) == ("x12_truncated", "ST 0002, segment 4 (CTT)", "2")
    assert "GE follows" in issue.message


def test_a_duplicate_st02_within_a_group() -> None:
    ic = read_one(render(interchange(group(transaction("0001"), transaction("0001")))))
    first, second = ic.groups[0].transactions
    issue = only_issue(ic)
    assert second.issues == [issue] and first.issues == []
    assert (issue.kind, issue.ak5_code) == ("x12_control_number", "23")
    assert issue.location == "ST 0001, segment 1 (ST)"


def test_the_same_st02_in_two_groups_is_fine() -> None:
    ic = read_one(render(interchange(group(transaction("0001"), cn="1"), group(transaction("0001"), cn="2"))))
    assert all_issues(ic) == []


@pytest.mark.parametrize("tag", ["Po1", "P", "PO12", "1PO", "InvalidSegment", "P-1"])
def test_an_invalid_segment_identifier(tag: str) -> None:
    segments = transaction(body=("BEG*00*SA*PO-1**20240131", f"{tag}*1*2", "CTT*1"))
    issue = only_issue(read_one(render(interchange(group(segments)))))
    assert (issue.kind, issue.level, issue.ak5_code) == ("x12_syntax", "transaction", "5")
    assert issue.location.startswith("ST 0001, segment 3 (")
    assert issue.segment_error is not None
    assert (issue.segment_error.position, issue.segment_error.syntax_code) == (3, "1")


# -- segments out of place ------------------------------------------------------------------------


def test_segments_between_groups_are_an_interchange_issue() -> None:
    segments = interchange(group(transaction(), cn="1"), group(transaction(), cn="2"))
    at = segments.index("GE*1*1") + 1
    segments[at:at] = ["N1*ST*STRAY", "N3*1 MAIN ST"]
    issue = only_issue(read_one(render(segments)))
    assert (issue.kind, issue.level) == ("x12_syntax", "interchange")
    assert issue.location == "ISA 000000123, segment index 8 (N1)" and "2 segments" in issue.message


def test_segments_between_sets_are_a_group_issue() -> None:
    segments = standard()
    at = segments.index("SE*5*0001") + 1
    segments[at:at] = ["REF*ZZ*STRAY"]
    issue = only_issue(read_one(render(segments)))
    assert (issue.kind, issue.level) == ("x12_syntax", "group")
    assert issue.location == "GS 17, segment index 7 (REF)"


def test_a_set_outside_any_group() -> None:
    segments = interchange(group(transaction()))
    segments[-1:-1] = transaction("0009")
    issue = only_issue(read_one(render(segments)))
    assert (issue.kind, issue.level) == ("x12_syntax", "interchange")
    assert "5 segments outside any functional group: ST, BEG, PO1, CTT, SE" in issue.message


def test_text_after_the_iea_and_before_the_isa() -> None:
    ic = read_one(b"JUNK\n" + render(standard()) + b"\nMORE*JUNK~")
    kinds = [(i.kind, i.level, i.location) for i in all_issues(ic)]
    assert kinds == [
        ("x12_syntax", "interchange", "ISA 000000123, segment index 14 (MORE)"),
        ("x12_syntax", "interchange", "ISA at byte 5"),
    ]


def test_interchange_service_segments_are_allowed() -> None:
    segments = standard()
    segments[1:1] = ["ISB*1", "ISE*200601*0515*04", "TA1*000000122*240131*1200*A*000"]
    assert all_issues(read_one(render(segments))) == []
