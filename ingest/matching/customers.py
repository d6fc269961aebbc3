"""Who sent the order: identifiers first (EDI id, customer number, email domain), then the name."""

from __future__ import annotations

from ingest.domain.identifiers import normalize_gln
from ingest.domain.masterdata import Customer, VendorProfile
from ingest.domain.matching import Candidate, CustomerMatch, rank
from ingest.domain.order import Order, Party
from ingest.domain.rules import RuleSet, Weights
from ingest.matching.customer_index import NameHit, compare_address
from ingest.matching.masterdata import MasterDataView
from ingest.matching.names import name_key
from ingest.matching.regex_rules import order_hits

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
    }
)

AMBIGUOUS = 0.4
SAME_NAME = 0.97  # name similarity that counts as the same name
LIKE_NAME = 0.85  # similar enough to count with an agreeing address
NAME_MARGIN = 0.05  # two customers this close by name need the address to tell them apart
DEFAULT_RULES = RuleSet()


def _parties(order: Order) -> list[tuple[str, Party]]:
    return [
        (role, p)
        for role, p in (("buyer", order.buyer), ("bill-to", order.bill_to), ("ship-to", order.ship_to))
        if p
    ]


def _identifier_evidence(
    order: Order, data: MasterDataView, vendor: VendorProfile | None, w: Weights
) -> list[Candidate]:
    found: list[Candidate] = []
    own_edi = (vendor.edi_id or "").strip().upper() if vendor else ""
    sender = order.sender
    if sender and sender.edi_id and sender.edi_qualifier:
        partner_customer = data.customer_for_partner(sender.edi_qualifier, sender.edi_id)
        if partner_customer and data.customer(partner_customer):
            label = f"trading partner {sender.edi_qualifier.strip()}/{sender.edi_id.strip()}"
            found.append(Candidate(key=partner_customer, confidence=w.edi_id, reason=label))
    if sender and sender.edi_id and sender.edi_id.strip().upper() != own_edi:
        matches = data.customers_by_edi_id(sender.edi_id)
        if sender.edi_qualifier:
            exact = [c for c in matches if (c.edi_qualifier or "").strip() == sender.edi_qualifier.strip()]
            matches = exact or matches
        found += _candidates(
            matches, w.edi_id, f"EDI sender {sender.edi_qualifier or ''}/{sender.edi_id}".replace(" /", "/")
        )
    for role, party in _parties(order):
        for ident in party.identifiers:
            customer = data.customer(ident.value)
            if customer:
                found.append(
                    Candidate(
                        key=customer.customer_id,
                        confidence=w.customer_number,
                        reason=f"customer number {ident.value} ({role})",
                    )
                )
            elif ident.value.strip().upper() != own_edi:
                found += _candidates(
                    data.customers_by_edi_id(ident.value),
                    w.edi_id * 0.97,
                    f"{role} id {ident.qualifier}/{ident.value}",
                )
    found += _gln_evidence(order, data, w)
    if sender and sender.email and "@" in sender.email:
        domain = sender.email.rsplit("@", 1)[1].strip().lower()
        own = set(vendor.domains) if vendor else set()
        if domain not in FREE_MAIL_DOMAINS and domain not in own:
            found += _candidates(data.customers_by_domain(domain), w.email_domain, f"email domain {domain}")
    return found


def _gln_evidence(order: Order, data: MasterDataView, w: Weights) -> list[Candidate]:
    """A party's GLN that is a ship-to location of exactly one customer (modest: it names a place)."""
    found = []
    for role, party in _parties(order):
        for ident in party.identifiers:
            gln = normalize_gln(ident.value)
            locations = data.locations_by_gln(gln) if gln else []
            if len({loc.customer_id for loc in locations}) == 1 and data.customer(locations[0].customer_id):
                loc = locations[0]
                reason = f"{role} GLN {gln} is ship-to location {loc.location_id} of {loc.customer_id}"
                found.append(Candidate(key=loc.customer_id, confidence=w.ship_to_gln, reason=reason))
    return found


