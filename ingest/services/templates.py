"""Customer templates on disk: loading them (a broken one is named, never silently used) and
trying one against stored documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.db import Database
from ingest.errors import TemplateError
from ingest.logs import get_logger
from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.templates import Template, applies, apply_template, load_template

log = get_logger(__name__)


@dataclass
class LoadedTemplates:
    templates: list[Template]
    errors: list[TemplateError]


def load_templates(folder: Path | None) -> LoadedTemplates:
    """Every ``*.toml`` in ``folder``, in name order; broken ones are reported in ``errors``."""
    found = LoadedTemplates([], [])
    if folder is None or not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.toml")):
        try:
            found.templates.append(load_template(path.read_text(encoding="utf-8"), path.name))
        except (TemplateError, UnicodeDecodeError, OSError) as exc:
            error = exc if isinstance(exc, TemplateError) else TemplateError(f"template {path.name}: {exc}")
            found.errors.append(error)
            log.error("template skipped", template=path.name, error=str(error))
    return found


def try_template(db: Database, template: Template, document_ids: list[str]) -> list[dict[str, Any]]:
    """What the template reads from each stored PDF, beside what the generic reader reads."""
    from ingest.parsers.pdf.extract import read_pdf
    from ingest.parsers.pdf.layout import read_order

    results = []
    for doc_id in document_ids:
        with db.unit_of_work() as uow:
            doc = uow.documents.get(doc_id)
            content = uow.documents.content(doc.sha256)
        record: dict[str, Any] = {"document_id": doc_id, "file": doc.filename}
        try:
            pdf = read_pdf(content)
        except Exception as exc:  # shown to the person testing the template
            record["error"] = str(exc)
            results.append(record)
            continue
        generic = read_order(pdf)
        context = ParseContext(filename=doc.filename)
        record["applies"] = applies(template, pdf, context)
        record["template"] = apply_template(template, pdf, generic).model_dump(mode="json")
        record["generic"] = [o.model_dump(mode="json") for o in generic]
        results.append(record)
    return results
