"""The envelope reader against every X12 file of the shared corpus (../shared/corpus/x12).

Expected envelope facts (ISA and GS counts, ISA12 and GS08 values, transaction set ids and counts,
separators) come from the corpus's MANIFEST.md, parsed here. Files that must raise, and the
problems the others must carry, are in the tables below with the reason for each; every other
file must read without any issue. A hypothesis test mutates the good files at random: the reader
must return interchanges or raise DocumentError, never anything else, and never hang.
"""

from __future__ import annotations

import re
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import DocumentError
from ingest.parsers.x12.envelope import read_interchanges
from ingest.parsers.x12.model import Interchange

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
X12 = CORPUS / "x12"
FILES = sorted(p.name for p in X12.iterdir()) if X12.is_dir() else []

# Files that cannot be read at all: (kind, words in the message). Not obvious ones explained.
RAISES: dict[str, tuple[str, str]] = {
    "GT-Logistics_edi-x12_empty-edi.edi": ("empty", "empty"),
    "olmelabs_EdiEngine_NonEdi.edi": ("x12_envelope", "no ISA"),
    # the 4th byte is a space while the ISA uses '*'
    "GT-Logistics_edi-x12_inconsistent-element-separator-isa-heading.edi": (
        "x12_envelope",
        "element separator",
    ),
    "GT-Logistics_edi-x12_trimmed-isa-heading.edi": ("x12_envelope", "ISA02 is 0 characters"),
    "GT-Logistics_edi-x12_release-not-exist.edi": ("x12_envelope", "ISA12 is '00100'"),
    # ISA12 00000 (a placeholder of that project's tests) is no X12 version: TA1 note 018 territory.
    # What these files test is shown on a copy with ISA12 00401 (PATCHED_VERSION below).
    "GT-Logistics_edi-x12_no-ge-trailer.edi": ("x12_envelope", "ISA12 is '00000'"),
    "GT-Logistics_edi-x12_no-iea-trailer.edi": ("x12_envelope", "ISA12 is '00000'"),
    "GT-Logistics_edi-x12_no-matching-segment-count.edi": ("x12_envelope", "ISA12 is '00000'"),
    "GT-Logistics_edi-x12_no-se-trailer.edi": ("x12_envelope", "ISA12 is '00000'"),
    # ISA12 00040: a typo for 00400 or 00401, but not a version
    "Inteligenz_X12Parser_810_Example5_Walmart.txt": ("x12_envelope", "ISA12 is '00040'"),
    # ISA08 "ARIBAEDI" and ISA02 " ": the ISA was trimmed, it is not the fixed 106-character header
    "indice-co_EDI.Net_x12.810a.edi": ("x12_envelope", "ISA08 is 8 characters"),
}

# Problems the readable files carry: (level, kind, AK5/AK9 code, location).
Problem = tuple[str, str, str | None, str]
CARRIES: dict[str, set[Problem]] = {
    # two ST 000042460 in one group
    "BerryWorksSoftware_edireader_SplitterTest.testMain_824.edi": {
        ("transaction", "x12_control_number", "23", "ST 000042460, segment 1 (ST)")
    },
    "EdiFabric_X12.NET_PurchaseOrderCustomValidation.txt": {
        ("transaction", "x12_segment_count", "4", "ST 00000001, segment 33 (SE)")
    },
    # IEA02 00001660 against ISA13 000016680
    "Inteligenz_X12Parser_865_FromTyco.txt": {("interchange", "x12_control_number", None, "ISA 000016680")},
    # each group holds two ST 000000001 (the 850-004010-02 set is also inside the mailbag)
    "bots-edi_bots-plugins_850-004010-02.x12": {
        ("transaction", "x12_control_number", "23", "ST 000000001, segment 1 (ST)")
    },
    "bots-edi_bots-plugins_850-004010.17.x12": {
        ("transaction", "x12_control_number", "23", "ST 000000001, segment 1 (ST)")
    },
    "bots-edi_bots-plugins_mailbag01.x12": {
        ("transaction", "x12_control_number", "23", "ST 000000001, segment 1 (ST)")
    },
    # "// n" comment lines glue onto the envelope segments: no GS, no IEA can be recognized
    "hellooops_vscode-edi-support_850-comments.x12": {
        ("interchange", "x12_syntax", None, "ISA 000007080, segment index 1 (// 2// 3GS)"),
        ("interchange", "x12_truncated", None, "ISA 000007080"),
        ("interchange", "x12_syntax", None, "ISA at byte 5"),
    },
    "hellooops_vscode-edi-support_diagnosctics.x12": {
        ("interchange", "x12_control_number", None, "ISA 000007080"),
        ("group", "x12_control_number", "4", "GS 7080"),
        ("transaction", "x12_syntax", "5", "ST 0001, segment 7 (InvalidSegme...)"),
        ("transaction", "x12_segment_count", "4", "ST 0001, segment 8 (SE)"),
    },
    "indice-co_EDI.Net_x12.810.mandatory-conditions_850-with-BAL.edi": {
        ("interchange", "x12_control_number", None, "ISA 000000055"),
        ("transaction", "x12_segment_count", "4", "ST 0001, segment 6 (SE)"),
    },
    "indice-co_EDI.Net_x12.850.edi": {("interchange", "x12_control_number", None, "ISA 000000055")},
    # two ST 0001 in one group; ISA16 is left out (the '~' there is the terminator)
    "indice-co_EDI.Net_x12.850.issue135.edi": {
        ("transaction", "x12_control_number", "23", "ST 0001, segment 1 (ST)")
    },
    "indice-co_EDI.Net_x12.850a.edi": {("interchange", "x12_control_number", None, "ISA 000000055")},
    "indice-co_EDI.Net_x12.Issue172_850_unknown-segments.edi": {
        ("interchange", "x12_control_number", None, "ISA 000000055"),
        ("transaction", "x12_segment_count", "4", "ST 0001, segment 10 (SE)"),
    },
    "indice-co_EDI.Net_x12.Issue91_850_unknown-segments.edi": {
        ("interchange", "x12_control_number", None, "ISA 000000055"),
        ("transaction", "x12_segment_count", "4", "ST 0001, segment 7 (SE)"),
    },
    "olmelabs_EdiEngine_ControlNumbersMismatch_940.edi": {
        ("interchange", "x12_control_number", None, "ISA 000003438"),
        ("group", "x12_control_number", "4", "GS 3314"),
        ("transaction", "x12_control_number", "3", "ST 0001, segment 5 (SE)"),
    },
    "olmelabs_EdiEngine_WrongGroupsAndTranCount_940.edi": {
        ("interchange", "x12_segment_count", None, "ISA 000003438"),
        ("group", "x12_segment_count", "5", "GS 3314"),
    },
    "xlate_staedi_invalid997_min.edi": {("group", "x12_control_number", "4", "GS 000005")},
}

