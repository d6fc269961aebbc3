"""Messages per second through the IMAP path: a real Dovecot (started here, as the tests do),
N mixed purchase-order messages appended, then one `ingest run --once` that takes, stores, parses,
matches, decides and moves every one of them. SQLite, in-process.

Run (as root, with dovecot-imapd installed): .venv/bin/python bench/imap_intake.py [--messages 500]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from dovecot import Dovecot, ensure_dovecot_installed  # noqa: E402
from test_mailbox_channel import KINDS, mail  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    ensure_dovecot_installed()
    server = Dovecot()
    server.start()
    try:
        user, password = server.take_user()
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
            env.update(
                INGEST_DATABASE_URL=f"sqlite:///{tmp}/i.db", INGEST_DATA_DIR=f"{tmp}/d", BENCH_PW=password
            )

            def ingest(*a: str, check: bool = True) -> float:
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "ingest", *a], env=env, cwd=tmp, check=check, capture_output=True
                )
                return time.perf_counter() - start

            ingest("db", "upgrade")
            ingest("masterdata", "load", str(REPO / "fixtures" / "masterdata"))
            ingest(
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
                user,
                "--password-env",
                "BENCH_PW",
                "--processed-folder",
                "Processed",
                "--failed-folder",
                "Failed",
            )
            raws = [mail(n, KINDS[n % len(KINDS)]) for n in range(args.messages)]
            size = sum(map(len, raws))
            start = time.perf_counter()
            for raw in raws:
                server.append(user, "INBOX", raw)
            appended = time.perf_counter() - start
            elapsed = ingest("run", "--once", check=False)
            idle = ingest("run", "--once")
            print(f"{args.messages} messages, {size / 1e6:.1f} MB (appended in {appended:.1f} s)")
            print(
                f"ingest run --once: {elapsed:.1f} s = {args.messages / elapsed:.1f} messages/s "
                f"(take, store, parse, match, decide, commit, move; SQLite, in-process)"
            )
            print(f"second run with nothing new: {idle:.1f} s")
            counts = {folder: len(server.uids(user, folder)) for folder in ("Processed", "Failed", "INBOX")}
            print("folders:", ", ".join(f"{folder} {n}" for folder, n in counts.items()))
    finally:
        server.close()


if __name__ == "__main__":
    main()
