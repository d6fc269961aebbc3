"""Cutting an X12 file into interchanges and segment strings: the ISA header and its separators.

Pure text work, no X12 structure. The whole file is decoded byte for byte (Latin-1, or EBCDIC
cp037 when the ISA is written in EBCDIC), so that a character index is also a byte offset.
Separators are always taken from the ISA: the element separator is the character after "ISA",
ISA16 is the component separator and the segment terminator follows it.

Tolerated, because partners send them: a UTF-8 BOM and blank lines before the ISA, padding after
the IEA, a terminator followed by a line break or spaces, a line break alone as terminator,
segments indented, hard-wrapped lines (line breaks inside segments, removed), a terminator that
is a multi-byte UTF-8 character, an ISA16 left out (the terminator then sits where ISA16 should),
and padded ISA fields miscounted because of non-ASCII padding. A trimmed ISA (fields stripped of
their padding) or one whose separators do not agree is an envelope error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ingest.parsers.x12.model import Separators

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1)  # ISA01..ISA15; ISA16 is one character
_PADDED = frozenset({1, 3, 5, 7})  # 0-based: ISA02, ISA04, ISA06, ISA08 (space-padded free text)
_VERSION = re.compile(r"00[2-8]\d\d")  # ISA12 00200 (1987) up to the 008xx releases
UTF8_BOM = "\xef\xbb\xbf"  # as read through Latin-1
_PADDING = " \t\r\n\x00\x1a"  # ignored around segments and interchanges (NUL and Ctrl-Z fill)
_NOT_PADDING = re.compile(r"[^ \t\r\n\x00\x1a\xef\xbb\xbf]")
_EBCDIC_ISA = b"\xc9\xe2\xc1"
_WINDOW = 400  # characters read ahead for an ISA (106 normally; more when wrapped or padded)
_FOLLOWERS = ("GS", "IEA", "TA1", "ISB", "ISE")


def decode(content: bytes) -> str:
    """The file as text, one character per byte: EBCDIC (cp037) when its ISA comes first, else Latin-1."""
    ascii_at = content.find(b"ISA")
    ebcdic = content.find(_EBCDIC_ISA, 0, ascii_at if ascii_at >= 0 else len(content))
    if ebcdic >= 0:
        return content.decode("cp037")
    return content.decode("latin-1")


def is_padding(text: str) -> bool:
    """Only blanks, fill characters (NUL, Ctrl-Z) and byte-order marks: nothing worth reporting."""
    return _NOT_PADDING.search(text) is None


@dataclass(frozen=True)
class IsaHeader:
    """An ISA as found at ``offset``; ``problem`` says why it cannot be used (then ``end`` = offset + 3)."""

    offset: int
    end: int  # index just after the ISA's terminator: where the interchange's segments begin
    elements: tuple[str, ...]  # ISA01..ISA16 as written ('' for a missing ISA16)
    separators: Separators
    split_terminator: str  # what the body is split on (a UTF-8 terminator is several characters here)
    wrapped: bool = False  # line breaks inside the ISA: the file is hard-wrapped
    problem: str | None = None

    @property
    def version(self) -> str:
        return self.elements[11].strip() if len(self.elements) > 11 else ""

    @property
    def control_number(self) -> str:
        return self.elements[12].strip() if len(self.elements) > 12 else ""


def _broken(offset: int, problem: str, elements: tuple[str, ...] = (), element: str = "*") -> IsaHeader:
    return IsaHeader(offset, offset + 3, elements, Separators(element, ":", "~"), "~", problem=problem)


def _separator_positions(window: str, sep: str) -> list[int]:
    found: list[int] = []
    at = 3
    while len(found) < 16 and at >= 0:
        found.append(at)
        at = window.find(sep, at + 1)
    return found


def _utf8_width(value: str) -> int:
    return len(value.encode("latin-1", "replace").decode("utf-8", "replace"))


def _width_problem(elements: list[str]) -> str | None:
    for n, (value, width) in enumerate(zip(elements, ISA_WIDTHS, strict=True)):
        if len(value) == width or (not value.isascii() and _utf8_width(value) == width):
            continue
        miscounted_padding = value[-1:] in (" ", "\xa0") and min(len(value), _utf8_width(value)) < width
        if n in _PADDED and miscounted_padding:
            continue
        return (
            f"ISA{n + 1:02d} is {len(value)} characters long where the fixed-length ISA has {width}: "
            "the ISA header is trimmed or malformed, so its separators cannot be trusted"
        )
    return None


def _next_line(rest: str) -> str:
    """The line after the ISA's line break, without its own line break and trailing blanks."""
    line = rest.lstrip(" \t\r\n")
    cut = min((i for i in (line.find("\r"), line.find("\n")) if i >= 0), default=len(line))
    return line[:cut].rstrip(" \t")


