"""What the golden tests and their regeneration script share: where the fixtures are and how one
document becomes its expected ``ingest parse --json`` line (CONTRACTS §3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.parsers.base import ParseContext
from ingest.parsers.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "fixtures" / "documents"
EXPECTED = ROOT / "fixtures" / "expected"


def documents() -> list[Path]:
    return sorted(p for p in DOCUMENTS.iterdir() if p.is_file() and not p.name.startswith("."))


def expected_path(document: Path) -> Path:
    return EXPECTED / f"{document.name}.json"


def parse_line(document: Path) -> dict[str, Any]:
    """The JSON object `ingest parse --json` prints for one file."""
    outcome = default_registry().parse(document.read_bytes(), ParseContext(filename=document.name))
    return outcome.as_record(document.name)


def render(line: dict[str, Any]) -> str:
    """Pretty JSON, so that a regenerated file reads well in a diff."""
    return json.dumps(line, indent=2, ensure_ascii=False) + "\n"
