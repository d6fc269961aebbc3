"""Reading X12 interchanges: ISA..IEA, GS..GE and ST..SE, with every envelope check on.

``read_interchanges(content)`` finds every interchange of a file (each with its own separators),
splits it into segments and groups them into functional groups and transaction sets. What is
wrong is recorded as an :class:`Issue` on the interchange, group or transaction set it concerns,
with the 997 codes (AK5 / AK9) and an AK3 ``SegmentError`` for a bad segment identifier. It raises
:class:`DocumentError` only when nothing can be read: an empty file, no ISA, or no ISA whose
separators, length and version can be used. A broken ISA after a good interchange becomes an
``Interchange`` of its own carrying an ``x12_envelope`` issue (its fields as far as they could be
read), so that the good ones are kept.

Locations: "ISA 000000123" (ISA13), "GS 17" (GS06), "ST 0001, segment 52 (SE)" (ST02 and the
1-based position in the set), "ISA at byte N" for an unreadable ISA; segments outside any set are
located by their 0-based ``index`` in the interchange ("ISA 000000123, segment index 7 (N1)").
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

from ingest.errors import DocumentError
from ingest.parsers.x12.model import (
    FunctionalGroup,
    Interchange,
    Issue,
    Segment,
    SegmentError,
    TransactionSet,
)
from ingest.parsers.x12.tokenize import (
    IsaHeader,
    decode,
    is_padding,
    next_candidate,
    next_interchange,
    read_isa,
    split_segments,
)

_CONTROL = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_SERVICE = frozenset({"TA1", "ISB", "ISE"})  # interchange-level segments allowed outside groups
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _same(a: str, b: str) -> bool:
    """Control numbers agree: equal as written, or as numbers when both are digits (3438 = 000003438)."""
    a, b = a.strip(), b.strip()
    return a == b or (_digits(a) and _digits(b) and a.lstrip("0") == b.lstrip("0"))


def _count(value: str) -> int | None:
    """A count as written (zero-padded ones too: 0000000026); None when it is not a number."""
    value = value.strip()
    significant = value.lstrip("0") or "0"
    return int(significant) if value and _digits(value) and len(significant) <= 18 else None


def _show(tag: str) -> str:
    return tag if len(tag) <= 12 else tag[:12] + "..."


class _Reader:
    """The state of one interchange while its segments are read in order."""

    def __init__(self, header: IsaHeader) -> None:
        self.ic = _interchange(header)
        self.isa_loc = f"ISA {header.control_number}"
        self.group: FunctionalGroup | None = None
        self.ts: TransactionSet | None = None
        self.st_ids: set[str] = set()
        self.ended = False  # IEA seen
        self.junk: list[Segment] = []
        self.junk_group: FunctionalGroup | None = None

    # -- issues -------------------------------------------------------------------------------
    def _interchange_issue(self, kind: str, message: str, location: str | None = None) -> None:
        self.ic.issues.append(Issue(kind, message, location or self.isa_loc, "interchange"))

    def _group_issue(self, group: FunctionalGroup, kind: str, message: str, ak9: str | None) -> None:
        loc = f"GS {group.control_number}"
        group.issues.append(Issue(kind, message, loc, "group", ak9_code=ak9))

    def _ts_issue(self, ts: TransactionSet, kind: str, message: str, seg: Segment, ak5: str) -> None:
        loc = f"ST {ts.control_number}, segment {seg.position} ({_show(seg.tag)})"
        ts.issues.append(Issue(kind, message, loc, "transaction", ak5_code=ak5))

    def bad_segment(self, seg: Segment, code: str, message: str) -> None:
        """A segment of the open set that is in error as a whole (AK304 ``code``)."""
        if self.ts is not None:
            error = SegmentError(seg.tag[:3], seg.position, code, message=message)
            loc = f"ST {self.ts.control_number}, segment {seg.position} ({_show(seg.tag)})"
            self.ts.issues.append(Issue("x12_syntax", message, loc, "transaction", "5", segment_error=error))

    # -- segments outside any transaction set ----------------------------------------------------
    def _stray(self, seg: Segment) -> None:
        if self.junk and self.junk_group is not self.group:
            self._flush_junk()
        self.junk.append(seg)
        self.junk_group = self.group

    def _flush_junk(self) -> None:
        if not self.junk:
            return
        first, group, n = self.junk[0], self.junk_group, len(self.junk)
        tags = ", ".join(_show(s.tag) for s in self.junk[:5]) + (", ..." if n > 5 else "")
        where = "transaction set" if group is not None else "functional group"
        after = " after the IEA" if self.ended else ""
        message = f"{n} segment{'s' if n > 1 else ''} outside any {where}{after}: {tags}"
        if group is not None:
            loc = f"GS {group.control_number}, segment index {first.index} ({_show(first.tag)})"
            group.issues.append(Issue("x12_syntax", message, loc, "group"))
        else:
            loc = f"{self.isa_loc}, segment index {first.index} ({_show(first.tag)})"
            self._interchange_issue("x12_syntax", message, loc)
        self.junk = []

    # -- control segments ------------------------------------------------------------------------
    def control(self, tag: str, elements: list[str], index: int) -> list[Segment] | None:
        """Handle a segment that is not an ordinary one inside an open transaction set; return
        the open set's segment list (None when no set is open)."""
        if self.ended:
            if not is_padding(tag) or len(elements) > 1:
                self._stray(Segment(tag, tuple(elements[1:]), index))
            return None
        if tag == "SE" and self.ts is not None:
            self._close_set(self.ts, Segment(tag, tuple(elements[1:]), index, len(self.ts.segments) + 1))
            return None
        seg = Segment(tag, tuple(elements[1:]), index)
        if tag == "ST" and self.group is not None:
            return self._open_set(self.group, seg)
        if tag in ("GS", "GE", "IEA"):
            self._flush_junk()
            self._truncate_set(tag)
            if tag == "GS":
                self._open_group(seg)
            elif tag == "GE" and self.group is not None:
                self._close_group(self.group, seg)
            elif tag == "IEA":
                self._close_interchange(seg)
            else:
                self._stray(seg)
            return None
        if self.ts is not None:  # an ISA inside a transaction set
            seg = Segment(tag, seg.elements, index, len(self.ts.segments) + 1)
            self.ts.segments.append(seg)
            self.bad_segment(seg, "2", f"unexpected {tag} segment inside a transaction set")
            return self.ts.segments
        if not (tag in _SERVICE and self.group is None and not self.ic.groups):
            self._stray(seg)
        return None

    def _open_set(self, group: FunctionalGroup, seg: Segment) -> list[Segment]:
        self._flush_junk()
        self._truncate_set("ST")
        seg = Segment(seg.tag, seg.elements, seg.index, 1)
        ts = TransactionSet(seg.el(1), seg.el(2), [seg])
        if ts.control_number in self.st_ids:
            message = f"ST02 {ts.control_number} is used by an earlier transaction set of this group"
            self._ts_issue(ts, "x12_control_number", message, seg, "23")
        self.st_ids.add(ts.control_number)
        group.transactions.append(ts)
        self.ts = ts
        return ts.segments

    def _close_set(self, ts: TransactionSet, se: Segment) -> None:
        ts.segments.append(se)
        declared = _count(se.el(1))
        if declared != se.position:
            said = se.el(1) or "nothing"
            message = f"SE01 says {said} segments, counted {se.position}"
            self._ts_issue(ts, "x12_segment_count", message, se, "4")
        if not _same(se.el(2), ts.control_number):
            message = f"SE02 {se.el(2) or '(missing)'} does not match ST02 {ts.control_number}"
            self._ts_issue(ts, "x12_control_number", message, se, "3")
        self.ts = None

    def _truncate_set(self, tag: str) -> None:
        """A transaction set still open when ``tag`` arrives has lost its SE."""
        ts = self.ts
        if ts is None:
            return
        last = ts.segments[-1]
        message = (
            f"transaction set {ts.id} {ts.control_number} has no SE trailer "
            f"({tag} follows segment {last.position})"
        )
        self._ts_issue(ts, "x12_truncated", message, last, "2")
        self.ts = None

    def _open_group(self, gs: Segment) -> None:
        if self.group is not None:
            self._truncate_group(self.group, "GS")
        e = gs.el
        self.group = FunctionalGroup(e(1), e(2), e(3), e(4), e(5), e(6), e(7), e(8), gs, None)
        self.ic.groups.append(self.group)
        self.st_ids = set()

    def _truncate_group(self, group: FunctionalGroup, tag: str) -> None:
        message = f"functional group {group.control_number} has no GE trailer ({tag} follows it)"
        self._group_issue(group, "x12_truncated", message, "3")
        self.group = None

    def _close_group(self, group: FunctionalGroup, ge: Segment) -> None:
        group.ge = ge
        declared, counted = _count(ge.el(1)), len(group.transactions)
        if declared != counted:
            message = f"GE01 says {ge.el(1) or 'nothing'} transaction sets, counted {counted}"
            self._group_issue(group, "x12_segment_count", message, "5")
        if not _same(ge.el(2), group.control_number):
            message = f"GE02 {ge.el(2) or '(missing)'} does not match GS06 {group.control_number}"
            self._group_issue(group, "x12_control_number", message, "4")
        self.group = None

    def _close_interchange(self, iea: Segment) -> None:
        if self.group is not None:
            self._truncate_group(self.group, "IEA")
        self.ic.iea = iea
        declared, counted = _count(iea.el(1)), len(self.ic.groups)
        if declared != counted:
            message = f"IEA01 says {iea.el(1) or 'nothing'} functional groups, counted {counted}"
            self._interchange_issue("x12_segment_count", message)
        if not _same(iea.el(2), self.ic.control_number):
            message = f"IEA02 {iea.el(2) or '(missing)'} does not match ISA13 {self.ic.control_number}"
            self._interchange_issue("x12_control_number", message)
        self.ended = True

    def finish(self) -> Interchange:
        self._flush_junk()
        if not self.ended:
            self._truncate_set("the end of the interchange")
            if self.group is not None:
                self._truncate_group(self.group, "the end of the interchange")
            self._interchange_issue(
                "x12_truncated", f"interchange {self.ic.control_number} has no IEA trailer"
            )
        return self.ic


