"""The email parser: MIME walking, attachments through the inner registry, typed and HTML bodies,
replies that change an order, senders and forwards, duplicates, limits, and bad input."""

from __future__ import annotations

from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.domain.order import Order, Sender
from ingest.parsers.base import ParseContext, ParseOutcome
from ingest.parsers.email import EmailParser
from ingest.parsers.email.html_body import html_rows
from ingest.parsers.email.mime import MAX_FILENAME, clean_filename
from ingest.parsers.email.replies import number_value, read_change
from ingest.parsers.email.senders import is_internal
from ingest.parsers.registry import ParserRegistry
from ingest.parsers.sheets import CsvOrderParser
from ingest.parsers.text_orders import TextOrderParser
from ingest.parsers.x12.parser import X12Parser

ROOT = Path(__file__).resolve().parents[2]
EMAILS = ROOT / "fixtures" / "email"
DOCUMENTS = ROOT / "fixtures" / "documents"
CORPUS = ROOT.parent / "shared" / "corpus"
INTERNAL = frozenset(
    {"orders@northwind-supply.example", "srivera@northwind-supply.example", "@northwind-supply.example"}
)
CONTEXT = ParseContext(internal_senders=INTERNAL)
CSV = b"PO Number,SKU,Qty,UOM\n4500123,FAS-10001-ZP,10,BX\n4500123,HTL-20001,2,EA\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def inner_registry() -> ParserRegistry:
    return ParserRegistry([X12Parser(), CsvOrderParser(), TextOrderParser()])


def registry(**limits: int) -> ParserRegistry:
    return ParserRegistry(
        [X12Parser(), CsvOrderParser(), TextOrderParser(), EmailParser(inner_registry(), **limits)]
    )


def message(
    text: str = "Please see attached.",
    *,
    sender: str = "Jane Miller <jmiller@acme-hardware.example>",
    subject: str = "PO 4500123",
    **headers: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "orders@northwind-supply.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 09:14:22 -0800"
    msg["Message-ID"] = "<m1@acme-hardware.example>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg


def parse(msg: EmailMessage | bytes, context: ParseContext = CONTEXT, **limits: int) -> ParseOutcome:
    content = msg if isinstance(msg, bytes) else msg.as_bytes(policy=SMTP)
    outcome = registry(**limits).parse(content, context)
    assert outcome.format == "email", outcome.error
    return outcome


def one_order(outcome: ParseOutcome) -> Order:
    assert outcome.error is None and not outcome.rejected, (outcome.error, outcome.rejected)
    assert len(outcome.orders) == 1, outcome.orders
    return outcome.orders[0]


def attach_csv(msg: EmailMessage, content: bytes = CSV, filename: str = "po.csv", **kw: str) -> None:
    msg.add_attachment(content, maintype=kw.get("maintype", "text"), subtype=kw.get("subtype", "csv"),
                       filename=filename)  # fmt: skip


# --- score -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"From: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nbody", None, 0.95),
        (b"Received: from x\r\n\tby y\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi", None, 0.9),
        (b"From MAILER-DAEMON Mon Mar  2 09:14:22 2026\nFrom: a@b.example\nDate: x\n\nhi", None, 0.95),
        (b"Subject: hi\nMessage-ID: <1@x>\n\nhi", None, 0.7),
        (b"just some words", "message.eml", 0.6),
        (b"PO Number: 4500123\nDate: 03/02/2026\n\nSKU  Qty\nAB-1  1\n", "po.txt", 0.0),
        (b"Date: 03/02/2026\nSubject: order\n\nSKU  Qty\n", None, 0.0),
        (b"PO Number,SKU,Qty\n4500123,AB-1,3\n", "po.csv", 0.0),
        (b"ISA*00*          *00*          *ZZ*ACME           *ZZ*NW             *2603", "x.eml", 0.0),
        (b"UNB+UNOA:2+X+Y+140407:0910+5'", None, 0.0),
        (b"%PDF-1.7\nFrom: x", "po.pdf", 0.0),
        (b"<html><body>From: x</body></html>", None, 0.0),
    ],
)
def test_score(content: bytes, filename: str | None, expected: float) -> None:
    assert EmailParser(inner_registry()).score(content, filename) == expected


