"""The X12 format plugin: interchanges in, purchase orders out, with every problem located.

Each transaction set stands on its own: a broken 850 among good ones is rejected with its
location while the others are read. The interchanges (with the problems recorded on them) go out
in ``ParseOutcome.envelopes`` so that the 997 can be written from them.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.domain.order import Order
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext, ParseOutcome, RejectedPart
from ingest.parsers.x12.envelope import collector_paused, read_interchanges
from ingest.parsers.x12.model import FunctionalGroup, Interchange, Issue, TransactionSet
from ingest.parsers.x12.po850 import map_850
from ingest.parsers.x12.po860 import map_860

Mapper = Callable[[TransactionSet, FunctionalGroup, Interchange], tuple[Order | None, list[Issue]]]
MAPPERS: dict[str, Mapper] = {"850": map_850, "860": map_860}
NAMES = {
    "810": "invoice",
    "855": "PO acknowledgment",
    "856": "ship notice",
    "820": "payment order",
    "824": "application advice",
    "865": "PO change acknowledgment",
    "204": "load tender",
}
ACKNOWLEDGMENT_GROUPS = {"FA"}  # 997/999 coming back to us are never answered or rejected
_EBCDIC_ISA = b"\xc9\xe2\xc1"


def _head(content: bytes) -> bytes:
    return content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x00")


def _error(issue: Issue) -> DocumentError:
    return DocumentError(issue.kind, issue.message, issue.location)


class X12Parser:
    format = "x12"

    def score(self, content: bytes, filename: str | None) -> float:
        head = _head(content)
        if head.startswith((b"ISA", _EBCDIC_ISA)):
            return 1.0
        if b"\nISA" in head or b"\rISA" in head:  # an interchange after a preamble or comment lines
            return 0.8
        return 0.0

    def parse(self, content: bytes, context: ParseContext) -> ParseOutcome:
        with collector_paused():  # nothing built here forms reference cycles
            return self._parse(content)

    def _parse(self, content: bytes) -> ParseOutcome:
        interchanges = read_interchanges(content)
        _flag_repeated_interchanges(interchanges)
        outcome = ParseOutcome(self.format, envelopes=list(interchanges))
        for interchange in interchanges:
            if interchange.rejected:
                outcome.rejected.append(RejectedPart(_error(interchange.issues[0])))
                continue
            for group in interchange.groups:
                if group.functional_id in ACKNOWLEDGMENT_GROUPS:
                    continue
                for ts in group.transactions:
                    self._read_transaction(ts, group, interchange, outcome)
        return outcome

    def _read_transaction(
        self, ts: TransactionSet, group: FunctionalGroup, interchange: Interchange, outcome: ParseOutcome
    ) -> None:
        mapper = MAPPERS.get(ts.id)
        if mapper is None:
            name = NAMES.get(ts.id, "transaction set")
            ts.issues.append(
                Issue(
                    kind="x12_unsupported_transaction",
                    message=(
                        f"transaction set {ts.id} ({name}) is not taken on this feed, which reads 850 and 860"
                    ),
                    location=ts.location(),
                    level="transaction",
                    ak5_code="1",
                )
            )
            outcome.rejected.append(RejectedPart(_error(ts.issues[-1])))
            return
        if group.issues:
            outcome.rejected.append(RejectedPart(_error(group.issues[0])))
            return
        order: Order | None = None
        if not ts.issues:
            order, issues = mapper(ts, group, interchange)
            ts.issues.extend(issues)
        if ts.issues:
            outcome.rejected.append(RejectedPart(_error(ts.issues[0]), order))
        elif order is not None:
            outcome.orders.append(order)


def _flag_repeated_interchanges(interchanges: list[Interchange]) -> None:
    """An interchange whose sender and ISA13 repeat an earlier one in the same file is a duplicate."""
    seen: dict[tuple[str, str, str], int] = {}
    for n, ic in enumerate(interchanges, start=1):
        key = (ic.sender_qualifier.strip(), ic.sender_id.strip(), ic.control_number.strip())
        if key in seen and not ic.rejected:
            ic.issues.append(
                Issue(
                    kind="duplicate_interchange",
                    message=(
                        f"interchange {key[2]} from {key[0]}/{key[1]} repeats interchange {seen[key]} "
                        "of this file; it is not processed twice"
                    ),
                    location=f"ISA {key[2]} (interchange {n} in the file)",
                    level="interchange",
                )
            )
        seen.setdefault(key, n)