def _interchange(header: IsaHeader) -> Interchange:
    el = [e.strip() for e in header.elements] + [""] * (16 - len(header.elements))
    isa = Segment("ISA", header.elements, 0)
    return Interchange(
        sender_qualifier=el[4], sender_id=el[5], receiver_qualifier=el[6], receiver_id=el[7],
        date=el[8], time=el[9], version=el[11], control_number=el[12], ack_requested=el[13] == "1",
        usage=el[14], separators=header.separators, isa=isa, iea=None, offset=header.offset,
    )  # fmt: skip


def _read_one(text: str, header: IsaHeader, end: int) -> Interchange:
    """The interchange whose ISA is ``header`` and whose text ends at ``end``."""
    reader = _Reader(header)
    element = header.separators.element
    good: set[str] = set()
    segs: list[Segment] | None = None
    index = 1
    for raw in split_segments(text, header.end, end, header):
        elements = raw.split(element)
        tag = elements[0]
        if segs is None or tag in _CONTROL:
            segs = reader.control(tag, elements, index)
        else:
            seg = Segment(tag, tuple(elements[1:]), index, len(segs) + 1)
            segs.append(seg)
            if tag not in good:
                if _TAG.fullmatch(tag):
                    good.add(tag)
                else:
                    reader.bad_segment(seg, "1", f"{_show(tag)!r} is not a valid segment identifier")
        index += 1
    return reader.finish()


