"""The EDIFACT format plugin: interchanges in, purchase orders out, with every problem located.

Each message stands on its own: a broken ORDERS among good ones is rejected with its location
while the others are read; a message of another type (ORDRSP, INVOIC, DESADV ...) is rejected
with its name. An interchange with an envelope problem (UNZ count or reference, no UNZ) is
rejected whole, as is a repeat of an earlier interchange of the same file (same sender and UNB05).
TRADACOMS files (STX ... END) are recognized only to say that they are not supported.
"""

from __future__ import annotations

import re

from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext, ParseOutcome, RejectedPart
from ingest.parsers.edifact.codes import MESSAGE_NAMES
from ingest.parsers.edifact.envelope import looks_like_tradacoms, read_interchanges
from ingest.parsers.edifact.model import Interchange, Issue, Message
from ingest.parsers.edifact.orders import map_orders
from ingest.parsers.x12.envelope import collector_paused

TAKEN = "ORDERS"
_VERSIONS = frozenset({"D", "S"})  # UNH 0052: a UN/EDIFACT directory (D) or a service message (S)
_RELEASE = re.compile(r"\d\d[A-C]")
_HEAD = re.compile(rb"[\r\n][ \t]*UN[AB][^A-Za-z0-9\s]")


def _head(content: bytes) -> bytes:
    return content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x00")


def _error(issue: Issue) -> DocumentError:
    return DocumentError(issue.kind, issue.message, issue.location)


class EdifactParser:
    format = "edifact"

    def score(self, content: bytes, filename: str | None) -> float:
        head = _head(content)
        if (
            head.startswith((b"UNA", b"UNB"))
            and head[3:4]
            and not head[3:4].isalnum()
            and not head[3:4].isspace()
        ):
            return 1.0
        if looks_like_tradacoms(head[:16].decode("latin-1")):
            return 0.9  # only to say precisely that it is not supported
        if _HEAD.search(head) and b"UNH" in content[:65536]:
            return 0.8  # an interchange after some other text
        return 0.0

    def parse(self, content: bytes, context: ParseContext) -> ParseOutcome:
        with collector_paused():  # nothing built here forms reference cycles
            return self._parse(content)

    def _parse(self, content: bytes) -> ParseOutcome:
        if looks_like_tradacoms(_head(content)[:16].decode("latin-1")):
            error = DocumentError(
                "unrecognized",
                "this is a TRADACOMS file (STX ... END), not UN/EDIFACT; TRADACOMS is not supported: "
                "ask the partner for EDIFACT ORDERS or X12 850",
                "STX",
            )
            return ParseOutcome(None, error=error)
        interchanges = read_interchanges(content)
        flag_repeated_interchanges(interchanges)
        outcome = ParseOutcome(self.format, envelopes=list(interchanges))
        for ic in interchanges:
            if ic.rejected:
                outcome.rejected.append(RejectedPart(_error(ic.issues[0])))
                continue
            for msg in ic.messages:
                read_message(msg, ic, outcome)
        return outcome


def read_message(msg: Message, ic: Interchange, outcome: ParseOutcome) -> None:
    if msg.type != TAKEN:
        name = MESSAGE_NAMES.get(msg.type, "message")
        text = f"message {msg.type or '(no type)'} ({name}) is not taken on this feed, which reads ORDERS"
        outcome.rejected.append(RejectedPart(DocumentError("edifact_syntax", text, msg.location())))
        return
    if msg.group is not None and msg.group.issues:
        outcome.rejected.append(RejectedPart(_error(msg.group.issues[0])))
        return
    if msg.version not in _VERSIONS:
        text = (
            f"UNH02 message version {msg.version!r} (release {msg.release!r}) is not a UN/EDIFACT "
            "directory version (D)"
        )
        msg.issues.append(Issue("edifact_syntax", text, msg.where(msg.segments[0]), "message"))
    if msg.issues:
        outcome.rejected.append(RejectedPart(_error(msg.issues[0])))
        return
    order, issues = map_orders(msg, ic)
    msg.issues.extend(issues)
    if order is not None and not _RELEASE.fullmatch(msg.release):
        order.notes.append(f"UNH02 directory {msg.directory} is not a UN/EDIFACT release: read as ORDERS")
        order.confidence["order_type"] = min(order.confidence.get("order_type", 1.0), 0.5)
    if msg.issues:
        outcome.rejected.append(RejectedPart(_error(msg.issues[0]), order))
    elif order is not None:
        outcome.orders.append(order)


def flag_repeated_interchanges(interchanges: list[Interchange]) -> None:
    """An interchange whose sender and UNB05 repeat an earlier one in the same file is a duplicate."""
    seen: dict[tuple[str, str, str], int] = {}
    for n, ic in enumerate(interchanges, start=1):
        key = (ic.sender_qualifier, ic.sender_id, ic.control_reference)
        if key in seen and not ic.rejected and ic.control_reference:
            text = (
                f"interchange {key[2]} from {key[0] or '-'}/{key[1]} repeats interchange {seen[key]} "
                "of this file; it is not processed twice"
            )
            ic.issues.append(
                Issue(
                    "duplicate_interchange",
                    text,
                    f"{ic.location()} (interchange {n} in the file)",
                    "interchange",
                )
            )
        seen.setdefault(key, n)
