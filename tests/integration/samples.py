"""Small master data and purchase orders shared by the integration tests."""

from __future__ import annotations

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
