"""855 purchase order acknowledgments end to end: a partner that wants them gets one in its
outbound folder when an order is committed by the pipeline, approved or rejected by a clerk."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_cli import Cli, cli, masterdata  # noqa: F401  (fixtures)
from test_edi_channel import FIXTURES, drop_and_run, segments

from ingest.services.acknowledgments import deliver_pending
from ingest.services.deps import Pipeline
from ingest.services.partners import add_partner, list_partners, set_partner_acknowledgments
from ingest.services.review import LineCorrection, approve, reject, show_order
from ingest.services.sources import add_edi_folder
from ingest.services.status import document_records

PO = (FIXTURES / "acme_850_4500200.x12").read_bytes()
# line 2 names a part nobody knows: the order waits for a clerk
DOUBTFUL = PO.replace(b"BP*77-1004", b"BP*99-9999").replace(b"Claw Hammer 16 oz", b"Mystery part")


@pytest.fixture
def feed(loaded_pipeline: Pipeline, tmp_path: Path) -> tuple[Pipeline, Path, Path]:
    inbound, outbound = tmp_path / "in", tmp_path / "out"
    inbound.mkdir()
    add_edi_folder(loaded_pipeline.db, "acme-edi", inbound, outbound)
    add_partner(loaded_pipeline.db, "ZZ", "ACMEHW", "C0001", "Acme Hardware", send_997=True, send_855=True)
    return loaded_pipeline, inbound, outbound


def files(outbound: Path, kind: str) -> list[Path]:
    return sorted(outbound.glob(f"{kind}_*.x12")) if outbound.exists() else []


def the_855(outbound: Path) -> list[list[str]]:
    [found] = files(outbound, "855")
    return segments(found.read_text(encoding="latin-1"))


def test_an_order_approved_in_review_gets_an_855_with_the_clerks_changes(
    feed: tuple[Pipeline, Path, Path],
) -> None:
    p, inbound, outbound = feed
    rec = drop_and_run(p, inbound, "po.x12", DOUBTFUL)
    assert rec["status"] == "review"
    assert len(files(outbound, "997")) == 1 and not files(outbound, "855")  # nothing decided yet
    order_id = rec["orders"][0]["order_id"]
    version = show_order(p.db, order_id).version
    fixes = {2: LineCorrection(sku="HTL-20001", quantity=Decimal(8))}
    verdict = approve(p.db, order_id, "clerk1", expected_version=version, lines=fixes)
    assert verdict.document_state == "committed"
    assert deliver_pending(p.db) == 1  # as the next `ingest run` poll does
    segs = the_855(outbound)
    tags = [s[0] for s in segs]
    bak = segs[tags.index("BAK")]
    assert bak[1:5] == ["00", "AC", "4500200", "20260305"]
    assert bak[8] == order_id.replace("-", "")[:30]
    assert [s for s in segs if s[0] == "ACK"] == [
        ["ACK", "IA", "20", "BX"],
        ["ACK", "IQ", "8", "EA"],
        ["ACK", "IA", "5", "BX"],
    ]
    assert [s for s in segs if s[0] == "PO1"][1] == ["PO1", "2", "6", "EA", "18.709", "", "BP", "99-9999"]
    assert segs[tags.index("SE")] == ["SE", str(tags.index("SE") - tags.index("ST") + 1), "0001"]
    assert segs[0][6].strip() == "NORTHWINDSUP" and segs[0][8].strip() == "ACMEHW"
    # our control numbers are never shared with the 997
    [ack997] = files(outbound, "997")
    assert segments(ack997.read_text())[0][13] != segs[0][13]
    # the document's acknowledgment (CONTRACTS §4) is still the 997 alone
    [record] = document_records(p.db, ids=[rec["document_id"]])
    assert record["acknowledgment"] == ack997.read_text() and "ST*855" not in record["acknowledgment"]


def test_an_order_rejected_in_review_gets_a_rejecting_855(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, outbound = feed
    rec = drop_and_run(p, inbound, "po.x12", DOUBTFUL)
    order_id = rec["orders"][0]["order_id"]
    reject(p.db, order_id, "clerk1", "we do not sell mystery parts")
    deliver_pending(p.db)
    segs = the_855(outbound)
    assert next(s for s in segs if s[0] == "BAK")[2] == "RD"
    assert [s[1] for s in segs if s[0] == "ACK"] == ["IR", "IR", "IR"]


def test_an_order_committed_by_the_pipeline_is_acknowledged_at_once(
    feed: tuple[Pipeline, Path, Path],
) -> None:
    p, inbound, outbound = feed
    ship_by = PO.replace(b"DTM*002*20260319~", b"DTM*010*20260315~")  # a requested ship date
    rec = drop_and_run(p, inbound, "po.x12", ship_by)
    assert rec["status"] == "committed"
    segs = the_855(outbound)  # delivered with the 997, no poll needed
    assert next(s for s in segs if s[0] == "BAK")[2] == "AD"
    assert next(s for s in segs if s[0] == "ACK") == ["ACK", "IA", "20", "BX", "068", "20260315"]
    assert [s[1] for s in segs if s[0] == "ACK"] == ["IA", "IA", "IA"]
    assert [s for s in segs if s[0] == "CTT"] == [["CTT", "3", "31"]]


def test_no_855_for_a_partner_that_does_not_want_one(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, outbound = feed
    set_partner_acknowledgments(p.db, "ZZ", "ACMEHW", send_855=False, actor="tests")
    assert not list_partners(p.db)[0].send_855
    rec = drop_and_run(p, inbound, "po.x12", DOUBTFUL)
    order_id = rec["orders"][0]["order_id"]
    approve(p.db, order_id, "clerk1", expected_version=None, lines={2: LineCorrection(sku="HTL-20001")})
    deliver_pending(p.db)
    assert not files(outbound, "855") and len(files(outbound, "997")) == 1


def test_partner_and_customer_commands(cli: Cli, masterdata: Path) -> None:
    cli("db", "upgrade")
    cli("masterdata", "load", str(masterdata))
    cli("partner", "add", "ZZ", "ACMEHW", "--855")
    [partner] = cli.json_lines("partner", "list", "--json")
    assert partner["send_855"] is True and partner["send_997"] is True
    assert "855 off" in cli("partner", "set", "ZZ", "ACMEHW", "--no-855").stdout
    assert cli("partner", "set", "ZZ", "ACMEHW", ok=False).returncode == 2
    assert cli("partner", "set", "ZZ", "NOPE", "--855", ok=False).returncode == 1
    [customer] = cli.json_lines("customer", "confirmations", "--json")
    assert customer == {"opted_out": []}
    some = masterdata.joinpath("customers.csv").read_text().splitlines()[1].split(",")[0]
    assert "off" in cli("customer", "confirmations", some, "off").stdout
    assert cli.json_lines("customer", "confirmations", "--json") == [{"opted_out": [some]}]
    assert cli.json_lines("customer", "confirmations", some, "--json") == [
        {"customer_id": some, "confirmations": False}
    ]
    assert cli("customer", "confirmations", "NOPE", "on", ok=False).returncode == 1
