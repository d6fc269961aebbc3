"""The `ingest` command end to end, as a user runs it (a real process, real databases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from samples import CLEAN, CUSTOMERS, ITEMS, PRODUCTS, UNKNOWN_PART

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


class Cli:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd

    def __call__(self, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        if ok is True:
            assert proc.returncode == 0, f"{args}: {proc.stdout}\n{proc.stderr}"
        elif ok is False:
            assert proc.returncode != 0, f"{args} should have failed: {proc.stdout}"
        return proc

    def json_lines(self, *args: str, ok: bool | None = True) -> list[dict]:
        return [json.loads(line) for line in self(*args, ok=ok).stdout.splitlines() if line.strip()]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(INGEST_DATABASE_URL=database_url, INGEST_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    return Cli(env, tmp_path)


@pytest.fixture
def masterdata(tmp_path: Path) -> Path:
    d = tmp_path / "md"
    d.mkdir()
    (d / "customers.csv").write_text(CUSTOMERS)
    (d / "products.csv").write_text(PRODUCTS)
    (d / "customer_items.csv").write_text(ITEMS)
    return d


def test_every_command_has_help(cli: Cli) -> None:
    top = cli("--help").stdout
    for command in (
        "db",
        "masterdata",
        "parse",
        "process",
        "source",
        "run",
        "worker",
        "serve",
        "export",
        "status",
        "documents",
        "demo",
        "retry",
    ):
        assert command in top
        cli(command, "--help")
    cli("source", "add", "edi-folder", "--help")


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("process", ok=None).returncode == 2
    assert cli("process", "/no/such/file.csv", ok=None).returncode == 2
    assert cli("export", "--format", "xml", ok=None).returncode == 2


def test_without_schema_the_user_is_told_what_to_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env["INGEST_DATABASE_URL"] = f"sqlite:///{tmp_path / 'new.db'}"
    proc = Cli(env, tmp_path)("status", ok=False)
    assert proc.returncode == 1 and "ingest db upgrade" in proc.stderr


def test_process_commit_review_duplicate_reject_export(cli: Cli, masterdata: Path, tmp_path: Path) -> None:
    cli("db", "upgrade")
    out = cli("masterdata", "load", str(masterdata)).stdout
    assert "products.csv: 3 rows loaded" in out
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a_clean.csv").write_bytes(CLEAN)
    (inbox / "b_review.csv").write_bytes(UNKNOWN_PART)
    (inbox / "c_empty.csv").write_bytes(b"")
    lines = cli.json_lines("process", "--json", str(inbox), ok=False)  # the empty file makes it exit 1
    assert [(line["file"].rsplit("/", 1)[-1], line["status"]) for line in lines] == [
        ("a_clean.csv", "committed"),
        ("b_review.csv", "review"),
        ("c_empty.csv", "rejected"),
    ]
    assert lines[2]["error"]["kind"] == "empty"
    committed = lines[0]["orders"][0]
    assert committed["customer_id"] == "C1" and committed["lines"][1]["decision"] == "auto"
    assert lines[1]["orders"][0]["reasons"]

    again = cli.json_lines("process", "--json", str(inbox / "a_clean.csv"))
    assert again[0]["status"] == "duplicate"
    human = cli("process", str(inbox / "b_review.csv")).stdout
    assert "duplicate" in human

    exported = cli.json_lines("export")
    assert [o["po_number"] for o in exported] == ["PO-1"]
    csv_out = cli("export", "--format", "csv").stdout.splitlines()
    assert len(csv_out) == 3 and csv_out[0].startswith("order_id,")
    assert cli.json_lines("export", "--since", "2999-01-01") == []

    status = cli.json_lines("status", "--json")[0]
    assert set(status) == {"documents", "orders", "queue", "failed_jobs"}
    assert status["documents"]["committed"] == 1 and status["documents"]["duplicate"] == 2
    assert status["orders"] == {"committed": 1, "review": 1, "rejected": 0, "held": 0}
    rejected = cli.json_lines("documents", "--state", "rejected", "--json")
    assert len(rejected) == 1 and rejected[0]["error"]["kind"] == "empty"


def test_bad_master_data_names_file_row_and_column(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "products.csv").write_text("sku,description,unit_price\nA,Bolt,1.00\nB,Nut,cheap\n")
    proc = cli("masterdata", "load", str(d), ok=False)
    assert proc.returncode == 1
    assert "products.csv, row 3, column 'unit_price'" in proc.stdout


def test_run_once_with_an_edi_folder(cli: Cli, masterdata: Path, tmp_path: Path) -> None:
    cli("masterdata", "load", str(masterdata))
    inbound, outbound = tmp_path / "edi-in", tmp_path / "edi-out"
    inbound.mkdir()
    cli("source", "add", "edi-folder", "partner", "--inbound", str(inbound), "--outbound", str(outbound))
    assert (
        cli(
            "source",
            "add",
            "edi-folder",
            "partner",
            "--inbound",
            str(inbound),
            "--outbound",
            str(outbound),
            ok=False,
        ).returncode
        == 1
    )
    assert cli.json_lines("source", "list", "--json")[0]["name"] == "partner"
    (inbound / "po1.csv").write_bytes(CLEAN)
    (inbound / ".hidden").write_bytes(b"ignored")
    (inbound / "upload.part").write_bytes(b"still being written")
    out = cli("run", "--once").stdout
    assert "committed" in out
    assert sorted(p.name for p in inbound.iterdir() if p.is_file()) == [".hidden", "upload.part"]
    assert list((inbound / ".processed").rglob("po1.csv"))
    assert "nothing to do" in cli("run", "--once").stdout
    docs = cli.json_lines("documents", "--json")
    assert docs[0]["source_ref"] == "partner:po1.csv" and docs[0]["status"] == "committed"
    cli("source", "remove", "partner")
    assert cli.json_lines("source", "list", "--json") == []


def test_worker_needs_redis(cli: Cli) -> None:
    proc = cli("worker", "--burst", ok=False)
    assert proc.returncode == 1 and "INGEST_REDIS_URL" in proc.stderr


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
def test_parse_json_over_the_shared_corpus_never_crashes(tmp_path: Path) -> None:
    files = sorted(
        str(p) for sub in ("x12", "edifact", "pdf", "sheets") for p in (SHARED_CORPUS / sub).iterdir()
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    proc = Cli(env, tmp_path)("parse", "--json", *files, ok=None)
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in results] == files
    for r in results:
        assert (r["error"] is None) or (set(r["error"]) == {"kind", "message", "location"})
    assert proc.returncode == (1 if any(r["error"] for r in results) else 0)


def test_process_on_rq_waits_for_a_worker(cli: Cli, masterdata: Path, redis_url: str, tmp_path: Path) -> None:
    cli.env["INGEST_REDIS_URL"] = redis_url
    cli("masterdata", "load", str(masterdata))
    worker = subprocess.Popen(
        [sys.executable, "-m", "ingest", "worker"],
        env=cli.env,
        cwd=cli.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        (tmp_path / "po.csv").write_bytes(CLEAN)
        (tmp_path / "review.csv").write_bytes(UNKNOWN_PART)
        lines = cli.json_lines(
            "process", "--json", "--timeout", "120", str(tmp_path / "po.csv"), str(tmp_path / "review.csv")
        )
        assert [line["status"] for line in lines] == ["committed", "review"]
        status = cli.json_lines("status", "--json")[0]
        assert status["queue"] == {"documents": 0, "polls": 0, "outbound": 0} and status["failed_jobs"] == 0
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "Traceback" not in (worker.stderr.read() if worker.stderr else "")


def test_x12_through_the_cli_returns_the_997_and_honours_an_archive(cli: Cli, tmp_path: Path) -> None:
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    cli("masterdata", "load", str(fixtures / "masterdata"))
    [line] = cli.json_lines("process", "--json", str(fixtures / "documents" / "acme_850_4500200.x12"))
    assert line["status"] == "committed" and line["orders"][0]["po_number"] == "4500200"
    assert "AK5*A" in line["acknowledgment"] and "AK9*A*1*1*1" in line["acknowledgment"]
    [bad] = cli.json_lines(
        "process", "--json", str(fixtures / "documents" / "acme_850_bad_segment_count.x12"), ok=False
    )
    assert bad["status"] == "rejected" and "AK5*R*4" in bad["acknowledgment"]
    inbound, archive = tmp_path / "in", tmp_path / "archive"
    inbound.mkdir()
    cli(
        "source",
        "add",
        "edi-folder",
        "feed",
        "--inbound",
        str(inbound),
        "--outbound",
        str(tmp_path / "out"),
        "--archive",
        str(archive),
    )
    (inbound / "chg.x12").write_bytes((fixtures / "documents" / "acme_860_4500200.x12").read_bytes())
    cli("run", "--once")
    assert [p.name for p in archive.rglob("*.x12")] == ["chg.x12"]
    assert [p.name[:4] for p in (tmp_path / "out").iterdir()] == ["997_"]
    partners = cli.json_lines("partner", "list", "--json")
    assert partners == []
    cli("partner", "add", "ZZ", "ACMEHW", "--customer", "C0001", "--name", "Acme", "--no-997")
    assert cli.json_lines("partner", "list", "--json")[0]["send_997"] is False
    assert cli("partner", "add", "ZZ", "X", "--customer", "NOPE", ok=False).returncode == 1
