"""Matching accuracy on a labelled set of purchase orders (bench/matching_data.py).

Builds the catalog (3,000 products unless ``--catalog N``), the customers with their
cross-references and at least 2,000 labelled order lines, matches every order with
``match_order(order, data, rules)`` and decides it with ``decide(order, match, rules)`` under the
default ``RuleSet()``, and prints:

- line accuracy: share of matchable lines (a product we carry, not ambiguous) whose top candidate
  is the right product;
- lines matched automatically (confidence at or above the line threshold), and among them the
  **wrong automatic matches**: another product, a SKU for a line we do not carry, or a sibling for
  a line that leaves out what tells the siblings apart;
- customer accuracy and wrong automatic customer matches (confidence at or above the customer
  threshold, wrong customer);
- orders committed without review, beside the orders whose every line is matchable (the most a
  matcher should commit), and wrong commits (a wrong customer or a wrong line);
- the same per kind of line: cross-reference, our SKU written differently, UPC/EAN/GTIN,
  description only, ambiguous description, not in the catalog.

    .venv/bin/python bench/matching_accuracy.py [--catalog 3000] [--seed 7] [--lines 2000]
        [--show-wrong N] [--show-missed N] [--json]

A measurement: it always exits 0; an order the matcher fails on counts as unmatched and is listed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_data import LINE_KINDS, LabelledOrder, MatchingSet, build_set

from ingest.domain.matching import Decision, LineMatch, OrderMatch
from ingest.domain.rules import RuleSet
from ingest.matching.decision import decide
from ingest.matching.engine import match_order
from ingest.matching.masterdata import InMemoryMasterData


@dataclass
class KindTally:
    lines: int = 0
    top_right: int = 0
    auto: int = 0
    auto_right: int = 0
    auto_wrong: int = 0


@dataclass
class Figures:
    products: int
    customers: int
    cross_references: int
    orders: int
    lines: int = 0
    matchable_lines: int = 0
    line_top_right: int = 0
    lines_auto: int = 0
    lines_auto_right: int = 0
    wrong_auto_lines: int = 0
    customers_right: int = 0
    customers_auto: int = 0
    wrong_auto_customers: int = 0
    committable: int = 0
    committed: int = 0
    wrong_commits: int = 0
    failed_orders: int = 0
    seconds: float = 0.0
    by_kind: dict[str, KindTally] = field(default_factory=lambda: {k: KindTally() for k in LINE_KINDS})

    def rates(self) -> dict[str, float]:
        def share(n: int, d: int) -> float:
            return round(n / d, 4) if d else 0.0

        return {
            "line_accuracy": share(self.line_top_right, self.matchable_lines),
            "matchable_lines_auto_right": share(self.lines_auto_right, self.matchable_lines),
            "wrong_share_of_auto_lines": share(self.wrong_auto_lines, self.lines_auto),
            "customer_accuracy": share(self.customers_right, self.orders),
            "touchless_rate": share(self.committed, self.orders),
            "wrong_commit_share": share(self.wrong_commits, self.committed),
        }


def top_of(lm: LineMatch) -> str | None:
    return lm.sku or (lm.candidates[0].key if lm.candidates else None)


def is_auto(lm: LineMatch, rules: RuleSet) -> bool:
    if lm.sku is None or lm.confidence < rules.thresholds.line:
        return False
    return not lm.candidates or lm.candidates[0].key == lm.sku


Example = dict[str, object]


def score(
    data: MatchingSet, rules: RuleSet, results: list[tuple[OrderMatch, Decision] | str], figures: Figures
) -> tuple[list[Example], list[Example]]:
    """Add every order to ``figures``; return the wrong automatic matches and the matchable lines
    whose top candidate is wrong, as examples."""
    wrong: list[Example] = []
    missed: list[Example] = []
    products = {i.product.sku: i.product.description for i in data.catalog.items}
    for labelled, result in zip(data.orders, results, strict=True):
        figures.lines += len(labelled.lines)
        figures.committable += all(label.sku is not None and not label.ambiguous for label in labelled.lines)
        if isinstance(result, str):
            figures.failed_orders += 1
            for label in labelled.lines:
                figures.by_kind[label.kind].lines += 1
                figures.matchable_lines += label.sku is not None and not label.ambiguous
            continue
        match, decision = result
        customer = match.customer
        customer_right = customer.customer_id == labelled.customer_id
        figures.customers_right += customer_right
        if customer.customer_id and customer.confidence >= rules.thresholds.customer:
            figures.customers_auto += 1
            if not customer_right:
                figures.wrong_auto_customers += 1
                wrong.append(_customer_example(labelled, customer.customer_id, match))
        any_wrong_line = False
        for number, (label, line, lm) in enumerate(
            zip(labelled.lines, labelled.order.lines, match.lines, strict=True), start=1
        ):
            tally = figures.by_kind[label.kind]
            tally.lines += 1
            top = top_of(lm)
            tally.top_right += top == label.sku
            matchable = label.sku is not None and not label.ambiguous
            figures.matchable_lines += matchable
            figures.line_top_right += matchable and top == label.sku
            any_wrong_line |= lm.sku != label.sku
            if matchable and top != label.sku:
                missed.append(
                    _line_example(products, labelled, number, line.model_dump(exclude_none=True), lm)
                )
            if not is_auto(lm, rules):
                continue
            tally.auto += 1
            figures.lines_auto += 1
            if lm.sku == label.sku:
                tally.auto_right += 1
                figures.lines_auto_right += matchable
            else:
                tally.auto_wrong += 1
                figures.wrong_auto_lines += 1
                wrong.append(
                    _line_example(products, labelled, number, line.model_dump(exclude_none=True), lm)
                )
        if decision.commit:
            figures.committed += 1
            figures.wrong_commits += (not customer_right) or any_wrong_line
    return wrong, missed


def _line_example(
    products: dict[str, str], labelled: LabelledOrder, number: int, line: dict[str, object], lm: LineMatch
) -> Example:
    label = labelled.lines[number - 1]
    fields = {k: str(v) for k, v in line.items() if k in ("buyer_part_number", "vendor_part_number", "upc")}
    return {
        "what": "line",
        "kind": label.kind,
        "po": f"{labelled.order.po_number} line {number} ({labelled.customer_id})",
        "line": {"description": line.get("description"), **fields},
        "expected": f"{label.sku} {products.get(label.sku or '', '(not in the catalog)')}",
        "got": f"{lm.sku} {products.get(lm.sku or '', '')} (confidence {lm.confidence:.2f})",
        "reason": lm.reason,
        "candidates": [f"{c.key} {c.confidence:.2f} {c.reason}" for c in lm.candidates[:4]],
    }


def _customer_example(labelled: LabelledOrder, got: str, match: OrderMatch) -> Example:
    order = labelled.order
    buyer = order.buyer
    return {
        "what": "customer",
        "po": order.po_number,
        "sender": order.sender.model_dump(exclude_none=True) if order.sender else None,
        "buyer": f"{buyer.name}, {buyer.address1}, {buyer.city} {buyer.postal_code}" if buyer else None,
        "expected": labelled.customer_id,
        "got": f"{got} (confidence {match.customer.confidence:.2f})",
        "reason": match.customer.reason,
        "candidates": [f"{c.key} {c.confidence:.2f} {c.reason}" for c in match.customer.candidates[:4]],
    }


def run(data: MatchingSet, rules: RuleSet) -> tuple[list[tuple[OrderMatch, Decision] | str], float]:
    view = InMemoryMasterData(data.customers, data.products, data.items, vendor=data.vendor)
    results: list[tuple[OrderMatch, Decision] | str] = []
    start = time.perf_counter()
    for labelled in data.orders:
        try:
            match = match_order(labelled.order, view, rules)
            results.append((match, decide(labelled.order, match, rules)))
        except Exception as exc:  # a failing matcher is a measurement too
            results.append(f"{type(exc).__name__}: {exc}")
    return results, time.perf_counter() - start


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}%" if d else "    -"


def report(f: Figures, failures: Counter[str]) -> None:
    print(
        f"Matching accuracy: {f.products:,} products, {f.customers} customers, {f.cross_references:,} "
        f"cross-references; {f.orders:,} orders, {f.lines:,} lines ({f.seconds:.1f} s)"
    )
    rows = (
        ("lines", f.lines, None),
        ("matchable lines (a product we carry, not ambiguous)", f.matchable_lines, None),
        ("line accuracy (top candidate right, matchable lines)", f.line_top_right, f.matchable_lines),
        ("lines matched automatically", f.lines_auto, f.lines),
        ("  matchable lines matched automatically and right", f.lines_auto_right, f.matchable_lines),
        ("  WRONG automatic line matches", f.wrong_auto_lines, f.lines_auto),
        ("customer accuracy", f.customers_right, f.orders),
        ("customers matched automatically", f.customers_auto, f.orders),
        ("  WRONG automatic customer matches", f.wrong_auto_customers, f.customers_auto),
        ("orders with every line matchable (the most to commit)", f.committable, f.orders),
        ("orders committed without review (touchless)", f.committed, f.orders),
        ("  WRONG commits (wrong customer or line)", f.wrong_commits, f.committed),
    )
    for name, n, d in rows:
        print(f"{name:<54} {n:>7,} {pct(n, d) if d is not None else ''}")
    if f.failed_orders:
        print(f"orders the matcher failed on: {f.failed_orders}")
        for message, count in failures.most_common(3):
            print(f"  {count} x {message[:200]}")
    print()
    print(f"{'by kind':<16} {'lines':>6} {'top right':>10} {'auto':>7} {'auto right':>11} {'auto WRONG':>11}")
    for kind, t in f.by_kind.items():
        print(
            f"{kind:<16} {t.lines:>6} {t.top_right:>5} {pct(t.top_right, t.lines)} {t.auto:>7} "
            f"{t.auto_right:>5} {pct(t.auto_right, t.lines)} {t.auto_wrong:>11}"
        )
    print("(ambiguous: 'right' is the product meant; any automatic match of one is a guess.")
    print(" not-in-catalog: 'top right' means no candidate at all.)")


def show(title: str, examples: list[Example], count: int) -> None:
    """Up to ``count`` examples, taking the kinds of line in turn."""
    by_kind: dict[str, list[Example]] = {}
    for example in examples:
        by_kind.setdefault(str(example.get("kind", "customer")), []).append(example)
    picked: list[Example] = []
    while len(picked) < count and any(by_kind.values()):
        for group in by_kind.values():
            if group and len(picked) < count:
                picked.append(group.pop(0))
    print(f"\n{title} ({len(picked)} of {len(examples)}):")
    for ex in picked:
        print(f"- [{ex.get('kind', 'customer')}] {ex['po']}")
        for key in ("line", "sender", "buyer", "expected", "got", "reason"):
            if key in ex:
                print(f"    {key:<9} {ex[key]}")
        for cand in ex["candidates"] if isinstance(ex["candidates"], list) else ():
            print(f"      cand  {cand}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Matching accuracy on a labelled set of purchase orders")
    parser.add_argument("--catalog", type=int, default=3_000, help="products in the catalog (default 3000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lines", type=int, default=2_000, help="at least this many order lines")
    parser.add_argument(
        "--show-wrong", type=int, default=0, metavar="N", help="print N wrong automatic matches"
    )
    parser.add_argument(
        "--show-missed",
        type=int,
        default=0,
        metavar="N",
        help="print N matchable lines whose top candidate is wrong",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    data = build_set(args.catalog, args.seed, args.lines)
    rules = RuleSet()
    results, seconds = run(data, rules)
    figures = Figures(len(data.catalog.items), len(data.customers), len(data.items), len(data.orders))
    figures.seconds = round(seconds, 2)
    wrong, missed = score(data, rules, results, figures)
    failures = Counter(r for r in results if isinstance(r, str))
    if args.json:
        out = {
            **asdict(figures),
            **figures.rates(),
            "seed": args.seed,
            "failures": dict(failures.most_common(5)),
        }
        out["wrong_examples"] = wrong[: args.show_wrong]
        out["missed_examples"] = missed[: args.show_missed]
        print(json.dumps(out, indent=2, default=str))
        return
    report(figures, failures)
    if args.show_wrong:
        show("Wrong automatic matches", wrong, args.show_wrong)
    if args.show_missed:
        show("Matchable lines whose top candidate is wrong", missed, args.show_missed)


if __name__ == "__main__":
    main()
