"""Ship-to locations: which of the customer's stores or distribution centres an order goes to.

Identifiers first (the ship-to party's id equal to a location's number or GLN), then a store or DC
number written in the ship-to name ('Store #12', 'DC 0012', 'Str 12'), then name and address
compared fuzzily with the postal code as the decider. Pure: the customer's locations come in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ingest.domain.identifiers import normalize_code, normalize_gln
from ingest.domain.masterdata import ShipToLocation
from ingest.domain.matching import Candidate, LocationMatch, rank
from ingest.domain.order import Order, Party
from ingest.matching.customer_index import compare_address
from ingest.matching.names import name_key

BY_ID = 1.0
BY_NUMBER_IN_ID = 0.97  # 'STORE12' sent as the id of store 12
BY_NUMBER = 0.96  # 'Store #12' written in the name
NUMBER_POSTAL_DIFFERS = 0.6
NAME_AND_ADDRESS = 0.95
NAME_AND_POSTAL = 0.9
NAME_ONLY = 0.85
NAME_LIKE_AND_ADDRESS = 0.92
ADDRESS_ONLY = 0.88
AMBIGUOUS = 0.4
WEAK = 0.6  # below this the best location is only named as the nearest
SAME_NAME = 0.9  # name similarity that counts as the same name
LIKE_NAME = 0.75  # similar enough to count with an agreeing address
RIVAL = 0.85  # another location this sure makes the answer doubtful
MARGIN = 0.04  # two locations this close are not told apart

_KINDS = {
    "store": "store",
    "stor": "store",
    "str": "store",
    "st": "store",
    "shop": "store",
    "dc": "dc",
    "d c": "dc",
    "distribution center": "dc",
    "distribution centre": "dc",
    "dist ctr": "dc",
    "warehouse": "dc",
    "whse": "dc",
    "wh": "dc",
    "location": "location",
    "loc": "location",
    "site": "location",
    "branch": "location",
    "unit": "location",
}
_NUMBER_IN_TEXT = re.compile(
    r"(?<![a-z0-9])(?P<kind>store|stor|str|shop|st(?=\s*(?:#|no\b))|dc|d\.c\.|"
    r"distribution\s+cent(?:er|re)|dist\.?\s*ctr|warehouse|whse|wh|location|loc|site|branch|unit)"
    r"\.?\s*(?:no\.?|nr\.?|num(?:ber)?)?\s*[#:-]?\s*(?P<number>\d{1,7})(?![0-9])",
    re.IGNORECASE,
)
_HASH_NUMBER = re.compile(r"#\s*(?P<number>\d{1,7})(?![0-9])")
_NUMBER_ID = re.compile(r"^(?P<prefix>[A-Z]*)(?P<number>\d{1,7})$")


@dataclass(frozen=True)
class LocationNumber:
    """'store 12': the kind (store, dc, location; None when not said) and the number, unpadded."""

    kind: str | None
    number: str
    text: str = field(default="", compare=False)

    def fits(self, other: LocationNumber) -> bool:
        return self.number == other.number and (
            self.kind is None or other.kind is None or self.kind == other.kind
        )

    def __str__(self) -> str:
        return self.text or f"{self.kind or 'number'} {self.number}"


def _kind(word: str) -> str | None:
    return _KINDS.get(re.sub(r"[^a-z]+", " ", word.lower()).strip())


def numbers_in_text(text: str) -> list[LocationNumber]:
    """Store or DC numbers written in a name: 'Acme - Store #0012' -> [store 12]."""
    found = [
        LocationNumber(_kind(m["kind"]), m["number"].lstrip("0") or "0", " ".join(m[0].split()))
        for m in _NUMBER_IN_TEXT.finditer(text)
    ]
    if not found:
        found = [
            LocationNumber(None, m["number"].lstrip("0") or "0", m[0]) for m in _HASH_NUMBER.finditer(text)
        ]
    return found


def number_in_id(value: str) -> LocationNumber | None:
    """The store number an id carries: '0012' -> number 12, 'STORE12' and 'ST-12' -> store 12."""
    m = _NUMBER_ID.match(normalize_code(value))
    if m is None:
        return None
    prefix, number = m["prefix"], m["number"].lstrip("0") or "0"
    kind = _kind(prefix) if prefix else None
    if prefix and kind is None and len(prefix) > 2:  # 'ACME12' is a code, not store 12
        return None
    return LocationNumber(kind, number)


def location_numbers(location: ShipToLocation) -> list[LocationNumber]:
    found = numbers_in_text(location.name)
    own = number_in_id(location.location_id)
    return [own, *found] if own else found


def label(location: ShipToLocation) -> str:
    """'0012 Acme Store 12, Portland': how a reason names a location."""
    return f"{location.location_id} {location.name}" + (f", {location.city}" if location.city else "")


def _by_identifier(party: Party, locations: Sequence[ShipToLocation]) -> list[Candidate]:
    found: list[Candidate] = []
    for ident in party.identifiers:
        key, gln = normalize_code(ident.value), normalize_gln(ident.value)
        hits = [
            (loc, "GLN" if gln and loc.gln == gln else "id")
            for loc in locations
            if loc.location_key == key or (gln is not None and loc.gln == gln)
        ]
        for loc, what in hits:
            reason = f"ship-to {what} {ident.value} is location {label(loc)}"
            found.append(Candidate(key=loc.location_id, confidence=BY_ID, reason=reason))
        number = None if hits else number_in_id(ident.value)
        if number is not None and number.kind is not None:
            for loc in locations:
                if any(number.fits(n) for n in location_numbers(loc)):
                    reason = f"ship-to id {ident.value} names {number}: location {label(loc)}"
                    found.append(Candidate(key=loc.location_id, confidence=BY_NUMBER_IN_ID, reason=reason))
    return found


def _postal(value: str | None) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()[:5]


def _by_number(
    party: Party, numbers: list[LocationNumber], locations: Sequence[ShipToLocation]
) -> list[Candidate]:
    found: list[Candidate] = []
    for number in numbers:
        hits = [loc for loc in locations if any(number.fits(n) for n in location_numbers(loc))]
        same_kind = [loc for loc in hits if any(n.kind == number.kind for n in location_numbers(loc))]
        for loc in same_kind or hits:
            reason = f"ship-to {party.name!r} names {number}: location {label(loc)}"
            confidence = BY_NUMBER
            ours, theirs = _postal(party.postal_code), _postal(loc.postal_code)
            if ours and theirs and ours != theirs:
                confidence = NUMBER_POSTAL_DIFFERS
                reason += f", but postal code {party.postal_code} is not the location's {loc.postal_code}"
            elif ours and ours == theirs:
                reason += " (postal code agrees)"
            found.append(Candidate(key=loc.location_id, confidence=confidence, reason=reason))
    return found


def name_similarity(a: str, b: str) -> float:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    # the set ratio forgives words one name adds ('School'); the sorted ratio makes a name that is
    # only the customer's ('Acme') fit none of its stores well
    return (fuzz.token_set_ratio(ka, kb) + fuzz.token_sort_ratio(ka, kb)) / 200.0


def _fuzzy(party: Party, location: ShipToLocation) -> Candidate | None:
    similarity = name_similarity(party.name, location.name) if party.name else 0.0
    address = compare_address(party, location)
    if similarity < 0.6 and address.strength != "strong":
        return None
    named = f"ship-to {party.name!r}" if party.name else "ship-to address"
    like = (
        f" is location {label(location)}"
        if similarity >= SAME_NAME
        else f" {similarity:.2f} like {label(location)}"
    )
    if address.strength == "conflict":
        return Candidate(
            key=location.location_id,
            confidence=round(min(AMBIGUOUS, 0.5 * similarity), 4),
            reason=f"{named}{like}, but {address.detail}",
        )
    if similarity >= SAME_NAME:
        base = {"strong": NAME_AND_ADDRESS, "partial": NAME_AND_POSTAL}.get(address.strength, NAME_ONLY)
        note = f" and {address.detail}" if address.strength in ("strong", "partial") else ""
        confidence = round(base - (1.0 - similarity) * 0.5, 4)
        return Candidate(key=location.location_id, confidence=confidence, reason=f"{named}{like}{note}")
    if address.strength == "strong":
        return Candidate(
            key=location.location_id,
            confidence=NAME_LIKE_AND_ADDRESS if similarity >= LIKE_NAME else ADDRESS_ONLY,
            reason=f"{named}: {address.detail} (location {label(location)})",
        )
    factor = 0.85 if address.strength == "partial" else 0.7
    return Candidate(
        key=location.location_id, confidence=round(factor * similarity, 4), reason=f"{named}{like}"
    )


def _describe(party: Party | None) -> str:
    if party is None:
        return "the order names no ship-to"
    ids = ", ".join(f"{i.qualifier}/{i.value}" for i in party.identifiers)
    what = (
        repr(party.name)
        if party.name
        else ", ".join(p for p in (party.address1, party.city) if p) or "(blank)"
    )
    return f"ship-to {what}" + (f" (id {ids})" if ids else "")


def resolve_ship_to(
    order: Order, customer_id: str | None, locations: Sequence[ShipToLocation]
) -> LocationMatch | None:
    """The customer's location the order ships to. None when there is nothing to resolve against
    (no customer, a customer with no locations on file, or an order that names no ship-to: the
    ship-to is taken as written)."""
    if not customer_id or not locations:
        return None
    party = order.ship_to
    count = f"{len(locations)} ship-to location{'s' if len(locations) != 1 else ''}"
    if party is None or not (party.name or party.identifiers or party.address1 or party.postal_code):
        return None  # no ship-to on the order: the goods go to the customer's own address
    numbers = numbers_in_text(party.name) if party.name else []
    evidence = _by_identifier(party, locations) + _by_number(party, numbers, locations)
    for loc in locations:
        own = location_numbers(loc)
        if numbers and own and not any(n.fits(o) for n in numbers for o in own):
            continue  # the order names another store number than this location's
        cand = _fuzzy(party, loc)
        if cand is not None:
            evidence.append(cand)
    ranked = rank(evidence)
    if not ranked or ranked[0].confidence < WEAK:
        nearest = f" (nearest: {ranked[0].reason})" if ranked else ""
        return LocationMatch(
            location_id=None,
            confidence=0.0,
            reason=f"{_describe(party)} is none of {customer_id}'s {count} on file{nearest}",
            candidates=tuple(ranked[:5]),
        )
    best = ranked[0]
    rivals = [
        c
        for c in ranked[1:]
        if c.confidence >= RIVAL or (c.confidence >= WEAK and c.confidence > best.confidence - MARGIN)
    ]
    if rivals:
        return LocationMatch(
            location_id=None,
            confidence=AMBIGUOUS,
            reason=f"ambiguous: {best.reason}; {rivals[0].reason}",
            candidates=tuple(ranked[:5]),
        )
    chosen = next(loc for loc in locations if loc.location_id == best.key)
    if not chosen.active:
        return LocationMatch(
            location_id=None,
            confidence=0.0,
            reason=f"{best.reason}, which is marked inactive",
            candidates=tuple(ranked[:5]),
        )
    return LocationMatch(
        location_id=best.key, confidence=best.confidence, reason=best.reason, candidates=tuple(ranked[:5])
    )
