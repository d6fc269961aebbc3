"""Changing rules as an administrator words it: dotted paths, synonyms, customers, regex rules."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ingest.db.learned import learned_key
from ingest.domain.rules import RuleSet
from ingest.errors import ConfigError
from ingest.services.rule_changes import (
    add_regex_rule,
    add_synonym,
    flatten,
    parse_assignment,
    remove_regex_rule,
    remove_synonym,
    rules_from_json,
    set_customer_override,
    set_rule,
)

RULES = RuleSet()
REVIEW_TEST_POS = {"name": "test-po", "field": "po_number", "pattern": "^TEST", "action": "review"}


def test_set_rule_by_dotted_path() -> None:
    assert set_rule(RULES, "thresholds.line", "0.9").thresholds.line == 0.9
    assert set_rule(RULES, "automation", "never").automation == "never"
    assert set_rule(RULES, "price_tolerance", "0.05").price_tolerance == Decimal("0.05")
    assert set_rule(RULES, "regex_timeout_ms", "100").regex_timeout_ms == 100
    assert set_rule(RULES, "price_list_currency", "USD").price_list_currency == "USD"
    assert (
        set_rule(
            set_rule(RULES, "price_list_currency", "USD"), "price_list_currency", "null"
        ).price_list_currency
        is None
    )
    assert RULES.thresholds.line == 0.95  # the original is untouched


def test_set_rule_creates_customer_overrides_and_synonyms() -> None:
    rules = set_rule(RULES, "customers.C0001.automation", "always")
    assert rules.automation_for("C0001") == "always" and rules.automation_for("C0002") == "confident"
    rules = set_rule(rules, "customers.C0001.line_threshold", "0.8")
    assert rules.line_threshold("C0001") == 0.8 and rules.customers["C0001"].automation == "always"
    assert set_rule(RULES, "synonyms.BLK", "Black").synonyms == {"blk": "black"}
    whole = set_rule(RULES, "thresholds", '{"customer": 0.9, "line": 0.85}')
    assert whole.thresholds.customer == 0.9 and whole.thresholds.mandatory_field == 0.8


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("thresholds.line", "1.5", "thresholds.line: Input should be less than or equal to 1"),
        ("thresholds.line", "high", "thresholds.line"),
        ("thresholds.lines", "0.9", "no setting 'lines' under thresholds; there are: customer, line"),
        ("automation", "sometimes", "automation: Input should be 'never', 'confident' or 'always'"),
        ("automaton", "never", "no setting 'automaton'; there are: amount_tolerance, automation"),
        ("automation.level", "never", "'automation' is a single value"),
        ("customers.C1.autopilot", "x", "no setting 'autopilot' under customers.C1"),
        ("price_tolerance", "-1", "price_tolerance: Input should be greater than or equal to 0"),
        ("regex_rules.nope.priority", "1", "no regex rule 'nope'"),
        ("thresholds..line", "1", "is not a setting path"),
    ],
)
def test_set_rule_errors_name_the_path(path: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        set_rule(RULES, path, value)
    assert message in caught.value.message


def test_parse_assignment() -> None:
    assert parse_assignment("thresholds.line=0.9") == ("thresholds.line", "0.9")
    assert parse_assignment("synonyms.ss=stainless steel") == ("synonyms.ss", "stainless steel")
    with pytest.raises(ConfigError, match="PATH=VALUE"):
        parse_assignment("thresholds.line")


def test_synonyms_add_and_remove() -> None:
    rules = add_synonym(RULES, "SS", "Stainless  Steel")
    assert rules.synonyms == {"ss": "stainless steel"}
    assert remove_synonym(rules, "ss").synonyms == {}
    with pytest.raises(ConfigError, match="no synonym 'zz'"):
        remove_synonym(rules, "zz")
    with pytest.raises(ConfigError, match="one word"):
        add_synonym(RULES, "two words", "x")


def test_customer_override_set_clear_and_validate() -> None:
    rules = set_customer_override(RULES, "C1", {"automation": "never", "line_threshold": 0.9})
    assert rules.customers["C1"].automation == "never" and rules.customers["C1"].line_threshold == 0.9
    rules = set_customer_override(rules, "C1", {"price_tolerance": "0.1"})
    assert rules.customers["C1"].automation == "never" and rules.customers["C1"].price_tolerance == Decimal(
        "0.1"
    )
    cleared = set_customer_override(rules, "C1", {}, clear=True)
    assert "C1" not in cleared.customers
    replaced = set_customer_override(rules, "C1", {"automation": "always"}, clear=True)
    assert replaced.customers["C1"].line_threshold is None and replaced.customers["C1"].automation == "always"
    with pytest.raises(ConfigError, match="customer C1: line_threshold"):
        set_customer_override(RULES, "C1", {"line_threshold": 2})
    with pytest.raises(ConfigError, match="unknown customer settings: speed"):
        set_customer_override(RULES, "C1", {"speed": 1})


def test_regex_rules_add_remove() -> None:
    rules = add_regex_rule(RULES, REVIEW_TEST_POS)
    assert [r.name for r in rules.regex_rules] == ["test-po"]
    with pytest.raises(ConfigError, match="exists; remove it first"):
        add_regex_rule(rules, REVIEW_TEST_POS)
    with pytest.raises(ConfigError, match="needs a value"):
        add_regex_rule(RULES, {**REVIEW_TEST_POS, "name": "x", "action": "customer"})
    with pytest.raises(ConfigError, match=r"pattern: .*does not compile"):
        add_regex_rule(RULES, {**REVIEW_TEST_POS, "pattern": "(["})
    assert set_rule(rules, "regex_rules.test-po.priority", "5").regex_rules[0].priority == 5
    assert remove_regex_rule(rules, "test-po").regex_rules == ()
    with pytest.raises(ConfigError, match="no regex rule 'other'"):
        remove_regex_rule(rules, "other")


def test_rules_from_json_round_trip_and_errors() -> None:
    rules = set_rule(add_regex_rule(RULES, REVIEW_TEST_POS), "price_tolerance", "0.05")
    assert rules_from_json(rules.model_dump_json()) == rules
    # a number written as a JSON number is read exactly
    assert rules_from_json('{"price_tolerance": 0.07}').price_tolerance == Decimal("0.07")
    with pytest.raises(ConfigError, match="is not JSON"):
        rules_from_json("{nope", "proposed.json")
    with pytest.raises(ConfigError, match=r"thresholds\.line"):
        rules_from_json(json.dumps({"thresholds": {"line": 3}}))
    with pytest.raises(ConfigError, match="one JSON object"):
        rules_from_json("[]")


def test_flatten_gives_the_paths_set_rule_takes() -> None:
    rules = add_regex_rule(set_rule(RULES, "customers.C1.automation", "never"), REVIEW_TEST_POS)
    flat = dict(flatten(rules.model_dump(mode="json")))
    assert flat["thresholds.line"] == 0.95 and flat["customers.C1.automation"] == "never"
    assert flat["regex_rules.test-po.pattern"] == "^TEST"
    for path in ("thresholds.line", "customers.C1.automation", "regex_rules.test-po.priority"):
        set_rule(rules, path, str(flat[path]))


def test_learned_keys() -> None:
    assert learned_key("part", " 77-1001 ") == "771001"
    assert learned_key("description", 'Hex Bolt 1/4" ZINC') == learned_key("description", "hex bolt 1/4 zinc")
    with pytest.raises(ConfigError):
        learned_key("upc", "1")