def test_no_corpus_file_changes_hands_and_as2_messages_are_read_without_error() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    before = ParserRegistry([X12Parser(), CsvOrderParser()])
    after = registry()
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        content = path.read_bytes()
        old, new = before.detect(content, path.name), after.detect(content, path.name)
        if path.parent.name == "email":
            outcome = after.parse(content, ParseContext(filename=path.name))
            assert outcome.format == "email" and outcome.error is None and not outcome.rejected, path.name
        else:
            assert (old and old.format) == (new and new.format), path.name


# --- fixtures ------------------------------------------------------------------------------------------


def fixture(name: str) -> ParseOutcome:
    return parse((EMAILS / name).read_bytes())


def test_fixture_customer_po_with_a_csv_attachment_and_a_logo() -> None:
    order = one_order(fixture("acme_po_csv_attachment.eml"))
    assert order.po_number == "4500123" and len(order.lines) == 6
    assert order.sender == Sender(channel="email", email="jmiller@acme-hardware.example", name="Jane Miller")


def test_fixture_html_table_body() -> None:
    order = one_order(fixture("blue_ridge_html_table.eml"))
    assert order.po_number == "BR-88817"
    assert [line.vendor_part_number for line in order.lines] == ["FAS-10001-ZP", "JAN-40012", "ELE-50036"]
    assert order.lines[0].unit_price == Decimal("9.05")
    assert order.total_amount == Decimal("427.10")
    assert order.ship_to is not None and order.ship_to.name == "Blue Ridge Facilities - Roanoke"


def test_fixture_forwarded_by_a_sales_rep_is_the_customers() -> None:
    order = one_order(fixture("forwarded_by_sales_rep.eml"))
    assert order.po_number == "DM-3391" and len(order.lines) == 3
    assert order.sender is not None and order.sender.email == "tbaker@deltamarine.example"
    assert order.sender.name == "Tom Baker"


def test_fixture_reply_changing_lines() -> None:
    order = one_order(fixture("reply_change_line.eml"))
    assert (order.po_number, order.purpose) == ("4500123", "change")
    assert [(ln.line_number, ln.change, ln.quantity, ln.uom) for ln in order.lines] == [
        ("2", "quantity", Decimal(40), "CA"),
        ("4", "delete", None, None),
    ]
    assert any("UPS Next Day" in note for note in order.notes)
    assert max(order.confidence.values()) <= 0.7
    assert all(max(line.confidence.values()) <= 0.7 for line in order.lines)


def test_fixture_newsletter_holds_no_order_and_no_error() -> None:
    outcome = fixture("newsletter_with_logo.eml")
    assert outcome.orders == [] and outcome.error is None and outcome.rejected == []


def test_fixture_x12_attachment_keeps_edi_ids_and_envelopes() -> None:
    outcome = fixture("acme_850_x12_attachment.eml")
    order = one_order(outcome)
    assert order.po_number == "4500200"
    assert order.sender is not None
    assert (order.sender.channel, order.sender.email) == ("email", "edi@acme-hardware.example")
    assert (order.sender.edi_qualifier, order.sender.edi_id) == ("ZZ", "ACMEHW")
    assert len(outcome.envelopes) == 1


# --- attachments -------------------------------------------------------------------------------------


def test_octet_stream_with_a_telling_name() -> None:
    msg = message()
    attach_csv(msg, maintype="application", subtype="octet-stream", filename="PO 4500123.csv")
    assert one_order(parse(msg)).lines[0].vendor_part_number == "FAS-10001-ZP"