# The GT-Logistics trailer tests, read with ISA12 00000 replaced by 00401.
PATCHED_VERSION: dict[str, set[Problem]] = {
    "GT-Logistics_edi-x12_no-ge-trailer.edi": {("group", "x12_truncated", "3", "GS 000001000")},
    "GT-Logistics_edi-x12_no-iea-trailer.edi": {("interchange", "x12_truncated", None, "ISA 000011111")},
    "GT-Logistics_edi-x12_no-matching-segment-count.edi": {
        ("transaction", "x12_segment_count", "4", "ST 1000, segment 2 (SE)")
    },
    "GT-Logistics_edi-x12_no-se-trailer.edi": {
        ("transaction", "x12_truncated", "2", "ST 1000, segment 1 (ST)")
    },
}

_NAMED = {"LF": "\n", "CRLF": "\n", "SPACE": " ", "(none)": "", "NEL(0x15 EBCDIC)": "\x85"}


def _separator(token: str) -> str:
    if token in _NAMED:
        return _NAMED[token]
    if re.fullmatch(r"0x[0-9A-Fa-f]{2}", token):
        return chr(int(token, 16))
    if re.fullmatch(r"U\+[0-9A-Fa-f]{4}", token):
        return chr(int(token[2:], 16))
    return token


@dataclass
class Facts:
    """What MANIFEST.md says about one file's envelope."""

    isa: int = 0
    gs: int = 0
    versions: set[str] = field(default_factory=set)
    gs08: set[str] = field(default_factory=set)
    separators: set[tuple[str, str, str]] = field(default_factory=set)
    sets: Counter[str] = field(default_factory=Counter)


def _parse_envelope(line: str, facts: Facts) -> None:
    found = re.match(
        r"- envelope: (\d+) ISA \(ISA12 ([^)]*)\), (\d+) GS \(GS08 ([^)]*)\); separators (.*)", line
    )
    assert found, line
    facts.isa, facts.gs = int(found[1]), int(found[3])
    facts.versions = {v.strip() for v in found[2].split(",")}
    facts.gs08 = {v.strip() for v in found[4].split(",") if v.strip() != "-"}
    for chunk in found[5].split("; "):
        seps = re.fullmatch(r"elem (\S+) comp (\S+) term (.+)", chunk)
        if seps:
            facts.separators.add((_separator(seps[1]), _separator(seps[2]), _separator(seps[3])))


@cache
def manifest() -> dict[str, Facts]:
    """The "### x12/<file>" sections of MANIFEST.md: envelope line and transaction set line."""
    facts: dict[str, Facts] = {}
    current: Facts | None = None
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            name = line[4:].strip()
            current = facts.setdefault(name[4:], Facts()) if name.startswith("x12/") else None
        elif current is not None and line.startswith("- envelope:"):
            _parse_envelope(line, current)
        elif current is not None and line.startswith("- transaction sets:"):
            for tid, count in re.findall(r"(\w+) x(\d+)", line):
                current.sets[tid] = int(count)
    return facts


def problems(interchanges: list[Interchange]) -> set[Problem]:
    found: set[Problem] = set()
    for ic in interchanges:
        found |= {(i.level, i.kind, None, i.location) for i in ic.issues}
        for g in ic.groups:
            found |= {(i.level, i.kind, i.ak9_code, i.location) for i in g.issues}
            for ts in g.transactions:
                found |= {(i.level, i.kind, i.ak5_code, i.location) for i in ts.issues}
    return found