def _terminator(rest: str, comp: str) -> tuple[str, str, str, int] | str:
    """(component, terminator, split string, characters consumed after ISA16) or a problem."""
    first = rest[:1]
    if not first:
        return "the file ends right after ISA16: no segment terminator"
    if first in " \t":
        stripped = rest.lstrip(" \t")
        if not stripped[:1] or stripped[0] not in "\r\n":
            return "the segment terminator after ISA16 is a space"
        first = stripped[0]
    if first in "\r\n":
        if _next_line(rest).endswith(comp) and not comp.isspace():
            return "", comp, comp, 0  # ISA16 left out: the character read as ISA16 ends every segment
        newline = "\r" if first == "\r" and rest.lstrip(" \t")[1:2] != "\n" else "\n"
        return comp, newline, newline, 1
    if "\xc2" <= first <= "\xf4":  # a multi-byte UTF-8 terminator such as U+2026 (…)
        size = 2 if first < "\xe0" else 3 if first < "\xf0" else 4
        try:
            char = rest[:size].encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            char = ""
        if char:
            return comp, char, rest[:size], size
    if first.isalnum():
        if rest.startswith(_FOLLOWERS) and not comp.isalnum():
            return "", comp, comp, 0  # ISA16 left out and no line break after it
        return f"the segment terminator after ISA16 is {first!r}, a letter or digit"
    return comp, first, first, 1


def _raw_index(text: str, start: int, count: int) -> int:
    """Index in ``text`` after ``count`` characters from ``start`` that are not line breaks."""
    at = start
    while count > 0 and at < len(text):
        if text[at] not in "\r\n":
            count -= 1
        at += 1
    return at


def read_isa(text: str, offset: int) -> IsaHeader:
    """The ISA starting at ``offset`` (``text[offset:offset+3] == "ISA"``), read or with its problem."""
    sep = text[offset + 3 : offset + 4]
    if not sep or sep.isalnum() or sep in " \t\r\n":
        return _broken(offset, f"the character after ISA is {sep!r}, which cannot be an element separator")
    head = text[offset : offset + 7]
    if head[6:] != sep and "\n" not in head and "\r" not in head:  # cheap first test: ISA01 is 2 long
        return _broken(offset, f"ISA01 is not two characters followed by {sep!r}", (), sep)
    window = text[offset : offset + _WINDOW]
    positions = _separator_positions(window, sep)
    wrapped = False
    if any(c in window[: positions[-1] + 1] for c in "\r\n"):
        window = window.replace("\r", "").replace("\n", "")
        positions = _separator_positions(window, sep)
        wrapped = True
    elements = [window[a + 1 : b] for a, b in pairwise(positions)]
    if len(positions) < 16:
        return _broken(
            offset, f"the ISA has {len(positions)} elements separated by {sep!r} where 16 are needed",
            tuple(elements), sep,
        )  # fmt: skip
    last = positions[15]
    problem = _width_problem(elements)
    comp = window[last + 1 : last + 2]
    found = _terminator(window[last + 2 :], comp) if comp else "the file ends inside the ISA"
    if isinstance(found, str):
        return _broken(offset, problem or found, tuple(elements), sep)
    comp, term, split, consumed = found
    elements.append(comp)
    if problem is None and (comp.isalnum() or comp == " " or comp == sep):
        problem = f"ISA16 (component separator) is {comp!r}, which cannot be a separator"
    if problem is None and term in (sep, comp):
        problem = f"the segment terminator {term!r} is also the element or component separator"
    version = elements[11].strip()
    if problem is None and not _VERSION.fullmatch(version):
        problem = f"ISA12 is {version!r}: not an X12 interchange version this reader knows (00200 and later)"
    repetition = elements[10] if version >= "00402" else None
    if repetition is not None and (repetition.isalnum() or repetition in (" ", sep, comp, term)):
        repetition = None
    end_in_window = last + 2 + consumed
    end = _raw_index(text, offset, end_in_window) if wrapped else offset + end_in_window
    separators = Separators(sep, comp, term, repetition)
    return IsaHeader(offset, end, tuple(elements), separators, split, wrapped, problem)


