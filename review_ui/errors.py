"""Error pages: a missing id is a 404 page, database trouble a 503 page, never a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from ingest.errors import NotFoundError, SchemaError, TransientError
from ingest.logs import get_logger

log = get_logger(__name__)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(NotFoundError)
    def _not_found(exc: NotFoundError) -> tuple[str, int]:
        return _page(404, "Not found", exc.message)

    @app.errorhandler(TransientError)
    @app.errorhandler(SchemaError)
    def _database(exc: TransientError | SchemaError) -> tuple[str, int]:
        log.warning("review UI: database unavailable", error=exc.message)
        return _page(503, "Database unavailable", "The database did not answer. Try again in a moment.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int, list[tuple[str, str]]]:
        body, status = _page(exc.code or 500, exc.name, exc.description or "")
        kept = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # e.g. Allow on 405
        return body, status, kept

    @app.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> tuple[str, int]:
        original = exc.original_exception
        log.error("review UI: unhandled error", error=repr(original), exc_info=original)
        return _page(500, "Internal error", "Something went wrong showing this page; it has been logged.")
