"""Our 997s checked by an independent validator: pyx12's own 997 map.

pyx12 ships its 997 map for HIPAA: the code lists of AK101 (functional identifier) and AK201
(transaction set) name only HIPAA transactions, so an acknowledgment of a purchase order (AK1*PO,
AK2*850) fails there with "segment not found", and those of ISA05/ISA07 leave out qualifiers such
as 12 (telephone) that X12 allows. The map is used as shipped with those four lists removed:
everything else about the 997 (segments, loops, counts, codes, control numbers) is pyx12's own
check.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pyx12
from pyx12 import params as pyx12_params
from pyx12 import x12n_document

from ingest.errors import DocumentError
from ingest.parsers.x12.ack import ControlNumbers, build_acknowledgment
from ingest.parsers.x12.envelope import read_interchanges

ROOT = Path(__file__).resolve().parents[2]
CORPUS_X12 = ROOT.parent / "shared" / "corpus" / "x12"
SAMPLES = sorted(ROOT.glob("fixtures/documents/*.x12")) + (
    sorted(CORPUS_X12.iterdir()) if CORPUS_X12.is_dir() else []
)
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def map_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    maps = tmp_path_factory.mktemp("pyx12") / "map"
    shutil.copytree(Path(pyx12.__file__).parent / "map", maps)
    widen(maps / "997.4010.xml", ("ISA05", "ISA07", "AK101", "AK201"))
    widen(maps / "x12.control.00401.xml", ("ISA05", "ISA07"))
    return str(maps)


def widen(path: Path, xids: tuple[str, ...]) -> None:
    """Remove the code lists of ``xids`` from a pyx12 map."""
    text = path.read_text(encoding="utf-8")
    for xid in xids:
        text, n = re.subn(
            rf'(<element xid="{xid}">.*?)<valid_codes>.*?</valid_codes>', r"\1", text, count=1, flags=re.S
        )
        assert n == 1, f"pyx12's {path.name} has no code list on {xid} any more"
    path.write_text(text, encoding="utf-8")


def pyx12_accepts(text: str, map_path: str) -> tuple[bool, str]:
    param = pyx12_params.params()
    report = io.StringIO()
    ok = x12n_document.x12n_document(param, io.StringIO(text), fd_997=report, fd_html=None, map_path=map_path)
    return bool(ok), report.getvalue()


def acknowledgments(path: Path) -> list[str]:
    """Our 997s for the interchanges of ``path`` that pyx12 can read: version 00401, groups of
    004010, no TA1 asked for (a TA1 is no part of a 997)."""
    try:
        interchanges = read_interchanges(path.read_bytes())
    except DocumentError:
        return []
    texts = []
    for n, ic in enumerate(interchanges, start=1):
        groups = [g for g in ic.groups if g.functional_id != "FA"]
        # pyx12 reads ISA12 00401 only, and has its 997 map under GS08 004010
        if ic.version != "00401" or ic.rejected or ic.ack_requested or not groups:
            continue
        if not all(g.version == "004010" for g in groups):
            continue
        ack = build_acknowledgment(ic, ControlNumbers(interchange=100 + n, group=200 + n), NOW)
        if ack is not None:
            texts.append(ack.text)
    return texts


def test_the_samples_give_997s_to_check() -> None:
    checked = [p for p in SAMPLES if acknowledgments(p)]
    assert len(checked) >= 3, [p.name for p in checked]
    assert any("AK5*R" in t or "AK5*E" in t for p in checked for t in acknowledgments(p)), (
        "no sample gives a 997 with errors"
    )


# These partners use '^' as the component separator, which our 997 repeats in ISA16 as X12 asks;
# pyx12 takes ISA16 for an AN element and refuses the character.
CARET_SEPARATOR = {
    "xlate_staedi_855_multi-tx-transaction-type.edi",
    "bots-edi_bots-plugins_850-004010-06.x12",
}


def _cases() -> list[object]:
    return [
        pytest.param(
            p,
            id=p.name,
            marks=[pytest.mark.xfail(strict=True, reason="pyx12 refuses '^' in ISA16")]
            if p.name in CARET_SEPARATOR
            else [],
        )
        for p in SAMPLES
        if acknowledgments(p)
    ]


@pytest.mark.parametrize("path", _cases())
def test_pyx12_accepts_our_997(path: Path, map_path: str) -> None:
    for text in acknowledgments(path):
        ok, report = pyx12_accepts(text, map_path)
        assert ok, f"pyx12 rejects our 997 for {path.name}:\n{text}\n{report}"
