"""`ingest export target ...` and `ingest outbox ...` as a user runs them (a real process)."""

from __future__ import annotations

import json
from pathlib import Path

from samples import CLEAN
from test_cli import Cli, cli, masterdata  # noqa: F401  (fixtures)
from webhook_receiver import webhook_receiver


def test_targets_outbox_list_and_retry_of_a_failed_entry(cli: Cli, masterdata: Path, tmp_path: Path) -> None:
    cli.env.update(HOOK_SECRET="cli-secret", INGEST_OUTBOX_MAX_ATTEMPTS="1")
    cli("db", "upgrade")
    cli("masterdata", "load", str(masterdata))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"fields": {"po_number": "PONumber"}}))
    with webhook_receiver(500) as receiver:
        cli("export", "target", "add", "erp", "--kind", "webhook", "--url", receiver.url,
            "--secret-env", "HOOK_SECRET", "--mapping", str(mapping))  # fmt: skip
        cli("export", "target", "add", "files", "--kind", "csv", "--folder", str(tmp_path / "out"))
        targets = {t["name"]: t for t in cli.json_lines("export", "target", "list", "--json")}
        assert targets["erp"]["config"] == {"url": receiver.url, "secret_env": "HOOK_SECRET"}
        assert "cli-secret" not in json.dumps(targets)  # the secret is never stored
        (tmp_path / "po.csv").write_bytes(CLEAN)
        cli("process", str(tmp_path / "po.csv"))

        [failed] = cli.json_lines("outbox", "list", "--state", "failed", "--json")
        assert failed["target"] == "erp" and failed["attempts"] == 1 and "500" in failed["last_error"]
        [delivered] = cli.json_lines("outbox", "list", "--state", "delivered", "--json")
        assert delivered["target"] == "files"
        assert len(list((tmp_path / "out").iterdir())) == 1

        assert "1 entry put back to pending" in cli("outbox", "retry", failed["id"]).stdout
        [shown] = cli.json_lines("outbox", "show", failed["id"], "--json")
    assert shown["state"] == "delivered"
    assert [(a["attempt"], a["outcome"], a["http_status"]) for a in shown["log"]] == [
        (1, "error", 500),
        (2, "delivered", 200),
    ]
    assert len(receiver.accepted) == 1 and json.loads(receiver.accepted[0].body)["PONumber"] == "PO-1"
    assert cli("outbox", "retry", failed["id"], ok=False).returncode == 1  # not failed any more
    assert cli("outbox", "retry", ok=None).returncode == 2
    # the export command of CONTRACTS §2 is unchanged
    [order] = cli.json_lines("export", "--format", "jsonl")
    assert order["po_number"] == "PO-1"
    assert cli("export", "--format", "csv").stdout.startswith("order_id,document_id,customer_id,po_number")


def test_target_commands_check_what_they_are_given(cli: Cli, tmp_path: Path) -> None:
    cli("db", "upgrade")
    no_secret = cli(
        "export", "target", "add", "erp", "--kind", "webhook", "--url", "https://erp.example/po", ok=False
    )
    assert "--secret-env" in no_secret.stderr
    assert "http(s)" in cli("export", "target", "add", "erp", "--kind", "webhook", "--url", "ftp://x",
                            "--secret-env", "S", ok=False).stderr  # fmt: skip
    assert "--folder" in cli("export", "target", "add", "f", "--kind", "jsonl", ok=False).stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"fields": {"po_number": 7}}')
    folder = str(tmp_path)
    proc = cli(
        "export", "target", "add", "f", "--kind", "jsonl", "--folder", folder, "--mapping", str(bad), ok=False
    )
    assert "bad.json" in proc.stderr
    cli("export", "target", "add", "f", "--kind", "jsonl", "--folder", str(tmp_path / "o"))
    assert (
        "exists already"
        in cli("export", "target", "add", "f", "--kind", "jsonl", "--folder", "x", ok=False).stderr
    )
    cli("export", "target", "disable", "f")
    assert cli.json_lines("export", "target", "list", "--json")[0]["enabled"] is False
    cli("export", "target", "enable", "f")
    cli("export", "target", "remove", "f")
    assert cli.json_lines("export", "target", "list", "--json") == []
    assert cli("export", "target", "remove", "f", ok=False).returncode == 1
    assert "nothing due" in cli("outbox", "deliver").stderr
