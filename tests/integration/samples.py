"""Small master data and purchase orders shared by the integration tests, and a helper to run
a real `ingest worker --burst` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CUSTOMERS = "customer_id,name,email_domains\nC1,Acme Hardware,acme.example\nC2,Blue Ridge,brb.example\n"
PRODUCTS = (
    "sku,description,upc,uom\nA-1,Hex bolt,036000291452,EA\nB-2,Hammer,4006381333931,EA\nC-3,Gloves,,PK\n"
)
ITEMS = "customer_id,customer_part_number,sku\nC1,77-1,B-2\n"

CLEAN = (
    b"PO Number,Customer,SKU,Qty,UOM,Unit Price,Customer Part\n"
    b"PO-1,C1,A-1,5,ea,1.25,\n"
    b"PO-1,C1,,2,ea,3.00,77-1\n"
)
UNKNOWN_PART = b"PO Number,Customer,SKU,Qty\nPO-2,C1,A-1,1\nPO-2,C1,ZZ-404,3\n"
BY_UPC_FROM_EMAIL = b"po,upc,quantity\nPO-9,4006381333931,4\n"


def run_worker_process(database_url: str, redis_url: str, data_dir: Path) -> None:
    """`ingest worker --burst` in its own process (a forking rq worker) until the queues are empty."""
    env = {**os.environ, "INGEST_DATABASE_URL": database_url, "INGEST_REDIS_URL": redis_url,
           "INGEST_DATA_DIR": str(data_dir)}  # fmt: skip
    proc = subprocess.run([sys.executable, "-m", "ingest", "worker", "--burst"], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
