"""Signing in to the review UI in tests: a user added through the service, a session through the
login form (with its CSRF token)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from ingest.db import Database
from ingest.services.users import add_user

PASSWORD = "correct horse battery"


def add(url: str, name: str, role: str, password: str = PASSWORD) -> None:
    db = Database(url)
    try:
        add_user(db, name, role, password, actor="tests")
    finally:
        db.dispose()


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD, *, expect: int = 302) -> str:
    """Sign in; returns the response body (the redirect, or the login page with its error)."""
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    assert response.status_code == expect, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)