def test_inline_attachment_in_a_related_part_and_images_are_not_read() -> None:
    msg = message()
    msg.add_alternative("<p>Our PO is attached.</p><img src='cid:logo'>", subtype="html")
    msg.get_payload()[1].add_related(PNG, maintype="image", subtype="png", cid="<logo>")
    msg.add_attachment(PNG, maintype="image", subtype="jpeg", filename="signature.jpg")
    attach_csv(msg)
    assert len(one_order(parse(msg)).lines) == 2


def test_attachments_that_are_not_orders_give_nothing() -> None:
    msg = message("Terms attached.")
    msg.add_attachment(b"%PDF-1.4 terms and conditions", maintype="application", subtype="pdf",
                       filename="terms.pdf")  # fmt: skip
    msg.add_attachment(b"just a note to file", maintype="text", subtype="plain", filename="readme.txt")
    msg.add_attachment(b"", maintype="application", subtype="octet-stream", filename="empty.bin")
    outcome = parse(msg)
    assert outcome.orders == [] and outcome.error is None and outcome.rejected == []


def test_a_broken_order_attachment_is_a_rejected_part_located_in_the_attachment() -> None:
    msg = message()
    attach_csv(msg, (DOCUMENTS / "acme_no_quantity_column.csv").read_bytes(), filename="po.csv")
    outcome = parse(msg)
    assert outcome.orders == [] and outcome.error is None
    (part,) = outcome.rejected
    assert part.error.kind == "sheet_unreadable"
    assert part.error.location is not None and part.error.location.startswith("attachment 'po.csv', row ")


def test_a_broken_x12_attachment_is_rejected_and_its_envelope_kept() -> None:
    msg = message()
    msg.add_attachment((DOCUMENTS / "acme_850_bad_segment_count.x12").read_bytes(), maintype="application",
                       subtype="edi-x12", filename="bad.x12")  # fmt: skip
    outcome = parse(msg)
    assert [p.error.kind for p in outcome.rejected] == ["x12_segment_count"]
    assert outcome.rejected[0].error.location is not None
    assert outcome.rejected[0].error.location.startswith("attachment 'bad.x12', ")
    assert len(outcome.envelopes) == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('filename="=?utf-8?q?Bestellung_M=C3=BCller.csv?="', "Bestellung Müller.csv"),
        ("filename*=utf-8''%E2%82%AC%20po.csv", "€ po.csv"),
        ("filename*0*=utf-8''Bestellung%20; filename*1=\"Nr 7.csv\"", "Bestellung Nr 7.csv"),
        ('filename="..\\\\..\\\\windows\\\\po.csv"', "po.csv"),
        ('filename="../../etc/po\x07\u202e.csv"', "po.csv"),
    ],
)
def test_encoded_and_unsafe_filenames_are_decoded_and_sanitized(raw: str, shown: str) -> None:
    bad = (DOCUMENTS / "acme_no_quantity_column.csv").read_bytes()
    content = (
        b"From: j@acme-hardware.example\r\nSubject: PO\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/csv\r\n"
        + f"Content-Disposition: attachment; {raw}\r\n\r\n".encode()
        + bad
        + b"\r\n--XX--\r\n"
    )
    (part,) = parse(content).rejected
    assert part.error.location is not None and part.error.location.startswith(f"attachment {shown!r}")


def test_clean_filename() -> None:
    assert clean_filename("C:\\Users\\jane\\PO.csv") == "PO.csv"
    assert clean_filename("..hidden.csv") == "hidden.csv"
    assert clean_filename("a\tb\r\nc.csv") == "abc.csv"
    assert clean_filename("  ") is None and clean_filename(None) is None
    long = clean_filename("x" * 500 + ".xlsx")
    assert long is not None and len(long) == MAX_FILENAME and long.endswith(".xlsx")


def test_an_attached_eml_file_is_read_as_a_forwarded_message() -> None:
    original = message(sender="Tom Baker <tbaker@delta-marine.example>")
    attach_csv(original)
    outer = message(
        "Please enter.", sender="Sam Rivera <srivera@northwind-supply.example>", subject="Fwd: PO"
    )
    outer.add_attachment(original.as_bytes(policy=SMTP), maintype="application", subtype="octet-stream",
                         filename="PO from Delta.eml")  # fmt: skip
    order = one_order(parse(outer))
    assert order.sender is not None and order.sender.email == "tbaker@delta-marine.example"


