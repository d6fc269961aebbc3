"""Message templates: the built-in texts, an administrator's versions, and rendering.

Templates use ``string.Template`` placeholders (``$po_number`` or ``${po_number}``; ``$$`` is a
dollar sign). Rendering substitutes values as plain text in one pass: nothing in a value is
evaluated or expanded again, so text from a customer's document can only ever appear as text. A
template naming a placeholder that does not exist is refused when it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from ingest.errors import ConfigError

CONFIRMATION = "order_confirmation"
REJECTION = "order_rejection"


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    subject: str
    body: str
    custom: bool = False  # an administrator's version (else the built-in one)


COMMON = {
    "reply_subject": "the customer's subject with 'Re: ' in front (once)",
    "original_subject": "the subject of the customer's message",
    "customer_name": "the customer's name in our master data",
    "customer_id": "the customer's id in our master data",
    "po_number": "the PO number(s) of the message",
    "company": "our company's name (vendor profile)",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    CONFIRMATION: {
        **COMMON,
        "order_id": "our order id(s)",
        "summary": "each order: our order id, the PO number, the lines with our SKU, description, "
        "quantity, unit, price and expected ship date",
        "ship_date": "the expected ship date, where known",
        "not_accepted": "orders of the same message we could not accept, with the reason (or nothing)",
    },
    REJECTION: {
        **COMMON,
        "reasons": "what is missing or wrong, one reason a line",
    },
}

DEFAULTS = {
    CONFIRMATION: MessageTemplate(
        CONFIRMATION,
        "$reply_subject",
        """Hello $customer_name,

thank you for your purchase order $po_number. We have entered it as follows:

$summary
$not_accepted
If anything here is not what you intended, please reply to this message.

Kind regards,
$company
""",
    ),
    REJECTION: MessageTemplate(
        REJECTION,
        "$reply_subject",
        """Hello $customer_name,

thank you for your message. We are sorry, but we could not enter the purchase order $po_number:

$reasons

Please send the order again with this corrected, or reply to this message and we will help.

Kind regards,
$company
""",
    ),
}


def check_template(name: str, subject: str, body: str) -> None:
    """Refuse a template with a placeholder that does not exist or a stray ``$``."""
    if name not in PLACEHOLDERS:
        raise ConfigError(f"no message template {name!r}; there are {', '.join(sorted(PLACEHOLDERS))}")
    if not subject.strip():
        raise ConfigError("the subject must not be empty")
    if "\r" in subject or "\n" in subject:
        raise ConfigError("the subject must be one line")
    known = PLACEHOLDERS[name]
    for part, text in (("subject", subject), ("body", body)):
        template = Template(text)
        if not template.is_valid():
            raise ConfigError(f"the {part} has a '$' that starts no placeholder; write $$ for a dollar sign")
        unknown = sorted(set(template.get_identifiers()) - set(known))
        if unknown:
            raise ConfigError(
                f"the {part} names unknown placeholders: {', '.join('$' + u for u in unknown)}; "
                f"known are {', '.join('$' + k for k in known)}"
            )


def render(template: MessageTemplate, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) with the values put in; a placeholder without a value stays as written."""
    subject = Template(template.subject).safe_substitute(values)
    body = Template(template.body).safe_substitute(values)
    return " ".join(subject.split()), body
