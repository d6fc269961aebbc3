"""Matching speed against a 100,000-product catalog (bench/matching_data.py).

Builds the master data view over the catalog and times: the view itself, the description index
(built explicitly when the view offers ``description_index``, otherwise by the first match), and
then lines matched one at a time, each as a one-line order with its customer's sender and
parties: description-only lines (including ambiguous ones and products we do not carry) and lines
with a part number, SKU or UPC. Prints p50/p95/p99/max per line in ms and lines per second, with
the memory the index takes (RSS, and the peak traced by tracemalloc in a second build).

    .venv/bin/python bench/matching_speed.py [--products 100000] [--lines 2000] [--id-lines 500]
        [--seed 7] [--no-tracemalloc] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_data import MatchingSet, build_set

from ingest.domain.order import Order
from ingest.domain.rules import RuleSet
from ingest.matching.descriptions import synonyms_for
from ingest.matching.engine import match_order
from ingest.matching.masterdata import InMemoryMasterData


def rss_mb() -> float:
    """Resident memory now (Linux), or the peak so far elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def one_line_orders(
    data: MatchingSet, description_lines: int, id_lines: int
) -> tuple[list[Order], list[Order]]:
    """Every line of the labelled set as an order of its own, split into description-only lines
    and lines with an identifier."""
    described: list[Order] = []
    identified: list[Order] = []
    for labelled in data.orders:
        for line in labelled.order.lines:
            single = labelled.order.model_copy(update={"lines": [line]})
            if line.buyer_part_number or line.vendor_part_number or line.upc:
                identified.append(single)
            elif line.description:
                described.append(single)
    return described[:description_lines], identified[:id_lines]


def build_view(data: MatchingSet, rules: RuleSet) -> tuple[InMemoryMasterData, float, float | None]:
    start = time.perf_counter()
    view = InMemoryMasterData(data.customers, data.products, data.items, vendor=data.vendor)
    init = time.perf_counter() - start
    index = None
    if hasattr(view, "description_index"):
        start = time.perf_counter()
        view.description_index(synonyms_for(rules.synonyms))
        index = time.perf_counter() - start
    return view, init, index


def timings(orders: list[Order], view: InMemoryMasterData, rules: RuleSet) -> dict[str, float]:
    times = []
    for order in orders:
        start = time.perf_counter()
        match_order(order, view, rules)
        times.append((time.perf_counter() - start) * 1000)
    if not times:
        return {}
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "lines": len(times),
        "p50_ms": round(q[49], 3),
        "p95_ms": round(q[94], 3),
        "p99_ms": round(q[98], 3),
        "max_ms": round(max(times), 3),
        "lines_per_s": round(len(times) / (sum(times) / 1000), 1),
    }


def traced_index_mb(data: MatchingSet, rules: RuleSet, first: Order) -> float:
    """Peak Python memory of building the view and its index once more (the catalog already exists)."""
    gc.collect()
    tracemalloc.start()
    view, _, _ = build_view(data, rules)
    match_order(first, view, rules)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description="Matching speed against a large catalog")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=2_000, help="description-only lines to match")
    parser.add_argument("--id-lines", type=int, default=500, help="lines with a part number, SKU or UPC")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced second build")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    data = build_set(args.products, args.seed, min_lines=int((args.lines + args.id_lines) * 1.9))
    described, identified = one_line_orders(data, args.lines, args.id_lines)
    generated = time.perf_counter() - start
    rules = RuleSet()
    gc.collect()
    rss_before = rss_mb()
    view, init, index = build_view(data, rules)
    first_order = described[0] if described else identified[0]
    start = time.perf_counter()
    match_order(first_order, view, rules)
    first = time.perf_counter() - start
    rss_after = rss_mb()
    figures: dict[str, object] = {
        "products": len(data.catalog.items),
        "generated_s": round(generated, 2),
        "view_build_s": round(init, 3),
        "index_build_s": None if index is None else round(index, 3),
        "first_match_s": round(first, 3),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_index_mb": round(rss_after, 1),
        "description_lines": timings(described, view, rules),
        "identifier_lines": timings(identified, view, rules),
    }
    figures["rss_after_matching_mb"] = round(rss_mb(), 1)
    if not args.no_tracemalloc:
        figures["traced_index_peak_mb"] = round(traced_index_mb(data, rules, first_order), 1)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    products, cross = len(data.catalog.items), len(data.items)
    print(f"catalog: {products:,} products, {len(data.customers)} customers, {cross:,} cross-references")
    print(f"  (generated with the labelled orders in {generated:.1f} s, not part of the figures)")
    index_text = "built by the first match" if index is None else f"description index {index:.2f} s"
    print(f"build: InMemoryMasterData {init:.2f} s; {index_text}; first match {first * 1000:.1f} ms")
    traced = figures.get("traced_index_peak_mb")
    print(
        f"memory: RSS {rss_before:,.0f} MB before the view, {rss_after:,.0f} MB after the index "
        f"(+{rss_after - rss_before:,.0f} MB)"
        + (f"; traced peak of a second view and index build {traced} MB" if traced else "")
    )
    for name in ("description_lines", "identifier_lines"):
        t = figures[name]
        if isinstance(t, dict) and t:
            print(
                f"{name.replace('_', ' '):<18} {t['lines']:>5,} lines  p50 {t['p50_ms']:6.2f} ms  "
                f"p95 {t['p95_ms']:6.2f} ms  p99 {t['p99_ms']:6.2f} ms  max {t['max_ms']:7.2f} ms  "
                f"{t['lines_per_s']:8,.0f} lines/s"
            )


if __name__ == "__main__":
    main()
