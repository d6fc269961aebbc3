"""Mailboxes end to end on a real Dovecot, through the `ingest` command: every message accounted
for, the folders agreeing with the database, nothing taken twice, IDLE and restarts survived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from dovecot import Dovecot
from test_imap_source import Account, account, dovecot, server  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "fixtures" / "documents"


def mail(n: int, kind: str) -> bytes:
    msg = EmailMessage()
    msg["Message-ID"] = f"<m{n}-{kind}@test>"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg["To"] = "orders@northwind-supply.example"
    if kind == "csv":  # a clean order from a known customer: committed
        msg["From"] = "Jane Miller <jmiller@acme-hardware.example>"
        msg["Subject"] = f"PO AC-{n}"
        msg.set_content("Please find our order attached.")
        body = f"PO Number,SKU,Qty,UOM\nAC-{n},FAS-10001-ZP,{n % 9 + 1},BX\n"
        msg.add_attachment(body.encode(), maintype="text", subtype="csv", filename=f"po-{n}.csv")
    elif kind == "review":  # an unknown part: review
        msg["From"] = "buyer@cascadefm.example"
        msg["Subject"] = f"Order CF-{n}"
        msg.set_content("Order attached")
        body = f"PO,Part,Qty\nCF-{n},NO-SUCH-PART-{n},3\n"
        msg.add_attachment(body.encode(), maintype="text", subtype="csv", filename="order.csv")
    elif kind == "x12":
        msg["From"] = "edi@acme-hardware.example"
        msg["Subject"] = "850"
        msg.set_content("EDI attached")
        content = (DOCS / "acme_850_4500200.x12").read_bytes().replace(b"000000501", f"{n:09d}".encode())
        content = content.replace(b"4500200", f"45{n:05d}".encode())
        msg.add_attachment(content, maintype="application", subtype="edi-x12", filename=f"{n}.x12")
    elif kind == "newsletter":  # no order
        msg["From"] = "news@vendor.example"
        msg["Subject"] = "Our spring catalog"
        msg.set_content("New products this season!")
    else:  # poison: a broken attachment
        msg["From"] = "jmiller@acme-hardware.example"
        msg["Subject"] = f"PO {n}"
        msg.set_content("see attached")
        msg.add_attachment(b"PO,SKU,Colour\n1,A,red\n", maintype="text", subtype="csv", filename="broken.csv")
    return msg.as_bytes()


KINDS = ["csv", "csv", "review", "x12", "newsletter", "poison", "csv", "csv"]


class Cli:
    def __init__(self, tmp_path: Path, account: Account) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
        self.env.update(
            INGEST_DATABASE_URL=f"sqlite:///{tmp_path / 'i.db'}", INGEST_DATA_DIR=str(tmp_path / "d")
        )
        self.env[account.env] = account.password
        self.cwd = tmp_path

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        if ok:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def documents(self) -> list[dict]:
        return [
            json.loads(line) for line in self("documents", "--json", "--limit", "100000").stdout.splitlines()
        ]


def setup(server: Dovecot, account: Account, tmp_path: Path) -> Cli:
    cli = Cli(tmp_path, account)
    cli("db", "upgrade")
    cli("masterdata", "load", str(REPO / "fixtures" / "masterdata"))
    cli(
        "source",
        "add",
        "imap",
        "orders",
        "--host",
        server.host,
        "--port",
        str(server.imap_port),
        "--security",
        "none",
        "--user",
        account.user,
        "--password-env",
        account.env,
        "--processed-folder",
        "Processed",
        "--failed-folder",
        "Failed",
    )
    cli("source", "rule", "add", "orders", "skip", "sender", "news@*")
    return cli


def test_two_hundred_mixed_messages_are_all_accounted_for(
    server: Dovecot, account: Account, tmp_path: Path
) -> None:
    cli = setup(server, account, tmp_path)
    sent = [mail(n, KINDS[n % len(KINDS)]) for n in range(200)]
    for raw in sent:
        server.append(account.user, "INBOX", raw)
    server.append(account.user, "INBOX", sent[0])  # delivered twice
    cli("run", "--once", ok=False)  # the broken attachments make it exit 1
    docs = cli.documents()
    states = [d["status"] for d in docs]
    newsletters = sum(1 for n in range(200) if KINDS[n % len(KINDS)] == "newsletter")
    assert len(docs) == 201 - newsletters  # every message taken is a document; skipped ones are not
    assert "received" not in states and "failed" not in states
    assert states.count("duplicate") == 1
    poison = sum(1 for n in range(200) if KINDS[n % len(KINDS)] == "poison")
    assert states.count("rejected") == poison
    assert states.count("review") >= sum(1 for n in range(200) if KINDS[n % len(KINDS)] == "review")
    # the folders agree with the database
    assert len(server.uids(account.user, "Failed")) == poison
    assert len(server.uids(account.user, "Processed")) == len(docs) - poison
    assert len(server.uids(account.user, "INBOX")) == newsletters  # left where they were, by the rule
    assert all(b"\\Seen" not in flags for flags in server.flags(account.user, "Processed").values())
    # a second run takes nothing again
    cli("run", "--once")
    assert len(cli.documents()) == len(docs)


def test_uidvalidity_reset_does_not_reprocess(server: Dovecot, account: Account, tmp_path: Path) -> None:
    cli = setup(server, account, tmp_path)
    raws = [mail(n, "csv") for n in range(5)]
    for raw in raws:
        server.append(account.user, "INBOX", raw)
    cli("run", "--once")
    assert len(cli.documents()) == 5
    server.reset_uidvalidity(account.user, "INBOX")
    for raw in raws:  # the same messages come back under new UIDs
        server.append(account.user, "INBOX", raw)
    server.append(account.user, "INBOX", mail(99, "csv"))
    cli("run", "--once")
    docs = cli.documents()
    assert len(docs) == 6 and sorted(d["status"] for d in docs).count("committed") == 6


def test_the_service_wakes_on_new_mail_and_survives_a_server_restart(
    server: Dovecot, account: Account, tmp_path: Path
) -> None:
    cli = setup(server, account, tmp_path)
    service = subprocess.Popen(
        [sys.executable, "-m", "ingest", "run", "--interval", "600"],
        env=cli.env,
        cwd=cli.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)
        server.append(account.user, "INBOX", mail(1, "csv"))
        assert _wait_for(lambda: len(cli.documents()) == 1, 30), "IDLE did not wake the poll"
        server.restart()
        time.sleep(2)
        server.append(account.user, "INBOX", mail(2, "csv"))
        assert _wait_for(lambda: len(cli.documents()) == 2, 60), "no reconnect after the restart"
    finally:
        service.terminate()
        service.wait(timeout=30)
    assert "Traceback" not in (service.stderr.read() if service.stderr else "")


def _wait_for(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False
