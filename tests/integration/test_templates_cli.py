"""Customer templates from the command line: checked, tried on stored documents, used by the pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PDF = REPO / "fixtures" / "pdf" / "families" / "ruled_grid" / "ruled_grid_2.pdf"

GOOD = """
name = "Acme ruled PO"
customer_id = "C0001"
[match]
keywords = ["PURCHASE ORDER", "Acme Hardware Co"]
[fields.po_number]
regex = 'PO\\s*#\\s*PO-(\\d{4}-\\d{4})'
[fields.payment_terms]
anchor = "Terms"
"""
BROKEN = """
name = "broken"
[fields.po_number]
regex = '(unclosed'
"""


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "ingest", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_templates_checked_tried_and_used(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "acme.toml").write_text(GOOD)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(INGEST_DATABASE_URL=f"sqlite:///{tmp_path / 'i.db'}", INGEST_DATA_DIR=str(tmp_path / "d"),
               INGEST_TEMPLATES_DIR=str(folder))  # fmt: skip
    assert run(env, tmp_path, "db", "upgrade").returncode == 0
    checked = run(env, tmp_path, "template", "check")
    assert checked.returncode == 0 and "Acme ruled PO" in checked.stdout

    [line] = [json.loads(x) for x in run(env, tmp_path, "process", "--json", str(PDF)).stdout.splitlines()]
    [order] = line["orders"]
    assert order["po_number"] == "2026-0412"  # pinned by the template
    assert order["payment_terms"] == "2% 10 Net 30"
    assert len(order["lines"]) == 3  # the rest still comes from the generic reader
    assert "read with template 'Acme ruled PO'" in order["notes"]

    tried = run(env, tmp_path, "template", "test", str(folder / "acme.toml"), "--json")
    [result] = [json.loads(x) for x in tried.stdout.splitlines()]
    assert result["applies"] and result["template"]["po_number"] == "2026-0412"
    assert result["generic"][0]["po_number"] == "PO-2026-0412"

    (folder / "zz-broken.toml").write_text(BROKEN)
    checked = run(env, tmp_path, "template", "check")
    assert (
        checked.returncode == 1
        and "zz-broken.toml" in checked.stdout
        and "not a valid regular" in checked.stdout
    )
    # a broken template never stops the pipeline: it is skipped and named in the log
    again = run(env, tmp_path, "process", "--json", str(PDF))
    assert json.loads(again.stdout)["status"] == "duplicate"
