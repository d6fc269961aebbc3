"""The EDIFACT interchange as read: delimiters, segments, groups, messages, and the problems found.

Shared by the syntax reader (``syntax.py``), the envelope reader (``envelope.py``) and the ORDERS
mapper (``orders.py``). All pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["interchange", "group", "message"]


@dataclass(frozen=True)
class Delimiters:
    """The service characters of an interchange: from its UNA, else the defaults ``:+.? '``.

    ``repetition`` is None before syntax version 4 (the fifth UNA character is reserved there);
    ``release`` is None when the UNA declares a space in its place (no release character).
    """

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    repetition: str | None = None
    segment: str = "'"

    def shown(self) -> str:
        """As a UNA would write them: ``:+.? '``."""
        return "".join(
            (
                self.component,
                self.element,
                self.decimal,
                self.release or " ",
                self.repetition or " ",
                self.segment,
            )
        )


Components = tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    """One segment, released characters restored and the text decoded.

    ``elements[n - 1]`` is data element n (BGM02 is ``elements[1]``): a tuple of repeats (one
    unless syntax version 4 repeats it), each a tuple of components. ``index`` is the segment's
    0-based position in the interchange (UNB = 0; the UNA is service string advice, not a segment);
    ``position`` its 1-based position in its message (UNH = 1), or 0 outside one.
    """

    tag: str
    elements: tuple[tuple[Components, ...], ...]
    index: int
    position: int = 0

    def components(self, n: int) -> Components:
        """The components of element ``n`` (its first repeat); () when absent."""
        if 0 < n <= len(self.elements) and self.elements[n - 1]:
            return self.elements[n - 1][0]
        return ()

    def repeats(self, n: int) -> tuple[Components, ...]:
        return self.elements[n - 1] if 0 < n <= len(self.elements) else ()

    def comp(self, n: int, k: int = 1) -> str:
        """Component ``k`` of element ``n`` (both 1-based), stripped; '' when absent."""
        parts = self.components(n)
        return parts[k - 1].strip() if 0 < k <= len(parts) else ""

    def el(self, n: int) -> str:
        """Element ``n`` as a simple value (its first component), stripped."""
        return self.comp(n, 1)

    def text(self) -> str:
        """The segment written back plainly ("QTY 21:5:PCE"), for notes."""
        elements = [":".join(c.strip() for c in rep[0]).rstrip(":") if rep else "" for rep in self.elements]
        while elements and not elements[-1]:
            elements.pop()
        return f"{self.tag} " + "+".join(elements) if elements else self.tag


@dataclass(frozen=True)
class Issue:
    """A problem found while reading; ``kind`` is a document error kind (CONTRACTS §7)."""

    kind: str
    message: str
    location: str
    level: Level


@dataclass
class Message:
    """UNH..UNT of one message, and what is wrong with it."""

    type: str  # UNH02 S009 0065: ORDERS, ORDRSP, INVOIC ...
    version: str  # 0052: D
    release: str  # 0054: 96A
    agency: str  # 0051: UN
    association: str  # 0057: EAN008
    reference: str  # UNH01 (0062)
    segments: list[Segment]  # UNH first, UNT last when present
    group: Group | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.issues)

    def location(self) -> str:
        return f"UNH {self.reference}"

    def where(self, seg: Segment) -> str:
        return f"{self.location()}, segment {seg.position} ({seg.tag[:12]})"

    @property
    def directory(self) -> str:
        """ "D.96A" as people write it."""
        return f"{self.version}.{self.release}" if self.release else self.version


@dataclass
class Group:
    """UNG..UNE, a functional group (rare in EDIFACT)."""

    message_type: str  # UNG01 (0038)
    sender: str  # UNG02
    recipient: str  # UNG03
    reference: str  # UNG05 (0048)
    ung: Segment
    une: Segment | None = None
    messages: list[Message] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Interchange:
    syntax_id: str  # UNB01 0001: UNOA ... UNOY
    syntax_version: str  # UNB01 0002: 1..4
    sender_id: str  # UNB02 0004
    sender_qualifier: str  # UNB02 0007: 14 = GLN (EAN), ZZ mutually defined ...
    recipient_id: str  # UNB03 0010
    recipient_qualifier: str  # UNB03 0007
    date: str  # UNB04 0017: YYMMDD, CCYYMMDD in version 4
    time: str  # UNB04 0019
    control_reference: str  # UNB05 0020
    application_reference: str  # UNB07 0026
    test: bool  # UNB11 0035 == "1"
    delimiters: Delimiters
    charset: str  # the Python codec the text was decoded with
    unb: Segment
    unz: Segment | None = None
    groups: list[Group] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # every message, in groups or not
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was tolerated (inferred delimiters ...)
    offset: int = 0  # byte offset of the UNA or UNB in the file

    @property
    def rejected(self) -> bool:
        return bool(self.issues)

    def location(self) -> str:
        return f"UNB {self.control_reference}"
