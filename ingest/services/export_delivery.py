"""Delivering an export entry to its target: a file in a folder (JSON Lines or CSV), or a signed
webhook POST. The I/O edge of exports: library and OS errors become an :class:`Attempt` with a
reason, or :class:`~ingest.errors.TransientError` for a network fault."""

from __future__ import annotations

import http.client
import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.db.outbox import ExportTarget, OutboxEntry
from ingest.errors import ConfigError, TransientError
from ingest.services.export_format import FILE_KINDS, file_name, parse_mapping, render
from ingest.services.outbox import Attempt, DeliveryContext, HttpReply
from ingest.services.outbox_policy import webhook_headers

REPLY_SNIPPET = 300


def target_secret(target: ExportTarget) -> bytes:
    """The webhook's HMAC secret, read now from its environment variable or file (never stored)."""
    config = target.config
    if config.get("secret_env"):
        value = os.environ.get(config["secret_env"])
        if not value:
            raise ConfigError(
                f"export target {target.name}: environment variable {config['secret_env']} is not set"
            )
        return value.encode()
    if config.get("secret_file"):
        try:
            value = Path(config["secret_file"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"export target {target.name}: cannot read the secret file "
                f"{config['secret_file']}: {exc.strerror}"
            ) from exc
        if not value:
            raise ConfigError(
                f"export target {target.name}: the secret file {config['secret_file']} is empty"
            )
        return value.encode()
    raise ConfigError(f"export target {target.name} has no secret (secret_env or secret_file)")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx, not a reason to POST somewhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def urllib_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpReply:
    """POST with the standard library; any HTTP status is a reply, a network fault raises."""
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"webhook URL {url!r} is not http(s)")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return HttpReply(response.status, response.read(REPLY_SNIPPET).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        try:
            text = exc.read(REPLY_SNIPPET).decode("utf-8", "replace")
        except OSError:
            text = ""
        return HttpReply(exc.code, text)
    except urllib.error.URLError as exc:
        raise TransientError(f"POST {url}: {exc.reason}") from exc
    except (TimeoutError, http.client.HTTPException, OSError) as exc:
        raise TransientError(f"POST {url}: {type(exc).__name__}: {exc}") from exc


def write_atomically(folder: Path, name: str, content: bytes) -> Path:
    """Write ``folder/name`` whole or not at all (a temporary file renamed over it): a reader never
    sees half a file, and writing the same order again replaces its file."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    temporary = folder / f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        with temporary.open("wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        temporary.replace(final)
    finally:
        temporary.unlink(missing_ok=True)
    return final


def _deliver_file(target: ExportTarget, entry: OutboxEntry) -> Attempt:
    mapping = parse_mapping(target.mapping, f"export target {target.name}'s mapping")
    content = render(target.kind, entry.payload, mapping)
    name = file_name(entry.order_id or entry.id, target.kind)
    try:
        path = write_atomically(Path(target.config["folder"]), name, content)
    except OSError as exc:
        return Attempt(
            False, error=f"cannot write {name} to {target.config['folder']}: {exc.strerror or exc}"
        )
    return Attempt(True, ref=str(path))


def _deliver_webhook(target: ExportTarget, entry: OutboxEntry, context: DeliveryContext) -> Attempt:
    mapping = parse_mapping(target.mapping, f"export target {target.name}'s mapping")
    body = render("webhook", entry.payload, mapping)
    headers = webhook_headers(target_secret(target), body, entry.key, context.now())
    timeout = float(target.config.get("timeout") or context.settings.outbox_timeout_seconds)
    url = str(target.config["url"])
    try:
        reply = context.post(url, body, headers, timeout)
    except TransientError as exc:
        return Attempt(False, error=exc.message)
    if 200 <= reply.status < 300:
        return Attempt(True, http_status=reply.status, ref=f"{url} answered {reply.status}")
    said = " ".join(reply.body.split())[:200]
    return Attempt(
        False,
        http_status=reply.status,
        error=f"{url} answered {reply.status}" + (f": {said}" if said else ""),
    )


def deliver_export(entry: OutboxEntry, context: DeliveryContext) -> Attempt:
    """The deliverer of ``export`` entries: the order to the entry's target, as it is configured now."""
    with context.db.unit_of_work("outbox") as uow:
        target = uow.export_targets.find(entry.target or "")
    if target is None:
        return Attempt(False, error=f"export target {entry.target} no longer exists", final=True)
    if not target.enabled:
        return Attempt(False, error=f"export target {target.name} is disabled", skipped=True)
    if target.kind in FILE_KINDS:
        return _deliver_file(target, entry)
    if target.kind == "webhook":
        return _deliver_webhook(target, entry, context)
    return Attempt(
        False, error=f"export target {target.name} has an unknown kind {target.kind!r}", final=True
    )
