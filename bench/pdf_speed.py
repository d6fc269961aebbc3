"""PDF reading speed: ms per page, median and p95, timing ``default_registry().parse`` end to end.

Four kinds of page, generated here with fixtures/pdf/generate.py (one-page ruled purchase orders):
a 1-line and a 40-line page with a text layer, and the same two pages scanned (an image only,
read by OCR; skipped with a message when tesseract is not installed). The registry is built once;
each parse is timed alone with ``time.perf_counter``. The "read" column says whether the order came
out with the right number of lines ("not read" before the PDF reader exists).

    .venv/bin/python bench/pdf_speed.py [--repeat 30] [--ocr-repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import time
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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pages() -> dict[str, tuple[bytes, int]]:
    """name -> (PDF bytes, expected line count) for the digital pages; scanned ones added later."""
    generate = _load("generate")
    catalog = generate.Catalog()
    out: dict[str, tuple[bytes, int]] = {}
    digital = {}
    for count in (1, 40):
        doc = generate.make_doc(catalog, "scanned", 0, lines=count, seed=count)
        digital[count] = generate.render_scan_source(doc)
        out[f"digital, {count} line{'s' if count > 1 else ''}"] = (digital[count], count)
    for count in (1, 40):
        out[f"OCR, {count} line{'s' if count > 1 else ''}"] = (
            generate.scan(digital[count], seed=count),
            count,
        )
    return out


def page_count(content: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        return len(document)
    finally:
        document.close()


def time_parse(content: bytes, lines: int, repeat: int) -> tuple[list[float], str]:
    registry = default_registry()
    context = ParseContext(filename="bench.pdf")
    samples: list[float] = []
    verdict = "not read"
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            outcome = registry.parse(content, context)
        except Exception as exc:  # the reader crashing is a result here, not the bench's end
            samples.append((time.perf_counter() - start) * 1000)
            verdict = f"crashed: {type(exc).__name__}"
            continue
        samples.append((time.perf_counter() - start) * 1000)
        if outcome.orders:
            got = len(outcome.orders[0].lines)
            verdict = "read" if got == lines else f"{got}/{lines} lines"
        elif outcome.error is not None:
            verdict = f"not read ({outcome.error.kind})"
    return samples, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF reading speed, ms per page")
    parser.add_argument("--repeat", type=int, default=30, help="parses per digital page")
    parser.add_argument("--ocr-repeat", type=int, default=5, help="parses per scanned page")
    args = parser.parse_args()

    have_tesseract = shutil.which("tesseract") is not None
    header = f"{'page':<20} {'pages':>5} {'runs':>5} {'median ms/page':>15} {'p95 ms/page':>12}  read"
    print(header)
    print("-" * len(header))
    skipped = False
    for name, (content, lines) in pages().items():
        if name.startswith("OCR") and not have_tesseract:
            skipped = True
            continue
        repeat = args.ocr_repeat if name.startswith("OCR") else args.repeat
        samples, verdict = time_parse(content, lines, repeat)
        n_pages = page_count(content)
        print(
            f"{name:<20} {n_pages:>5} {len(samples):>5} {statistics.median(samples) / n_pages:>15.2f} "
            f"{p95(samples) / n_pages:>12.2f}  {verdict}"
        )
    if skipped:
        print("OCR pages skipped: tesseract is not installed")


if __name__ == "__main__":
    main()
