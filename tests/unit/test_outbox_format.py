"""The export record under the ERP's names, rendered as JSON, JSON Lines and CSV (pure)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from ingest.errors import ConfigError
from ingest.services.export_format import (
    FieldMapping,
    file_name,
    map_record,
    parse_mapping,
    render,
    render_csv,
    render_json,
    render_jsonl,
)

RECORD: dict[str, Any] = {
    "order_id": "o-1",
    "document_id": "d-1",
    "customer_id": "C1",
    "po_number": "PO-7",
    "po_date": "2026-11-20",
    "currency": "USD",
    "committed_at": "2026-11-22T06:00:00+00:00",
    "ship_to": {"name": "Dock 4", "city": "Tacoma"},
    "lines": [
        {"line_number": "1", "sku": "A-1", "quantity": "5", "uom": "EA", "unit_price": "1.25"},
        {"line_number": "2", "sku": "B-2", "quantity": "2.500", "uom": "CA", "unit_price": "10.00"},
    ],
}


def test_no_mapping_sends_the_record_as_it_is() -> None:
    assert map_record(RECORD, FieldMapping()) == RECORD
    assert json.loads(render_json(RECORD, FieldMapping())) == RECORD


def test_fields_are_renamed_and_the_rest_kept() -> None:
    mapping = parse_mapping({"fields": {"po_number": "PONumber", "ship_to.name": "ShipTo.Name",
                                        "lines.sku": "ItemCode"}, "lines": "Items"})  # fmt: skip
    out = map_record(RECORD, mapping)
    assert out["PONumber"] == "PO-7" and "po_number" not in out
    assert out["ShipTo"] == {"Name": "Dock 4"} and out["ship_to"] == {"city": "Tacoma"}
    assert "lines" not in out
    assert [line["ItemCode"] for line in out["Items"]] == ["A-1", "B-2"]
    assert out["Items"][1]["quantity"] == "2.500"  # decimals stay the strings they were


def test_drop_unmapped_and_constants() -> None:
    mapping = parse_mapping(
        {
            "fields": {"po_number": "PO", "lines.sku": "Item", "lines.quantity": "Qty", "nowhere": "Missing"},
            "drop_unmapped": True,
            "constants": {"Company": "NW01"},
            "line_constants": {"Warehouse": "MAIN"},
        }
    )
    assert map_record(RECORD, mapping) == {
        "PO": "PO-7",
        "Missing": None,
        "Company": "NW01",
        "lines": [
            {"Item": "A-1", "Qty": "5", "Warehouse": "MAIN"},
            {"Item": "B-2", "Qty": "2.500", "Warehouse": "MAIN"},
        ],
    }
    assert RECORD["po_number"] == "PO-7" and "Item" not in RECORD["lines"][0]  # the input is untouched


def test_jsonl_is_one_line() -> None:
    data = render_jsonl(RECORD, FieldMapping())
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert json.loads(data) == RECORD


def test_csv_has_one_row_per_line_under_the_erp_names() -> None:
    mapping = parse_mapping({"fields": {"po_number": "PONumber", "lines.sku": "ItemCode",
                                        "ship_to.city": "City"}, "constants": {"Company": "NW"}})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(render_csv(RECORD, mapping).decode())))
    assert len(rows) == 2
    assert list(rows[0])[:3] == ["PONumber", "ItemCode", "City"]
    assert rows[1]["ItemCode"] == "B-2" and rows[1]["PONumber"] == "PO-7" and rows[1]["City"] == "Tacoma"
    assert rows[1]["quantity"] == "2.500" and rows[1]["Company"] == "NW"
    assert "sku" not in rows[0] and "po_number" not in rows[0]


def test_csv_without_mapping_matches_the_export_command_columns() -> None:
    from ingest.services.export import CSV_COLUMNS

    header = render_csv(RECORD, FieldMapping()).decode().splitlines()[0]
    assert header.split(",") == list(CSV_COLUMNS)


def test_render_by_kind() -> None:
    assert render("webhook", RECORD, FieldMapping()) == render_json(RECORD, FieldMapping())
    assert render("jsonl", RECORD, FieldMapping()) == render_jsonl(RECORD, FieldMapping())
    with pytest.raises(ConfigError):
        render("xml", RECORD, FieldMapping())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "JSON object"),
        ({"fields": {"a": 1}}, "ERP names"),
        ({"fields": {"a": "X", "b": "X"}}, "both mapped"),
        ({"fields": {"a b!": "X"}}, "not a name"),
        ({"fields": {"lines": "Items"}}, "rename the list"),
        ({"lines": "a.b"}, "plain name"),
        ({"drop_unmapped": "yes"}, "true or false"),
        ({"constants": {"A": [1]}}, "plain values"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_a_bad_mapping_is_refused_with_a_reason(raw: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_mapping(raw)


def test_a_mapping_survives_its_stored_form() -> None:
    mapping = parse_mapping({"fields": {"po_number": "PO"}, "constants": {"A": 1}})
    assert parse_mapping(mapping.as_dict()) == mapping


def test_file_names_are_fixed_by_the_order_and_safe() -> None:
    assert file_name("o-1", "jsonl") == "order_o-1.jsonl"
    assert file_name("../x/y", "csv") == "order_.._x_y.csv"
    assert "/" not in file_name("../x/y", "csv")
