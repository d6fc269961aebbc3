"""What an export target receives for one committed order: the record, renamed by the target's
field mapping, rendered as JSON, JSON Lines or CSV. Pure: no database, clock, file or network.

A mapping (``ingest export target add --mapping FILE.json``) says which of our fields go out under
which of the ERP's names::

    {"fields": {"po_number": "PONumber", "customer_id": "CustomerCode", "ship_to.name": "ShipToName",
                "lines.sku": "ItemCode", "lines.quantity": "Qty"},
     "lines": "Items",
     "drop_unmapped": true,
     "constants": {"Company": "NW01"},
     "line_constants": {"Warehouse": "MAIN"}}

A source path is dotted into the order record (``ship_to.name``); ``lines.X`` is field X of every
line. A target name may be dotted too, to nest (``ShipTo.Name``). ``lines`` renames the list of
lines. Without ``drop_unmapped`` the fields not mapped keep our names.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.errors import ConfigError
from ingest.services.export import CSV_COLUMNS, csv_rows

FILE_KINDS = ("jsonl", "csv")
TARGET_KINDS = (*FILE_KINDS, "webhook")
_NAME = re.compile(r"^[A-Za-z0-9_$@#-][A-Za-z0-9_ $@#/-]*(\.[A-Za-z0-9_$@#-][A-Za-z0-9_ $@#/-]*)*$")
_MAPPING_KEYS = {"fields", "lines", "drop_unmapped", "constants", "line_constants"}


@dataclass(frozen=True)
class FieldMapping:
    """Our field names to the ERP's. The empty mapping sends the record as it is."""

    fields: tuple[tuple[str, str], ...] = ()
    lines: str = "lines"
    drop_unmapped: bool = False
    constants: Mapping[str, Any] = field(default_factory=dict)
    line_constants: Mapping[str, Any] = field(default_factory=dict)

    @property
    def order_fields(self) -> tuple[tuple[str, str], ...]:
        return tuple((s, t) for s, t in self.fields if not s.startswith("lines."))

    @property
    def line_fields(self) -> tuple[tuple[str, str], ...]:
        return tuple((s.removeprefix("lines."), t) for s, t in self.fields if s.startswith("lines."))

    def as_dict(self) -> dict[str, Any]:
        return {
            "fields": dict(self.fields),
            "lines": self.lines,
            "drop_unmapped": self.drop_unmapped,
            "constants": dict(self.constants),
            "line_constants": dict(self.line_constants),
        }


def parse_mapping(raw: object, where: str = "the mapping") -> FieldMapping:
    """Check a mapping (as read from its JSON file); a mistake is a ConfigError naming it."""
    if raw is None:
        return FieldMapping()
    if not isinstance(raw, dict):
        raise ConfigError(f'{where} must be a JSON object with "fields" (our name → ERP name)')
    unknown = set(raw) - _MAPPING_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {sorted(_MAPPING_KEYS)}"
        )
    fields = raw.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise ConfigError(f'{where}: "fields" must map our field names to ERP names (strings)')
    pairs: list[tuple[str, str]] = []
    seen: dict[tuple[bool, str], str] = {}
    for source, target in fields.items():
        for name, what in ((source, "field"), (target, "ERP name")):
            if not _NAME.match(name):
                raise ConfigError(f"{where}: {what} {name!r} is not a name or dotted path")
        if source == "lines":
            raise ConfigError(f'{where}: rename the list of lines with "lines": "NAME", not in fields')
        key = (source.startswith("lines."), target)
        if key in seen:
            raise ConfigError(f"{where}: {seen[key]!r} and {source!r} are both mapped to {target!r}")
        seen[key] = source
        pairs.append((source, target))
    lines = raw.get("lines", "lines")
    if not isinstance(lines, str) or not _NAME.match(lines) or "." in lines:
        raise ConfigError(f'{where}: "lines" must be a plain name, not {lines!r}')
    drop = raw.get("drop_unmapped", False)
    if not isinstance(drop, bool):
        raise ConfigError(f'{where}: "drop_unmapped" must be true or false')
    constants, line_constants = raw.get("constants", {}), raw.get("line_constants", {})
    for name, value in (("constants", constants), ("line_constants", line_constants)):
        if not isinstance(value, dict) or any(isinstance(v, dict | list) for v in value.values()):
            raise ConfigError(f'{where}: "{name}" must map ERP names to plain values')
    return FieldMapping(tuple(pairs), lines, drop, dict(constants), dict(line_constants))


