"""The review UI: clerks review orders waiting for them, admins also change the rules and the
cross-references learned from clerks. Everyone signs in (``ingest user add``).

``create_app(settings)`` builds the app; nothing connects to the database at import time or in
the factory (the engine connects on the first request). ``review_ui.serve.serve`` runs it under
waitress. The session cookie is marked Secure when ``secure_cookies`` is true (or
INGEST_SECURE_COOKIES=1) and whenever a request arrives over https.
"""

from __future__ import annotations

import os

from flask import Flask, Response

from ingest.config import Settings
from ingest.db import Database

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def create_app(
    settings: Settings, db: Database | None = None, *, secure_cookies: bool | None = None
) -> Flask:
    """The review UI for ``settings``; ``db`` defaults to ``Database(settings.database_url)``."""
    from review_ui import admin, admin_messages, admin_setup, auth, dashboard, errors, orders, views
    from review_ui import metrics as operations

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(
            os.environ.get("INGEST_SECURE_COOKIES", "") in ("1", "true", "yes")
            if secure_cookies is None
            else secure_cookies
        ),
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    app.jinja_env.autoescape = True
    app.extensions["review_ui.db"] = db if db is not None else Database(settings.database_url)
    app.extensions["review_ui.settings"] = settings

    app.register_blueprint(auth.blueprint)
    app.register_blueprint(views.blueprint)
    app.register_blueprint(orders.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(admin_setup.blueprint)
    app.register_blueprint(admin_messages.blueprint)
    auth.register(app)
    app.register_blueprint(operations.blueprint)
    app.register_blueprint(dashboard.blueprint)
    errors.register(app)
    views.register_filters(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


__all__ = ["create_app"]
