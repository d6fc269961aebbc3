"""The review UI: a small, read-only Flask app over the document and order store.

``create_app(settings)`` builds the app; nothing connects to the database at import time or in
the factory (the engine connects on the first request). ``review_ui.serve.serve`` runs it under
waitress.
"""

from __future__ import annotations

from flask import Flask, Response

from ingest.config import Settings
from ingest.db import Database

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def create_app(settings: Settings, db: Database | None = None) -> Flask:
    """The review UI for ``settings``; ``db`` defaults to ``Database(settings.database_url)``."""
    from review_ui import errors, views
    from review_ui import metrics as operations

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.jinja_env.autoescape = True
    app.extensions["review_ui.db"] = db if db is not None else Database(settings.database_url)
    app.extensions["review_ui.settings"] = settings

    app.register_blueprint(views.blueprint)
    app.register_blueprint(operations.blueprint)
    errors.register(app)
    views.register_filters(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


__all__ = ["create_app"]
