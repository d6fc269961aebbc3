"""The PDF layout families (fixtures/pdf/families, written by fixtures/pdf/generate.py): each
document read through the registry gives the values of its expected JSON.

Families in ``KNOWN_WEAK`` are still read and compared, but a mismatch there is an xfail, not a
failure; take a family out of the list once the PDF reader reads it, and from then on it must pass.
The comparison rules are in fixtures/pdf/scoring.py (shared with bench/pdf_accuracy.py).

After a deliberate change of the documents, run ``.venv/bin/python fixtures/pdf/generate.py`` and
commit the output with the change.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from ingest.parsers.base import ParseContext
from ingest.parsers.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]
PDF_FIXTURES = ROOT / "fixtures" / "pdf"


def _load(name: str) -> ModuleType:
    module_name = f"_pdf_fixtures_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PDF_FIXTURES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


scoring = _load("scoring")
generate = _load("generate")

FAMILIES = [
    "ruled_grid",
    "whitespace_table",
    "multipage_continued",
    "wrapped_descriptions",
    "german",
    "french_spanish",
    "landscape_customer_parts",
    "label_below_value",
    "charges_totals",
    "email_printed",
    "scanned",
]

# Families the PDF reader does not read right yet: compared, but xfail(strict=False). Shrink me.
KNOWN_WEAK: set[str] = set()


def _cases() -> list[object]:
    cases = []
    for family, pdf in scoring.documents():
        marks = (
            [pytest.mark.xfail(strict=False, reason=f"{family} is in KNOWN_WEAK")]
            if family in KNOWN_WEAK
            else []
        )
        cases.append(pytest.param(pdf, id=f"{family}/{pdf.stem}", marks=marks))
    return cases


@pytest.mark.parametrize("pdf", _cases())
def test_family_document_reads_as_expected(pdf: Path) -> None:
    expected = scoring.expected_for(pdf)
    outcome = default_registry().parse(pdf.read_bytes(), ParseContext(filename=pdf.name))
    score = scoring.score_outcome(outcome, expected)
    assert score.fully_right, f"{pdf.parent.name}/{pdf.name}:\n  " + "\n  ".join(score.problems)


def test_known_weak_names_real_families() -> None:
    assert set(FAMILIES) == set(generate.FAMILIES)
    assert set(KNOWN_WEAK) <= set(FAMILIES)


def test_every_family_has_its_documents_and_expected_values() -> None:
    root = scoring.FAMILIES_DIR
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(FAMILIES)
    for family in FAMILIES:
        pdfs = sorted(p.stem for p in (root / family).glob("*.pdf"))
        jsons = sorted(p.stem for p in (root / family).glob("*.json"))
        assert len(pdfs) >= 3, family
        assert pdfs == jsons, family
        names = sorted(p.name for p in (root / family).iterdir())
        assert names == sorted([f"{s}.json" for s in pdfs] + [f"{s}.pdf" for s in pdfs]), family


@pytest.mark.parametrize("pdf", [p for _, p in scoring.documents()], ids=lambda p: p.stem)
def test_expected_values_are_consistent(pdf: Path) -> None:
    """The labels add up: the total is the sum of the rounded line amounts and the charges."""
    expected = scoring.expected_for(pdf)
    assert set(expected) >= {"po_number", "po_date", "currency", "lines", "total_amount"}
    lines = sum(
        (
            (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01"))
            for line in expected["lines"]
        ),
        Decimal(0),
    )
    charges = sum((Decimal(c["amount"]) for c in expected.get("charges", [])), Decimal(0))
    assert lines + charges == Decimal(expected["total_amount"])
    for line in expected["lines"]:
        assert line["vendor_part_number"] or line["buyer_part_number"]
    if pdf.parent.name == "multipage_continued":
        assert len(expected["lines"]) >= 40


def test_regenerating_writes_identical_files(tmp_path: Path) -> None:
    generate.write_family_set(tmp_path)
    committed = sorted(p.relative_to(scoring.FAMILIES_DIR) for p in scoring.FAMILIES_DIR.glob("*/*"))
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*"))
    assert fresh == committed
    differing = [
        str(rel)
        for rel in committed
        if (tmp_path / rel).read_bytes() != (scoring.FAMILIES_DIR / rel).read_bytes()
    ]
    assert not differing, f"run fixtures/pdf/generate.py and commit: {differing}"


@pytest.mark.parametrize("pdf", [p for _, p in scoring.documents()], ids=lambda p: p.stem)
def test_scoring_accepts_the_expected_order_and_rejects_a_wrong_one(pdf: Path) -> None:
    """The expected values make a valid ORDER, which scores fully right; a changed one does not."""
    from ingest.domain.order import Order

    expected = scoring.expected_for(pdf)
    order = Order.model_validate(expected)
    assert scoring.score_order(order, expected).fully_right
    assert scoring.score_order(order.model_dump(mode="json"), expected).fully_right

    printed = order.model_copy(deep=True)  # a reader that keeps the bracketed part in the text
    first = printed.lines[0]
    first.description = (
        f"[{first.vendor_part_number or first.buyer_part_number}]  {first.description.upper()}"
    )
    assert scoring.score_order(printed, expected).fully_right

    wrong = order.model_copy(deep=True)
    wrong.lines[-1].quantity = (wrong.lines[-1].quantity or Decimal(0)) + 1
    score = scoring.score_order(wrong, expected)
    assert not score.fully_right and not score.lines
    assert not scoring.score_order(None, expected).read


@pytest.mark.parametrize("pdf", [p for _, p in scoring.documents()], ids=lambda p: p.stem)
def test_the_document_shows_its_expected_values(pdf: Path) -> None:
    """What the JSON says is printed: the PO number, every part number and the total are in the text
    layer (digital families); a scanned document has no text layer, only one image per page."""
    import pdfplumber

    expected = scoring.expected_for(pdf)
    with pdfplumber.open(pdf) as document:
        text = " ".join((page.extract_text() or "") for page in document.pages)
        images = [len(page.images) for page in document.pages]
    if pdf.parent.name in scoring.SCANNED_FAMILIES:
        assert not text.strip()
        assert images == [1] * len(images)
        return
    text = " ".join(text.split())
    assert expected["po_number"] in text
    for line in expected["lines"]:
        for part in (line["vendor_part_number"], line["buyer_part_number"]):
            assert part is None or part in text
    total = Decimal(expected["total_amount"])
    shown = {
        generate.money(total, thousands=t, point=p, places=2) for t, p in ((",", "."), (".", ","), (" ", ","))
    }
    assert any(form in text for form in shown), (shown, text[-300:])