def is_candidate(text: str, at: int) -> bool:
    """Could an ISA start at ``at``: "ISA" not inside a word and followed by a non-alphanumeric."""
    after = text[at + 3 : at + 4]
    return bool(after) and not after.isalnum() and (at == 0 or not text[at - 1].isalnum())


def next_candidate(text: str, start: int) -> int:
    at = text.find("ISA", start)
    while at >= 0 and not is_candidate(text, at):
        at = text.find("ISA", at + 1)
    return at


def _starts_segment(text: str, at: int, start: int, terminator: str) -> bool:
    """Does ``at`` begin a segment: after the terminator or a line break, blanks aside."""
    i = at
    newline = False
    while i > start and text[i - 1] in _PADDING and at - i < 256:
        newline = newline or text[i - 1] in "\r\n"
        i -= 1
    return i == start or newline or text.endswith(terminator, start, i)


def next_interchange(text: str, header: IsaHeader) -> int:
    """Where the interchange of ``header`` ends: at the next ISA that reads, or at a broken one that
    begins a segment; ``len(text)`` when there is none."""
    at = next_candidate(text, header.end)
    while at >= 0:
        isa = read_isa(text, at)
        if isa.problem is None or _starts_segment(text, at, header.end, header.split_terminator):
            return at
        at = next_candidate(text, at + 3)
    return len(text)


def _strip_line_breaks(body: str, term: str) -> str:
    """Line breaks in a body whose terminator is not a line break: segment ends when most lines end
    with the terminator (a line break missing its terminator then still ends the segment), else
    the file is hard-wrapped and the breaks are removed."""
    newline = "\n" if "\n" in body else "\r"
    breaks = body.count(newline)
    ends = body.count(term + newline) + (body.count(term + "\r\n") if newline == "\n" else 0)
    if ends * 2 < breaks:
        ends = len(re.findall(re.escape(term) + r"[ \t]*\r?\n", body))
    if ends * 2 >= breaks and ends < breaks:
        return body.replace("\r\n", term).replace("\n", term).replace("\r", term)
    return body.replace("\r", "").replace("\n", "")  # hard-wrapped, or every break follows a terminator


def split_segments(text: str, start: int, end: int, header: IsaHeader) -> list[str]:
    """The segment strings of ``text[start:end]``, stripped of surrounding blanks; empty ones dropped."""
    body = text[start:end]
    term = header.split_terminator
    if term not in "\r\n" and ("\n" in body or "\r" in body):
        body = body.replace("\r", "").replace("\n", "") if header.wrapped else _strip_line_breaks(body, term)
    seps = header.separators
    blanks = "".join(c for c in _PADDING if c not in (seps.element, seps.component))
    pieces = body.split(term)
    if _has_blanks(body, term, blanks):
        return [s for piece in pieces if (s := piece.strip(blanks))]
    return list(filter(None, pieces))


def _has_blanks(body: str, term: str, blanks: str) -> bool:
    """Could a segment of ``body`` begin or end with a blank (checked at C speed, not per segment)."""
    if any(c in body for c in blanks if c != " "):
        return True
    return " " in blanks and (body[:1] == " " or body[-1:] == " " or term + " " in body or " " + term in body)
