"""X12 reading speed: a plain split, pyx12's X12Reader, and ``read_interchanges`` with every check on.

Builds a ~10 MB interchange (one ISA, one GS, thousands of 850s with 10-30 PO1 lines, correct
counts), then prints MB/s for each reader (best of 3, ``time.perf_counter``) and the ratios.

    .venv/bin/python bench/x12_parse.py [--mb 10] [--newlines] [--repeat 3]

Then (4) the 850 mapping stage alone and (5) the whole X12 parser, raw bytes to validated ORDER
objects, in MB/s and orders/s.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pyx12.x12file import X12Reader

from ingest.domain.identifiers import gtin_check_digit
from ingest.parsers.base import ParseContext
from ingest.parsers.x12.envelope import read_interchanges
from ingest.parsers.x12.model import Interchange
from ingest.parsers.x12.parser import X12Parser
from ingest.parsers.x12.po850 import map_850

ELEMENT, COMPONENT, TERMINATOR = "*", ">", "~"


def _purchase_order(rng: random.Random, control: int) -> list[str]:
    po = f"PO{control:08d}"
    body = [
        f"BEG*00*SA*{po}**20240131",
        "CUR*BY*USD",
        f"REF*DP*{rng.randint(100, 999)}",
        "PER*BD*JANE BUYER*TE*5551234567*EM*jane.buyer@example.com",
        "FOB*PP",
        "ITD*01*3*2**30**31",
        "DTM*002*20240215",
        "TD5****M*GROUND",
        "N1*ST*ACME DISTRIBUTION CENTER 12*92*0012",
        "N3*1200 INDUSTRIAL PARKWAY*DOCK 4",
        "N4*SPRINGFIELD*IL*62701*US",
    ]
    lines = rng.randint(10, 30)
    for n in range(1, lines + 1):
        qty, price = rng.randint(1, 500), rng.randint(100, 99999) / 100
        part, upc = rng.randint(1, 99999), f"0{rng.randint(10**9, 10**10 - 1)}"
        upc += str(gtin_check_digit(upc))  # partners send valid UPC-A codes
        body.append(f"PO1*{n}*{qty}*EA*{price:.2f}*PE*BP*CP-{part:05d}*VP*SKU{n:04d}*UP*{upc}")
        body.append(f"PID*F****HEX BOLT {rng.randint(1, 40)}MM ZINC PLATED GRADE 8")
    body.append(f"CTT*{lines}")
    cn = f"{control:04d}"
    return [f"ST*850*{cn}", *body, f"SE*{len(body) + 2}*{cn}"]


def build_interchange(megabytes: float = 10.0, newlines: bool = False, seed: int = 850) -> bytes:
    """One ISA/GS with as many 850s as fit in ``megabytes``; every count and control number right."""
    rng = random.Random(seed)
    isa = (
        "ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*NORTHWINDSUP   *240131*1200*U*00401*"
        f"000000101*0*P*{COMPONENT}"
    )
    segments = [isa, "GS*PO*BUYERCO*NORTHWINDSUP*20240131*1200*101*X*004010"]
    size, count = 0, 0
    while size < megabytes * 1_000_000:
        count += 1
        po = _purchase_order(rng, count)
        size += sum(len(s) + 2 for s in po)
        segments.extend(po)
    segments += [f"GE*{count}*101", "IEA*1*000000101"]
    end = TERMINATOR + ("\n" if newlines else "")
    return (end.join(segments) + end).encode("ascii")


def map_transactions(interchanges: list[Interchange]) -> int | None:
    """The mapping stage alone: every transaction set read through the 850 mapper."""
    orders = 0
    for interchange in interchanges:
        for group in interchange.groups:
            for ts in group.transactions:
                order, _issues = map_850(ts, group, interchange)
                orders += order is not None
    return orders


def raw_to_orders(content: bytes) -> int:
    """Everything from raw bytes to validated ORDER objects: the X12 parser plugin."""
    outcome = X12Parser().parse(content, ParseContext())
    assert not outcome.rejected, outcome.rejected[:1]
    return len(outcome.orders)


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None  # free the previous run's objects outside the timed part
        gc.collect()
        start = time.perf_counter()
        out = fn()
        gc.collect(0)  # a collection the reader put off is paid inside the timed part
        best = min(best, time.perf_counter() - start)
        result = out
    return best, result


@contextmanager
def collector_paused() -> Iterator[None]:
    """What ``read_interchanges`` does around its work (see envelope.py), for a like-for-like (1)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def plain_split(text: str) -> int:
    """Split on the terminator, then every piece on the element separator, keeping the pieces."""
    return len([segment.split(ELEMENT) for segment in text.split(TERMINATOR)])