# --- duplicates ----------------------------------------------------------------------------------------


def test_the_same_bytes_attached_twice_give_one_order() -> None:
    msg = message()
    attach_csv(msg, filename="po.csv")
    attach_csv(msg, filename="po copy.csv")
    order = one_order(parse(msg))
    assert len(order.lines) == 2 and order.notes == []


def test_the_same_order_in_two_files_gives_one_order_with_a_note() -> None:
    msg = message()
    attach_csv(msg, filename="po.csv")
    attach_csv(msg, CSV.replace(b",", b"\t"), filename="po.tsv", subtype="tab-separated-values")
    order = one_order(parse(msg))
    assert any("attachment 'po.tsv'" in note for note in order.notes)


def test_alternatives_are_read_once() -> None:
    table = "PO Number: 4500123\n\nSKU\tQty\nFAS-10001-ZP\t10\n"
    msg = message(table)
    msg.add_alternative(
        "<p>PO Number: 4500123</p><table><tr><th>SKU</th><th>Qty</th></tr>"
        "<tr><td>FAS-10001-ZP</td><td>10</td></tr></table>",
        subtype="html",
    )
    order = one_order(parse(msg))
    assert order.notes == [] and len(order.lines) == 1


def test_a_different_order_in_a_second_file_is_kept() -> None:
    msg = message()
    attach_csv(msg, filename="a.csv")
    attach_csv(msg, CSV.replace(b"4500123", b"4500124"), filename="b.csv")
    assert sorted(o.po_number or "" for o in parse(msg).orders) == ["4500123", "4500124"]


# --- bodies --------------------------------------------------------------------------------------------


def test_a_typed_table_in_a_plain_body() -> None:
    msg = message(
        "Hi,\n\nPO Number: 4500555\n\nItem           Qty   UOM\nFAS-10001-ZP    10   BX\n\nThanks\n"
    )
    order = one_order(parse(msg))
    assert (order.po_number, order.lines[0].quantity, order.lines[0].uom) == ("4500555", Decimal(10), "BX")


def test_the_body_is_not_read_when_an_attachment_holds_the_order() -> None:
    msg = message("PO Number: 999\n\nSKU    Qty\nZZ-1   1\n")
    attach_csv(msg)
    assert one_order(parse(msg)).po_number == "4500123"


def test_html_scripts_styles_and_quotes_are_not_read() -> None:
    html = (
        "<html><head><style>.qty{}</style></head><body><script>document.write('SKU Qty')</script>"
        "<p>PO Number: 77</p><table><tr><td>SKU</td><td>Qty</td></tr><tr><td>AB-1</td><td>2</td></tr></table>"
        "<blockquote><table><tr><td>SKU</td><td>Qty</td></tr><tr><td>OLD-1</td><td>9</td></tr></table>"
        "</blockquote></body></html>"
    )
    msg = message()
    msg.set_content(html, subtype="html")
    order = one_order(parse(msg))
    assert [line.vendor_part_number for line in order.lines] == ["AB-1"]


def test_html_layout_tables_and_colspans() -> None:
    rows = html_rows(
        "<table><tr><td>Hello<table><tr><th>SKU</th><th>Qty</th></tr><tr><td>A-1</td><td>1</td></tr>"
        "</table>Bye</td></tr></table><table><tr><td colspan=2>Total</td><td>5</td></tr></table>"
    )
    assert rows == [["Hello"], ["SKU", "Qty"], ["A-1", "1"], ["Bye"], ["Total", "", "5"]]


