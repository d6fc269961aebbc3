"""PDF reading accuracy per layout family (fixtures/pdf/families, see fixtures/pdf/generate.py).

Reads every family document through ``default_registry().parse`` and compares it with its expected
JSON (rules in fixtures/pdf/scoring.py), then prints per family: documents read at all, PO number
right, PO date right, lines right (same count and every line's quantity, unit price and part
numbers), and documents fully right (every expected field, units and descriptions included);
then the same for digital and scanned documents together.

    .venv/bin/python bench/pdf_accuracy.py [--verbose]

Works before the PDF reader exists: unread documents count as wrong ("not read").
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ingest.parsers.base import ParseContext
from ingest.parsers.registry import default_registry

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    module_name = f"_pdf_fixtures_{name}"
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "fixtures" / "pdf" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


scoring = _load("scoring")


@dataclass
class Tally:
    docs: int = 0
    read: int = 0
    po_number: int = 0
    po_date: int = 0
    lines: int = 0
    fully: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, score: object) -> None:
        self.docs += 1
        self.read += bool(score.read)  # type: ignore[attr-defined]
        self.po_number += bool(score.po_number)  # type: ignore[attr-defined]
        self.po_date += bool(score.po_date)  # type: ignore[attr-defined]
        self.lines += bool(score.lines)  # type: ignore[attr-defined]
        self.fully += bool(score.fully_right)  # type: ignore[attr-defined]

    def merge(self, other: Tally) -> None:
        for name in ("docs", "read", "po_number", "po_date", "lines", "fully"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.0f}%" if d else "    -"


def row(name: str, kind: str, t: Tally) -> str:
    note = "not read" if t.read == 0 else ""
    return (
        f"{name:<26} {kind:<8} {t.docs:>4} {pct(t.read, t.docs):>6} {pct(t.po_number, t.docs):>6} "
        f"{pct(t.po_date, t.docs):>6} {pct(t.lines, t.docs):>6} {pct(t.fully, t.docs):>6}  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF reading accuracy per layout family")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every mismatch")
    args = parser.parse_args()

    registry = default_registry()
    families: dict[str, Tally] = {}
    for family, pdf in scoring.documents():
        expected = scoring.expected_for(pdf)
        try:
            outcome = registry.parse(pdf.read_bytes(), ParseContext(filename=pdf.name))
            score = scoring.score_outcome(outcome, expected)
        except Exception as exc:  # a crash of the reader is a wrong document here, not a crash
            score = scoring.score_order(None, expected)
            score.problems.append(f"crashed: {type(exc).__name__}: {exc}")
        tally = families.setdefault(family, Tally())
        tally.add(score)
        tally.problems += [f"{pdf.stem}: {p}" for p in score.problems]

    titles = ("read", "PO no", "date", "lines", "full")
    header = f"{'family':<26} {'kind':<8} {'docs':>4} " + " ".join(f"{t:>6}" for t in titles)
    print("PDF accuracy: share of documents right per field (lines = count, qty, unit price, part numbers)")
    print(header)
    print("-" * len(header))
    totals = {"digital": Tally(), "scanned": Tally()}
    for family, tally in families.items():
        kind = "scanned" if family in scoring.SCANNED_FAMILIES else "digital"
        totals[kind].merge(tally)
        print(row(family, kind, tally))
    print("-" * len(header))
    everything = Tally()
    for kind, tally in totals.items():
        everything.merge(tally)
        print(row(f"all {kind}", kind, tally))
    print(row("all", "", everything))
    if args.verbose:
        for family, tally in families.items():
            for problem in tally.problems:
                print(f"  {family}/{problem}")


if __name__ == "__main__":
    main()
