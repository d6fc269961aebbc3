"""Mailbox rules: take or skip a message by sender, subject or attachment name. The first rule
that matches decides; with no match the message is taken. Patterns are shell-style globs
(``*@acme.com``, ``*invoice*``), case-insensitive: no regular expressions, so no pattern an
administrator types can make a poll hang."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses

ACTIONS = ("take", "skip")
FIELDS = ("sender", "subject", "attachment")


@dataclass(frozen=True)
class Rule:
    action: str
    field: str
    pattern: str
    label: str = ""


@dataclass(frozen=True)
class MessageFacts:
    senders: tuple[str, ...]
    subject: str
    attachments: tuple[str, ...]


def message_facts(raw: bytes) -> MessageFacts:
    """Sender addresses, subject and attachment names of a raw message (never raises)."""
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        senders = tuple(
            addr.lower()
            for _, addr in getaddresses([str(headers.get(h, "")) for h in ("from", "sender", "reply-to")])
            if addr
        )
        subject = str(headers.get("subject", ""))
    except Exception:  # a header block we cannot read: nothing for rules to go on
        return MessageFacts((), "", ())
    return MessageFacts(senders, subject, tuple(_attachment_names(raw)))


def _attachment_names(raw: bytes) -> list[str]:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        return [str(name) for part in message.walk() if (name := part.get_filename())]
    except Exception:  # a body we cannot walk: the email parser reports what is wrong with it
        return []


def _matches(rule: Rule, facts: MessageFacts) -> bool:
    pattern = rule.pattern.lower()
    if rule.field == "sender":
        values: Sequence[str] = facts.senders
    elif rule.field == "subject":
        values = (facts.subject,)
    else:
        values = facts.attachments
    return any(fnmatch.fnmatchcase(v.lower(), pattern) for v in values)


def decide_message(rules: Sequence[Rule], facts: MessageFacts) -> tuple[bool, str | None]:
    """(take?, the reason when a rule decided)."""
    for rule in rules:
        if _matches(rule, facts):
            reason = f"rule {rule.label or ''} {rule.action} {rule.field} {rule.pattern!r}".replace("  ", " ")
            return rule.action == "take", reason
    return True, None