def observed(interchanges: list[Interchange]) -> Facts:
    groups = [g for ic in interchanges for g in ic.groups]
    return Facts(
        isa=len(interchanges),
        gs=len(groups),
        versions={ic.version for ic in interchanges},
        gs08={g.version for g in groups},
        separators={(s.element, s.component, s.segment) for s in (ic.separators for ic in interchanges)},
        sets=Counter(ts.id for g in groups for ts in g.transactions),
    )


pytestmark = pytest.mark.skipif(not FILES, reason=f"no corpus at {X12}")


def test_the_tables_name_corpus_files() -> None:
    for name in [*RAISES, *CARRIES, *PATCHED_VERSION]:
        assert name in FILES, name
    assert set(FILES) - set(RAISES) <= set(manifest()), "a readable file has no MANIFEST section"


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(name: str) -> None:
    content = (X12 / name).read_bytes()
    if name in RAISES:
        kind, words = RAISES[name]
        with pytest.raises(DocumentError) as caught:
            read_interchanges(content)
        assert caught.value.kind == kind and words in caught.value.message
        return
    interchanges = read_interchanges(content)
    expected, got = manifest()[name], observed(interchanges)
    assert (got.isa, got.gs, got.sets) == (expected.isa, expected.gs, expected.sets)
    assert got.versions == expected.versions and got.gs08 == expected.gs08
    assert got.separators == expected.separators
    assert problems(interchanges) == CARRIES.get(name, set())


@pytest.mark.parametrize("name", sorted(PATCHED_VERSION))
def test_gt_logistics_trailer_files_with_a_real_version(name: str) -> None:
    content = (X12 / name).read_bytes().replace(b"*00000*", b"*00401*", 1)
    interchanges = read_interchanges(content)
    expected, got = manifest()[name], observed(interchanges)
    assert (got.isa, got.gs, got.sets) == (expected.isa, expected.gs, expected.sets)
    assert got.separators == expected.separators
    assert problems(interchanges) == PATCHED_VERSION[name]


def test_segment_positions_and_indexes_are_consistent_across_the_corpus() -> None:
    for name in sorted(set(FILES) - set(RAISES)):
        for ic in read_interchanges((X12 / name).read_bytes()):
            assert ic.isa.index == 0
            for g in ic.groups:
                for ts in g.transactions:
                    assert [s.position for s in ts.segments] == list(range(1, len(ts.segments) + 1)), name
                    indexes = [s.index for s in ts.segments]
                    assert indexes == list(range(indexes[0], indexes[0] + len(indexes))), name
                    assert indexes[0] > g.gs.index, name


# -- random damage ---------------------------------------------------------------------------------

GOOD = [name for name in FILES if name not in RAISES]


class _Hang(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Hang(f"read_interchanges took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _segments(content: bytes, terminator: bytes) -> list[bytes]:
    return content.split(terminator) if terminator else [content]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    content = (X12 / draw(st.sampled_from(GOOD))).read_bytes()
    terminator = read_interchanges(content)[0].separators.segment.encode("latin-1", "replace")
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "byte", "truncate", "insert"]))
        if how in ("delete", "duplicate", "swap"):
            parts = _segments(content, terminator)
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
            byte = bytes([draw(st.integers(0, 255))])
            content = content[:at] + byte + content[at + (1 if how == "byte" else 0) :]
    return content


@pytest.mark.skipif(not GOOD, reason="no readable corpus files")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_files_give_interchanges_or_a_document_error(content: bytes) -> None:
    with _time_limit(5):
        try:
            found = read_interchanges(content)
        except DocumentError as error:
            assert error.kind in ("empty", "x12_envelope")
            return
    assert found and all(isinstance(ic, Interchange) for ic in found)
    for ic in found:
        for g in ic.groups:
            for ts in g.transactions:
                assert ts.segments[0].tag == "ST" and ts.segments[0].position == 1


@pytest.mark.skipif(not GOOD, reason="no readable corpus files")
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_files_through_the_whole_parser_and_the_997(content: bytes) -> None:
    """Orders, rejected parts with our error kinds, or a document error: never anything else, and
    every interchange read can be answered."""
    from datetime import UTC, datetime

    from ingest.errors import DOCUMENT_ERROR_KINDS
    from ingest.parsers.base import ParseContext
    from ingest.parsers.registry import default_registry
    from ingest.parsers.x12.ack import ControlNumbers, build_acknowledgment

    with _time_limit(10):
        outcome = default_registry().parse(content, ParseContext(filename="damaged.x12"))
    errors = ([outcome.error] if outcome.error else []) + [part.error for part in outcome.rejected]
    assert all(e.kind in DOCUMENT_ERROR_KINDS and e.message for e in errors)
    for order in outcome.orders:
        order.model_dump_json()
    for envelope in outcome.envelopes:
        assert isinstance(envelope, Interchange)
        ack = build_acknowledgment(envelope, ControlNumbers(1, 1), datetime(2026, 1, 1, tzinfo=UTC))
        assert ack is None or ack.text.startswith("ISA")
