"""NAD parties, CTA/COM contacts, and the readable text of PAT, TOD and TDT segments."""

from __future__ import annotations

from ingest.domain.order import Identifier, Party
from ingest.parsers.edifact import codes
from ingest.parsers.edifact.model import Segment

_PERIODS = {"D": "days", "M": "months", "WK": "weeks", "Y": "years"}


# --- parties ------------------------------------------------------------------------------------


def _joined(parts: tuple[str, ...] | list[str], sep: str = " ") -> str | None:
    return sep.join(p.strip() for p in parts if p.strip()) or None


def party_from_nad(seg: Segment) -> Party:
    """NAD: C082 id (its agency as qualifier: 9 = GLN), C080 name, C059 street, city, C819 state,
    postal code, country; the unstructured C058 when there is no name."""
    lines = [p.strip() for p in seg.components(3) if p.strip()]
    name = _joined(seg.components(4)[:5]) or (lines[0] if lines else None)
    street = [p.strip() for p in seg.components(5)[:4] if p.strip()] or lines[1:]
    party = Party(
        name=name,
        address1=street[0] if street else None,
        address2=_joined(street[1:], ", "),
        city=seg.el(6) or None,
        state=seg.comp(7, 1) or None,
        postal_code=seg.el(8) or None,
        country=seg.el(9) or None,
    )
    if seg.comp(2, 1):
        qualifier = seg.comp(2, 3) or seg.comp(2, 2) or "ZZZ"
        party.identifiers.append(Identifier(qualifier=qualifier, value=seg.comp(2, 1)))
    return party


def add_contact(party: Party, seg: Segment) -> None:
    """CTA: the contact's name (or department); COM: phone (TE), email (EM), fax and others."""
    if seg.tag == "CTA":
        name = seg.comp(2, 2) or seg.comp(2, 1)
        if name and not party.contact:
            party.contact = name
        return
    for rep in seg.repeats(1):
        value = rep[0].strip() if rep else ""
        channel = rep[1].strip().upper() if len(rep) > 1 else ""
        if value and channel == "TE" and not party.phone:
            party.phone = value
        elif value and channel == "EM" and not party.email:
            party.email = value


def describe_party(code: str, party: Party) -> str:
    role = codes.PARTY_NAMES.get(code)
    ids = ", ".join(f"{i.qualifier} {i.value}" for i in party.identifiers)
    place = _joined(
        [
            party.address1 or "",
            party.address2 or "",
            party.city or "",
            party.postal_code or "",
            party.country or "",
        ],
        ", ",
    )
    head = f"party {code} ({role})" if role else f"party {code}"
    return f"{head}: " + "; ".join(
        p for p in (party.name, ids, place, party.contact, party.phone, party.email) if p
    )


# --- texts --------------------------------------------------------------------------------------


def terms_text(seg: Segment) -> str:
    """PAT: the terms description, else "terms type 1", with the period ("30 days")."""
    text = _joined(seg.components(2)[3:5]) or seg.comp(2, 1) or f"terms type {seg.el(1)}"
    periods, unit = seg.comp(3, 4), _PERIODS.get(seg.comp(3, 3).upper(), seg.comp(3, 3))
    return f"{text}, {periods} {unit}".rstrip() if periods else text


def delivery_terms_text(seg: Segment) -> str:
    payment = {"CC": "collect", "PP": "prepaid"}.get(seg.el(2).upper(), seg.el(2))
    return (
        _joined([seg.comp(3, 1), _joined(seg.components(3)[3:5]) or "", payment], "; ") or f"code {seg.el(1)}"
    )


def carrier_text(seg: Segment) -> str | None:
    """TDT: the carrier's name or id (C040), else the means or mode of transport."""
    name, carrier = seg.comp(5, 4), seg.comp(5, 1)
    if name and carrier and name != carrier:
        return f"{name} ({carrier})"
    return name or carrier or seg.comp(4, 2) or seg.comp(3, 2) or seg.comp(3, 1) or None
