"""Cutting EDIFACT text into interchanges and segments: service string advice, release character,
line breaks, character sets. Pure text work, no message structure.

The file is read one character per byte (Latin-1), so that a character index is a byte offset and
the service characters (all ASCII) can be found before the character set is known; every value is
then decoded with the character set its UNB declares (UNOC = ISO 8859-1, UNOD = ISO 8859-2,
UNOE = ISO 8859-5, UNOW / UNOY = UTF-8 ...). Multi-byte UTF-8 characters never contain an ASCII
byte, so cutting before decoding is safe.

Delimiters come from the UNA (``UNA:+.? '``: component, element, decimal mark, release, repetition
or reserved, segment terminator) or are the defaults. Tolerated, because partners send them: a UTF-8
BOM and blanks before the UNA/UNB, a line break (CR, LF, CRLF) after each terminator, hard-wrapped
files (lines cut at a fixed width: the breaks are removed), a line break inside a value in a file
that is not wrapped (read as a space), empty segments from a doubled terminator, and non-default
delimiters written without a UNA when the UNB and UNH show them unambiguously (noted).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.parsers.edifact.model import Delimiters

DEFAULTS = Delimiters()
BOM = "\xef\xbb\xbf"  # a UTF-8 byte-order mark as read through Latin-1
PADDING = " \t\r\n\x00\x1a"
_BREAK = re.compile(r"\r\n|\r|\n")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_START = re.compile(r"UN[AB][^A-Za-z0-9\s]")

# UNB01 syntax identifier -> Python codec (ISO 9735 code list 0001).
CHARSETS = {
    "UNOA": "ascii",  # upper-case letters, digits, a few signs (ISO 646 subset)
    "UNOB": "ascii",  # upper and lower case (ISO 646 subset)
    "UNOC": "iso-8859-1",
    "UNOD": "iso-8859-2",
    "UNOE": "iso-8859-5",
    "UNOF": "iso-8859-7",
    "UNOG": "iso-8859-3",
    "UNOH": "iso-8859-4",
    "UNOI": "iso-8859-6",
    "UNOJ": "iso-8859-8",
    "UNOK": "iso-8859-9",
    "UNOL": "iso-8859-15",
    "UNOW": "utf-8",  # ISO 10646-1 in UTF-8
    "UNOX": "iso2022_jp_2",  # ISO 2022 code extension
    "UNOY": "utf-8",  # ISO 10646-1 octets without code extension
    "IATA": "ascii",
    "IATB": "ascii",
    "KECA": "euc_kr",
}
SINGLE_BYTE = frozenset(k for k, v in CHARSETS.items() if v.startswith(("ascii", "iso-8859")))


@dataclass(frozen=True)
class RawSegment:
    """A segment as written (released characters still escaped), line breaks dealt with."""

    text: str
    offset: int  # byte offset in the file


@dataclass
class Chunk:
    """One interchange's text: from its UNA or UNB to its UNZ (or to the next UNA/UNB)."""

    offset: int
    end: int
    delimiters: Delimiters
    una: bool
    segments: list[RawSegment] = field(default_factory=list)
    trailing: list[RawSegment] = field(default_factory=list)  # segments after the UNZ
    empty: int = 0  # empty segments (doubled terminators) skipped
    notes: list[str] = field(default_factory=list)
    problem: str | None = None  # why the delimiters cannot be used


def is_padding(text: str) -> bool:
    return not text.strip(PADDING + BOM)


def read_una(text: str, at: int) -> Delimiters | str:
    """The delimiters of the UNA at ``at``, or why they cannot be used."""
    una = text[at + 3 : at + 9]
    if len(una) < 6:
        return "the file ends inside the UNA service string advice"
    component, element, decimal, release, repetition, segment = (
        una[0],
        una[1],
        una[2],
        una[3],
        una[4],
        una[5],
    )
    named = {"component separator": component, "element separator": element, "segment terminator": segment}
    for what, char in named.items():
        if char.isalnum() or char == " " or (char in "\r\n" and what != "segment terminator"):
            return f"the UNA gives {char!r} as {what}, which cannot be a separator"
    if len(set(named.values())) < 3:
        return f"the UNA {una!r} uses one character for two different separators"
    if decimal not in ".,":
        return f"the UNA gives {decimal!r} as decimal mark; it must be '.' or ','"
    if release.isalnum() or release in set(named.values()):
        return f"the UNA gives {release!r} as release character, which cannot be one"
    rep = None if repetition.isspace() or repetition.isalnum() or repetition in named.values() else repetition
    return Delimiters(component, element, decimal, None if release == " " else release, rep, segment)