def _name_confidence(hit: NameHit, party: Party, role: str, w: Weights) -> Candidate:
    address = compare_address(party, hit.customer)
    same = hit.similarity >= SAME_NAME
    label = f"{role} name {party.name!r}" + (
        "" if same else f" {hit.similarity:.2f} like {hit.customer.name!r}"
    )
    if address.strength == "conflict":
        return Candidate(
            key=hit.customer.customer_id,
            confidence=0.5 * hit.similarity,
            reason=f"{label}, but {address.detail}",
        )
    if address.strength == "strong" and (hit.similarity >= LIKE_NAME or hit.contained):
        confidence = w.name_and_address if same else w.name_and_address * 0.98
        return Candidate(
            key=hit.customer.customer_id, confidence=confidence, reason=f"{label} and {address.detail}"
        )
    if same:
        note = f" and {address.detail}" if address.strength == "partial" else ""
        return Candidate(key=hit.customer.customer_id, confidence=w.name_only, reason=label + note)
    factor = 0.9 if address.strength in ("strong", "partial") else 0.75
    return Candidate(
        key=hit.customer.customer_id, confidence=round(w.name_only * factor * hit.similarity, 4), reason=label
    )


def _name_evidence(
    order: Order, data: MasterDataView, vendor: VendorProfile | None, w: Weights
) -> list[Candidate]:
    found: list[Candidate] = []
    own = name_key(vendor.name) if vendor else None
    index = data.customer_index()
    for role, party in _parties(order):
        if not party.name or name_key(party.name) == own:
            continue
        hits = [h for h in index.search(party.name) if h.similarity >= 0.6 or h.contained]
        if not hits:
            continue
        scored = [_name_confidence(h, party, role, w) for h in hits]
        best = max(scored, key=lambda c: c.confidence)
        near = [
            c
            for h, c in zip(hits, scored, strict=True)
            if c.key != best.key
            and h.similarity >= hits[0].similarity - NAME_MARGIN
            and c.confidence >= best.confidence - 0.02
        ]
        if near:
            reason = (
                f"{role} name {party.name!r} fits {best.key} and {near[0].key}; "
                "the address does not tell them apart"
            )
            found += [
                Candidate(key=c.key, confidence=min(c.confidence, AMBIGUOUS), reason=reason)
                for c in [best, *near]
            ]
        else:
            found += scored
    return found


def _candidates(matches: list[Customer], confidence: float, reason: str) -> list[Candidate]:
    if len(matches) == 1:
        return [Candidate(key=matches[0].customer_id, confidence=confidence, reason=reason)]
    return [
        Candidate(key=c.customer_id, confidence=AMBIGUOUS, reason=f"{reason} fits {len(matches)} customers")
        for c in matches
    ]


def match_customer(order: Order, data: MasterDataView, rules: RuleSet = DEFAULT_RULES) -> CustomerMatch:
    """The customer the order comes from, with confidence and the reason a clerk reads.
    Identifiers (EDI ids, customer numbers, email domain) first; names and addresses after."""
    w = rules.weights
    vendor = data.vendor()
    evidence = [
        Candidate(key=hit.rule.value or "", confidence=w.regex, reason=hit.reason)
        for hit in order_hits(order, rules, None)
        if hit.rule.action == "customer" and not hit.timed_out and data.customer(hit.rule.value or "")
    ]
    evidence += _identifier_evidence(order, data, vendor, w)
    evidence += _name_evidence(order, data, vendor, w)
    if not evidence:
        return CustomerMatch(
            customer_id=None,
            confidence=0.0,
            reason="no customer number, EDI id, email domain or name matched",
        )
    ranked = rank(evidence)
    best = ranked[0]
    strong_rivals = [c for c in ranked[1:] if c.confidence >= w.name_only]
    if strong_rivals:
        rival = strong_rivals[0]
        return CustomerMatch(
            customer_id=best.key,
            confidence=min(best.confidence, 0.5),
            reason=f"conflicting evidence: {best.reason} says {best.key}, {rival.reason} says {rival.key}",
            candidates=tuple(ranked),
        )
    return CustomerMatch(
        customer_id=best.key, confidence=best.confidence, reason=best.reason, candidates=tuple(ranked[:5])
    )
