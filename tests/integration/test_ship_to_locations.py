"""Ship-to locations end to end: ship_to_locations.csv loaded and checked, the matcher's view of
them kept fresh, and `ingest process --json` showing the resolved location (or the review reason)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from review_login import add, sign_in

from ingest.config import Settings
from ingest.db import Database
from ingest.domain.document import DocumentState, Receipt
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.masterdata import load_directory
from ingest.services.process import process_document
from review_ui import create_app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "customer_id,location_id,name,gln,address1,city,state,postal_code,active\n"


def write(d: Path, name: str, text: str) -> None:
    (d / name).write_text(text, encoding="utf-8")


@pytest.fixture
def db(database_url: str) -> Any:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def md(tmp_path: Path) -> Path:
    d = tmp_path / "md"
    d.mkdir()
    write(d, "customers.csv", "customer_id,name\nC1,Acme\nC2,Blue Ridge\n")
    return d


def test_locations_load_upsert_and_are_seen_by_the_matcher(db: Database, md: Path) -> None:
    write(
        md,
        "ship_to_locations.csv",
        HEADER
        + "C1,0012,Acme Store 12,0614141000012,1200 Industrial Pkwy,Portland,OR,97210,yes\n"
        + "C1,DC03,Acme DC 3,,9000 N Rivergate Blvd,Portland,OR,97203,\n"
        + "C2,0012,Blue Ridge Yard 12,,1 River Rd,Asheville,NC,28801,no\n",
    )
    report = load_directory(db, md)
    assert report.ok and report.loaded == {"customers.csv": 2, "ship_to_locations.csv": 3}
    assert report.totals["ship_to_locations"] == 3
    with db.unit_of_work() as uow:
        view = uow.masterdata_view
        assert [loc.location_id for loc in view.locations("C1")] == ["0012", "DC03"]
        [yard] = view.locations("C2")
        assert yard.active is False
        [store] = view.locations_by_gln("0614141000012")
        assert (store.customer_id, store.city) == ("C1", "Portland")
    (md / "customers.csv").unlink()
    write(
        md,
        "ship_to_locations.csv",
        HEADER + "C1,0012,Acme Store Twelve,,1200 Industrial Pkwy,Portland,OR,97210,\n",
    )
    assert load_directory(db, md).ok
    with db.unit_of_work() as uow:  # the per-process table was rebuilt: the new name is seen
        names = {loc.location_id: loc.name for loc in uow.masterdata_view.locations("C1")}
        assert names == {"0012": "Acme Store Twelve", "DC03": "Acme DC 3"}
        assert uow.masterdata_view.locations_by_gln("0614141000012") == []


def test_bad_location_rows_reject_the_file_naming_row_and_column(db: Database, md: Path) -> None:
    write(
        md,
        "ship_to_locations.csv",
        HEADER
        + "C1,0012,Acme Store 12,0614141000013,,,,,\n"  # row 2: check digit
        + "C9,0001,Nowhere,,,,,,\n"  # row 3: unknown customer
        + "C1,0012,Again,,,,,,\n"  # row 4: repeats row 2
        + "C1,15,Acme Store 15,,,,,,maybe\n"  # row 5: active is yes or no
        + "C1,,No number,,,,,,\n"  # row 6: location_id missing
        + "C1,0016,Acme Store 16,,,,,,\n"
        + "C1,16,Acme Store 16 again,,,,,,\n",  # row 8: 16 is 0016
    )
    report = load_directory(db, md)
    assert report.loaded == {"customers.csv": 2}
    problems = [str(p) for p in report.rejected["ship_to_locations.csv"]]
    assert any("ship_to_locations.csv, row 2, column 'gln'" in p and "check digit" in p for p in problems)
    assert any("row 4, column 'location_id'" in p and "repeats row 2" in p for p in problems)
    assert any("row 5, column 'active'" in p and "yes or no" in p for p in problems)
    assert any("row 6, column 'location_id'" in p for p in problems)
    assert report.totals["ship_to_locations"] == 0
    # with the row errors fixed, the checks of the whole file remain
    write(
        md,
        "ship_to_locations.csv",
        HEADER
        + "C9,0001,Nowhere,,,,,,\n"
        + "C1,0016,Acme Store 16,0614141000012,,,,,\n"
        + "C1,16,Acme Store 16 again,0614141000012,,,,,\n",
    )
    problems = [str(p) for p in load_directory(db, md).rejected["ship_to_locations.csv"]]
    assert problems == [
        "ship_to_locations.csv, row 2, column 'customer_id': unknown customer 'C9'",
        "ship_to_locations.csv, row 4, column 'location_id': "
        "'16' is the same location number as '0016' (row 3)",
        "ship_to_locations.csv, row 4, column 'gln': GLN 0614141000012 is also location '0016' (row 3)",
    ]


def test_a_missing_required_column_rejects_the_file(db: Database, md: Path) -> None:
    write(md, "ship_to_locations.csv", "customer_id,name\nC1,Store\n")
    report = load_directory(db, md)
    assert "row 1, column 'location_id'" in str(report.rejected["ship_to_locations.csv"][0])


class Cli:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        assert (proc.returncode == 0) is ok, f"{args}: {proc.stdout}\n{proc.stderr}"
        return proc

    def orders(self, *paths: Path) -> dict[str, dict[str, Any]]:
        """The order of each file processed, by file name."""
        lines = [
            json.loads(x)
            for x in self("process", "--json", *map(str, paths)).stdout.splitlines()
            if x.strip()
        ]
        return {Path(line["file"]).name: line["orders"][0] for line in lines}


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(INGEST_DATABASE_URL=database_url, INGEST_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    c = Cli(env, tmp_path)
    c("masterdata", "load", str(FIXTURES / "masterdata"))
    return c


def _x12(ship_to: str, control: str) -> bytes:
    """The fixture 850 with another N1*ST segment and interchange control number."""
    text = (FIXTURES / "documents" / "acme_850_4500200.x12").read_text()
    text = text.replace("N1*ST*Acme Hardware Co - Store 12*92*STORE12", ship_to)
    return (
        text.replace("000000501", control)
        .replace("BEG*00*SA*4500200", f"BEG*00*SA*45{control[-5:]}")
        .encode()
    )


def test_x12_ship_to_by_id_by_gln_and_unknown(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a_store15.x12").write_bytes(_x12("N1*ST*ACME STORE 15*92*0015", "000000601"))
    dc = _x12("N1*ST*ACME DC*UL*0614141000036", "000000602")
    dc = dc.replace(b"N3*1200 Industrial Pkwy", b"N3*9000 N Rivergate Blvd").replace(b"97210", b"97203")
    (tmp_path / "b_dc.x12").write_bytes(dc)
    (tmp_path / "c_store77.x12").write_bytes(_x12("N1*ST*ACME STORE 77*92*0077", "000000603"))
    orders = cli.orders(*sorted(tmp_path.glob("*.x12")))

    store = orders["a_store15.x12"]
    assert store["status"] == "committed", store["reasons"]
    assert store["ship_to_location"] == {
        "location_id": "0015",
        "confidence": 1.0,
        "reason": "ship-to id 0015 is location 0015 Acme Hardware Store 15, Portland",
    }
    dc_order = orders["b_dc.x12"]
    assert dc_order["ship_to_location"]["location_id"] == "DC03"
    assert dc_order["ship_to_location"]["reason"].startswith("ship-to GLN 0614141000036 is location DC03")

    unknown = orders["c_store77.x12"]
    assert unknown["status"] == "review"
    assert unknown["ship_to_location"]["location_id"] is None
    assert unknown["reasons"] == [
        "ship-to: ship-to 'ACME STORE 77' (id 92/0077) is none of C0001's 4 ship-to locations on file"
    ]
    shown = json.loads(cli("review", "show", unknown["order_id"], "--json").stdout)
    assert shown["ship_to_location"] == unknown["ship_to_location"]
    assert "ship-to location: ?: ship-to 'ACME STORE 77'" in cli("review", "show", unknown["order_id"]).stdout
    # the clerk names the store: one of the customer's active locations
    refused = cli("review", "approve", unknown["order_id"], "--version", "1", "--ship-to", "0009", ok=False)
    assert "customer C0001 has no active ship-to location '0009'" in refused.stdout + refused.stderr
    cli("review", "approve", unknown["order_id"], "--version", "1", "--ship-to", "0015")
    approved = json.loads(cli("review", "show", unknown["order_id"], "--json").stdout)
    assert approved["status"] == "committed"
    assert approved["ship_to_location"]["location_id"] == "0015"
    [exported] = [
        o for o in map(json.loads, cli("export").stdout.splitlines()) if o["po_number"] == "4500603"
    ]
    assert exported["ship_to_location"]["location_id"] == "0015"


CSV = (
    "PO Number,Customer,Ship To,Ship To Address,Ship To City,Ship To State,Ship To Zip,"
    "SKU,Qty,UOM,Unit Price\n"
    "{po},C0001,{ship_to},{address},Portland,OR,{postal},FAS-10001-ZP,10,BX,9.05\n"
)
EMAIL = """From: Jane Miller <jmiller@acme-hardware.example>
To: Northwind Orders <orders@northwind-supply.example>
Subject: PO 7717
Message-ID: <po-7717@acme-hardware.example>
Date: Tue, 10 Mar 2026 09:00:00 -0800
Content-Type: text/plain; charset="utf-8"