def infer_delimiters(text: str, at: int) -> Delimiters | None:
    """Delimiters a UNB without a UNA shows: the character after "UNB", the one after the syntax
    identifier, and the one before the first UNH. None when they are not clear."""
    element = text[at + 3 : at + 4]
    component = text[at + 8 : at + 9]
    if not element or element.isalnum() or element in PADDING or text[at + 4 : at + 7] not in ("UNO", "IAT"):
        return None
    if not component or component.isalnum() or component in PADDING or component == element:
        return None
    unh = text.find("UNH" + element, at)
    before = text[at:unh].rstrip(PADDING) if unh > 0 else ""
    segment = before[-1:]
    if not segment or segment.isalnum() or segment in (element, component):
        return None
    release = "?" if "?" not in (element, component, segment) else None
    return Delimiters(component, element, ".", release, None, segment)


@lru_cache(maxsize=64)
def _segment_pattern(terminator: str, release: str | None) -> re.Pattern[str]:
    t = re.escape(terminator)
    if release is None:
        return re.compile(rf"([^{t}]*)(?:{t}|\Z)", re.S)
    r = re.escape(release)
    return re.compile(rf"((?:[^{t}{r}]|{r}.|{r}\Z)*)(?:{t}|\Z)", re.S)


def wrap_width(text: str) -> int | None:
    """The line width of a hard-wrapped file (two or more lines of the longest length), else None."""
    lengths = [len(line.rstrip("\r")) for line in text.split("\n")]
    width = max(lengths, default=0)
    return width if width >= 20 and lengths.count(width) >= 2 else None


def _unbreak(raw: str, offset: int, text: str, width: int | None) -> str:
    """Line breaks inside a segment: removed where the line was cut at the wrap width, else a space."""

    def one(match: re.Match[str]) -> str:
        at = offset + match.start()
        line_start = text.rfind("\n", 0, at) + 1
        return "" if width is not None and at - line_start == width else " "

    return _BREAK.sub(one, raw)


def tag_of(raw: str, delimiters: Delimiters) -> str:
    """The segment tag: what comes before the first element or component separator."""
    end = raw.find(delimiters.element)
    end = len(raw) if end < 0 else end
    component = raw.find(delimiters.component, 0, end)
    return raw[: component if component >= 0 else end]


def _segments(text: str, pos: int, d: Delimiters, width: int | None) -> Iterator[RawSegment]:
    """Raw segments from ``pos`` to the end of the text (the caller stops where it must)."""
    pattern = _segment_pattern(d.segment, d.release)
    newline_terminator = d.segment in "\r\n"
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is None:  # cannot happen: the pattern matches the empty string at the end
            return
        body, start = match.group(1), match.start(1)
        stripped = body.lstrip(PADDING)
        start += len(body) - len(stripped)
        stripped = stripped.rstrip("\r\n\x00\x1a")
        if not newline_terminator and ("\n" in stripped or "\r" in stripped):
            stripped = _unbreak(stripped, start, text, width)
        yield RawSegment(stripped, start)
        if match.end() == pos:
            return
        pos = match.end()


def first_start(text: str) -> int:
    """Where the first UNA or UNB begins: at the start (after blanks and a BOM) or at a line start
    after other text; -1 when there is none."""
    head = len(text) - len(text.lstrip(PADDING + BOM))
    if _START.match(text, head):
        return head
    found = re.search(r"[\r\n][ \t]*(UN[AB][^A-Za-z0-9\s])", text)
    return found.start(1) if found else -1


def cut(text: str, start: int) -> list[Chunk]:
    """The interchanges of ``text`` from ``start`` (a UNA or UNB), each with its raw segments."""
    width = wrap_width(text)
    chunks: list[Chunk] = []
    pos = start
    while pos < len(text):
        while pos < len(text) and text[pos] in PADDING:
            pos += 1
        if pos >= len(text):
            break
        chunk = _open(text, pos)
        chunks.append(chunk)
        pos = _fill(text, chunk, width)
    return chunks


