"""Who sent the order: identifiers first (EDI id, customer number, email domain), then the name."""

from __future__ import annotations

from ingest.domain.masterdata import Customer, VendorProfile
from ingest.domain.matching import Candidate, CustomerMatch, rank
from ingest.domain.order import Order, Party
from ingest.matching.masterdata import MasterDataView
from ingest.matching.names import name_key

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

# Confidence of each kind of evidence when it points at exactly one customer.
EDI_ID = 1.0
CUSTOMER_NUMBER = 1.0
EMAIL_DOMAIN = 0.97
EXACT_NAME = 0.85
AMBIGUOUS = 0.4


def _parties(order: Order) -> list[tuple[str, Party]]:
    return [
        (role, p)
        for role, p in (("buyer", order.buyer), ("bill-to", order.bill_to), ("ship-to", order.ship_to))
        if p
    ]


def _evidence(order: Order, data: MasterDataView, vendor: VendorProfile | None) -> list[Candidate]:
    """Every piece of evidence that names a customer, strongest kinds first."""
    found: list[Candidate] = []
    own_edi = (vendor.edi_id or "").strip().upper() if vendor else ""
    sender = order.sender
    if sender and sender.edi_id and sender.edi_qualifier:
        partner_customer = data.customer_for_partner(sender.edi_qualifier, sender.edi_id)
        if partner_customer and data.customer(partner_customer):
            label = f"trading partner {sender.edi_qualifier.strip()}/{sender.edi_id.strip()}"
            found.append(Candidate(key=partner_customer, confidence=EDI_ID, reason=label))
    if sender and sender.edi_id and sender.edi_id.strip().upper() != own_edi:
        matches = data.customers_by_edi_id(sender.edi_id)
        if sender.edi_qualifier:
            exact = [c for c in matches if (c.edi_qualifier or "").strip() == sender.edi_qualifier.strip()]
            matches = exact or matches
        found += _candidates(
            matches, EDI_ID, f"EDI sender {sender.edi_qualifier or ''}/{sender.edi_id}".replace(" /", "/")
        )
    for role, party in _parties(order):
        for ident in party.identifiers:
            customer = data.customer(ident.value)
            if customer:
                found.append(
                    Candidate(
                        key=customer.customer_id,
                        confidence=CUSTOMER_NUMBER,
                        reason=f"customer number {ident.value} ({role})",
                    )
                )
            elif ident.value.strip().upper() != own_edi:
                found += _candidates(
                    data.customers_by_edi_id(ident.value),
                    EDI_ID * 0.97,
                    f"{role} id {ident.qualifier}/{ident.value}",
                )
    if sender and sender.email and "@" in sender.email:
        domain = sender.email.rsplit("@", 1)[1].strip().lower()
        own = set(vendor.domains) if vendor else set()
        if domain not in FREE_MAIL_DOMAINS and domain not in own:
            found += _candidates(data.customers_by_domain(domain), EMAIL_DOMAIN, f"email domain {domain}")
    for role, party in _parties(order):
        if party.name:
            key = name_key(party.name)
            if vendor and key == name_key(vendor.name):
                continue
            found += _candidates(data.customers_by_name_key(key), EXACT_NAME, f"{role} name {party.name!r}")
    return found


def _candidates(matches: list[Customer], confidence: float, reason: str) -> list[Candidate]:
    if len(matches) == 1:
        return [Candidate(key=matches[0].customer_id, confidence=confidence, reason=reason)]
    return [
        Candidate(key=c.customer_id, confidence=AMBIGUOUS, reason=f"{reason} fits {len(matches)} customers")
        for c in matches
    ]


def match_customer(order: Order, data: MasterDataView) -> CustomerMatch:
    """The customer the order comes from, with confidence and the reason a clerk reads."""
    evidence = _evidence(order, data, data.vendor())
    if not evidence:
        return CustomerMatch(
            customer_id=None,
            confidence=0.0,
            reason="no customer number, EDI id, email domain or name matched",
        )
    ranked = rank(evidence)
    best = ranked[0]
    strong_rivals = [c for c in ranked[1:] if c.confidence >= EXACT_NAME]
    if strong_rivals:
        rival = strong_rivals[0]
        return CustomerMatch(
            customer_id=best.key,
            confidence=min(best.confidence, 0.5),
            reason=f"conflicting evidence: {best.reason} says {best.key}, {rival.reason} says {rival.key}",
            candidates=tuple(ranked),
        )
    return CustomerMatch(
        customer_id=best.key, confidence=best.confidence, reason=best.reason, candidates=tuple(ranked)
    )