def plain_split_paused(text: str) -> int:
    with collector_paused():
        return plain_split(text)


def pyx12_reader(text: str) -> int:
    reader = X12Reader(io.StringIO(text))
    count = sum(1 for _ in reader)
    reader.cleanup()
    errors = reader.pop_errors()
    if errors:
        raise SystemExit(f"pyx12 found errors in the generated file: {errors[:3]}")
    return count


def envelope(content: bytes) -> list[Interchange]:
    interchanges = read_interchanges(content)
    problems = [i for ic in interchanges for i in ic.issues] + [
        i for ic in interchanges for g in ic.groups for t in g.transactions for i in t.issues
    ]
    if problems:
        raise SystemExit(f"read_interchanges found problems in the generated file: {problems[:3]}")
    return interchanges


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=10.0, help="size of the generated interchange (MB)")
    parser.add_argument("--newlines", action="store_true", help="a line break after every terminator")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader; the best counts")
    args = parser.parse_args()

    content = build_interchange(args.mb, args.newlines)
    text = content.decode("latin-1")
    mb = len(content) / 1_000_000
    sets = text.count(TERMINATOR + ("\n" if args.newlines else "") + "ST*")
    print(f"interchange: {mb:.1f} MB, {text.count(TERMINATOR)} segments, {sets} transaction sets")

    t_split, n_split = best_of(args.repeat, lambda: plain_split_paused(text))
    t_gc_on, _ = best_of(args.repeat, lambda: plain_split(text))
    t_pyx12, n_pyx12 = best_of(args.repeat, lambda: pyx12_reader(text))
    t_env, interchanges = best_of(args.repeat, lambda: envelope(content))
    read = sum(len(t.segments) for g in interchanges[0].groups for t in g.transactions)

    rows = [
        (
            "(1) plain split (terminator, then element)",
            t_split,
            f"{n_split} pieces, collector paused as in (3)",
        ),
        ("    the same with the collector on", t_gc_on, "(for reference)"),
        ("(2) pyx12 X12Reader, all segments", t_pyx12, f"{n_pyx12} segments"),
        ("(3) read_interchanges, all checks", t_env, f"{read} segments in sets"),
    ]
    t_map, orders = best_of(args.repeat, lambda: map_transactions(interchanges))
    if orders is not None:
        rows.append(("(4) mapping stage (map_transactions)", t_map, f"{orders} orders"))
    t_all, n_orders = best_of(args.repeat, lambda: raw_to_orders(content))
    rows.append(("(5) raw bytes -> validated ORDERs (X12Parser)", t_all, f"{n_orders / t_all:,.0f} orders/s"))
    for label, seconds, note in rows:
        print(f"{label:<46} {mb / seconds:8.1f} MB/s  {seconds * 1000:8.1f} ms  {note}")
    print(f"read_interchanges vs plain split: {t_split / t_env:6.1%} of its speed (target >= 25%)")
    print(f"read_interchanges vs pyx12:       {t_pyx12 / t_env:6.1f}x faster (target >= 3x)")


if __name__ == "__main__":
    main()