def _broken(header: IsaHeader) -> Interchange:
    ic = _interchange(header)
    ic.issues.append(
        Issue("x12_envelope", header.problem or "", f"ISA at byte {header.offset}", "interchange")
    )
    return ic


def _next_good(text: str, start: int) -> int:
    """The next ISA that reads at or after ``start``; ``len(text)`` when none."""
    at = next_candidate(text, start)
    while at >= 0 and read_isa(text, at).problem is not None:
        at = next_candidate(text, at + 3)
    return len(text) if at < 0 else at


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cycle collector out of the way while the segments are built.

    A 10 MB file makes some 220,000 segments (and as many element tuples). With the collector on,
    every 700 new objects trigger a collection and the older ones are walked again and again,
    which made reading 2.5 times slower. Nothing built here forms a reference cycle, so there is
    nothing for the collector to find: it is paused, and afterwards ``gc.freeze()`` +
    ``gc.unfreeze()`` move the new objects to the oldest generation unexamined, so that no
    collection of them falls on the caller either (refcounting frees them as usual). The freeze
    step is skipped when the program froze objects of its own (``gc.get_freeze_count()``), and
    the collector is switched back on only if it was on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def read_interchanges(content: bytes) -> list[Interchange]:
    """Every interchange of ``content``, in file order, with the problems found recorded on them.

    Raises :class:`DocumentError` (``empty`` or ``x12_envelope``) only when no interchange can be
    read at all.
    """
    with collector_paused():
        return _read_all(content)


def _read_all(content: bytes) -> list[Interchange]:
    text = decode(content)
    if is_padding(text):
        raise DocumentError("empty", "the file is empty or holds only blanks")
    at = next_candidate(text, 0)
    if at < 0:
        raise DocumentError("x12_envelope", "no ISA segment found: the file holds no X12 interchange")
    leading = text[:at]
    found: list[Interchange] = []
    while 0 <= at < len(text):
        header = read_isa(text, at)
        if header.problem is None:
            end = next_interchange(text, header)
            found.append(_read_one(text, header, end))
        else:  # everything up to the next good ISA belongs to the broken interchange
            end = _next_good(text, at + 3)
            found.append(_broken(header))
        at = end
    first = found[0]
    if not is_padding(leading):
        message = f"text before the first ISA: {leading.strip()[:40]!r}"
        first.issues.append(Issue("x12_syntax", message, f"ISA at byte {first.offset}", "interchange"))
    envelope = [i for ic in found for i in ic.issues if i.kind == "x12_envelope"]
    if len(envelope) == len(found):
        raise DocumentError("x12_envelope", envelope[0].message, location=envelope[0].location)
    return found
