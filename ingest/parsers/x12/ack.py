"""Acknowledgments: the 997 functional acknowledgment and the TA1 interchange acknowledgment.

Pure: given an interchange as read (with the problems recorded on it) and our control numbers,
returns the text to send back. One outbound interchange answers one inbound interchange: a TA1
when the sender asked for one (ISA14 = 1) or the interchange itself is broken, and one 997
transaction set per functional group received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ingest.parsers.x12.model import FunctionalGroup, Interchange, Issue, Separators, TransactionSet

# TA105 note codes for interchange-level problems (X12 data element I18).
_TA1_NOTE = {
    "x12_control_number": "001",  # ISA13 and IEA02 do not match
    "x12_segment_count": "021",  # invalid number of included groups
    "x12_truncated": "023",  # improper (premature) end-of-file
    "x12_envelope": "024",  # invalid interchange content
    "x12_syntax": "024",
    "duplicate_interchange": "025",
}
_STANDARD = Separators(element="*", component=":", segment="~", repetition="^")
_PRINTABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True)
class ControlNumbers:
    """Our control numbers for the outbound interchange and its group, allocated by the caller."""

    interchange: int
    group: int


@dataclass(frozen=True)
class Acknowledgment:
    text: str
    accepted: int  # transaction sets accepted
    rejected: int
    ta1: bool
    groups: int  # functional groups acknowledged by 997s (0: a TA1 alone)

    @property
    def kind(self) -> str:
        return "997" if self.groups else "TA1"


def _separators(inbound: Separators) -> Separators:
    """Answer in the partner's delimiters when they are printable, else in the common ones."""
    chosen = [inbound.element, inbound.component, inbound.segment]
    if all(c in _PRINTABLE for c in chosen) and len(set(chosen)) == 3:
        return Separators(inbound.element, inbound.component, inbound.segment, inbound.repetition)
    return _STANDARD


class _Writer:
    def __init__(self, seps: Separators) -> None:
        self.seps = seps
        self.segments: list[str] = []

    def add(self, tag: str, *elements: str) -> None:
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.segments.append(self.seps.element.join([tag, *values]))

    def text(self) -> str:
        return "".join(s + self.seps.segment + "\n" for s in self.segments)


def _transaction_codes(ts: TransactionSet) -> tuple[str, list[str]]:
    if not ts.issues:
        return "A", []
    codes = [i.ak5_code or "5" for i in ts.issues]
    return "R", list(dict.fromkeys(codes))[:5]


def _write_997(w: _Writer, group: FunctionalGroup, st_number: int, version: str) -> tuple[int, int]:
    """One 997 for one group. Returns (accepted, received) transaction set counts."""
    start = len(w.segments)
    st = f"{st_number:04d}"
    w.add("ST", "997", st)
    five_ten = version.startswith("005")
    w.add("AK1", group.functional_id, group.control_number, group.version if five_ten else "")
    accepted = 0
    for ts in group.transactions:
        w.add("AK2", ts.id, ts.control_number)
        for issue in ts.issues:
            _write_segment_error(w, issue)
        code, reasons = _transaction_codes(ts)
        accepted += code == "A"
        w.add("AK5", code, *reasons)
    received = len(group.transactions)
    if group.issues:
        status = "R"
    elif accepted == received:
        status = "A"
    else:
        status = "P" if accepted else "R"
    group_codes = list(dict.fromkeys(i.ak9_code for i in group.issues if i.ak9_code))[:5]
    if status == "R" and not group_codes and received:
        group_codes = ["5"] if group.issues else []
    included = _group_count(group)
    w.add("AK9", status, str(included), str(received), str(accepted if not group.issues else 0), *group_codes)
    w.add("SE", str(len(w.segments) - start + 1), st)
    return (accepted if not group.issues else 0), received


def _group_count(group: FunctionalGroup) -> int:
    declared = group.ge.el(1) if group.ge else ""
    return int(declared) if declared.isdigit() else len(group.transactions)


def _write_segment_error(w: _Writer, issue: Issue) -> None:
    err = issue.segment_error
    if err is None:
        return
    w.add("AK3", err.tag, str(err.position), err.loop_id or "", err.syntax_code)
    if err.element_position is not None:
        value = (err.element_value or "")[:99]
        for ch in (w.seps.element, w.seps.component, w.seps.segment):
            value = value.replace(ch, " ")
        w.add("AK4", str(err.element_position), "", err.element_code or "", value)


def build_acknowledgment(
    inbound: Interchange, numbers: ControlNumbers, now: datetime
) -> Acknowledgment | None:
    """The outbound interchange answering ``inbound``, or None when nothing is to be sent."""
    wants_ta1 = inbound.ack_requested or inbound.rejected
    # a rejected interchange is answered by the TA1 alone; acknowledgments are never acknowledged
    groups = [] if inbound.rejected else [g for g in inbound.groups if g.functional_id not in ("FA",)]
    if not groups and not wants_ta1:
        return None
    seps = _separators(inbound.separators)
    w = _Writer(seps)
    version = inbound.version if inbound.version else "00401"
    repetition = seps.repetition if version >= "00402" and seps.repetition else "U"
    w.add(
        "ISA", "00", " " * 10, "00", " " * 10,
        inbound.receiver_qualifier.ljust(2)[:2], inbound.receiver_id.strip().ljust(15)[:15],
        inbound.sender_qualifier.ljust(2)[:2], inbound.sender_id.strip().ljust(15)[:15],
        now.strftime("%y%m%d"), now.strftime("%H%M"), repetition, version,
        f"{numbers.interchange:09d}", "0", inbound.usage or "P", seps.component,
    )  # fmt: skip
    if wants_ta1:
        note = "000"
        status = "A"
        if inbound.issues:
            status = "R"
            note = _TA1_NOTE.get(inbound.issues[0].kind, "024")
        w.add("TA1", inbound.control_number, inbound.date, inbound.time, status, note)
    accepted = rejected = 0
    if groups:
        first = groups[0]
        group_version = first.version or "004010"
        w.add(
            # GS02/GS03 are mandatory: when the partner left them empty, the interchange ids stand in
            "GS", "FA", first.receiver.strip() or inbound.receiver_id.strip(),
            first.sender.strip() or inbound.sender_id.strip(), now.strftime("%Y%m%d"), now.strftime("%H%M"),
            str(numbers.group), "X", group_version,
        )  # fmt: skip
        for n, group in enumerate(groups, start=1):
            ok, received = _write_997(w, group, n, group_version)
            accepted += ok
            rejected += received - ok
        w.add("GE", str(len(groups)), str(numbers.group))
    w.add("IEA", "1" if groups else "0", f"{numbers.interchange:09d}")
    return Acknowledgment(
        text=w.text(), accepted=accepted, rejected=rejected, ta1=wants_ta1, groups=len(groups)
    )
