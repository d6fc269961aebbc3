"""Serving the review UI with waitress: a production-grade WSGI server in pure Python."""

from __future__ import annotations

from flask import Flask
from waitress import serve as waitress_serve  # type: ignore[import-untyped, unused-ignore]


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8080, *, threads: int = 8) -> None:
    """Serve ``app`` on ``host:port`` until interrupted. Prints nothing itself (waitress logs
    through the ``waitress`` logger)."""
    waitress_serve(
        app, host=host, port=port, threads=threads, ident="po-review", clear_untrusted_proxy_headers=True
    )
