"""Units and prices, fuzzy customers, regex rules and the decision under a rule set."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ingest.domain.masterdata import Customer, CustomerItem, LearnedItem, Product
from ingest.domain.order import Charge, Order, OrderLine, Party, Sender
from ingest.domain.rules import RuleSet
from ingest.matching.engine import evaluate, match_order
from ingest.matching.masterdata import InMemoryMasterData
from ingest.matching.units import check_units

SCREWS = Product(
    sku="FAS-1",
    description="Hex Cap Screw 1/4-20 x 1 Zinc",
    uom="BX",
    pack_size=Decimal(50),
    unit_price=Decimal("9.00"),
)
GLOVES = Product(
    sku="GLV-1",
    description="Nitrile Gloves Blue Size L",
    upc="036000291452",
    uom="EA",
    pack_size=Decimal(10),
    unit_price=Decimal("1.20"),
)
TAPE = Product(
    sku="TAPE-1", description="Duct Tape 2 in x 60 yd Silver", uom="EA", unit_price=Decimal("6.50")
)
CUSTOMERS = [
    Customer(
        customer_id="C1",
        name="Acme Corp",
        address1="10 Main St",
        city="Springfield",
        state="IL",
        postal_code="62701",
        country="US",
    ),
    Customer(
        customer_id="C2",
        name="Acme Corporation West",
        address1="900 Ocean Ave",
        city="San Diego",
        state="CA",
        postal_code="92101",
        country="US",
    ),
    Customer(
        customer_id="C3",
        name="Northwind Traders",
        email_domains=("northwind.example",),
        address1="1 Harbor Rd",
        postal_code="02110",
        country="US",
    ),
]


def data(**kwargs: object) -> InMemoryMasterData:
    return InMemoryMasterData(CUSTOMERS, [SCREWS, GLOVES, TAPE], **kwargs)  # type: ignore[arg-type]


def line(**kwargs: object) -> OrderLine:
    values: dict[str, object] = {"line_number": "1", "quantity": Decimal(2)}
    values.update(kwargs)
    return OrderLine.model_validate(values)


def order(*lines: OrderLine, **kwargs: object) -> Order:
    values: dict[str, object] = {
        "po_number": "PO-1",
        "sender": Sender(channel="email", email="buyer@northwind.example"),
        "lines": list(lines) or [line(vendor_part_number="TAPE-1", uom="EA", unit_price=Decimal("6.50"))],
    }
    values.update(kwargs)
    return Order.model_validate(values)


# units and prices


def test_eaches_of_a_boxed_product_become_boxes() -> None:
    check = check_units(
        line(quantity=Decimal(100), uom="EA", unit_price=Decimal("0.18")), SCREWS, Decimal("0.02")
    )
    assert (check.quantity, check.uom, check.problems) == (Decimal(2), "BX", ())
    assert check.explanation == "100 EA = 2 BX"


def test_a_case_of_a_product_sold_by_each_becomes_eaches() -> None:
    check = check_units(
        line(quantity=Decimal(3), uom="CA", unit_price=Decimal("12.00")), GLOVES, Decimal("0.02")
    )
    assert (check.quantity, check.uom, check.problems) == (Decimal(30), "EA", ())


def test_eaches_that_are_not_whole_boxes_are_a_problem() -> None:
    check = check_units(line(quantity=Decimal(75), uom="EA"), SCREWS, Decimal("0.02"))
    assert check.problems and "not a whole number of BX" in check.problems[0]


def test_units_that_cannot_be_converted_are_a_problem() -> None:
    check = check_units(line(quantity=Decimal(1), uom="CA"), TAPE, Decimal("0.02"))
    assert check.quantity is None
    assert "cannot be converted" in check.problems[0]


def test_a_price_off_the_list_beyond_tolerance_is_a_problem() -> None:
    ok = check_units(line(uom="BX", unit_price=Decimal("9.10")), SCREWS, Decimal("0.02"))
    assert ok.problems == ()
    off = check_units(line(uom="BX", unit_price=Decimal("10.00")), SCREWS, Decimal("0.02"))
    assert off.problems == ("price 10 per BX differs from the price list 9 by 11.1% (tolerance 2%)",)


def test_dozens_convert_without_a_pack_size() -> None:
    check = check_units(line(quantity=Decimal(2), uom="DZ", unit_price=Decimal("78")), TAPE, Decimal("0.02"))
    assert (check.quantity, check.problems) == (Decimal(24), ())


# customers


def test_near_duplicate_names_are_told_apart_by_the_address() -> None:
    west = Party(name="ACME Corporation", address1="900 Ocean Avenue", city="San Diego", postal_code="92101")
    m = match_order(order(sender=None, buyer=west), data())
    assert m.customer.customer_id == "C2"
    assert m.customer.confidence >= 0.95
    assert "900 Ocean Ave" in m.customer.reason


def test_a_name_alone_is_not_enough_to_commit() -> None:
    m = match_order(order(sender=None, buyer=Party(name="Northwind Traders Inc.")), data())
    assert m.customer.customer_id == "C3"
    assert m.customer.confidence < 0.95


def test_a_misspelt_name_with_the_right_address_is_found() -> None:
    party = Party(name="Nortwind Traders", address1="1 Harbor Road", postal_code="02110")
    m = match_order(order(sender=None, buyer=party), data())
    assert m.customer.customer_id == "C3"
    assert m.customer.confidence >= 0.9


def test_a_name_at_another_address_is_doubtful() -> None:
    party = Party(name="Acme Corp", address1="77 Elsewhere Blvd", city="Tulsa", postal_code="74103")
    m = match_order(order(sender=None, buyer=party), data())
    assert m.customer.confidence < 0.6
    assert "differs" in m.customer.reason


def test_an_ambiguous_name_without_address_says_so() -> None:
    rows = [*CUSTOMERS, Customer(customer_id="C4", name="Acme Corp.", postal_code="10001")]
    m = match_order(order(sender=None, buyer=Party(name="Acme Corp")), InMemoryMasterData(rows, [TAPE]))
    assert m.customer.confidence <= 0.5


# products through the engine


def test_learned_descriptions_and_parts_are_used_with_who_and_when() -> None:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    learned = [
        LearnedItem(
            customer_id="C3",
            kind="description",
            key="silver sticky tape",
            text="silver sticky tape",
            sku="TAPE-1",
            learned_by="ann",
            learned_at=when,
        ),
        LearnedItem(
            customer_id="C3",
            kind="part",
            key="NW77",
            text="nw-77",
            sku="FAS-1",
            learned_by="bob",
            learned_at=when,
        ),
    ]
    m = match_order(
        order(line(description="Silver sticky tape"), line(line_number="2", buyer_part_number="NW-77")),
        data(learned=learned),
    )
    assert [lm.sku for lm in m.lines] == ["TAPE-1", "FAS-1"]
    assert "learned from ann on 2026-11-01" in m.lines[0].reason
    assert m.lines[1].confidence == RuleSet().weights.learned


def test_a_cross_reference_beats_a_learned_entry() -> None:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    learned = [
        LearnedItem(
            customer_id="C3",
            kind="part",
            key="NW77",
            text="NW77",
            sku="FAS-1",
            learned_by="bob",
            learned_at=when,
        )
    ]
    items = [CustomerItem(customer_id="C3", customer_part_number="NW77", sku="TAPE-1")]
    m = match_order(order(line(buyer_part_number="NW77")), data(items=items, learned=learned))
    assert m.lines[0].sku == "TAPE-1"
    assert "cross-reference" in m.lines[0].reason


def test_line_units_and_prices_are_checked_after_matching() -> None:
    m = match_order(
        order(line(upc="036000291452", quantity=Decimal(2), uom="CA", unit_price=Decimal("15"))), data()
    )
    lm = m.lines[0]
    assert (lm.sku, lm.quantity, lm.uom) == ("GLV-1", Decimal(20), "EA")
    assert lm.problems and "differs from the price list" in lm.problems[0]


# regex rules


def test_a_regex_review_rule_sends_the_order_to_review() -> None:
    rules = RuleSet.model_validate(
        {"regex_rules": [{"name": "rush", "field": "notes", "pattern": r"\brush\b", "action": "review"}]}
    )
    _, decision = evaluate(order(notes=["RUSH delivery please"]), data(), rules)
    assert not decision.commit
    assert any("rule 'rush'" in r for r in decision.reasons)


def test_a_regex_sku_rule_names_the_product() -> None:
    rules = RuleSet.model_validate(
        {
            "regex_rules": [
                {
                    "name": "tape",
                    "field": "line.description",
                    "pattern": "grey tape",
                    "action": "sku",
                    "value": "TAPE-1",
                    "customer_id": "C3",
                }
            ]
        }
    )
    m = match_order(order(line(description="the usual grey tape")), data(), rules)
    assert m.lines[0].sku == "TAPE-1"
    assert "rule 'tape'" in m.lines[0].reason


def test_a_regex_customer_rule_names_the_customer() -> None:
    rules = RuleSet.model_validate(
        {
            "regex_rules": [
                {"name": "nw", "field": "po_number", "pattern": "^NW-", "action": "customer", "value": "C3"}
            ]
        }
    )
    m = match_order(order(sender=None, po_number="NW-0042"), data(), rules)
    assert m.customer.customer_id == "C3"


def test_a_runaway_pattern_is_stopped_and_sends_to_review() -> None:
    rules = RuleSet.model_validate(
        {
            "regex_timeout_ms": 20,
            "regex_rules": [
                {"name": "slow", "field": "notes", "pattern": r"(\w+\s?)*\d$", "action": "review"}
            ],
        }
    )
    _, decision = evaluate(order(notes=["word " * 3000 + "!"]), data(), rules)
    assert not decision.commit
    assert any("stopped after its time limit" in r for r in decision.reasons)


def test_a_rule_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="does not compile"):
        RuleSet.model_validate(
            {"regex_rules": [{"name": "x", "field": "notes", "pattern": "(", "action": "review"}]}
        )


# the decision


def test_a_clean_order_commits() -> None:
    _, decision = evaluate(order(), data(), RuleSet())
    assert decision.commit, decision.reasons


def test_automation_never_reviews_and_always_trusts() -> None:
    doubtful = order(line(description="duct tape 2 in x 60 yd gray", uom="EA"))
    never = RuleSet.model_validate({"customers": {"C3": {"automation": "never"}}})
    _, decision = evaluate(order(), data(), never)
    assert not decision.commit and "every order reviewed" in decision.reasons[0]
    _, confident = evaluate(doubtful, data(), RuleSet())
    always = RuleSet.model_validate({"customers": {"C3": {"automation": "always"}}})
    _, trusting = evaluate(doubtful, data(), always)
    assert not confident.commit
    assert trusting.commit, trusting.reasons


def test_always_still_reviews_a_line_without_a_product() -> None:
    always = RuleSet.model_validate({"automation": "always"})
    _, decision = evaluate(order(line(description="flux capacitor")), data(), always)
    assert not decision.commit


def test_per_customer_thresholds_override_the_global_ones() -> None:
    doubtful = order(line(description="duct tape 2 in x 60 yd gray", uom="EA"))
    m, _ = evaluate(doubtful, data(), RuleSet())
    lowered = RuleSet.model_validate({"customers": {"C3": {"line_threshold": m.lines[0].confidence}}})
    _, decision = evaluate(doubtful, data(), lowered)
    assert decision.commit, decision.reasons


def test_totals_must_reconcile_with_lines_and_charges() -> None:
    good = order(
        line(vendor_part_number="TAPE-1", uom="EA", unit_price=Decimal("6.50")),
        charges=[
            Charge(kind="freight", amount=Decimal("5.00")),
            Charge(kind="discount", amount=Decimal("1.00")),
        ],
        total_amount=Decimal("17.00"),
    )
    assert evaluate(good, data(), RuleSet())[1].commit
    bad = good.model_copy(update={"total_amount": Decimal("18.00")})
    _, decision = evaluate(bad, data(), RuleSet())
    assert decision.reasons == ("total 18.00 does not reconcile: lines 13.00 + charges 4.00 = 17.00",)


def test_mandatory_and_optional_fields_have_their_own_thresholds() -> None:
    base = order()
    optional = base.model_copy(update={"confidence": {"requested_delivery_date": 0.6}})
    assert evaluate(optional, data(), RuleSet())[1].commit
    mandatory = base.model_copy(update={"confidence": {"po_number": 0.6}})
    assert not evaluate(mandatory, data(), RuleSet())[1].commit
    strict = RuleSet.model_validate({"thresholds": {"optional_field": 0.7}})
    assert not evaluate(optional, data(), strict)[1].commit


def test_a_duplicate_po_is_never_committed() -> None:
    _, decision = evaluate(order(), data(), RuleSet(), duplicate_of="order 42")
    assert not decision.commit
    assert "already received (order 42)" in decision.reasons[0]


def test_a_foreign_currency_is_flagged_when_the_price_list_has_one() -> None:
    rules = RuleSet(price_list_currency="USD")
    assert evaluate(order(currency="USD"), data(), rules)[1].commit
    _, decision = evaluate(order(currency="EUR"), data(), rules)
    assert any("currency EUR" in r for r in decision.reasons)


def test_all_digit_codes_ignore_leading_zeros() -> None:
    from ingest.domain.identifiers import normalize_code

    assert normalize_code("0004512") == normalize_code("4512") == "4512"
    assert normalize_code("AB-0012") == "AB0012"
    numbered = Product(sku="0004512", description="Wall Plate 1-Gang Blank Ivory", uom="EA")
    m = match_order(order(line(vendor_part_number="4512")), InMemoryMasterData(CUSTOMERS, [numbered]))
    assert m.lines[0].sku == "0004512"
    assert "written as our SKU 0004512" in m.lines[0].reason


def test_a_customer_part_equal_to_our_sku_needs_price_or_description_to_commit() -> None:
    bare = match_order(order(line(buyer_part_number="TAPE-1")), data())
    assert bare.lines[0].confidence == RuleSet().weights.buyer_part_is_sku
    priced = match_order(order(line(buyer_part_number="tape1", uom="EA", unit_price=Decimal("6.50"))), data())
    assert priced.lines[0].confidence >= RuleSet().thresholds.line
    assert "the price agrees" in priced.lines[0].reason
    described = match_order(order(line(buyer_part_number="TAPE-1", description="duct tape silver")), data())
    assert "the description agrees" in described.lines[0].reason
