"""Changes to a rule set, as an administrator words them: a dotted path and a value, a synonym, a
customer's override, a regex rule. Pure: a RuleSet in, a new validated RuleSet out, or a
ConfigError that names the path and says what is allowed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ingest.domain.rules import CustomerOverride, RegexRule, RuleSet
from ingest.errors import ConfigError

FREE_KEYS = ("customers", "synonyms")
"""Settings that are maps by a key the administrator chooses (a customer id, an abbreviation)."""

OVERRIDE_FIELDS = tuple(CustomerOverride.model_fields)


def problems(exc: ValidationError, prefix: str = "") -> str:
    """A pydantic error as 'path: what is wrong; …', paths dotted as `rules set` takes them."""
    out = []
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        where = ".".join(p for p in (prefix, loc) if p)
        out.append(f"{where or 'rules'}: {error['msg']}")
    return "; ".join(out)


def validated(data: Any, what: str = "") -> RuleSet:
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid rules{' in ' + what if what else ''}: {problems(exc)}") from exc


def rules_from_json(text: str, what: str = "the file") -> RuleSet:
    """A whole rule set from JSON; numbers are read as decimals so that money stays exact."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{what} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{what} must hold one JSON object (as `ingest rules export` writes)")
    return validated(data, what)


def parse_value(text: str) -> Any:
    """A value from the command line: null/none clears, {…} and […] are JSON, the rest a string
    (the model converts '0.9' to a number and refuses what does not fit)."""
    stripped = text.strip()
    if stripped.lower() in ("null", "none"):
        return None
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{text!r} looks like JSON but is not: {exc}") from exc
    return stripped


def parse_assignment(text: str) -> tuple[str, str]:
    """'thresholds.line=0.9' -> ('thresholds.line', '0.9')."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise ConfigError(f"{text!r} is not PATH=VALUE (like thresholds.line=0.9)")
    return path.strip(), value


def _regex_index(rules: list[Any], part: str, path: str) -> int:
    if part.isdigit() and int(part) < len(rules):
        return int(part)
    for index, rule in enumerate(rules):
        if isinstance(rule, dict) and rule.get("name") == part:
            return index
    names = ", ".join(str(r.get("name")) for r in rules if isinstance(r, dict)) or "none"
    raise ConfigError(f"{path}: no regex rule {part!r} (rules: {names})")


def set_rule(rules: RuleSet, path: str, value: str) -> RuleSet:
    """``rules`` with the setting at ``path`` ('thresholds.line', 'automation',
    'customers.C0001.automation', 'synonyms.blk', 'regex_rules.NAME.priority') set to ``value``."""
    parts = path.strip().split(".")
    if any(not p for p in parts):
        raise ConfigError(f"{path!r} is not a setting path (like thresholds.line or automation)")
    data: dict[str, Any] = rules.model_dump(mode="json")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            index = _regex_index(node, part, ".".join(parts[: depth + 1]))
            if last:
                node[index] = parse_value(value)
            node = node[index]
            continue
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: {parts[depth - 1]!r} is a single value, with no settings below it")
        if part not in node:
            if not (depth == 1 and parts[0] in FREE_KEYS):
                under = f" under {'.'.join(parts[:depth])}" if depth else ""
                raise ConfigError(f"{path}: no setting {part!r}{under}; there are: {', '.join(sorted(node))}")
            node[part] = CustomerOverride().model_dump(mode="json") if parts[0] == "customers" else {}
        if last:
            node[part] = parse_value(value)
        node = node[part]
    return validated(data)


def add_synonym(rules: RuleSet, abbreviation: str, meaning: str) -> RuleSet:
    return validated({**rules.model_dump(mode="json"), "synonyms": {**rules.synonyms, abbreviation: meaning}})


def remove_synonym(rules: RuleSet, abbreviation: str) -> RuleSet:
    key = abbreviation.strip().lower()
    if key not in rules.synonyms:
        raise ConfigError(f"no synonym {abbreviation!r}; `ingest rules synonym list` shows them")
    return rules.model_copy(update={"synonyms": {k: v for k, v in rules.synonyms.items() if k != key}})


def set_customer_override(
    rules: RuleSet, customer_id: str, changes: dict[str, Any], *, clear: bool = False
) -> RuleSet:
    """``rules`` with the customer's override cleared (``clear``) and/or ``changes`` applied
    (keys of :class:`CustomerOverride`; a None value keeps what is there). An override left
    with nothing in it is removed."""
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise ConfigError(f"unknown customer settings: {', '.join(sorted(unknown))}")
    current = {} if clear else rules.customers.get(customer_id, CustomerOverride()).model_dump(mode="json")
    current.update({k: v for k, v in changes.items() if v is not None})
    customers = {k: v.model_dump(mode="json") for k, v in rules.customers.items() if k != customer_id}
    if any(v is not None for v in current.values()):
        customers[customer_id] = current
    try:
        return validated({**rules.model_dump(mode="json"), "customers": customers})
    except ConfigError as exc:
        raise ConfigError(
            exc.message.replace(f"customers.{customer_id}.", f"customer {customer_id}: ")
        ) from exc


def add_regex_rule(rules: RuleSet, rule: dict[str, Any]) -> RuleSet:
    """``rules`` with a new regex rule; its name must be new (remove the old one to replace it)."""
    try:
        new = RegexRule.model_validate(rule)
    except ValidationError as exc:
        raise ConfigError(f"invalid regex rule: {problems(exc)}") from exc
    if any(r.name == new.name for r in rules.regex_rules):
        raise ConfigError(
            f"a regex rule named {new.name!r} exists; "
            f"remove it first (`ingest rules regex remove {new.name}`)"
        )
    return rules.model_copy(update={"regex_rules": (*rules.regex_rules, new)})


def remove_regex_rule(rules: RuleSet, name: str) -> RuleSet:
    if not any(r.name == name for r in rules.regex_rules):
        names = ", ".join(r.name for r in rules.regex_rules) or "none"
        raise ConfigError(f"no regex rule {name!r} (rules: {names})")
    return rules.model_copy(update={"regex_rules": tuple(r for r in rules.regex_rules if r.name != name)})


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every single setting as (dotted path, value), for showing; regex rules by name."""
    if isinstance(data, dict) and data:
        out: list[tuple[str, Any]] = []
        for key, value in data.items():
            out += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(data, list) and data and all(isinstance(r, dict) and "name" in r for r in data):
        out = []
        for rule in data:
            out += flatten({k: v for k, v in rule.items() if k != "name"}, f"{prefix}.{rule['name']}")
        return out
    return [(prefix, data)]