Please ship the following.

PO Number: 7717
PO Date: 03/10/2026
Ship To: Acme Hardware - Store #12

Item\tDescription\tQty\tUOM\tUnit Price
FAS-10001-ZP\tHex Cap Screw 1/4-20 x 1\t25\tBX\t9.05

Thanks,
Jane
"""


def test_printed_store_numbers_in_csv_and_email(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "str15.csv").write_text(
        CSV.format(po="7715", ship_to="Acme Hardware Str 15", address="455 NE Broadway", postal="97232")
    )
    (tmp_path / "acme.csv").write_text(CSV.format(po="7716", ship_to="Acme Hardware", address="", postal=""))
    (tmp_path / "po7717.eml").write_text(EMAIL)
    orders = cli.orders(
        tmp_path / "str15.csv",
        tmp_path / "acme.csv",
        tmp_path / "po7717.eml",
        FIXTURES / "documents" / "delta_marine_DM-3391.csv",
    )

    str15 = orders["str15.csv"]
    assert str15["status"] == "committed", str15["reasons"]
    location = str15["ship_to_location"]
    assert location["location_id"] == "0015" and location["confidence"] >= 0.95
    assert "names Str 15" in location["reason"] and "postal code agrees" in location["reason"]

    vague = orders["acme.csv"]  # the company's name alone: any of its stores
    assert vague["status"] == "review" and vague["ship_to_location"]["location_id"] is None
    assert any(r.startswith("ship-to: ambiguous") for r in vague["reasons"]), vague["reasons"]

    email = orders["po7717.eml"]
    assert email["customer_id"] == "C0001"
    assert email["ship_to_location"]["location_id"] == "0012", email["ship_to_location"]
    assert "names Store #12" in email["ship_to_location"]["reason"]
    assert not any(r.startswith("ship-to") for r in email["reasons"])

    delta = orders["delta_marine_DM-3391.csv"]  # no locations on file: the ship-to as written
    assert delta["customer_id"] == "C0004" and delta["ship_to_location"] is None
    assert not any(r.startswith("ship-to") for r in delta["reasons"])


def test_the_order_screen_shows_the_ship_to_location(loaded_pipeline: Pipeline, settings: Settings) -> None:
    content = _x12("N1*ST*ACME STORE 77*92*0077", "000000604")
    doc = receive(
        loaded_pipeline.db,
        Receipt(content=content, channel="edi", source="test", source_ref="s77.x12", filename="s77.x12"),
    )
    assert process_document(loaded_pipeline, doc.id) is DocumentState.REVIEW
    with loaded_pipeline.db.unit_of_work() as uow:
        [order] = uow.orders.for_document(doc.id)
    add(settings.database_url, "clara", "clerk")
    client = create_app(settings).test_client()
    sign_in(client, "clara")
    page = client.get(f"/orders/{order['order_id']}").get_data(as_text=True)
    assert "Ship-to location" in page and "not resolved" in page
    assert "is none of C0001&#39;s 4 ship-to locations on file" in page
    form = re.search(r'<form method="post" id="approve-form".*?</form>', page, re.S)
    assert form is not None
    data = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert data["ship_to_location_id"] == ""
    data["ship_to_location_id"] = "0077"
    refused = client.post(f"/orders/{order['order_id']}/approve", data=data)
    assert refused.status_code == 422
    assert "has no active ship-to location &#39;0077&#39;" in refused.get_data(as_text=True)
    data["ship_to_location_id"] = "0015"
    assert client.post(f"/orders/{order['order_id']}/approve", data=data).status_code == 302
    with loaded_pipeline.db.unit_of_work() as uow:
        [approved] = uow.orders.for_document(doc.id)
    assert approved["status"] == "committed" and approved["ship_to_location"]["location_id"] == "0015"
