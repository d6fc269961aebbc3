from __future__ import annotations

from email.message import EmailMessage

from ingest.sources.rules import MessageFacts, Rule, decide_message, message_facts


def raw(sender: str, subject: str, attachment: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = subject
    msg.set_content("hello")
    if attachment:
        msg.add_attachment(b"sku,qty\nA,1\n", maintype="text", subtype="csv", filename=attachment)
    return msg.as_bytes()


def test_facts() -> None:
    facts = message_facts(raw("Jane <Jane@ACME.example>", "PO 4500123", "po 4500123.csv"))
    assert facts == MessageFacts(("jane@acme.example",), "PO 4500123", ("po 4500123.csv",))
    assert message_facts(b"\x00\xff garbage") == MessageFacts((), "", ())


def test_first_matching_rule_wins_and_no_match_takes() -> None:
    rules = [
        Rule("take", "sender", "*@acme.example", "#1"),
        Rule("skip", "subject", "*newsletter*", "#2"),
        Rule("skip", "attachment", "*.png", "#3"),
    ]
    assert decide_message(rules, message_facts(raw("a@acme.example", "Newsletter")))[0] is True
    take, reason = decide_message(rules, message_facts(raw("x@other.example", "Our NEWSLETTER")))
    assert take is False and reason is not None and "#2" in reason
    assert decide_message(rules, message_facts(raw("x@other.example", "hi", "logo.PNG")))[0] is False
    assert decide_message(rules, message_facts(raw("x@other.example", "PO 1"))) == (True, None)


def test_patterns_are_globs_not_regular_expressions() -> None:
    rules = [Rule("skip", "subject", "(a+)+$")]
    assert decide_message(rules, message_facts(raw("x@y.example", "a" * 50 + "!")))[0] is True
