"""Checks of ``ship_to_locations.csv`` beyond one row: numbers written two ways, GLNs repeated,
customers unknown. Pure: what is already stored comes in as arguments."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.domain.masterdata import ShipToLocation
from ingest.errors import MasterDataProblem

FILE = "ship_to_locations.csv"


def location_problems(
    rows: Sequence[tuple[int, ShipToLocation]],
    known_customers: set[str],
    stored: dict[tuple[str, str], str],
) -> list[MasterDataProblem]:
    """Problems of the file as a whole. ``stored``: (customer, location key) -> location id of the
    locations already in the database, so that '0012' is not loaded beside a stored '12'."""
    problems: list[MasterDataProblem] = []
    keys: dict[tuple[str, str], tuple[int, str]] = {}
    glns: dict[tuple[str, str], tuple[int, str]] = {}
    for row_number, loc in rows:
        if loc.customer_id not in known_customers:
            problems.append(
                MasterDataProblem(FILE, row_number, "customer_id", f"unknown customer {loc.customer_id!r}")
            )
        key = (loc.customer_id, loc.location_key)
        if key in keys:
            first_row, first_id = keys[key]
            problems.append(
                MasterDataProblem(
                    FILE,
                    row_number,
                    "location_id",
                    f"{loc.location_id!r} is the same location number as {first_id!r} (row {first_row})",
                )
            )
        else:
            keys[key] = (row_number, loc.location_id)
            known = stored.get(key)
            if known is not None and known != loc.location_id:
                problems.append(
                    MasterDataProblem(
                        FILE,
                        row_number,
                        "location_id",
                        f"{loc.customer_id} already has this location as {known!r}; write it the same way",
                    )
                )
        if loc.gln:
            gkey = (loc.customer_id, loc.gln)
            if gkey in glns:
                first_row, first_id = glns[gkey]
                problems.append(
                    MasterDataProblem(
                        FILE,
                        row_number,
                        "gln",
                        f"GLN {loc.gln} is also location {first_id!r} (row {first_row})",
                    )
                )
            else:
                glns[gkey] = (row_number, loc.location_id)
    return problems
