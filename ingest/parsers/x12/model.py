"""The X12 interchange as read: separators, segments, groups, transaction sets, and the problems found.

These types are shared by the envelope reader (``envelope.py``), the transaction mappers
(``po850.py``, ``po860.py``) and the acknowledgment writer (``ack.py``). All pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Separators:
    """Delimiters declared by the ISA segment. ``repetition`` is None before version 00402."""

    element: str
    component: str
    segment: str
    repetition: str | None = None


@dataclass(frozen=True)
class Segment:
    """One segment. ``elements[0]`` is the first data element (BEG01), the tag is not in it.

    ``index`` is the segment's 0-based position in the interchange (ISA = 0); ``position`` is its
    1-based position inside its transaction set (ST = 1), or 0 outside one. Locations shown to
    people use both: "ST 0001, segment 52 (PO1)".
    """

    tag: str
    elements: tuple[str, ...]
    index: int
    position: int = 0

    def el(self, n: int) -> str:
        """Element ``n`` (1-based, as in BEG01), stripped; '' when absent."""
        return self.elements[n - 1].strip() if 0 < n <= len(self.elements) else ""

    def components(self, n: int, separator: str) -> list[str]:
        """The components of composite element ``n``."""
        value = self.elements[n - 1] if 0 < n <= len(self.elements) else ""
        if not value:
            return []
        if not separator:  # an interchange that declares no component separator
            return [value.strip()]
        return [c.strip() for c in value.split(separator)]


ErrorLevel = Literal["interchange", "group", "transaction"]


@dataclass(frozen=True)
class SegmentError:
    """A segment- or element-level problem, as a 997 reports it (AK3, with AK4 when an element).

    ``syntax_code`` is X12 data element 720 (AK304: 1 unrecognized segment, 2 unexpected segment,
    3 mandatory segment missing, 5 segment exceeds maximum use, 8 segment has data element errors);
    ``element_code`` is data element 723 (AK403: 1 mandatory element missing, 2 conditional element
    missing, 3 too many elements, 4 too short, 5 too long, 6 invalid character, 7 invalid code
    value, 8 invalid date, 9 invalid time).
    """

    tag: str
    position: int  # 1-based within the transaction set (AK302)
    syntax_code: str
    loop_id: str | None = None
    element_position: int | None = None  # AK401
    element_code: str | None = None  # AK403
    element_value: str | None = None  # AK404
    message: str = ""


@dataclass(frozen=True)
class Issue:
    """A problem found while reading; ``kind`` is one of the document error kinds (CONTRACTS §7)."""

    kind: str
    message: str
    location: str
    level: ErrorLevel
    ak5_code: str | None = None  # data element 718 (AK502): why a transaction set is rejected
    ak9_code: str | None = None  # data element 716 (AK905): why a group is rejected
    segment_error: SegmentError | None = None


@dataclass
class TransactionSet:
    """ST..SE of one transaction set, and what is wrong with it."""

    id: str  # ST01: 850, 860, ...
    control_number: str  # ST02
    segments: list[Segment]  # ST first, SE last when present
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.issues)

    def location(self) -> str:
        return f"ST {self.control_number}"


@dataclass
class FunctionalGroup:
    functional_id: str  # GS01: PO for 850, PC for 860
    sender: str  # GS02
    receiver: str  # GS03
    date: str  # GS04
    time: str  # GS05
    control_number: str  # GS06
    agency: str  # GS07
    version: str  # GS08: 004010, 004010VICS, ...
    gs: Segment
    ge: Segment | None
    transactions: list[TransactionSet] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # group-level (GE problems)


@dataclass
class Interchange:
    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    date: str  # ISA09 (YYMMDD)
    time: str  # ISA10
    version: str  # ISA12
    control_number: str  # ISA13
    ack_requested: bool  # ISA14 == "1": the sender wants a TA1
    usage: str  # ISA15: P production, T test
    separators: Separators
    isa: Segment
    iea: Segment | None
    groups: list[FunctionalGroup] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # interchange-level (IEA problems)
    offset: int = 0  # byte offset of the ISA in the file

    @property
    def rejected(self) -> bool:
        return bool(self.issues)