def _open(text: str, pos: int) -> Chunk:
    if text.startswith("UNA", pos):
        found = read_una(text, pos)
        if isinstance(found, str):
            return Chunk(pos, pos + 3, DEFAULTS, True, problem=found)
        return Chunk(pos, pos + 9, found, True)
    if text.startswith("UNB", pos) and text[pos + 3 : pos + 4] not in (DEFAULTS.element, ""):
        inferred = infer_delimiters(text, pos)
        if inferred is None:
            problem = (
                f"there is no UNA and the UNB is followed by {text[pos + 3 : pos + 4]!r}, not the default "
                f"element separator {DEFAULTS.element!r}: the delimiters cannot be known"
            )
            return Chunk(pos, pos + 3, DEFAULTS, False, problem=problem)
        note = (
            f"no UNA although the delimiters are not the defaults; read with those the UNB and UNH show "
            f"({inferred.shown()!r})"
        )
        return Chunk(pos, pos, inferred, False, notes=[note])
    return Chunk(pos, pos, DEFAULTS, False)


def _fill(text: str, chunk: Chunk, width: int | None) -> int:
    """Read the chunk's segments up to its UNZ; return where the next interchange may start."""
    if chunk.problem is not None:  # everything up to the next UNA/UNB at a line start is lost
        nxt = re.search(r"[\r\n'][ \t\r\n]*(UNA|UNB)", text[chunk.end :])
        chunk.end = chunk.end + nxt.start(1) if nxt else len(text)
        return chunk.end
    d = chunk.delimiters
    ended = False
    for raw in _segments(text, chunk.end, d, width):
        if not raw.text:
            if raw.offset < len(text):
                chunk.empty += 1
            continue
        tag = tag_of(raw.text, d)
        starts = raw.text[:3] if raw.text[3:4] and not raw.text[3:4].isalnum() else tag
        if starts in ("UNA", "UNB") and (chunk.segments or starts == "UNA"):
            chunk.end = raw.offset
            return raw.offset
        if ended:
            chunk.trailing.append(raw)
        else:
            chunk.segments.append(raw)
            ended = tag == "UNZ"
    chunk.end = len(text)
    return len(text)


def valid_tag(tag: str) -> bool:
    return _TAG.fullmatch(tag) is not None


def split_values(raw: str, d: Delimiters, repeats: bool) -> list[list[list[str]]]:
    """A raw segment as elements -> repeats -> components, released characters restored.

    The first element is the tag (with its components, if any: "UNH" has none)."""
    rep = d.repetition if repeats else None
    if d.release is None or d.release not in raw:
        return [[r.split(d.component) for r in (e.split(rep) if rep else [e])] for e in raw.split(d.element)]
    elements: list[list[list[str]]] = [[[]]]
    value: list[str] = []
    chars = iter(raw)
    for ch in chars:
        if ch == d.release:
            value.append(next(chars, ""))
        elif ch == d.component:
            elements[-1][-1].append("".join(value))
            value = []
        elif ch == d.element:
            elements[-1][-1].append("".join(value))
            elements.append([[]])
            value = []
        elif rep is not None and ch == rep:
            elements[-1][-1].append("".join(value))
            elements[-1].append([])
            value = []
        else:
            value.append(ch)
    elements[-1][-1].append("".join(value))
    return elements


def choose_charset(syntax_id: str, raw_bytes: bytes) -> tuple[str, str | None]:
    """The codec for an interchange and a note when the bytes disagree with the declaration: a
    single-byte repertoire (UNOA..UNOL) whose non-ASCII bytes are valid UTF-8 is read as UTF-8."""
    codec = CHARSETS.get(syntax_id, "latin-1")
    if raw_bytes.isascii():
        return codec, None
    if syntax_id in SINGLE_BYTE or syntax_id not in CHARSETS:
        try:
            raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            if codec == "ascii":
                return (
                    "latin-1",
                    f"{syntax_id} allows only ASCII but the interchange holds other bytes: "
                    "read as ISO 8859-1",
                )
            return codec, None
        return "utf-8", f"{syntax_id} ({codec}) is declared but the text is UTF-8: read as UTF-8"
    return codec, None


def decode(value: str, codec: str) -> str:
    """A value cut from the Latin-1 reading, decoded with the interchange's character set."""
    if value.isascii() or codec == "latin-1":
        return value
    return value.encode("latin-1").decode(codec, "replace")
