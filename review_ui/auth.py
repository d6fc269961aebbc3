"""Signing in, roles and CSRF.

Every route needs a signed-in user unless listed in ``PUBLIC``; the ``admin`` blueprint needs an
admin. The session cookie is HttpOnly and SameSite=Lax (Secure when configured or served over
https); every POST carries the session's CSRF token. Failed sign-ins are limited per name and
address and per address (``ingest/services/sign_ins.py``), counted in the database so that every
UI process enforces the same limit.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response as BaseResponse

from ingest.db import Database
from ingest.db.users import User
from ingest.logs import get_logger
from ingest.services.sign_ins import SignInLimiter
from ingest.services.users import authenticate, get_user

log = get_logger(__name__)

blueprint = Blueprint("auth", __name__)

PUBLIC = frozenset({"auth.login", "static", "review.healthz"})
PUBLIC_BLUEPRINTS = frozenset({"operations"})  # /metrics and /healthz/workers for monitoring
ADMIN_BLUEPRINTS = frozenset({"admin", "dashboard", "setup", "messages"})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure also whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _limiter() -> SignInLimiter:
    limiter: SignInLimiter = current_app.extensions["review_ui.limiter"]
    return limiter


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    return isinstance(expected, str) and hmac.compare_digest(sent.encode(), expected.encode())


def current_user() -> User | None:
    user: User | None = g.get("user")
    return user


def _load_user() -> User | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = get_user(_db(), user_id)
    if user is None or user.role != session.get("role"):
        session.clear()  # removed, deactivated or given another role: sign in again
        return None
    return user


def _guard() -> BaseResponse | None:
    if request.routing_exception is not None:
        return None  # 404/405 pages as usual
    if request.method == "POST" and not _csrf_ok():
        abort(
            400, description="The form expired or did not come from this site; reload the page and try again."
        )
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    user = _load_user()
    if user is None:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401, description="Sign in first.")
    g.user = user
    if request.blueprint in ADMIN_BLUEPRINTS and not user.is_admin:
        abort(403, description="This page is for admins.")
    return None


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if not target:
        return url_for("orders.queue")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("orders.queue")
    return target


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse | tuple[str, int]:
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", next=next_url, error=None)
    name = request.form.get("name", "").strip()[:100]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    limiter = _limiter()
    if limiter.blocked(name, address):
        log.warning("review UI: sign-in blocked after repeated failures", user=name, address=address)
        message = "Too many failed sign-ins. Wait a few minutes and try again."
        return render_template("login.html", next=next_url, error=message), 429
    user = authenticate(_db(), name, password)
    if user is None:
        limiter.failed(name, address)
        log.info("review UI: sign-in failed", user=name, address=address)
        return render_template("login.html", next=next_url, error="Wrong name or password."), 401
    limiter.succeeded(name, address)
    session.clear()
    session["user_id"] = user.id
    session["role"] = user.role
    session["csrf"] = secrets.token_urlsafe(32)
    log.info("review UI: signed in", user=user.name)
    return redirect(_safe_next(next_url))


@blueprint.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    return redirect(url_for("auth.login"))


def register(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.extensions["review_ui.limiter"] = SignInLimiter(app.extensions["review_ui.db"])
    app.before_request(_guard)
    app.add_template_global(csrf_token, "csrf_token")
    app.add_template_global(current_user, "current_user")

    @app.after_request
    def _no_store(response: Response) -> Response:
        if current_user() is not None:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