def test_a_po_number_in_the_subject_fills_a_body_order_without_one() -> None:
    order = one_order(parse(message("SKU        Qty\nAB-1       3\n", subject="Purchase Order 4500999")))
    assert order.po_number == "4500999" and order.confidence["po_number"] == 0.7
    assert not any(note.startswith("no PO number found") for note in order.notes)


def test_a_chat_email_holds_no_order() -> None:
    outcome = parse(message("Hi Sam, lunch on Friday? 2 of us.", subject="lunch"))
    assert outcome.orders == [] and outcome.error is None


# --- replies that change an order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please make line 2 forty cases", [("2", "quantity", Decimal(40), "CA")]),
        ("Change line 3 to 12 each.", [("3", "quantity", Decimal(12), "EA")]),
        ("change line 3 from 10 to 12 boxes", [("3", "quantity", Decimal(12), "BX")]),
        ("We need twenty-five cases on line 5 instead of 20", [("5", "quantity", Decimal(25), "CA")]),
        ("line 1 should be a hundred each", [("1", "quantity", Decimal(100), "EA")]),
        ("cancel line 4", [("4", "delete", None, None)]),
        ("lines 6 and 7 can be removed", [("6", "delete", None, None), ("7", "delete", None, None)]),
        (
            "make line 2 40 cs and cancel line 4",
            [("2", "quantity", Decimal(40), "CA"), ("4", "delete", None, None)],
        ),
    ],
)
def test_reply_changes(text: str, expected: list[tuple[str, str, Decimal | None, str | None]]) -> None:
    order = read_change("Re: PO 4500123", text)
    assert order is not None and (order.po_number, order.purpose) == ("4500123", "change")
    assert [(ln.line_number, ln.change, ln.quantity, ln.uom) for ln in order.lines] == expected


def test_a_price_change() -> None:
    order = read_change("Re: PO 4500123", "please change the price on line 2 to $9.50")
    assert order is not None
    assert [(ln.line_number, ln.change, ln.unit_price) for ln in order.lines] == [
        ("2", "price", Decimal("9.50"))
    ]


def test_cancel_the_whole_po() -> None:
    order = read_change("urgent", "Please cancel PO 4500123. Sorry for the trouble.")
    assert order is not None and (order.po_number, order.purpose, order.lines) == (
        "4500123",
        "cancellation",
        [],
    )


def test_a_reply_without_a_change_or_an_order_gives_nothing() -> None:
    assert read_change("Re: PO 4500123", "Thanks, got it!") is None
    assert read_change("Lunch", "cancel line 4") is None  # neither a reply nor a PO


def test_a_reply_without_a_po_number_says_so() -> None:
    order = read_change("Re: our order", "cancel line 4")
    assert order is not None and order.po_number is None
    assert any("no PO number" in note for note in order.notes)


def test_a_forwarded_change_reads_the_po_from_the_forwarded_subject() -> None:
    text = (
        "Sam here, see below.\n\n---------- Forwarded message ---------\n"
        "From: Jane <jmiller@acme-hardware.example>\n"
        "Subject: Re: PO 4500123\n\nplease make line 2 forty cases\n"
    )
    order = one_order(parse(message(text, sender="srivera@northwind-supply.example", subject="Fwd: change")))
    assert (order.po_number, order.purpose) == ("4500123", "change")
    assert order.sender is not None and order.sender.email == "jmiller@acme-hardware.example"


@pytest.mark.parametrize(
    ("words", "value"),
    [(["forty"], 40), (["twenty", "five"], 25), (["a", "hundred"], 100), (["two", "hundred", "fifty"], 250),
     (["one", "thousand", "two", "hundred"], 1200), (["1,200"], 1200), (["a"], None), (["lots"], None)],
)  # fmt: skip
def test_number_words(words: list[str], value: int | None) -> None:
    assert number_value(words) == (None if value is None else Decimal(value))


# --- senders --------------------------------------------------------------------------------------------


