"""Matching through the pipeline and the database: the catalog index, reloads, rules saved by an
administrator, and cross-references learned from a clerk's approval."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ingest.domain.document import DocumentState, Receipt
from ingest.domain.rules import RuleSet
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.masterdata import load_directory
from ingest.services.process import process_document
from ingest.services.review import LineCorrection, approve

HEADER = b"PO Number,Customer,Description,Qty,UOM,Unit Price\n"


def _process(p: Pipeline, content: bytes, name: str) -> tuple[DocumentState, dict[str, object]]:
    doc = receive(
        p.db, Receipt(content=content, channel="file", source="test", source_ref=name, filename=name)
    )
    state = process_document(p, doc.id)
    with p.db.unit_of_work() as uow:
        orders = uow.orders.for_document(doc.id)
    return state, orders[0]


def test_a_description_only_line_is_matched_from_the_database_catalog(loaded_pipeline: Pipeline) -> None:
    line = b'PO-D1,C0001,"Hex cap scr 1/4-20 x 1-1/2 gr5 zp",2,BX,12.37\n'
    state, order = _process(loaded_pipeline, HEADER + line, "d1.csv")
    lines = order["lines"]
    assert lines[0]["sku"] == "FAS-10003-ZP", lines[0]
    assert "description" in lines[0]["match_reason"]
    assert state is DocumentState.COMMITTED, order["reasons"]


def test_a_catalog_reload_is_seen_by_the_next_document(loaded_pipeline: Pipeline, tmp_path: Path) -> None:
    line = b'PO-D2,C0001,"Zyzzyva gasket kit",1,EA,\n'
    _, order = _process(loaded_pipeline, HEADER + line, "d2.csv")
    assert order["lines"][0]["sku"] is None
    md = tmp_path / "md"
    md.mkdir()
    (md / "products.csv").write_text("sku,description,uom\nZZ-1,Zyzzyva Gasket Kit,EA\n")
    assert load_directory(loaded_pipeline.db, md).ok
    line = b'PO-D3,C0001,"Zyzzyva gasket kit",1,EA,\n'
    _, order = _process(loaded_pipeline, HEADER + line, "d3.csv")
    assert order["lines"][0]["sku"] == "ZZ-1"


def test_saved_rules_are_used_for_the_next_document(loaded_pipeline: Pipeline) -> None:
    with loaded_pipeline.db.unit_of_work("admin") as uow:
        uow.rules.save(RuleSet.model_validate({"customers": {"C0001": {"automation": "never"}}}), "test")
        uow.commit()
    line = b'PO-D4,C0001,"Hex cap scr 1/4-20 x 1-1/2 gr5 zp",2,BX,12.37\n'
    state, order = _process(loaded_pipeline, HEADER + line, "d4.csv")
    assert state is DocumentState.REVIEW
    assert any("every order reviewed" in r for r in order["reasons"])  # type: ignore[union-attr]


def test_a_clerks_correction_is_learned_and_used_next_time(loaded_pipeline: Pipeline) -> None:
    p = loaded_pipeline
    text = b'"Our usual grey tape, big roll"'
    state, order = _process(p, HEADER + b"PO-L1,C0001," + text + b",3,EA,\n", "l1.csv")
    assert state is DocumentState.REVIEW
    with p.db.unit_of_work() as uow:
        sku = uow.masterdata_view.products_by_sku_key("FAS10003ZP")[0].sku
    verdict = approve(
        p.db,
        str(order["order_id"]),
        "ann",
        expected_version=int(order.get("version", 1)),  # type: ignore[call-overload]
        lines={1: LineCorrection(sku=sku, quantity=Decimal(3))},
    )
    assert verdict.document_state == "committed"
    assert [i.sku for i in verdict.learned] == [sku]
    state, order = _process(p, HEADER + b"PO-L2,C0001," + text + b",5,EA,\n", "l2.csv")
    line = order["lines"][0]  # type: ignore[index]
    assert line["sku"] == sku
    assert "learned from ann" in line["match_reason"]
