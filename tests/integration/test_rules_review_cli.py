"""`ingest rules`, `ingest review` and `ingest learned` end to end through the command (click's
runner in this process; real SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ingest.cli import cli
from ingest.domain.document import DocumentState, Receipt
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.process import process_document

UNKNOWN_CUSTOMER_PART = (
    b"PO Number,Customer,Customer Part,Description,Qty,UOM,Unit Price\n"
    b"PO-7,C1,,Hex bolt,5,ea,1.25\n"
    b"PO-7,C1,QQ-77,Blue widget,3,ea,2.00\n"
)
BY_NAME = b"PO Number,Customer Name,SKU,Qty\nPO-8,Acme Hardware,A-1,2\n"

Run = Callable[..., Result]


@pytest.fixture
def ingest(database_url: str, tmp_path: Path) -> Run:
    env = {"INGEST_DATABASE_URL": database_url, "INGEST_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "220",
           "INGEST_REDIS_URL": ""}  # fmt: skip
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(cli, list(args), env=env, prog_name="ingest")
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    return run


def json_lines(result: Result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def process(p: Pipeline, content: bytes, name: str) -> DocumentState:
    doc = receive(
        p.db, Receipt(content=content, channel="file", source="test", source_ref=name, filename=name)
    )
    return process_document(p, doc.id)


def test_new_groups_have_help(ingest: Run) -> None:
    top = ingest("--help").stdout
    for group in ("rules", "review", "learned"):
        assert group in top
        ingest(group, "--help")
    assert "--as USER" in ingest("review", "approve", "--help").stdout
    assert "--comment" in ingest("rules", "set", "--help").stdout


def test_rules_commands(ingest: Run, tmp_path: Path) -> None:
    shown = json_lines(ingest("rules", "show", "--json"))[0]
    assert shown["version"] == 0 and shown["rules"]["thresholds"]["line"] == 0.95
    assert "the defaults" in ingest("rules", "show").stdout

    out = ingest("rules", "set", "thresholds.line", "0.9", "--comment", "tighter", "--as", "ann").stdout
    assert "rules saved as version 1" in out
    bad = ingest("rules", "set", "thresholds.line", "2", code=1)
    assert "thresholds.line: Input should be less than or equal to 1" in bad.stderr
    assert (
        "no setting 'lines' under thresholds"
        in ingest("rules", "set", "thresholds.lines", "1", code=1).stderr
    )
    assert "nothing changed" in ingest("rules", "set", "thresholds.line", "0.90").stdout

    ingest("rules", "synonym", "add", "blk", "black")
    assert "blk = black" in ingest("rules", "synonym", "list").stdout
    ingest("rules", "synonym", "remove", "blk")
    assert "no synonym 'blk'" in ingest("rules", "synonym", "remove", "blk", code=1).stderr

    ingest(
        "rules",
        "customer",
        "C1",
        "--automation",
        "never",
        "--line-threshold",
        "0.8",
        "--price-tolerance",
        "0.1",
    )
    described = ingest("rules", "customer", "C1").stdout
    assert "automation: never (global: confident)" in described and "line_threshold: 0.8" in described
    ingest("rules", "customer", "C1", "--clear")
    assert "C1 follows the global rules" in ingest("rules", "customer", "C1").stdout

    ingest("rules", "regex", "add", "test-po", "--field", "po_number", "--pattern", "^TEST", "--action",
           "review", "--priority", "5")  # fmt: skip
    [rule] = json_lines(ingest("rules", "regex", "list", "--json"))
    assert (rule["name"], rule["pattern"], rule["priority"]) == ("test-po", "^TEST", 5)
    err = ingest(
        "rules", "regex", "add", "x", "--field", "po_number", "--pattern", "(", "--action", "review", code=1
    )
    assert "does not compile" in err.stderr
    assert "rules saved" in ingest("rules", "regex", "remove", "test-po").stdout

    exported = json.loads(ingest("rules", "export").stdout)
    exported["automation"] = "never"
    exported["price_tolerance"] = 0.05
    proposal = tmp_path / "rules.json"
    proposal.write_text(json.dumps(exported))
    assert "rules saved as version" in ingest("rules", "load", str(proposal), "--as", "bob").stdout
    now = json_lines(ingest("rules", "show", "--json"))[0]
    assert now["rules"]["automation"] == "never" and now["rules"]["price_tolerance"] == "0.05"
    assert now["created_by"] == "bob" and now["comment"] == "loaded from rules.json"
    proposal.write_text('{"thresholds": {"line": "high"}}')
    assert "thresholds.line" in ingest("rules", "load", str(proposal), code=1).stderr

    history = json_lines(ingest("rules", "history", "--json"))
    assert [h["version"] for h in history] == list(range(len(history), 0, -1))
    assert (history[-1]["created_by"], history[-1]["comment"]) == ("ann", "tighter")
    assert (
        json_lines(ingest("rules", "show", "--version", "1", "--json"))[0]["rules"]["thresholds"]["line"]
        == 0.9
    )
    assert "no rules version 99" in ingest("rules", "show", "--version", "99", code=1).stderr
    assert "tighter" in ingest("rules", "history").stdout


def test_review_and_learned_commands(ingest: Run, shop: Pipeline) -> None:
    assert process(shop, UNKNOWN_CUSTOMER_PART, "po7.csv") is DocumentState.REVIEW
    assert process(shop, BY_NAME, "po8.csv") is DocumentState.REVIEW
    listed = json_lines(ingest("review", "list", "--json"))
    assert [o["po_number"] for o in listed] == ["PO-7", "PO-8"] and all(o["age_seconds"] >= 0 for o in listed)
    po7, po8 = listed[0]["order_id"], listed[1]["order_id"]
    assert [o["po_number"] for o in json_lines(ingest("review", "list", "--reason", "WIDGET", "--json"))] == [
        "PO-7"
    ]
    assert json_lines(ingest("review", "list", "--channel", "edi", "--json")) == []
    assert "PO-8" in ingest("review", "list").stdout

    shown = json_lines(ingest("review", "show", po7, "--json"))[0]
    assert shown["version"] == 1 and shown["lines"][1]["buyer_part_number"] == "QQ-77"
    assert "QQ-77" in ingest("review", "show", po7).stdout
    assert "no order nope" in ingest("review", "show", "nope", code=1).stderr

    assert "is not LINE=VALUE" in ingest("review", "approve", po7, "--sku", "two=B-2", code=2).stderr
    assert "is not a number" in ingest("review", "approve", po7, "--quantity", "2=lots", code=2).stderr
    assert (
        "line 2: no product with SKU 'NOPE'"
        in ingest("review", "approve", po7, "--sku", "2=NOPE", code=1).stderr
    )
    approved = json_lines(
        ingest(
            "review",
            "approve",
            po7,
            "--sku",
            "2=B-2",
            "--quantity",
            "2=4",
            "--uom",
            "2=case",
            "--price",
            "2=2.5",
            "--version",
            "1",
            "--note",
            "checked",
            "--as",
            "ann",
            "--json",
        )
    )[0]
    assert approved["status"] == "committed" and approved["version"] == 2
    assert approved["corrected_lines"] == [2] and approved["document_state"] == "committed"
    assert [(i["kind"], i["text"], i["sku"], i["learned_by"]) for i in approved["learned"]] == [
        ("part", "QQ-77", "B-2", "ann")
    ]

    stale = ingest("review", "approve", po8, "--version", "7", code=1)
    assert "version" in stale.stderr and "reload" in stale.stderr
    assert "held" in ingest("review", "hold", po8, "--note", "asked Acme", "--version", "1").stdout
    assert json_lines(ingest("review", "list", "--json"))[0]["status"] == "held"
    assert "Missing option '--reason'" in ingest("review", "reject", po8, code=2).stderr
    rejected = ingest("review", "reject", po8, "--reason", "a test order", "--version", "2").stdout
    assert "rejected (version 3)" in rejected
    assert "no order is waiting" in ingest("review", "list").stdout

    [item] = json_lines(ingest("learned", "list", "--json"))
    assert (item["customer_id"], item["kind"], item["sku"]) == ("C1", "part", "B-2")
    assert "QQ-77" in ingest("learned", "list", "--customer", "C1").stdout
    assert "revoked" in ingest("learned", "revoke", str(item["id"]), "--as", "bob").stdout
    assert "nothing learned yet" in ingest("learned", "list").stdout
    [revoked] = json_lines(ingest("learned", "list", "--all", "--json"))
    assert revoked["revoked_by"] == "bob"
    assert "no learned cross-reference 999" in ingest("learned", "revoke", "999", code=1).stderr


def test_dry_run_command(ingest: Run, shop: Pipeline, tmp_path: Path) -> None:
    assert process(shop, BY_NAME, "po8.csv") is DocumentState.REVIEW
    [order] = json_lines(ingest("review", "list", "--json"))
    ingest("review", "approve", order["order_id"], "--customer", "C2")

    [report] = json_lines(ingest("rules", "dry-run", "--set", "thresholds.customer=0.8", "--json"))
    assert report["orders_replayed"] == 1 and report["touchless_rate_proposed"] == 1.0
    assert [f["po_number"] for f in report["flips"]] == ["PO-8"]
    assert [w["problems"] for w in report["wrong_commits_proposed"]] == [
        ["customer C1 where the clerk approved C2"]
    ]
    human = ingest("rules", "dry-run", "--days", "7", "--set", "thresholds.customer=0.8").stdout
    assert "replayed 1 orders of the last 7 days" in human
    assert "touchless: 0.0% now → 100.0% proposed" in human
    assert "would-be wrong commits: 0 now → 1 proposed" in human and "approved C2" in human

    proposal = tmp_path / "proposal.json"
    proposal.write_text(json.dumps({"thresholds": {"customer": 0.8}, "automation": "never"}))
    [never] = json_lines(ingest("rules", "dry-run", "--file", str(proposal), "--json"))
    assert never["committed_proposed"] == 0 and never["flips"] == []
    assert (
        "no setting 'customr'" in ingest("rules", "dry-run", "--set", "thresholds.customr=1", code=1).stderr
    )
    assert json_lines(ingest("rules", "history", "--json")) == []  # a dry run saves nothing