def test_internal_by_address_and_by_domain() -> None:
    assert is_internal("SRivera@Northwind-Supply.example", INTERNAL)
    assert is_internal("x@mail.northwind-supply.example", INTERNAL)
    assert not is_internal("x@northwind-supply.example.evil", INTERNAL)
    assert is_internal("orders@northwind-supply.example", frozenset({"orders@northwind-supply.example"}))
    assert not is_internal("other@northwind-supply.example", frozenset({"orders@northwind-supply.example"}))


def test_no_reply_from_uses_reply_to_and_a_missing_from_uses_sender() -> None:
    msg = message(sender="Acme Portal <no-reply@portal.acme.example>", Reply_To="Jane <jmiller@acme.example>")
    attach_csv(msg)
    assert one_order(parse(msg)).sender == Sender(channel="email", email="jmiller@acme.example", name="Jane")
    msg = message()
    del msg["From"]
    msg["Sender"] = "buyer@acme.example"
    attach_csv(msg)
    assert one_order(parse(msg)).sender == Sender(channel="email", email="buyer@acme.example")


def test_nested_forwards_through_two_internal_people() -> None:
    original = message(sender="Tom Baker <tbaker@delta-marine.example>")
    attach_csv(original)
    rep = message("FYI", sender="Sam Rivera <srivera@northwind-supply.example>", subject="Fwd: PO")
    rep.add_attachment(original)
    desk = message("for entry", sender="Lee <lee@northwind-supply.example>", subject="Fwd: Fwd: PO")
    desk.add_attachment(rep)
    order = one_order(parse(desk))
    assert order.sender == Sender(channel="email", email="tbaker@delta-marine.example", name="Tom Baker")


def test_an_inline_outlook_forward_is_looked_through() -> None:
    text = (
        "Please enter.\n\n-----Original Message-----\n"
        "From: Miller, Jane [mailto:jmiller@acme-hardware.example]\n"
        "Sent: Monday, March 2, 2026 9:14 AM\nTo: Rivera, Sam\nSubject: PO 4500123\n\n"
        "PO Number: 4500123\n\nSKU           Qty\nFAS-10001-ZP  10\n"
    )
    order = one_order(
        parse(message(text, sender="srivera@northwind-supply.example", subject="FW: PO 4500123"))
    )
    assert order.sender == Sender(channel="email", email="jmiller@acme-hardware.example", name="Miller, Jane")
    assert order.po_number == "4500123" and order.po_date is None


def test_an_internal_sender_without_a_forward_stays() -> None:
    msg = message(sender="Sam Rivera <srivera@northwind-supply.example>")
    attach_csv(msg)
    assert one_order(parse(msg)).sender == Sender(
        channel="email", email="srivera@northwind-supply.example", name="Sam Rivera"
    )


def test_the_context_sender_is_used_when_the_message_names_none() -> None:
    content = b"Subject: PO\r\nMessage-ID: <1@x>\r\nMIME-Version: 1.0\r\n\r\nSKU    Qty\r\nAB-1   1\r\n"
    given_sender = Sender(channel="email", email="envelope@acme.example")
    outcome = parse(content, ParseContext(sender=given_sender))
    assert one_order(outcome).sender == given_sender


# --- limits and bad input -----------------------------------------------------------------------------


def test_too_many_parts() -> None:
    msg = message()
    for i in range(5):
        attach_csv(msg, CSV + str(i).encode(), filename=f"po{i}.csv")
    outcome = parse(msg, max_parts=4)
    assert outcome.error is not None and outcome.error.kind == "too_large"
    assert "max_parts" in outcome.error.message


def test_too_deep() -> None:
    msg = message()
    for _ in range(4):
        outer = message("fwd", subject="Fwd: x")
        outer.add_attachment(msg)
        msg = outer
    outcome = parse(msg, max_depth=5)
    assert outcome.error is not None and outcome.error.kind == "too_large"
    assert "max_depth" in outcome.error.message


