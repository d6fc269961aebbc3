"""Reading EDIFACT interchanges: UNB..UNZ, optional UNG..UNE groups, UNH..UNT messages, with every
envelope check on.

``read_interchanges(content)`` finds every interchange of a file (each with its own UNA or the
default delimiters and its own character set), decodes its segments and groups them into messages.
What is wrong is recorded as an :class:`Issue` on the interchange, group or message it concerns.
It raises :class:`DocumentError` only when nothing can be read: an empty file, no UNA/UNB, or no
interchange whose delimiters and UNB can be used.

Locations: "UNB 131" (UNB05), "UNG 1" (UNG05), "UNH 000000101, segment 31 (UNT)" (UNH01 and the
1-based position in the message), "UNB at byte N" for an unreadable header; segments outside any
message are located by their 0-based index in the interchange ("UNB 131, segment index 7 (NAD)").
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.errors import DocumentError
from ingest.parsers.edifact.model import Group, Interchange, Issue, Message, Segment
from ingest.parsers.edifact.syntax import (
    BOM,
    CHARSETS,
    Chunk,
    choose_charset,
    cut,
    decode,
    first_start,
    is_padding,
    split_values,
    tag_of,
    valid_tag,
)
from ingest.parsers.x12.envelope import collector_paused

KIND = "edifact_syntax"
_VERSIONS = frozenset("1234")
_CONTROL = frozenset({"UNB", "UNZ", "UNG", "UNE", "UNH", "UNT"})
_SERVICE_OUTSIDE = frozenset({"UNS"})  # not expected outside a message, but harmless there


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def same_reference(a: str, b: str) -> bool:
    """Control references agree: equal as written, or as numbers when both are digits."""
    a, b = a.strip(), b.strip()
    return a == b or (_digits(a) and _digits(b) and a.lstrip("0") == b.lstrip("0"))


def count(value: str) -> int | None:
    value = value.strip()
    return int(value) if value and _digits(value) and len(value) <= 18 else None


def _segment(raw_text: str, chunk: Chunk, codec: str, repeats: bool, index: int) -> Segment:
    values = split_values(raw_text, chunk.delimiters, repeats)
    tag = values[0][0][0].strip() if values and values[0] and values[0][0] else ""
    if codec == "latin-1" or raw_text.isascii():
        elements = tuple(tuple(map(tuple, element)) for element in values[1:])
    else:
        elements = tuple(
            tuple(tuple(decode(c, codec) for c in rep) for rep in element) for element in values[1:]
        )
    return Segment(tag, elements, index)


class _Reader:
    """The state of one interchange while its segments are read in order."""

    def __init__(self, ic: Interchange) -> None:
        self.ic = ic
        self.group: Group | None = None
        self.message: Message | None = None
        self.ended = False
        self.stray: list[Segment] = []
        self.references: set[str] = set()

    def issue(self, message: str, location: str | None = None, kind: str = KIND) -> None:
        self.ic.issues.append(Issue(kind, message, location or self.ic.location(), "interchange"))

    def read(self, seg: Segment) -> None:
        msg = self.message
        if msg is not None and seg.tag not in ("UNT", "UNH", "UNG", "UNE", "UNZ", "UNB"):
            msg.segments.append(Segment(seg.tag, seg.elements, seg.index, len(msg.segments) + 1))
            if not valid_tag(seg.tag):
                where = msg.where(msg.segments[-1])
                msg.issues.append(Issue(KIND, f"{seg.tag[:12]!r} is not a segment tag", where, "message"))
            return
        if self.ended:
            self.stray.append(seg)
        elif seg.tag == "UNH":
            self._open_message(seg)
        elif seg.tag == "UNT" and msg is not None:
            self._close_message(msg, seg)
        elif seg.tag == "UNG":
            self._truncate_message("UNG")
            self._open_group(seg)
        elif seg.tag == "UNE":
            self._truncate_message("UNE")
            self._close_group(seg)
        elif seg.tag == "UNZ":
            self._truncate_message("UNZ")
            self._close(seg)
        else:
            self.stray.append(seg)

    # -- messages --------------------------------------------------------------------------------
    def _open_message(self, unh: Segment) -> None:
        self._truncate_message("UNH")
        self._flush_stray()
        unh = Segment(unh.tag, unh.elements, unh.index, 1)
        version, release = unh.comp(2, 2), unh.comp(2, 3)
        msg = Message(
            type=unh.comp(2, 1).upper(), version=version.upper(), release=release.upper(),
            agency=unh.comp(2, 4), association=unh.comp(2, 5), reference=unh.el(1),
            segments=[unh], group=self.group,
        )  # fmt: skip
        if not msg.reference:
            msg.issues.append(Issue(KIND, "UNH01 (message reference) is missing", msg.where(unh), "message"))
        elif msg.reference in self.references:
            text = f"UNH01 {msg.reference} is used by an earlier message of this interchange"
            msg.issues.append(Issue(KIND, text, msg.where(unh), "message"))
        self.references.add(msg.reference)
        if not msg.type or not msg.version:
            text = "UNH02 does not name the message type and version (S009: type:version:release:agency)"
            msg.issues.append(Issue(KIND, text, msg.where(unh), "message"))
        self.ic.messages.append(msg)
        if self.group is not None:
            self.group.messages.append(msg)
        self.message = msg

    def _close_message(self, msg: Message, unt: Segment) -> None:
        unt = Segment(unt.tag, unt.elements, unt.index, len(msg.segments) + 1)
        msg.segments.append(unt)
        declared = count(unt.el(1))
        if declared != unt.position:
            said = unt.el(1) or "nothing"
            text = f"UNT01 says {said} segments, counted {unt.position}"
            msg.issues.append(Issue(KIND, text, msg.where(unt), "message"))
        if not same_reference(unt.el(2), msg.reference):
            text = f"UNT02 {unt.el(2) or '(missing)'} does not match UNH01 {msg.reference}"
            msg.issues.append(Issue(KIND, text, msg.where(unt), "message"))
        self.message = None

    def _truncate_message(self, tag: str) -> None:
        msg = self.message
        if msg is None:
            return
        last = msg.segments[-1]
        text = (
            f"message {msg.type} {msg.reference} has no UNT trailer ({tag} follows segment {last.position})"
        )
        msg.issues.append(Issue(KIND, text, msg.where(last), "message"))
        self.message = None

    # -- groups ----------------------------------------------------------------------------------
    def _open_group(self, ung: Segment) -> None:
        self._flush_stray()
        if self.group is not None:
            self._group_issue(self.group, f"group {self.group.reference} has no UNE trailer (UNG follows it)")
        if self.ic.messages and not self.ic.groups:
            self.issue(
                "a UNG after messages outside any group: an interchange holds groups or messages, not both"
            )
        self.group = Group(ung.el(1), ung.comp(2, 1), ung.comp(3, 1), ung.el(5), ung)
        self.ic.groups.append(self.group)

    def _group_issue(self, group: Group, text: str) -> None:
        group.issues.append(Issue(KIND, text, f"UNG {group.reference}", "group"))

    def _close_group(self, une: Segment) -> None:
        self._flush_stray()
        group = self.group
        if group is None:
            self.stray.append(une)
            return
        group.une = une
        declared, counted = count(une.el(1)), len(group.messages)
        if declared != counted:
            self._group_issue(group, f"UNE01 says {une.el(1) or 'nothing'} messages, counted {counted}")
        if not same_reference(une.el(2), group.reference):
            self._group_issue(
                group, f"UNE02 {une.el(2) or '(missing)'} does not match UNG05 {group.reference}"
            )
        self.group = None

    # -- the interchange -------------------------------------------------------------------------
    def _close(self, unz: Segment) -> None:
        self._flush_stray()
        if self.group is not None:
            self._group_issue(self.group, f"group {self.group.reference} has no UNE trailer (UNZ follows it)")
            self.group = None
        self.ic.unz = unz
        counted = len(self.ic.groups) if self.ic.groups else len(self.ic.messages)
        what = "groups" if self.ic.groups else "messages"
        declared = count(unz.el(1))
        if declared != counted:
            self.issue(f"UNZ01 says {unz.el(1) or 'nothing'} {what}, counted {counted}")
        if not same_reference(unz.el(2), self.ic.control_reference):
            self.issue(f"UNZ02 {unz.el(2) or '(missing)'} does not match UNB05 {self.ic.control_reference}")
        self.ended = True

    def _flush_stray(self) -> None:
        if not self.stray:
            return
        first, n = self.stray[0], len(self.stray)
        tags = ", ".join(s.tag[:12] for s in self.stray[:5]) + (", ..." if n > 5 else "")
        after = " after the UNZ" if self.ended else ""
        text = f"{n} segment{'s' if n > 1 else ''} outside any message{after}: {tags}"
        self.issue(text, f"{self.ic.location()}, segment index {first.index} ({first.tag[:12]})")
        self.stray = []

    def finish(self) -> Interchange:
        if not self.ended:
            self._truncate_message("the end of the interchange")
            if self.group is not None:
                self._group_issue(self.group, f"group {self.group.reference} has no UNE trailer")
            self._flush_stray()
            self.issue(f"interchange {self.ic.control_reference} has no UNZ trailer")
        self._flush_stray()
        return self.ic


def _unb_problem(unb: Segment) -> str | None:
    syntax, version = unb.comp(1, 1).upper(), unb.comp(1, 2)
    if unb.tag != "UNB":
        return f"the interchange begins with {unb.tag[:12]!r}, not UNB"
    if syntax not in CHARSETS:
        return f"UNB01 syntax identifier {syntax!r} is not one this reader knows (UNOA to UNOY)"
    if version not in _VERSIONS:
        return f"UNB01 syntax version {version!r} is not 1, 2, 3 or 4"
    if not unb.el(5):
        return "UNB05 (interchange control reference) is missing"
    return None


def _broken(chunk: Chunk, problem: str) -> Interchange:
    unb = Segment("UNB", (), 0)
    ic = Interchange(
        syntax_id="", syntax_version="", sender_id="", sender_qualifier="", recipient_id="",
        recipient_qualifier="", date="", time="", control_reference="", application_reference="",
        test=False, delimiters=chunk.delimiters, charset="latin-1", unb=unb, offset=chunk.offset,
    )  # fmt: skip
    ic.issues.append(Issue(KIND, problem, f"UNB at byte {chunk.offset}", "interchange"))
    return ic


def _read_chunk(text: str, chunk: Chunk) -> Interchange:
    if chunk.problem is not None:
        return _broken(chunk, chunk.problem)
    if not chunk.segments:
        return _broken(chunk, "a UNA with no UNB after it")
    first = chunk.segments[0]
    probe = _segment(first.text, chunk, "latin-1", False, 0)
    syntax_id = probe.comp(1, 1).upper()
    repeats = probe.comp(1, 2) == "4" and chunk.delimiters.repetition is not None
    if probe.comp(1, 2) == "4" and not chunk.una:  # version 4 default: the asterisk repeats
        chunk.delimiters = replace(chunk.delimiters, repetition="*")
        repeats = True
    codec, note = choose_charset(syntax_id, text[chunk.offset : chunk.end].encode("latin-1"))
    unb = _segment(first.text, chunk, codec, repeats, 0)
    problem = _unb_problem(unb)
    if problem is not None:
        return _broken(chunk, problem)
    ic = Interchange(
        syntax_id=syntax_id, syntax_version=unb.comp(1, 2), sender_id=unb.comp(2, 1),
        sender_qualifier=unb.comp(2, 2), recipient_id=unb.comp(3, 1), recipient_qualifier=unb.comp(3, 2),
        date=unb.comp(4, 1), time=unb.comp(4, 2), control_reference=unb.el(5),
        application_reference=unb.el(7), test=unb.el(11) == "1", delimiters=chunk.delimiters,
        charset=codec, unb=unb, offset=chunk.offset, notes=list(chunk.notes),
    )  # fmt: skip
    if note:
        ic.notes.append(note)
    if not ic.sender_id:
        ic.notes.append("UNB02 (interchange sender) is blank: the sender is known only from the NAD parties")
    if chunk.empty:
        ic.notes.append(
            f"{chunk.empty} empty segment{'s' if chunk.empty > 1 else ''} (doubled terminators) ignored"
        )
    reader = _Reader(ic)
    for index, raw in enumerate(chunk.segments[1:] + chunk.trailing, start=1):
        reader.read(_segment(raw.text, chunk, codec, repeats, index))
    return reader.finish()


def read_interchanges(content: bytes) -> list[Interchange]:
    """Every interchange of ``content``, in file order, with the problems found recorded on them.

    Raises :class:`DocumentError` (``empty`` or ``edifact_syntax``) only when no interchange can be
    read at all.
    """
    with collector_paused():  # see the X12 reader: many small tuples, no cycles
        return _read_all(content)


def _read_all(content: bytes) -> list[Interchange]:
    text = content.decode("latin-1")
    if is_padding(text):
        raise DocumentError("empty", "the file is empty or holds only blanks")
    start = first_start(text)
    if start < 0:
        raise DocumentError(KIND, "no UNA or UNB segment found: the file holds no EDIFACT interchange")
    found = [_read_chunk(text, chunk) for chunk in cut(text, start)]
    if not found:
        raise DocumentError(KIND, "no UNB segment found after the UNA")
    leading = text[:start].strip(" \t\r\n\x00\x1a" + BOM)
    if leading:
        first = found[0]
        message = (
            f"text before the first {'UNA' if text.startswith('UNA', start) else 'UNB'}: {leading[:40]!r}"
        )
        first.issues.insert(0, Issue(KIND, message, f"UNB at byte {start}", "interchange"))
    unreadable = [ic for ic in found if ic.issues and ic.issues[0].location.startswith("UNB at byte")]
    if len(unreadable) == len(found) and not leading:
        issue = unreadable[0].issues[0]
        raise DocumentError(KIND, issue.message, issue.location)
    return found


def looks_like_tradacoms(text: str) -> bool:
    """STX=ANA:1+... (or with '+' written after the tag): a TRADACOMS file, not EDIFACT."""
    head = text.lstrip(" \t\r\n\x00" + BOM)[:16]
    return re.match(r"STX[=+]ANAA?:\d", head) is not None


__all__ = ["looks_like_tradacoms", "read_interchanges", "same_reference", "tag_of"]