_MISSING = object()


def _get(obj: Mapping[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _pop(obj: dict[str, Any], path: str) -> None:
    *parents, leaf = path.split(".")
    node: Any = obj
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(leaf, None)


def _set(obj: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = obj
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def _apply(source: Mapping[str, Any], pairs: tuple[tuple[str, str], ...], drop: bool) -> dict[str, Any]:
    out: dict[str, Any] = {} if drop else copy.deepcopy(dict(source))
    values = [(target, _get(source, path)) for path, target in pairs]
    if not drop:
        for path, _target in pairs:
            _pop(out, path)
    for target, value in values:
        _set(out, target, None if value is _MISSING else copy.deepcopy(value))
    return out


def map_record(record: Mapping[str, Any], mapping: FieldMapping) -> dict[str, Any]:
    """The order record under the ERP's names (a missing source field goes out as null)."""
    lines = [dict(line) for line in record.get("lines") or []]
    order = {k: v for k, v in record.items() if k != "lines"}
    out = _apply(order, mapping.order_fields, mapping.drop_unmapped)
    for name, value in mapping.constants.items():
        _set(out, name, value)
    mapped_lines = []
    for line in lines:
        mapped = _apply(line, mapping.line_fields, mapping.drop_unmapped)
        for name, value in mapping.line_constants.items():
            _set(mapped, name, value)
        mapped_lines.append(mapped)
    out[mapping.lines] = mapped_lines
    return out


def render_json(record: Mapping[str, Any], mapping: FieldMapping) -> bytes:
    """One order as a JSON object (the webhook's body): compact, keys in a stable order."""
    return json.dumps(map_record(record, mapping), ensure_ascii=False, separators=(",", ":")).encode()


def render_jsonl(record: Mapping[str, Any], mapping: FieldMapping) -> bytes:
    """One order as one JSON Lines record."""
    return json.dumps(map_record(record, mapping), ensure_ascii=False).encode() + b"\n"


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def render_csv(record: Mapping[str, Any], mapping: FieldMapping) -> bytes:
    """One order as CSV with a header: one row per line, the columns of `ingest export --format
    csv`, renamed by the mapping (``po_number`` and ``lines.sku`` both name a column here)."""
    rows = list(csv_rows([dict(record)]))
    renames = {s.removeprefix("lines."): t for s, t in mapping.fields}
    columns: list[str] = []
    for _source, target in mapping.fields:
        if target not in columns:
            columns.append(target)
    if not mapping.drop_unmapped:
        columns += [c for c in CSV_COLUMNS if c not in renames and c not in columns]
    constants = {**mapping.constants, **mapping.line_constants}
    columns += [c for c in constants if c not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        out: dict[str, Any] = {}
        for column in CSV_COLUMNS:
            if column not in renames and not mapping.drop_unmapped:
                out[column] = row.get(column)
        for source, target in mapping.fields:
            leaf = source.removeprefix("lines.")
            value = row.get(leaf) if leaf in row else _get(record, source)
            out[target] = _cell(None if value is _MISSING else value)
        out.update(constants)
        writer.writerow(out)
    return buffer.getvalue().encode("utf-8")


def render(kind: str, record: Mapping[str, Any], mapping: FieldMapping) -> bytes:
    """The bytes a target of ``kind`` (jsonl, csv, webhook) receives for one order."""
    if kind == "jsonl":
        return render_jsonl(record, mapping)
    if kind == "csv":
        return render_csv(record, mapping)
    if kind == "webhook":
        return render_json(record, mapping)
    raise ConfigError(f"unknown export target kind {kind!r}; one of {', '.join(TARGET_KINDS)}")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(order_id: str, kind: str) -> str:
    """The file one order is written to: the same name every time, so a repeat overwrites."""
    return f"order_{_UNSAFE.sub('_', order_id)}.{kind}"
