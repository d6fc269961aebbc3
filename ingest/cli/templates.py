"""Commands for customer PDF templates: check them, and try one on stored documents."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.cli.common import AppContext, IngestGroup, emit_json, out, pass_app
from ingest.domain.document import DocumentState
from ingest.errors import TemplateError
from ingest.parsers.pdf.templates import load_template
from ingest.services.templates import load_templates, try_template


@click.group("template", cls=IngestGroup)
def template_group() -> None:
    """Customer templates (TOML) that pin fields the generic PDF reader gets wrong."""


@template_group.command("check")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_app
def template_check(app: AppContext, folder: Path | None) -> None:
    """Validate every template in FOLDER (default: INGEST_TEMPLATES_DIR or DATA_DIR/templates)."""
    folder = folder or app.settings.templates_folder
    loaded = load_templates(folder)
    for template in loaded.templates:
        out.print(f"[green]✓[/] {template.name}")
    for error in loaded.errors:
        out.print(f"[red]✗[/] {error.message}", markup=True)
    if not loaded.templates and not loaded.errors:
        out.print(f"no templates in {folder}")
    if loaded.errors:
        raise SystemExit(1)


@template_group.command("test")
@click.argument("template_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--document", "document_ids", multiple=True, help="A stored document id (default: the last PDFs)."
)
@click.option(
    "--limit", default=20, show_default=True, help="How many stored PDFs when no --document is given."
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def template_test(app: AppContext, template_file: Path, document_ids: tuple[str, ...], limit: int,
                  as_json: bool) -> None:  # fmt: skip
    """Show what TEMPLATE_FILE reads from stored PDFs, beside what the generic reader reads."""
    try:
        template = load_template(template_file.read_text(encoding="utf-8"), template_file.name)
    except UnicodeDecodeError as exc:
        raise TemplateError(f"template {template_file.name}: not UTF-8 text") from exc
    db = app.pipeline().db
    ids = list(document_ids)
    if not ids:
        with db.unit_of_work() as uow:
            docs = uow.documents.find(None, limit=10_000, newest_first=True)
        ids = [d.id for d in docs if d.format == "pdf" and d.state is not DocumentState.DUPLICATE][:limit]
    results = try_template(db, template, ids)
    for r in results:
        if as_json:
            emit_json(r)
            continue
        if "error" in r:
            out.print(f"[red]✗[/] {r['file']}: {r['error']}", markup=True)
            continue
        t, generic = r["template"], (r["generic"] or [{}])[0]
        mark = "applies" if r["applies"] else "does not apply ([match] fails)"
        out.print(f"[bold]{r['file']}[/] ({r['document_id']}): template {mark}", markup=True)
        for name in ("po_number", "po_date", "total_amount", "currency"):
            out.print(
                f"    {name:<14} template {t.get(name)!s:<20} generic {generic.get(name)!s}", markup=False
            )
        out.print(
            f"    {'lines':<14} template {len(t['lines'])!s:<20} generic {len(generic.get('lines', []))}",
            markup=False,
        )
        for note in t["notes"]:
            if note.startswith("template"):
                out.print(f"    note: {note}", markup=False)
    if not results:
        out.print("no stored PDF documents to try the template on (pass --document ID)")
