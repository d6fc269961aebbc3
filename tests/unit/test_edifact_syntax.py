"""The EDIFACT syntax and envelope reader: UNA service string advice, release characters, line
breaks, wrapped files, character sets, syntax versions, and every envelope check with its location.
A hypothesis test damages valid interchanges at random: the reader must return interchanges or
raise our DocumentError, never anything else, and the parser must give orders or our errors."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.domain.identifiers import gtin_check_digit
from ingest.errors import DOCUMENT_ERROR_KINDS, DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.edifact.envelope import read_interchanges
from ingest.parsers.edifact.model import Delimiters, Interchange, Message
from ingest.parsers.edifact.parser import EdifactParser
from ingest.parsers.edifact.syntax import read_una, split_values
from ingest.parsers.registry import default_registry

GLN = "541234500001" + str(gtin_check_digit("541234500001"))
EAN = "400638133393" + str(gtin_check_digit("400638133393"))
UNB = f"UNB+UNOC:3+{GLN}:14+RECEIVER:ZZ+240105:1200+REF1'"
MESSAGE = (
    f"UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'DTM+137:20240105:102'NAD+BY+{GLN}::9'"
    f"LIN+1++{EAN}:EN'QTY+21:5:PCE'UNS+S'CNT+2:1'UNT+9+1'"
)
UNZ = "UNZ+1+REF1'"
VALID = UNB + MESSAGE + UNZ


def only(content: bytes | str) -> Interchange:
    data = content.encode("latin-1") if isinstance(content, str) else content
    [ic] = read_interchanges(data)
    return ic


def message(ic: Interchange) -> Message:
    [msg] = ic.messages
    return msg


def locations(ic: Interchange) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = {(i.level, i.kind, i.location) for i in ic.issues}
    for g in ic.groups:
        found |= {(i.level, i.kind, i.location) for i in g.issues}
    for m in ic.messages:
        found |= {(i.level, i.kind, i.location) for i in m.issues}
    return found


def segment(ic: Interchange, tag: str, n: int = 0) -> tuple[tuple[str, ...], ...]:
    seg = [s for s in message(ic).segments if s.tag == tag][n]
    return tuple(rep[0] for rep in seg.elements)


# -- delimiters ------------------------------------------------------------------------------------


def test_the_defaults_apply_without_a_una() -> None:
    ic = only(VALID)
    assert ic.delimiters == Delimiters()
    assert (ic.syntax_id, ic.syntax_version, ic.control_reference) == ("UNOC", "3", "REF1")
    assert (ic.sender_qualifier, ic.sender_id) == ("14", GLN)
    assert [s.tag for s in message(ic).segments][:3] == ["UNH", "BGM", "DTM"]
    assert not locations(ic)


def test_a_una_declares_every_delimiter() -> None:
    text = "UNA^*,? $" + VALID.replace("+", "*").replace(":", "^").replace("'", "$")
    ic = only(text)
    assert ic.delimiters == Delimiters("^", "*", ",", "?", None, "$")
    assert segment(ic, "QTY") == (("21", "5", "PCE"),)
    assert not locations(ic)


def test_a_hash_terminator_leaves_the_apostrophe_as_data() -> None:
    text = "UNA:+.? #" + VALID.replace("'", "#").replace("NAD+BY+", "NAD+BY+++O'Brien's+")
    assert segment(only(text), "NAD")[3] == ("O'Brien's",)


@pytest.mark.parametrize(
    ("una", "problem"),
    [
        ("UNA:+.? ", "ends inside the UNA"),
        ("UNA:+.?  ", "cannot be a separator"),
        ("UNA::.? '", "one character for two"),
        ("UNA:+;? '", "decimal mark"),
        ("UNA:+.A '", "release character"),
    ],
)
def test_a_una_that_cannot_be_used_is_refused(una: str, problem: str) -> None:
    assert problem in str(read_una(una, 0))


def test_a_line_break_as_segment_terminator() -> None:
    ic = only("UNA:+.? \n" + VALID.replace("'", "\r\n"))
    assert ic.delimiters.segment == "\n" and segment(ic, "QTY") == (("21", "5", "PCE"),)
    assert not locations(ic)


def test_a_una_without_release_character_takes_the_question_mark_as_data() -> None:
    text = "UNA:+.  '" + VALID.replace("BGM+220+PO1+9", "BGM+220+PO?1+9")
    assert segment(only(text), "BGM")[1] == ("PO?1",)


# -- the release character -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "values"),
    [
        ("FTX+AAI+++a?+b", ["a+b"]),
        ("FTX+AAI+++c?:d", ["c:d"]),
        ("FTX+AAI+++it?'s", ["it's"]),
        ("FTX+AAI+++50??", ["50?"]),
        ("FTX+AAI+++x???'y", ["x?'y"]),
        ("FTX+AAI+++one:two?:three", ["one", "two:three"]),
    ],
)
def test_released_characters_are_data(written: str, values: list[str]) -> None:
    text = VALID.replace("UNS+S'", written + "'UNS+S'").replace("UNT+9+1", "UNT+10+1")
    ic = only(text)
    assert list(segment(ic, "FTX")[3]) == values
    assert not locations(ic)


def test_an_escaped_release_before_the_terminator_ends_the_segment() -> None:
    text = VALID.replace("UNS+S'", "FTX+AAI+++x??'UNS+S'").replace("UNT+9+1", "UNT+10+1")
    ic = only(text)
    assert segment(ic, "FTX")[3] == ("x?",)
    assert [s.tag for s in message(ic).segments][-4:] == ["FTX", "UNS", "CNT", "UNT"]
    assert not locations(ic)


@pytest.mark.parametrize("release", ["!", "="])
def test_a_declared_release_character(release: str) -> None:
    body = VALID.replace("NAD+BY+", f"NAD+BY+++Customer{release}'s name{release}{release}+")
    ic = only(f"UNA:+.{release} '" + body)
    assert segment(ic, "NAD")[3] == (f"Customer's name{release}",)


def test_repetitions_split_only_in_version_4() -> None:
    d = Delimiters(repetition="*")
    assert split_values("COM+a:TE*b:EM", d, True) == [[["COM"]], [["a", "TE"], ["b", "EM"]]]
    assert split_values("COM+a:TE*b:EM", d, False) == [[["COM"]], [["a", "TE*b", "EM"]]]
    assert split_values("COM+a?*b:TE*c:EM", d, True) == [[["COM"]], [["a*b", "TE"], ["c", "EM"]]]


# -- line breaks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\r\r\n"])
def test_line_breaks_after_terminators_are_ignored(newline: str) -> None:
    ic = only(VALID.replace("'", "'" + newline))
    assert [s.tag for s in message(ic).segments] == [
        "UNH", "BGM", "DTM", "NAD", "LIN", "QTY", "UNS", "CNT", "UNT",
    ]  # fmt: skip
    assert not locations(ic)


def test_mixed_line_endings() -> None:
    parts = VALID.split("'")
    text = "".join(p + "'" + ("\r\n" if i % 2 else "\n") for i, p in enumerate(parts[:-1]))
    assert not locations(only(text))


def test_a_hard_wrapped_file_is_joined_without_spaces() -> None:
    width = 40
    text = "\n".join(VALID[i : i + width] for i in range(0, len(VALID), width))
    ic = only(text)
    assert segment(ic, "NAD")[1] == (GLN, "", "9")
    assert segment(ic, "DTM")[0] == ("137", "20240105", "102")
    assert not locations(ic)


def test_a_line_break_inside_a_value_of_a_formatted_file_reads_as_a_space() -> None:
    text = VALID.replace("NAD+BY+", "NAD+BY+++Example Town\n2nd line+").replace("'", "'\n")
    assert segment(only(text), "NAD")[3] == ("Example Town 2nd line",)


def test_doubled_terminators_make_no_segments_and_are_noted() -> None:
    ic = only(VALID.replace("QTY+21:5:PCE'", "QTY+21:5:PCE''"))
    assert not locations(ic)
    assert ic.notes == ["1 empty segment (doubled terminators) ignored"]


# -- character sets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("syntax", "codec", "name"),
    [
        ("UNOC", "iso-8859-1", "Müller Kälte"),
        ("UNOD", "iso-8859-2", "Łódź Kraków"),
        ("UNOE", "iso-8859-5", "Москва"),
        ("UNOF", "iso-8859-7", "Αθήνα"),
        ("UNOW", "utf-8", "東京 Zürich"),
        ("UNOY", "utf-8", "Ελλάδα Ünïcode"),
    ],
)
def test_character_sets_decode_values(syntax: str, codec: str, name: str) -> None:
    text = VALID.replace("UNOC", syntax).replace("NAD+BY+", f"NAD+BY+++{name}+")
    ic = only(text.encode(codec))
    assert ic.charset == codec and segment(ic, "NAD")[3] == (name,)
    assert not ic.notes


def test_a_utf8_bom_before_the_una() -> None:
    ic = only(b"\xef\xbb\xbfUNA:+.? '\r\n" + VALID.encode())
    assert ic.delimiters == Delimiters() and not locations(ic)


def test_utf8_bytes_under_a_single_byte_repertoire_are_read_as_utf8() -> None:
    text = VALID.replace("NAD+BY+", "NAD+BY+++Suppliér+")
    ic = only(text.encode("utf-8"))
    assert segment(ic, "NAD")[3] == ("Suppliér",)
    assert ic.charset == "utf-8" and "UNOC" in ic.notes[0]


def test_latin1_bytes_under_unoa() -> None:
    text = VALID.replace("UNOC", "UNOA").replace("NAD+BY+", "NAD+BY+++Café+")
    ic = only(text.encode("latin-1"))
    assert segment(ic, "NAD")[3] == ("Café",) and "UNOA" in ic.notes[0]


@pytest.mark.parametrize("version", ["1", "2", "3", "4"])
def test_syntax_versions_1_to_4(version: str) -> None:
    text = VALID.replace("UNOC:3", f"UNOC:{version}")
    if version == "4":
        text = text.replace("240105:1200", "20240105:1200")
    ic = only(text)
    assert ic.syntax_version == version and not locations(ic)
    assert ic.delimiters.repetition == ("*" if version == "4" else None)


@pytest.mark.parametrize(
    ("unb01", "words"), [("UNOC:5", "syntax version '5'"), ("UNOZ:3", "syntax identifier 'UNOZ'")]
)
def test_an_unknown_syntax_is_an_error(unb01: str, words: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_interchanges(VALID.replace("UNOC:3", unb01).encode())
    assert caught.value.kind == "edifact_syntax" and words in caught.value.message
    assert caught.value.location == "UNB at byte 0"


# -- the envelope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("UNT+9+1", "UNT+8+1", ("message", "UNT01 says 8 segments, counted 9", "UNH 1, segment 9 (UNT)")),
        ("UNT+9+1", "UNT+9+2", ("message", "UNT02 2 does not match UNH01 1", "UNH 1, segment 9 (UNT)")),
        ("UNZ+1+REF1", "UNZ+2+REF1", ("interchange", "UNZ01 says 2 messages, counted 1", "UNB REF1")),
        ("UNZ+1+REF1", "UNZ+1+REF9", ("interchange", "UNZ02 REF9 does not match UNB05 REF1", "UNB REF1")),
        ("UNZ+1+REF1'", "", ("interchange", "interchange REF1 has no UNZ trailer", "UNB REF1")),
        (
            "UNT+9+1'",
            "",
            (
                "message",
                "message ORDERS 1 has no UNT trailer (UNZ follows segment 8)",
                "UNH 1, segment 8 (CNT)",
            ),
        ),
    ],
)
def test_envelope_checks_with_their_locations(old: str, new: str, expected: tuple[str, str, str]) -> None:
    ic = only(VALID.replace(old, new))
    found = {(i.level, i.message, i.location) for i in ic.issues}
    for m in ic.messages:
        found |= {(i.level, i.message, i.location) for i in m.issues}
    assert found == {expected}
    assert all(i.kind == "edifact_syntax" for i in ic.issues)


def test_control_references_agree_as_numbers() -> None:
    text = VALID.replace("+REF1'", "+00000916'").replace("UNZ+1+00000916", "UNZ+1+916")
    assert not locations(only(text))


def test_a_group_is_checked_like_the_interchange() -> None:
    group = "UNG+ORDERS+SENDER:14+RECEIVER:14+240105:1200+7+UN+D:96A'" + MESSAGE + "UNE+2+8'"
    ic = only(UNB + group + UNZ)
    [g] = ic.groups
    assert (g.message_type, g.reference, len(g.messages)) == ("ORDERS", "7", 1)
    assert {i.message for i in g.issues} == {
        "UNE01 says 2 messages, counted 1",
        "UNE02 8 does not match UNG05 7",
    }
    assert {i.location for i in g.issues} == {"UNG 7"}
    good = only(UNB + group.replace("UNE+2+8", "UNE+1+7") + UNZ)
    assert not locations(good) and good.messages[0].group is good.groups[0]


def test_segments_outside_a_message_are_located() -> None:
    ic = only(UNB + "NAD+BY+X'" + MESSAGE + UNZ)
    assert locations(ic) == {("interchange", "edifact_syntax", "UNB REF1, segment index 1 (NAD)")}


def test_a_repeated_message_reference() -> None:
    two = MESSAGE + MESSAGE
    ic = only(UNB + two + UNZ.replace("+1+", "+2+"))
    assert locations(ic) == {("message", "edifact_syntax", "UNH 1, segment 1 (UNH)")}


def test_an_invalid_segment_tag_is_located() -> None:
    ic = only(VALID.replace("UNS+S", "uns+S"))
    assert locations(ic) == {("message", "edifact_syntax", "UNH 1, segment 7 (uns)")}


def test_several_interchanges_each_with_its_own_una() -> None:
    second = "UNA^*.? $" + VALID.replace("REF1", "REF2").replace("+", "*").replace(":", "^").replace("'", "$")
    found = read_interchanges((VALID + "\r\n" + second).encode())
    assert [ic.control_reference for ic in found] == ["REF1", "REF2"]
    assert [ic.delimiters.element for ic in found] == ["+", "*"]
    assert all(not locations(ic) for ic in found)


def test_text_before_the_first_unb_is_reported() -> None:
    ic = only("#### header ####\r\n" + VALID)
    assert ("interchange", "edifact_syntax", "UNB at byte 18") in locations(ic)


def test_delimiters_shown_by_the_unb_without_a_una_are_used_and_noted() -> None:
    text = VALID.replace("+", '"').replace(":", "=").replace("'", ";")
    ic = only(text)
    assert ic.delimiters.element == '"' and ic.delimiters.segment == ";" and not locations(ic)
    assert "no UNA" in ic.notes[0]


@pytest.mark.parametrize(
    ("content", "kind"), [(b"", "empty"), (b" \r\n", "empty"), (b"hello world", "edifact_syntax")]
)
def test_nothing_to_read(content: bytes, kind: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_interchanges(content)
    assert caught.value.kind == kind


# -- random damage ---------------------------------------------------------------------------------

SAMPLES = [
    VALID,
    "UNA:+,? '\r\n" + VALID.replace("QTY+21:5:PCE", "QTY+21:2,5:PCE").replace("'", "'\r\n"),
    "UNA^*.? $" + VALID.replace("+", "*").replace(":", "^").replace("'", "$"),
    VALID.replace("UNOC:3", "UNOC:4").replace("240105:", "20240105:").replace("NAD+BY+", "NAD+BY+++A?+B?'s+"),
    UNB + "UNG+ORDERS+S:14+R:14+240105:1200+7+UN+D:96A'" + MESSAGE + "UNE+1+7'" + UNZ,
]


class _Hang(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Hang(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    content = draw(st.sampled_from(SAMPLES)).encode("latin-1")
    terminator = b"$" if b"UNA^" in content else b"'"
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "byte", "truncate", "insert", "service"]))
        if how in ("delete", "duplicate", "swap"):
            parts = content.split(terminator)
            i, j = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
            if how == "delete":
                del parts[i]
            elif how == "duplicate":
                parts.insert(i, parts[i])
            else:
                parts[i], parts[j] = parts[j], parts[i]
            content = terminator.join(parts)
        elif how == "truncate":
            content = content[: draw(st.integers(0, len(content)))]
        else:
            at = draw(st.integers(0, len(content)))
            if how == "service":
                byte = draw(
                    st.sampled_from([b"?", b"'", b"+", b":", b"*", b"\n", b"\xef\xbb\xbf", b"UNA", b"UNB"])
                )
            else:
                byte = bytes([draw(st.integers(0, 255))])
            content = content[:at] + byte + content[at + (1 if how == "byte" else 0) :]
    return content


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_interchanges_give_interchanges_or_a_document_error(content: bytes) -> None:
    with _time_limit(5):
        try:
            found = read_interchanges(content)
        except DocumentError as error:
            assert error.kind in ("empty", "edifact_syntax") and error.message
            return
    assert found and all(isinstance(ic, Interchange) for ic in found)
    for ic in found:
        for msg in ic.messages:
            assert msg.segments[0].tag == "UNH"
            assert [s.position for s in msg.segments] == list(range(1, len(msg.segments) + 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_interchanges_through_the_parser(content: bytes) -> None:
    """Orders, rejected parts with our error kinds, or a document error: never anything else."""
    with _time_limit(10):
        outcome = default_registry().parse(content, ParseContext(filename="damaged.edi"))
        direct = EdifactParser()
        try:
            direct.parse(content, ParseContext())
        except DocumentError as error:
            assert error.kind in DOCUMENT_ERROR_KINDS
    errors = ([outcome.error] if outcome.error else []) + [part.error for part in outcome.rejected]
    assert all(e.kind in DOCUMENT_ERROR_KINDS and e.message for e in errors)
    for order in outcome.orders:
        order.model_dump_json()
    for part in outcome.rejected:
        if part.order is not None:
            part.order.model_dump_json()