def test_a_part_over_the_size_limit_is_rejected_and_the_rest_read() -> None:
    msg = message()
    attach_csv(msg, filename="po.csv")
    attach_csv(msg, b"x" * 5000, filename="huge.csv")
    outcome = parse(msg, max_part_bytes=1000)
    assert len(outcome.orders) == 1
    (part,) = outcome.rejected
    assert part.error.kind == "too_large" and "max_part_bytes" in part.error.message
    assert part.error.location == "attachment 'huge.csv'"


@pytest.mark.parametrize(
    "content",
    [b"just some words\n", b"\n\n\nbody only", b": no name\n\nx", b"From: a@b.example"[:0] + b"\x00\x01\x02"],
)
def test_no_header_block_is_unreadable(content: bytes) -> None:
    outcome = EmailParser(inner_registry()).parse(content, CONTEXT)
    assert outcome.error is not None and outcome.error.kind == "email_unreadable"
    named = registry().parse(content, ParseContext(filename="message.eml"))
    assert named.error is not None and named.error.kind in ("email_unreadable", "empty")


def mutate(content: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    data = bytearray(content)
    for position, length, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + length] = replacement
    return bytes(data)


_SEEDS = sorted(EMAILS.glob("*.eml"))
_TRICKY = st.sampled_from(
    [b"\r\n", b"--", b"=?utf-8?q?", b"?=", b"Content-Type: multipart/mixed; boundary=", b"\x00", b"\xff",
     b"filename*0*=", b"message/rfc822", b"base64", b"<table><tr><td>", b">", b"\t", b"line 2 forty cases"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(content: bytes) -> None:
    for data in (content, b"From: a@b.example\r\nMIME-Version: 1.0\r\n" + content):
        outcome = registry().parse(data, ParseContext(filename="x.eml", internal_senders=INTERNAL))
        assert isinstance(outcome, ParseOutcome)
        assert isinstance(EmailParser(inner_registry()).parse(data, CONTEXT), ParseOutcome)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.one_of(st.binary(max_size=20), _TRICKY)),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_messages_never_raise(seed: Path, edits: list[tuple[int, int, bytes]]) -> None:
    data = mutate(seed.read_bytes(), edits)
    outcome = registry().parse(data, CONTEXT)
    assert isinstance(outcome, ParseOutcome)
    for order in outcome.orders:
        Order.model_validate(order.model_dump())


def test_an_outlook_forward_without_a_marker_is_looked_through() -> None:
    text = (
        "Please enter this one.\n\nFrom: Jane Miller <jmiller@acme-hardware.example>\n"
        "Sent: Monday, March 2, 2026 9:14 AM\nTo: Rivera, Sam\nSubject: PO 4500123\n\n"
        "SKU           Qty\nFAS-10001-ZP  10\n"
    )
    order = one_order(
        parse(message(text, sender="srivera@northwind-supply.example", subject="FW: PO 4500123"))
    )
    assert order.sender == Sender(channel="email", email="jmiller@acme-hardware.example", name="Jane Miller")
    assert order.po_number == "4500123"  # from the subject


def test_a_reply_quoting_the_original_order_is_not_a_new_order() -> None:
    text = (
        "Got it, thanks.\n\nFrom: Northwind Orders <orders@northwind-supply.example>\n"
        "Sent: Tuesday, March 3, 2026 4:02 PM\nSubject: PO 4500123\n\n"
        "PO Number: 4500123\n\nSKU           Qty\nFAS-10001-ZP  10\n"
    )
    outcome = parse(message(text, subject="RE: PO 4500123"))
    assert outcome.orders == [] and outcome.error is None


def test_an_html_attachment_with_a_table_is_read_when_no_inner_parser_knows_it() -> None:
    msg = message("Our PO is attached.")
    msg.add_attachment(
        "<html><body><p>PO Number: H-1</p><table><tr><th>SKU</th><th>Qty</th></tr>"
        "<tr><td>AB-1</td><td>7</td></tr></table></body></html>",
        subtype="html",
        filename="po.html",
    )
    order = one_order(parse(msg))
    assert (order.po_number, order.lines[0].quantity) == ("H-1", Decimal(7))
